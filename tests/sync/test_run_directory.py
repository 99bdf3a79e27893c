"""The scheduled run end to end on a directory site (the embedded default's backend)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timezone
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


# -- the state file: movibot 0.1.0's, a damaged entry, a last run ahead of the clock -------------

FICHES = Path(__file__).parents[2] / "fiches"
STATE_V1 = Path(__file__).parents[1] / "fixtures" / "state" / "folder-0.1.0.json"


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fiches_as_0_1_0_left_them(cli: Cli, tmp_path: Path) -> tuple[Path, Path]:
    """(fiches/ as movibot 0.1.0 left it when it wrote STATE_V1, a config with that state):
    a run, Causeries changed, a run (tests/fixtures/state/README.md). The state's folder and
    last run are made this test's; the file stays a version-1 file."""
    site = tmp_path / "fiches"
    shutil.copytree(FICHES, site)
    scratch = tmp_path / "scratch.yaml"
    scratch.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 'scratch.json'}\n")
    assert cli.run(site, scratch)[0] == 0
    causeries = site / "Causeries.wiki"
    causeries.write_text(causeries.read_text(encoding="utf-8").replace(
        "\n", "\nUne ligne du wiki.\n", 1), encoding="utf-8")
    cli.run(site, scratch)
    state = tmp_path / "state.json"
    state.write_text(STATE_V1.read_text(encoding="utf-8").replace(
        "/tmp/MOVIBOT_V1", str(tmp_path)).replace("2026-12-07T14:25:38.897841Z", now_utc()),
        encoding="utf-8")
    config = tmp_path / "movibot.yaml"
    config.write_text(f"put_throttle: 0\nstate_file: {state}\n", encoding="utf-8")
    return site, config


def test_a_state_file_of_movibot_0_1_0_runs_with_no_spurious_edit(cli: Cli, tmp_path: Path
                                                                   ) -> None:
    site, config = fiches_as_0_1_0_left_them(cli, tmp_path)
    before = snapshot(site)
    code, output, report = cli.run(site, config)
    assert (code, report["full"], report["notes"], report["edits"]) == (0, False, [], 0), output
    assert snapshot(site) == before  # every members table from the version-1 rows, unchanged
    assert json.loads((tmp_path / "state.json").read_text(encoding="utf-8"))["version"] == 2
    page = site / "Barcamp.wiki"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "Format d'animation", "Tutoriel"), encoding="utf-8")
    code, output, report = cli.run(site, config)
    assert code == 0, output
    assert {p["title"] for p in report["pages"] if p["status"] == "edited"} == {
        "Barcamp", "Catégorie:Fiches méthodologiques"}
    table = site / "Catégorie:Fiches_méthodologiques.wiki"
    assert "| [[Barcamp]] || Tutoriel ||" in table.read_text(encoding="utf-8")


def damage(config: Path, title: str, **entry: object) -> Path:
    path = Path(config.read_text(encoding="utf-8").split("state_file: ")[1].strip())
    doc = json.loads(path.read_text(encoding="utf-8"))
    (pages,) = [s["pages"] for s in doc["sites"].values()]
    pages[title].update(entry)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("args", [(), ("--full",), ("--title", "La Petite Fabrique")])
def test_a_damaged_page_entry_is_dropped_noted_and_its_page_read_again(
        cli: Cli, site: Path, config: Path, args: tuple[str, ...]) -> None:
    cli.run(site, config)
    before = snapshot(site)
    state = damage(config, "Le Lieu Test", row="x")
    code, output, report = cli.run(site, config, *args)
    assert (code, report["notes"], report["edits"]) == (0, [
        f"state file {state}, site {site}, page «Le Lieu Test»: `row` is \"x\", not a "
        "members-table row; the entry was dropped and the page is read again"], 0), output
    assert snapshot(site) == before  # its row is back in the members table, nothing lost
    assert ("Le Lieu Test" in {p["title"] for p in report["pages"]}) == (not args[:1] == (
        "--title",))  # a --title run reads it for its row only, and edits only its titles
    row = json.loads(state.read_text(encoding="utf-8"))["sites"][str(site)]["pages"][
        "Le Lieu Test"]["row"]
    assert row["title"] == "Le Lieu Test"
    assert cli.run(site, config)[2]["notes"] == []


def test_a_last_run_later_than_the_site_clock_is_not_trusted(cli: Cli, site: Path,
                                                              config: Path) -> None:
    cli.run(site, config)
    page = site / "Le_Lieu_Test.wiki"
    page.write_text(page.read_text(encoding="utf-8").replace("1 700 €", "2 000 €"),
                    encoding="utf-8")
    state = damage(config, "Le Lieu Test")
    doc = json.loads(state.read_text(encoding="utf-8"))
    doc["sites"][str(site)]["last_run"] = "2099-01-01T00:00:00Z"
    state.write_text(json.dumps(doc), encoding="utf-8")
    code, output, report = cli.run(site, config)
    assert (code, report["full"]) == (0, True), output
    assert report["notes"] == [
        "the last run in the state (2099-01-01T00:00:00Z) is later than the site's clock "
        f"({report['started']}): every page was read"]
    assert "| 2\u00a0800\u00a0€" in page.read_text(encoding="utf-8")  # the human edit is seen
    last_run = json.loads(state.read_text(encoding="utf-8"))["sites"][str(site)]["last_run"]
    assert last_run == report["started"] < "2099"  # the site's time is stored
MAGIC_LIEU = ("{{Tiers-Lieu\n| nom = Lieu magique\n| ville = Lille\n| région = __HIDDENCAT__\n"
              "| type = fablab, __NOINDEX__, <nowiki>__NOTOC__</nowiki>\n}}\nUn lieu.\n\n"
              "== Communauté ==\n\n== Territoire ==\n\n== Processus ==\n\n"
              "[[Catégorie:Tiers-Lieux]]\n")


def test_a_magic_word_value_makes_no_category_and_a_warning(cli: Cli, site: Path,
                                                            config: Path) -> None:
    (site / "Lieu_magique.wiki").write_text(MAGIC_LIEU, encoding="utf-8")
    code, _, report = cli.run(site, config)
    assert code == 0
    assert {p.name for p in site.glob("Catégorie:*")} >= {"Catégorie:Fablab.wiki"}
    assert not [p for p in site.iterdir() if re.search("HIDDENCAT|NOINDEX|NOTOC", p.name)]
    text = (site / "Lieu_magique.wiki").read_text(encoding="utf-8")
    assert re.findall(r"\[\[Catégorie:[^\]]*\]\]", text) == ["[[Catégorie:Fablab]]",
                                                             "[[Catégorie:Tiers-Lieux]]"]
    (page,) = [p for p in report["pages"] if p["title"] == "Lieu magique"]
    assert page["status"] == "edited"
    assert [(p["code"], p["severity"], p["field"], p["message"]) for p in page["problems"]] == [
        ("W111", "warning", field, f'field "{written}": {value!r} makes no category: MediaWiki '
         "would not keep it as written (markup, a magic word, an underscore); it is shown as "
         "text only")
        for field, written, value in (("region", "région", "__HIDDENCAT__"),
                                      ("type", "type", "__NOINDEX__"),
                                      ("type", "type", "__NOTOC__"))]
