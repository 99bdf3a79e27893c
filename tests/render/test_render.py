from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bar import assert_bar_inert

from movibot.costs.inputs import record_costs
from movibot.costs.model import CostInputs, CostResult, compute_costs
from movibot.records.parse import parse_page
from movibot.records.record import Record
from movibot.records.schema import FieldSpec, Schema, load_schemas
from movibot.records.values import read_url
from movibot.render.bar import render_bar
from movibot.render.infobox import (
    INFOBOX_STYLE,
    PORTAL_NS,
    format_value,
    implied_by_field,
    implied_categories,
    render_infobox,
)
from movibot.render.members import members_row, render_category_page, render_members
from movibot.rows import MemberRow
from movibot.wikitext.blocks import find_blocks, make_block, replace_block
from movibot.wikitext.escaping import _CONTROL, category_from, escape, safe_name
from movibot.wikitext.titles import title_from_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
UPDATE = os.environ.get("MOVIBOT_UPDATE_GOLDEN") == "1"  # rewrite the golden files
LIEU, FICHE = load_schemas()
NBSP = "\u00a0"
TABLE_TAGS = {"table", "tr", "td", "th"}
MAGIC_WORD = re.compile(r"__[A-Za-z_]+__")
D = Decimal
COSTS = compute_costs(CostInputs(D(300), D(1700), D(800), postes=10,
                                 recettes_residents=D(1500)))


def _inputs(prefix: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob(f"{prefix}_*.wiki") if p.name.count(".") == 1)


def _load(path: Path) -> tuple[Record, Schema, CostResult | None]:
    schema = LIEU if path.name.startswith("lieu_") else FICHE
    text = path.read_text(encoding="utf-8")
    record = parse_page(text, schema, title_from_file(path.name, text), path.name)
    assert record.problems == ()
    costs = record_costs(record.fields)[0] if schema is LIEU else None
    return record, schema, costs


def _golden(name: str, text: str) -> None:
    path = FIXTURES / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _rows(prefix: str) -> list[dict[str, Any]]:
    rows = []
    for path in _inputs(prefix):
        record, _, costs = _load(path)
        rows.append(members_row(record.title, record.fields, costs))
    return rows


def safe_names(*values: str) -> set[str]:
    """The names among `values` that may be linked to (the titles of their pages)."""
    return {name for name in map(safe_name, values) if name}


def intended_links(fields: dict[str, Any], schema: Schema) -> set[str]:
    """The links a record asks for: its categories, and the safe names of its titles fields."""
    links = {f"Catégorie:{c}" for c in implied_categories(fields, schema)}
    for spec in schema.fields:
        values = fields.get(spec.name) if spec.type == "titles" else None
        for value in values if isinstance(values, list) else [values] if values else []:
            name = safe_name(value)
            if name:
                links.add(PORTAL_NS + name if spec.links == "portal" else name)
    return links


def intended_urls(fields: dict[str, Any], schema: Schema) -> set[str]:
    """The external links the infobox shows: control characters dropped (escape_url), `&`
    and `~` as entities."""
    return {re.sub(r"[&~]", lambda m: {"&": "&amp;", "~": "&#126;"}[m.group(0)],
                   _CONTROL.sub("", v))
            for spec in schema.fields if spec.type == "url"
            for v in [fields.get(spec.name)] if isinstance(v, str) and _is_url(v)}


def _is_url(value: str) -> bool:
    reading = read_url(value)
    return reading.ok and reading.value == value


def assert_inert(text: str, links: set[str], urls: frozenset[str] | set[str] = frozenset(), *,
                 tables: int = 1, headings: int = 0, costs: CostResult | None = None) -> None:
    """Nothing in `text` but the intended tables, links and headings: no template, comment,
    HTML tag, formatting, magic word or signature; a page holding it has one sound block.

    With `costs`, the surface bar of that model is there, once and exactly as render_bar
    makes it from the numbers alone (its own inertness: tests/render/test_bar.py), and is left out
    of the other checks; without, there is no bar."""
    page = "{{Tiers-Lieu\n| nom = X\n}}\n" + make_block("infobox", text) + "\nTexte.\n"
    bar = render_bar(costs) if costs is not None else ""
    if bar:
        assert text.count(bar) == 1
        assert_bar_inert(bar)
        text = text.replace(bar, "")
    assert "movibot-barre" not in text
    code = mwparserfromhell.parse(text)
    assert code.filter_templates() == [] and code.filter_arguments() == []
    assert code.filter_comments() == []
    assert {str(t.tag).lower() for t in code.filter_tags()} <= TABLE_TAGS
    assert {str(link.title) for link in code.filter_wikilinks()} == links
    assert {str(link.url) for link in code.filter_external_links()} == urls
    assert len(code.filter_headings()) == headings
    assert not MAGIC_WORD.search(text) and "~~~" not in text
    assert text.count("{|") == tables and text.count("|}") == tables
    blocks, problems = find_blocks(page)
    assert len(blocks) == 1 and problems == []


# Golden files


@pytest.mark.parametrize("path", _inputs("lieu") + _inputs("fiche"), ids=lambda p: p.stem)
def test_infobox_matches_its_golden_file(path: Path) -> None:
    record, schema, costs = _load(path)
    text = render_infobox(record.title, record.fields, schema, costs)
    _golden(f"{path.stem}.infobox.wiki", text)


@pytest.mark.parametrize("path", _inputs("lieu") + _inputs("fiche"), ids=lambda p: p.stem)
def test_real_infobox_renders_inert_apart_from_its_links(path: Path) -> None:
    record, schema, costs = _load(path)
    text = render_infobox(record.title, record.fields, schema, costs)
    fields = dict(record.fields)
    assert_inert(text, intended_links(fields, schema), intended_urls(fields, schema),
                 costs=costs)


def test_lieux_members_table_matches_its_golden_file() -> None:
    _golden("members_lieux.wiki", render_members(_rows("lieu"), "lieu"))


def test_fiches_members_tables_by_theme_match_their_golden_file() -> None:
    _golden("members_fiches.wiki", render_members(_rows("fiche"), "fiche"))


def test_new_category_page_matches_its_golden_file() -> None:
    source = LIEU.categories["source"]
    block = make_block("membres", render_members(_rows("lieu"), "lieu"))
    text = render_category_page(source["description"], source["portal"], "Portails", block)
    _golden("category_tiers-lieux.wiki", text)


# The infobox


def test_infobox_shows_french_formats_with_no_break_spaces() -> None:
    record, schema, costs = _load(FIXTURES / "lieu_300.wiki")
    text = render_infobox(record.title, record.fields, schema, costs)
    assert f"! Coût mensuel incompressible\n| 2{NBSP}500{NBSP}€\n" in text
    assert f"| 51{NBSP}% : 153{NBSP}m² à 11,11{NBSP}€/m²/mois\n" in text
    assert f"| 1{NBSP}700{NBSP}€{NBSP}/{NBSP}mois\n" in text


def test_infobox_puts_the_page_in_the_categories_of_its_types_and_region() -> None:
    record, schema, costs = _load(FIXTURES / "lieu_complet.wiki")
    text = render_infobox(record.title, record.fields, schema, costs)
    assert text.endswith("|}\n[[Catégorie:Auvergne-Rhône-Alpes]]\n[[Catégorie:Coworking]]\n"
                         "[[Catégorie:Fablab]]\n")


def test_infobox_shows_shares_and_revenues_when_the_model_cannot_be_computed() -> None:
    fields = {"nom": "X", "part_residents": Decimal(60), "recettes_offres": Decimal(900)}
    text = render_infobox("X", fields, LIEU)
    assert text.endswith(f'! colspan="2" | Modèle économique\n|-\n! Part résidents\n| 60{NBSP}%'
                         f"\n|-\n! Recettes offres\n| 900{NBSP}€{NBSP}/{NBSP}mois\n|}}\n")


def test_infobox_has_no_row_for_an_empty_value() -> None:
    text = render_infobox("X", {"nom": "X", "adresse": "", "type": [], "pays": None}, LIEU)
    assert text == f"{{| {INFOBOX_STYLE}\n|+ X\n|}}\n"


def test_infobox_caption_is_the_title_when_there_is_no_nom() -> None:
    text = render_infobox("Barcamp", {"theme": ["Animation"]}, FICHE)
    assert "\n|+ Barcamp\n" in text


def test_rendering_twice_gives_the_same_bytes_so_a_rerun_makes_no_edit() -> None:
    record, schema, costs = _load(FIXTURES / "lieu_complet.wiki")
    first = render_infobox(record.title, record.fields, schema, costs)
    page = replace_block("{{Tiers-Lieu}}\nTexte.\n", "infobox", first, anchor=14)
    again = render_infobox(record.title, dict(record.fields), schema, costs)
    assert again == first
    assert replace_block(page, "infobox", again, anchor=14) == page


# format_value, one case per field type of both schemas


def _spec(schema: Schema, name: str) -> FieldSpec:
    return schema.field(name)


FORMATS = [
    (LIEU, "adresse", "12 rue des Ateliers", "12 rue des Ateliers"),
    (LIEU, "code_postal", "42000", "42000"),
    (LIEU, "latitude", Decimal("45.439721"), "45,439721"),
    (LIEU, "longitude", Decimal("-1.5"), "-1,5"),
    (LIEU, "postes_travail", Decimal("1200"), f"1{NBSP}200"),
    (LIEU, "postes_travail", 12, "12"),
    (LIEU, "type", ["coworking", "repair café"], "coworking, repair café"),
    (LIEU, "site_web", "https://lieu.example/", "[https://lieu.example/ lieu.example]"),
    (LIEU, "site_web", "HTTPS://lieu.example/a", "[HTTPS://lieu.example/a lieu.example/a]"),
    (LIEU, "site_web", "https://x.example/~a__b?c&d",
     "[https://x.example/&#126;a&#95;&#95;b?c&amp;d x.example/&#126;a&#95;&#95;b?c&amp;d]"),
    (LIEU, "site_web", "javascript:alert(1)", "javascript&#58;alert(1)"),
    (LIEU, "courriel", "contact@lieu.example", "contact@lieu.example"),
    (LIEU, "date_creation", "2014-04-12", "12/04/2014"),
    (LIEU, "date_creation", "2014", "2014"),
    (LIEU, "statut", "en projet", "en projet"),
    (LIEU, "surface_totale", Decimal("1250.5"), f"1{NBSP}250,5{NBSP}m²"),
    (LIEU, "cout_infrastructure", Decimal("3050.5"), f"3{NBSP}050,50{NBSP}€{NBSP}/{NBSP}mois"),
    (LIEU, "cout_services", Decimal("800"), f"800{NBSP}€{NBSP}/{NBSP}mois"),
    (LIEU, "part_residents", Decimal("50.5"), f"50,5{NBSP}%"),
    (LIEU, "surface_totale", "beaucoup", "beaucoup"),
    (LIEU, "surface_totale", Decimal("NaN"), "NaN"),
    (FICHE, "resume", "Un « format » ; en 2.0", "Un « format » ; en 2.0"),
    (FICHE, "type_document", "Format d'animation", "Format d'animation"),
    (FICHE, "theme", ["Animation", "Coworking"], "Animation, Coworking"),
    (FICHE, "auteurs", ["Zoomacom", "OpenScop"], "Zoomacom, OpenScop"),
    (FICHE, "date_creation", "2015-06-01", "01/06/2015"),
    (FICHE, "portail", ["Économie, droit et législation", "Les Tiers Lieux"],
     "[[Portail:Économie, droit et législation|Économie, droit et législation]]; "
     "[[Portail:Les Tiers Lieux|Les Tiers Lieux]]"),
    (FICHE, "lieux", ["Le Mixeur", "Fab & Co", "a|b"], "[[Le Mixeur]], [[Fab & Co]], a&#124;b"),
    (FICHE, "maturite", "Démarré", "Démarré"),
]


@pytest.mark.parametrize(("schema", "name", "value", "expected"), FORMATS,
                         ids=[f"{s.kind}-{n}-{i}" for i, (s, n, _, _) in enumerate(FORMATS)])
def test_format_value_gives_the_french_wikitext_of_each_field_type(
    schema: Schema, name: str, value: Any, expected: str
) -> None:
    assert format_value(_spec(schema, name), value) == expected


def test_format_value_writes_a_bool_as_oui_or_non() -> None:
    spec = FieldSpec("ouvert", "ouvert", "Ouvert", "bool")
    assert (format_value(spec, True), format_value(spec, False)) == ("oui", "non")


def test_javascript_url_renders_as_text_not_a_link() -> None:
    fields = {"nom": "X", "site_web": "javascript:alert(document.cookie)"}
    text = render_infobox("X", fields, LIEU)
    code = mwparserfromhell.parse(text)
    assert code.filter_external_links() == [] and code.filter_wikilinks() == []
    assert "| javascript&#58;alert(document.cookie)\n" in text


def test_free_urls_in_text_do_not_become_links() -> None:
    text = render_infobox("X", {"nom": "https://spam.example mailto:a@b.example"}, LIEU)
    assert mwparserfromhell.parse(text).filter_external_links() == []


# Escaping and names


@pytest.mark.parametrize(("value", "expected"), [
    ("}}{{Supprimer}}", "&#125;&#125;&#123;&#123;Supprimer&#125;&#125;"),
    ("[[Catégorie:Spam]]", "&#91;&#91;Catégorie&#58;Spam&#93;&#93;"),
    ("<!-- x -->", "&lt;!-- x --&gt;"),
    ("~~~~", "&#126;&#126;&#126;&#126;"),
    ("__NOINDEX__", "&#95;&#95;NOINDEX&#95;&#95;"),
    ("a || b !! c", "a &#124;&#124; b &#33;&#33; c"),
    ("''x''", "&#39;&#39;x&#39;&#39;"),
    ("a\n\n* b\r\n", "a * b"),
    ("a\x00b\x7f", "ab"),
    ("10:30, Lieu : Paris", "10:30, Lieu : Paris"),
    ("&#123;", "&amp;#123;"),
])
def test_escape_makes_markup_inert(value: str, expected: str) -> None:
    assert escape(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("coworking", "Coworking"),
    ("Le_Mixeur", "Le Mixeur"),
    ("Fab & Co", "Fab & Co"),
    ("L'Atelier / Fablab", "L'Atelier / Fablab"),
    ("Économie, droit et législation", "Économie, droit et législation"),
    ("Co&Co", None),
    ("a&#91;", None),
    ("[[x]]", None),
    ("Catégorie:Spam", None),
    ("a''b", None),
    ("../x", None),
    ("/x", None),
    ("a/../b", None),
    ("a\x00b", None),
    ("~~~~", None),
    ("50%", None),
    ("", None),
    ("é" * 128, None),
])
def test_safe_name_accepts_only_names_without_markup(value: str, expected: str | None) -> None:
    assert safe_name(value) == expected


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("{Value}", "coworking", "Coworking"),
    ("{value}", "Pays de la Loire", "Pays de la Loire"),
    ("{value}", "Pays  de la  Loire", "Pays de la Loire"),  # spaces: not a rewrite
    ("Lieux en {value}", "Bretagne", "Lieux en Bretagne"),
    ("{value}", "__HIDDENCAT__", None),  # MediaWiki would read the category HIDDENCAT
    ("{Value}", "__NOINDEX__", None),
    ("{value}", "__NOTOC__", None),
    ("{value}", "Hauts_de_France", None),  # `_` is rewritten as a space
    ("{value}", "Catégorie:Spam", None),
    ("{value}", "[[Catégorie:Spam]]", None),
    ("{value}", "<nowiki>__NOTOC__</nowiki>", None),
    ("{value}", "", None),
])
def test_a_value_makes_a_category_only_when_mediawiki_keeps_it_as_written(
        pattern: str, value: str, expected: str | None) -> None:
    assert category_from(pattern, value) == expected


def test_a_magic_word_value_is_shown_inertly_and_makes_no_category() -> None:
    fields = {"nom": "Lieu magique", "ville": "Lille", "region": "__HIDDENCAT__",
              "type": ["fablab", "__NOINDEX__", "__NOTOC__"]}
    assert implied_by_field(fields, LIEU) == {"region": [], "type": ["Fablab"]}
    text = render_infobox("Lieu magique", fields, LIEU)
    assert [line for line in text.splitlines() if "Catégorie" in line] == ["[[Catégorie:Fablab]]"]
    assert "| &#95;&#95;HIDDENCAT&#95;&#95;" in text
    assert "| fablab, &#95;&#95;NOINDEX&#95;&#95;, &#95;&#95;NOTOC&#95;&#95;" in text


# Hostile values

HOSTILE = [
    "}}{{Supprimer}}", "[[Catégorie:Spam]]", "<!-- movibot:end infobox -->",
    "<script>alert(1)</script>", "javascript:alert(1)", "~~~~", "__NOINDEX__",
    "{{subst:Supprimer}}", "{|", "|}", "a\n|}\n{|\n| b", "ligne 1\nligne 2", "{{{1}}}",
    "'''gras''' ''italique''", "<nowiki>", "[https://spam.example spam]", "https://spam.example",
    "mailto:spam@example.org", "&#123;&#123;x&#125;&#125;", "a || b !! c", "-{zh:x}-",
    "<!--", "-->", "[[Le Mixeur|]]", "{{#invoke:x|y}}", "<ref>x</ref>",
    "\x7f'\"`UNIQ-x-QINU`\"'\x7f",
]


def _every_field(schema: Schema, value: str) -> dict[str, Any]:
    return {spec.name: [value, "Lieu sûr"] if spec.type in ("list", "titles") else value
            for spec in schema.fields}


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:30])
@pytest.mark.parametrize("schema", [LIEU, FICHE], ids=lambda s: s.kind)
def test_hostile_value_in_every_field_renders_inert(schema: Schema, value: str) -> None:
    fields = _every_field(schema, value)
    costs = COSTS if schema is LIEU else None
    text = render_infobox(value, fields, schema, costs)
    assert_inert(text, intended_links(fields, schema), intended_urls(fields, schema),
                 costs=costs)


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:30])
def test_hostile_value_in_a_members_row_renders_inert(value: str) -> None:
    row = members_row(value, {"nom": value, "ville": value, "type": [value]}, COSTS)
    safe = members_row("Le Mixeur", {"nom": value}, None)
    text = render_members([row, safe], "lieu")
    assert_inert(text, {"Le Mixeur"} | safe_names(value))


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:30])
def test_hostile_value_in_a_fiche_row_renders_inert(value: str) -> None:
    fields = {"theme": [value, "Animation"], "type_document": value, "maturite": value}
    text = render_members([members_row(value, fields, None)], "fiche")
    assert_inert(text, safe_names(value), tables=2, headings=2)


# Members tables


def test_members_lines_end_without_trailing_spaces() -> None:
    text = render_members([members_row("Le Paradou", {"nom": "Le Paradou"}, None)], "lieu")
    assert "\n| [[Le Paradou]] || || || || ||\n" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_members_row_with_empty_cells_keeps_six_cells() -> None:
    text = render_members([members_row("Le Paradou", {}, None)], "lieu")
    row = mwparserfromhell.parse(text).filter_tags(matches=lambda n: n.tag == "tr")[-1]
    assert len([c for c in row.contents.filter_tags(recursive=False)]) == 6


def test_members_sort_on_the_shown_precision() -> None:
    text = render_members([members_row("A", {"surface_totale": Decimal("300")}, COSTS)], "lieu")
    assert f'data-sort-value="11.11" | 11,11{NBSP}€/m²/mois' in text
    assert f'| data-sort-value="300" | 300{NBSP}m² || data-sort-value="2500" |' in text


def test_members_skip_a_number_that_is_not_one() -> None:
    row = MemberRow("A", surface="beaucoup", cout_mensuel="NaN")
    assert "\n| [[A]] || || || || ||\n" in render_members([row], "lieu")


def test_members_are_ordered_by_title_ignoring_case() -> None:
    rows = [MemberRow(t) for t in ("b", "A", "c")]
    text = render_members(rows, "lieu")
    assert [line.split("]]")[0] for line in text.splitlines() if line.startswith("| [[")] == [
        "| [[A", "| [[B", "| [[C"]


def test_empty_members_table_says_so() -> None:
    assert render_members([], "lieu") == "''Aucun tiers-lieu pour l'instant.''\n"
    assert render_members([], "fiche") == "''Aucune fiche pour l'instant.''\n"


def test_fiches_are_grouped_by_theme_with_case_and_accents_merged() -> None:
    rows = [MemberRow("B", theme=("Économie", "economie")), MemberRow("A"),
            MemberRow("C", theme=("economie",))]
    text = render_members(rows, "fiche")
    assert [h for h in text.splitlines() if h.startswith("===")] == [
        "=== Économie ===", "=== Sans thème ==="]
    assert text.count("[[B]]") == 1 and text.index("[[B]]") < text.index("[[C]]")


# New category pages


def test_category_page_without_description_starts_with_its_portal() -> None:
    text = render_category_page("", "Les Tiers Lieux", "Portails", "")
    assert text == "Cette catégorie fait partie du [[Portail:Les Tiers Lieux]].\n\n" \
                   "[[Catégorie:Portails]]\n"


# Property tests

FRAGMENTS = st.sampled_from([
    "{{", "}}", "{{{", "[[", "]]", "[", "]", "{|", "|}", "|-", "|+", "|", "||", "!", "!!", "<!--",
    "-->", "<", ">", "<script>", "</script>", "javascript:", "https://x.example", "mailto:a@b.fr",
    "Catégorie:", "Portail:", "~", "~~~~", "_", "__NOINDEX__", "'", "''", "'''", "&", "&amp;",
    "&#123;", ";", ":", "=", "*", "#", "\n", "\r", "\t", " ", "\u00a0", "\x00", "\x7f", "-{", "}-",
    "movibot:end infobox", "<nowiki>", "/", "..", ".", "é", "a", "Lieu",
])
RAW = st.lists(FRAGMENTS | st.text(max_size=4), max_size=8).map("".join)


def _random_fields(schema: Schema) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        spec.name: st.lists(RAW, max_size=3) | RAW if spec.type in ("list", "titles") else RAW
        for spec in schema.fields
    })


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([LIEU, FICHE]).flatmap(
    lambda s: st.tuples(st.just(s), RAW, _random_fields(s), st.booleans())))
def test_random_text_in_every_field_renders_inert_and_deterministic(
    case: tuple[Schema, str, dict[str, Any], bool]
) -> None:
    schema, title, fields, with_costs = case
    costs = COSTS if with_costs else None
    text = render_infobox(title, fields, schema, costs)
    assert render_infobox(title, dict(fields), schema, costs) == text
    assert_inert(text, intended_links(fields, schema), intended_urls(fields, schema),
                 costs=costs)


ROW = st.tuples(RAW, RAW, RAW, st.lists(RAW, max_size=2))


@settings(max_examples=40, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=4, unique_by=lambda r: r[0]),
       st.sampled_from(["lieu", "fiche"]))
def test_random_members_rows_render_inert_and_in_a_stable_order(
    rows: list[tuple[str, str, str, list[str]]], kind: str
) -> None:
    made = [members_row(t, {"nom": n, "ville": v, "type": ty, "theme": ty}, None)
            for t, n, v, ty in rows]
    text = render_members(made, kind)
    assert render_members(list(reversed(made)), kind) == text
    headings = sum(line.startswith("=== ") for line in text.splitlines())
    tables = headings if kind == "fiche" else 1
    assert_inert(text, safe_names(*(t for t, _, _, _ in rows)), tables=tables,
                 headings=headings)


# What MediaWiki itself makes of it (a real MediaWiki 1.39, the `wiki` fixture)


def _mediawiki_parse(wiki: Any, text: str) -> dict[str, Any]:
    """MediaWiki's parse of `text` as saved in a page (pre-save transform included)."""
    answer = wiki.api(action="parse", title="Essai", text=text, contentmodel="wikitext", pst=1,
                      prop="categories|templates|externallinks|links|properties|text|sections")
    parsed: dict[str, Any] = answer["parse"]
    return parsed


def _assert_mediawiki_inert(parsed: dict[str, Any], categories: set[str], links: set[str],
                            urls: set[str], tables: int = 1, sections: int = 0) -> None:
    assert {c["category"] for c in parsed["categories"]} == {
        c.replace(" ", "_") for c in categories}
    assert parsed["templates"] == [] and parsed["properties"] in ({}, [])
    assert {link["title"] for link in parsed["links"]} == links
    assert set(parsed["externallinks"]) == urls
    assert len(parsed["sections"]) == sections
    html = parsed["text"]
    assert html.count("<table") == tables and "<script" not in html and "<i>" not in html


def test_mediawiki_renders_hostile_values_inert(wiki: Any) -> None:
    for value in HOSTILE:
        for schema in (LIEU, FICHE):
            fields = _every_field(schema, value)
            text = render_infobox(value, fields, schema, COSTS if schema is LIEU else None)
            urls = {v for v in [fields.get("site_web")] if isinstance(v, str) and _is_url(v)}
            links = intended_links(fields, schema)
            _assert_mediawiki_inert(
                _mediawiki_parse(wiki, make_block("infobox", text)),
                {c[len("Catégorie:"):] for c in links if c.startswith("Catégorie:")},
                {c for c in links if not c.startswith("Catégorie:")}, urls)
        row = members_row(value, {"nom": value, "ville": value, "type": [value]}, COSTS)
        table = render_members([row], "lieu")
        _assert_mediawiki_inert(_mediawiki_parse(wiki, table), set(),
                                safe_names(value), set())
        fiche = members_row("Barcamp", {"theme": [value], "type_document": value}, None)
        _assert_mediawiki_inert(_mediawiki_parse(wiki, render_members([fiche], "fiche")), set(),
                                {"Barcamp"}, set(), sections=1)
    url = "https://x.example/~a__b?c=1&d=2&amp;e"  # MediaWiki decodes entities in a URL
    parsed = _mediawiki_parse(wiki, render_infobox("X", {"site_web": url}, LIEU))
    assert parsed["externallinks"] == [url]


def test_a_url_holding_a_control_character_is_linked_without_it() -> None:
    schema = load_schemas()[0]
    text = render_infobox("Lieu", {"nom": "Lieu", "site_web": "https://x.example\x00"}, schema,
                          None)
    assert "[https://x.example x.example]" in text and "\x00" not in text
