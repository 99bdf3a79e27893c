"""`movibot run --site dump:IN --out OUT.xml` against a real MediaWiki: the wiki's own dump in,
the import file imported with importDump.php, every page's text as planned, and a run on the wiki
afterwards has nothing left to do."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from commandline import Cli
from reliability_wiki import lieux_and_fiches
from test_run_wiki import configure

Q = "{http://www.mediawiki.org/xml/export-0.11/}"


def pages_of(path: Path) -> dict[str, str]:
    """Title -> text of each page of an import file."""
    root = ET.parse(path).getroot()
    return {p.findtext(Q + "title") or "": p.findtext(f"{Q}revision/{Q}text") or ""
            for p in root.iter(Q + "page")}


@pytest.fixture
def imported(wiki: Any, cli: Cli, tmp_path: Path) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """A wiki seeded with lieux, a fiche and a template page (some with `]]>` and `&amp;`),
    dumped by dumpBackup.php, run with --out OUT.xml, and OUT.xml imported: the wiki, the
    file's pages and the run's report."""
    pages = lieux_and_fiches()
    pages["Lieu numéro 1"] += "\n<!-- ]]> &amp; <b> -->\n"
    pages["Modèle:Tiers-Lieu"] = "Le modèle des lieux. <pre>]]></pre>\n"
    wiki.seed(pages)
    dump = tmp_path / "wiki.xml"
    dump.write_text(wiki.run_maintenance("dumpBackup", "--current", "--quiet"),
                    encoding="utf-8")
    out = tmp_path / "out.xml"
    result = cli("run", "--site", f"dump:{dump}", "--out", str(out))
    assert result.exit_code in (0, 1), result.output  # 1: the fixtures' invalid pages
    wiki.run_maintenance("importDump", "--quiet", str(out))
    report = json.loads((tmp_path / "out.xml.report.json").read_text(encoding="utf-8"))
    return wiki, pages_of(out), report


def test_every_page_of_the_import_file_is_on_the_wiki_as_written(
        imported: tuple[Any, dict[str, str], dict[str, Any]]) -> None:
    wiki, written, report = imported
    done = {p["title"] for p in report["pages"] if p["status"] in ("edited", "created")}
    assert set(written) == done
    assert {"Lieu numéro 1", "Catégorie:Tiers-Lieux", "Modèle:Tiers-Lieu"} <= done
    assert "]]> &amp;" in written["Lieu numéro 1"]
    assert {title: wiki.text(title) for title in written} == written


def test_a_run_on_the_wiki_after_the_import_makes_no_edit(
        imported: tuple[Any, dict[str, str], dict[str, Any]], cli: Cli, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    wiki = imported[0]
    code, output, report = cli.run(None, configure(wiki, tmp_path, monkeypatch), "--full")
    assert report["edits"] == 0, output
    assert not {p["status"] for p in report["pages"]} & {"edited", "created"}
