"""Escaping for wikitext: values from the wiki made inert, names checked before they are linked.

Pure. `escape` is for text in a table cell, a caption or a heading; `escape_url` for the URL of an
external link; `safe_name` tells whether a value may be used as a page or category name;
`category_from` makes a category name of a field's value only when MediaWiki would keep it as
written.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote

from movibot.wikitext.titles import normalize_title

_ESCAPES = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "[": "&#91;",
    "]": "&#93;", "|": "&#124;", "~": "&#126;", "''": "&#39;&#39;", "__": "&#95;&#95;",
    "!!": "&#33;&#33;", ":": "&#58;", '"': "&quot;", "'": "&#39;",
}
# A colon after a letter is encoded so that no `mailto:`, `https://`… becomes a free link.
_ESCAPE_RE = re.compile("''|__|!!|(?<=[A-Za-z]):|[&<>{}\\[\\]|~]")
_URL_ESCAPE_RE = re.compile("__|[&<>\"'{}\\[\\]|~]")
URL = re.compile(r"https?://[^\s<>\"'{}|\[\]]+", re.I)  # what values.read_url accepts
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SAFE_NAME = re.compile(r"[^\[\]{}|<>#~:%\\\x00-\x1f\x7f]+")
_UNSAFE_IN_NAME = re.compile(r"''|&[A-Za-z0-9#]|^[./]|(^|/)\.\.?(/|$)")


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


@functools.lru_cache(maxsize=4096)  # values repeat across pages (a town, a type)
def safe_name(value: str) -> str | None:
    """`value` usable as a category or page name (normalized), or None when it holds markup.

    Refused: `[ ] { } | < > # ~ : % \\`, control characters, `''`, an `&` that could start an
    entity, a leading `.` or `/`, `.`/`..` path segments, more than 255 bytes.
    """
    v = " ".join(str(value).replace("_", " ").split())
    if not _SAFE_NAME.fullmatch(v) or _UNSAFE_IN_NAME.search(v):
        return None
    return normalize_title(v) if len(v.encode("utf-8")) <= 255 else None


@functools.lru_cache(maxsize=4096)
def category_from(pattern: str, value: str) -> str | None:
    """The category a field's value puts its page in (`pattern` with `{value}`, or `{Value}`
    capitalised), or None when the name is not plain: safe_name refuses it, or MediaWiki would
    not keep it as written (an `_` read as a space, so `__HIDDENCAT__` would become the
    category HIDDENCAT; bidi marks, a non-NFC spelling). Runs of spaces and the first letter's
    case are not counted as rewrites."""
    written = pattern.replace("{Value}", value[:1].upper() + value[1:]).replace("{value}", value)
    name = safe_name(written)
    plain = " ".join(written.split())
    if name is None or name != plain[:1].upper() + plain[1:]:
        return None
    return name
