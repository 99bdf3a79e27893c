"""The plan: pages and records in, Edits and Outcomes out. Pure: no site, no state, no I/O.

`plan_source_page` is the one plan of a lieu or fiche page, the same for a live wiki, a folder
and a dump: one parse (a Tree), one check (records.check), the cost model, the infobox block.
`plan_category` plans a category page from its members' rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from movibot.errors import BlockEdited, BlockMalformed
from movibot.i18n import Msg, message_of
from movibot.records.policy import Command, refused
from movibot.records.read import (
    NON_CONTENT_NS,
    Reading,
    Source,
    is_content,
    read_page,
    record_costs,
    source_of,
)
from movibot.records.record import Record
from movibot.records.schema import Schema
from movibot.render.infobox import implied_by_field, implied_categories, render_infobox
from movibot.render.members import (
    members_row,
    render_category_page,
    render_members,
    table_rows,
)
from movibot.render.templates import update_template_page
from movibot.rows import MemberRow
from movibot.sites.base import Page
from movibot.status import Status
from movibot.sync.edits import TASK, Edit, Outcome, summary
from movibot.wikitext.blocks import find_block, make_block, replace_block
from movibot.wikitext.exclusion import bots_allowed
from movibot.wikitext.save import save_transforms
from movibot.wikitext.titles import fold, normalize_title
from movibot.wikitext.tree import Tree

__all__ = ["NON_CONTENT_NS", "Source", "is_content", "record_costs", "source_of"]

CATEGORY_NS = "Catégorie:"


@dataclass(frozen=True)
class PagePlan:
    """The plan of one page: its reading, edit, outcome, and its members-table row.

    `source` is None for a page listed in no table (outside the sources, or calling a
    source's template outside its category when the bot does not add it). An `invalid`
    page's row gives only its title: it stays listed, with no value it does not have.
    """

    title: str
    source: str | None
    edit: Edit | None = None
    outcome: Outcome | None = None
    row: MemberRow | None = None
    reading: Reading | None = field(default=None, compare=False, repr=False)


def plan_source_page(page: Page, sources: Sequence[Source], user: str, force: bool,
                     first_letter: bool = True) -> PagePlan:
    """The one reading of a page (records.read), then its plan (pure: no state, no site)."""
    return plan_reading(read_page(page, sources, first_letter=first_letter), user, force)


def plan_reading(reading: Reading, user: str, force: bool) -> PagePlan:
    """The plan of a page already read: its infobox edit and outcome, its members row."""
    page, source = reading.page, reading.source
    if reading.redirect is not None:
        return PagePlan(page.title, None, outcome=Outcome(
            page.title, Status.REDIRECT, (), f"redirect to [[{reading.redirect}]]; not edited"),
            reading=reading)
    if source is None:
        return PagePlan(page.title, None, reading=reading)
    by_field = implied_by_field(reading.record.fields, source.schema)  # once for both
    edit, outcome = plan_page(reading, user=user, force=force, by_field=by_field)
    if not reading.listed:
        return PagePlan(page.title, None, edit, outcome, reading=reading)
    return PagePlan(page.title, source.config.name, edit, outcome,
                    members_entry(reading, by_field), reading)


def members_entry(reading: Reading, by_field: dict[str, list[str]] | None = None
                  ) -> MemberRow:
    """The page's members-table row; an invalid page gets its title only, in its source.
    `by_field`: implied_by_field's answer for the page, when the caller has it."""
    source = reading.source
    assert source is not None
    kind = source.schema.kind
    if reading.blocking:
        return members_row(reading.title, {}, None, kind, [source.category])
    fields = reading.record.fields
    if by_field is None:
        by_field = implied_by_field(fields, source.schema)
    return members_row(reading.title, fields, reading.costs, kind,
                       [source.category, *implied_categories(fields, source.schema, by_field)],
                       by_field)


def plan_page(reading: Reading, *, user: str, force: bool = False,
              by_field: dict[str, list[str]] | None = None) -> tuple[Edit | None, Outcome]:
    """The infobox edit for a read lieu or fiche page, or why there is none (`by_field`:
    implied_by_field's answer for the page, when the caller has it)."""
    page, tree, record, found = reading.page, reading.tree, reading.record, reading.problems
    assert reading.schema is not None
    if not bots_allowed(tree, user, TASK):
        return None, Outcome(page.title, Status.SKIPPED_NOBOTS, found)
    refused_for = refused(Command.RUN, found)
    if refused_for:
        first = refused_for[0]
        return None, Outcome(page.title, Status.INVALID, found, first.headline)
    implied = None if by_field is None else implied_categories(record.fields, reading.schema,
                                                              by_field)
    content = render_infobox(page.title, record.fields, reading.schema, reading.costs, implied)
    if reading.bot_category is not None:  # x-wiki.add_category: in the block
        content = content.rstrip("\n") + f"\n[[{CATEGORY_NS}{reading.bot_category}]]\n"
    try:
        new = replace_block(page.text, "infobox", content, anchor=infobox_anchor(tree, record),
                            force=force, found=tree.blocks, problems=tree.block_problems)
    except BlockEdited as e:
        return None, Outcome(page.title, Status.BLOCK_EDITED, found, message_of(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, Status.BLOCK_MALFORMED, found, message_of(e))
    if new == page.text:
        return None, Outcome(page.title, Status.UNCHANGED, found)
    if page.protected:  # known from the batched read: no edit attempt
        return None, Outcome(page.title, Status.PROTECTED, found, page.protected)
    return Edit(page, new, summary(Msg("infobox update"))), Outcome(page.title, Status.EDITED,
                                                                          found)


_LINE_END = re.compile(r"[ \t]*(?=\r?\n|\Z)")


def infobox_anchor(tree: Tree, record: Record) -> int | None:
    """Where a new infobox block goes: right after the template call when the call stands on
    lines of its own at the top level of the page (then the block, on its own lines, changes
    nothing in how the human text renders), else None: the top of the page. A call followed
    by text on its line, in a list item, a table cell, a tag or another template would have
    its neighbours moved to a new line (a `<pre>`, a split list)."""
    start, end = record.template_start, record.template_end
    if start is None or end is None or not record.template_top_level:
        return None
    if start > 0 and tree.text[start - 1] != "\n":
        return None
    m = _LINE_END.match(tree.text, end)
    return m.end() if m else None


@dataclass(frozen=True)
class CategorySpec:
    """A category the bot maintains: how to describe it when it creates it, and its members."""

    name: str
    description: str
    kind: str | None = None            # "lieu"/"fiche": has a members table of that kind
    portal: str | None = None
    parent: str | None = None
    rows: tuple[MemberRow, ...] = field(default=(), compare=False)


# A members table that would lose more than half of its rows, and at least SHRINK_MIN, in one
# run is not written (`shrink-refused`): a read that lost its pages (a stub dump, a category
# emptied by vandalism, a wrong site) must not be published. --allow-shrink writes it.
SHRINK_MIN = 5


def shrink_refusal(before: int, after: int) -> str | None:
    """Why a table going from `before` to `after` rows is not written, None when it may be."""
    lost = before - after
    if lost >= SHRINK_MIN and lost * 2 > before:
        return Msg("the members table would go from {before} to {after} rows in one run; not "
                   "written (a read that lost its pages?); --allow-shrink writes it",
                   before=before, after=after)
    return None


MEMBERS_UPDATE = Msg("members list update")  # the summary of a members table's edit


def plan_category(page: Page, spec: CategorySpec, *, user: str, force: bool = False,
                  allow_shrink: bool = False, rows: int | None = None,
                  members: str | None = None) -> tuple[Edit | None, Outcome]:
    """Create the category page when missing, else refresh its `membres` block (unless it
    would shrink too much: `shrink-refused`). `rows`: the new table's row count when the
    table is rendered elsewhere (streamed), else counted from the table. `members`: the table
    already rendered from the spec's members (the offline run's lines), else rendered from
    spec.rows."""
    if members is None:
        members = render_members(spec.rows, spec.kind) if spec.kind else ""
    if page.protected and not page.exists:
        return None, Outcome(page.title, Status.PROTECTED, (), page.protected)
    if not page.exists:
        block = make_block("membres", members) if spec.kind else ""
        text = render_category_page(spec.description, spec.portal, spec.parent, block)
        return (Edit(page, text, summary(Msg("category created"))),
                Outcome(page.title, Status.CREATED))
    if not spec.kind:
        return None, Outcome(page.title, Status.UNCHANGED)
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, Status.SKIPPED_NOBOTS)
    current = find_block(page.text, "membres")
    if current is not None and not allow_shrink:
        why = shrink_refusal(table_rows(current.content),
                             table_rows(members) if rows is None else rows)
        if why:
            return None, Outcome(page.title, Status.SHRINK_REFUSED, (), why)
    return block_edit(page, lambda: replace_block(page.text, "membres", members,
                                                  anchor=len(page.text.rstrip()), force=force),
                      MEMBERS_UPDATE)


def block_edit(page: Page, rewrite: Callable[[], str], action: str
               ) -> tuple[Edit | None, Outcome]:
    """The edit that `rewrite` (the page's text with its block refreshed) makes on a page the
    bot maintains whole (a category page, a template page), or why there is none:
    block-edited, block-malformed, unchanged, protected, invalid (E604's text)."""
    try:
        new = rewrite()
    except BlockEdited as e:
        return None, Outcome(page.title, Status.BLOCK_EDITED, (), message_of(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, Status.BLOCK_MALFORMED, (), message_of(e))
    if new == page.text:
        return None, Outcome(page.title, Status.UNCHANGED)
    if page.protected:
        return None, Outcome(page.title, Status.PROTECTED, (), page.protected)
    trap = save_transforms(page.text)
    if trap:
        line, col, why = trap
        return None, Outcome(page.title, Status.INVALID, (),
                             Msg("line {line}:{col}: {why}", line=line, col=col, why=why))
    return Edit(page, new, summary(action)), Outcome(page.title, Status.EDITED)


def order_edits(edits: Sequence[Edit]) -> Iterator[Edit]:
    """Pages first, then category pages, each in title order: a stable, resumable order."""
    yield from sorted(edits, key=lambda e: (e.page.ns == 14, e.title))


def category_specs(sources: Sequence[Source], all_rows: Iterable[MemberRow]
                   ) -> list[CategorySpec]:
    """Every category the bot maintains, with its members' rows (kept in the state).

    A field value naming a category with a role of its own (see `reserved_categories`) does
    not make the bot maintain it, and a source's table lists only pages of its kind: a value
    typed on one page cannot put a table on Catégorie:Portails, nor a lieu among the fiches.
    """
    rows = list(all_rows)
    reserved = reserved_categories(sources)
    specs: dict[str, CategorySpec] = {}
    for source in sources:
        cats = source.schema.categories
        src = cats.get("source") or {}
        specs[source.category] = CategorySpec(
            source.category, src.get("description", ""), source.schema.kind,
            src.get("portal"), src.get("parent", "Portails"),
            tuple(r for r in rows if source.category in r.categories
                  and r.kind == source.schema.kind),
        )
        for field_name, meta in (cats.get("fields") or {}).items():
            for name in _field_categories(rows, source, field_name):
                if fold(name) in reserved:
                    continue
                specs.setdefault(name, CategorySpec(
                    name, meta.get("description", "").replace("{value}", name),
                    source.schema.kind, None, meta.get("parent"),
                    tuple(r for r in rows if name in r.categories),
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


def _field_categories(rows: list[MemberRow], source: Source, field_name: str) -> list[str]:
    names = {c for r in rows if r.kind == source.schema.kind
             for c in r.implied.get(field_name, ())}
    return sorted(names)


def plan_template(page: Page, schema: Schema, *, user: str, force: bool = False
                  ) -> tuple[Edit | None, Outcome]:
    """Keep the `doc` block of a schema's template page current (TemplateData and the French
    documentation); a missing template page is left to `push fiches/`."""
    if not page.exists:
        return None, Outcome(page.title, Status.UNCHANGED, (), Msg("no such template page"))
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, Status.SKIPPED_NOBOTS)
    return block_edit(page, lambda: update_template_page(page.text, schema, force=force),
                      Msg("template documentation update"))
