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


_PRECISION = 60  # enough digits for any amount a page holds; larger ones get their own context
_CONTEXT = Context(prec=_PRECISION)
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(12))


def round_half_up(value: Number, places: int) -> Decimal:
    """Return value rounded half-up to `places` decimals; raise ValueError if not finite."""
    d = value if isinstance(value, Decimal) else Decimal(value)
    if not d.is_finite():
        raise ValueError(f"value must be a finite number, got {d}")
    needed = d.adjusted() + places + 3
    context = _CONTEXT if needed <= _PRECISION else Context(prec=needed)
    quantum = _QUANTA[places] if 0 <= places < len(_QUANTA) else Decimal(1).scaleb(-places)
    rounded = d.quantize(quantum, rounding=ROUND_HALF_UP, context=context)
    return rounded if rounded else rounded.copy_abs()  # no "-0,00"


def format_number(
    value: Number, places: int = 2, *, trim: bool = False, signed: bool = False, sep: str = NBSP
) -> str:
    """Return `1 234,50` (grouped by `sep`); `trim` drops trailing zeros, `signed` adds `+`."""
    rounded = round_half_up(value, places)
    whole, _, decimals = format(rounded, ",f").lstrip("-").partition(".")  # grouped by ","
    if trim:
        decimals = decimals.rstrip("0")
    if len(whole) > 3:
        whole = whole.replace(",", sep)
    body = whole + ("," + decimals if decimals else "")
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
