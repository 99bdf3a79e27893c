"""From a lieu record to the cost model's inputs (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from movibot.costs.model import (
    DEFAULT_SHARES,
    CostInputs,
    CostResult,
    compute_costs,
    validate_inputs,
)
from movibot.errors import UsageError

COST_FIELDS = ("surface_totale", "cout_infrastructure", "cout_services")


def cost_inputs(fields: Mapping[str, Any]) -> CostInputs | None:
    """The cost model's inputs from a lieu's fields; None when surface or costs are missing.

    Raises UsageError (naming the field) when the values are there but inconsistent.
    """
    values = [_dec(fields.get(name)) for name in COST_FIELDS]
    total, infra, services = values
    if total is None or infra is None or services is None:
        return None
    shares = [_dec(fields.get(n)) for n in ("part_residents", "part_contributeurs", "part_offres")]
    given = tuple(s for s in shares if s is not None)
    postes = fields.get("postes_travail")
    inputs = CostInputs(
        surface_total=total,
        infrastructure=infra,
        services=services,
        surface_usable=_dec(fields.get("surface_utile")),
        shares=given if len(given) == 3 else DEFAULT_SHARES,
        postes=int(postes) if isinstance(postes, Decimal) and postes > 0 else None,
        recettes_residents=_dec(fields.get("recettes_residents")),
        recettes_contributors=_dec(fields.get("recettes_contributeurs")),
        recettes_offers=_dec(fields.get("recettes_offres")),
        niveau_infrastructure=fields.get("niveau_infrastructure"),
        niveau_services=fields.get("niveau_services"),
    )
    validate_inputs(inputs)
    return inputs


def record_costs(fields: Mapping[str, Any]) -> tuple[CostResult | None, str | None]:
    """(result, None), (None, None) when inputs are missing, or (None, why) when inconsistent."""
    try:
        inputs = cost_inputs(fields)
    except UsageError as e:
        return None, str(e)
    return (compute_costs(inputs) if inputs else None), None


def _dec(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
