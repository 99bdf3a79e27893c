"""Silencing comments (records.silence): `<!-- movibot-ignore: CODES -->` silences its line and
the next, `<!-- movibot-ignore-page: CODES -->` the whole page; an unused or unknown code is
W701; the run still acts on every problem."""

from __future__ import annotations

from movibot.records.lint import LocalPage, lint_page
from movibot.records.schema import load_schemas

SCHEMAS = list(load_schemas())
SECTIONS = "== Communauté ==\n== Territoire ==\n== Processus ==\n"
CATEGORY = "[[Catégorie:Tiers-Lieux]]\n"


def _lint(text: str) -> list[str]:
    return [p.format() for p in lint_page(LocalPage("p.wiki", "P", text), SCHEMAS, None)]


def _lieu(*lines: str, tail: str = SECTIONS + CATEGORY) -> str:
    given = "".join(f"{x}\n" for x in lines)
    return "{{Tiers-Lieu\n| nom = A\n| ville = B\n" + given + "}}\n" + tail


def test_a_comment_silences_its_codes_on_its_own_line():
    assert _lint(_lieu("| couleur = vert <!-- movibot-ignore: W202 -->")) == []


def test_a_comment_silences_its_codes_on_the_next_line_and_no_further():
    text = _lieu("<!-- movibot-ignore: W202 -->", "| couleur = vert", "| odeur = pin")
    assert _lint(text) == ['p.wiki:6:3: warning W202 unknown parameter "odeur"']


def test_a_comment_silences_only_the_codes_or_prefixes_it_names():
    text = _lieu("| couleur = vert <!-- movibot-ignore: E1 -->")
    assert _lint(text) == [
        'p.wiki:4:3: warning W202 unknown parameter "couleur"',
        "p.wiki:4:18: warning W701 E1 in this silencing comment silences nothing: no E1 problem "
        "on this line or the next; remove it"]


def test_a_page_comment_silences_its_codes_anywhere_on_the_page():
    text = "<!-- movibot-ignore-page: E109, W202 -->\n" + _lieu("| couleur = vert", tail=CATEGORY)
    assert _lint(text) == []


def test_an_unknown_code_and_a_comment_without_codes_are_w701():
    comments = "<!-- movibot-ignore: X9 -->\n<!-- movibot-ignore -->\n"
    text = _lieu(tail=SECTIONS + CATEGORY + comments)
    assert _lint(text) == [
        "p.wiki:9:1: warning W701 'X9' in this silencing comment is no problem code "
        "(`movibot rule` lists them)",
        "p.wiki:10:1: warning W701 this silencing comment names no code "
        "(`<!-- movibot-ignore: W202 -->`)"]


def test_a_silencing_comment_is_no_block_marker():
    assert _lint(_lieu("| couleur = vert <!-- movibot-ignore-page: W202 -->")) == []
