"""The one table of what each command does with a problem's level (records/policy.py)."""

from __future__ import annotations

import pytest

from movibot.problems import Problem
from movibot.records.policy import Action, Command, Level, action, fails, level, refused

MISSING = Problem("E101", 'missing required field "licence"', field="licence")
SECTION = Problem("E109", 'missing section "Public"')
LINK = Problem("W501", 'link to "X", which is not in the local set')
SURFACE = Problem("E103", 'field "surface_totale": cannot read', field="surface_totale")


def test_the_levels_come_from_the_registry() -> None:
    assert [level(p) for p in (MISSING, SECTION, LINK)] == [
        Level.BLOCKING, Level.ERROR, Level.WARNING]


@pytest.mark.parametrize(("command", "expected"), [
    (Command.LINT, [Action.FAIL, Action.FAIL, Action.REPORT]),
    (Command.PARSE, [Action.REPORT, Action.REPORT, Action.REPORT]),
    (Command.RUN, [Action.REFUSE, Action.REPORT, Action.REPORT]),
    (Command.EXPORT, [Action.REFUSE, Action.REPORT, Action.REPORT]),
    (Command.PUSH, [Action.REFUSE, Action.REFUSE, Action.REPORT]),
    (Command.COST, [Action.REPORT, Action.REPORT, Action.REPORT]),  # none is a cost input's
])
def test_each_command_does_what_its_row_says(command: Command, expected: list[Action]) -> None:
    assert [action(command, p) for p in (MISSING, SECTION, LINK)] == expected


def test_cost_refuses_only_the_problems_of_its_inputs() -> None:
    assert refused(Command.COST, [MISSING, SECTION, SURFACE]) == [SURFACE]
    assert refused(Command.RUN, [MISSING, SECTION, SURFACE]) == [MISSING, SURFACE]


def test_only_lint_fails_on_a_missing_section() -> None:
    assert [fails(c, [SECTION]) for c in Command] == [c is Command.LINT for c in Command]
