"""The surface split of a lieu as a bar in plain wikitext (pure, deterministic).

A row of the infobox, under « Modèle économique », spanning both columns: a caption, a bar of
`<div>`s whose widths are percentages of the total surface S, and a legend list under it.

    résidents      r·U m²   carry the infrastructure cost I (€ / mois)
    contributeurs  c·U m²   carry the services cost V
    offres         o·U m²   0 €
    inutilisable   S − U    hatched (a repeating-linear-gradient) with a dashed border

The widths are in tenths of a percent, rounded by largest remainder so that they always sum
to exactly 100 %; a part of no surface is left out (a part so small that its width rounds to
0 is only in the legend). Readable without colour: each segment
shows its surface in the bar when it is wide enough (`LABEL_MIN`, `HATCH_LABEL_MIN`), the hatch
and the dashed border mark the unusable surface without colour, and the legend names every
segment, in the bar's order, with its surface and its monthly share (« Résidents 153 m² ·
1 700 € / mois »). Readable on a narrow screen: every width is a percentage or in em.

Nothing read from a page goes in as text: only numbers (formatted by movibot.costs.fr) and the
fixed French labels below; every style attribute is a fixed string or a number. MediaWiki 1.39's
Sanitizer keeps all of it (it drops `url(`, `image(`, `expression`, `filter:`, not gradients;
tests/test_bar_wiki.py checks it on the real wiki).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext
from functools import cached_property

from movibot.costs.fr import NBSP, format_money, format_surface
from movibot.costs.model import CostResult

BAR_CLASS = "movibot-barre"
UNITS = 1000  # widths in tenths of a percent
LABEL_MIN = 120  # tenths: a segment narrower than 12 % shows no text in the bar,
HATCH_LABEL_MIN = 250  # nor a hatched one narrower than 25 % (its text would hide the hatch)
PER_MONTH = f"{NBSP}/{NBSP}mois"
CAPTION = "Répartition de la surface totale"
HATCHED = "hachurée"

# key, label, background, text colour (Wikimedia palette: text contrast ≥ 4.5:1)
GROUPS = (
    ("residents", "Résidents", "background-color:#36c", "#fff"),
    ("contributors", "Contributeurs", "background-color:#fc3", "#000"),
    ("offers", "Offres", "background-color:#14866d", "#fff"),
    ("unusable", "Surface inutilisable",
     "background-color:#fff; background-image:repeating-linear-gradient(45deg, #54595d 0, "
     "#54595d 0.12em, #fff 0.12em, #fff 0.5em)", "#000"),
)
_UNUSABLE_BORDER = "border:1px dashed #000"
_BAR_STYLE = ("display:flex; width:100%; min-height:1.6em; box-sizing:border-box; "
              "border:1px solid #54595d; line-height:1.6em")
_SEGMENT_STYLE = "box-sizing:border-box; overflow:hidden; white-space:nowrap; text-align:center"
_SWATCH_STYLE = ("display:inline-block; width:1.2em; height:0.9em; margin-right:0.4em; "
                 "vertical-align:middle; box-sizing:border-box")
_SWATCH_BORDER = "border:1px solid #54595d"
_LEGEND_STYLE = "list-style:none; margin:0.3em 0 0 0; padding:0"
_CAPTION_STYLE = "margin-bottom:0.2em"
_TEXT_ON_HATCH = "background-color:#fff; padding:0 0.2em"


@dataclass(frozen=True)
class Segment:
    """One part of the total surface: its key, French label, m², € per month (None for the
    unusable surface) and width in tenths of a percent of S."""

    key: str
    label: str
    surface: Decimal
    monthly: Decimal | None
    width: int

    @cached_property
    def text(self) -> str:
        """The legend's text: « Résidents 153 m² · 1 700 € / mois »."""
        if self.monthly is None:
            return f"{self.label} {format_surface(self.surface)} ({HATCHED})"
        return f"{self.label} {format_surface(self.surface)} · {format_money(self.monthly)}" \
               f"{PER_MONTH}"


def split_widths(areas: Sequence[Decimal]) -> list[int]:
    """Each area's share of their sum in tenths of a percent, summing to exactly 1000 (largest
    remainder: the floors, then one tenth more to the largest remainders, the first on a tie).
    An area of 0 gets 0. Raises ValueError when no area is positive or one is negative."""
    if any(a < 0 for a in areas) or not any(a > 0 for a in areas):
        raise ValueError("the areas must be non-negative and not all 0")
    with localcontext() as ctx:
        ctx.prec = 50
        total = sum(areas, Decimal(0))
        exact = [a * UNITS / total for a in areas]
        floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
        order = sorted(range(len(areas)), key=lambda k: (-(exact[k] - floors[k]), k))
    for k in order[:UNITS - sum(floors)]:
        floors[k] += 1
    return floors


def surface_segments(costs: CostResult) -> list[Segment]:
    """The segments of the bar, in order, without those of no surface (a segment may still
    have a width of 0: it is then in the legend only); [] when no surface is positive."""
    areas = [costs.residents.surface_m2, costs.contributors.surface_m2,
             costs.offers.surface_m2, costs.unusable_surface]
    if costs.surface_total <= 0 or any(not a.is_finite() or a < 0 for a in areas) \
            or not any(a > 0 for a in areas):
        return []
    monthly = [costs.infrastructure, costs.services, Decimal(0), None]
    widths = split_widths(areas)
    return [Segment(key, label, area, money, width)
            for (key, label, _, _), area, money, width in zip(GROUPS, areas, monthly, widths,
                                                              strict=True)
            if area > 0]


def css_percent(tenths: int) -> str:
    """A width in tenths of a percent as CSS: `51%`, `50.5%` (from an int only)."""
    whole, tenth = divmod(int(tenths), 10)
    return f"{whole}.{tenth}%" if tenth else f"{whole}%"


def _look(key: str) -> tuple[str, str]:
    background, colour = next((b, c) for k, _, b, c in GROUPS if k == key)
    return background, colour


def _segment_style(key: str) -> str:
    """A segment's style after its width (`; …`): the same for every bar."""
    background, colour = _look(key)
    style = f"; {_SEGMENT_STYLE}; {background}; color:{colour}"
    return style + (f"; {_UNUSABLE_BORDER}" if key == "unusable" else "")


def _legend_start(key: str) -> str:
    """A legend item up to its text: the same for every bar."""
    background, _ = _look(key)
    border = _UNUSABLE_BORDER if key == "unusable" else _SWATCH_BORDER
    return f'<li><span style="{_SWATCH_STYLE}; {border}; {background}"></span>'


# What each segment's and legend item's markup holds whatever the numbers, made once.
_SEGMENT_STYLES = {key: _segment_style(key) for key, *_ in GROUPS}
_LEGEND_STARTS = {key: _legend_start(key) for key, *_ in GROUPS}


def _segment(s: Segment) -> str:
    text = ""
    if s.key == "unusable" and s.width >= HATCH_LABEL_MIN:
        text = f'<span style="{_TEXT_ON_HATCH}">{format_surface(s.surface)}</span>'
    elif s.key != "unusable" and s.width >= LABEL_MIN:
        text = format_surface(s.surface)
    return (f'<div class="{BAR_CLASS}-{s.key}" style="width:{css_percent(s.width)}'
            f'{_SEGMENT_STYLES[s.key]}" title="{s.text}">{text}</div>')


def _legend_item(s: Segment) -> str:
    return f"{_LEGEND_STARTS[s.key]}{s.text}</li>"


def render_bar(costs: CostResult) -> str:
    """The cell content: caption, bar and legend, one element a line; "" without a surface."""
    segments = surface_segments(costs)
    if not segments:
        return ""
    lines = [f'<div class="{BAR_CLASS}">',
             f'<div style="{_CAPTION_STYLE}">{CAPTION} ({format_surface(costs.surface_total)})'
             "</div>",
             f'<div class="{BAR_CLASS}-segments" style="{_BAR_STYLE}" aria-hidden="true">',
             *(_segment(s) for s in segments if s.width > 0),
             "</div>",
             f'<ul class="{BAR_CLASS}-legende" style="{_LEGEND_STYLE}">',
             *(_legend_item(s) for s in segments),
             "</ul>",
             "</div>"]
    return "\n".join(lines)


def bar_rows(costs: CostResult | None) -> list[str]:
    """The infobox rows of the bar (one cell spanning both columns); [] without a model."""
    if costs is None:
        return []
    bar = render_bar(costs)
    return ["|-", f'| colspan="2" |\n{bar}'] if bar else []
