from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from movibot.wikitext.merge import MergeResult, merge3

BASE = "{{Tiers-Lieu\n|nom=Le Mixeur\n|ville=Lyon\n|surface=120\n|statut=asso\n}}\n"


def test_changes_at_different_places_combine() -> None:
    ours = BASE.replace("|nom=Le Mixeur", "|nom=Le Grand Mixeur")
    theirs = BASE.replace("|statut=asso", "|statut=SCIC")
    expected = BASE.replace("|nom=Le Mixeur", "|nom=Le Grand Mixeur").replace(
        "|statut=asso", "|statut=SCIC")
    assert merge3(BASE, ours, theirs) == MergeResult(expected, 0)


def test_changes_to_adjacent_lines_combine() -> None:
    ours = BASE.replace("|ville=Lyon", "|ville=Villeurbanne")
    theirs = BASE.replace("|surface=120", "|surface=150")
    expected = ours.replace("|surface=120", "|surface=150")
    assert merge3(BASE, ours, theirs) == MergeResult(expected, 0)


def test_the_same_change_on_both_sides_merges_cleanly() -> None:
    both = BASE.replace("|surface=120", "|surface=150")
    assert merge3(BASE, both, both) == MergeResult(both, 0)


def test_a_change_on_one_side_only_is_taken() -> None:
    ours = BASE + "[[Catégorie:Lyon]]\n"
    assert merge3(BASE, ours, BASE) == MergeResult(ours, 0)
    assert merge3(BASE, BASE, ours) == MergeResult(ours, 0)


def test_a_deletion_and_a_distant_change_combine() -> None:
    ours = BASE.replace("|ville=Lyon\n", "")
    theirs = BASE.replace("|statut=asso", "|statut=SCIC")
    assert merge3(BASE, ours, theirs) == MergeResult(
        ours.replace("|statut=asso", "|statut=SCIC"), 0)


def test_different_changes_to_the_same_line_conflict() -> None:
    ours = BASE.replace("|surface=120", "|surface=150")
    theirs = BASE.replace("|surface=120", "|surface=200")
    expected = (
        "{{Tiers-Lieu\n|nom=Le Mixeur\n|ville=Lyon\n"
        "<<<<<<< local\n|surface=150\n=======\n|surface=200\n>>>>>>> wiki\n"
        "|statut=asso\n}}\n"
    )
    assert merge3(BASE, ours, theirs) == MergeResult(expected, 1)


def test_each_conflicting_hunk_is_counted() -> None:
    ours = BASE.replace("|nom=Le Mixeur", "|nom=A").replace("|statut=asso", "|statut=B")
    theirs = BASE.replace("|nom=Le Mixeur", "|nom=C").replace("|statut=asso", "|statut=D")
    expected = (
        "{{Tiers-Lieu\n"
        "<<<<<<< local\n|nom=A\n=======\n|nom=C\n>>>>>>> wiki\n"
        "|ville=Lyon\n|surface=120\n"
        "<<<<<<< local\n|statut=B\n=======\n|statut=D\n>>>>>>> wiki\n"
        "}}\n"
    )
    assert merge3(BASE, ours, theirs) == MergeResult(expected, 2)


def test_insertions_at_the_same_place_conflict() -> None:
    ours = BASE + "local\n"
    theirs = BASE + "wiki\n"
    expected = BASE + "<<<<<<< local\nlocal\n=======\nwiki\n>>>>>>> wiki\n"
    assert merge3(BASE, ours, theirs) == MergeResult(expected, 1)


def test_an_insertion_next_to_a_change_conflicts() -> None:
    base = "a\nb\nc\n"
    expected = "a\n<<<<<<< local\nb\nI\n=======\nY\n>>>>>>> wiki\nc\n"
    assert merge3(base, "a\nb\nI\nc\n", "a\nY\nc\n") == MergeResult(expected, 1)


def test_a_deletion_against_an_edit_conflicts_with_an_empty_side() -> None:
    base = "a\nb\nc\n"
    expected = "a\n<<<<<<< local\n=======\nB\n>>>>>>> wiki\nc\n"
    assert merge3(base, "a\nc\n", "a\nB\nc\n") == MergeResult(expected, 1)


def test_a_conflict_on_a_last_line_without_newline_keeps_markers_on_their_lines() -> None:
    expected = "a\n<<<<<<< local\nx\n=======\ny\n>>>>>>> wiki\n"
    assert merge3("a\nb", "a\nx", "a\ny") == MergeResult(expected, 1)


def test_empty_inputs() -> None:
    assert merge3("", "", "") == MergeResult("", 0)
    assert merge3("", "a\n", "") == MergeResult("a\n", 0)
    assert merge3("", "", "b\n") == MergeResult("b\n", 0)
    assert merge3("a\n", "", "a\n") == MergeResult("", 0)
    assert merge3("", "a\n", "b\n") == MergeResult(
        "<<<<<<< local\na\n=======\nb\n>>>>>>> wiki\n", 1)


def test_clean_is_true_without_conflicts() -> None:
    assert merge3("a\n", "b\n", "a\n").clean
    assert not merge3("a\n", "b\n", "c\n").clean


# Few distinct lines so that the diffs have matches, changes and conflicts.
_TEXT = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "\n", "d", "é\r\n"]), max_size=12).map(
    "".join)


@given(_TEXT, _TEXT)
def test_only_local_changes_give_the_local_text(base: str, ours: str) -> None:
    assert merge3(base, ours, base) == MergeResult(ours, 0)


@given(_TEXT, _TEXT)
def test_only_wiki_changes_give_the_wiki_text(base: str, theirs: str) -> None:
    assert merge3(base, base, theirs) == MergeResult(theirs, 0)


@given(_TEXT, _TEXT)
def test_identical_changes_give_that_text(base: str, both: str) -> None:
    assert merge3(base, both, both) == MergeResult(both, 0)


@given(_TEXT, _TEXT, _TEXT)
def test_merging_is_symmetric_up_to_the_conflict_sides(base: str, ours: str, theirs: str) -> None:
    one, other = merge3(base, ours, theirs), merge3(base, theirs, ours)
    assert one.conflicts == other.conflicts
    if one.conflicts == 0:
        assert one.text == other.text
