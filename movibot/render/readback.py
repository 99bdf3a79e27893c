"""A rendered infobox -> values again: the inverse of `render.render_infobox` (pure).

`read_infobox` gives the fields, read with the schema's labels and the value readers of
the values module; `read_model` gives the cost model rows, at their shown precision; `read_bar`
gives the segments of the surface bar (movibot.render.bar), which the other two ignore. Used by
the tests (render -> read gives back the record) and to check a block against a record.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import mwparserfromhell
from mwparserfromhell.nodes import Tag

from movibot.costs.fr import NBSP, RATE_UNIT
from movibot.records.schema import FieldSpec, Schema
from movibot.records.values import parse_french_number, read_value
from movibot.render.bar import BAR_CLASS, GROUPS, HATCHED
from movibot.render.infobox import MODEL_LABELS, PORTAL_NS

_CAPTION = re.compile(r"^\|\+ ?(.*)$", re.M)
_GROUP = re.compile(rf"(.+) % : (.+) m²(?: à (.+) {re.escape(RATE_UNIT)})?")
_UNUSABLE = re.compile(r"(.+) m², soit (.+) € / mois pour les résidents")
_SEGMENT = re.compile(rf'<div class="{BAR_CLASS}-(\w+)" style="width:(\d+(?:\.\d)?)%;[^"]*" '
                      r'title="([^"]*)">')
_BAR_LABELS = {key: label for key, label, _, _ in GROUPS}
_SEGMENT_TEXT = re.compile(rf"({'|'.join(map(re.escape, _BAR_LABELS.values()))}) (.+) m²"
                           rf"(?: · (.+) € / mois| \({HATCHED}\))")


def infobox_rows(text: str) -> list[tuple[str, str]]:
    """(label, cell wikitext) of each `! label` / `| value` row of the table, in order.

    Labels are unescaped; cells keep their entities. Rows without a data cell are left out,
    and so are rows without a header cell: the surface bar's row (`read_bar` reads it).
    """
    rows = []
    for tr in mwparserfromhell.parse(text).filter_tags(recursive=True):
        if str(tr.tag) != "tr":
            continue
        cells = [n for n in tr.contents.nodes if isinstance(n, Tag)]
        heads = [c for c in cells if str(c.tag) == "th"]
        data = [c for c in cells if str(c.tag) == "td"]
        if heads and data:
            rows.append((_unescape(str(heads[0].contents)), str(data[0].contents).strip()))
    return rows


def read_infobox(text: str, schema: Schema) -> dict[str, Any]:
    """The fields shown in an infobox, read as the parser reads a template's parameters.

    The caption gives `nom` when the schema has that field. Shares shown in the cost model's
    group rows are not fields here: `read_model` gives them. Rows of unknown labels are skipped.
    """
    by_label = {spec.label: spec for spec in schema.fields}
    fields: dict[str, Any] = {}
    caption = _CAPTION.search(text)
    if caption and any(spec.name == "nom" for spec in schema.fields):
        fields["nom"] = read_value("text", html.unescape(caption.group(1))).value
    for label, cell in infobox_rows(text):
        spec = by_label.get(label)
        if spec is not None and spec.name not in fields:
            fields[spec.name] = read_cell(spec, cell)
    return {k: v for k, v in fields.items() if v is not None}


def read_cell(spec: FieldSpec, cell: str) -> Any:
    """One cell's value: entities decoded, then read as the field's type (portal links give
    the portal's name, without `Portail:`)."""
    value = read_value(spec.type, html.unescape(cell), spec.choices, spec.commas).value
    if spec.links == "portal" and isinstance(value, list):
        return [v[len(PORTAL_NS):] if v.startswith(PORTAL_NS) else v for v in value]
    return value


def read_model(text: str) -> dict[str, Any]:
    """The cost model rows as Decimals (None for a row not shown); {} when there is no model.

    Keys follow `CostResult.to_json_dict`: monthly_cost, residents and contributors
    {share, surface_m2, rate_eur_m2}, offers {share, surface_m2}, unusable_surface,
    unusable_surcharge, price_per_workstation, balance, and coverage_percent (as shown, in %).
    """
    cells = {label: _plain(cell) for label, cell in infobox_rows(text)}
    label = MODEL_LABELS
    if label["monthly_cost"] not in cells:
        return {}
    unusable = _UNUSABLE.fullmatch(cells.get(label["unusable"], ""))
    return {
        "monthly_cost": _number(cells[label["monthly_cost"]], "€"),
        "residents": _group(cells.get(label["residents"])),
        "contributors": _group(cells.get(label["contributors"])),
        "offers": {k: v for k, v in _group(cells.get(label["offers"])).items()
                   if k != "rate_eur_m2"},
        "unusable_surface": _number(unusable.group(1)) if unusable else None,
        "unusable_surcharge": _number(unusable.group(2)) if unusable else None,
        "price_per_workstation": _number(cells.get(label["price_per_workstation"]), "€ / mois"),
        "balance": _number(cells.get(label["balance"]), "€"),
        "coverage_percent": _number(cells.get(label["coverage"]), "%"),
    }


def read_bar(text: str) -> list[dict[str, Any]]:
    """The segments of the surface bar, in order: {key, label, width (percent of the total
    surface, as shown in its style), surface_m2, monthly (€ per month, None for the unusable
    surface)}; [] when there is no bar. A segment whose title does not read is left out."""
    segments = []
    for key, width, title in _SEGMENT.findall(text):
        m = _SEGMENT_TEXT.fullmatch(_plain(title))
        if key not in _BAR_LABELS or m is None or m.group(1) != _BAR_LABELS[key]:
            continue
        segments.append({"key": key, "label": m.group(1), "width": Decimal(width),
                         "surface_m2": _number(m.group(2)), "monthly": _number(m.group(3))})
    return segments


def _unescape(wikitext: str) -> str:
    return " ".join(html.unescape(wikitext).split())


def _plain(cell: str) -> str:
    """A cell's text with entities decoded and no-break spaces as spaces."""
    return _unescape(cell.replace(NBSP, " "))


def _number(text: str | None, unit: str = "") -> Decimal | None:
    if text is None:
        return None
    body = text.strip()
    return parse_french_number(body[: -len(unit)] if unit and body.endswith(unit) else body)


def _group(text: str | None) -> dict[str, Decimal | None]:
    m = _GROUP.fullmatch(text or "")
    share, surface, rate = m.groups() if m else (None, None, None)
    return {"share": _number(share), "surface_m2": _number(surface), "rate_eur_m2": _number(rate)}
