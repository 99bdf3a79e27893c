"""The compiled validator (fastjsonschema) agrees with jsonschema: on every page of the corpus
(fiches/, the tests' fixtures, the benchmark's generated pages, the hostile pages) and on
generated values, it accepts exactly what jsonschema accepts, so validate_fields gives the same
problems by either path; and a dump run writes the same bytes by either path."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from commandline import Cli
from hypothesis import given, settings
from hypothesis import strategies as st
from reliability_hostile import HOSTILE_PAGES

import movibot.records.schema as schema_module
from movibot.records.read import read_page, sources_of
from movibot.records.record import to_plain
from movibot.records.schema import compiled_check, compiled_valid, load_schemas, validate_fields
from movibot.sites.base import Page
from movibot.wikitext.titles import namespace_of

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import data  # noqa: E402

SCHEMAS = load_schemas()
SOURCES = sources_of(SCHEMAS)


def corpus() -> dict[str, str]:
    """Name -> text of every page of the corpus."""
    files = [*ROOT.glob("fiches/*.wiki"), *ROOT.glob("tests/fixtures/**/*.wiki")]
    pages = {str(f.relative_to(ROOT)): f.read_text(encoding="utf-8", errors="replace")
             for f in files}
    pages.update({f"hostile: {t}": text for t, text in HOSTILE_PAGES.items()})
    pages.update({f"generated: {t}": text for t, text in data.lieu_pages(600).items()})
    return pages


def instances() -> list[tuple[str, Any, dict[str, Any]]]:
    """(page, schema, the instance validate_fields checks) of each page read with a schema."""
    out = []
    for name, text in corpus().items():
        title = name.rsplit("/", 1)[-1].removesuffix(".wiki").replace("_", " ")
        reading = read_page(Page(title, text, ns=namespace_of(title)), SOURCES)
        if reading.schema is not None:
            fields = reading.record.fields
            out.append((name, reading.schema,
                        {k: to_plain(v) for k, v in fields.items() if v is not None}))
    return out


def test_the_corpus_is_big_and_has_invalid_records() -> None:
    found = instances()
    assert len(found) > 650
    assert sum(not s.validator.is_valid(i) for _, s, i in found) > 10


def test_the_compiled_validator_accepts_exactly_what_jsonschema_accepts() -> None:
    disagree = [name for name, schema, instance in instances()
                if compiled_valid(schema, instance) != schema.validator.is_valid(instance)]
    assert disagree == []


def test_validate_fields_gives_the_same_problems_by_either_path(
        monkeypatch: pytest.MonkeyPatch) -> None:
    found = instances()
    fast = [list(validate_fields(i, s)) for _, s, i in found]
    monkeypatch.setattr(schema_module, "COMPILED", False)
    assert fast == [list(validate_fields(i, s)) for _, s, i in found]


@pytest.mark.parametrize("value", ["2024-02-30", "2024-02-29", "2023-1-01", "a@b", "x@", "@",
                                   "nom@exemple.fr", "", "24-01-01", 5])
def test_the_validators_agree_on_the_formatted_fields(value: object) -> None:
    """Each field with a `format` (date, email), in an otherwise valid record of the corpus."""
    valid = {s.json_key: i for _, s, i in instances() if s.validator.is_valid(i)}
    checked = 0
    for schema in SCHEMAS:
        for name, spec in schema.json["properties"].items():
            if "format" in spec:
                instance = {**valid[schema.json_key], name: value}
                assert compiled_valid(schema, instance) == schema.validator.is_valid(instance)
                checked += 1
    assert checked >= 3


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["2024-02-30", "2024-02-29", "a@b", "x@", "@",
                                             "2023-1-01", "0", "-1", "fablab", "coworking"]),
    lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SCHEMAS), st.data())
def test_the_validators_agree_on_generated_values(schema: Any, data_: st.DataObject) -> None:
    names = [f.name for f in schema.fields]
    instance = data_.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=6))
    assert compiled_valid(schema, instance) == jsonschema.Draft202012Validator(
        dict(schema.json),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).is_valid(instance)


def dump_run(cli: Cli, dump: Path, out: Path) -> dict[str, bytes]:
    """Every file a dump run writes (report.json without its times), by name."""
    cli("run", "--site", f"dump:{dump}", "--out", str(out))
    files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    report = json.loads(files.pop("report.json"))
    for key in ("duration_s", "started"):
        report.pop(key)
    files["report.json"] = json.dumps(report, sort_keys=True).encode()
    return files


DUMPS = ["export-0.10.xml", "export-0.11.xml", "export-0.3.xml", "history-0.10.xml"]


@pytest.mark.parametrize("dump", ["generated", *DUMPS])
def test_a_dump_run_writes_the_same_bytes_by_either_path(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dump: str) -> None:
    path = ROOT / "tests" / "fixtures" / "dumps" / dump
    if dump == "generated":
        path = data.write_dump(tmp_path / "dump.xml", 1500)
    fast = dump_run(cli, path, tmp_path / "fast")
    monkeypatch.setattr(schema_module, "COMPILED", False)
    reference = dump_run(cli, path, tmp_path / "reference")
    assert len(fast) > 3 and fast == reference


def test_a_schema_with_a_keyword_draft_7_reads_otherwise_has_no_compiled_validator() -> None:
    bundled = SCHEMAS[0]
    doc = json.loads(bundled.json_key)
    doc["properties"]["nom"]["prefixItems"] = [{"enum": ["A"]}]
    other = dataclasses.replace(bundled, json=doc)
    assert compiled_check(bundled) is not None and compiled_check(other) is None
