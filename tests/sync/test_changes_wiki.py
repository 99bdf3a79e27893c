"""The incremental run sees every change on a real MediaWiki: when the wiki has forgotten the
recent changes since the last run, and in every namespace the sources' pages live in."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from commandline import Cli
from test_run_wiki import configure


def lieu(name: str, infra: str) -> str:
    return (f"{{{{Tiers-Lieu\n| nom = {name}\n| ville = Lyon\n| surface totale = 300 m²\n"
            f"| coût infrastructure = {infra}\n| coût services = 800 €\n}}}}\n"
            "== Communauté ==\nx\n== Territoire ==\ny\n== Processus ==\nz\n"
            "[[Catégorie:Tiers-Lieux]]\n")


def database(wiki: Any) -> Path:
    return next(p for p in (wiki.dir / "data").glob("*.sqlite")
                if not p.name.startswith(("wikicache", "l10n", "jobqueue")))


def test_when_the_recent_changes_no_longer_reach_the_last_run_every_page_is_read(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({"Lieu Est": lieu("Lieu Est", "1 700 €"), "Lieu Ouest": lieu("Lieu Ouest", "900 €")})
    config = configure(wiki, tmp_path, monkeypatch)
    assert cli.run(None, config)[0] == 0
    wiki.edit_as_human("Lieu Est", wiki.text("Lieu Est").replace("1 700 €", "2 000 €"))
    last = wiki.edit_as_human("Lieu Ouest",
                              wiki.text("Lieu Ouest").replace("x\n", "Des gens.\n"))
    with sqlite3.connect(database(wiki)) as db:  # the wiki forgot everything but the last edit
        db.execute("DELETE FROM recentchanges WHERE rc_this_oldid != ?", (last,))
    code, output, report = cli.run(None, config)
    assert code == 0, output
    assert report["full"] is True and report["notes"] == [
        "the wiki's recent changes no longer reach back to the last run "
        f"({report['notes'][0].split('(')[1].split(')')[0]}): every page was read"]
    assert "| 2\u00a0800\u00a0€" in wiki.text("Lieu Est")  # the forgotten change is seen
    with sqlite3.connect(database(wiki)) as db:  # the window reaches back again (days pass)
        db.execute("UPDATE recentchanges SET rc_timestamp = '20261101000000'")
    code, _, report = cli.run(None, config)
    assert (code, report["full"], report["notes"], report["edits"]) == (0, False, [], 0)


def test_lieux_in_a_custom_content_namespace_are_refreshed_by_incremental_runs(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with wiki.settings_path.open("a", encoding="utf-8") as settings:
        settings.write('\n$wgExtraNamespaces[3000] = "Lieu";\n$wgExtraNamespaces[3001] = '
                       '"Discussion_Lieu";\n$wgContentNamespaces[] = 3000;\n')
    wiki.seed({"Lieu:Atelier Sud": lieu("Atelier Sud", "1 700 €")})
    assert wiki.api(titles="Lieu:Atelier Sud")["query"]["pages"][0]["ns"] == 3000
    config = configure(wiki, tmp_path, monkeypatch)
    assert cli.run(None, config)[0] == 0
    assert "| 2\u00a0500\u00a0€" in wiki.text("Lieu:Atelier Sud")
    wiki.edit_as_human("Lieu:Atelier Sud",
                       wiki.text("Lieu:Atelier Sud").replace("1 700 €", "2 000 €"))
    code, output, report = cli.run(None, config)
    assert code == 0 and report["full"] is False, output
    assert "| 2\u00a0800\u00a0€" in wiki.text("Lieu:Atelier Sud")


def test_pages_categorised_by_their_template_are_members(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    by_template = lieu("Par Modèle", "1 700 €").replace("[[Catégorie:Tiers-Lieux]]\n", "")
    wiki.seed({"Modèle:Tiers-Lieu": "<includeonly>[[Catégorie:Tiers-Lieux]]</includeonly>",
               "Par Modèle": by_template})
    wiki.run_maintenance("runJobs", "--quiet")  # the category links of the imported page
    config = configure(wiki, tmp_path, monkeypatch)
    code, output, report = cli.run(None, config)
    assert code == 0, output
    assert "| 2\u00a0500\u00a0€" in wiki.text("Par Modèle")
    assert "[[Par Modèle]]" in wiki.text("Catégorie:Tiers-Lieux")
    wiki.edit_as_human("Par Modèle", wiki.text("Par Modèle").replace("1 700 €", "2 000 €"))
    code, _, report = cli.run(None,
                              config)  # incremental: still a member, from the wiki's own links
    assert code == 0 and "| 2\u00a0800\u00a0€" in wiki.text("Par Modèle")
    assert "[[Par Modèle]]" in wiki.text("Catégorie:Tiers-Lieux")


def test_a_category_differing_beyond_the_first_letter_is_another_category(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = lieu("Autre", "1 700 €").replace("Tiers-Lieux]]", "Tiers-lieux]]")
    wiki.seed({"Vrai Lieu": lieu("Vrai Lieu", "1 700 €"), "Autre": other})
    config = configure(wiki, tmp_path, monkeypatch)
    texts = []
    for args in ((), ("--full",), ()):  # first, full and incremental runs agree: no flapping
        code, _, report = cli.run(None, config, *args)
        assert code == 0
        assert "Autre" not in wiki.text("Catégorie:Tiers-Lieux")  # never a member
        texts.append(wiki.text("Autre"))
    assert texts[0] == texts[1] == texts[2]
    wiki.edit_as_human("Autre", wiki.text("Autre") + "\nUne ligne.")
    code, _, report = cli.run(None,
                              config)  # incremental: read, processed as a page calling the template
    autre = next(p for p in report["pages"] if p["title"] == "Autre")
    assert [p["code"] for p in autre["problems"]] == ["E301"]  # not in Catégorie:Tiers-Lieux
    assert "Autre" not in wiki.text("Catégorie:Tiers-Lieux")


def test_incremental_runs_end_as_full_runs_over_the_same_changes(
        cli: Cli, wiki: Any, wiki_template: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import wikiserver

    twin = wikiserver.Wiki.fresh(wiki_template)
    try:
        start = {"Lieu A": lieu("Lieu A", "1 700 €"), "Lieu B": lieu("Lieu B", "900 €"),
                 "Lieu C": lieu("Lieu C", "1 200 €")}
        steps = [
            lambda w: w.edit_as_human("Lieu A", w.text("Lieu A").replace("1 700 €", "2 000 €")),
            lambda w: w.edit_as_human("Lieu D", lieu("Lieu D", "500 €")),          # created
            lambda w: w.edit_as_human("Lieu B", w.text("Lieu B").replace(          # leaves
                "[[Catégorie:Tiers-Lieux]]", "")),
            lambda w: w.delete("Lieu C"),                                           # deleted
            lambda w: w.edit_as_human("Lieu D", w.text("Lieu D").replace("500 €", "600 €")),
        ]
        configs = {}
        for name, w in (("incremental", wiki), ("full", twin)):
            w.seed(start)
            (tmp_path / name).mkdir()
            configs[name] = configure(w, tmp_path / name, monkeypatch)
            assert cli.run(None, configs[name])[0] == 0
        for step in steps:
            for name, w in (("incremental", wiki), ("full", twin)):
                step(w)
                args = ("--full",) if name == "full" else ()
                code, output, _ = cli.run(None, configs[name], *args)
                assert code == 0, output
            titles = ["Lieu A", "Lieu B", "Lieu C", "Lieu D", "Catégorie:Tiers-Lieux"]
            assert {t: wiki.text(t) for t in titles} == {t: twin.text(t) for t in titles}
        members = wiki.text("Catégorie:Tiers-Lieux")
        assert "[[Lieu D]]" in members and "Lieu B" not in members and "Lieu C" not in members
    finally:
        twin.destroy()


def test_on_a_case_sensitive_wiki_the_first_letter_is_not_folded_either(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with wiki.settings_path.open("a", encoding="utf-8") as settings:
        settings.write("\n$wgCapitalLinks = false;\n")
    other = lieu("Petit", "1 700 €").replace("[[Catégorie:Tiers-Lieux]]",
                                             "[[Catégorie:tiers-Lieux]]")
    wiki.seed({"Grand": lieu("Grand", "1 700 €"), "Petit": other})
    general = wiki.api(meta="siteinfo")["query"]["general"]
    assert general["case"] == "case-sensitive"
    code, output, report = cli.run(None, configure(wiki, tmp_path, monkeypatch))
    assert code == 0, output
    members = wiki.text("Catégorie:Tiers-Lieux")
    assert "[[Grand]]" in members and "Petit" not in members  # another category there
    petit = next(p for p in report["pages"] if p["title"] == "Petit")
    assert [p["code"] for p in petit["problems"]] == ["E301"]  # found by its template only


def wiki_now(wiki: Any) -> str:
    return str(wiki.api(action="query", curtimestamp=1)["curtimestamp"])


def set_last_run(config: Path, last_run: str) -> Path:
    state = config.with_suffix(".state.json")
    doc = json.loads(state.read_text(encoding="utf-8"))
    (entry,) = doc["sites"].values()
    entry["last_run"] = last_run
    state.write_text(json.dumps(doc), encoding="utf-8")
    return state


def test_a_last_run_later_than_the_wiki_s_clock_is_not_trusted(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({"Lieu Est": lieu("Lieu Est", "1 700 €")})
    config = configure(wiki, tmp_path, monkeypatch)
    assert cli.run(None, config)[0] == 0
    wiki.edit_as_human("Lieu Est", wiki.text("Lieu Est").replace("1 700 €", "2 000 €"))
    ahead = (datetime.strptime(wiki_now(wiki), "%Y-%m-%dT%H:%M:%SZ") + timedelta(days=1)
             ).strftime("%Y-%m-%dT%H:%M:%SZ")  # a state from a wiki whose clock was ahead
    state = set_last_run(config, ahead)
    code, output, report = cli.run(None, config)
    assert (code, report["full"]) == (0, True), output
    assert report["notes"] == [f"the last run in the state ({ahead}) is later than the site's "
                               f"clock ({report['started']}): every page was read"]
    assert "| 2\u00a0800\u00a0€" in wiki.text("Lieu Est")  # the human edit is picked up
    (entry,) = json.loads(state.read_text(encoding="utf-8"))["sites"].values()
    assert entry["last_run"] == report["started"] < ahead  # the wiki's time is stored
    code, _, report = cli.run(None, config)
    assert (code, report["full"], report["notes"], report["edits"]) == (0, False, [], 0)


def test_a_state_file_of_movibot_0_1_0_on_a_wiki_runs_with_no_spurious_edit(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_run_wiki import PAGES

    wiki.seed(PAGES)  # the wiki as movibot 0.1.0 found it (tests/fixtures/state/README.md)
    config = configure(wiki, tmp_path, monkeypatch)
    assert cli.run(None, config)[0] == 0  # … and left it
    v1 = (Path(__file__).parents[1] / "fixtures" / "state" / "wiki-0.1.0.json").read_text(
        encoding="utf-8")
    state = config.with_suffix(".state.json")
    state.write_text(v1.replace("http://127.0.0.1:51641/api.php", wiki.api_url).replace(
        '"2026-12-07T14:25:55Z"', f'"{wiki_now(wiki)}"'), encoding="utf-8")
    assert json.loads(state.read_text(encoding="utf-8"))["version"] == 1
    before = {t: wiki.text(t) for t in (*PAGES, "Catégorie:Tiers-Lieux")}
    code, output, report = cli.run(None, config)
    assert (code, report["full"], report["notes"], report["edits"]) == (0, False, [], 0), output
    assert {t: wiki.text(t) for t in before} == before
    wiki.edit_as_human("Le Lieu Test", wiki.text("Le Lieu Test").replace("1 700 €", "2 000 €"))
    code, output, report = cli.run(None, config)
    assert code == 0, output
    assert {p["title"] for p in report["pages"] if p["status"] == "edited"} == {
        "Le Lieu Test", "Catégorie:Tiers-Lieux", "Catégorie:Coworking", "Catégorie:Fablab",
        "Catégorie:Auvergne-Rhône-Alpes"}  # the page and the tables listing its cost
    members = wiki.text("Catégorie:Tiers-Lieux")  # the other rows, from the 0.1.0 state, kept
    assert "[[La Petite Fabrique]]" in members and "2\u00a0800\u00a0€" in members
