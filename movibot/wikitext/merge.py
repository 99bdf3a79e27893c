"""Line-based three-way merge of a page: the local copy against the wiki's, from their base.

Each side's changes are the difflib opcodes from base to that side. Changes whose base ranges
overlap form one hunk, and so do an insertion and a change at the same place (whose order would
be a guess); changes to adjacent lines do not overlap and combine (git would conflict there). A
hunk changed by one side only, or identically by both, merges cleanly; otherwise it becomes a
git-style conflict, the local lines first::

    <<<<<<< local
    …ours…
    =======
    …theirs…
    >>>>>>> wiki
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

OURS_MARKER = "<<<<<<< local\n"
SEPARATOR = "=======\n"
THEIRS_MARKER = ">>>>>>> wiki\n"
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True)
class MergeResult:
    """The merged text and how many conflicts it marks (0: a clean merge)."""

    text: str
    conflicts: int

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


@dataclass(frozen=True)
class _Change:
    """Base lines [start, end) replaced by `lines` on one side (`ours` tells which)."""

    start: int
    end: int
    lines: tuple[str, ...]
    ours: bool


def merge3(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge the changes base -> ours and base -> theirs; conflicts are marked, never raised."""
    base_lines = _lines(base)
    changes = sorted(_changes(base_lines, ours, True) + _changes(base_lines, theirs, False),
                     key=lambda c: (c.start, c.end))
    out: list[str] = []
    conflicts = 0
    pos = 0
    for hunk in _hunks(changes):
        start, end = hunk[0].start, max(c.end for c in hunk)
        out.extend(base_lines[pos:start])
        lines, conflicted = _merge_hunk(base_lines, start, end, hunk)
        out.extend(lines)
        conflicts += conflicted
        pos = end
    out.extend(base_lines[pos:])
    return MergeResult("".join(out), conflicts)


def _lines(text: str) -> list[str]:
    """The text's lines, each with its "\n" (the last one may have none)."""
    return _LINE.findall(text)


def _changes(base_lines: list[str], text: str, ours: bool) -> list[_Change]:
    """The non-equal opcodes from base to `text`, as changes."""
    lines = _lines(text)
    matcher = SequenceMatcher(None, base_lines, lines, autojunk=False)
    return [
        _Change(i1, i2, tuple(lines[j1:j2]), ours)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _hunks(changes: list[_Change]) -> list[list[_Change]]:
    """Changes (sorted by base range) grouped while they overlap (see `_joins`)."""
    hunks: list[list[_Change]] = []
    for change in changes:
        if hunks and _joins(hunks[-1], change):
            hunks[-1].append(change)
        else:
            hunks.append([change])
    return hunks


def _joins(hunk: list[_Change], change: _Change) -> bool:
    """True when `change` overlaps the hunk: it starts inside it, or an insertion touches."""
    end = max(c.end for c in hunk)
    if change.start < end:
        return True
    touching_insert = change.start == change.end or any(c.start == c.end == end for c in hunk)
    return change.start == end and touching_insert


def _side(base_lines: list[str], start: int, end: int, changes: list[_Change]) -> list[str]:
    """Base lines [start, end) with one side's changes applied."""
    out: list[str] = []
    pos = start
    for change in changes:
        out.extend(base_lines[pos:change.start])
        out.extend(change.lines)
        pos = change.end
    out.extend(base_lines[pos:end])
    return out


def _merge_hunk(base_lines: list[str], start: int, end: int,
                hunk: list[_Change]) -> tuple[list[str], bool]:
    """The merged lines of a hunk, and whether they are a conflict (both sides differ)."""
    ours = _side(base_lines, start, end, [c for c in hunk if c.ours])
    theirs = _side(base_lines, start, end, [c for c in hunk if not c.ours])
    if all(c.ours for c in hunk) or ours == theirs:
        return ours, False
    if not any(c.ours for c in hunk):
        return theirs, False
    return [OURS_MARKER, *_ended(ours), SEPARATOR, *_ended(theirs), THEIRS_MARKER], True


def _ended(lines: list[str]) -> list[str]:
    """The lines with a newline added to the last one when it has none (before a marker)."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines
