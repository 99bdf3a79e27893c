"""A hand-written SVG of a CostResult: how the surface is shared and what each part costs (pure).

One horizontal bar is the total surface S: résidents, contributeurs and offres split the usable
surface U, the unusable surface S − U is a grey hatched segment. A legend gives each part's m²
and €/m²/mois in words, so nothing is said by color alone. Same result, same bytes.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from xml.sax.saxutils import escape, quoteattr

from movibot.costs.fr import format_money, format_percent, format_rate, format_surface
from movibot.costs.model import CostResult

WIDTH = 720
MARGIN = 32
BAR_TOP = 124
BAR_HEIGHT = 84
LEGEND_TOP = 266
LINE = 26
# Generous average glyph widths (px) of DejaVu Sans, to decide what fits inside a segment.
BOLD_CHAR = Decimal("9.2")  # 14 px bold
SMALL_CHAR = Decimal("7.9")  # 13 px
HEADING_CHARS = 64  # of 17 px bold in the width
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
DEFAULT_TITLE = "Modèle économique : répartition de la surface et coût mensuel"

Part = tuple[str, str, str, str]  # (key, label, fill, text color)

# Okabe-Ito colors, told apart by most color-blind people; the text says it all anyway.
GROUPS: tuple[Part, ...] = (
    ("residents", "Résidents", "#0072B2", "#ffffff"),
    ("contributors", "Contributeurs", "#E69F00", "#1a1a1a"),
    ("offers", "Offres", "#009E73", "#ffffff"),
)
UNUSABLE: Part = ("unusable", "Non utilisable", "url(#movibot-hatch)", "#1a1a1a")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Return text escaped for XML content, without the characters XML 1.0 cannot hold."""
    return escape(_NOT_XML.sub("", text))


def _c(value: Decimal | int) -> str:
    """Return a coordinate with at most 2 decimals, always the same text for the same value."""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(x: Decimal | int, y: int, content: str, **attrs: str) -> str:
    """Return a <text> element; content and attribute values are XML-escaped."""
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in sorted(attrs.items()))
    return f'<text x="{_c(x)}" y="{y}"{extra}>{_xml(content)}</text>'


def _first_fitting(choices: list[str], width: Decimal, char: Decimal) -> str | None:
    """Return the first of choices that fits in width with some padding, or None."""
    return next((c for c in choices if char * len(c) + 12 <= width), None)


def _segments(result: CostResult) -> list[tuple[Part, Decimal, Decimal]]:
    """Return (group, x, width) for each non-empty segment of the bar, left to right."""
    scale = Decimal(WIDTH - 2 * MARGIN) / result.surface_total
    parts = [(g, getattr(result, g[0]).surface_m2) for g in GROUPS]
    parts.append((UNUSABLE, result.unusable_surface))
    out, x = [], Decimal(MARGIN)
    for group, m2 in parts:
        if m2 > 0:
            out.append((group, x, m2 * scale))
            x += m2 * scale
    return out


def _segment_lines(result: CostResult, key: str, label: str) -> list[list[str]]:
    """Return the lines written inside a segment, each as choices from longest to shortest."""
    if key == "unusable":
        return [[label], [format_surface(result.unusable_surface)]]
    group = getattr(result, key)
    surface = format_surface(group.surface_m2)
    lines = [[label], [f"{surface} · {format_percent(group.share)}", surface]]
    if key == "offers":
        return lines + [["sans coût fixe"]]
    if group.rate_eur_m2 is None:
        return lines
    return lines + [[format_rate(group.rate_eur_m2), format_rate(group.rate_eur_m2, unit="€/m²")]]


def _bar(result: CostResult) -> list[str]:
    """Return the stacked bar: segments, the lines that fit inside them, the scale."""
    out = []
    for (key, label, fill, ink), x, w in _segments(result):
        out.append(
            f'<rect x="{_c(x)}" y="{BAR_TOP}" width="{_c(w)}" height="{BAR_HEIGHT}" '
            f'fill="{fill}" stroke="#ffffff" stroke-width="1"/>'
        )
        for n, choices in enumerate(_segment_lines(result, key, label)):
            line = _first_fitting(choices, w, BOLD_CHAR if n == 0 else SMALL_CHAR)
            if line is not None:
                style = {"font_weight": "bold"} if n == 0 else {"font_size": "13"}
                y = BAR_TOP + 26 + 22 * n
                out.append(_text(x + w / 2, y, line, fill=ink, text_anchor="middle", **style))
    bottom = BAR_TOP + BAR_HEIGHT + 20
    total = format_surface(result.surface_total)
    out.append(_text(MARGIN, bottom, "0 m²", fill="#555555", font_size="12"))
    out.append(
        _text(WIDTH - MARGIN, bottom, total, fill="#555555", font_size="12", text_anchor="end")
    )
    return out


def _bracket(x0: Decimal, x1: Decimal, label: str, anchor: str) -> list[str]:
    """Return a bracket over the bar from x0 to x1 with its label."""
    y = BAR_TOP - 10
    path = f"M{_c(x0 + 1)} {y + 6}V{y}H{_c(x1 - 1)}V{y + 6}"
    lx = {"start": x0, "middle": (x0 + x1) / 2, "end": x1}[anchor]
    return [
        f'<path d="{path}" fill="none" stroke="#555555" stroke-width="1.5"/>',
        _text(lx, y - 8, label, fill="#333333", font_size="13", text_anchor=anchor),
    ]


def _brackets(result: CostResult) -> list[str]:
    """Return the brackets naming the usable and (when there is one) the unusable surface."""
    scale = Decimal(WIDTH - 2 * MARGIN) / result.surface_total
    split = MARGIN + result.surface_usable * scale
    usable = "Surface utile " + format_surface(result.surface_usable)
    if not result.unusable_surface:
        return _bracket(Decimal(MARGIN), split, usable + " = surface totale", "middle")
    unusable = "non utilisable " + format_surface(result.unusable_surface)
    return _bracket(Decimal(MARGIN), split, usable, "start") + _bracket(
        split, Decimal(WIDTH - MARGIN), unusable, "end"
    )


def _legend_lines(result: CostResult) -> list[tuple[Part | None, str]]:
    """Return (group or None, sentence) for each legend line, in French."""
    res, con, off = result.residents, result.contributors, result.offers

    def rate(value: Decimal | None) -> str:
        return format_rate(value) if value is not None else "tarif non défini (part nulle)"

    lines: list[tuple[Part | None, str]] = [
        (
            GROUPS[0],
            f"Résidents : {format_surface(res.surface_m2)} ({format_percent(res.share)})"
            f" à {rate(res.rate_eur_m2)}, portent l’infrastructure",
        ),
        (
            GROUPS[1],
            f"Contributeurs : {format_surface(con.surface_m2)} "
            f"({format_percent(con.share)}) à {rate(con.rate_eur_m2)}, "
            "portent les services",
        ),
        (
            GROUPS[2],
            f"Offres : {format_surface(off.surface_m2)} ({format_percent(off.share)}),"
            " sans coût fixe : revenus libres",
        ),
    ]
    if result.unusable_surface:
        lines.append(
            (
                UNUSABLE,
                f"Non utilisable : {format_surface(result.unusable_surface)}, "
                f"surcoût de {format_money(result.unusable_surcharge)} par mois "
                "pour les résidents",
            )
        )
    if result.price_per_workstation is not None:
        lines.append(
            (
                None,
                "Prix par poste de travail : "
                f"{format_money(result.price_per_workstation)} par mois",
            )
        )
    if result.revenues is not None and result.balance is not None:
        coverage = (
            ""
            if result.coverage is None
            else (f", couverture {format_percent(result.coverage * 100, places=0)}")
        )
        lines.append(
            (
                None,
                f"Recettes : {format_money(result.revenues.total)} par mois, solde "
                f"{format_money(result.balance, signed=True)}{coverage}",
            )
        )
    return lines


def _legend(result: CostResult) -> list[str]:
    """Return the legend: a swatch and a sentence per part, then the other figures."""
    out = []
    for n, (group, sentence) in enumerate(_legend_lines(result)):
        y = LEGEND_TOP + n * LINE
        if group is not None:
            out.append(
                f'<rect x="{MARGIN}" y="{y - 13}" width="16" height="16" '
                f'fill="{group[2]}" stroke="#555555" stroke-width="0.5"/>'
            )
        out.append(_text(MARGIN + 26, y, sentence, fill="#1a1a1a", font_size="13"))
    return out


def _cost_lines(result: CostResult) -> tuple[str, str]:
    """Return the monthly cost and its formula `C = I + V = 1 700 € (…) + 800 € (…)`."""
    i_level = f" ({result.niveau_infrastructure})" if result.niveau_infrastructure else ""
    v_level = f" ({result.niveau_services})" if result.niveau_services else ""
    return (
        f"Coût mensuel incompressible : {format_money(result.monthly_cost)} par mois",
        f"C = I + V = {format_money(result.infrastructure)} d’infrastructure{i_level} + "
        f"{format_money(result.services)} de services{v_level}",
    )


def _description(result: CostResult) -> str:
    """Return the <desc> text: the whole chart in one paragraph for screen readers."""
    parts = [line + "." for line in _cost_lines(result)]
    parts += [sentence + "." for _, sentence in _legend_lines(result)]
    return " ".join(parts)


def render_chart_svg(result: CostResult, title: str | None = None) -> str:
    """Return a standalone SVG document (text, no XML declaration) picturing result."""
    with localcontext(Context(prec=28, rounding=ROUND_HALF_EVEN)):
        return _render(result, title if title else DEFAULT_TITLE)


def _render(result: CostResult, heading: str) -> str:
    """Return the SVG; the visible heading is shortened to fit, <title> keeps it whole."""
    shown = heading if len(heading) <= HEADING_CHARS else heading[: HEADING_CHARS - 1] + "…"
    height = LEGEND_TOP + len(_legend_lines(result)) * LINE + 8
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="movibot-chart-title movibot-chart-desc" '
        f'font-family="{FONT}" font-size="14">',
        f'<title id="movibot-chart-title">{_xml(heading)}</title>',
        f'<desc id="movibot-chart-desc">{_xml(_description(result))}</desc>',
        '<defs><pattern id="movibot-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#e6e6e6"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#b3b3b3" stroke-width="3"/></pattern></defs>',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        _text(MARGIN, 30, shown, fill="#1a1a1a", font_size="17", font_weight="bold"),
        _text(MARGIN, 58, _cost_lines(result)[0], fill="#1a1a1a", font_weight="bold"),
        _text(MARGIN, 80, _cost_lines(result)[1], fill="#333333", font_size="13"),
    ]
    body = _brackets(result) + _bar(result) + _legend(result)
    return "\n".join(head + body + ["</svg>"]) + "\n"
