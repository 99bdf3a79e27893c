"""Silencing comments: what a page tells lint not to report (pure).

`<!-- movibot-ignore: W202 -->` silences the problems of those codes on the comment's line and
the next one; `<!-- movibot-ignore-page: W501, E109 -->` anywhere on the page silences them on
the whole page (not `movibot:`, the prefix of the bot's block markers: any other `movibot:`
comment is a damaged marker, E401). Codes are given as `--select` takes them: codes or
prefixes (`W2`), separated by commas or spaces. The comment is invisible on the wiki. A code
that silences nothing where the comment applies, or that is no code at all, is W701. Only lint
(and push, which lints) reads these comments: the run acts on every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from movibot.i18n import Msg
from movibot.problems import Problem, code_prefix, line_col, unknown_prefixes

_COMMENT = re.compile(r"<!--\s*movibot-ignore(?P<page>-page)?(?![\w-]):?(?P<codes>.*?)-->",
                      re.S | re.I)


@dataclass(frozen=True)
class Silencing:
    """One silencing comment: where it is, the lines it covers (None: the whole page) and the
    codes or prefixes it names, as written."""

    line: int
    col: int
    lines: range | None
    codes: tuple[str, ...]

    def covers(self, problem: Problem, code: str) -> bool:
        """True when this comment's `code` (one of its codes) silences `problem`."""
        in_place = self.lines is None or problem.line in self.lines
        return in_place and problem.code.startswith(code_prefix(code))


def silencings(text: str) -> list[Silencing]:
    """The page's silencing comments, in text order."""
    found = []
    for m in _COMMENT.finditer(text):
        line, col = line_col(text, m.start())
        last = line_col(text, m.end())[0]
        codes = tuple(c for c in re.split(r"[\s,]+", m.group("codes")) if c)
        found.append(Silencing(line, col, None if m.group("page") else range(line, last + 2),
                               codes))
    return found


def silence(problems: Sequence[Problem], text: str, path: str) -> list[Problem]:
    """The problems the page's comments do not silence, then a W701 for each comment's code
    that silences none of them (or is no code)."""
    comments = silencings(text)
    if not comments:
        return list(problems)
    used: set[tuple[int, str]] = set()
    kept = []
    for problem in problems:
        hits = [(i, c) for i, s in enumerate(comments) for c in s.codes if s.covers(problem, c)]
        used.update(hits)
        if not hits:
            kept.append(problem)
    return kept + list(_unused(comments, used, path))


def _unused(comments: Sequence[Silencing], used: set[tuple[int, str]], path: str
            ) -> Iterator[Problem]:
    """W701 for each comment naming no code, or a code it does not use."""
    for i, s in enumerate(comments):
        if not s.codes:
            yield Problem("W701", Msg("this silencing comment names no code (`<!-- "
                                      "movibot-ignore: W202 -->`)"), path, s.line, s.col)
        for code in s.codes:
            if unknown_prefixes([code]):
                yield Problem("W701", Msg("{code!r} in this silencing comment is no "
                                          "problem code (`movibot rule` lists them)",
                                          code=code), path, s.line, s.col)
            elif (i, code) not in used:
                where = "on this page" if s.lines is None else "on this line or the next"
                yield Problem("W701", Msg("{code} in this silencing comment silences "
                                          "nothing: no {code} problem {where}; remove it",
                                          code=code, where=where), path, s.line, s.col)
