from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from movibot.cli import main

SECTIONS = "== Communauté ==\n== Territoire ==\n== Processus ==\n"
MIXEUR = ("{{Tiers-Lieu\n| nom = Le Mixeur\n| ville = Saint-Étienne\n"
          "| surface totale = 1 700 m²\n| coût services = 800,50 €\n"
          "| type = coworking; fablab\n}}\n" + SECTIONS + "[[Catégorie:Tiers-Lieux]]\n")
PORTAL = "Le portail.\n[[Catégorie:Portails]]\n"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run `movibot ARGS…` in an empty folder; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), prog_name="movibot")

    return invoke


def _write(name: str, text: str) -> None:
    with open(name, "w", encoding="utf-8") as f:
        f.write(text)


# movibot lint: exit codes and exact output


def test_lint_clean_files_exits_0_and_prints_only_the_summary(run):
    _write("Le_Mixeur.wiki", MIXEUR)
    result = run("lint", "Le_Mixeur.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", "1 file checked: 0 errors, 0 warnings\n")


def test_lint_with_only_warnings_exits_0(run):
    _write("Le_Mixeur.wiki", MIXEUR.replace("}}", "| couleur = vert\n}}"))
    result = run("lint", "Le_Mixeur.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, 'Le_Mixeur.wiki:7:3: warning W202 unknown parameter "couleur"\n',
        "1 file checked: 0 errors, 1 warning\n")


def test_lint_with_errors_exits_1_and_prints_one_line_each(run):
    _write("Sans_ville.wiki", "{{Tiers-Lieu\n| nom = X\n| surface totale = à définir\n}}\n")
    result = run("lint", "Sans_ville.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (1, (
        'Sans_ville.wiki:1:1: error E101 missing required field "ville"\n'
        'Sans_ville.wiki:1:1: error E109 missing section "Communauté"\n'
        'Sans_ville.wiki:1:1: error E109 missing section "Territoire"\n'
        'Sans_ville.wiki:1:1: error E109 missing section "Processus"\n'
        "Sans_ville.wiki:1:1: error E301 page calls {{Tiers-Lieu}} but is not in "
        "Catégorie:Tiers-Lieux\n"
        "Sans_ville.wiki:3:20: error E103 field \"surface totale\": cannot read 'à définir' "
        "as a surface in m²\n"), "1 file checked: 6 errors, 0 warnings\n")


def test_lint_without_a_path_is_a_usage_error_exit_2(run):
    result = run("lint")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Error: Missing argument 'PATHS...'. (see 'movibot lint -h')\n")


def test_lint_of_a_missing_path_is_a_usage_error_exit_2(run):
    result = run("lint", "absent.wiki")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for 'PATHS...': Path 'absent.wiki' does not exist. "
        "(see 'movibot lint -h')")


def test_lint_of_an_unreadable_file_is_e601_exit_1(run, tmp_path):
    (tmp_path / "Latin1.wiki").write_bytes(b"Caf\xe9\n")
    result = run("lint", "Latin1.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, "Latin1.wiki:1:4: error E601 not UTF-8 text (byte 0xe9)\n",
        "1 file checked: 1 error, 0 warnings\n")


def test_lint_of_a_folder_checks_every_wiki_file_in_name_order(run, tmp_path):
    (tmp_path / "pages").mkdir()
    _write("pages/B.wiki", "Sans catégorie.\n")
    _write("pages/A.wiki", "Sans catégorie non plus.\n")
    _write("pages/notes.txt", "pas une page\n")
    result = run("lint", "pages")
    assert (result.exit_code, result.stdout, result.stderr) == (1, (
        "pages/A.wiki:1:1: error E301 page is in no category\n"
        "pages/B.wiki:1:1: error E301 page is in no category\n"),
        "2 files checked: 2 errors, 0 warnings\n")


def test_lint_titles_come_from_file_names_and_title_comments(run):
    _write("Le_Mixeur.wiki", MIXEUR.replace("[[Catégorie", "[[Ma fiche/Sous page]] "
                                            "[[Portail:Titre libre]] [[Absente]]\n[[Catégorie"))
    _write("Ma_fiche%2FSous_page.wiki", "Voir [[Le Mixeur]].\n" + PORTAL)
    _write("libre.wiki", "<!-- title: Portail:Titre libre -->\n" + PORTAL)
    result = run("lint", ".")
    assert (result.exit_code, result.stdout) == (
        0, 'Le_Mixeur.wiki:11:50: warning W501 link to "Absente", which is not in the local set\n')


def test_lint_checks_links_against_the_named_files_folder(run, tmp_path):
    (tmp_path / "fiches").mkdir()
    _write("fiches/Le_Mixeur.wiki", MIXEUR)
    _write("fiches/Page.wiki", "Voir [[Le Mixeur]].\n" + PORTAL)
    result = run("lint", "fiches/Page.wiki")
    assert (result.exit_code, result.stdout) == (0, "")


def test_lint_json_output_has_stable_keys(run):
    _write("Le_Mixeur.wiki", MIXEUR.replace("}}", "| couleur = vert\n}}"))
    result = run("lint", "--format", "json", "Le_Mixeur.wiki")
    data = json.loads(result.stdout)
    assert (result.exit_code, sorted(data), sorted(data["problems"][0])) == (
        0, ["errors", "files", "problems", "warnings"],
        ["code", "col", "field", "line", "message", "name", "path", "severity"])


def test_lint_json_output_is_exact(run):
    _write("X.wiki", "Texte.\n")
    result = run("lint", "--format", "json", "X.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (1, """{
  "errors": 1,
  "files": 1,
  "problems": [
    {
      "code": "E301",
      "col": 1,
      "field": null,
      "line": 1,
      "message": "page is in no category",
      "name": "no-category",
      "path": "X.wiki",
      "severity": "error"
    }
  ],
  "warnings": 0
}
""", "")


def test_lint_unknown_format_is_a_usage_error_exit_2(run):
    _write("X.wiki", PORTAL)
    result = run("lint", "--format", "xml", "X.wiki")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'github', "
        "'gitlab'. "
        "(see 'movibot lint -h')")


def test_lint_with_a_broken_schema_file_exits_2_naming_it(run):
    _write("X.wiki", PORTAL)
    _write("bad.yaml", "- not\n- a mapping\n")
    result = run("lint", "--schema", "bad.yaml", "X.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Error: bad.yaml: a schema must be a mapping\n")


def test_lint_with_a_custom_schema_uses_it(run):
    _write("Lieu.wiki", "{{Salle|places=beaucoup}}\n[[Catégorie:Salles]]\n")
    _write("salle.yaml", "type: object\nproperties: {places: {type: integer}}\n"
                         "x-wiki: {template: Salle, fields: {places: {type: number}}}\n")
    result = run("lint", "--schema", "salle.yaml", "Lieu.wiki")
    assert (result.exit_code, result.stdout) == (
        1, "Lieu.wiki:1:16: error E103 field \"places\": cannot read 'beaucoup' as a number\n")


# movibot parse: the record as JSON or YAML


def test_parse_json_prints_numbers_as_numbers_and_lists_as_lists(run):
    _write("Le_Mixeur.wiki", MIXEUR)
    result = run("parse", "Le_Mixeur.wiki", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)["fields"]) == (0, {
        "nom": "Le Mixeur", "ville": "Saint-Étienne", "surface_totale": 1700,
        "cout_services": 800.5, "type": ["coworking", "fablab"]})


def test_parse_json_prints_the_whole_record_with_the_checks_problems(run):
    _write("Le_Cercle.wiki", "{{Tiers-Lieu\n| nom = Le Cercle\n| postes = douze\n}}\n"
           "[[Catégorie:Tiers-Lieux]]\n== Communauté ==\n== Territoire ==\n== Processus ==\n")
    result = run("parse", "Le_Cercle.wiki", "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, {
        "title": "Le Cercle", "kind": "lieu",
        "fields": {"nom": "Le Cercle", "postes_travail": "douze"},
        "extra": {}, "categories": ["Tiers-Lieux"],
        "sections": ["Communauté", "Territoire", "Processus"], "links": [],
        "templates": ["Tiers-Lieu"],
        "problems": [{"code": "E101", "col": 1, "field": "ville", "line": 1,
                      "message": 'missing required field "ville"', "name": "missing-field",
                      "path": "Le_Cercle.wiki", "severity": "error"},
                     {"code": "E103", "col": 12, "field": "postes_travail", "line": 3,
                      "message": "field \"postes\": cannot read 'douze' as a number",
                      "name": "unreadable-value", "path": "Le_Cercle.wiki",
                      "severity": "error"}]})


def test_parse_yaml_is_the_default_and_exact(run):
    _write("Ma_fiche%2FSous_page.wiki", "Voir [[Le Mixeur]].\n[[Catégorie:Portails]]\n")
    result = run("parse", "Ma_fiche%2FSous_page.wiki")
    assert (result.exit_code, result.stdout) == (0, (
        "title: Ma fiche/Sous page\nkind: null\nfields: {}\nextra: {}\ncategories:\n"
        "- Portails\nsections: []\nlinks:\n- Le Mixeur\ntemplates: []\nproblems: []\n"))


def test_parse_yaml_reads_back_as_the_record(run):
    _write("Le_Mixeur.wiki", MIXEUR)
    result = run("parse", "Le_Mixeur.wiki", "--format", "yaml")
    assert yaml.safe_load(result.stdout)["fields"]["cout_services"] == 800.5


def test_parse_title_comment_gives_the_title(run):
    _write("libre.wiki", "<!-- title: Portail:Titre libre -->\n" + PORTAL)
    result = run("parse", "libre.wiki", "--format", "json")
    assert json.loads(result.stdout)["title"] == "Portail:Titre libre"


def test_parse_several_files_prints_a_list_in_order(run):
    _write("A.wiki", PORTAL)
    _write("B.wiki", PORTAL)
    result = run("parse", "B.wiki", "A.wiki", "--format", "json")
    assert [r["title"] for r in json.loads(result.stdout)] == ["B", "A"]


def test_parse_of_an_unreadable_file_exits_2_naming_the_byte(run, tmp_path):
    (tmp_path / "Latin1.wiki").write_bytes(b"Caf\xe9\n")
    result = run("parse", "Latin1.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "Error: Latin1.wiki:1:4: not UTF-8 text (byte 0xe9)\n")


def test_parse_without_a_file_is_a_usage_error_exit_2(run):
    result = run("parse")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2, "Error: Missing argument 'FILES...'. (see 'movibot parse -h')")
