"""lint's reports besides one line per problem (pure): counts per code (`--statistics`), GitHub
Actions workflow commands (`--format github`) and a GitLab Code Quality report (`--format
gitlab`). Messages carry no secret: they quote only what a page or a schema says.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from movibot.problems import CODES, ERROR, Problem


def statistics(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """One entry per code found, the most frequent first (then by code): `code`, `name`,
    `severity`, `fixable`, `count`."""
    counts = Counter(p.code for p in problems)
    order = sorted(counts, key=lambda code: (-counts[code], code))
    return [{"code": code, "name": _name(code), "severity": _severity(code),
             "fixable": code in CODES and CODES[code].fixable, "count": counts[code]}
            for code in order]


def statistics_lines(problems: Sequence[Problem]) -> str:
    """`--statistics` as text, one line per code like ruff's: the count, the code, `[*]` for a
    fixable code, its name."""
    rows = statistics(problems)
    width = max((len(str(r["count"])) for r in rows), default=1)
    return "".join(f"{r['count']:>{width}}  {r['code']}  {'[*]' if r['fixable'] else '[ ]'} "
                   f"{r['name']}\n" for r in rows)


def _name(code: str) -> str:
    return CODES[code].name if code in CODES else "unknown"


def _severity(code: str) -> str:
    return (CODES[code].severity if code in CODES else ERROR).value


# GitHub Actions: `::error file=F,line=L,col=C,title=T::message`, escaped as its toolkit does.
_DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
_PROPERTY_ESCAPES = (*_DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def _escape(text: str, escapes: Sequence[tuple[str, str]]) -> str:
    for char, escaped in escapes:
        text = text.replace(char, escaped)
    return text


def github_line(problem: Problem) -> str:
    """One workflow command: an error or warning annotation at the problem's file, line and
    column, titled with its code and name."""
    props = {"file": problem.path, "line": str(problem.line), "col": str(problem.col),
             "title": f"{problem.code} {problem.name}"}
    given = ",".join(f"{k}={_escape(v, _PROPERTY_ESCAPES)}" for k, v in props.items())
    return f"::{problem.severity.value} {given}::{_escape(problem.message, _DATA_ESCAPES)}"


def github_lines(problems: Sequence[Problem]) -> str:
    """`--format github`: one workflow command per problem."""
    return "".join(github_line(p) + "\n" for p in problems)


def gitlab_report(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """`--format gitlab`: a Code Quality report, one issue per problem; its fingerprint (the
    file, code and message, and how many same ones came before) does not change when lines
    are added above it."""
    seen: Counter[tuple[str, str, str]] = Counter()
    issues = []
    for p in problems:
        key = (p.path, p.code, p.message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode()).hexdigest()
        issues.append({"description": f"{p.code} {p.message}", "check_name": p.code,
                       "fingerprint": digest, "severity": _gitlab_severity(p),
                       "location": {"path": p.path, "lines": {"begin": p.line}}})
    return issues


def _gitlab_severity(problem: Problem) -> str:
    if problem.blocks:
        return "critical"
    return "major" if problem.severity is ERROR else "minor"
