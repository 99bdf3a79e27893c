from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from movibot.costs.fr import round_half_up
from movibot.costs.inputs import record_costs
from movibot.costs.model import CostInputs, CostResult, Group, compute_costs
from movibot.records.parse import parse_page
from movibot.records.record import Record
from movibot.records.schema import Schema, load_schemas
from movibot.records.values import read_value
from movibot.render.bar import surface_segments
from movibot.render.infobox import SHARE_FIELDS, render_cost_table, render_infobox
from movibot.render.readback import (
    infobox_rows,
    read_bar,
    read_cell,
    read_infobox,
    read_model,
)
from movibot.wikitext.blocks import find_blocks, replace_block
from movibot.wikitext.titles import title_from_file

FIXTURES = Path(__file__).parents[1] / "fixtures" / "render"
LIEU, FICHE = load_schemas()
PAGES = sorted(p for p in FIXTURES.glob("*.wiki")
               if p.name.startswith(("lieu_", "fiche_")) and p.name.count(".") == 1)


def _load(path: Path) -> tuple[Record, Schema, CostResult | None]:
    schema = LIEU if path.name.startswith("lieu_") else FICHE
    text = path.read_text(encoding="utf-8")
    record = parse_page(text, schema, title_from_file(path.name, text), path.name)
    costs = record_costs(record.fields)[0] if schema is LIEU else None
    return record, schema, costs


def _shown(fields: dict[str, Any], costs: CostResult | None) -> dict[str, Any]:
    """The fields read_infobox gives back: all but the shares when the model shows them."""
    return {k: v for k, v in fields.items()
            if v is not None and not (costs is not None and k in SHARE_FIELDS)}


def _r(value: Decimal | None, places: int = 2) -> Decimal | None:
    return None if value is None else round_half_up(value, places)


def _group(g: Group, rate: bool = True) -> dict[str, Decimal | None]:
    out = {"share": _r(g.share), "surface_m2": _r(g.surface_m2)}
    return {**out, "rate_eur_m2": _r(g.rate_eur_m2)} if rate else out


def expected_model(c: CostResult) -> dict[str, Any]:
    """The cost model as the infobox shows it (display precision)."""
    revenues = c.balance is not None and c.coverage is not None
    return {
        "monthly_cost": _r(c.monthly_cost),
        "residents": _group(c.residents),
        "contributors": _group(c.contributors),
        "offers": _group(c.offers, rate=False),
        "unusable_surface": _r(c.unusable_surface) if c.unusable_surface else None,
        "unusable_surcharge": _r(c.unusable_surcharge) if c.unusable_surface else None,
        "price_per_workstation": _r(c.price_per_workstation),
        "balance": _r(c.balance) if revenues else None,
        "coverage_percent": _r(c.coverage * 100, 1) if c.coverage is not None else None,
    }


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_rendered_infobox_reads_back_to_the_parsed_record(path: Path) -> None:
    record, schema, costs = _load(path)
    text = render_infobox(record.title, record.fields, schema, costs)
    assert read_infobox(text, schema) == _shown(record.fields, costs)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.stem)
def test_golden_infobox_reads_back_to_the_parsed_record(path: Path) -> None:
    record, schema, costs = _load(path)
    golden = (FIXTURES / f"{path.stem}.infobox.wiki").read_text(encoding="utf-8")
    assert read_infobox(golden, schema) == _shown(record.fields, costs)


@pytest.mark.parametrize("path", [p for p in PAGES if p.name.startswith("lieu_")],
                         ids=lambda p: p.stem)
def test_cost_model_rows_read_back_at_their_shown_precision(path: Path) -> None:
    record, schema, costs = _load(path)
    text = render_infobox(record.title, record.fields, schema, costs)
    assert read_model(text) == (expected_model(costs) if costs else {})


def expected_bar(c: CostResult) -> list[dict[str, Any]]:
    """The bar's segments as shown: widths in %, m² and € at their shown precision."""
    return [{"key": s.key, "label": s.label, "width": Decimal(s.width) / 10,
             "surface_m2": _r(s.surface), "monthly": _r(s.monthly)}
            for s in surface_segments(c) if s.width > 0]


@pytest.mark.parametrize("path", [p for p in PAGES if p.name.startswith("lieu_")],
                         ids=lambda p: p.stem)
def test_surface_bar_reads_back_from_the_infobox_and_its_golden_file(path: Path) -> None:
    record, schema, costs = _load(path)
    golden = (FIXTURES / f"{path.stem}.infobox.wiki").read_text(encoding="utf-8")
    text = render_infobox(record.title, record.fields, schema, costs)
    assert read_bar(text) == read_bar(golden) == (expected_bar(costs) if costs else [])
    if costs:
        assert sum(s["width"] for s in read_bar(golden)) == 100
        assert [row for row in infobox_rows(text) if "movibot-barre" in row[1]] == []


def test_cost_table_has_no_bar() -> None:
    costs = compute_costs(CostInputs(Decimal(300), Decimal(1700), Decimal(800)))
    assert read_bar(render_cost_table(costs)) == []


def test_shares_read_back_from_the_model_groups() -> None:
    record, schema, costs = _load(FIXTURES / "lieu_complet.wiki")
    model = read_model(render_infobox(record.title, record.fields, schema, costs))
    shares = [model[g]["share"] for g in ("residents", "contributors", "offers")]
    assert shares == [record.fields[name] for name in SHARE_FIELDS] == [60, 25, 15]


def test_infobox_in_a_page_block_reads_back() -> None:
    record, schema, costs = _load(FIXTURES / "lieu_300.wiki")
    content = render_infobox(record.title, record.fields, schema, costs)
    page = replace_block(FIXTURES.joinpath("lieu_300.wiki").read_text(encoding="utf-8"),
                         "infobox", content, anchor=record.template_end)
    blocks, problems = find_blocks(page)
    assert problems == [] and [b.name for b in blocks] == ["infobox"]
    assert read_infobox(blocks[0].content, schema) == _shown(record.fields, costs)
    assert parse_page(page, schema, record.title).fields == record.fields


def test_cost_table_reads_back_with_the_model() -> None:
    d = Decimal
    costs = compute_costs(CostInputs(d(420), d("3050.5"), d(950), surface_usable=d(400),
                                     postes=12, recettes_residents=d(2000),
                                     recettes_offers=d(300)))
    assert read_model(render_cost_table(costs, "Lieu")) == expected_model(costs)


def test_read_model_is_empty_without_a_model() -> None:
    assert read_model(render_infobox("X", {"nom": "X", "ville": "Lyon"}, LIEU)) == {}


def test_read_infobox_takes_the_caption_as_nom_only_when_the_schema_has_nom() -> None:
    text = render_infobox("Barcamp", {"theme": ["Animation"]}, FICHE)
    assert read_infobox(text, FICHE) == {"theme": ["Animation"]}
    assert read_infobox(text, LIEU) == {"nom": "Barcamp"}


def test_read_infobox_skips_rows_of_unknown_labels() -> None:
    text = '{|\n|+ X\n|-\n! Inconnu\n| 3\n|-\n! Ville\n| Lyon\n|-\n! colspan="2" | Titre\n|}\n'
    assert read_infobox(text, LIEU) == {"nom": "X", "ville": "Lyon"}


def test_infobox_rows_unescape_labels_and_keep_cell_entities() -> None:
    text = "{|\n|-\n! Niveau d&#39;infrastructure\n| a &#124; b\n|}\n"
    assert infobox_rows(text) == [("Niveau d'infrastructure", "a &#124; b")]


def test_portal_links_read_back_as_portal_names() -> None:
    cell = "[[Portail:Économie, droit et législation|Économie, droit et législation]]; " \
           "[[Portail:Les Tiers Lieux|Les Tiers Lieux]]"
    assert read_cell(FICHE.field("portail"), cell) == [
        "Économie, droit et législation", "Les Tiers Lieux"]


HOSTILE = [
    "}}{{Supprimer}}", "[[Catégorie:Spam]] texte", "<script>alert(1)</script>", "~~~~",
    "__NOINDEX__", "{{subst:Supprimer}}", "{| a |}", "javascript:alert(1)", "a || b !! c",
    "https://spam.example", "&#123; &amp; &lt;", "'''gras'''", "Lieu : Paris, 10:30",
]


@pytest.mark.parametrize("raw", HOSTILE)
@pytest.mark.parametrize("name", ["nom", "ville", "adresse", "statut_juridique", "territoire"])
def test_hostile_text_reads_back_as_the_parser_read_it(name: str, raw: str) -> None:
    value = read_value("text", raw).value
    fields = {"nom": "X", name: value}
    assert read_infobox(render_infobox("X", fields, LIEU), LIEU) == fields


def test_hostile_url_reads_back_as_the_raw_text() -> None:
    fields = {"nom": "X", "site_web": "javascript:alert(1)"}
    assert read_infobox(render_infobox("X", fields, LIEU), LIEU) == fields


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30) | st.lists(
    st.sampled_from(["{{", "}}", "[[", "]]", "|", "!!", "<", ">", "&", "&amp;", "~~~", "__",
                     "''", ":", "http://x.example", " ", "a", "é", ";", "*", "="]),
    max_size=8).map("".join)
TEXT_FIELDS = [(s, f) for s in (LIEU, FICHE) for f in s.fields
               if f.type in ("text", "list", "enum", "email") and f.name != "nom"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(TEXT_FIELDS), st.lists(TEXT, min_size=1, max_size=3))
def test_any_read_value_renders_and_reads_back_the_same(
    case: tuple[Schema, Any], raws: list[str]
) -> None:
    schema, spec = case
    raw = ", ".join(raws) if spec.type == "list" else raws[0]
    reading = read_value(spec.type, raw, spec.choices, spec.commas)
    value = reading.value
    assume(reading.ok and value is not None)
    # A reader that is not idempotent (an entity or a comment formed by its own cleaning)
    # cannot round trip through any text form; those values are not what it gives back.
    plain = value if isinstance(value, str) else (", " if spec.commas else "; ").join(value)
    assume(read_value(spec.type, plain, spec.choices, spec.commas).value == value)
    fields = {spec.name: value}
    text = render_infobox("Titre", fields, schema)
    assert {k: v for k, v in read_infobox(text, schema).items() if k != "nom"} == fields
