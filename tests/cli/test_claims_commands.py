"""README claims about the commands and the run that had no test of their own (see
tests/README.md, "Claims without a test"): run's formats, progress bar and summary line, --title's
tables, cost --postes and --title, pull --category, schema from-templatedata, init, dumps, the
stop page, titles as MediaWiki normalises them, embeddedin through redirects, protected refusals
and the errors halt, maxlag on every request."""

from __future__ import annotations

import bz2
import gzip
import html
import io
import json
import lzma
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from commandline import Cli
from test_pipeline import Terminal
from test_run_wiki import configure

from movibot.cli import main
from movibot.config import STARTER, load_config
from movibot.errors import EditRefused, WikiError
from movibot.records.schema import load_schema, load_schemas
from movibot.records.templatedata import check_schema, read_templatedata
from movibot.sites.directory import DirectorySite
from movibot.sites.dump import DumpSite
from movibot.wikitext.tree import redirect_target

SITE = Path(__file__).parents[1] / "fixtures" / "site"
FICHES = Path(__file__).parents[2] / "fiches"
V11 = Path(__file__).parents[1] / "fixtures" / "dumps" / "export-0.11.xml"
PAGES = {f.stem.replace("_", " "): f.read_text(encoding="utf-8") for f in SITE.glob("*.wiki")}
NS11 = "http://www.mediawiki.org/xml/export-0.11/"
SUMMARY = re.compile(r"(?P<counts>.*); 0 requests, (?P<verb>made|would make) (?P<edits>\d+) "
                     r"edits in \d+\.\d s(?P<tail>.*)\n")


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {p["title"]: p["status"] for p in report["pages"]}


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.wiki"))}


def redirect_element(text: str) -> str:
    """The `<redirect title=…/>` MediaWiki's export gives a redirect page, else ""."""
    target = redirect_target(text)
    return f'<redirect title="{html.escape(target)}" />' if target else ""


def with_alias_redirects(pages: dict[str, str]) -> dict[str, str]:
    """`pages` and a redirect page for each alias of the bundled schemas' templates."""
    return {**pages, **{f"Modèle:{alias}": f"#REDIRECTION [[Modèle:{s.template}]]"
                        for s in load_schemas() for alias in s.template_aliases}}


def dump_of(path: Path, pages: dict[str, str]) -> Path:
    """A schema 0.11 export of {title: text} (namespace from the title's prefix)."""
    ns = {"Modèle": 10, "Catégorie": 14, "Utilisateur": 2}
    body = "".join(
        f"<page><title>{html.escape(title)}</title><ns>{ns.get(title.split(':')[0], 0)}</ns>"
        f"<id>{i}</id>{redirect_element(text)}"
        f"<revision><id>{i}</id><timestamp>2024-01-01T00:00:00Z</timestamp>"
        f'<text xml:space="preserve">{html.escape(text)}</text></revision></page>'
        for i, (title, text) in enumerate(pages.items(), start=1))
    path.write_text(f'<mediawiki xmlns="{NS11}" version="0.11" xml:lang="fr">{body}</mediawiki>\n',
                    encoding="utf-8")
    return path


# -- run --format text|json, the progress bar on stderr (item 7) ----------------------------


def on_a_terminal(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr a terminal (stdout a pipe) and every piece of work long enough
    for a progress bar: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr("movibot.cli.PROGRESS_AFTER", 0.0)
    with pytest.raises(SystemExit) as done:
        main.main(list(args), prog_name="movibot")
    return int(done.value.code or 0), out.getvalue(), err.text


def test_the_progress_bar_goes_to_stderr_and_the_diffs_to_stdout(
        site: Path, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = on_a_terminal(monkeypatch, "run", "--site", str(site), "--config",
                                   str(config), "--dry-run")
    assert code == 0
    assert "Planning" in err and "100%" in err
    assert out.startswith("--- a/") and "+<!-- movibot:begin infobox sha1=" in out
    assert "Planning" not in out and "\r" not in out


@pytest.mark.parametrize("flags", [["--format", "json"], ["-q"]], ids=["format-json", "quiet"])
def test_format_json_and_quiet_show_no_progress_bar_on_a_terminal(
        site: Path, config: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str]) -> None:
    code, out, err = on_a_terminal(monkeypatch, "run", "--site", str(site), "--config",
                                   str(config), *flags)
    assert (code, err) == (0, "")
    if flags[0] == "--format":
        assert json.loads(out)["counts"]["edited"] == 3


def test_format_json_prints_the_report_and_nothing_else(cli: Cli, site: Path, config: Path) -> None:
    result, report = cli.run_result(site, config, "--dry-run", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == report  # the --report file, and no diff around it
    assert report["dry_run"] is True and report["counts"]["edited"] == 3


def test_format_text_prints_the_diffs_on_stdout_and_the_summary_on_stderr(
        cli: Cli, site: Path, config: Path) -> None:
    result, report = cli.run_result(site, config, "--dry-run", "--format", "text")
    assert result.exit_code == 0
    titles = re.findall(r"^--- a/(.*)\n\+\+\+ b/\1\n", result.stdout, re.M)
    assert sorted(titles) == sorted(p["title"] for p in report["pages"])  # 3 pages, 7 categories
    assert result.stdout.startswith("--- a/") and len(titles) == 10
    assert SUMMARY.fullmatch(result.stderr) is not None


# -- the summary line on stderr (item 25) ----------------------------------------------------


def test_the_summary_line_on_stderr_gives_the_counts_requests_and_edits(
        cli: Cli, site: Path, config: Path) -> None:
    result, _ = cli.run_result(site, config)
    found = SUMMARY.fullmatch(result.stderr)
    assert result.stdout == "" and found is not None, result.stderr
    assert found.group("counts", "verb", "edits", "tail") == (
        "3 edited, 7 created", "made", "10", "")
    dry, _ = cli.run_result(site, config, "--dry-run", "--full")
    found = SUMMARY.fullmatch(dry.stderr)
    assert found is not None and found.group("counts", "verb", "edits") == (
        "10 unchanged", "would make", "0")


def test_pages_needing_a_person_come_before_the_summary_line(cli: Cli, site: Path,
                                                             config: Path) -> None:
    (site / "Mauvais.wiki").write_text("{{Tiers-Lieu\n| nom = M\n| ville = V\n| surface totale ="
                                       " 0\n}}\n[[Catégorie:Tiers-Lieux]]\n", encoding="utf-8")
    result, _ = cli.run_result(site, config, "--max-edits", "2")
    first, second = result.stderr.splitlines(keepends=True)
    assert first == 'Mauvais: invalid: E107 field "surface totale": surface must be > 0, got 0\n'
    found = SUMMARY.fullmatch(second)
    assert result.exit_code == 1 and found is not None, result.stderr
    assert found.group("counts", "edits", "tail") == (
        "2 edited, 1 invalid, 8 not-done", "2", "; halted: max_edits (2) reached")


# -- run --title: the page and the tables it is in (item 8) ----------------------------------


def test_run_title_refreshes_the_page_and_the_tables_it_is_in_only(cli: Cli, site: Path,
                                                                   config: Path
                                                                   ) -> None:
    cli.run_result(site, config)
    lieu, other = site / "Le_Lieu_Test.wiki", site / "La_Petite_Fabrique.wiki"
    lieu.write_text(lieu.read_text(encoding="utf-8").replace(
        "| type = coworking, fablab", "| type = coworking").replace("300 m²", "400 m²"),
        encoding="utf-8")
    other.write_text(other.read_text(encoding="utf-8").replace("Lyon", "Grenoble"),
                     encoding="utf-8")
    before = snapshot(site)
    result, report = cli.run_result(site, config, "--title", "Le Lieu Test")
    after = snapshot(site)
    assert result.exit_code == 0
    assert {n for n in after if after[n] != before[n]} == {
        "Le_Lieu_Test.wiki", "Catégorie:Tiers-Lieux.wiki", "Catégorie:Coworking.wiki",
        "Catégorie:Fablab.wiki", "Catégorie:Auvergne-Rhône-Alpes.wiki"}
    assert "| 400\u00a0m²" in after["Le_Lieu_Test.wiki"]
    assert "[[Le Lieu Test]]" not in after["Catégorie:Fablab.wiki"]  # the table it left
    members = after["Catégorie:Tiers-Lieux.wiki"]
    assert "| [[Le Lieu Test]] || Saint-Étienne || coworking || data-sort-value=\"400\"" in members
    assert "| [[La Petite Fabrique]] || Lyon ||" in members  # not read: its row stays as it was
    assert "La Petite Fabrique" not in statuses(report)


# -- cost --postes, cost --title (items 10, 11) ----------------------------------------------

EXAMPLE_300 = ["--surface", "300", "--infra", "1 700", "--services", "800"]


def test_cost_postes_gives_the_monthly_price_per_workstation_in_every_format(cli: Cli) -> None:
    text = cli("cost", *EXAMPLE_300, "--postes", "12")
    assert text.exit_code == 0
    assert "Prix mensuel par poste de travail    141,67 €\n" in text.output
    data = cli("cost", *EXAMPLE_300, "--postes", "12", "--format", "json")
    assert json.loads(data.output)["price_per_workstation"] == 141.67  # 1 700 / 12
    wikitext = cli("cost", *EXAMPLE_300, "--postes", "12", "--format", "wikitext")
    assert "! Prix par poste\n| 141,67\u00a0€\u00a0/\u00a0mois\n" in wikitext.output
    without = cli("cost", *EXAMPLE_300, "--format", "json")
    assert json.loads(without.output)["price_per_workstation"] is None
    assert "poste" not in cli("cost", *EXAMPLE_300).output


def test_cost_postes_overrides_the_pages_and_must_be_a_positive_integer(
                                                                        cli: Cli,
                                                                        tmp_path: Path) -> None:
    page = tmp_path / "Lieu.wiki"
    page.write_text("{{Tiers-Lieu\n| nom = Lieu\n| surface totale = 300 m²\n| coût infrastructure"
                    " = 1 700 €\n| coût services = 800 €\n| postes de travail = 10\n}}\n",
                    encoding="utf-8")
    assert json.loads(cli("cost", str(page), "--format", "json").output)[
        "price_per_workstation"] == 170
    assert json.loads(cli("cost", str(page), "--postes", "20", "--format", "json").output)[
        "price_per_workstation"] == 85
    for bad in ("0", "2.5"):
        result = cli("cost", *EXAMPLE_300, "--postes", bad)
        assert result.exit_code == 2 and "Invalid value for '--postes'" in result.output


COST_300 = {"monthly_cost": 2500, "surface_total": 300, "unusable_surcharge": 0,
            "residents": {"share": 51, "surface_m2": 153, "rate_eur_m2": 11.11},
            "contributors": {"share": 29, "surface_m2": 87, "rate_eur_m2": 9.2},
            "offers": {"share": 20, "surface_m2": 60}}


def test_cost_title_reads_the_lieu_page_from_a_wiki(cli: Cli, wiki: Any) -> None:
    wiki.seed(PAGES)
    result = cli("cost", "--title", "Le Lieu Test", "--site", wiki.api_url, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in COST_300} == COST_300
    table = cli("cost", "--title", "Le_Lieu_Test", "--site", wiki.api_url, "--format",
                   "wikitext")
    assert table.exit_code == 0 and "Le Lieu Test" in table.output
    missing = cli("cost", "--title", "Nulle part", "--site", wiki.api_url)
    assert (missing.exit_code, missing.output) == (
        2, f"Error: page 'Nulle part' does not exist on {wiki.api_url}\n")
    no_costs = cli("cost", "--title", "La Petite Fabrique", "--site", wiki.api_url)
    assert (no_costs.exit_code, no_costs.output) == (2, (
        "Error: La Petite Fabrique: the lieu page has no surface totale, coût infrastructure, "
        "coût services\n"))


def test_cost_title_without_site_reads_the_configured_site(cli: Cli, site: Path,
                                                           tmp_path: Path) -> None:
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"site: {site}\n", encoding="utf-8")
    result = cli("cost", "--config", str(cfg), "--title", "Le Lieu Test", "--format", "json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and {k: data[k] for k in COST_300} == COST_300


# -- pull --category (item 12) ----------------------------------------------------------------


def test_pull_category_writes_only_the_pages_of_that_category(cli: Cli, site: Path,
                                                              tmp_path: Path) -> None:
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"site: {site}\nstate_file: {tmp_path / 's.json'}\n", encoding="utf-8")
    dest = tmp_path / "local"
    result = cli("pull", "--config", str(cfg), "--category", "Fiches méthodologiques",
                    "--dest", str(dest))
    assert (result.exit_code, result.output) == (
        0, f"{dest / 'Monter_une_conciergerie.wiki'}: pulled\n")
    assert snapshot(dest) == {"Monter_une_conciergerie.wiki": PAGES["Monter une conciergerie"]}
    both = cli("pull", "--config", str(cfg), "--category", "Catégorie:Tiers-Lieux",
                  "--category", "Fiches méthodologiques", "--dest", str(dest))
    assert both.exit_code == 0
    assert both.output.splitlines() == [
        f"{dest / 'La_Petite_Fabrique.wiki'}: pulled", f"{dest / 'Le_Lieu_Test.wiki'}: pulled",
        f"{dest / 'Monter_une_conciergerie.wiki'}: unchanged"]
    assert sorted(snapshot(dest)) == sorted(f.name for f in SITE.glob("*.wiki"))


# -- schema from-templatedata, schema check on a dump (item 14) ------------------------------


def test_schema_from_templatedata_prints_a_starter_schema_that_agrees(
                                                                      cli: Cli,
                                                                      tmp_path: Path) -> None:
    result = cli("schema", "from-templatedata", "--site", str(FICHES), "--template",
                    "Tiers-Lieu")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "# A starter schema for {{Tiers-Lieu}}, written by movibot from the wiki's TemplateData.\n")
    starter = tmp_path / "lieu.yaml"
    starter.write_text(result.output, encoding="utf-8")
    schema = load_schema(starter)
    assert schema.template == "Tiers-Lieu"
    assert {f.param for f in schema.fields} == {f.param for f in load_schema(
        FICHES.parent / "schemas" / "lieu.yaml").fields}
    assert check_schema(schema, read_templatedata(DirectorySite(FICHES), "Tiers-Lieu")) == []
    out = tmp_path / "fiche.yaml"
    written = cli("schema", "from-templatedata", "--site", str(FICHES), "--template",
                     "Modèle:Fiche", "--out", str(out))
    assert (written.exit_code, written.output) == (0, "")
    assert load_schema(out).template == "Fiche"
    missing = cli("schema", "from-templatedata", "--site", str(FICHES), "--template", "Nope")
    assert (missing.exit_code, missing.output) == (
        2, f"Error: Modèle:Nope: no such page on {FICHES}\n")


def test_schema_check_reads_the_templatedata_of_a_dump(cli: Cli, tmp_path: Path) -> None:
    templates = {name: (FICHES / f"Modèle:{name}.wiki").read_text(encoding="utf-8")
                 for name in ("Tiers-Lieu", "Fiche")}
    same = dump_of(tmp_path / "same.xml", with_alias_redirects(
        {f"Modèle:{n}": t for n, t in templates.items()}))
    result = cli("schema", "check", "--site", f"dump:{same}")
    assert (result.exit_code, result.output) == (0, "")
    drifted = templates["Fiche"].replace('"licence"', '"licence du texte"')
    assert drifted != templates["Fiche"]
    other = dump_of(tmp_path / "drift.xml", with_alias_redirects(
        {"Modèle:Tiers-Lieu": templates["Tiers-Lieu"], "Modèle:Fiche": drifted}))
    result = cli("schema", "check", "--site", f"dump:{other}")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines and all(line.startswith("Modèle:Fiche: ") for line in lines)
    assert any("licence" in line for line in lines)


def test_schema_check_names_each_alias_a_dump_has_no_redirect_of(cli: Cli, tmp_path: Path
                                                                  ) -> None:
    pages = with_alias_redirects({f"Modèle:{n}": (FICHES / f"Modèle:{n}.wiki").read_text(
        encoding="utf-8") for n in ("Tiers-Lieu", "Fiche")})
    del pages["Modèle:Lieu"]
    pages["Modèle:Ressource"] = "#REDIRECTION [[Modèle:Autre]]"
    result = cli("schema", "check", "--site", f"dump:{dump_of(tmp_path / 'd.xml', pages)}")
    lieu, fiche = (s.path for s in load_schemas())
    assert (result.exit_code, result.output.splitlines()) == (1, [
        f'Modèle:Tiers-Lieu: alias "Lieu" in {lieu}: the site has no redirect '
        "Modèle:Lieu to the template; a call {{Lieu}} is not read as {{Tiers-Lieu}}",
        f'Modèle:Fiche: alias "Ressource" in {fiche}: the site has no '
        "redirect Modèle:Ressource to the template; a call {{Ressource}} is not read as "
        "{{Fiche}}"])


# -- init (item 15) ---------------------------------------------------------------------------


def test_init_writes_a_commented_starter_at_the_path_given(cli: Cli, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("init", "bot.yaml")
    assert (result.exit_code, result.output) == (0, "wrote bot.yaml\n")
    text = (tmp_path / "bot.yaml").read_text(encoding="utf-8")
    assert text == STARTER and not (tmp_path / "movibot.yaml").exists()
    lines = text.splitlines()
    assert lines[0] == ("# movibot configuration. Every key is optional; the values shown are "
                        "the defaults.")
    prose = [line for line in lines if line.startswith("# ") and not re.match(r"# \w+:", line)]
    assert len(prose) >= 8  # comments that explain, beside the keys shown commented out
    keys = {m.group(1) for m in re.finditer(r"^(?:# )?(\w+):", text, re.M)}
    assert keys >= {"site", "user_agent", "username", "password_file", "oauth2_token_file",
                    "oauth_consumer_key", "oauth_consumer_secret_file", "oauth_access_token",
                    "oauth_access_secret_file", "maxlag", "put_throttle", "max_edits",
                    "stop_page", "report_page", "state_file", "push_bot_flag", "sources"}
    config = load_config("bot.yaml", env={})
    assert (config.maxlag, config.put_throttle, config.push_bot_flag) == (5, 10.0, False)
    assert [(s.name, s.category) for s in config.sources] == [
        ("lieux", "Tiers-Lieux"), ("fiches", "Fiches méthodologiques")]


def test_init_never_overwrites_and_says_so_in_one_line(cli: Cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bot.yaml").write_text("maxlag: 3\n", encoding="utf-8")
    again = cli("init", "bot.yaml")
    assert (again.exit_code, again.output) == (
        2, "Error: bot.yaml already exists; not overwritten\n")
    assert (tmp_path / "bot.yaml").read_text(encoding="utf-8") == "maxlag: 3\n"
    nowhere = cli("init", "missing/bot.yaml")
    assert nowhere.exit_code == 6 and nowhere.output.startswith(
        "Error: cannot write missing/bot.yaml: ")
    assert len(nowhere.output.splitlines()) == 1


# -- dumps: compression by the first bytes; template categories unseen (items 17, 18) ---------


@pytest.mark.parametrize(("compress", "name", "kind"), [
    (bz2.compress, "dump.xml", "bzip2"), (bz2.compress, "dump.xml.gz", "bzip2"),
    (lzma.compress, "dump.xml.bz2", "xz"), (gzip.compress, "dump.xml.xz", "gzip"),
], ids=["bz2-no-suffix", "bz2-named-gz", "xz-named-bz2", "gzip-named-xz"])
def test_the_compression_is_read_from_the_first_bytes_not_the_name(
        tmp_path: Path, compress: Callable[[bytes], bytes], name: str, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(compress(V11.read_bytes()))
    site = DumpSite(path)
    assert site.compression == kind
    assert [p.title for p in site.category_pages("Tiers-lieu")] == ["Le Mixeur", "La Fabrique"]


LIEU_CALL = "{{Tiers-Lieu\n| nom = %s\n| ville = Lyon\n}}\n"


def test_a_dump_does_not_see_the_categories_a_template_adds(cli: Cli, tmp_path: Path,
                                                            config: Path) -> None:
    dump = dump_of(tmp_path / "dump.xml", {
        "Modèle:Tiers-Lieu": "<includeonly>[[Catégorie:Tiers-Lieux]]</includeonly>",
        "Par le modèle": LIEU_CALL % "Par le modèle",
        "Par le texte": LIEU_CALL % "Par le texte" + "[[Catégorie:Tiers-Lieux]]\n"})
    assert [p.title for p in DumpSite(dump).category_pages("Tiers-Lieux")] == ["Par le texte"]
    out = tmp_path / "out"
    result = cli("run", "--site", f"dump:{dump}", "--config", str(config), "--out", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # the page whose category comes from its template is not seen in the category: it is in
    # no members table, and processed as a page calling the template outside it (E301)
    assert (statuses(report).get("Par le texte"), statuses(report).get("Par le modèle")) == (
        "edited", "edited")
    by_title = {p["title"]: p for p in report["pages"]}
    # the lieux have no sections: E109 three times, as lint, parse and export report it
    assert [p["code"] for p in by_title["Par le modèle"]["problems"]] == ["E109"] * 3 + ["E301"]
    assert [p["code"] for p in by_title["Par le texte"]["problems"]] == ["E109"] * 3
    members = (out / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    assert "[[Par le texte]]" in members and "Par le modèle" not in members


# -- the stop page: empty or `run` lets the run go on (item 20) -------------------------------

STOP = "Utilisateur:Movibot%2FStop.wiki"


@pytest.mark.parametrize("text", ["", "\n", "  \n\n", "run", "run\n", " run \n", "Run"],
                         ids=["empty", "newline", "blank-lines", "run", "run-newline",
                              "run-spaces", "run-capital"])
def test_an_empty_stop_page_or_run_lets_the_run_go_on(cli: Cli, site: Path, config: Path, text: str
                                                      ) -> None:
    (site / STOP).write_text(text, encoding="utf-8")
    result, report = cli.run_result(site, config)
    assert (result.exit_code, report["stopped"], report["edits"]) == (0, False, 10)


@pytest.mark.parametrize("text", ["stop", "arrêt\n", "running", "run run", "0", "{{Stop}}"])
def test_any_other_stop_page_content_halts_with_exit_3(cli: Cli, site: Path, config: Path, text: str
                                                       ) -> None:
    (site / STOP).write_text(text, encoding="utf-8")
    before = snapshot(site)
    result, report = cli.run_result(site, config)
    assert (result.exit_code, report["stopped"], report["edits"]) == (3, True, 0)
    assert snapshot(site) == before


# -- titles and category names compared as MediaWiki normalises them (item 21) ---------------


def test_category_links_are_compared_after_nfc_and_bidi_marks_and_nothing_else_is_folded(
        cli: Cli, site: Path, config: Path) -> None:
    fiche = site / "Monter_une_conciergerie.wiki"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace(
        "[[Catégorie:Fiches méthodologiques]]",
        "[[Catégorie:Fiches me\u0301thodologiques\u200e]]"), encoding="utf-8")
    lower = PAGES["La Petite Fabrique"].replace("Catégorie:Tiers-Lieux", "Catégorie:Tiers-lieux")
    (site / "La_Petite_Fabrique.wiki").write_text(lower, encoding="utf-8")
    result, report = cli.run_result(site, config)
    page = {p["title"]: p for p in report["pages"]}
    assert (page["Monter une conciergerie"]["status"], page["Monter une conciergerie"]["problems"]
            ) == ("edited", [])
    assert "[[Monter une conciergerie]]" in (site / "Catégorie:Fiches_méthodologiques.wiki"
                                             ).read_text(encoding="utf-8")
    assert [p["code"] for p in page["La Petite Fabrique"]["problems"]] == ["E301"]
    assert "La Petite Fabrique" not in (site / "Catégorie:Tiers-Lieux.wiki").read_text(
        encoding="utf-8")


def test_a_title_in_nfd_or_with_bidi_marks_names_the_wikis_page(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({"Lieu Étoile": LIEU_CALL % "Étoile" + "[[Catégorie:Tiers-Lieux]]\n"})
    config = configure(wiki, tmp_path, monkeypatch)
    code, output, report = cli.run(None, config, "--title", "Lieu E\u0301toile\u200e")
    assert code == 0, output
    assert statuses(report)["Lieu Étoile"] == "edited"
    assert "<!-- movibot:begin infobox sha1=" in wiki.text("Lieu Étoile")
    code, output, report = cli.run(None, config, "--title", "lieu_\u200fÉtoile", "--dry-run")
    assert (code, statuses(report)["Lieu Étoile"]) == (0, "unchanged")


# -- embeddedin through the template's redirects (item 22) ------------------------------------

ORPHAN = "{{Lieu\n| nom = Orphelin\n| ville = Lyon\n}}\n"


def test_pages_calling_a_redirect_of_the_template_are_found_through_embeddedin(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({"Modèle:Tiers-Lieu": "", "Modèle:Lieu": "#REDIRECTION [[Modèle:Tiers-Lieu]]",
               "Orphelin": ORPHAN})
    wiki.run_maintenance("refreshLinks")  # the template links of the imported pages
    code, output, report = cli.run(None, configure(wiki, tmp_path, monkeypatch))
    orphan = next(p for p in report["pages"] if p["title"] == "Orphelin")
    assert (code, orphan["status"], [p["code"] for p in orphan["problems"]]) == (
        0, "edited", ["E109"] * 3 + ["E301"]), output
    assert "<!-- movibot:begin infobox sha1=" in wiki.text("Orphelin")


# -- protected refusals never count toward the 5-errors halt (item 23) ------------------------


@pytest.mark.parametrize(("error", "expected"), [
    (EditRefused, ({"protected": 6, "created": 4}, None, 1)),
    (WikiError, ({"error": 5, "not-done": 5}, "halted after 5 consecutive errors", 1)),
], ids=["protected", "errors"])
def test_six_protected_refusals_in_a_row_do_not_halt_but_five_errors_do(
        cli: Cli, site: Path, config: Path, monkeypatch: pytest.MonkeyPatch, error: type[Exception],
        expected: tuple[dict[str, int], str | None, int]) -> None:
    real_save = DirectorySite.save
    saves = [0]

    def save(self, page, text, summary, **kw):  # type: ignore[no-untyped-def]
        saves[0] += 1
        if saves[0] <= 6:
            raise error(f"{page.title}: refused")
        return real_save(self, page, text, summary, **kw)

    monkeypatch.setattr(DirectorySite, "save", save)
    result, report = cli.run_result(site, config)
    counts = {k: v for k, v in report["counts"].items() if v}
    assert (counts, report["halted"], result.exit_code) == expected


# -- maxlag from the configuration on every request (item 24) ---------------------------------


def test_the_configured_maxlag_is_on_every_api_request(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed(PAGES)
    sent: list[tuple[str, dict[str, list[str]]]] = []
    real_send = requests.Session.send

    def send(self, request, **kw):  # type: ignore[no-untyped-def]
        body = request.body or ""
        body = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        params = parse_qs(urlsplit(request.url).query)
        if "x-www-form-urlencoded" in request.headers.get("Content-Type", ""):
            for key, values in parse_qs(body).items():
                params.setdefault(key, []).extend(values)
        sent.append((request.url, params))
        return real_send(self, request, **kw)

    monkeypatch.setattr(requests.Session, "send", send)
    config = configure(wiki, tmp_path, monkeypatch, maxlag=3)
    config.write_text(config.read_text(encoding="utf-8").replace(wiki.api_url, wiki.base_url),
                      encoding="utf-8")  # the API discovered from the wiki's address
    code, output, report = cli.run(None, config)
    assert code == 0 and report["edits"] == 10, output
    api = [params for url, params in sent if urlsplit(url).path.endswith("/api.php")]
    actions = {p.get("action", ["?"])[0] for p in api}
    assert {"login", "query", "edit"} <= actions
    assert [p.get("maxlag") for p in api] == [["3"]] * len(api)
    assert len(api) >= 10 + 3
    first_api = next(i for i, (url, _) in enumerate(sent) if "/api.php" in url)
    assert all("/api.php" in url for url, _ in sent[first_api:])  # the rest: discovery only
