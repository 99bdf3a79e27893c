"""The scheduled run and contributors' sync end to end against a real MediaWiki."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import wikiserver
from commandline import Cli
from reliability_wiki import bot_changes

SITE = Path(__file__).parents[1] / "fixtures" / "site"
PAGES = {f.stem.replace("_", " "): f.read_text(encoding="utf-8") for f in SITE.glob("*.wiki")}


def configure(wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> Path:
    monkeypatch.setenv("MOVIBOT_PASSWORD", wiki.bot_password)
    config = tmp_path / f"movibot-{wiki.api_url.split(':')[-1].split('/')[0]}.yaml"
    lines = [f"site: {wiki.api_url}", f"username: {wiki.bot_user}", "put_throttle: 0",
             f"state_file: {config.with_suffix('.state.json')}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {p["title"]: p["status"] for p in report["pages"]}


@pytest.fixture
def seeded(wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Path]:
    wiki.seed(PAGES)
    return wiki, configure(wiki, tmp_path, monkeypatch)


def test_first_run_writes_blocks_and_creates_category_pages(
                                                            cli: Cli,
                                                            seeded: tuple[Any, Path]) -> None:
    wiki, config = seeded
    code, output, report = cli.run(None, config)
    assert code == 0, output
    assert "<!-- movibot:begin infobox sha1=" in wiki.text("Le Lieu Test")
    assert "| 2\u00a0500\u00a0€" in wiki.text("Le Lieu Test")
    members = wiki.text("Catégorie:Tiers-Lieux")
    assert "[[Le Lieu Test]]" in members and "[[La Petite Fabrique]]" in members
    assert "[[Portail:Les Tiers Lieux]]" in members
    assert wiki.text("Catégorie:Coworking") is not None
    assert report["counts"]["edited"] == 3
    assert report["counts"]["created"] >= 6


def test_edits_are_flagged_bot_with_a_french_summary(cli: Cli, seeded: tuple[Any, Path]) -> None:
    wiki, config = seeded
    cli.run(None, config)
    changes = wiki.api(action="query", list="recentchanges", rcprop="title|comment|flags|user",
                       rclimit=50)["query"]["recentchanges"]
    mine = [c for c in changes if c["title"] == "Le Lieu Test"]
    assert mine and mine[0]["bot"] is True
    assert mine[0]["comment"].startswith("movibot ") and "mise à jour de l'infobox" in mine[0][
        "comment"]


def test_second_run_makes_no_edit(cli: Cli, seeded: tuple[Any, Path]) -> None:
    wiki, config = seeded
    cli.run(None, config)
    code, _, report = cli.run(None, config)
    assert code == 0
    assert report["edits"] == 0
    code, _, report = cli.run(None, config, "--full")
    assert code == 0
    assert report["edits"] == 0


REPORT_PAGE = "Utilisateur:Movibot/Rapport"


def test_a_quiet_night_after_an_active_one_makes_no_edit_and_every_count_is_recent_changes(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({**PAGES, "Mauvais": "{{Tiers-Lieu\n| ville = Lyon\n}}\n[[Catégorie:Tiers-Lieux]]"})
    config = configure(wiki, tmp_path, monkeypatch, report_page=REPORT_PAGE)
    # active: the pages, the categories, the report page
    code, output, report = cli.run(None, config)
    assert code == 1, output  # Mauvais is invalid
    assert report["edits"] == bot_changes(wiki) and statuses(report)[REPORT_PAGE] == "created"
    assert f"made {bot_changes(wiki)} edits" in output
    page = wiki.text(REPORT_PAGE)
    assert "* [[:Mauvais]] : invalides (E101" in (page or "")
    wiki.edit_as_human("Le Lieu Test", (wiki.text("Le Lieu Test") or "").replace(
        "Un lieu de test.", "Un lieu vivant."))  # read again, nothing for the bot to do
    for _ in range(2):  # quiet nights: 0 edits on the wiki, the report page included
        made = bot_changes(wiki)
        code, output, report = cli.run(None, config)
        assert (report["edits"], bot_changes(wiki) - made) == (0, 0), output
        assert "made 0 edits" in output and wiki.text(REPORT_PAGE) == page
    text = wiki.text("La Petite Fabrique") or ""  # a person edits inside the bot's block
    wiki.edit_as_human("La Petite Fabrique", text.replace("| Lyon", "| Pau", 1))
    made = bot_changes(wiki)
    code, output, report = cli.run(None, config)
    assert (report["edits"], bot_changes(wiki) - made) == (1, 1), output  # the report page
    assert "* [[:La Petite Fabrique]] : bloc modifié à la main" in (wiki.text(REPORT_PAGE) or "")


ENGLISH_OPERATOR = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_GB.UTF-8"}


def test_the_report_page_speaks_the_wiki_s_french_to_an_english_operator(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({**PAGES, "Mauvais": "{{Tiers-Lieu\n| ville = Lyon\n}}\n[[Catégorie:Tiers-Lieux]]"})
    config = configure(wiki, tmp_path, monkeypatch, report_page=REPORT_PAGE)
    code, output, _ = cli.run(None, config, env=ENGLISH_OPERATOR)
    assert code == 1
    assert 'Mauvais: invalid: ' in output and 'missing required field "nom"' in output
    text = wiki.text("La Petite Fabrique") or ""  # a person edits inside the bot's block
    wiki.edit_as_human("La Petite Fabrique", text.replace("| Lyon", "| Pau", 1))
    code, output, _ = cli.run(None, config, env=ENGLISH_OPERATOR)
    assert code == 1 and "block 'infobox' at line" in output and "edited by hand" in output
    page = wiki.text(REPORT_PAGE) or ""
    listed = page.split("Pages à regarder :\n", 1)[1].splitlines()
    assert re.fullmatch(
        r"\* \[\[:La Petite Fabrique\]\] : bloc modifié à la main \(le bloc 'infobox' à la "
        r"ligne \d+ a été modifié à la main \(marqueur sha1=[0-9a-f]+, empreinte du "
        r"contenu : [0-9a-f]+\)\)", listed[0]), listed[0]
    assert listed[1] == "* [[:Mauvais]] : invalides (E101 champ obligatoire « nom » manquant)"
    comments = {c["comment"] for c in wiki.api(action="query", list="usercontribs",
                                                ucuser="Movibot", uclimit=50)["query"][
                                                    "usercontribs"]}
    assert "movibot 0.1.0 : rapport du passage" in comments


def test_human_edit_outside_the_block_survives(cli: Cli, seeded: tuple[Any, Path]) -> None:
    wiki, config = seeded
    cli.run(None, config)
    text = wiki.text("Le Lieu Test").replace("Un lieu de test.", "Un lieu vivant.")
    wiki.edit_as_human("Le Lieu Test", text.replace("surface totale = 300 m²",
                                                    "surface totale = 400 m²"))
    code, _, report = cli.run(None, config)
    assert code == 0
    after = wiki.text("Le Lieu Test")
    assert "Un lieu vivant." in after
    assert "| 400\u00a0m²" in after
    assert statuses(report)["Le Lieu Test"] == "edited"


def test_human_edit_inside_the_block_is_reported_not_overwritten(cli: Cli, seeded: tuple[Any, Path]
                                                                ) -> None:
    wiki, config = seeded
    cli.run(None, config)
    edited = wiki.text("Le Lieu Test").replace("! Ville", "! Commune")
    wiki.edit_as_human("Le Lieu Test", edited)
    code, _, report = cli.run(None, config)
    assert code == 1
    assert statuses(report)["Le Lieu Test"] == "block-edited"
    assert wiki.text("Le Lieu Test") == edited


@pytest.mark.parametrize("marker", ["{{nobots}}", "{{bots|deny=Movibot}}"])
def test_excluded_pages_are_untouched(cli: Cli, wiki: Any, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    pages = dict(PAGES)
    pages["La Petite Fabrique"] = marker + "\n" + pages["La Petite Fabrique"]
    wiki.seed(pages)
    code, _, report = cli.run(None, configure(wiki, tmp_path, monkeypatch))
    assert code == 0
    assert wiki.text("La Petite Fabrique") == pages["La Petite Fabrique"]
    assert statuses(report)["La Petite Fabrique"] == "skipped-nobots"


def test_stop_page_halts_with_exit_3_and_no_edit(cli: Cli, seeded: tuple[Any, Path]) -> None:
    wiki, config = seeded
    wiki.seed({"Utilisateur:Movibot/Stop": "Arrêt demandé par ~~~~"})
    code, output, report = cli.run(None, config)
    assert code == 3
    assert report["stopped"] is True and report["edits"] == 0
    assert "<!-- movibot" not in wiki.text("Le Lieu Test")
    assert wiki.text("Catégorie:Tiers-Lieux") is None


def test_run_killed_midway_then_rerun_equals_an_uninterrupted_run(
    cli: Cli, seeded: tuple[Any, Path], wiki_template: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wiki, config = seeded
    reference = wikiserver.Wiki.fresh(wiki_template)
    try:
        reference.seed(PAGES)
        ref_config = configure(reference, tmp_path, monkeypatch)
        cli.run(None, ref_config)
        monkeypatch.setenv("MOVIBOT_PASSWORD", wiki.bot_password)
        from movibot.sites.mediawiki import MediaWikiSite

        real_save = MediaWikiSite.save
        calls = {"n": 0}

        def dying_save(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt
            return real_save(self, *args, **kwargs)

        monkeypatch.setattr(MediaWikiSite, "save", dying_save)
        cli.run(None, config)
        monkeypatch.setattr(MediaWikiSite, "save", real_save)
        code, _, _ = cli.run(None, config)
        assert code == 0
        titles = list(PAGES) + ["Catégorie:Tiers-Lieux", "Catégorie:Coworking",
                                "Catégorie:Fiches méthodologiques", "Catégorie:Fablab"]
        assert {t: wiki.text(t) for t in titles} == {t: reference.text(t) for t in titles}
    finally:
        reference.destroy()


def test_pull_edit_push_round_trips(cli: Cli, seeded: tuple[Any, Path], tmp_path: Path) -> None:
    wiki, config = seeded
    local = tmp_path / "local"
    result = cli("pull", "--config", str(config), "--dest", str(local))
    assert result.exit_code == 0, result.output
    page = local / "Monter_une_conciergerie.wiki"
    assert page.read_text(encoding="utf-8") == PAGES["Monter une conciergerie"]
    page.write_text(page.read_text(encoding="utf-8").replace("== Public ==",
                                                             "== Public ==\nTout le monde."),
                    encoding="utf-8")
    result = cli("push", "--config", str(config), str(page))
    assert result.exit_code == 0, result.output
    assert wiki.text("Monter une conciergerie") == page.read_text(encoding="utf-8").rstrip()
    result = cli("diff", "--config", str(config), str(page))
    assert (result.exit_code, result.output) == (0, "")


def test_push_refuses_when_the_page_changed_and_the_changes_overlap(cli: Cli,
    seeded: tuple[Any, Path], tmp_path: Path
) -> None:
    wiki, config = seeded
    local = tmp_path / "local"
    cli("pull", "--config", str(config), "--dest", str(local))
    theirs = PAGES["Monter une conciergerie"].replace("== Public ==", "== Public ==\nLes élus.")
    wiki.edit_as_human("Monter une conciergerie", theirs)
    page = local / "Monter_une_conciergerie.wiki"
    page.write_text(PAGES["Monter une conciergerie"].replace("== Public ==",
                                                             "== Public ==\nTout le monde."),
                    encoding="utf-8")
    result = cli("push", "--config", str(config), str(page))
    assert result.exit_code == 1
    assert "conflict: the page changed on the wiki since the pull" in result.output
    assert wiki.text("Monter une conciergerie") == theirs.rstrip()
