"""Records -> wikitext: the infobox table of a page, the members table of a category page,
and a new category page. Pure and deterministic: same records, byte-identical text.

Every value that comes from the wiki goes through `escape`, so that it can never open or close
a template, table, link, category, comment or movibot marker, nor inject HTML or a magic word.
Labels come from the schema; links are only written to names `safe_name` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from movibot.costmodel import CostResult
from movibot.fr import (
    format_money,
    format_number,
    format_percent,
    format_rate,
    format_surface,
    round_half_up,
)
from movibot.schema import FieldSpec, Schema
from movibot.titles import fold, normalize_title

_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "[": "&#91;",
    "]": "&#93;", "|": "&#124;", "~": "&#126;", "''": "&#39;&#39;", "__": "&#95;&#95;",
    "!!": "&#33;&#33;", ":": "&#58;", '"': "&quot;", "'": "&#39;",
}
# A colon after a letter is encoded so that no `mailto:`, `https://`… becomes a free link.
_ESCAPE_RE = re.compile("''|__|!!|(?<=[A-Za-z]):|[&<>{}\\[\\]|~]")
_URL_ESCAPE_RE = re.compile("__|[&<>\"'{}\\[\\]|~]")
_URL = re.compile(r"https?://[^\s<>\"'{}|\[\]]+", re.I)  # what values.read_url accepts
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SAFE_NAME = re.compile(r"[^\[\]{}|<>#~:%\\\x00-\x1f\x7f]+")
_UNSAFE_IN_NAME = re.compile(r"''|&[A-Za-z0-9#]|^[./]|(^|/)\.\.?(/|$)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

INFOBOX_STYLE = ('class="wikitable movibot-infobox" '
                 'style="float:right; clear:right; margin:0 0 1em 1em"')
MEMBERS_STYLE = 'class="wikitable sortable movibot-membres"'
MODEL_HEADING = "Modèle économique"
PER_MONTH = "\u00a0/\u00a0mois"
PORTAL_NS = "Portail:"
# Labels of the cost model rows (movibot.readback reads them back).
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


def escape(value: str) -> str:
    """Text made inert in wikitext: markup as HTML entities, newlines as spaces.

    Encodes `& < > { } [ ] | ~`, the doubled `''`, `__` and `!!` (formatting, magic words,
    header cells) and a colon after a letter (free links); drops control characters.
    """
    flat = " ".join(_CONTROL.sub("", str(value)).split())
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], flat)


def escape_url(url: str) -> str:
    """An http(s) URL safe inside `[url label]`: markup as entities (decoded again by
    MediaWiki in links), white space percent-encoded."""
    spaced = re.sub(r"\s", lambda m: quote(m.group(0)), _CONTROL.sub("", url))
    return _URL_ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], spaced)


def safe_name(value: str) -> str | None:
    """`value` usable as a category or page name (normalized), or None when it holds markup.

    Refused: `[ ] { } | < > # ~ : % \\`, control characters, `''`, an `&` that could start an
    entity, a leading `.` or `/`, `.`/`..` path segments, more than 255 bytes.
    """
    v = " ".join(str(value).replace("_", " ").split())
    if not _SAFE_NAME.fullmatch(v) or _UNSAFE_IN_NAME.search(v):
        return None
    return normalize_title(v) if len(v.encode("utf-8")) <= 255 else None


def format_value(spec: FieldSpec, value: Any) -> str:
    """A field's value as escaped French wikitext (lists joined by `, `, or `; ` for lists
    whose items may hold commas)."""
    if value is None:
        return ""
    if isinstance(value, list):
        items = (_format_one(spec, v) for v in value)
        return (", " if spec.commas else "; ").join(t for t in items if t)
    return _format_one(spec, value)


def _format_one(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, Decimal):
        return _format_decimal(spec, value) if value.is_finite() else escape(str(value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    if spec.type == "url" and _URL.fullmatch(text):
        label = text.split("://", 1)[1].rstrip("/") or text
        return f"[{escape_url(text)} {escape(label)}]"
    if spec.type == "date" and _ISO_DATE.fullmatch(text):
        year, month, day = text.split("-")
        return f"{day}/{month}/{year}"
    if spec.type == "titles" and safe_name(text):
        return _title_link(spec, safe_name(text) or "")
    return escape(text)


def _format_decimal(spec: FieldSpec, value: Decimal) -> str:
    if spec.type == "money":
        return format_money(value) + (PER_MONTH if spec.unit == "€/mois" else "")
    if spec.type == "surface":
        return format_surface(value)
    if spec.type == "percent":
        return format_percent(value)
    exponent = value.as_tuple().exponent
    places = min(-exponent, 10) if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, places, trim=True)


def _title_link(spec: FieldSpec, name: str) -> str:
    if spec.links == "portal":
        return f"[[{PORTAL_NS}{name}|{escape(name)}]]"
    return f"[[{name}]]"


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
    """The infobox table (floated right) for a page, plus the category links the record implies.

    The shares and revenues are shown in the cost model part, under `Modèle économique`.
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
    """The `Modèle économique` rows: the computed model, else the shares as given."""
    def given(names: tuple[str, ...]) -> list[str]:
        return [line for spec in schema.fields if spec.name in names
                for line in _field_row(spec, fields.get(spec.name))]

    if costs is None:
        rows = given(SHARE_FIELDS + REVENUE_FIELDS)
        return ["|-", f'! colspan="2" | {MODEL_HEADING}', *rows] if rows else []
    return _model_rows(costs, given(REVENUE_FIELDS))


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
        out += _row(label["coverage"], format_percent(c.coverage * 100, places=1))
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
    if not ordered:
        return "''Aucun tiers-lieu pour l'instant.''\n"
    lines = [f"{{| {MEMBERS_STYLE}",
             "! Nom !! Ville !! Type !! Surface !! Coût mensuel !! Tarif résidents"]
    for r in ordered:
        lines += _cells_row(_lieu_cells(r))
    lines.append("|}")
    return "\n".join(lines) + "\n"


def _cells_row(cells: Sequence[str]) -> list[str]:
    """A table row on one line, `| a || b`; an empty cell adds no space (no trailing space)."""
    return ["|-", ("|" + "||".join(f" {c} " if c else " " for c in cells)).rstrip()]


def _lieu_cells(r: Mapping[str, Any]) -> list[str]:
    return [
        _page_link(r["title"], r.get("nom")),
        escape(r.get("ville") or ""),
        ", ".join(t for t in (escape(t) for t in r.get("type") or []) if t),
        _sortable(r.get("surface"), format_surface),
        _sortable(r.get("cout_mensuel"), format_money),
        _sortable(r.get("tarif_residents"), format_rate),
    ]


def _sortable(value: Any, fmt: Callable[[Decimal], str]) -> str:
    """`data-sort-value="2500" | 2 500 €`, sorted on the shown precision; "" when no number."""
    try:
        number = Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return ""
    if number is None or not number.is_finite():
        return ""
    shown = round_half_up(number, 2)
    key = format(shown.normalize(), "f") if shown else "0"
    return f'data-sort-value="{key}" | {fmt(number)}'


def _page_link(title: str, label: str | None) -> str:
    name = safe_name(title)
    if name is None:
        return escape(title)
    if label and label.strip() and label != name:
        return f"[[{name}|{escape(label)}]]"
    return f"[[{name}]]"


def _members_by_theme(rows: Sequence[Mapping[str, Any]]) -> str:
    """One table per thème, in fold order (thèmes differing only in case or accents merged)."""
    themes = _by_theme(rows)
    if not themes:
        return "''Aucune fiche pour l'instant.''\n"
    lines: list[str] = []
    for key in sorted(themes):
        theme, members = themes[key]
        lines += [f"=== {escape(theme).replace('=', '&#61;')} ===", f"{{| {MEMBERS_STYLE}",
                  "! Fiche !! Type de document !! Maturité"]
        for r in members:
            lines += _cells_row([_page_link(r["title"], None), escape(r.get("type_document") or ""),
                                 escape(r.get("maturite") or "")])
        lines.append("|}")
    return "\n".join(lines) + "\n"


def _by_theme(rows: Sequence[Mapping[str, Any]]
              ) -> dict[str, tuple[str, list[Mapping[str, Any]]]]:
    """fold(thème) -> (its first spelling, its rows, each once); `Sans thème` when none."""
    themes: dict[str, tuple[str, list[Mapping[str, Any]]]] = {}
    for r in rows:
        names = [n for n in (" ".join(str(t).split()) for t in r.get("theme") or []) if n]
        seen: set[str] = set()
        for theme in names or ["Sans thème"]:
            if fold(theme) not in seen:
                seen.add(fold(theme))
                themes.setdefault(fold(theme), (theme, []))[1].append(r)
    return themes


def render_category_page(description: str, portal: str | None, parent: str | None,
                         block: str) -> str:
    """A new category page: its description, its portal, the members block, its parent.

    The description, portal and parent come from the schema (trusted wikitext).
    """
    parts = [description.strip(), ""] if description.strip() else []
    if portal:
        parts += [f"Cette catégorie fait partie du [[{PORTAL_NS}{portal}]].", ""]
    if block:
        parts += [block.rstrip("\n"), ""]
    if parent:
        parts.append(f"[[Catégorie:{parent}]]")
    return "\n".join(parts).rstrip("\n") + "\n"


def category_names(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Sorted distinct category names (helper for plans and reports)."""
    return sorted({str(c) for r in rows for c in r.get("categories", [])})
