"""The run on a read-only site (an XML dump): plan every page and write the planned pages to a
folder, streaming, optionally over several processes with a deterministic output order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from movibot.atomic import write_atomic
from movibot.config import Config, SourceConfig
from movibot.pages import Page
from movibot.report import Report
from movibot.run import PagePlan, Source, _plan_categories, is_content, plan_source_page
from movibot.schema import load_schema
from movibot.state import State
from movibot.titles import title_to_filename

_WORKER: dict[str, Any] = {}


def _init_worker(configs: Sequence[SourceConfig], user: str, force: bool) -> None:
    _WORKER["sources"] = [Source(c, load_schema(c.schema)) for c in configs]
    _WORKER["user"], _WORKER["force"] = user, force


def _plan_in_worker(page: Page) -> tuple[Page, PagePlan]:
    return page, plan_source_page(page, _WORKER["sources"], _WORKER["user"], _WORKER["force"])


def source_pages(site: Any, sources: Sequence[Source]) -> Iterator[Page]:
    """Every content page of the site once (one pass over a dump when it can iterate)."""
    if hasattr(site, "iter_pages"):
        yield from (p for p in site.iter_pages() if is_content(p))
        return
    seen: set[str] = set()
    for source in sources:
        for page in site.category_pages(source.category):
            if page.title not in seen and is_content(page):
                seen.add(page.title)
                yield page


def plan_stream(pages: Iterable[Page], sources: Sequence[Source], user: str, force: bool,
                jobs: int) -> Iterator[tuple[Page, PagePlan]]:
    """(page, plan) in input order; with jobs > 1 the planning runs in worker processes."""
    if jobs <= 1:
        for page in pages:
            yield page, plan_source_page(page, sources, user, force)
        return
    configs = [s.config for s in sources]
    with Pool(jobs, _init_worker, (configs, user, force)) as pool:
        yield from pool.imap(_plan_in_worker, pages, chunksize=32)


def run_offline(site: Any, config: Config, sources: Sequence[Source], out: Path, *, jobs: int,
                force: bool, clock: Callable[[], float] = time.monotonic,
                progress: Callable[[Iterable[Any], int, str], Iterable[Any]] = lambda i, n, s: i
                ) -> Report:
    """Plan every page of `site`; write each planned page as `out/TITLE.wiki`, and the report."""
    t0 = clock()
    out.mkdir(parents=True, exist_ok=True)
    report = Report(site.name, dry_run=False, full=True, started=site.now())
    state = State(out / ".state.json", site.name)  # in memory only: rows for category pages
    user = config.bot_name()
    stream = plan_stream(source_pages(site, sources), sources, user, force, jobs)
    for page, plan in progress(stream, -1, "Planning"):
        if plan.source is None:
            continue
        if plan.row is not None:
            state.pages[page.title] = {"row": plan.row}
        if plan.edit is not None:
            write_atomic(out / title_to_filename(page.title), plan.edit.new)
        if plan.outcome is not None:
            report.outcomes.append(plan.outcome)
    edits, outcomes = _plan_categories(site, sources, state, user, force)
    for edit in edits:
        write_atomic(out / title_to_filename(edit.title), edit.new)
    report.outcomes.extend(outcomes)
    report.problems.extend(getattr(site, "problems", []))
    report.duration = clock() - t0
    text = json.dumps(report.to_json(), ensure_ascii=False, indent=2, sort_keys=True)
    write_atomic(out / "report.json", text + "\n")
    return report
