"""One reader, one plan: every command reads a page the same way (records.read), the dump run
plans what the folder run plans, a dry run forecasts the real run, and a failed dump run leaves
its output folder as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from commandline import Cli

from movibot.sites.directory import DirectorySite

ROOT = Path(__file__).resolve().parents[2]
FICHES = ROOT / "fiches"
FIXTURE_SITE = ROOT / "tests" / "fixtures" / "site"
EXPORT_SITE = ROOT / "tests" / "fixtures" / "export" / "site"


def copy_site(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("*.md", "*.py", "__pycache__"))
    return dest


def dump_from(folder: Path, path: Path) -> Path:
    from test_claims_commands import dump_of

    return dump_of(path, {p.title: p.text for p in DirectorySite(folder).all_pages()})


def found(problems: list[dict[str, Any]]) -> list[tuple[str, int, int, str]]:
    return sorted((p["code"], p["line"], p["col"], p["message"]) for p in problems)


# -- the same page gives the same problems and record in every command ------------------------


@pytest.mark.parametrize("source", [FICHES, FIXTURE_SITE, EXPORT_SITE],
                         ids=["fiches", "fixture-site", "export-site"])
def test_every_command_reports_the_same_problems_and_record_for_a_page(
        cli: Cli, source: Path, tmp_path: Path, config: Path) -> None:
    site = copy_site(source, tmp_path / "site")
    files = sorted(str(p) for p in site.glob("*.wiki"))
    lint = json.loads(cli("lint", "--config", str(config), "--format", "json",
                             *files).output)
    by_file: dict[str, list[dict[str, Any]]] = {f: [] for f in files}
    for p in lint["problems"]:
        if p["code"] != "W501":  # links to pages outside the set: lint's own, set-level rule
            by_file[p["path"]].append(p)
    parsed = json.loads(cli("parse", "--config", str(config), "--format", "json",
                               *files).output)
    records = {r["title"]: r for r in (parsed if isinstance(parsed, list) else [parsed])}
    titles = {str(Path(f)): t for f, t in zip(files, [r["title"] for r in records.values()],
                                              strict=True)}
    report_path = tmp_path / "report.json"
    cli("run", "--site", str(site), "--config", str(config), "--dry-run", "--full",
           "--report", str(report_path))
    run_pages = {p["title"]: p for p in json.loads(report_path.read_text())["pages"]}
    export_path = tmp_path / "export.jsonl"
    cli("export", "--site", str(site), "--config", str(config), "--to", str(export_path))
    exported = {e["title"]: e for e in map(json.loads, export_path.read_text().splitlines())}
    assert run_pages and exported  # the comparison below is about something
    for file, title in titles.items():
        record = records[title]
        assert found(record["problems"]) == found(by_file[file]), title
        if title in run_pages and run_pages[title]["status"] != "redirect":
            assert found(run_pages[title]["problems"]) == found(record["problems"]), title
        if title in exported:
            assert found(exported[title]["problems"]) == found(record["problems"]), title
            fields = {k: v for k, v in exported[title]["fields"].items() if v is not None}
            assert fields == {k: record["fields"].get(k) for k in fields}, title


def test_a_missing_section_is_reported_by_every_command_and_fails_only_lint(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    page = site / "Le_Mixeur.wiki"
    page.write_text(page.read_text().replace("== Communauté ==", "== Autre ==", 1))
    lint = cli("lint", "--config", str(config), str(page))
    assert lint.exit_code == 1 and 'error E109 missing section "Communauté"' in lint.output
    parsed = json.loads(cli("parse", "--config", str(config), "--format", "json",
                               str(page)).output)
    assert [p["code"] for p in parsed["problems"]] == ["E109"]
    report = tmp_path / "r.json"
    run = cli("run", "--site", str(site), "--config", str(config), "--report", str(report))
    mixeur = next(p for p in json.loads(report.read_text())["pages"] if p["title"] == "Le Mixeur")
    # the run reports it and still writes the infobox: E109 does not make a record unfit
    assert (run.exit_code, mixeur["status"], [p["code"] for p in mixeur["problems"]]) == (
        0, "edited", ["E109"])


def test_export_lists_a_page_the_bot_puts_in_its_category(
        cli: Cli, tmp_path: Path) -> None:
    from test_discovery import MEMBER, ORPHAN, config_for

    site = tmp_path / "site"
    site.mkdir()
    (site / "Orphelin.wiki").write_text(ORPHAN, encoding="utf-8")
    (site / "Membre.wiki").write_text(MEMBER, encoding="utf-8")
    config = config_for(tmp_path, add_category=True)
    out = tmp_path / "x.jsonl"
    assert cli("export", "--site", str(site), "--config", str(config), "--to",
                  str(out)).exit_code == 0
    rows = {r["title"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert sorted(rows) == ["Membre", "Orphelin"]
    assert rows["Orphelin"]["categories"] == ["Tiers-Lieux"]
    cli("run", "--site", str(site), "--config", str(config))
    members = (site / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    assert "[[Orphelin]]" in members and "[[Membre]]" in members  # what the run lists


# -- parse reads dumps ----------------------------------------------------------------------


def test_parse_reads_every_source_page_of_a_dump_as_it_reads_the_files(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    dump = dump_from(site, tmp_path / "dump.xml")
    result = cli("parse", "--config", str(config), "--format", "json", str(dump))
    assert result.exit_code == 0
    from_dump = {r["title"]: r for r in json.loads(result.output)}
    files = [str(site / "Le_Mixeur.wiki"), str(site / "Barcamp.wiki")]
    from_files = json.loads(cli("parse", "--config", str(config), "--format", "json",
                                   *files).output)
    assert len(from_dump) == 33  # the lieux and fiches; no portal, category or template page
    for record in from_files:
        theirs = from_dump[record["title"]]
        assert (theirs["fields"], found(theirs["problems"])) == (
            record["fields"], found(record["problems"]))


def test_parse_of_a_damaged_dump_is_one_line_and_no_record(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    dump = dump_from(copy_site(FICHES, tmp_path / "site"), tmp_path / "dump.xml")
    (tmp_path / "cut.xml").write_bytes(dump.read_bytes()[:20000])
    result = cli("parse", "--config", str(config), str(tmp_path / "cut.xml"))
    assert (result.exit_code, result.output) == (1, (
        f"Error: {tmp_path / 'cut.xml'}: malformed XML at byte 20000: no element found\n"))


# -- the dump run is the run ----------------------------------------------------------------


def test_the_dump_run_writes_exactly_the_pages_the_folder_run_edits(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    before = {p.name: p.read_bytes() for p in site.glob("*.wiki")}
    dump = dump_from(site, tmp_path / "dump.xml")
    out = tmp_path / "out"
    assert cli("run", "--site", f"dump:{dump}", "--config", str(config), "--out",
                  str(out)).exit_code == 0
    assert cli("run", "--site", str(site), "--config", str(config)).exit_code == 0
    changed = {p.name for p in site.glob("*.wiki") if before.get(p.name) != p.read_bytes()}
    assert {"Modèle:Tiers-Lieu.wiki", "Modèle:Fiche.wiki"} <= {
        p.name for p in out.glob("*.wiki")} or not {"Modèle:Tiers-Lieu.wiki",
                                                      "Modèle:Fiche.wiki"} & changed
    assert {p.name for p in out.glob("*.wiki")} == changed
    for name in changed:
        assert (out / name).read_bytes() == (site / name).read_bytes(), name


def test_the_dump_run_plans_the_template_pages(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    from movibot.wikitext.blocks import find_block, make_block

    template = site / "Modèle:Fiche.wiki"
    text = template.read_text()
    doc = find_block(text, "doc")
    assert doc is not None
    template.write_text(text[:doc.start] + make_block("doc", "ancienne documentation\n")
                        + text[doc.end:])  # a block the bot wrote, now out of date
    dump = dump_from(site, tmp_path / "dump.xml")
    out = tmp_path / "out"
    assert cli("run", "--site", f"dump:{dump}", "--config", str(config), "--out",
                  str(out)).exit_code == 0
    report = json.loads((out / "report.json").read_text())
    statuses = {p["title"]: p["status"] for p in report["pages"]}
    assert (statuses["Modèle:Fiche"], statuses["Modèle:Tiers-Lieu"]) == ("edited", "unchanged")
    assert (out / "Modèle:Fiche.wiki").read_text() == (FICHES / "Modèle:Fiche.wiki").read_text()


@pytest.mark.parametrize("option", [["--dry-run"], ["--title", "Nope"], ["--max-edits", "0"]])
def test_a_run_option_the_dump_run_cannot_honour_is_refused(
        cli: Cli, option: list[str], tmp_path: Path, config: Path) -> None:
    dump = dump_from(copy_site(FIXTURE_SITE, tmp_path / "site"), tmp_path / "dump.xml")
    out = tmp_path / "out"
    result = cli("run", "--site", f"dump:{dump}", "--config", str(config), "--out",
                    str(out), *option)
    assert result.exit_code == 2 and not out.exists()
    assert result.output.startswith(f"Error: {option[0]} cannot be used with --out: ")
    assert result.output.count("\n") == 1


def test_jobs_without_out_is_refused(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    result = cli("run", "--site", str(copy_site(FIXTURE_SITE, tmp_path / "s")),
                    "--config", str(config), "--jobs", "2")
    assert (result.exit_code, result.output) == (
        2, "Error: --jobs works with --out only (a run on a site edits one page at a time)\n")


def test_a_failed_dump_run_leaves_out_as_it_was_and_reports_why(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    dump = dump_from(copy_site(FICHES, tmp_path / "site"), tmp_path / "dump.xml")
    out = tmp_path / "out"
    assert cli("run", "--site", f"dump:{dump}", "--config", str(config), "--out",
                  str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    cut = tmp_path / "cut.xml"
    cut.write_bytes(dump.read_bytes()[:20000])
    result = cli("run", "--site", f"dump:{cut}", "--config", str(config), "--out", str(out))
    assert result.exit_code == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cut.xml", "dump.xml", "movibot.yaml", "out", "out.report.json", "site"]
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert (report["halted"], report["edits"], report["pages"], report["exit_code"]) == (
        f"{cut}: malformed XML at byte 20000: no element found; {out} left as it was", 0, [], 1)
    assert f"{out} left as it was; the report is in {tmp_path / 'out.report.json'}" in \
        result.output


def test_the_dump_run_never_replaces_a_folder_it_did_not_write(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    dump = dump_from(copy_site(FIXTURE_SITE, tmp_path / "site"), tmp_path / "dump.xml")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("à garder")
    result = cli("run", "--site", f"dump:{dump}", "--config", str(config), "--out", str(mine))
    assert (result.exit_code, result.output) == (2, (
        f"Error: --out {mine} is not empty and holds no report.json: give a new or empty "
        "folder\n"))
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


# -- the dry run is the real run's plan -------------------------------------------------------


def test_a_dry_run_with_max_edits_counts_what_the_real_run_does(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    dry = cli("run", "--site", str(site), "--config", str(config), "--dry-run",
                 "--max-edits", "1", "--format", "json")
    real = cli("run", "--site", str(site), "--config", str(config), "--max-edits", "1",
                  "--format", "json")
    d, r = json.loads(dry.output), json.loads(real.output)
    assert d["counts"] == r["counts"] and d["counts"]["not-done"] == 38
    assert [(p["title"], p["status"]) for p in d["pages"]] == [
        (p["title"], p["status"]) for p in r["pages"]]
    assert (d["halted"], r["halted"], d["exit_code"], r["exit_code"]) == (
        "max_edits (1) reached", "max_edits (1) reached", 0, 0)


def test_diff_title_reports_a_page_whose_block_was_edited_by_hand(
        cli: Cli, tmp_path: Path, config: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    cli("run", "--site", str(site), "--config", str(config))
    page = site / "Le_Mixeur.wiki"
    text = page.read_text()
    end = text.index("<!-- movibot:end infobox")
    page.write_text(text[:end] + "retouché à la main\n" + text[end:])
    run = cli("run", "--site", str(site), "--config", str(config), "--dry-run", "--title",
                 "Le Mixeur")
    diff = cli("diff", "--site", str(site), "--config", str(config), "--title", "Le Mixeur")
    line = next(x for x in diff.output.splitlines() if x.startswith("Le Mixeur: "))
    assert line.startswith("Le Mixeur: block-edited: block 'infobox' at line")
    assert line in run.output.splitlines()
    assert (diff.exit_code, run.exit_code) == (1, 1)


def test_a_dry_run_counts_the_report_page_edit_the_real_run_makes(
        cli: Cli, tmp_path: Path) -> None:
    site = copy_site(FICHES, tmp_path / "site")
    config = tmp_path / "movibot.yaml"
    config.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 's.json'}\n"
                      "report_page: Utilisateur:Movibot/Rapport\n", encoding="utf-8")
    for _ in range(2):  # an active night, then a quiet one (no edit at all, report page included)
        dry = json.loads(cli("run", "--site", str(site), "--config", str(config),
                                "--dry-run", "--format", "json").output)
        real = json.loads(cli("run", "--site", str(site), "--config", str(config),
                                 "--format", "json").output)
        assert (dry["counts"], [(p["title"], p["status"]) for p in dry["pages"]]) == (
            real["counts"], [(p["title"], p["status"]) for p in real["pages"]])
        assert dry["edits"] == 0
    assert real["edits"] == 0 and dry["counts"]["edited"] == dry["counts"]["created"] == 0
