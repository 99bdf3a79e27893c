"""Every site class satisfies the Site protocol with the values it declares; only a dump streams
every page (PageStream); TemplateData is read through the site."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from movibot.sites.base import Page, PageStream, Site, SiteInfo, TemplateDataAnswer
from movibot.sites.directory import DirectorySite
from movibot.sites.dump import DumpSite
from movibot.sites.mediawiki import MediaWikiSite

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FICHES = FIXTURES.parent.parent / "fiches"
DUMP = FIXTURES / "dumps" / "export-0.11.xml"


def folder() -> Site:
    return DirectorySite(FICHES)


def dump() -> Site:
    return DumpSite(DUMP)


def wiki() -> Site:
    return MediaWikiSite("http://wiki.example/w/api.php", user_agent="movibot-tests/0 (test)")


# (make, name, writable, live, streams every page)
SITES = [
    (folder, str(FICHES), True, False, False),
    (dump, str(DUMP), False, False, True),
    (wiki, "http://wiki.example/w/api.php", True, True, False),
]


@pytest.mark.parametrize("make, name, writable, live, streams", SITES,
                         ids=["folder", "dump", "wiki"])
def test_every_site_class_is_a_site_with_its_declared_values(make, name, writable, live,
                                                             streams) -> None:
    site = make()
    assert isinstance(site, Site)
    assert (site.name, site.writable, site.live) == (name, writable, live)
    assert site.first_letter is True
    assert site.problems == [] and site.requests == 0
    assert isinstance(site, PageStream) is streams


class Complete:
    """Every member the Site protocol declares, nothing more."""

    name = "fake"
    writable = False
    live = False
    first_letter = True
    content_language: str | None = None
    requests = 0
    problems: tuple[object, ...] = ()

    def category_pages(self, category: str) -> Iterator[Page]:
        return iter(())

    def transcluding(self, template: str) -> Iterator[Page]:
        return iter(())

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        return iter(())

    def templatedata(self, titles: Iterable[str]) -> list[TemplateDataAnswer]:
        return []

    def template_redirects(self, templates: Iterable[str]) -> dict[str, tuple[str, ...]]:
        return {}

    def changes_reach(self, timestamp: str) -> bool:
        return True

    def changed_since(self, timestamp: str, namespaces: object = None) -> list[str]:
        return []

    def now(self) -> str:
        return "2024-05-01T12:00:00Z"

    def info(self) -> SiteInfo:
        return SiteInfo("fake")

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True) -> Page:
        return page

    def render(self, title: str, text: str) -> str | None:
        return None


@pytest.mark.parametrize("member", ["first_letter", "problems", "templatedata", "live", "render",
                                    "info", "content_language", "template_redirects"])
def test_the_protocol_declares_what_callers_read_without_asking(member: str) -> None:
    assert isinstance(Complete(), Site)
    members = {k: v for k, v in vars(Complete).items() if k != member}
    assert not isinstance(type("Partial", (), members)(), Site)


def test_a_folders_unreadable_file_is_one_of_its_problems(tmp_path: Path) -> None:
    (tmp_path / "Bad.wiki").write_bytes(b"caf\xe9")
    site = DirectorySite(tmp_path)
    assert list(site.pages(["Bad"])) == [Page("Bad", "", exists=False)]
    assert [(p.code, p.path) for p in site.problems] == [("E601", str(tmp_path / "Bad.wiki"))]


def test_a_folder_and_a_dump_read_templatedata_from_the_page_text(tmp_path: Path) -> None:
    (tmp_path / "Modèle:Plain.wiki").write_text("{{{a}}}", encoding="utf-8")
    (tmp_path / "Modèle:Broken.wiki").write_text("<templatedata>{</templatedata>",
                                                  encoding="utf-8")
    (tmp_path / "Modèle:Good.wiki").write_text(
        '<!-- <templatedata>{"x": 1}</templatedata> -->'
        '<templatedata>{"params": {"a": {}}}</templatedata>', encoding="utf-8")
    titles = ["Modèle:Good", "Modèle:Plain", "Modèle:Broken", "Modèle:Absent"]
    answers = DirectorySite(tmp_path).templatedata(titles)
    assert [(a.title, a.data) for a in answers] == [
        ("Modèle:Good", {"params": {"a": {}}}), ("Modèle:Plain", None),
        ("Modèle:Broken", None), ("Modèle:Absent", None)]
    assert [a.error for a in answers] == [
        None, "no <templatedata> tag",
        "the <templatedata> JSON is broken: Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1)", f"no such page on {tmp_path}"]


@pytest.mark.parametrize("make", [folder, dump], ids=["folder", "dump"])
def test_a_folder_or_a_dump_has_no_parser_to_render_with(make) -> None:
    assert make().render("Barcamp", "{| class=\"wikitable\"\n| a\n|}") is None
