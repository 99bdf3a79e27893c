"""The problem codes' registry (movibot/problems.py): one entry per code, the blocking set and
JSON output made from it, and `movibot rule`."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from movibot.cli import main
from movibot.problems import CODES, Problem, Severity, code_list, explain
from movibot.records.check import BLOCKING, blocking


def test_the_blocking_codes_are_the_registry_s() -> None:
    assert BLOCKING == {c.code for c in CODES.values() if c.blocks} == {
        "E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E201", "E603", "E604"}
    problems = [Problem("E109", "m"), Problem("E604", "m"), Problem("W110", "m")]
    assert [p.code for p in blocking(problems)] == ["E604"]
    assert [p.blocks for p in problems] == [False, True, False]


def test_every_code_is_declared_once_with_its_explanation() -> None:
    assert all(key == c.code and c.code[0] == c.severity.value[0].upper()
               for key, c in CODES.items())
    assert all("\n" not in c.summary and c.explanation.count("\n\n") >= 2
               and "\n\nFix: " in c.explanation for c in CODES.values())
    assert [c.code for c in CODES.values() if c.fixable] == ["W112", "W113", "W114", "E201",
                                                             "W205", "W206"]


def test_a_severity_is_written_as_before_in_text_json_and_yaml() -> None:
    problem = Problem("W110", "ambiguous", "a.wiki", 2, 3, "surface")
    assert problem.severity is Severity.WARNING and problem.severity == "warning"
    assert problem.format() == "a.wiki:2:3: warning W110 ambiguous"
    assert json.loads(json.dumps(problem.to_dict()))["severity"] == "warning"
    assert yaml.safe_load(yaml.safe_dump(problem.to_dict()))["severity"] == "warning"
    assert Problem("X999", "m").severity is Severity.ERROR


def test_movibot_rule_explains_a_code() -> None:
    result = CliRunner().invoke(main, ["rule", "e402"])
    assert result.exit_code == 0
    assert result.output == explain(CODES["E402"])
    assert result.output.startswith(
        "E402 block-edited (error)\n\nThe text inside a movibot block no longer matches its "
        "hash.\n\nSomeone edited the text inside the bot's block")
    assert CliRunner().invoke(main, ["rule", "E101"]).output.startswith(
        "E101 missing-field (error, blocking)\n\n")


def test_movibot_rule_alone_lists_every_code() -> None:
    result = CliRunner().invoke(main, ["rule"])
    assert result.exit_code == 0 and result.output == code_list()
    lines = result.output.splitlines()
    assert [line[:4] for line in lines] == list(CODES)
    assert lines[9] == ("W110  warning  ambiguous-number      `1,700` or `1.700` could be read "
                        "two ways: the message says which reading was used (only when the "
                        "schema allows the other)")


def test_movibot_rule_with_an_unknown_code_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["rule", "E999"])
    assert result.exit_code == 2
    assert result.output == "Error: unknown problem code 'E999' ('movibot rule' lists them)\n"
