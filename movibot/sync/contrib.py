"""Contributors' sync between a local folder of .wiki files and a wiki: pull, diff, push.

`pull` records, for each page, the revision it wrote and that revision's text (the base of a
later three-way merge) in the state file. `push` bases each edit on the current revision; when
the wiki changed since the pull, it merges three-way, or refuses the file on overlapping changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from movibot.atomic import write_atomic
from movibot.errors import EditConflict, MovibotError
from movibot.sites.base import Page
from movibot.state import State
from movibot.sync.edits import summary as bot_summary
from movibot.sync.edits import unified_diff
from movibot.wikitext.merge import merge3
from movibot.wikitext.titles import title_to_filename


@dataclass(frozen=True)
class FileOutcome:
    """What pull or push did with one file: status, the page's title, a message."""

    path: str
    title: str
    status: str  # pulled, unchanged, pushed, created, merged, conflict, refused, error
    message: str = ""
    diff: str = ""


def pull(site: Any, dest: Path, state: State, categories: Sequence[str],
         titles: Sequence[str]) -> Iterator[FileOutcome]:
    """Write one .wiki file per page of the categories and titles; record each revision."""
    dest.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    pages: list[Page] = []
    for category in categories:
        pages.extend(site.category_pages(category))
    pages.extend(p for p in site.pages(list(titles)))
    for page in pages:
        if page.title in seen:
            continue
        seen.add(page.title)
        path = dest / title_to_filename(page.title)
        if not page.exists:
            yield FileOutcome(str(path), page.title, "error", "no such page on the wiki")
            continue
        try:
            current = path.read_text(encoding="utf-8") if path.exists() else None
        except (OSError, UnicodeDecodeError) as e:
            why = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
            yield FileOutcome(str(path), page.title, "error", f"{why}; not overwritten")
            continue
        if current != page.text:
            write_atomic(path, page.text)
        _record(state, page)
        yield FileOutcome(str(path), page.title, "unchanged" if current == page.text else "pulled")


def same_text(a: str, b: str) -> bool:
    """Equal as MediaWiki stores them (it drops trailing white space on save)."""
    return a.rstrip() == b.rstrip()


def _record(state: State, page: Page) -> None:
    state.page(page.title).update(revid=page.revid, timestamp=page.timestamp, base=page.text)
    state.save()


def diff(site: Any, sources: Sequence[Any]) -> Iterator[FileOutcome]:
    """Local files against the wiki: a unified diff (wiki -> local) for each that differs."""
    wiki = {p.title: p for p in site.pages([s.title for s in sources])}
    for s in sources:
        page = wiki.get(s.title)
        old = page.text if page and page.exists else ""
        if same_text(old, s.text) and (page is not None and page.exists):
            yield FileOutcome(s.path, s.title, "unchanged")
        else:
            yield FileOutcome(s.path, s.title, "changed",
                              diff=unified_diff(old, s.text, s.title))


def push(site: Any, sources: Sequence[Any], state: State, *, dry_run: bool,
         summary: str | None) -> Iterator[FileOutcome]:
    """Upload the changed files; merge with wiki changes made since the pull, or refuse."""
    wiki = {p.title: p for p in site.pages([s.title for s in sources])}
    for s in sources:
        page = wiki.get(s.title) or Page(s.title, "", exists=False)
        try:
            yield _push_one(site, s, page, state, dry_run, summary)
        except MovibotError as e:
            yield FileOutcome(s.path, s.title, "error", str(e))


def _push_one(site: Any, s: Any, page: Page, state: State, dry_run: bool,
              summary: str | None) -> FileOutcome:
    entry = state.pages.get(s.title) or {}
    if same_text(page.text, s.text) and page.exists:
        _record(state, page) if not dry_run and entry.get("revid") != page.revid else None
        return FileOutcome(s.path, s.title, "unchanged")
    new, status = s.text, ("created" if not page.exists else "pushed")
    if page.exists and not entry:
        return FileOutcome(s.path, s.title, "refused",
                           "the page exists on the wiki but was never pulled; run movibot pull")
    if page.exists and entry.get("revid") != page.revid:
        merged = merge3(entry.get("base", ""), s.text, page.text)
        if merged.conflicts:
            return FileOutcome(s.path, s.title, "conflict",
                               f"the page changed on the wiki since the pull and the changes "
                               f"overlap ({merged.conflicts} conflicts); run movibot pull",
                               diff=merged.text)
        new, status = merged.text, "merged"
    text_diff = unified_diff(page.text, new, s.title)
    if dry_run:
        return FileOutcome(s.path, s.title, status, diff=text_diff)
    try:
        saved = site.save(page, new, summary or bot_summary(f"envoi de {Path(s.path).name}"))
    except EditConflict as e:
        return FileOutcome(s.path, s.title, "conflict", f"{e}; run movibot pull")
    if saved != page and not same_text(saved.text, new):
        # the wiki merged an edit made since it was read: the file gets the merged text, or
        # the next push, based on this revision, would remove that edit
        new, status = saved.text, "merged"
    if new != s.text:
        write_atomic(Path(s.path), new)
    _record(state, saved)
    return FileOutcome(s.path, s.title, status, diff=text_diff)
