"""French wiki values -> Python values: numbers, money, surfaces, percents, lists, dates, URLs.

Every reader takes the raw text of a field, or its mwparserfromhell tree (the parameter's value
in the page's one tree: then nothing is tokenized again), and returns a `Reading`: the value when
it could be read, else the raw text with `ok=False` and a reason. Readers never raise.

A typed value (every type but `text`) is read as MediaWiki passes it to the template and shows
it: footnotes (`<ref>…</ref>`, `<ref name=x/>`), HTML comments, `<nowiki/>` markers and
`<includeonly>` content are set aside (the page keeps them), links and formatting are reduced to
their text, invisible characters (bidi marks, soft hyphens, zero-width spaces) are dropped; the
text of `<math>`, `<gallery>`, `<pre>`, `<syntaxhighlight>`… is never dropped silently: a typed
value holding one is unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from movibot.i18n import N_, Msg, joined
from movibot.wikitext.titles import fold, normalize_title
from movibot.wikitext.tree import drop_inclusion_tags, wikicode

SPACES = "\u00a0\u202f\u2009\u2007 \t"

# Characters that show nothing: bidi marks and overrides (MediaWiki strips these from titles),
# the soft hyphen, zero-width space, word joiner and byte order mark. Dropped from typed values
# and from values that become category names, so that `Bretagne\u200e` is `Bretagne`.
INVISIBLE = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u00ad\u200b\u2060\ufeff"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")

# A value as read: a number, a text (an ISO date, a URL, an unreadable value's raw text…), a
# boolean, a list of texts; None when the page gives none. A record's fields hold these.
FieldValue: TypeAlias = Decimal | str | bool | list[str] | None


@dataclass(frozen=True)
class Reading:
    """A field's value as read: `value` is the parsed value, or the raw text when not ok.

    `note` says how an ambiguous number was read (`1,700`, `1.700`) and `alternative` is the
    other value it could mean; the caller decides whether that other value is possible.
    `written` is the text as written when it was read as another spelling (an enum choice
    matched ignoring case and accents: `Demarre` read as `Démarré`).
    """

    value: FieldValue
    ok: bool = True
    reason: str = ""
    note: str = ""
    alternative: Decimal | None = field(default=None)
    written: str = ""


def _bad(raw: str, reason: str) -> Reading:
    return Reading(raw, False, reason)


def strip_invisible(text: str) -> str:
    """`text` without the INVISIBLE characters."""
    return _INVISIBLE_RE.sub("", text) if _INVISIBLE_RE.search(text) else text


# A value as MediaWiki passes it -------------------------------------------------------------

# Extension tags whose text is not shown as wikitext (formulas, images, code, scores…): a typed
# value never drops it silently. `pre`, `syntaxhighlight` and `source` show their text verbatim,
# but as a block of code, not as a value.
OPAQUE_TAGS = frozenset({
    "math", "chem", "ce", "gallery", "pre", "syntaxhighlight", "source", "score", "timeline",
    "graph", "hiero", "imagemap", "inputbox", "categorytree", "templatedata", "mapframe",
    "maplink", "section", "charinsert",
})
FOOTNOTE_TAGS = frozenset({"ref", "references"})
_SEPARATOR_TAGS = frozenset({"br", "hr", "li", "dt", "dd", "table", "tr", "td", "th", "caption",
                             "p", "div", "ul", "ol", "dl"})
# In a text node (mwparserfromhell did not take them apart): a comment, an <includeonly>
# element, each with its end (empty when it runs to the end), or a <noinclude>/<onlyinclude>
# tag (dropped, as MediaWiki drops it on the page itself).
_HIDDEN = re.compile(r"<!--.*?(?P<comment>-->|\Z)|<includeonly(?:\s[^>]*?)?(?:/>(?P<empty>)|>.*?"
                     r"(?P<include></includeonly\s*>|\Z))|(?P<tag></?(?:noinclude|onlyinclude)"
                     r"(?=[\s/>])[^>]*>)", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.S)
_INCLUDEONLY = re.compile(r"<includeonly(?:\s[^>]*?)?(?:/>|>.*?(?:</includeonly\s*>|\Z))",
                          re.I | re.S)
# Placeholders for the text of links, entities and <nowiki> in a flattened value (a Unicode
# private use plane): list separators inside them do not split the value.
_ATOM_BASE, _ATOM_MAX = 0xF0000, 0xFFFFD - 0xF0000
_ATOMS = re.compile("[\U000f0000-\U000ffffd]")
_ATOM_SPLIT = re.compile("([\U000f0000-\U000ffffd])")
_SEPARATOR_CHARS = frozenset(",;•*#-\n")


@dataclass(frozen=True)
class Passed:
    """A value as MediaWiki passes it, flattened for reading: `flat` is its text with markup
    reduced (each link, entity or <nowiki> text one placeholder character, line-breaking tags
    a newline), `atoms` the placeholders' texts; `wikitext` the value without what was set
    aside; `aside` what was set aside (footnotes, comments…), `opaque` the tags whose text
    cannot be read (`<math>`), `templates` whether a template or `{{{…}}}` was left out."""

    raw: str
    flat: str
    atoms: tuple[str, ...] = ()
    wikitext: str = ""
    aside: tuple[str, ...] = ()
    opaque: tuple[str, ...] = ()
    templates: bool = False

    def expand(self, text: str) -> str:
        """`text` (a part of `flat`) with its placeholders given back their text."""
        if not self.atoms or not _ATOMS.search(text):
            return text
        return _ATOMS.sub(lambda m: self._atom(m.group(0)), text)

    def _atom(self, ch: str) -> str:
        i = ord(ch) - _ATOM_BASE
        return self.atoms[i] if i < len(self.atoms) else ch

    @property
    def plain(self) -> str:
        """The value's text on one line: markup reduced, white space collapsed."""
        return " ".join(self.expand(self.flat).replace("\u00a0", " ").split())

    def unreadable(self, what: str) -> str:
        """Why a typed value holding an opaque tag cannot be read, or "" when it holds none."""
        if not self.opaque:
            return ""
        shown = " ".join(self.wikitext.split())
        tags = ", ".join(dict.fromkeys(f"<{t}>" for t in self.opaque))
        return f"cannot read {shown!r} as {what}: the text of {tags} is not read"

    def aside_note(self) -> str | Msg:
        """` (set aside: a footnote, a comment)`, or "" when nothing was set aside."""
        if not self.aside:
            return ""
        counts: dict[str, int] = {}
        for kind in self.aside:
            counts[kind] = counts.get(kind, 0) + 1
        names: list[str] = [Msg(_ASIDE_NAMES[k][0]) if n == 1 else Msg(_ASIDE_NAMES[k][1], n=n)
                            for k, n in counts.items()]
        return Msg(" (set aside: {names})", names=joined(names))


_ASIDE_NAMES = {
    "footnote": (N_("a footnote"), N_("{n} footnotes")),
    "comment": (N_("a comment"), N_("{n} comments")),
    "nowiki": (N_("a <nowiki/> marker"), N_("{n} <nowiki/> markers")),
    "includeonly": (N_("an <includeonly> text"), N_("{n} <includeonly> texts")),
}
# A value with none of these characters holds no markup: it is read as it is, not tokenized
# (planning a page then costs one tokenizer pass, not one per field).
_MARKUP = re.compile(r"[\[\]{}<>'&=]")


def passed(raw: str | Wikicode, titles: bool = False) -> Passed:
    """`raw` (a value's text, or its tree) as MediaWiki passes it, flattened for reading.

    A tree is read as it is; text is tokenized only when it holds markup. With titles=True a
    link gives its page title (`[[Le Mixeur|le Mixeur]]` -> `Le Mixeur`), else its label.
    """
    if isinstance(raw, Wikicode):
        text, code = str(raw), raw
        if _plain(code.nodes, text):  # what the walk would give, without the walk
            return Passed(text, _INVISIBLE_RE.sub("", text), (), text)
    else:
        text = raw
        if not _MARKUP.search(raw):
            return Passed(raw, _INVISIBLE_RE.sub("", raw), (), raw)
        code = wikicode(raw)
    flattener = _Flattener(titles)
    wikitext = flattener.run(code.nodes)
    flat = _INVISIBLE_RE.sub("", "".join(flattener.out))
    return Passed(text, flat, tuple(flattener.atoms), wikitext, tuple(flattener.aside),
                  tuple(flattener.opaque), flattener.templates)


def _plain(nodes: list[Node], text: str) -> bool:
    """Whether a value's nodes are text only, with no `<` (a comment or tag left in a text
    node) and no placeholder character: its flattening is then its text."""
    return (all(type(n) is Text for n in nodes) and "<" not in text
            and not _ATOMS.search(text))


def plain_value(raw: str | Wikicode) -> str | None:
    """The text of a value of the page's tree made of text only (no `<`, no placeholder
    character): all any reader sees of it; None for another value, and for a str."""
    if not isinstance(raw, Wikicode):
        return None
    text = str(raw)
    return text if _plain(raw.nodes, text) else None


class _Flattener:
    """Walks a value's nodes once: what is set aside, what is text, what cannot be read."""

    def __init__(self, titles: bool) -> None:
        self.titles = titles
        self.out: list[str] = []
        self.atoms: list[str] = []
        self.aside: list[str] = []
        self.opaque: list[str] = []
        self.templates = False
        self.hidden = False  # an unclosed comment or <includeonly> hides the rest

    def run(self, nodes: Iterable[Node]) -> str:
        """Flatten the top-level nodes; the value's wikitext without what is set aside."""
        kept = []
        for node in nodes:
            if self.hidden:
                break
            if self._set_aside(node):
                continue
            if isinstance(node, Text):
                kept.append(self._text(node.value))
            else:
                kept.append(str(node))
                self._node(node)
        return "".join(kept)

    def _set_aside(self, node: Node) -> bool:
        if isinstance(node, Comment):
            self.aside.append("comment")
            return True
        if isinstance(node, Tag):
            name = str(node.tag).strip().lower()
            if name in FOOTNOTE_TAGS:
                self.aside.append("footnote")
                return True
            if name == "includeonly":
                self.aside.append("includeonly")
                return True
            if name == "nowiki" and (node.self_closing or not str(node.contents or "")):
                self.aside.append("nowiki")
                return True
        return False

    def _atom(self, text: str) -> None:
        if len(self.atoms) >= _ATOM_MAX:
            self.out.append(text)
            return
        self.out.append(chr(_ATOM_BASE + len(self.atoms)))
        self.atoms.append(text)

    def _text(self, value: str) -> str:
        """A text node's text, flattened; returns the text kept. Comments are set aside; an
        unclosed comment or <includeonly> (MediaWiki runs them to the end of the page) hides
        the rest of the value."""
        if "<" in value:
            value = self._hide(value)
        if _ATOMS.search(value):
            for piece in _ATOM_SPLIT.split(value):
                if _ATOMS.fullmatch(piece):
                    self._atom(piece)
                elif piece:
                    self.out.append(piece)
        else:
            self.out.append(value)
        return value

    def _hide(self, value: str) -> str:
        kept, pos = [], 0
        for m in _HIDDEN.finditer(value):
            kept.append(value[pos:m.start()])
            if m.group("tag") is not None:
                pos = m.end()
                continue
            comment = m.group("comment") is not None
            self.aside.append("comment" if comment else "includeonly")
            if (m.group("comment") if comment else m.group("include")) == "":
                self.hidden = True
                return "".join(kept)
            pos = m.end()
        kept.append(value[pos:])
        return "".join(kept)

    def _nodes(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            if self.hidden:
                return
            if not self._set_aside(node):
                self._node(node)

    def _node(self, node: Node) -> None:
        if isinstance(node, Text):
            self._text(node.value)
        elif isinstance(node, Tag):
            self._tag(node)
        elif isinstance(node, Wikilink):
            if self.titles:
                self._atom(str(node.title).strip())
            else:
                target = node.text if node.text is not None else node.title
                self._atom(_strip(target))
        elif isinstance(node, ExternalLink):
            if node.brackets:
                if node.title is not None:
                    self._atom(_strip(node.title))
            else:
                self._atom(str(node.url))
        elif isinstance(node, HTMLEntity):
            char = node.normalize()
            if char in _SEPARATOR_CHARS:
                self._atom(char)
            else:
                self.out.append(char)
        elif isinstance(node, (Template, Argument)):
            self.templates = True
        elif isinstance(node, Heading):
            self.out.append("\n")
            self._nodes(node.title.nodes)
            self.out.append("\n")
        else:
            self.out.append(str(node))

    def _tag(self, node: Tag) -> None:
        name = str(node.tag).strip().lower()
        if name in OPAQUE_TAGS:
            self.opaque.append(name)
            self._atom(str(node))
            return
        if name == "nowiki":
            self._atom(str(node.contents))
            return
        if name in _SEPARATOR_TAGS:
            self.out.append("\n")
        if node.contents is not None and not node.self_closing:
            self._nodes(node.contents.nodes)
            if name in _SEPARATOR_TAGS:
                self.out.append("\n")


def _strip(code: Wikicode) -> str:
    try:
        return code.strip_code(normalize=True, collapse=True)
    except Exception:  # noqa: BLE001 - never raise on strange wikitext
        return str(code)


# Numbers --------------------------------------------------------------------------------------

_UNITS = {
    "money": re.compile(r"(€|eur(o?s?)?|ht|ttc|/\s*mois|par\s+mois|mensuels?|/\s*m)+$", re.I),
    "surface": re.compile(r"(m\s*²|m\s*2|m\^2|mètres?\s+carrés?|metres?\s+carres?)$", re.I),
    "percent": re.compile(r"(%|pour\s*cent|pourcents?)$", re.I),
    "number": re.compile(r"$"),
}
_DIGITS = re.compile(r"^[+-]?[0-9][0-9 .,]*$")
# One separator then exactly three digits: `1,700` (read 1,7) or `1.700` (read 1 700) could mean
# the other. A leading 0 (`0,500`) is never a thousands group.
_AMBIGUOUS = re.compile(r"([+-]?)([1-9][0-9]{0,2})([.,])([0-9]{3})")


def parse_french_number(text: str) -> Decimal | None:
    """`1 700` `1.700` `800,50` `1 700,5` -> Decimal; None when the text is not a number.

    Spaces (normal, no-break, narrow no-break) and dots in groups of three separate thousands;
    the comma is the decimal mark (a lone dot followed by 1, 2 or 4+ digits is one too).
    """
    if text.isdigit() and text.isascii():  # the common case: digits only
        return Decimal(text)
    t = _INVISIBLE_RE.sub("", text).strip()
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


def ambiguity(text: str) -> tuple[str, Decimal] | None:
    """For `1,700` or `1.700` (one separator, three digits after it): how parse_french_number
    read it, as a sentence, and the other value it could mean; None for other numbers."""
    t = text.strip()
    m = _AMBIGUOUS.fullmatch(t)
    if not m:
        return None
    sign, whole, mark, frac = m.groups()
    thousands = Decimal(f"{sign}{whole}{frac}")
    decimal = Decimal(f"{sign}{whole}.{frac}")
    grouped = f"{sign}{whole} {frac}"
    comma = _french_decimal(decimal)
    words = ("minus " if sign == "-" else "") + _words(int(whole + frac))
    if mark == ",":
        return (Msg("{t!r} read as {comma} (a decimal comma); write {grouped} for {words}",
                    t=t, comma=comma, grouped=grouped, words=words), thousands)
    return (Msg("{t!r} read as {grouped} (a dot between thousands); write {grouped} for "
                "{words}, or {comma} for a decimal", t=t, grouped=grouped, words=words,
                comma=comma), decimal)


def _french_decimal(d: Decimal) -> str:
    return format(d.normalize(), "f").replace(".", ",")


_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _words(n: int) -> str:
    """0 <= n < 1 000 000 in English words (`one thousand seven hundred`)."""
    if n < 20:
        return _SMALL[n]
    if n < 100:
        tens, units = divmod(n, 10)
        return _TENS[tens] + (f"-{_SMALL[units]}" if units else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_SMALL[hundreds]} hundred" + (f" {_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{_words(thousands)} thousand" + (f" {_words(rest)}" if rest else "")


def read_quantity(raw: str | Wikicode, kind: str = "number") -> Reading:
    """A number with an optional unit of its kind (money €, surface m², percent %)."""
    value_of = passed(raw)
    what = _KIND_NAMES.get(kind, kind)
    why = value_of.unreadable(what)
    if why:
        return _bad(value_of.raw.strip(), why)
    t = _plain_or_markup(value_of)
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
        return _bad(value_of.raw.strip(), Msg("cannot read {t!r} as {what}{aside}",
                                              t=t, what=what,
                                              aside=value_of.aside_note()))
    ambiguous = ambiguity(body)
    if ambiguous:
        return Reading(value, note=ambiguous[0], alternative=ambiguous[1])
    return Reading(value)


_KIND_NAMES = {
    "number": Msg("a number"),
    "money": Msg("an amount in €"),
    "surface": Msg("a surface in m²"),
    "percent": Msg("a percentage"),
}

# Lists ----------------------------------------------------------------------------------------

_LIST_SPLIT = re.compile(r"<br\s*/?>|[,;\n•]|^\s*[*#-]\s*", re.I | re.M)
_LIST_SPLIT_NO_COMMA = re.compile(r"<br\s*/?>|[;\n•]|^\s*[*#-]\s*", re.I | re.M)


def read_list(raw: str | Wikicode, commas: bool = True, titles: bool = False) -> Reading:
    """Comma, semicolon, `<br>`, newline or bullet separated items -> list of str.

    With commas=False, commas stay inside items (names such as `Économie, droit et législation`).
    Separators inside a link, an entity or <nowiki> do not split; footnotes do not join items.
    """
    value_of = passed(raw, titles)
    why = value_of.unreadable("a list")
    if why:
        return _bad(value_of.raw.strip(), why)
    items = []
    splitter = _LIST_SPLIT if commas else _LIST_SPLIT_NO_COMMA
    for part in splitter.split(value_of.flat):
        item = " ".join(value_of.expand(part).replace("\u00a0", " ").split()).strip(" *•#")
        if item:
            items.append(item)
    return Reading(items or None)


def read_title_list(raw: str | Wikicode, commas: bool = True) -> Reading:
    """Like read_list, but `[[Page|label]]` items give their page title."""
    reading = read_list(raw, commas, titles=True)
    if reading.ok and isinstance(reading.value, list):
        return Reading([normalize_title(v) for v in reading.value])
    return reading


# Dates, URLs, e-mail, oui/non, enums, text -----------------------------------------------------

_DATE_FORMATS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),
)


def read_date(raw: str | Wikicode) -> Reading:
    """`2014/04/12`, `2015-06-01`, `12/04/2014` (day first, French) -> `2014-04-12`."""
    value_of = passed(raw)
    why = value_of.unreadable("a date")
    if why:
        return _bad(value_of.raw.strip(), why)
    t = _plain_or_markup(value_of)
    if not t:
        return Reading(None)
    for pattern, (yi, mi, di) in _DATE_FORMATS:
        m = pattern.match(t)
        if m:
            try:
                d = date(int(m.group(yi)), int(m.group(mi)), int(m.group(di)))
            except ValueError:
                return _bad(value_of.raw.strip(), Msg("{t!r} is not a valid date", t=t))
            return Reading(d.isoformat())
    if re.fullmatch(r"\d{4}", t):
        return Reading(t)
    return _bad(value_of.raw.strip(), Msg("cannot read {t!r} as a date (expected "
                                          "YYYY-MM-DD or DD/MM/YYYY){aside}", t=t,
                                          aside=value_of.aside_note()))


def read_url(raw: str | Wikicode) -> Reading:
    """An http(s) URL, bare or as `[https://… label]`; anything else is not a URL."""
    value_of = passed(raw)
    why = value_of.unreadable("an http(s) URL")
    if why:
        return _bad(value_of.raw.strip(), why)
    t = strip_invisible(_COMMENT.sub("", value_of.wikitext)).strip()
    m = re.fullmatch(r"\[\s*(\S+)(\s+[^\]]*)?\]", t)
    if m:
        t = m.group(1)
    if not t:
        return Reading(None)
    if re.fullmatch(r"https?://[^\s<>\"'{}|\[\]]+", t, re.I):
        return Reading(t)
    return _bad(value_of.raw.strip(), Msg("{t!r} is not an http(s) URL", t=t))


_EMAIL = re.compile(r"^[^@\s<>\"'{}|\[\]]+@[^@\s<>\"'{}|\[\]]+\.[A-Za-z]{2,}$")


def read_email(raw: str | Wikicode) -> Reading:
    """An e-mail address (a `mailto:` prefix is dropped)."""
    value_of = passed(raw)
    why = value_of.unreadable("an e-mail address")
    if why:
        return _bad(value_of.raw.strip(), why)
    t = _plain_or_markup(value_of)
    t = re.sub(r"^mailto:", "", t, flags=re.I)
    if not t:
        return Reading(None)
    if _EMAIL.match(t):
        return Reading(t)
    return _bad(value_of.raw.strip(), Msg("{t!r} is not an e-mail address", t=t))


def read_bool(raw: str | Wikicode) -> Reading:
    """oui/non (and yes/no, vrai/faux, 1/0) -> bool."""
    value_of = passed(raw)
    why = value_of.unreadable("oui/non")
    if why:
        return _bad(value_of.raw.strip(), why)
    t = _plain_or_markup(value_of)
    key = fold(t)
    if not key:
        return Reading(None)
    if key in {"oui", "yes", "vrai", "true", "1"}:
        return Reading(True)
    if key in {"non", "no", "faux", "false", "0"}:
        return Reading(False)
    return _bad(value_of.raw.strip(), Msg("cannot read {t!r} as oui/non{aside}", t=t,
                                          aside=value_of.aside_note()))


def read_enum(raw: str | Wikicode, choices: tuple[str, ...]) -> Reading:
    """One of `choices`, matched ignoring case and accents; the canonical spelling is returned."""
    value_of = passed(raw)
    why = value_of.unreadable("one of the choices")
    if why:
        return _bad(value_of.raw.strip(), why)
    t = value_of.plain
    if not t:
        return Reading(None)
    for choice in choices:
        if fold(choice) == fold(t):
            return Reading(choice, written=t if t != choice else "")
    return Reading(t)  # left to schema validation, which reports the allowed values


def read_text(raw: str | Wikicode) -> Reading:
    """Free text: comments and <includeonly> text dropped, <noinclude> and <onlyinclude> tags
    too (as MediaWiki shows the page itself), white space collapsed; wikitext otherwise kept
    (the text of <math>, <pre>… included)."""
    text = str(raw)
    if "<" in text:
        text = _COMMENT.sub("", text)
        if "includeonly" in text.lower():
            text = _INCLUDEONLY.sub("", text)
        text = drop_inclusion_tags(text)
    t = " ".join(text.split())
    return Reading(t or None)


def read_name(raw: str | Wikicode) -> Reading:
    """A text value that names a category (`région = Bretagne`): read as text, with footnotes,
    comments, <nowiki/> markers and invisible characters set aside."""
    value_of = passed(raw)
    if not value_of.aside:
        return read_text(strip_invisible(value_of.raw))
    return read_text(strip_invisible(value_of.wikitext))


def _plain_or_markup(value_of: Passed) -> str:
    """The value's plain text, or its wikitext when it is only a template call
    (`{{formatnum:…}}`): a value hidden in a template cannot be read, and must not pass for an
    empty one."""
    t = value_of.plain
    if not t and value_of.templates:
        return " ".join(strip_invisible(value_of.wikitext).split())
    return t


def plain_text(raw: str | Wikicode) -> str:
    """The text of a value without markup: comments, footnotes, links and formatting reduced
    to text."""
    return passed(raw).plain


def read_value(
    kind: str, raw: str | Wikicode, choices: tuple[str, ...] = (), commas: bool = True,
    name: bool = False,
) -> Reading:
    """Read `raw` as a value of type `kind` (a name in movibot.records.types.VALUE_TYPES,
    which knows each type's reader): see types.read_value."""
    from movibot.records.types import read_value as read  # the registry imports this module

    return read(kind, raw, choices, commas, name)
