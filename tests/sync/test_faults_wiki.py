"""Faults on the real test wiki: the server going away, the run killed, humans editing under the
bot's feet, the password changed, the wiki read-only. After each, a rerun ends exactly as a
reference wiki that got one uninterrupted run: same text on every page, no block twice, no human
edit lost; the report of the faulty run says what happened to each page and exits 1.

No test sleeps: the site's retry waits go to a recorder (`waits`), the put_throttle is 0 except in
the SIGKILL matrix, where the bot runs as a real process.
"""

from __future__ import annotations

import functools
import random
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import wikiserver
from reliability_wiki import (
    RunResult,
    bot_changes,
    configure,
    duplicated_blocks,
    lieux_and_fiches,
    run_cli,
    set_bot_password,
    snapshot,
    start_run,
)

from movibot.sites.mediawiki import MediaWikiSite
from movibot.sync.apply import NOCHANGE

PAGES = lieux_and_fiches()
KILL_SEEDS = range(20)
KILL_THROTTLE = 0.05  # seconds between edits in the SIGKILL matrix: the kills land mid-run


def reference_snapshot(template: wikiserver.Template, pages: dict[str, str],
                       folder: Path) -> dict[str, str]:
    """The pages of a wiki seeded with `pages` after one uninterrupted run."""
    ref = wikiserver.Wiki.fresh(template)
    try:
        ref.seed(pages)
        result = run_cli(configure(ref, folder), ref.bot_password)
        assert result.code == 0, result.output
        return snapshot(ref)
    finally:
        ref.destroy()


@pytest.fixture(scope="module")
def reference(wiki_template: wikiserver.Template,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return reference_snapshot(wiki_template, PAGES, tmp_path_factory.mktemp("reference"))


@pytest.fixture
def seeded(wiki: wikiserver.Wiki, tmp_path: Path) -> tuple[wikiserver.Wiki, Path]:
    wiki.seed(PAGES)
    return wiki, configure(wiki, tmp_path / "bot")


class Sleeper:
    """The site's retry waits, recorded instead of slept; `then(n)` runs after the n-th."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.then: Callable[[int], None] = lambda n: None

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.then(len(self.waits))


@pytest.fixture
def sleeper(monkeypatch: pytest.MonkeyPatch) -> Sleeper:
    fake = Sleeper()
    monkeypatch.setattr(MediaWikiSite, "__init__",
                        functools.partialmethod(MediaWikiSite.__init__, sleep=fake,
                                                  jitter=lambda: 0.0))
    return fake


def on_save(monkeypatch: pytest.MonkeyPatch, before: Callable[[int, Any], None],
            after: Callable[[int], None] = lambda n: None) -> list[str]:
    """Call before(n, page) ahead of the bot's n-th save (1-based) and after(n) once it
    returned; the titles it tried to save."""
    real = MediaWikiSite.save
    saved: list[str] = []

    def save(self: MediaWikiSite, page: Any, text: str, summary: str, **kw: Any) -> Any:
        before(len(saved) + 1, page)
        saved.append(page.title)
        new = real(self, page, text, summary, **kw)
        after(len(saved))
        return new

    monkeypatch.setattr(MediaWikiSite, "save", save)
    return saved


def assert_sound(texts: dict[str, str]) -> None:
    assert duplicated_blocks(texts) == {}


def assert_report_accounts_for_every_page(result: RunResult, expected: set[str]) -> None:
    """Every page the bot planned has a status, and the counts add up."""
    pages = result.report["pages"]
    assert len({p["title"] for p in pages}) == len(pages)
    assert sum(result.report["counts"].values()) == len(pages)
    assert set(result.statuses().values()) <= expected
    assert result.report["exit_code"] == result.code


# -- the server goes away --------------------------------------------------------------------


def test_server_down_then_back_within_the_retries_loses_nothing(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str], sleeper: Sleeper,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    on_save(monkeypatch, lambda n, page: wiki.stop() if n == 6 else None)
    sleeper.then = lambda n: wiki.start() if n == 3 else None
    result = run_cli(config, wiki.bot_password)
    assert (result.code, result.report["halted"]) == (0, None), result.output
    assert sleeper.waits == [1.0, 2.0, 4.0]  # backed off three times, then the wiki answered
    assert set(result.statuses().values()) == {"edited", "created"}
    assert snapshot(wiki) == reference


@pytest.mark.parametrize("down_after", [3, 10])
def test_server_down_for_good_halts_cleanly_then_a_rerun_completes(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str], sleeper: Sleeper,
    monkeypatch: pytest.MonkeyPatch, down_after: int,
) -> None:
    """Down at the 4th or the 11th save: that page is an error, the run halts at once (one
    request's retries), with a report."""
    wiki, config = seeded
    saved = on_save(monkeypatch, lambda n, page: None,
                    lambda n: wiki.stop() if n == down_after else None)
    result = run_cli(config, wiki.bot_password)
    assert result.code == 1, result.output
    unreachable = f"the wiki at {wiki.api_url} could not be reached: gave up after 5 retries"
    assert result.report["halted"] == unreachable and unreachable in result.output
    assert_report_accounts_for_every_page(
        result, {"edited", "created", "unchanged", "error", "not-done"})
    statuses = result.statuses()
    assert [statuses[t] for t in saved] == ["edited"] * down_after + ["error"]
    assert list(statuses.values()).count("not-done") >= 10
    assert sleeper.waits == [1.0, 2.0, 4.0, 8.0, 16.0]  # one request's retries, then it halts
    wiki.start()
    monkeypatch.undo()
    again = run_cli(config, wiki.bot_password)
    assert again.code == 0, again.output
    texts = snapshot(wiki)
    assert texts == reference
    assert_sound(texts)


def test_a_run_that_cannot_start_counts_the_requests_it_made(
    seeded: tuple[wikiserver.Wiki, Path], sleeper: Sleeper,
) -> None:
    wiki, config = seeded
    wiki.stop()
    result = run_cli(config, wiki.bot_password)
    wiki.start()
    assert result.code == 1, result.output
    assert result.report["halted"] == (f"the wiki at {wiki.api_url} could not be reached: "
                                       "gave up after 5 retries")
    assert result.report["requests"] == 6  # the first try and its 5 retries
    assert "; 6 requests, made 0 edits" in result.output


# -- the run killed -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kill_matrix(wiki_template: wikiserver.Template, tmp_path_factory: pytest.TempPathFactory,
                reference: dict[str, str]) -> dict[int, tuple[float, str, dict[str, str]]]:
    """For each seed: the delay after which `movibot run` was killed with SIGKILL, what the
    killed run had done, and the wiki after a rerun. Two wikis at a time."""
    folder = tmp_path_factory.mktemp("kill")
    timing = wikiserver.Wiki.fresh(wiki_template)
    try:  # how long an uninterrupted run lasts as a process, to spread the kills over it
        timing.seed(PAGES)
        config = configure(timing, folder / "timing", put_throttle=KILL_THROTTLE)
        started = time.monotonic()
        process = start_run(config, timing.bot_password)
        assert process.wait(60) == 0, process.communicate()
        duration = time.monotonic() - started
    finally:
        timing.destroy()

    def one(seed: int) -> tuple[float, str, dict[str, str]]:
        delay = random.Random(seed).uniform(0.0, duration)
        wiki = wikiserver.Wiki.fresh(wiki_template)
        try:
            wiki.seed(PAGES)
            config = configure(wiki, folder / f"seed-{seed}", put_throttle=KILL_THROTTLE)
            process = start_run(config, wiki.bot_password)
            try:
                process.wait(delay)
                what = f"finished ({process.returncode})"
            except subprocess.TimeoutExpired:
                process.kill()  # SIGKILL: no handler, no cleanup
                process.wait()
                what = "killed"
            edits = len(wiki.api(list="recentchanges", rcuser="Movibot", rclimit="max")
                        ["query"]["recentchanges"])
            # the rerun is a process too: CliRunner swaps os.environ and sys.stdout, which two
            # threads must not do at once
            again = start_run(configure(wiki, folder / f"seed-{seed}"), wiki.bot_password)
            assert again.wait(60) == 0, again.communicate()
            return delay, f"{what} after {edits} edits", snapshot(wiki)
        finally:
            wiki.destroy()

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(KILL_SEEDS, pool.map(one, KILL_SEEDS), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("seed", KILL_SEEDS)
def test_run_killed_at_a_random_point_then_rerun_equals_an_uninterrupted_run(
    kill_matrix: dict[int, tuple[float, str, dict[str, str]]], reference: dict[str, str],
    seed: int,
) -> None:
    delay, what, texts = kill_matrix[seed]
    assert texts == reference, f"killed after {delay:.2f} s ({what})"
    assert_sound(texts)


def test_the_kills_land_all_over_the_run(
    kill_matrix: dict[int, tuple[float, str, dict[str, str]]]) -> None:
    killed = [what for _, what, _ in kill_matrix.values() if what.startswith("killed")]
    edits = {int(what.split()[-2]) for what in killed}
    assert len(killed) >= 15 and len(edits) >= 5, killed  # not all before the first edit


# -- humans editing between the bot's read and its write --------------------------------------

HUMAN_CATEGORY = ("Catégorie:Coworking", "Les espaces de coworking, décrits par une humaine.\n\n"
                  "[[Catégorie:Types de tiers-lieux]]")


def human_version(title: str, text: str) -> str | None:
    """What a human makes of a page under the bot's feet: every other lieu is edited, either on
    the line the block goes next to (MediaWiki reports a conflict) or in a field far from it
    (MediaWiki merges both edits); None for the pages left alone."""
    if not title.startswith("Lieu numéro ") or int(title.split()[-1]) % 2 == 0:
        return None
    n = int(title.split()[-1])
    if n % 4 == 1:
        return text.replace("écrit par des humains.", "réécrit par une humaine.")
    return text.replace(f"surface totale = {100 + 10 * n} m²", f"surface totale = {n} 000 m²")


def test_edit_conflicts_keep_the_human_text_and_a_rerun_finishes_the_job(
    seeded: tuple[wikiserver.Wiki, Path], wiki_template: wikiserver.Template, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    humans = {t: v for t, v in ((t, human_version(t, x)) for t, x in PAGES.items()) if v}
    humans[HUMAN_CATEGORY[0]] = HUMAN_CATEGORY[1]

    def human_first(n: int, page: Any) -> None:
        if page.title in humans:
            wiki.edit_as_human(page.title, humans[page.title])

    on_save(monkeypatch, human_first)
    first = run_cli(config, wiki.bot_password)
    assert first.code == 1, first.output
    statuses = first.statuses()
    conflicts = {"Lieu numéro 1", "Lieu numéro 5", "Catégorie:Coworking"}
    merged = {"Lieu numéro 3", "Lieu numéro 7"}
    assert {t for t, s in statuses.items() if s == "conflict"} == conflicts
    assert all(statuses[t] == "edited" and "merged" in m for t, m in (
        (p["title"], p["message"]) for p in first.report["pages"]) if t in merged)
    for title, text in humans.items():  # no human edit lost
        assert text.split("\n")[-1] in wiki.text(title) and _human_line(text) in wiki.text(title)
    monkeypatch.undo()
    second = run_cli(config, wiki.bot_password)
    assert second.code == 0, second.output
    assert {t for t, s in second.statuses().items() if s == "edited"} >= conflicts - {
        "Catégorie:Coworking"} | merged
    expected = reference_snapshot(wiki_template, {**PAGES, **humans}, tmp_path / "ref")
    texts = snapshot(wiki)
    assert texts == expected
    assert_sound(texts)


def test_a_page_saved_first_by_someone_else_with_the_bots_text_is_unchanged_not_an_edit(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    real = MediaWikiSite.save
    first_to_push = {"Lieu numéro 2", "Lieu numéro 6"}

    def pushed_first(self: MediaWikiSite, page: Any, text: str, summary: str, **kw: Any) -> Any:
        if page.title in first_to_push:  # a contributor pushes the very text the bot writes
            wiki.edit_as_human(page.title, text)
        return real(self, page, text, summary, **kw)

    monkeypatch.setattr(MediaWikiSite, "save", pushed_first)
    result = run_cli(config, wiki.bot_password)
    assert result.code == 0, result.output
    pages = {p["title"]: (p["status"], p["message"]) for p in result.report["pages"]}
    assert {t: pages[t] for t in first_to_push} == dict.fromkeys(first_to_push,
                                                                 ("unchanged", NOCHANGE))
    assert result.report["edits"] == bot_changes(wiki)  # what recent changes show
    assert f"made {bot_changes(wiki)} edits" in result.output
    assert snapshot(wiki) == reference


def _human_line(text: str) -> str:
    """The line a human changed in `text`."""
    return next(line for line in text.split("\n")
                if "humaine" in line or "000 m²" in line or "décrits" in line)


# -- the password changed, the session lost, the wiki read-only ------------------------------


def test_password_changed_mid_run_halts_at_once_then_the_new_password_finishes(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    new_password = "nouveaumotdepasse0123456789abcdef"  # a BotPassword: 32+ of [0-9a-w]
    saved = on_save(monkeypatch, lambda n, page: set_bot_password(wiki, new_password)
                    if n == 5 else None)
    logins = count_calls(monkeypatch, "login")
    first = run_cli(config, wiki.bot_password)
    assert first.code == 1, first.output
    halted = first.report["halted"]
    assert halted == (f"login failed for {wiki.bot_user} on {wiki.api_url}: "
                      "wrong username or password")
    statuses = first.statuses()
    assert statuses[saved[4]] == "error" and len(saved) == 5  # no save tried after the refusal
    assert logins == [1, 1]  # the first login, and one more when the session ended: no storm
    assert list(statuses.values()).count("not-done") == len(statuses) - list(
        statuses.values()).count("unchanged") - 5
    assert halted in first.output
    monkeypatch.undo()
    second = run_cli(config, new_password)
    assert second.code == 0, second.output
    assert snapshot(wiki) == reference


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count the calls of MediaWikiSite.<name> (one 1 per call)."""
    real = getattr(MediaWikiSite, name)
    calls: list[int] = []

    def counted(self: MediaWikiSite, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(MediaWikiSite, name, counted)
    return calls


def test_sessions_expiring_mid_run_are_renewed_without_losing_an_edit(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    on_save(monkeypatch, lambda n, page: wiki.expire_sessions() if n in (4, 12) else None)
    logins = count_calls(monkeypatch, "login")
    result = run_cli(config, wiki.bot_password)
    assert (result.code, result.report["halted"]) == (0, None), result.output
    assert len(logins) == 3
    assert snapshot(wiki) == reference


def block_bot(wiki: wikiserver.Wiki, unblock: bool = False) -> None:
    """Block the bot's account as an administrator would (blockUsers.php), or lift the block."""
    listing = wiki.dir / "block.txt"
    listing.write_text(f"{wiki.bot_user.split('@')[0]}\n", encoding="utf-8")
    wiki.run_maintenance("blockUsers", "--performer", wiki.admin_user, "--reason", "Vandalisme",
                         *(["--unblock"] if unblock else []), str(listing))


@pytest.mark.parametrize("refusal", ["blocked", "rights revoked"])
def test_an_account_refused_mid_run_halts_at_the_first_refusal_naming_it(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch, refusal: str,
) -> None:
    wiki, config = seeded
    refuse = functools.partial(block_bot, wiki) if refusal == "blocked" else functools.partial(
        wiki.set_edit_right, False)
    saved = on_save(monkeypatch, lambda n, page: refuse() if n == 5 else None)
    first = run_cli(config, wiki.bot_password)
    assert first.code == 1, first.output
    reason = {
        "blocked": f"the account {wiki.bot_user} is blocked on {wiki.api_url} by Admin: "
                   "Vandalisme (expiry infinite); an administrator must lift the block before "
                   "the next run",
        "rights revoked": f"the account {wiki.bot_user} may no longer edit {wiki.api_url} "
                          "(permissiondenied: "}[refusal]
    assert first.report["halted"].startswith(reason)
    assert f"halted: {first.report['halted']}" in first.output
    statuses = first.statuses()
    assert len(saved) == 5 and statuses[saved[4]] == "error"  # no page tried after the first
    assert {p["message"] for p in first.report["pages"]
            if p["status"] == "not-done"} == {first.report["halted"]}
    monkeypatch.undo()
    if refusal == "blocked":
        block_bot(wiki, unblock=True)
    else:
        wiki.set_edit_right(True)
    second = run_cli(config, wiki.bot_password)
    assert second.code == 0, second.output
    assert snapshot(wiki) == reference


def test_read_only_mid_run_halts_then_a_rerun_completes(
    seeded: tuple[wikiserver.Wiki, Path], reference: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    saved = on_save(monkeypatch, lambda n, page: wiki.set_read_only("Maintenance de la base")
                    if n == 7 else None)
    first = run_cli(config, wiki.bot_password)
    assert first.code == 1, first.output
    reason = f"the wiki at {wiki.api_url} is read-only: Maintenance de la base"
    assert first.report["halted"] == reason
    statuses = first.statuses()
    assert len(saved) == 7 and statuses[saved[6]] == "error"
    assert all(statuses[t] in ("edited", "created") for t in saved[:6])
    assert {p["message"] for p in first.report["pages"] if p["status"] == "not-done"} == {reason}
    monkeypatch.undo()
    wiki.set_read_only(None)
    second = run_cli(config, wiki.bot_password)
    assert second.code == 0, second.output
    assert snapshot(wiki) == reference
