"""The value types of schema fields (x-wiki `type:`): one registry, `VALUE_TYPES`.

Everything about a type is in its `ValueType`: how its French value is read
(movibot.records.values), the problem code of a value under the schema's minimum, how it is
shown in the infobox, its TemplateData type, French label, default unit and examples on the
template page, how an export types it (JSON value and SQLite column), the JSON Schema of its
value (a starter schema's), and its doc line (docs/types.md). Adding a type is adding one
entry to `_TABLE`; the schema loader, the parser, the infobox, the template pages, the starter
schema and the exports look it up here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

from mwparserfromhell.wikicode import Wikicode

from movibot.costs.fr import NBSP, format_money, format_number, format_percent, format_surface
from movibot.records.values import (
    Reading,
    plain_value,
    read_bool,
    read_date,
    read_email,
    read_enum,
    read_list,
    read_name,
    read_quantity,
    read_text,
    read_title_list,
    read_url,
)
from movibot.wikitext.escaping import URL, escape, escape_url, safe_name

if TYPE_CHECKING:
    from movibot.records.schema import FieldSpec

PER_MONTH = f"{NBSP}/{NBSP}mois"
PORTAL_NS = "Portail:"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class JsonKind(Enum):
    """How an export types a value: a JSON number, a list of strings, a boolean, a string."""

    NUMBER = "number"
    LIST = "list"
    BOOL = "bool"
    STRING = "string"


@dataclass(frozen=True)
class ReadOptions:
    """What a field tells its reader: its allowed values (enum), whether commas split a list,
    whether a text value names a category (then footnotes and invisible characters go)."""

    choices: tuple[str, ...] = ()
    commas: bool = True
    name: bool = False


Reader = Callable[[str | Wikicode, ReadOptions], Reading]


def _write_number(value: Decimal) -> str:
    """A number as a page writes it: its decimals kept (at most ten), plain spaces."""
    exponent = value.as_tuple().exponent
    places = min(-exponent, 10) if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, places, trim=True, sep=" ")


def _number(value: Decimal, spec: FieldSpec) -> str:
    return _write_number(value).replace(" ", NBSP)


def _text(text: str, spec: FieldSpec) -> str:
    return escape(text)


def _string() -> dict[str, object]:
    return {"type": "string"}


@dataclass(frozen=True)
class ValueType:
    """One field value type: everything movibot knows about it."""

    name: str                   # the x-wiki `type:`
    doc: str                    # one line: what a value is (docs/types.md)
    read: Reader                # the French value -> a Reading (movibot.records.values)
    templatedata: str           # the TemplateData parameter type of the template page
    label: str                  # the template page's French name of the type
    json: JsonKind              # an export's value
    sql: str                    # an export's SQLite column type
    json_schema: Mapping[str, object] = field(default_factory=_string)  # of a value read (a
    #                             starter schema's property)
    render_number: Callable[[Decimal, FieldSpec], str] = _number  # a finite number, and
    render_text: Callable[[str, FieldSpec], str] = _text          # a text, as infobox wikitext
    unit: str = ""              # the unit the template page shows when the field gives none
    examples: tuple[str, ...] = ()  # tried in order: the first the field reads and its
    #                                 schema accepts is the template page's example
    form: str = ""              # how to write a value, in French (else made from the field's
    #                             bounds, choices or pattern: render.templates)
    bound_code: str = "E102"    # the problem of a value under the schema's minimum
    starter: bool = False       # a TemplateData parameter of type `templatedata` becomes this
    #                             type in a starter schema
    write: Callable[[Decimal], str] | None = None  # a number as movibot writes it in a page's
    #                             wikitext (lint --fix, W114): French, plain spaces, its unit
    units: tuple[str, ...] = ()  # the spellings of its unit the reader knows, the one
    #                             `write` gives first (lint --fix replaces the others)

    @property
    def is_list(self) -> bool:
        """True for a type whose value is a list."""
        return self.json is JsonKind.LIST


# -- the readers and renderers of each type ------------------------------------------------------


def _read_text(raw: str | Wikicode, options: ReadOptions) -> Reading:
    return read_name(raw) if options.name else read_text(raw)


def _quantity(kind: str) -> Reader:
    return lambda raw, options: read_quantity(raw, kind)


def _money(value: Decimal, spec: FieldSpec) -> str:
    return format_money(value) + (PER_MONTH if spec.unit == "€/mois" else "")


def _url(text: str, spec: FieldSpec) -> str:
    if not URL.fullmatch(text):
        return escape(text)
    label = text.split("://", 1)[1].rstrip("/") or text
    return f"[{escape_url(text)} {escape(label)}]"


def _date(text: str, spec: FieldSpec) -> str:
    if not _ISO_DATE.fullmatch(text):
        return escape(text)
    year, month, day = text.split("-")
    return f"{day}/{month}/{year}"


def _title(text: str, spec: FieldSpec) -> str:
    name = safe_name(text)
    if not name:
        return escape(text)
    if spec.links == "portal":
        return f"[[{PORTAL_NS}{name}|{escape(name)}]]"
    return f"[[{name}]]"


_NUMBER = {"type": "number"}
_LIST = {"type": "array", "items": {"type": "string"}}

_TABLE = (
    ValueType("text", "free text; wikitext is kept", _read_text, "string", "texte",
              JsonKind.STRING, "TEXT"),
    ValueType("number", "a number written the French way: `1 700`, `800,50`",
              _quantity("number"), "number", "nombre", JsonKind.NUMBER, "REAL", _NUMBER,
              examples=("12", "1", "0"), starter=True, write=_write_number),
    ValueType("money", "an amount in €, unit optional: `1 700 €`, `800,50`",
              _quantity("money"), "number", "montant", JsonKind.NUMBER, "REAL", _NUMBER,
              render_number=_money, examples=("1700", "800"),
              write=lambda value: format_money(value, sep=" "),
              units=("€", "euros", "euro", "eur")),
    ValueType("surface", "a surface in m², unit optional: `300 m²`, `300`",
              _quantity("surface"), "number", "surface", JsonKind.NUMBER, "REAL", _NUMBER,
              render_number=lambda value, spec: format_surface(value), unit="m²",
              examples=("300",), bound_code="E107",
              write=lambda value: format_surface(value, sep=" "),
              units=("m²", "m2", "m^2", "mètres carrés", "mètre carré", "metres carres",
                     "metre carre")),
    ValueType("percent", "a percentage, sign optional: `51 %`, `51`",
              _quantity("percent"), "number", "pourcentage", JsonKind.NUMBER, "REAL", _NUMBER,
              render_number=lambda value, spec: format_percent(value), unit="%",
              examples=("50",), write=lambda value: format_percent(value, sep=" "),
              units=("%", "pour cent", "pourcent", "pourcents")),
    ValueType("list", "items split on `,` `;` `<br>`, new lines and bullets (not on `,` with "
              "`separator: \";\"`)", lambda raw, options: read_list(raw, options.commas),
              "string", "liste", JsonKind.LIST, "TEXT", _LIST),
    ValueType("titles", "a list of page titles (`links: page` or `portal`), shown as links",
              lambda raw, options: read_title_list(raw, options.commas), "string",
              "liste de pages", JsonKind.LIST, "TEXT", _LIST, render_text=_title),
    ValueType("date", "`2014-04-12`, `2014/04/12` or `12/04/2014` (read as ISO 8601), or a "
              "year", lambda raw, options: read_date(raw), "date", "date", JsonKind.STRING,
              "TEXT", {"type": "string", "format": "date"}, render_text=_date,
              examples=("2014-04-12",), starter=True,
              form="Date, de préférence AAAA-MM-JJ (JJ/MM/AAAA et AAAA/MM/JJ sont lus aussi)."),
    ValueType("url", "an http(s) URL, bare or as `[https://… label]`",
              lambda raw, options: read_url(raw), "url", "adresse web", JsonKind.STRING,
              "TEXT", {"type": "string", "pattern": "^https?://"}, render_text=_url,
              examples=("https://www.example.org",), starter=True,
              form="Adresse web complète, commençant par http:// ou https://."),
    ValueType("email", "an e-mail address (`mailto:` dropped)",
              lambda raw, options: read_email(raw), "line", "courriel", JsonKind.STRING,
              "TEXT", {"type": "string", "format": "email"},
              examples=("contact@example.org",), form="Adresse de courriel."),
    ValueType("enum", "one of the schema's `enum` values, matched ignoring case and accents",
              lambda raw, options: read_enum(raw, options.choices), "line", "choix",
              JsonKind.STRING, "TEXT"),
    ValueType("bool", "oui/non (yes/no, vrai/faux, 1/0)", lambda raw, options: read_bool(raw),
              "boolean", "oui/non", JsonKind.BOOL, "INTEGER", {"type": "boolean"},
              examples=("oui",), starter=True, form="oui ou non."),
)

# Every consumer looks a type up here when it needs it (tests add a type to it).
VALUE_TYPES: dict[str, ValueType] = {t.name: t for t in _TABLE}
TEXT = VALUE_TYPES["text"]


def value_type(name: str) -> ValueType:
    """The type called `name`; KeyError for a name the registry does not have (load_schema
    refuses such a schema)."""
    return VALUE_TYPES[name]


def read_value(kind: str, raw: str | Wikicode, choices: tuple[str, ...] = (),
               commas: bool = True, name: bool = False) -> Reading:
    """Read `raw` (text, or a parameter's value in the page's tree) as a value of type `kind`;
    lists split on commas unless told not to. With name=True a text value is read as a
    category name (values.read_name). Never raises for a known type."""
    value_type = VALUE_TYPES[kind]
    text = plain_value(raw) if value_type is _BUILT_IN.get(kind) else None
    if text is None:
        return value_type.read(raw, ReadOptions(choices, commas, name))
    key = (kind, text, choices, commas, name)
    reading = _PLAIN_READINGS.get(key)
    if reading is None:
        if len(_PLAIN_READINGS) >= _PLAIN_KEPT:
            _PLAIN_READINGS.clear()
        reading = _PLAIN_READINGS[key] = value_type.read(raw, ReadOptions(choices, commas,
                                                                          name))
    if isinstance(reading.value, list):  # the caller's own list
        return Reading(list(reading.value), reading.ok, reading.reason, reading.note,
                       reading.alternative, reading.written)
    return reading


# A value of plain text (values.plain_value) reads the same on every page that has it: its
# Reading is kept (for the built-in types, whose readers see only its text), a thousand.
_BUILT_IN = dict(VALUE_TYPES)
_PLAIN_READINGS: dict[tuple[str, str, tuple[str, ...], bool, bool], Reading] = {}
_PLAIN_KEPT = 1024  # about 350 kB


def render_value(spec: FieldSpec, value: object) -> str:
    """One value (not a list) of the field as escaped French wikitext: numbers by the field's
    type, booleans as oui/non, text by the field's type (a link for a URL or a title)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return escape(str(value))
        return VALUE_TYPES[spec.type].render_number(value, spec)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return VALUE_TYPES[spec.type].render_text(str(value), spec)


def starter_type(templatedata: str) -> ValueType:
    """The type a starter schema gives a TemplateData parameter of type `templatedata`
    (number, boolean, date, url); text for any other."""
    return next((t for t in VALUE_TYPES.values() if t.starter and t.templatedata == templatedata),
                TEXT)


def types_page() -> str:
    """docs/types.md: one row per type."""
    rows = ["# Field value types\n",
            "Generated from `movibot/records/types.py` by `python docs/generate.py`: edit the "
            "registry, not this page. A schema field's `type:` (x-wiki) is one of these.\n",
            "| type | value | TemplateData | export (JSON, SQLite) | template page |",
            "|---|---|---|---|---|"]
    rows += [f"| `{t.name}` | {t.doc} | `{t.templatedata}` | {t.json.value}, {t.sql} | "
             f"{t.label} |" for t in VALUE_TYPES.values()]
    return "\n".join(rows) + "\n"
