"""Apply a plan: the only writer, used by run, push and the report page.

Politely: put_throttle between edits on a live wiki (folders and dumps are not throttled),
max_edits, the stop page (before the first edit, then before an edit whenever `stop_interval`
seconds have passed since it was last read: a stop bites within 30 s, and a fast run does not
read it a hundred times), a halt on a streak of errors or on a wiki that cannot be written,
or on a signal (SIGTERM, SIGINT) between two edits; and the state: each saved revision is
recorded, the file saved at most every STATE_SAVE_EVERY seconds and always at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from movibot.config import Config
from movibot.errors import (
    AccountRefused,
    BotsExcluded,
    EditConflict,
    EditRefused,
    LoginError,
    ReadOnly,
    StopRequested,
    WikiError,
)
from movibot.i18n import N_, content_language, message_of, written
from movibot.sites.base import Page, Site
from movibot.state import State
from movibot.status import Status
from movibot.sync.edits import Edit, Outcome

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]
Clock = Callable[[], float]
Sleep = Callable[[float], None]
OnSaved = Callable[[Edit, Page], None]
MAX_EDITS_REACHED = "max_edits"  # how the message of pages left after max_edits begins

# The state is rewritten whole, so saving it after every edit costs time that grows with the
# square of the pages (measured: 31 s of a 71 s run at 1 000 lieux). It is saved at most every
# STATE_SAVE_EVERY seconds while editing, and always at the end; a page whose edit was made but
# not yet recorded is `pending`, read again by the next run and found current.
STATE_SAVE_EVERY = 2.0


@dataclass(frozen=True)
class Politeness:
    """How gently edits are made: seconds between edits, caps, and when to look at the stop page."""

    put_throttle: float = 10.0
    max_edits: int | None = None
    stop_interval: float = 30.0  # seconds between two readings of the stop page
    max_consecutive_errors: int = 5


def politeness(site: Site, config: Config, max_edits: int | None = None) -> Politeness:
    """The config's politeness for `site`: put_throttle applies to live wikis only."""
    throttle = config.put_throttle if site.live else 0.0
    return Politeness(throttle, config.max_edits if max_edits is None else max_edits)


def stop_requested(site: Site, title: str, also: Iterable[str] = ()) -> bool:
    """True when the stop page has content other than empty or `run`. The pages `also` are
    read in the same batch (a run's template pages: a live wiki answers template_redirects
    from that read)."""
    page = next(iter(site.pages([title, *also])))
    return page.exists and page.text.strip().lower() not in ("", "run")


def apply_plan(site: Site, edits: Sequence[Edit], policy: Politeness, *, stop_title: str,
               state: State | None = None, on_saved: OnSaved | None = None,
               sleep: Sleep = time.sleep, clock: Clock = time.monotonic,
               progress: Progress = lambda items, length, label: items,
               interrupted: Callable[[], str | None] = lambda: None) -> list[Outcome]:
    """Make the edits in order (see apply_edits); record each saved revision in `state` (not a
    merged one: it is read and planned again next run) and call `on_saved`. The state is saved
    at the end whatever happens. Raises StopRequested when the stop page asks to halt."""
    last_save = [clock()]

    def saved(edit: Edit, page: Page) -> None:
        if state is not None and not was_merged(edit, page):
            state.page(page.title).record(page.revid, page.timestamp)
            if clock() - last_save[0] >= STATE_SAVE_EVERY:
                state.save()
                last_save[0] = clock()
        if on_saved is not None:
            on_saved(edit, page)

    done = apply_edits(site, edits, policy, stop_requested=lambda: stop_requested(site, stop_title),
                       on_saved=saved, sleep=sleep, clock=clock, interrupted=interrupted)
    try:
        return list(progress(done, len(edits), N_("Editing")))
    finally:
        if state is not None:
            state.save()


@dataclass
class _Tally:
    """What apply_edits counts as it goes: edits made, errors in a row, when the stop page was
    last read, and why the run halted ("" while it goes on)."""

    made: int = 0
    errors: int = 0
    last_read: float | None = None
    halted: str = ""


def apply_edits(
    site: Site,
    edits: Sequence[Edit],
    policy: Politeness,
    *,
    stop_requested: Callable[[], bool],
    on_saved: Callable[[Edit, Page], None],
    sleep: Sleep,
    clock: Clock = time.monotonic,
    interrupted: Callable[[], str | None] = lambda: None,
) -> Iterator[Outcome]:
    """Make the edits in order, yielding each outcome. The only place that writes to a site.

    Raises StopRequested when the stop page asks to halt (read before the first edit, then
    whenever `stop_interval` seconds have passed). After `max_edits` edits, a signal, a streak
    of errors (refusals that recur every run, such as protection, do not count), a read-only
    wiki, a refusal of the whole account (a block, rights revoked), a refused login, a wiki
    unavailable after its retries or a stop page that cannot be read, the remaining pages are
    yielded as `not-done` (the message says why). An edit the wiki answers `nochange` (the
    page already holds the text) is `unchanged` and not counted as an edit.
    """
    tally = _Tally()
    for i, edit in enumerate(edits):
        if not tally.halted:
            tally.halted = _before_edit(tally, i, policy, stop_requested, sleep, clock,
                                        interrupted)
        if tally.halted:
            yield Outcome(edit.title, Status.NOT_DONE, (), tally.halted)
            continue
        outcome, saved, halt = _save(site, edit)
        if saved is not None:
            on_saved(edit, saved)
        tally.halted = halt or _count(tally, outcome, policy)
        yield outcome


def _before_edit(tally: _Tally, i: int, policy: Politeness, stop_requested: Callable[[], bool],
                 sleep: Sleep, clock: Clock, interrupted: Callable[[], str | None]) -> str:
    """Why the run halts before the i-th edit ("" to go on): max_edits, a signal, a stop page
    that cannot be read. Waits the put_throttle first and reads the stop page when due.
    Raises StopRequested."""
    if policy.max_edits is not None and tally.made >= policy.max_edits:
        return f"{MAX_EDITS_REACHED} ({policy.max_edits}) reached"
    signal = interrupted()
    if signal:
        return f"interrupted by {signal}"
    if i and policy.put_throttle:
        sleep(policy.put_throttle)
    if tally.last_read is None or clock() - tally.last_read >= policy.stop_interval:
        tally.last_read = clock()
        try:
            if stop_requested():
                raise StopRequested("the stop page asks the bot to halt")
        except WikiError as e:
            return f"the stop page could not be read: {e}"
    return ""


def _count(tally: _Tally, outcome: Outcome, policy: Politeness) -> str:
    """Count an outcome: an edit made, or one more error in a row; why the run halts after it
    ("" to go on: a streak of `max_consecutive_errors` errors halts)."""
    if outcome.status in (Status.EDITED, Status.CREATED):
        tally.made, tally.errors = tally.made + 1, 0
    elif outcome.status in (Status.UNCHANGED, Status.CONFLICT):
        tally.errors = 0
    elif outcome.status == Status.ERROR:
        tally.errors += 1
        if tally.errors >= policy.max_consecutive_errors:
            return f"halted after {tally.errors} consecutive errors"
    return ""


MERGED = ("saved, but the wiki merged it with an edit made since the page was read; "
          "the page is read again on the next run")
NOCHANGE = ("not saved: the wiki already holds this text (saved by someone else since the page "
            "was read)")


def _save(site: Site, edit: Edit) -> tuple[Outcome, Page | None, str]:
    """Save one edit: its outcome, the new revision (None when nothing was saved; the page as
    read when the wiki answered `nochange`), and why the run must halt ("" to go on): a
    read-only wiki, a refusal of the whole account, a refused login, a wiki still unavailable
    after its retries (an error with `halts_run`)."""
    try:
        language = content_language(site.content_language)
        saved = site.save(edit.page, edit.new, written(edit.summary, language), bot=edit.bot)
    except EditConflict as e:
        return Outcome(edit.title, Status.CONFLICT, (), message_of(e)), None, ""
    except BotsExcluded as e:
        return Outcome(edit.title, Status.SKIPPED_NOBOTS, (), message_of(e)), None, ""
    except EditRefused as e:  # recurs every run: a person must act, the wiki is fine
        return Outcome(edit.title, Status.PROTECTED, (), message_of(e)), None, ""
    except (ReadOnly, AccountRefused, LoginError) as e:
        return Outcome(edit.title, Status.ERROR, (), message_of(e)), None, str(e)
    except WikiError as e:  # a wiki that gave up after its retries halts the run too
        halt = str(e) if getattr(e, "halts_run", False) else ""
        return Outcome(edit.title, Status.ERROR, (), message_of(e)), None, halt
    if saved == edit.page and edit.page.exists:  # nochange: the page as read, given back
        return Outcome(edit.title, Status.UNCHANGED, (), NOCHANGE), saved, ""
    status = Status.CREATED if edit.creates else Status.EDITED
    return Outcome(edit.title, status, (), MERGED if was_merged(edit, saved) else ""), saved, ""


def was_merged(edit: Edit, saved: Page) -> bool:
    """True when the saved revision is not the planned text: MediaWiki merged the edit with one
    made since the page was read (a nochange answer gives back the page as read: not merged)."""
    def stored(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()

    return saved != edit.page and stored(saved.text) != stored(edit.new)


def within_budget(edits: Sequence[Edit], max_edits: int | None
                  ) -> tuple[list[Edit], list[Outcome]]:
    """What apply_edits would make of `edits` if every save succeeded: the first `max_edits`
    edits, and the rest as `not-done` outcomes (the dry run's forecast of a real run)."""
    if max_edits is None or len(edits) <= max_edits:
        return list(edits), []
    why = f"{MAX_EDITS_REACHED} ({max_edits}) reached"
    return list(edits[:max_edits]), [Outcome(e.title, Status.NOT_DONE, (), why)
                                     for e in edits[max_edits:]]
