"""The linter: a page's problems as the one reader (records.read) finds them, plus the one
rule about a set of pages: links to pages that are not in it (W501). Pure.

`lint_page` checks one page; `lint_pages` checks a set, with links checked against the set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from movibot.i18n import Msg
from movibot.problems import Problem, line_col
from movibot.records.read import Source, read_page, sources_of
from movibot.records.record import Record
from movibot.records.schema import Schema
from movibot.records.silence import silence
from movibot.records.values import FieldValue
from movibot.sites.base import Page
from movibot.wikitext.titles import fold, is_category, namespace_of, normalize_title


@dataclass(frozen=True)
class LocalPage:
    """A page to lint: where it comes from (a file path or a title), its title and text."""

    path: str
    title: str
    text: str


def lint_page(
    local: LocalPage, sources: Sequence[Source] | Sequence[Schema],
    known_titles: set[str] | None = None,
) -> list[Problem]:
    """Every problem of one page, sorted by position: its one reading's (records.read, the
    run's problems), and with `known_titles` the links to pages not in the set (W501); those
    the page's silencing comments silence left out, the unused ones' W701 added
    (records.silence)."""
    page = Page(local.title, local.text, ns=namespace_of(local.title))
    reading = read_page(page, as_sources(sources), path=local.path)
    problems = list(reading.problems)
    if known_titles is not None:
        problems.extend(_broken_links(reading.record, local, known_titles))
    problems = silence(problems, local.text, local.path)
    return sorted(problems, key=lambda p: (p.line, p.col, p.code))


def as_sources(given: Sequence[Source] | Sequence[Schema]) -> list[Source]:
    """Sources as given, or made from bare schemas (their own source categories)."""
    return [s if isinstance(s, Source) else sources_of([s])[0] for s in given]


def _broken_links(record: Record, source: LocalPage, known: set[str]) -> Iterable[Problem]:
    known_folded = {fold(normalize_title(t)) for t in known}
    targets: dict[str, tuple[int, int] | None] = {t: None for t in record.links}
    for target in _items(record.fields.get("lieux")):
        targets.setdefault(target, record.positions.get("lieux"))
    for portal in _items(record.fields.get("portail")):
        targets.setdefault(f"Portail:{portal}", record.positions.get("portail"))
    for target, where in targets.items():
        if is_category(target) or fold(normalize_title(target)) in known_folded:
            continue
        where = where or _link_position(source.text, target)
        yield Problem("W501", Msg('link to "{target}", which is not in the local set',
                                  target=target),
                      source.path, *where)


def _items(value: FieldValue) -> list[str]:
    """A list field's titles; none for a value that was not read (its raw text, with an E103)."""
    return value if isinstance(value, list) else []


def _link_position(text: str, target: str) -> tuple[int, int]:
    """Where the page links to `target` (written `[[le_Mixeur|…]]` for `Le Mixeur`)."""
    name = f"(?i:{re.escape(target[:1])})" + "[ _]+".join(map(re.escape, target[1:].split(" ")))
    m = re.search(rf"\[\[[ _]*:?[ _]*({name})(?=[ _]*[]|#])", text)
    if m:
        return line_col(text, m.start(1))
    i = text.find(target)
    return line_col(text, i) if i >= 0 else (1, 1)


def lint_pages(
    pages: Sequence[LocalPage], sources: Sequence[Source] | Sequence[Schema],
    known: set[str] | None = None,
) -> list[Problem]:
    """Lint a set of pages; links are checked against `known`, by default the set's titles."""
    known = known if known is not None else {p.title for p in pages}
    given = as_sources(sources)
    problems: list[Problem] = []
    for page in pages:
        problems.extend(lint_page(page, given, known))
    return problems
