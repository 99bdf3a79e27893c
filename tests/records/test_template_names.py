"""Template names resolved as MediaWiki resolves them (read_page): only the first letter in any
case, `_` as space, the namespace prefix in any case; a near miss is W205, not the infobox."""

from __future__ import annotations

import pytest

from movibot.records.read import read_page, sources_of
from movibot.records.schema import load_schemas
from movibot.sites.base import Page

SOURCES = sources_of(load_schemas())
BODY = "|nom=Le Mixeur|ville=Lyon}}\n[[Catégorie:Tiers-Lieux]]\n"


def _read(text: str, first_letter: bool = True):
    return read_page(Page("P", text), SOURCES, path="p.wiki", first_letter=first_letter)


def _w205(text: str, first_letter: bool = True) -> list[str]:
    return [p.format() for p in _read(text, first_letter).problems if p.code == "W205"]


@pytest.mark.parametrize("name", ["Tiers-Lieu", "tiers-Lieu", "Tiers_Lieu", "TEMPLATE:Tiers-Lieu",
                                  "modèle : tiers-Lieu", "Modèle:Tiers_Lieu"])
def test_names_mediawiki_resolves_to_the_template_are_read(name):
    reading = _read("{{" + name + BODY)
    assert (reading.record.fields["nom"], _w205("{{" + name + BODY)) == ("Le Mixeur", [])


@pytest.mark.parametrize("name", ["TIERS-LIEU", "Tiérs-Lieu", "tiers lieu", "Modele:Tiers-Lieu"])
def test_a_near_miss_is_not_read_and_is_w205_at_the_call(name):
    reading = _read("Texte.\n{{" + name + BODY)
    assert reading.record.fields == {}
    assert [p.code for p in reading.problems] == ["E108", "W205"]

@pytest.mark.parametrize(("name", "page"), [("tiers lieu", "Tiers lieu"),
                                            ("Modele : Tiers-Lieu", "Modele : Tiers-Lieu")])
def test_the_near_miss_names_the_page_mediawiki_calls(name, page):
    assert _w205("Texte.\n{{" + name + BODY) == [
        f"p.wiki:2:1: warning W205 {{{{{name}}}}} is not read as {{{{Tiers-Lieu}}}}: MediaWiki "
        f"calls another page (Modèle:{page}); did you mean {{{{Tiers-Lieu}}}}?"]


def test_the_first_letter_counts_on_a_case_sensitive_wiki():
    assert _read("{{tiers-Lieu" + BODY, first_letter=True).record.fields["nom"] == "Le Mixeur"
    assert _read("{{tiers-Lieu" + BODY, first_letter=False).record.fields == {}
    assert _w205("{{tiers-Lieu" + BODY, first_letter=False) == [
        "p.wiki:1:1: warning W205 {{tiers-Lieu}} is not read as {{Tiers-Lieu}}: MediaWiki calls "
        "another page (Modèle:tiers-Lieu); did you mean {{Tiers-Lieu}}?"]


def test_a_typo_gets_a_did_you_mean_on_a_page_without_the_template():
    assert _w205("{{Fihce|résumé=x}}\n") == [
        "p.wiki:1:1: warning W205 {{Fihce}} is not read as {{Fiche}}: MediaWiki calls another "
        "page (Modèle:Fihce); did you mean {{Fiche}}?"]


def test_a_template_close_to_the_infobox_is_no_typo_on_a_page_that_calls_it():
    assert _w205("{{Lieux}}\n{{Tiers-Lieu" + BODY) == []


def test_a_near_miss_in_includeonly_text_is_not_warned():
    assert _w205("<includeonly>{{TIERS-LIEU}}</includeonly>{{Tiers-Lieu" + BODY) == []


def test_a_redirect_the_schema_does_not_list_is_not_followed():
    assert _read("{{Infobox lieu" + BODY).record.fields == {}
    assert _read("{{Infobox Tiers-Lieu" + BODY).record.fields["nom"] == "Le Mixeur"
