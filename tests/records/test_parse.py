from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from movibot.problems import Problem
from movibot.records.parse import mask_blocks, parse_page, parse_record, parse_wikitext, pick_schema
from movibot.records.schema import load_schemas
from movibot.wikitext.blocks import make_block
from movibot.wikitext.titles import title_from_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "parse"
CASES = sorted(FIXTURES.glob("*.wiki"))
LIEU, FICHE = load_schemas()
SCHEMAS = [LIEU, FICHE]


def _lieu(*params: str, tail: str = "") -> str:
    return "{{Tiers-Lieu\n" + "".join(f"| {p}\n" for p in params) + "}}\n" + tail


# Data-driven: tests/fixtures/parse/NAME.wiki -> NAME.yaml (the record's to_dict())


@pytest.mark.parametrize("wiki", CASES, ids=[c.stem for c in CASES])
def test_fixture_page_gives_the_expected_record(wiki):
    text = wiki.read_text(encoding="utf-8")
    record = parse_record(text, SCHEMAS, title_from_file(wiki.name, text), wiki.name)
    expected = yaml.safe_load(wiki.with_suffix(".yaml").read_text(encoding="utf-8"))
    assert record.to_dict() == expected


@pytest.mark.parametrize("wiki", CASES, ids=[c.stem for c in CASES])
def test_fixture_page_round_trips_through_the_parser(wiki):
    text = wiki.read_text(encoding="utf-8")
    assert str(parse_wikitext(text)) == text


def test_every_fixture_has_its_expected_record():
    assert [c.stem for c in CASES] == sorted(p.stem for p in FIXTURES.glob("*.yaml"))


# The template and its parameters


def test_top_level_template_wins_over_a_nested_one():
    text = "<div>{{Tiers-Lieu|nom=Imbriqué}}</div>\n{{Tiers-Lieu|nom=Haut}}\n"
    record = parse_page(text, LIEU)
    assert (record.fields, record.template_at) == ({"nom": "Haut"}, (2, 1))


def test_nested_template_position_is_its_own_not_a_copy_in_a_comment():
    text = "<!-- {{Tiers-Lieu|nom=X}} -->\n<div>{{Tiers-Lieu|nom=X}}</div>\n"
    record = parse_page(text, LIEU)
    assert (record.template_at, record.template_end) == ((2, 6), text.index("</div>"))


def test_template_end_is_just_past_the_closing_braces():
    text = _lieu("nom = A", tail="Texte.\n")
    assert parse_page(text, LIEU).template_end == text.index("}}") + 2


def test_field_positions_point_at_the_values():
    record = parse_page(_lieu("nom = Le Lieu", "surface totale = 300 m²"), LIEU)
    assert record.positions == {"nom": (2, 9), "surface_totale": (3, 20)}


def test_template_and_parameter_names_may_hold_comments():
    record = parse_page("{{Tiers-Lieu <!-- infobox -->\n| nom <!-- le nom --> = X\n}}", LIEU)
    assert (record.fields, record.templates, record.problems) == ({"nom": "X"}, ("Tiers-Lieu",), ())


def test_empty_parameter_gives_none():
    assert parse_page(_lieu("nom = A", "surface totale ="), LIEU).fields == {
        "nom": "A", "surface_totale": None}


def test_values_are_read_by_their_field_type():
    record = parse_page(_lieu("surface totale = 1 700 m²", "type = coworking, fablab",
                              "statut = OUVERT", "date de création = 12/04/2014"), LIEU)
    assert record.fields == {"surface_totale": Decimal("1700"), "type": ["coworking", "fablab"],
                             "statut": "ouvert", "date_creation": "2014-04-12"}


def test_unreadable_value_stays_raw_text_and_is_e103_at_the_value():
    record = parse_page(_lieu("surface totale = environ trois cents"), LIEU, "Lieu", "l.wiki")
    assert (record.fields, [p.format() for p in record.problems]) == (
        {"surface_totale": "environ trois cents"},
        ["l.wiki:2:20: error E103 field \"surface totale\": cannot read 'environ trois cents' "
         "as a surface in m²"])


def test_unreadable_value_names_its_field():
    record = parse_page(_lieu("coût services = à définir"), LIEU)
    assert [(p.code, p.field) for p in record.problems] == [("E103", "cout_services")]


def test_one_unreadable_field_does_not_hide_the_others():
    record = parse_page(_lieu("surface totale = beaucoup", "surface utile = 120 m²",
                              "postes = une dizaine", "coût services = 800 €"), LIEU)
    assert (record.fields["surface_utile"], record.fields["cout_services"],
            [p.field for p in record.problems]) == (
        Decimal("120"), Decimal("800"), ["surface_totale", "postes_travail"])


def test_problem_path_is_the_title_when_there_is_no_file():
    record = parse_page(_lieu("postes = douze"), LIEU, "Le Lieu")
    assert record.problems[0].path == "Le Lieu"


def test_unknown_parameter_is_kept_in_extra_and_is_w202_with_a_suggestion():
    record = parse_page(_lieu("nom = A", "surfce utile =  30 m² "), LIEU, path="l.wiki")
    assert (record.extra, [p.format() for p in record.problems]) == (
        {"surfce utile": "30 m²"},
        ['l.wiki:3:3: warning W202 unknown parameter "surfce utile" '
         '(did you mean "surface utile"?)'])


def test_positional_parameter_is_unknown():
    record = parse_page("{{Tiers-Lieu|Le Lieu|nom=A}}", LIEU)
    assert (record.extra, record.problems) == (
        {"1": "Le Lieu"}, (Problem("W202", 'unknown parameter "1"', "", 1, 14),))


def test_same_parameter_twice_is_e201_and_the_last_value_is_read_as_in_mediawiki():
    record = parse_page(_lieu("nom = Premier", "ville = Lyon", "nom = Second"), LIEU,
                        path="l.wiki")
    assert (record.fields["nom"], record.positions["nom"], [p.format() for p in record.problems]
            ) == ("Second", (4, 9), ['l.wiki:4:3: error E201 duplicate parameter "nom" (also '
                                     'given at line 2): MediaWiki passes this last value'])


def test_a_third_value_names_the_one_before_it():
    record = parse_page(_lieu("nom = A", "nom = B", "nom = C"), LIEU)
    assert (record.fields["nom"], [p.message for p in record.problems]) == ("C", [
        'duplicate parameter "nom" (also given at line 2): MediaWiki passes this last value',
        'duplicate parameter "nom" (also given at line 3): MediaWiki passes this last value'])


def test_an_earlier_unreadable_value_given_again_leaves_no_e103():
    record = parse_page(_lieu("surface totale = trois cents", "surface totale = 300"), LIEU)
    assert (record.fields["surface_totale"], [p.code for p in record.problems]) == (300, ["E201"])


def test_a_last_unreadable_value_is_e103():
    record = parse_page(_lieu("surface totale = 300", "surface totale = trois cents"), LIEU)
    assert [p.code for p in record.problems] == ["E201", "E103"]


def test_an_empty_last_value_empties_the_field():
    record = parse_page(_lieu("nom = A", "nom ="), LIEU)
    assert record.fields.get("nom") is None


def test_parameter_and_its_alias_are_e201():
    record = parse_page(_lieu("ville = Lyon", "commune = Villeurbanne"), LIEU, path="l.wiki")
    assert (record.fields["ville"], [p.format() for p in record.problems]) == ("Villeurbanne", [
        'l.wiki:3:3: error E201 duplicate parameter "commune" (also given as "ville" at line 2): '
        "MediaWiki passes this last value"])


def test_spellings_of_one_parameter_are_e201():
    record = parse_page(_lieu("surface totale = 1", "Surface_Totale = 2"), LIEU)
    assert [(p.code, p.field) for p in record.problems] == [("E201", "surface_totale"),
                                                            ("W206", "surface_totale")]


def test_unknown_parameter_given_twice_is_e201_too():
    record = parse_page(_lieu("couleur = vert", "Couleur = bleu"), LIEU)
    assert ([p.code for p in record.problems], record.extra) == (["W202", "E201"],
                                                                 {"Couleur": "bleu"})


def test_a_parameter_name_is_trimmed_of_ascii_white_space_only():
    record = parse_page("{{Tiers-Lieu| \tcouleur\u00a0 \n= vert|nom=A}}", LIEU)
    assert (record.extra, [p.message for p in record.problems]) == (
        {"couleur\u00a0": "vert"}, ['unknown parameter "couleur\u00a0"'])


@pytest.mark.parametrize(("value", "read"), [
    ("Le <noinclude>Mixeur</noinclude>", "Le Mixeur"),
    ("<onlyinclude>Le Mixeur</onlyinclude >", "Le Mixeur"),
    ("Le <NOINCLUDE class=x>Mixeur</noinclude>", "Le Mixeur"),
    ("Le Mixeur<noinclude/>", "Le Mixeur"),
    ("Le Mixeur</noinclude>", "Le Mixeur"),
    ("Le <nowiki><noinclude></nowiki>", "Le <nowiki><noinclude></nowiki>"),
    ("Le <!-- <noinclude> -->Mixeur", "Le Mixeur"),
], ids=["noinclude", "onlyinclude", "attributes", "empty", "end-tag-alone", "nowiki", "comment"])
def test_inclusion_tags_in_a_text_value_are_dropped_as_on_the_page_itself(value, read):
    assert parse_page(_lieu(f"nom = {value}"), LIEU).fields["nom"] == read


@pytest.mark.parametrize("value", ["<noinclude>300</noinclude> m²", "300</noinclude> m²",
                                   "<onlyinclude>300 m²</onlyinclude>", "300<noinclude /> m²"])
def test_inclusion_tags_in_a_typed_value_are_dropped(value):
    record = parse_page(_lieu(f"surface totale = {value}"), LIEU)
    assert (record.fields["surface_totale"], [p.code for p in record.problems]) == (300, ["W113"])


def test_portal_links_give_the_portal_name():
    record = parse_page("{{Fiche|portail=[[Portail:Les Tiers Lieux|LTL]]; portail:Économie, "
                        "droit et législation}}", FICHE)
    assert record.fields["portail"] == ["Les Tiers Lieux", "Économie, droit et législation"]


def test_lieux_links_give_the_page_titles():
    record = parse_page("{{Fiche|lieux=[[Le Mixeur|le Mixeur]], [[la_Cartonnerie]]}}", FICHE)
    assert record.fields["lieux"] == ["Le Mixeur", "La Cartonnerie"]


def test_nul_byte_in_a_value_is_kept():
    record = parse_page("{{Tiers-Lieu|nom=A\x00B|ville=Lyon}}\n[[Catégorie:Tiers-Lieux]]", LIEU)
    assert (record.fields, record.categories) == ({"nom": "A\x00B", "ville": "Lyon"},
                                                   ("Tiers-Lieux",))


def test_byte_order_mark_before_the_template_is_harmless():
    assert parse_page("\ufeff{{Tiers-Lieu|nom=A}}", LIEU).fields == {"nom": "A"}


# Fallback: header lines of older pages


def test_header_lines_give_fields_when_there_is_no_template():
    text = "* '''Thème''' : Gouvernance\n'''Surface :''' 120 m²\n"
    assert (parse_page(text, FICHE).fields, parse_page(text, LIEU).fields) == (
        {"theme": ["Gouvernance"]}, {"surface_totale": Decimal("120")})


def test_header_line_fields_have_positions_and_mark_the_record():
    record = parse_page("Intro.\n* '''Auteurs''' : Movilab\n", FICHE)
    assert (record.positions, record.from_fallback, record.template_at) == (
        {"auteurs": (2, 19)}, True, None)


def test_bold_words_without_a_colon_are_not_header_lines():
    text = "'''Public''' visé : les animateurs\n'''Thème''' de la fiche.\n"
    record = parse_page(text, FICHE)
    assert (record.fields, record.from_fallback) == ({}, False)


def test_unreadable_header_line_value_is_e103():
    record = parse_page("'''Surface :''' à définir\n", LIEU, path="l.wiki")
    assert [p.format() for p in record.problems] == [
        "l.wiki:1:17: error E103 field \"Surface\": cannot read 'à définir' as a "
        "surface in m²"]


def test_header_lines_are_ignored_when_the_template_is_there():
    record = parse_page(_lieu("nom = Le Lieu", tail="'''Surface :''' 120 m²\n"), LIEU)
    assert (record.fields, record.from_fallback) == ({"nom": "Le Lieu"}, False)


def test_first_header_line_of_a_field_wins():
    record = parse_page("'''Ville''' : Lyon\n'''Ville''' : Paris\n", LIEU)
    assert record.fields == {"ville": "Lyon"}


# Categories, sections, links, templates


def test_categories_in_both_namespaces_with_sort_keys_once_each():
    text = "[[Catégorie:Tiers-Lieux]] [[Category:coworking|Clé]] [[catégorie:Tiers-Lieux]]"
    assert parse_page(text, None).categories == ("Tiers-Lieux", "Coworking")


def test_link_to_a_category_page_is_not_a_category():
    record = parse_page("Voir [[:Catégorie:Coworking]].", None)
    assert (record.categories, record.links) == ((), ("Catégorie:Coworking",))


def test_sections_map_headings_to_their_own_text():
    text = "Intro.\n== Histoire ==\nFondé en 2014.\n=== Débuts ===\nUn garage.\n== Fin ==\n"
    assert parse_page(text, None).sections == (
        ("Histoire", "Fondé en 2014."), ("Débuts", "Un garage."), ("Fin", ""))


def test_section_headings_lose_their_markup():
    text = "== [[Réseau de tiers-lieux|Réseau]] ''local'' ==\nTexte.\n"
    assert parse_page(text, None).sections == (("Réseau local", "Texte."),)


def test_links_are_page_titles_once_each_without_files_interwikis_or_anchors():
    text = ("[[le_Mixeur|Mixeur]] [[Le Mixeur#Histoire]] [[Fichier:Logo.png|vignette]] "
            "[[wikipedia:Tiers-lieu]] [[#Bas]] [[Portail:Les Tiers Lieux]] [[File:a.png]]")
    assert parse_page(text, None).links == ("Le Mixeur", "Portail:Les Tiers Lieux")


def test_templates_used_on_the_page_are_listed_once():
    text = "{{nobots}}\n{{Tiers-Lieu|nom={{PAGENAME}}}}\n{{nobots}}"
    assert parse_page(text, LIEU).templates == ("nobots", "Tiers-Lieu", "PAGENAME")


def test_page_without_schema_has_no_kind_and_no_fields():
    record = parse_page(_lieu("nom = A"), None)
    assert (record.kind, record.fields, record.template_at) == (None, {}, None)


# Movibot blocks are generated text, not the page's own content


def test_text_inside_a_movibot_block_is_not_read():
    block = make_block("infobox", "{{Tiers-Lieu|nom=Généré}}\n'''Surface :''' 999 m²\n"
                                  "== Généré ==\n[[Lien généré]]\n[[Catégorie:Généré]]")
    record = parse_record(block + "\nTexte.\n", SCHEMAS)
    assert (record.kind, record.fields, record.sections, record.links, record.categories) == (
        None, {}, (), (), ())


def test_block_after_the_template_leaves_the_template_fields():
    block = make_block("infobox", "{{Tiers-Lieu|nom=Généré}}")
    record = parse_page(_lieu("nom = Vrai", tail=block + "\n"), LIEU)
    assert record.fields == {"nom": "Vrai"}


def test_masking_blanks_the_block_keeping_offsets_and_line_breaks():
    block = make_block("x", "b\nc")
    assert mask_blocks("a\n" + block + "\nd") == "a\n" + re.sub(r"[^\n]", " ", block) + "\nd"


# Picking the schema


def test_schema_is_picked_by_template():
    assert pick_schema(parse_wikitext("{{fiche méthodologique|résumé=x}}"), SCHEMAS) is FICHE


def test_schema_is_picked_by_source_category_without_template():
    assert pick_schema(parse_wikitext("[[Catégorie:Fiches_méthodologiques]]"), SCHEMAS) is FICHE


def test_no_schema_for_other_pages():
    assert pick_schema(parse_wikitext("[[Catégorie:Portails]] {{nobots}}"), SCHEMAS) is None


# Malformed wikitext: W602, never an exception


def test_unclosed_template_is_w602_at_its_braces():
    record = parse_page("Texte.\nUn {{modèle|ouvert\n", None, path="p.wiki")
    assert [p.format() for p in record.problems] == [
        "p.wiki:2:4: warning W602 unclosed template: '{{' without '}}'"]


def test_unclosed_template_inside_a_tag_or_heading_is_w602():
    record = parse_page("<div>\n{{Tiers-Lieu|nom=x\n</div>\n== A {{b ==\n", None)
    assert [(p.code, p.line, p.col) for p in record.problems] == [("W602", 2, 1),
                                                                  ("W602", 4, 6)]


def test_each_unclosed_template_is_w602_once_per_run_of_braces():
    record = parse_page("a {{b}} c {{d\ne {{{{{f", None)
    assert [(p.line, p.col) for p in record.problems] == [(1, 11), (2, 3)]


def test_braces_in_nowiki_or_pre_are_not_templates():
    assert parse_page("<nowiki>{{x</nowiki> <pre>{{y</pre>", None).problems == ()


def test_unclosed_template_does_not_stop_the_fields():
    record = parse_page(_lieu("nom = A", tail="{{cassé\n"), LIEU)
    assert (record.fields, [p.code for p in record.problems]) == ({"nom": "A"}, ["W602"])


def test_deeply_nested_wikitext_is_e603_and_keeps_the_categories():
    text = "{{" * 2000 + "x" + "}}" * 2000 + "\n[[Catégorie:Tiers-Lieux]]\n"
    record = parse_page(text, LIEU, "T", "t.wiki")
    assert (record.categories, [p.format() for p in record.problems]) == (
        ("Tiers-Lieux",),
        ["t.wiki:1:1: error E603 page too complex to parse safely: wikitext nested too deeply; "
         "fields, links and sections not read"])


def test_deeply_nested_wikitext_does_not_stop_parse_record():
    record = parse_record("[[" * 500 + "{{" * 2000, SCHEMAS, "T")
    assert [p.code for p in record.problems] == ["E603"]


@pytest.mark.parametrize(("unit", "count", "reason"), [
    ("{{a|", 501, "501 unclosed '{{' (more than 500)"),
    ("{|\n|-\n| a || b\n", 201, "201 unclosed '{|' (more than 200)"),
    ("<!-- ", 2001, "2001 unclosed '<!--' (more than 2000)"),
    ("<div> ", 2001, "2001 unclosed HTML tags (more than 2000)"),
    ("[[a|", 5001, "5001 unclosed '[[' (more than 5000)"),
], ids=["templates", "tables", "comments", "tags", "links"])
def test_page_with_too_many_unclosed_constructs_is_not_parsed(unit, count, reason):
    text = "{{Tiers-Lieu|nom=A}}\n" + unit * count + "\n[[Catégorie:Tiers-Lieux]]\n"
    record = parse_page(text, LIEU, "T", "t.wiki")
    assert record.fields == {}
    assert [p.message for p in record.problems] == [
        f"page too complex to parse safely: {reason}; fields, links and sections not read"]


@pytest.mark.parametrize("text", [
    "{{a}}" * 5000, "{|\n| a\n|}\n" * 1000, "<div>x</div>" * 5000, "<br>" * 5000,
    "}}" * 400 + "{{" * 400,
], ids=["balanced-templates", "balanced-tables", "balanced-tags", "void-tags", "under-limit"])
def test_complexity_lets_ordinary_pages_through(text):
    from movibot.records.parse import complexity

    assert complexity(text) is None


# The record as data


def test_record_to_dict_gives_numbers_as_numbers_and_lists_as_lists():
    record = parse_page(_lieu("nom = A", "surface totale = 1 700 m²", "coût services = 800,50 €",
                              "type = coworking; fablab", "surface utile ="), LIEU)
    assert record.to_dict()["fields"] == {"nom": "A", "surface_totale": 1700,
                                          "cout_services": 800.5,
                                          "type": ["coworking", "fablab"]}


def test_record_is_valid_only_without_errors():
    warned = parse_page(_lieu("couleur = vert"), LIEU)
    failed = parse_page(_lieu("postes = douze"), LIEU)
    assert (warned.valid, failed.valid) == (True, False)


# Ambiguous numbers (W110): only when the other reading is a value the field could hold


def test_ambiguous_amount_is_w110_at_the_value_and_keeps_its_reading():
    record = parse_page(_lieu("coût services = 1,700 €"), LIEU, path="l.wiki")
    assert (record.fields, [p.format() for p in record.problems]) == (
        {"cout_services": Decimal("1.700")},
        ["l.wiki:2:19: warning W110 field \"coût services\": '1,700' read as 1,7 (a decimal "
         "comma); write 1 700 for one thousand seven hundred"])


@pytest.mark.parametrize("param", ["latitude = 45,764", "longitude = -4,835",
                                   "part résidents = 1,500 %", "postes = 1.200"],
                         ids=["latitude", "longitude", "percent", "integer"])
def test_a_number_whose_other_reading_the_schema_refuses_is_not_ambiguous(param):
    assert [p.code for p in parse_page(_lieu(param), LIEU).problems] == []


@pytest.mark.parametrize(("param", "message"), [
    ("postes = 1,200", 'field "postes": 1.2 is not of type integer'),
    ("longitude = 4.835", 'field "longitude": must be <= 180, got 4835'),
], ids=["integer", "longitude"])
def test_w110_explains_the_e102_of_an_ambiguous_number(param, message):
    from movibot.records.check import check_page
    from movibot.wikitext.tree import parse_tree

    text = _lieu("nom = A", "ville = B", param)
    problems = check_page(parse_tree(text), parse_page(text, LIEU), LIEU)
    assert [(p.code, p.message) for p in problems if p.code == "E102"] == [("E102", message)]
    assert [p.code for p in problems] == ["E102", "W110"]
