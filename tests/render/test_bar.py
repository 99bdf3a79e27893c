"""The surface bar of the infobox (movibot.render.bar): widths that sum to exactly 100 % of the
total surface, a text label for every part, the unusable surface hatched, nothing but numbers
and fixed French labels in it, and no bar without a cost model."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movibot.costs.fr import format_surface
from movibot.costs.model import CostInputs, CostResult, compute_costs
from movibot.records.schema import load_schemas
from movibot.render.bar import (
    BAR_CLASS,
    GROUPS,
    HATCH_LABEL_MIN,
    LABEL_MIN,
    bar_rows,
    css_percent,
    render_bar,
    split_widths,
    surface_segments,
)
from movibot.render.infobox import MODEL_HEADING, render_cost_table, render_infobox
from movibot.render.readback import read_bar, read_model

D = Decimal
NBSP = "\u00a0"
LIEU, _ = load_schemas()
EXAMPLE = compute_costs(CostInputs(D(300), D(1700), D(800)))
UNUSABLE = compute_costs(CostInputs(D("1250.5"), D("3050.5"), D(1200), surface_usable=D(1100),
                                    shares=(D(60), D(25), D(15))))
LABELS = {key: label for key, label, _, _ in GROUPS}
BAR_TAGS = {"div", "span", "ul", "li"}
BAR_ATTRIBUTES = {"class", "style", "title", "aria-hidden"}
# What a style attribute may hold: CSS made of fixed words, colours and numbers, nothing that
# MediaWiki's Sanitizer drops (url(, image(, expression, filter:…) nor any quote or escape.
STYLE = re.compile(r"[a-z0-9#%.,:;() -]+")
FORBIDDEN_CSS = re.compile(r"url\s*\(|image\s*\(|expression|filter\s*:|\\|/\*|@import", re.I)
# The text of the bar: the fixed labels' letters, digits and the number formats' signs.
TEXT_CHARS = set("".join(LABELS.values()) + "Répartition de la surface totale hachurée"
                 + "0123456789,·/€²()mois " + NBSP)


class Bar(HTMLParser):
    """The elements of a bar (tag, attributes) and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def elements(bar: str) -> Bar:
    parser = Bar()
    parser.feed(bar)
    parser.close()
    return parser


def widths(bar: str) -> dict[str, Decimal]:
    """{segment key: width in %} from the bar's style attributes."""
    out = {}
    for tag, attrs in elements(bar).elements:
        cls = attrs.get("class") or ""
        m = re.match(r"width:(\d+(?:\.\d)?)%;", attrs.get("style") or "")
        if tag == "div" and cls.startswith(f"{BAR_CLASS}-") and m:
            out[cls.removeprefix(f"{BAR_CLASS}-")] = Decimal(m.group(1))
    return out


def assert_bar_inert(bar: str) -> None:
    """Only the bar's tags, attributes, number-only styles and fixed text; no wikitext
    construct at all; no line that a table cell would read as markup."""
    code = mwparserfromhell.parse(bar)
    assert code.filter_templates() == [] and code.filter_arguments() == []
    assert code.filter_wikilinks() == [] and code.filter_external_links() == []
    assert code.filter_comments() == [] and code.filter_headings() == []
    found = elements(bar)
    assert {tag for tag, _ in found.elements} <= BAR_TAGS
    for _, attrs in found.elements:
        assert set(attrs) <= BAR_ATTRIBUTES
        style = attrs.get("style") or ""
        assert style == "" or STYLE.fullmatch(style), style
        assert not FORBIDDEN_CSS.search(style), style
        assert not re.search(r"(?<![\d.])\d+(\.\d+)?px", style.replace("1px", "")), style
        assert set(attrs.get("title") or "") <= TEXT_CHARS
    assert set("".join(found.text)) <= TEXT_CHARS | {"\n"}
    for line in bar.splitlines():
        assert line.startswith("<") and not line.startswith(("<!--", "<nowiki")), line
    assert "[[" not in bar and "{{" not in bar and "''" not in bar and "__" not in bar


def model(s: Decimal, i: Decimal, v: Decimal, u: Decimal | None = None,
          shares: tuple[Decimal, ...] = (D(51), D(29), D(20))) -> CostResult:
    return compute_costs(CostInputs(s, i, v, surface_usable=u, shares=shares))


# The example of the README


def test_the_300_m2_example_splits_51_29_20_with_its_labels() -> None:
    bar = render_bar(EXAMPLE)
    assert widths(bar) == {"residents": 51, "contributors": 29, "offers": 20}
    legend = [s.text for s in surface_segments(EXAMPLE)]
    assert legend == [f"Résidents 153{NBSP}m² · 1{NBSP}700{NBSP}€{NBSP}/{NBSP}mois",
                      f"Contributeurs 87{NBSP}m² · 800{NBSP}€{NBSP}/{NBSP}mois",
                      f"Offres 60{NBSP}m² · 0{NBSP}€{NBSP}/{NBSP}mois"]
    for text in legend:
        assert f"{text}</li>" in bar
    assert f"Répartition de la surface totale (300{NBSP}m²)" in bar
    assert "repeating-linear-gradient" not in bar  # nothing unusable, nothing hatched
    assert_bar_inert(bar)


def test_the_unusable_surface_is_hatched_and_dashed_in_the_bar_and_the_legend() -> None:
    bar = render_bar(UNUSABLE)
    assert widths(bar) == {"residents": D("52.8"), "contributors": 22, "offers": D("13.2"),
                           "unusable": 12}
    segment = next(line for line in bar.splitlines() if f"{BAR_CLASS}-unusable" in line)
    assert "background-image:repeating-linear-gradient(45deg," in segment
    assert "border:1px dashed #000" in segment
    swatch = next(line for line in bar.splitlines()
                  if line.startswith("<li>") and "inutilisable" in line)
    assert "repeating-linear-gradient" in swatch and "dashed" in swatch
    assert f"Surface inutilisable 150,5{NBSP}m² (hachurée)</li>" in swatch
    assert_bar_inert(bar)


def test_the_bar_sits_right_under_the_model_heading_spanning_both_columns() -> None:
    text = render_infobox("X", {"nom": "X"}, LIEU, EXAMPLE)
    heading = f'|-\n! colspan="2" | {MODEL_HEADING}\n'
    assert heading + f'|-\n| colspan="2" |\n<div class="{BAR_CLASS}">\n' in text
    assert text.count(render_bar(EXAMPLE)) == 1
    assert text.index(render_bar(EXAMPLE)) < text.index("! Coût mensuel incompressible")


def test_no_bar_without_a_cost_model() -> None:
    assert bar_rows(None) == []
    for fields in ({"nom": "X"}, {"nom": "X", "surface_totale": D(300)},
                   {"nom": "X", "part_residents": D(60), "recettes_offres": D(900)}):
        assert BAR_CLASS not in render_infobox("X", fields, LIEU)
    assert BAR_CLASS not in render_cost_table(EXAMPLE)  # `movibot cost --format wikitext`


def test_a_narrow_segment_has_its_label_in_the_legend_only() -> None:
    costs = model(D(1000), D(1000), D(500), shares=(D(90), D(5), D(5)))
    bar = render_bar(costs)
    assert widths(bar) == {"residents": 90, "contributors": 5, "offers": 5}
    assert f'title="Offres 50{NBSP}m² · 0{NBSP}€{NBSP}/{NBSP}mois"></div>' in bar  # no text
    assert f"</span>Offres 50{NBSP}m² · 0{NBSP}€{NBSP}/{NBSP}mois</li>" in bar
    assert f">900{NBSP}m²</div>" in bar  # a wide one shows its surface


def test_a_part_whose_width_rounds_to_zero_is_only_in_the_legend() -> None:
    costs = model(D(100000), D(1000), D(500), u=D("99999.9"))
    bar = render_bar(costs)
    assert "unusable" not in widths(bar) and sum(widths(bar).values()) == 100
    assert f"Surface inutilisable 0,1{NBSP}m² (hachurée)</li>" in bar


def test_a_part_of_no_surface_is_left_out() -> None:
    bar = render_bar(model(D(200), D(1000), D(0), shares=(D(100), D(0), D(0))))
    assert widths(bar) == {"residents": 100}
    assert "Contributeurs" not in bar and "Offres" not in bar


def test_widths_are_rounded_by_largest_remainder_to_sum_to_100() -> None:
    assert split_widths([D(1), D(1), D(1)]) == [334, 333, 333]  # a tie: the first one
    assert split_widths([D(1), D(2), D(3)]) == [167, 333, 500]
    assert split_widths([D(0), D(7)]) == [0, 1000]
    assert split_widths([D("0.0001"), D(1000)]) == [0, 1000]
    with pytest.raises(ValueError):
        split_widths([D(0), D(0)])
    with pytest.raises(ValueError):
        split_widths([D(-1), D(2)])


@pytest.mark.parametrize(("tenths", "css"), [(0, "0%"), (5, "0.5%"), (510, "51%"),
                                             (528, "52.8%"), (1000, "100%")])
def test_css_percent_is_a_plain_css_number(tenths: int, css: str) -> None:
    assert css_percent(tenths) == css


def test_the_bar_reads_back_and_the_model_reads_the_same_with_it() -> None:
    text = render_infobox("X", {"nom": "X"}, LIEU, UNUSABLE)
    assert [(s["key"], s["width"], s["surface_m2"], s["monthly"]) for s in read_bar(text)] == [
        ("residents", D("52.8"), D(660), D("3050.50")), ("contributors", 22, D(275), D(1200)),
        ("offers", D("13.2"), D(165), 0), ("unusable", 12, D("150.5"), None)]
    without = text.replace(f'|-\n| colspan="2" |\n{render_bar(UNUSABLE)}\n', "")
    assert BAR_CLASS not in without
    assert read_model(text) == read_model(without) != {}


# Property tests: any valid cost model

SURFACE = st.decimals(min_value=D("0.01"), max_value=D(100000), places=2)
MONEY = st.decimals(min_value=D(0), max_value=D(1000000), places=2)


@st.composite
def cost_models(draw: st.DrawFn) -> CostResult:
    s = draw(SURFACE)
    u = draw(st.none() | st.decimals(min_value=D("0.01"), max_value=s, places=2))
    r = draw(st.integers(0, 1000))
    c = draw(st.integers(0, 1000 - r))
    shares = (D(r) / 10, D(c) / 10, D(1000 - r - c) / 10)
    return model(s, draw(MONEY), draw(MONEY), u, shares)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.decimals(min_value=D(0), max_value=D(10) ** 9, places=3), min_size=1,
                max_size=6).filter(lambda a: any(x > 0 for x in a)))
def test_split_widths_always_sum_to_1000_and_stay_within_a_tenth(areas: list[Decimal]) -> None:
    out = split_widths(areas)
    assert sum(out) == 1000
    total = sum(areas)
    for area, width in zip(areas, out, strict=True):
        assert abs(width - area * 1000 / total) < 1
        assert width >= 0 and (area > 0 or width == 0)


@settings(max_examples=300, deadline=None)
@given(cost_models())
def test_any_cost_model_gives_widths_summing_to_100_with_every_part_labelled(
        costs: CostResult) -> None:
    bar = render_bar(costs)
    assert bar and render_bar(costs) == bar  # deterministic
    assert_bar_inert(bar)
    shown = widths(bar)
    assert sum(shown.values()) == 100
    parts = {"residents": costs.residents.surface_m2,
             "contributors": costs.contributors.surface_m2,
             "offers": costs.offers.surface_m2, "unusable": costs.unusable_surface}
    for key, area in parts.items():
        exact = area * 100 / costs.surface_total
        assert abs(shown.get(key, D(0)) - exact) < D("0.1") + D("1e-20"), key
        legend = f"</span>{LABELS[key]} {format_surface(area)}" in bar
        assert legend == (area > 0), key  # every part with a surface has its label
    hatched = "repeating-linear-gradient" in bar and "dashed" in bar
    assert hatched == (costs.unusable_surface > 0)
    assert [s["key"] for s in read_bar(bar)] == [k for k, w in shown.items() if w > 0]
    for segment in surface_segments(costs):
        if segment.width > 0:
            threshold = HATCH_LABEL_MIN if segment.key == "unusable" else LABEL_MIN
            has_text = not bar.count(f'title="{segment.text}"></div>')
            assert has_text == (segment.width >= threshold), segment


@settings(max_examples=60, deadline=None)
@given(cost_models())
def test_any_cost_model_renders_one_bar_in_the_infobox_and_reads_back(
        costs: CostResult) -> None:
    text = render_infobox("X", {"nom": "X"}, LIEU, costs)
    assert text.count(f'<div class="{BAR_CLASS}">') == 1
    assert sum(s["width"] for s in read_bar(text)) == 100
    assert read_model(text)["monthly_cost"] is not None
