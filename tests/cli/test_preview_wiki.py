"""`movibot preview` on the real test wiki: the renderings are MediaWiki's own (action=parse of
the page's text, nothing saved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from commandline import Cli
from test_run_wiki import configure

from movibot.sites.mediawiki import MediaWikiSite

FICHES = Path(__file__).resolve().parents[2] / "fiches"
EXAMPLE = "Exemple de tiers-lieu de 300 m²"
TEXT = (FICHES / "Exemple_de_tiers-lieu_de_300_m².wiki").read_text(encoding="utf-8")


def parsed(wiki: Any, title: str, text: str) -> str:
    """MediaWiki's HTML of `text` as the page `title`, asked directly."""
    answer = wiki.api(action="parse", title=title, text=text, contentmodel="wikitext",
                      prop="text", disableeditsection=1, disablelimitreport=1)
    return str(answer["parse"]["text"])


def test_a_wiki_renders_a_text_with_its_parser_and_saves_nothing(wiki: Any) -> None:
    site = MediaWikiSite(wiki.api_url, user_agent="movibot-tests/0 (test)")
    html = site.render("Essai", "'''gras''' [[Barcamp]]\n{| class=\"wikitable\"\n| a\n|}")
    assert html.startswith('<div class="mw-parser-output">') and "<b>gras</b>" in html
    assert '<table class="wikitable">' in html and "Barcamp" in html
    assert site.requests == 1 and wiki.text("Essai") is None


def test_the_preview_of_a_live_wiki_holds_what_its_parser_makes(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({EXAMPLE: TEXT})
    config = configure(wiki, tmp_path, monkeypatch)
    out = tmp_path / "preview.html"
    code, output = cli.code_output("preview", "--config", str(config), "--title", EXAMPLE,
                                   "--out", str(out))
    assert code == 0, output
    page = out.read_text(encoding="utf-8")
    current = parsed(wiki, EXAMPLE, TEXT)
    assert current in page  # the page as it is, rendered by MediaWiki
    # as it would be: MediaWiki's table (its style kept: the bot's own rendering drops it)
    assert '<table class="wikitable movibot-infobox" style="float:right;' in page
    assert page.count('<div class="mw-parser-output">') >= 2
    assert "<td>2 500 €\n</td>" in page.replace("&#160;", " ")
    assert "11,11 €/m²/mois" in page.replace("&#160;", " ")
    assert (wiki.text(EXAMPLE) or "").rstrip() == TEXT.rstrip()  # nothing saved
