"""The Movilab cost model of a tiers-lieu: numbers in, numbers out (Decimal, no I/O).

From "Modèle économique de base d'un Tiers Lieu": the monthly incompressible cost C is the
infrastructure I plus the services V (€ per month). The usable surface U (default: the total S)
is shared: résidents r = 51 %, contributeurs c = 29 %, offres o = 20 % by default. Residents
carry I (rate I / (r·U) €/m²/month), contributors carry V (rate V / (c·U)), the offers carry no
fixed cost. The unusable surface S − U costs residents I·(S − U)/S per month. With P postes de
travail a workstation costs I / P. Given monthly revenues per group (a missing one counts as 0
once any is given): balance = total − C, coverage = total / C, gaps = revenue − share of C.

`CostResult.to_json_dict()` keys (stable; null where an input is missing or a value undefined):
    monthly_cost, infrastructure, services     € per month, 2 decimals
    surface_total, surface_usable               m², 2 decimals
    unusable_surface                            m² (S − U), 2 decimals
    unusable_surcharge                          € per month residents pay for S − U, 2 decimals
    residents, contributors                     {share (percent, 51), surface_m2, rate_eur_m2}
    offers                                      {share, surface_m2}
    price_per_workstation                       € per month (null without postes)
    balance                                     € per month, total revenues − C (null without)
    coverage                                    total revenues / C, ratio with 4 decimals
    revenues (only with revenues)               {residents, contributors, offers, total}
    gaps (only with revenues)                   {residents, contributors, offers}: revenue − I,
                                                revenue − V, revenue − 0
Numbers are JSON numbers rounded half-up (an int when whole). A rate is null for a 0 % share.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

from movibot.costs.fr import RATE_UNIT, format_number, format_percent, round_half_up
from movibot.i18n import Msg

DEFAULT_SHARES = (Decimal(51), Decimal(29), Decimal(20))
NIVEAUX = ("base", "améliorée")
HUNDRED = Decimal(100)

_RECETTES = ("recettes_residents", "recettes_contributors", "recettes_offers")
_DECIMAL_FIELDS = ("surface_total", "infrastructure", "services", "surface_usable", *_RECETTES)


@dataclass(frozen=True)
class CostInputs:
    """What the model needs; ints and floats are turned into Decimals, nothing is checked here."""

    surface_total: Decimal
    infrastructure: Decimal
    services: Decimal
    surface_usable: Decimal | None = None
    shares: tuple[Decimal, ...] = DEFAULT_SHARES
    postes: int | None = None
    recettes_residents: Decimal | None = None
    recettes_contributors: Decimal | None = None
    recettes_offers: Decimal | None = None
    niveau_infrastructure: str | None = None
    niveau_services: str | None = None

    def __post_init__(self) -> None:
        for name in _DECIMAL_FIELDS:
            object.__setattr__(self, name, _as_decimal(getattr(self, name)))
        object.__setattr__(self, "shares", tuple(_as_decimal(s) for s in self.shares))
        postes = _as_decimal(self.postes)
        if isinstance(postes, Decimal) and postes.is_finite() and postes == int(postes):
            object.__setattr__(self, "postes", int(postes))


@dataclass(frozen=True)
class Group:
    """One group's part of the usable surface; rate_eur_m2 is None for offers or a 0 % share."""

    share: Decimal
    surface_m2: Decimal
    rate_eur_m2: Decimal | None


@dataclass(frozen=True)
class Revenues:
    """Actual monthly revenues per group (€), and their total."""

    residents: Decimal
    contributors: Decimal
    offers: Decimal
    total: Decimal


@dataclass(frozen=True)
class Gaps:
    """Each group's revenue minus the part of C it carries: recettes − I, − V, − 0 (€)."""

    residents: Decimal
    contributors: Decimal
    offers: Decimal


@dataclass(frozen=True)
class CostResult:
    """The computed model, full Decimal precision; round only for display (movibot.costs.fr)."""

    monthly_cost: Decimal
    infrastructure: Decimal
    services: Decimal
    surface_total: Decimal
    surface_usable: Decimal
    unusable_surface: Decimal
    unusable_surcharge: Decimal
    residents: Group
    contributors: Group
    offers: Group
    price_per_workstation: Decimal | None = None
    revenues: Revenues | None = None
    gaps: Gaps | None = None
    balance: Decimal | None = None
    coverage: Decimal | None = None
    niveau_infrastructure: str | None = None
    niveau_services: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """Return the stable JSON form described in the module docstring."""
        data: dict[str, Any] = {
            key: _num(getattr(self, key), 2)
            for key in (
                "monthly_cost",
                "infrastructure",
                "services",
                "surface_total",
                "surface_usable",
                "unusable_surface",
                "unusable_surcharge",
            )
        }
        data["residents"] = _group_json(self.residents)
        data["contributors"] = _group_json(self.contributors)
        data["offers"] = {k: v for k, v in _group_json(self.offers).items() if k != "rate_eur_m2"}
        data["price_per_workstation"] = _num(self.price_per_workstation, 2)
        data["balance"] = _num(self.balance, 2)
        data["coverage"] = _num(self.coverage, 4)
        data["coverage_percent"] = _num(self.coverage * HUNDRED if self.coverage is not None
                                        else None, 1)
        if self.revenues is not None and self.gaps is not None:
            data["revenues"] = {
                f.name: _num(getattr(self.revenues, f.name), 2) for f in fields(Revenues)
            }
            data["gaps"] = {f.name: _num(getattr(self.gaps, f.name), 2) for f in fields(Gaps)}
        return data


def _as_decimal(value: object) -> Any:
    """Return ints and floats as Decimals (a float through its shortest repr), others as given."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _num(value: Decimal | None, places: int) -> int | float | None:
    """Return value rounded half-up as a JSON number (int when whole), None stays None."""
    if value is None:
        return None
    rounded = round_half_up(value, places)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def _group_json(group: Group) -> dict[str, Any]:
    return {
        "share": _num(group.share, 2),
        "surface_m2": _num(group.surface_m2, 2),
        "rate_eur_m2": _num(group.rate_eur_m2, 2),
    }


def _plain(value: object) -> str:
    """Return a Decimal as plain text without exponent (`-5`, `2.5`), anything else as repr."""
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value) if isinstance(value, Decimal) else repr(value)


@dataclass(frozen=True)
class InputIssue:
    """Why one input of the model is unusable: the input's name (a CostInputs field), the kind
    of issue (`invalid`, `non-positive-surface`, `usable-exceeds-total`, `shares`) and a message."""

    input: str
    kind: str
    message: str


class InvalidInputs(ValueError):
    """Inputs the model cannot use; str() is the first issue's message, `issues` has them all."""

    def __init__(self, issues: list[InputIssue]) -> None:
        super().__init__(issues[0].message)
        self.issues = issues


def _number_issue(name: str, value: object, *, positive: bool) -> InputIssue | None:
    """Why value is not a finite Decimal, > 0 (positive) or >= 0; None when it is."""
    kind = "non-positive-surface" if positive and name.startswith("surface") else "invalid"
    if not isinstance(value, Decimal) or not value.is_finite():
        return InputIssue(name, "invalid", Msg("{name} must be a finite number, got "
                                               "{value}", name=name, value=_plain(value)))
    if positive and value <= 0:
        return InputIssue(name, kind, Msg("{name} must be > 0, got {value}", name=name,
                                          value=_plain(value)))
    if not positive and value < 0:
        return InputIssue(name, kind, Msg("{name} must be >= 0, got {value}", name=name,
                                          value=_plain(value)))
    return None


def _share_issues(shares: tuple[Decimal, ...]) -> list[InputIssue]:
    """Why shares are not 3 finite numbers >= 0 summing exactly to 100 ([] when they are)."""
    if len(shares) != 3:
        return [InputIssue("shares", "shares", Msg("shares must be 3 numbers "
                                                   "(résidents/contributeurs/offres), "
                                                   "got {shares}", shares=len(shares)))]
    for share in shares:
        issue = _number_issue("shares", share, positive=False)
        if issue:
            return [InputIssue("shares", "shares", issue.message)]
    total = sum(shares, Decimal(0))
    if total != HUNDRED:
        terms = " + ".join(_plain(s) for s in shares)
        return [InputIssue("shares", "shares",
                           Msg("shares must sum to 100, got {terms} = {total}",
                               terms=terms, total=_plain(total)))]
    return []


def input_issues(inputs: CostInputs) -> list[InputIssue]:
    """Every reason the inputs are unusable, in input order; [] when the model can run."""
    issues: list[InputIssue | None] = [
        _number_issue("surface_total", inputs.surface_total, positive=True)]
    usable = inputs.surface_usable
    if usable is not None:
        issue = _number_issue("surface_usable", usable, positive=True)
        if issue is None and isinstance(inputs.surface_total, Decimal) \
                and inputs.surface_total.is_finite() and usable > inputs.surface_total:
            issue = InputIssue("surface_usable", "usable-exceeds-total",
                               Msg("surface_usable must be <= surface_total, got "
                                   "{usable} > {surface_total}", usable=_plain(usable),
                                   surface_total=_plain(inputs.surface_total)))
        issues.append(issue)
    issues.append(_number_issue("infrastructure", inputs.infrastructure, positive=False))
    issues.append(_number_issue("services", inputs.services, positive=False))
    issues.extend(_share_issues(inputs.shares))
    issues.append(_postes_issue(inputs.postes))
    for name in _RECETTES:
        if getattr(inputs, name) is not None:
            issues.append(_number_issue(name, getattr(inputs, name), positive=False))
    for name in ("niveau_infrastructure", "niveau_services"):
        if getattr(inputs, name) not in (None, *NIVEAUX):
            issues.append(InputIssue(name, "invalid", Msg("{name} must be base or "
                                                          "améliorée, got {inputs!r}",
                                                          name=name,
                                                          inputs=getattr(inputs, name))))
    return [i for i in issues if i is not None]


def _postes_issue(postes: object) -> InputIssue | None:
    if postes is not None and (not isinstance(postes, int) or isinstance(postes, bool)):
        message = f"postes must be a whole number, got {_plain(postes)}"
        return InputIssue("postes", "invalid", message)
    if postes is not None and postes <= 0:
        return InputIssue("postes", "invalid", Msg("postes must be > 0, got {postes}",
                                                   postes=postes))
    return None


def validate_inputs(inputs: CostInputs) -> None:
    """Return None if inputs are usable; raise InvalidInputs (first issue first) otherwise."""
    issues = input_issues(inputs)
    if issues:
        raise InvalidInputs(issues)


def parse_shares(text: str) -> tuple[Decimal, ...]:
    """Return `51/29/20` (or `50,5 % / 29,5 % / 20 %`) as 3 Decimals; raise InvalidInputs if bad."""
    parts = [p.replace("%", "").replace(",", ".").strip() for p in text.split("/")]
    try:
        shares = tuple(Decimal(p) for p in parts)
    except ArithmeticError:
        shares = ()
    if len(shares) != 3 or not all(s.is_finite() for s in shares):
        raise InvalidInputs([InputIssue("shares", "shares",
                                        Msg("shares must look like 51/29/20, got {text!r}",
                                            text=text))])
    issues = _share_issues(shares)
    if issues:
        raise InvalidInputs(issues)
    return shares


def _group(share: Decimal, surface: Decimal, cost: Decimal | None) -> Group:
    rate = cost / surface if cost is not None and surface > 0 else None
    return Group(share=share, surface_m2=surface, rate_eur_m2=rate)


def _revenues(inputs: CostInputs, monthly_cost: Decimal) -> dict[str, Any]:
    """Return the revenue fields of CostResult; empty when no revenue is given."""
    given = (inputs.recettes_residents, inputs.recettes_contributors, inputs.recettes_offers)
    if all(r is None for r in given):
        return {}
    res, con, off = (r if r is not None else Decimal(0) for r in given)
    total = res + con + off
    gaps = (res - inputs.infrastructure, con - inputs.services, off)
    return {
        "revenues": Revenues(res, con, off, total),
        "gaps": Gaps(*gaps),
        "balance": total - monthly_cost,
        "coverage": total / monthly_cost if monthly_cost > 0 else None,
    }


def compute_costs(inputs: CostInputs) -> CostResult:
    """Return the model for inputs (full precision); raise InvalidInputs if inputs are invalid."""
    validate_inputs(inputs)
    with localcontext(Context(prec=28, rounding=ROUND_HALF_EVEN)):
        s, i, v = inputs.surface_total, inputs.infrastructure, inputs.services
        u = inputs.surface_usable if inputs.surface_usable is not None else s
        r, c, o = inputs.shares
        res_m2, con_m2 = u * r / HUNDRED, u * c / HUNDRED
        return CostResult(
            monthly_cost=i + v,
            infrastructure=i,
            services=v,
            surface_total=s,
            surface_usable=u,
            unusable_surface=s - u,
            unusable_surcharge=i * (s - u) / s,
            residents=_group(r, res_m2, i),
            contributors=_group(c, con_m2, v),
            offers=_group(o, u - res_m2 - con_m2, None),
            price_per_workstation=i / inputs.postes if inputs.postes else None,
            niveau_infrastructure=inputs.niveau_infrastructure,
            niveau_services=inputs.niveau_services,
            **_revenues(inputs, i + v),
        )


def _columns(rows: list[list[str]], right: tuple[int, ...]) -> list[str]:
    """Return rows as aligned lines: two spaces between columns, `right` columns right-aligned."""
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(w) if k in right else cell.ljust(w)
            for k, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _values(rows: list[tuple[str, Decimal | None, str]]) -> list[str]:
    """Return `label  number unit` lines, labels left-aligned, numbers right-aligned."""
    width = max(len(_n(value)) for _, value, _ in rows)
    return _columns(
        [[label, _n(value).rjust(width) + " " + unit] for label, value, unit in rows], ()
    )


def _n(value: Decimal | None, unit: str = "", *, signed: bool = False) -> str:
    """Return value for the terminal table: 2 decimals, plain spaces, `—` when undefined."""
    if value is None:
        return "—"
    return format_number(value, 2, signed=signed, sep=" ") + (" " + unit if unit else "")


def _label(name: str, niveau: str | None) -> str:
    return f"{name} ({niveau})" if niveau else name


def format_cost_table(result: CostResult) -> str:
    """Return the French aligned text table the CLI prints (plain spaces, ends with a newline)."""
    summary: list[tuple[str, Decimal | None, str]] = [
        (_label("Infrastructure", result.niveau_infrastructure), result.infrastructure, "€"),
        (_label("Services", result.niveau_services), result.services, "€"),
        ("Coût mensuel incompressible", result.monthly_cost, "€"),
        ("Surface totale", result.surface_total, "m²"),
        ("Surface utile", result.surface_usable, "m²"),
    ]
    if result.unusable_surface:
        summary.append(("Surface non utilisable", result.unusable_surface, "m²"))
        summary.append(("Surcoût mensuel des résidents", result.unusable_surcharge, "€"))
    if result.price_per_workstation is not None:
        summary.append(("Prix mensuel par poste de travail", result.price_per_workstation, "€"))
    groups = [["Groupe", "Part", "Surface", "Tarif"]] + [
        [name, format_number(g.share, trim=True, sep=" ") + " %", _n(g.surface_m2, "m²"), rate]
        for name, g, rate in (
            ("Résidents", result.residents, _n(result.residents.rate_eur_m2, RATE_UNIT)),
            ("Contributeurs", result.contributors, _n(result.contributors.rate_eur_m2, RATE_UNIT)),
            ("Offres", result.offers, "sans coût fixe"),
        )
    ]
    blocks = [_values(summary), _columns(groups, (1, 2, 3))]
    if result.revenues is not None and result.gaps is not None:
        blocks.append(_revenue_lines(result, result.revenues, result.gaps))
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _revenue_lines(result: CostResult, revenues: Revenues, gaps: Gaps) -> list[str]:
    """Return the revenue block: each group's revenue, the part of C it carries, the gap."""
    lines = (
        ("Résidents", revenues.residents, result.infrastructure, gaps.residents),
        ("Contributeurs", revenues.contributors, result.services, gaps.contributors),
        ("Offres", revenues.offers, Decimal(0), gaps.offers),
        ("Total", revenues.total, result.monthly_cost, result.balance),
    )
    rows = [["Groupe", "Recettes", "À couvrir", "Écart"]] + [
        [name, _n(got, "€"), _n(due, "€"), _n(gap, "€", signed=True)]
        for name, got, due, gap in lines
    ]
    coverage = "—" if result.coverage is None else coverage_text(result.coverage)
    return _columns(rows, (1, 2, 3)) + ["", "Couverture du coût mensuel  " + coverage]


def coverage_text(coverage: Decimal) -> str:
    """Coverage as every human format shows it: a percent with one decimal (`108 %`)."""
    return format_percent(coverage * HUNDRED, places=1, sep=" ")
