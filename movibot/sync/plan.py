"""The plan: pages and records in, Edits and Outcomes out. Pure: no site, no state, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from movibot.config import SourceConfig
from movibot.costs.inputs import record_costs
from movibot.costs.model import CostResult
from movibot.errors import BlockEdited, BlockMalformed
from movibot.problems import Problem
from movibot.records.parse import parse_page, parse_record
from movibot.records.record import Record
from movibot.records.schema import Schema
from movibot.render.infobox import (
    implied_by_field,
    implied_categories,
    members_row,
    render_category_page,
    render_infobox,
    render_members,
)
from movibot.sites.base import Page
from movibot.state import State
from movibot.sync.edits import BLOCKING, TASK, Edit, Outcome, summary
from movibot.wikitext.blocks import replace_block
from movibot.wikitext.exclusion import bots_allowed
from movibot.wikitext.titles import fold, is_category, normalize_title


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.code in BLOCKING]


def plan_page(
    page: Page, record: Record, schema: Schema, costs: CostResult | None, *, user: str,
    force: bool = False,
) -> tuple[Edit | None, Outcome]:
    """The infobox edit for a lieu or fiche page, or why there is none."""
    problems = record.problems
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, "skipped-nobots", problems)
    if blocking(problems):
        return None, Outcome(page.title, "invalid", problems)
    content = render_infobox(page.title, record.fields, schema, costs)
    try:
        new = replace_block(page.text, "infobox", content, anchor=record.template_end, force=force)
    except BlockEdited as e:
        return None, Outcome(page.title, "block-edited", problems, str(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, "block-malformed", problems, str(e))
    if new == page.text:
        return None, Outcome(page.title, "unchanged", problems)
    trap = save_transforms(page.text)
    if trap:
        return None, Outcome(page.title, "invalid", problems, trap)
    return Edit(page, new, summary("mise à jour de l'infobox")), Outcome(page.title, "edited",
                                                                          problems)


# What MediaWiki's pre-save transform rewrites in any saved text: signatures, substitutions,
# the pipe trick. A page read with one of them (an imported page, a page saved without the
# transform) would be rewritten outside the bot's block, under the bot's name, by its edit.
_TRANSFORMED = re.compile(r"~~~|\{\{\s*(?:safe)?subst\s*:|\[\[[^\[\]|\n]+\|\]\]", re.I)
_VERBATIM = re.compile(r"<!--.*?(?:-->|\Z)|<(nowiki|pre)\b[^>\n]{0,200}>.*?(?:</\1\s*>|\Z)",
                       re.I | re.S)


def save_transforms(text: str) -> str:
    """Why saving `text` would make MediaWiki rewrite it outside the movibot blocks (a `~~~~`
    signature, a `{{subst:…}}`, a pipe trick `[[…|]]` outside comments, nowiki and pre), or ""."""
    from movibot.problems import line_col
    from movibot.wikitext.blocks import find_blocks

    spans = [(m.start(), m.end()) for m in _VERBATIM.finditer(text)]
    spans += [(b.start, b.end) for b in find_blocks(text)[0]]
    pieces, pos = [], 0
    for start, end in sorted(spans):
        if end > pos:
            start = max(start, pos)
            pieces += [text[pos:start], re.sub(r"[^\n]", " ", text[start:end])]
            pos = end
    masked = "".join(pieces) + text[pos:]
    found = _TRANSFORMED.search(masked)
    if not found:
        return ""
    line, col = line_col(text, found.start())
    return (f"line {line}:{col} holds {found.group(0)!r}, which MediaWiki rewrites on save "
            "(signature, substitution, pipe trick): an edit would change the page outside the "
            "bot's block under the bot's name; not edited")


@dataclass(frozen=True)
class CategorySpec:
    """A category the bot maintains: how to describe it when it creates it, and its members."""

    name: str
    description: str
    kind: str | None = None            # "lieu"/"fiche": has a members table of that kind
    portal: str | None = None
    parent: str | None = None
    rows: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)


def plan_category(page: Page, spec: CategorySpec, *, user: str, force: bool = False
                  ) -> tuple[Edit | None, Outcome]:
    """Create the category page when missing, else refresh its `membres` block."""
    members = render_members(spec.rows, spec.kind) if spec.kind else ""
    if not page.exists:
        from movibot.wikitext.blocks import make_block

        block = make_block("membres", members) if spec.kind else ""
        text = render_category_page(spec.description, spec.portal, spec.parent, block)
        return (Edit(page, text, summary("création de la catégorie")),
                Outcome(page.title, "created"))
    if not spec.kind:
        return None, Outcome(page.title, "unchanged")
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, "skipped-nobots")
    try:
        new = replace_block(page.text, "membres", members, anchor=len(page.text.rstrip()),
                            force=force)
    except BlockEdited as e:
        return None, Outcome(page.title, "block-edited", (), str(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, "block-malformed", (), str(e))
    if new == page.text:
        return None, Outcome(page.title, "unchanged")
    trap = save_transforms(page.text)
    if trap:
        return None, Outcome(page.title, "invalid", (), trap)
    return (Edit(page, new, summary("mise à jour de la liste des membres")),
            Outcome(page.title, "edited"))


def order_edits(edits: Sequence[Edit]) -> Iterator[Edit]:
    """Pages first, then category pages, each in title order: a stable, resumable order."""
    yield from sorted(edits, key=lambda e: (e.page.ns == 14, e.title))


CATEGORY_NS = "Catégorie:"
NON_CONTENT_NS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})


@dataclass(frozen=True)
class Source:
    """A configured source with its loaded schema."""

    config: SourceConfig
    schema: Schema

    @property
    def category(self) -> str:
        return normalize_title(self.config.category)


def is_content(page: Page) -> bool:
    """Lieux and fiches live in content namespaces: not categories, users or templates."""
    return page.ns not in NON_CONTENT_NS and not is_category(page.title)


def source_of(page: Page, record_cats: Iterable[str], sources: Sequence[Source]
              ) -> Source | None:
    cats = {fold(c) for c in record_cats}
    return next((s for s in sources if fold(s.category) in cats), None)


@dataclass(frozen=True)
class PagePlan:
    """The plan of one page: its edit, its outcome, and its members-table row.

    `source` is None for a page outside the sources' categories; `row` is None when the record
    has blocking errors (the previous row, if any, is kept).
    """

    title: str
    source: str | None
    edit: Edit | None = None
    outcome: Outcome | None = None
    row: dict[str, Any] | None = None


def plan_source_page(page: Page, sources: Sequence[Source], user: str, force: bool) -> PagePlan:
    """Parse, compute and plan one page (pure: no state, no site)."""
    # One parse in the common case: the schema picked from the page's own template is the one
    # of the source whose category it is in. (parse_record, like parse_page, declines pages too
    # complex to parse: E603.)
    record = parse_record(page.text, [s.schema for s in sources], page.title)
    source = source_of(page, record.categories, sources)
    if source is None:
        return PagePlan(page.title, None)
    if record.kind != source.schema.kind:
        record = parse_page(page.text, source.schema, page.title)
    costs, _why = record_costs(record.fields) if source.schema.kind == "lieu" else (None, None)
    edit, outcome = plan_page(page, record, source.schema, costs, user=user, force=force)
    row = None
    if not blocking(record.problems):
        row = members_row(page.title, record.fields, costs)
        row["kind"] = source.schema.kind
        row["implied"] = implied_by_field(record.fields, source.schema)
        row["categories"] = [source.category] + implied_categories(record.fields, source.schema)
    return PagePlan(page.title, source.config.name, edit, outcome, row)


def category_specs(sources: Sequence[Source], state: State) -> list[CategorySpec]:
    """Every category the bot maintains, with its members' rows (from the state).

    A field value naming a category with a role of its own (see `reserved_categories`) does
    not make the bot maintain it, and a source's table lists only pages of its kind: a value
    typed on one page cannot put a table on Catégorie:Portails, nor a lieu among the fiches.
    """
    rows = [e["row"] for e in state.pages.values() if "row" in e]
    reserved = reserved_categories(sources)
    specs: dict[str, CategorySpec] = {}
    for source in sources:
        cats = source.schema.categories
        src = cats.get("source") or {}
        specs[source.category] = CategorySpec(
            source.category, src.get("description", ""), source.schema.kind,
            src.get("portal"), src.get("parent", "Portails"),
            tuple(r for r in rows if source.category in r.get("categories", [])
                  and r.get("kind", source.schema.kind) == source.schema.kind),
        )
        for field_name, meta in (cats.get("fields") or {}).items():
            for name in _field_categories(rows, source, field_name):
                if fold(name) in reserved:
                    continue
                specs.setdefault(name, CategorySpec(
                    name, meta.get("description", "").replace("{value}", name),
                    source.schema.kind, None, meta.get("parent"),
                    tuple(r for r in rows if name in r.get("categories", [])),
                ))
        for name, meta in (cats.get("parents") or {}).items():
            specs.setdefault(name, CategorySpec(name, meta.get("description", ""), None,
                                                meta.get("portal"), meta.get("parent")))
    return [specs[k] for k in sorted(specs)]


def reserved_categories(sources: Sequence[Source]) -> frozenset[str]:
    """Folded names of the categories with a role of their own: the sources', their parents,
    the schemas' parent categories and theirs."""
    names: set[str | None] = set()
    for source in sources:
        cats = source.schema.categories
        names.update({source.category, (cats.get("source") or {}).get("parent", "Portails")})
        parents = cats.get("parents") or {}
        names.update(parents)
        names.update(meta.get("parent") for meta in parents.values())
        names.update(meta.get("parent") for meta in (cats.get("fields") or {}).values())
    return frozenset(fold(normalize_title(n)) for n in names if n)


def _field_categories(rows: list[dict[str, Any]], source: Source, field_name: str) -> list[str]:
    names = {c for r in rows if r.get("kind") == source.schema.kind
             for c in (r.get("implied") or {}).get(field_name, [])}
    return sorted(names)
