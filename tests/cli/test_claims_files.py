"""Claims of the README and its guides (docs/) that had no test of their own (tests/README.md,
"Claims without a test"): owned blocks under `run --force`, the lock of push and pull, pull and
push over local files, the push report, `run --dry-run --title`, the export formats, the
configuration file, `push_bot_flag`, the schemas' JSON Schema draft, text fields, the lint
table, the pre-commit hook and the hostile pages of the reliability suite."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from commandline import Cli
from reliability_hostile import HOSTILE_PAGES
from test_contrib_wiki import FICHE, FILE, edit, pulled  # noqa: F401  (pulled: a fixture)
from test_run_wiki import configure

from movibot import __version__
from movibot.errors import ReadOnly, SchemaError
from movibot.problems import CODES
from movibot.records.parse import parse_page
from movibot.records.schema import load_schemas, schema_from_dict, validate_fields
from movibot.sites.directory import DirectorySite
from movibot.sync.edits import unified_diff
from movibot.wikitext.titles import title_from_file

ROOT = Path(__file__).resolve().parents[2]
MAINTAINERS = (ROOT / "docs" / "maintainers.md").read_text(encoding="utf-8")
GUARANTEES = (ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8")
LIEU_SCHEMA = ROOT / "schemas" / "lieu.yaml"
LIEU = "Le_Lieu_Test.wiki"
BEGIN = "<!-- movibot:begin infobox sha1=0123456789ab -->"
END = "<!-- movibot:end infobox -->"


def texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.wiki"))}


# --- owned blocks: block-malformed (items 28, 30) ------------------------------------------------


MALFORMED = {
    "missing-end": f"}}}}\n{BEGIN}\n{{| class=x\n|}}\n",
    "duplicated-begin": f"}}}}\n{BEGIN}\n{BEGIN}\n{{| class=x\n|}}\n{END}\n",
    "misordered": f"}}}}\n{END}\n{{| class=x\n|}}\n{BEGIN}\n",
}


@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_block_is_never_overridden_and_alone_makes_the_exit_code_1(
        cli: Cli, site: Path, config: Path, kind: str, force: bool) -> None:
    page = site / LIEU
    text = page.read_text(encoding="utf-8").replace("}}\n", MALFORMED[kind], 1)
    page.write_text(text, encoding="utf-8")
    code, _, report = cli.run(site, config, *(["--force"] if force else []))
    status = {p["title"]: p["status"] for p in report["pages"]}
    assert status["Le Lieu Test"] == "block-malformed"
    assert page.read_text(encoding="utf-8") == text  # left byte for byte
    # the only status of the run that needs a person: it alone makes the exit code 1
    assert {s for s, n in report["counts"].items() if n} <= {"edited", "created", "unchanged",
                                                              "block-malformed"}
    assert (code, report["exit_code"], report["halted"]) == (1, 1, None)


# --- the lock of push and pull (item 32) ---------------------------------------------------------


@pytest.fixture
def contrib(cli: Cli, tmp_path: Path, site: Path, config: Path, monkeypatch: pytest.MonkeyPatch
            ) -> dict[str, Path]:
    """A folder "wiki" after one run (its blocks current), pulled into tmp_path/fiches; the
    configuration names the folder, and the working directory is tmp_path."""
    cfg = config.read_text(encoding="utf-8") + f"site: {site}\n"
    config.write_text(cfg, encoding="utf-8")
    assert cli.run(site, config)[0] == 0
    monkeypatch.chdir(tmp_path)
    result = cli("pull", "--config", str(config))  # --dest fiches, the default
    assert result.exit_code == 0, result.output
    return {"wiki": site, "local": tmp_path / "fiches", "config": config,
            "state": tmp_path / "state.json", "lock": tmp_path / "state.json.lock"}


def holder_seen(monkeypatch: pytest.MonkeyPatch, method: str, lock: Path) -> list[Any]:
    """Wrap DirectorySite.<method> to record the lock file's content when it is called."""
    seen: list[Any] = []
    real = getattr(DirectorySite, method)

    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(json.loads(lock.read_text(encoding="utf-8")) if lock.exists() else None)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(DirectorySite, method, wrapped)
    return seen


@pytest.mark.parametrize("command", ["push", "pull"])
def test_push_and_pull_hold_the_lock_naming_pid_host_and_start_time(
        cli: Cli, contrib: dict[str, Path], monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    edit(contrib["local"] / LIEU, "Un lieu de test.", "Un lieu de test, modifié.")
    seen = holder_seen(monkeypatch, "save" if command == "push" else "category_pages",
                       contrib["lock"])
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    args = [str(contrib["local"] / LIEU)] if command == "push" else ["--force"]
    result = cli(command, "--config", str(contrib["config"]), *args)
    assert result.exit_code == 0, result.output
    assert seen and all(s is not None for s in seen)
    assert sorted(seen[0]) == ["host", "pid", "started"]
    assert (seen[0]["pid"], seen[0]["host"]) == (os.getpid(), socket.gethostname())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", seen[0]["started"])
    assert seen[0]["started"] >= before
    assert not contrib["lock"].exists()  # released at the end


@pytest.mark.parametrize("command", ["push", "pull"])
def test_push_and_pull_exit_4_while_another_process_holds_the_lock(
        cli: Cli, contrib: dict[str, Path], command: str) -> None:
    edit(contrib["local"] / LIEU, "Un lieu de test.", "Un lieu de test, modifié.")
    wiki_before, local_before = texts(contrib["wiki"]), texts(contrib["local"])
    holder = {"pid": os.getppid(), "host": socket.gethostname(), "started": "2026-01-01T00:00:00Z"}
    contrib["lock"].write_text(json.dumps(holder), encoding="utf-8")
    result = cli(command, "--config", str(contrib["config"]),
                    *([str(contrib["local"])] if command == "push" else ["--force"]))
    assert result.exit_code == 4
    assert (f"Error: another movibot run holds {contrib['lock']}: pid {os.getppid()} on "
            f"{socket.gethostname()}, started 2026-01-01T00:00:00Z") in result.output
    assert (texts(contrib["wiki"]), texts(contrib["local"])) == (wiki_before, local_before)


# --- pull over local files (items 34, 35) --------------------------------------------------------


def base(contrib: dict[str, Path], title: str) -> tuple[str, int]:
    state = json.loads(contrib["state"].read_text(encoding="utf-8"))
    (entry,) = state["sites"].values()
    page = entry["pages"][title]
    return page["base"], page["base_revid"]


def test_pull_replaces_a_file_unchanged_since_its_last_pull_by_the_wikis_text(
        cli: Cli, contrib: dict[str, Path]) -> None:
    theirs = edit(contrib["wiki"] / LIEU, "Des gens.", "Des habitants.")
    result = cli("pull", "--config", str(contrib["config"]))
    assert result.exit_code == 0, result.output
    assert f"fiches/{LIEU}: pulled\n" in result.output
    assert (contrib["local"] / LIEU).read_text(encoding="utf-8") == theirs


def test_pull_replaces_a_file_unchanged_since_its_last_push_by_the_wikis_text(
        cli: Cli, contrib: dict[str, Path]) -> None:
    edit(contrib["local"] / LIEU, "Un lieu de test.", "Un lieu de test, modifié.")
    result = cli("push", "--config", str(contrib["config"]), str(contrib["local"] / LIEU))
    assert result.exit_code == 0, result.output
    theirs = edit(contrib["wiki"] / LIEU, "Des gens.", "Des habitants.")
    result = cli("pull", "--config", str(contrib["config"]))
    assert result.exit_code == 0, result.output
    assert f"fiches/{LIEU}: pulled\n" in result.output
    text = (contrib["local"] / LIEU).read_text(encoding="utf-8")
    assert text == theirs and "Un lieu de test, modifié." in text


def test_the_base_is_recorded_only_for_files_taken_cleanly(
                                                           cli: Cli,
                                                           contrib: dict[str, Path]) -> None:
    local, wiki = contrib["local"], contrib["wiki"]
    old = {t: base(contrib, t) for t in ("Le Lieu Test", "La Petite Fabrique",
                                         "Monter une conciergerie")}
    # Le Lieu Test: overlapping changes (conflict); La Petite Fabrique: kept with
    # --keep-local; Monter une conciergerie: changed on the wiki only (pulled)
    edit(local / LIEU, "Des gens.", "Des voisins.")
    edit(wiki / LIEU, "Des gens.", "Des habitants.")
    fabrique = "La_Petite_Fabrique.wiki"
    (local / fabrique).write_text((local / fabrique).read_text(encoding="utf-8") + "Local.\n",
                                  encoding="utf-8")
    (wiki / fabrique).write_text((wiki / fabrique).read_text(encoding="utf-8") + "Wiki.\n",
                                 encoding="utf-8")
    fiche = "Monter_une_conciergerie.wiki"
    (wiki / fiche).write_text((wiki / fiche).read_text(encoding="utf-8") + "Ajout.\n",
                              encoding="utf-8")
    result = cli("pull", "--config", str(contrib["config"]), "--title", "Le Lieu Test",
                    "--title", "Monter une conciergerie")
    assert result.exit_code == 1 and f"fiches/{LIEU}: conflict" in result.output
    assert f"fiches/{fiche}: pulled\n" in result.output
    result = cli("pull", "--config", str(contrib["config"]), "--keep-local", "--title",
                    "La Petite Fabrique")
    assert result.exit_code == 0 and f"fiches/{fabrique}: kept-local" in result.output
    assert base(contrib, "Le Lieu Test") == old["Le Lieu Test"]
    assert base(contrib, "La Petite Fabrique") == old["La Petite Fabrique"]
    now = DirectorySite(wiki).pages(["Monter une conciergerie"])
    page = next(iter(now))
    assert base(contrib, "Monter une conciergerie") == (page.text, page.revid)
    assert base(contrib, "Monter une conciergerie") != old["Monter une conciergerie"]


# --- push: the default folder, `unchanged`, halts, the JSON report (items 36, 37) ---------------


PUSH_KEYS = ["counts", "dry_run", "edits", "exit_code", "files", "halted", "requests", "site",
             "stopped", "version"]


def test_push_without_a_path_pushes_fiches_and_untouched_files_are_unchanged(
        cli: Cli, contrib: dict[str, Path]) -> None:
    changed = edit(contrib["local"] / LIEU, "Un lieu de test.", "Un lieu de test, modifié.")
    result = cli("push", "--config", str(contrib["config"]))
    assert result.exit_code == 0, result.output
    others = [f"fiches/{name}: unchanged" for name in texts(contrib["local"]) if name != LIEU]
    assert len(others) >= 2  # the other lieu, the fiche (and the subcategories pulled)
    assert result.stderr.splitlines() == [*others, f"fiches/{LIEU}: pushed"]
    assert (contrib["wiki"] / LIEU).read_text(encoding="utf-8") == changed


def test_push_halts_like_the_run_and_says_so_in_its_json_report(
        cli: Cli, contrib: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    local = contrib["local"]
    edit(local / LIEU, "Un lieu de test.", "Un lieu de test, modifié.")
    edit(local / "La_Petite_Fabrique.wiki", "== Communauté ==", "== Communauté ==\nNous.")

    def read_only(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise ReadOnly("the wiki is read-only: maintenance")

    monkeypatch.setattr(DirectorySite, "save", read_only)
    report = local.parent / "push.json"
    result = cli("push", "--config", str(contrib["config"]), "--format",
                 "json", "--report", str(report), str(local))
    data = json.loads(result.stdout)
    assert data == json.loads(report.read_text(encoding="utf-8"))
    assert sorted(data) == PUSH_KEYS
    assert all(sorted(f) == ["message", "path", "status", "title"] for f in data["files"])
    assert {s: n for s, n in data["counts"].items() if s != "unchanged"} == {
        "error": 1, "not-done": 1}
    assert (data["halted"], data["stopped"], data["edits"], data["exit_code"],
            result.exit_code) == ("the wiki is read-only: maintenance", False, 0, 1, 1)
    assert (data["version"], data["dry_run"], data["site"]) == (
        __version__, False, str(contrib["wiki"]))


def test_push_max_edits_says_so_in_halted(cli: Cli, contrib: dict[str, Path]) -> None:
    local = contrib["local"]
    edit(local / LIEU, "Un lieu de test.", "Un lieu de test, modifié.")
    edit(local / "La_Petite_Fabrique.wiki", "== Communauté ==", "== Communauté ==\nNous.")
    result = cli("push", "--config", str(contrib["config"]),
                 "--max-edits", "1", str(local))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == [
        f"{local / 'Le_Lieu_Test.wiki'}: not-done: max_edits (1) reached",
        "halted: max_edits (1) reached"]


# --- run --dry-run --title (item 39) ------------------------------------------------------------


def test_run_dry_run_title_shows_the_exact_diff_the_run_then_makes(cli: Cli, site: Path,
                                                                   config: Path
                                                                    ) -> None:
    before = texts(site)
    dry = cli("run", "--site", str(site), "--config", str(config), "--dry-run", "--title",
                 "Le Lieu Test")
    assert dry.exit_code == 0, dry.output
    assert texts(site) == before  # a dry run writes nothing
    code, _, report = cli.run(site, config, "--title", "Le Lieu Test")
    assert code == 0
    after = texts(site)
    made = "".join(unified_diff(before.get(name, ""), after[name],
                                title_from_file(name, after[name]))
                   for name in after if before.get(name) != after[name])
    shown = dry.stdout.split("--- a/")[1:]
    assert sorted(shown) == sorted(made.split("--- a/")[1:])
    assert shown[0].startswith("Le Lieu Test\n")
    assert "a/La Petite Fabrique" not in dry.stdout
    assert before["La_Petite_Fabrique.wiki"] == after["La_Petite_Fabrique.wiki"]


# --- export (items 40, 41, 42, 43) --------------------------------------------------------------


BOOL_LIEU = ("{{{{Tiers-Lieu\n| nom = {nom}\n| ville = {ville}\n| adresse = {adresse}\n"
             "| accessible = {accessible}\n}}}}\n[[Catégorie:Tiers-Lieux]]\n")


@pytest.fixture
def export_site(tmp_path: Path) -> tuple[Path, Path]:
    """A folder of two lieux under a lieu schema with a `bool` field (`accessible`), and its
    configuration."""
    schema = yaml.safe_load(LIEU_SCHEMA.read_text(encoding="utf-8"))
    schema["properties"]["accessible"] = {"type": "boolean"}
    schema["x-wiki"]["fields"]["accessible"] = {"param": "accessible", "label": "Accessible",
                                                "type": "bool"}
    custom = tmp_path / "lieu.yaml"
    custom.write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "Plus.wiki").write_text(BOOL_LIEU.format(
        nom="+33 1 23 45 67 89", ville="-Lyon", adresse="@atelier", accessible="oui"),
        encoding="utf-8")
    (folder / "Egal.wiki").write_text(BOOL_LIEU.format(
        nom="=SOMME(A1)", ville="Caen", adresse="rue -1", accessible="non"), encoding="utf-8")
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"site: {folder}\nsources:\n  lieux:\n    schema: {custom}\n", encoding="utf-8")
    return folder, cfg


def export(cli: Cli, cfg: Path, to: Path) -> None:
    result = cli("export", "--config", str(cfg), "--to", str(to))
    assert result.exit_code == 0, result.output


def test_export_writes_bool_as_1_0_and_as_true_false_in_json(
                                                             cli: Cli,
                                                             export_site: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    _, cfg = export_site
    for name in ("out.db", "out.jsonl", "out.csv", "out.geojson"):
        export(cli, cfg, tmp_path / name)
    with sqlite3.connect(tmp_path / "out.db") as db:
        rows = db.execute("SELECT title, accessible, typeof(accessible) FROM lieux "
                          "ORDER BY title").fetchall()
        (column,) = [c for c in db.execute("PRAGMA table_info(lieux)") if c[1] == "accessible"]
    assert rows == [("Egal", 0, "integer"), ("Plus", 1, "integer")] and column[2] == "INTEGER"
    lines = [json.loads(line) for line in
             (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {o["title"]: json.dumps(o["fields"]["accessible"]) for o in lines} == {
        "Plus": "true", "Egal": "false"}
    with open(tmp_path / "out-lieux.csv", encoding="utf-8", newline="") as f:
        csv_rows = {r["title"]: r["accessible"] for r in csv.DictReader(f)}
    assert csv_rows == {"Plus": "1", "Egal": "0"}


def test_export_takes_the_sqlite3_and_ndjson_suffixes(cli: Cli, export_site: tuple[Path, Path],
                                                     tmp_path: Path) -> None:
    _, cfg = export_site
    for name in ("out.db", "out.sqlite3", "out.jsonl", "out.ndjson"):
        export(cli, cfg, tmp_path / name)
    assert (tmp_path / "out.ndjson").read_text(encoding="utf-8") == (
        tmp_path / "out.jsonl").read_text(encoding="utf-8")

    def dump(path: Path) -> list[Any]:
        with sqlite3.connect(path) as db:
            tables = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return [(t, db.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall()) for t in tables]

    assert dump(tmp_path / "out.sqlite3") == dump(tmp_path / "out.db")
    assert [t for t, _ in dump(tmp_path / "out.sqlite3")] == ["categories", "lieux", "pages",
                                                               "problems"]


def test_sqlite_problems_have_their_name_and_categories_reference_pages(
        cli: Cli, export_site: tuple[Path, Path], tmp_path: Path) -> None:
    folder, cfg = export_site
    (folder / "Illisible.wiki").write_text(
        "{{Tiers-Lieu\n| nom = I\n| ville = Metz\n| surface totale = environ trois cents\n}}\n"
        "[[Catégorie:Tiers-Lieux]]\n", encoding="utf-8")
    export(cli, cfg, tmp_path / "out.db")
    with sqlite3.connect(tmp_path / "out.db") as db:
        columns = [c[1] for c in db.execute("PRAGMA table_info(problems)")]
        problems = db.execute("SELECT title, code, name, severity FROM problems").fetchall()
        keys = db.execute("PRAGMA foreign_key_list(categories)").fetchall()
        categories = db.execute("SELECT title, category FROM categories ORDER BY 1").fetchall()
        orphans = db.execute("SELECT count(*) FROM categories WHERE title NOT IN "
                             "(SELECT title FROM pages)").fetchone()
    assert columns == ["id", "title", "code", "name", "severity", "blocking", "field", "line",
                       "col", "message"]
    assert ("Illisible", "E103", "unreadable-value", "error") in problems
    assert all(name == CODES[code].name and severity == CODES[code].severity
               for _, code, name, severity in problems)
    assert [(k[2], k[3], k[4]) for k in keys] == [("pages", "title", "title")]
    assert categories == [("Egal", "Tiers-Lieux"), ("Illisible", "Tiers-Lieux"),
                          ("Plus", "Tiers-Lieux")]
    assert orphans == (0,)


def test_csv_cells_that_could_run_as_formulas_are_prefixed(cli: Cli, export_site: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    _, cfg = export_site
    export(cli, cfg, tmp_path / "out.csv")
    with open(tmp_path / "out-lieux.csv", encoding="utf-8", newline="") as f:
        rows = {r["title"]: r for r in csv.DictReader(f)}
    assert (rows["Plus"]["nom"], rows["Plus"]["ville"], rows["Plus"]["adresse"]) == (
        "'+33 1 23 45 67 89", "'-Lyon", "'@atelier")
    assert (rows["Egal"]["nom"], rows["Egal"]["ville"], rows["Egal"]["adresse"]) == (
        "'=SOMME(A1)", "Caen", "rue -1")


# --- configuration (items 44, 46, 48) ------------------------------------------------------------


def test_the_configuration_is_found_as_movibot_yaml_in_the_working_directory(
        cli: Cli, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "movibot.yaml").write_text(f"site: {site}\nstate_file: {tmp_path / 's.json'}\n",
                                       encoding="utf-8")
    monkeypatch.chdir(work)
    monkeypatch.delenv("MOVIBOT_CONFIG", raising=False)
    result = cli("run", "--dry-run", "--format", "json")
    report = json.loads(result.stdout)
    assert report["site"] == str(site)
    assert sorted(p["title"] for p in report["pages"] if p["status"] == "edited") == [
        "La Petite Fabrique", "Le Lieu Test", "Monter une conciergerie"]


def test_the_max_edits_key_caps_the_run(cli: Cli, site: Path, config: Path) -> None:
    config.write_text(config.read_text(encoding="utf-8") + "max_edits: 2\n", encoding="utf-8")
    before = texts(site)
    code, _, report = cli.run(site, config)
    changed = [n for n, t in texts(site).items() if before.get(n) != t]
    assert (code, report["edits"], len(changed)) == (0, 2, 2)
    assert report["halted"] == "max_edits (2) reached"
    assert report["counts"]["not-done"] == len(report["pages"]) - 2
    code, _, report = cli.run(site, config, "--max-edits", "3")  # the option overrides the key
    assert (code, report["edits"]) == (0, 3)


def test_push_bot_flag_true_flags_pushed_edits_as_bot_edits_and_push_prints_json(
        cli: Cli, pulled: tuple[Any, Path, Path], tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    wiki, _, local = pulled
    config = configure(wiki, tmp_path, monkeypatch, push_bot_flag="true")  # same state file
    edit(local / FILE, "== Public ==", "== Public ==\nTout le monde.")
    result = cli("push", "--config", str(config), "--format", "json",
                 str(local / FILE))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sorted(report) == PUSH_KEYS
    assert report["files"] == [{"path": str(local / FILE), "title": FICHE, "status": "pushed",
                                "message": ""}]
    assert (report["site"], report["edits"], report["halted"], report["exit_code"]) == (
        wiki.api_url, 1, None, 0)
    assert report["requests"] > 0
    changes = wiki.api(list="recentchanges", rctitle=FICHE, rcprop="flags|user",
                       rclimit=1)["query"]["recentchanges"]
    assert (changes[0]["bot"], changes[0]["user"]) == (True, "Movibot")


# --- schemas: JSON Schema draft 2020-12 (item 49), text fields (item 50) ------------------------


def test_schemas_are_json_schema_draft_2020_12() -> None:
    for path in sorted((ROOT / "schemas").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema", path
    doc = yaml.safe_load(LIEU_SCHEMA.read_text(encoding="utf-8"))
    # prefixItems exists only in 2020-12: an older draft would ignore it
    doc["properties"]["type"]["prefixItems"] = [{"enum": ["coworking"]}]
    schema = schema_from_dict(doc)
    issues = list(validate_fields({"nom": "A", "ville": "B", "type": ["fablab"]}, schema))
    assert [(i.code, i.field) for i in issues] == [("E104", "type")]
    assert list(validate_fields({"nom": "A", "ville": "B", "type": ["coworking"]}, schema)) == []
    # the array form of `items` is draft 4-2019's tuple form: invalid in 2020-12
    doc["properties"]["type"] = {"type": "array", "items": [{"type": "string"}]}
    with pytest.raises(SchemaError, match="invalid JSON Schema at properties/type/items"):
        schema_from_dict(doc, "lieu.yaml")


@pytest.mark.parametrize("value", [
    "<gallery>\nA.jpg|Une photo\n</gallery>",
    "<pre>a {{b}} | c</pre>",
    '<syntaxhighlight lang="python">x = {1|2}</syntaxhighlight>',
], ids=["gallery", "pre", "syntaxhighlight"])
def test_text_fields_keep_the_text_of_gallery_pre_and_syntaxhighlight(value: str) -> None:
    lieu = next(s for s in load_schemas() if s.kind == "lieu")
    record = parse_page(f"{{{{Tiers-Lieu\n| nom = A\n| ville = B\n| adresse = {value}\n}}}}",
                        lieu)
    assert record.fields["adresse"] == " ".join(value.split())
    assert [p.code for p in record.problems] == []


# --- the lint table (item 51) and the pre-commit hook (item 52) ---------------------------------


def test_the_lint_table_gives_every_code_its_severity_and_name() -> None:
    section = MAINTAINERS.split("## Lint codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([EW]\d{3}) \| (\w+) \| ([\w-]+) \|", section, re.M)
    assert {code: (severity, name) for code, severity, name in rows} == {
        c.code: (c.severity, c.name) for c in CODES.values()}
    assert len(rows) == len(CODES)


def test_the_pre_commit_hook_runs_movibot_lint_on_wiki_files(cli: Cli, tmp_path: Path) -> None:
    hook, _ = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    snippet = MAINTAINERS.split(
        "pre-commit (`.pre-commit-hooks.yaml` is in this repository):", 1)[1]
    snippet = yaml.safe_load(snippet.split("```yaml\n", 1)[1].split("```", 1)[0])
    (repo,) = snippet["repos"]
    assert repo["rev"] == "main"  # no release tagged yet (test_precommit_snippet.py: it exists)
    assert repo["hooks"] == [{"id": hook["id"]}] and hook["id"] == "movibot-lint"
    scripts = re.search(r"\[project\.scripts\]\n(.*?)\n\n", (ROOT / "pyproject.toml").read_text(
        encoding="utf-8"), re.S)
    assert scripts and 'movibot = "movibot.cli:main"' in scripts.group(1)
    assert hook["entry"] == "movibot lint" and hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("fiches/Barcamp.wiki") and not files.search("README.md")
    # what pre-commit runs: the entry with the staged .wiki files
    good = [str(p) for p in sorted((ROOT / "fiches").glob("*.wiki"))[:3]]
    assert cli(*hook["entry"].split()[1:], *good).exit_code == 0
    bad = tmp_path / "Sans_licence.wiki"
    text = (ROOT / "fiches" / "Barcamp.wiki").read_text(encoding="utf-8")
    bad.write_text(re.sub(r"(?m)^\| *licence *=.*\n", "", text), encoding="utf-8")
    result = cli(*hook["entry"].split()[1:], *good, str(bad))
    assert result.exit_code == 1 and 'error E101 missing required field "licence"' in result.output


def test_the_fix_hook_corrects_the_fixable_problems_in_place(cli: Cli, tmp_path: Path) -> None:
    _, hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    snippet = MAINTAINERS.split("the fixable problems itself", 1)[1]
    snippet = yaml.safe_load(snippet.split("```yaml\n", 1)[1].split("```", 1)[0])
    assert snippet["repos"][0]["hooks"] == [{"id": hook["id"]}]
    assert (hook["id"], hook["entry"], hook["files"], hook["pass_filenames"]) == (
        "movibot-lint-fix", "movibot lint --fix", r"\.wiki$", True)
    page = tmp_path / "Barcamp.wiki"
    text = (ROOT / "fiches" / "Barcamp.wiki").read_text(encoding="utf-8")
    page.write_text(text.replace("| maturité =", "| Maturité ="), encoding="utf-8")
    result = cli(*hook["entry"].split()[1:], str(page))
    assert (result.exit_code, page.read_text(encoding="utf-8")) == (0, text)


# --- the hostile pages of the reliability suite (item 55) ---------------------------------------


PAYLOADS = ["}}{{Supprimer}}", "[[Catégorie:Spam]]", "<!-- movibot:end infobox -->", "-->", "{|",
            "<script>", "javascript:", "~~~~", "__NOINDEX__", "{{subst:", "__HIDDENCAT__"]


def test_the_hostile_lieux_carry_every_payload_the_readme_names() -> None:
    section = GUARANTEES.split("- **No amplification**:", 1)[1].split("\n- **", 1)[0]
    assert "9 lieux, 7 of them hostile" in " ".join(section.split())
    listed = section.split("carry ", 1)[1].split(", raw or in", 1)[0]
    assert re.findall(r"`([^`]+)`", listed) == [p.replace("{{subst:", "{{subst:…}}")
                                                for p in PAYLOADS]
    assert len(HOSTILE_PAGES) == 9
    carried = {t: [p for p in PAYLOADS if p in text] for t, text in HOSTILE_PAGES.items()}
    assert len([t for t, found in carried.items() if found]) == 7
    assert {p for found in carried.values() for p in found} == set(PAYLOADS)

    def nowiki(text: str) -> str:
        return "".join(re.findall(r"<nowiki>.*?</nowiki>", text))

    raw = {p for text in HOSTILE_PAGES.values() for p in PAYLOADS
           if p in re.sub(r"<nowiki>.*?</nowiki>", "", text)}
    hidden = {p for text in HOSTILE_PAGES.values() for p in PAYLOADS if p in nowiki(text)}
    assert raw and hidden and raw | hidden == set(PAYLOADS)
