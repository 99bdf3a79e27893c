"""The run's guards on a folder site: one run at a time (the lock), signals, files that cannot
be written; each with its own exit code, one line, and the report written when it can be."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from commandline import Cli

from movibot.errors import IOFailure
from movibot.sites.directory import DirectorySite
from movibot.state import State

SITE = Path(__file__).parents[1] / "fixtures" / "site"


def lock_of(tmp_path: Path) -> Path:
    return tmp_path / "state.json.lock"


def test_a_second_run_exits_at_once_naming_the_holder(cli: Cli, site: Path, config: Path,
                                                      tmp_path: Path) -> None:
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-12-01T03:17:00Z"}
    lock_of(tmp_path).write_text(json.dumps(holder), encoding="utf-8")
    before = {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()}
    code, output, _ = cli.run(site, config)
    assert (code, output) == (4, f"Error: another movibot run holds {lock_of(tmp_path)}: pid "
                                 f"{os.getpid()} on {socket.gethostname()}, started "
                                 "2026-12-01T03:17:00Z\n")
    assert {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()} == before
    assert json.loads(lock_of(tmp_path).read_text(encoding="utf-8")) == holder  # not ours


def test_a_lock_left_by_a_dead_process_is_taken_over_with_a_warning(
        cli: Cli, site: Path, config: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = {"pid": int(gone.stdout), "host": socket.gethostname(), "started": "hier"}
    lock_of(tmp_path).write_text(json.dumps(dead), encoding="utf-8")
    code, _, report = cli.run(site, config)
    assert (code, report["edits"] > 0) == (0, True)
    assert "taking over the lock" in caplog.text and f"pid {dead['pid']}" in caplog.text
    assert not lock_of(tmp_path).exists()  # released at the end


def test_a_dry_run_needs_no_lock(cli: Cli, site: Path, config: Path, tmp_path: Path) -> None:
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": "now"}
    lock_of(tmp_path).write_text(json.dumps(holder), encoding="utf-8")
    assert cli.run(site, config, "--dry-run")[0] == 0


def test_sigterm_finishes_the_current_edit_saves_and_reports(
        cli: Cli, site: Path, config: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_save = DirectorySite.save
    saves: list[str] = []

    def save(self: DirectorySite, page, text, summary, **kw):  # type: ignore[no-untyped-def]
        saves.append(page.title)
        if len(saves) == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives during the second edit
        return real_save(self, page, text, summary, **kw)

    monkeypatch.setattr(DirectorySite, "save", save)
    code, _, report = cli.run(site, config)
    assert (code, report["halted"], report["edits"]) == (5, "SIGTERM", 2)
    assert report["counts"]["not-done"] >= 1
    state = json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))
    entries = next(iter(state["sites"].values()))["pages"]
    assert all("revid" in entries[t] for t in saves)  # both finished edits are recorded
    assert next(iter(state["sites"].values()))["last_run"] is None
    monkeypatch.setattr(DirectorySite, "save", real_save)
    code, _, report = cli.run(site, config)  # the next run finishes the job
    assert code == 0 and report["counts"]["not-done"] == 0


def test_a_state_that_cannot_be_saved_mid_run_is_an_io_failure_with_a_report(
        cli: Cli, site: Path, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_save = State.save
    calls: list[int] = []

    def save(self: State) -> None:
        calls.append(1)
        if len(calls) > 1:
            raise IOFailure(f"cannot write the state file {self.path}: No space left on device")
        real_save(self)

    monkeypatch.setattr(State, "save", save)
    code, output, report = cli.run(site, config)
    assert code == 6 and output.startswith("Error: cannot write the state file ")
    assert output.endswith(": No space left on device\n") and output.count("\n") == 1
    assert report["exit_code"] == 6 and report["halted"].endswith("No space left on device")


def test_a_report_that_cannot_be_written_is_one_line_not_a_traceback(cli: Cli,
        site: Path, config: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    target = tmp_path / "a-file" / "report.json"
    result = cli("run", "--site", str(site), "--config", str(config),
                 "--report", str(target), "-q")
    assert (result.exit_code, result.output) == (
        6, f"Error: cannot write the report {target}: File exists\n")
    assert "movibot:begin infobox" in (site / "Le_Lieu_Test.wiki").read_text(encoding="utf-8")


REPORT_TITLE = "Utilisateur:Movibot/Rapport"


def files(site: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in site.iterdir()}


def test_the_report_page_is_edited_only_by_a_run_that_changes_something(
        cli: Cli, site: Path, config: Path) -> None:
    config.write_text(config.read_text(encoding="utf-8") + f"report_page: {REPORT_TITLE}\n",
                      encoding="utf-8")
    (site / "Mauvais.wiki").write_text("{{Tiers-Lieu\n| ville = Lyon\n}}\n"
                                       "[[Catégorie:Tiers-Lieux]]\n", encoding="utf-8")
    before = files(site)
    _, output, report = cli.run(site, config)
    page = site / "Utilisateur:Movibot%2FRapport.wiki"
    first = page.read_text(encoding="utf-8")
    assert first.startswith("<!-- movibot:begin rapport sha1=")
    changed = {name for name, text in files(site).items() if before.get(name) != text}
    assert report["edits"] == len(changed) and f"made {len(changed)} edits" in output
    assert report["counts"]["created"] == len(changed - set(before))  # the report page too
    assert {"title": REPORT_TITLE, "status": "created", "message": "", "problems": []
            } in report["pages"]
    assert (f"Dernier passage de movibot 0.1.0 ayant modifié le wiki : {report['started']} "
            f"({len(changed) - 1} modifications).") in first  # its own edit is not in its counts
    assert "* [[:Mauvais]] : invalides (E101 champ obligatoire « nom » manquant)" in first
    _, output, report = cli.run(site, config)  # nothing new: no edit, the report page included
    assert page.read_text(encoding="utf-8") == first
    assert report["edits"] == 0 and "made 0 edits" in output
    lieu = site / "Le_Lieu_Test.wiki"  # a person edits inside a block: needs a person, no edit
    lieu.write_text(lieu.read_text(encoding="utf-8").replace("| Saint-Étienne", "| Lyon"),
                    encoding="utf-8")
    _, _, report = cli.run(site, config)
    third = page.read_text(encoding="utf-8")
    assert report["edits"] == 1 and report["pages"][-1]["title"] == REPORT_TITLE
    assert third.split("Pages à regarder")[0].split("-->", 1)[1] == \
        first.split("Pages à regarder")[0].split("-->", 1)[1]  # the last active run's head
    assert "* [[:Le Lieu Test]] : bloc modifié à la main" in third
    (site / "Mauvais.wiki").write_text("{{Tiers-Lieu\n| nom = Bon\n| ville = Lyon\n}}\n"
                                       "[[Catégorie:Tiers-Lieux]]\n", encoding="utf-8")
    _, _, report = cli.run(site, config)
    fourth = page.read_text(encoding="utf-8")
    assert "[[:Mauvais]]" not in fourth and "[[:Le Lieu Test]]" in fourth
    assert f"ayant modifié le wiki : {report['started']} (" in fourth


