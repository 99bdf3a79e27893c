"""Calls of a template through the wiki's redirects to it are read as the template; a schema's
alias without its redirect is not (issue 23 item 1). A live wiki tells the redirects with the
run's first batch (no request more), a folder by its template redirect files, a dump by its
template pages' `<redirect>`; a folder without any keeps reading the schemas' aliases."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from commandline import Cli

from movibot.sites.directory import DirectorySite
from movibot.sites.dump import DumpSite
from movibot.sites.mediawiki import MediaWikiSite
from movibot.wikitext.tree import redirect_target

BODY = ("| nom = {name}\n| ville = Lyon\n}}}}\n== Communauté ==\nx\n== Territoire ==\ny\n"
        "== Processus ==\nz\n")
CATEGORY = "[[Catégorie:Tiers-Lieux]]\n"
PAGES = {
    "Modèle:Tiers-Lieu": "<noinclude>Modèle.</noinclude>",
    "Modèle:Lieu partagé": "#REDIRECTION [[Modèle:Tiers-Lieu]]",  # not a schema alias
    "Par redirection": "{{Lieu partagé\n" + BODY.format(name="Par redirection") + CATEGORY,
    "Hors catégorie": "{{lieu_partagé\n" + BODY.format(name="Hors catégorie"),
    "Par alias": "{{Tiers Lieu\n" + BODY.format(name="Par alias") + CATEGORY,
}


def page(report: dict[str, Any], title: str) -> dict[str, Any]:
    return next(p for p in report["pages"] if p["title"] == title)


def codes(report: dict[str, Any], title: str) -> list[str]:
    return [p["code"] for p in page(report, title)["problems"]]


def config_for(tmp_path: Path) -> Path:
    config = tmp_path / "movibot.yaml"
    config.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 's.json'}\n", encoding="utf-8")
    return config


def folder_of(tmp_path: Path, pages: dict[str, str]) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    for title, text in pages.items():
        (folder / (title.replace(" ", "_") + ".wiki")).write_text(text, encoding="utf-8")
    return folder


def dump_of(path: Path, pages: dict[str, str]) -> Path:
    """An export as MediaWiki writes it: a redirect page has its `<redirect title=…/>`."""
    body = []
    for i, (title, text) in enumerate(pages.items(), start=1):
        target = redirect_target(text)
        redirect = f'<redirect title="{html.escape(target)}" />' if target else ""
        body.append(f"<page><title>{html.escape(title)}</title>"
                    f"<ns>{10 if title.startswith('Modèle:') else 0}</ns><id>{i}</id>{redirect}"
                    f"<revision><id>{i + 100}</id><timestamp>2024-01-01T00:00:00Z</timestamp>"
                    f'<text xml:space="preserve">{html.escape(text)}</text></revision></page>')
    path.write_text('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
                    f'version="0.11">{"".join(body)}</mediawiki>', encoding="utf-8")
    return path


def assert_read_through_redirects(report: dict[str, Any]) -> None:
    """The call through the redirect is the template's (in the category, and outside it:
    E301); the alias without a redirect is not read (E108 and W205 at its call)."""
    assert (page(report, "Par redirection")["status"], codes(report, "Par redirection")) == (
        "edited", [])
    assert codes(report, "Hors catégorie") == ["E301"]
    assert codes(report, "Par alias") == ["E108", "W205"]
    assert page(report, "Par alias")["problems"][1]["message"] == (
        "{{Tiers Lieu}} is not read as {{Tiers-Lieu}}: MediaWiki calls another page "
        "(Modèle:Tiers Lieu); did you mean {{Tiers-Lieu}}?")


def test_a_folder_with_template_redirect_files_reads_calls_through_them(
        cli: Cli, tmp_path: Path) -> None:
    folder = folder_of(tmp_path, PAGES)
    assert DirectorySite(folder).template_redirects(["Tiers-Lieu", "Fiche"]) == {
        "Tiers-Lieu": ("Lieu partagé",)}  # no Modèle:Fiche file: its aliases stand
    code, _, report = cli.run(str(folder), config_for(tmp_path))
    assert_read_through_redirects(report)
    assert "<!-- movibot:begin infobox" in (folder / "Par_redirection.wiki").read_text(
        encoding="utf-8")


def test_a_folder_without_template_redirects_reads_the_schemas_aliases(
        cli: Cli, tmp_path: Path) -> None:
    pages = {t: x for t, x in PAGES.items() if t != "Modèle:Lieu partagé"}
    folder = folder_of(tmp_path, pages)
    assert DirectorySite(folder).template_redirects(["Tiers-Lieu"]) == {}
    _, _, report = cli.run(str(folder), config_for(tmp_path))
    assert (page(report, "Par alias")["status"], codes(report, "Par alias")) == ("edited", [])


def test_a_dump_reads_calls_through_its_template_redirects(cli: Cli, tmp_path: Path) -> None:
    dump = dump_of(tmp_path / "dump.xml", PAGES)
    assert DumpSite(dump).template_redirects(["Tiers-Lieu", "Fiche", "tiers-Lieu"]) == {
        "Tiers-Lieu": ("Lieu partagé",), "tiers-Lieu": ("Lieu partagé",)}
    out = tmp_path / "out"
    code, _, _ = cli.run(f"dump:{dump}", config_for(tmp_path), "--out", str(out))
    assert_read_through_redirects(json.loads((out / "report.json").read_text(encoding="utf-8")))
    assert "<!-- movibot:begin infobox" in (out / "Par_redirection.wiki").read_text(
        encoding="utf-8")


def test_a_dump_without_the_template_page_cannot_tell(tmp_path: Path) -> None:
    dump = dump_of(tmp_path / "dump.xml", {"Par alias": PAGES["Par alias"]})
    assert DumpSite(dump).template_redirects(["Tiers-Lieu"]) == {}


def test_a_wiki_tells_the_redirects_of_the_template_pages_it_read(wiki: Any) -> None:
    wiki.seed({k: v for k, v in PAGES.items() if k.startswith("Modèle:")})
    wiki.run_maintenance("refreshLinks")
    site = MediaWikiSite(wiki.api_url, user_agent="movibot-tests/0 (test)")
    list(site.pages(["Utilisateur:Movibot/Stop", "Modèle:Tiers-Lieu", "Modèle:Fiche"]))
    before = site.requests
    assert site.template_redirects(["Tiers-Lieu", "Fiche"]) == {
        "Tiers-Lieu": ("Lieu partagé",), "Fiche": ()}
    assert site.requests == before  # told by the batch already read
    fresh = MediaWikiSite(wiki.api_url, user_agent="movibot-tests/0 (test)")
    assert fresh.template_redirects(["Tiers-Lieu"]) == {"Tiers-Lieu": ("Lieu partagé",)}
    assert fresh.requests == 1


def test_the_live_run_reads_calls_through_the_wikis_redirects(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_run_wiki import configure

    wiki.seed(PAGES)
    wiki.run_maintenance("refreshLinks")  # the template links of the imported pages
    code, _, report = cli.run(None, configure(wiki, tmp_path, monkeypatch))
    assert_read_through_redirects(report)  # "Hors catégorie": found by embeddedin
    assert "<!-- movibot:begin infobox" in wiki.text("Par redirection")


def test_export_and_push_read_calls_through_the_wikis_redirects(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_run_wiki import configure

    wiki.seed(PAGES)
    wiki.run_maintenance("refreshLinks")
    config = configure(wiki, tmp_path, monkeypatch)
    out = tmp_path / "out.jsonl"
    code, output = cli.code_output("--config", str(config), "export", "--to", str(out))
    assert code == 0, output
    rows = {row["title"]: row for row in map(json.loads, out.read_text(
        encoding="utf-8").splitlines())}
    assert rows["Par redirection"]["valid"] and rows["Par redirection"]["fields"]["nom"] == (
        "Par redirection")
    local = tmp_path / "local"
    local.mkdir()
    (local / "Nouveau_lieu.wiki").write_text("{{Lieu partagé\n" + BODY.format(
        name="Nouveau lieu") + CATEGORY, encoding="utf-8")
    code, output = cli.code_output("--config", str(config), "push", "--new", str(local))
    assert code == 0, output
    assert "<!-- movibot:begin infobox" in (wiki.text("Nouveau lieu") or "")


def test_parse_of_a_dump_reads_calls_through_its_template_redirects(
        cli: Cli, tmp_path: Path) -> None:
    dump = dump_of(tmp_path / "dump.xml", PAGES)
    code, output = cli.code_output("parse", "--format", "json", str(dump))
    records = {r["title"]: r for r in json.loads(output)}
    assert records["Par redirection"]["fields"]["nom"] == "Par redirection"
    assert "Par alias" not in records or records["Par alias"]["fields"] == {}
