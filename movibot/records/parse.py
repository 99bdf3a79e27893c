"""Wikitext -> Record, following a schema. Never raises on bad wikitext; never changes the text.

The page's template (top level first, then nested) gives the fields; older pages without it
give them through header lines such as `* '''Thème''' : Gouvernance`. Text inside movibot's own
blocks is generated, so it is masked before parsing: the record is what people wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from mwparserfromhell.nodes import Comment, Template, Text
from mwparserfromhell.nodes.extras import Parameter
from mwparserfromhell.wikicode import Wikicode

from movibot.problems import Problem, line_col
from movibot.records.record import Record
from movibot.records.schema import FieldSpec, Schema
from movibot.records.values import Reading, read_value
from movibot.wikitext.titles import CATEGORY_PREFIXES, categories_in, fold, normalize_title
from movibot.wikitext.tree import Tree, complexity, mask_blocks, parse_tree, walk, wikicode

__all__ = ["mask_blocks", "walk", "complexity", "parse_page", "parse_record", "read_record"]

_FILE_PREFIXES = ("fichier", "file", "image", "media")
_INTERWIKI_PREFIXES = (
    "w", "wikipedia", "wikt", "wiktionary", "commons", "meta", "mw", "mediawiki", "wikisource",
    "wikibooks", "wikiversity", "wikidata", "d", "fr", "en", "de", "es", "it",
)
_OPEN_BRACES = re.compile(r"\{\{+")
_PORTAL_PREFIX = re.compile(r"^\s*portail\s*:\s*", re.I)




def parse_wikitext(text: str) -> Wikicode:
    """mwparserfromhell's tree of `text`; str() of it gives `text` back (NUL included)."""
    return wikicode(text)


def parse_page(text: str, schema: Schema | None, title: str = "", path: str = "") -> Record:
    """The record of a page following `schema` (None: only categories, links, sections…).

    Problems carry `path` (a file, else the title) and 1-based line:col. A page too complex to
    parse safely (see `complexity`) gives a record with only its categories and an E603.
    """
    return read_record(parse_tree(text), schema, title, path)


def parse_record(text: str, schemas: Sequence[Schema], title: str = "", path: str = "") -> Record:
    """Like parse_page, with the schema picked from the page itself (see pick_schema)."""
    tree = parse_tree(text)
    return read_record(tree, pick_tree_schema(tree, schemas), title, path)


def pick_tree_schema(tree: Tree, schemas: Sequence[Schema]) -> Schema | None:
    """pick_schema on a parsed page (None for a page too complex to parse)."""
    return pick_schema(tree.code, schemas) if tree.code is not None else None


def read_record(tree: Tree, schema: Schema | None, title: str = "", path: str = "") -> Record:
    """The record of a parsed page following `schema`; no tokenizer pass (the tree has it)."""
    kind = schema.kind if schema else None
    if tree.code is None:
        return _unparsed(tree.masked, kind, title, path, tree.too_complex or "")
    try:
        return _build_record(tree.code, tree.masked, schema, title, path)
    except RecursionError:
        return _unparsed(tree.masked, kind, title, path, "wikitext nested too deeply")


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
    template_end = template_start = None
    template_at = None
    top_level = False
    fallback = False
    if schema is not None:
        found = locate_template(code, schema)
        if found is not None:
            template, offset, top_level = found
            template_start, template_end = offset, offset + len(str(template))
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
        template_start=template_start,
        template_top_level=top_level,
        template_at=template_at,
        from_fallback=fallback,
        problems=tuple(problems),
    )


def bare(code: Wikicode) -> str:
    """A name as written, without its HTML comments and surrounding white space."""
    return "".join(str(n) for n in code.nodes if not isinstance(n, Comment)).strip()


def find_template(code: Wikicode, schema: Schema, text: str) -> tuple[Template, int] | None:
    """The schema's template call (top level first, then nested) and its offset in text."""
    found = locate_template(code, schema)
    return (found[0], found[1]) if found else None


def locate_template(code: Wikicode, schema: Schema) -> tuple[Template, int, bool] | None:
    """The schema's template call, its offset, and whether it is a top-level node of the page
    (not inside a tag, a table or another template)."""
    offset = 0
    for node in code.nodes:
        if isinstance(node, Template) and schema.matches_template(bare(node.name)):
            return node, offset, True
        offset += len(str(node))
    for node, offset in walk(code):
        if isinstance(node, Template) and schema.matches_template(bare(node.name)):
            return node, offset, False
    return None


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
