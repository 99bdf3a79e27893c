"""Wikitext -> Record, following a schema. Never raises on bad wikitext; never changes the text.

The page's template (top level first, then nested) gives the fields; older pages without it
give them through header lines such as `* '''Thème''' : Gouvernance`. Text inside movibot's own
blocks is generated, so it is masked before parsing: the record is what people wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mwparserfromhell.definitions import is_parsable
from mwparserfromhell.nodes import Comment, Node, Tag, Template, Text
from mwparserfromhell.nodes.extras import Parameter
from mwparserfromhell.wikicode import Wikicode

from movibot.problems import Problem, line_col
from movibot.records.record import Record
from movibot.records.schema import FieldSpec, Schema
from movibot.records.values import Reading, read_value, wikicode
from movibot.wikitext.blocks import find_blocks
from movibot.wikitext.titles import CATEGORY_PREFIXES, categories_in, fold, normalize_title

_FILE_PREFIXES = ("fichier", "file", "image", "media")
_INTERWIKI_PREFIXES = (
    "w", "wikipedia", "wikt", "wiktionary", "commons", "meta", "mw", "mediawiki", "wikisource",
    "wikibooks", "wikiversity", "wikidata", "d", "fr", "en", "de", "es", "it",
)
_OPEN_BRACES = re.compile(r"\{\{+")
_PORTAL_PREFIX = re.compile(r"^\s*portail\s*:\s*", re.I)


def mask_blocks(text: str) -> str:
    """The text with movibot blocks blanked out (same length, newlines kept)."""
    blocks, _ = find_blocks(text)
    if not blocks:
        return text
    chars = list(text)
    for b in blocks:
        for i in range(b.start, b.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def parse_wikitext(text: str) -> Wikicode:
    """mwparserfromhell's tree of `text`; str() of it gives `text` back (NUL included)."""
    return wikicode(text)


def parse_page(text: str, schema: Schema | None, title: str = "", path: str = "") -> Record:
    """The record of a page following `schema` (None: only categories, links, sections…).

    Problems carry `path` (a file, else the title) and 1-based line:col. A page too complex to
    parse safely (see `complexity`) gives a record with only its categories and an E603.
    """
    masked = mask_blocks(text)
    kind = schema.kind if schema else None
    reason = complexity(masked)
    if reason:
        return _unparsed(masked, kind, title, path, reason)
    try:
        return _build_record(parse_wikitext(masked), masked, schema, title, path)
    except RecursionError:
        return _unparsed(masked, kind, title, path, "wikitext nested too deeply")


def parse_record(text: str, schemas: Sequence[Schema], title: str = "", path: str = "") -> Record:
    """Like parse_page, with the schema picked from the page itself (see pick_schema)."""
    masked = mask_blocks(text)
    reason = complexity(masked)
    if reason:
        return _unparsed(masked, None, title, path, reason)
    try:
        code = parse_wikitext(masked)
        return _build_record(code, masked, pick_schema(code, schemas), title, path)
    except RecursionError:
        return _unparsed(masked, None, title, path, "wikitext nested too deeply")


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




def _unparsed(text: str, kind: str | None, title: str, path: str, reason: str) -> Record:
    """The record of a page the parser is not given: its categories and an E603 (blocking)."""
    message = f"page too complex to parse safely: {reason}; fields, links and sections not read"
    return Record(title=title, kind=kind, categories=tuple(categories_in(text)),
                  problems=(Problem("E603", message, path or title, 1, 1),))


def pick_schema(code: Wikicode, schemas: Sequence[Schema]) -> Schema | None:
    """The schema whose template the page calls, else whose source category it is in."""
    for schema in schemas:
        if any(schema.matches_template(bare(t.name)) for t in code.filter_templates()):
            return schema
    cats = {fold(c) for c in page_categories(code)}
    for schema in schemas:
        if schema.source_category and fold(schema.source_category) in cats:
            return schema
    return None


def _build_record(
    code: Wikicode, masked: str, schema: Schema | None, title: str, path: str
) -> Record:
    where = path or title
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    extra: dict[str, str] = {}
    positions: dict[str, tuple[int, int]] = {}
    template_end = None
    template_at = None
    fallback = False
    if schema is not None:
        found = find_template(code, schema, masked)
        if found is not None:
            template, offset = found
            template_end = offset + len(str(template))
            template_at = line_col(masked, offset)
            _read_params(
                template, offset, masked, schema, where, fields, extra, positions, problems
            )
        else:
            fallback = _read_header_lines(masked, schema, where, fields, positions, problems)
    problems.extend(_unclosed_templates(code, masked, where))
    return Record(
        title=title,
        kind=schema.kind if schema else None,
        fields=fields,
        extra=extra,
        positions=positions,
        categories=page_categories(code),
        sections=page_sections(code),
        links=page_links(code),
        templates=tuple(dict.fromkeys(bare(t.name) for t in code.filter_templates())),
        template_end=template_end,
        template_at=template_at,
        from_fallback=fallback,
        problems=tuple(problems),
    )


def bare(code: Wikicode) -> str:
    """A name as written, without its HTML comments and surrounding white space."""
    return "".join(str(n) for n in code.nodes if not isinstance(n, Comment)).strip()


def find_template(code: Wikicode, schema: Schema, text: str) -> tuple[Template, int] | None:
    """The schema's template call (top level first, then nested) and its offset in text."""
    offset = 0
    for node in code.nodes:
        if isinstance(node, Template) and schema.matches_template(bare(node.name)):
            return node, offset
        offset += len(str(node))
    for node, offset in walk(code):
        if isinstance(node, Template) and schema.matches_template(bare(node.name)):
            return node, offset
    return None


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


def _read_params(
    template: Template,
    offset: int,
    text: str,
    schema: Schema,
    where: str,
    fields: dict[str, Any],
    extra: dict[str, str],
    positions: dict[str, tuple[int, int]],
    problems: list[Problem],
) -> None:
    seen: dict[str, tuple[str, int]] = {}
    for param, name_at, value_at in _param_offsets(template, offset):
        name, raw = bare(param.name), str(param.value)
        spec = schema.field_for_param(name)
        key = spec.name if spec else fold(name)
        name_line, name_col = line_col(text, name_at)
        if key in seen:
            first, first_line = seen[key]
            given = f'as "{first}" ' if first != name else ""
            problems.append(
                Problem("E201", f'duplicate parameter "{name}" (also given {given}at line '
                        f"{first_line})", where, name_line, name_col, spec.name if spec else None)
            )
            continue
        seen[key] = (name, name_line)
        if spec is None:
            extra[name] = raw.strip()
            problems.append(_unknown_param(name, schema, where, name_line, name_col))
            continue
        positions[spec.name] = line_col(text, value_at)
        _read_field(spec, raw, where, *positions[spec.name], fields, problems)


def _param_offsets(template: Template, offset: int) -> Iterator[tuple[Parameter, int, int]]:
    """Each parameter of a template at `offset`, with the offsets of its name and its value
    (the value's first non-blank character; the parameter's start when the value is blank)."""
    cursor = offset + 2 + len(str(template.name))
    for param in template.params:
        start = cursor + 1
        cursor = start + len(str(param))
        name_text, raw = str(param.name), str(param.value)
        value_at = start + (len(name_text) + 1 if param.showkey else 0)
        name_at = start + len(name_text) - len(name_text.lstrip()) if param.showkey else value_at
        value_at = value_at + len(raw) - len(raw.lstrip()) if raw.strip() else start
        yield param, name_at, value_at


def _unknown_param(name: str, schema: Schema, where: str, line: int, col: int) -> Problem:
    hint = schema.suggest_param(name)
    tail = f' (did you mean "{hint}"?)' if hint else ""
    return Problem("W202", f'unknown parameter "{name}"{tail}', where, line, col, field=None)


def _read_field(
    spec: FieldSpec,
    raw: str,
    where: str,
    line: int,
    col: int,
    fields: dict[str, Any],
    problems: list[Problem],
) -> None:
    reading = read_value(spec.type, raw, spec.choices, spec.commas)
    if spec.links == "portal" and isinstance(reading.value, list):
        reading = Reading([_PORTAL_PREFIX.sub("", v) for v in reading.value])
    fields[spec.name] = reading.value
    if not reading.ok:
        problems.append(
            Problem("E103", f'field "{spec.name}": {reading.reason}', where, line, col, spec.name)
        )


# `* '''Label''' : value` or `'''Label :''' value`: one colon, inside or just after the bold.
_HEADER_LINE = re.compile(
    r"^[*#:]*[ \t]*'''[ \t]*(?P<label>[^'\n:]{1,60}?)[ \t]*(?P<inner>:)?[ \t]*'''"
    r"[ \t]*(?(inner)|:)[ \t]*(?P<value>[^\n]*)$",
    re.M,
)


def _read_header_lines(
    text: str,
    schema: Schema,
    where: str,
    fields: dict[str, Any],
    positions: dict[str, tuple[int, int]],
    problems: list[Problem],
) -> bool:
    """Fields from `* '''Label''' : value` lines; True when at least one was found."""
    labels = {fold(f.label): f for f in schema.fields}
    found = False
    for m in _HEADER_LINE.finditer(text):
        label = m.group("label")
        spec = schema.field_for_param(label) or labels.get(fold(label))
        if spec is None or spec.name in fields or not m.group("value").strip():
            continue
        line, col = line_col(text, m.start("value"))
        positions[spec.name] = (line, col)
        _read_field(spec, m.group("value"), where, line, col, fields, problems)
        found = True
    return found


def page_categories(code: Wikicode) -> tuple[str, ...]:
    """Categories the page is in (`[[Catégorie:X]]`, `[[Category:X|key]]`), in order, once each."""
    cats: list[str] = []
    for link in code.filter_wikilinks():
        target = str(link.title).strip()
        if target.startswith(":") or ":" not in target:
            continue
        ns, name = target.split(":", 1)
        if ns.strip().lower() in CATEGORY_PREFIXES and name.strip():
            cats.append(normalize_title(name))
    return tuple(dict.fromkeys(cats))


def page_links(code: Wikicode) -> tuple[str, ...]:
    """Internal links to other pages (no categories, files, interwikis, anchors), once each."""
    links: list[str] = []
    for link in code.filter_wikilinks():
        target = str(link.title).strip().lstrip(":").split("#", 1)[0].strip()
        if not target or "{" in target or "<" in target:
            continue
        ns = target.split(":", 1)[0].strip().lower() if ":" in target else ""
        if ns in CATEGORY_PREFIXES and not str(link.title).strip().startswith(":"):
            continue
        if ns in _FILE_PREFIXES or ns in _INTERWIKI_PREFIXES or "//" in target:
            continue
        links.append(normalize_title(target))
    return tuple(dict.fromkeys(links))


def page_sections(code: Wikicode) -> tuple[tuple[str, str], ...]:
    """(heading, text) for each section, in page order; heading markup reduced to text."""
    out: list[tuple[str, str]] = []
    for section in code.get_sections(flat=True, include_lead=False):
        headings = section.filter_headings(recursive=False)
        if not headings:
            continue
        heading = headings[0]
        title = " ".join(heading.title.strip_code().split())
        body = str(section)[len(str(heading)) :].strip()
        out.append((title, body))
    return tuple(out)


def _unclosed_templates(code: Wikicode, text: str, where: str) -> Iterable[Problem]:
    """W602 for each `{{` left as plain text (an unclosed template), nested ones included;
    a run of braces (`{{{{`) is reported once."""
    for node, offset in walk(code, verbatim=False):
        if not isinstance(node, Text):
            continue
        for m in _OPEN_BRACES.finditer(node.value):
            line, col = line_col(text, offset + m.start())
            yield Problem("W602", "unclosed template: '{{' without '}}'", where, line, col)
