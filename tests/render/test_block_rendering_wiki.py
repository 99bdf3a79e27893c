"""The infobox block never changes how the human text renders, on the real test wiki.

A corpus of lieu pages puts the {{Tiers-Lieu}} call where people do put it: on its own lines,
with text after `}}` on the same line, in a list item, in a table cell, at the very end of a
page without a final newline, inside a `<div>`, after text on the same line. One wiki, one
`movibot run` for all of them; then, for each page, the HTML MediaWiki gives for the saved page
(`action=parse&page=…`) with the block's own table removed must equal the HTML it gave for the
original page before the run.

What counts as the block's own (and is removed before comparing) is exactly the
`<table class="… movibot-infobox …">…</table>` element (nested tables included): the markers
are comments and the block's category links render nothing, so nothing else is the block's.
Both sides are then compared as a browser renders them (CSS `white-space: normal`): outside
`<pre>`, a run of whitespace counts as one space and whitespace next to a block-level tag does
not count (MediaWiki moves the newline ending a table into the next paragraph, `<p>\nTexte`,
which renders as `<p>Texte`). Any element the block leaves or moves (an empty paragraph, a
`<pre>`, a list or a paragraph cut in two, text moved in or out of a cell) is a difference.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import wikiserver
from commandline import Cli

TEMPLATE = "Modèle:Tiers-Lieu"
TEMPLATE_TEXT = '<div class="tl">Infobox</div>'
BEGIN = "<!-- movibot:begin infobox"
BODY = ("== Communauté ==\nDes gens du quartier.\n== Territoire ==\nUn quartier.\n"
        "== Processus ==\nDes ateliers.\n\n[[Catégorie:Tiers-Lieux]]")


def call(nom: str, *, inline: bool = False) -> str:
    """A valid {{Tiers-Lieu}} call, one parameter a line or all on one line."""
    if inline:
        return f"{{{{Tiers-Lieu|nom={nom}|ville=Saint-Étienne|type=coworking}}}}"
    return (f"{{{{Tiers-Lieu\n| nom = {nom}\n| ville = Saint-Étienne\n| type = coworking\n"
            f"| surface totale = 300 m²\n}}}}")


# case name (the test id; the page is "Lieu <name>") -> page text
CASES: dict[str, str] = {
    "own-lines":
        call("Lieu A") + "\n'''Lieu A''' est un espace de coworking.\n\n" + BODY + "\n",
    "text-after-braces":
        call("Lieu B") + " L'espace est ouvert à tous.\nLa suite du paragraphe.\n\n" + BODY,
    "list-item":
        "Les fiches :\n* " + call("Lieu C", inline=True)
        + "\n* Un deuxième élément.\n* Un troisième élément.\n\n" + BODY,
    "table-cell":
        '{| class="wikitable"\n| ' + call("Lieu D", inline=True) + " || Une cellule voisine\n"
        "|-\n| Ligne deux || Fin\n|}\n" + BODY,
    "table-cell-with-text":
        '{| class="wikitable"\n| ' + call("Lieu E", inline=True)
        + " Texte de la cellule. || Une cellule voisine\n|-\n| Ligne deux || Fin\n|}\n" + BODY,
    "end-of-page-no-newline":
        "'''Lieu F''' est un lieu.\n\n" + BODY + "\n" + call("Lieu F"),
    "inside-div":
        '<div class="cadre">' + call("Lieu G", inline=True) + "</div>\n\n" + BODY,
    "text-before-on-line":
        "Fiche du lieu : " + call("Lieu H", inline=True) + "\nLa suite du texte.\n\n" + BODY,
}
TITLES = {name: f"Lieu {name}" for name in CASES}

# -- the comparison ------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_INFOBOX_START = re.compile(r"<table\b[^>]*\bclass=\"[^\"]*\bmovibot-infobox\b[^\"]*\"[^>]*>",
                            re.I)
_BLOCK_TAGS = ("div|p|pre|table|caption|thead|tbody|tfoot|tr|td|th|ul|ol|li|dl|dt|dd|"
               "h[1-6]|blockquote|hr|center")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S | re.I)
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace (not \s: it matches U+00A0)
_NEXT_TO_BLOCK = re.compile(rf" ?(</?(?:{_BLOCK_TAGS})\b[^>]*>) ?", re.I)


def infobox_tables(html: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the block's tables in `html`, nested tables inside them
    included."""
    spans: list[tuple[int, int]] = []
    for start in _INFOBOX_START.finditer(html):
        if spans and start.start() < spans[-1][1]:
            continue
        depth = 0
        for tag in _TABLE_TAG.finditer(html, start.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                spans.append((start.start(), tag.end()))
                break
        else:
            raise AssertionError(f"unclosed movibot-infobox table in:\n{html}")
    return spans


def rendering(html: str) -> str:
    """`html` as it renders: without the parser's comments (limit report, parser cache,
    timestamps), without the block's tables, and outside `<pre>` with each run of whitespace
    as one space and none next to a block-level tag."""
    html = _COMMENT.sub("", html)
    for start, end in reversed(infobox_tables(html)):
        html = html[:start] + "\n" + html[end:]
    parts = _PRE.split(html)  # odd indexes: the <pre> elements, kept as they are
    return "".join(part if i % 2 else _NEXT_TO_BLOCK.sub(r"\1", _SPACE.sub(" ", part))
                   for i, part in enumerate(parts)).strip()


def differences(before: str, after: str) -> str:
    """A short diff of two renderings, one tag per line."""
    def lines(html: str) -> list[str]:
        return re.sub(r"(<[^>]+>)", r"\n\1", html).split("\n")
    return "\n".join(difflib.unified_diff(lines(before), lines(after), "original", "saved",
                                          n=2, lineterm=""))


ORIGINAL = ('<div class="mw-parser-output"><div class="tl">Infobox</div>\n'
            '<p>Un texte\nsuivi.\n</p></div>')
TABLE = ('<table class="wikitable movibot-infobox"><tbody><tr><td><table><tr><td>x</td></tr>'
         '</table>\n</td></tr></tbody></table>')


@pytest.mark.parametrize("saved, why", [
    (ORIGINAL.replace("</div>\n<p>", f"</div>\n{TABLE}\n<p><br />\n</p>\n<p>"),
     "an empty paragraph"),
    (ORIGINAL.replace("<p>Un texte", f"{TABLE}\n<pre>Un texte"), "a <pre>"),
    (ORIGINAL.replace("texte\n", f"texte\n</p>{TABLE}\n<p>"), "a paragraph cut in two"),
    ("<ul><li>a</li></ul>\n" + TABLE + "\n<ul><li>b</li></ul>", "a list cut in two"),
])
def test_rendering_sees_what_the_block_must_not_leave(saved: str, why: str) -> None:
    """The comparison is not vacuous: what the block may leave around its table counts."""
    original = "<ul><li>a</li>\n<li>b</li></ul>" if "<ul>" in saved else ORIGINAL
    assert rendering(saved) != rendering(original), why


@pytest.mark.parametrize("saved", [
    ORIGINAL.replace("</div>\n<p>", f"</div>\n{TABLE}\n<p>"),
    ORIGINAL.replace("</div>\n<p>", f"</div>{TABLE}<p>\n"),  # MediaWiki: </table><p>\nTexte
    ORIGINAL.replace("<div class=\"tl\">", f"{TABLE}\n<div class=\"tl\">"),
])
def test_rendering_ignores_the_table_and_whitespace_that_does_not_render(saved: str) -> None:
    assert rendering(saved) == rendering(ORIGINAL)


# -- one wiki, one run ---------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    code: int
    output: str
    statuses: dict[str, str]
    original_html: dict[str, str]
    saved_html: dict[str, str]
    saved_text: dict[str, str | None]


def parse_html(wiki: wikiserver.Wiki, title: str) -> str:
    """The HTML MediaWiki renders for the current revision of `title`."""
    answer = requests.post(wiki.api_url, data={
        "action": "parse", "page": title, "prop": "text", "disablelimitreport": 1,
        "format": "json", "formatversion": 2}, timeout=30).json()
    assert "parse" in answer, f"action=parse of {title} failed: {answer}"
    return str(answer["parse"]["text"])


@pytest.fixture(scope="module")
def outcome(cli: Cli, wiki_template: wikiserver.Template, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Outcome]:
    """Seed the corpus and the template, parse every page, run movibot once, parse again."""
    wiki = wikiserver.Wiki.fresh(wiki_template)
    try:
        pages = {TITLES[name]: text for name, text in CASES.items()}
        wiki.seed({**pages, TEMPLATE: TEMPLATE_TEXT})
        for title, text in pages.items():  # the wiki holds the corpus as written
            assert wiki.text(title) == text, title
        original = {title: parse_html(wiki, title) for title in pages}
        folder = tmp_path_factory.mktemp("rendering")
        config, report = folder / "movibot.yaml", folder / "report.json"
        config.write_text(f"site: {wiki.api_url}\nusername: {wiki.bot_user}\nput_throttle: 0\n"
                          f"state_file: {folder / 'state.json'}\n", encoding="utf-8")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MOVIBOT_PASSWORD", wiki.bot_password)
            result = cli("run", "--config", str(config),
                         "--report", str(report))
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8")) \
            if report.exists() else {}
        yield Outcome(
            code=result.exit_code, output=result.output,
            statuses={p["title"]: p["status"] for p in data.get("pages", [])},
            original_html=original,
            saved_html={title: parse_html(wiki, title) for title in pages},
            saved_text={title: wiki.text(title) for title in pages},
        )
    finally:
        wiki.destroy()


def test_the_run_edits_every_page(outcome: Outcome) -> None:
    assert outcome.code == 0, outcome.output
    assert {t: outcome.statuses.get(t) for t in TITLES.values()} == \
        {t: "edited" for t in TITLES.values()}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_the_block_does_not_change_how_the_page_renders(outcome: Outcome, name: str) -> None:
    title = TITLES[name]
    # the page was really edited: a page left alone would pass vacuously
    assert outcome.statuses.get(title) == "edited", outcome.output
    saved = outcome.saved_text[title] or ""
    assert saved.count(BEGIN) == 1, saved
    assert len(infobox_tables(outcome.saved_html[title])) == 1, outcome.saved_html[title]
    assert not infobox_tables(outcome.original_html[title])
    before, after = rendering(outcome.original_html[title]), rendering(outcome.saved_html[title])
    if after != before:
        pytest.fail(f"the block changes how {title!r} renders:\n{differences(before, after)}\n"
                    f"--- saved wikitext:\n{saved}", pytrace=False)
