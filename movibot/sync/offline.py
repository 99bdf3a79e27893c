"""The run on a read-only site (an XML dump): plan every page and write the planned pages to a
folder of `.wiki` files or to one MediaWiki import file (an --out ending in .xml: importfile.py),
streaming, optionally over several processes with a deterministic output order.

Memory does not grow with the number of pages: the members rows go to a temporary SQLite file,
the outcomes to a temporary file (read back for the counts and for report.json, written
streaming), and a lieu category with more than STREAM_ROWS members has its table rendered and
written in chunks of that many rows, in the order render_members sorts them. Output files are
written by rename (never half written) but not fsynced: a run killed midway is simply run again.
The import file's report is beside it (report_beside), the folder's inside it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import pickle
import signal
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing import Pool
from pathlib import Path
from typing import IO, Any, Protocol

from movibot.atomic import OUTPUT_MARK, replaced, staged_file, staged_folder
from movibot.config import Config, SourceConfig
from movibot.errors import Interrupted, UsageError, WikiError
from movibot.i18n import N_, Msg, message_of
from movibot.problems import Problem
from movibot.records.read import with_redirects
from movibot.records.schema import load_schema
from movibot.render.members import (
    LIEU_HEAD,
    LIEU_TAIL,
    lieu_rows,
    lieu_table,
    member_line,
    members_order,
)
from movibot.render.templates import template_title
from movibot.rows import MemberRow
from movibot.sites.base import Page, PageStream, Site
from movibot.status import Status
from movibot.sync.edits import Edit, Outcome, summary
from movibot.sync.importfile import IMPORT_MARK, ImportFile
from movibot.sync.pages import named_sources, source_pages
from movibot.sync.plan import (
    CATEGORY_NS,
    MEMBERS_UPDATE,
    CategorySpec,
    Source,
    category_specs,
    plan_category,
    plan_source_page,
)
from movibot.sync.report import Report, page_json
from movibot.sync.run import plan_templates, watching
from movibot.wikitext.blocks import block_frame, find_block, full_hash
from movibot.wikitext.titles import categories_in, normalize_title, title_to_filename

CATEGORY_NAMESPACE = 14
STREAM_ROWS = 2000  # a bigger lieu members table is rendered and written in chunks of this size
_WORKER: dict[str, Any] = {}


def _init_worker(configs: Sequence[SourceConfig], redirects: dict[str, tuple[str, ...]],
                 user: str, force: bool) -> None:
    """A worker's set-up: its sources, and the signals as a plain process has them (the main
    process notes SIGTERM and SIGINT to finish cleanly; a worker must die of SIGTERM when the
    pool ends, and leave SIGINT, a Ctrl-C at the terminal, to the main process)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["sources"] = with_redirects([Source(c, load_schema(c.schema)) for c in configs],
                                        redirects)
    _WORKER["user"], _WORKER["force"] = user, force


def _plan_in_worker(page: Page) -> Planned:
    return plan_one(page, _WORKER["sources"], _WORKER["user"], _WORKER["force"])


# What the main process needs of a planned page: its title, members row, the row's line of a
# members table, its edit (None: no edit; its base page without its text) and its outcome
# (None: not a page of the run).
Planned = tuple[str, MemberRow | None, str | None, Edit | None, Outcome | None]


def plan_one(page: Page, sources: Sequence[Source], user: str, force: bool) -> Planned:
    """Plan one page, its members line rendered once for all the tables it is in."""
    plan = plan_source_page(page, sources, user, force)
    line = member_line(plan.row, plan.row.kind) if plan.row else None
    edit = plan.edit
    if edit is not None:  # the old text is not needed any more (nor sent back by a worker)
        edit = Edit(dataclasses.replace(edit.page, text=""), edit.new, edit.summary)
    outcome = plan.outcome
    if plan.source is None and outcome is not None and not _read_by_a_run(page, outcome,
                                                                          sources):
        outcome = None
    return page.title, plan.row, line, edit, outcome


def _read_by_a_run(page: Page, outcome: Outcome, sources: Sequence[Source]) -> bool:
    """Whether a run on a wiki or a folder would read (and report) this page of no source: it
    calls a source's template outside its category (E301), or it is a redirect in a source's
    category. A dump holds every page; the others are none of the run's business."""
    if any(p.code == "E301" for p in outcome.problems):
        return True
    if outcome.status != Status.REDIRECT:
        return False
    wanted = {normalize_title(s.category) for s in sources}
    return not wanted.isdisjoint(categories_in(page.text))


def plan_stream(pages: Iterable[Page], sources: Sequence[Source], user: str, force: bool,
                jobs: int) -> Iterator[Planned]:
    """Each page planned (plan_one), in input order; with jobs > 1 in worker processes. The
    main process writes the files: file creation from several processes in one folder costs
    the file system many times what one writer pays (benchmarks/README.md)."""
    if jobs <= 1:
        for page in pages:
            yield plan_one(page, sources, user, force)
        return
    configs = [s.config for s in sources]
    redirects = {s.schema.template: s.schema.redirects for s in sources
                 if s.schema.redirects is not None}
    with Pool(jobs, _init_worker, (configs, redirects, user, force)) as pool:
        yield from pool.imap(_plan_in_worker, pages, chunksize=32)


def run_offline(site: Site, config: Config, sources: Sequence[Source], out: Path, *, jobs: int,
                force: bool, allow_shrink: bool = False,
                clock: Callable[[], float] = time.monotonic,
                progress: Callable[[Iterable[Any], int, str], Iterable[Any]] = lambda i, n, s: i,
                interrupted: Callable[[], str | None] = lambda: None) -> Report:
    """Plan every page of `site` as the run does (the same reader, plan, members tables and
    template pages); write each planned page as `out/TITLE.wiki`, and report.json.

    The pages are written to a folder beside `out` that becomes `out` only when the run
    completed: a run that fails (a damaged dump, a signal, a disk full) leaves `out` as it was
    and says why in its report (`halted`). The report's outcomes are read back from a
    temporary file each time they are iterated."""
    t0 = clock()
    outcomes = SpilledOutcomes()
    report = Report(site.name, dry_run=False, full=True, started=site.now())
    report.outcomes = outcomes  # type: ignore[assignment]
    try:
        with staged_output(out, config.bot_name(), report.started or "") as (output, beside):
            _plan_into(output, site, config, sources, outcomes, jobs=jobs, force=force,
                       allow_shrink=allow_shrink, progress=watching(progress, interrupted))
            _finish(report, site, clock() - t0)
            write_report(report, beside)
    except Interrupted as e:
        report.halted = report.interrupted = str(e)
    except (WikiError, UsageError) as e:  # a damaged or stub dump, an unreachable wiki
        report.halted = Msg("{why}; {out} left as it was", why=message_of(e), out=out)
    except FileExistsError as e:
        advice = (Msg("give a new file") if is_import_file(out)
                  else Msg("give a new or empty folder"))
        raise UsageError(Msg("--out {why}: {advice}", why=e, advice=advice)) from None
    except OSError as e:
        report.halted = report.io_error = Msg("cannot write {out}: {why}", out=out,
                                              why=e.strerror or str(e))
    if report.halted:  # nothing was written: no page was edited or created
        outcomes.close()
        report.outcomes = []
        _finish(report, site, clock() - t0)
    return report


class Output(Protocol):
    """Where a run with --out writes the planned pages: a folder of `.wiki` files
    (FolderOutput) or one MediaWiki import file (importfile.ImportFile)."""

    def write(self, page: Page, chunks: Iterable[str], summary: str) -> Problem | None:
        """Write the new text of `page` (the concatenation of `chunks`); the problem that kept
        it out, None when it is written."""


class FolderOutput:
    """Each page as `FOLDER/TITLE.wiki`, written through a rename without fsync: an output
    folder is made again by running again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, page: Page, chunks: Iterable[str], summary: str) -> Problem | None:
        with replaced(self.folder / title_to_filename(page.title)) as f:
            for chunk in chunks:
                f.write(chunk)
        return None


def is_import_file(out: Path) -> bool:
    """Whether --out names an import file (its suffix is .xml) rather than a folder."""
    return out.suffix.lower() == ".xml"


def report_beside(out: Path) -> Path:
    """The report of a run with --out that has no folder to hold it (an import file, or a run
    that did not complete): `OUT.report.json`, beside OUT."""
    return out.parent / f"{out.name}.report.json"


@contextlib.contextmanager
def staged_output(out: Path, user: str, started: str) -> Iterator[tuple[Output, Path]]:
    """The output of a run with --out, staged beside `out` and moved into place when the block
    completes (atomic.staged_folder, staged_file): its writer and where report.json goes."""
    if not is_import_file(out):
        with staged_folder(out) as stage:
            yield FolderOutput(stage), stage / OUTPUT_MARK
        return
    with staged_file(out, IMPORT_MARK) as file:
        writer = ImportFile(file, user, started)
        writer.start()
        yield writer, report_beside(out)
        writer.finish()


def refused(outcome: Outcome, problem: Problem) -> Outcome:
    """The outcome of a planned page its output refused (E605): an error, with the problem."""
    return Outcome(outcome.title, Status.ERROR, (*outcome.problems, problem),
                   problem.headline)


def written(output: Output, edit: Edit, outcome: Outcome) -> Outcome:
    """Write an edit's new text to `output`; its outcome, or why it was refused."""
    problem = output.write(edit.page, (edit.new,), edit.summary)
    return outcome if problem is None else refused(outcome, problem)


def _finish(report: Report, site: Site, duration: float) -> None:
    report.problems[:] = site.problems
    report.duration = duration


def _plan_into(output: Output, site: Site, config: Config, sources: Sequence[Source],
               outcomes: SpilledOutcomes, *, jobs: int, force: bool, allow_shrink: bool,
               progress: Callable[[Iterable[Any], int, str], Iterable[Any]]) -> None:
    """Plan every page, then the category and template pages, writing the planned ones to
    `output` and their outcomes to `outcomes`."""
    user = config.bot_name()
    sources = named_sources(site, sources)  # a dump: a scan of its pages' heads
    with RowStore() as rows:
        seen: dict[str, Page] | None = {} if isinstance(site, PageStream) else None
        stream = plan_stream(source_pages(site, sources, seen), sources, user, force, jobs)
        for title, row, line, edit, outcome in progress(stream, -1, N_("Planning")):
            # a page of no source that calls a source's template (E301) is planned too, in
            # no table: its source is None but it has an outcome
            if edit is not None and outcome is not None:
                outcome = written(output, edit, outcome)
            if row is not None:
                rows.add(title, row, line or "")
            if outcome is not None:
                outcomes.append(outcome)
        for outcome in plan_categories(site, sources, rows, output, user, force, allow_shrink,
                                       seen):
            outcomes.append(outcome)
    for outcome in write_templates(site, sources, output, user, force, seen):
        outcomes.append(outcome)


def write_templates(site: Site, sources: Sequence[Source], output: Output, user: str,
                    force: bool, seen: dict[str, Page] | None) -> Iterator[Outcome]:
    """The sources' template pages planned as the run plans them (plan_templates), the edited
    ones written to `output`."""
    templates = list({template_title(s.schema): s.schema for s in sources}.items())
    titles = [normalize_title(title) for title, _ in templates]
    if seen is not None:  # the dump's template pages, kept by the one pass
        pages = {t: seen[t] for t in titles if t in seen}
    else:
        pages = {p.title: p for p in site.pages(titles)}
    edits, outcomes = plan_templates(templates, pages, user, force)
    kept_out = {}
    for edit in edits:
        problem = output.write(edit.page, (edit.new,), edit.summary)
        if problem is not None:
            kept_out[edit.title] = problem
    for outcome in outcomes:
        problem = kept_out.get(outcome.title)
        yield outcome if problem is None else refused(outcome, problem)


class SpilledOutcomes:
    """An append-only list of Outcomes kept pickled in a temporary file, read back on each
    iteration: memory does not grow with the number of pages."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="movibot-outcomes-")
        self._path = Path(self._dir.name) / "outcomes.pickle"
        self._file: IO[bytes] = open(self._path, "ab")  # noqa: SIM115 - closed by close()
        self._count = 0

    def append(self, outcome: Outcome) -> None:
        pickle.dump(outcome, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def extend(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            self.append(outcome)

    def close(self) -> None:
        """Delete the file (it is also deleted when the object is garbage collected)."""
        self._file.close()
        self._dir.cleanup()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Outcome]:
        self._file.flush()
        with open(self._path, "rb") as f:
            for _ in range(self._count):
                yield pickle.load(f)


class RowStore:
    """The members rows of the planned pages, in a temporary SQLite file: by category, in the
    order the members tables show them, plus the distinct shapes category_specs needs.

    Rows are written in batches of BATCH. A page seen again gets a new version: its earlier
    members entries stay in the file but no longer match its row, so every query joins on
    the title and the version (no look-up before each insert)."""

    BATCH = 500

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="movibot-rows-")
        self._db = sqlite3.connect(Path(self._dir.name) / "rows.sqlite")
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-8000;"
            "CREATE TABLE rows (title TEXT PRIMARY KEY, version INTEGER, data BLOB, line TEXT);"
            "CREATE TABLE members (category TEXT, sort TEXT, title TEXT, version INTEGER);")
        self._shapes: dict[tuple[Any, ...], MemberRow] = {}
        self._rows: list[tuple[str, int, bytes, str]] = []
        self._members: list[tuple[str, str, str, int]] = []
        self._written = 0  # rows written to the file so far

    def __enter__(self) -> RowStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()
        self._dir.cleanup()

    def add(self, title: str, row: MemberRow, line: str) -> None:
        """Store (or replace) a page's row and its members line."""
        sort = members_order(row)[0]  # then the title
        version = len(self._rows) + self._written
        self._rows.append((title, version, pickle.dumps(row, pickle.HIGHEST_PROTOCOL), line))
        self._members += [(c, sort, title, version) for c in row.categories]
        key = (row.kind, row.categories, tuple(sorted((k, tuple(v))
                                                      for k, v in row.implied.items())))
        if key not in self._shapes:
            self._shapes[key] = MemberRow("", row.kind, categories=row.categories,
                                          implied=row.implied)
        if len(self._rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        self._db.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)", self._rows)
        self._db.executemany("INSERT INTO members VALUES (?, ?, ?, ?)", self._members)
        self._written += len(self._rows)
        self._rows.clear()
        self._members.clear()

    def specs(self, sources: Sequence[Source]) -> list[CategorySpec]:
        """category_specs over the distinct row shapes: names and descriptions, no rows."""
        self._flush()
        self._db.execute("CREATE INDEX IF NOT EXISTS by_category "
                         "ON members (category, sort, title)")
        specs = category_specs(sources, self._shapes.values())
        return [dataclasses.replace(s, rows=()) for s in specs]

    _JOIN = ("FROM members m JOIN rows r ON r.title = m.title AND r.version = m.version "
             "WHERE m.category = ?")

    def count(self, category: str) -> int:
        self._flush()
        return int(self._db.execute(f"SELECT count(*) {self._JOIN}", (category,)).fetchone()[0])

    def members(self, category: str) -> Iterator[MemberRow]:
        """The rows of a category, in members-table order."""
        self._flush()
        cursor = self._db.execute(f"SELECT r.data {self._JOIN} ORDER BY m.sort, m.title",
                                  (category,))
        for (data,) in cursor:
            yield pickle.loads(data)

    def lines(self, category: str) -> Iterator[str]:
        """The members lines of a category, in members-table order."""
        self._flush()
        cursor = self._db.execute(f"SELECT r.line {self._JOIN} ORDER BY m.sort, m.title",
                                  (category,))
        for (line,) in cursor:
            yield line


def plan_categories(site: Site, sources: Sequence[Source], rows: RowStore, output: Output,
                    user: str, force: bool, allow_shrink: bool = False,
                    seen: dict[str, Page] | None = None) -> Iterator[Outcome]:
    """Plan each category page the rows imply; write the edited ones; yield the outcomes.
    A lieu table is put together from its members' lines (each rendered once, when its page
    was planned); one of more than STREAM_ROWS rows is streamed."""
    specs = rows.specs(sources)
    titles = [normalize_title(CATEGORY_NS + s.name) for s in specs]
    if seen is not None:  # every category page of the dump, kept by the one pass
        pages = {t: seen[t] for t in titles if t in seen}
    else:
        pages = {p.title: p for p in site.pages(titles)}
    for spec, title in zip(specs, titles, strict=True):
        page = pages.get(title) or Page(title, "", exists=False, ns=14)
        count = rows.count(spec.name) if spec.kind else 0
        if spec.kind == "lieu" and count > STREAM_ROWS:
            yield stream_category(page, spec, rows.lines(spec.name), output, user, force,
                                  allow_shrink, count)
            continue
        if spec.kind == "lieu":
            edit, outcome = plan_category(page, spec, user=user, force=force,
                                          allow_shrink=allow_shrink, rows=count,
                                          members=lieu_table(rows.lines(spec.name)))
        else:
            spec = dataclasses.replace(spec, rows=tuple(rows.members(spec.name))
                                       if spec.kind else ())
            edit, outcome = plan_category(page, spec, user=user, force=force,
                                          allow_shrink=allow_shrink)
        yield outcome if edit is None else written(output, edit, outcome)


def stream_category(page: Page, spec: CategorySpec, lines: Iterator[str], output: Output,
                    user: str, force: bool, allow_shrink: bool = False,
                    count: int | None = None) -> Outcome:
    """plan_category for a big lieu category, its members table written line by line.

    The page is planned with an empty table (so creation, {{bots}}, malformed and hand-edited
    blocks are decided as usual), then the table and its hash are put in that block."""
    edit, outcome = plan_category(page, spec, user=user, force=force,
                                  allow_shrink=allow_shrink or count is None, rows=count)
    if outcome.status in (Status.SKIPPED_NOBOTS, Status.BLOCK_MALFORMED, Status.SHRINK_REFUSED):
        return outcome
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as table:
        sha1 = _write_table(lines, table).hexdigest()
        old = find_block(page.text, "membres") if page.exists else None
        if old is not None and full_hash(old.content) == sha1:
            if not old.edited:
                return Outcome(page.title, Status.UNCHANGED)
        elif outcome.status == Status.BLOCK_EDITED:
            return outcome
        base = edit.new if edit is not None else page.text
        block = find_block(base, "membres")
        assert block is not None  # plan_category wrote or kept one
        before, after, newline = block_frame(base, block, sha1)
        action = edit.summary if edit is not None else summary(MEMBERS_UPDATE)
        problem = output.write(page, _chunks(before, table, newline, after), action)
    status = Status.CREATED if not page.exists else Status.EDITED
    outcome = Outcome(page.title, status)
    return outcome if problem is None else refused(outcome, problem)


def _chunks(before: str, table: IO[str], newline: str, after: str) -> Iterator[str]:
    """`before`, the table in `table` (its newlines made `newline`), `after`."""
    yield before
    table.seek(0)
    while chunk := table.read(1 << 20):
        yield chunk.replace("\n", newline)
    yield after


def _write_table(lines: Iterator[str], out: IO[str]) -> Any:
    """Write lieu_table(lines) to `out`, STREAM_ROWS lines at a time; its sha1."""
    sha1 = hashlib.sha1()
    empty = True
    chunk: list[str] = []
    for line in lines:
        if empty:
            _write(out, sha1, LIEU_HEAD)
            empty = False
        chunk.append(line)
        if len(chunk) == STREAM_ROWS:
            _write(out, sha1, lieu_rows(chunk))
            chunk.clear()
    if empty:
        _write(out, sha1, lieu_table(()))
        return sha1
    if chunk:
        _write(out, sha1, lieu_rows(chunk))
    _write(out, sha1, LIEU_TAIL)
    return sha1


def _write(out: IO[str], sha1: Any, text: str) -> None:
    out.write(text)
    sha1.update(text.encode("utf-8"))


def write_report(report: Report, path: Path) -> None:
    """report.json as json.dumps(report.to_json(), indent=2, sort_keys=True) would write it,
    the `pages` written one by one (never all in memory)."""
    marker = "\0pages\0"
    empty = dataclasses.replace(report, outcomes=[])
    doc = empty.to_json()
    doc.update(counts=report.counts(), edits=report.edits, exit_code=report.exit_code(),
               pages=marker)
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)
    before, after = text.split(json.dumps(marker), 1)
    with replaced(path) as f:
        f.write(before)
        f.write("[" if report.outcomes else "[]")
        for i, outcome in enumerate(report.outcomes):
            f.write(("," if i else "") + "\n    " + _entry(page_json(outcome)))
        f.write("\n  ]" if report.outcomes else "")
        f.write(after + "\n")


def _entry(doc: dict[str, Any]) -> str:
    """A page's entry of report.json, indented as in the report: json.dumps(doc, indent=2,
    sort_keys=True), written directly for the usual entry, one without problems."""
    if doc["problems"] or set(doc) != _ENTRY_KEYS:
        text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)
        return text.replace("\n", "\n    ")
    message, status, title = (json.dumps(doc[k], ensure_ascii=False)
                              for k in ("message", "status", "title"))
    return (f'{{\n      "message": {message},\n      "problems": [],\n      "status": {status},'
            f'\n      "title": {title}\n    }}')


_ENTRY_KEYS = {"message", "problems", "status", "title"}
