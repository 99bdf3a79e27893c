"""French display formats for numbers, money, surfaces, percentages and rates (pure).

Thousands are grouped by a NO-BREAK SPACE (U+00A0), which also separates a number from its unit,
so `2 500 €` never wraps. The decimal mark is a comma. Rounding is half-up (away from zero on a
tie) to the shown places, and happens here only: computations keep full Decimal precision.
Every function takes `sep` to use another separator (a plain space for a terminal table).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

NBSP = "\u00a0"
RATE_UNIT = "€/m²/mois"

Number = Decimal | int


def round_half_up(value: Number, places: int) -> Decimal:
    """Return value rounded half-up to `places` decimals; raise ValueError if not finite."""
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"value must be a finite number, got {d}")
    context = Context(prec=max(28, d.adjusted() + places + 3))
    rounded = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=context)
    return rounded if rounded else rounded.copy_abs()  # no "-0,00"


def format_number(
    value: Number, places: int = 2, *, trim: bool = False, signed: bool = False, sep: str = NBSP
) -> str:
    """Return `1 234,50` (grouped by `sep`); `trim` drops trailing zeros, `signed` adds `+`."""
    rounded = round_half_up(value, places)
    text = format(rounded.copy_abs(), "f")
    whole, _, decimals = text.partition(".")
    if trim:
        decimals = decimals.rstrip("0")
    groups = [whole[max(0, i - 3) : i] for i in range(len(whole), 0, -3)]
    body = sep.join(reversed(groups)) + ("," + decimals if decimals else "")
    if rounded < 0:
        return "-" + body
    return ("+" + body) if signed and rounded > 0 else body


def format_money(
    value: Number, *, cents: bool | None = None, signed: bool = False, sep: str = NBSP
) -> str:
    """Return `2 500 €` for whole euros, `3 050,50 €` otherwise; `cents=True` always shows them."""
    rounded = round_half_up(value, 2)
    if cents is None:
        cents = rounded != rounded.to_integral_value()
    return format_number(rounded, 2 if cents else 0, signed=signed, sep=sep) + sep + "€"


def format_surface(value: Number, *, sep: str = NBSP) -> str:
    """Return `132,6 m²`: at most two decimals, trailing zeros dropped."""
    return format_number(value, 2, trim=True, sep=sep) + sep + "m²"


def format_percent(value: Number, *, places: int = 2, sep: str = NBSP) -> str:
    """Return `51 %` for a percent number (51, not 0.51); trailing zeros dropped."""
    return format_number(value, places, trim=True, sep=sep) + sep + "%"


def format_rate(value: Number, *, unit: str = RATE_UNIT, sep: str = NBSP) -> str:
    """Return `12,82 €/m²/mois`: always two decimals."""
    return format_number(value, 2, sep=sep) + sep + unit
