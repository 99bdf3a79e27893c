"""The one check: a page's record and its schema in, Problems out (pure).

Used by lint, parse, the run (live, folder and dump) and push, so that they all agree: a page
has a blocking problem here exactly when the run leaves it `invalid`. lint adds only the rules
about files and the documentation method (sections, categories, links, blocks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from movibot.costs.inputs import INPUT_FIELDS, SHARE_FIELDS, cost_inputs
from movibot.costs.model import input_issues
from movibot.i18n import Msg
from movibot.problems import CODES, Problem, line_col
from movibot.records.record import Record
from movibot.records.schema import FieldIssue, Schema, validate_fields
from movibot.records.values import FieldValue
from movibot.wikitext.escaping import category_from
from movibot.wikitext.save import save_transforms
from movibot.wikitext.tree import Tree

# Codes that make a record unfit to render (the registry's `blocks`): the page is reported
# `invalid` and left alone.
BLOCKING = frozenset(c.code for c in CODES.values() if c.blocks)
# What XML 1.0 cannot carry at all, not even as a character reference (E605).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INPUT_CODES = {"invalid": "E102", "non-positive-surface": "E107",
                "usable-exceeds-total": "E106", "shares": "E105"}


def check_page(tree: Tree, record: Record, schema: Schema | None, path: str = ""
               ) -> tuple[Problem, ...]:
    """Every problem of a parsed page's record under its schema, sorted by position: what the
    parser found, the schema's rules, the cost model's inputs, and text MediaWiki would rewrite
    on save. `path` names the file (else the record's title)."""
    where = path or record.title
    problems = list(record.problems)
    if schema is not None and tree.code is not None:
        problems.extend(check_record(record, schema, where))
    trap = save_transforms(tree.text, tree.blocks)
    if trap:
        problems.append(Problem("E604", trap[2], where, trap[0], trap[1]))
    problems.extend(conflict_markers(tree.text, where))
    unfit = not_xml(tree.text, where)
    if unfit is not None:
        problems.append(unfit)
    return tuple(sorted(problems, key=lambda p: (p.line, p.col, p.code)))


def not_xml(text: str, where: str, offset: int = 0) -> Problem | None:
    """E605 for the first character of `text` XML 1.0 cannot carry, None when there is none.
    `offset`: where `text` starts in the page's text when it is a later chunk of it (then
    the position is given as a character count)."""
    found = NOT_XML.search(text)
    if found is None:
        return None
    line, col = line_col(text, found.start()) if not offset else (1, 1)
    at = "" if not offset else f" (character {offset + found.start() + 1})"
    return Problem("E605", Msg("U+{value:04X}{at}: a character XML 1.0 cannot carry "
                               "(the page cannot be in an import file)",
                               value=ord(found.group()), at=at), where, line, col)


_CONFLICT_MARKER = re.compile(r"^(<{7}|>{7})(?![<>])", re.M)


def conflict_markers(text: str, where: str) -> list[Problem]:
    """E606 at each line a merge tool left (`<<<<<<< HEAD`, `>>>>>>> theirs`)."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text:
        return []
    return [Problem("E606", Msg("merge conflict marker '{m}': the file holds both "
                                "sides of a conflict", m=m.group(1)),
                    where, *line_col(text, m.start()))
            for m in _CONFLICT_MARKER.finditer(text)]


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that leave a page `invalid`."""
    return [p for p in problems if p.code in BLOCKING]


def check_record(record: Record, schema: Schema, where: str) -> list[Problem]:
    """Missing template, the schema's rules and the cost inputs of a parsed record."""
    at = record.template_at or (1, 1)
    if record.template_at is None and not record.from_fallback:
        return [Problem("E108", Msg("page has no {{{{{template}}}}} template",
                                    template=schema.template), where, 1, 1)]
    out = []
    unreadable = {p.field for p in record.problems if p.code == "E103" and p.field}
    readable = {k: v for k, v in record.fields.items() if k not in unreadable}
    for issue in validate_fields(readable, schema, record.params):
        if _follows_from_e103(issue, unreadable):
            continue
        line, col = record.positions.get(issue.field or "", at)
        out.append(Problem(issue.code, issue.message, where, line, col, issue.field))
    if schema.kind == "lieu":
        out.extend(_cost_problems(record, readable, {p.field for p in out} | unreadable, where,
                                  schema))
    out.extend(_category_problems(record, readable, schema, where))
    return out


def _category_problems(record: Record, readable: Mapping[str, FieldValue], schema: Schema,
                       where: str) -> Iterator[Problem]:
    """W111 for each value of a field with a `category:` pattern that makes no category (not
    plain: markup, a magic word's shape, `_`; see category_from): it is shown, inertly, and
    puts the page in no category."""
    at = record.template_at or (1, 1)
    for spec in schema.fields:
        values = readable.get(spec.name)
        if not spec.category or values is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            if str(value).strip() and category_from(spec.category, str(value)) is None:
                line, col = record.positions.get(spec.name, at)
                yield Problem("W111", Msg('field "{schema}": {value!r} makes no '
                                          "category: MediaWiki would not keep it as "
                                          "written (markup, a magic word, an "
                                          "underscore); it is shown as text only",
                                          schema=schema.shown(spec.name, record.params),
                                          value=str(value)), where, line, col,
                              spec.name)


def _cost_problems(record: Record, readable: Mapping[str, FieldValue], flagged: set[str | None],
                   where: str, schema: Schema) -> Iterator[Problem]:
    """The cost model's objections to inputs the schema let through (E102, E105-E107)."""
    inputs = cost_inputs(readable)
    if inputs is None:
        return
    at = record.template_at or (1, 1)
    for issue in input_issues(inputs):
        name = INPUT_FIELDS.get(issue.input, issue.input)
        fields = SHARE_FIELDS if issue.input == "shares" else (name,)
        if flagged.intersection(fields):
            continue
        line, col = record.positions.get(name, at)
        message = f'field "{schema.shown(name, record.params)}": cost model: {issue.message}'
        yield Problem(_INPUT_CODES[issue.kind], message, where, line, col, name)


def _follows_from_e103(issue: FieldIssue, unreadable: set[str]) -> bool:
    """True for an issue an unreadable value (already E103) causes: missing, or shares."""
    if issue.code == "E105":
        return bool(unreadable.intersection(SHARE_FIELDS))
    return issue.field in unreadable
