"""The record: what movibot knows of a page once parsed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeAlias

from movibot.problems import Problem
from movibot.records.values import FieldValue

# A value as JSON and YAML write it: to_plain's result.
Plain: TypeAlias = "int | float | str | bool | list[Plain] | None"


@dataclass(frozen=True)
class Record:
    """A parsed page: its fields under the schema's names, plus what else the page holds.

    `fields` hold read values (Decimal numbers, lists, ISO dates, str); an unreadable value
    stays as its raw text and has a problem. `extra` holds unknown parameters (raw text).
    `positions` give each field's 1-based (line, col) and `params` its parameter (or header
    label) as written on the page, for messages; `template_end` is the offset just past
    the template call, None when the page has no template; `template_start` its first offset, and
    `template_top_level` whether it is a top-level node of the page (not inside a tag, a table
    or another template).
    """

    title: str
    kind: str | None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    sections: tuple[tuple[str, str], ...] = ()
    links: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    template_end: int | None = None
    template_start: int | None = None
    template_top_level: bool = False
    template_at: tuple[int, int] | None = None
    from_fallback: bool = False
    problems: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def get(self, name: str, default: FieldValue = None) -> FieldValue:
        value = self.fields.get(name)
        return default if value is None else value

    def to_dict(self) -> dict[str, object]:
        """A JSON/YAML-ready dict: numbers as numbers, lists as lists, problems as dicts."""
        return {
            "title": self.title,
            "kind": self.kind,
            "fields": {k: to_plain(v) for k, v in self.fields.items() if v is not None},
            "extra": dict(self.extra),
            "categories": list(self.categories),
            "sections": [h for h, _ in self.sections],
            "links": list(self.links),
            "templates": list(self.templates),
            "problems": [p.to_dict() for p in self.problems],
        }


def to_plain(value: FieldValue) -> Plain:
    """Decimal -> int or float, tuples -> lists; other values unchanged."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value
