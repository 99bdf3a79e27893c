"""Parsing in the dump benchmark: the parse-only floor, and the tokenizer passes movibot makes.

    python benchmarks/parsing.py floor DUMP.xml [--repeat 3]
        For each page of the dump: mwparserfromhell.parse(text), find the page's {{Tiers-Lieu}}
        or {{Fiche}} call, and read its parameters (str(name), str(value)). The pages are read
        from the XML first, outside the timing; prints {pages, wall_s, cpu_s, pages_per_s}
        of the fastest of --repeat passes (JSON). The floor: what any tool reading these
        pages' templates with mwparserfromhell pays, without start-up, XML, validation,
        cost model, render or writing.

    python benchmarks/parsing.py count OUT.json MOVIBOT-ARGS…
        `python -m movibot MOVIBOT-ARGS…` in this process, with mwparserfromhell's tokenizers
        wrapped by a counter; writes {passes, by_tokenizer, by_caller} to OUT.json and exits
        with movibot's exit code. Only this process is counted: use it with `--jobs 1`.

A tokenizer pass is one call to the C tokenizer's or the Python tokenizer's `tokenize`, the
one thing `mwparserfromhell.parse` (Parser.parse) does per text besides building the tree;
counting at that level also sees a tokenizer that movibot calls directly (the Python one, for
text with NUL characters). A pass is attributed to the innermost movibot functions on the stack.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = ("Tiers-Lieu", "Fiche")  # schemas/lieu.yaml and fiche.yaml: x-wiki template
CALLER_DEPTH = 3  # a pass is attributed to the innermost 3 movibot functions on the stack


# -- the floor -------------------------------------------------------------------------------


def dump_texts(path: Path) -> list[str]:
    """The wikitext of every page of an XML export, in order."""
    texts = []
    for _, elem in ET.iterparse(path):
        if elem.tag.rpartition("}")[2] == "page":
            text = next((t for t in elem.iter() if t.tag.rpartition("}")[2] == "text"), None)
            texts.append((text.text or "") if text is not None else "")
            elem.clear()
    return texts


def read_templates(texts: list[str]) -> int:
    """The floor's work: parse each text and read its template's parameters; the number of
    parameters read (so that nothing is optimised away)."""
    import mwparserfromhell

    read = 0
    for text in texts:
        code = mwparserfromhell.parse(text)
        for template in code.ifilter_templates(recursive=False):
            if template.name.matches(TEMPLATES):
                for param in template.params:
                    read += len(str(param.name)) > 0
                    read += len(str(param.value)) >= 0
                break
    return read


def floor(path: Path, repeat: int) -> dict[str, Any]:
    texts = dump_texts(path)
    best: dict[str, Any] = {}
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        read_templates(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if not best or wall < best["wall_s"]:
            best = {"wall_s": wall, "cpu_s": cpu}
    return {"pages": len(texts), "repeat": repeat, **best,
            "pages_per_s": len(texts) / best["wall_s"] if best["wall_s"] else 0.0}


# -- the counter -----------------------------------------------------------------------------


class Counting:
    """Counts tokenizer passes: mwparserfromhell's C tokenizer (replaced, where Parser looks it
    up, by a wrapper class) and its Python tokenizer (its `tokenize` wrapped)."""

    def __init__(self) -> None:
        self.by_tokenizer: Counter[str] = Counter()
        self.by_caller: Counter[str] = Counter()

    def install(self) -> None:
        """Call before movibot is imported (so that every reference is the wrapped one)."""
        import mwparserfromhell.parser as parser
        from mwparserfromhell.parser import tokenizer

        counting = self
        python_tokenize = tokenizer.Tokenizer.tokenize

        def tokenize(self: Any, *args: Any, **kwargs: Any) -> Any:
            counting.count("python")
            return python_tokenize(self, *args, **kwargs)

        tokenizer.Tokenizer.tokenize = tokenize  # type: ignore[method-assign]
        ctokenizer: Any = getattr(parser, "CTokenizer", None)
        if ctokenizer is None:
            return

        class CountedCTokenizer:
            """Stands for the C tokenizer (a C type cannot be subclassed nor patched)."""

            def __init__(self) -> None:
                self._inner = ctokenizer()

            def tokenize(self, *args: Any, **kwargs: Any) -> Any:
                counting.count("c")
                return self._inner.tokenize(*args, **kwargs)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._inner, name)

        parser.CTokenizer = CountedCTokenizer  # type: ignore[assignment,misc]
        from mwparserfromhell.parser import _tokenizer

        _tokenizer.CTokenizer = CountedCTokenizer  # type: ignore[misc]

    def count(self, which: str) -> None:
        self.by_tokenizer[which] += 1
        chain: list[str] = []
        frame = sys._getframe(2)
        while frame is not None and len(chain) < CALLER_DEPTH:
            module = frame.f_globals.get("__name__", "")
            if module == "movibot" or module.startswith("movibot."):
                chain.append(f"{module.removeprefix('movibot.')}.{frame.f_code.co_name}")
            frame = frame.f_back  # type: ignore[assignment]
        self.by_caller[" < ".join(chain) or "(not called from movibot)"] += 1

    def summary(self) -> dict[str, Any]:
        return {"passes": sum(self.by_tokenizer.values()),
                "by_tokenizer": dict(self.by_tokenizer.most_common()),
                "by_caller": dict(self.by_caller.most_common())}


def count(out: Path, movibot_args: list[str]) -> int:
    counting = Counting()
    counting.install()
    sys.path.insert(0, str(REPO))  # as `python -m movibot` run from the repository
    sys.argv = ["movibot", *movibot_args]
    code: Any = 0
    try:
        runpy.run_module("movibot", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        code = exit.code
    finally:
        out.write_text(json.dumps(counting.summary(), indent=1))
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("floor", help="the parse-only floor of a dump's pages")
    one.add_argument("dump", type=Path)
    one.add_argument("--repeat", type=int, default=3)
    two = commands.add_parser("count", help="movibot's tokenizer passes")
    two.add_argument("out", type=Path)
    two.add_argument("movibot_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    if args.command == "floor":
        print(json.dumps(floor(args.dump, args.repeat)))
        return 0
    return count(args.out, args.movibot_args)


if __name__ == "__main__":
    sys.exit(main())
