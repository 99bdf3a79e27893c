from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movibot.wikitext.titles import (
    filename_to_title,
    fold,
    is_category,
    normalize_title,
    title_from_file,
    title_to_filename,
)


@pytest.mark.parametrize("raw, title", [
    ("Le_Mixeur", "Le Mixeur"),
    ("  le   Mixeur ", "Le Mixeur"),
    ("éco-lieu", "Éco-lieu"),
    ("catégorie:tiers-lieux", "Catégorie:Tiers-lieux"),
    ("Portail : économie, droit", "Portail:Économie, droit"),
    ("modèle:tiers-Lieu", "Modèle:Tiers-Lieu"),
])
def test_normalize_title_gives_mediawiki_canonical_form(raw, title):
    assert normalize_title(raw) == title


def test_title_to_filename_uses_underscores_for_spaces():
    assert title_to_filename("Le Mixeur") == "Le_Mixeur.wiki"


def test_title_to_filename_escapes_slash_and_percent():
    assert (title_to_filename("Ma fiche/Sous page"), title_to_filename("100% local")) == (
        "Ma_fiche%2FSous_page.wiki", "100%25_local.wiki")


@pytest.mark.parametrize("filename, title", [
    ("Le_Mixeur.wiki", "Le Mixeur"),
    ("Ma_fiche%2FSous_page.wiki", "Ma fiche/Sous page"),
    ("100%25_local.wiki", "100% local"),
    ("100%252F.wiki", "100%2F"),
    ("Catégorie%3ATiers-Lieux.wiki", "Catégorie:Tiers-Lieux"),
    ("Catégorie:Portails.wiki", "Catégorie:Portails"),
    ("le_paradou", "Le paradou"),
])
def test_filename_to_title_decodes_the_file_name(filename, title):
    assert filename_to_title(filename) == title


@settings(max_examples=60)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
               max_size=30).filter(lambda t: normalize_title(t)))
def test_filename_round_trips_to_the_normalized_title(title):
    assert filename_to_title(title_to_filename(title)) == normalize_title(title)


def test_title_comment_on_the_first_line_gives_the_title():
    text = "<!-- title: Ma fiche/Sous page -->\n{{Fiche}}\n"
    assert title_from_file("autre_nom.wiki", text) == "Ma fiche/Sous page"


def test_title_comment_is_normalized_and_may_follow_a_bom():
    assert title_from_file("x.wiki", "\ufeff<!--title:  le_paradou -->\n") == "Le paradou"


def test_title_comment_after_the_first_line_is_ignored():
    assert title_from_file("Le_Cercle.wiki", "Texte\n<!-- title: Autre -->\n") == "Le Cercle"


def test_empty_title_comment_falls_back_to_the_file_name():
    assert title_from_file("Le_Cercle.wiki", "<!-- title: -->\n") == "Le Cercle"


@pytest.mark.parametrize("title, expected", [("Catégorie:Tiers-Lieux", True),
                                             ("category : X", True), ("Portail:X", False),
                                             ("Tiers-Lieux", False)])
def test_is_category_recognises_both_namespace_names(title, expected):
    assert is_category(title) is expected


@pytest.mark.parametrize("a, b", [("Surface_totale", "surface totale"),
                                  ("Modèle Tiers-Lieu", "modele tiers lieu"),
                                  ("ÉCOLE  de", "ecole de")])
def test_fold_ignores_case_accents_underscores_and_hyphens(a, b):
    assert fold(a) == fold(b) == b
