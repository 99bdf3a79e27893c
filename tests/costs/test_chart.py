from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from movibot.costs.chart import DEFAULT_TITLE, render_chart_svg
from movibot.costs.model import CostInputs, CostResult, compute_costs

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def result_260() -> CostResult:
    return compute_costs(CostInputs(D(300), D(1700), D(800), surface_usable=D(260)))


def visible_text(svg: str) -> list[str]:
    """Return the content of every <text> element (what a person sees), in order."""
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def test_svg_is_well_formed_xml_with_an_svg_root():
    root = ET.fromstring(render_chart_svg(result_260()))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"


def test_svg_starts_with_an_accessible_title_and_description():
    root = ET.fromstring(render_chart_svg(result_260(), title="Le Mixeur"))
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Le Mixeur"
    assert root[1].tag == f"{SVG}desc"
    assert "132,6\u00a0m²" in root[1].text


def test_default_title_without_one():
    root = ET.fromstring(render_chart_svg(result_260()))
    assert root[0].text == DEFAULT_TITLE


def test_each_group_m2_and_rate_are_written_as_text():
    texts = "\n".join(visible_text(render_chart_svg(result_260())))
    for expected in [
        "132,6\u00a0m²",
        "12,82\u00a0€/m²/mois",
        "75,4\u00a0m²",
        "10,61\u00a0€/m²/mois",
        "52\u00a0m²",
        "40\u00a0m²",
    ]:
        assert expected in texts


def test_groups_are_named_in_words_not_only_colors():
    legend = [t for t in visible_text(render_chart_svg(result_260())) if " : " in t]
    assert [t.split(" : ")[0] for t in legend[2:6]] == [
        "Résidents",
        "Contributeurs",
        "Offres",
        "Non utilisable",
    ]


def test_monthly_cost_is_shown_as_infrastructure_plus_services():
    texts = visible_text(render_chart_svg(result_260()))
    assert "Coût mensuel incompressible : 2\u00a0500\u00a0€ par mois" in texts
    assert "C = I + V = 1\u00a0700\u00a0€ d’infrastructure + 800\u00a0€ de services" in texts


def test_unusable_surface_is_a_hatched_segment():
    root = ET.fromstring(render_chart_svg(result_260()))
    hatched = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "url(#movibot-hatch)"]
    assert len(hatched) == 2  # the bar segment and its legend swatch
    assert "surcoût de 226,67\u00a0€ par mois" in "\n".join(
        visible_text(ET.tostring(root, "unicode"))
    )


def test_no_hatched_segment_when_all_the_surface_is_usable():
    svg = render_chart_svg(compute_costs(CostInputs(D(300), D(1700), D(800))))
    assert 'fill="url(#movibot-hatch)"' not in svg
    assert "Surface utile 300\u00a0m² = surface totale" in visible_text(svg)


def test_segments_are_proportional_to_the_surface():
    root = ET.fromstring(render_chart_svg(result_260()))
    bar = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "84"]
    widths = [D(r.get("width")) for r in bar]
    assert widths == [D("289.95"), D("164.87"), D("113.71"), D("87.47")]  # 656 px for 300 m²


def test_output_is_deterministic():
    assert render_chart_svg(result_260(), "Lieu") == render_chart_svg(result_260(), "Lieu")


def test_hostile_title_is_escaped():
    svg = render_chart_svg(result_260(), title='<script>alert("x")</script> & co')
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root[0].text == '<script>alert("x")</script> & co'
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter("script"))


def test_title_with_control_characters_still_gives_well_formed_xml():
    root = ET.fromstring(render_chart_svg(result_260(), title="Lieu\x00\x1b test"))
    assert root[0].text == "Lieu test"


def test_revenues_and_workstation_price_appear_when_given():
    inputs = CostInputs(
        D(300),
        D(1700),
        D(800),
        postes=12,
        recettes_residents=D(1800),
        recettes_contributors=D(700),
        recettes_offers=D("150.50"),
    )
    texts = visible_text(render_chart_svg(compute_costs(inputs)))
    assert "Prix par poste de travail : 141,67\u00a0€ par mois" in texts
    assert (
        "Recettes : 2\u00a0650,50\u00a0€ par mois, solde +150,50\u00a0€, couverture 106\u00a0%"
        in (texts)
    )


@settings(max_examples=50)
@given(
    total=st.decimals(min_value=1, max_value=10**6, places=2),
    usable_ratio=st.decimals(min_value=D("0.01"), max_value=1, places=2),
    residents=st.integers(min_value=0, max_value=100),
)
def test_any_valid_result_renders_well_formed_xml(total, usable_ratio, residents):
    shares = (D(residents), D(100 - residents), D(0))
    inputs = CostInputs(total, D(1700), D(800), surface_usable=total * usable_ratio, shares=shares)
    root = ET.fromstring(render_chart_svg(compute_costs(inputs)))
    assert root.tag == f"{SVG}svg"


def test_long_title_is_shortened_on_screen_and_whole_in_the_title_element():
    title = "Tiers-lieu " + "très " * 30 + "long"
    root = ET.fromstring(render_chart_svg(result_260(), title=title))
    assert root[0].text == title
    heading = visible_text(ET.tostring(root, "unicode"))[0]
    assert heading.endswith("…")
    assert len(heading) == 64
