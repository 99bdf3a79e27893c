"""Records -> wikitext: the infobox table of a page, the members table of a category page,
and a new category page. Pure and deterministic: same records, byte-identical text.

Every value that comes from the wiki goes through `escape`, so that it can never open or close
a template, table, link, category, comment or movibot marker, nor inject HTML or a magic word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from movibot.costmodel import CostResult
from movibot.fr import format_money, format_number, format_percent, format_rate, format_surface
from movibot.schema import FieldSpec, Schema
from movibot.titles import normalize_title

_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "[": "&#91;",
    "]": "&#93;", "|": "&#124;", "~": "&#126;", "''": "&#39;&#39;", "__": "&#95;&#95;",
}
_ESCAPE_RE = re.compile("''|__|[&<>{}\\[\\]|~]")
_SAFE_NAME = re.compile(r"[^\[\]{}|<>#~\n\r\t_:&%=+/\\@$^*!?\"]{1,80}")

INFOBOX_STYLE = 'class="wikitable movibot-infobox" style="float:right; clear:right; margin:0 0 1em 1em"'
MEMBERS_STYLE = 'class="wikitable sortable movibot-membres"'
MODEL_HEADING = "Modèle économique"
PER_MONTH = "\u00a0/\u00a0mois"
# Fields shown in the cost model part of the infobox rather than one by one.
_MODEL_FIELDS = {"part_residents", "part_contributeurs", "part_offres", "recettes_residents",
                 "recettes_contributeurs", "recettes_offres"}


def escape(value: str) -> str:
    """Text made inert in wikitext: markup as HTML entities, newlines as spaces.

    Encodes `& < > { } [ ] | ~` and the doubled `''` and `__` (bold/italic, magic words).
    """
    flat = " ".join(str(value).split())
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], flat)


def safe_name(value: str) -> str | None:
    """`value` usable as a category or page name, or None when it holds markup."""
    v = " ".join(str(value).split())
    return normalize_title(v) if _SAFE_NAME.fullmatch(v) else None


def format_value(spec: FieldSpec, value: Any) -> str:
    """A field's value as escaped French wikitext (lists joined by `, `)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_format_one(spec, v) for v in value)
    return _format_one(spec, value)


def _format_one(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, Decimal):
        if spec.type == "money":
            return format_money(value) + (PER_MONTH if spec.unit == "€/mois" else "")
        if spec.type == "surface":
            return format_surface(value)
        if spec.type == "percent":
            return format_percent(value)
        return format_number(value, 6, trim=True)
    if spec.type == "url" and isinstance(value, str) and re.fullmatch(r"https?://\S+", value):
        return f"[{escape_url(value)} {escape(value.split('://', 1)[1].rstrip('/'))}]"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if spec.type == "titles" and safe_name(str(value)):
        return f"[[{safe_name(str(value))}]]"
    return escape(str(value))


def escape_url(url: str) -> str:
    """An http(s) URL safe inside `[url label]`: characters that end or break the link encoded."""
    return re.sub(r"[\s\[\]{}|<>\"'~]", lambda m: f"%{ord(m.group(0)):02X}", url)


def implied_by_field(fields: Mapping[str, Any], schema: Schema) -> dict[str, list[str]]:
    """Categories the record puts its page in, per field with a `category:` pattern."""
    out: dict[str, list[str]] = {}
    for spec in schema.fields:
        values = fields.get(spec.name)
        if not spec.category or values is None:
            continue
        names = out.setdefault(spec.name, [])
        for v in values if isinstance(values, list) else [values]:
            name = safe_name(_category_name(spec.category, str(v)))
            if name and name not in names:
                names.append(name)
    return out


def implied_categories(fields: Mapping[str, Any], schema: Schema) -> list[str]:
    """Categories the record puts its page in (from fields with `category:`), in order."""
    return list(dict.fromkeys(c for cats in implied_by_field(fields, schema).values()
                              for c in cats))


def _category_name(pattern: str, value: str) -> str:
    return pattern.replace("{Value}", value[:1].upper() + value[1:]).replace("{value}", value)


def render_infobox(
    title: str, fields: Mapping[str, Any], schema: Schema, costs: CostResult | None = None
) -> str:
    """The infobox table (floated right) for a page, plus the category links the record implies."""
    caption = fields.get("nom") or title
    lines = [f"{{| {INFOBOX_STYLE}", f"|+ {escape(str(caption))}"]
    for spec in schema.fields:
        value = fields.get(spec.name)
        if value is None or value == [] or spec.name in _MODEL_FIELDS or spec.name == "nom":
            continue
        lines += ["|-", f"! {escape(spec.label)}", f"| {format_value(spec, value)}"]
    if costs is not None:
        lines += _model_rows(costs)
    lines.append("|}")
    lines += [f"[[Catégorie:{c}]]" for c in implied_categories(fields, schema)]
    return "\n".join(lines) + "\n"


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
        lines += ["|-", f"! {label}", f"| {value}"]
    return "\n".join(lines + _model_rows(costs) + ["|}"]) + "\n"


def _model_rows(c: CostResult) -> list[str]:
    rows = [
        ("Coût mensuel incompressible", format_money(c.monthly_cost)),
        ("Résidents", _group(c.residents.share, c.residents.surface_m2, c.residents.rate_eur_m2)),
        ("Contributeurs",
         _group(c.contributors.share, c.contributors.surface_m2, c.contributors.rate_eur_m2)),
        ("Offres", _group(c.offers.share, c.offers.surface_m2, None)),
    ]
    if c.unusable_surface:
        rows.append(("Surface inutilisable",
                     f"{format_surface(c.unusable_surface)}, soit "
                     f"{format_money(c.unusable_surcharge)}{PER_MONTH} pour les résidents"))
    if c.price_per_workstation is not None:
        rows.append(("Prix par poste", format_money(c.price_per_workstation) + PER_MONTH))
    if c.balance is not None and c.coverage is not None:
        rows.append(("Solde mensuel", format_money(c.balance, signed=True)))
        rows.append(("Couverture du coût", format_percent(c.coverage * 100, places=1)))
    out = ["|-", f'! colspan="2" | {MODEL_HEADING}']
    for label, value in rows:
        out += ["|-", f"! {label}", f"| {value}"]
    return out


def _group(share: Decimal, surface: Decimal, rate: Decimal | None) -> str:
    text = f"{format_percent(share)} : {format_surface(surface)}"
    return text + (f" à {format_rate(rate)}" if rate is not None else "")


def members_row(title: str, fields: Mapping[str, Any], costs: CostResult | None) -> dict[str, Any]:
    """What a members table shows of one page (kept in the state between runs)."""
    return {
        "title": title,
        "nom": _plain(fields.get("nom")),
        "ville": _plain(fields.get("ville")),
        "type": [str(t) for t in fields.get("type") or []],
        "surface": _num(fields.get("surface_totale")),
        "cout_mensuel": _num(costs.monthly_cost) if costs else None,
        "tarif_residents": _num(costs.residents.rate_eur_m2) if costs else None,
        "theme": [str(t) for t in fields.get("theme") or []],
        "type_document": _plain(fields.get("type_document")),
        "maturite": _plain(fields.get("maturite")),
    }


def _plain(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: Any) -> str | None:
    return str(value) if isinstance(value, Decimal) else None


def render_members(rows: Sequence[Mapping[str, Any]], kind: str) -> str:
    """The members table of a category page: lieux as one sortable table, fiches by thème."""
    ordered = sorted(rows, key=lambda r: (normalize_title(r["title"]).casefold(), r["title"]))
    if kind == "fiche":
        return _members_by_theme(ordered)
    lines = [f"{{| {MEMBERS_STYLE}", "! Nom !! Ville !! Type !! Surface !! Coût mensuel "
             "!! Tarif résidents"]
    for r in ordered:
        lines += ["|-", "| " + " || ".join(_lieu_cells(r))]
    lines.append("|}")
    return "\n".join(lines) + "\n" if ordered else "''Aucun tiers-lieu pour l'instant.''\n"


def _lieu_cells(r: Mapping[str, Any]) -> list[str]:
    link = _page_link(r["title"], r.get("nom"))
    return [
        link,
        escape(r.get("ville") or ""),
        ", ".join(escape(t) for t in r.get("type") or []),
        _sortable(r.get("surface"), format_surface),
        _sortable(r.get("cout_mensuel"), format_money),
        _sortable(r.get("tarif_residents"), format_rate),
    ]


def _sortable(value: str | None, fmt: Any) -> str:
    if value is None:
        return ""
    return f'data-sort-value="{Decimal(value)}" | {fmt(Decimal(value))}'


def _page_link(title: str, label: str | None) -> str:
    name = safe_name(title)
    if name is None:
        return escape(title)
    if label and label != name:
        return f"[[{name}|{escape(label)}]]"
    return f"[[{name}]]"


def _members_by_theme(rows: Sequence[Mapping[str, Any]]) -> str:
    themes: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        for theme in r.get("theme") or ["Sans thème"]:
            themes.setdefault(theme, []).append(r)
    if not themes:
        return "''Aucune fiche pour l'instant.''\n"
    lines: list[str] = []
    for theme in sorted(themes, key=str.casefold):
        lines += [f"=== {escape(theme).replace('=', '&#61;')} ===", f"{{| {MEMBERS_STYLE}",
                  "! Fiche !! Type de document !! Maturité"]
        for r in themes[theme]:
            cells = [_page_link(r["title"], None), escape(r.get("type_document") or ""),
                     escape(r.get("maturite") or "")]
            lines += ["|-", "| " + " || ".join(cells)]
        lines.append("|}")
    return "\n".join(lines) + "\n"


def render_category_page(description: str, portal: str | None, parent: str | None,
                         block: str) -> str:
    """A new category page: its description, its portal, the members block, its parent."""
    parts = [description.strip(), ""]
    if portal:
        parts += [f"Cette catégorie fait partie du [[Portail:{portal}]].", ""]
    if block:
        parts += [block.rstrip("\n"), ""]
    if parent:
        parts.append(f"[[Catégorie:{parent}]]")
    return "\n".join(parts).rstrip("\n") + "\n"


def category_names(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Sorted distinct category names (helper for plans and reports)."""
    return sorted({str(c) for r in rows for c in r.get("categories", [])})
