"""The call corpus: wikitext and how MediaWiki's preprocessor splits its template calls.

    python3 tests/wikitext/refresh_corpus.py          # rewrites tests/wikitext/corpus/*.json
    python3 tests/wikitext/refresh_corpus.py --check  # exit 1: a stored answer is not MediaWiki's

Each case is a text (the fiches, the tests' fixtures, the shapes below) and MediaWiki's answer:
its parse tree (action=expandtemplates, prop=parsetree: the page itself, not for inclusion)
reduced to the calls it holds, `{{…}}` and `{{{…}}}`, in text order: where each starts and
ends, how deep it is nested in other calls, its title as written and as MediaWiki reads it
(`name`: trimmed, without its comments, <noinclude> tags and <includeonly> text), and each
part's name and value (a positional part is named by its number; a name has its comments,
<noinclude> tags and <includeonly> text dropped and is trimmed as PHP's trim() does; a value
is its text as written). Calls inside extension tags (<ref>, <pre>, <nowiki>…) are not the
page's: the tag's extension reads them later.

The wiki is tests/wikiserver.py's MediaWiki 1.39 (Debian's package, as in the tests) with the
extensions whose tags Movilab's pages use (Cite, ParserFunctions, Poem, SyntaxHighlight…).
tests/wikitext/test_corpus.py compares movibot's split with the stored answers, and checks with
a real wiki that they are still MediaWiki's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import requests

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
EXTENSIONS = ("Cite", "ParserFunctions", "Poem", "SyntaxHighlight_GeSHi", "InputBox",
              "ImageMap", "CategoryTree", "Math", "TemplateData")
PHP_SPACE = " \t\n\r\0\x0b"

# The shapes where a splitter may part from the preprocessor, each put before a call, in a
# value, in a parameter's name, in a title, and between two calls.
FRAGMENTS = {
    "bold": "'''", "italic": "''", "bold-italic": "'''''", "bold-closed": "'''a|b'''",
    "extlink-open": "[http://x.org ", "extlink": "[http://x.org a|b]",
    "extlink-relative": "[//x.org a|b", "extlink-brackets": "[http://x.org [[a|b]]",
    "link-open": "[[", "link-open-text": "[[Lien", "link-open-pipe": "[[Lien|",
    "link": "[[a|b]]", "link-three-parts": "[[a|b|c]]", "link-close": "]]",
    "link-triple": "[[[a]]]", "link-triple-open": "[[[a|b", "bracket": "[", "bracket-close": "]",
    "file-link": "[[Fichier:a.png|vignette|a [[b|c]] d]]", "link-template": "[[a|{{b|c}}]]",
    "braces-open": "{{", "braces-close": "}}", "brace": "{", "brace-close": "}",
    "triple-open": "{{{", "triple-close": "}}}", "param": "{{{p}}}", "param-default": "{{{p|d}}}",
    "param-two-parts": "{{{p|d|e}}}", "call": "{{X}}", "call-parts": "{{X|a|b=c}}",
    "four-braces": "{{{{X}}}}", "five-braces": "{{{{{X}}}}}", "call-then-brace": "{{X}}}",
    "brace-then-call": "{{{X}}", "parser-function": "{{#if:a|b|c}}", "magic": "{{PAGENAME}}",
    "pipe-template": "{{!}}", "equals-template": "{{=}}", "pipe-entity": "&#124;",
    "ref-open": "<ref>", "ref": "<ref>a|b</ref>", "ref-named": "<ref name=a/>",
    "ref-upper": "<REF>a|b</ref>", "ref-spaced-close": "<ref >a|b</ref >",
    "ref-call": "<ref>{{X|a}}</ref>", "references": "<references/>", "pre-open": "<pre>",
    "pre": "<pre>a|b</pre>", "pre-newline": "<pre\n>a|b</pre>", "nowiki-open": "<nowiki>",
    "nowiki": "<nowiki>|}}</nowiki>", "nowiki-empty": "<nowiki/>", "math": "<math>a|b</math>",
    "syntaxhighlight": "<syntaxhighlight lang=\"php\">a|b}}</syntaxhighlight>",
    "poem-open": "<poem>", "source": "<source>a|b</source>",
    "comment-open": "<!--", "comment": "<!-- a|b}} -->", "comment-close": "-->",
    "comment-line": "\n<!-- a -->\n", "includeonly-open": "<includeonly>",
    "includeonly": "<includeonly>a|b</includeonly>", "noinclude-open": "<noinclude>",
    "noinclude-close": "</noinclude>", "noinclude": "<noinclude>a|b</noinclude>",
    "onlyinclude": "<onlyinclude>a|b</onlyinclude>", "span-attr": "<span title=\"a|b\">",
    "span": "<span>a|b</span>", "div-open": "<div>", "br": "<br/>", "tag-no-end": "<ref",
    "heading": "\n== H ==\n", "heading-pipe": "\n=a|b=\n", "heading-open": "\n= x",
    "heading-equals-line": "\n=\n", "heading-call": "\n== {{X|a}} ==\n",
    "equals": "=", "equals-two": "==", "pipe": "|", "key-value": "a=b",
    "table": "\n{|\n| a || b\n|-\n| c\n|}\n", "table-row": "\n|-\n", "newline": "\n",
    "nbsp": "\u00a0", "tab": "\t", "langconvert": "-{a|b}-", "toc": "__TOC__",
    "signature": "~~~~", "entity-brace": "&#123;&#123;", "lt": "<",
}
CONTEXTS = {
    "before": "@F@{{Tiers-Lieu|nom=A|ville=B}}",
    "in-value": "{{Tiers-Lieu|nom=A@F@|ville=B}}",
    "in-name": "{{Tiers-Lieu|nom@F@=A|ville=B}}",
    "in-title": "{{Tiers-Lieu@F@|nom=A}}",
    "between": "{{Tiers-Lieu|nom=A}}@F@{{Lieu|ville=B}} x",
}
HAND_CASES = {
    "call-in-name": "{{Tiers-Lieu|{{X|a}}=B|ville=C}}",
    "call-in-name-with-equals": "{{Tiers-Lieu|{{X|a=b}}=B}}",
    "equals-in-value": "{{Tiers-Lieu|nom=a=b|c=d=e}}",
    "equals-in-positional-call": "{{Tiers-Lieu|{{X|a=b}}|c}}",
    "duplicate-names": "{{Tiers-Lieu|nom=A|nom=B|1=C|D}}",
    "nbsp-name": "{{Tiers-Lieu|nom\u00a0=A|\u00a0ville=B}}",
    "nbsp-title": "{{Tiers-Lieu\u00a0|nom=A}}",
    "comment-in-name": "{{Tiers-Lieu|no<!-- x -->m=A|<!--c-->ville<!--d-->=B}}",
    "comment-in-title": "{{Tiers-Lieu<!-- x -->|nom=A}}",
    "comment-eats-line": "{{Tiers-Lieu\n<!-- x -->\n|nom=A\n  <!-- y -->  \n|ville=B}}",
    "multiline-values": "{{Tiers-Lieu\n| nom = A\n| ville = B\n  C\n}}",
    "empty-parts": "{{Tiers-Lieu||||nom=}}",
    "empty-call": "{{}}",
    "spaces-call": "{{ }}",
    "nested-three": "{{A|{{B|{{C|d}}}}}}",
    "nested-in-name-and-value": "{{A|{{B}}={{C|{{D}}}}}}",
    "param-in-title": "{{{{{p}}}|a}}",
    "param-default-call": "{{{p|{{X|a}}}}}",
    "unclosed-at-end": "{{Tiers-Lieu|nom=A",
    "unclosed-nested": "{{Tiers-Lieu|nom={{X|a}}",
    "unclosed-outer-closed-inner": "{{A|{{B}}|c",
    "link-open-between-calls": "{{A|[[x}} {{B}} y]] {{C}}",
    "link-open-closes-later": "{{A|[[x}}]]}}",
    "extlink-open-closes-call": "{{A|[http://x.org b}}",
    "bold-pipe": "{{A|'''b|c'''}}",
    "heading-inside-call-open": "{{A|b=\n=c|d}}",
    "heading-inside-call-dwim": "{{A|\n=c|d}}",
    "heading-then-braces": "== {{A|b}} ==\n{{C}}",
    "heading-unclosed-call": "== {{A|b ==\n}}",
    "includeonly-unclosed": "{{A|b}}<includeonly>{{C}}",
    "includeonly-in-call": "{{A|b<includeonly>|c=d</includeonly>|e}}",
    "noinclude-in-call": "{{A|b<noinclude>|c=d</noinclude>|e}}",
    "onlyinclude-in-call": "{{A|<onlyinclude>b|c</onlyinclude>}}",
    "noinclude-in-name": "{{A|b<noinclude>x</noinclude>=c}}",
    "includeonly-in-name": "{{A|b<includeonly>x</includeonly>=c}}",
    "ref-unclosed-then-ref": "<ref>a {{A|b}} <ref>c</ref>",
    "pre-unclosed-then-closed": "<pre>a {{A|b}} <pre>c</pre>",
    "nowiki-unclosed-before": "<nowiki>{{A|b}}",
    "comment-unclosed-in-call": "{{A|b<!-- c}}",
    "tag-no-gt": "{{A|b<ref c}} {{D}}",
    "case-of-close-tag": "<Ref>{{A}}</REF>{{B}}",
    "crlf": "{{A\r\n|b=c\r\n|d}}\r\n",
    "windows-heading": "\r\n== H ==\r\n{{A|b}}",
    "bom": "\ufeff{{A|b}}",
    "template-prefix": "{{Modèle:Tiers-Lieu|nom=A}}{{msgnw:Tiers-Lieu}}{{subst:X|a}}",
    "colon-title": "{{:Page|a}}{{#invoke:M|f|a=b}}",
    "pipe-trick": "{{A|[[B|]]}}",
    "entity-pipe": "{{A|b&#124;c|d}}",
    "table-in-call": "{{A|\n{{{!}}\n{{!}} x\n{{!}}}\n}}",
    "braces-run": "{{{{{{{{A}}}}}}}}",
    "close-run": "{{A}}}}}}}",
    "open-run": "{{{{{{A}}",
    "many-calls": "".join(f"{{{{C{i}|{i}}}}}" for i in range(12)),
    "deep": "{{A|" * 12 + "x" + "}}" * 12,
    # calls mwparserfromhell makes no template node of: the record reads them all the same
    "span-closed-after-call": "{{Tiers-Lieu|nom=<span>A|ville=B}}</span>",
    "noinclude-around-title": "{{<noinclude>Tiers-Lieu</noinclude>|nom=A|ville=B}}",
    "noinclude-closed-after-call": "{{Tiers-Lieu|nom=A<noinclude>}}</noinclude>",
    "onlyinclude-closed-after-call": "{{Fiche|résumé=A<onlyinclude>}}</onlyinclude>",
    "noinclude-empty-in-title": "{{Tiers-Lieu<noinclude/>|nom=A|nom=B}}",
    "table-open-in-value": "{{Tiers-Lieu|nom=A\n{|\n|}}",
    "table-open-then-call": "{|\n| {{Tiers-Lieu|nom=A}}\n{{Tiers-Lieu|nom=B}}",
}
SOURCES = {
    "fiches": [ROOT / "fiches"],
    "fixtures": [TESTS / "fixtures" / name for name in ("parse", "lint", "site", "export")],
}


def source_cases(folders: list[Path]) -> dict[str, str]:
    """The UTF-8 .wiki files under `folders`, by their path from the checkout's root."""
    cases = {}
    for path in sorted(p for folder in folders for p in folder.rglob("*.wiki")):
        try:
            cases[str(path.relative_to(ROOT))] = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:  # a fixture of a wrongly encoded file
            continue
    return cases


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def as_sent(text: str) -> str:
    """A text as MediaWiki receives it from a form or the API: line ends as `\n`, control
    characters as U+FFFD (WebRequest's normalisation, before any parsing)."""
    return _CONTROL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def shape_cases() -> dict[str, str]:
    """The hand cases and each fragment in each context."""
    cases = dict(HAND_CASES)
    for fragment, text in FRAGMENTS.items():
        for context, form in CONTEXTS.items():
            cases[f"{fragment}/{context}"] = form.replace("@F@", text)
    return cases


def all_cases() -> dict[str, dict[str, str]]:
    """Every case's text, by corpus file then by id."""
    return {**{name: source_cases(folders) for name, folders in SOURCES.items()},
            "shapes": shape_cases()}


# MediaWiki's parse tree, reduced to the calls ------------------------------------------------


def source(node: ET.Element) -> str:
    """The wikitext an element of the parse tree stands for."""
    tag = node.tag
    if tag in ("template", "tplarg"):
        braces = 2 if tag == "template" else 3
        inner = "|".join(source(child) for child in node)
        return "{" * braces + inner + "}" * braces
    if tag == "name" and node.get("index") is not None:
        return ""
    if tag == "ext":
        parts = {child.tag: source(child) for child in node}
        if "inner" not in parts:
            return f"<{parts['name']}{parts['attr']}/>"
        return f"<{parts['name']}{parts['attr']}>{parts['inner']}{parts.get('close', '')}"
    return (node.text or "") + "".join(source(child) + (child.tail or "") for child in node)


def reduce_tree(xml: str) -> list[dict[str, Any]]:
    """The calls of a parse tree (see the module docstring), in text order."""
    calls: list[dict[str, Any]] = []
    _calls_in(ET.fromstring(xml), 0, 0, calls)
    return calls


def _calls_in(node: ET.Element, at: int, depth: int, calls: list[dict[str, Any]]) -> int:
    """Append the calls inside `node` (which starts at `at`) to `calls`; where it ends."""
    if node.tag in ("ext", "comment", "ignore"):
        return at + len(source(node))
    start = at
    if node.tag in ("template", "tplarg"):
        call: dict[str, Any] = {"at": at, "end": at + len(source(node)), "depth": depth}
        calls.append(call)
        call.update(_parts(node))
        at += 2 if node.tag == "template" else 3
        for k, child in enumerate(node):
            at = _calls_in(child, at + (k > 0), depth + 1, calls)
        return start + len(source(node))
    at += len(node.text or "")
    for child in node:
        at = _calls_in(child, at, depth, calls) + len(child.tail or "")
    return at


def _parts(node: ET.Element) -> dict[str, Any]:
    """A call's kind, title and parts: [name, value] each."""
    title = node.find("title")
    parts, index = [], 0
    for part in node.findall("part"):
        name, value = part.find("name"), part.find("value")
        assert name is not None and value is not None
        if name.get("index") is not None:
            index += 1
            key = str(index)
        else:
            key = _bare(name)
        parts.append([key, source(value)])
    return {"kind": node.tag, "title": source(title) if title is not None else "",
            "name": _bare(title) if title is not None else "", "parts": parts}


def _bare(name: ET.Element) -> str:
    """A part's name as MediaWiki passes it, or a call's title as it reads it as a page's
    title: comments, <includeonly> text and <noinclude> tags dropped, trimmed."""
    kept = (name.text or "") + "".join(
        ("" if child.tag in ("comment", "ignore") else source(child)) + (child.tail or "")
        for child in name)
    return kept.strip(PHP_SPACE)


# The wiki -------------------------------------------------------------------------------------


def parse_tree_of(api_url: str, text: str, session: requests.Session) -> str:
    """MediaWiki's parse tree of `text` as the page itself (XML)."""
    answer = session.post(api_url, data={
        "action": "expandtemplates", "format": "json", "formatversion": 2, "text": text,
        "prop": "parsetree", "title": "Essai"}, timeout=60).json()
    if "expandtemplates" not in answer:
        raise RuntimeError(f"api.php did not parse the text: {answer}")
    return str(answer["expandtemplates"]["parsetree"])


def answers(api_url: str, cases: dict[str, str]) -> list[dict[str, Any]]:
    """Each case (as sent: see as_sent) with MediaWiki's calls: [{id, text, calls}…]."""
    out = []
    with requests.Session() as session:
        for case, text in cases.items():
            sent = as_sent(text)
            out.append({"id": case, "text": sent,
                        "calls": reduce_tree(parse_tree_of(api_url, sent, session))})
    return out


def load(name: str) -> list[dict[str, Any]]:
    """The stored cases of corpus file `name`."""
    stored: list[dict[str, Any]] = json.loads((CORPUS / f"{name}.json").read_text("utf-8"))
    return stored


def stored_names() -> list[str]:
    """The corpus files' names, sorted."""
    return sorted(path.stem for path in CORPUS.glob("*.json"))


def differences(api_url: str) -> list[str]:
    """One line per stored case whose calls are not MediaWiki's answer today."""
    out = []
    for name in stored_names():
        cases = load(name)
        fresh = answers(api_url, {c["id"]: c["text"] for c in cases})
        out += [f"{name}/{old['id']}: stored {old['calls']}, MediaWiki {new['calls']}"
                for old, new in zip(cases, fresh, strict=True) if old["calls"] != new["calls"]]
    return out


def start_wiki(root: Path) -> Any:
    """A running test wiki with EXTENSIONS, under `root`."""
    sys.path.insert(0, str(TESTS))
    import wikiserver

    reason = wikiserver.missing()
    if reason:
        raise SystemExit(f"no MediaWiki here: {reason}")
    return wikiserver.Wiki.fresh(wikiserver.build_template(root), extensions=EXTENSIONS)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the stored answers with MediaWiki's, write nothing")
    args = parser.parse_args(argv)
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="movicorpus-"))
    try:
        wiki = start_wiki(root)
        try:
            if args.check:
                lines = differences(wiki.api_url)
                print("\n".join(lines) or "the stored answers are MediaWiki's")
                return 1 if lines else 0
            CORPUS.mkdir(exist_ok=True)
            for name, cases in all_cases().items():
                found = answers(wiki.api_url, cases)
                text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
                (CORPUS / f"{name}.json").write_text(text, encoding="utf-8")
                print(f"{name}: {len(found)} texts, "
                      f"{sum(len(c['calls']) for c in found)} calls")
            return 0
        finally:
            wiki.destroy()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
