"""Broken configuration, secrets and files at the command line: every command that reads them
answers with one `Error: …` line naming the file and key, the documented exit code, and writes
nothing (no state, no report, no page, no local file). test_config.py and test_state.py cover the
loaders; these are the commands.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import time
from pathlib import Path

import pytest
from commandline import Cli

from movibot.sites.mediawiki import MediaWikiSite

SITE = Path(__file__).parents[1] / "fixtures" / "site"
LATIN1 = b"{{Fiche\n| r\xe9sum\xe9 = Caf\xe9\n}}\n[[Cat\xe9gorie:Fiches m\xe9thodologiques]]\n"


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """No sleep at all: not ours, not the wiki site's retries (no test here reaches a wiki)."""
    def refuse(seconds: float) -> None:
        raise AssertionError(f"real sleep({seconds})")
    monkeypatch.setattr(time, "sleep", refuse)
    monkeypatch.setattr(MediaWikiSite, "__init__", functools.partialmethod(
        MediaWikiSite.__init__, sleep=refuse))


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """A directory site, a local fiches folder, a state file with content, paths for the
    report and the pull destination."""
    site, local = tmp_path / "site", tmp_path / "local"
    shutil.copytree(SITE, site)
    shutil.copytree(SITE, local)
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 1, "sites": {}}), encoding="utf-8")
    return {"root": tmp_path, "site": site, "local": local, "state": state,
            "report": tmp_path / "report.json", "dest": tmp_path / "pulled"}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def config(tree: dict[str, Path], text: str) -> Path:
    path = tree["root"] / "movibot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def commands(tree: dict[str, Path], cfg: Path) -> dict[str, list[str]]:
    """Every command that reads the configuration, against the directory site."""
    site, local = str(tree["site"]), str(tree["local"])
    return {
        "run": ["run", "--site", site, "--report", str(tree["report"])],
        "run --dry-run": ["run", "--site", site, "--dry-run", "--report", str(tree["report"])],
        "pull": ["pull", "--site", site, "--dest", str(tree["dest"])],
        "diff": ["diff", "--site", site, local],
        "push": ["push", "--site", site, "--no-lint", local],
        "cost --title": ["cost", "--site", site, "--title", "Le Lieu Test"],
    }


NO_PASSWORD = {"MOVIBOT_PASSWORD": None}  # no password in the commands' environment


def assert_nothing_written(tree: dict[str, Path], before: dict[str, bytes]) -> None:
    assert files(tree["root"]) == before
    assert not tree["report"].exists() and not tree["dest"].exists()


COMMANDS = ["run", "run --dry-run", "pull", "diff", "push", "cost --title"]
BAD_CONFIGS = [
    ("sitee: x\n", "unknown key 'sitee' (did you mean 'site'?)"),
    ("put_throttle: bientôt\n", "key 'put_throttle' must be a number of seconds, got 'bientôt'"),
    ("maxlag: -1\n", "key 'maxlag' must be >= 0, got -1"),
    ("max_edits: true\n", "key 'max_edits' must be an integer, got True"),
    ("site: 42\n", "key 'site' must be a string (a URL or a folder), got 42"),
    ("sources: [lieux]\n",
     "key 'sources' must be a mapping of source names to {category, schema}, got ['lieux']"),
    ("sources:\n  lieux: {categorie: X}\n", "unknown key 'sources.lieux.categorie'"),
    ("- site\n", "the config must be a mapping of keys to values"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS, ids=[c[0][:12] for c in BAD_CONFIGS])
def test_a_bad_config_is_one_line_exit_2_and_nothing_written(
    cli: Cli, tree: dict[str, Path], command: str, text: str, message: str,
) -> None:
    cfg = config(tree, text)
    before = files(tree["root"])
    code, output = cli.code_output(*commands(tree, cfg)[command], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert (code, output) == (2, f"Error: {cfg}: {message}\n")
    assert_nothing_written(tree, before)


@pytest.mark.parametrize("content", [b"site: [\n", b"site: caf\xe9\n"], ids=["yaml", "latin-1"])
def test_an_unreadable_config_is_one_line(cli: Cli, tree: dict[str, Path], content: bytes) -> None:
    cfg = tree["root"] / "movibot.yaml"
    cfg.write_bytes(content)
    code, output = cli.code_output(*commands(tree, cfg)["run"], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert code == 2 and output.count("\n") == 1 and output.startswith(f"Error: {cfg}")


def test_a_missing_config_named_on_the_command_line_is_one_line(
                                                                cli: Cli,
                                                                tree: dict[str, Path]) -> None:
    cfg = tree["root"] / "absent.yaml"
    code, output = cli.code_output(*commands(tree, cfg)["run"], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert (code, output) == (2, f"Error: {cfg}: cannot read config: No such file or directory\n")


# -- the password ------------------------------------------------------------------------------

PASSWORD = "mot-de-passe-tres-secret-0123456789"


def password_config(tree: dict[str, Path], pw: Path) -> Path:
    return config(tree, f"site: http://wiki.invalid/api.php\nusername: Movibot@movibot\n"
                        f"password_file: {pw}\nstate_file: {tree['state']}\n")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
@pytest.mark.parametrize("command", [["run"], ["push", "--no-lint"]])
def test_a_password_file_others_can_read_is_refused_before_any_request(
    cli: Cli, tree: dict[str, Path], mode: int, command: list[str],
) -> None:
    pw = tree["root"] / "password"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    os.chmod(pw, mode)
    cfg = password_config(tree, pw)
    before = files(tree["root"])
    args = [*command, str(tree["local"])] if command[0] == "push" else command
    code, output = cli.code_output(*args, "--config", str(cfg), env=NO_PASSWORD)
    assert (code, output) == (2, f"Error: password_file {pw}: readable by group or others "
                                 f"(mode {mode:04o}); run: chmod 600 {pw}\n")
    assert PASSWORD not in output
    assert files(tree["root"]) == before


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, "No such file or directory"),
    (lambda p: p.mkdir(mode=0o700), "Is a directory"),
    (lambda p: p.write_bytes(b"caf\xe9\n"), "not UTF-8 text"),
], ids=["missing", "directory", "latin-1"])
def test_an_unreadable_password_file_is_one_line(cli: Cli, tree: dict[str, Path], make,
                                                 message) -> None:
    pw = tree["root"] / "password"
    make(pw)
    if pw.is_file():
        os.chmod(pw, 0o600)
    code, output = cli.code_output("run", "--config", str(password_config(tree, pw)),
                                   env=NO_PASSWORD)
    assert (code, output) == (2, f"Error: password_file {pw}: {message}\n")


def test_an_empty_password_is_a_usage_error(cli: Cli, tree: dict[str, Path]) -> None:
    pw = tree["root"] / "password"
    pw.write_text("\n", encoding="utf-8")
    os.chmod(pw, 0o600)
    code, output = cli.code_output("run", "--config", str(password_config(tree, pw)),
                                   env=NO_PASSWORD)
    assert (code, output) == (2, "Error: writing to a wiki needs OAuth (oauth2_token_file, or "
                                 "the oauth_* keys) or `username` in movibot.yaml and a "
                                 "password (MOVIBOT_PASSWORD or password_file)\n")


# -- the state file ------------------------------------------------------------------------------

STATES = [
    (b"{pas du json", "is corrupt (Expecting property name enclosed in double quotes: "
                      "line 1 column 2 (char 1)); move it away to start afresh"),
    (b'{"version": 3, "sites": {}}', "has version 3, newer than this movibot reads (2); "
                                      "upgrade movibot"),
    (b'{"version": "1", "sites": {}}', "is corrupt (no version number); move it away"),
    (b'{"sites": {}}', "is corrupt (no version number); move it away"),
    (b"[1, 2]", "is corrupt (not a movibot state); move it away"),
    (b'{"version": 1, "sites": []}', "is corrupt (not a movibot state); move it away"),
    (b'{"version": 1, "sites": {"SITE": {"last_run": "2026-01-31 02:00"}}}',
     ", site SITE: `last_run` is \"2026-01-31 02:00\", not an ISO 8601 UTC time "
     "(2026-01-31T02:00:00Z); correct it, or set it to null so that the next run reads every "
     "page"),
    (b'{"version": 2, "sites": {"SITE": {"last_run": 42}}}',
     ", site SITE: `last_run` is 42, not an ISO 8601 UTC time (2026-01-31T02:00:00Z); "
     "correct it, or set it to null so that the next run reads every page"),
    (b'{"version": 1, "sites": {"SITE": {"pages": ["Lieu"]}}}',
     "is corrupt (entry for SITE); move it away"),
]


@pytest.mark.parametrize("command", ["run", "run --dry-run", "pull", "push"])
@pytest.mark.parametrize(("content", "message"), STATES, ids=[str(i) for i in range(len(STATES))])
def test_a_corrupt_or_newer_state_is_one_line_exit_2_and_kept(
    cli: Cli, tree: dict[str, Path], command: str, content: bytes, message: str,
) -> None:
    tree["state"].write_bytes(content.replace(b"SITE", str(tree["site"]).encode()))
    cfg = config(tree, f"put_throttle: 0\nstate_file: {tree['state']}\n")
    before = files(tree["root"])
    code, output = cli.code_output(*commands(tree, cfg)[command], "--config", str(cfg),
                                   env=NO_PASSWORD)
    message = message.replace("SITE", str(tree["site"]))
    sep = "" if message.startswith(",") else " "  # ", site …": a line naming the site too
    assert (code, output) == (2, f"Error: state file {tree['state']}{sep}{message}\n")
    assert_nothing_written(tree, before)


def test_a_state_file_not_utf8_is_one_line(cli: Cli, tree: dict[str, Path]) -> None:
    tree["state"].write_bytes(b'{"version": 1, "caf\xe9": 1}')
    cfg = config(tree, f"state_file: {tree['state']}\n")
    code, output = cli.code_output(*commands(tree, cfg)["run"], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert code == 2 and output.count("\n") == 1
    assert output.startswith(f"Error: state file {tree['state']} is corrupt (")


def test_a_state_file_that_cannot_be_written_stops_the_run_before_any_edit(
    cli: Cli, tree: dict[str, Path],
) -> None:
    blocker = tree["root"] / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    cfg = config(tree, f"state_file: {blocker / 'state.json'}\n")
    before = files(tree["root"])
    code, output = cli.code_output(*commands(tree, cfg)["run"], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert (code, output) == (6, "Error: cannot write the lock file "
                                 f"{blocker / 'state.json.lock'}: File exists\n")
    assert_nothing_written(tree, before)


# -- files that are not UTF-8 ------------------------------------------------------------------


def test_run_reports_a_page_file_that_is_not_utf8_and_never_overwrites_it(
    cli: Cli, tree: dict[str, Path],
) -> None:
    bad = tree["site"] / "Catégorie:Coworking.wiki"  # a page the run wants to write
    bad.write_bytes(LATIN1)
    cfg = config(tree, f"put_throttle: 0\nstate_file: {tree['state']}\n")
    code, output = cli.code_output(*commands(tree, cfg)["run"], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert code == 1
    assert output.splitlines()[:2] == [
        f"{bad}:1:1: error E601 not UTF-8 text (byte 0xe9)",
        f"Catégorie:Coworking: error: {bad}: not UTF-8 text; not overwritten"]
    assert bad.read_bytes() == LATIN1
    report = json.loads(tree["report"].read_text(encoding="utf-8"))
    assert report["exit_code"] == 1 and report["problems"][0]["code"] == "E601"
    assert report["counts"]["edited"] == 3  # the other pages were done


@pytest.mark.parametrize("command", ["diff", "push"])
def test_diff_and_push_refuse_a_local_file_that_is_not_utf8(
    cli: Cli, tree: dict[str, Path], command: str,
) -> None:
    bad = tree["local"] / "Latin1.wiki"
    bad.write_bytes(LATIN1)
    cfg = config(tree, f"state_file: {tree['state']}\n")
    before = files(tree["root"])
    code, output = cli.code_output(*commands(tree, cfg)[command], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert (code, output) == (2, f"Error: {bad}:2:4: error E601 not UTF-8 text (byte 0xe9)\n")
    assert files(tree["root"]) == before


def test_pull_never_overwrites_a_local_file_that_is_not_utf8(
                                                             cli: Cli,
                                                             tree: dict[str, Path]) -> None:
    tree["dest"].mkdir()
    bad = tree["dest"] / "Le_Lieu_Test.wiki"
    bad.write_bytes(LATIN1)
    cfg = config(tree, f"state_file: {tree['state']}\n")
    code, output = cli.code_output(*commands(tree, cfg)["pull"], "--config", str(cfg),
                                   env=NO_PASSWORD)
    assert code == 1
    assert f"{bad}: error: not UTF-8 text; not overwritten\n" in output
    assert bad.read_bytes() == LATIN1
    assert (tree["dest"] / "La_Petite_Fabrique.wiki").exists()  # the others were pulled


def test_cost_of_a_file_that_is_not_utf8_is_one_line(cli: Cli, tree: dict[str, Path]) -> None:
    bad = tree["root"] / "Lieu.wiki"
    bad.write_bytes(LATIN1)
    assert cli.code_output("cost", str(bad), env=NO_PASSWORD) == (
        2, f"Error: {bad}:2:4: not UTF-8 text (byte 0xe9)\n")


def test_the_report_folder_is_created_and_the_report_written_whole(
                                                                   cli: Cli,
                                                                   tree: dict[str, Path]) -> None:
    report = tree["root"] / "logs" / "movibot" / "last.json"
    cfg = config(tree, f"put_throttle: 0\nstate_file: {tree['state']}\n")
    code, _ = cli.code_output("run", "--site", str(tree["site"]), "--report", str(report),
                              "--config", str(cfg), env=NO_PASSWORD)
    assert code == 0
    assert json.loads(report.read_text(encoding="utf-8"))["exit_code"] == 0
    assert not [p for p in report.parent.iterdir() if p.name != "last.json"]  # no temp file left
