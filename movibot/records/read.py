"""The one reader: a page in, one typed Reading out (pure).

`read_page` turns a page (title, text, namespace, the categories the wiki gives it) into its
tree, schema, source, record, problems and costs. Every command reads pages through it: the run
(live, folder, dump), its dry run and `diff --title`, lint, parse, export, cost, pull and push.
They differ only in what they do with the Reading (see records/policy.py), so the same page
gives the same problems and the same record in every command.

How a page was found (a category's members, a template's transclusions, a title, a file) does
not change its Reading on purpose: a page read by lint and by the run must agree. Only `path`
(where problems point: a file, else the title) differs between a file and a wiki page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from movibot.config import SourceConfig
from movibot.costs.inputs import cost_inputs
from movibot.costs.model import CostResult, compute_costs, input_issues
from movibot.i18n import Msg
from movibot.problems import Problem, line_col
from movibot.records.check import blocking, check_page
from movibot.records.parse import near_misses, pick_tree_schema, read_record
from movibot.records.record import Record
from movibot.records.schema import Schema
from movibot.sites.base import Page
from movibot.vocabulary import Vocabulary
from movibot.wikitext.titles import categories_in, fold, is_category, normalize_title
from movibot.wikitext.tree import Tree, parse_tree

# Namespaces whose pages are never lieux or fiches: talk pages, users, the project, files,
# MediaWiki, templates, help and categories.
NON_CONTENT_NS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})


@dataclass(frozen=True)
class Source:
    """A configured source with its loaded schema."""

    config: SourceConfig
    schema: Schema

    @property
    def category(self) -> str:
        return normalize_title(self.config.category)


def with_redirects(sources: Sequence[Source], redirects: Mapping[str, Sequence[str]]
                   ) -> list[Source]:
    """The sources reading their templates' calls as the site resolves them: through the
    site's `redirects` of each template (Site.template_redirects), or through the schema's
    declared aliases for a template the site cannot tell of (not in `redirects`)."""
    def names(template: str) -> tuple[str, ...] | None:
        found = redirects.get(template)
        return None if found is None else tuple(found)

    return [Source(s.config, s.schema.with_redirects(names(s.schema.template)))
            for s in sources]


def sources_of(schemas: Sequence[Schema]) -> list[Source]:
    """Sources made from schemas alone (`lint --schema F`): each schema's own source
    category, named after its kind."""
    return [Source(SourceConfig(s.kind, s.source_category or "", str(s.path)), s)
            for s in schemas]


class Membership(Vocabulary):
    """How a page belongs to a source."""

    MEMBER = "member"          # in the source's category
    DISCOVERED = "discovered"  # calls the source's template outside its category (E301)
    NONE = "none"              # none of the sources' pages


@dataclass(frozen=True)
class Reading:
    """One page read once: its tree, the schema its record follows, its source and the
    record; its problems and costs are worked out when first asked for (a dump run asks only
    for its sources' pages)."""

    page: Page
    path: str
    tree: Tree
    schema: Schema | None
    source: Source | None
    membership: Membership
    record: Record
    schemas: tuple[Schema, ...] = ()  # the sources' schemas: a near-miss call names them (W205)
    first_letter: bool = True  # the wiki reads a title's first letter in any case

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the page, sorted by position (see _problems)."""
        return _problems(self)

    @cached_property
    def costs(self) -> CostResult | None:
        """The cost model (None for fiches, a lieu without its cost inputs, or a page with a
        blocking problem)."""
        if self.schema is None or blocking(self.problems):
            return None
        return record_costs(self.record, self.schema)

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def redirect(self) -> str | None:
        return self.tree.redirect

    @property
    def blocking(self) -> list[Problem]:
        """The problems that leave the page `invalid` (not rendered, not exported as valid)."""
        return blocking(self.problems)

    @property
    def listed(self) -> bool:
        """Whether the page is a row of its source's members table: a member, or a page the
        bot puts in the category itself (x-wiki.add_category)."""
        if self.source is None or self.redirect is not None:
            return False
        return self.membership is Membership.MEMBER or self.source.schema.add_category

    @property
    def bot_category(self) -> str | None:
        """The source category the bot writes in the page's block (x-wiki.add_category), for
        a page that calls the template outside it or that the bot already put there."""
        if self.source is None or not self.source.schema.add_category:
            return None
        if self.membership is Membership.DISCOVERED or own_categories(self.tree):
            return self.source.category
        return None


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


def own_categories(tree: Tree) -> list[str]:
    """The categories written in the bot's own infobox block."""
    return [c for b in tree.blocks if b.name == "infobox" for c in categories_in(b.content)]


def read_page(page: Page, sources: Sequence[Source], *, path: str = "",
              first_letter: bool = True) -> Reading:
    """The Reading of a page: parsed once, its schema picked by its template (else its
    category), its source by its categories (the text's, the wiki's, the bot's block), read
    again from the same tree when the source's schema is another, checked once. Never raises."""
    tree = parse_tree(page.text)
    content = is_content(page) and tree.redirect is None
    schemas = tuple(s.schema for s in sources)
    schema = pick_tree_schema(tree, schemas, first_letter) if content else None
    record = read_record(tree, schema, page.title, path, first_letter)
    source, membership = _source(page, tree, record, schema, sources, first_letter, content)
    if source is not None and schema is not source.schema:
        schema = source.schema
        # the same tree, no new parse
        record = read_record(tree, schema, page.title, path, first_letter)
    return Reading(page, path or page.title, tree, schema, source, membership, record,
                   schemas if content else (), first_letter)


def _source(page: Page, tree: Tree, record: Record, schema: Schema | None,
            sources: Sequence[Source], first_letter: bool, content: bool
            ) -> tuple[Source | None, Membership]:
    """The page's source and how it belongs to it."""
    if not content:
        return None, Membership.NONE
    # On a case-sensitive wiki the text's categories (read with a first capital) are not its
    # names: the wiki's own links say which categories the page is in.
    from_text = record.categories if first_letter or page.categories is None else ()
    cats = (*from_text, *(page.categories or ()), *own_categories(tree))
    source = source_of(cats, sources, first_letter)
    if source is not None:
        return source, Membership.MEMBER
    discovered = next((s for s in sources if s.schema is schema and s.category), None)
    if discovered is not None and record.template_at is not None:
        return discovered, Membership.DISCOVERED
    return None, Membership.NONE


def _problems(r: Reading) -> tuple[Problem, ...]:
    """Every problem of the page: its blocks (E401/E402), the one check (records.check), the
    calls that nearly name a source's template (W205), the documentation method's sections
    (E109) and category (E301)."""
    found = [_at(p, r.path) for p in r.tree.block_problems]
    found.extend(check_page(r.tree, r.record, r.schema, r.path))
    if r.schemas and r.tree.code is not None:
        found.extend(near_misses(r.tree.survey, r.tree.masked, r.schemas, r.path,
                                 r.first_letter))
    if r.redirect is None:
        found.extend(missing_sections(r.record, r.schema, r.path, r.tree))
        found.extend(_category_problem(r))
    return tuple(sorted(found, key=lambda p: (p.line, p.col, p.code)))


def _at(problem: Problem, where: str) -> Problem:
    return Problem(problem.code, problem.message, where, problem.line, problem.col,
                   problem.field)


def missing_sections(record: Record, schema: Schema | None, where: str,
                     tree: Tree | None = None) -> list[Problem]:
    """E109 for each section the documentation method asks of this type of document (only
    for a page whose fields were read: a template call or header lines), where the section
    would go (see _section_place; the template call without the page's tree)."""
    if schema is None or (record.template_at is None and not record.from_fallback):
        return []
    at = record.template_at or (1, 1)
    required = schema.required_sections(record.fields)
    present = [fold(h) for h, _ in record.sections]
    return [Problem("E109", Msg('missing section "{section}"', section=section), where,
                    *(_section_place(tree, record, required[:i], present) if tree else at))
            for i, section in enumerate(required) if fold(section) not in present]


def _section_place(tree: Tree, record: Record, before: Sequence[str], present: list[str]
                   ) -> tuple[int, int]:
    """Where a missing section would go: at the end of the last required section before it
    that the page has (the next heading, or the page's last line), else at the page's first
    heading, else just after the template call."""
    headings = [at for _, at in tree.survey.headings] if tree.code is not None else []
    text = tree.masked
    earlier = [present.index(fold(s)) for s in before if fold(s) in present]
    if earlier and len(headings) == len(present):
        k = max(earlier) + 1
        return line_col(text, headings[k] if k < len(headings) else _last_line(text))
    if headings:
        return line_col(text, headings[0])
    end = record.template_end
    if end is not None and end < len(text.rstrip()):
        return line_col(text, text.find("\n", end) + 1 or end)
    return record.template_at or (1, 1)


def _last_line(text: str) -> int:
    """The offset of the start of the text's last line that is not blank."""
    end = len(text.rstrip())
    return text.rfind("\n", 0, end) + 1


def _category_problem(r: Reading) -> list[Problem]:
    """E301: the page calls a source's template outside its category, or is in no category."""
    if r.membership is Membership.DISCOVERED and r.source is not None:
        schema = r.source.schema
        tail = Msg(" (the bot adds it in its block)") if schema.add_category else ""
        return [Problem("E301", Msg("page calls {{{{{template}}}}} but is not in "
                                    "Catégorie:{category}{tail}",
                                    template=schema.template, category=r.source.category,
                                    tail=tail), r.path,
                        *(r.record.template_at or (1, 1)))]
    # the categories people wrote or the wiki gives count; the bot's block only for the
    # source category the bot puts the page in itself (x-wiki.add_category)
    if not (r.record.categories or r.page.categories or r.bot_category):
        return [Problem("E301", Msg("page is in no category"), r.path, 1, 1)]
    return []


def record_costs(record: Record, schema: Schema) -> CostResult | None:
    """The cost model of a checked lieu record (None for fiches and missing inputs)."""
    inputs = cost_inputs(record.fields) if schema.kind == "lieu" else None
    if inputs is None or input_issues(inputs):
        return None
    return compute_costs(inputs)
