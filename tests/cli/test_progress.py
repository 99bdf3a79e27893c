"""Progress bars where work is long: pull, push, the dump run (run --out) and export show one on
a terminal (stderr), with the count and the current page; none with -q, --format json or when
stderr is not a terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from commandline import Cli
from test_claims_commands import on_a_terminal

ROOT = Path(__file__).resolve().parents[2]
DUMP = ROOT / "tests" / "fixtures" / "dumps" / "export-0.11.xml"


def bar(err: str, label: str) -> list[str]:
    """The states a bar labelled `label` went through: `count[/total]` or `count[/total]  page`
    each (a finished bar shows no page), without the percentage and the time left."""
    return ["  ".join(part for part in (m.group(1), (m.group(2) or "").strip()) if part)
            for m in re.finditer(rf"{label}  \[[#-]+\]  (\d+(?:/\d+)?)(?:\s+\d+%)?"
                                 rf"(?:\s+(?:\d+d )?\d\d:\d\d:\d\d)?([^\r\n\x1b]*)", err)]


def prepared(cli: Cli, tmp_path: Path, site: Path, config: Path) -> Path:
    """The site pulled (not on a terminal) into tmp_path/local, each file then changed."""
    local = tmp_path / "local"
    assert cli.code_output("pull", "--site", str(site), "--config", str(config), "--dest",
                           str(local))[0] == 0
    for path in local.glob("*.wiki"):
        path.write_text(path.read_text(encoding="utf-8") + "\nUne ligne de plus.\n",
                        encoding="utf-8")
    return local


# Each long command on the prepared folders ({tmp}: the test's folder, {site}: the folder
# site), and the label of its bar.
COMMANDS = {
    "pull": (["pull", "--site", "{site}", "--dest", "{tmp}/fresh"], "Pulling"),
    "push": (["push", "{tmp}/local", "--site", "{site}", "--no-lint"], "Editing"),
    "dump-run": (["run", "--site", f"dump:{DUMP}", "--out", "{tmp}/out"], "Planning"),
    "export": (["export", "--site", "{site}", "--to", "{tmp}/out.jsonl"], "Exporting"),
}


def on_terminal(name: str, flags: list[str], cli: Cli, tmp_path: Path, site: Path,
                config: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """COMMANDS[name] with `flags`, stderr a terminal, after `prepared`: (exit code, stderr)."""
    prepared(cli, tmp_path, site, config)
    args = [a.format(tmp=tmp_path, site=site) for a in COMMANDS[name][0]]
    code, _, err = on_a_terminal(monkeypatch, *args, "--config", str(config), *flags)
    return code, err


@pytest.mark.parametrize("name", list(COMMANDS))
def test_long_commands_show_a_bar_with_the_count_and_the_page(
        name: str, cli: Cli, tmp_path: Path, site: Path, config: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = on_terminal(name, [], cli, tmp_path, site, config, monkeypatch)
    assert code in (0, 1), err  # 1: the dump holds an invalid page
    states = bar(err, COMMANDS[name][1])
    assert [s for s in states if re.fullmatch(r"\d+(/\d+)?  \S.*", s)], err


def test_pull_shows_the_pages_read_then_written(cli: Cli, tmp_path: Path, site: Path,
                                                config: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = on_terminal("pull", [], cli, tmp_path, site, config, monkeypatch)
    assert code == 0
    assert bar(err, "Reading") == [  # how many read so far, and the page being read
        "0", "1", "1  Le Lieu Test", "2  Le Lieu Test", "2  Monter une conciergerie",
        "3  Monter une conciergerie", "3"]
    assert bar(err, "Pulling")[-3:] == [
        "2/3  Monter une conciergerie", "3/3  Monter une conciergerie", "3/3"]


def test_push_counts_its_edits(cli: Cli, tmp_path: Path, site: Path, config: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = on_terminal("push", [], cli, tmp_path, site, config, monkeypatch)
    assert code == 0, err
    states = bar(err, "Editing")
    assert (states[0], states[-1]) == ("0/3", "3/3") and "2/3  Le Lieu Test" in states


def test_the_dump_run_counts_pages_without_a_total(cli: Cli, tmp_path: Path, site: Path,
                                                   config: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = on_terminal("dump-run", [], cli, tmp_path, site, config, monkeypatch)
    assert (tmp_path / "out" / "report.json").exists()
    states = bar(err, "Planning")  # a dump's pages are not counted before its one pass
    assert states and all("/" not in s for s in states)
    assert any(s.endswith("La Fabrique") for s in states)


@pytest.mark.parametrize(("name", "flags"), [
    ("pull", ["-q"]), ("push", ["-q"]), ("push", ["--format", "json"]), ("dump-run", ["-q"]),
    ("dump-run", ["--format", "json"]), ("export", ["-q"])],
    ids=["pull-q", "push-q", "push-json", "dump-run-q", "dump-run-json", "export-q"])
def test_no_bar_with_quiet_or_json(name: str, flags: list[str], cli: Cli, tmp_path: Path,
                                   site: Path, config: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = on_terminal(name, flags, cli, tmp_path, site, config, monkeypatch)
    assert code in (0, 1)
    assert bar(err, COMMANDS[name][1]) == [] and "\r" not in err
