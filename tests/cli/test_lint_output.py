"""lint's other outputs: `--statistics` (text and json), `--format github` (workflow commands,
escaped as GitHub documents) and `--format gitlab` (a Code Quality report)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from commandline import Cli

from movibot.problems import Problem
from movibot.records.annotations import github_line

# E101 (no ville), E109 ×3 (no sections), E301 (no category), W202 ×2, W206 (Couleur: no, unknown)
PAGE = "{{Tiers-Lieu\n| Nom = X\n| couleur = vert\n| odeur = pin\n}}\n"


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("X.wiki").write_text(PAGE, encoding="utf-8")
    return "X.wiki"


def test_statistics_count_each_code_most_frequent_first(cli: Cli, page: str) -> None:
    result = cli("lint", "--statistics", page)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "3  E109  [ ] missing-section\n2  W202  [ ] unknown-parameter\n"
           "1  E101  [ ] missing-field\n1  E301  [ ] no-category\n"
           "1  W206  [*] parameter-spelling\n",
        "1 file checked: 5 errors, 3 warnings\n")


def test_statistics_as_json_have_stable_keys(cli: Cli, page: str) -> None:
    result = cli("lint", "--statistics", "--format", "json", "--select", "W", page)
    assert (result.exit_code, json.loads(result.stdout)) == (0, {
        "files": 1, "errors": 0, "warnings": 3, "statistics": [
            {"code": "W202", "name": "unknown-parameter", "severity": "warning",
             "fixable": False, "count": 2},
            {"code": "W206", "name": "parameter-spelling", "severity": "warning",
             "fixable": True, "count": 1}]})


def test_statistics_are_text_or_json_only(cli: Cli, page: str) -> None:
    result = cli("lint", "--statistics", "--format", "github", page)
    assert (result.exit_code, result.stderr) == (
        2, "Error: --statistics prints text or json, not --format github\n")


def test_github_format_is_one_workflow_command_per_problem(cli: Cli, page: str) -> None:
    result = cli("lint", "--format", "github", "--select", "E101,W2", page)
    assert (result.exit_code, result.stdout) == (1, (
        "::error file=X.wiki,line=1,col=1,title=E101 missing-field::missing required field "
        '"ville"\n'
        '::warning file=X.wiki,line=2,col=3,title=W206 parameter-spelling::parameter "Nom" is '
        'read as "nom", but MediaWiki passes it to the template under the name written; write '
        '"nom"\n'
        '::warning file=X.wiki,line=3,col=3,title=W202 unknown-parameter::unknown parameter '
        '"couleur"\n'
        '::warning file=X.wiki,line=4,col=3,title=W202 unknown-parameter::unknown parameter '
        '"odeur"\n'))


def test_github_escapes_percent_newlines_and_property_separators() -> None:
    problem = Problem("W202", "100% sûr\r\nou: pas, vraiment", "a,b:c%.wiki", 3, 4)
    assert github_line(problem) == (
        "::warning file=a%2Cb%3Ac%25.wiki,line=3,col=4,title=W202 unknown-parameter::"
        "100%25 sûr%0D%0Aou: pas, vraiment")


def test_gitlab_format_is_a_code_quality_report(cli: Cli, page: str) -> None:
    result = cli("lint", "--format", "gitlab", "--select", "E101,W202", page)
    report = json.loads(result.stdout)
    fingerprints = [issue.pop("fingerprint") for issue in report]
    assert (result.exit_code, report, len(set(fingerprints))) == (1, [
        {"description": 'E101 missing required field "ville"', "check_name": "E101",
         "severity": "critical", "location": {"path": "X.wiki", "lines": {"begin": 1}}},
        {"description": 'W202 unknown parameter "couleur"', "check_name": "W202",
         "severity": "minor", "location": {"path": "X.wiki", "lines": {"begin": 3}}},
        {"description": 'W202 unknown parameter "odeur"', "check_name": "W202",
         "severity": "minor", "location": {"path": "X.wiki", "lines": {"begin": 4}}}], 3)


def test_a_gitlab_fingerprint_does_not_change_when_lines_move(cli: Cli, page: str) -> None:
    before = json.loads(cli("lint", "--format", "gitlab", page).stdout)
    Path(page).write_text("Intro.\n\n" + PAGE, encoding="utf-8")
    after = json.loads(cli("lint", "--format", "gitlab", page).stdout)
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
