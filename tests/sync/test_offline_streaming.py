"""`run --out` in constant memory: big members tables are written in chunks, byte for byte as
the in-memory plan would write them; outcomes and rows live in temporary files."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import movibot.sync.offline as offline
from movibot.config import Config
from movibot.records.schema import load_schema
from movibot.render.members import member_line
from movibot.rows import MemberRow
from movibot.sites.base import Page
from movibot.sites.dump import DumpSite
from movibot.sync.edits import Outcome
from movibot.sync.importfile import SCHEMA, ImportFile
from movibot.sync.plan import CategorySpec, Source, plan_category
from movibot.wikitext.titles import normalize_title

TYPES = ("coworking", "fablab", "repair café", "EPN")


def lieu(i: int) -> str:
    return (f"{{{{Tiers-Lieu\n| nom = Lieu {i}\n| ville = Ville {i % 7}\n"
            f"| type = {TYPES[i % 4]}\n| surface totale = {100 + i} m²\n"
            f"| coût infrastructure = {1000 + 10 * i} €\n| coût services = 800 €\n}}}}\n"
            f"Texte.\n\n[[Catégorie:Tiers-Lieux]]\n")


def rows(n: int) -> list[MemberRow]:
    out = [{"title": f"{'lieu' if i % 3 else 'Lieu'} {i}", "nom": f"Lieu {i}", "ville": "Lyon",
            "type": [TYPES[i % 4]], "surface": str(100 + i), "cout_mensuel": "2500.00",
            "tarif_residents": "11.11", "categories": ["Tiers-Lieux"], "kind": "lieu"}
           for i in range(n)]
    ordered = sorted(out, key=lambda r: (normalize_title(str(r["title"])).casefold(), r["title"]))
    return [MemberRow.from_json(r) for r in ordered]


SPEC = CategorySpec("Tiers-Lieux", "Les tiers-lieux.", "lieu", "Les Tiers Lieux", "Portails")


def streamed(page: Page, n: int, tmp_path: Path, force: bool = False) -> tuple[Outcome, str]:
    path = tmp_path / "Catégorie:Tiers-Lieux.wiki"
    path.unlink(missing_ok=True)
    lines = (member_line(r, "lieu") for r in rows(n))
    outcome = offline.stream_category(page, SPEC, lines, offline.FolderOutput(tmp_path),
                                      "Movibot", force, count=n)
    return outcome, path.read_bytes().decode("utf-8") if path.exists() else ""


def in_memory(page: Page, n: int, force: bool = False) -> tuple[Outcome, str]:
    spec = dataclasses.replace(SPEC, rows=tuple(rows(n)))
    edit, outcome = plan_category(page, spec, user="Movibot", force=force)
    return outcome, edit.new if edit else ""


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offline, "STREAM_ROWS", 4)


MISSING = Page("Catégorie:Tiers-Lieux", "", exists=False, ns=14)


def existing(text: str) -> Page:
    return Page("Catégorie:Tiers-Lieux", text, revid=1, timestamp="2024-01-01T00:00:00Z", ns=14)


@pytest.mark.parametrize("n", [1, 4, 5, 11])
def test_a_new_category_page_is_written_as_in_memory(tmp_path: Path, n: int) -> None:
    assert streamed(MISSING, n, tmp_path) == in_memory(MISSING, n)


def test_an_existing_page_gets_its_table_refreshed_as_in_memory(tmp_path: Path) -> None:
    old = existing(in_memory(MISSING, 5)[1])
    assert streamed(old, 9, tmp_path) == in_memory(old, 9)
    assert streamed(old, 9, tmp_path)[0].status == "edited"


def test_a_current_table_is_unchanged(tmp_path: Path) -> None:
    current = existing(in_memory(MISSING, 9)[1])
    assert streamed(current, 9, tmp_path) == (Outcome(current.title, "unchanged"), "")


def test_a_crlf_page_keeps_its_line_ends(tmp_path: Path) -> None:
    crlf = existing(in_memory(MISSING, 5)[1].replace("\n", "\r\n"))
    outcome, text = streamed(crlf, 9, tmp_path)
    assert (outcome, text) == in_memory(crlf, 9)
    assert text.count("\r\n") == text.count("\n")


def test_a_hand_edited_table_is_reported_and_overwritten_only_with_force(tmp_path: Path
                                                                        ) -> None:
    edited = existing(in_memory(MISSING, 5)[1].replace("Lieu 3", "Lieu trois"))
    assert streamed(edited, 9, tmp_path)[0].status == "block-edited"
    assert streamed(edited, 9, tmp_path)[1] == ""
    assert streamed(edited, 9, tmp_path, force=True) == in_memory(edited, 9, force=True)


def test_an_excluded_page_is_skipped(tmp_path: Path) -> None:
    nobots = existing("{{nobots}}\n" + in_memory(MISSING, 5)[1])
    assert streamed(nobots, 9, tmp_path) == in_memory(nobots, 9)


def make_dump(path: Path, n: int) -> Path:
    pages = "".join(
        f"<page><title>Lieu {i}</title><ns>0</ns><id>{i}</id><revision><id>{i + 100}</id>"
        f"<timestamp>2024-01-01T00:00:00Z</timestamp>"
        f'<text xml:space="preserve">{html.escape(lieu(i))}</text></revision></page>'
        for i in range(n))
    path.write_text('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
                    f'version="0.11">{pages}</mediawiki>', encoding="utf-8")
    return path


def run(dump: Path, out: Path, jobs: int = 1) -> dict[str, str]:
    config = Config()
    sources = [Source(s, load_schema(s.schema)) for s in config.sources]
    offline.run_offline(DumpSite(dump), config, sources, out, jobs=jobs, force=False)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report.pop("duration_s")
    report.pop("started")  # the run's clock, like duration_s
    files = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix == ".wiki"}
    return {**files, "report": json.dumps(report)}


def test_chunked_and_whole_runs_write_the_same_files(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    dump = make_dump(tmp_path / "dump.xml", 30)
    chunked = run(dump, tmp_path / "chunked", jobs=2)
    monkeypatch.setattr(offline, "STREAM_ROWS", 10_000)
    assert chunked == run(dump, tmp_path / "whole")
    assert chunked["Catégorie:Tiers-Lieux.wiki"].count("\n| [[Lieu ") == 30


def test_the_report_is_written_as_json_dumps_would(tmp_path: Path) -> None:
    dump = make_dump(tmp_path / "dump.xml", 12)
    config = Config()
    sources = [Source(s, load_schema(s.schema)) for s in config.sources]
    report = offline.run_offline(DumpSite(dump), config, sources, tmp_path / "out", jobs=1,
                                 force=False)
    whole = dataclasses.replace(report, outcomes=list(report.outcomes)).to_json()
    text = json.dumps(whole, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert (tmp_path / "out" / "report.json").read_text(encoding="utf-8") == text
    assert len(report.outcomes) == len(whole["pages"]) > 12


@pytest.mark.parametrize("n", [0, 5, 11])
def test_a_big_table_streamed_into_an_import_file_is_the_in_memory_text(n: int) -> None:
    file = io.BytesIO()
    writer = ImportFile(file, "Movibot", "2026-01-01T00:00:00Z")
    writer.start()
    lines = (member_line(r, "lieu") for r in rows(n))
    old = existing(in_memory(MISSING, 2)[1])
    outcome = offline.stream_category(old, SPEC, lines, writer, "Movibot", False, count=n)
    writer.finish()
    texts = [t.text for t in ET.fromstring(file.getvalue()).iter(f"{{{SCHEMA}}}text")]
    assert (outcome, texts) == (in_memory(old, n)[0], [in_memory(old, n)[1]])


@pytest.mark.parametrize("batch", [1, 2, 500])
def test_a_page_kept_twice_is_listed_once_with_its_last_row(batch: int,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setattr(offline.RowStore, "BATCH", batch)
    with offline.RowStore() as store:
        store.add("A", MemberRow("A", "lieu", categories=("X", "Y")), "A first")
        store.add("B", MemberRow("B", "lieu", categories=("Y",)), "B")
        store.add("A", MemberRow("A", "lieu", categories=("X",)), "A again")
        assert (list(store.lines("X")), list(store.lines("Y"))) == (["A again"], ["B"])
        assert (store.count("X"), store.count("Y")) == (1, 1)
        assert [r.title for r in store.members("Y")] == ["B"]
