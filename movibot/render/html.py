"""The bot's own HTML rendering of its blocks, for a preview where no MediaWiki parser is at
hand (a folder site, a dump). Pure.

It renders what the bot writes in its blocks, not arbitrary wikitext: the tables (`{| … |}`:
the table's classes, a caption, rows, header and data cells with their colspan) and the lines
around them as paragraphs. Inside, links become their text (category links, which MediaWiki
shows nowhere in the page, nothing), comments, bold/italic quotes and HTML tags are dropped,
entities are decoded; then every piece of text is escaped. No attribute but `class` (letters,
digits, `-`, `_`) and `colspan` (digits) is kept, so nothing a page holds can become markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from movibot.wikitext.blocks import find_blocks
from movibot.wikitext.titles import is_category

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_LINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_EXTERNAL = re.compile(r"\[(?:https?:)?//[^\s\[\]]+(?:\s+([^\[\]]*))?\]", re.I)
_QUOTES = re.compile(r"'{2,}")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<[A-Za-z][^<>]*\Z")
_CLASS = re.compile(r"""\bclass\s*=\s*["']?([\w\s-]*)""")
_COLSPAN = re.compile(r"""\bcolspan\s*=\s*["']?(\d{1,3})""")


@dataclass
class _Cell:
    header: bool
    colspan: int
    lines: list[str]


@dataclass
class _Table:
    classes: str
    caption: list[str] = field(default_factory=list)
    rows: list[list[_Cell]] = field(default_factory=list)


def render_blocks(text: str) -> str:
    """The HTML of the bot's blocks in `text`, each in a `<div class="movibot-block">` naming
    it; "" when the text has none."""
    blocks, _ = find_blocks(text)
    return "".join(f'<div class="movibot-block" data-block="{html.escape(b.name)}">'
                   f"{render_wikitext(b.content)}</div>\n" for b in blocks)


def render_wikitext(text: str) -> str:
    """The HTML of a block's content: its tables, and its other lines as paragraphs."""
    out: list[str] = []
    table: _Table | None = None
    for line in _COMMENT.sub("", text).splitlines():
        stripped = line.strip()
        if table is None and stripped.startswith("{|"):
            table = _Table(_classes(stripped[2:]))
        elif table is not None and stripped.startswith("|}"):
            out.append(_table_html(table))
            table = None
        elif table is not None:
            _table_line(table, stripped)
        elif inline(stripped):
            out.append(f"<p>{inline(stripped)}</p>")
    if table is not None:  # a table left open: shown as far as it goes
        out.append(_table_html(table))
    return "\n".join(out)


def inline(text: str) -> str:
    """A piece of wikitext as escaped HTML text: links as their text, markup dropped."""
    text = _COMMENT.sub("", text)
    text = _LINK.sub(_link_text, text)
    text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)
    text = _TAG.sub("", _QUOTES.sub("", text))
    return html.escape(html.unescape(text).strip())


def _link_text(m: re.Match[str]) -> str:
    target, label = m.group(1).strip(), m.group(2)
    if not target.startswith(":") and is_category(target):
        return ""
    return label if label is not None else target.lstrip(":")


def _classes(attributes: str) -> str:
    m = _CLASS.search(attributes)
    return " ".join(m.group(1).split()) if m else ""


def _table_line(table: _Table, line: str) -> None:
    """Add one line of a table's wikitext to `table`."""
    if line.startswith("|+"):
        table.caption.append(line[2:])
    elif line.startswith("|-"):
        table.rows.append([])
    elif line.startswith(("!", "|")):
        if not table.rows:
            table.rows.append([])
        header = line.startswith("!")
        separator = "!!" if header else "||"
        table.rows[-1].extend(_cell(part, header) for part in line[1:].split(separator))
    elif table.rows and table.rows[-1]:  # a cell's content goes on over several lines
        table.rows[-1][-1].lines.append(line)
    elif line:
        table.caption.append(line)


def _cell(part: str, header: bool) -> _Cell:
    """A cell of `attributes | content` or `content` (a `|` inside a link is the link's)."""
    outside = _LINK.sub(lambda m: "x" * len(m.group(0)), part)
    bar = outside.find("|")
    attributes, content = (part[:bar], part[bar + 1:]) if bar >= 0 else ("", part)
    m = _COLSPAN.search(attributes)
    return _Cell(header, max(1, int(m.group(1))) if m else 1, [content])


def _table_html(table: _Table) -> str:
    classes = f' class="{html.escape(table.classes)}"' if table.classes else ""
    out = [f"<table{classes}>"]
    caption = _lines_html(table.caption)
    if caption:
        out.append(f"<caption>{caption}</caption>")
    for row in table.rows:
        if row:
            out.append("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _cell_html(cell: _Cell) -> str:
    tag = "th" if cell.header else "td"
    span = f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    return f"<{tag}{span}>{_lines_html(cell.lines)}</{tag}>"


def _lines_html(lines: list[str]) -> str:
    """Lines of wikitext as escaped text, one line break between non-empty ones."""
    return "<br>".join(text for text in (inline(line) for line in lines) if text)
