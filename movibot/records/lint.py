"""The linter: every rule of the Movilab documentation method, as Problems (pure).

`lint_page` checks one page; `lint_pages` checks a set, with links checked against the set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from movibot.problems import Problem, line_col
from movibot.records.check import check_page
from movibot.records.parse import pick_tree_schema, read_record
from movibot.records.record import Record
from movibot.records.schema import Schema
from movibot.wikitext.titles import fold, is_category, normalize_title
from movibot.wikitext.tree import parse_tree


@dataclass(frozen=True)
class LocalPage:
    """A page to lint: where it comes from (a file path or a title), its title and text."""

    path: str
    title: str
    text: str


def lint_page(
    source: LocalPage, schemas: Sequence[Schema], known_titles: set[str] | None = None
) -> list[Problem]:
    """Every problem of one page, sorted by position. `known_titles` enables link checks.

    The record's problems are the run's (records.check.check_page); lint adds the blocks'
    E401/E402, the documentation method's sections (E109) and category (E301), and links."""
    tree = parse_tree(source.text)
    schema = None if is_category(source.title) else pick_tree_schema(tree, schemas)
    record = read_record(tree, schema, source.title, source.path)
    problems = [_at_path(p, source.path) for p in tree.block_problems]
    problems.extend(check_page(tree, record, schema, source.path))
    if schema is not None and (record.template_at is not None or record.from_fallback):
        problems.extend(_missing_sections(record, schema, source.path))
    if not record.categories:
        problems.append(Problem("E301", "page is in no category", source.path, 1, 1))
    if known_titles is not None:
        problems.extend(_broken_links(record, source, known_titles))
    return sorted(problems, key=lambda p: (p.line, p.col, p.code))


def _at_path(p: Problem, path: str) -> Problem:
    return Problem(p.code, p.message, path, p.line, p.col, p.field)


def _missing_sections(record: Record, schema: Schema | None, path: str) -> Iterable[Problem]:
    """E109 for each section the documentation method asks of this type of document."""
    if schema is None:
        return
    at = record.template_at or (1, 1)
    present = {fold(h) for h, _ in record.sections}
    for section in schema.required_sections(record.fields):
        if fold(section) not in present:
            yield Problem("E109", f'missing section "{section}"', path, *at)


def _broken_links(record: Record, source: LocalPage, known: set[str]) -> Iterable[Problem]:
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
    sources: Sequence[LocalPage], schemas: Sequence[Schema], known: set[str] | None = None
) -> list[Problem]:
    """Lint a set of pages; links are checked against `known`, by default the set's titles."""
    known = known if known is not None else {s.title for s in sources}
    problems: list[Problem] = []
    for source in sources:
        problems.extend(lint_page(source, schemas, known))
    return problems
