from __future__ import annotations

from decimal import Decimal

import pytest

from movibot.errors import SchemaError
from movibot.records.schema import (
    FieldIssue,
    load_schema,
    load_schemas,
    schema_from_dict,
    validate_fields,
)

LIEU, FICHE = load_schemas()
PLACE = {"nom": "Le Mixeur", "ville": "Saint-Étienne"}


def _write(tmp_path, text):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _issues(fields, schema=LIEU):
    return [(i.code, i.field, i.message) for i in validate_fields(fields, schema)]


# The bundled schemas


def test_bundled_schemas_are_lieu_then_fiche():
    assert [(s.kind, s.template, s.source_category) for s in (LIEU, FICHE)] == [
        ("lieu", "Tiers-Lieu", "Tiers-Lieux"), ("fiche", "Fiche", "Fiches méthodologiques")]


@pytest.mark.parametrize("param", ["surface totale", "Surface_totale", "SURFACE TOTALE",
                                   " surface  totale ", "surface-totale", "surface_totale",
                                   "surface"])
def test_parameter_names_match_ignoring_case_spaces_and_underscores(param):
    assert LIEU.field_for_param(param).name == "surface_totale"


@pytest.mark.parametrize("param", ["coût infrastructure", "cout infrastructure",
                                   "COÛT_INFRASTRUCTURE", "infrastructure"])
def test_parameter_names_match_ignoring_accents(param):
    assert LIEU.field_for_param(param).name == "cout_infrastructure"


@pytest.mark.parametrize("alias, name", [("commune", "ville"), ("cp", "code_postal"),
                                         ("lat", "latitude"), ("site internet", "site_web")])
def test_parameter_aliases_map_to_their_field(alias, name):
    assert LIEU.field_for_param(alias).name == name


def test_unknown_parameter_maps_to_no_field():
    assert LIEU.field_for_param("couleur") is None


@pytest.mark.parametrize("name", ["Tiers-Lieu", "tiers-Lieu", "Tiers_Lieu",
                                  "Modèle:Tiers-Lieu", "modèle : tiers-Lieu", "MODÈLE:Tiers-Lieu",
                                  "Template:Tiers-Lieu", "Lieu", "lieu", "Infobox Tiers-Lieu",
                                  "Infobox_Tiers-Lieu", "Tiers-lieu"])
def test_template_names_and_aliases_match_as_mediawiki_resolves_them(name):
    assert LIEU.matches_template(name)


@pytest.mark.parametrize("name", ["Tiers-Lieux", "Fiche", "Portail:Tiers-Lieu", "Lieux",
                                  "TIERS-LIEU", "tiers lieu", "Tiérs-Lieu",
                                  "modele : Tiers-Lieu", ":Tiers-Lieu", "LIEU"])
def test_other_template_names_do_not_match(name):
    assert not LIEU.matches_template(name)


def test_on_a_case_sensitive_wiki_the_first_letter_counts_too():
    assert LIEU.matches_template("Tiers-Lieu", first_letter=False)
    assert not LIEU.matches_template("tiers-Lieu", first_letter=False)
    assert LIEU.near_template("tiers-Lieu", first_letter=False) == "Tiers-Lieu"


@pytest.mark.parametrize(("name", "hint"), [
    ("TIERS-LIEU", "Tiers-Lieu"), ("tiers lieu", "Tiers-Lieu"), ("Tiérs-Lieu", "Tiers-Lieu"),
    ("Modèle:LIEU", "Lieu"), ("Tiers-Lieu", None), ("Fiche", None), ("Lieux", None)])
def test_a_near_miss_names_the_template_it_nearly_is(name, hint):
    assert LIEU.near_template(name) == hint


def test_a_typo_of_the_template_is_close_to_it():
    assert (FICHE.close_template("Fihce"), FICHE.close_template("Portail")) == ("Fiche", None)


def test_suggestion_for_a_misspelt_parameter():
    assert (LIEU.suggest_param("surfce utile"), LIEU.suggest_param("Surface totalle")) == (
        "surface utile", "surface totale")


def test_no_suggestion_for_an_unrelated_parameter():
    assert LIEU.suggest_param("couleur") is None


def test_portail_splits_on_semicolons_only_and_links_to_portals():
    spec = FICHE.field("portail")
    assert (spec.type, spec.commas, spec.links) == ("titles", False, "portal")


def test_a_list_with_links_reads_page_titles():
    assert (FICHE.field("lieux").type, FICHE.field("theme").type) == ("titles", "list")


def test_enum_choices_come_from_the_json_schema():
    assert LIEU.field("statut").choices == ("ouvert", "fermé", "en projet")


def test_required_sections_follow_the_type_of_document():
    assert FICHE.required_sections({"type_document": "Tutoriel"}) == (
        "Objectifs", "Public", "Déroulé", "Ressources")


def test_required_sections_of_a_fiche_without_known_type_are_none():
    assert FICHE.required_sections({"type_document": "Autre"}) == ()


def test_required_sections_of_a_lieu_come_from_the_star_entry():
    assert LIEU.required_sections({}) == ("Communauté", "Territoire", "Processus")


def test_unknown_field_name_raises_key_error():
    with pytest.raises(KeyError):
        LIEU.field("couleur")


# Loading errors name the file and the key


def test_bad_yaml_names_the_file_line_and_column(tmp_path):
    path = _write(tmp_path, "title: Lieu\nrequired: [nom,\n")
    with pytest.raises(SchemaError) as e:
        load_schema(path)
    assert str(e.value) == (f"{path}:3:1: invalid YAML: expected the node content, "
                            "but found '<stream end>'")


@pytest.mark.parametrize("text", ["- nom\n- ville\n", "", "just a string\n"],
                         ids=["list", "empty", "scalar"])
def test_schema_that_is_not_a_mapping_is_refused(tmp_path, text):
    path = _write(tmp_path, text)
    with pytest.raises(SchemaError) as e:
        load_schema(path)
    assert str(e.value) == f"{path}: a schema must be a mapping"


def test_invalid_json_schema_names_the_key(tmp_path):
    path = _write(tmp_path, "properties:\n  nom: {type: strin}\nx-wiki: {template: T}\n")
    with pytest.raises(SchemaError) as e:
        load_schema(path)
    assert str(e.value) == (f"{path}: invalid JSON Schema at properties/nom/type: "
                            "'strin' is not valid under any of the given schemas")


def test_unknown_field_type_names_the_field_and_lists_the_types(tmp_path):
    path = _write(tmp_path, "x-wiki:\n  template: T\n  fields:\n    surface: {type: area}\n")
    with pytest.raises(SchemaError) as e:
        load_schema(path)
    assert str(e.value) == (
        f"{path}: x-wiki.fields.surface.type: unknown type 'area' (bool, date, email, enum, "
        "list, money, number, percent, surface, text, titles, url)")


def test_field_type_that_is_not_a_name_is_refused():
    with pytest.raises(SchemaError, match=r"^s\.yaml: x-wiki\.fields\.a\.type: unknown type"):
        schema_from_dict({"x-wiki": {"template": "T", "fields": {"a": {"type": ["text"]}}}},
                         "s.yaml")


def test_missing_template_is_refused():
    with pytest.raises(SchemaError) as e:
        schema_from_dict({"type": "object", "x-wiki": {"kind": "lieu"}}, "s.yaml")
    assert str(e.value) == "s.yaml: x-wiki.template is required"


@pytest.mark.parametrize("doc, message", [
    ({"x-wiki": {"template": "T", "fields": ["nom"]}}, "x-wiki.fields must be a mapping"),
    ({"x-wiki": {"template": "T", "fields": {"nom": "text"}}},
     "x-wiki.fields.nom must be a mapping"),
    ({"x-wiki": {"template": "T", "aliases": "Lieu"}}, "x-wiki.aliases must be a list of names"),
    ({"x-wiki": {"template": "T", "fields": {"nom": {"aliases": 5}}}},
     "x-wiki.fields.nom.aliases must be a list of names"),
    ({"x-wiki": {"template": "T"}, "x-sections": ["Communauté"]},
     "x-sections must be a mapping"),
    ({"x-wiki": {"template": "T"}, "x-sections": {"*": "Communauté"}},
     "x-sections.* must be a list of names"),
    ({"x-wiki": {"template": "T"}, "x-categories": ["Tiers-Lieux"]},
     "x-categories must be a mapping"),
    ({"x-wiki": {"template": "T"}, "x-categories": {"source": "Tiers-Lieux"}},
     "x-categories.source must be a mapping"),
], ids=["fields-list", "field-scalar", "aliases-scalar", "field-aliases", "sections-list",
        "section-string", "categories-list", "source-string"])
def test_misshapen_x_sections_are_refused_naming_the_key(doc, message):
    with pytest.raises(SchemaError) as e:
        schema_from_dict(doc, "s.yaml")
    assert str(e.value) == f"s.yaml: {message}"


def test_a_boolean_property_schema_is_a_field_without_choices():
    schema = schema_from_dict({"properties": {"nom": True},
                               "x-wiki": {"template": "T", "fields": {"nom": {}}}}, "s.yaml")
    assert (schema.field("nom").choices, schema.field("nom").default) == ((), None)


def test_missing_schema_file_is_a_schema_error(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(SchemaError) as e:
        load_schema(path)
    assert str(e.value) == f"{path}: cannot read schema: No such file or directory"


def test_schema_error_is_a_usage_error_with_exit_code_2():
    assert SchemaError("x").exit_code == 2


# Validation


def test_valid_record_has_no_issues():
    assert _issues({**PLACE, "surface_totale": Decimal("300"), "statut": "ouvert"}) == []


def test_missing_required_field_is_e101():
    assert list(validate_fields({"nom": "Le Mixeur"}, LIEU)) == [
        FieldIssue("E101", "ville", 'missing required field "ville"')]


def test_value_against_a_pattern_is_e102():
    assert _issues({**PLACE, "code_postal": "4200"}) == [
        ("E102", "code_postal", "field \"code postal\": '4200' does not match the expected form")]


def test_decimal_where_an_integer_is_expected_is_e102():
    assert _issues({**PLACE, "postes_travail": Decimal("12.5")}) == [
        ("E102", "postes_travail", 'field "postes de travail": 12.5 is not of type integer')]


def test_negative_cost_is_e102():
    assert _issues({**PLACE, "cout_services": Decimal("-1")}) == [
        ("E102", "cout_services", 'field "coût services": must be >= 0, got -1')]


def test_year_alone_is_not_a_valid_date():
    assert _issues({**PLACE, "date_creation": "2014"}) == [
        ("E102", "date_creation", "field \"date de création\": '2014' is not a valid date")]


def test_empty_list_where_one_item_is_required_is_e102():
    fiche = {"resume": "r", "type_document": "Tutoriel", "theme": [], "portail": ["X"],
             "licence": "CC0", "auteurs": ["A"], "maturite": "Brouillon"}
    assert _issues(fiche, FICHE) == [("E102", "theme", 'field "thème": must not be empty')]


def test_value_outside_the_choices_is_e104_listing_them():
    assert _issues({**PLACE, "statut": "fermée"}) == [
        ("E104", "statut", "field \"statut\": 'fermée' is not one of: ouvert, fermé, en projet")]


def test_shares_not_summing_to_100_are_e105():
    shares = {"part_residents": Decimal(50), "part_contributeurs": Decimal(30),
              "part_offres": Decimal("30.5")}
    assert _issues({**PLACE, **shares}) == [
        ("E105", "part_residents", "shares must sum to 100, got 50 + 30 + 30.5 = 110.5")]


def test_shares_summing_to_100_are_valid():
    shares = {"part_residents": Decimal("50.5"), "part_contributeurs": Decimal("29.5"),
              "part_offres": Decimal(20)}
    assert _issues({**PLACE, **shares}) == []


def test_some_shares_without_the_others_are_e105():
    assert _issues({**PLACE, "part_residents": Decimal(51), "part_offres": Decimal(20)}) == [
        ("E105", "part_residents",
         "shares must be given all three or none (given: part résidents, part offres)")]


def test_usable_surface_above_total_is_e106():
    surfaces = {"surface_totale": Decimal(100), "surface_utile": Decimal(1200)}
    assert _issues({**PLACE, **surfaces}) == [
        ("E106", "surface_utile", "surface utile (1200 m²) exceeds surface totale (100 m²)")]


@pytest.mark.parametrize("value", ["0", "-3"])
def test_surface_not_above_zero_is_e107(value):
    assert _issues({**PLACE, "surface_totale": Decimal(value)}) == [
        ("E107", "surface_totale", f'field "surface totale": surface must be > 0, got {value}')]


def test_none_values_count_as_missing():
    assert _issues({"nom": "Le Mixeur", "ville": None}) == [
        ("E101", "ville", 'missing required field "ville"')]
