"""Records -> wikitext: the infobox table of a lieu or fiche page (members tables of category
pages are in movibot.render.members). Pure and deterministic: same records, byte-identical text.

Every value that comes from the wiki goes through `escape`, so that it can never open or close
a template, table, link, category, comment or movibot marker, nor inject HTML or a magic word.
Labels come from the schema; links are only written to names `safe_name` accepts. The surface
bar under « Modèle économique » (movibot.render.bar) holds only numbers and fixed labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from movibot.costs.fr import (
    format_money,
    format_percent,
    format_rate,
    format_surface,
)
from movibot.costs.model import CostResult
from movibot.records.schema import FieldSpec, Schema
from movibot.records.types import PER_MONTH, PORTAL_NS, render_value
from movibot.render.bar import bar_rows
from movibot.render.members import (  # re-exported: the members tables used to live here
    members_row,
    render_category_page,
    render_members,
)
from movibot.wikitext.escaping import category_from, escape, escape_url, safe_name

__all__ = ["PORTAL_NS", "escape", "escape_url", "safe_name", "members_row", "render_members",
           "render_category_page", "format_value", "implied_by_field", "implied_categories",
           "render_infobox", "render_cost_table"]

INFOBOX_STYLE = ('class="wikitable movibot-infobox" '
                 'style="float:right; clear:right; margin:0 0 1em 1em"')
MODEL_HEADING = "Modèle économique"
# Labels of the cost model rows (movibot.render.readback reads them back).
MODEL_LABELS = {
    "monthly_cost": "Coût mensuel incompressible", "residents": "Résidents",
    "contributors": "Contributeurs", "offers": "Offres", "unusable": "Surface inutilisable",
    "price_per_workstation": "Prix par poste", "balance": "Solde mensuel",
    "coverage": "Couverture du coût",
}
# Fields shown in the cost model part of the infobox rather than with the others.
SHARE_FIELDS = ("part_residents", "part_contributeurs", "part_offres")
REVENUE_FIELDS = ("recettes_residents", "recettes_contributeurs", "recettes_offres")
_MODEL_FIELDS = frozenset(SHARE_FIELDS + REVENUE_FIELDS)


def format_value(spec: FieldSpec, value: Any) -> str:
    """A field's value as escaped French wikitext (lists joined by `, `, or `; ` for lists
    whose items may hold commas)."""
    if value is None:
        return ""
    if isinstance(value, list):
        items = (render_value(spec, v) for v in value)
        return (", " if spec.commas else "; ").join(t for t in items if t)
    return render_value(spec, value)


def implied_by_field(fields: Mapping[str, Any], schema: Schema) -> dict[str, list[str]]:
    """Categories the record puts its page in, per field with a `category:` pattern: only from
    plain values (see category_from; the others are W111 in the record's check)."""
    out: dict[str, list[str]] = {}
    for spec in schema.fields:
        values = fields.get(spec.name)
        if not spec.category or values is None:
            continue
        names = out.setdefault(spec.name, [])
        for v in values if isinstance(values, list) else [values]:
            name = category_from(spec.category, str(v))
            if name and name not in names:
                names.append(name)
    return out


def implied_categories(fields: Mapping[str, Any], schema: Schema) -> list[str]:
    """Categories the record puts its page in (from fields with `category:`), in order."""
    return list(dict.fromkeys(c for cats in implied_by_field(fields, schema).values()
                              for c in cats))


def render_infobox(
    title: str, fields: Mapping[str, Any], schema: Schema, costs: CostResult | None = None
) -> str:
    """The infobox table (floated right) for a page, plus the category links the record implies.

    The shares and revenues are shown in the cost model part, under `Modèle économique`; with
    a computed model, the surface split as a bar first (movibot.render.bar).
    """
    nom = fields.get("nom")
    caption = nom if isinstance(nom, str) and nom.strip() else title
    lines = [f"{{| {INFOBOX_STYLE}", f"|+ {escape(caption)}"]
    for spec in schema.fields:
        if spec.name not in _MODEL_FIELDS and spec.name != "nom":
            lines += _field_row(spec, fields.get(spec.name))
    lines += _model_section(fields, schema, costs)
    lines.append("|}")
    lines += [f"[[Catégorie:{c}]]" for c in implied_categories(fields, schema)]
    return "\n".join(lines) + "\n"


def _row(label: str, value: str) -> list[str]:
    return ["|-", f"! {label}", f"| {value}"]


def _field_row(spec: FieldSpec, value: Any) -> list[str]:
    text = format_value(spec, value)
    return _row(escape(spec.label), text) if text else []


def _model_section(fields: Mapping[str, Any], schema: Schema, costs: CostResult | None
                   ) -> list[str]:
    """The `Modèle économique` rows: the computed model (the surface bar first, right under
    the heading), else the shares as given."""
    def given(names: tuple[str, ...]) -> list[str]:
        return [line for spec in schema.fields if spec.name in names
                for line in _field_row(spec, fields.get(spec.name))]

    if costs is None:
        rows = given(SHARE_FIELDS + REVENUE_FIELDS)
        return ["|-", f'! colspan="2" | {MODEL_HEADING}', *rows] if rows else []
    rows = _model_rows(costs, given(REVENUE_FIELDS))
    return rows[:2] + bar_rows(costs) + rows[2:]  # rows[:2]: the heading's "|-" and cell


def render_cost_table(costs: CostResult, name: str | None = None) -> str:
    """The cost model alone as a wikitable (what `movibot cost --format wikitext` prints)."""
    lines = [f"{{| {INFOBOX_STYLE}"]
    if name:
        lines.append(f"|+ {escape(name)}")
    rows = [("Surface totale", format_surface(costs.surface_total)),
            ("Surface utile", format_surface(costs.surface_usable)),
            ("Coût infrastructure", format_money(costs.infrastructure) + PER_MONTH),
            ("Coût services", format_money(costs.services) + PER_MONTH)]
    for label, value in rows:
        lines += _row(label, value)
    return "\n".join(lines + _model_rows(costs) + ["|}"]) + "\n"


def _model_rows(c: CostResult, revenues: Sequence[str] = ()) -> list[str]:
    """The cost model rows; `revenues` (rows already rendered) go before the balance."""
    label = MODEL_LABELS
    rows = [
        (label["monthly_cost"], format_money(c.monthly_cost)),
        (label["residents"], _group(c.residents.share, c.residents.surface_m2,
                                    c.residents.rate_eur_m2)),
        (label["contributors"], _group(c.contributors.share, c.contributors.surface_m2,
                                       c.contributors.rate_eur_m2)),
        (label["offers"], _group(c.offers.share, c.offers.surface_m2, None)),
    ]
    if c.unusable_surface:
        rows.append((label["unusable"],
                     f"{format_surface(c.unusable_surface)}, soit "
                     f"{format_money(c.unusable_surcharge)}{PER_MONTH} pour les résidents"))
    if c.price_per_workstation is not None:
        rows.append((label["price_per_workstation"],
                     format_money(c.price_per_workstation) + PER_MONTH))
    out = ["|-", f'! colspan="2" | {MODEL_HEADING}']
    for name, value in rows:
        out += _row(name, value)
    out += revenues
    if c.balance is not None and c.coverage is not None:
        out += _row(label["balance"], format_money(c.balance, signed=True))
        out += _row(label["coverage"], format_percent(c.coverage * 100, places=1))  # as text
    return out


def _group(share: Decimal, surface: Decimal, rate: Decimal | None) -> str:
    text = f"{format_percent(share)} : {format_surface(surface)}"
    return text + (f" à {format_rate(rate)}" if rate is not None else "")
