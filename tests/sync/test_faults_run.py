"""Whole runs under faults a real wiki cannot easily produce, on an in-memory api.php played by
`responses` (tests/reliability_fakewiki.py): maxlag storms, 429 with Retry-After, sessions
expiring, a page refused once. The site-level cases are in test_mediawiki_faults.py; here the
question is what the run does: it waits, gives up cleanly (exit 1, a report, a resumable state),
and a later run ends as an uninterrupted one. Nothing sleeps: the waits are recorded.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from commandline import Cli
from reliability_fakewiki import API, BOT, BOT_PASSWORD, Call, FakeWiki, error
from reliability_wiki import lieux_and_fiches

from movibot.sites.mediawiki import MediaWikiSite

PAGES = lieux_and_fiches()
LAG = error("maxlag", "Waiting for 10.0.0.1: 7 seconds lagged.", lag=7)
LAGGED = (200, {"Retry-After": "5", "X-Database-Lag": "7"}, json.dumps(LAG))


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError(f"real sleep({seconds})")
    monkeypatch.setattr(time, "sleep", refuse)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The site's retry waits, recorded instead of slept (no jitter)."""
    recorded: list[float] = []
    monkeypatch.setattr(MediaWikiSite, "__init__", functools.partialmethod(
        MediaWikiSite.__init__, sleep=recorded.append, jitter=lambda: 0.0))
    return recorded


@pytest.fixture
def fake() -> Iterator[FakeWiki]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeWiki(rsps, dict(PAGES))


@pytest.fixture(scope="module")
def reference(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The fake wiki's pages after one uninterrupted run."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        wiki = FakeWiki(rsps, dict(PAGES))
        code, output, _ = cli.run(None, fake_config(tmp_path_factory.mktemp("reference")),
                                  env=PASSWORD)
        assert code == 0, output
        return wiki.texts()


PASSWORD = {"MOVIBOT_PASSWORD": BOT_PASSWORD}


def fake_config(folder: Path, extra: str = "") -> Path:
    """A movibot.yaml for the fake wiki in `folder` (the state and the run's report beside it)."""
    config = folder / "movibot.yaml"
    config.write_text(f"site: {API}\nusername: {BOT}\nput_throttle: 0\n"
                      f"state_file: {folder / 'state.json'}\n{extra}", encoding="utf-8")
    return config


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {p["title"]: p["status"] for p in report["pages"]}


class Storm:
    """A fault: every call from the first one `start` accepts on gets `answer`, until stop()."""

    def __init__(self, start: Callable[[Call], bool], answer: Any = LAGGED) -> None:
        self.start, self.answer = start, answer
        self.on = self.over = False

    def __call__(self, call: Call) -> Any:
        if not self.over and (self.on or self.start(call)):
            self.on = True
            return self.answer
        return None

    def stop(self) -> None:
        self.over = True


# -- maxlag storms --------------------------------------------------------------------------


def test_a_maxlag_storm_mid_run_halts_cleanly_and_a_later_run_completes(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    fake.fault = storm = Storm(lambda call: call.kind == "edit" and call.edits == 4)
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1, output
    assert waits == [5.0] * 5  # the server's Retry-After, five times, for one request only
    halted = f"the wiki at {API} is lagged/overloaded: gave up after 5 retries"
    assert report["halted"] == halted and halted in output
    counts = {k: v for k, v in report["counts"].items() if v}
    assert counts == {"edited": 4, "error": 1, "not-done": len(report["pages"]) - 5}
    assert fake.edits == 4
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert state["sites"][API]["last_run"] is None  # the next run reads everything again
    storm.stop()
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 0, output
    assert fake.texts() == reference


def test_a_maxlag_storm_shorter_than_the_retries_only_delays_the_run(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    lagged = {"n": 0}

    def three_lags(call: Call) -> Any:
        if call.kind == "edit" and call.edits == 6 and lagged["n"] < 3:
            lagged["n"] += 1
            return LAGGED
        return None

    fake.fault = three_lags
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert (code, report["halted"]) == (0, None), output
    assert waits == [5.0, 5.0, 5.0]
    assert fake.texts() == reference


def test_a_storm_when_the_stop_page_is_checked_again_halts_with_a_report(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from movibot.sync.apply import Politeness

    # the stop page read before every edit (as if each edit took 30 s)
    monkeypatch.setattr("movibot.sync.run.politeness",
                        lambda site, config, max_edits=None: Politeness(0, None, 0.0))
    fake.fault = storm = Storm(lambda call: call.kind == "query" and call.edits == 10)
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1, output
    assert report["halted"] == ("the stop page could not be read: the wiki at "
                                f"{API} is lagged/overloaded: gave up after 5 retries")
    assert report["counts"]["not-done"] == len(report["pages"]) - 10 - report["counts"][
        "unchanged"]
    storm.stop()
    assert cli.run(None, fake_config(tmp_path), env=PASSWORD)[0] == 0
    assert fake.texts() == reference


def test_a_storm_from_the_first_request_writes_a_report_and_no_edit(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    fake.fault = storm = Storm(lambda call: True)
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1
    assert output.endswith(f"halted: the wiki at {API} is lagged/overloaded: "
                           "gave up after 5 retries\n")
    assert (report["exit_code"], report["edits"], report["pages"]) == (1, 0, [])
    assert fake.edits == 0 and not (tmp_path / "state.json").exists()
    storm.stop()
    assert cli.run(None, fake_config(tmp_path), env=PASSWORD)[0] == 0
    assert fake.texts() == reference


# -- 429 with Retry-After ---------------------------------------------------------------------


def test_429_with_retry_after_is_waited_then_the_run_completes(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    limited = {"n": 0}

    def too_many(call: Call) -> Any:
        if call.kind == "edit" and call.edits == 2 and limited["n"] < 2:
            limited["n"] += 1
            return (429, {"Retry-After": "30"}, "Too Many Requests")
        return None

    fake.fault = too_many
    code, output, _ = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 0, output
    assert waits == [30.0, 30.0]
    assert fake.texts() == reference


def test_a_429_storm_costs_one_request_s_retries_not_one_per_page(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    fake.fault = storm = Storm(lambda call: call.kind == "edit" and call.edits == 3,
                       (429, {"Retry-After": "3600"}, "Too Many Requests"))
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1, output
    assert waits == [600.0] * 5  # Retry-After capped at 10 minutes, one request retried
    assert report["counts"]["error"] == 1
    storm.stop()
    assert cli.run(None, fake_config(tmp_path), env=PASSWORD)[0] == 0
    assert fake.texts() == reference


# -- sessions ------------------------------------------------------------------------------------


def test_a_session_expiring_mid_run_is_renewed_and_nothing_is_lost(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    expired: set[int] = set()

    def expire(call: Call) -> None:
        if call.kind == "edit" and call.edits in {3, 11} - expired:
            expired.add(call.edits)
            fake.expire_sessions()

    fake.fault = expire
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert (code, report["halted"]) == (0, None), output
    assert [c.kind for c in fake.calls].count("login") == 3
    assert fake.texts() == reference
    assert waits == []


def test_a_session_that_cannot_be_renewed_halts_after_one_failed_login(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    refused = {"login": {"result": "Failed", "reason": "Incorrect password"}}

    def password_changed(call: Call) -> Any:
        if call.edits >= 5:
            fake.expire_sessions()
            if call.kind == "login":
                return refused
        return None

    fake.fault = password_changed
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1
    assert report["halted"] == (f"login failed for {BOT} on {API}: wrong username or password")
    assert [c.kind for c in fake.calls].count("login") == 2
    assert report["counts"]["error"] == 1 and fake.edits == 5
    fake.fault = lambda call: None
    assert cli.run(None, fake_config(tmp_path), env=PASSWORD)[0] == 0
    assert fake.texts() == reference


# -- a page refused once ---------------------------------------------------------------------


def test_a_page_refused_once_is_tried_again_by_the_next_incremental_run(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    def filtered(call: Call) -> Any:
        if call.kind == "edit" and call.params.get("title") == "Lieu numéro 4":
            return error("abusefilter-disallowed", "Cette modification a été bloquée.")
        return None

    fake.fault = filtered
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1 and statuses(report)["Lieu numéro 4"] == "error"
    assert report["halted"] is None  # one refusal does not halt the run: its last_run is kept
    fake.fault = lambda call: None
    code, output, report = cli.run(None, fake_config(tmp_path),
                                   env=PASSWORD)  # incremental: nothing changed on the wiki since
    assert code == 0, output
    assert statuses(report)["Lieu numéro 4"] == "edited"
    assert fake.texts() == reference


def test_a_storm_while_reading_the_pages_halts_with_a_report_and_no_edit(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path, reference: dict[str, str],
) -> None:
    fake.fault = storm = Storm(lambda call: call.kind == "query"
                               and call.params.get("generator") == "categorymembers")
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 1, output
    assert report["halted"] == f"the wiki at {API} is lagged/overloaded: gave up after 5 retries"
    assert (report["edits"], fake.edits, waits) == (0, 0, [5.0] * 5)
    storm.stop()
    assert cli.run(None, fake_config(tmp_path), env=PASSWORD)[0] == 0
    assert fake.texts() == reference


def test_a_report_page_that_cannot_be_read_is_reported_not_raised(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path,
) -> None:
    fake.fault = Storm(lambda call: "Rapport" in call.params.get("titles", ""))
    code, output, report = cli.run(None,
                                   fake_config(tmp_path,
                                               "report_page: Utilisateur:Movibot/Rapport\n"),
                                               env=PASSWORD)
    assert code == 1, output
    assert report["halted"] == ("report page not written: the wiki at "
                                f"{API} is lagged/overloaded: gave up after 5 retries")
    assert report["counts"]["edited"] == 10  # the run itself was done


# -- a deleted page -----------------------------------------------------------------------------


def test_a_deleted_page_leaves_the_members_tables_on_the_next_incremental_run(
    cli: Cli, fake: FakeWiki, waits: list[float], tmp_path: Path,
) -> None:
    assert cli.run(None, fake_config(tmp_path), env=PASSWORD)[0] == 0
    assert "[[Lieu numéro 3]]" in fake.texts()["Catégorie:Tiers-Lieux"]
    assert "[[Lieu numéro 3]]" in fake.texts()["Catégorie:Bretagne"]
    fake.delete("Lieu numéro 3")
    code, output, report = cli.run(None, fake_config(tmp_path), env=PASSWORD)
    assert code == 0, output
    texts = fake.texts()
    assert "Lieu numéro 3" not in texts["Catégorie:Tiers-Lieux"]
    assert "Lieu numéro 3" not in texts["Catégorie:Bretagne"]
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    assert "row" not in state["sites"][API]["pages"]["Lieu numéro 3"]
