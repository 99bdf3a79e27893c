from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movibot.records import values
from movibot.records.types import VALUE_TYPES
from movibot.records.values import (
    Reading,
    parse_french_number,
    read_bool,
    read_date,
    read_email,
    read_enum,
    read_list,
    read_quantity,
    read_text,
    read_title_list,
    read_url,
    read_value,
)
from movibot.wikitext.tree import wikicode

NBSP = "\u00a0"
NNBSP = "\u202f"


# French numbers


@pytest.mark.parametrize(
    "text", ["1 700", f"1{NBSP}700", f"1{NNBSP}700", "1\u2009700", " 1 700 "],
    ids=["space", "nbsp", "narrow-nbsp", "thin-space", "padded"],
)
def test_space_like_thousands_separators_give_one_number(text):
    assert parse_french_number(text) == Decimal("1700")


def test_several_thousands_groups_give_one_number():
    assert parse_french_number(f"1 700{NBSP}000") == Decimal("1700000")


@pytest.mark.parametrize("text, value", [("1.700", "1700"), ("2.100", "2100"),
                                         ("1.700.000", "1700000")])
def test_dot_before_groups_of_three_digits_separates_thousands(text, value):
    assert parse_french_number(text) == Decimal(value)


@pytest.mark.parametrize("text, value", [("800,50", "800.50"), ("1 700,5", "1700.5"),
                                         ("1.700,50", "1700.50"), ("0,5", "0.5")])
def test_comma_is_the_decimal_mark(text, value):
    assert parse_french_number(text) == Decimal(value)


@pytest.mark.parametrize("text, value", [("1.5", "1.5"), ("12.75", "12.75"), ("1.7000", "1.7000")])
def test_dot_not_followed_by_three_digits_is_a_decimal_mark(text, value):
    assert parse_french_number(text) == Decimal(value)


def test_signs_are_kept():
    assert (parse_french_number("-1 700,5"), parse_french_number("+3")) == (
        Decimal("-1700.5"), Decimal("3"))


@pytest.mark.parametrize("text", ["1 70", "12 3456", "1,700.5", "1,2,3", ".5", "5,", "1.70.0",
                                  "trois", "", "12a"])
def test_badly_grouped_or_non_numeric_text_is_not_a_number(text):
    assert parse_french_number(text) is None


def _french(value: Decimal, sep: str) -> str:
    whole, _, frac = f"{abs(value):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", sep)
    return ("-" if value < 0 else "") + f"{groups},{frac}"


@settings(max_examples=60)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2),
       st.sampled_from([" ", NBSP, NNBSP, "."]))
def test_any_number_written_the_french_way_reads_back(value, sep):
    assert parse_french_number(_french(value, sep)) == value


# Quantities with units


@pytest.mark.parametrize("raw", ["1 700 €", f"1{NBSP}700{NBSP}€", "1700€", "1 700 €/mois",
                                 "1 700 € / mois", "1.700 €/mois", "1 700 euros par mois",
                                 "1 700 € HT", "€ 1 700", "1&nbsp;700 €", "1 700"])
def test_money_reads_amounts_with_euro_and_per_month(raw):
    assert read_quantity(raw, "money").value == Decimal("1700")


@pytest.mark.parametrize("raw, value, note, other", [
    ("1,700 €", "1.700", "'1,700' read as 1,7 (a decimal comma); write 1 700 for one thousand "
     "seven hundred", "1700"),
    ("1.700 €/mois", "1700", "'1.700' read as 1 700 (a dot between thousands); write 1 700 for "
     "one thousand seven hundred, or 1,7 for a decimal", "1.700"),
    ("-12,050", "-12.050", "'-12,050' read as -12,05 (a decimal comma); write -12 050 for minus "
     "twelve thousand fifty", "-12050"),
], ids=["comma", "dot", "negative"])
def test_one_separator_before_three_digits_is_read_and_noted_as_ambiguous(raw, value, note,
                                                                          other):
    assert read_quantity(raw, "money") == Reading(Decimal(value), note=note,
                                                  alternative=Decimal(other))


@pytest.mark.parametrize("raw", ["1 700", "1.700.000", "1.700,50", "0,500", "1,75", "12.5",
                                 "1700", "1 700,500"])
def test_numbers_that_say_which_separator_they_use_are_not_ambiguous(raw):
    assert read_quantity(raw, "number").note == ""


def test_money_keeps_cents():
    assert read_quantity("800,50 €", "money") == Reading(Decimal("800.50"))


@pytest.mark.parametrize("raw, value", [("300 m²", "300"), ("300m2", "300"), ("420 m2", "420"),
                                        (f"300{NBSP}m²", "300"), ("300 m<sup>2</sup>", "300"),
                                        ("300 mètres carrés", "300"), ("1 200,5 m²", "1200.5")])
def test_surface_reads_square_metres(raw, value):
    assert read_quantity(raw, "surface") == Reading(Decimal(value))


@pytest.mark.parametrize("raw, value", [("51 %", "51"), ("51%", "51"), (f"51{NBSP}%", "51"),
                                        ("29,5 %", "29.5"), ("20 pour cent", "20")])
def test_percent_reads_percentages(raw, value):
    assert read_quantity(raw, "percent") == Reading(Decimal(value))


def test_unreadable_number_keeps_the_raw_text_and_says_why():
    assert read_quantity(" environ trois cents ", "number") == Reading(
        "environ trois cents", False, "cannot read 'environ trois cents' as a number")


def test_unreadable_surface_names_the_expected_kind():
    assert read_quantity("à définir", "surface") == Reading(
        "à définir", False, "cannot read 'à définir' as a surface in m²")


def test_unreadable_money_names_the_expected_kind():
    assert read_quantity("51 %", "money") == Reading(
        "51 %", False, "cannot read '51 %' as an amount in €")


def test_unit_of_another_kind_is_unreadable():
    assert read_quantity("300 €", "surface").ok is False


@pytest.mark.parametrize("raw", ["", "   ", "<!-- à compléter -->"])
def test_blank_or_comment_only_quantity_is_none(raw):
    assert read_quantity(raw, "money") == Reading(None)


def test_quantity_hidden_in_a_template_is_unreadable_not_empty():
    assert read_quantity("{{formatnum:1700}}", "number") == Reading(
        "{{formatnum:1700}}", False, "cannot read '{{formatnum:1700}}' as a number")


def test_links_and_formatting_around_a_number_are_ignored():
    assert read_quantity("'''[[Surface|300]]''' m²", "surface") == Reading(Decimal("300"))


# Lists


def test_list_splits_on_commas_and_semicolons():
    assert read_list("coworking, fablab; EPN") == Reading(["coworking", "fablab", "EPN"])


def test_list_splits_on_every_spelling_of_br():
    assert read_list("a<br>b<br/>c<BR />d").value == ["a", "b", "c", "d"]


@pytest.mark.parametrize("raw", ["* a\n* b\n*c", "# a\n# b\n#c", "- a\n- b\n- c", "a • b • c"])
def test_list_splits_on_bullets(raw):
    assert read_list(raw).value == ["a", "b", "c"]


def test_list_keeps_hyphens_inside_items():
    assert read_list("tiers-lieu rural, Saint-Étienne").value == ["tiers-lieu rural",
                                                                  "Saint-Étienne"]


def test_list_without_commas_keeps_commas_inside_items():
    assert read_list("Économie, droit et législation; Les Tiers Lieux", commas=False).value == [
        "Économie, droit et législation", "Les Tiers Lieux"]


def test_list_drops_empty_items_and_comments():
    assert read_list("a,, <!-- b --> ;c,").value == ["a", "c"]


@pytest.mark.parametrize("raw", ["", " , ; ", "<!-- rien -->"])
def test_empty_list_is_none(raw):
    assert read_list(raw) == Reading(None)


def test_list_items_from_links_are_their_labels():
    assert read_list("[[Le Mixeur|le Mixeur]], [[La Cartonnerie]]").value == [
        "le Mixeur", "La Cartonnerie"]


def test_title_list_items_from_links_are_page_titles():
    assert read_title_list("[[Le Mixeur|le Mixeur]], [[la_Cartonnerie]]").value == [
        "Le Mixeur", "La Cartonnerie"]


def test_title_list_items_are_normalized_titles():
    assert read_title_list("le_mixeur ; OpenFactory").value == ["Le mixeur", "OpenFactory"]


def test_title_list_survives_a_link_inside_a_link():
    assert read_title_list("[[A|[[B]]]], [[C]]").value == ["A", "C"]


def test_title_list_without_commas_keeps_commas_inside_titles():
    raw = "[[Économie, droit et législation]]; [[Les Tiers Lieux|LTL]]"
    assert read_title_list(raw, commas=False).value == ["Économie, droit et législation",
                                                        "Les Tiers Lieux"]


# Dates


@pytest.mark.parametrize("raw", ["2014/04/12", "2014-04-12", "12/04/2014", "12.04.2014",
                                 "2014-4-12", " 12/4/2014 "])
def test_dates_read_as_iso_8601(raw):
    assert read_date(raw) == Reading("2014-04-12")


def test_date_day_comes_first_in_french_dates():
    assert read_date("01/02/2015").value == "2015-02-01"


def test_year_alone_is_kept_as_written():
    assert read_date("2014") == Reading("2014")


def test_impossible_date_is_unreadable():
    assert read_date("2014-02-30") == Reading("2014-02-30", False,
                                              "'2014-02-30' is not a valid date")


def test_date_in_words_is_unreadable():
    assert read_date("avril 2014") == Reading(
        "avril 2014", False,
        "cannot read 'avril 2014' as a date (expected YYYY-MM-DD or DD/MM/YYYY)")


# URLs, e-mail, oui/non, enums, text


@pytest.mark.parametrize("raw, url", [
    ("https://movilab.org", "https://movilab.org"),
    ("http://movilab.org/wiki/Accueil?x=1", "http://movilab.org/wiki/Accueil?x=1"),
    ("[https://movilab.org Movilab]", "https://movilab.org"),
    (" HTTPS://movilab.org ", "HTTPS://movilab.org"),
])
def test_http_and_https_urls_are_read(raw, url):
    assert read_url(raw) == Reading(url)


@pytest.mark.parametrize("raw", ["ftp://movilab.org", "movilab.org", "javascript:alert(1)",
                                 "https://movi lab.org", "mailto:a@b.fr"])
def test_other_urls_are_unreadable(raw):
    assert read_url(raw) == Reading(raw, False, f"{raw!r} is not an http(s) URL")


def test_email_drops_mailto():
    assert read_email("mailto:contact@movilab.org") == Reading("contact@movilab.org")


def test_text_that_is_not_an_email_is_unreadable():
    assert read_email("pas une adresse") == Reading(
        "pas une adresse", False, "'pas une adresse' is not an e-mail address")


@pytest.mark.parametrize("raw, value", [("oui", True), ("Non", False), (" OUI ", True),
                                        ("yes", True), ("faux", False), ("1", True)])
def test_oui_non_read_as_booleans(raw, value):
    assert read_bool(raw) == Reading(value)


def test_unreadable_oui_non_quotes_the_text_as_written():
    assert read_bool("peut-être") == Reading("peut-être", False,
                                             "cannot read 'peut-être' as oui/non")


def test_enum_returns_the_canonical_spelling_ignoring_case_and_accents_and_what_was_written():
    assert read_enum("FERME", ("ouvert", "fermé")) == Reading("fermé", written="FERME")
    assert read_enum("fermé", ("ouvert", "fermé")) == Reading("fermé")


def test_enum_leaves_unknown_choices_to_the_schema():
    assert read_enum("fermée", ("ouvert", "fermé")) == Reading("fermée")


def test_text_drops_comments_and_collapses_white_space():
    assert read_text("  Un   texte <!-- note -->\n sur deux lignes ") == Reading(
        "Un texte sur deux lignes")


def test_read_value_dispatches_on_kind():
    assert [read_value("money", "1 700 €").value, read_value("bool", "oui").value,
            read_value("enum", "Ouvert", ("ouvert",)).value,
            read_value("list", "a, b; c", commas=False).value,
            read_value("titles", "[[a_b|x]]").value] == [
        Decimal("1700"), True, "ouvert", ["a, b", "c"], ["A b"]]


@settings(max_examples=40)
@given(st.sampled_from(sorted(VALUE_TYPES)), st.text(max_size=40))
def test_readers_never_raise_and_say_why_when_they_fail(kind, raw):
    reading = read_value(kind, raw)
    assert reading.ok or (reading.value == raw.strip() and reading.reason)


# Values of plain text: read without the walk, and their readings kept


@pytest.mark.parametrize("text", ["Lyon", " 1 700 m² ", "a, b; c\n* d", "x\u200by", "",
                                  "a = b", "L'atelier"])
def test_a_plain_value_of_the_tree_is_passed_as_the_walk_passes_it(text, monkeypatch):
    shortcut = values.passed(wikicode(text))
    monkeypatch.setattr(values, "_plain", lambda nodes, text: False)
    assert shortcut == values.passed(wikicode(text))


def test_a_list_read_again_is_the_readers_own():
    first = read_value("list", wikicode("Atelier, Coworking"))
    first.value.append("changed by its reader")
    assert read_value("list", wikicode("Atelier, Coworking")).value == ["Atelier", "Coworking"]


def test_a_type_replaced_in_the_registry_reads_with_its_own_reader(monkeypatch):
    assert read_value("text", wikicode("Lyon")).value == "Lyon"
    upper = dataclasses.replace(VALUE_TYPES["text"],
                                read=lambda raw, options: Reading(str(raw).upper()))
    monkeypatch.setitem(VALUE_TYPES, "text", upper)
    assert read_value("text", wikicode("Lyon")).value == "LYON"
