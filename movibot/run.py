"""The main job: read the sources' pages, parse, run the cost model, plan, apply, report.

Resumable: the state is saved after each page, and category pages are re-planned from the state
on every run, so a run killed at any point and started again ends as an uninterrupted run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from movibot.config import Config, SourceConfig
from movibot.errors import StopRequested, WikiError
from movibot.lieu import record_costs
from movibot.pages import Page
from movibot.parse import parse_page, parse_record
from movibot.render import implied_by_field, implied_categories, members_row
from movibot.report import Report
from movibot.schema import Schema
from movibot.state import State
from movibot.sync import (
    CategorySpec,
    Edit,
    Outcome,
    Plan,
    Politeness,
    apply_edits,
    blocking,
    order_edits,
    plan_category,
    plan_page,
    was_merged,
)
from movibot.titles import fold, is_category, normalize_title

CATEGORY_NS = "Catégorie:"
NON_CONTENT_NS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    full: bool = False
    force: bool = False


@dataclass(frozen=True)
class Source:
    """A configured source with its loaded schema."""

    config: SourceConfig
    schema: Schema

    @property
    def category(self) -> str:
        return normalize_title(self.config.category)


def stop_requested(site: Any, title: str) -> bool:
    """True when the stop page has content other than empty or `run`."""
    page = next(iter(site.pages([title])))
    return page.exists and page.text.strip().lower() not in ("", "run")


def run_job(
    site: Any, config: Config, sources: Sequence[Source], state: State, options: RunOptions,
    *, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
    show: Callable[[Edit], None] | None = None,
    progress: Progress = lambda items, length, label: items,
) -> Report:
    """Run once against `site`; returns the report (never raises for a bad page)."""
    t0 = clock()
    report = Report(site.name, options.dry_run, options.full or state.last_run is None)
    stop_title = config.effective_stop_page()
    try:
        if stop_requested(site, stop_title):
            raise StopRequested(f"the stop page {stop_title} asks the bot to halt")
        report.started = site.now()
        plan = make_plan(site, config, sources, state, options, report)
        report.outcomes = list(plan.outcomes)
        if options.dry_run:
            for edit in order_edits(plan.edits):
                if show:
                    show(edit)
        else:
            state.save()
            done = _apply(site, config, plan, state, sleep, stop_title, progress)
            report.outcomes = merge_outcomes(plan.outcomes, done)
            report.halted = next((o.message for o in done if o.status == "not-done"), None)
            if not report.halted:
                state.last_run = report.started
                state.save()
    except StopRequested as e:
        report.stopped, report.halted = True, str(e)
    except WikiError as e:  # the wiki failed while reading: nothing was written, nothing lost
        report.halted = str(e)
    report.problems.extend(getattr(site, "problems", []))
    report.requests = site.requests
    report.duration = clock() - t0
    return report


# The state is rewritten whole, so saving it after every edit costs time that grows with the
# square of the pages (measured: 31 s of a 71 s run at 1 000 lieux). It is saved at most every
# STATE_SAVE_EVERY seconds while editing, and always at the end; a page whose edit was made but
# not yet recorded is `pending`, read again by the next run and found current.
STATE_SAVE_EVERY = 2.0


def _apply(site: Any, config: Config, plan: Plan, state: State, sleep: Callable[[float], None],
           stop_title: str, progress: Progress,
           clock: Callable[[], float] = time.monotonic) -> list[Outcome]:
    last_save = [clock()]

    def saved(edit: Edit, page: Page) -> None:
        if not was_merged(edit, page):  # a merged page is read and planned again next run
            state.page(page.title).update(revid=page.revid, timestamp=page.timestamp)
            if clock() - last_save[0] >= STATE_SAVE_EVERY:
                state.save()
                last_save[0] = clock()

    policy = Politeness(config.put_throttle, config.max_edits)
    done = apply_edits(
        site, list(order_edits(plan.edits)), policy,
        stop_requested=lambda: stop_requested(site, stop_title), on_saved=saved, sleep=sleep,
    )
    try:
        return list(progress(done, len(plan.edits), "Editing"))
    finally:
        state.save()


def merge_outcomes(planned: Sequence[Outcome], done: Sequence[Outcome]) -> list[Outcome]:
    """Planned outcomes with those of applied edits put in, keeping each page's problems."""
    by_title = {o.title: o for o in done}
    out = []
    for o in planned:
        d = by_title.get(o.title)
        out.append(Outcome(o.title, d.status, o.problems, d.message) if d else o)
    return out


def read_pages(site: Any, sources: Sequence[Source], state: State, full: bool) -> list[Page]:
    """All pages of the sources' categories (full); else the pages changed since the last run,
    and the pages whose planned edit was not made (an error, a halt, a merge: `pending`).
    Missing pages are given too (exists=False), so that they leave the members tables."""
    if full:
        seen: dict[str, Page] = {}
        for source in sources:
            for page in site.category_pages(source.category):
                seen.setdefault(page.title, page)
        return [p for p in seen.values() if is_content(p)]
    changed = [t for t in site.changed_since(state.last_run) if not is_category(t)]
    titles = list(dict.fromkeys(changed + pending(state)))
    return [p for p in site.pages(titles)
            if not p.exists or (is_content(p) and not _already_seen(p, state))]


def pending(state: State) -> list[str]:
    """Titles planned with an edit that was not saved as planned (no revision recorded)."""
    return [t for t, e in state.pages.items() if "revid" not in e and not is_category(t)]


def _already_seen(page: Page, state: State) -> bool:
    """True when the state holds this very revision (the bot's own edit, or a page planned)."""
    entry = state.pages.get(page.title) or {}
    return page.revid is not None and entry.get("revid") == page.revid


def is_content(page: Page) -> bool:
    """Lieux and fiches live in content namespaces: not categories, users or templates."""
    return page.ns not in NON_CONTENT_NS and not is_category(page.title)


def source_of(page: Page, record_cats: Iterable[str], sources: Sequence[Source]
              ) -> Source | None:
    cats = {fold(c) for c in record_cats}
    return next((s for s in sources if fold(s.category) in cats), None)


def make_plan(site: Any, config: Config, sources: Sequence[Source], state: State,
              options: RunOptions, report: Report) -> Plan:
    """Read, parse, compute and plan the page edits, then the category pages."""
    full = options.full or state.last_run is None
    pages = read_pages(site, sources, state, full)
    if full:
        for title in [t for t, e in state.pages.items() if "row" in e]:
            state.pages[title].pop("row")
    edits: list[Edit] = []
    outcomes: list[Outcome] = []
    user = config.bot_name()
    for page in pages:
        if not page.exists:  # deleted since: out of the members tables
            if page.title in state.pages:
                state.pages[page.title].pop("row", None)
                state.pages[page.title]["revid"] = None
            continue
        plan = plan_source_page(page, sources, user, options.force)
        record_plan(state, page, plan)
        if plan.edit:
            edits.append(plan.edit)
        if plan.outcome:
            outcomes.append(plan.outcome)
    cat_edits, cat_outcomes = _plan_categories(site, sources, state, user, options.force)
    return Plan(tuple(edits + cat_edits), tuple(outcomes + cat_outcomes))


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


def record_plan(state: State, page: Page, plan: PagePlan) -> None:
    """Put a page's plan in the state: its row, and its revision unless an edit is pending."""
    entry = state.page(page.title)
    if plan.source is None:
        entry.pop("row", None)  # left the sources' categories
    elif plan.row is not None:
        entry["row"] = plan.row
    if plan.edit is None:  # with an edit pending, the revision is recorded once it is saved
        entry.update(revid=page.revid, timestamp=page.timestamp)
    else:
        entry.pop("revid", None)


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


def _plan_categories(site: Any, sources: Sequence[Source], state: State, user: str,
                     force: bool) -> tuple[list[Edit], list[Outcome]]:
    specs = category_specs(sources, state)
    pages = {p.title: p for p in site.pages([CATEGORY_NS + s.name for s in specs])}
    edits, outcomes = [], []
    for spec in specs:
        title = normalize_title(CATEGORY_NS + spec.name)
        page = pages.get(title) or Page(title, "", exists=False, ns=14)
        edit, outcome = plan_category(page, spec, user=user, force=force)
        if edit:
            edits.append(edit)
        outcomes.append(outcome)
    return edits, outcomes


def write_report_page(site: Any, config: Config, report: Report) -> None:
    """Put the French summary in the `rapport` block of the report page (errors are reported)."""
    from movibot.blocks import replace_block
    from movibot.errors import MovibotError
    from movibot.sync import summary

    try:
        page = next(iter(site.pages([config.report_page])))
        new = replace_block(page.text, "rapport", report.to_wikitext())
        if new != page.text:
            site.save(page, new, summary("rapport du passage"))
    except MovibotError as e:
        report.halted = report.halted or f"report page not written: {e}"
