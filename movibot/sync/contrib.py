"""Contributors' round trip between a local folder of .wiki files and a wiki: pull, diff, push.

`pull` records, for each page, the revision it wrote and that revision's text (`base`,
`base_revid`, `file`) in the state: the base of later three-way merges. It never loses local
work: a file changed since its base is merged with the wiki's new text (conflicts marked in the
file), or kept with `keep_local`, or overwritten only with `force`.

`push` goes through the run's pipeline: each changed file is checked (lint), merged with the
wiki's changes made since its base, given the run's plan (its current infobox block, in the same
edit), then written by the one writer (stop page, put_throttle, max_edits, halts, state).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import chain
from pathlib import Path
from typing import Any

from movibot import __version__
from movibot.atomic import write_atomic
from movibot.i18n import N_, Msg, msg_n
from movibot.records.lint import LocalPage
from movibot.records.read import Reading, Source, read_page
from movibot.render.templates import template_title
from movibot.rows import MemberRow
from movibot.sites.base import Page, Site
from movibot.state import PageEntry, State
from movibot.status import PUSH_FAILED, Status
from movibot.sync.apply import Progress
from movibot.sync.edits import Edit, unified_diff
from movibot.sync.edits import summary as bot_summary
from movibot.sync.pages import named_sources
from movibot.sync.plan import plan_source_page
from movibot.wikitext.merge import OURS_MARKER, THEIRS_MARKER, merge3
from movibot.wikitext.titles import fold, title_to_filename

# Statuses of a file (pull: pulled, unchanged, merged, conflict, kept-local, error).
__all__ = ["PUSH_FAILED"]


@dataclass(frozen=True)
class FileOutcome:
    """What pull, diff or push did (or would do) with one file: its status, a message, a diff."""

    path: str
    title: str
    status: Status
    message: str = ""
    diff: str = ""


def same_text(a: str, b: str) -> bool:
    """Equal as MediaWiki stores them (it drops trailing white space on save)."""
    return a.rstrip() == b.rstrip()


def record_base(state: State, page: Page, path: Path | str) -> None:
    """Remember `page` as the base of the local file at `path` (for later merges)."""
    entry = state.page(page.title)
    entry.base, entry.base_revid, entry.file = page.text, page.revid, str(path)
    entry.merge_base = entry.merge_revid = None


def record_conflict(state: State, page: Page) -> None:
    """Remember the wiki's text a conflicted file was merged with: once the person has
    resolved the conflict, that text is the base of the push (like git's MERGE_HEAD)."""
    entry = state.page(page.title)
    entry.merge_base, entry.merge_revid = page.text, page.revid


def base_of(entry: PageEntry | None) -> tuple[str | None, int | None]:
    """(base text, base revision) of a file's state entry: the wiki text of its last pull or
    push, or of a conflicted pull; (None, None) when never pulled."""
    if entry is None:
        return None, None
    if entry.merge_base is not None:
        return entry.merge_base, entry.merge_revid
    return entry.base, entry.base_revid


# --- pull ---------------------------------------------------------------------------------------


def pull(site: Site, dest: Path, state: State, categories: Sequence[str], titles: Sequence[str],
         *, keep_local: bool = False, force: bool = False,
         progress: Progress = lambda items, length, label: items) -> Iterator[FileOutcome]:
    """Write one .wiki file per page of the categories and titles, never losing local work.
    Every page is read (under `progress`, "Reading") before the first file is written."""
    dest.mkdir(parents=True, exist_ok=True)
    reads = chain(*(site.category_pages(category) for category in categories),
                  site.pages(list(titles)))
    pages = list(progress(reads, -1, N_("Reading")))
    seen: set[str] = set()
    for page in progress(pages, len(pages), N_("Pulling")):
        if page.title not in seen:
            seen.add(page.title)
            yield _pull_one(page, dest / title_to_filename(page.title), state, keep_local, force)
    state.save()


def _pull_one(page: Page, path: Path, state: State, keep_local: bool, force: bool
              ) -> FileOutcome:
    """Pull `page` into the file at `path`: written when the file is absent or untouched since
    its base (or with `force`), else kept (`keep_local`) or merged with the wiki's text."""
    if not page.exists:
        return FileOutcome(str(path), page.title, Status.ERROR, Msg("no such page on the wiki"))
    try:
        local = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        return FileOutcome(str(path), page.title, Status.ERROR, Msg("{why}; not overwritten",
                                                                    why=why))
    base, _ = base_of(state.pages.get(page.title))
    untouched = _untouched(local, page.text, base)
    if untouched or force:
        return _overwrite(page, path, state, local, forced=not untouched)
    if keep_local:
        return FileOutcome(str(path), page.title, Status.KEPT_LOCAL,
                           Msg("changed locally since the pull; left as it is (--keep-local)"))
    return _merge_pulled(page, path, state, base or "", local or "")


def _untouched(local: str | None, wiki_text: str, base: str | None) -> bool:
    """True when there is no local work to keep: no file, or one holding the wiki's text or
    its base."""
    return local is None or same_text(local, wiki_text) or (
        base is not None and same_text(local, base))


def _overwrite(page: Page, path: Path, state: State, local: str | None, forced: bool
               ) -> FileOutcome:
    """Write the wiki's text to `path` (unless the file already holds it) and make it the
    base: `unchanged` or `pulled`, noted when `forced` over local changes."""
    current = local is not None and same_text(local, page.text)
    if not current:
        write_atomic(path, page.text)
    record_base(state, page, path)
    note = "local changes overwritten (--force)" if forced else ""
    return FileOutcome(str(path), page.title, Status.UNCHANGED if current else Status.PULLED, note)


def _merge_pulled(page: Page, path: Path, state: State, base: str, local: str) -> FileOutcome:
    """Write the three-way merge of the local file and the wiki's text to `path`: `merged`,
    or `conflict` with the conflicts marked in the file (the wiki's text kept as merge base)."""
    merged = merge3(base, local, page.text)
    write_atomic(path, merged.text)
    if merged.conflicts:
        record_conflict(state, page)
        return FileOutcome(str(path), page.title, Status.CONFLICT, (
            Msg("changed both locally and on the wiki: {conflicts} conflict(s) marked in the "
                "file (<<<<<<< local … >>>>>>> wiki); edit them away, then movibot push",
                conflicts=merged.conflicts)))
    record_base(state, page, path)
    return FileOutcome(str(path), page.title, Status.MERGED,
                       Msg("local changes kept, merged with the wiki's new text"))


# --- push and diff: planning ---------------------------------------------------------------------


@dataclass(frozen=True)
class PushOptions:
    dry_run: bool = False
    summary: str | None = None
    recreate: bool = False
    new: bool = False
    bot: bool = False
    force: bool = False


@dataclass(frozen=True)
class PushPlan:
    """What push would do: the edits (with the file each comes from) and the files settled
    without an edit (unchanged, refused…); `sources` as the site resolves their templates'
    names (what push's lint reads the files with)."""

    edits: tuple[tuple[LocalPage, Edit, str], ...] = ()
    settled: tuple[FileOutcome, ...] = ()
    rows: Mapping[str, MemberRow | None] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()


def plan_push(site: Site, files: Sequence[LocalPage], state: State, sources: Sequence[Source],
              user: str, options: PushOptions) -> PushPlan:
    """Plan the push of `files` (one batched read of their pages and the sources' template
    pages: their calls are read through the site's redirects to each template)."""
    templates = [template_title(s.schema) for s in sources]
    wiki = {p.title: p for p in site.pages(dict.fromkeys([*(f.title for f in files),
                                                          *templates]))}
    sources = named_sources(site, sources)
    edits, settled, rows = [], [], {}
    for file in files:
        page = wiki.get(file.title) or Page(file.title, "", exists=False)
        why = refusal(file, page, state, options)
        if why is not None:
            settled.append(why)
            continue
        new, status = merged_text(file, page, state)
        if new is None:
            settled.append(status)  # type: ignore[arg-type]
            continue
        planned = plan_source_page(Page(page.title, new, page.revid, page.timestamp, page.pageid,
                                        page.ns, page.exists), sources, user, options.force)
        if planned.edit is not None:
            new = planned.edit.new  # the run's plan, in the same edit
        rows[file.title] = planned.row if planned.source else None
        if page.exists and same_text(page.text, new):
            settled.append(FileOutcome(file.path, file.title, Status.UNCHANGED))
            continue
        assert planned.reading is not None
        text = options.summary or change_summary(page, planned.reading, sources)
        edits.append((file, Edit(page, new, text, bot=options.bot), str(status)))
    return PushPlan(tuple(edits), tuple(settled), rows, tuple(sources))


def refusal(file: LocalPage, page: Page, state: State, options: PushOptions
            ) -> FileOutcome | None:
    """Why `file` is not pushed at all (deleted on the wiki, renamed locally, never pulled,
    unresolved conflict markers), None when it may be."""
    _, base_revid = base_of(state.pages.get(file.title))
    if OURS_MARKER in file.text and THEIRS_MARKER in file.text:
        return FileOutcome(file.path, file.title, Status.CONFLICT,
                           Msg("the file still holds conflict markers (<<<<<<< local … "
                               ">>>>>>> wiki); edit them away first"))
    pulled_as = renamed_from(file, state)
    if pulled_as is not None and not options.new:
        return FileOutcome(file.path, file.title, Status.RENAMED_LOCALLY, (
            Msg("this file was pulled as «{pulled_as}»: rename the page on the wiki "
                "(Special:Move, which keeps its history), then pull; or push it as a new "
                "page with --new", pulled_as=pulled_as)))
    if not page.exists and base_revid is not None and not options.recreate:
        return FileOutcome(file.path, file.title, Status.DELETED_ON_WIKI, (
            Msg("the page was deleted on the wiki since the pull; not recreated (--recreate "
                "to create it again)")))
    if page.exists and base_revid is None:
        return FileOutcome(file.path, file.title, Status.REFUSED, (
            Msg("the page exists on the wiki but this file was never pulled: movibot pull "
                "--title '{title}' merges the wiki's text into it (nothing local is lost)",
                title=file.title)))
    return None


def renamed_from(file: LocalPage, state: State) -> str | None:
    """The title this file was pulled as, when it is not its title now (the file was renamed,
    or its `<!-- title: -->` line changed); None otherwise."""
    path = str(Path(file.path))
    for title, entry in state.pages.items():
        if fold(title) == fold(file.title) or entry.base is None:
            continue
        recorded = entry.file
        if recorded == path:
            return title
        if file.title not in state.pages and recorded and not Path(recorded).exists() \
                and Path(recorded).parent == Path(path).parent \
                and SequenceMatcher(None, entry.base, file.text).quick_ratio() > 0.8 \
                and SequenceMatcher(None, entry.base, file.text).ratio() > 0.6:
            return title
    return None


def merged_text(file: LocalPage, page: Page, state: State) -> tuple[str | None, str | FileOutcome]:
    """(text to push, "pushed" | "merged"), or (None, the outcome) on overlapping changes."""
    base, base_revid = base_of(state.pages.get(file.title))
    if not page.exists or base_revid == page.revid or base is None:
        return file.text, Status.PUSHED
    merged = merge3(base, file.text, page.text)
    if merged.conflicts:
        return None, FileOutcome(file.path, file.title, Status.CONFLICT, (
            Msg("the page changed on the wiki since the pull and the changes overlap "
                "({conflicts} conflict(s)); movibot pull merges the wiki's changes into your "
                "file (your changes are kept, conflicts marked)", conflicts=merged.conflicts)),
            diff=unified_diff(page.text, merged.text, file.title))
    return merged.text, Status.MERGED


def change_summary(page: Page, new: Reading, sources: Sequence[Source]) -> str:
    """The summary (in the wiki's language) of the change from `page` to the text `new` is
    the reading of: the sections and the infobox fields it touches."""
    if not page.exists:
        return bot_summary(Msg("page created"))
    old, now, schema = read_page(page, sources).record, new.record, new.schema
    parts: list[Msg] = []
    before, after = dict(old.sections), dict(now.sections)
    changed = [h for h in after if before.get(h) != after[h]]
    removed = [h for h in before if h not in after]
    if changed:
        parts.append(msg_n("section {names} updated", "sections {names} updated",
                           len(changed), names=", ".join(changed[:3])))
    if removed:
        parts.append(msg_n("section {names} removed", "sections {names} removed",
                           len(removed), names=", ".join(removed[:3])))
    fields = [n for n in dict.fromkeys([*old.fields, *now.fields])
              if old.fields.get(n) != now.fields.get(n)]
    if fields:
        names = [schema.field(n).param if schema else n for n in fields[:3]]
        parts.append(Msg("{names} changed", names=", ".join(names)))
    if not parts:
        return bot_summary(Msg("text changed"))
    joined = parts[0]
    for part in parts[1:]:
        joined = Msg("{first}; {then}", first=joined, then=part)
    return bot_summary(joined)


# --- diff ---------------------------------------------------------------------------------------


def diff(plan: PushPlan) -> Iterator[FileOutcome]:
    """What push would do, file by file: a unified diff (wiki -> what push would write)."""
    yield from plan.settled
    for file, edit, _ in plan.edits:
        yield FileOutcome(file.path, file.title, Status.CHANGED, diff=edit.diff())


def diff_stat(text: str) -> tuple[int, int]:
    """(lines added, lines removed) of a unified diff."""
    lines = text.splitlines()
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return added, removed


# --- push: applying -----------------------------------------------------------------------------

Apply = Callable[[Sequence[Edit], Callable[[Edit, Page], None]], list[Any]]


def push(plan: PushPlan, state: State, apply: Apply, *, dry_run: bool) -> list[FileOutcome]:
    """Make the plan's edits through `apply` (the one writer); write back to each file what
    the wiki now holds (the infobox block, a merge) and record it as the file's base."""
    files = {edit.title: (file, status) for file, edit, status in plan.edits}
    if dry_run:
        return list(plan.settled) + [
            FileOutcome(f.path, f.title,
                        Status.WOULD_MERGE if s == Status.MERGED else Status.WOULD_PUSH,
                        diff=e.diff()) for f, e, s in plan.edits]

    def saved(edit: Edit, page: Page) -> None:
        file, _ = files[edit.title]
        if page.text != file.text:
            write_atomic(Path(file.path), page.text)
        record_base(state, page, file.path)
        state.page(page.title).row = plan.rows.get(page.title)

    done = apply([e for _, e, _ in plan.edits], saved)
    out = list(plan.settled)
    for (file, edit, status), outcome in zip(plan.edits, done, strict=True):
        if outcome.status in (Status.EDITED, Status.CREATED):
            merged = status == Status.MERGED or bool(outcome.message)
            out.append(FileOutcome(file.path, file.title,
                                   Status.MERGED if merged else Status.PUSHED,
                                   outcome.message, diff=edit.diff()))
        else:
            out.append(FileOutcome(file.path, file.title, outcome.status, outcome.message))
    return out


@dataclass
class PushResult:
    """A push as a whole: each file's outcome, and whether the stop page or a halt ended it."""

    site: str
    dry_run: bool = False
    outcomes: list[FileOutcome] = field(default_factory=list)
    stopped: bool = False
    _halted: str | None = field(default=None, repr=False)
    requests: int = 0

    @property
    def halted(self) -> str | None:
        """Why the push ended early: the stop page, else what left files `not-done` (a
        read-only wiki, a streak of errors, max_edits), as in the run's report."""
        return self._halted or next(
            (o.message for o in self.outcomes if o.status == Status.NOT_DONE), None)

    @halted.setter
    def halted(self, why: str | None) -> None:
        self._halted = why

    @property
    def edits(self) -> int:
        return sum(o.status in (Status.PUSHED, Status.MERGED) for o in self.outcomes)

    def exit_code(self) -> int:
        """3 halted by the stop page, 1 when a file needs a person, else 0."""
        if self.stopped:
            return 3
        return 1 if self.halted or any(o.status in PUSH_FAILED for o in self.outcomes) else 0

    def to_json(self) -> dict[str, Any]:
        """Stable machine output: the keys of the run's report, with `files` for `pages`."""
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return {
            "version": __version__, "site": self.site, "dry_run": self.dry_run,
            "requests": self.requests, "edits": 0 if self.dry_run else self.edits,
            "halted": self.halted, "stopped": self.stopped, "counts": counts,
            "files": [{"path": o.path, "title": o.title, "status": o.status,
                       "message": o.message} for o in self.outcomes],
            "exit_code": self.exit_code(),
        }
