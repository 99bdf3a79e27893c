"""The one parse of a page: its movibot blocks found once, masked, then one mwparserfromhell tree.

`parse_tree(text)` gives a `Tree` that exclusion, the record, the categories and the blocks all
read: planning a page tokenizes it once and scans its blocks once. A page too complex to parse
safely (see `complexity`) gets no tree (`code` is None) and the reason.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from html.entities import html5
from typing import cast

import mwparserfromhell
from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
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

    @cached_property
    def survey(self) -> Survey:
        """The nodes the record reads, found in one walk of the tree (empty without a tree);
        may raise RecursionError on a tree nested too deeply."""
        return survey(self.code) if self.code is not None else Survey((), (), (), ())


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
        tokens = Tokenizer().tokenize(text)  # type: ignore[no-untyped-call]
        return cast(Wikicode, Builder().build(tokens))  # type: ignore[no-untyped-call]
    return mwparserfromhell.parse(text)


def walk(code: Wikicode, base: int = 0, verbatim: bool = True) -> Iterator[tuple[Node, int]]:
    """Every node of the tree, depth first in text order, with its offset in str(code) + base.

    With verbatim=False, the contents of tags MediaWiki does not parse (nowiki, pre…) are skipped.
    """
    found: list[tuple[Node, int, int, bool]] = []
    _collect(code, base, 0, False, found)
    return ((node, at) for node, at, _, raw in found if verbatim or not raw)


def _collect(code: Wikicode, base: int, depth: int, raw: bool,
             found: list[tuple[Node, int, int, bool]]) -> None:
    """Append (node, offset, depth, inside a tag MediaWiki does not parse) for every node of
    `code`, depth first in text order (one walk: walk and survey read it)."""
    offset = base
    for node in code.nodes:
        found.append((node, offset, depth, raw))
        if type(node) is Text:  # most nodes: no children, its text is its value
            offset += len(node.value)
            continue
        s = str(node)
        inner = raw or (isinstance(node, Tag) and not is_parsable(str(node.tag).strip()))
        cursor = 0
        for child in node.__children__():
            c = str(child)
            i = s.find(c, cursor)
            if i >= 0:
                _collect(child, offset + i, depth + 1, inner, found)
                cursor = i + len(c)
        offset += len(s)


_OPEN_BRACES = re.compile(r"\{\{+")


@dataclass(frozen=True)
class Survey:
    """What a record reads from a tree, from one walk, each node with its offset in the text:
    the template calls (and whether each is a top-level node of the page), the wikilinks,
    the top-level headings, and where a `{{` stands as plain text (an unclosed template; a run
    of braces once; not inside tags MediaWiki does not parse); `open_links`: the same for `[[`
    (a link mwparserfromhell did not close: a call holding one may not end, see closes)."""

    templates: tuple[tuple[Template, int, bool], ...]
    links: tuple[tuple[Wikilink, int], ...]
    headings: tuple[tuple[Heading, int], ...]
    open_braces: tuple[int, ...]
    open_links: tuple[int, ...] = ()


def survey(code: Wikicode) -> Survey:
    """The Survey of a tree (one walk)."""
    found: list[tuple[Node, int, int, bool]] = []
    _collect(code, 0, 0, False, found)
    templates: list[tuple[Template, int, bool]] = []
    links: list[tuple[Wikilink, int]] = []
    headings: list[tuple[Heading, int]] = []
    braces: list[int] = []
    brackets: list[int] = []
    for node, at, depth, raw in found:
        if isinstance(node, Text):
            if not raw and "{{" in node.value:
                braces.extend(at + m.start() for m in _OPEN_BRACES.finditer(node.value))
            if not raw and "[[" in node.value:
                brackets.append(at + node.value.index("[["))
        elif isinstance(node, Template):
            templates.append((node, at, depth == 0))
        elif isinstance(node, Wikilink):
            links.append((node, at))
        elif isinstance(node, Heading) and depth == 0:
            headings.append((node, at))
    return Survey(tuple(templates), tuple(links), tuple(headings), tuple(braces),
                  tuple(brackets))


# What MediaWiki reads: names and transclusion -------------------------------------------------

# Sanitizer::CHAR_REFS_REGEX: a named entity needs its `;`; numeric ones are decimal or hex.
_CHAR_REF = re.compile(r"&([A-Za-z0-9\x80-\uffff]+;)|&#([0-9]+);|&#[xX]([0-9A-Fa-f]+);")
_MW_ENTITY_ALIASES = {"רלמ;": "rlm;", "رلم;": "rlm;"}
# MediaWikiTitleCodec::splitTitleString: bidi marks are dropped, these spaces are one space.
_TITLE_BIDI = re.compile("[\u200e\u200f\u202a-\u202e]+")
_TITLE_SPACES = re.compile("[ _\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f"
                           "\u3000]+")


def _valid_codepoint(c: int) -> bool:
    return (c in (0x09, 0x0A) or 0x20 <= c <= 0x7E or 0xA0 <= c <= 0xD7FF
            or 0xE000 <= c <= 0xFFFD or 0x10000 <= c <= 0x10FFFF)


def decode_char_references(text: str) -> str:
    """HTML entities decoded as MediaWiki's Sanitizer::decodeCharReferences does: named ones
    of HTML5 (with their `;`), `&#45;` and `&#x2D;`; an invalid code point gives U+FFFD and an
    unknown name stays as written."""
    if "&" not in text:
        return text

    def decode(m: re.Match[str]) -> str:
        if m.group(1):
            name = _MW_ENTITY_ALIASES.get(m.group(1), m.group(1))
            return html5.get(name, m.group(0))
        code = int(m.group(2), 10) if m.group(2) else int(m.group(3), 16)
        return chr(code) if _valid_codepoint(code) else "\ufffd"

    return _CHAR_REF.sub(decode, text)


@functools.lru_cache(maxsize=4096)  # template names repeat from page to page
def template_title(name: str) -> str:
    """The page a template call `{{name|…}}` transcludes, as MediaWiki finds it (Title::
    newFromText): entities decoded (`Tiers&#45;Lieu` is `Tiers-Lieu`, `&nbsp;` a space), the
    text NFC-normalized, bidi marks dropped, runs of spaces and underscores one space, a
    `#fragment` dropped. The soft hyphen and zero-width characters stay: MediaWiki keeps them
    (`{{Tiers-Lieu\u200b}}` calls another page)."""
    decoded = decode_char_references(name)
    if decoded != name:
        decoded = unicodedata.normalize("NFC", decoded)
    t = _TITLE_SPACES.sub(" ", _TITLE_BIDI.sub("", decoded)).strip()
    if "#" in t and not t.startswith("#"):
        t = t.split("#", 1)[0].strip()
    return t


# Extension tags whose content the preprocessor takes as it is (its "strip list": MediaWiki's
# core tags and those of the usual extensions: Cite, Math, SyntaxHighlight, Poem, Score…): an
# <includeonly> inside one of them is text.
STRIP_TAGS = ("nowiki", "pre", "gallery", "indicator", "langconvert", "ref", "references",
              "math", "chem", "ce", "syntaxhighlight", "source", "poem", "score", "timeline",
              "graph", "hiero", "imagemap", "inputbox", "categorytree", "templatedata",
              "templatestyles", "section", "charinsert", "mapframe", "maplink")
_PREPROCESSOR_TAG = re.compile(
    r"<(?:(?P<comment>!--)|(?P<ignored>/?(?:noinclude|onlyinclude))(?=[\s/>])|(?P<name>"
    + "|".join(("includeonly",) + STRIP_TAGS) + r")(?=[\s/>]))", re.I)


def hidden_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of what MediaWiki does not show when it renders the page
    itself: each `<includeonly>…</includeonly>` (an unclosed one runs to the end of the page).

    The scan is MediaWiki's preprocessor's (Preprocessor_Hash, not for inclusion): comments and
    the strip list's elements are skipped whole, so an <includeonly> inside `<!-- -->` or
    `<nowiki>` is text; <noinclude>, <onlyinclude> and their end tags are only markers there,
    their content is shown. No tokenizer pass: a regular expression scan.
    """
    if not re.search("<includeonly", text, re.I):
        return ()
    return tuple((start, end) for hidden, start, end in _preprocessor_marks(text) if hidden)


def drop_inclusion_tags(text: str) -> str:
    """`text` without its <noinclude> and <onlyinclude> tags (attributes and `/` included;
    their content stays), as MediaWiki shows the page itself; tags inside a comment or a strip
    list element (`<nowiki>`) are text and stay."""
    if not _INCLUSION_TAG.search(text):
        return text
    out, pos = [], 0
    for hidden, start, end in _preprocessor_marks(text):
        if not hidden:
            out.append(text[pos:start])
            pos = end
    return "".join(out) + text[pos:]


_INCLUSION_TAG = re.compile(r"</?(?:noinclude|onlyinclude)(?=[\s/>])", re.I)


def _preprocessor_marks(text: str) -> Iterator[tuple[bool, int, int]]:
    """What MediaWiki's preprocessor (not for inclusion) hides or drops, in text order: (True,
    start, end) for an <includeonly> element, (False, start, end) for a <noinclude> or
    <onlyinclude> tag; comments and the strip list's elements are skipped whole."""
    unclosed: set[str] = set()
    pos = 0
    while True:
        m = _PREPROCESSOR_TAG.search(text, pos)
        if m is None:
            return
        if m.group("comment"):
            end = text.find("-->", m.end())
            if end < 0:
                return
            pos = end + 3
            continue
        tag_end = text.find(">", m.end())
        if tag_end < 0:  # no `>` left: MediaWiki stops looking for tags
            return
        if m.group("ignored") or text[tag_end - 1] == "/":
            pos = tag_end + 1
            if m.group("ignored"):
                yield False, m.start(), pos
            continue
        pos, hidden = _skip_element(text, m.group("name").lower(), m.start(), tag_end, unclosed)
        if hidden:
            yield True, *hidden


def _skip_element(text: str, name: str, start: int, tag_end: int, unclosed: set[str]
                  ) -> tuple[int, tuple[int, int] | None]:
    """Where the preprocessor's scan resumes after the `name` element starting at `start` (its
    start tag's `>` at `tag_end`), and the range it hides: an <includeonly> element, to its end
    tag or the page's end, else None. A strip-list element with no end tag is its start tag
    only, and its name goes into `unclosed`: no end tag of that name is looked for again."""
    close = None if name in unclosed else re.compile(
        rf"</{re.escape(name)}\s*>", re.I).search(text, tag_end + 1)
    if name == "includeonly":
        end = close.end() if close else len(text)
        return end, (start, end)
    if close is None:
        unclosed.add(name)
        return tag_end + 1, None
    return close.end(), None


def in_ranges(offset: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """True when `offset` falls inside one of `ranges` (sorted (start, end) pairs)."""
    return any(start <= offset < end for start, end in ranges)


# Template parameters split as MediaWiki's preprocessor splits them ---------------------------

# The preprocessor knows templates, `{{{…}}}`, `[[…]]`, comments, headings and the strip list's
# elements: a `|` inside one of them does not split a template's parameters (mwparserfromhell
# agrees). It does not know HTML tags, `''` formatting, tables or external links: a `|` inside
# `<span title="x" |>`, a table row or `[http://… a|b]` ends the parameter there, where
# mwparserfromhell keeps it in the value.
_WHOLE_TAGS = frozenset(STRIP_TAGS) | {"includeonly"}
# What a node taken whole starts with: `{{`, `[[`, a tag or a comment, a heading's `=`.
_MAY_NEST = re.compile(r"\{\{|\[\[|<|(?:^|\n)=")


# What PHP's trim() strips, and so MediaWiki from a parameter's name (not a no-break space).
PHP_SPACE = " \t\n\r\0\x0b"


@dataclass(frozen=True)
class Arg:
    """One parameter of a call as MediaWiki passes it: its name (`1`, `2`… for positional
    ones), its value (nodes of the page's tree, or text slices of them where MediaWiki cut a
    node), the offsets of its name and of its value's first non-blank character, and whether
    it was named; `cut` for a part MediaWiki cut out of another parameter's value."""

    name: str
    value: Wikicode
    name_at: int
    value_at: int
    showkey: bool
    cut: bool = False


@dataclass(frozen=True)
class Cut:
    """Where MediaWiki ends a parameter's value that mwparserfromhell runs on: the `|`'s
    offset, the parameter's name, what holds the `|` (`<span>`, `a table`…) and the value
    MediaWiki passes."""

    at: int
    name: str
    inside: str
    value: str


def _whole(node: Node) -> bool:
    if isinstance(node, (Template, Argument, Wikilink, Comment, Heading)):
        return True
    return isinstance(node, Tag) and str(node.tag).strip().lower() in _WHOLE_TAGS


def _free_marks(node: Node, text: str, marks: str) -> list[tuple[int, str]]:
    """Offsets in `text` (str(node)) of the `marks` characters the preprocessor sees at the
    template's level: not inside a nested template, link, comment or extension tag."""
    if _whole(node) or not any(m in text for m in marks):
        return []
    if isinstance(node, Text) or not _MAY_NEST.search(text):  # nothing nested is whole
        return [(i, c) for i, c in enumerate(text) if c in marks]
    hidden = _nested_whole(node, len(text))
    return [(i, c) for i, c in enumerate(text) if c in marks and not hidden[i]]


def _nested_whole(node: Node, size: int, calls: bool = True) -> bytearray:
    """A mask of str(node) (`size` long): 1 at each offset inside a node nested in `node` that
    the preprocessor takes whole (templates and `{{{…}}}` only with `calls`), else 0."""
    hidden = bytearray(size)
    for child, at in walk(Wikicode([node])):
        if child is not node and _whole(child) and (
                calls or not isinstance(child, (Template, Argument))):
            end = at + len(str(child))
            hidden[at:end] = b"\x01" * (end - at)
    return hidden


_LINK_BRACKETS = re.compile(r"\[\[|\]\]")


def closes(template: Template) -> bool:
    """False when MediaWiki's preprocessor does not end the call at its `}}`: a `[[` opened in
    the call (not in a link, comment or strip list element; in a nested call too, which then
    does not end either) is still open there, so that `}}` is text to it
    (`{{Tiers-Lieu|nom=[[A}}`), where mwparserfromhell closes the call."""
    text = str(template)
    if "[[" not in text:
        return True
    hidden = _nested_whole(template, len(text), calls=False)
    depth = 0
    for m in _LINK_BRACKETS.finditer(text, 2, len(text) - 2):
        if hidden[m.start()]:
            continue
        if m.group() == "[[":
            depth += 1
        elif depth:
            depth -= 1
    return depth == 0


def _inside(node: Node) -> str:
    if isinstance(node, ExternalLink):
        return "an external link"
    if isinstance(node, Tag):
        markup = node.wiki_markup
        if markup and markup.startswith("{|"):
            return "a table"
        return f"{markup}…{markup}" if markup else f"<{str(node.tag).strip()}>"
    return "the text"


def mediawiki_args(template: Template, offset: int) -> tuple[list[Arg], list[Cut]]:
    """The parameters of a call at `offset` as MediaWiki's preprocessor splits them, and where
    it cuts a value mwparserfromhell runs on (no tokenizer pass: the cut values are the tree's
    nodes and text slices of the node cut). A call with no such `|` gives its parameters as
    mwparserfromhell has them."""
    args: list[Arg] = []
    cuts: list[tuple[int, int, str, str]] = []
    cursor = offset + 2 + len(str(template.name))
    for param in template.params:
        name_text, raw = str(param.name), str(param.value)
        start = cursor + 1
        cursor = start + (len(name_text) + 1 if param.showkey else 0) + len(raw)  # str(param)
        value_start = start + (len(name_text) + 1 if param.showkey else 0)
        name_at = (start + len(name_text) - len(name_text.lstrip(PHP_SPACE)) if param.showkey
                   else start)
        value_at = _first(raw, value_start, start)
        parts = _cut(param.value, value_start) if "|" in raw else None
        if parts is None:
            args.append(Arg(_bare(param.name.nodes) if param.showkey else "", param.value,
                            name_at if param.showkey else value_at, value_at, param.showkey))
            continue
        value = Wikicode(parts[0][1])
        value_at = _first(str(value), value_start, start)
        name = _bare(param.name.nodes) if param.showkey else ""
        args.append(Arg(name, value, name_at if param.showkey else value_at, value_at,
                        param.showkey))
        (pipe_end, inside), _ = parts[1]
        cuts.append((len(args) - 1, pipe_end - 1, inside, str(value)))
        args.extend(_part_arg(nodes, at) for (at, _), nodes in parts[1:])
    numbered = _numbered(args)
    return numbered, [Cut(at, numbered[i].name, inside, value)
                      for i, at, inside, value in cuts]


def _cut(value: Wikicode, value_start: int
         ) -> list[tuple[tuple[int, str], list[Node]]] | None:
    """The value's nodes cut at each `|` the preprocessor sees: [((start, what holds the `|`
    before it), nodes)…]; None when there is none."""
    parts: list[tuple[tuple[int, str], list[Node]]] = [((value_start, ""), [])]
    at = value_start
    for node in value.nodes:
        text = str(node)
        pipes = [i for i, _ in _free_marks(node, text, "|")] if "|" in text else []
        if not pipes:
            parts[-1][1].append(node)
        else:
            prev = 0
            for p in pipes:
                if p > prev:
                    parts[-1][1].append(Text(text[prev:p]))
                parts.append(((at + p + 1, _inside(node)), []))
                prev = p + 1
            if prev < len(text):
                parts[-1][1].append(Text(text[prev:]))
        at += len(text)
    return parts if len(parts) > 1 else None


def _part_arg(nodes: list[Node], at: int) -> Arg:
    """A part MediaWiki cut out of a value: named at its first `=` the preprocessor sees."""
    pos = at
    for i, node in enumerate(nodes):
        text = str(node)
        equals = [j for j, _ in _free_marks(node, text, "=")] if "=" in text else []
        if equals:
            j = equals[0]
            name_nodes = [*nodes[:i], Text(text[:j])]
            rest = ([Text(text[j + 1:])] if j + 1 < len(text) else []) + nodes[i + 1:]
            name = "".join(str(n) for n in name_nodes)
            value = Wikicode(rest)
            value_start = pos + j + 1
            name_at = at + len(name) - len(name.lstrip(PHP_SPACE))
            return Arg(_bare(name_nodes), value, name_at,
                       _first(str(value), value_start, value_start), True, True)
        pos += len(text)
    value = Wikicode(nodes)
    return Arg("", value, at, _first(str(value), at, at), False, True)


def _bare(nodes: list[Node]) -> str:
    """A parameter's name as MediaWiki passes it: its comments dropped, trimmed of ASCII white
    space only (PHP's trim: a no-break space is part of the name)."""
    return "".join(str(n) for n in nodes if not isinstance(n, Comment)).strip(PHP_SPACE)


def _first(raw: str, value_start: int, blank: int) -> int:
    """The offset of the value's first non-blank character (`blank` when it is blank)."""
    return value_start + len(raw) - len(raw.lstrip()) if raw.strip() else blank


def _numbered(args: list[Arg]) -> list[Arg]:
    """Positional parameters numbered 1, 2… in order, as MediaWiki numbers them."""
    out, n = [], 0
    for arg in args:
        if arg.showkey:
            out.append(arg)
        else:
            n += 1
            out.append(Arg(str(n), arg.value, arg.name_at, arg.value_at, False, arg.cut))
    return out


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
