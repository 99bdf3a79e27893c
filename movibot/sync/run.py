"""The main job: read the sources' pages, parse, run the cost model, plan, apply, report.

Resumable: the state is saved after each page, and category pages are re-planned from the state
on every run, so a run killed at any point and started again ends as an uninterrupted run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from movibot.config import Config
from movibot.errors import Interrupted, IOFailure, MovibotError, StopRequested, WikiError
from movibot.i18n import N_, Language, Msg, content_language
from movibot.records.schema import Schema
from movibot.render.templates import template_title
from movibot.sites.base import Page, Site
from movibot.state import Attention, State, later_than
from movibot.status import WRITTEN, Status
from movibot.sync.apply import apply_plan, politeness, stop_requested, within_budget
from movibot.sync.edits import FAILED, Edit, Outcome, Plan, summary
from movibot.sync.pages import named_sources, source_pages
from movibot.sync.plan import (
    CATEGORY_NS,
    CategorySpec,
    PagePlan,
    Source,
    category_specs,
    is_content,
    order_edits,
    plan_category,
    plan_source_page,
    plan_template,
)
from movibot.sync.report import Report, reason, report_block
from movibot.wikitext.blocks import find_block, replace_block
from movibot.wikitext.titles import is_category, normalize_title

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]


@dataclass(frozen=True)
class RunOptions:
    dry_run: bool = False
    full: bool = False
    force: bool = False
    titles: tuple[str, ...] = ()  # only these pages (and the tables they are listed in)
    allow_shrink: bool = False  # write members tables that lose more than half their rows


def run_job(
    site: Site, config: Config, sources: Sequence[Source], state: State, options: RunOptions,
    *, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
    show: Callable[[Edit], None] | None = None,
    progress: Progress = lambda items, length, label: items,
    interrupted: Callable[[], str | None] = lambda: None,
) -> Report:
    """Run once against `site`; returns the report (never raises for a bad page, a failing
    wiki, a signal or a state that cannot be written: the report says so)."""
    t0 = clock()
    report = Report(site.name, options.dry_run,
                    not options.titles and (options.full or state.last_run is None))
    stop_title = config.effective_stop_page()
    try:
        templates = dict.fromkeys(template_title(s.schema) for s in sources)
        if stop_requested(site, stop_title, also=templates):  # one batch
            raise StopRequested(Msg("the stop page {stop_title} asks the bot to halt",
                                    stop_title=stop_title))
        report.started = site.now()
        sources = named_sources(site, sources)
        plan = make_plan(site, config, sources, state, options, report,
                         watching(progress, interrupted))
        report.outcomes = list(plan.outcomes)
        if options.dry_run:
            report.halted = forecast(plan, politeness(site, config).max_edits, report, show)
        else:
            state.save()
            done = apply_plan(site, list(order_edits(plan.edits)), politeness(site, config),
                              stop_title=stop_title, state=state, sleep=sleep, clock=clock,
                              progress=progress, interrupted=interrupted)
            report.outcomes = merge_outcomes(plan.outcomes, done)
            for outcome in done:
                note_attention(state, outcome, content_language(site.content_language))
            report.halted = next((o.message for o in done if o.status == Status.NOT_DONE), None)
            if not report.halted and not options.titles:  # a --title run saw only its pages
                state.last_run = report.started
                state.save()
    except StopRequested as e:
        report.stopped, report.halted = True, str(e)
    except WikiError as e:  # the wiki failed while reading: nothing was written, nothing lost
        report.halted = str(e)
    except Interrupted as e:  # a signal while reading and planning: nothing was written
        report.halted = report.interrupted = str(e)
    except IOFailure as e:
        report.halted = report.io_error = str(e)
    if interrupted():
        report.interrupted = report.halted = interrupted()
    report.problems.extend(site.problems)
    report.requests = site.requests
    report.duration = clock() - t0
    return report


def forecast(plan: Plan, max_edits: int | None, report: Report,
             show: Callable[[Edit], None] | None) -> str | None:
    """The dry run: the real run's outcomes as far as they can be known without writing
    (the edits beyond max_edits `not-done`), each edit it would make shown; why it would
    halt."""
    made, left = within_budget(list(order_edits(plan.edits)), max_edits)
    for edit in made:
        if show:
            show(edit)
    report.outcomes = merge_outcomes(plan.outcomes, left)
    return left[0].message if left else None


def watching(progress: Progress, interrupted: Callable[[], str | None]) -> Progress:
    """`progress`, raising Interrupted between two pages once a signal has arrived."""
    def wrap(items: Iterable[Any], length: int, label: str) -> Iterable[Any]:
        for item in progress(items, length, label):
            signal = interrupted()
            if signal:
                raise Interrupted(signal)
            yield item

    return wrap


def merge_outcomes(planned: Sequence[Outcome], done: Sequence[Outcome]) -> list[Outcome]:
    """Planned outcomes with those of applied edits put in, keeping each page's problems."""
    by_title = {o.title: o for o in done}
    out = []
    for o in planned:
        d = by_title.get(o.title)
        out.append(Outcome(o.title, d.status, o.problems, d.message) if d else o)
    return out


def read_pages(site: Site, sources: Sequence[Source], state: State, full: bool) -> list[Page]:
    """All pages of the sources' categories (full); else the pages changed since the last run
    in every namespace the sources' pages live in, and the pages whose planned edit was not
    made (an error, a halt, a merge: `pending`). Missing pages are given too (exists=False),
    so that they leave the members tables."""
    if full:
        return list(source_pages(site, sources))
    namespaces = {e.ns for e in state.pages.values() if e.ns is not None}
    changed = [t for t in site.changed_since(state.last_run or "", namespaces)
               if not is_category(t)]
    titles = list(dict.fromkeys(changed + pending(state) + list(state.dropped)))
    return [p for p in site.pages(titles)
            if not p.exists or (is_content(p) and not _already_seen(p, state))]


def pending(state: State) -> list[str]:
    """Titles planned with an edit that was not saved as planned (no revision recorded)."""
    return [t for t, e in state.pages.items() if not e.recorded and not is_category(t)]


def _already_seen(page: Page, state: State) -> bool:
    """True when the state holds this very revision (the bot's own edit, or a page planned)."""
    entry = state.pages.get(page.title)
    return page.revid is not None and entry is not None and entry.recorded \
        and entry.revid == page.revid


def make_plan(site: Site, config: Config, sources: Sequence[Source], state: State,
              options: RunOptions, report: Report,
              progress: Progress = lambda items, length, label: items) -> Plan:
    """Read, parse, compute and plan the page edits, then the category and template pages."""
    full = reads_everything(site, state, options, report)
    if options.titles:
        pages = [p for p in site.pages([*options.titles, *state.dropped])
                 if not p.exists or is_content(p)]
    else:
        pages = read_pages(site, sources, state, full)
    if full:
        for entry in state.pages.values():
            entry.row = None
    user = config.bot_name()
    edits, outcomes = _plan_pages(site, pages, sources, state, options, user, progress)
    more_edits, more_outcomes = _plan_maintained(site, sources, state, options, user)
    return Plan(tuple(edits + more_edits), tuple(outcomes + more_outcomes))


def reads_everything(site: Site, state: State, options: RunOptions, report: Report) -> bool:
    """Whether the run reads every page (a first or --full run, or one whose recent changes
    cannot be trusted: a last run ahead of the site's clock, changes the wiki forgot); the
    report's notes say why."""
    full = not options.titles and (options.full or state.last_run is None)
    report.notes.extend(state.dropped.values())
    if full or options.titles:
        return full
    if last_run_ahead(state, report):
        report.full = True
        return True
    if not site.changes_reach(state.last_run or ""):
        report.full = True  # the wiki forgot changes made since the last run
        report.notes.append(f"the wiki's recent changes no longer reach back to the last run "
                            f"({state.last_run}): every page was read")
        return True
    return False


def _plan_pages(site: Site, pages: Sequence[Page], sources: Sequence[Source], state: State,
                options: RunOptions, user: str, progress: Progress
                ) -> tuple[list[Edit], list[Outcome]]:
    """Each page read and planned, its plan put in the state; the edits and outcomes."""
    edits: list[Edit] = []
    outcomes: list[Outcome] = []
    asked = {normalize_title(t) for t in options.titles}
    for page in progress(pages, len(pages), N_("Planning")):
        if not page.exists:  # deleted since: out of the members tables
            if page.title in state.pages:
                state.pages[page.title].row = None
                state.pages[page.title].record(None, None)
            continue
        plan = plan_source_page(page, sources, user, options.force, site.first_letter)
        record_plan(state, page, plan, content_language(site.content_language))
        if options.titles and page.title not in asked:  # a dropped entry's page: its row only
            continue
        if plan.edit:
            edits.append(plan.edit)
        if plan.outcome:
            outcomes.append(plan.outcome)
    return edits, outcomes


def _plan_maintained(site: Site, sources: Sequence[Source], state: State, options: RunOptions,
                     user: str) -> tuple[list[Edit], list[Outcome]]:
    """The category pages (from the members rows in the state) and the template pages, read
    in one batch and planned."""
    specs = category_specs(sources, [e.row for e in state.pages.values() if e.row is not None])
    templates = [] if options.titles else list(
        {template_title(s.schema): s.schema for s in sources}.items())
    read = {p.title: p for p in site.pages(  # one batched read: category and template pages
        [CATEGORY_NS + s.name for s in specs] + [title for title, _ in templates])}
    edits, outcomes = _plan_categories(specs, read, user, options.force, options.allow_shrink)
    template_edits, template_outcomes = plan_templates(templates, read, user, options.force)
    for outcome in outcomes + template_outcomes:
        note_attention(state, outcome, content_language(site.content_language))
    return edits + template_edits, outcomes + template_outcomes


def last_run_ahead(state: State, report: Report) -> bool:
    """True, with a note, when the state's last run is later than the site's clock (a clock
    set back, a state from elsewhere): changes made before it would never be read."""
    if not later_than(state.last_run, report.started):
        return False
    report.notes.append(f"the last run in the state ({state.last_run}) is later than the "
                        f"site's clock ({report.started}): every page was read")
    return True


def record_plan(state: State, page: Page, plan: PagePlan, language: Language) -> None:
    """Put a page's plan in the state: its row, and its revision unless an edit is pending."""
    entry = state.page(page.title)
    entry.ns = page.ns
    if plan.source is None:
        entry.row = None  # left the sources' categories
    elif plan.row is not None:
        entry.row = plan.row
    if plan.edit is None:  # with an edit pending, the revision is recorded once it is saved
        entry.record(page.revid, page.timestamp)
    else:
        entry.unrecord()
    if plan.outcome is not None:
        note_attention(state, plan.outcome, language)


def note_attention(state: State, outcome: Outcome, language: Language) -> None:
    """Keep in the state whether a page needs a person (and why, in the wiki's language, as
    the report page shows it) until a run finds it fine: the report page lists every such
    page, not only those this run read."""
    entry = state.page(outcome.title)
    if outcome.status in FAILED:
        entry.attention = Attention(outcome.status, reason(outcome, language))
    elif outcome.status != Status.NOT_DONE:
        entry.attention = None


def attention(state: State) -> list[tuple[str, str, str]]:
    """(title, status, reason) of every page the state says needs a person."""
    return [(title, *e.attention) for title, e in state.pages.items() if e.attention]


def _plan_categories(specs: Sequence[CategorySpec], pages: dict[str, Page], user: str,
                     force: bool, allow_shrink: bool = False
                     ) -> tuple[list[Edit], list[Outcome]]:
    edits, outcomes = [], []
    for spec in specs:
        title = normalize_title(CATEGORY_NS + spec.name)
        page = pages.get(title) or Page(title, "", exists=False, ns=14)
        edit, outcome = plan_category(page, spec, user=user, force=force,
                                      allow_shrink=allow_shrink)
        if edit:
            edits.append(edit)
        outcomes.append(outcome)
    return edits, outcomes


def plan_templates(schemas: Sequence[tuple[str, Schema]], pages: dict[str, Page], user: str,
                    force: bool) -> tuple[list[Edit], list[Outcome]]:
    """The sources' template pages, their `doc` block kept current."""
    edits, outcomes = [], []
    for title, schema in schemas:
        page = pages.get(normalize_title(title)) or Page(title, "", exists=False, ns=10)
        edit, outcome = plan_template(page, schema, user=user, force=force)
        if edit:
            edits.append(edit)
        if page.exists:
            outcomes.append(outcome)
    return edits, outcomes


def plan_report_page(site: Site, config: Config, report: Report, state: State | None
                     ) -> Edit | None:
    """The edit of the report page's `rapport` block (see report_block: a run that changes
    nothing leaves it as it is), None when there is none to make."""
    page = next(iter(site.pages([config.report_page or ""])))
    current = find_block(page.text, "rapport")
    content = report_block(report, current.content if current is not None else None,
                           attention(state) if state is not None else None,
                           content_language(site.content_language))
    new = replace_block(page.text, "rapport", content)
    return None if new == page.text else Edit(page, new, summary(Msg("run report")))


def write_report_page(site: Site, config: Config, report: Report, state: State | None = None,
                      *, sleep: Callable[[float], None] = time.sleep,
                      show: Callable[[Edit], None] | None = None) -> None:
    """Put the French summary in the report page (plan_report_page) through the one writer
    (stop page, halts); in a dry run, count and show the edit the real run would make. The
    edit is counted in the report (its page's outcome), and so are the requests; a failure is
    reported, never raised."""
    try:
        edit = plan_report_page(site, config, report, state)
        if edit is None:
            return
        if report.dry_run:
            report.outcomes.append(Outcome(edit.title, Status.CREATED if edit.creates
                                           else Status.EDITED))
            if show:
                show(edit)
            return
        done = apply_plan(site, [edit], politeness(site, config, max_edits=1),
                          stop_title=config.effective_stop_page(), sleep=sleep)
        report.outcomes += [o for o in done if o.status in WRITTEN]
        failed = [o for o in done if o.status not in (*WRITTEN, Status.UNCHANGED)]
        if failed:
            report.halted = report.halted or f"report page not written: {failed[0].message}"
    except MovibotError as e:  # the stop page, a wiki error: reported, never raised
        report.halted = report.halted or f"report page not written: {e}"
    finally:
        report.requests = site.requests
