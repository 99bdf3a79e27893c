"""The scheduled run end to end on a directory site (the embedded default's backend)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from commandline import Cli

SITE = Path(__file__).parents[1] / "fixtures" / "site"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.wiki"))}


def test_first_run_writes_blocks_and_creates_category_pages(cli: Cli, site: Path,
                                                            config: Path) -> None:
    code, _, report = cli.run(site, config)
    assert code == 0
    assert report["counts"]["edited"] == 3
    files = snapshot(site)
    assert "<!-- movibot:begin infobox sha1=" in files["Le_Lieu_Test.wiki"]
    assert "| 2\u00a0500\u00a0€" in files["Le_Lieu_Test.wiki"]
    created = {"Catégorie:Tiers-Lieux.wiki", "Catégorie:Fiches_méthodologiques.wiki",
               "Catégorie:Coworking.wiki", "Catégorie:Fablab.wiki",
               "Catégorie:Auvergne-Rhône-Alpes.wiki", "Catégorie:Types_de_tiers-lieux.wiki",
               "Catégorie:Tiers-lieux_par_région.wiki"}
    assert created <= set(files)
    assert report["counts"]["created"] == len(created)


def test_second_run_makes_no_edit(cli: Cli, site: Path, config: Path) -> None:
    cli.run(site, config)
    before = snapshot(site)
    code, _, report = cli.run(site, config, "--full")
    assert code == 0
    assert report["edits"] == 0
    assert report["counts"]["edited"] == report["counts"]["created"] == 0
    assert snapshot(site) == before


def test_human_edit_outside_the_block_survives(cli: Cli, site: Path, config: Path) -> None:
    cli.run(site, config)
    page = site / "Le_Lieu_Test.wiki"
    text = page.read_text(encoding="utf-8").replace("Un lieu de test.", "Un lieu vivant.")
    text = text.replace("| surface totale = 300 m²", "| surface totale = 400 m²")
    page.write_text(text, encoding="utf-8")
    code, _, report = cli.run(site, config)
    assert code == 0
    after = page.read_text(encoding="utf-8")
    assert "Un lieu vivant." in after
    assert "| 400\u00a0m²" in after


def test_human_edit_inside_the_block_is_reported_not_overwritten(cli: Cli, site: Path, config: Path
                                                                ) -> None:
    cli.run(site, config)
    page = site / "Le_Lieu_Test.wiki"
    edited = page.read_text(encoding="utf-8").replace("! Ville", "! Commune")
    page.write_text(edited, encoding="utf-8")
    code, output, report = cli.run(site, config, "--full")
    assert code == 1
    assert page.read_text(encoding="utf-8") == edited
    status = {p["title"]: p["status"] for p in report["pages"]}
    assert status["Le Lieu Test"] == "block-edited"
    assert "Le Lieu Test: block-edited: " in output


def test_force_overwrites_an_edited_block(cli: Cli, site: Path, config: Path) -> None:
    cli.run(site, config)
    page = site / "Le_Lieu_Test.wiki"
    page.write_text(page.read_text(encoding="utf-8").replace("! Ville", "! Commune"),
                    encoding="utf-8")
    code, _, _ = cli.run(site, config, "--full", "--force")
    assert code == 0
    assert "! Ville" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("marker", ["{{nobots}}", "{{bots|deny=Movibot}}"])
def test_excluded_pages_are_untouched(cli: Cli, site: Path, config: Path, marker: str) -> None:
    page = site / "La_Petite_Fabrique.wiki"
    text = marker + "\n" + page.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    code, _, report = cli.run(site, config)
    assert page.read_text(encoding="utf-8") == text
    status = {p["title"]: p["status"] for p in report["pages"]}
    assert status["La Petite Fabrique"] == "skipped-nobots"
    assert code == 0


def test_stop_page_halts_with_exit_3_and_no_edit(cli: Cli, site: Path, config: Path) -> None:
    (site / "Utilisateur:Movibot%2FStop.wiki").write_text("stop\n", encoding="utf-8")
    before = snapshot(site)
    code, _, report = cli.run(site, config)
    assert code == 3
    assert report["stopped"] is True
    assert snapshot(site) == before


def test_stop_page_saying_run_does_not_halt(cli: Cli, site: Path, config: Path) -> None:
    (site / "Utilisateur:Movibot%2FStop.wiki").write_text("run\n", encoding="utf-8")
    code, _, _ = cli.run(site, config)
    assert code == 0


def test_dry_run_prints_diffs_and_writes_nothing(cli: Cli, site: Path, config: Path, tmp_path: Path
                                                ) -> None:
    before = snapshot(site)
    code, output, report = cli.run(site, config, "--dry-run")
    assert code == 0
    assert snapshot(site) == before
    assert not (tmp_path / "state.json").exists()
    assert "--- a/Le Lieu Test\n+++ b/Le Lieu Test\n" in output
    assert "+<!-- movibot:begin infobox sha1=" in output
    assert report["edits"] == 0


def test_invalid_page_is_reported_and_left_alone(cli: Cli, site: Path, config: Path) -> None:
    page = site / "La_Petite_Fabrique.wiki"
    text = page.read_text(encoding="utf-8").replace("| type = fablab",
                                                    "| surface totale = environ trois cents")
    page.write_text(text, encoding="utf-8")
    code, _, report = cli.run(site, config)
    assert code == 1
    assert page.read_text(encoding="utf-8") == text
    status = {p["title"]: p for p in report["pages"]}
    assert status["La Petite Fabrique"]["status"] == "invalid"
    assert status["La Petite Fabrique"]["problems"][0]["code"] == "E103"
    assert status["Le Lieu Test"]["status"] == "edited"


@pytest.mark.parametrize("killed_at", [1, 2, 3, 4, 6])
def test_run_killed_midway_then_rerun_ends_as_an_uninterrupted_run(
    cli: Cli, site: Path, config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    killed_at: int
) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(site, reference)
    ref_config = tmp_path / "ref.yaml"
    ref_config.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 'ref.json'}\n")
    cli.run(reference, ref_config)

    from movibot.sites.directory import DirectorySite

    real_save = DirectorySite.save
    calls = {"n": 0}

    def dying_save(self, page, text, summary, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == killed_at:
            raise KeyboardInterrupt  # the process is killed here
        return real_save(self, page, text, summary, **kw)

    monkeypatch.setattr(DirectorySite, "save", dying_save)
    cli.run(site, config)
    monkeypatch.setattr(DirectorySite, "save", real_save)
    code, _, _ = cli.run(site, config)
    assert code == 0
    assert snapshot(site) == snapshot(reference)
    code, _, report = cli.run(site, config, "--full")
    assert report["edits"] == 0


def test_max_edits_stops_after_n_edits_and_is_not_a_failure(cli: Cli, site: Path,
                                                            config: Path) -> None:
    code, _, report = cli.run(site, config, "--max-edits", "2")
    assert report["edits"] == 2
    assert report["counts"]["not-done"] == len(report["pages"]) - 2 - sum(
        1 for p in report["pages"] if p["status"] in ("unchanged",))
    assert (code, report["halted"]) == (0, "max_edits (2) reached")  # cron shows no failure


def test_incremental_run_reads_only_changed_pages(cli: Cli, site: Path, config: Path) -> None:
    cli.run(site, config)
    code, _, report = cli.run(site, config)
    assert code == 0
    titles = {p["title"] for p in report["pages"]}
    assert "Le Lieu Test" not in titles  # not changed since the last run
    assert all(t.startswith("Catégorie:") for t in titles)
