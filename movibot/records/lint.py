"""The linter: every rule of the Movilab documentation method, as Problems (pure).

`lint_page` checks one page; `lint_pages` checks a set, with links checked against the set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from movibot.problems import Problem, line_col
from movibot.records.parse import parse_record
from movibot.records.record import Record
from movibot.records.schema import SHARE_FIELDS, FieldIssue, Schema, validate_fields
from movibot.wikitext.blocks import find_blocks
from movibot.wikitext.titles import fold, is_category, normalize_title


@dataclass(frozen=True)
class Source:
    """A page to lint: where it comes from (a file path or a title), its title and text."""

    path: str
    title: str
    text: str


def lint_page(
    source: Source, schemas: Sequence[Schema], known_titles: set[str] | None = None
) -> list[Problem]:
    """Every problem of one page, sorted by position. `known_titles` enables link checks."""
    record = parse_record(source.text, schemas, source.title, source.path)
    schema = next((s for s in schemas if s.kind == record.kind), None)
    problems = list(find_blocks(source.text)[1])
    problems = [_at_path(p, source.path) for p in problems]
    problems.extend(record.problems)
    if schema is not None:
        problems.extend(check_record(record, schema, source))
    if not record.categories:
        problems.append(Problem("E301", "page is in no category", source.path, 1, 1))
    if known_titles is not None:
        problems.extend(_broken_links(record, source, known_titles))
    return sorted(problems, key=lambda p: (p.line, p.col, p.code))


def _at_path(p: Problem, path: str) -> Problem:
    return Problem(p.code, p.message, path, p.line, p.col, p.field)


def check_record(record: Record, schema: Schema, source: Source) -> list[Problem]:
    """Schema validation, missing template and missing sections of a parsed record."""
    at = record.template_at or (1, 1)
    if record.template_at is None and not record.from_fallback:
        return [Problem("E108", f"page has no {{{{{schema.template}}}}} template", source.path,
                        1, 1)]
    out = []
    unreadable = {p.field for p in record.problems if p.code == "E103" and p.field}
    readable = {k: v for k, v in record.fields.items() if k not in unreadable}
    for issue in validate_fields(readable, schema):
        if _follows_from_e103(issue, unreadable):
            continue
        line, col = record.positions.get(issue.field or "", at)
        out.append(Problem(issue.code, issue.message, source.path, line, col, issue.field))
    present = {fold(h) for h, _ in record.sections}
    for section in schema.required_sections(record.fields):
        if fold(section) not in present:
            out.append(Problem("E109", f'missing section "{section}"', source.path, *at))
    return out


def _follows_from_e103(issue: FieldIssue, unreadable: set[str]) -> bool:
    """True for an issue an unreadable value (already E103) causes: missing, or shares."""
    if issue.code == "E105":
        return bool(unreadable.intersection(SHARE_FIELDS))
    return issue.field in unreadable


def _broken_links(record: Record, source: Source, known: set[str]) -> Iterable[Problem]:
    known_folded = {fold(normalize_title(t)) for t in known}
    targets: dict[str, tuple[int, int] | None] = {t: None for t in record.links}
    for target in record.fields.get("lieux") or ():
        targets.setdefault(target, record.positions.get("lieux"))
    for portal in record.fields.get("portail") or ():
        targets.setdefault(f"Portail:{portal}", record.positions.get("portail"))
    for target, where in targets.items():
        if is_category(target) or fold(normalize_title(target)) in known_folded:
            continue
        where = where or _link_position(source.text, target)
        yield Problem("W501", f'link to "{target}", which is not in the local set',
                      source.path, *where)


def _link_position(text: str, target: str) -> tuple[int, int]:
    """Where the page links to `target` (written `[[le_Mixeur|…]]` for `Le Mixeur`)."""
    name = f"(?i:{re.escape(target[:1])})" + "[ _]+".join(map(re.escape, target[1:].split(" ")))
    m = re.search(rf"\[\[[ _]*:?[ _]*({name})(?=[ _]*[]|#])", text)
    if m:
        return line_col(text, m.start(1))
    i = text.find(target)
    return line_col(text, i) if i >= 0 else (1, 1)


def lint_pages(
    sources: Sequence[Source], schemas: Sequence[Schema], known: set[str] | None = None
) -> list[Problem]:
    """Lint a set of pages; links are checked against `known`, by default the set's titles."""
    known = known if known is not None else {s.title for s in sources}
    problems: list[Problem] = []
    for source in sources:
        problems.extend(lint_page(source, schemas, known))
    return problems
