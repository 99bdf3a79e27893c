"""From a lieu's fields to the cost model's inputs, and back from an input to its field (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from movibot.costs.model import (
    DEFAULT_SHARES,
    CostInputs,
    CostResult,
    compute_costs,
    input_issues,
)

COST_FIELDS = ("surface_totale", "cout_infrastructure", "cout_services")
SHARE_FIELDS = ("part_residents", "part_contributeurs", "part_offres")
# Each input of the model and the lieu field it comes from.
INPUT_FIELDS = {
    "surface_total": "surface_totale", "surface_usable": "surface_utile",
    "infrastructure": "cout_infrastructure", "services": "cout_services",
    "shares": "part_residents", "postes": "postes_travail",
    "recettes_residents": "recettes_residents",
    "recettes_contributors": "recettes_contributeurs", "recettes_offers": "recettes_offres",
    "niveau_infrastructure": "niveau_infrastructure", "niveau_services": "niveau_services",
}


def cost_inputs(fields: Mapping[str, Any]) -> CostInputs | None:
    """The cost model's inputs from a lieu's fields; None when surface or costs are missing.
    Nothing is checked here: see costs.model.input_issues (and records.check, which reports
    them as problems)."""
    total, infra, services = (_dec(fields.get(name)) for name in COST_FIELDS)
    if total is None or infra is None or services is None:
        return None
    shares = [_dec(fields.get(n)) for n in SHARE_FIELDS]
    given = tuple(s for s in shares if s is not None)
    postes = fields.get("postes_travail")
    return CostInputs(
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


def record_costs(fields: Mapping[str, Any]) -> tuple[CostResult | None, str | None]:
    """(result, None), (None, None) when inputs are missing, or (None, why) when unusable."""
    inputs = cost_inputs(fields)
    if inputs is None:
        return None, None
    issues = input_issues(inputs)
    if issues:
        return None, issues[0].message
    return compute_costs(inputs), None


def _dec(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
