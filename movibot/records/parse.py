"""Wikitext -> Record, following a schema. Never raises on bad wikitext; never changes the text.

The page's template call gives the fields: the call MediaWiki's preprocessor finds on the page
itself, whatever mwparserfromhell makes of its text (not one in <includeonly> text; one in
<noinclude> or <onlyinclude> is), its name read as a title (`{{Tiers&#45;Lieu}}`), top level
first, then nested; another call is W203. Its parameters are split as MediaWiki's preprocessor
splits them (a `|` inside an HTML tag, a table or an external link ends a value: W204), and
each value is read for its type from the page's one tree (see values.py; an ambiguous `1,700`
is W110), or parsed on its own where mwparserfromhell makes no template of the call. Older
pages without the template give the fields through header lines such as
`* '''Thème''' : Gouvernance`. Text inside movibot's own blocks is generated, so it is masked
before parsing: the record is what people wrote.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from mwparserfromhell.nodes import Comment, Template, Wikilink
from mwparserfromhell.wikicode import Wikicode

from movibot.i18n import Msg
from movibot.problems import Fix, Problem, line_col
from movibot.records.record import Record
from movibot.records.schema import FieldSpec, Schema
from movibot.records.types import read_value
from movibot.records.values import FieldValue, Reading
from movibot.records.written import written_problems
from movibot.wikitext.preprocessor import Call, Calls
from movibot.wikitext.titles import (
    CATEGORY_PREFIXES,
    categories_in,
    fold,
    normalize_title,
    template_name,
)
from movibot.wikitext.tree import (
    Arg,
    Cut,
    PageCall,
    Survey,
    Tree,
    complexity,
    in_ranges,
    mask_blocks,
    mediawiki_args,
    parse_tree,
    survey,
    template_title,
    walk,
    wikicode,
)

__all__ = ["mask_blocks", "walk", "complexity", "parse_page", "parse_record", "read_record"]

_FILE_PREFIXES = ("fichier", "file", "image", "media")
_INTERWIKI_PREFIXES = (
    "w", "wikipedia", "wikt", "wiktionary", "commons", "meta", "mw", "mediawiki", "wikisource",
    "wikibooks", "wikiversity", "wikidata", "d", "fr", "en", "de", "es", "it",
)
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


def pick_tree_schema(tree: Tree, schemas: Sequence[Schema], first_letter: bool = True
                     ) -> Schema | None:
    """pick_schema on a parsed page (None for a page too complex to parse); template names
    resolved on a `first-letter` wiki or not."""
    if tree.code is None:
        return None
    try:
        return _pick(tree.survey, schemas, first_letter)
    except RecursionError:  # nested too deeply: read_record gives its E603
        return None


def read_record(tree: Tree, schema: Schema | None, title: str = "", path: str = "",
                first_letter: bool = True) -> Record:
    """The record of a parsed page following `schema`; no tokenizer pass (the tree has it).
    `first_letter`: the wiki reads a title's first letter in any case (siteinfo `case`)."""
    kind = schema.kind if schema else None
    if tree.code is None:
        return _unparsed(tree.masked, kind, title, path, tree.too_complex or "")
    try:
        return _build_record(tree.survey, tree.masked, schema, title, path, first_letter)
    except RecursionError:
        return _unparsed(tree.masked, kind, title, path, "wikitext nested too deeply")


def _unparsed(text: str, kind: str | None, title: str, path: str, reason: str) -> Record:
    """The record of a page the parser is not given: its categories and an E603 (blocking)."""
    message = f"page too complex to parse safely: {reason}; fields, links and sections not read"
    return Record(title=title, kind=kind, categories=tuple(categories_in(text)),
                  problems=(Problem("E603", message, path or title, 1, 1),))


def pick_schema(code: Wikicode, schemas: Sequence[Schema]) -> Schema | None:
    """The schema whose template the page calls, else whose source category it is in (calls
    and categories in <includeonly> text do not count)."""
    return _pick(survey(code), schemas)


def _pick(found: Survey, schemas: Sequence[Schema], first_letter: bool = True
          ) -> Schema | None:
    for schema in schemas:
        if infobox_calls(found, schema, first_letter):
            return schema
    cats = {fold(c) for c in page_categories(found, found.calls.hidden)}
    for schema in schemas:
        if schema.source_category and fold(schema.source_category) in cats:
            return schema
    return None


def _build_record(
    found: Survey, masked: str, schema: Schema | None, title: str, path: str,
    first_letter: bool = True,
) -> Record:
    where = path or title
    problems: list[Problem] = []
    fields: dict[str, FieldValue] = {}
    extra: dict[str, str] = {}
    positions: dict[str, tuple[int, int]] = {}
    params: dict[str, str] = {}
    template_end = template_start = None
    template_at = None
    top_level = False
    fallback = False
    hidden = found.calls.hidden
    if schema is not None:
        calls = infobox_calls(found, schema, first_letter)
        if calls:
            used = calls[0]
            template_start, template_end = used.call.start, used.call.end
            top_level = used.top_level
            template_at = line_col(masked, template_start)
            problems.extend(_duplicate_calls(calls, found, where))
            _read_params(used, found, schema, where,
                         _Found(fields, extra, positions, params), problems)
        else:
            shown = _blank(masked, hidden)
            fallback = _read_header_lines(shown, schema, where,
                                          _Found(fields, extra, positions, params), problems)
    problems.extend(_unclosed_templates(found, schema, first_letter, where))
    return Record(
        title=title,
        kind=schema.kind if schema else None,
        fields=fields,
        extra=extra,
        positions=positions,
        params=params,
        categories=page_categories(found, hidden),
        sections=page_sections(found, masked),
        links=page_links(found, hidden),
        templates=tuple(dict.fromkeys(bare(t.name) for t, _, _ in found.templates)),
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


def calls_template(template: Template, schema: Schema, first_letter: bool = True) -> bool:
    """True when a template call transcludes the schema's template, its name read as MediaWiki
    reads a title (`{{Tiers&#45;Lieu}}`, `{{Tiers_Lieu}}`, `{{Modèle:Tiers-Lieu}}`; not
    `{{TIERS-LIEU}}`: see Schema.matches_template)."""
    return schema.matches_template(template_title(bare(template.name)), first_letter)


def infobox_calls(found: Survey, schema: Schema, first_letter: bool = True) -> list[PageCall]:
    """Every call of the schema's template MediaWiki's preprocessor finds on the page itself
    (not in <includeonly> text, not in an extension tag), its name read as MediaWiki reads a
    title, in the order they are chosen: the top-level ones in page order, then the nested
    ones (in a tag, a table, another template) in page order."""
    matching = [c for c in found.page_calls if schema.matches_template(c.title, first_letter)]
    return [c for c in matching if c.top_level] + [c for c in matching if not c.top_level]


def near_misses(found: Survey, masked: str, schemas: Sequence[Schema], where: str,
                first_letter: bool = True) -> list[Problem]:
    """W205 for each call the page shows whose name is nearly a schema's template (or alias)
    but that MediaWiki resolves to another page (Schema.near_template); on a page calling none
    of the schemas' templates, a likely typo (`{{Fihce}}`: Schema.close_template) too."""
    calls = found.page_calls
    read = {c.call.start for c in calls
            if any(s.matches_template(c.title, first_letter) for s in schemas)}
    out = []
    for c in calls:
        if c.call.start in read:
            continue
        hint, only = _intended(c.title, schemas, first_letter, typos=not read)
        if hint is not None:
            page = template_name(c.title, first_letter) or c.title
            out.append(Problem(
                "W205", Msg("{{{{{name}}}}} is not read as {{{{{hint}}}}}: MediaWiki "
                            "calls another page (Modèle:{page}); did you mean "
                            "{{{{{hint}}}}}?", name=found.calls.title_name(c.call), hint=hint,
                            page=page),
                where, *line_col(masked, c.call.start),
                fix=_rename(c.call, found.calls, hint) if only else None))
    return out


def _rename(call: Call, calls: Calls, hint: str) -> Fix | None:
    """The fix of a near-miss call: its name as written (without the spaces around it)
    replaced with `hint`; None for a name holding markup (a comment, a parameter)."""
    written = calls.title(call)
    name = written.strip()
    if not name or any(c in name for c in "<>{}[]|\n"):
        return None
    start = call.start + 2 + len(written) - len(written.lstrip())
    return Fix(start, start + len(name), hint)


def _intended(name: str, schemas: Sequence[Schema], first_letter: bool, typos: bool
              ) -> tuple[str | None, bool]:
    """The schemas' template name a call's name nearly is, or (with `typos`) is close to, and
    whether it is the only one (then lint --fix writes it)."""
    near = [h for s in schemas if (h := s.near_template(name, first_letter)) is not None]
    if near or not typos:
        return (near[0] if near else None), len(set(near)) == 1
    close = [h for s in schemas for h in s.close_templates(name)]
    return (close[0] if close else None), len(set(close)) == 1


def _duplicate_calls(calls: list[PageCall], found: Survey, where: str) -> Iterator[Problem]:
    """W203 for each infobox call after the one read (the first): the record has one."""
    text, used = found.text, calls[0].call
    used_line = line_col(text, used.start)[0]
    for other in calls[1:]:
        line, col = line_col(text, other.call.start)
        yield Problem(
            "W203", Msg("another infobox call {{{{{name}}}}} at line {line} is "
                        "ignored: the infobox is the {{{{{name2}}}}} call at line "
                        "{used_line}", name=found.calls.title_name(other.call), line=line,
                        name2=found.calls.title_name(used), used_line=used_line),
            where, line, col)


def _blank(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """The text with `ranges` blanked out (same length, newlines kept)."""
    for start, end in ranges:
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    return text


def _read_params(
    used: PageCall,
    page: Survey,
    schema: Schema,
    where: str,
    found: _Found,
    problems: list[Problem],
) -> None:
    fields, extra, positions = found.fields, found.extra, found.positions
    seen: dict[str, tuple[str, int]] = {}
    where_given: dict[str, tuple[int, int] | None] = {}  # each parameter's last `|…` span
    args, cuts = mediawiki_args(used.template, used.call.start, used.call, page.calls)
    text = page.text
    where_is = _Lines(text) if len(args) > 50 else partial(line_col, text)
    for cut in cuts:
        problems.append(_cut_value(cut, schema, where, *where_is(cut.at)))
    spans = _param_spans(args, cuts)
    for arg in args:
        name = arg.name
        spec = schema.field_for_param(name)
        if spec is None and arg.cut:  # a part cut out of a value: its W204 says so
            extra.setdefault(name, str(arg.value).strip())
            continue
        key = spec.name if spec else fold(name)
        name_line, name_col = where_is(arg.name_at)
        before = seen.get(key)
        seen[key] = (name, name_line)
        earlier = where_given.get(key)
        where_given[key] = spans.get(arg.name_at)
        if before is not None:  # MediaWiki passes the last value: it replaces the earlier one
            fix = Fix(*earlier, "") if earlier else None
            problems.append(_duplicate(name, before, spec, where, name_line, name_col, fix))
            _forget(before[0], spec, extra, problems)
        if spec is None:
            extra[name] = str(arg.value).strip()
            if before is None:
                problems.append(_unknown_param(name, schema, where, name_line, name_col))
            continue
        positions[spec.name] = where_is(arg.value_at)
        found.params[spec.name] = name
        reading = _read_field(spec, arg.value, where, *positions[spec.name], fields, problems,
                              schema, name)
        if reading.written and problems and problems[-1].code == "W112":
            problems[-1] = _respelled(problems[-1], arg, reading)
        problems.extend(written_problems(arg, spec, reading, text, where, (name_line, name_col),
                                         positions[spec.name]))


def _duplicate(name: str, before: tuple[str, int], spec: FieldSpec | None, where: str,
               line: int, col: int, fix: Fix | None) -> Problem:
    """E201 at a parameter given again (`before`: its earlier name as written and line; `fix`
    deletes the earlier one)."""
    given = f'as "{before[0]}" ' if before[0] != name else ""
    return Problem("E201", Msg('duplicate parameter "{name}" (also given {given}at '
                               "line {value}): MediaWiki passes this last value",
                               name=name, given=given, value=before[1]), where, line, col,
                   spec.name if spec else None, fix)


def _param_spans(args: Sequence[Arg], cuts: Sequence[Cut]) -> dict[int, tuple[int, int]]:
    """Each parameter's `|name = value` span by where its name starts (Arg.name_at), for
    lint --fix to delete an earlier duplicate; none in a call MediaWiki cuts (W204)."""
    return {} if cuts else {arg.name_at: arg.span for arg in args}


# What reading one value finds (_read_field, records.written)
_VALUE_CODES = frozenset({"E103", "W110", "W112", "W113", "W114", "W206"})


def _forget(earlier: str, spec: FieldSpec | None, extra: dict[str, str],
            problems: list[Problem]) -> None:
    """Drop what an earlier value of a parameter given again left: its extra entry, or the
    problems reading it found (the last value is read instead)."""
    if spec is None:
        extra.pop(earlier, None)
        return
    problems[:] = [p for p in problems
                   if not (p.field == spec.name and p.code in _VALUE_CODES)]


@dataclass(frozen=True)
class _Found:
    """What reading a call's parameters (or header lines) fills in: the record's fields, its
    unknown parameters, each field's position and its parameter as written."""

    fields: dict[str, FieldValue]
    extra: dict[str, str]
    positions: dict[str, tuple[int, int]]
    params: dict[str, str]


class _Lines:
    """line_col for many offsets of one text: its line starts found once."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, max(0, offset)) - 1
        return i + 1, offset - self.starts[i] + 1


def _cut_value(cut: Cut, schema: Schema, where: str, line: int, col: int) -> Problem:
    """W204: MediaWiki ends the value at a `|` inside a tag, a table or an external link."""
    spec = schema.field_for_param(cut.name)
    shown = " ".join(cut.value.split())
    return Problem(
        "W204", Msg("the value of \"{name}\" ends at this '|' (inside {inside}): "
                    "MediaWiki passes {shown!r} to the template and the rest as other "
                    "parameters; write {{{{!}}}} for a '|' inside a value",
                    name=cut.name, inside=cut.inside, shown=shown),
                   where, line, col, spec.name if spec else None)


def _unknown_param(name: str, schema: Schema, where: str, line: int, col: int) -> Problem:
    hint = schema.suggest_param(name)
    tail = Msg(' (did you mean "{hint}"?)', hint=hint) if hint else ""
    return Problem("W202", Msg('unknown parameter "{name}"{tail}', name=name, tail=tail),
                   where, line, col, field=None)


def _read_field(
    spec: FieldSpec,
    raw: str | Wikicode,
    where: str,
    line: int,
    col: int,
    fields: dict[str, FieldValue],
    problems: list[Problem],
    schema: Schema,
    written: str,
) -> Reading:
    """Read one value for its field's type (from the page's tree when it comes from the
    template: no tokenizer pass), with its E103, W110 or W112 naming the parameter as
    `written`; the value's Reading."""
    reading = read_value(spec.type, raw, spec.choices, spec.commas, name=bool(spec.category))
    if spec.links == "portal" and isinstance(reading.value, list):
        reading = Reading([_PORTAL_PREFIX.sub("", v) for v in reading.value])
    fields[spec.name] = reading.value
    if not reading.ok:
        problems.append(
            Problem("E103", Msg('field "{written}": {reason}', written=written,
                                reason=reading.reason), where, line, col, spec.name)
        )
    elif reading.note and _possible(schema, spec.name, reading.alternative):
        problems.append(
            Problem("W110", Msg('field "{written}": {note}', written=written,
                                note=reading.note), where, line, col, spec.name)
        )
    elif reading.written:
        problems.append(
            Problem("W112", Msg('field "{written}": {written2!r} is read as {value!r}; '
                                "write it as the schema spells it", written=written,
                                written2=reading.written, value=reading.value), where, line, col,
                    spec.name))
    return reading


def _respelled(problem: Problem, arg: Arg, reading: Reading) -> Problem:
    """The W112 of a parameter's value with its fix: the value as written (without the spaces
    around it) replaced with the schema's spelling, when it is exactly the text read."""
    raw = str(arg.value).strip()
    if raw != reading.written or not isinstance(reading.value, str):
        return problem
    return dataclasses.replace(problem, fix=Fix(arg.value_at, arg.value_at + len(raw),
                                                reading.value))


def _possible(schema: Schema, name: str, value: Decimal | None) -> bool:
    """Whether the field could hold `value` (the other reading of an ambiguous number): its
    JSON Schema's type and bounds allow it. `latitude = 45,439` is not ambiguous: 45 439 is
    not a latitude."""
    if not isinstance(value, Decimal):
        return False
    prop = (schema.json.get("properties") or {}).get(name) or {}
    if not isinstance(prop, Mapping):
        return True
    if prop.get("type") == "integer" and value != value.to_integral_value():
        return False
    checks = {"minimum": value.__ge__, "maximum": value.__le__,
              "exclusiveMinimum": value.__gt__, "exclusiveMaximum": value.__lt__}
    for key, holds in checks.items():
        bound = prop.get(key)
        if isinstance(bound, (int, float)) and not isinstance(bound, bool) and not holds(
                Decimal(str(bound))):
            return False
    return True


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
    found: _Found,
    problems: list[Problem],
) -> bool:
    """Fields from `* '''Label''' : value` lines; True when at least one was found."""
    fields, positions = found.fields, found.positions
    labels = {fold(f.label): f for f in schema.fields}
    read_any = False
    for m in _HEADER_LINE.finditer(text):
        label = m.group("label")
        spec = schema.field_for_param(label) or labels.get(fold(label))
        if spec is None or spec.name in fields or not m.group("value").strip():
            continue
        line, col = line_col(text, m.start("value"))
        positions[spec.name] = (line, col)
        found.params[spec.name] = label
        _read_field(spec, m.group("value"), where, line, col, fields, problems, schema, label)
        read_any = True
    return read_any


def _shown_links(found: Survey, hidden: Sequence[tuple[int, int]]) -> Iterable[Wikilink]:
    """The page's links, without those in `hidden` ranges (<includeonly> text)."""
    return [link for link, at in found.links if not in_ranges(at, hidden)]


def page_categories(found: Survey, hidden: Sequence[tuple[int, int]] = ()) -> tuple[str, ...]:
    """Categories the page is in (`[[Catégorie:X]]`, `[[Category:X|key]]`), in order, once each;
    links in `hidden` ranges (<includeonly> text) do not put the page itself in a category."""
    cats: list[str] = []
    for link in _shown_links(found, hidden):
        target = str(link.title).strip()
        if target.startswith(":") or ":" not in target:
            continue
        ns, name = target.split(":", 1)
        if ns.strip().lower() in CATEGORY_PREFIXES and name.strip():
            cats.append(normalize_title(name))
    return tuple(dict.fromkeys(cats))


def page_links(found: Survey, hidden: Sequence[tuple[int, int]] = ()) -> tuple[str, ...]:
    """Internal links to other pages (no categories, files, interwikis, anchors), once each
    (not those in `hidden` ranges)."""
    links: list[str] = []
    for link in _shown_links(found, hidden):
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


def page_sections(found: Survey, text: str) -> tuple[tuple[str, str], ...]:
    """(heading, text) for each section, in page order (a section ends at the next heading of
    any level); heading markup reduced to text."""
    out: list[tuple[str, str]] = []
    for k, (heading, at) in enumerate(found.headings):
        end = found.headings[k + 1][1] if k + 1 < len(found.headings) else len(text)
        title = " ".join(heading.title.strip_code().split())
        out.append((title, text[at + len(str(heading)):end].strip()))
    return tuple(out)


def _unclosed_templates(found: Survey, schema: Schema | None, first_letter: bool,
                        where: str) -> Iterable[Problem]:
    """W602 for each `{{` MediaWiki's preprocessor leaves open to the end of the page (an
    unclosed template, nested ones included; a run of braces once): where mwparserfromhell
    parses the schema's template there, something opened inside it (an `[[`, a heading line,
    a tag, a comment) is still open at its `}}`, and the call is not read."""
    text = found.text
    where_is = _Lines(text) if len(found.calls.open_braces) > 20 else partial(line_col, text)
    for offset in found.calls.open_braces:
        node = found.nodes.get(offset)
        if schema is not None and node is not None and calls_template(node[0], schema,
                                                                       first_letter):
            message = Msg("unclosed template: MediaWiki does not end {{{{{name}}}}} at its "
                          "'}}}}', something opened inside it (an '[[', a heading, a tag) is "
                          "still open there; the call is not read", name=bare(node[0].name))
        else:
            message = Msg("unclosed template: '{{' without '}}'")
        yield Problem("W602", message, where, *where_is(offset))
