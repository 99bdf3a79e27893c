from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from movibot.costs.model import (
    DEFAULT_SHARES,
    CostInputs,
    compute_costs,
    format_cost_table,
    parse_shares,
    validate_inputs,
)

D = Decimal
CENT = D("0.01")

TOP_KEYS = {
    "monthly_cost",
    "infrastructure",
    "services",
    "surface_total",
    "surface_usable",
    "unusable_surface",
    "unusable_surcharge",
    "residents",
    "contributors",
    "offers",
    "price_per_workstation",
    "balance",
    "coverage",
    "coverage_percent",
}
GROUP_KEYS = {"share", "surface_m2", "rate_eur_m2"}
REVENUE_KEYS = {"revenues", "gaps"}


def example_300() -> CostInputs:
    return CostInputs(surface_total=D(300), infrastructure=D(1700), services=D(800))


# --- the three worked examples of the Movilab model, to the cent -----------------------------


def test_example_300_m2_through_json():
    data = compute_costs(example_300()).to_json_dict()
    assert data == {
        "monthly_cost": 2500,
        "infrastructure": 1700,
        "services": 800,
        "surface_total": 300,
        "surface_usable": 300,
        "unusable_surface": 0,
        "unusable_surcharge": 0,
        "residents": {"share": 51, "surface_m2": 153, "rate_eur_m2": 11.11},
        "contributors": {"share": 29, "surface_m2": 87, "rate_eur_m2": 9.2},
        "offers": {"share": 20, "surface_m2": 60},
        "price_per_workstation": None,
        "balance": None,
        "coverage": None,
        "coverage_percent": None,
    }


def test_example_300_m2_table_text():
    assert format_cost_table(compute_costs(example_300())) == (
        "Infrastructure               1 700,00 €\n"
        "Services                       800,00 €\n"
        "Coût mensuel incompressible  2 500,00 €\n"
        "Surface totale                 300,00 m²\n"
        "Surface utile                  300,00 m²\n"
        "\n"
        "Groupe         Part    Surface            Tarif\n"
        "Résidents      51 %  153,00 m²  11,11 €/m²/mois\n"
        "Contributeurs  29 %   87,00 m²   9,20 €/m²/mois\n"
        "Offres         20 %   60,00 m²   sans coût fixe\n"
    )


def test_example_260_m2_usable_through_json():
    inputs = CostInputs(D(300), D(1700), D(800), surface_usable=D(260))
    data = compute_costs(inputs).to_json_dict()
    assert data["surface_usable"] == 260
    assert data["residents"] == {"share": 51, "surface_m2": 132.6, "rate_eur_m2": 12.82}
    assert data["contributors"] == {"share": 29, "surface_m2": 75.4, "rate_eur_m2": 10.61}
    assert data["offers"] == {"share": 20, "surface_m2": 52}
    assert data["unusable_surface"] == 40
    assert data["unusable_surcharge"] == 226.67


def test_example_260_m2_usable_table_lines():
    table = format_cost_table(compute_costs(CostInputs(300, 1700, 800, surface_usable=260)))
    lines = table.splitlines()
    assert "Surface non utilisable            40,00 m²" in lines
    assert "Surcoût mensuel des résidents    226,67 €" in lines
    assert "Résidents      51 %  132,60 m²  12,82 €/m²/mois" in lines
    assert "Contributeurs  29 %   75,40 m²  10,61 €/m²/mois" in lines
    assert "Offres         20 %   52,00 m²   sans coût fixe" in lines


def test_example_420_m2_shares_60_25_15_through_json():
    inputs = CostInputs(D(420), D(2100), D("950.50"), shares=(D(60), D(25), D(15)))
    data = compute_costs(inputs).to_json_dict()
    assert data["monthly_cost"] == 3050.5
    assert data["residents"] == {"share": 60, "surface_m2": 252, "rate_eur_m2": 8.33}
    assert data["contributors"] == {"share": 25, "surface_m2": 105, "rate_eur_m2": 9.05}
    assert data["offers"] == {"share": 15, "surface_m2": 63}
    assert data["unusable_surface"] == 0


def test_example_420_m2_table_lines():
    inputs = CostInputs(D(420), D(2100), D("950.50"), shares=parse_shares("60/25/15"))
    lines = format_cost_table(compute_costs(inputs)).splitlines()
    assert "Coût mensuel incompressible  3 050,50 €" in lines
    assert "Résidents      60 %  252,00 m²  8,33 €/m²/mois" in lines
    assert "Contributeurs  25 %  105,00 m²  9,05 €/m²/mois" in lines
    assert "Offres         15 %   63,00 m²  sans coût fixe" in lines


# --- computed values ---------------------------------------------------------------------------


def test_results_keep_full_decimal_precision():
    result = compute_costs(example_300())
    assert result.residents.rate_eur_m2 == D(1700) / D(153)
    assert result.residents.rate_eur_m2 != D("11.11")


def test_default_shares_are_51_29_20():
    assert DEFAULT_SHARES == (D(51), D(29), D(20))
    assert compute_costs(example_300()).residents.share == D(51)


def test_price_per_workstation_is_infrastructure_over_postes():
    result = compute_costs(CostInputs(D(300), D(1700), D(800), postes=12))
    assert result.to_json_dict()["price_per_workstation"] == 141.67


def test_revenues_give_balance_coverage_and_gaps():
    inputs = CostInputs(
        300,
        1700,
        800,
        recettes_residents=D(1800),
        recettes_contributors=D(700),
        recettes_offers=D("150.50"),
    )
    data = compute_costs(inputs).to_json_dict()
    assert data["revenues"] == {
        "residents": 1800,
        "contributors": 700,
        "offers": 150.5,
        "total": 2650.5,
    }
    assert data["gaps"] == {"residents": 100, "contributors": -100, "offers": 150.5}
    assert data["balance"] == 150.5
    assert (data["coverage"], data["coverage_percent"]) == (1.0602, 106)


def test_a_missing_revenue_counts_as_zero_once_one_is_given():
    data = compute_costs(CostInputs(300, 1700, 800, recettes_residents=D(1700))).to_json_dict()
    assert data["revenues"] == {"residents": 1700, "contributors": 0, "offers": 0, "total": 1700}
    assert data["balance"] == -800
    assert data["coverage"] == 0.68


def test_coverage_is_null_when_the_monthly_cost_is_zero():
    result = compute_costs(CostInputs(300, 0, 0, recettes_offers=D(10)))
    assert result.to_json_dict()["coverage"] is None
    assert result.balance == D(10)


def test_rate_is_null_for_a_zero_share():
    data = compute_costs(CostInputs(300, 1700, 800, shares=(0, 80, 20))).to_json_dict()
    assert data["residents"] == {"share": 0, "surface_m2": 0, "rate_eur_m2": None}


def test_levels_are_recorded_and_shown_in_the_table():
    inputs = CostInputs(300, 1700, 800, niveau_infrastructure="base", niveau_services="améliorée")
    result = compute_costs(inputs)
    assert (result.niveau_infrastructure, result.niveau_services) == ("base", "améliorée")
    table = format_cost_table(result)
    assert "Infrastructure (base)" in table
    assert "Services (améliorée)" in table


def test_ints_and_floats_become_decimals():
    inputs = CostInputs(300, 1700.5, 800)
    assert inputs.infrastructure == D("1700.5")
    assert isinstance(inputs.surface_total, Decimal)


def test_revenue_table_shows_gaps_and_coverage():
    inputs = CostInputs(
        300,
        1700,
        800,
        recettes_residents=D(1800),
        recettes_contributors=D(700),
        recettes_offers=D("150.50"),
    )
    table = format_cost_table(compute_costs(inputs))
    assert table.endswith(
        "Groupe           Recettes   À couvrir      Écart\n"
        "Résidents      1 800,00 €  1 700,00 €  +100,00 €\n"
        "Contributeurs    700,00 €    800,00 €  -100,00 €\n"
        "Offres           150,50 €      0,00 €  +150,50 €\n"
        "Total          2 650,50 €  2 500,00 €  +150,50 €\n"
        "\n"
        "Couverture du coût mensuel  106 %\n"
    )


def test_table_is_deterministic():
    assert format_cost_table(compute_costs(example_300())) == format_cost_table(
        compute_costs(example_300())
    )


def test_json_dict_serializes_to_json():
    text = json.dumps(compute_costs(CostInputs(300, 1700, 800, postes=3)).to_json_dict())
    assert '"price_per_workstation": 566.67' in text


# --- validation: each message exactly ----------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (CostInputs(D(-5), D(1700), D(800)), "surface_total must be > 0, got -5"),
        (CostInputs(D(0), D(1700), D(800)), "surface_total must be > 0, got 0"),
        (
            CostInputs(D(300), D(1700), D(800), surface_usable=D(320)),
            "surface_usable must be <= surface_total, got 320 > 300",
        ),
        (
            CostInputs(D(300), D(1700), D(800), surface_usable=D(0)),
            "surface_usable must be > 0, got 0",
        ),
        (
            CostInputs(D(300), D(1700), D(800), surface_usable=D(-1)),
            "surface_usable must be > 0, got -1",
        ),
        (CostInputs(D(300), D(-1), D(800)), "infrastructure must be >= 0, got -1"),
        (CostInputs(D(300), D(1700), D("-0.5")), "services must be >= 0, got -0.5"),
        (
            CostInputs(D(300), D(1700), D(800), shares=(D(51), D(29), D(30))),
            "shares must sum to 100, got 51 + 29 + 30 = 110",
        ),
        (
            CostInputs(D(300), D(1700), D(800), shares=(D(110), D(-10), D(0))),
            "shares must be >= 0, got -10",
        ),
        (
            CostInputs(D(300), D(1700), D(800), shares=(D(51), D(49))),
            "shares must be 3 numbers (résidents/contributeurs/offres), got 2",
        ),
        (CostInputs(D(300), D(1700), D(800), postes=0), "postes must be > 0, got 0"),
        (CostInputs(D(300), D(1700), D(800), postes=-3), "postes must be > 0, got -3"),
        (
            CostInputs(D(300), D(1700), D(800), postes=D("2.5")),
            "postes must be a whole number, got 2.5",
        ),
        (CostInputs(D(300), D("NaN"), D(800)), "infrastructure must be a finite number, got NaN"),
        (
            CostInputs(D("Infinity"), D(1700), D(800)),
            "surface_total must be a finite number, got Infinity",
        ),
        (
            CostInputs("300", D(1700), D(800)),  # type: ignore[arg-type]
            "surface_total must be a finite number, got '300'",
        ),
        (
            CostInputs(D(300), D(1700), D(800), recettes_residents=D(-1)),
            "recettes_residents must be >= 0, got -1",
        ),
        (
            CostInputs(D(300), D(1700), D(800), niveau_services="luxe"),
            "niveau_services must be base or améliorée, got 'luxe'",
        ),
    ],
    ids=[
        "negative-surface",
        "zero-surface",
        "usable-exceeds-total",
        "zero-usable",
        "negative-usable",
        "negative-infrastructure",
        "negative-services",
        "shares-sum",
        "negative-share",
        "two-shares",
        "zero-postes",
        "negative-postes",
        "fractional-postes",
        "nan-cost",
        "infinite-surface",
        "text-surface",
        "negative-revenue",
        "unknown-level",
    ],
)
def test_validate_inputs_message(inputs, message):
    with pytest.raises(ValueError) as caught:
        validate_inputs(inputs)
    assert str(caught.value) == message


def test_compute_costs_validates_first():
    with pytest.raises(ValueError, match=r"^surface_total must be > 0, got -5$"):
        compute_costs(CostInputs(D(-5), D(1700), D(800)))


def test_validate_inputs_accepts_the_worked_example():
    assert validate_inputs(example_300()) is None


def test_usable_equal_to_total_is_valid():
    assert compute_costs(CostInputs(300, 1700, 800, surface_usable=300)).unusable_surface == 0


# --- parse_shares ------------------------------------------------------------------------------


def test_parse_shares_slashes():
    assert parse_shares("51/29/20") == (D(51), D(29), D(20))


def test_parse_shares_french_decimals_and_percent_signs():
    assert parse_shares("50,5 % / 29,5 % / 20 %") == (D("50.5"), D("29.5"), D(20))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("51/29", "shares must look like 51/29/20, got '51/29'"),
        ("a/b/c", "shares must look like 51/29/20, got 'a/b/c'"),
        ("", "shares must look like 51/29/20, got ''"),
        ("51/29/nan", "shares must look like 51/29/20, got '51/29/nan'"),
        ("51/29/30", "shares must sum to 100, got 51 + 29 + 30 = 110"),
        ("120/-20/0", "shares must be >= 0, got -20"),
    ],
)
def test_parse_shares_message(text, message):
    with pytest.raises(ValueError) as caught:
        parse_shares(text)
    assert str(caught.value) == message


# --- properties --------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10**7, places=2)


@st.composite
def cost_inputs(draw: st.DrawFn) -> CostInputs:
    total = draw(st.decimals(min_value=CENT, max_value=10**6, places=2))
    usable = draw(st.none() | st.decimals(min_value=CENT, max_value=total, places=2))
    residents = draw(st.decimals(min_value=D("0.1"), max_value=D("99.8"), places=1))
    contributors = draw(
        st.decimals(min_value=D("0.1"), max_value=100 - residents - D("0.1"), places=1)
    )
    revenues = draw(st.none() | st.tuples(money, money, money))
    return CostInputs(
        surface_total=total,
        infrastructure=draw(money),
        services=draw(money),
        surface_usable=usable,
        shares=(residents, contributors, 100 - residents - contributors),
        postes=draw(st.none() | st.integers(min_value=1, max_value=500)),
        recettes_residents=revenues[0] if revenues else None,
        recettes_contributors=revenues[1] if revenues else None,
        recettes_offers=revenues[2] if revenues else None,
    )


@given(cost_inputs())
def test_monthly_cost_is_infrastructure_plus_services(inputs):
    result = compute_costs(inputs)
    assert result.monthly_cost == inputs.infrastructure + inputs.services


@given(cost_inputs())
def test_the_three_surfaces_sum_to_the_usable_surface(inputs):
    result = compute_costs(inputs)
    parts = result.residents.surface_m2 + result.contributors.surface_m2 + result.offers.surface_m2
    assert parts == result.surface_usable


@given(cost_inputs())
def test_rate_times_surface_gives_back_infrastructure_and_services(inputs):
    result = compute_costs(inputs)
    residents, contributors = result.residents, result.contributors
    assert abs(residents.rate_eur_m2 * residents.surface_m2 - inputs.infrastructure) < CENT
    assert abs(contributors.rate_eur_m2 * contributors.surface_m2 - inputs.services) < CENT


@given(cost_inputs())
def test_unusable_surface_and_surcharge_are_consistent(inputs):
    result = compute_costs(inputs)
    assert result.unusable_surface == result.surface_total - result.surface_usable
    assert result.unusable_surcharge <= inputs.infrastructure


@given(cost_inputs())
def test_json_keys_are_stable(inputs):
    data = compute_costs(inputs).to_json_dict()
    has_revenues = inputs.recettes_residents is not None
    assert set(data) == TOP_KEYS | (REVENUE_KEYS if has_revenues else set())
    assert set(data["residents"]) == GROUP_KEYS
    assert set(data["contributors"]) == GROUP_KEYS
    assert set(data["offers"]) == {"share", "surface_m2"}
    if has_revenues:
        assert set(data["revenues"]) == {"residents", "contributors", "offers", "total"}
        assert set(data["gaps"]) == {"residents", "contributors", "offers"}


@given(cost_inputs())
def test_json_values_are_json_numbers_or_null(inputs):
    data = compute_costs(inputs).to_json_dict()
    leaves = [v for v in data.values() if not isinstance(v, dict)]
    leaves += [v for sub in data.values() if isinstance(sub, dict) for v in sub.values()]
    assert all(v is None or type(v) in (int, float) for v in leaves)
    assert json.loads(json.dumps(data)) == data


def test_whole_number_postes_given_as_decimal_or_float_become_int():
    assert CostInputs(300, 1700, 800, postes=D("12")).postes == 12
    assert CostInputs(300, 1700, 800, postes=12.0).postes == 12  # type: ignore[arg-type]
