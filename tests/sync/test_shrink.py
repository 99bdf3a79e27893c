"""Never publish a read that lost its pages: a members table that would lose more than half of
its rows (and at least 5) in one run is not written (`shrink-refused`, exit 1) until
--allow-shrink; on a folder, a dump and the real wiki."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from commandline import Cli

from movibot.sync.plan import shrink_refusal

FICHES = Path(__file__).parents[2] / "fiches"
CATEGORY = "Catégorie:Tiers-Lieux.wiki"


def lieu(name: str) -> str:
    return (f"{{{{Tiers-Lieu\n| nom = {name}\n| ville = Lyon\n}}}}\n== Communauté ==\nx\n"
            "== Territoire ==\ny\n== Processus ==\nz\n[[Catégorie:Tiers-Lieux]]\n")


def status(report: dict[str, Any], title: str) -> dict[str, Any]:
    return next(p for p in report["pages"] if p["title"] == title)


@pytest.mark.parametrize(("before", "after", "refused"), [
    (10, 4, True), (10, 5, False), (8, 3, True), (8, 4, False), (6, 1, True), (4, 0, False),
    (20, 0, True), (3, 7, False)], ids=lambda v: str(v))
def test_the_shrink_rule_more_than_half_and_at_least_five(before: int, after: int,
                                                          refused: bool) -> None:
    assert (shrink_refusal(before, after) is not None) is refused


@pytest.fixture
def config(tmp_path: Path) -> Path:
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 'state.json'}\n", encoding="utf-8")
    return cfg


def test_a_category_emptied_in_a_folder_is_not_published(cli: Cli, tmp_path: Path,
                                                         config: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    names = [f"Lieu {i}" for i in range(7)]
    for name in names:
        (site / f"{name.replace(' ', '_')}.wiki").write_text(lieu(name), encoding="utf-8")
    assert cli.run(str(site), config)[0] == 0
    table = (site / CATEGORY).read_text(encoding="utf-8")
    for name in names[:6]:  # vandalism: six lieux taken out of the category
        path = site / f"{name.replace(' ', '_')}.wiki"
        path.write_text(path.read_text(encoding="utf-8").replace("[[Catégorie:Tiers-Lieux]]", ""),
                        encoding="utf-8")
    code, _, report = cli.run(str(site), config)
    page = status(report, "Catégorie:Tiers-Lieux")
    assert (code, page["status"]) == (1, "shrink-refused")
    assert page["message"].startswith("the members table would go from 7 to 1 rows in one run")
    assert (site / CATEGORY).read_text(encoding="utf-8") == table
    code, _, report = cli.run(str(site), config, "--allow-shrink")
    assert code == 0 and status(report, "Catégorie:Tiers-Lieux")["status"] == "edited"
    assert "[[Lieu 0]]" not in (site / CATEGORY).read_text(encoding="utf-8")


def export(pages: dict[str, str]) -> str:
    body = "".join(
        f"<page><title>{escape(t)}</title><ns>{14 if t.startswith('Catégorie:') else 0}</ns>"
        f"<id>{i}</id><revision><id>{i}</id><timestamp>2026-11-01T00:00:00Z</timestamp>"
        f'<text xml:space="preserve" bytes="{len(x.encode())}">{escape(x)}</text>'
        "</revision></page>" for i, (t, x) in enumerate(pages.items(), 1))
    return ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">'
            f"{body}</mediawiki>")


def test_a_dump_that_lost_its_pages_is_not_published(cli: Cli, tmp_path: Path,
                                                     config: Path) -> None:
    copy = tmp_path / "fiches"
    shutil.copytree(FICHES, copy, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    assert cli.run(str(copy), config)[0] == 0
    table = (copy / CATEGORY).read_text(encoding="utf-8")
    pages = {"Catégorie:Tiers-Lieux": table, "Le Mixeur": (copy / "Le_Mixeur.wiki").read_text(
        encoding="utf-8")}  # a partial export: the category page and one lieu of nine
    dump = tmp_path / "partiel.xml"
    dump.write_text(export(pages), encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", "--site", f"dump:{dump}", "--config", str(config),
                 "--out", str(out))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert result.exit_code == 1
    assert status(report, "Catégorie:Tiers-Lieux")["status"] == "shrink-refused"
    assert not (out / CATEGORY).exists()  # nothing written for that table


def test_a_category_emptied_on_the_wiki_is_not_published(cli: Cli, wiki: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from test_run_wiki import configure

    names = [f"Lieu {i}" for i in range(6)]
    wiki.seed({name: lieu(name) for name in names})
    cfg = configure(wiki, tmp_path, monkeypatch)
    assert cli.run(None, cfg)[0] == 0
    table = wiki.text("Catégorie:Tiers-Lieux")
    for name in names[:5]:
        wiki.edit_as_human(name, lieu(name).replace("[[Catégorie:Tiers-Lieux]]", ""))
    code, _, report = cli.run(None, cfg)
    assert (code, status(report, "Catégorie:Tiers-Lieux")["status"]) == (1, "shrink-refused")
    assert wiki.text("Catégorie:Tiers-Lieux") == table
    code, _, report = cli.run(None, cfg, "--allow-shrink")
    assert code == 0 and "[[Lieu 0]]" not in wiki.text("Catégorie:Tiers-Lieux")
