"""The plan: pages and records in, Edits and Outcomes out. Pure: no site, no state, no I/O.

`plan_source_page` is the one plan of a lieu or fiche page, the same for a live wiki, a folder
and a dump: one parse (a Tree), one check (records.check), the cost model, the infobox block.
`plan_category` plans a category page from its members' rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from movibot.config import SourceConfig
from movibot.costs.inputs import cost_inputs
from movibot.costs.model import CostResult, compute_costs, input_issues
from movibot.errors import BlockEdited, BlockMalformed
from movibot.problems import Problem
from movibot.records.check import blocking, check_page
from movibot.records.parse import pick_tree_schema, read_record
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
from movibot.sites.base import Page
from movibot.sync.edits import TASK, Edit, Outcome, summary
from movibot.wikitext.blocks import find_block, make_block, replace_block
from movibot.wikitext.exclusion import bots_allowed
from movibot.wikitext.save import save_transforms
from movibot.wikitext.titles import categories_in, fold, is_category, normalize_title
from movibot.wikitext.tree import Tree, parse_tree

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


@dataclass(frozen=True)
class PagePlan:
    """The plan of one page: its edit, its outcome, and its members-table row.

    `source` is None for a page outside the sources' categories. An `invalid` page's row gives
    only its title: it stays listed, with no value it does not have.
    """

    title: str
    source: str | None
    edit: Edit | None = None
    outcome: Outcome | None = None
    row: dict[str, Any] | None = None


def is_content(page: Page) -> bool:
    """Lieux and fiches live in content namespaces: not categories, users or templates."""
    return page.ns not in NON_CONTENT_NS and not is_category(page.title)


def source_of(record_cats: Iterable[str], sources: Sequence[Source], first_letter: bool = True
              ) -> Source | None:
    """The first source whose category the page is in, names compared as MediaWiki does
    (normalize_title: nothing folded but the first letter, and not even that on a
    case-sensitive wiki)."""
    cats = {normalize_title(c, first_letter) for c in record_cats}
    return next((s for s in sources if normalize_title(s.config.category, first_letter) in cats),
                None)


def plan_source_page(page: Page, sources: Sequence[Source], user: str, force: bool,
                     first_letter: bool = True) -> PagePlan:
    """Parse (once), check, compute and plan one page (pure: no state, no site)."""
    tree = parse_tree(page.text)
    if tree.redirect is not None:
        return PagePlan(page.title, None, outcome=Outcome(
            page.title, "redirect", (), f"redirect to [[{tree.redirect}]]; not edited"))
    schema = pick_tree_schema(tree, [s.schema for s in sources])
    record = read_record(tree, schema, page.title)
    own = [c for b in tree.blocks if b.name == "infobox" for c in categories_in(b.content)]
    # On a case-sensitive wiki the text's categories (read with a first capital) are not its
    # names: the wiki's own links say which categories the page is in.
    from_text = record.categories if first_letter or page.categories is None else ()
    source = source_of((*from_text, *(page.categories or ()), *own), sources, first_letter)
    discovered = None
    if source is None:  # calls a source's template but is not in its category
        discovered = next((s for s in sources if s.schema is schema), None)
        if discovered is None or record.template_at is None or not is_content(page):
            return PagePlan(page.title, None)
        source = discovered
    if schema is not source.schema:
        record = read_record(tree, source.schema, page.title)  # the same tree, no new parse
    problems = check_page(tree, record, source.schema)
    if discovered is not None:
        problems = (*problems, Problem(
            "E301", f"page calls {{{{{source.schema.template}}}}} but is not in "
            f"Catégorie:{source.category}" + (" (the bot adds it in its block)"
                                              if source.schema.add_category else ""),
            page.title, *(record.template_at or (1, 1))))
    costs = None if blocking(problems) else record_costs(record, source.schema)
    category = source.category if discovered is not None and source.schema.add_category \
        or own and source.schema.add_category else None
    edit, outcome = plan_page(page, tree, record, problems, source.schema, costs, user=user,
                              force=force, category=category)
    if discovered is not None and not source.schema.add_category:
        return PagePlan(page.title, None, edit, outcome)  # processed, listed in no table
    return PagePlan(page.title, source.config.name, edit, outcome,
                    members_entry(page.title, record, problems, source, costs))


def record_costs(record: Record, schema: Schema) -> CostResult | None:
    """The cost model of a checked lieu record (None for fiches and missing inputs)."""
    inputs = cost_inputs(record.fields) if schema.kind == "lieu" else None
    if inputs is None or input_issues(inputs):
        return None
    return compute_costs(inputs)


def members_entry(title: str, record: Record, problems: Sequence[Problem], source: Source,
                  costs: CostResult | None) -> dict[str, Any]:
    """The page's members-table row; an invalid page gets its title only, in its source."""
    if blocking(problems):
        row = members_row(title, {}, None)
        row.update(kind=source.schema.kind, implied={}, categories=[source.category])
        return row
    row = members_row(title, record.fields, costs)
    row["kind"] = source.schema.kind
    row["implied"] = implied_by_field(record.fields, source.schema)
    row["categories"] = [source.category] + implied_categories(record.fields, source.schema)
    return row


def plan_page(
    page: Page, tree: Tree, record: Record, problems: Sequence[Problem], schema: Schema,
    costs: CostResult | None, *, user: str, force: bool = False, category: str | None = None,
) -> tuple[Edit | None, Outcome]:
    """The infobox edit for a checked lieu or fiche page, or why there is none."""
    found = tuple(problems)
    if not bots_allowed(tree, user, TASK):
        return None, Outcome(page.title, "skipped-nobots", found)
    if blocking(found):
        first = blocking(found)[0]
        return None, Outcome(page.title, "invalid", found, f"{first.code} {first.message}")
    content = render_infobox(page.title, record.fields, schema, costs)
    if category is not None:  # x-wiki.add_category: the page's source category, in the block
        content = content.rstrip("\n") + f"\n[[{CATEGORY_NS}{category}]]\n"
    try:
        new = replace_block(page.text, "infobox", content, anchor=infobox_anchor(tree, record),
                            force=force, found=tree.blocks, problems=tree.block_problems)
    except BlockEdited as e:
        return None, Outcome(page.title, "block-edited", found, str(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, "block-malformed", found, str(e))
    if new == page.text:
        return None, Outcome(page.title, "unchanged", found)
    if page.protected:  # known from the batched read: no edit attempt
        return None, Outcome(page.title, "protected", found, page.protected)
    return Edit(page, new, summary("mise à jour de l'infobox")), Outcome(page.title, "edited",
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
    rows: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)


# A members table that would lose more than half of its rows, and at least SHRINK_MIN, in one
# run is not written (`shrink-refused`): a read that lost its pages (a stub dump, a category
# emptied by vandalism, a wrong site) must not be published. --allow-shrink writes it.
SHRINK_MIN = 5


def shrink_refusal(before: int, after: int) -> str | None:
    """Why a table going from `before` to `after` rows is not written, None when it may be."""
    lost = before - after
    if lost >= SHRINK_MIN and lost * 2 > before:
        return (f"the members table would go from {before} to {after} rows in one run; not "
                "written (a read that lost its pages?); --allow-shrink writes it")
    return None


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
        return None, Outcome(page.title, "protected", (), page.protected)
    if not page.exists:
        block = make_block("membres", members) if spec.kind else ""
        text = render_category_page(spec.description, spec.portal, spec.parent, block)
        return (Edit(page, text, summary("création de la catégorie")),
                Outcome(page.title, "created"))
    if not spec.kind:
        return None, Outcome(page.title, "unchanged")
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, "skipped-nobots")
    current = find_block(page.text, "membres")
    if current is not None and not allow_shrink:
        why = shrink_refusal(table_rows(current.content),
                             table_rows(members) if rows is None else rows)
        if why:
            return None, Outcome(page.title, "shrink-refused", (), why)
    return block_edit(page, lambda: replace_block(page.text, "membres", members,
                                                  anchor=len(page.text.rstrip()), force=force),
                      "mise à jour de la liste des membres")


def block_edit(page: Page, rewrite: Callable[[], str], action: str
               ) -> tuple[Edit | None, Outcome]:
    """The edit that `rewrite` (the page's text with its block refreshed) makes on a page the
    bot maintains whole (a category page, a template page), or why there is none:
    block-edited, block-malformed, unchanged, protected, invalid (E604's text)."""
    try:
        new = rewrite()
    except BlockEdited as e:
        return None, Outcome(page.title, "block-edited", (), str(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, "block-malformed", (), str(e))
    if new == page.text:
        return None, Outcome(page.title, "unchanged")
    if page.protected:
        return None, Outcome(page.title, "protected", (), page.protected)
    trap = save_transforms(page.text)
    if trap:
        line, col, why = trap
        return None, Outcome(page.title, "invalid", (), f"line {line}:{col}: {why}")
    return Edit(page, new, summary(action)), Outcome(page.title, "edited")


def order_edits(edits: Sequence[Edit]) -> Iterator[Edit]:
    """Pages first, then category pages, each in title order: a stable, resumable order."""
    yield from sorted(edits, key=lambda e: (e.page.ns == 14, e.title))


def category_specs(sources: Sequence[Source], all_rows: Iterable[Mapping[str, Any]]
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


def _field_categories(rows: list[Mapping[str, Any]], source: Source, field_name: str) -> list[str]:
    names = {c for r in rows if r.get("kind") == source.schema.kind
             for c in (r.get("implied") or {}).get(field_name, [])}
    return sorted(names)


def plan_template(page: Page, schema: Schema, *, user: str, force: bool = False
                  ) -> tuple[Edit | None, Outcome]:
    """Keep the `doc` block of a schema's template page current (TemplateData and the French
    documentation); a missing template page is left to `push fiches/`."""
    if not page.exists:
        return None, Outcome(page.title, "unchanged", (), "no such template page")
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, "skipped-nobots")
    return block_edit(page, lambda: update_template_page(page.text, schema, force=force),
                      "mise à jour de la documentation du modèle")
