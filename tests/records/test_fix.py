"""records.fix: fixes applied from the end of the text, nothing changed outside them, an
overlapping fix skipped."""

from __future__ import annotations

from movibot.problems import Fix
from movibot.records.fix import apply_fixes


def test_fixes_apply_from_the_end_and_leave_the_rest_of_the_text_alone() -> None:
    text = "aaa BBB ccc DDD eee"
    fixed, count = apply_fixes(text, [Fix(4, 7, "b"), Fix(12, 15, "dddd")])
    assert (fixed, count) == ("aaa b ccc dddd eee", 2)


def test_an_overlapping_fix_is_skipped_and_a_fix_out_of_the_text_too() -> None:
    text = "0123456789"
    fixed, count = apply_fixes(text, [Fix(2, 5, "x"), Fix(4, 6, "y"), Fix(8, 11, "z")])
    assert (fixed, count) == ("01x56789", 1)


def test_a_fix_given_twice_is_applied_once() -> None:
    assert apply_fixes("ab", [Fix(0, 1, "A"), Fix(0, 1, "A")]) == ("Ab", 1)
