"""Members tables of category pages, and new category pages (pure, deterministic).

A row (`members_row`) is what a category's table shows of one page; rows are kept in the state
between runs, so that a category page can be refreshed without reading every member again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from movibot.costs.fr import format_money, format_rate, format_surface, round_half_up
from movibot.costs.model import CostResult
from movibot.rows import MemberRow
from movibot.wikitext.escaping import escape, safe_name
from movibot.wikitext.titles import fold, normalize_title

MEMBERS_STYLE = 'class="wikitable sortable movibot-membres"'
PORTAL_NS = "Portail:"


def members_row(title: str, fields: Mapping[str, Any], costs: CostResult | None,
                kind: str = "lieu", categories: Sequence[str] = (),
                implied: Mapping[str, Sequence[str]] | None = None) -> MemberRow:
    """What a members table shows of one page (kept in the state between runs)."""
    return MemberRow(
        title=title, kind=kind,
        nom=_plain(fields.get("nom")),
        ville=_plain(fields.get("ville")),
        type=tuple(str(t) for t in _list(fields.get("type"))),
        surface=_num(fields.get("surface_totale")),
        cout_mensuel=_num(costs.monthly_cost) if costs else None,
        tarif_residents=_num(costs.residents.rate_eur_m2) if costs else None,
        theme=tuple(str(t) for t in _list(fields.get("theme"))),
        type_document=_plain(fields.get("type_document")),
        maturite=_plain(fields.get("maturite")),
        categories=tuple(categories),
        implied={k: tuple(v) for k, v in (implied or {}).items()},
    )


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _plain(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: Any) -> str | None:
    return str(value) if isinstance(value, Decimal) else None


def render_members(rows: Sequence[MemberRow], kind: str) -> str:
    """The members table of a category page: lieux as one sortable table, fiches by thème."""
    ordered = sorted(rows, key=members_order)
    if kind == "fiche":
        return _members_by_theme(ordered)
    return lieu_table(member_line(r, "lieu") for r in ordered)


def members_order(row: MemberRow) -> tuple[str, str]:
    """Where a row stands in its members table: its normalised title without case, then its
    title."""
    return normalize_title(row.title).casefold(), row.title


def member_line(row: MemberRow, kind: str) -> str:
    """A row's line of its members table (`| [[Lieu]] || Lyon || …`), the same in every table
    the row is in: the offline run renders it once per page."""
    if kind == "fiche":
        cells = [_page_link(row.title, None), escape(row.type_document or ""),
                 escape(row.maturite or "")]
    else:
        cells = _lieu_cells(row)
    return _cells_row(cells)[1]


LIEU_HEAD = (f"{{| {MEMBERS_STYLE}\n"
             "! Nom !! Ville !! Type !! Surface !! Coût mensuel !! Tarif résidents\n")
LIEU_TAIL = "|}\n"
NO_LIEU = "''Aucun tiers-lieu pour l'instant.''\n"


def lieu_table(lines: Iterable[str]) -> str:
    """The lieux' members table of member lines already in table order."""
    body = lieu_rows(lines)
    return LIEU_HEAD + body + LIEU_TAIL if body else NO_LIEU


def lieu_rows(lines: Iterable[str]) -> str:
    """The rows of a lieux' members table (between LIEU_HEAD and LIEU_TAIL)."""
    return "".join(f"|-\n{line}\n" for line in lines)


def table_rows(members: str) -> int:
    """How many member rows a rendered members table holds (its `|-` lines)."""
    return sum(1 for line in members.splitlines() if line.strip() == "|-")


def _cells_row(cells: Sequence[str]) -> list[str]:
    """A table row on one line, `| a || b`; an empty cell adds no space (no trailing space)."""
    return ["|-", ("|" + "||".join(f" {c} " if c else " " for c in cells)).rstrip()]


def _lieu_cells(r: MemberRow) -> list[str]:
    return [
        _page_link(r.title, r.nom),
        escape(r.ville or ""),
        ", ".join(t for t in (escape(t) for t in r.type) if t),
        _sortable(r.surface, format_surface),
        _sortable(r.cout_mensuel, format_money),
        _sortable(r.tarif_residents, format_rate),
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


def _members_by_theme(rows: Sequence[MemberRow]) -> str:
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
            lines += ["|-", member_line(r, "fiche")]
        lines.append("|}")
    return "\n".join(lines) + "\n"


def _by_theme(rows: Sequence[MemberRow]) -> dict[str, tuple[str, list[MemberRow]]]:
    """fold(thème) -> (its first spelling, its rows, each once); `Sans thème` when none."""
    themes: dict[str, tuple[str, list[MemberRow]]] = {}
    for r in rows:
        names = [n for n in (" ".join(str(t).split()) for t in r.theme) if n]
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


def category_names(rows: Iterable[MemberRow]) -> list[str]:
    """Sorted distinct category names (helper for plans and reports)."""
    return sorted({c for r in rows for c in r.categories})
