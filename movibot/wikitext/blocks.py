"""Find, verify and replace the blocks movibot owns in a page's wikitext.

A block looks like::

    <!-- movibot:begin infobox sha1=0123456789ab -->
    …generated wikitext…
    <!-- movibot:end infobox -->

Its content is ``text[content_start:content_end]``: from just after the newline that ends the
begin marker's line to the first character (``<``) of the end marker, so it includes the final
newline before the end marker. The hash (`block_hash`) is the first 12 lowercase hex digits of
the SHA-1 of that content encoded as UTF-8, after replacing each ``\\r\\n`` with ``\\n`` (so a
page saved with CRLF line ends keeps a valid hash). A marker is a whole HTML comment whose body
starts with ``movibot:``; spaces inside it are tolerated, anything else is reported malformed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from movibot.errors import BlockEdited, BlockMalformed
from movibot.i18n import Msg
from movibot.problems import Problem, line_col

NAME = re.compile(r"[a-z0-9_-]+\Z")
_COMMENT = re.compile(r"<!--(.*?)(-->|\Z)", re.DOTALL)
_MOVIBOT = re.compile(r"\s*movibot:", re.IGNORECASE)
_BEGIN = re.compile(r"\s*movibot:begin\s+([a-z0-9_-]+)\s+sha1=([0-9a-f]{12})\s*\Z")
_END = re.compile(r"\s*movibot:end\s+([a-z0-9_-]+)\s*\Z")
_LOOSE = re.compile(r"\s*movibot:(begin|end)(?:\s+(\S+))?", re.IGNORECASE)
_LINE_END = re.compile(r"[ \t\r]*\n")


@dataclass(frozen=True)
class Block:
    """One well-formed block: its name, the sha1 its begin marker records, and its content.

    `start`/`end` span the whole block, markers included (no newline after the end marker);
    `content` is ``text[content_start:content_end]``; `line` is the begin marker's line.
    """

    name: str
    sha1: str
    content: str
    start: int
    end: int
    content_start: int
    content_end: int
    line: int
    col: int = 1

    @property
    def edited(self) -> bool:
        """True when the content no longer hashes to the recorded sha1."""
        return block_hash(self.content) != self.sha1


@dataclass(frozen=True)
class _Marker:
    kind: str  # "begin", "end" or "" (kind unknown)
    name: str
    sha1: str
    start: int
    end: int
    line: int
    col: int
    error: str = ""  # why the marker is malformed; "" when it is well formed


def block_hash(content: str) -> str:
    """The 12-hex-digit hash recorded in a begin marker for this content (see module doc)."""
    data = content.replace("\r\n", "\n").encode("utf-8")
    return hashlib.sha1(data).hexdigest()[:12]


def normalize_content(content: str) -> str:
    """Content as written in a block: LF line ends (as MediaWiki saves), one final newline."""
    return content.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def make_block(name: str, content: str, *, newline: str = "\n") -> str:
    """The whole block text (no newline after the end marker), with `newline` as line end.

    Raises ValueError for a bad name or for content that would break the block (a movibot
    marker or an unclosed HTML comment inside it).
    """
    if not NAME.match(name):
        raise ValueError(f"bad block name {name!r}: use lowercase letters, digits, _ and -")
    body = normalize_content(content)
    for m in _COMMENT.finditer(body):
        if not m.group(2) or _MOVIBOT.match(m.group(1)):
            raise ValueError(f"content of block {name!r} contains {_excerpt(m.group(0))}")
    begin = f"<!-- movibot:begin {name} sha1={block_hash(body)} -->\n"
    return (begin + body).replace("\n", newline) + f"<!-- movibot:end {name} -->"


def find_blocks(text: str) -> tuple[list[Block], list[Problem]]:
    """Well-formed blocks (edited ones included) and the E401/E402 problems found; never raises.

    A block involved in any E401 problem (nesting, a bad marker) is not returned.
    """
    pairs, problems, tainted = _pair(_markers(text))
    duplicates, dup_names = _duplicates(pairs)
    blocks = [_block(text, b, e) for b, e in pairs
              if b.start not in tainted and not e.error and b.name not in dup_names]
    problems.extend(duplicates)
    problems.extend(_problem_edited(b) for b in blocks if b.edited)
    problems.sort(key=lambda p: (p.line, p.col))
    return blocks, problems


def _pair(markers: list[_Marker]) -> tuple[list[tuple[_Marker, _Marker]], list[Problem], set[int]]:
    """Begin/end pairs in order, the E401 problems, and the start offsets of broken begins.

    Linear in the number of markers (a page of 40 000 nested begins is paired in milliseconds).
    """
    problems: list[Problem] = []
    pairs: list[tuple[_Marker, _Marker]] = []
    stack = _Stack()
    tainted: set[int] = set()
    overlapped: dict[str, int] = {}  # begins popped by an outer end, waiting for their own end
    for marker in markers:
        if marker.error:
            problems.append(_problem(marker, marker.error))
            tainted.add(marker.start)
        if marker.kind == "begin":
            if stack.items:
                outer = stack.items[-1]
                msg = Msg("block '{name}' begins at line {line} inside block '{outer}' (line "
                          "{outer_line}); blocks cannot nest or overlap", name=marker.name,
                          line=marker.line, outer=outer.name, outer_line=outer.line)
                problems.append(_problem(marker, msg))
                tainted.update(m.start for m in stack.items[stack.tainted_depth:])
                tainted.add(marker.start)
            stack.push(marker, tainted=bool(stack.items))
        elif marker.kind == "end":
            _close(marker, stack, pairs, problems, tainted, overlapped)
    for begin in stack.items:
        problems.append(_problem(begin, Msg("block '{name}' begins at line {line} but "
                                            "never ends", name=begin.name,
                                            line=begin.line)))
    return pairs, problems, tainted


class _Stack:
    """The open begin markers, with the positions of each name and the depth of the prefix
    already tainted, so that pairing never rescans the stack."""

    def __init__(self) -> None:
        self.items: list[_Marker] = []
        self.tainted_depth = 0  # items[:tainted_depth] are all tainted
        self._at: dict[str, list[int]] = {}

    def push(self, marker: _Marker, *, tainted: bool) -> None:
        self._at.setdefault(marker.name, []).append(len(self.items))
        self.items.append(marker)
        if tainted:
            self.tainted_depth = len(self.items)

    def find(self, name: str) -> int | None:
        """The index of the innermost open begin named `name`, None when there is none."""
        at = self._at.get(name)
        return at[-1] if at else None

    def cut(self, i: int) -> list[_Marker]:
        """Remove and return items[i:]."""
        removed = self.items[i:]
        del self.items[i:]
        for m in removed:
            self._at[m.name].pop()
        self.tainted_depth = min(self.tainted_depth, i)
        return removed


class _Lines:
    """line_col for increasing offsets of one text, in linear time over all the calls."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line, self.start = text, 0, 1, 0

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.offset:
            return line_col(self.text, offset)
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.start + 1


def _markers(text: str) -> list[_Marker]:
    """Every HTML comment of the text that starts with `movibot:`, parsed strictly."""
    found = []
    lines = _Lines(text)
    for m in _COMMENT.finditer(text):
        body = m.group(1)
        hides = not m.group(2) and "movibot:" in body.lower()
        if not _MOVIBOT.match(body) and not hides:
            continue
        line, col = lines.at(m.start())
        if not _MOVIBOT.match(body):
            msg = f"unclosed HTML comment at line {line} hides movibot markers"
            found.append(_Marker("", "", "", m.start(), m.end(), line, col, msg))
            continue
        loose = _LOOSE.match(body)
        kind = loose.group(1).lower() if loose else ""
        name = (loose.group(2) or "") if loose else ""
        marker = _Marker(kind, name, "", m.start(), m.end(), line, col)
        found.append(_check(text, marker, body, closed=bool(m.group(2))))
    return found


def _check(text: str, marker: _Marker, body: str, *, closed: bool) -> _Marker:
    """The marker with its name and sha1 read, or with `error` saying why it is malformed."""
    of = Msg(" of block '{name}'", name=marker.name) if marker.name else ""
    where = Msg("at line {line}: {excerpt}", line=marker.line,
                excerpt=_excerpt(text[marker.start:marker.end]))
    begin, end = _BEGIN.match(body), _END.match(body)
    if not closed:
        return replace(marker, error=Msg("unclosed movibot comment {where}", where=where))
    if marker.kind == "begin" and not begin:
        return replace(marker, error=Msg(
            "malformed begin marker{of} {where} (expected <!-- movibot:begin NAME "
            "sha1=<12 hex digits> -->)", of=of, where=where))
    if begin and not _LINE_END.match(text, marker.end):
        return replace(marker, error=Msg("begin marker{of} at line {line} must end its line",
                                         of=of, line=marker.line))
    if begin:
        return replace(marker, sha1=begin.group(2))
    if marker.kind == "end" and not end:
        return replace(marker, error=Msg("malformed end marker{of} {where} (expected "
                                         "<!-- movibot:end NAME -->)", of=of, where=where))
    return marker if end else replace(marker, error=Msg("unknown movibot marker {where}",
                                                        where=where))


def _close(end: _Marker, stack: _Stack, pairs: list[tuple[_Marker, _Marker]],
           problems: list[Problem], tainted: set[int], overlapped: dict[str, int]) -> None:
    """Pair an end marker with its begin, recording the problems of a bad pairing."""
    i = stack.find(end.name)
    if i is not None:
        begin, *inner = stack.cut(i)
        for m in inner:  # overlapping blocks: already reported at their begin
            overlapped[m.name] = overlapped.get(m.name, 0) + 1
        pairs.append((begin, end))
    elif overlapped.get(end.name):
        overlapped[end.name] -= 1
    elif stack.items:
        (begin,) = stack.cut(len(stack.items) - 1)
        tainted.add(begin.start)
        problems.append(_problem(end, Msg("block '{name}' begins at line {line} but is "
                                          "ended by 'movibot:end {name2}' at line {line2}",
                                          name=begin.name, line=begin.line,
                                          name2=end.name, line2=end.line)))
    else:
        problems.append(_problem(end, Msg("'movibot:end {name}' at line {line} has no "
                                          "matching begin", name=end.name, line=end.line)))


def _block(text: str, begin: _Marker, end: _Marker) -> Block:
    content_start = text.index("\n", begin.end) + 1
    content_end = max(end.start, content_start)
    return Block(begin.name, begin.sha1, text[content_start:content_end], begin.start,
                 end.end, content_start, content_end, begin.line, begin.col)


def _duplicates(pairs: list[tuple[_Marker, _Marker]]) -> tuple[list[Problem], set[str]]:
    """One E401 for each block whose name an earlier block already uses, and those names."""
    first: dict[str, _Marker] = {}
    problems = []
    names = set()
    for begin, _ in pairs:
        if begin.name in first:
            msg = Msg("block '{name}' at line {line} duplicates the block at line {first}",
                      name=begin.name, line=begin.line, first=first[begin.name].line)
            problems.append(_problem(begin, msg))
            names.add(begin.name)
        else:
            first[begin.name] = begin
    return problems, names


def _problem_edited(b: Block) -> Problem:
    """The E402 problem of a block whose content does not hash to its recorded sha1."""
    msg = Msg("block '{name}' at line {line} was edited by hand (marker sha1={sha1}, content "
              "hashes to {content})", name=b.name, line=b.line, sha1=b.sha1,
              content=block_hash(b.content))
    return Problem("E402", msg, line=b.line, col=b.col)


def _problem(marker: _Marker, message: str) -> Problem:
    return Problem("E401", message, line=marker.line, col=marker.col)


def _excerpt(s: str, limit: int = 60) -> str:
    one_line = " ".join(s.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def replace_block(text: str, name: str, content: str, *, anchor: int | None = None,
                  force: bool = False, found: Sequence[Block] | None = None,
                  problems: Sequence[Problem] = ()) -> str:
    """The page text with block `name` holding `content`; `text` itself when nothing changes.

    An existing block is rewritten in place; a missing one is inserted on its own line after
    offset `anchor`, or at the top when anchor is None. Everything outside the block is kept
    byte for byte. Raises BlockMalformed for any E401 problem in the page (never overridable),
    and when the new text would not give the block back (an unclosed `<!--` before it hides
    its begin marker), BlockEdited when the block was edited by hand (unless `force`), and
    ValueError for a bad name, content or anchor (see `make_block`). `found` and `problems`:
    what find_blocks(text) gives, when the caller has it already (the page's Tree).
    """
    if found is None:
        blocks, problems = find_blocks(text)
    else:
        blocks = list(found)
    malformed = [p for p in problems if p.code == "E401"]
    if malformed:
        raise BlockMalformed(malformed[0].message)
    newline = _newline(text)
    block = next((b for b in blocks if b.name == name), None)
    if block is None:
        new = _insert(text, make_block(name, content, newline=newline), anchor, blocks)
        return _readable(new, name, content)
    wanted = normalize_content(content)
    current = block.content.replace("\r\n", "\n")
    if current == wanted:  # unchanged, or a hand edit that already says what we would write
        if not block.edited:
            return text
        return _readable(_splice(text, block, name, content, newline), name, content)
    if block.edited and not force:
        raise BlockEdited(_problem_edited(block).message)
    return _readable(_splice(text, block, name, content, newline), name, content)


def _readable(new: str, name: str, content: str) -> str:
    """`new` when find_blocks gives back block `name` with `content` and no E401 problem.
    Raises BlockMalformed otherwise: the bot never writes a block it could not read back."""
    blocks, problems = find_blocks(new)
    found = [b for b in blocks if b.name == name]
    malformed = [p for p in problems if p.code == "E401"]
    wanted = normalize_content(content)
    if len(found) == 1 and not malformed and found[0].content.replace("\r\n", "\n") == wanted:
        return new
    why = malformed[0].message if malformed else "its begin marker would be hidden"
    raise BlockMalformed(Msg("block '{name}' would not be readable after the edit ({why}): "
                             "an unclosed '<!--' before it? not written", name=name, why=why))


def _splice(text: str, block: Block, name: str, content: str, newline: str) -> str:
    return text[: block.start] + make_block(name, content, newline=newline) + text[block.end:]


def _insert(text: str, new: str, anchor: int | None, blocks: list[Block]) -> str:
    """`new` inserted on its own line after `anchor` (top of the page when None)."""
    newline = _newline(text)
    if anchor is None:
        return new + newline + text
    if not 0 <= anchor <= len(text):
        raise ValueError(f"anchor {anchor} is outside the page (0..{len(text)})")
    inside = next((b for b in blocks if b.start < anchor < b.end), None)
    if inside is not None:
        raise ValueError(f"anchor {anchor} falls inside block '{inside.name}'")
    before, after = text[:anchor], text[anchor:]
    if before and not before.endswith("\n"):
        new = newline + new
    if after and not after.startswith(("\n", "\r\n")):
        new = new + newline
    return before + new + after


def _newline(text: str) -> str:
    """The text's line end: CRLF when every newline is preceded by CR, else LF."""
    n = text.count("\n")
    return "\r\n" if n and text.count("\r\n") == n else "\n"


def strip_blocks(text: str) -> str:
    """The text without its well-formed blocks (and the newline ending each block's line)."""
    blocks, _ = find_blocks(text)
    out, pos = [], 0
    for b in sorted(blocks, key=lambda b: b.start):
        out.append(text[pos:b.start])
        pos = b.end
        m = _LINE_END.match(text, pos)
        if m and (b.start == 0 or text[b.start - 1] == "\n"):
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def find_block(text: str, name: str, blocks: Sequence[Block] | None = None) -> Block | None:
    """The well-formed block `name` of the text (from `blocks` when given), None without one."""
    found = find_blocks(text)[0] if blocks is None else blocks
    return next((b for b in found if b.name == name), None)


def full_hash(content: str) -> str:
    """The full SHA-1 (40 hex digits) of content as a block holds it (LF, one final newline);
    its first 12 digits are what the begin marker records."""
    return hashlib.sha1(normalize_content(content).encode("utf-8")).hexdigest()


def block_frame(text: str, block: Block, sha1: str) -> tuple[str, str, str]:
    """(before, after, newline) to write block `block` of `text` with new content streamed in
    between: `before` ends with its begin marker line recording `sha1` (12 or more hex digits
    of the new content's full_hash), `after` starts with its end marker; `newline` is the line
    end the content must use."""
    begin = text[block.start:block.content_start]
    newline = "\r\n" if "\r\n" in begin else "\n"
    begin = begin.replace(f"sha1={block.sha1}", f"sha1={sha1[:12]}")
    return text[:block.start] + begin, text[block.content_end:], newline
