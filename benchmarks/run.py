"""movibot against pywikibot and plain mwclient on a real MediaWiki, and movibot on big dumps.

    python benchmarks/run.py                    # N = 100 and 1 000; 10 000 and 100 000-page dumps
    python benchmarks/run.py --quick            # N = 100; the 10 000-page dump only
    python benchmarks/run.py --only dump        # the dump part only (no MediaWiki needed)
    python benchmarks/run.py --update-readme    # also write the tables into benchmarks/README.md

Everything is made here and talks only to 127.0.0.1: seeded synthetic lieu pages (data.py) are
imported into a throwaway MediaWiki (tests/wikiserver.py, importDump), and each tool gets its own
fresh copy of that wiki. Requests are counted by the server (php -S's access log), edits by the
wiki (the bot's contributions), wall time and peak RSS around each tool's own process (os.wait4).
The dump runs write a folder and, with --jobs 1, an import file (`--out OUT.xml`) too.
The dump part also measures the parse-only floor of the dump's pages and counts movibot's
tokenizer passes per page (parsing.py). movibot is always this interpreter's: `sys.executable -m
movibot`, run from the repository, never a `movibot` found on PATH.
Results go to benchmarks/results/ (git-ignored): latest.json and latest.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))

import data  # noqa: E402
import report  # noqa: E402
import wikiserver  # noqa: E402

TOOLS = ("movibot", "pywikibot", "mwclient")
MOVIBOT = [sys.executable, "-m", "movibot"]  # cwd=REPO: this checkout, with this interpreter
PARSING = [sys.executable, str(HERE / "parsing.py")]
TOOL_TIMEOUT = 900.0  # seconds: a tool still running then is killed and reported
_REQUEST = re.compile(r"\[(\d{3})\]: ([A-Z]+) (\S+)")


@dataclasses.dataclass
class Measure:
    """One process run: wall time, peak RSS (its own and its children's, max), exit code."""

    wall_s: float
    cpu_s: float  # user + system, the process and its children
    load: float  # the machine's 1-minute load average when the run started
    peak_rss_mb: float
    exit_code: int
    stdout: str
    stderr: str
    others: float = 0.0  # CPU cores busy with other processes meanwhile, on average


def busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measure(cmd: list[str], env: dict[str, str] | None = None,
            timeout: float = TOOL_TIMEOUT) -> Measure:
    """Run `cmd` to its end (killed after `timeout` s); its wall time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load = os.getloadavg()[0]
        busy, start = busy_s(), time.perf_counter()
        process = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=err, cwd=REPO)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        busy = busy_s() - busy
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Measure(wall, cpu, load, usage.ru_maxrss / 1024, process.returncode,
                       out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                       max(0.0, busy - cpu) / wall if wall else 0.0)


# -- the wiki side ---------------------------------------------------------------------------


def served(wiki: wikiserver.Wiki) -> list[tuple[str, str]]:
    """(method, path) of every request the wiki answered so far, from its access log."""
    log = wiki.access_log_path.read_text(errors="replace")
    return [(m.group(2), m.group(3)) for m in _REQUEST.finditer(log)]


def kind_of(method: str, path: str) -> str:
    """A short label for a request: `POST`, or the GET's list/prop/meta/action."""
    if method != "GET":
        return method
    query = dict(p.partition("=")[::2] for p in path.partition("?")[2].split("&") if p)
    for key in ("list", "generator", "prop", "meta"):
        if key in query:
            return f"GET {key}={query[key]}"
    return f"GET action={query.get('action', '?')}"


def bot_edits(wiki: wikiserver.Wiki) -> int:
    """Revisions saved by the bot account so far (its contributions)."""
    params: dict[str, Any] = {"list": "usercontribs", "ucuser": "Movibot", "uclimit": "max",
                              "ucprop": "ids"}
    count = 0
    while True:
        answer = wiki.api(**params)
        count += len(answer["query"]["usercontribs"])
        if "continue" not in answer:
            return count
        params.update(answer["continue"])


def digest(wiki: wikiserver.Wiki) -> str:
    """SHA-256 of every page's title and text in the main and category namespaces."""
    h = hashlib.sha256()
    for ns in (0, 14):
        params: dict[str, Any] = {"generator": "allpages", "gapnamespace": ns, "gaplimit": 50,
                                  "prop": "revisions", "rvprop": "content", "rvslots": "main"}
        while True:
            answer = wiki.api(**params)
            for page in sorted(answer.get("query", {}).get("pages", []),
                               key=lambda p: p["title"]):
                if "revisions" in page:
                    text = page["revisions"][0]["slots"]["main"]["content"]
                    h.update(f"{page['title']}\0{text}\0".encode())
            if "continue" not in answer:
                break
            params.update(answer["continue"])
    return h.hexdigest()[:16]


def seeded_template(template: wikiserver.Template, n: int, seed: int) -> wikiserver.Template:
    """A template whose data already holds the n lieux (imported once, copied per tool)."""
    wiki = wikiserver.Wiki.fresh(template)
    wiki.seed(data.lieu_pages(n, seed))
    members = wiki.api(list="categorymembers", cmtitle="Catégorie:" + data.CATEGORY,
                       cmlimit="max")["query"]["categorymembers"]
    if len(members) < min(n, 500):
        raise RuntimeError(f"importDump left {len(members)} pages in the category, not {n}")
    wiki.stop()
    return dataclasses.replace(template, data=wiki.dir / "data")


# -- the tools -------------------------------------------------------------------------------


class Tool:
    """How to run one tool against one wiki; `run(full)` returns its Measure."""

    name = ""

    def __init__(self, wiki: wikiserver.Wiki, work: Path) -> None:
        self.wiki, self.work = wiki, work
        path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
        self.env = {**os.environ, "MOVIBOT_PASSWORD": wiki.bot_password,
                    "PYTHONHASHSEED": "0", "PYTHONPATH": path}  # the peers import this checkout

    def command(self, full: bool) -> list[str]:
        raise NotImplementedError

    def run(self, full: bool) -> Measure:
        return measure(self.command(full), self.env)


class Movibot(Tool):
    name = "movibot"

    def __init__(self, wiki: wikiserver.Wiki, work: Path) -> None:
        super().__init__(wiki, work)
        self.config = work / "movibot.yaml"
        self.config.write_text(
            f"site: {wiki.api_url}\nusername: {wiki.bot_user}\nput_throttle: 0\nmaxlag: 5\n"
            f"state_file: {work / 'state.json'}\nuser_agent: movibot-benchmark (+https://github.com/movilab/movibot)\n",
            encoding="utf-8")

    def command(self, full: bool) -> list[str]:
        report_file = self.work / ("full.json" if full else "incremental.json")
        return [*MOVIBOT, "run", "--config", str(self.config), "-q", "--report",
                str(report_file), *(["--full"] if full else [])]


class Pywikibot(Tool):
    """pywikibot configured by files written here: no prompt, no network but the wiki."""

    name = "pywikibot"

    def __init__(self, wiki: wikiserver.Wiki, work: Path) -> None:
        super().__init__(wiki, work)
        home = work / "pywikibot"
        home.mkdir()
        (home / "user-config.py").write_text(
            "family = 'movibench'\nmylang = 'movibench'\n"
            f"family_files['movibench'] = {wiki.api_url!r}\n"
            "usernames['movibench']['*'] = 'Movibot'\n"
            "password_file = 'user-password.py'\n"
            "put_throttle = 0\nminthrottle = 0\nmaxlag = 5\nmax_retries = 2\n"
            "user_agent_description = 'movibot-benchmark'\nnoisysleep = 600\n",
            encoding="utf-8")
        password = home / "user-password.py"
        app = wiki.bot_user.split("@", 1)[1]
        password.write_text(f"('Movibot', BotPassword({app!r}, {wiki.bot_password!r}))\n",
                            encoding="utf-8")
        password.chmod(0o600)
        self.env["PYWIKIBOT_DIR"] = str(home)

    def command(self, full: bool) -> list[str]:
        return [sys.executable, str(HERE / "peers.py"), "pywikibot"]


class Mwclient(Tool):
    name = "mwclient"

    def command(self, full: bool) -> list[str]:
        return [sys.executable, str(HERE / "peers.py"), "mwclient", "--api", self.wiki.api_url,
                "--user", self.wiki.bot_user]


TOOL_CLASSES = {"movibot": Movibot, "pywikibot": Pywikibot, "mwclient": Mwclient}


def bench_tool(name: str, template: wikiserver.Template, n: int) -> list[dict[str, Any]]:
    """The full run then the no-change run of one tool on a fresh copy of the seeded wiki."""
    wiki = wikiserver.Wiki.fresh(template)
    work = Path(tempfile.mkdtemp(prefix=f"movibench-{name}-"))
    rows = []
    try:
        tool = TOOL_CLASSES[name](wiki, work)
        for phase, full in (("full", True), ("no-change", False)):
            edits_before = bot_edits(wiki)
            before = len(served(wiki))  # after our own look-ups: only the tool's requests count
            result = tool.run(full)
            window = served(wiki)[before:]  # before the look-ups below
            edits = bot_edits(wiki) - edits_before
            row: dict[str, Any] = {
                "tool": name, "n": n, "phase": phase, "requests": len(window), "edits": edits,
                "non_edit_requests": len(window) - edits, "wall_s": round(result.wall_s, 2),
                "cpu_s": round(result.cpu_s, 2), "load": round(result.load, 2),
                "peak_rss_mb": round(result.peak_rss_mb, 1), "exit_code": result.exit_code,
                "kinds": dict(Counter(kind_of(*r) for r in window).most_common()),
            }
            if phase == "full":
                row["digest"] = digest(wiki)
            if result.exit_code not in (0, 1):
                row["error"] = (result.stderr or result.stdout)[-1500:]
            rows.append(row)
            print(f"  {name:9} N={n:<5} {phase:9} {row['requests']:5} requests "
                  f"{edits:5} edits {result.wall_s:7.1f} s {result.peak_rss_mb:6.1f} MB "
                  f"exit {result.exit_code}", flush=True)
            if "error" in row:
                print("    " + str(row["error"]).strip().replace("\n", "\n    "), flush=True)
    finally:
        wiki.destroy()
        shutil.rmtree(work, ignore_errors=True)
    return rows


# -- the dumps -------------------------------------------------------------------------------


# Where the dump runs write their pages. On a disk, creating 10 000 files costs the kernel
# 1 to 5 s from one run to the next on this kind of machine (ext4 on a virtual disk: about
# 80 µs per file, varying with the journal), which would drown what movibot does: the
# pages go to a tmpfs when there is one (`--out-on disk` writes them to the disk instead).
OUTPUT: dict[str, str | None] = {"dir": None, "name": "disk"}


def choose_output(where: str, pages: int) -> None:
    """The tmpfs when asked and it has room for `pages` pages (about 5 kB each, with a
    margin: Docker's default /dev/shm is 64 MB), else the disk."""
    shm = Path("/dev/shm")
    room = 0
    if shm.is_dir() and os.access(shm, os.W_OK):
        stat = os.statvfs(shm)
        room = stat.f_bavail * stat.f_frsize
    if where == "tmpfs" and room > pages * 10_000:
        OUTPUT.update(dir=str(shm), name="tmpfs (/dev/shm)")
    else:
        OUTPUT.update(dir=None, name=f"disk ({tempfile.gettempdir()})")


def bench_dump(dump: Path, pages: int, jobs: int, count: Path | None = None,
               import_file: bool = False) -> dict[str, Any]:
    """`movibot run --site dump:FILE --out DIR --jobs N` (`--out DIR/out.xml` with
    `import_file`: one MediaWiki import file): pages per second and peak RSS.

    With `count`, the run goes through `parsing.py count` (tokenizer passes counted into that
    file; --jobs 1 only: the workers of --jobs 2 are other processes)."""
    out = Path(tempfile.mkdtemp(prefix="movibench-out-", dir=OUTPUT["dir"]))
    target = out / "out.xml" if import_file else out
    args = ["run", "-q", "--site", f"dump:{dump}", "--out", str(target), "--jobs", str(jobs)]
    try:
        result = measure([*PARSING, "count", str(count), *args] if count else [*MOVIBOT, *args])
        report_file = out / ("out.xml.report.json" if import_file else "report.json")
        doc = json.loads(report_file.read_text()) if report_file.exists() else {}
        counts = doc.get("counts", {})
        files, digest = _written(target, import_file, doc.get("started") or "")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    row = {"pages": pages, "jobs": jobs, "output": "import file" if import_file else "folder",
           "wall_s": round(result.wall_s, 2),
           "cpu_s": round(result.cpu_s, 2), "load": round(result.load, 2),
           "others": round(result.others, 2), "pages_per_s": round(pages / result.wall_s, 1),
           "peak_rss_mb": round(result.peak_rss_mb, 1), "exit_code": result.exit_code,
           "files": files, "counts": counts, "output_digest": digest}
    if result.exit_code not in (0, 1) or not counts:  # a crash exits 1 too, without report
        row["error"] = result.stderr[-1500:] or f"exit {result.exit_code}, no report.json"
    print(f"  dump {pages:6} pages --jobs {jobs}{' (counted)' if count else ''} "
          f"{row['output']:11}: {result.wall_s:7.1f} s {row['pages_per_s']:7.1f} pages/s "
          f"{result.peak_rss_mb:6.1f} MB, other processes {result.others:.1f} cores, "
          f"exit {result.exit_code}", flush=True)
    if "error" in row:
        print("    " + str(row["error"]).strip().replace("\n", "\n    "), flush=True)
    return row


def _written(target: Path, import_file: bool, started: str) -> tuple[int, str]:
    """The pages a run wrote (files, or pages of the import file) and a digest of them (the
    run's start time, which dates the pages an import file creates, left out)."""
    tree = hashlib.sha256()
    if import_file:  # line by line: the file is big, and this process's memory is inherited
        pages, stamp = 0, started.encode()  # by the next run's (its peak RSS: fork, exec)
        with open(target, "rb") if target.exists() else contextlib.nullcontext([]) as lines:
            for line in lines:
                pages += line.strip() == b"<page>"
                tree.update(line.replace(stamp, b"") if stamp else line)
        return pages, tree.hexdigest()[:16]
    files = sorted(target.glob("*.wiki"))
    for p in files:
        tree.update(p.name.encode() + b"\0" + p.read_bytes())
    return len(files), tree.hexdigest()[:16]


def fastest(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fastest run of each (pages, --jobs, output), with every run's wall time (`runs_wall_s`);
    its output digest is "differs" when the runs did not all write the same files."""
    kept: dict[tuple[int, int, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["pages"], row["jobs"], row["output"])
        same = [r for r in rows if (r["pages"], r["jobs"], r["output"]) == key]
        best = min(same, key=lambda r: (bool(r.get("error")), r["wall_s"]))
        best["runs_wall_s"] = [r["wall_s"] for r in same]
        if len({r["output_digest"] for r in same}) > 1:
            best["output_digest"] = "differs"
        kept[key] = best
    return list(kept.values())


def bench_floor(dump: Path, pages: int, repeat: int = 3) -> dict[str, Any]:
    """The parse-only floor of the dump's pages (parsing.py floor: the fastest of `repeat`)."""
    done = measure([*PARSING, "floor", str(dump), "--repeat", str(repeat)])
    if done.exit_code != 0:
        raise RuntimeError(f"parsing.py floor failed: {done.stderr[-1500:]}")
    floor = json.loads(done.stdout)
    if floor["pages"] != pages:
        raise RuntimeError(f"{dump}: the floor read {floor['pages']} pages, not {pages}")
    row = {"pages": pages, "repeat": repeat, "wall_s": round(floor["wall_s"], 2),
           "cpu_s": round(floor["cpu_s"], 2), "load": round(done.load, 2),
           "others": round(done.others, 2), "pages_per_s": round(floor["pages_per_s"], 1)}
    print(f"  parse-only floor {pages:6} pages: {row['wall_s']:7.1f} s "
          f"{row['pages_per_s']:7.1f} pages/s (fastest of {repeat}), other processes "
          f"{done.others:.1f} cores", flush=True)
    return row


def bench_tokenizer(dump: Path, pages: int, reference: dict[str, Any]) -> dict[str, Any]:
    """Tokenizer passes per page of `movibot run --site dump:FILE --jobs 1`, counted in-process;
    `reference` is the plain --jobs 1 run, whose output the counted run must equal."""
    with tempfile.TemporaryDirectory(prefix="movibench-count-") as tmp:
        counted = Path(tmp) / "passes.json"
        run = bench_dump(dump, pages, 1, count=counted)
        passes: dict[str, Any] = (json.loads(counted.read_text()) if counted.exists()
                                  else {"passes": 0})
    row: dict[str, Any] = {"pages": pages, **passes,
                           "per_page": round(passes["passes"] / pages, 2),
                           "wall_s": run["wall_s"], "exit_code": run["exit_code"],
                           "same_output": run["output_digest"] == reference["output_digest"]}
    if "error" in run:
        row["error"] = run["error"]
    print(f"  tokenizer passes per page: {row['per_page']:.2f} ({row['passes']} passes, "
          f"{pages} pages; same output as the plain run: "
          f"{'yes' if row['same_output'] else 'NO'})", flush=True)
    for caller, n in list(passes.get("by_caller", {}).items())[:6]:
        print(f"    {n / pages:5.2f}/page  {caller}", flush=True)
    return row


def dump_summary(results: dict[str, Any]) -> None:
    """The floor, --jobs 1 and --jobs 2 side by side, and their ratios (printed)."""
    floor, one, two, xml = report.floor_rows(results)
    if floor is None or one is None:
        return
    print(f"  {floor['pages']} pages: floor {floor['pages_per_s']:.0f} pages/s, --jobs 1 "
          f"{one['pages_per_s']:.0f}" + (f", --jobs 2 {two['pages_per_s']:.0f}" if two else "")
          + (f", --jobs 1 import file {xml['pages_per_s']:.0f}" if xml else "")
          + f" pages/s; --jobs 1 / floor {one['pages_per_s'] / floor['pages_per_s']:.2f}"
          + (f", --jobs 2 / --jobs 1 {two['pages_per_s'] / one['pages_per_s']:.2f}"
             if two else "")
          + (f", import file / floor {xml['pages_per_s'] / floor['pages_per_s']:.2f}"
             if xml else ""), flush=True)
    for target, figures, holds in report.dump_targets(results):
        print(f"  {'holds' if holds else 'FAILS' if holds is False else 'n/a  '}  {target}: "
              f"{figures}", flush=True)


# -- the machine -----------------------------------------------------------------------------


def machine(template: wikiserver.Template | None) -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    mem_kb = int(found.group(1)) if found else 0
    try:
        php = subprocess.run(["php", "-r", "echo PHP_VERSION;"], capture_output=True,
                             text=True).stdout.strip()
    except OSError:
        php = "?"
    mediawiki = "?"
    if template is not None:
        wiki = wikiserver.Wiki.fresh(template)
        try:
            mediawiki = wiki.api(meta="siteinfo")["query"]["general"]["generator"]
        finally:
            wiki.destroy()
    movibot = subprocess.run([*MOVIBOT, "--version"], cwd=REPO, capture_output=True, text=True)
    tokenizer = subprocess.run(
        [sys.executable, "-c", "import mwparserfromhell.parser as p; print(int(p.use_c))"],
        capture_output=True, text=True).stdout.strip()
    try:
        tree = subprocess.run(["git", "describe", "--always", "--dirty=+uncommitted changes"],
                              cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        tree = ""
    return {
        "nproc": len(os.sched_getaffinity(0)), "tree": tree or "?", "cpu": cpu,
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(), "php": php, "mediawiki": mediawiki,
        "movibot": movibot.stdout.strip().rpartition(" ")[2] or "?",
        "pywikibot": _version("pywikibot"), "mwclient": _version("mwclient"),
        "mwparserfromhell": _version("mwparserfromhell"),
        "tokenizer": {"1": "C", "0": "Python"}.get(tokenizer, "?"),
        "date": time.strftime("%Y-%m-%d"),
    }


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


# -- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="N = 100 only, and the 10 000-page dump only")
    parser.add_argument("--sizes", type=int, nargs="+", help="lieux per wiki (default 100 1000)")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument("--dump-pages", type=int, default=10_000)
    parser.add_argument("--memory-pages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the smaller dump with each --jobs, interleaved; the "
                        "fastest is kept (default 3; the floor is the fastest of 3 passes)")
    parser.add_argument("--only", choices=("wiki", "dump"),
                        help="only the wiki benchmarks, or only the dump benchmarks")
    parser.add_argument("--no-wiki", action="store_true", help="same as --only dump")
    parser.add_argument("--no-dump", action="store_true", help="same as --only wiki")
    parser.add_argument("--out-on", choices=("tmpfs", "disk"), default="tmpfs",
                        help="where the dump runs write their pages (default: a tmpfs, "
                        "/dev/shm, when there is one)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--update-readme", action="store_true",
                        help="write the results table into benchmarks/README.md")
    args = parser.parse_args()
    if args.only:
        args.no_wiki, args.no_dump = args.only == "dump", args.only == "wiki"
    if args.no_wiki and args.no_dump:
        parser.error("nothing to run: both the wiki and the dump benchmarks are excluded")
    sizes = args.sizes or ([100] if args.quick else [100, 1000])
    reason = wikiserver.missing()
    if reason and not args.no_wiki:
        print(f"benchmarks need a test wiki: {reason}", file=sys.stderr)
        return 2
    started = time.monotonic()
    choose_output(args.out_on, args.dump_pages if args.quick
                  else max(args.dump_pages, args.memory_pages))
    scratch = wikiserver.scratch_dir("movibench-")
    results: dict[str, Any] = {"command": " ".join(["python", "benchmarks/run.py",
                                                    *sys.argv[1:]]),
                               "seed": args.seed, "wiki": [], "dump": [],
                               "parts": [p for p, skip in (("wiki", args.no_wiki),
                                                           ("dump", args.no_dump)) if not skip]}
    try:
        template = None if args.no_wiki else wikiserver.build_template(scratch / "mw")
        results["machine"] = machine(template)
        results["machine"]["dump_output"] = OUTPUT["name"]
        print(json.dumps(results["machine"]), flush=True)
        for n in sizes if template is not None else []:
            seeded = seeded_template(template, n, args.seed)
            for name in args.tools:
                results["wiki"] += bench_tool(name, seeded, n)
        if not args.no_dump:
            dump = data.write_dump(scratch / "dump-10k.xml", args.dump_pages, args.seed)
            results["floor"] = bench_floor(dump, args.dump_pages)
            results["dump"] += fastest([bench_dump(dump, args.dump_pages, jobs, import_file=xml)
                                        for _ in range(max(1, args.repeat))
                                        for jobs, xml in ((1, False), (2, False), (1, True))])
            results["tokenizer"] = bench_tokenizer(dump, args.dump_pages, results["dump"][0])
            dump_summary(results)
            dump.unlink()
            if not args.quick:
                big = data.write_dump(scratch / "dump-100k.xml", args.memory_pages, args.seed)
                results["dump"].append(bench_dump(big, args.memory_pages, 1))
                big.unlink()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["total_s"] = round(time.monotonic() - started, 1)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "latest.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    table = report.markdown(results)
    (args.results / "latest.md").write_text(table)
    print(table)
    if args.update_readme:
        report.update_readme(HERE / "README.md", results)
    print(f"done in {results['total_s']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
