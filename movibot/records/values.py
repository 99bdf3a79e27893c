"""French wiki values -> Python values: numbers, money, surfaces, percents, lists, dates, URLs.

Every reader takes the raw text of a field and returns a `Reading`: the value when it could be
read, else the raw text with `ok=False` and a reason. Readers never raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from movibot.wikitext.titles import fold, normalize_title
from movibot.wikitext.tree import wikicode

SPACES = "\u00a0\u202f\u2009\u2007 \t"


@dataclass(frozen=True)
class Reading:
    """A field's value as read: `value` is the parsed value, or the raw text when not ok."""

    value: Any
    ok: bool = True
    reason: str = ""


def _bad(raw: str, reason: str) -> Reading:
    return Reading(raw, False, reason)


_UNITS = {
    "money": re.compile(r"(€|eur(o?s?)?|ht|ttc|/\s*mois|par\s+mois|mensuels?|/\s*m)+$", re.I),
    "surface": re.compile(r"(m\s*²|m\s*2|m\^2|mètres?\s+carrés?|metres?\s+carres?)$", re.I),
    "percent": re.compile(r"(%|pour\s*cent|pourcents?)$", re.I),
    "number": re.compile(r"$"),
}
_DIGITS = re.compile(r"^[+-]?[0-9][0-9 .,]*$")


def parse_french_number(text: str) -> Decimal | None:
    """`1 700` `1.700` `800,50` `1 700,5` -> Decimal; None when the text is not a number.

    Spaces (normal, no-break, narrow no-break) and dots in groups of three separate thousands;
    the comma is the decimal mark (a lone dot followed by 1, 2 or 4+ digits is one too).
    """
    t = text.strip()
    for s in SPACES:
        t = t.replace(s, " ")
    if not _DIGITS.match(t):
        return None
    sign = "-" if t.startswith("-") else ""
    t = t.lstrip("+-")
    if re.search(r"\d \d", t) and not re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", t):
        return None
    t = t.replace(" ", "")
    if "," in t:
        whole, _, frac = t.rpartition(",")
        if "," in whole or not frac.isdigit():
            return None
        digits = _strip_thousand_dots(whole)
        if digits is None:
            return None
        t = f"{digits}.{frac}"
    elif t.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", t):
        stripped = _strip_thousand_dots(t)
        if stripped is None:
            return None
        t = stripped
    try:
        return Decimal(sign + t)
    except InvalidOperation:
        return None


def _strip_thousand_dots(t: str) -> str | None:
    if "." not in t:
        return t
    if not re.fullmatch(r"\d{1,3}(\.\d{3})+", t):
        return None
    return t.replace(".", "")


def read_quantity(raw: str, kind: str = "number") -> Reading:
    """A number with an optional unit of its kind (money €, surface m², percent %)."""
    t = _plain_or_markup(raw)
    if not t:
        return Reading(None)
    body = t
    unit = _UNITS.get(kind, _UNITS["number"])
    for _ in range(3):
        stripped = unit.sub("", body.strip()).strip()
        if stripped == body.strip():
            break
        body = stripped
    if kind == "money":
        body = body.lstrip("€").strip()
    value = parse_french_number(body)
    if value is None:
        return _bad(raw.strip(), f"cannot read {t!r} as {_KIND_NAMES.get(kind, kind)}")
    return Reading(value)


_KIND_NAMES = {
    "number": "a number",
    "money": "an amount in €",
    "surface": "a surface in m²",
    "percent": "a percentage",
}

_LIST_SPLIT = re.compile(r"<br\s*/?>|[,;\n•]|^\s*[*#-]\s*", re.I | re.M)
_LIST_SPLIT_NO_COMMA = re.compile(r"<br\s*/?>|[;\n•]|^\s*[*#-]\s*", re.I | re.M)


def read_list(raw: str, commas: bool = True) -> Reading:
    """Comma, semicolon, `<br>`, newline or bullet separated items -> list of str.

    With commas=False, commas stay inside items (names such as `Économie, droit et législation`).
    """
    without_comments = _strip_comments(raw)
    items = []
    splitter = _LIST_SPLIT if commas else _LIST_SPLIT_NO_COMMA
    for part in splitter.split(without_comments):
        item = plain_text(part).strip(" *•#")
        if item:
            items.append(item)
    return Reading(items or None)


def read_title_list(raw: str, commas: bool = True) -> Reading:
    """Like read_list, but `[[Page|label]]` items give their page title."""
    if "[[" not in raw:
        reading = read_list(raw, commas)
        return Reading([normalize_title(v) for v in reading.value]) if reading.value else reading
    code = wikicode(_strip_comments(raw))
    for link in code.filter_wikilinks():
        try:
            code.replace(link, str(link.title).strip(), recursive=True)
        except ValueError:  # a link inside a link already replaced: [[A|[[B]]]]
            continue
    reading = read_list(str(code), commas)
    if reading.value:
        return Reading([normalize_title(v) for v in reading.value])
    return reading


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),
)


def read_date(raw: str) -> Reading:
    """`2014/04/12`, `2015-06-01`, `12/04/2014` (day first, French) -> `2014-04-12`."""
    t = _plain_or_markup(raw)
    if not t:
        return Reading(None)
    for pattern, (yi, mi, di) in _DATE_FORMATS:
        m = pattern.match(t)
        if m:
            try:
                d = date(int(m.group(yi)), int(m.group(mi)), int(m.group(di)))
            except ValueError:
                return _bad(raw.strip(), f"{t!r} is not a valid date")
            return Reading(d.isoformat())
    if re.fullmatch(r"\d{4}", t):
        return Reading(t)
    return _bad(raw.strip(), f"cannot read {t!r} as a date (expected YYYY-MM-DD or DD/MM/YYYY)")


def read_url(raw: str) -> Reading:
    """An http(s) URL, bare or as `[https://… label]`; anything else is not a URL."""
    t = _strip_comments(raw).strip()
    m = re.fullmatch(r"\[\s*(\S+)(\s+[^\]]*)?\]", t)
    if m:
        t = m.group(1)
    if not t:
        return Reading(None)
    if re.fullmatch(r"https?://[^\s<>\"'{}|\[\]]+", t, re.I):
        return Reading(t)
    return _bad(raw.strip(), f"{t!r} is not an http(s) URL")


_EMAIL = re.compile(r"^[^@\s<>\"'{}|\[\]]+@[^@\s<>\"'{}|\[\]]+\.[A-Za-z]{2,}$")


def read_email(raw: str) -> Reading:
    """An e-mail address (a `mailto:` prefix is dropped)."""
    t = _plain_or_markup(raw)
    t = re.sub(r"^mailto:", "", t, flags=re.I)
    if not t:
        return Reading(None)
    if _EMAIL.match(t):
        return Reading(t)
    return _bad(raw.strip(), f"{t!r} is not an e-mail address")


def read_bool(raw: str) -> Reading:
    """oui/non (and yes/no, vrai/faux, 1/0) -> bool."""
    t = _plain_or_markup(raw)
    key = fold(t)
    if not key:
        return Reading(None)
    if key in {"oui", "yes", "vrai", "true", "1"}:
        return Reading(True)
    if key in {"non", "no", "faux", "false", "0"}:
        return Reading(False)
    return _bad(raw.strip(), f"cannot read {t!r} as oui/non")


def read_enum(raw: str, choices: tuple[str, ...]) -> Reading:
    """One of `choices`, matched ignoring case and accents; the canonical spelling is returned."""
    t = plain_text(raw)
    if not t:
        return Reading(None)
    for choice in choices:
        if fold(choice) == fold(t):
            return Reading(choice)
    return Reading(t)  # left to schema validation, which reports the allowed values


def read_text(raw: str) -> Reading:
    """Free text: comments dropped, white space collapsed; wikitext otherwise kept."""
    t = " ".join(_strip_comments(raw).split())
    return Reading(t or None)


def _strip_comments(raw: str) -> str:
    return re.sub(r"<!--.*?(-->|$)", "", raw, flags=re.S)


def _plain_or_markup(raw: str) -> str:
    """plain_text(raw), or the raw text when it is only a template call (`{{formatnum:…}}`):
    a value hidden in a template cannot be read, and must not pass for an empty one."""
    t = plain_text(raw)
    if not t and "{{" in _strip_comments(raw):
        return " ".join(_strip_comments(raw).split())
    return t


# A value with none of these characters holds no markup: strip_code would give it back as it
# is, so it is not tokenized again (planning a page then costs one tokenizer pass, not one per
# field).
_MARKUP = re.compile(r"[\[\]{}<>'&=]")


def plain_text(raw: str) -> str:
    """The text of a value without markup: comments, links and formatting reduced to text."""
    if not _MARKUP.search(raw):
        return " ".join(raw.replace("\u00a0", " ").split())
    code = wikicode(_strip_comments(raw))
    try:
        text = code.strip_code(normalize=True, collapse=True)
    except Exception:  # noqa: BLE001 - never raise on strange wikitext
        text = str(code)
    return " ".join(text.replace("\u00a0", " ").split())


READERS: dict[str, Callable[[str], Reading]] = {
    "text": read_text,
    "number": lambda raw: read_quantity(raw, "number"),
    "money": lambda raw: read_quantity(raw, "money"),
    "surface": lambda raw: read_quantity(raw, "surface"),
    "percent": lambda raw: read_quantity(raw, "percent"),
    "list": read_list,
    "titles": read_title_list,
    "date": read_date,
    "url": read_url,
    "email": read_email,
    "bool": read_bool,
}

TYPES = frozenset(READERS) | {"enum"}


def read_value(
    kind: str, raw: str, choices: tuple[str, ...] = (), commas: bool = True
) -> Reading:
    """Read `raw` as a value of `kind` (one of TYPES); lists split on commas unless told not to."""
    if kind == "enum":
        return read_enum(raw, choices)
    if kind == "list":
        return read_list(raw, commas)
    if kind == "titles":
        return read_title_list(raw, commas)
    return READERS[kind](raw)
