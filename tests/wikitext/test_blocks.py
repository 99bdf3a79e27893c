from __future__ import annotations

import hashlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from movibot.errors import BlockEdited, BlockMalformed
from movibot.wikitext.blocks import (
    Block,
    block_hash,
    find_blocks,
    make_block,
    replace_block,
    strip_blocks,
)

PAGE = "{{Tiers-Lieu\n|nom=Le Mixeur\n}}\nTexte humain.\n[[Catégorie:Tiers-lieu]]\n"
ANCHOR = PAGE.index("}}") + 2
INFOBOX = "== Infobox ==\n* Surface : 120 m²"
X = "x\n"
HASH_X = block_hash(X)
HASH_A = block_hash("a\n")
HASH_UPPER_A = block_hash("A\n")


def _begin(name: str, content: str) -> str:
    return f"<!-- movibot:begin {name} sha1={block_hash(content)} -->"


def test_block_hash_is_first_12_hex_of_sha1_of_utf8_content() -> None:
    content = "Surface : 120 m²\n"
    expected = hashlib.sha1(content.encode("utf-8")).hexdigest()[:12]
    assert block_hash(content) == expected


def test_block_hash_ignores_crlf_versus_lf() -> None:
    assert block_hash("a\r\nb\r\n") == block_hash("a\nb\n")


def test_make_block_normalises_content_to_one_final_newline() -> None:
    text = make_block("infobox", "x\n\n\n")
    assert text == f"{_begin('infobox', X)}\nx\n<!-- movibot:end infobox -->"


def test_make_block_rejects_a_bad_name() -> None:
    with pytest.raises(ValueError, match="bad block name 'Infobox'"):
        make_block("Infobox", "x")


def test_make_block_rejects_content_with_a_marker() -> None:
    with pytest.raises(ValueError, match="content of block 'infobox' contains"):
        make_block("infobox", "<!-- movibot:end infobox -->")


def test_find_blocks_reads_a_block_with_its_offsets() -> None:
    block = make_block("infobox", INFOBOX)
    text = "avant\n" + block + "\naprès"
    blocks, problems = find_blocks(text)
    assert problems == []
    [b] = blocks
    assert b == Block(
        name="infobox",
        sha1=block_hash(INFOBOX + "\n"),
        content=INFOBOX + "\n",
        start=6,
        end=6 + len(block),
        content_start=text.index("\n", 6) + 1,
        content_end=text.index("<!-- movibot:end"),
        line=2,
    )
    assert text[b.start:b.end] == block


def test_find_blocks_tolerates_extra_spaces_in_markers() -> None:
    text = f"<!--   movibot:begin   infobox   sha1={HASH_X}   -->  \nx\n<!--movibot:end infobox-->"
    blocks, problems = find_blocks(text)
    assert problems == []
    assert [b.name for b in blocks] == ["infobox"]


def test_find_blocks_accepts_any_lowercase_name() -> None:
    blocks, _ = find_blocks(make_block("membres", "a") + "\n" + make_block("x_1-y", "b"))
    assert [b.name for b in blocks] == ["membres", "x_1-y"]


def test_find_blocks_ignores_other_comments() -> None:
    text = "<!-- title: Le Mixeur -->\n<!-- a note about movibot -->\n"
    assert find_blocks(text) == ([], [])


# Each malformed case: (text, line, col, exact message).
SHA = "0123456789ab"
MALFORMED = {
    "begin-without-end": (
        f"x\n<!-- movibot:begin infobox sha1={SHA} -->\ncontenu\n",
        2, 1, "block 'infobox' begins at line 2 but never ends",
    ),
    "end-without-begin": (
        "x\ncontenu\n<!-- movibot:end infobox -->\n",
        3, 1, "'movibot:end infobox' at line 3 has no matching begin",
    ),
    "nested": (
        f"<!-- movibot:begin infobox sha1={SHA} -->\n<!-- movibot:begin membres sha1={SHA} -->\n"
        "<!-- movibot:end membres -->\n<!-- movibot:end infobox -->\n",
        2, 1, "block 'membres' begins at line 2 inside block 'infobox' (line 1); "
        "blocks cannot nest or overlap",
    ),
    "overlapping": (
        f"<!-- movibot:begin infobox sha1={SHA} -->\n<!-- movibot:begin membres sha1={SHA} -->\n"
        "<!-- movibot:end infobox -->\n<!-- movibot:end membres -->\n",
        2, 1, "block 'membres' begins at line 2 inside block 'infobox' (line 1); "
        "blocks cannot nest or overlap",
    ),
    "duplicated-name": (
        make_block("infobox", "a") + "\ntexte\n" + make_block("infobox", "b") + "\n",
        5, 1, "block 'infobox' at line 5 duplicates the block at line 1",
    ),
    "end-name-differs": (
        f"<!-- movibot:begin infobox sha1={SHA} -->\nx\n<!-- movibot:end membres -->\n",
        3, 1, "block 'infobox' begins at line 1 but is ended by 'movibot:end membres' at line 3",
    ),
    "begin-without-sha1": (
        "<!-- movibot:begin infobox -->\nx\n<!-- movibot:end infobox -->\n",
        1, 1, "malformed begin marker of block 'infobox' at line 1: "
        "<!-- movibot:begin infobox --> "
        "(expected <!-- movibot:begin NAME sha1=<12 hex digits> -->)",
    ),
    "begin-bad-hex": (
        "<!-- movibot:begin infobox sha1=0123456789xz -->\nx\n<!-- movibot:end infobox -->\n",
        1, 1, "malformed begin marker of block 'infobox' at line 1: "
        "<!-- movibot:begin infobox sha1=0123456789xz --> "
        "(expected <!-- movibot:begin NAME sha1=<12 hex digits> -->)",
    ),
    "begin-short-hex": (
        "<!-- movibot:begin infobox sha1=0123 -->\nx\n<!-- movibot:end infobox -->\n",
        1, 1, "malformed begin marker of block 'infobox' at line 1: "
        "<!-- movibot:begin infobox sha1=0123 --> "
        "(expected <!-- movibot:begin NAME sha1=<12 hex digits> -->)",
    ),
    "begin-not-ending-its-line": (
        f"<!-- movibot:begin infobox sha1={SHA} --> x\n<!-- movibot:end infobox -->\n",
        1, 1, "begin marker of block 'infobox' at line 1 must end its line",
    ),
    "end-without-name": (
        f"<!-- movibot:begin infobox sha1={SHA} -->\nx\n  <!-- movibot:end -->\n",
        3, 3, "malformed end marker at line 3: <!-- movibot:end --> "
        "(expected <!-- movibot:end NAME -->)",
    ),
    "uppercase-name": (
        f"<!-- movibot:begin Infobox sha1={SHA} -->\nx\n<!-- movibot:end Infobox -->\n",
        1, 1, "malformed begin marker of block 'Infobox' at line 1: "
        f"<!-- movibot:begin Infobox sha1={SHA} --> "
        "(expected <!-- movibot:begin NAME sha1=<12 hex digits> -->)",
    ),
    "unknown-marker": (
        "<!-- movibot:start infobox -->\n",
        1, 1, "unknown movibot marker at line 1: <!-- movibot:start infobox -->",
    ),
    "unclosed-comment-hiding-markers": (
        "x\n<!-- brouillon <!-- movibot:end infobox\n",
        2, 1, "unclosed HTML comment at line 2 hides movibot markers",
    ),
    "unclosed-marker": (
        "x\n<!-- movibot:end infobox\n",
        2, 1, "unclosed movibot comment at line 2: <!-- movibot:end infobox",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_find_blocks_reports_malformed_blocks(case: str) -> None:
    text, line, col, message = MALFORMED[case]
    blocks, problems = find_blocks(text)
    assert blocks == []
    assert [(p.code, p.line, p.col, p.message) for p in problems][0] == (
        "E401", line, col, message)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_replace_block_raises_block_malformed_with_the_first_problem(case: str) -> None:
    text, _, _, message = MALFORMED[case]
    with pytest.raises(BlockMalformed) as info:
        replace_block(text, "infobox", "nouveau", force=True)
    assert str(info.value) == message


def test_find_blocks_reports_each_problem_once_for_overlapping_blocks() -> None:
    text, _, _, _ = MALFORMED["overlapping"]
    _, problems = find_blocks(text)
    assert len(problems) == 1


def test_find_blocks_reports_an_edited_block() -> None:
    text = make_block("infobox", "a").replace("\na\n", "\nA\n")
    blocks, problems = find_blocks(text)
    assert [b.edited for b in blocks] == [True]
    assert [(p.code, p.message) for p in problems] == [(
        "E402",
        f"block 'infobox' at line 1 was edited by hand (marker sha1={HASH_A}, "
        f"content hashes to {HASH_UPPER_A})",
    )]


def test_replace_block_inserts_at_the_top_without_anchor() -> None:
    new = replace_block(PAGE, "infobox", INFOBOX)
    assert new == make_block("infobox", INFOBOX) + "\n" + PAGE


def test_replace_block_inserts_on_its_own_line_after_the_anchor() -> None:
    new = replace_block(PAGE, "infobox", INFOBOX, anchor=ANCHOR)
    assert new == PAGE[:ANCHOR] + "\n" + make_block("infobox", INFOBOX) + PAGE[ANCHOR:]


def test_replace_block_adds_newlines_around_an_anchor_mid_line() -> None:
    text = "{{Tiers-Lieu}}[[Catégorie:X]]"
    new = replace_block(text, "infobox", "x", anchor=14)
    assert new == "{{Tiers-Lieu}}\n" + make_block("infobox", "x") + "\n[[Catégorie:X]]"


def test_replace_block_adds_no_newline_after_an_anchor_at_the_end() -> None:
    new = replace_block("{{Tiers-Lieu}}", "infobox", "x", anchor=14)
    assert new == "{{Tiers-Lieu}}\n" + make_block("infobox", "x")


def test_replace_block_rejects_an_anchor_inside_a_block() -> None:
    text = make_block("membres", "m") + "\n"
    with pytest.raises(ValueError, match="anchor 10 falls inside block 'membres'"):
        replace_block(text, "infobox", "x", anchor=10)


def test_replace_block_replaces_the_content_and_hash() -> None:
    text = replace_block(PAGE, "infobox", "ancien", anchor=ANCHOR)
    new = replace_block(text, "infobox", INFOBOX)
    assert new == text.replace(make_block("infobox", "ancien"), make_block("infobox", INFOBOX))
    assert find_blocks(new)[1] == []


def test_replace_block_returns_the_same_text_when_content_is_unchanged() -> None:
    text = replace_block(PAGE, "infobox", INFOBOX, anchor=ANCHOR)
    assert replace_block(text, "infobox", INFOBOX + "\n\n") is text


def test_replace_block_is_idempotent() -> None:
    once = replace_block(PAGE, "infobox", INFOBOX, anchor=ANCHOR)
    twice = replace_block(once, "infobox", INFOBOX, anchor=ANCHOR)
    assert twice == once


def test_replace_block_keeps_a_block_whose_markers_have_extra_spaces() -> None:
    text = f"<!--  movibot:begin infobox  sha1={HASH_X} -->\nx\n<!-- movibot:end infobox  -->"
    assert replace_block(text, "infobox", "x") is text


def test_replace_block_raises_block_edited_for_a_hand_edit() -> None:
    text = make_block("infobox", "a").replace("\na\n", "\nA\n") + "\nsuite"
    with pytest.raises(BlockEdited) as info:
        replace_block(text, "infobox", "b")
    assert str(info.value) == (
        f"block 'infobox' at line 1 was edited by hand (marker sha1={HASH_A}, "
        f"content hashes to {HASH_UPPER_A})"
    )


def test_replace_block_with_force_overwrites_a_hand_edit() -> None:
    text = make_block("infobox", "a").replace("\na\n", "\nA\n") + "\nsuite"
    assert replace_block(text, "infobox", "b", force=True) == make_block("infobox", "b") + "\nsuite"


def test_replace_block_restamps_a_hand_edit_equal_to_the_new_content() -> None:
    text = make_block("infobox", "a").replace("\na\n", "\nb\n")
    assert replace_block(text, "infobox", "b") == make_block("infobox", "b")


def test_replace_block_refuses_malformed_even_with_force() -> None:
    text = "<!-- movibot:begin infobox -->\nx\n<!-- movibot:end infobox -->\n"
    with pytest.raises(BlockMalformed):
        replace_block(text, "infobox", "x", force=True)


def test_replace_block_keeps_crlf_line_ends() -> None:
    page = PAGE.replace("\n", "\r\n")
    new = replace_block(page, "infobox", INFOBOX, anchor=page.index("}}") + 2)
    assert "\n" not in new.replace("\r\n", "")
    [block], problems = find_blocks(new)
    assert problems == []
    assert block.content == INFOBOX.replace("\n", "\r\n") + "\r\n"
    assert replace_block(new, "infobox", INFOBOX) is new
    changed = replace_block(new, "infobox", "autre")
    assert changed == new.replace(block.content, "autre\r\n").replace(
        block.sha1, block_hash("autre\n"))


def test_replace_block_handles_a_block_at_the_end_without_trailing_newline() -> None:
    text = "texte\n" + make_block("infobox", "a")
    assert find_blocks(text)[1] == []
    assert replace_block(text, "infobox", "b") == "texte\n" + make_block("infobox", "b")
    assert replace_block(text, "infobox", "a") is text


def test_replace_block_leaves_other_blocks_alone() -> None:
    text = make_block("membres", "m") + "\n" + PAGE
    new = replace_block(text, "infobox", "x", anchor=text.index("}}") + 2)
    assert new.startswith(make_block("membres", "m") + "\n{{Tiers-Lieu")
    assert [b.name for b in find_blocks(new)[0]] == ["membres", "infobox"]


def test_strip_blocks_gives_back_the_human_text() -> None:
    text = replace_block(PAGE, "infobox", INFOBOX, anchor=ANCHOR)
    assert strip_blocks(text) == PAGE


def test_strip_blocks_keeps_malformed_blocks() -> None:
    text = "<!-- movibot:begin infobox -->\nx\n"
    assert strip_blocks(text) == text


_SURROUNDING = st.text(alphabet="ab é\n\r{}|=<!->[]:", max_size=60).filter(
    lambda s: "movibot:" not in s and "<!--" not in s
)


@given(before=_SURROUNDING, after=_SURROUNDING, first=st.text(), second=st.text())
def test_replace_block_preserves_the_surrounding_text_byte_for_byte(
    before: str, after: str, first: str, second: str
) -> None:
    assume("<!--" not in first + second and "<!--" not in before + after)
    text = before + after
    inserted = replace_block(text, "infobox", first, anchor=len(before))
    assert inserted.startswith(before) and inserted.endswith(after)
    [block] = find_blocks(inserted)[0]
    replaced = replace_block(inserted, "infobox", second)
    assert replaced[: block.start] == inserted[: block.start]
    assert replaced.endswith(inserted[block.end:])
    assert replace_block(replaced, "infobox", second) is replaced


_FRAGMENTS = st.sampled_from([
    f"<!-- movibot:begin infobox sha1={SHA} -->", "<!-- movibot:begin membres sha1=zz -->",
    "<!-- movibot:end infobox -->", "<!-- movibot:end membres -->", "<!-- movibot:",
    make_block("infobox", "a"), make_block("membres", "m"), "<!--", "-->", "x", "\n", "\r\n",
])


@given(st.lists(_FRAGMENTS, max_size=10).map("".join))
def test_find_blocks_never_raises_and_replace_raises_only_block_errors(text: str) -> None:
    blocks, problems = find_blocks(text)
    for b in blocks:
        assert text[b.content_start:b.content_end] == b.content
    try:
        new = replace_block(text, "infobox", "nouveau")
    except (BlockMalformed, BlockEdited):
        assert problems
    else:
        assert [p for p in find_blocks(new)[1] if p.code == "E401"] == []
