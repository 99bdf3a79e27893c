"""Random wikitext never breaks the parser: the text comes back unchanged, nothing raises."""

from __future__ import annotations

import mwparserfromhell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from movibot.problems import CODES
from movibot.records.lint import LocalPage, lint_page
from movibot.records.parse import mask_blocks, parse_page, parse_record, parse_wikitext, walk
from movibot.records.record import Record
from movibot.records.schema import load_schemas

SCHEMAS = load_schemas()
PIECES = [
    "{{", "}}", "{{{", "}}}", "[[", "]]", "|", "=", "\n", "\r\n", " ", ":", "*", "#", "'''",
    "<!--", "-->", "<nowiki>", "</nowiki>", "<pre>", "</pre>", "<div>", "</div>", "<ref>",
    "</ref>", "{|", "|}", "|-", "!", "== A ==", "&nbsp;", "\x00", "\ufeff", "é", "²", "€",
    "Tiers-Lieu", "Fiche", "nom", "surface totale", "portail", "lieux", "1 700 m²", "à définir",
    "Catégorie:", "[[Catégorie:Tiers-Lieux]]", "[[:Catégorie:X]]", "Portail:", "{{#if:",
    "[http://x y]", "<!-- movibot:begin infobox sha1=0123456789ab -->",
    "<!-- movibot:end infobox -->", "<!-- title: X -->",
]
wikitext = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)),
                    max_size=50).map("".join)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(wikitext)
def test_parse_wikitext_gives_the_text_back(text):
    assert str(parse_wikitext(text)) == text


@FUZZ
@given(wikitext.map(lambda t: t.replace("\x00", "")))
def test_mwparserfromhell_gives_text_without_nul_back(text):
    # mwparserfromhell's C tokenizer drops everything after a NUL (earwig/mwparserfromhell#355);
    # parse_wikitext works around it (test above).
    assert str(mwparserfromhell.parse(text)) == text


@FUZZ
@given(wikitext)
def test_parse_page_never_raises(text):
    records = [parse_page(text, schema, "T", "p.wiki") for schema in (*SCHEMAS, None)]
    assert all(isinstance(r, Record) and r.title == "T" for r in records)


@FUZZ
@given(wikitext)
def test_parse_record_never_raises_and_problems_are_inside_the_text(text):
    record = parse_record(text, SCHEMAS, "T", "p.wiki")
    lines = text.split("\n")
    assert all(p.code in CODES and 1 <= p.line <= len(lines)
               and 1 <= p.col <= len(lines[p.line - 1]) + 1 for p in record.problems)


@FUZZ
@given(wikitext)
def test_lint_page_never_raises_and_uses_known_codes(text):
    problems = lint_page(LocalPage("p.wiki", "T", text), SCHEMAS, {"T", "Le Mixeur"})
    assert all(p.code in CODES and p.path == "p.wiki" for p in problems)


@FUZZ
@given(wikitext)
def test_walk_gives_each_node_at_its_offset(text):
    for node, offset in walk(parse_wikitext(text)):
        assert text[offset:offset + len(str(node))] == str(node)


@FUZZ
@given(wikitext)
def test_masking_blocks_keeps_length_and_line_breaks(text):
    masked = mask_blocks(text)
    assert [(c == "\n") for c in masked] == [(c == "\n") for c in text]


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 3000), st.sampled_from(["{{", "[[", "{{{", "<div>", "{{Tiers-Lieu|nom="]))
def test_deep_nesting_never_raises(depth, opener):
    text = opener * depth + "x" + "}}" * depth + "\n[[Catégorie:Tiers-Lieux]]\n"
    record = parse_record(text, SCHEMAS, "T", "p.wiki")
    assert record.categories == ("Tiers-Lieux",)
