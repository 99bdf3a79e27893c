"""A page in, its export row out (pure): the run's parse, check and cost model, typed values.

`export_record(page, sources)` exports the page's one reading (records.read, as the run reads
it), so that an export agrees with the run: a page is exported exactly when the run lists it in
a members table, `valid` exactly when the run would not leave it `invalid`, with the same
problems.

Values are typed by the schema's `x-wiki` field types (see `FIELD_SQL`): numbers (number,
money, surface, percent) as int or float, lists as lists of str, bool as bool, every other type
as str. A value the parser could not read (E103) or of the wrong type is None: the problem says
what the page holds. The cost columns are `CostResult.to_json_dict()` flattened with `_`
(`residents.rate_eur_m2` -> `residents_rate_eur_m2`), see `COST_COLUMNS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from movibot.errors import UsageError
from movibot.i18n import Msg
from movibot.problems import Problem
from movibot.records.check import BLOCKING
from movibot.records.policy import Command, refused
from movibot.records.read import Source, read_page
from movibot.records.schema import FieldSpec
from movibot.records.types import VALUE_TYPES, JsonKind
from movibot.sites.base import Page

Scalar = str | int | float | bool | None
Value = str | int | float | bool | list[str] | None

# x-wiki field type -> SQLite column type, and the types exported as numbers or lists: from the
# registry (movibot.records.types).
FIELD_SQL = {t.name: t.sql for t in VALUE_TYPES.values()}
NUMBER_TYPES = frozenset(t.name for t in VALUE_TYPES.values() if t.json is JsonKind.NUMBER)
LIST_TYPES = frozenset(t.name for t in VALUE_TYPES.values() if t.json is JsonKind.LIST)

# CostResult.to_json_dict() flattened, in this order; all REAL (NULL without costs).
COST_COLUMNS = (
    "monthly_cost", "infrastructure", "services",
    "surface_total", "surface_usable", "unusable_surface", "unusable_surcharge",
    "residents_share", "residents_surface_m2", "residents_rate_eur_m2",
    "contributors_share", "contributors_surface_m2", "contributors_rate_eur_m2",
    "offers_share", "offers_surface_m2",
    "price_per_workstation", "balance", "coverage", "coverage_percent",
    "revenues_residents", "revenues_contributors", "revenues_offers", "revenues_total",
    "gaps_residents", "gaps_contributors", "gaps_offers",
)
# The columns every source table starts with.
BASE_COLUMNS = (("title", "TEXT"), ("valid", "INTEGER"), ("revid", "INTEGER"),
                ("timestamp", "TEXT"))
# Names a schema field cannot have: the base columns and the CSV's extra columns.
RESERVED = frozenset({name for name, _ in BASE_COLUMNS} | {"problems", "categories"})
# Tables of the SQLite export that a source cannot be named after.
RESERVED_TABLES = frozenset({"pages", "problems", "categories"})


@dataclass(frozen=True)
class Column:
    """One column of a source's table: its name, SQLite type, and field type (None: not a
    field: a base or cost column)."""

    name: str
    sql: str
    type: str | None = None


@dataclass(frozen=True)
class Layout:
    """How a source is exported: its name, kind, columns (base, fields, then costs for lieux)
    and whether its pages can be points on a map (it has latitude and longitude fields)."""

    name: str
    kind: str
    columns: tuple[Column, ...]
    costs: bool
    geo: bool

    @property
    def field_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.type is not None)


def layout(source: Source) -> Layout:
    """The export layout of a source. Raises UsageError when a field's name is a reserved
    column or a cost column (the export would have two columns of that name)."""
    schema = source.schema
    costs = schema.kind == "lieu"
    taken = RESERVED | (set(COST_COLUMNS) if costs else set())
    for spec in schema.fields:
        if spec.name in taken:
            raise UsageError(Msg("{path}: field {name!r} has the name of an export column; "
                                 "rename it to export the source {name2!r}",
                                 path=schema.path, name=spec.name, name2=source.config.name))
    columns = [Column(name, sql) for name, sql in BASE_COLUMNS]
    columns += [Column(f.name, FIELD_SQL.get(f.type, "TEXT"), f.type) for f in schema.fields]
    if costs:
        columns += [Column(name, "REAL") for name in COST_COLUMNS]
    names = {f.name: f.type for f in schema.fields}
    geo = names.get("latitude") in NUMBER_TYPES and names.get("longitude") in NUMBER_TYPES
    return Layout(source.config.name, schema.kind, tuple(columns), costs, geo)


def layouts(sources: Sequence[Source]) -> list[Layout]:
    """Every source's layout; raises UsageError for a source named like a table of the
    SQLite export, or two sources whose names differ only by case."""
    seen: set[str] = set()
    for source in sources:
        key = source.config.name.casefold()
        if key in RESERVED_TABLES:
            raise UsageError(Msg("source {name!r}: the export has a table of that name; "
                                 "rename the source", name=source.config.name))
        if key in seen:
            raise UsageError(Msg("two sources are named {name!r} (ignoring case)",
                                 name=source.config.name))
        seen.add(key)
    return [layout(s) for s in sources]


@dataclass(frozen=True)
class ExportRecord:
    """One page as exported. `fields` has every field of the source's schema (None when the
    page has no readable value); `costs` is CostResult.to_json_dict() (None for fiches, a lieu
    without surface or costs, or an invalid record); `valid` is False when the record has a
    blocking problem (the run's `invalid`)."""

    title: str
    source: str
    kind: str
    valid: bool
    revid: int | None
    timestamp: str | None
    categories: tuple[str, ...]
    fields: Mapping[str, Value]
    costs: Mapping[str, Any] | None
    problems: tuple[Problem, ...]

    def cost_values(self) -> dict[str, int | float | None]:
        """The flattened cost columns (all None without costs)."""
        return flatten_costs(self.costs)

    def row(self, lay: Layout) -> dict[str, Value]:
        """The values of `lay`'s columns, typed (lists as lists)."""
        out: dict[str, Value] = {"title": self.title, "valid": self.valid, "revid": self.revid,
                                 "timestamp": self.timestamp}
        out.update({c.name: self.fields.get(c.name) for c in lay.field_columns})
        if lay.costs:
            out.update(self.cost_values())
        return out

    def point(self) -> tuple[float, float] | None:
        """(longitude, latitude) when both are numbers in range, else None."""
        lat, lon = self.fields.get("latitude"), self.fields.get("longitude")
        if not _is_number(lat) or not _is_number(lon):
            return None
        lat_f, lon_f = float(lat), float(lon)  # type: ignore[arg-type]
        if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
            return None
        return lon_f, lat_f


def export_record(page: Page, sources: Sequence[Source]) -> ExportRecord | None:
    """The export row of a page (its one reading, records.read); None for a redirect or a
    page listed in none of the sources' tables (the run's members tables list the same)."""
    reading = read_page(page, sources)
    source = reading.source
    if source is None or not reading.listed:
        return None
    record, problems = reading.record, reading.problems
    blocked = bool(refused(Command.EXPORT, problems))
    unreadable = {p.field for p in problems if p.code == "E103" and p.field}
    fields = {spec.name: typed(spec, record.fields.get(spec.name))
              if spec.name not in unreadable else None for spec in source.schema.fields}
    categories = record.categories
    if reading.bot_category is not None:  # the bot puts it in the category (add_category)
        categories = (*categories, reading.bot_category)
    costs = reading.costs
    return ExportRecord(
        title=page.title, source=source.config.name, kind=source.schema.kind, valid=not blocked,
        revid=page.revid, timestamp=page.timestamp,
        categories=tuple(dict.fromkeys(categories)), fields=fields,
        costs=costs.to_json_dict() if costs is not None else None, problems=problems,
    )


def typed(spec: FieldSpec, value: Any) -> Value:
    """A read value as exported for its field type (the registry's `json`); None when absent
    or of the wrong type."""
    if value is None:
        return None
    kind = spec.value_type.json
    if kind is JsonKind.NUMBER:
        return number(value)
    if kind is JsonKind.LIST:
        return [str(v) for v in value] if isinstance(value, (list, tuple)) else None
    if kind is JsonKind.BOOL:
        return value if isinstance(value, bool) else None
    return value if isinstance(value, str) else None


def number(value: Any) -> int | float | None:
    """A Decimal (or int, float) as a JSON number: an int when whole and exactly a float,
    else a float; None for anything else or a value beyond a float's range."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        return None
    try:
        f = float(value)
    except (OverflowError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    if f.is_integer() and abs(f) < 2 ** 53:
        return int(f)
    return f


def _is_number(value: Value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def flatten_costs(costs: Mapping[str, Any] | None) -> dict[str, int | float | None]:
    """CostResult.to_json_dict() as the flat COST_COLUMNS (None where absent)."""
    out: dict[str, int | float | None] = dict.fromkeys(COST_COLUMNS)
    for key, value in (costs or {}).items():
        if isinstance(value, Mapping):
            for sub, inner in value.items():
                name = f"{key}_{sub}"
                if name in out:
                    out[name] = number(inner)
        elif key in out:
            out[key] = number(value)
    return out


def is_blocking(problem: Problem) -> bool:
    """True for a problem that leaves a page invalid."""
    return problem.code in BLOCKING


def problem_rows(rec: ExportRecord) -> Iterator[dict[str, Any]]:
    """The page's problems as rows: title, code, name, severity, blocking, field, line, col,
    message."""
    for p in rec.problems:
        yield {"title": rec.title, "code": p.code, "name": p.name, "severity": p.severity,
               "blocking": is_blocking(p), "field": p.field, "line": p.line, "col": p.col,
               "message": p.message}
