"""apply, the only writer, with a fake site, a fake clock and a recorded sleep."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from movibot.errors import AccountRefused, EditConflict, EditRefused, StopRequested, WikiError
from movibot.i18n import Msg
from movibot.sites.base import Page
from movibot.state import PageEntry, State
from movibot.sync.apply import NOCHANGE, STATE_SAVE_EVERY, Politeness, apply_plan
from movibot.sync.edits import Edit
from movibot.sync.edits import summary as edit_summary

STOP = "Utilisateur:Movibot/Stop"


class FakeSite:
    """Pages in a dict; `fail` maps titles to the error their save raises."""

    name = "fake"
    writable = True
    live = True
    requests = 0
    content_language: str | None = "fr"

    def __init__(self, stop_after_reads: int | None = None) -> None:
        self.texts: dict[str, str] = {}
        self.saved: list[str] = []
        self.summaries: list[str] = []
        self.fail: dict[str, Exception] = {}
        self.nochange: set[str] = set()  # titles answered `nochange`: the page as read comes back
        self.stop_reads = 0
        self.stop_after_reads = stop_after_reads

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        for title in titles:
            if title == STOP:
                self.stop_reads += 1
                stop = self.stop_after_reads is not None and self.stop_reads > self.stop_after_reads
                yield Page(title, "stop" if stop else "", exists=stop)
            else:
                yield Page(title, self.texts.get(title, ""), exists=title in self.texts)

    def save(self, page: Page, text: str, summary: str, **kw: object) -> Page:
        if page.title in self.fail:
            raise self.fail[page.title]
        if page.title in self.nochange:
            return page
        self.texts[page.title] = text
        self.saved.append(page.title)
        self.summaries.append(summary)
        return Page(page.title, text, revid=len(self.saved), timestamp="2026-12-01T00:00:00Z")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def edits(n: int) -> list[Edit]:
    return [Edit(Page(f"P{i:02d}", "old", revid=1), "new", "résumé") for i in range(n)]


def apply(site: FakeSite, policy: Politeness, n: int = 3, **kw: object) -> tuple[list, list]:
    slept: list[float] = []
    done = apply_plan(site, edits(n), policy, stop_title=STOP, sleep=slept.append, **kw)
    return done, slept


def test_put_throttle_sleeps_between_edits_not_before_the_first() -> None:
    site = FakeSite()
    done, slept = apply(site, Politeness(put_throttle=7.0))
    assert ([o.status for o in done], slept) == (["edited"] * 3, [7.0, 7.0])


def test_max_edits_stops_after_n_edits_and_says_so() -> None:
    site = FakeSite()
    done, _ = apply(site, Politeness(put_throttle=0, max_edits=2), n=4)
    assert [(o.title, o.status) for o in done] == [
        ("P00", "edited"), ("P01", "edited"), ("P02", "not-done"), ("P03", "not-done")]
    assert done[2].message == "max_edits (2) reached" and site.saved == ["P00", "P01"]


def test_the_stop_page_is_read_before_the_first_edit() -> None:
    site = FakeSite(stop_after_reads=0)
    with pytest.raises(StopRequested):
        apply(site, Politeness(put_throttle=0))
    assert site.saved == []


def test_the_stop_page_is_read_again_once_stop_interval_seconds_have_passed() -> None:
    site, clock = FakeSite(stop_after_reads=1), Clock()  # says stop from its 2nd reading on

    def pace(seconds: float) -> None:
        clock.now += seconds

    with pytest.raises(StopRequested):
        apply_plan(site, edits(9), Politeness(put_throttle=10, stop_interval=30),
                   stop_title=STOP, sleep=pace, clock=clock)
    assert (site.saved, site.stop_reads) == (["P00", "P01", "P02"], 2)  # read at 0 s and 30 s


def test_a_fast_run_reads_the_stop_page_once_per_interval() -> None:
    site, clock = FakeSite(), Clock()

    def pace(seconds: float) -> None:
        clock.now += 0.05  # twenty edits a second

    done = apply_plan(site, edits(1000), Politeness(put_throttle=0.05, stop_interval=30),
                      stop_title=STOP, sleep=pace, clock=clock)
    assert len(done) == 1000 and site.stop_reads == 2  # at 0 s and at 30 s of a 50 s run


def test_a_signal_stops_before_the_next_edit() -> None:
    site = FakeSite()
    signals = iter([None, None, "SIGTERM", "SIGTERM", "SIGTERM", "SIGTERM"])
    done = apply_plan(site, edits(4), Politeness(put_throttle=0), stop_title=STOP,
                      sleep=lambda s: None, interrupted=lambda: next(signals))
    assert [o.status for o in done] == ["edited", "edited", "not-done", "not-done"]
    assert done[2].message == "interrupted by SIGTERM"


def test_a_streak_of_errors_halts_the_run() -> None:
    site = FakeSite()
    site.fail = {f"P{i:02d}": WikiError("HTTP 500") for i in range(3)}
    done, _ = apply(site, Politeness(put_throttle=0, max_consecutive_errors=3), n=5)
    assert [o.status for o in done] == ["error", "error", "error", "not-done", "not-done"]
    assert done[3].message == "halted after 3 consecutive errors"


def test_a_conflict_breaks_the_error_streak() -> None:
    site = FakeSite()
    site.fail = {"P00": WikiError("x"), "P01": EditConflict("c"), "P02": WikiError("y")}
    done, _ = apply(site, Politeness(put_throttle=0, max_consecutive_errors=2), n=4)
    assert [o.status for o in done] == ["error", "conflict", "error", "edited"]


def test_a_refusal_of_the_whole_account_halts_at_the_first_one() -> None:
    site = FakeSite()
    blocked = "the account Movibot@movibot is blocked on fake by Admin: Vandalisme"
    site.fail = {f"P{i:02d}": AccountRefused(blocked) for i in range(1, 5)}
    done, _ = apply(site, Politeness(put_throttle=0), n=5)
    assert [(o.status, o.message) for o in done] == [("edited", "")] + [("error", blocked)] + [
        ("not-done", blocked)] * 3
    assert site.saved == ["P00"]


def test_a_refusal_of_one_page_goes_on_to_the_next() -> None:
    site = FakeSite()
    site.fail = {"P00": EditRefused("P00: protectedpage")}
    done, _ = apply(site, Politeness(put_throttle=0), n=3)
    assert [o.status for o in done] == ["protected", "edited", "edited"]


def test_a_nochange_answer_is_unchanged_and_not_counted_as_an_edit() -> None:
    site = FakeSite()
    site.nochange = {"P00"}
    done, _ = apply(site, Politeness(put_throttle=0, max_edits=2), n=4)
    assert [(o.status, o.message) for o in done] == [
        ("unchanged", NOCHANGE), ("edited", ""), ("edited", ""),
        ("not-done", "max_edits (2) reached")]


def test_saved_revisions_go_to_the_state_saved_at_most_every_few_seconds(tmp_path: Path
                                                                         ) -> None:
    site, clock = FakeSite(), Clock()
    state = State(tmp_path / "state.json", "fake")
    writes: list[int] = []
    real_save = state.save

    def save() -> None:
        writes.append(len(site.saved))
        real_save()

    state.save = save  # type: ignore[method-assign]

    def slow_sleep(seconds: float) -> None:
        clock.now += STATE_SAVE_EVERY / 2 + 0.01

    done = apply_plan(site, edits(5), Politeness(put_throttle=1), stop_title=STOP, state=state,
                      sleep=slow_sleep, clock=clock)
    assert [o.status for o in done] == ["edited"] * 5
    assert state.pages["P04"] == PageEntry(True, 5, "2026-12-01T00:00:00Z")
    assert writes == [3, 5, 5]  # every ~2 s of edits, then always at the end


@pytest.mark.parametrize(("language", "summary"), [
    ("fr", "movibot 0.1.0 : mise à jour de l'infobox"),
    ("fr-ca", "movibot 0.1.0 : mise à jour de l'infobox"),
    ("en", "movibot 0.1.0: infobox update"),
    ("de", "movibot 0.1.0: infobox update"),
    (None, "movibot 0.1.0 : mise à jour de l'infobox"),
], ids=["fr", "fr-ca", "en", "de", "unknown"])
def test_the_summary_is_written_in_the_wiki_s_language(language: str | None,
                                                        summary: str) -> None:
    site = FakeSite()
    site.content_language = language
    page = Page("P", "old", revid=1)
    apply_plan(site, [Edit(page, "new", edit_summary(Msg("infobox update")))],
               Politeness(put_throttle=0), stop_title=STOP, sleep=lambda _: None)
    assert site.summaries == [summary]
