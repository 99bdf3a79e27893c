"""The one parse of a page: its movibot blocks found once, masked, then one mwparserfromhell tree.

`parse_tree(text)` gives a `Tree` that exclusion, the record, the categories and the blocks all
read: planning a page tokenizes it once and scans its blocks once. A page too complex to parse
safely (see `complexity`) gets no tree (`code` is None) and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import Node, Tag
from mwparserfromhell.parser.builder import Builder
from mwparserfromhell.parser.tokenizer import Tokenizer
from mwparserfromhell.wikicode import Wikicode

from movibot.problems import Problem
from movibot.wikitext.blocks import Block, find_blocks


@dataclass(frozen=True)
class Tree:
    """A page parsed once: its text, its blocks (and their E401/E402 problems), the text with
    the blocks blanked out, and the tree of that masked text (None when too complex)."""

    text: str
    masked: str
    blocks: tuple[Block, ...]
    block_problems: tuple[Problem, ...]
    code: Wikicode | None
    too_complex: str | None = None
    redirect: str | None = None


def parse_tree(text: str) -> Tree:
    """The Tree of a page's text; never raises."""
    blocks, problems = find_blocks(text)
    masked = mask(text, blocks)
    target = redirect_target(text)
    reason = complexity(masked)
    code = None
    if reason is None:
        try:
            code = wikicode(masked)
        except RecursionError:
            reason = "wikitext nested too deeply"
    return Tree(text, masked, tuple(blocks), tuple(problems), code, reason, target)


_REDIRECT = re.compile(r"\A[ \t\r\n]*#(?:REDIRECT|REDIRECTION)[ \t]*:?[ \t]*\[\[([^\]|\n]+)",
                       re.I)


def redirect_target(text: str) -> str | None:
    """The target of a redirect page (`#REDIRECTION [[X]]`, `#REDIRECT [[X]]`), else None."""
    m = _REDIRECT.match(text.lstrip("\ufeff"))
    return m.group(1).strip() if m else None


def mask(text: str, blocks: list[Block] | tuple[Block, ...]) -> str:
    """The text with the given blocks blanked out (same length, newlines kept)."""
    if not blocks:
        return text
    pieces, pos = [], 0
    for b in sorted(blocks, key=lambda b: b.start):
        pieces += [text[pos:b.start], re.sub(r"[^\n]", " ", text[b.start:b.end])]
        pos = b.end
    return "".join(pieces) + text[pos:]


def mask_blocks(text: str) -> str:
    """The text with its movibot blocks blanked out (same length, newlines kept)."""
    return mask(text, find_blocks(text)[0])


def wikicode(text: str) -> Wikicode:
    """mwparserfromhell's tree of `text`; str() of it is `text`, NUL characters included.

    mwparserfromhell's C tokenizer stops at the first NUL (earwig/mwparserfromhell#355), so text
    holding one goes through its pure-Python tokenizer.
    """
    if "\x00" in text:
        return Builder().build(Tokenizer().tokenize(text))
    return mwparserfromhell.parse(text)


def walk(code: Wikicode, base: int = 0, verbatim: bool = True) -> Iterator[tuple[Node, int]]:
    """Every node of the tree, depth first in text order, with its offset in str(code) + base.

    With verbatim=False, the contents of tags MediaWiki does not parse (nowiki, pre…) are skipped.
    """
    offset = base
    for node in code.nodes:
        yield node, offset
        s = str(node)
        cursor = 0
        if verbatim or not (isinstance(node, Tag) and not is_parsable(str(node.tag).strip())):
            for child in node.__children__():
                c = str(child)
                i = s.find(c, cursor)
                if i >= 0:
                    yield from walk(child, offset + i, verbatim)
                    cursor = i + len(c)
        offset += len(s)


# mwparserfromhell scans to the end of the page for the closer of each unclosed construct, so
# its time grows with their number times the page's length (measured: 2 000 unclosed tables in
# 30 KB take 15 s, 1 995 unclosed <div> in 2 MB 50 s; balanced ones stay well under a second).
# Past these budgets (unclosed × characters, about 2 s of parsing) a page is not parsed: a
# vandal's page must not stall the run. UNCLOSED_LIMITS caps the count on small pages too.
UNCLOSED_LIMITS = {"{{": 500, "{|": 200, "[[": 5000, "<!--": 2000, "<tag>": 2000}
WORK_LIMITS = {"{{": 100_000_000, "{|": 6_000_000, "[[": 300_000_000, "<!--": 150_000_000,
               "<tag>": 150_000_000}
_PAIRS = {
    "{{": re.compile(r"\{\{|\}\}"),
    "[[": re.compile(r"\[\[|\]\]"),
    "<!--": re.compile(r"<!--|-->"),
    "{|": re.compile(r"^[ \t]*(?:\{\||\|\})", re.M),
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_VOID_TAGS = frozenset({"br", "hr", "wbr", "img", "meta", "link", "input", "col", "area", "base",
                        "embed", "source", "track", "param"})


def complexity(text: str) -> str | None:
    """Why the page is too complex to parse safely (unclosed constructs), None when it is not."""
    counts = {opener: _unclosed(pattern, opener, text) for opener, pattern in _PAIRS.items()}
    counts["<tag>"] = _unclosed_tags(text)
    for opener, depth in counts.items():
        what = "HTML tags" if opener == "<tag>" else f"'{opener}'"
        if depth > UNCLOSED_LIMITS[opener]:
            return f"{depth} unclosed {what} (more than {UNCLOSED_LIMITS[opener]})"
        if depth * len(text) > WORK_LIMITS[opener]:
            return (f"{depth} unclosed {what} in {len(text) // 1000} KB (the parser's time grows "
                    "with both)")
    return None


def _unclosed(pattern: re.Pattern[str], opener: str, text: str) -> int:
    depth = 0
    for m in pattern.finditer(text):
        if m.group(0).lstrip().startswith(opener[0]) and m.group(0) != "-->":
            depth += 1
        elif depth:
            depth -= 1
    return depth


def _unclosed_tags(text: str) -> int:
    open_tags: dict[str, int] = {}
    for closing, name, self_closing in _TAG.findall(text):
        name = name.lower()
        if name in _VOID_TAGS or self_closing:
            continue
        if closing:
            if open_tags.get(name):
                open_tags[name] -= 1
        else:
            open_tags[name] = open_tags.get(name, 0) + 1
    return sum(open_tags.values())
