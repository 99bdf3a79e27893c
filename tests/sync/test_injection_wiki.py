"""The bot is no amplifier: lieux whose fields hold template calls, categories, comments and
movibot markers, tables, HTML, javascript: links, signatures, magic words and substitutions
(tests/reliability_hostile.py) go through a real run on the real test wiki. Then, asked through
the API (prop=categories|templates|pageprops, the links tables MediaWiki fills on save) and
action=parse:

- no page is in a category, transcludes a template or has a page property that its source text
  did not give it, apart from the plain type and région categories of the infoboxes;
- category pages hang only under their parent, transclude nothing, and their members table
  parses as one well-formed table: one row per member, six cells a row, no script, no
  javascript: link;
- the text outside the bot's blocks is byte for byte what people wrote; the pages the bot must
  not touch are untouched and reported; a second run makes no edit (MediaWiki's pre-save
  transform changed nothing the bot wrote: no signature, no substitution).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import wikiserver
from reliability_hostile import HOSTILE_PAGES, LEFT_ALONE, PARENT_CATEGORIES, PLAIN_CATEGORIES
from reliability_wiki import RunResult, all_titles, configure, run_cli

from movibot.wikitext.blocks import find_blocks, strip_blocks

CATEGORY = "Catégorie:"


def props(wiki: wikiserver.Wiki, titles: list[str]) -> dict[str, dict[str, Any]]:
    """{title: {categories, templates, pageprops}} from the links tables."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(titles), 50):
        answer = wiki.api(titles="|".join(titles[start:start + 50]),
                          prop="categories|templates|pageprops", cllimit="max", tllimit="max")
        for page in answer["query"]["pages"]:
            out[page["title"]] = {
                "categories": {c["title"].removeprefix(CATEGORY)
                               for c in page.get("categories", [])},
                "templates": {t["title"] for t in page.get("templates", [])},
                "pageprops": set(page.get("pageprops", {})),
            }
    return out


class Tables(HTMLParser):
    """The tables of a parsed page: for each, its class and its rows' cell counts; and every
    href and script seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[int]]] = []
        self.hrefs: list[str] = []
        self.scripts = 0
        self._open: list[tuple[str, list[int]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table":
            self._open.append((attributes.get("class") or "", []))
        elif tag == "tr" and self._open:
            self._open[-1][1].append(0)
        elif tag in ("td", "th") and self._open and self._open[-1][1]:
            self._open[-1][1][-1] += 1
        elif tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"] or "")
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            self.tables.append(self._open.pop())


def parsed(wiki: wikiserver.Wiki, title: str) -> Tables:
    html = wiki.api(action="parse", page=title, prop="text")["parse"]["text"]
    tables = Tables()
    tables.feed(html)
    return tables


@pytest.fixture(scope="module")
def hostile_run(wiki_template: wikiserver.Template, tmp_path_factory: pytest.TempPathFactory
                ) -> Any:
    """A wiki seeded with the hostile pages, what the API said of them before, and two runs."""
    wiki = wikiserver.Wiki.fresh(wiki_template)
    try:
        wiki.seed(HOSTILE_PAGES)
        before = props(wiki, list(HOSTILE_PAGES))
        config = configure(wiki, tmp_path_factory.mktemp("hostile"))
        first = run_cli(config, wiki.bot_password)
        titles = all_titles(wiki)
        after = props(wiki, titles)
        texts = {t: wiki.text(t) for t in titles}
        tables = {t: parsed(wiki, t) for t in titles if t.startswith(CATEGORY)}
        spam = wiki.api(list="categorymembers", cmtitle="Catégorie:Spam", cmlimit="max")
        second = run_cli(config, wiki.bot_password, "--full")
        yield {"before": before, "after": after, "texts": texts, "tables": tables,
               "first": first, "second": second,
               "spam": {m["title"] for m in spam["query"]["categorymembers"]}}
    finally:
        wiki.destroy()


def test_the_run_reports_the_pages_it_must_leave_alone(hostile_run: Any) -> None:
    first: RunResult = hostile_run["first"]
    assert first.code == 1, first.output
    statuses = first.statuses()
    assert {t: statuses[t] for t in LEFT_ALONE} == LEFT_ALONE
    assert {t: statuses[t] for t in HOSTILE_PAGES if t not in LEFT_ALONE} == dict.fromkeys(
        set(HOSTILE_PAGES) - set(LEFT_ALONE), "edited")
    for title in LEFT_ALONE:
        assert hostile_run["texts"][title] == HOSTILE_PAGES[title].rstrip()


def test_the_text_outside_the_blocks_is_what_people_wrote(hostile_run: Any) -> None:
    for title, source in HOSTILE_PAGES.items():
        text = hostile_run["texts"][title]
        human = strip_blocks(text)
        # a block inserted mid-line (after a `}}`) gets a line of its own: one "\n" more
        assert human.replace("\n", "") == source.rstrip().replace("\n", ""), title
        assert 0 <= len(human) - len(source.rstrip()) <= 1, title
        assert [p for p in find_blocks(text)[1] if p.code == "E402"] == [], title


@pytest.mark.parametrize("title", sorted(HOSTILE_PAGES))
def test_a_source_page_gains_only_its_plain_categories(hostile_run: Any, title: str) -> None:
    before, after = hostile_run["before"][title], hostile_run["after"][title]
    assert after["categories"] - before["categories"] <= PLAIN_CATEGORIES
    assert after["templates"] <= before["templates"]
    assert after["pageprops"] <= before["pageprops"]


def test_category_pages_hang_under_their_parent_and_transclude_nothing(hostile_run: Any) -> None:
    categories = {t: p for t, p in hostile_run["after"].items() if t.startswith(CATEGORY)}
    assert {t.removeprefix(CATEGORY) for t in categories} <= PLAIN_CATEGORIES | PARENT_CATEGORIES
    for title, p in categories.items():
        assert p["categories"] <= PARENT_CATEGORIES, title
        assert (p["templates"], p["pageprops"]) == (set(), set()), title


def test_no_page_reached_the_spam_category(hostile_run: Any) -> None:
    assert hostile_run["spam"] == {t for t, p in hostile_run["before"].items()
                                   if "Spam" in p["categories"]}


def test_the_members_table_is_one_well_formed_table(hostile_run: Any) -> None:
    tables: Tables = hostile_run["tables"]["Catégorie:Tiers-Lieux"]
    members = [rows for cls, rows in tables.tables if "movibot-membres" in cls]
    assert len(members) == 1, tables.tables
    (rows,) = members
    assert rows == [6] * (1 + len(HOSTILE_PAGES))  # the header and one row per lieu
    for title, t in hostile_run["tables"].items():
        assert all("movibot-membres" in cls for cls, _ in t.tables), title
        assert t.scripts == 0, title
        assert not [h for h in t.hrefs if h.lower().lstrip().startswith("javascript")], title


def test_no_signature_no_substitution_no_second_edit(hostile_run: Any) -> None:
    second: RunResult = hostile_run["second"]
    assert second.report["edits"] == 0, second.output
    assert set(second.statuses().values()) == {"unchanged", *LEFT_ALONE.values()}
    for title, text in hostile_run["texts"].items():
        assert "Utilisateur:Movibot" not in text, title


# -- a value naming a category with a role of its own -----------------------------------------

ROLE_LIEU = ("{{Tiers-Lieu\n| nom = Lieu aux rôles\n| ville = Dijon\n"
             "| type = Portails, Fiches méthodologiques, Tiers-lieux par région, coworking\n"
             "| région = Tiers-Lieux\n}}\nUn lieu qui vise les catégories du bot.\n\n"
             "== Communauté ==\n== Territoire ==\n== Processus ==\n\n[[Catégorie:Tiers-Lieux]]")


def test_a_value_naming_a_category_of_the_bot_reaches_no_other_table(
    wiki: wikiserver.Wiki, tmp_path: Any,
) -> None:
    fiche = (Path(__file__).parents[1] / "fixtures" / "site" / "Monter_une_conciergerie.wiki")
    portails = (Path(__file__).parents[2] / "fiches" / "Catégorie:Portails.wiki")
    wiki.seed({"Lieu aux rôles": ROLE_LIEU, "Monter une conciergerie": fiche.read_text(),
               "Catégorie:Portails": portails.read_text(encoding="utf-8")})
    result = run_cli(configure(wiki, tmp_path), wiki.bot_password)
    assert result.code == 0, result.output
    assert wiki.text("Catégorie:Portails").rstrip() == portails.read_text(encoding="utf-8").rstrip()
    fiches = wiki.text("Catégorie:Fiches méthodologiques")
    assert "[[Monter une conciergerie]]" in fiches and "Lieu aux rôles" not in fiches
    assert "movibot:begin membres" not in wiki.text("Catégorie:Tiers-lieux par région")
    assert "Lieu aux rôles" in wiki.text("Catégorie:Coworking")
    assert {t for t, s in result.statuses().items() if s in ("edited", "created")} >= {
        "Lieu aux rôles", "Catégorie:Coworking"}
    assert "Catégorie:Portails" not in result.statuses()
