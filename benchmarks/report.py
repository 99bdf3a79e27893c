"""The results of benchmarks/run.py as Markdown: the tables of benchmarks/README.md."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

# The README's sections, each filled by the part of the benchmark that ran (--only dump leaves
# the wiki's figures as they are, and the other way round).
SECTIONS = {"wiki": ("<!-- results:begin -->", "<!-- results:end -->"),
            "dump": ("<!-- dump-results:begin -->", "<!-- dump-results:end -->")}
PEERS = ("pywikibot", "mwclient")
SPEEDUP_JOBS2 = 1.8  # --jobs 2 / --jobs 1, in pages per second
FLOOR_RATIO = 0.25  # --jobs 1 writing a folder / the parse-only floor, in pages per second
IMPORT_FLOOR_RATIO = 0.3  # --jobs 1 writing an import file / the parse-only floor
PASSES_PER_PAGE = 1.2  # tokenizer passes per page of the dump, --jobs 1
MEMORY_LIMIT_MB = 150.0
MEMORY_PAGES = 100_000  # the RSS target's dump size
NOISY_CORES = 0.5  # other processes busier than this during a run make its ratio inconclusive


def markdown(results: dict[str, Any]) -> str:
    """Every part that ran: the wiki's tables, then the dump's."""
    return "\n".join(section(results, part) for part in results.get("parts", SECTIONS))


def section(results: dict[str, Any], part: str) -> str:
    """One part's tables (machine, versions, figures, targets) and how to reproduce them."""
    if part == "wiki":
        parts = [_machine(results), _wiki(results["wiki"]), _ratios(results["wiki"]),
                 _kinds(results["wiki"]), _targets(wiki_targets(results))]
    else:
        output = results.get("machine", {}).get("dump_output", "")
        parts = [_dump_machine(results), _dumps(results["dump"], output), _floor(results),
                 _tokenizer(results), _targets(dump_targets(results))]
    return "\n".join(p for p in parts if p) + f"\nReproduce: `{results['command']}` " \
        f"({results['total_s']:.0f} s for the whole script on this machine).\n"


def update_readme(path: Path, results: dict[str, Any]) -> None:
    """Fill the README's section of each part that ran (between its markers)."""
    readme = path.read_text(encoding="utf-8")
    for part in results.get("parts", SECTIONS):
        begin, end = SECTIONS[part]
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(readme):
            raise SystemExit(f"{path}: no {begin} … {end} section to fill")
        filled = f"{begin}\n{section(results, part)}{end}"
        readme = pattern.sub(lambda _, filled=filled: filled, readme)  # type: ignore[misc]
    path.write_text(readme, encoding="utf-8")


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    return (f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM; {m['date']}.  \n"
            f"Versions: movibot {m['movibot']}, pywikibot {m['pywikibot']}, mwclient "
            f"{m['mwclient']}, mwparserfromhell {m['mwparserfromhell']}, {m['mediawiki']} "
            f"(sqlite, `php -S`, PHP {m['php']}), Python {m['python']}.\n")


def _dump_machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    return (f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM; {m['date']}.  \n"
            f"Versions: movibot {m['movibot']} (tree {m.get('tree', '?')}), mwparserfromhell "
            f"{m['mwparserfromhell']} "
            f"({m.get('tokenizer', '?')} tokenizer), Python {m['python']}.\n")


def _pages(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _wiki(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    body = [(f"{r['n']:,}".replace(",", " "), r["phase"], r["tool"], r["requests"],
             r["non_edit_requests"], r["edits"], f"{r['wall_s']:.1f}", f"{r['cpu_s']:.1f}",
             f"{r['peak_rss_mb']:.0f}", f"{r['load']:.1f}", _same(r, rows))
            for r in rows]
    return ("\n**Live wiki** (requests counted by the server; edits = the bot's new revisions; "
            "CPU = the tool's own user + system time, the wiki's not included; load = the "
            "machine's 1-minute load average when the run started)\n\n"
            + _table(("N lieux", "run", "tool", "requests", "non-edit requests", "edits",
                      "wall s", "CPU s", "peak RSS MB", "load", "same pages as movibot"),
                     body))


def _same(row: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    if row["phase"] != "full":
        return ""
    ref = next((r for r in rows if r["tool"] == "movibot" and r["n"] == row["n"]
                and r["phase"] == "full"), None)
    if ref is None or row["tool"] == "movibot":
        return "—"
    return "yes" if ref.get("digest") == row.get("digest") else "**no**"


def _find(rows: list[dict[str, Any]], tool: str, n: int, phase: str) -> dict[str, Any] | None:
    return next((r for r in rows if (r["tool"], r["n"], r["phase"]) == (tool, n, phase)), None)


def _ratios(rows: list[dict[str, Any]]) -> str:
    body = []
    for n in sorted({r["n"] for r in rows}):
        for phase in ("full", "no-change"):
            me = _find(rows, "movibot", n, phase)
            if me is None:
                continue
            cells: list[str] = [f"{n:,}".replace(",", " "), phase]
            for peer in PEERS:
                other = _find(rows, peer, n, phase)
                if other is None:
                    cells += ["", ""]
                    continue
                cells += [_ratio(other["requests"], me["requests"]),
                          _ratio(other["wall_s"], me["wall_s"])]
            body.append(cells)
    if not body:
        return ""
    return ("\n**Ratios** (the peer's figure ÷ movibot's: 3.0× means the peer needs three "
            "times as many)\n\n" + _table(("N lieux", "run", "pywikibot requests",
                                           "pywikibot wall time", "mwclient requests",
                                           "mwclient wall time"), body))


def _ratio(peer: float, mine: float) -> str:
    return f"{peer / mine:.1f}×" if mine else "—"


def _kinds(rows: list[dict[str, Any]]) -> str:
    mine = [r for r in rows if r["tool"] == "movibot"]
    if not mine:
        return ""
    body = [(f"{r['n']:,}".replace(",", " "), r["phase"],
             ", ".join(f"{unquote(k)} {v}".replace("|", "\\|") for k, v in r["kinds"].items()))
            for r in mine]
    return ("\n**movibot's requests by kind** (from the access log: GETs by their "
            "list/prop/meta, POSTs together: edits, logins, batched page reads, stop-page "
            "checks)\n\n" + _table(("N", "run", "requests"), body))


def _dumps(rows: list[dict[str, Any]], output: str = "") -> str:
    if not rows:
        return ""
    one = {(r["pages"], _output(r)): r["wall_s"] for r in rows if r["jobs"] == 1}
    body = [(f"{r['pages']:,}".replace(",", " "), r["jobs"], _output(r), f"{r['wall_s']:.1f}",
             ", ".join(f"{w:.1f}" for w in r.get("runs_wall_s", [r["wall_s"]])),
             f"{r['cpu_s']:.1f}", f"{r['load']:.1f}", _others(r), f"{r['pages_per_s']:.0f}",
             f"{r['peak_rss_mb']:.0f}",
             f"{one[r['pages'], _output(r)] / r['wall_s']:.2f}×"
             if (r["pages"], _output(r)) in one else "",
             r["files"], _same_output(r, rows))
            for r in rows]
    failed = [f"**failed**: {_pages(r['pages'])} pages `--jobs {r['jobs']}`, exit "
              f"{r['exit_code']}: `{_last_line(r['error'])}`" for r in rows if r.get("error")]
    return ("\n**Dump** (`movibot run --site dump:FILE --out DIR --jobs N`, or `--out "
            "OUT.xml`: the import file; parse, validate, "
            "cost model, render, write" + (f" (the pages written to a {output})"
                                           if output else "")
            + "; whole process, start-up included; load = the 1-minute "
            "load average at the start, others = CPU cores other processes kept busy during "
            "the run, on average; a size run more than once shows its fastest run, and every "
            "run's wall time)\n\n"
            + _table(("pages", "--jobs", "output", "wall s", "all runs s", "CPU s", "load",
                      "others", "pages/s", "peak RSS MB",
                      "speed-up vs --jobs 1", "pages written", "same output as --jobs 1"),
                     body)
            + "".join(f"\n{f}\n" for f in failed))


def _output(row: dict[str, Any]) -> str:
    """Where a dump run wrote its pages: "folder" or "import file" (older results: folder)."""
    return str(row.get("output", "folder"))


def _others(row: dict[str, Any]) -> str:
    return f"{row['others']:.1f}" if "others" in row else "?"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "?").replace("`", "'").replace("|", "\\|")[:200]


def _same_output(row: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    ref = next((r for r in rows if r["pages"] == row["pages"] and r["jobs"] == 1
                and _output(r) == _output(row)), None)
    if row["output_digest"] == "differs":
        return "**no** (its runs differ)"
    if ref is None or ref is row:
        return "—"
    if ref["output_digest"] == "differs":
        return "**no** (the --jobs 1 runs differ)"
    return "yes" if ref["output_digest"] == row["output_digest"] else "**no**"


def floor_rows(results: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """The floor, and the --jobs 1 and --jobs 2 folder runs and the --jobs 1 import-file run
    on the same pages (None when missing)."""
    floor = results.get("floor")
    pages = floor["pages"] if floor else None

    def run(jobs: int, output: str) -> Any:
        return next((r for r in results["dump"] if r["jobs"] == jobs and r["pages"] == pages
                     and _output(r) == output), None)

    return floor, run(1, "folder"), run(2, "folder"), run(1, "import file")


def _floor(results: dict[str, Any]) -> str:
    floor, one, two, xml = floor_rows(results)
    if floor is None:
        return ""
    body = [("parse-only floor", f"{floor['wall_s']:.2f}", f"{floor['cpu_s']:.2f}",
             f"{floor['load']:.1f}", _others(floor), f"{floor['pages_per_s']:.0f}", "—")]
    for name, row in (("`--jobs 1`", one), ("`--jobs 1`, import file", xml)):
        if row is not None:
            body.append((name, f"{row['wall_s']:.1f}", f"{row['cpu_s']:.1f}",
                         f"{row['load']:.1f}", _others(row), f"{row['pages_per_s']:.0f}",
                         f"{row['pages_per_s'] / floor['pages_per_s']:.2f} × the floor"))
    if one is not None and two is not None:
        body.append(("`--jobs 2`", f"{two['wall_s']:.1f}", f"{two['cpu_s']:.1f}",
                     f"{two['load']:.1f}", _others(two), f"{two['pages_per_s']:.0f}",
                     f"{two['pages_per_s'] / one['pages_per_s']:.2f} × `--jobs 1`"))
    return (f"\n**Dump against the parse-only floor** ({_pages(floor['pages'])} pages, the same "
            "dump; the floor is `mwparserfromhell.parse` of each page and a read of its "
            "template's parameters, pages already in memory, no start-up, fastest of "
            f"{floor['repeat']} passes; `--jobs N` is the whole `movibot run` process, its "
            "fastest run, writing a folder unless said)\n\n"
            + _table(("run", "wall s", "CPU s", "load", "others", "pages/s", "ratio"), body))


def _tokenizer(results: dict[str, Any]) -> str:
    tok = results.get("tokenizer")
    if not tok:
        return ""
    tokenizers = ", ".join(f"{k}: {v}" for k, v in tok.get("by_tokenizer", {}).items())
    head = _table(("passes per page", "passes", "pages", "tokenizer calls",
                   "same output as the plain run"),
                  [(f"{tok['per_page']:.2f}", tok["passes"], _pages(tok["pages"]),
                    tokenizers or "—", "yes" if tok["same_output"] else "**no**")])
    callers = _table(("per page", "called from (innermost movibot function first)"),
                     [(f"{n / tok['pages']:.2f}", f"`{c}`")
                      for c, n in tok.get("by_caller", {}).items()])
    return ("\n**Tokenizer passes** (`benchmarks/parsing.py count OUT run --site dump:FILE "
            "--out DIR --jobs 1`: movibot's CLI in one process, every call to mwparserfromhell's "
            "C or Python tokenizer counted, divided by the dump's pages)\n\n" + head + "\n"
            + callers + (f"\n**failed**: exit {tok['exit_code']}: `{_last_line(tok['error'])}`\n"
                         if tok.get("error") else ""))


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(target, figures, holds) for each target of the issues that the results cover."""
    return wiki_targets(results) + dump_targets(results)


def wiki_targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    rows, out = results["wiki"], []
    for n in sorted({r["n"] for r in rows}):
        me = _find(rows, "movibot", n, "full")
        if me is not None:
            limit = 40
            out.append((f"N={n}: full run ≤ {limit} non-edit requests (put_throttle 0)",
                        f"{me['non_edit_requests']} (exit {me.get('exit_code')})",
                        me["non_edit_requests"] <= limit and me.get("exit_code") in (0, 1)))
            peers = [p for p in (_find(rows, t, n, "full") for t in PEERS) if p]
            if peers:
                figures = ", ".join(f"{p['tool']} {p['wall_s']:.1f} s" for p in peers)
                out.append((f"N={n}: full run faster than both peers",
                            f"movibot {me['wall_s']:.1f} s; {figures}",
                            all(me["wall_s"] < p["wall_s"] for p in peers)))
        again = _find(rows, "movibot", n, "no-change")
        if again is not None:
            out.append((f"N={n}: no-change run ≤ 7 requests and 0 edits",
                        f"{again['requests']} requests, {again['edits']} edits "
                        f"(exit {again.get('exit_code')})",
                        again["requests"] <= 7 and again["edits"] == 0
                        and again.get("exit_code") == 0))
    return out


def dump_targets(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []
    tok = results.get("tokenizer")
    if tok:
        out.append((f"tokenizer passes per page ≤ {PASSES_PER_PAGE} (--jobs 1)",
                    f"{tok['per_page']:.2f}", tok["per_page"] <= PASSES_PER_PAGE))
    floor, one, two, xml = floor_rows(results)
    for row, name, target in ((one, "writing a folder", FLOOR_RATIO),
                              (xml, "writing an import file", IMPORT_FLOOR_RATIO)):
        if floor is not None and row is not None:
            ratio = row["pages_per_s"] / floor["pages_per_s"]
            out.append((f"--jobs 1 {name} ≥ {target} × the parse-only floor (pages/s)",
                        f"{ratio:.2f} ({row['pages_per_s']:.0f} vs "
                        f"{floor['pages_per_s']:.0f} pages/s)" + _noisy(floor, row),
                        ratio >= target))
    if one is not None and two is not None:
        speedup = two["pages_per_s"] / one["pages_per_s"]
        out.append((f"--jobs 2 ≥ {SPEEDUP_JOBS2} × --jobs 1 (pages/s)",
                    f"{speedup:.2f} ({one['pages_per_s']:.0f} → {two['pages_per_s']:.0f} "
                    "pages/s)" + _noisy(one, two), speedup >= SPEEDUP_JOBS2))
    single = sorted((r for r in results["dump"] if r["jobs"] == 1 and _output(r) == "folder"),
                    key=lambda r: r["pages"])
    if single:
        big = single[-1]
        out.append((f"peak RSS < {MEMORY_LIMIT_MB:.0f} MB at {_pages(MEMORY_PAGES)} pages "
                    "(--jobs 1)",
                    " → ".join(f"{r['peak_rss_mb']:.0f} MB at {_pages(r['pages'])}"
                               for r in single),
                    big["peak_rss_mb"] < MEMORY_LIMIT_MB if big["pages"] >= MEMORY_PAGES
                    else None))
    return out


def _noisy(*rows: dict[str, Any]) -> str:
    """A warning when other processes kept half a core or more busy during one of the runs."""
    busiest = max(r.get("others", 0.0) for r in rows)
    if busiest < NOISY_CORES:
        return ""
    return f"; other processes kept {busiest:.1f} cores busy meanwhile: not conclusive"


def _targets(rows: list[tuple[str, str, bool | None]]) -> str:
    body = [(t, f, "not measured (--quick)" if ok is None else "yes" if ok else "**no**")
            for t, f, ok in rows]
    return "\n**Targets**\n\n" + _table(("target", "measured", "holds"), body) if body else ""
