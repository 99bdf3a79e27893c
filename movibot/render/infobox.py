"""Records -> wikitext: the infobox table of a lieu or fiche page (members tables of category
pages are in movibot.render.members). Pure and deterministic: same records, byte-identical text.

Every value that comes from the wiki goes through `escape`, so that it can never open or close
a template, table, link, category, comment or movibot marker, nor inject HTML or a magic word.
Labels come from the schema; links are only written to names `safe_name` accepts. The surface
bar under « Modèle économique » (movibot.render.bar) holds only numbers and fixed labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
    for spec in _layout(schema).category_fields:
        values = fields.get(spec.name)
        if values is None:
            continue
        names = out.setdefault(spec.name, [])
        for v in values if isinstance(values, list) else [values]:
            name = category_from(spec.category, str(v))
            if name and name not in names:
                names.append(name)
    return out


def implied_categories(fields: Mapping[str, Any], schema: Schema,
                       by_field: Mapping[str, list[str]] | None = None) -> list[str]:
    """Categories the record puts its page in (from fields with `category:`), in order;
    `by_field`: implied_by_field's answer when the caller has it."""
    if by_field is None:
        by_field = implied_by_field(fields, schema)
    return list(dict.fromkeys(c for cats in by_field.values() for c in cats))


@dataclass(frozen=True)
class _Layout:
    """What an infobox of a schema's records always holds, made once per schema: the field
    rows as `(spec, "|-\n! Label\n| ")` (the value follows), in the main part, in the model
    part (shares and revenues) and its revenues, and the fields with a `category:`."""

    rows: tuple[tuple[FieldSpec, str], ...]
    model_rows: tuple[tuple[FieldSpec, str], ...]
    revenue_rows: tuple[tuple[FieldSpec, str], ...]
    category_fields: tuple[FieldSpec, ...]


_LAYOUTS: dict[int, tuple[Schema, _Layout]] = {}


def _layout(schema: Schema) -> _Layout:
    """The schema's _Layout (kept for the schemas in use: a few per run)."""
    kept = _LAYOUTS.get(id(schema))
    if kept is not None and kept[0] is schema:
        return kept[1]
    if len(_LAYOUTS) > 64:
        _LAYOUTS.clear()

    def rows(keep: Callable[[str], bool]) -> tuple[tuple[FieldSpec, str], ...]:
        return tuple((spec, "\n".join(_row(escape(spec.label), ""))) for spec in schema.fields
                     if keep(spec.name))

    layout = _Layout(rows(lambda name: name not in _MODEL_FIELDS and name != "nom"),
                     rows(lambda name: name in _MODEL_FIELDS),
                     rows(lambda name: name in REVENUE_FIELDS),
                     tuple(spec for spec in schema.fields if spec.category))
    _LAYOUTS[id(schema)] = (schema, layout)
    return layout


def render_infobox(
    title: str, fields: Mapping[str, Any], schema: Schema, costs: CostResult | None = None,
    implied: Sequence[str] | None = None,
) -> str:
    """The infobox table (floated right) for a page, plus the category links the record implies
    (`implied`: implied_categories' answer when the caller has it).

    The shares and revenues are shown in the cost model part, under `Modèle économique`; with
    a computed model, the surface split as a bar first (movibot.render.bar).
    """
    layout = _layout(schema)
    nom = fields.get("nom")
    caption = nom if isinstance(nom, str) and nom.strip() else title
    lines = [_HEAD, f"|+ {escape(caption)}", *_field_rows(layout.rows, fields),
             *_model_section(fields, layout, costs), "|}"]
    if implied is None:
        implied = implied_categories(fields, schema)
    lines += [f"[[Catégorie:{c}]]" for c in implied]
    return "\n".join(lines) + "\n"


_HEAD = f"{{| {INFOBOX_STYLE}"


def _row(label: str, value: str) -> list[str]:
    return ["|-", f"! {label}", f"| {value}"]


def _field_rows(rows: Sequence[tuple[FieldSpec, str]], fields: Mapping[str, Any]
                ) -> list[str]:
    """The rows of the fields that have a value (one string a row, its lines joined)."""
    out = []
    for spec, head in rows:
        value = fields.get(spec.name)
        if value is not None:
            text = format_value(spec, value)
            if text:
                out.append(head + text)
    return out


def _model_section(fields: Mapping[str, Any], layout: _Layout, costs: CostResult | None
                   ) -> list[str]:
    """The `Modèle économique` rows: the computed model (the surface bar first, right under
    the heading), else the shares as given."""
    if costs is None:
        rows = _field_rows(layout.model_rows, fields)
        return ["|-", f'! colspan="2" | {MODEL_HEADING}', *rows] if rows else []
    rows = _model_rows(costs, _field_rows(layout.revenue_rows, fields))
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
