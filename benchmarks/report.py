"""The results of benchmarks/run.py as Markdown: the tables of benchmarks/README.md."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
PEERS = ("pywikibot", "mwclient")
SPEEDUP_CLOSE_TO_TWO = 1.7  # "--jobs 2 close to twice --jobs 1"
MEMORY_LIMIT_MB = 150.0


def markdown(results: dict[str, Any]) -> str:
    """Machine, versions, the wiki table, the ratios, the dump table and the targets."""
    parts = [_machine(results), _wiki(results["wiki"]), _ratios(results["wiki"]),
             _kinds(results["wiki"]), _dumps(results["dump"]), _targets(results)]
    return "\n".join(p for p in parts if p) + f"\nReproduce: `{results['command']}` " \
        f"({results['total_s']:.0f} s for the whole script on this machine).\n"


def update_readme(path: Path, text: str) -> None:
    """Replace what is between the results markers of `path` with `text`."""
    readme = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(readme):
        raise SystemExit(f"{path}: no {BEGIN} … {END} section to fill")
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}{END}", readme), encoding="utf-8")


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


def _dumps(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    one = {r["pages"]: r["wall_s"] for r in rows if r["jobs"] == 1}
    body = [(f"{r['pages']:,}".replace(",", " "), r["jobs"], f"{r['wall_s']:.1f}",
             f"{r['cpu_s']:.1f}", f"{r['load']:.1f}", f"{r['pages_per_s']:.0f}",
             f"{r['peak_rss_mb']:.0f}",
             f"{one[r['pages']] / r['wall_s']:.2f}×" if r["pages"] in one else "",
             r["files"], _same_output(r, rows))
            for r in rows]
    return ("\n**Dump** (`movibot run --site dump:FILE --out DIR --jobs N`: parse, validate, "
            "cost model, render, write; whole process, start-up included)\n\n"
            + _table(("pages", "--jobs", "wall s", "CPU s", "load", "pages/s", "peak RSS MB",
                      "speed-up vs --jobs 1", "files written", "same output as --jobs 1"),
                     body))


def _same_output(row: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    ref = next((r for r in rows if r["pages"] == row["pages"] and r["jobs"] == 1), None)
    if ref is None or ref is row:
        return "—"
    return "yes" if ref["output_digest"] == row["output_digest"] else "**no**"


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(target, figures, holds) for each target of issue 7 that the results cover."""
    rows, dumps, out = results["wiki"], results["dump"], []
    for n in sorted({r["n"] for r in rows}):
        me = _find(rows, "movibot", n, "full")
        if me is not None:
            limit = math.ceil(n / 50) + 15
            out.append((f"N={n}: full run ≤ ceil(N/50)+15 = {limit} non-edit requests",
                        f"{me['non_edit_requests']}", me["non_edit_requests"] <= limit))
            peers = [p for p in (_find(rows, t, n, "full") for t in PEERS) if p]
            if peers:
                figures = ", ".join(f"{p['tool']} {p['wall_s']:.1f} s" for p in peers)
                out.append((f"N={n}: full run faster than both peers",
                            f"movibot {me['wall_s']:.1f} s; {figures}",
                            all(me["wall_s"] < p["wall_s"] for p in peers)))
        again = _find(rows, "movibot", n, "no-change")
        if again is not None:
            out.append((f"N={n}: no-change run ≤ 8 requests and 0 edits",
                        f"{again['requests']} requests, {again['edits']} edits",
                        again["requests"] <= 8 and again["edits"] == 0))
    single = sorted((r for r in dumps if r["jobs"] == 1), key=lambda r: r["pages"])
    if single:
        big = single[-1]
        out.append((f"peak RSS < {MEMORY_LIMIT_MB:.0f} MB at {big['pages']:,} pages "
                    "(--jobs 1)".replace(",", " "),
                    " → ".join(f"{r['peak_rss_mb']:.0f} MB at {r['pages']:,}".replace(",", " ")
                               for r in single), big["peak_rss_mb"] < MEMORY_LIMIT_MB))
    for r in dumps:
        one = next((s for s in single if s["pages"] == r["pages"]), None)
        if r["jobs"] == 2 and one is not None:
            speedup = one["wall_s"] / r["wall_s"]
            out.append((f"--jobs 2 close to twice --jobs 1 (≥ {SPEEDUP_CLOSE_TO_TWO}×)",
                        f"{speedup:.2f}× ({one['pages_per_s']:.0f} → "
                        f"{r['pages_per_s']:.0f} pages/s)", speedup >= SPEEDUP_CLOSE_TO_TWO))
    return out


def _targets(results: dict[str, Any]) -> str:
    body = [(t, f, "yes" if ok else "**no**") for t, f, ok in targets(results)]
    return "\n**Targets**\n\n" + _table(("target", "measured", "holds"), body) if body else ""
