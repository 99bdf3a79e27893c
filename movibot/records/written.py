"""What a template call writes another way than movibot reads it (pure), each with the Fix
that `movibot lint --fix` applies:

- W206: a parameter's name in another case or accent, or with a no-break space, than the
  schema's spellings (its `param` and aliases): movibot folds it, MediaWiki does not;
- W113: `<noinclude>`/`<onlyinclude>` tags or an `<includeonly>` element inside a value
  (the fix removes the tags, never the element);
- W114: a number or unit read without doubt but written another way than the French form the
  value type writes (types.ValueType.write): `300m2` -> `300 m²`, `2500 euros` -> `2 500 €`.

A fix is given only when it changes nothing the page shows or movibot reads: the value read
back from the fixed text is the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from movibot.i18n import Msg, joined, msg_n
from movibot.problems import Fix, Problem
from movibot.records.schema import FieldSpec
from movibot.records.types import read_value
from movibot.records.values import Reading
from movibot.wikitext.preprocessor import PHP_SPACE
from movibot.wikitext.titles import fold
from movibot.wikitext.tree import Arg, drop_inclusion_tags, hidden_ranges


def written_problems(arg: Arg, spec: FieldSpec, reading: Reading, text: str, where: str,
                     name_at: tuple[int, int], value_at: tuple[int, int]) -> list[Problem]:
    """The W206, W113 and W114 of one parameter of the infobox call (`text`: the page's masked
    text; `name_at`, `value_at`: the line and column of its name and value)."""
    if arg.cut:  # a part MediaWiki cut out of a value: its W204 says so
        return []
    found = [name_spelling(arg, spec, text, where, *name_at),
             inclusion_tags(arg, spec, text, where, *value_at),
             number_form(arg, spec, reading, text, where, *value_at)]
    return [p for p in found if p is not None]


def name_spelling(arg: Arg, spec: FieldSpec, text: str, where: str, line: int, col: int
                  ) -> Problem | None:
    """W206 for a named parameter read as `spec` by folding its name; its fix writes the
    schema's spelling it folds to (else the field's `param`)."""
    spellings = (spec.param, *spec.aliases)
    if not arg.showkey or arg.name in spellings:
        return None
    folded = fold(arg.name)
    spelling = next((s for s in spellings if fold(s) == folded), spec.param)
    shown = "".join(" " if c.isspace() else c for c in arg.name)
    odd = any(c.isspace() and c not in PHP_SPACE for c in arg.name)
    note = Msg(" (with a no-break space)") if odd else ""
    end = arg.name_at + len(arg.name)
    fix = Fix(arg.name_at, end, spelling) if text[arg.name_at:end] == arg.name else None
    return Problem("W206", Msg('parameter "{shown}"{note} is read as "{spelling}", but '
                               "MediaWiki passes it to the template under the name "
                               'written; write "{spelling}"', shown=shown, note=note,
                               spelling=spelling),
                   where, line, col, spec.name, fix)


_INCLUSION_TAG = re.compile(r"</?(?:noinclude|onlyinclude)(?=[\s/>])[^>]*>", re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def inclusion_tags(arg: Arg, spec: FieldSpec, text: str, where: str, line: int, col: int
                   ) -> Problem | None:
    """W113 for a value holding <noinclude>/<onlyinclude> tags (the fix removes them, as
    MediaWiki does on the page itself) or an <includeonly> element (left alone)."""
    raw = str(arg.value)
    if "<" not in raw:
        return None
    dropped = drop_inclusion_tags(raw)
    parts: list[str] = []
    if dropped != raw:
        tags = dict.fromkeys(t.lower() for t in _INCLUSION_TAG.findall(_COMMENT.sub("", raw)))
        parts.append(msg_n("MediaWiki drops its {tags} tag on the page itself (the text stays)",
                           "MediaWiki drops its {tags} tags on the page itself (the text "
                           "stays)", len(tags), tags=", ".join(tags)))
    if hidden_ranges(raw):
        parts.append(Msg("its <includeonly> text is hidden on the page itself, and not read"))
    if not parts:
        return None
    start = _value_start(arg, raw)
    fix = (Fix(start, start + len(raw), dropped)
           if dropped != raw and text[start:start + len(raw)] == raw else None)
    return Problem("W113", Msg('field "{name}": {parts}', name=arg.name,
                               parts=joined(parts, "; ")), where, line, col, spec.name, fix)


def _value_start(arg: Arg, raw: str) -> int:
    """The offset of the value's first character (Arg.value_at is its first non-blank one)."""
    return arg.value_at - (len(raw) - len(raw.lstrip())) if raw.strip() else arg.value_at


_MARKUP = frozenset("<>[]{}|'&\n")
_PARTS = re.compile(r"(?P<pre>[^\d+\-.,]*?)\s*(?P<number>[+-]?[\d.,\s]*\d)\s*(?P<post>(?:\D.*)?)")
_DIGIT_GROUPS = re.compile(r"(?<=\d) (?=\d)")


def number_form(arg: Arg, spec: FieldSpec, reading: Reading, text: str, where: str, line: int,
                col: int) -> Problem | None:
    """W114 for a number read without doubt (no ambiguity, no markup, a unit the type knows
    and nothing else) but not written as its type writes it, when that form reads back as the
    same value; its fix writes that form."""
    kind = spec.value_type
    raw = str(arg.value).strip()
    if (kind.write is None or not reading.ok or reading.note
            or not isinstance(reading.value, Decimal) or not raw or _MARKUP & set(raw)
            or not _known_unit(raw, kind.units)):
        return None
    canonical = kind.write(reading.value)
    forms = (canonical, canonical.removesuffix(f" {kind.units[0]}") if kind.units else canonical)
    if _spaced(raw) in {_spaced(f) for f in forms}:
        return None
    again = read_value(spec.type, canonical, spec.choices, spec.commas)
    end = arg.value_at + len(raw)
    if again.value != reading.value or again.note or text[arg.value_at:end] != raw:
        return None
    return Problem("W114", Msg('field "{name}": {raw!r} is read as {canonical!r}; '
                               "write it the French way", name=arg.name, raw=raw,
                               canonical=canonical), where, line, col, spec.name,
                   Fix(arg.value_at, end, canonical))


def _known_unit(raw: str, units: Sequence[str]) -> bool:
    """True when `raw` is a number with at most one unit, before or after it, spelled as one
    of `units` (any case, any spaces)."""
    m = _PARTS.fullmatch(raw)
    if m is None:
        return False
    given = [" ".join(m.group(k).split()).casefold() for k in ("pre", "post")]
    known = {u.casefold() for u in units}
    return given.count("") >= 1 and all(g == "" or g in known for g in given)


def _spaced(text: str) -> str:
    """`text` with every kind of space one plain space and none between two digits, and a
    decimal dot for the comma: thousands groups are optional (`1700` and `1 700` are both the
    French form) and so is the comma (`45.76`: map tools write coordinates so)."""
    return _DIGIT_GROUPS.sub("", " ".join(text.split())).replace(",", ".")
