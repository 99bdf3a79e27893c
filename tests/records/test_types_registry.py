"""The value types' registry (movibot/records/types.py): a type added there alone is read,
validated, rendered, documented on the template page and exported; the tables derived from it
are the registry's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from movibot.export.records import FIELD_SQL, LIST_TYPES, NUMBER_TYPES, typed
from movibot.records.parse import parse_page
from movibot.records.schema import SchemaError, schema_from_dict, validate_fields
from movibot.records.templatedata import schema_from_templatedata
from movibot.records.types import VALUE_TYPES, JsonKind, ReadOptions, ValueType, starter_type
from movibot.records.values import Reading, passed
from movibot.render.infobox import render_infobox
from movibot.render.templates import render_doc, templatedata


def _read_stars(raw: object, options: ReadOptions) -> Reading:
    text = passed(str(raw)).plain
    if text.strip("★"):
        return Reading(text, False, f"cannot read {text!r} as stars")
    return Reading(Decimal(len(text)) if text else None)


STARS = ValueType("stars", "a rating in stars: `★★★`", _read_stars, "number", "étoiles",
                  JsonKind.NUMBER, "REAL", {"type": "number"},
                  render_number=lambda value, spec: "★" * int(value), unit="★",
                  examples=("★★",), form="Des étoiles, de une à cinq.", bound_code="E107")
DOC = {"type": "object", "required": ["nom"],
       "properties": {"nom": {"type": "string"}, "note": {"type": "number", "minimum": 1}},
       "x-wiki": {"template": "Avis", "fields": {"nom": {"type": "text"},
                                                 "note": {"type": "stars", "label": "Note"}}}}


@pytest.fixture
def stars(monkeypatch: pytest.MonkeyPatch) -> ValueType:
    monkeypatch.setitem(VALUE_TYPES, "stars", STARS)
    return STARS


def test_a_schema_cannot_use_a_type_the_registry_does_not_have() -> None:
    with pytest.raises(SchemaError, match="unknown type 'stars'"):
        schema_from_dict(DOC, "avis.yaml")


def test_a_type_added_to_the_registry_is_read_checked_and_rendered(stars: ValueType) -> None:
    schema = schema_from_dict(DOC, "avis.yaml")
    record = parse_page("{{Avis\n| nom = Le Mixeur\n| note = ★★★\n}}", schema)
    assert record.fields["note"] == Decimal(3) and record.problems == ()
    assert "! Note\n| ★★★\n" in render_infobox("Le Mixeur", record.fields, schema)
    bad = parse_page("{{Avis\n| nom = X\n| note = beaucoup\n}}", schema)
    assert [(p.code, p.message) for p in bad.problems] == [
        ("E103", "field \"note\": cannot read 'beaucoup' as stars")]


def test_a_type_added_to_the_registry_gets_its_own_bound_code(stars: ValueType) -> None:
    schema = schema_from_dict(DOC, "avis.yaml")
    issues = list(validate_fields({"nom": "X", "note": Decimal(0)}, schema))
    assert [(i.code, i.message) for i in issues] == [
        ("E107", 'field "note": stars must be > 0, got 0')]


def test_a_type_added_to_the_registry_is_documented_and_exported(stars: ValueType) -> None:
    schema = schema_from_dict(DOC, "avis.yaml")
    spec = schema.field("note")
    param = templatedata(schema)["params"]["note"]
    assert (param["type"], param["example"], param["description"]["fr"]) == (
        "number", "★★", "Des étoiles, de une à cinq.")
    assert ("| <code>note</code> || Note || étoiles || ★ || non ||  || <code>★★</code> || Des "
            "étoiles, de une à cinq.\n") in render_doc(schema)
    assert typed(spec, Decimal(4)) == 4 and typed(spec, "★") is None


def test_the_export_tables_are_the_registry_s() -> None:
    assert FIELD_SQL == {name: t.sql for name, t in VALUE_TYPES.items()}
    assert NUMBER_TYPES == {"number", "money", "surface", "percent"} == {
        name for name, t in VALUE_TYPES.items() if t.json is JsonKind.NUMBER}
    assert LIST_TYPES == {"list", "titles"} == {
        name for name, t in VALUE_TYPES.items() if t.is_list}


def test_a_starter_schema_takes_its_types_from_the_registry() -> None:
    assert [starter_type(t).name for t in ("number", "boolean", "date", "url", "line",
                                            "content", "string")] == [
        "number", "bool", "date", "url", "text", "text", "text"]
    td = {"params": {"a": {"type": "number"}, "b": {"type": "url"}, "c": {"type": "line"}}}
    text = schema_from_templatedata(td, "T")
    assert "  a: {type: number}\n  b: {type: string, pattern: \"^https?://\"}\n" \
           "  c: {type: string}\n" in text


@pytest.mark.parametrize("kind", [t for t in VALUE_TYPES.values() if t.write is not None],
                         ids=lambda t: t.name)
def test_every_unit_spelling_is_read_and_the_written_form_reads_back(kind: ValueType) -> None:
    values = [Decimal("1700"), Decimal("300.5"), Decimal("0.25"), Decimal("-12")]
    read_back = [kind.read(kind.write(v), ReadOptions()).value for v in values]
    spellings = [kind.read(f"12 {unit}", ReadOptions()).value for unit in kind.units]
    assert (read_back, spellings) == (values, [Decimal(12)] * len(kind.units))
