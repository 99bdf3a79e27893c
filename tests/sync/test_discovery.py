"""Pages that call a source's template but are not in its category are found (embeddedin on a
live wiki), processed and reported with E301; with x-wiki.add_category the bot puts the
category in its block."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from commandline import Cli

SCHEMAS = Path(__file__).parents[2] / "schemas"
ORPHAN = ("{{Tiers-Lieu\n| nom = Orphelin\n| ville = Lyon\n| surface totale = 300 m²\n"
          "| coût infrastructure = 1 700 €\n| coût services = 800 €\n}}\n== Communauté ==\nx\n"
          "== Territoire ==\ny\n== Processus ==\nz\n")
MEMBER = ORPHAN.replace("Orphelin", "Membre") + "[[Catégorie:Tiers-Lieux]]\n"


def page(report: dict[str, Any], title: str) -> dict[str, Any]:
    return next(p for p in report["pages"] if p["title"] == title)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "Orphelin.wiki").write_text(ORPHAN, encoding="utf-8")
    (site / "Membre.wiki").write_text(MEMBER, encoding="utf-8")
    return site


def config_for(tmp_path: Path, add_category: bool) -> Path:
    schema = SCHEMAS / "lieu.yaml"
    extra = ""
    if add_category:
        text = schema.read_text(encoding="utf-8").replace(
            "  template: Tiers-Lieu\n", "  template: Tiers-Lieu\n  add_category: true\n")
        schema = tmp_path / "lieu.yaml"
        schema.write_text(text, encoding="utf-8")
        extra = f"sources:\n  lieux:\n    schema: {schema}\n"
    config = tmp_path / "movibot.yaml"
    config.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 's.json'}\n{extra}",
                      encoding="utf-8")
    return config


def test_a_page_calling_the_template_outside_the_category_is_processed_with_e301(
        cli: Cli, folder: Path, tmp_path: Path) -> None:
    code, _, report = cli.run(str(folder), config_for(tmp_path, False))
    orphan = page(report, "Orphelin")
    assert (code, orphan["status"]) == (0, "edited")
    assert [p["code"] for p in orphan["problems"]] == ["E301"]
    assert orphan["problems"][0]["message"] == (
        "page calls {{Tiers-Lieu}} but is not in Catégorie:Tiers-Lieux")
    assert "| 2\u00a0500\u00a0€" in (folder / "Orphelin.wiki").read_text(encoding="utf-8")
    members = (folder / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    assert "[[Membre]]" in members and "Orphelin" not in members


def test_with_add_category_the_bot_puts_the_page_in_its_category(cli: Cli, folder: Path,
                                                                 tmp_path: Path
                                                                 ) -> None:
    config = config_for(tmp_path, True)
    code, _, report = cli.run(str(folder), config)
    text = (folder / "Orphelin.wiki").read_text(encoding="utf-8")
    block = text.split("<!-- movibot:begin infobox", 1)[1].split("<!-- movibot:end infobox", 1)[0]
    assert code == 0 and "[[Catégorie:Tiers-Lieux]]" in block
    assert "[[Orphelin]]" in (folder / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    code, _, report = cli.run(str(folder), config, "--full")
    orphan = page(report, "Orphelin")
    assert (code, orphan["status"], orphan["problems"], report["edits"]) == (
        0, "unchanged", [], 0)


def test_a_dump_run_processes_them_as_the_folder_run_does(cli: Cli, folder: Path, tmp_path: Path
                                                         ) -> None:
    from test_offline import make_dump

    dump = make_dump(tmp_path / "dump.xml", folder)
    out = tmp_path / "out"
    code, _, report = cli.run(f"dump:{dump}", config_for(tmp_path, False), "--out", str(out))
    orphan = page(json.loads((out / "report.json").read_text(encoding="utf-8")), "Orphelin")
    assert (code, orphan["status"], [p["code"] for p in orphan["problems"]]) == (
        0, "edited", ["E301"])
    code, _, _ = cli.run(str(folder), config_for(tmp_path, False))  # the same plan on the folder
    assert code == 0
    assert (out / "Orphelin.wiki").read_text(encoding="utf-8") == (
        folder / "Orphelin.wiki").read_text(encoding="utf-8")
    members = (out / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    assert "[[Membre]]" in members and "Orphelin" not in members


def test_the_live_wiki_finds_them_through_embeddedin(cli: Cli, wiki: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from test_run_wiki import configure

    wiki.seed({"Modèle:Tiers-Lieu": "", "Orphelin": ORPHAN, "Membre": MEMBER})
    wiki.run_maintenance("refreshLinks")  # the template links of the imported pages
    code, _, report = cli.run(None, configure(wiki, tmp_path, monkeypatch))
    orphan = page(report, "Orphelin")
    assert (code, orphan["status"], [p["code"] for p in orphan["problems"]]) == (
        0, "edited", ["E301"])
    assert "| 2\u00a0500\u00a0€" in wiki.text("Orphelin")
