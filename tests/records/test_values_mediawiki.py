"""Values as MediaWiki passes them, then read for their type (data-driven).

Each tests/fixtures/values/NAME.yaml is one case: `type` (a schema type), `raw` (the value as
written in the page), optional `choices`, `name` (a text value that names a category), and the
expected `value` with an optional `note` (W110), or the `error` (E103's reason). Each case is
read twice, from the text and from the parameter's value in the page's one tree, and both
readings must be the same.
"""

from __future__ import annotations

from pathlib import Path

import mwparserfromhell
import pytest
import yaml

from movibot.records.record import to_plain
from movibot.records.values import Reading, read_value

FIXTURES = Path(__file__).parents[1] / "fixtures" / "values"
CASES = sorted(FIXTURES.glob("*.yaml"))


def _case(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _read(case: dict, raw) -> Reading:
    return read_value(case["type"], raw, tuple(case.get("choices") or ()),
                      name=bool(case.get("name")))


def _expected(case: dict) -> dict:
    if "error" in case:
        return {"ok": False, "value": case["raw"].strip(), "reason": case["error"], "note": ""}
    return {"ok": True, "value": case["value"], "reason": "", "note": case.get("note", "")}


def _got(reading: Reading) -> dict:
    return {"ok": reading.ok, "value": to_plain(reading.value), "reason": reading.reason,
            "note": reading.note}


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_value_read_from_its_text(path):
    case = _case(path)
    assert _got(_read(case, case["raw"])) == _expected(case)


@pytest.mark.parametrize("path", CASES, ids=[c.stem for c in CASES])
def test_value_read_from_the_page_tree_is_the_same(path):
    case = _case(path)
    template = mwparserfromhell.parse("{{Tiers-Lieu|x=" + case["raw"] + "}}").nodes[0]
    assert str(template.get("x").value) == case["raw"]
    assert _got(_read(case, template.get("x").value)) == _expected(case)


def test_there_are_value_cases():
    assert len(CASES) >= 30
