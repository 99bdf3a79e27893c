"""The surface bar survives MediaWiki 1.39's Sanitizer, on the real test wiki.

Lieu pages holding the bot's block (rendered infobox, bar included) are saved with wiki.seed,
then `action=parse&prop=text` gives the HTML readers get: every segment's style comes out as
written (widths summing to 100 %, the hatch's repeating-linear-gradient and dashed border
kept), the labels are there, the bar stays inside the infobox table's cell, and nothing was
flagged `/* insecure input */`. A control checks what 1.39 allows in an inline style:
linear-gradient and repeating-linear-gradient are kept, url() and image() are not.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import wikiserver

from movibot.costs.inputs import record_costs
from movibot.costs.model import CostResult
from movibot.records.parse import parse_page
from movibot.records.schema import load_schemas
from movibot.render.bar import BAR_CLASS, render_bar, surface_segments
from movibot.render.infobox import render_infobox
from movibot.wikitext.blocks import replace_block
from movibot.wikitext.titles import title_from_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
PAGES = ("lieu_300.wiki", "lieu_complet.wiki")
LIEU, _ = load_schemas()
INSECURE = "/* insecure input */"


class Elements(HTMLParser):
    """Every start tag with its attributes (entities decoded), whether it is inside a td of
    the infobox table, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], bool]] = []
        self.text: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        in_cell = "td" in self._stack and "table:movibot-infobox" in self._stack
        self.found.append((tag, attributes, in_cell))
        if tag == "table":
            tag = "table:movibot-infobox" if "movibot-infobox" in attributes.get(
                "class", "") else tag
        if tag not in ("br", "img", "meta", "link", "hr", "input", "wbr"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        for k in range(len(self._stack) - 1, -1, -1):
            if self._stack[k].split(":")[0] == tag:
                del self._stack[k:]
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(page_html: str) -> Elements:
    parser = Elements()
    parser.feed(page_html)
    parser.close()
    return parser


def written_styles(bar: str) -> list[str]:
    """The style attribute of each element of the bar as the bot writes it, in order."""
    return [attrs["style"] for _, attrs, _ in elements(bar).found if "style" in attrs]


def lieu_page(name: str) -> tuple[str, str, CostResult]:
    """(title, text with the bot's infobox block, cost model) of a fixture lieu."""
    source = (FIXTURES / name).read_text(encoding="utf-8")
    title = title_from_file(name, source)
    record = parse_page(source, LIEU, title, name)
    costs = record_costs(record.fields)[0]
    assert costs is not None
    block = render_infobox(title, record.fields, LIEU, costs)
    return title, replace_block(source, "infobox", block, anchor=record.template_end), costs


def parse_html(wiki: wikiserver.Wiki, **params: Any) -> str:
    answer = wiki.api(action="parse", prop="text", disablelimitreport=1, **params)
    assert "parse" in answer, answer
    return str(answer["parse"]["text"])


@pytest.fixture(scope="module")
def parsed(wiki_template: wikiserver.Template) -> Any:
    """The seeded lieux: {title: (html, bar as written, costs)}, and the CSS control."""
    wiki = wikiserver.Wiki.fresh(wiki_template)
    try:
        pages = {}
        for name in PAGES:
            title, text, costs = lieu_page(name)
            pages[title] = (text, costs)
        wiki.seed({title: text for title, (text, _) in pages.items()})
        out = {title: (parse_html(wiki, page=title), render_bar(costs), costs)
               for title, (_, costs) in pages.items()}
        control = {css: parse_html(wiki, text=f'<div style="{css}">x</div>', title="Essai",
                                   contentmodel="wikitext")
                   for css in CONTROL}
        yield {"pages": out, "control": control}
    finally:
        wiki.destroy()


CONTROL = {
    "background-image:linear-gradient(45deg, #000 0, #fff 1em)": True,
    "background-image:repeating-linear-gradient(45deg, #000 0, #000 0.1em, #fff 0.1em, "
    "#fff 0.5em)": True,
    "display:flex; width:52.8%; border:1px dashed #000": True,
    "background-image:url(https://example.org/x.png)": False,
    "background-image:image(#fff)": False,
}


@pytest.mark.parametrize("css", list(CONTROL))
def test_which_inline_css_mediawiki_keeps(parsed: Any, css: str) -> None:
    page_html = html.unescape(parsed["control"][css])
    assert (f'style="{css}"' in page_html) == CONTROL[css], page_html
    assert (INSECURE in page_html) == (not CONTROL[css]), page_html


def test_every_style_of_the_bar_survives_as_written(parsed: Any) -> None:
    for title, (page_html, bar, _) in parsed["pages"].items():
        assert INSECURE not in page_html, title
        kept = [attrs["style"] for _, attrs, _ in elements(page_html).found if "style" in attrs]
        written = written_styles(bar)
        assert len(written) > 5
        start = kept.index(written[0])  # the bar's elements, in order, one after the other
        assert kept[start:start + len(written)] == written, title


def test_the_widths_in_the_html_sum_to_100_percent(parsed: Any) -> None:
    for title, (page_html, _, costs) in parsed["pages"].items():
        widths = {}
        for tag, attrs, in_cell in elements(page_html).found:
            cls = attrs.get("class", "")
            m = re.match(r"width:(\d+(?:\.\d)?)%;", attrs.get("style", ""))
            if tag == "div" and cls.startswith(f"{BAR_CLASS}-") and m:
                assert in_cell, (title, cls)  # inside the infobox table's cell
                widths[cls.removeprefix(f"{BAR_CLASS}-")] = Decimal(m.group(1))
        assert sum(widths.values()) == 100, (title, widths)
        assert widths == {s.key: Decimal(s.width) / 10 for s in surface_segments(costs)
                          if s.width > 0}, title


def test_the_labels_are_in_the_html(parsed: Any) -> None:
    for title, (page_html, _, costs) in parsed["pages"].items():
        text = "".join(elements(page_html).text)
        for segment in surface_segments(costs):
            assert segment.text in text, (title, segment.text)
        assert "Répartition de la surface totale" in text, title


def test_the_unusable_surface_is_hatched_in_the_html(parsed: Any) -> None:
    page_html, _, costs = parsed["pages"]["La Fabrique d'exemple"]
    assert costs.unusable_surface > 0
    styles = {attrs.get("class", ""): attrs.get("style", "")
              for _, attrs, _ in elements(page_html).found}
    hatch = styles[f"{BAR_CLASS}-unusable"]
    assert "background-image:repeating-linear-gradient(45deg," in hatch
    assert "border:1px dashed #000" in hatch
    swatches = [attrs.get("style", "") for tag, attrs, _ in elements(page_html).found
                if tag == "span"]
    assert any("repeating-linear-gradient" in s and "dashed" in s for s in swatches)
    other, _, _ = parsed["pages"]["Exemple de tiers-lieu de 300 m²"]
    assert "repeating-linear-gradient" not in other  # nothing unusable, nothing hatched
