"""Template calls found as MediaWiki's preprocessor finds them (Preprocessor_Hash, the page
itself, not for inclusion): offsets only, no tree.

The preprocessor knows braces, `[[…]]`, comments, headings and the strip list's extension tags
(<ref>, <pre>, <nowiki>…); bold, external links, HTML tags and tables are not its business. So
a `|` in `<span title="a|b">` ends a value, an `[[` left open makes the call's `}}` text, and a
`}}` inside a comment, a <nowiki> or a heading line does not close a call. `split_calls(text)`
gives every call and `{{{…}}}` of the page, with its title and parts (where each part's name
ends at its first `=`), in text order; calls inside extension tags are the extension's, not the
page's, and are not given. The record reads the calls found here (tree.Survey.page_calls);
mwparserfromhell's tree stays the page's tree for editing and for reading values (see
records/parse.py): this only says where MediaWiki cuts.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

# Extension tags whose content the preprocessor takes as it is (its "strip list": MediaWiki's
# core tags and those of the usual extensions: Cite, Math, SyntaxHighlight, Poem, Score…): an
# <includeonly> or a call inside one of them is text to the page.
STRIP_TAGS = ("nowiki", "pre", "gallery", "indicator", "langconvert", "ref", "references",
              "math", "chem", "ce", "syntaxhighlight", "source", "poem", "score", "timeline",
              "graph", "hiero", "imagemap", "inputbox", "categorytree", "templatedata",
              "templatestyles", "section", "charinsert", "mapframe", "maplink")
# What PHP's trim() strips, and so MediaWiki from a parameter's name (not a no-break space).
PHP_SPACE = " \t\n\r\0\x0b"
_ALLOW_MISSING_END = frozenset({"includeonly", "noinclude", "onlyinclude"})
_IGNORED_TAGS = ("noinclude", "/noinclude", "onlyinclude", "/onlyinclude")
_ELEMENT = re.compile(
    r"(?:(" + "|".join((*STRIP_TAGS, "includeonly", *_IGNORED_TAGS))
    + r")(?=[ \t\n\x0b\f\r]|/>|>)|(!--))", re.I | re.A)
_BLANK = " \t"


@dataclass(frozen=True)
class Part:
    """One part of a call (after a `|`): from `start` to `end` (the next `|` or the closing
    braces), named when `equals` (the offset of the `=` ending its name) is set."""

    start: int
    end: int
    equals: int | None


@dataclass(frozen=True)
class Call:
    """A call `{{…}}` (braces 2) or `{{{…}}}` (braces 3) from `start` to `end`: its title from
    start + braces to `title_end`, its parts, and how many calls hold it (`depth`)."""

    start: int
    end: int
    braces: int
    title_end: int
    parts: tuple[Part, ...]
    depth: int = 0


class _Piece:
    """An open construct on the preprocessor's stack: `{`, `[` (count of its opening
    characters from `start`) or a heading (`\n`); for braces, its `|` offsets and the `=`
    ending each part's name."""

    __slots__ = ("open", "start", "count", "pipes", "equals")

    def __init__(self, open_: str, start: int, count: int) -> None:
        self.open, self.start, self.count = open_, start, count
        self.pipes: list[int] = []
        self.equals: list[int | None] = []


def _search(top: str, find_equals: bool) -> re.Pattern[str]:
    """What the preprocessor looks for next, with `top` the open construct (`` at the page's
    level): openings (`-{` too: the wiki converts languages), tags, a line starting with `=`
    (any line end in a heading), the top's closing, and `|` and `=` where they split parts."""
    chars = "{\\[<" + {"{": "}", "[": "\\]"}.get(top, "")
    chars += "|" if top in _PIPED else ""
    chars += "=" if find_equals else ""
    line = "\\n" + ("" if top == "\n" else "(?==)")
    close = "|\\}-" if top == "-{" else ""
    return re.compile(f"[{chars}]|{line}|-\\{{(?!\\{{){close}")


_PIPED = ("{", "-{")  # the constructs whose parts `|` splits
_SEARCH = {(top, equals): _search(top, equals)
           for top in ("", "{", "[", "\n", "-{") for equals in (False, True)}


@dataclass(frozen=True)
class Calls:
    """The calls of a text (see split_calls) and the spans the preprocessor drops from a
    parameter's name: comments (with the line they eat), <noinclude>/<onlyinclude> tags and
    <includeonly> elements, in text order; `elements`: the strip list's elements (<ref>…</ref>),
    whose calls are their extension's; `hidden`: the <includeonly> elements (an unclosed one
    runs to the end), not shown on the page itself; `tags`: the <noinclude>, <onlyinclude> tags
    and their end tags, dropped from the page (their content is shown); `open_braces`: where a
    `{{` (a run of braces once) stays open to the end of the text: it is text."""

    text: str
    calls: tuple[Call, ...]
    dropped: tuple[tuple[int, int], ...]
    elements: tuple[tuple[int, int], ...] = ()
    hidden: tuple[tuple[int, int], ...] = ()
    tags: tuple[tuple[int, int], ...] = ()
    open_braces: tuple[int, ...] = ()

    def title(self, call: Call) -> str:
        """A call's title as written."""
        return self.text[call.start + call.braces:call.title_end]

    def title_name(self, call: Call) -> str:
        """A call's title as MediaWiki expands it before reading it as a page's title: without
        the dropped spans, trimmed as PHP's trim() trims (other markup stays)."""
        return self._kept(call.start + call.braces, call.title_end).strip(PHP_SPACE)

    def name(self, part: Part, number: int) -> str:
        """A part's name as MediaWiki passes it: `number` for a positional part, else its
        text before the `=` without the dropped spans, trimmed as PHP's trim() trims."""
        if part.equals is None:
            return str(number)
        return self._kept(part.start, part.equals).strip(PHP_SPACE)

    def _kept(self, start: int, stop: int) -> str:
        """The text from `start` to `stop` without the dropped spans."""
        k = bisect_left(self.dropped, (start, start))
        pieces, pos = [], start
        while k < len(self.dropped) and self.dropped[k][0] < stop:
            begin, end = self.dropped[k]
            pieces.append(self.text[pos:max(pos, begin)])
            pos = max(pos, end)
            k += 1
        pieces.append(self.text[pos:stop])
        return "".join(pieces)

    def value(self, part: Part) -> tuple[int, int]:
        """Where a part's value starts and ends (after the `=` of a named part)."""
        return (part.start if part.equals is None else part.equals + 1), part.end

    def named(self, call: Call) -> list[tuple[str, Part]]:
        """Each part of a call with its name (positional ones numbered 1, 2… in order)."""
        out, number = [], 0
        for part in call.parts:
            number += part.equals is None
            out.append((self.name(part, number), part))
        return out


def split_calls(text: str) -> Calls:
    """Every call of `text` as MediaWiki's preprocessor finds it, in text order (see the
    module docstring); never raises."""
    scan = _Scan(text)
    scan.run()
    return Calls(text, _nest(scan.calls), tuple(scan.dropped), tuple(scan.elements),
                 tuple(scan.hidden), tuple(scan.tags),
                 tuple(sorted(p.start for p in scan.stack if p.open == "{")))


def _nest(calls: list[Call]) -> tuple[Call, ...]:
    """The calls sorted by start, each with the number of calls holding it."""
    out: list[Call] = []
    open_ends: list[int] = []
    for call in sorted(calls, key=lambda c: (c.start, -c.end)):
        while open_ends and open_ends[-1] <= call.start:
            open_ends.pop()
        out.append(Call(call.start, call.end, call.braces, call.title_end, call.parts,
                        len(open_ends)))
        open_ends.append(call.end)
    return tuple(out)


class _Scan:
    """One pass of the preprocessor over a text; `calls` as they are closed."""

    def __init__(self, text: str) -> None:
        self.text, self.n = text, len(text)
        self.stack: list[_Piece] = []
        self.calls: list[Call] = []
        self.dropped: list[tuple[int, int]] = []
        self.elements: list[tuple[int, int]] = []
        self.hidden: list[tuple[int, int]] = []
        self.tags: list[tuple[int, int]] = []
        self.no_more_gt = False
        self.no_close: set[str] = set()

    def run(self) -> None:
        text, i, fake_line_start = self.text, 0, False
        while True:
            if fake_line_start:
                fake_line_start, i = False, self._line_start(i)
                continue
            top = self.stack[-1] if self.stack else None
            m = (_SEARCH["", False] if top is None
                 else _SEARCH[top.open, _equals_end(top)]).search(text, i)
            if m is None:
                if self._at_end(top) is None:
                    return
                i = self.n
                continue
            i = m.start()
            c = text[i]
            if c == "|" and top is not None:  # the most frequent: inlined
                top.pipes.append(i)
                top.equals.append(None)
                i += 1
            elif c == "=" and top is not None:
                top.equals[-1] = i
                i += 1
            else:
                i, fake_line_start = self._step(i, top)

    def _at_end(self, top: _Piece | None) -> int | None:
        """At the end of the text: a heading open there ends (where the scan goes on), else
        the scan stops (None); what is still open is text."""
        if top is None or top.open != "\n":
            return None
        self.stack.pop()
        return self.n

    def _step(self, i: int, top: _Piece | None) -> tuple[int, bool]:
        """Read what stands at `i`; where the scan goes on, and whether a comment ate a line."""
        c = self.text[i]
        if c == "<":
            return self._angle(i)
        if c == "\n":
            if top is not None and top.open == "\n":
                self.stack.pop()  # the heading's line ends; the `\n` is read again
                return i, False
            return self._line_start(i + 1), False
        elif c == "-" or (c == "}" and top is not None and top.open == "-{"):
            return self._language(i), False
        elif c in "{[":
            return self._open(c, i), False
        return self._close(c, i), False

    def _find_equals(self) -> bool:
        return bool(self.stack) and _equals_end(self.stack[-1])

    def _line_start(self, i: int) -> int:
        """At the start of a line: a heading opens on `=`…; where the scan goes on."""
        count = _run(self.text, "=", i, 6)
        if count == 1 and self._find_equals():
            return i  # the `=` splits a part's name from its value
        if count:
            self.stack.append(_Piece("\n", i, count))
        return i + count

    def _open(self, c: str, i: int) -> int:
        count = _run(self.text, c, i)
        if count >= 2:
            self.stack.append(_Piece(c, i, count))
        return i + count

    def _language(self, i: int) -> int:
        """`-{` (not before another `{`) opens a language conversion; `}-` closes it."""
        if self.text.startswith("-{", i):
            self.stack.append(_Piece("-{", i, 2))
            return i + 2
        self.stack.pop()
        return i + 2

    def _close(self, c: str, i: int) -> int:
        piece = self.stack[-1]
        count = _run(self.text, c, i, piece.count)
        brace = piece.open == "{"
        matching = min(count, 3 if brace else 2)
        if matching < 2:
            return i + count  # a lone `}` or `]`: text
        self.stack.pop()
        if brace:
            start = piece.start + piece.count - matching
            self.calls.append(_call(piece, start, i + matching, matching))
        if matching < piece.count:
            piece.count -= matching
            piece.pipes, piece.equals = [], []
            if piece.count >= 2:
                self.stack.append(piece)
        return i + matching

    def _angle(self, i: int) -> tuple[int, bool]:
        """A `<`: a comment, a strip list element or an inclusion tag is skipped whole; else
        text. Where the scan goes on, and whether a comment ate its line."""
        text = self.text
        m = _ELEMENT.match(text, i + 1)
        if m is None:
            return i + 1, False
        if m.group(2):
            return self._comment(i)
        name = m.group(1)
        tag_end = -1 if self.no_more_gt else text.find(">", i + len(name) + 1)
        if tag_end < 0:
            self.no_more_gt = True
            return i + 1, False
        lower = name.lower()
        if lower in _IGNORED_TAGS or text[tag_end - 1] == "/":
            self._keep(lower, i, tag_end + 1, alone=True)
            return tag_end + 1, False
        close = None if name in self.no_close else re.compile(
            rf"</{re.escape(name)}[ \t\n\x0b\f\r]*>", re.I | re.A).search(text, tag_end + 1)
        end = close.end() if close is not None else (
            self.n if lower in _ALLOW_MISSING_END else -1)
        if end >= 0:
            self._keep(lower, i, end, alone=False)
            return end, False
        self.no_close.add(name)
        return tag_end + 1, False

    def _keep(self, lower: str, start: int, end: int, alone: bool) -> None:
        """Note the span of a tag (`alone`: a <noinclude> tag, an end tag or a `<x/>`) or an
        element named `lower`: where the preprocessor drops it, hides it or leaves it to an
        extension."""
        if lower in _IGNORED_TAGS:
            self.tags.append((start, end))
        if lower in _IGNORED_TAGS or lower == "includeonly":
            self.dropped.append((start, end))
        if lower == "includeonly" and not alone:
            self.hidden.append((start, end))
        elif not alone:
            self.elements.append((start, end))

    def _comment(self, i: int) -> tuple[int, bool]:
        """A comment from `i`: where the scan goes on, and whether the comment ate its line
        (blank before it back to a line start and after it to a line end: the next line is
        then a line start, for headings)."""
        text = self.text
        end = text.find("-->", i + 4)
        if end < 0:
            self.dropped.append((i, self.n))
            return self.n, False
        ws_start = i - _run_back(text, _BLANK, i) if i else 0
        ws_end = end + 2 + _run(text, _BLANK, end + 3)
        eats = ws_start > 0 and text[ws_start - 1] == "\n" and text[ws_end + 1:ws_end + 2] == "\n"
        if not eats:
            self.dropped.append((i, end + 3))
            return end + 3, False
        while text.startswith("<!--", ws_end + 1):
            c = text.find("-->", ws_end + 4)
            if c < 0:
                break
            ws_end = c + 2 + _run(text, _BLANK, c + 3)
        self.dropped.append((ws_start, ws_end + 2))
        return ws_end + 2, True


def _equals_end(piece: _Piece) -> bool:
    """Whether an `=` ends the name of the piece's current part: a part after a `|` of a
    call or a `-{…}-`, with no `=` yet."""
    return piece.open in _PIPED and bool(piece.pipes) and piece.equals[-1] is None


def _call(piece: _Piece, start: int, end: int, braces: int) -> Call:
    """The call a `{` piece gives when closed with `braces` braces at `end`."""
    title_end = piece.pipes[0] if piece.pipes else end - braces
    bounds = [*piece.pipes, end - braces]
    parts = tuple(Part(bounds[k] + 1, bounds[k + 1], piece.equals[k])
                  for k in range(len(piece.pipes)))
    return Call(start, end, braces, title_end, parts)


def _run(text: str, chars: str, i: int, limit: int | None = None) -> int:
    """How many characters of `chars` stand from `i` on (at most `limit`)."""
    j, stop = i, len(text) if limit is None else min(len(text), i + limit)
    while j < stop and text[j] in chars:
        j += 1
    return j - i


def _run_back(text: str, chars: str, i: int) -> int:
    """How many characters of `chars` stand just before `i`."""
    j = i
    while j > 0 and text[j - 1] in chars:
        j -= 1
    return i - j
