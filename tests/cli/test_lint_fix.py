"""`movibot lint --fix` and `--diff`: W205, W112 and E201 corrected in place, nothing else of the
file changed; --diff shows the same change and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from commandline import Cli

SECTIONS = "== Communauté ==\nC.\n== Territoire ==\nT.\n== Processus ==\nP.\n"
CATEGORY = "[[Catégorie:Tiers-Lieux]]\n"
FICHE_TAIL = ("| thème = T\n| portail = Les Tiers Lieux\n| licence = CC0\n| auteurs = A\n}}\n"
              "== Présentation ==\nP.\n== Ressources ==\nR.\n[[Catégorie:Fiches]]\n")

# (page, its text after --fix, fixes)
CASES = {
    "W205": ("{{ TIERS-LIEU <!-- x -->\n| nom = Le Mixeur\n| ville = Lyon\n}}\n" + SECTIONS
             + CATEGORY, None, 0),
    "W205-plain": ("{{TIERS-LIEU\n| nom = Le Mixeur\n| ville = Lyon\n}}\n" + SECTIONS + CATEGORY,
                   "{{Tiers-Lieu\n| nom = Le Mixeur\n| ville = Lyon\n}}\n" + SECTIONS + CATEGORY,
                   1),
    "W112": ("{{Fiche\n| résumé = R\n| type de document =  explication \n| maturité = Demarre\n"
             + FICHE_TAIL,
             "{{Fiche\n| résumé = R\n| type de document =  Explication \n| maturité = Démarré\n"
             + FICHE_TAIL, 2),
    "E201": ("{{Tiers-Lieu\n| nom = Le Lieu\n| ville = Lyon <!-- old -->\n| commune = Villeurbanne"
             "\n| ville=Paris\n}}\n" + SECTIONS + CATEGORY,
             "{{Tiers-Lieu\n| nom = Le Lieu\n| ville=Paris\n}}\n"  # commune: ville's alias
             + SECTIONS + CATEGORY, 2),
    "W113": ("{{Tiers-Lieu\n| nom = Le <noinclude>Lieu</noinclude>\n| ville = Lyon<onlyinclude/>"
             "<!-- <noinclude> -->\n}}\n" + SECTIONS + CATEGORY,
             "{{Tiers-Lieu\n| nom = Le Lieu\n| ville = Lyon<!-- <noinclude> -->\n}}\n" + SECTIONS
             + CATEGORY, 2),
    "W113-includeonly": ("{{Tiers-Lieu\n| nom = Le Lieu\n| ville = Lyon<includeonly> (Rhône)"
                         "</includeonly>\n}}\n" + SECTIONS + CATEGORY, None, 0),
    "W114": ("{{Tiers-Lieu\n| nom = A\n| ville = B\n| surface totale = 300m2\n"
             "| coût infrastructure = 2500 euros\n| coût services =  1.700.000 €  \n"
             "| part résidents = 51%\n| part contributeurs = 29 pour cent\n| part offres = 20\n"
             "| latitude = 45.76\n| longitude = +4,5\n}}\n" + SECTIONS + CATEGORY,
             "{{Tiers-Lieu\n| nom = A\n| ville = B\n| surface totale = 300 m²\n"
             "| coût infrastructure = 2 500 €\n| coût services =  1 700 000 €  \n"
             "| part résidents = 51 %\n| part contributeurs = 29 %\n| part offres = 20\n"
             "| latitude = 45.76\n| longitude = 4,5\n}}\n" + SECTIONS + CATEGORY, 6),
    "W206": ("{{Tiers-Lieu\n| Nom = Le Lieu\n|ville\u00a0= Lyon\n| Code_Postal = 69001\n"
             "| postes_travail = 12\n| Ré<!-- x -->gion = Rhône\n}}\n" + SECTIONS + CATEGORY,
             "{{Tiers-Lieu\n| nom = Le Lieu\n|ville= Lyon\n| code postal = 69001\n"
             "| postes de travail = 12\n| Ré<!-- x -->gion = Rhône\n}}\n" + SECTIONS + CATEGORY,
             4),
    "E201-three": ("{{Tiers-Lieu|nom=A|ville=Lyon|ville=Paris|ville=Nice}}\n" + SECTIONS
                   + CATEGORY,
                   "{{Tiers-Lieu|nom=A|ville=Nice}}\n" + SECTIONS + CATEGORY, 2),
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][1] is not None])
def test_fix_writes_exactly_the_fixed_text_and_a_second_fix_changes_nothing(
        cli: Cli, folder: Path, case: str) -> None:
    page, after, count = CASES[case]
    Path("X.wiki").write_text(page, encoding="utf-8")
    result = cli("lint", "--fix", "X.wiki")
    assert (Path("X.wiki").read_text(encoding="utf-8"), f"{count} fixed\n" in result.stderr) == (
        after, True)
    again = cli("lint", "--fix", "X.wiki")
    assert (Path("X.wiki").read_text(encoding="utf-8"), "0 fixed\n" in again.stderr) == (
        after, True)
    assert again.stdout == cli("lint", "X.wiki").stdout  # the remaining problems, as lint says


def test_fix_reports_what_is_left_and_the_count(cli: Cli, folder: Path) -> None:
    Path("X.wiki").write_text(CASES["E201"][0].replace("| nom = Le Lieu\n", ""), "utf-8")
    result = cli("lint", "--fix", "X.wiki")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, 'X.wiki:1:1: error E101 missing required field "nom"\n',
        "2 fixed\n1 file checked: 1 error, 0 warnings\n")


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][1] is None])
def test_what_is_not_without_doubt_is_reported_and_not_fixed(cli: Cli, folder: Path, case: str
                                                             ) -> None:
    page = CASES[case][0]
    Path("X.wiki").write_text(page, encoding="utf-8")
    code, output = cli.code_output("lint", "--diff", "X.wiki")
    assert (code, output, Path("X.wiki").read_text(encoding="utf-8")) == (0, "", page)
    assert f" {case[:4]} " in cli("lint", "X.wiki").stdout


def test_diff_prints_what_fix_would_write_and_writes_nothing(cli: Cli, folder: Path) -> None:
    page = CASES["W205-plain"][0]
    Path("X.wiki").write_bytes(page.encode())
    result = cli("lint", "--diff", "X.wiki")
    assert (result.exit_code, result.stdout, Path("X.wiki").read_bytes()) == (
        1, "--- a/X.wiki\n+++ b/X.wiki\n@@ -1,4 +1,4 @@\n-{{TIERS-LIEU\n+{{Tiers-Lieu\n"
           " | nom = Le Mixeur\n | ville = Lyon\n }}\n", page.encode())


def test_fix_changes_no_byte_outside_its_fixes(cli: Cli, folder: Path) -> None:
    page = ("\ufeff{{TIERS-LIEU\r\n| nom = Le Mixeur \t\r\n| ville = Lyon\r\n}}\r\n"
            + SECTIONS.replace("\n", "\r\n") + CATEGORY + "  trailing  ")
    Path("X.wiki").write_bytes(page.encode())
    cli("lint", "--fix", "X.wiki")
    assert Path("X.wiki").read_bytes() == page.replace("TIERS-LIEU", "Tiers-Lieu").encode()


def test_fix_follows_the_selection(cli: Cli, folder: Path) -> None:
    page = CASES["W112"][0]
    Path("X.wiki").write_text(page, encoding="utf-8")
    result = cli("lint", "--fix", "--ignore", "W112", "X.wiki")
    assert (result.stderr.splitlines()[0], Path("X.wiki").read_text(encoding="utf-8")) == (
        "0 fixed", page)


def test_every_fiche_is_unchanged_by_fix(cli: Cli, folder: Path) -> None:
    shutil.copytree(Path(__file__).resolve().parents[2] / "fiches", "fiches",
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = {p.name: p.read_bytes() for p in Path("fiches").iterdir() if p.is_file()}
    result = cli("lint", "--fix", "fiches")
    after = {p.name: p.read_bytes() for p in Path("fiches").iterdir() if p.is_file()}
    assert (result.exit_code, after) == (0, before)


def test_a_number_not_without_doubt_is_neither_reported_nor_fixed(cli: Cli, folder: Path
                                                                  ) -> None:
    page = ("{{Tiers-Lieu\n| nom = A\n| ville = B\n| coût infrastructure = 1 700 € HT\n"
            "| coût services = 1.700\n| surface totale = 300m2<ref>R</ref>\n"
            "| surface utile = 1\u00a0700 m²\n| postes de travail = 1700\n"
            "| recettes offres = 300,125 €\n| latitude = {{coord|45}}\n}}\n" + SECTIONS
            + CATEGORY)
    Path("X.wiki").write_text(page, encoding="utf-8")
    code, output = cli.code_output("lint", "--diff", "X.wiki")
    assert (code, output, " W114 " in cli("lint", "X.wiki").stdout) == (0, "", False)


def test_a_silenced_problem_is_not_fixed(cli: Cli, folder: Path) -> None:
    silenced = "| postes_travail = 12 <!-- movibot-ignore: W206 -->\n"
    page = CASES["W206"][0].replace("| postes_travail = 12\n", silenced)
    Path("X.wiki").write_text(page, encoding="utf-8")
    cli("lint", "--fix", "X.wiki")
    assert Path("X.wiki").read_text(encoding="utf-8") == CASES["W206"][1].replace(
        "| postes de travail = 12\n", silenced)
