"""The bot's own HTML rendering of its blocks (movibot/render/html.py), for the preview of a
folder or dump site: its tables rendered, everything else escaped."""

from __future__ import annotations

import pytest

from movibot.render.html import inline, render_blocks, render_wikitext
from movibot.wikitext.blocks import make_block
from movibot.wikitext.escaping import escape

MEMBERS = """{| class="wikitable sortable movibot-membres"
! Nom !! Ville !! Surface
|-
| [[Exemple de tiers-lieu de 300 m²]] || [[:Ville exemple|Ville]] || data-sort-value="300" | 300 m²
|}
"""


def test_a_members_table_is_a_table_with_its_classes_header_and_cells() -> None:
    assert render_wikitext(MEMBERS) == (
        '<table class="wikitable sortable movibot-membres">\n'
        "<tr><th>Nom</th><th>Ville</th><th>Surface</th></tr>\n"
        "<tr><td>Exemple de tiers-lieu de 300 m²</td><td>Ville</td><td>300 m²</td></tr>\n"
        "</table>")


def test_an_infobox_has_its_caption_colspan_and_cells_over_several_lines() -> None:
    text = ('{| class="wikitable movibot-infobox" style="float:right"\n|+ Le Lieu\n|-\n'
            "! Ville\n| Lyon\n|-\n! colspan=\"2\" | Modèle économique\n|-\n"
            '| colspan="2" |\n<div class="movibot-barre" title="x">153 m²</div>\n'
            "<ul><li>Résidents</li></ul>\n|}\n[[Catégorie:Coworking]]\n")
    assert render_wikitext(text) == (
        '<table class="wikitable movibot-infobox">\n<caption>Le Lieu</caption>\n'
        "<tr><th>Ville</th><td>Lyon</td></tr>\n"
        '<tr><th colspan="2">Modèle économique</th></tr>\n'
        '<tr><td colspan="2">153 m²<br>Résidents</td></tr>\n</table>')


def test_lines_outside_tables_are_paragraphs_of_text() -> None:
    assert render_wikitext("''Aucune fiche pour l'instant.''\n\n<!-- a -->\n") == (
        "<p>Aucune fiche pour l&#x27;instant.</p>")


def test_only_the_blocks_of_a_page_are_rendered_each_named() -> None:
    page = ("Texte de la page <b>libre</b>.\n"
            + make_block("membres", MEMBERS) + "\n" + make_block("infobox", "{|\n| a\n|}") + "\n")
    rendered = render_blocks(page)
    assert rendered.count('<div class="movibot-block"') == 2
    assert '<div class="movibot-block" data-block="membres"><table class=' in rendered
    assert '<div class="movibot-block" data-block="infobox"><table>\n<tr><td>a</td>' in rendered
    assert "libre" not in rendered
    assert render_blocks("no block at all") == ""


HOSTILE = [
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "[javascript:document.title='pwned' clic]",
    "[[javascript:alert(1)|clic]]",
    "<a href=\"javascript:alert(1)\">clic</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\" onmouseover=\"alert(1)",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_value_becomes_markup_in_a_cell(value: str) -> None:
    for cell in (value, escape(value)):  # raw, and as the bot writes it (entities)
        table = render_wikitext(f'{{| class="wikitable"\n! {cell}\n| {cell} || x\n|}}\n')
        assert table.count("<") == table.count("<t") + table.count("</t")  # table tags only
        assert "<script" not in table and "<img" not in table and "<a" not in table


@pytest.mark.parametrize("value", HOSTILE)
def test_no_value_becomes_markup_in_a_paragraph_or_a_caption(value: str) -> None:
    rendered = render_wikitext(f"{value}\n{{|\n|+ {value}\n|}}\n")
    tags = ("<p>", "</p>", "<table>", "</table>", "<caption>", "</caption>")
    for tag in tags:
        rendered = rendered.replace(tag, "")
    assert "<" not in rendered and ">" not in rendered and '"' not in rendered


def test_a_table_class_keeps_only_class_characters() -> None:
    assert render_wikitext('{| class="wikitable x"onclick="alert(1)"\n| a\n|}').startswith(
        '<table class="wikitable x">')
    assert render_wikitext("{| class=\"a><script>\"\n| a\n|}").startswith('<table class="a">')


@pytest.mark.parametrize(("wikitext", "html"), [
    ("[[Barcamp]]", "Barcamp"),
    ("[[Barcamp|le barcamp]]", "le barcamp"),
    ("[[:Catégorie:Lieux]]", "Catégorie:Lieux"),
    ("[[Catégorie:Lieux]]", ""),
    ("[https://movilab.org Movilab]", "Movilab"),
    ("'''gras''' et ''italique''", "gras et italique"),
    ("a &amp; b &lt;i&gt;", "a &amp; b &lt;i&gt;"),
    ("1&#160;700&nbsp;€", "1\xa0700\xa0€"),
])
def test_inline_wikitext_is_its_text_escaped(wikitext: str, html: str) -> None:
    assert inline(wikitext) == html
