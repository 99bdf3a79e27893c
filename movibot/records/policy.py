"""What each command does with a page's problems: one table (pure).

Every command reads a page with the one reader (records.read) and gets the same problems; this
table alone says what a command then does with each level of problem:

- REFUSE: the page is not written, rendered or computed (the run and push leave it `invalid`,
  export writes it with `valid` 0 and no costs, cost stops with the problem);
- FAIL: reported, and the command exits 1 (lint);
- REPORT: reported only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from movibot.costs.inputs import INPUT_FIELDS, SHARE_FIELDS
from movibot.problems import ERROR, Problem, code_prefix
from movibot.vocabulary import Vocabulary


class Level(Vocabulary):
    """How grave a problem is for the record."""

    BLOCKING = "blocking"  # the record is unfit to render (its code `blocks` in the registry)
    ERROR = "error"        # an error of the documentation method (a section, a category)
    WARNING = "warning"


class Action(Vocabulary):
    REFUSE = "refuse"
    FAIL = "fail"
    REPORT = "report"


class Command(Vocabulary):
    LINT = "lint"
    PARSE = "parse"
    RUN = "run"        # the run, its dry run and `diff --title`: one plan
    PUSH = "push"      # `push --no-lint` refuses only what the run refuses
    EXPORT = "export"
    COST = "cost"


_REFUSE_BLOCKING = {Level.BLOCKING: Action.REFUSE, Level.ERROR: Action.REPORT,
                    Level.WARNING: Action.REPORT}
POLICY: Mapping[Command, Mapping[Level, Action]] = {
    Command.LINT: {Level.BLOCKING: Action.FAIL, Level.ERROR: Action.FAIL,
                   Level.WARNING: Action.REPORT},
    Command.PARSE: dict.fromkeys(Level, Action.REPORT),
    Command.RUN: _REFUSE_BLOCKING,
    Command.PUSH: {Level.BLOCKING: Action.REFUSE, Level.ERROR: Action.REFUSE,
                   Level.WARNING: Action.REPORT},
    Command.EXPORT: _REFUSE_BLOCKING,
    Command.COST: {Level.BLOCKING: Action.REFUSE, Level.ERROR: Action.REFUSE,
                   Level.WARNING: Action.REPORT},
}

_COST_FIELDS = frozenset(INPUT_FIELDS.values()) | frozenset(SHARE_FIELDS)
# The problems a command considers at all (default: every problem of the page): `cost` computes
# the cost model, so only its inputs' problems (and an unparsed page) concern it.
SCOPE: Mapping[Command, Callable[[Problem], bool]] = {
    Command.COST: lambda p: p.field in _COST_FIELDS or p.code == "E603",
}


def level(problem: Problem) -> Level:
    """The problem's level: blocking, another error, or a warning."""
    if problem.blocks:
        return Level.BLOCKING
    return Level.ERROR if problem.severity == ERROR else Level.WARNING


def action(command: Command, problem: Problem) -> Action:
    """What `command` does with `problem` (REPORT for a problem outside its scope)."""
    in_scope = SCOPE.get(command)
    if in_scope is not None and not in_scope(problem):
        return Action.REPORT
    return POLICY[command][level(problem)]



@dataclass(frozen=True)
class Selection:
    """The codes lint reports, chosen as ruff chooses rules: codes or prefixes (`E1`, `W205`,
    `ALL`) to `select` (none: every code) and to `ignore`; the longest prefix that matches a
    code decides, and `ignore` wins a tie (`select E`, `ignore E109`: every error but E109;
    `select E109`, `ignore E`: E109 alone)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Selection:
        """A Selection from codes as given (any case, `ALL`)."""
        return cls(tuple(code_prefix(p) for p in select), tuple(code_prefix(p) for p in ignore))

    def keeps(self, code: str) -> bool:
        """True when problems of `code` are reported."""
        chosen = max((len(p) for p in self.select or ("",) if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen > dropped

    def kept(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems whose code is reported, in their order."""
        return [p for p in problems if self.keeps(p.code)]


def refused(command: Command, problems: Sequence[Problem]) -> list[Problem]:
    """The problems for which `command` refuses the page (empty: it goes ahead)."""
    return [p for p in problems if action(command, p) is Action.REFUSE]


def fails(command: Command, problems: Sequence[Problem]) -> bool:
    """True when `command` exits 1 for these problems."""
    return any(action(command, p) is Action.FAIL for p in problems)
