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

from movibot.records.parse import infobox_calls
from movibot.records.schema import load_schemas
from movibot.wikitext.preprocessor import split_calls
from movibot.wikitext.tree import mediawiki_args, parse_tree

CASES = [(name, case) for name in stored_names() for case in load(name)]
IDS = [f"{name}:{case['id']}" for name, case in CASES]
SCHEMAS = load_schemas()


def movibot_split(text: str) -> list[dict[str, Any]]:
    """The calls of `text` as movibot finds them, in the corpus's form."""
    found = split_calls(text)
    return [{"at": c.start, "end": c.end, "depth": c.depth,
             "kind": "template" if c.braces == 2 else "tplarg", "title": found.title(c),
             "parts": [[name, text[slice(*found.value(part))]] for name, part in found.named(c)]}
            for c in found.calls]


def test_the_corpus_holds_at_least_500_calls():
    assert sum(len(case["calls"]) for _, case in CASES) >= 500


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_every_call_is_split_as_mediawiki_splits_it(name, case):
    assert movibot_split(case["text"]) == case["calls"], f"in {case['text']!r}"


@pytest.mark.parametrize(("name", "case"), CASES, ids=IDS)
def test_the_infobox_is_read_with_the_parts_mediawiki_passes(name, case):
    """The record's call and parameters (mediawiki_args, on the page's one tree) are
    MediaWiki's: the same call, the same names, the same values."""
    tree = parse_tree(case["text"])
    if tree.code is None or tree.masked != case["text"]:  # movibot's blocks are not read
        return
    mediawiki = {c["at"]: c for c in case["calls"] if c["kind"] == "template"}
    read = {}
    for schema in SCHEMAS:
        for template, at, _ in infobox_calls(tree.survey, schema):
            args, _ = mediawiki_args(template, at, tree.survey.starts[at], tree.survey.calls)
            read[at] = [[arg.name, str(arg.value)] for arg in args]
    expected = {at: mediawiki[at]["parts"] for at in read if at in mediawiki}
    assert (sorted(read), read) == (sorted(expected), expected), f"in {case['text']!r}"


def test_the_stored_answers_are_still_mediawikis(wiki_template):
    wiki = wikiserver.Wiki.fresh(wiki_template, extensions=EXTENSIONS)
    try:
        assert differences(wiki.api_url) == []
    finally:
        wiki.destroy()
