from __future__ import annotations

from pathlib import Path

import pytest

from movibot.app import load_sources
from movibot.problems import CODES, has_errors
from movibot.records.lint import LocalPage, lint_page, lint_pages
from movibot.records.schema import load_schemas, schema_from_dict
from movibot.wikitext.blocks import make_block

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lint"
CASES = sorted(FIXTURES.glob("*.wiki"))
LIEU, FICHE = load_schemas()
SCHEMAS = [LIEU, FICHE]
SECTIONS = "== Communauté ==\n== Territoire ==\n== Processus ==\n"
CATEGORY = "[[Catégorie:Tiers-Lieux]]\n"


def _lieu(*params: str, tail: str = SECTIONS + CATEGORY) -> str:
    return "{{Tiers-Lieu\n" + "".join(f"| {p}\n" for p in params) + "}}\n" + tail


def _lint(text: str, schemas=SCHEMAS, known: set[str] | None = None) -> list[str]:
    return [p.format() for p in lint_page(LocalPage("p.wiki", "P", text), schemas, known)]


# Data-driven: tests/fixtures/lint/NAME.wiki -> NAME.txt (one lint line each), read as the CLI
# reads files; links are checked against every fixture's title.


@pytest.fixture(scope="module")
def fixture_titles():
    sources, _ = load_sources(CASES)
    return {s.title for s in sources}


@pytest.mark.parametrize("wiki", CASES, ids=[c.stem for c in CASES])
def test_fixture_page_gives_the_expected_lint_lines(wiki, fixture_titles, monkeypatch):
    monkeypatch.chdir(FIXTURES)
    sources, problems = load_sources([wiki.name])
    problems += lint_pages(sources, SCHEMAS, fixture_titles)
    expected = wiki.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
    assert [p.format() for p in problems] == expected


def test_every_lint_code_has_a_fixture():
    expected = "".join(p.read_text(encoding="utf-8") for p in FIXTURES.glob("*.txt"))
    assert [c for c in CODES if f" {c} " not in expected] == []


# One page


def test_clean_page_has_no_problems():
    assert _lint(_lieu("nom = Le Lieu", "ville = Lyon")) == []


def test_missing_required_field_is_e101_at_the_template():
    assert _lint("Intro.\n" + _lieu("nom = Le Lieu")) == [
        'p.wiki:2:1: error E101 missing required field "ville"']


def test_invalid_value_is_e102_at_the_value():
    assert _lint(_lieu("nom = A", "ville = B", "postes = 12,5")) == [
        'p.wiki:4:12: error E102 field "postes": 12.5 is not of type integer']


def test_unreadable_value_is_e103_and_is_not_validated_again():
    assert _lint(_lieu("nom = A", "ville = B", "surface totale = à définir",
                       "surface utile = 30 m²")) == [
        "p.wiki:4:20: error E103 field \"surface totale\": cannot read 'à définir' as a "
        "surface in m²"]


def test_unreadable_required_value_is_not_also_missing():
    schema = schema_from_dict({
        "type": "object", "required": ["postes"], "properties": {"postes": {"type": "number"}},
        "x-wiki": {"template": "T", "fields": {"postes": {"type": "number"}}}}, "t.yaml")
    assert _lint("{{T|postes=beaucoup}}\n[[Catégorie:X]]\n", [schema]) == [
        "p.wiki:1:12: error E103 field \"postes\": cannot read 'beaucoup' as a number"]


def test_unreadable_share_is_not_also_a_shares_error():
    assert _lint(_lieu("nom = A", "ville = B", "part résidents = la moitié",
                       "part contributeurs = 29 %", "part offres = 20 %")) == [
        "p.wiki:4:20: error E103 field \"part résidents\": cannot read 'la moitié' as a "
        "percentage"]


def test_fiche_value_outside_the_choices_is_e104():
    text = ("{{Fiche\n| résumé = R\n| type de document = Tutoriel\n| thème = T\n"
            "| portail = Les Tiers Lieux\n| licence = CC0\n| auteurs = A\n| maturité = Fini\n}}\n"
            "== Objectifs ==\n== Public ==\n== Déroulé ==\n== Ressources ==\n"
            "[[Catégorie:Fiches méthodologiques]]\n")
    assert _lint(text) == [
        "p.wiki:8:14: error E104 field \"maturité\": 'Fini' is not one of: Brouillon, Démarré, "
        "Avancé, Finalisé"]


def test_shares_not_summing_to_100_are_e105_at_the_first_share():
    assert _lint(_lieu("nom = A", "ville = B", "part résidents = 60 %",
                       "part contributeurs = 30 %", "part offres = 20 %")) == [
        "p.wiki:4:20: error E105 shares must sum to 100, got 60 + 30 + 20 = 110"]


def test_usable_surface_above_total_is_e106_at_the_usable_surface():
    assert _lint(_lieu("nom = A", "ville = B", "surface totale = 100 m²",
                       "surface utile = 120 m²")) == [
        "p.wiki:5:19: error E106 surface utile (120 m²) exceeds surface totale (100 m²)"]


def test_negative_surface_is_e107():
    assert _lint(_lieu("nom = A", "ville = B", "surface utile = -5 m²")) == [
        'p.wiki:4:19: error E107 field "surface utile": surface must be > 0, got -5']


def test_page_in_the_source_category_without_template_is_e108():
    assert _lint("Un lieu.\n" + CATEGORY) == [
        "p.wiki:1:1: error E108 page has no {{Tiers-Lieu}} template"]


def test_page_in_the_source_category_with_header_lines_is_not_e108():
    assert _lint("'''Nom :''' A\n'''Ville :''' B\n" + SECTIONS + CATEGORY) == []


def test_page_with_header_lines_is_validated():
    assert _lint("'''Nom :''' A\n'''Surface :''' 0 m²\n" + SECTIONS + CATEGORY) == [
        'p.wiki:1:1: error E101 missing required field "ville"',
        'p.wiki:2:17: error E107 field "Surface": surface must be > 0, got 0']


def test_page_outside_every_source_is_not_checked_against_a_schema():
    assert _lint("Une page.\n[[Catégorie:Portails]]\n") == []


def test_missing_sections_are_e109_per_type_of_document():
    text = ("{{Fiche\n| résumé = R\n| type de document = Explication\n| thème = T\n"
            "| portail = P\n| licence = CC0\n| auteurs = A\n| maturité = Avancé\n}}\n"
            "== Ressources ==\n[[Catégorie:Fiches méthodologiques]]\n")
    assert _lint(text) == ['p.wiki:10:1: error E109 missing section "Présentation"']


def test_sections_match_ignoring_case_and_accents():
    assert _lint(_lieu("nom = A", "ville = B",
                       tail="== communaute ==\n== TERRITOIRE ==\n== Processus ==\n" + CATEGORY)
                 ) == []


def test_missing_lieu_sections_are_e109_where_they_would_go():
    assert _lint(_lieu("nom = A", "ville = B", tail="== Territoire ==\nT.\n" + CATEGORY)) == [
        'p.wiki:5:1: error E109 missing section "Communauté"',
        'p.wiki:7:1: error E109 missing section "Processus"']


def test_missing_sections_of_a_page_without_headings_go_after_the_template():
    assert _lint(_lieu("nom = A", "ville = B", tail="Texte.\n" + CATEGORY)) == [
        f'p.wiki:5:1: error E109 missing section "{s}"'
        for s in ("Communauté", "Territoire", "Processus")]


def test_messages_name_the_parameter_as_written_and_the_schema_s_spelling_when_missing():
    text = ("{{Fiche\n| Résumé = R\n| type = Explication\n| thème = T\n| portail = P\n"
            "| licence = CC0\n| auteurs = A\n| maturité = Fini\n}}\n"
            "== Présentation ==\n== Ressources ==\n[[Catégorie:Fiches méthodologiques]]\n")
    resume = ('p.wiki:2:3: warning W206 parameter "Résumé" is read as "résumé", but MediaWiki '
              'passes it to the template under the name written; write "résumé"')
    assert _lint(text.replace("| maturité = Fini\n", "")) == [
        'p.wiki:1:1: error E101 missing required field "maturité"', resume]
    assert _lint(text.replace("maturité", "Maturite")) == [
        resume,
        'p.wiki:8:3: warning W206 parameter "Maturite" is read as "maturité", but MediaWiki '
        'passes it to the template under the name written; write "maturité"',
        "p.wiki:8:14: error E104 field \"Maturite\": 'Fini' is not one of: Brouillon, Démarré, "
        "Avancé, Finalisé"]


def test_duplicate_parameter_is_e201():
    assert _lint(_lieu("nom = A", "ville = B", "ville = C")) == [
        'p.wiki:4:3: error E201 duplicate parameter "ville" (also given at line 3): MediaWiki '
        'passes this last value']


def test_unknown_parameter_is_w202_with_a_suggestion():
    assert _lint(_lieu("nom = A", "vile = B", "ville = B")) == [
        'p.wiki:3:3: warning W202 unknown parameter "vile" (did you mean "ville"?)']


def test_page_without_category_is_e301():
    assert _lint("Une page.\n") == ["p.wiki:1:1: error E301 page is in no category"]


def test_categories_inside_a_movibot_block_do_not_count():
    block = make_block("infobox", "[[Catégorie:Coworking]]")
    assert _lint("Une page.\n" + block + "\n") == ["p.wiki:1:1: error E301 page is in no category"]


def test_malformed_block_is_e401():
    text = "Une page.\n<!-- movibot:end infobox -->\n[[Catégorie:Portails]]\n"
    assert _lint(text) == [
        "p.wiki:2:1: error E401 'movibot:end infobox' at line 2 has no matching begin"]


def test_edited_block_is_e402():
    block = make_block("infobox", "généré").replace("généré", "retouché")
    assert _lint(block + "\n[[Catégorie:Portails]]\n") == [
        "p.wiki:1:1: error E402 block 'infobox' at line 1 was edited by hand (marker "
        "sha1=ce4ac3387e1e, content hashes to 8ed35bd0a29f)"]


def test_link_to_a_page_outside_the_local_set_is_w501_at_the_link():
    text = "Voir [[Ailleurs]] et [[Ici]].\n[[Catégorie:Portails]]\n"
    assert _lint(text, known={"Ici"}) == [
        'p.wiki:1:8: warning W501 link to "Ailleurs", which is not in the local set']


def test_broken_link_position_is_the_link_not_the_same_words_in_prose():
    text = "Le Paradou, voir [[le_Paradou|ici]].\n[[Catégorie:Portails]]\n"
    assert _lint(text, known=set()) == [
        'p.wiki:1:20: warning W501 link to "Le Paradou", which is not in the local set']


def test_links_match_known_titles_ignoring_case_of_first_letter_and_underscores():
    text = "Voir [[le_Mixeur]] et [[Catégorie:Coworking]].\n[[Catégorie:Portails]]\n"
    assert _lint(text, known={"Le Mixeur"}) == []


def test_links_are_not_checked_without_a_local_set():
    assert _lint("Voir [[Ailleurs]].\n[[Catégorie:Portails]]\n") == []


def test_fiche_portals_and_lieux_are_checked_as_links():
    text = ("{{Fiche\n| résumé = R\n| type de document = Documentation\n| thème = T\n"
            "| portail = Absent; Présent\n| licence = CC0\n| auteurs = A\n| maturité = Avancé\n"
            "| lieux = [[Le Mixeur|le Mixeur]], Lieu inconnu\n}}\n"
            "== Présentation ==\n== Ressources ==\n[[Catégorie:Fiches méthodologiques]]\n")
    assert _lint(text, known={"Portail:Présent", "Le Mixeur"}) == [
        'p.wiki:5:13: warning W501 link to "Portail:Absent", which is not in the local set',
        'p.wiki:9:11: warning W501 link to "Lieu inconnu", which is not in the local set']


def test_unreadable_lieux_are_not_checked_as_links():
    text = ("{{Fiche\n| résumé = R\n| type de document = Documentation\n| thème = T\n"
            "| portail = Présent\n| licence = CC0\n| auteurs = A\n| maturité = Avancé\n"
            "| lieux = <math>xy</math>\n}}\n"
            "== Présentation ==\n== Ressources ==\n[[Catégorie:Fiches méthodologiques]]\n")
    assert _lint(text, known={"Portail:Présent"}) == [
        "p.wiki:9:11: error E103 field \"lieux\": cannot read '<math>xy</math>' as a list: "
        "the text of <math> is not read"]


def test_unclosed_template_is_w602():
    assert _lint("Texte {{modèle\n[[Catégorie:Portails]]\n") == [
        "p.wiki:1:7: warning W602 unclosed template: '{{' without '}}'"]


def test_problems_are_sorted_by_position():
    lines = _lint(_lieu("couleur = vert", "nom = A", "surface totale = 0", tail=""))
    assert [line.split(" ")[2] for line in lines] == ["E101", "E109", "E109", "E109", "E301",
                                                      "W202", "E107"]


def test_warnings_alone_are_not_errors():
    problems = lint_page(LocalPage("p.wiki", "P", _lieu("nom = A", "ville = B", "couleur = v")),
                         SCHEMAS)
    assert ([p.code for p in problems], has_errors(problems)) == (["W202"], False)


# A set of pages


def test_lint_pages_checks_links_against_the_set_by_default():
    pages = [LocalPage("a.wiki", "A", "[[B]] [[C]]\n[[Catégorie:X]]\n"),
             LocalPage("b.wiki", "B", "[[A]]\n[[Catégorie:X]]\n")]
    assert [p.format() for p in lint_pages(pages, SCHEMAS)] == [
        'a.wiki:1:9: warning W501 link to "C", which is not in the local set']


def test_lint_pages_reports_every_page_in_order():
    pages = [LocalPage("a.wiki", "A", "a"), LocalPage("b.wiki", "B", "b")]
    assert [p.format() for p in lint_pages(pages, SCHEMAS)] == [
        "a.wiki:1:1: error E301 page is in no category",
        "b.wiki:1:1: error E301 page is in no category"]


def test_unreadable_file_is_e601_at_the_bad_byte(tmp_path):
    path = tmp_path / "Latin1.wiki"
    path.write_bytes(b"Ligne un\nCaf\xe9\n")
    sources, problems = load_sources([path])
    assert (sources, [p.format() for p in problems]) == (
        [], [f"{path}:2:4: error E601 not UTF-8 text (byte 0xe9)"])


def test_a_choice_written_without_its_accents_is_read_with_w112():
    text = _lieu("nom = A", "ville = B", "statut = FERME")
    assert _lint(text) == ["p.wiki:4:12: warning W112 field \"statut\": 'FERME' is read as "
                           "'fermé'; write it as the schema spells it"]


def test_a_choice_written_as_the_schema_spells_it_has_no_w112():
    assert _lint(_lieu("nom = A", "ville = B", "statut = fermé")) == []


def test_conflict_markers_are_e606_at_each_marker_line():
    text = "<<<<<<< HEAD\n" + _lieu("nom = A", "ville = B") + "=======\nAutre.\n>>>>>>> b\n"
    assert [p for p in _lint(text) if " E606 " in p] == [
        "p.wiki:1:1: error E606 merge conflict marker '<<<<<<<': the file holds both sides of "
        "a conflict",
        "p.wiki:12:1: error E606 merge conflict marker '>>>>>>>': the file holds both sides of "
        "a conflict"]


def test_a_longer_run_of_angle_brackets_is_no_conflict_marker():
    assert [p for p in _lint(_lieu("nom = A", "ville = B") + "<<<<<<<<\n") if " E606 " in p] == []


def test_shares_given_in_part_are_named_as_written():
    assert [p for p in _lint(_lieu("nom = A", "ville = B", "Part_Résidents = 51",
                                   "part offres = 20")) if " W206 " not in p] == [
        "p.wiki:4:20: error E105 shares must be given all three or none (given: Part_Résidents, "
        "part offres)"]
