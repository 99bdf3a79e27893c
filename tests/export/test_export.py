"""`movibot export`: SQLite, CSV, JSONL and GeoJSON exports of the lieux and fiches, streamed
page by page, agreeing with the run (one parse, one check), invalid records included."""

from __future__ import annotations

import csv
import gc
import json
import sqlite3
import tracemalloc
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from commandline import Cli

from movibot.config import SourceConfig, default_sources
from movibot.errors import UsageError, WikiError
from movibot.export import ExportSummary, export_command, export_records, format_for
from movibot.export.csv import csv_path
from movibot.export.records import COST_COLUMNS, export_record, flatten_costs
from movibot.records.check import blocking
from movibot.records.schema import load_schema
from movibot.sites.base import Page, Site
from movibot.sites.directory import DirectorySite
from movibot.sites.dump import DumpSite
from movibot.sync.offline import source_pages
from movibot.sync.plan import Source, plan_source_page

ROOT = Path(__file__).resolve().parents[2]
FICHES = ROOT / "fiches"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "site"
EXAMPLE = "Exemple de tiers-lieu de 300 m²"
SOURCES = [Source(c, load_schema(c.schema)) for c in default_sources()]


def export(site: Site, to: Path, **kw: Any) -> ExportSummary:
    return export_records(site, SOURCES, to, **kw)


def query(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def fiches_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "movilab.db"
    summary = export(DirectorySite(FICHES), db)
    assert summary.files == [db]
    return db


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("export") / "fixture.sqlite"
    export(DirectorySite(FIXTURES), db)
    return db


# --- the bundled fiches/ folder, as SQLite ------------------------------------------------


def test_the_300_m2_example_has_its_cost_model_figures(fiches_db: Path) -> None:
    (row,) = query(fiches_db, "SELECT valid, monthly_cost, infrastructure, services, "
                              "residents_rate_eur_m2, contributors_rate_eur_m2, "
                              "residents_surface_m2, contributors_surface_m2, offers_surface_m2, "
                              "surface_totale, type FROM lieux WHERE title = ?", EXAMPLE)
    assert row[0] == 1
    assert row[1] == 2500
    assert round(row[4], 2) == 11.11
    assert row[2:4] == (1700, 800)
    assert round(row[5], 2) == 9.2
    assert row[6:10] == (153, 87, 60, 300)
    assert json.loads(row[10]) == ["coworking"]


def test_every_source_has_its_table_and_every_page_its_row(fiches_db: Path) -> None:
    tables = {r[0] for r in query(fiches_db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"pages", "lieux", "fiches", "problems", "categories"}
    by_source = dict(query(fiches_db, "SELECT source, count(*) FROM pages GROUP BY source"))
    assert by_source == {"lieux": 9, "fiches": 24}
    assert query(fiches_db, "SELECT count(*) FROM lieux")[0][0] == 9
    assert query(fiches_db, "SELECT count(*) FROM fiches")[0][0] == 24
    # the 8 Saint-Étienne lieux of the research-action, none with coordinates
    assert query(fiches_db, "SELECT count(*) FROM lieux WHERE ville = 'Saint-Étienne'")[0][0] == 8
    assert query(fiches_db, "SELECT count(*) FROM lieux WHERE latitude IS NOT NULL "
                            "OR longitude IS NOT NULL")[0][0] == 0
    # costs are NULL when inputs are missing: only the example has surface and costs
    assert query(fiches_db, "SELECT title FROM lieux WHERE monthly_cost IS NOT NULL") == [
        (EXAMPLE,)]


def test_columns_are_typed_from_the_schema(fiches_db: Path) -> None:
    with sqlite3.connect(fiches_db) as con:
        lieux = {r[1]: r[2] for r in con.execute("PRAGMA table_info(lieux)")}
        fiches = {r[1]: r[2] for r in con.execute("PRAGMA table_info(fiches)")}
        pk = [r[1] for r in con.execute("PRAGMA table_info(lieux)") if r[5]]
    assert pk == ["title"]
    assert list(lieux)[:4] == ["title", "valid", "revid", "timestamp"]
    assert {lieux[c] for c in ("surface_totale", "cout_infrastructure", "part_residents",
                               "latitude", "postes_travail")} == {"REAL"}
    assert {lieux[c] for c in ("nom", "type", "site_web", "courriel", "statut",
                               "date_creation")} == {"TEXT"}
    assert {lieux[c] for c in COST_COLUMNS} == {"REAL"}
    assert lieux["valid"] == "INTEGER"
    assert not set(COST_COLUMNS) & set(fiches)  # costs are the lieux'
    assert fiches["theme"] == "TEXT" and fiches["date_creation"] == "TEXT"


def test_lists_are_json_arrays_and_foreign_keys_hold(fiches_db: Path) -> None:
    themes = query(fiches_db, "SELECT DISTINCT j.value FROM fiches, json_each(fiches.theme) j")
    assert ("Animation",) in themes
    assert query(fiches_db, "PRAGMA foreign_key_check") == []
    fks = query(fiches_db, "SELECT \"table\" FROM pragma_foreign_key_list('problems')")
    assert fks == [("pages",)]
    indexes = {r[0] for r in query(fiches_db, "SELECT name FROM sqlite_master "
                                              "WHERE type = 'index' AND sql IS NOT NULL")}
    assert {"problems_title", "problems_code", "categories_category"} <= indexes
    cats = query(fiches_db, "SELECT count(*) FROM categories WHERE category = 'Tiers-Lieux'")
    assert cats == [(9,)]


# --- invalid records, problems -------------------------------------------------------------


def test_invalid_records_are_exported_with_their_problems(fixture_db: Path) -> None:
    rows = dict(query(fixture_db, "SELECT title, valid FROM lieux"))
    assert rows == {"Le Lieu Cartographié": 1, "Lieu illisible localisé": 0,
                    "Lieu sans longitude": 1}
    (bad,) = query(fixture_db, "SELECT surface_totale, cout_infrastructure, monthly_cost, "
                               "latitude FROM lieux WHERE valid = 0")
    assert bad == (None, 1000, None, 45.76)  # unreadable -> NULL, no costs when invalid
    problems = query(fixture_db, "SELECT title, code, severity, blocking, field, line, col "
                                 "FROM problems ORDER BY title")
    assert problems == [
        ("Le Lieu Cartographié", "W202", "warning", 0, None, 21, 3),
        ("Lieu illisible localisé", "E103", "error", 1, "surface_totale", 6, 20),
        # missing sections: reported as everywhere (lint, parse, run), not blocking
        ("Lieu sans longitude", "E109", "error", 0, None, 6, 1),
        ("Lieu sans longitude", "E109", "error", 0, None, 6, 1),
        ("Lieu sans longitude", "E109", "error", 0, None, 6, 1),
    ]
    (message,) = query(fixture_db, "SELECT message FROM problems WHERE code = 'E103'")[0]
    assert "environ trois cents" in message
    # the redirect is not exported
    assert query(fixture_db, "SELECT count(*) FROM pages WHERE title LIKE 'Ancien%'") == [(0,)]


def test_a_lieu_with_revenues_has_every_cost_column(fixture_db: Path) -> None:
    with sqlite3.connect(fixture_db) as con:
        con.row_factory = sqlite3.Row
        row = con.execute("SELECT * FROM lieux WHERE title = 'Le Lieu Cartographié'").fetchone()
    assert row["monthly_cost"] == 3000.5
    assert row["residents_rate_eur_m2"] == 12.25  # 2000 / (51 % of 320 m²)
    assert row["price_per_workstation"] == 100
    assert row["revenues_total"] == 2900 and row["balance"] == -100.5
    assert row["gaps_contributors"] == 99.5 and row["coverage"] == 0.9665
    assert all(row[c] is not None for c in COST_COLUMNS)
    assert row["date_creation"] == "2014-04-12"
    assert json.loads(row["type"]) == ["coworking", "fablab"]


def test_flattened_costs_cover_to_json_dict() -> None:
    rec = export_record(Page("x", (FIXTURES / "Le_Lieu_Cartographié.wiki").read_text()),
                        SOURCES)
    assert rec is not None and rec.costs is not None
    keys = set()
    for key, value in rec.costs.items():
        keys |= {f"{key}_{k}" for k in value} if isinstance(value, dict) else {key}
    assert keys == set(COST_COLUMNS)
    assert flatten_costs(None) == dict.fromkeys(COST_COLUMNS)


# --- one parse, one check: the export agrees with the run --------------------------------


def agreement(site: Site) -> int:
    n = 0
    for page in source_pages(site, SOURCES):
        plan = plan_source_page(page, SOURCES, "Movibot", False)
        rec = export_record(page, SOURCES)
        if plan.source is None:
            assert rec is None, page.title
            continue
        assert rec is not None and plan.outcome is not None, page.title
        assert rec.source == plan.source
        assert rec.problems == plan.outcome.problems, page.title
        assert rec.valid == (not blocking(plan.outcome.problems)), page.title
        assert plan.row is not None
        assert (rec.costs is None) == (plan.row.cout_mensuel is None), page.title
        if rec.costs is not None:
            assert Decimal(str(rec.costs["monthly_cost"])) == \
                Decimal(plan.row.cout_mensuel or "NaN").quantize(Decimal("0.01"))
        n += 1
    return n


def test_the_export_agrees_with_the_run(tmp_path: Path) -> None:
    assert agreement(DirectorySite(FICHES)) == 33
    assert agreement(DirectorySite(FIXTURES)) == 4
    assert agreement(DumpSite(write_dump(tmp_path / "d.xml", 60))) == 42


# --- a generated dump --------------------------------------------------------------------


def dump_page(i: int) -> tuple[str, int, str]:
    """(title, ns, text) of the i-th page: every tenth page is a fiche, an invalid lieu, a
    redirect, an article of no source, a category page; the others are lieux (every tenth
    one with coordinates)."""
    kind = i % 10
    if kind == 0:
        return (f"Fiche {i}", 0,
                f"{{{{Fiche\n| résumé = Fiche {i}.\n| type de document = Tutoriel\n"
                f"| thème = Thème {i % 3}, Commun\n| maturité = Démarré\n| auteurs = A{i}\n"
                f"| licence = CC BY-SA 4.0\n| portail = Les Tiers Lieux\n}}}}\nTexte.\n\n"
                f"[[Catégorie:Fiches méthodologiques]]\n")
    if kind == 2:
        return (f"Lieu {i}", 0, f"{{{{Tiers-Lieu\n| nom = Lieu {i}\n| ville = Lyon\n"
                                f"| surface totale = environ {i} m²\n}}}}\n"
                                "[[Catégorie:Tiers-Lieux]]\n")
    if kind == 3:
        return f"Redirection {i}", 0, "#REDIRECTION [[Lieu 1]]\n[[Catégorie:Tiers-Lieux]]\n"
    if kind == 4:
        return f"Article {i}", 0, "Un article sans modèle ni catégorie de source.\n"
    if kind == 5:
        return f"Catégorie:Liste {i}", 14, "[[Catégorie:Tiers-Lieux]]\n"
    coords = f"| latitude = 45.{i:04d}\n| longitude = 4.{i:04d}\n" if kind == 1 else ""
    return (f"Lieu {i}", 0,
            f"{{{{Tiers-Lieu\n| nom = Lieu {i}\n| ville = Ville {i % 7}\n{coords}"
            f"| type = coworking, fablab\n| surface totale = {100 + i} m²\n"
            f"| coût infrastructure = {1000 + 10 * i} €\n| coût services = 800 €\n}}}}\n"
            f"Texte du lieu {i}.\n\n== Communauté ==\nDes membres.\n\n[[Catégorie:Tiers-Lieux]]\n")


def write_dump(path: Path, n: int, duplicate: bool = False) -> Path:
    """An XML export (schema 0.11) of n generated pages, written streaming."""
    numbers: Iterable[int] = range(1, n + 1)
    if duplicate:
        numbers = [*numbers, 1]
    with open(path, "w", encoding="utf-8") as out:
        out.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
                  'xml:lang="fr">\n<siteinfo><sitename>Test</sitename></siteinfo>\n')
        for i in numbers:
            title, ns, text = dump_page(i)
            out.write(f"<page><title>{escape(title)}</title><ns>{ns}</ns><id>{i}</id>"
                      f"<revision><id>{1000 + i}</id><timestamp>2024-01-01T00:00:00Z</timestamp>"
                      f'<text xml:space="preserve">{escape(text)}</text></revision></page>\n')
        out.write("</mediawiki>\n")
    return path


def expected_counts(n: int) -> dict[str, int]:
    kinds = [i % 10 for i in range(1, n + 1)]
    return {"fiches": kinds.count(0), "lieux": sum(k in (1, 2, 6, 7, 8, 9) for k in kinds),
            "invalid": kinds.count(2), "skipped": kinds.count(3) + kinds.count(4),
            "geo": kinds.count(1)}


def test_a_generated_dump_exports_to_sqlite(tmp_path: Path) -> None:
    n = 300
    db = tmp_path / "dump.db"
    summary = export(DumpSite(write_dump(tmp_path / "dump.xml", n, duplicate=True)), db)
    want = expected_counts(n)
    assert summary.by_source == {"lieux": want["lieux"], "fiches": want["fiches"]}
    assert summary.invalid == want["invalid"] and summary.skipped == want["skipped"]
    assert summary.duplicates == 1 and summary.pages == want["lieux"] + want["fiches"]
    assert query(db, "SELECT count(*) FROM pages WHERE valid = 0") == [(want["invalid"],)]
    assert query(db, "SELECT count(DISTINCT title) FROM problems WHERE code = 'E103'") == [
        (want["invalid"],)]
    assert query(db, "SELECT revid, timestamp FROM pages WHERE title = 'Lieu 17'") == [
        (1017, "2024-01-01T00:00:00Z")]
    (row,) = query(db, "SELECT monthly_cost, residents_rate_eur_m2, contributors_surface_m2 "
                       "FROM lieux WHERE title = 'Lieu 17'")
    infra, surface = Decimal(1000 + 170), Decimal(117)
    assert row[0] == float(infra + 800)
    assert Decimal(str(row[1])) == (infra / (surface * Decimal("0.51"))).quantize(Decimal("0.01"))
    assert row[2] == pytest.approx(117 * 0.29)
    assert query(db, "SELECT count(*) FROM lieux WHERE latitude IS NOT NULL") == [(want["geo"],)]
    assert query(db, "SELECT count(*) FROM fiches, json_each(fiches.theme)") == [
        (2 * want["fiches"],)]


def test_memory_stays_flat_over_a_dump(tmp_path: Path) -> None:
    n = 1500  # 1350 content pages: kept in memory, their records would weigh megabytes
    site = DumpSite(write_dump(tmp_path / "big.xml", n))
    samples: list[int] = []

    def progress(items: Iterable[Any], length: int, label: str) -> Iterator[Any]:
        for k, item in enumerate(items, 1):
            if k % 150 == 0:
                gc.collect()  # count what is held, not the garbage awaiting collection
                samples.append(tracemalloc.get_traced_memory()[0])
            yield item

    tracemalloc.start()
    try:
        summary = export(site, tmp_path / "big.db", progress=progress)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.pages == expected_counts(n)["lieux"] + expected_counts(n)["fiches"]
    assert len(samples) == 9
    # memory held does not grow with the pages read (bounded caches aside), nor peaks
    assert max(samples) - samples[0] < 512 * 1024, samples
    assert peak < samples[0] + 4 * 1024 * 1024, (peak, samples)


# --- CSV -----------------------------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_csv_is_one_file_per_source(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    summary = export(DirectorySite(FICHES), out)
    assert summary.files == [tmp_path / "out-lieux.csv", tmp_path / "out-fiches.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out-fiches.csv", "out-lieux.csv"]
    head, lieux = read_csv(tmp_path / "out-lieux.csv")
    assert head[:6] == ["title", "valid", "problems", "categories", "revid", "timestamp"]
    assert head[6:9] == ["nom", "adresse", "code_postal"] and head[-len(COST_COLUMNS):] == list(
        COST_COLUMNS)
    assert len(lieux) == 9
    example = next(r for r in lieux if r["title"] == EXAMPLE)
    assert example["monthly_cost"] == "2500" and example["residents_rate_eur_m2"] == "11.11"
    assert example["surface_totale"] == "300" and example["valid"] == "1"
    head, fiches = read_csv(tmp_path / "out-fiches.csv")
    assert len(fiches) == 24 and "monthly_cost" not in head
    barcamp = next(r for r in fiches if r["title"] == "Barcamp")
    assert barcamp["portail"] == "Pratiques et médiation numérique ; Les Tiers Lieux"
    assert (tmp_path / "out-lieux.csv").read_bytes().startswith(b"title,valid,")  # no BOM


def test_csv_cells(tmp_path: Path) -> None:
    export(DirectorySite(FIXTURES), tmp_path / "t.csv")
    _, rows = read_csv(tmp_path / "t-lieux.csv")
    by_title = {r["title"]: r for r in rows}
    good = by_title["Le Lieu Cartographié"]
    assert good["cout_services"] == "1000.5" and good["latitude"] == "45.4397"
    assert good["type"] == "coworking ; fablab" and good["problems"] == "W202"
    assert good["adresse"] == "'=HYPERLINK(\"https://exemple.invalid\")"  # not a formula
    assert good["date_creation"] == "2014-04-12" and good["categories"] == "Tiers-Lieux"
    bad = by_title["Lieu illisible localisé"]
    assert (bad["valid"], bad["problems"], bad["surface_totale"], bad["monthly_cost"]) == (
        "0", "E103", "", "")
    assert csv_path(Path("d/x.y.csv"), "a b") == Path("d/x.y-a_b.csv")


# --- GeoJSON -------------------------------------------------------------------------------


def test_geojson_has_the_lieux_with_coordinates(tmp_path: Path) -> None:
    out = tmp_path / "carte.geojson"
    summary = export(DirectorySite(FIXTURES), out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and summary.features == 2
    by_id = {f["id"]: f for f in doc["features"]}
    assert set(by_id) == {"Le Lieu Cartographié", "Lieu illisible localisé"}
    good = by_id["Le Lieu Cartographié"]
    assert good["type"] == "Feature"
    assert good["geometry"] == {"type": "Point", "coordinates": [4.3872, 45.4397]}
    props = good["properties"]
    assert props["valid"] is True and props["source"] == "lieux"
    assert props["monthly_cost"] == 3000.5 and props["residents_rate_eur_m2"] == 12.25
    assert props["type"] == ["coworking", "fablab"] and props["surface_totale"] == 400
    assert set(COST_COLUMNS) <= set(props) and props["problems"] == ["W202"]
    bad = by_id["Lieu illisible localisé"]["properties"]
    assert bad["valid"] is False and bad["monthly_cost"] is None and bad["problems"] == ["E103"]


def test_geojson_of_a_site_without_coordinates_is_an_empty_collection(tmp_path: Path) -> None:
    out = tmp_path / "fiches.geojson"
    summary = export(DirectorySite(FICHES), out)
    assert json.loads(out.read_text(encoding="utf-8")) == {"type": "FeatureCollection",
                                                          "features": []}
    assert summary.features == 0 and summary.pages == 33


def test_geojson_of_a_dump(tmp_path: Path) -> None:
    out = tmp_path / "dump.geojson"
    export(DumpSite(write_dump(tmp_path / "d.xml", 100)), out)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert len(features) == expected_counts(100)["geo"]
    assert features[0]["geometry"]["coordinates"] == [4.0001, 45.0001]


# --- JSONL ---------------------------------------------------------------------------------


def test_jsonl_is_one_object_per_page(tmp_path: Path) -> None:
    out = tmp_path / "pages.jsonl"
    export(DirectorySite(FIXTURES), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    pages = [json.loads(line) for line in lines]
    assert [p["title"] for p in pages] == ["Le Lieu Cartographié", "Lieu illisible localisé",
                                           "Lieu sans longitude", "Fiche de test"]
    assert set(pages[0]) == {"title", "kind", "source", "valid", "revid", "timestamp",
                             "categories", "fields", "costs", "problems"}
    assert pages[0]["costs"]["residents"]["rate_eur_m2"] == 12.25
    assert pages[0]["fields"]["postes_travail"] == 20
    assert pages[1]["valid"] is False and pages[1]["costs"] is None
    assert "surface_totale" not in pages[1]["fields"]
    assert pages[1]["problems"][0]["code"] == "E103"
    assert pages[3]["kind"] == "fiche" and pages[3]["fields"]["portail"] == [
        "Économie, droit et législation", "Les Tiers Lieux"]


# --- the target, errors --------------------------------------------------------------------


def test_the_format_comes_from_the_suffix() -> None:
    assert [format_for(Path(p)) for p in ("a.db", "a.SQLITE", "a.csv", "a.jsonl",
                                          "a.geojson")] == ["sqlite", "sqlite", "csv", "jsonl",
                                                            "geojson"]
    with pytest.raises(UsageError, match="unknown export format '.txt'"):
        format_for(Path("a.txt"))


class FailingSite:
    """A folder site whose category read fails after its first pages."""

    writable = False
    live = False
    first_letter = True
    content_language = None
    requests = 0

    def __init__(self) -> None:
        self.inner = DirectorySite(FIXTURES)
        self.name = "failing"
        self.problems = self.inner.problems
        self.templatedata = self.inner.templatedata
        self.info = self.inner.info
        self.template_redirects = self.inner.template_redirects

    def category_pages(self, category: str) -> Iterator[Page]:
        yield from list(self.inner.category_pages(category))[:1]
        raise WikiError("the wiki went away")

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        return self.inner.pages(titles)

    def changes_reach(self, timestamp: str) -> bool:
        return True

    def transcluding(self, template: str) -> Iterator[Page]:
        return iter(())

    def changed_since(self, timestamp: str, namespaces: object = None) -> list[str]:
        return []

    def now(self) -> str:
        return self.inner.now()

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True) -> Page:
        raise WikiError("read-only")

    def render(self, title: str, text: str) -> str | None:
        return None


@pytest.mark.parametrize("name", ["old.db", "old.jsonl", "old.geojson", "old.csv"])
def test_a_failed_export_leaves_the_previous_one(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    export(DirectorySite(FIXTURES), target)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert isinstance(FailingSite(), Site)
    with pytest.raises(WikiError, match="went away"):
        export(FailingSite(), target)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp file left


def test_a_source_named_like_a_table_is_refused(tmp_path: Path) -> None:
    bad = [Source(SourceConfig("problems", "Tiers-Lieux", SOURCES[0].config.schema),
                  SOURCES[0].schema)]
    with pytest.raises(UsageError, match="rename the source"):
        export_records(DirectorySite(FIXTURES), bad, tmp_path / "x.db")
    assert list(tmp_path.iterdir()) == []


def test_export_command_reads_the_configured_site(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MOVIBOT_CONFIG", raising=False)
    summary = export_command(str(FIXTURES), None, tmp_path / "out.db")
    assert summary.summary_line() == (f"exported 4 pages (lieux 3, fiches 1; 1 invalid, "
                                      f"5 problems) to {tmp_path / 'out.db'}")
    assert summary.skipped == 1 and summary.to_json()["pages"] == 4
    with pytest.raises(UsageError, match="unknown export format"):
        export_command("/no/such/folder", None, tmp_path / "out.xlsx")


def test_the_export_command_writes_sqlite_from_the_cli(cli: Cli, tmp_path: Path) -> None:
    import sqlite3 as _sqlite3


    target = tmp_path / "movilab.db"
    result = cli("export", "--site", str(Path(__file__).parents[2]
                                          / "fiches"), "--to", str(target))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("exported 33 pages (lieux 9, fiches 24; 0 invalid")
    row = _sqlite3.connect(target).execute(
        "SELECT monthly_cost, residents_rate_eur_m2 FROM lieux WHERE title = ?",
        ("Exemple de tiers-lieu de 300 m²",)).fetchone()
    assert row == (2500.0, 11.11)
