"""Every template call of the corpus (tests/wikitext/corpus/*.json: the fiches, the tests'
fixtures and the shapes where a splitter may part from MediaWiki) is split as MediaWiki 1.39's
preprocessor splits it: the same calls, where they start and end, their titles, and each part's
name and value. The stored answers are MediaWiki's (refresh_corpus.py; a wiki test checks them
again); the comparison needs no wiki.
"""

from __future__ import annotations

from typing import Any

import pytest
import wikiserver
from refresh_corpus import EXTENSIONS, differences, load, stored_names

from movibot.records.parse import infobox_calls, pick_tree_schema, read_record
from movibot.records.schema import Schema, load_schemas
from movibot.wikitext.preprocessor import PHP_SPACE, split_calls
from movibot.wikitext.tree import mediawiki_args, parse_tree, template_title

CASES = [(name, case) for name in stored_names() for case in load(name)]
IDS = [f"{name}:{case['id']}" for name, case in CASES]
SCHEMAS = load_schemas()


def movibot_split(text: str) -> list[dict[str, Any]]:
    """The calls of `text` as movibot finds them, in the corpus's form."""
    found = split_calls(text)
    return [{"at": c.start, "end": c.end, "depth": c.depth,
             "kind": "template" if c.braces == 2 else "tplarg", "title": found.title(c),
             "name": found.title_name(c),
             "parts": [[name, text[slice(*found.value(part))]] for name, part in found.named(c)]}
            for c in found.calls]


def test_the_corpus_holds_at_least_500_calls():
    assert sum(len(case["calls"]) for _, case in CASES) >= 500


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_every_call_is_split_as_mediawiki_splits_it(name, case):
    assert movibot_split(case["text"]) == case["calls"], f"in {case['text']!r}"


def mediawiki_infoboxes(case: dict[str, Any]) -> dict[int, list[list[str]]]:
    """The parts of each top-level call of the case MediaWiki reads as a schema's template
    (its title as MediaWiki reads it, resolved as a page title), by where it starts."""
    return {c["at"]: c["parts"] for c in case["calls"]
            if c["kind"] == "template" and c["depth"] == 0
            and any(s.matches_template(template_title(c["name"])) for s in SCHEMAS)}


def read_params(parts: list[list[str]], schema: Schema) -> tuple[dict[str, str], dict[str, str]]:
    """What a record holds from MediaWiki's parts: each field's parameter as written and each
    unknown parameter's value (trimmed), the last of a name given twice winning."""
    params, extra = {}, {}
    for name, value in parts:
        spec = schema.field_for_param(name)
        if spec is None:
            extra[name] = value.strip(PHP_SPACE)
        else:
            params[spec.name] = name
    return params, extra


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_the_infobox_is_read_with_the_parts_mediawiki_passes(name, case):
    """Every top-level call MediaWiki reads as an infobox is found, with MediaWiki's parts
    (names, values, duplicates), where mwparserfromhell parses the call otherwise too; the
    record holds the last value of each parameter."""
    tree = parse_tree(case["text"])
    if tree.code is None or tree.masked != case["text"]:  # movibot's blocks are not read
        return
    expected = mediawiki_infoboxes(case)
    read = {}
    for schema in SCHEMAS:
        for found in infobox_calls(tree.survey, schema):
            args, _ = mediawiki_args(found.template, found.call.start, found.call,
                                     tree.survey.calls)
            if found.call.depth == 0:
                read[found.call.start] = [[arg.name, str(arg.value)] for arg in args]
    assert (sorted(read), read) == (sorted(expected), expected), f"in {case['text']!r}"
    schema = pick_tree_schema(tree, SCHEMAS)
    record = read_record(tree, schema)
    if expected:
        assert schema is not None and record.template_start in expected
        assert (record.params, record.extra) == read_params(expected[record.template_start],
                                                            schema), f"in {case['text']!r}"


def test_the_stored_answers_are_still_mediawikis(wiki_template):
    wiki = wikiserver.Wiki.fresh(wiki_template, extensions=EXTENSIONS)
    try:
        assert differences(wiki.api_url) == []
    finally:
        wiki.destroy()
