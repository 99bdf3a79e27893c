"""pull, diff and push between a local folder and a site (here a directory site)."""

from __future__ import annotations

from pathlib import Path

import pytest
from commandline import Cli

PAGE = "{{Fiche\n| résumé = Un résumé.\n}}\nLigne 1\nLigne 2\nLigne 3\nLigne 4\n" \
       "[[Catégorie:Fiches méthodologiques]]\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, Path]:
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "Une_fiche.wiki").write_text(PAGE, encoding="utf-8")
    config = tmp_path / "movibot.yaml"
    config.write_text(f"site: {wiki}\nstate_file: {tmp_path / 'state.json'}\n", encoding="utf-8")
    return {"wiki": wiki, "local": tmp_path / "local", "config": config}


def test_pull_writes_one_file_per_page(cli: Cli, env: dict[str, Path]) -> None:
    code, output = cli.code_output("--config", str(env["config"]), "pull", "--dest",
                                   str(env["local"]))
    assert code == 0
    assert (env["local"] / "Une_fiche.wiki").read_text(encoding="utf-8") == PAGE
    assert "Une_fiche.wiki: pulled" in output


def test_diff_shows_local_changes(cli: Cli, env: dict[str, Path]) -> None:
    cli.code_output("--config", str(env["config"]), "pull", "--dest", str(env["local"]))
    local = env["local"] / "Une_fiche.wiki"
    local.write_text(PAGE.replace("Ligne 1", "Ligne un"), encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "diff", str(env["local"]))
    assert code == 1
    assert output == ("--- a/Une fiche\n+++ b/Une fiche\n@@ -1,7 +1,7 @@\n {{Fiche\n"
                      " | résumé = Un résumé.\n }}\n-Ligne 1\n+Ligne un\n Ligne 2\n Ligne 3\n"
                      " Ligne 4\n")


def test_pull_edit_push_round_trips(cli: Cli, env: dict[str, Path]) -> None:
    cli.code_output("--config", str(env["config"]), "pull", "--dest", str(env["local"]))
    local = env["local"] / "Une_fiche.wiki"
    local.write_text(PAGE.replace("Ligne 1", "Ligne un"), encoding="utf-8")
    code, _ = cli.code_output("--config", str(env["config"]), "push", "--no-lint",
                              str(env["local"]))
    assert code == 0
    assert (env["wiki"] / "Une_fiche.wiki").read_text(encoding="utf-8") == local.read_text(
        encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "diff", str(env["local"]))
    assert code == 0 and output == ""


def test_push_merges_non_overlapping_wiki_changes(cli: Cli, env: dict[str, Path]) -> None:
    cli.code_output("--config", str(env["config"]), "pull", "--dest", str(env["local"]))
    (env["wiki"] / "Une_fiche.wiki").write_text(PAGE.replace("Ligne 4", "Ligne quatre"),
                                                 encoding="utf-8")
    local = env["local"] / "Une_fiche.wiki"
    local.write_text(PAGE.replace("Ligne 1", "Ligne un"), encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "push", "--no-lint",
                                   str(env["local"]))
    assert code == 0
    assert "merged" in output
    merged = PAGE.replace("Ligne 1", "Ligne un").replace("Ligne 4", "Ligne quatre")
    assert (env["wiki"] / "Une_fiche.wiki").read_text(encoding="utf-8") == merged
    assert local.read_text(encoding="utf-8") == merged


def test_push_refuses_overlapping_changes(cli: Cli, env: dict[str, Path]) -> None:
    cli.code_output("--config", str(env["config"]), "pull", "--dest", str(env["local"]))
    theirs = PAGE.replace("Ligne 1", "Ligne première")
    (env["wiki"] / "Une_fiche.wiki").write_text(theirs, encoding="utf-8")
    local = env["local"] / "Une_fiche.wiki"
    local.write_text(PAGE.replace("Ligne 1", "Ligne un"), encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "push", "--no-lint",
                                   str(env["local"]))
    assert code == 1
    assert (env["wiki"] / "Une_fiche.wiki").read_text(encoding="utf-8") == theirs
    assert output.count("+<<<<<<< local\n+Ligne un\n+=======\n") == 1  # the diff, once
    assert "conflict: the page changed on the wiki since the pull" in output
    assert "movibot pull merges the wiki's changes into your file" in output


def test_lint_errors_block_the_push_of_that_file(cli: Cli, env: dict[str, Path]) -> None:
    cli.code_output("--config", str(env["config"]), "pull", "--dest", str(env["local"]))
    local = env["local"] / "Une_fiche.wiki"
    local.write_text(PAGE.replace("Ligne 1", "Ligne un"), encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "push", str(env["local"]))
    assert code == 1
    assert output.startswith(f"{local}: invalid: {local}:1:1: error E101 missing required field")
    assert (env["wiki"] / "Une_fiche.wiki").read_text(encoding="utf-8") == PAGE


def test_push_dry_run_shows_the_diff_and_writes_nothing(cli: Cli, env: dict[str, Path]) -> None:
    cli.code_output("--config", str(env["config"]), "pull", "--dest", str(env["local"]))
    (env["local"] / "Une_fiche.wiki").write_text(PAGE + "Fin\n", encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "push", "--no-lint",
                                   "--dry-run", str(env["local"]))
    assert code == 0
    assert output.count("+Fin\n") == 1 and "Une_fiche.wiki: would-push" in output
    assert (env["wiki"] / "Une_fiche.wiki").read_text(encoding="utf-8") == PAGE


def test_push_of_a_page_never_pulled_is_refused(cli: Cli, env: dict[str, Path]) -> None:
    env["local"].mkdir()
    (env["local"] / "Une_fiche.wiki").write_text(PAGE + "Fin\n", encoding="utf-8")
    code, output = cli.code_output("--config", str(env["config"]), "push", "--no-lint",
                                   str(env["local"]))
    assert code == 1
    assert ("refused: the page exists on the wiki but this file was never pulled: movibot pull "
            "--title 'Une fiche' merges the wiki's text into it (nothing local is lost)") in output
