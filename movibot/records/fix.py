"""Fixes applied (pure): what `movibot lint --fix` changes in a page's text.

A Fix (movibot/problems.py, beside the Problem that carries it) replaces `text[start:end]` with
`replacement`. The reader attaches one to each problem it can repair without doubt (W205, W112,
E201); apply_fixes applies them from the end of the text so that earlier offsets stay right, and
changes no character outside a fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from movibot.problems import Fix


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """The text with the fixes applied and how many were. A fix out of the text, or overlapping
    one already kept (the earlier-starting one is kept), is skipped: the next pass reads the
    page again."""
    kept: list[Fix] = []
    for fix in sorted(set(fixes), key=lambda f: (f.start, f.end)):
        if not 0 <= fix.start <= fix.end <= len(text):
            continue
        if kept and fix.start < kept[-1].end:
            continue
        kept.append(fix)
    for fix in reversed(kept):
        text = text[:fix.start] + fix.replacement + text[fix.end:]
    return text, len(kept)
