from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from movibot.costs.fr import (
    format_money,
    format_number,
    format_percent,
    format_rate,
    format_surface,
    round_half_up,
)

NBSP = "\u00a0"


def test_money_whole_euros_shows_no_decimals():
    assert format_money(Decimal("2500")) == "2\u00a0500\u00a0€"


def test_money_with_cents_shows_two_decimals():
    assert format_money(Decimal("3050.5")) == "3\u00a0050,50\u00a0€"


def test_money_that_rounds_to_whole_euros_shows_no_decimals():
    assert format_money(Decimal("2499.996")) == "2\u00a0500\u00a0€"


def test_money_cents_true_always_shows_them():
    assert format_money(Decimal("2500"), cents=True) == "2\u00a0500,00\u00a0€"


def test_money_signed_shows_plus_for_a_surplus():
    assert format_money(Decimal("150.5"), signed=True) == "+150,50\u00a0€"


def test_money_negative_keeps_its_minus():
    assert format_money(Decimal("-1234.5")) == "-1\u00a0234,50\u00a0€"


def test_money_millions_are_grouped_by_three():
    assert format_money(Decimal("1234567")) == "1\u00a0234\u00a0567\u00a0€"


def test_money_under_a_thousand_has_no_group_separator():
    assert format_money(Decimal("800")) == "800\u00a0€"


def test_rounding_is_half_up_not_half_even():
    assert format_money(Decimal("0.125")) == "0,13\u00a0€"
    assert format_money(Decimal("0.135")) == "0,14\u00a0€"


def test_rounding_to_zero_drops_the_minus_sign():
    assert format_number(Decimal("-0.001")) == "0,00"


def test_surface_drops_trailing_zeros():
    assert format_surface(Decimal("132.60")) == "132,6\u00a0m²"
    assert format_surface(Decimal("153.00")) == "153\u00a0m²"


def test_surface_rounds_to_two_decimals():
    assert format_surface(Decimal("1234.5678")) == "1\u00a0234,57\u00a0m²"


def test_percent_of_a_percent_number():
    assert format_percent(Decimal("51")) == "51\u00a0%"
    assert format_percent(Decimal("50.5")) == "50,5\u00a0%"


def test_percent_places_zero_rounds_to_whole():
    assert format_percent(Decimal("106.02"), places=0) == "106\u00a0%"


def test_rate_always_shows_two_decimals():
    assert format_rate(Decimal("12.82051282")) == "12,82\u00a0€/m²/mois"
    assert format_rate(Decimal("9.2")) == "9,20\u00a0€/m²/mois"


def test_rate_other_unit():
    assert format_rate(Decimal("141.666"), unit="€/poste/mois") == "141,67\u00a0€/poste/mois"


def test_sep_plain_space_for_a_terminal():
    assert format_number(Decimal("2500"), sep=" ") == "2 500,00"
    assert format_money(Decimal("2500"), sep=" ") == "2 500 €"


def test_format_number_trim_and_places():
    assert format_number(Decimal("12.50"), trim=True) == "12,5"
    assert format_number(Decimal("12.5"), 0) == "13"


def test_ints_are_accepted():
    assert format_money(1700) == "1\u00a0700\u00a0€"


def test_large_exponent_does_not_raise():
    assert format_number(Decimal("1E+30"), 2, sep="") == "1" + "0" * 30 + ",00"


def test_not_finite_raises_usage_error():
    with pytest.raises(ValueError, match=r"^value must be a finite number, got NaN$"):
        format_money(Decimal("NaN"))


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False))
def test_money_reads_back_as_the_value_rounded_to_the_cent(value):
    text = format_money(value)
    assert text.endswith(NBSP + "€")
    number = text[:-2].replace(NBSP, "").replace(",", ".")
    assert Decimal(number) == round_half_up(value, 2)
    assert " " not in text


def test_a_number_of_more_digits_than_int_takes_is_still_grouped() -> None:
    # int() refuses strings of more than 4 300 digits; a page can hold such a value
    text = format_number(Decimal("1" + "0" * 5000), 0, sep=" ")
    assert text.startswith("100 000 000 ") and text.count(" ") == 1666  # 5 001 digits
