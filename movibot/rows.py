"""A members-table row: what a category page's table shows of one page (typed).

The plan makes one per page of a source (sync/plan.py `members_entry`), the members tables are
rendered from them (render/members.py), and the state keeps them between runs (state.py), as
the JSON object `to_json` gives; `from_json` reads one back and raises ValueError for one of
the wrong shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from movibot.i18n import Msg

# The JSON keys holding a text or null, and those holding a list of texts.
TEXTS = ("nom", "ville", "surface", "cout_mensuel", "tarif_residents", "type_document",
         "maturite")
LISTS = ("type", "theme", "categories")


@dataclass(frozen=True)
class MemberRow:
    """One page's row. `surface`, `cout_mensuel` and `tarif_residents` are decimal numbers as
    text (exact, as the table shows them); `categories` are the bare names of the categories
    whose tables list the page; `implied` maps a field to the categories its values make."""

    title: str
    kind: str = "lieu"
    nom: str | None = None
    ville: str | None = None
    type: tuple[str, ...] = ()
    surface: str | None = None
    cout_mensuel: str | None = None
    tarif_residents: str | None = None
    theme: tuple[str, ...] = ()
    type_document: str | None = None
    maturite: str | None = None
    categories: tuple[str, ...] = ()
    implied: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The row as the state file keeps it."""
        out: dict[str, object] = {"title": self.title, "kind": self.kind}
        out.update({k: getattr(self, k) for k in TEXTS})
        out.update({k: list(getattr(self, k)) for k in LISTS})
        out["implied"] = {k: list(v) for k, v in self.implied.items()}
        return out

    @classmethod
    def from_json(cls, raw: object) -> MemberRow:
        """A row read from the state file. Raises ValueError (what is wrong) for one of the
        wrong shape; keys it does not know are left out."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("title"), str):
            raise ValueError(Msg("not an object with a title"))
        kind = raw.get("kind") or "lieu"
        if not isinstance(kind, str):
            raise ValueError(Msg("`kind` is not a text"))
        texts = {k: _text(raw.get(k), k) for k in TEXTS}
        lists = {k: _texts(raw.get(k), k) for k in LISTS}
        implied = raw.get("implied") or {}
        if not isinstance(implied, Mapping):
            raise ValueError(Msg("`implied` is not an object"))
        return cls(raw["title"], kind, **texts, **lists,  # type: ignore[arg-type]
                   implied={str(k): _texts(v, f"implied.{k}") for k, v in implied.items()})


def _text(value: object, key: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(Msg("`{key}` is not a text", key=key))


def _texts(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(Msg("`{key}` is not a list of texts", key=key))
