"""The contributors' round trip on a real MediaWiki: pull never loses local work, push goes
through the bot's rails (stop page, throttle, plan, no bot flag) and hides nothing from runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from commandline import Cli
from test_run_wiki import PAGES, configure

FICHE = "Monter une conciergerie"
FILE = "Monter_une_conciergerie.wiki"
LIEU = "Le Lieu Test"


@pytest.fixture
def pulled(cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> tuple[Any, Path, Path]:
    """A wiki after one bot run, its pages pulled into tmp_path/local."""
    wiki.seed(PAGES)
    config = configure(wiki, tmp_path, monkeypatch)
    assert cli.run(None, config)[0] == 0
    local = tmp_path / "local"
    code, output = cli.code_output("--config", str(config), "pull", "--dest", str(local))
    assert code == 0, output
    return wiki, config, local


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path.read_text(encoding="utf-8")


# --- pull over local work ------------------------------------------------------------------------


def test_pull_merges_a_local_change_with_the_wikis_new_text(cli: Cli, pulled: tuple[Any, Path, Path]
                                                            ) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    theirs = wiki.text(FICHE).replace("== Déroulé ==", "== Déroulé ==\nEn 3 temps.")
    wiki.edit_as_human(FICHE, theirs)
    code, output = cli.code_output("--config", str(config), "pull", "--dest", str(local))
    text = (local / FILE).read_text(encoding="utf-8")
    assert code == 0 and f"{FILE}: merged" in output
    assert "Tout le monde." in text and "En 3 temps." in text


def test_pull_marks_overlapping_changes_and_keeps_both(
                                                       cli: Cli,
                                                       pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    wiki.edit_as_human(FICHE, wiki.text(FICHE).replace("== Public ==", "== Public ==\nLes élus."))
    code, output = cli.code_output("--config", str(config), "pull", "--dest", str(local))
    text = (local / FILE).read_text(encoding="utf-8")
    assert code == 1 and f"{FILE}: conflict: changed both locally and on the wiki" in output
    assert "<<<<<<< local\nTout le monde.\n=======\nLes élus.\n>>>>>>> wiki\n" in text
    assert "movibot pull" not in output.split("conflict", 1)[1].replace("then movibot push", "")
    # the conflict is resolved by hand, then pushed: both lines reach the wiki
    (local / FILE).write_text(text.replace("<<<<<<< local\n", "").replace("=======\n", "")
                              .replace(">>>>>>> wiki\n", ""), encoding="utf-8")
    code, output = cli.code_output("--config", str(config), "push", str(local / FILE))
    assert code == 0, output
    assert "Tout le monde.\nLes élus." in wiki.text(FICHE)


def test_pull_keep_local_leaves_the_file_as_it_is(cli: Cli, pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    mine = edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    wiki.edit_as_human(FICHE, wiki.text(FICHE) + "\nAjout.")
    code, output = cli.code_output("--config", str(config), "pull", "--keep-local", "--dest",
                                   str(local))
    assert (code, (local / FILE).read_text(encoding="utf-8")) == (0, mine)
    assert f"{FILE}: kept-local" in output


def test_pull_force_overwrites_local_changes(cli: Cli, pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    code, output = cli.code_output("--config", str(config), "pull", "--force", "--dest", str(local))
    assert code == 0 and "local changes overwritten (--force)" in output
    assert (local / FILE).read_text(encoding="utf-8").rstrip() == wiki.text(FICHE)


# --- push through the bot's rails ----------------------------------------------------------------


def test_push_with_the_stop_page_set_makes_no_edit(
                                                   cli: Cli,
                                                   pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    before = wiki.text(FICHE)
    wiki.edit_as_human("Utilisateur:Movibot/Stop", "stop")
    code, output = cli.code_output("--config", str(config), "push", str(local / FILE))
    assert code == 3 and "halted: the stop page asks the bot to halt" in output
    assert wiki.text(FICHE) == before


def test_push_is_throttled_like_the_run(cli: Cli, pulled: tuple[Any, Path, Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    wiki, _, local = pulled
    config = configure(wiki, tmp_path, monkeypatch, put_throttle=4)
    config.with_suffix(".state.json").write_text(
        (tmp_path / next(p.name for p in tmp_path.glob("*.state.json"))).read_text())
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    edit(local / "Le_Lieu_Test.wiki", "Un lieu de test.", "Un lieu de test, modifié.")
    code, output = cli.code_output("--config", str(config), "push", str(local))
    assert code == 0, output
    assert [s for s in slept if s == 4] == [4]  # one pause between the two edits


def test_push_max_edits_stops_after_n_and_reports_the_rest(cli: Cli, pulled: tuple[Any, Path, Path]
                                                           ) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    edit(local / "Le_Lieu_Test.wiki", "Un lieu de test.", "Un lieu de test, modifié.")
    report = local.parent / "push.json"
    code, _ = cli.code_output("--config", str(config), "push", "--max-edits", "1", "--report",
                              str(report), str(local))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["edits"], data["counts"].get("not-done"), code) == (1, 1, 1)


def test_pushed_human_text_carries_no_bot_flag(cli: Cli, pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    assert cli.code_output("--config", str(config), "push", str(local / FILE))[0] == 0
    changes = wiki.api(list="recentchanges", rctitle=FICHE, rcprop="flags|comment",
                       rclimit=1)["query"]["recentchanges"]
    assert changes[0]["bot"] is False
    assert changes[0]["comment"] == "movibot 0.1.0 : mise à jour de la section Public"


def test_push_dry_run_makes_no_edit_and_says_would(
                                                   cli: Cli,
                                                   pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    before = wiki.text(FICHE)
    code, output = cli.code_output("--config", str(config), "push", "--dry-run", str(local / FILE))
    assert code == 0 and f"{FILE}: would-push" in output and "pushed" not in output
    assert output.count("+Tout le monde.") == 1
    assert wiki.text(FICHE) == before


@pytest.mark.parametrize("changed", [False, True], ids=["unchanged-copy", "edited-copy"])
def test_push_never_recreates_a_page_deleted_since_the_pull(
        cli: Cli, pulled: tuple[Any, Path, Path], changed: bool) -> None:
    wiki, config, local = pulled
    if changed:
        edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    wiki.delete(FICHE)
    code, output = cli.code_output("--config", str(config), "push", str(local / FILE))
    assert (code, wiki.text(FICHE)) == (1, None)
    assert f"{FILE}: deleted-on-wiki" in output
    code, output = cli.code_output("--config", str(config), "push", "--recreate", str(local / FILE))
    assert code == 0, output
    assert wiki.text(FICHE) is not None


def test_push_of_a_renamed_file_is_refused_and_points_to_a_move(
                                                                cli: Cli,
                                                                pulled: tuple[Any, Path, Path]
                                                                ) -> None:
    wiki, config, local = pulled
    (local / FILE).rename(local / "Monter_une_conciergerie_solidaire.wiki")
    code, output = cli.code_output("--config", str(config), "push",
                                   str(local / "Monter_une_conciergerie_solidaire.wiki"))
    assert code == 1
    assert "renamed-locally: this file was pulled as «Monter une conciergerie»" in output
    assert wiki.text("Monter une conciergerie solidaire") is None
    renamed = local / "Monter_une_conciergerie_solidaire.wiki"
    code, output = cli.code_output("--config", str(config), "push", "--new", str(renamed))
    assert code == 0, output
    assert wiki.text("Monter une conciergerie solidaire") is not None


def test_push_carries_the_infobox_block_and_the_next_run_equals_a_full_run(
        cli: Cli, pulled: tuple[Any, Path, Path], wiki_template: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    wiki, config, local = pulled
    edit(local / "Le_Lieu_Test.wiki", "coût infrastructure = 1 700 €",
         "coût infrastructure = 2 000 €")
    code, output = cli.code_output("--config", str(config), "push",
                                   str(local / "Le_Lieu_Test.wiki"))
    assert code == 0, output
    assert "| 2\u00a0800\u00a0€" in wiki.text(LIEU)  # the new monthly cost, in the same edit
    assert (local / "Le_Lieu_Test.wiki").read_text(encoding="utf-8").rstrip() == wiki.text(LIEU)
    titles = [LIEU, FICHE, "Catégorie:Tiers-Lieux", "Catégorie:Coworking"]
    after_push = {t: wiki.text(t) for t in titles}
    code, _, report = cli.run(None,
                              config)  # incremental: the lieu's new cost reaches its four tables
    edited = sorted(p["title"] for p in report["pages"] if p["status"] == "edited")
    assert code == 0 and edited == ["Catégorie:Auvergne-Rhône-Alpes", "Catégorie:Coworking",
                                    "Catégorie:Fablab", "Catégorie:Tiers-Lieux"]
    incremental = {t: wiki.text(t) for t in titles}
    code, _, report = cli.run(None, config, "--full")
    assert (code, report["edits"]) == (0, 0)  # a full run finds nothing left to do
    assert {t: wiki.text(t) for t in titles} == incremental
    assert "2\u00a0800\u00a0€" in incremental["Catégorie:Tiers-Lieux"]
    assert after_push[LIEU] == incremental[LIEU]


def test_push_lints_only_the_files_it_pushes(cli: Cli, pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    # an untouched file with a lint error (written locally, identical on the wiki) ...
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    (local / "Brouillon.wiki").write_text("{{Fiche}}\n[[Catégorie:Fiches méthodologiques]]\n",
                                          encoding="utf-8")
    wiki.edit_as_human("Brouillon", "{{Fiche}}\n[[Catégorie:Fiches méthodologiques]]\n")
    cli.code_output("--config", str(config), "pull", "--title", "Brouillon", "--dest", str(local))
    code, output = cli.code_output("--config", str(config), "push", str(local))
    assert code == 0, output  # ... does not block the push of the changed one
    assert "Tout le monde." in wiki.text(FICHE)


def test_diff_shows_the_block_push_would_add_and_a_stat(
                                                        cli: Cli,
                                                        pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    edit(local / "Le_Lieu_Test.wiki", "coût infrastructure = 1 700 €",
         "coût infrastructure = 2 000 €")
    code, output = cli.code_output("--config", str(config), "diff",
                                   str(local / "Le_Lieu_Test.wiki"))
    assert code == 1 and "+| coût infrastructure = 2 000 €" in output
    assert "+| 2\u00a0800\u00a0€" in output  # the infobox block as push would write it
    code, output = cli.code_output("--config", str(config), "diff", "--stat",
                                   str(local / "Le_Lieu_Test.wiki"))
    assert code == 1 and "Le_Lieu_Test.wiki | +" in output and "1 file changed" in output


def test_run_and_diff_one_title_show_the_exact_diff_of_that_page(
        cli: Cli, pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, _ = pulled
    wiki.edit_as_human(LIEU, wiki.text(LIEU).replace("1 700 €", "2 000 €"))
    code, output = cli.code_output("--config", str(config), "diff", "--title", LIEU)
    assert code == 1 and "+| 2\u00a0800\u00a0€" in output and "a/Le Lieu Test" in output
    assert "a/Monter une conciergerie" not in output
    code, output, report = cli.run(None, config, "--title", LIEU)
    assert code == 0 and "2\u00a0800\u00a0€" in wiki.text(LIEU)
    assert [p["title"] for p in report["pages"] if p["status"] == "edited"][0] == LIEU


def test_config_before_the_command_is_taken(cli: Cli, pulled: tuple[Any, Path, Path]) -> None:
    wiki, config, local = pulled
    result = cli("--config", str(config), "diff", str(local / FILE))
    assert (result.exit_code, result.output) == (0, "")
