"""The one parse of a page: its movibot blocks found once, masked, then one mwparserfromhell tree.

`parse_tree(text)` gives a `Tree` that exclusion, the record, the categories and the blocks all
read: planning a page tokenizes it once and scans its blocks once. A page too complex to parse
safely (see `complexity`) gets no tree (`code` is None) and the reason.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html.entities import html5
from typing import cast

import mwparserfromhell
from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import (
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
from movibot.wikitext.preprocessor import (
    PHP_SPACE,
    Call,
    Calls,
    Part,
    split_calls,
)


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
        return (survey(self.code, self.masked) if self.code is not None
                else Survey((), (), (), ()))


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
             found: list[tuple[Node, int, int, bool]], ends: dict[int, int] | None = None
             ) -> None:
    """Append (node, offset, depth, inside a tag MediaWiki does not parse) for every node of
    `code`, depth first in text order (one walk: walk and survey read it); with `ends`, put
    there where each template call ends, by its offset."""
    offset = base
    for node in code.nodes:
        found.append((node, offset, depth, raw))
        if type(node) is Text:  # most nodes: no children, its text is its value
            offset += len(node.value)
            continue
        s = str(node)
        if ends is not None and type(node) is Template:
            ends[offset] = offset + len(s)
        inner = raw or (isinstance(node, Tag) and not is_parsable(str(node.tag).strip()))
        cursor = 0
        for child in node.__children__():
            c = str(child)
            i = s.find(c, cursor)
            if i >= 0:
                _collect(child, offset + i, depth + 1, inner, found, ends)
                cursor = i + len(c)
        offset += len(s)


@dataclass(frozen=True)
class PageCall:
    """A template call `{{…}}` MediaWiki's preprocessor finds on the page itself (not in
    <includeonly> text, not in an extension tag): the call, its title as MediaWiki reads it
    (template_title), mwparserfromhell's Template node where it parses the same call (else
    None), and whether the call stands at the top level of the page (not inside another call,
    a tag, a table or a link)."""

    call: Call
    title: str
    template: Template | None
    top_level: bool


@dataclass(frozen=True)
class Survey:
    """What a record reads from a tree, from one walk, each node with its offset in the text:
    the template calls (and whether each is a top-level node of the page), the wikilinks,
    the top-level headings, and where each top-level node that is not text starts and ends
    (`tops`); `text`: the tree's text, whose `calls` are those MediaWiki's preprocessor finds
    (split when first asked for); `ends`: where each template call of the tree ends, by its
    offset."""

    templates: tuple[tuple[Template, int, bool], ...]
    links: tuple[tuple[Wikilink, int], ...]
    headings: tuple[tuple[Heading, int], ...]
    tops: tuple[tuple[int, int], ...]
    text: str = ""
    ends: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def calls(self) -> Calls:
        """The calls of the text as MediaWiki's preprocessor finds them."""
        return split_calls(self.text)

    @cached_property
    def nodes(self) -> dict[int, tuple[Template, bool]]:
        """mwparserfromhell's template calls by where they start, and whether each is a
        top-level node."""
        return {at: (template, top) for template, at, top in self.templates}

    @cached_property
    def page_calls(self) -> tuple[PageCall, ...]:
        """Every `{{…}}` call MediaWiki's preprocessor finds on the page, in text order."""
        calls, out = self.calls, []
        for call in calls.calls:
            if call.braces != 2:
                continue
            node = self.nodes.get(call.start)
            if node is not None and self.ends.get(call.start) == call.end:
                out.append(PageCall(call, template_title(calls.title_name(call)), node[0],
                                    node[1]))
            else:
                top = call.depth == 0 and not self._cuts(call.start) and not self._cuts(
                    call.end)
                out.append(PageCall(call, template_title(calls.title_name(call)), None, top))
        return tuple(out)

    def _cuts(self, offset: int) -> bool:
        """Whether `offset` falls strictly inside a top-level node that is not text."""
        k = bisect_right(self.tops, (offset, offset)) - 1
        return k >= 0 and self.tops[k][0] < offset < self.tops[k][1]


def survey(code: Wikicode, text: str | None = None) -> Survey:
    """The Survey of a tree (one walk); `text` is str(code), given when known."""
    found: list[tuple[Node, int, int, bool]] = []
    ends: dict[int, int] = {}
    _collect(code, 0, 0, False, found, ends)
    templates: list[tuple[Template, int, bool]] = []
    links: list[tuple[Wikilink, int]] = []
    headings: list[tuple[Heading, int]] = []
    tops: list[tuple[int, bool]] = []
    for node, at, depth, _ in found:
        if depth == 0:
            tops.append((at, isinstance(node, Text)))
        if isinstance(node, Template):
            templates.append((node, at, depth == 0))
        elif isinstance(node, Wikilink):
            links.append((node, at))
        elif isinstance(node, Heading) and depth == 0:
            headings.append((node, at))
    text = str(code) if text is None else text
    spans = tuple((at, tops[k + 1][0] if k + 1 < len(tops) else len(text))
                  for k, (at, is_text) in enumerate(tops) if not is_text)
    return Survey(tuple(templates), tuple(links), tuple(headings), spans, text, ends)


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


def hidden_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) offsets of what MediaWiki does not show when it renders the page
    itself: each `<includeonly>…</includeonly>` (an unclosed one runs to the end of the page),
    as its preprocessor finds them (split_calls: an <includeonly> inside `<!-- -->` or
    `<nowiki>` is text)."""
    if not _INCLUDEONLY.search(text):
        return ()
    return split_calls(text).hidden


def drop_inclusion_tags(text: str) -> str:
    """`text` without its <noinclude> and <onlyinclude> tags (attributes and `/` included;
    their content stays), as MediaWiki shows the page itself; tags inside a comment or a strip
    list element (`<nowiki>`) are text and stay."""
    if not _INCLUSION_TAG.search(text):
        return text
    out, pos = [], 0
    for start, end in split_calls(text).tags:
        out.append(text[pos:start])
        pos = end
    return "".join(out) + text[pos:]


_INCLUDEONLY = re.compile("<includeonly", re.I)
_INCLUSION_TAG = re.compile(r"</?(?:noinclude|onlyinclude)(?=[\s/>])", re.I)


def in_ranges(offset: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """True when `offset` falls inside one of `ranges` (sorted (start, end) pairs)."""
    return any(start <= offset < end for start, end in ranges)


# Template parameters split as MediaWiki's preprocessor splits them ---------------------------

# The preprocessor (preprocessor.py) says where a call's parts start and end; the values are the
# page's tree's nodes, or text slices of a node MediaWiki cuts: a `|` inside `<span title="x"
# |>`, a table or `[http://… a|b]` ends a value that mwparserfromhell runs on.


@dataclass(frozen=True)
class Arg:
    """One parameter of a call as MediaWiki passes it: its name (`1`, `2`… for positional
    ones), its value (nodes of the page's tree, or text slices of them where MediaWiki cut a
    node), the offsets of its name and of its value's first non-blank character, and whether
    it was named; `cut` for a part MediaWiki cut out of another parameter's value; `span`: its
    `|name = value` from its `|` to the next `|` or the call's closing braces."""

    name: str
    value: Wikicode
    name_at: int
    value_at: int
    showkey: bool
    cut: bool = False
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Cut:
    """Where MediaWiki ends a parameter's value that mwparserfromhell runs on: the `|`'s
    offset, the parameter's name, what holds the `|` (`<span>`, `a table`…) and the value
    MediaWiki passes."""

    at: int
    name: str
    inside: str
    value: str


def _inside(node: Node) -> str:
    if isinstance(node, ExternalLink):
        return "an external link"
    if isinstance(node, Tag):
        markup = node.wiki_markup
        if markup and markup.startswith("{|"):
            return "a table"
        return f"{markup}…{markup}" if markup else f"<{str(node.tag).strip()}>"
    return "the text"


def mediawiki_args(template: Template | None, offset: int, call: Call, calls: Calls
                   ) -> tuple[list[Arg], list[Cut]]:
    """The parameters of `template` at `offset` as MediaWiki's preprocessor splits them
    (`call`, of `calls`), and where it cuts a value mwparserfromhell runs on (no tokenizer
    pass: the values are the tree's nodes and text slices of a node cut). Without a template
    (mwparserfromhell parses the call's text otherwise), each value is parsed on its own."""
    named = calls.named(call)
    if template is None:
        return [_own_arg(name, part, calls) for name, part in named], []
    values = _same_values(template, offset, named)
    nodes: list[tuple[int, int, Node]] = []
    pipes: set[int] = set()
    if values is None:
        nodes, pipes = _flat(template, offset)
    args: list[Arg] = []
    cuts: list[Cut] = []
    for k, (name, part) in enumerate(named):
        start, end = calls.value(part)
        value = values[k] if values is not None else _slice(nodes, start, end)
        value_at = _first(str(value), start, part.start)
        name_at = _name_at(calls, part, value_at)
        cut = values is None and part.start - 1 not in pipes
        if cut and args and not args[-1].cut:
            cuts.append(Cut(part.start - 1, args[-1].name, _holder(nodes, part.start - 1),
                            str(args[-1].value)))
        args.append(Arg(name, value, name_at, value_at, part.equals is not None, cut,
                        (part.start - 1, part.end)))
    return args, cuts


def _own_arg(name: str, part: Part, calls: Calls) -> Arg:
    """A parameter MediaWiki passes, its value parsed from its own text."""
    start, end = calls.value(part)
    value = wikicode(calls.text[start:end])
    value_at = _first(str(value), start, part.start)
    return Arg(name, value, _name_at(calls, part, value_at), value_at,
               part.equals is not None, span=(part.start - 1, part.end))


def _name_at(calls: Calls, part: Part, value_at: int) -> int:
    """Where a part's name starts (its value's first character for a positional part)."""
    if part.equals is None:
        return value_at
    raw = calls.text[part.start:part.equals]
    return part.start + len(raw) - len(raw.lstrip(PHP_SPACE))


def _same_values(template: Template, offset: int, named: list[tuple[str, Part]]
                 ) -> list[Wikicode] | None:
    """The values of mwparserfromhell's parameters when they are MediaWiki's parts (the same
    `|` and `=`: most calls), else None."""
    if len(named) != len(template.params):
        return None
    at = offset + 2 + len(str(template.name))
    for param, (_, part) in zip(template.params, named, strict=True):
        name_size = len(str(param.name))
        equals = at + 1 + name_size if param.showkey else None
        if part.start != at + 1 or part.equals != equals:
            return None
        at = part.start + (name_size + 1 if param.showkey else 0) + len(str(param.value))
        if at != part.end:
            return None
    return [param.value for param in template.params]


def _holder(nodes: list[tuple[int, int, Node]], at: int) -> str:
    """What holds offset `at` among `nodes` (see _inside)."""
    for start, end, node in nodes:
        if start <= at < end:
            return _inside(node)
    return "the text"


def _flat(template: Template, offset: int) -> tuple[list[tuple[int, int, Node]], set[int]]:
    """The top-level nodes of a call's name and parameters with their start and end offsets,
    and the offsets of the `|` mwparserfromhell splits its parameters at."""
    rows: list[list[Node]] = [list(template.name.nodes)]
    for param in template.params:
        name = [*param.name.nodes, Text("=")] if param.showkey else []
        rows.append([Text("|"), *name, *param.value.nodes])
    nodes: list[tuple[int, int, Node]] = []
    pipes, at = set(), offset + 2
    for k, row in enumerate(rows):
        if k:
            pipes.add(at)
        for node in row:
            size = len(str(node))
            nodes.append((at, at + size, node))
            at += size
    return nodes, pipes


def _slice(nodes: list[tuple[int, int, Node]], start: int, end: int) -> Wikicode:
    """The nodes between offsets `start` and `end`: whole when inside, else a text slice."""
    out: list[Node] = []
    for k in range(bisect_right([n[1] for n in nodes], start), len(nodes)):
        at, stop, node = nodes[k]
        if at >= end:
            break
        if start <= at and stop <= end:
            out.append(node)
        else:
            out.append(Text(str(node)[max(start, at) - at:min(end, stop) - at]))
    return Wikicode(out)


def _first(raw: str, value_start: int, blank: int) -> int:
    """The offset of the value's first non-blank character (`blank` when it is blank)."""
    return value_start + len(raw) - len(raw.lstrip()) if raw.strip() else blank


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
