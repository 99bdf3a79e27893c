"""`movibot lint --select/--ignore CODES` and the config's `lint: {select, ignore}` (policy's
Selection: the longest matching prefix decides, ignore wins a tie)."""

from __future__ import annotations

from pathlib import Path

import pytest
from commandline import Cli

from movibot.config import load_config
from movibot.errors import ConfigError
from movibot.problems import Problem
from movibot.records.policy import Selection

# E101 (no ville), E109 ×3 (no sections), E301 (no category), W202 (couleur)
PAGE = "{{Tiers-Lieu\n| nom = X\n| couleur = vert\n}}\n"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("X.wiki").write_text(PAGE, encoding="utf-8")
    return "X.wiki"


def _codes(output: str) -> list[str]:
    return [line.split()[2] for line in output.splitlines() if line.startswith("X.wiki:")]


def test_lint_reports_every_code_by_default(cli: Cli, page: str) -> None:
    assert _codes(cli.code_output("lint", page)[1]) == [
        "E101", "E109", "E109", "E109", "E301", "W202"]


@pytest.mark.parametrize(("options", "codes", "exit_code"), [
    (["--ignore", "E109"], ["E101", "E301", "W202"], 1),
    (["--ignore", "E109,e301", "--ignore", "E101"], ["W202"], 0),
    (["--select", "W"], ["W202"], 0),
    (["--select", "E1", "--ignore", "E109"], ["E101"], 1),
    (["--select", "E109", "--ignore", "E"], ["E109", "E109", "E109"], 1),
    (["--select", "ALL", "--ignore", "W202"], ["E101", "E109", "E109", "E109", "E301"], 1),
], ids=["ignore", "ignore-several", "select-prefix", "select-then-ignore-longer",
        "longer-select-wins", "all"])
def test_select_and_ignore_choose_the_codes_reported_and_the_exit(
        cli: Cli, page: str, options: list[str], codes: list[str], exit_code: int) -> None:
    code, output = cli.code_output("lint", page, *options)
    assert (code, _codes(output)) == (exit_code, codes)


def test_an_unknown_code_is_a_usage_error_naming_it(cli: Cli, page: str) -> None:
    result = cli("lint", page, "--select", "E1,X9")
    assert (result.exit_code, result.output) == (
        2, "Error: --select: unknown code 'X9' (`movibot rule` lists them)\n")


def test_the_config_s_lint_settings_apply_and_the_options_refine_them(
        cli: Cli, page: str) -> None:
    Path("movibot.yaml").write_text("lint:\n  select: [E, W202]\n  ignore: [E109]\n",
                                    encoding="utf-8")
    assert _codes(cli.code_output("lint", page)[1]) == ["E101", "E301", "W202"]
    assert _codes(cli.code_output("lint", page, "--ignore", "E3")[1]) == ["E101", "W202"]
    assert _codes(cli.code_output("lint", page, "--select", "W")[1]) == ["W202"]


@pytest.mark.parametrize(("text", "message"), [
    ("lint:\n  ignore: [E1x]\n", "key 'lint.ignore': unknown code 'E1x' (`movibot rule` "
                                 "lists them)"),
    ("lint:\n  skip: [E1]\n", "unknown key 'lint.skip' (select or ignore)"),
    ("lint:\n  select: E1\n", "key 'lint.select' must be a list of codes"),
    ("lint: [E1]\n", "key 'lint' must be a mapping with select and ignore: lists of codes, "
                     "got ['E1']"),
], ids=["unknown-code", "unknown-key", "not-a-list", "not-a-mapping"])
def test_bad_lint_settings_are_one_line_naming_the_key(tmp_path: Path, text: str,
                                                      message: str) -> None:
    config = tmp_path / "movibot.yaml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(str(config))
    assert str(e.value) == f"{config}: {message}"


def test_a_selection_keeps_codes_by_their_longest_matching_prefix() -> None:
    problems = [Problem(c, "m") for c in ("E101", "E109", "W110", "W205")]
    assert [p.code for p in Selection.of(["e1", "W2"], ["E109"]).kept(problems)] == [
        "E101", "W205"]
    assert [p.code for p in Selection.of([], ["E109", "W"]).kept(problems)] == ["E101"]


def test_the_run_acts_on_every_problem_whatever_lint_ignores(cli: Cli, site: Path,
                                                             config: Path) -> None:
    config.write_text(config.read_text(encoding="utf-8") + "lint:\n  ignore: [E]\n",
                      encoding="utf-8")
    (site / "Sans_ville.wiki").write_text(PAGE + "[[Catégorie:Tiers-Lieux]]\n", encoding="utf-8")
    _, _, report = cli.run(site, config)
    page = next(p for p in report["pages"] if p["title"] == "Sans ville")
    assert (page["status"], "E101" in [p["code"] for p in page["problems"]]) == (
        "invalid", True)
