"""What each CLI command does, as plain functions over files and sites (no click here)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from movibot.config import Config
from movibot.costs.inputs import COST_FIELDS, cost_inputs
from movibot.costs.model import (
    CostInputs,
    CostResult,
    InvalidInputs,
    compute_costs,
    validate_inputs,
)
from movibot.errors import UsageError
from movibot.i18n import Msg
from movibot.problems import Problem
from movibot.records.lint import LocalPage, lint_pages
from movibot.records.policy import Selection
from movibot.records.read import Reading, Source
from movibot.records.schema import load_schemas
from movibot.sites.base import Page, Site
from movibot.sites.directory import UnreadableFile, read_wiki_file, wiki_files


def load_sources(paths: Sequence[str | Path]) -> tuple[list[LocalPage], list[Problem]]:
    """Read the .wiki files of `paths`; unreadable files become E601 problems."""
    sources: list[LocalPage] = []
    problems: list[Problem] = []
    for path in wiki_files(paths):
        try:
            title, text = read_wiki_file(path)
        except UnreadableFile as e:
            where, _, message = str(e).partition(": ")
            file, line, col = (where.rsplit(":", 2) + ["1", "1"])[:3]
            problems.append(Problem("E601", message, file, int(line), int(col)))
            continue
        except OSError as e:
            problems.append(Problem("E601", Msg("cannot read: {why}", why=e.strerror),
                                    str(path)))
            continue
        sources.append(LocalPage(str(path), title, text))
    return sources, problems


def parse_files(files: Sequence[str], sources: Sequence[Source]) -> list[dict[str, Any]]:
    """The records of the given files, as dicts, with their problems: each page's one reading
    (records.read), as the run reads it. A .wiki file gives its page; an XML dump (plain or
    compressed) every page of it that a run reads (in a source's category, or calling a
    source's template). Unreadable files raise UnreadableFile; damaged dumps WikiError."""
    from movibot.sites.dump import is_dump_file

    out: list[dict[str, Any]] = []
    for path in files:
        readings = _dump_readings(path, sources) if is_dump_file(path) else [
            _file_reading(path, sources)]
        out.extend(dataclasses.replace(r.record, problems=r.problems).to_dict()
                   for r in readings)
    return out


def _file_reading(path: str, sources: Sequence[Source]) -> Reading:
    from movibot.records.read import read_page
    from movibot.wikitext.titles import namespace_of

    title, text = read_wiki_file(Path(path))
    return read_page(Page(title, text, ns=namespace_of(title)), sources, path=path)


def _dump_readings(path: str, sources: Sequence[Source]) -> Iterator[Reading]:
    """The readings of the pages of a dump that a run reads (a source's, or calling a
    source's template)."""
    from movibot.records.read import read_page
    from movibot.sites.dump import DumpSite
    from movibot.sync.pages import named_sources, source_pages

    site = DumpSite(path)
    sources = named_sources(site, sources)  # calls read through the dump's template redirects
    for page in source_pages(site, sources):
        reading = read_page(page, sources)
        if reading.source is not None:
            yield reading


def lint_paths(paths: Sequence[str], sources: Sequence[Source],
               selection: Selection | None = None) -> tuple[list[Problem], int]:
    """Problems of the files in `paths` (links checked against their folders; only the codes
    `selection` reports) and the file count."""
    pages, problems = load_sources(paths)
    neighbours, _ = load_sources(sorted({str(Path(s.path).parent) for s in pages}))
    known = {s.title for s in neighbours} | {s.title for s in pages}
    problems.extend(lint_pages(pages, sources, known))
    unreadable = sum(p.code == "E601" for p in problems)
    kept = selection.kept(problems) if selection is not None else problems
    return kept, len(pages) + unreadable


FIX_PASSES = 4  # lint --fix reads a page again after its fixes at most this many times


@dataclasses.dataclass(frozen=True)
class FixedFile:
    """A .wiki file lint --fix changes: its text as read, as fixed, and how many fixes."""

    path: str
    before: str
    after: str
    fixes: int


def fix_paths(paths: Sequence[str], sources: Sequence[Source], selection: Selection
              ) -> list[FixedFile]:
    """The files of `paths` that the fixes of their selected problems change (records.fix):
    each page read again after its fixes until none is left (at most FIX_PASSES). Writes
    nothing."""
    from movibot.records.fix import apply_fixes
    from movibot.records.lint import lint_page

    pages, _ = load_sources(paths)
    changed = []
    for page in pages:
        text, count = page.text, 0
        for _ in range(FIX_PASSES):
            problems = selection.kept(lint_page(dataclasses.replace(page, text=text), sources))
            text, applied = apply_fixes(text, [p.fix for p in problems if p.fix is not None])
            if not applied:
                break
            count += applied
        if text != page.text:
            changed.append(FixedFile(page.path, page.text, text, count))
    return changed


def fix_diff(fixed: Sequence[FixedFile]) -> str:
    """The unified diff of what lint --fix would write."""
    from movibot.sync.edits import unified_diff

    return "".join(unified_diff(f.before, f.after, f.path) for f in fixed)


def write_fixes(fixed: Sequence[FixedFile]) -> None:
    """Write the fixed files in place (atomically), a leading byte-order mark kept. Raises
    UsageError for a file changed since it was read (nothing of it is lost)."""
    from movibot.atomic import write_atomic

    for f in fixed:
        raw = Path(f.path).read_bytes().decode("utf-8")
        text = raw.lstrip("\ufeff")
        if text != f.before:
            raise UsageError(Msg("{path}: changed while lint --fix read it; run it again",
                                 path=f.path))
        write_atomic(Path(f.path), raw[:len(raw) - len(text)] + f.after)


def lint_selection(config_path: str | None, select: Sequence[str], ignore: Sequence[str]
                   ) -> Selection:
    """The codes lint reports: the config's `lint:` settings, `--select` (comma-separated
    codes or prefixes) in place of the config's select, `--ignore` added to its ignore.
    Raises UsageError for a code the registry does not know, ConfigError for a bad config."""
    from movibot.config import load_config
    from movibot.problems import unknown_prefixes

    chosen = [c for given in select for c in given.split(",") if c.strip()]
    dropped = [c for given in ignore for c in given.split(",") if c.strip()]
    for option, codes in (("--select", chosen), ("--ignore", dropped)):
        unknown = unknown_prefixes(codes)
        if unknown:
            raise UsageError(Msg("{option}: unknown code '{value}' (`movibot rule` lists them)",
                                 option=option, value=unknown[0]))
    config = load_config(config_path)
    return Selection.of(chosen or config.lint_select, (*config.lint_ignore, *dropped))


def reading_sources(schema_paths: Sequence[str], config_path: str | None) -> list[Source]:
    """The sources lint and parse read pages with: the --schema files' (each with its own
    source category), else the config's sources (the bundled ones without a config)."""
    from movibot.config import load_config
    from movibot.records.read import sources_of

    if schema_paths:
        return sources_of(load_schemas(list(schema_paths)))
    return configured_sources(load_config(config_path))


def schema_files(given: Sequence[str], config_path: str | None) -> list[str]:
    """The schemas lint and parse follow: --schema, else the config's sources' schemas (the
    bundled ones without a config)."""
    from movibot.config import load_config

    if given:
        return list(given)
    return list(dict.fromkeys(s.schema for s in load_config(config_path).sources))


def cost_from_options(numbers: dict[str, Any]) -> CostResult:
    """The cost model from `movibot cost` options. Raises UsageError naming the option."""
    from movibot.costs.model import DEFAULT_SHARES, parse_shares

    for option, key in (("--surface", "surface"), ("--infra", "infra"),
                        ("--services", "services")):
        if numbers.get(key) is None:
            raise UsageError(Msg("{option} is required (or give a lieu page: movibot cost "
                                 "FILE.wiki)", option=option))
    try:
        inputs = CostInputs(
            surface_total=numbers["surface"], infrastructure=numbers["infra"],
            services=numbers["services"], surface_usable=numbers.get("usable"),
            shares=parse_shares(numbers["shares"]) if numbers.get("shares") else DEFAULT_SHARES,
            postes=numbers.get("postes"), recettes_residents=numbers.get("recettes_residents"),
            recettes_contributors=numbers.get("recettes_contributeurs"),
            recettes_offers=numbers.get("recettes_offres"),
        )
        validate_inputs(inputs)
    except InvalidInputs as e:
        raise UsageError(_option_names(str(e))) from None
    return compute_costs(inputs)


def _option_names(message: str) -> str:
    """An error of the cost model with its input names as `movibot cost` options."""
    import re

    names = "|".join(sorted(_COST_OPTIONS, key=len, reverse=True))
    return re.sub(rf"(?<![\w-])({names})(?![\w-])", lambda m: _COST_OPTIONS[m.group(1)],
                  message)


_COST_OPTIONS = {
    "surface_total": "--surface", "surface_usable": "--usable", "infrastructure": "--infra",
    "services": "--services", "postes": "--postes", "recettes_residents": "--recettes-residents",
    "recettes_contributors": "--recettes-contributeurs", "recettes_offers": "--recettes-offres",
    "shares": "--shares",
}


def write_chart(path: Path, result: CostResult, name: str | None) -> None:
    """Write the SVG chart of the shares. Raises IOFailure (one line) when it cannot be."""
    from movibot.atomic import write_atomic
    from movibot.costs.chart import render_chart_svg
    from movibot.errors import IOFailure

    try:
        if not path.parent.is_dir():
            raise FileNotFoundError(2, "No such directory")
        write_atomic(path, render_chart_svg(result, name))
    except OSError as e:
        raise IOFailure(Msg("cannot write the chart {path}: {value}",
                            path=path, value=e.strerror or e)) from None


# Each `movibot cost` option and the lieu field it overrides when given with a page.
_OPTION_FIELDS = {
    "surface": "surface_totale", "usable": "surface_utile", "infra": "cout_infrastructure",
    "services": "cout_services", "postes": "postes_travail",
    "recettes_residents": "recettes_residents",
    "recettes_contributeurs": "recettes_contributeurs", "recettes_offres": "recettes_offres",
}


def _overridden(fields: dict[str, Any], numbers: dict[str, Any]) -> dict[str, Any]:
    """The page's fields with the options given on the command line put in their place."""
    from decimal import Decimal

    from movibot.costs.model import parse_shares

    out = dict(fields)
    for option, field in _OPTION_FIELDS.items():
        if numbers.get(option) is not None:
            out[field] = Decimal(numbers[option])
    if numbers.get("shares"):
        try:
            shares = parse_shares(numbers["shares"])
        except InvalidInputs as e:
            raise UsageError(_option_names(str(e))) from None
        out.update(zip(("part_residents", "part_contributeurs", "part_offres"), shares,
                       strict=True))
    return out


def cost_from_page(file: str | None, title: str | None, site_spec: str | None,
                   config_path: str | None, numbers: dict[str, Any] | None = None
                   ) -> tuple[CostResult, str]:
    """The cost model of a lieu page (a file, or a title on the configured site): its one
    reading (records.read), with the options given (`--usable 260`…) in place of the page's
    values. Raises UsageError for a page that is not a lieu, or whose cost inputs are bad."""
    from movibot.config import load_config
    from movibot.records.policy import Command, refused
    from movibot.records.read import read_page

    config = load_config(config_path)
    page, where = _cost_page(file, title, site_spec, config)
    reading = read_page(page, configured_sources(config), path=where)
    if reading.schema is None or reading.schema.kind != "lieu":
        raise UsageError(Msg("{where}: not a lieu page (no {{{{Tiers-Lieu}}}} call, not in a "
                             "lieu category)", where=where))
    bad = refused(Command.COST, reading.problems)
    if bad:
        raise UsageError(bad[0].format())
    fields = _overridden(reading.record.fields, numbers or {})
    inputs = cost_inputs(fields)
    if inputs is None:
        missing = [reading.schema.field(n).param for n in COST_FIELDS if fields.get(n) is None]
        raise UsageError(Msg("{where}: the lieu page has no {value}",
                             where=where, value=', '.join(missing)))
    try:
        validate_inputs(inputs)
    except InvalidInputs as e:
        raise UsageError(Msg("{where}: {why}", where=where, why=_option_names(str(e)))
                         ) from None
    return compute_costs(inputs), str(reading.record.fields.get("nom") or page.title)


def _cost_page(file: str | None, title: str | None, site_spec: str | None, config: Config
               ) -> tuple[Page, str]:
    """The page `movibot cost` reads (a file, else a title on the site) and where it is."""
    from movibot.sites import open_site
    from movibot.wikitext.titles import namespace_of

    if file:
        title_, text = read_wiki_file(Path(file))
        return Page(title_, text, ns=namespace_of(title_)), file
    site = open_site(site_spec, config)
    page = next(iter(site.pages([title or ""])))
    if not page.exists:
        raise UsageError(Msg("page {title!r} does not exist on {name}",
                             title=title, name=site.name))
    return page, page.title


def render_cost(result: CostResult, fmt: str, name: str | None) -> str:
    """The cost model as text (French table), JSON (stable keys) or wikitext (infobox rows)."""
    import json

    from movibot.costs.model import format_cost_table

    if fmt == "json":
        return json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2, sort_keys=True)
    if fmt == "wikitext":
        from movibot.render.infobox import render_cost_table

        return render_cost_table(result, name).rstrip("\n")
    return format_cost_table(result).rstrip("\n")


def open_configured_site(site_spec: str | None, config: Config, *, write: bool) -> Site:
    """The site `--site` or the config names. A live wiki is logged in when writing, and
    whenever credentials are configured (a dry run, pull or diff then reads as the account
    would, and a wrong password is found before the first scheduled run). Raises LoginError
    (exit 7), ConfigError (a password file others can read), UsageError (writing without
    credentials)."""
    from movibot.config import parse_site_spec
    from movibot.sites import open_site

    spec = site_spec or config.site
    where = parse_site_spec(spec)
    if not where.live:
        return open_site(spec, config)
    credentials = configured_credentials(config, where.target)
    return open_site(spec, config, password=credentials.password, auth=credentials.auth,
                     login=write or credentials.given)


@dataclasses.dataclass(frozen=True)
class Credentials:
    """How the configuration logs in to a wiki: OAuth (`auth`), else a BotPassword."""

    username: str | None
    password: str | None = None
    auth: Any = None  # a requests AuthBase (movibot.sites.oauth): no action=login

    @property
    def given(self) -> bool:
        """True when there is something to log in with."""
        return self.auth is not None or bool(self.username and self.password)

    @property
    def method(self) -> str:
        """`BotPassword`, `OAuth 2.0` or `OAuth 1.0a`."""
        from movibot.sites.oauth import OAuth2

        if self.auth is None:
            return "BotPassword"
        return "OAuth 2.0" if isinstance(self.auth, OAuth2) else "OAuth 1.0a"


def configured_credentials(config: Config, url: str) -> Credentials:
    """The configuration's credentials for the wiki at `url` (OAuth, else the password of
    $MOVIBOT_PASSWORD or password_file). Raises ConfigError (a secret file others can read,
    OAuth beside a password), never showing a secret."""
    import os
    from urllib.parse import urlsplit

    from movibot.config import read_password
    from movibot.sites.oauth import OAUTH_KEYS, load_oauth  # requests: live wikis only

    values = {key: getattr(config, key) for key in (*OAUTH_KEYS, "password_file")}
    base = Path(config.path).parent if config.path else Path.cwd()
    auth = load_oauth(values, os.environ, base, host=urlsplit(url).hostname)
    if auth is not None:
        return Credentials(config.username, auth=auth)
    return Credentials(config.username, read_password(config))


@contextlib.contextmanager
def trapped_signals() -> Iterator[Callable[[], str | None]]:
    """While the block runs, SIGTERM and SIGINT are noted instead of killing the process: the
    run finishes or abandons the current edit, saves the state and writes its report. Yields
    a function giving the signal's name once one arrived."""
    import signal

    got: list[str] = []

    def note(signum: int, frame: object) -> None:
        got.append(signal.Signals(signum).name)

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):  # not the main thread: signals stay as they are
            previous[sig] = signal.signal(sig, note)
    try:
        yield lambda: got[0] if got else None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_command(site_spec: str | None, config_path: str | None, *, dry_run: bool, full: bool,
                force: bool, max_edits: int | None, show: Any = None, progress: Any = None,
                sleep: Any = None, titles: Sequence[str] = (),
                allow_shrink: bool = False, site: Site | None = None) -> Any:
    """`movibot run`: open the site (unless given, opened by the caller) and the state, run
    the job, write the report page."""
    import time

    from movibot.config import load_config
    from movibot.errors import LoginError, WikiError
    from movibot.lock import holding_lock
    from movibot.records.schema import load_schema
    from movibot.state import load_state
    from movibot.sync.plan import Source
    from movibot.sync.report import Report
    from movibot.sync.run import RunOptions, run_job

    config = load_config(config_path).with_overrides(max_edits=max_edits)
    with contextlib.nullcontext() if dry_run else holding_lock(config.state_file):
        try:
            if site is None:
                site = open_configured_site(site_spec, config, write=not dry_run)
        except WikiError as e:  # unreachable, lagged, login refused: a report that says so
            report = Report(site_spec or config.site or "", dry_run, full)
            report.halted, report.requests = str(e), e.requests
            report.login_refused = isinstance(e, LoginError)
            return report
        if not site.writable and not dry_run:
            raise UsageError(Msg("the site {name} is read-only: use --dry-run, or --out DIR",
                                 name=site.name))
        sources = [Source(s, load_schema(s.schema)) for s in config.sources]
        state = load_state(config.state_file, site.name)
        with trapped_signals() as interrupted:
            report = run_job(site, config, sources, state,
                             RunOptions(dry_run, full, force, tuple(titles), allow_shrink),
                             sleep=sleep or time.sleep, show=show,
                             progress=progress or (lambda items, length, label: items),
                             interrupted=interrupted)
            if config.report_page and not report.stopped and not report.interrupted:
                from movibot.sync.run import write_report_page

                write_report_page(site, config, report, state, show=show)
        return report


def pull_command(site_spec: str | None, config_path: str | None, categories: list[str],
                 titles: list[str], dest: str, *, keep_local: bool = False,
                 force: bool = False, progress: Any = None) -> list[Any]:
    """`movibot pull`: the sources' categories unless categories or titles are given."""
    from movibot.config import load_config
    from movibot.lock import holding_lock
    from movibot.state import load_state
    from movibot.sync.contrib import pull

    config = load_config(config_path)
    with holding_lock(config.state_file):
        site = open_configured_site(site_spec, config, write=False)
        if not categories and not titles:
            categories = [s.category for s in config.sources]
        state = load_state(config.state_file, site.name)
        return list(pull(site, Path(dest), state, categories, titles, keep_local=keep_local,
                         force=force, progress=progress or (lambda items, length, label: items)))


def diff_command(paths: Sequence[str], site_spec: str | None, config_path: str | None
                 ) -> list[Any]:
    """`movibot diff`: what push would write, file by file (the infobox block included);
    unreadable files are an error (exit 2), not a silent skip."""
    from movibot.config import load_config
    from movibot.state import load_state
    from movibot.sync.contrib import PushOptions, diff, plan_push

    files = _readable_sources(paths)
    config = load_config(config_path)
    site = open_configured_site(site_spec, config, write=False)
    state = load_state(config.state_file, site.name)
    plan = plan_push(site, files, state, configured_sources(config), config.bot_name(),
                     PushOptions(dry_run=True))
    return list(diff(plan))


def configured_sources(config: Config) -> list[Source]:
    """The config's sources with their schemas loaded."""
    from movibot.records.schema import load_schema

    return [Source(s, load_schema(s.schema)) for s in config.sources]


def push_command(paths: Sequence[str], site_spec: str | None, config_path: str | None, *,
                 dry_run: bool, summary: str | None, lint: bool, recreate: bool = False,
                 new: bool = False, max_edits: int | None = None, sleep: Any = None,
                 progress: Any = None) -> Any:
    """`movibot push`: plan the changed files (merge, the run's plan), lint them, and write
    them through the one writer (stop page, put_throttle, max_edits, halts, state)."""
    from movibot.config import load_config
    from movibot.lock import holding_lock

    files = _readable_sources(paths)
    config = load_config(config_path)
    with contextlib.nullcontext() if dry_run else holding_lock(config.state_file):
        return _push(files, site_spec, config, dry_run=dry_run, summary=summary, lint=lint,
                     recreate=recreate, new=new, max_edits=max_edits, sleep=sleep,
                     progress=progress or (lambda items, length, label: items))


def _push(files: list[LocalPage], site_spec: str | None, config: Config, *, dry_run: bool,
          summary: str | None, lint: bool, recreate: bool, new: bool, max_edits: int | None,
          sleep: Any, progress: Any) -> Any:
    import time

    from movibot.errors import StopRequested
    from movibot.state import load_state
    from movibot.sync.apply import apply_plan, politeness
    from movibot.sync.contrib import PushOptions, PushResult, plan_push, push

    site = open_configured_site(site_spec, config, write=not dry_run)
    state = load_state(config.state_file, site.name)
    sources = configured_sources(config)
    options = PushOptions(dry_run, summary, recreate, new, bot=config.push_bot_flag)
    result = PushResult(site.name, dry_run)
    stop_title = config.effective_stop_page()

    def apply(edits: Any, on_saved: Any) -> Any:
        return apply_plan(site, edits, politeness(site, config, max_edits), stop_title=stop_title,
                          state=state, on_saved=on_saved, sleep=sleep or time.sleep,
                          progress=progress)

    try:
        plan = plan_push(site, files, state, sources, config.bot_name(), options)
        if lint:
            plan = without_lint_errors(plan, plan.sources)
        result.outcomes = push(plan, state, apply, dry_run=dry_run)
    except StopRequested as e:
        result.stopped, result.halted = True, str(e)
    result.requests = site.requests
    return result


def without_lint_errors(plan: Any, sources: Sequence[Source]) -> Any:
    """The push plan without the files that have lint errors (each becomes `invalid`): only
    the files push would write are linted."""
    from movibot.records.policy import Command, refused
    from movibot.status import Status
    from movibot.sync.contrib import FileOutcome

    paths = [file.path for file, _, _ in plan.edits]
    problems, _ = lint_paths(paths, sources) if paths else ([], 0)
    errors: dict[str, list[Problem]] = {}
    for p in refused(Command.PUSH, problems):
        errors.setdefault(p.path, []).append(p)
    kept, not_pushed = [], []
    for file, edit, status in plan.edits:
        found = errors.get(file.path)
        if not found:
            kept.append((file, edit, status))
            continue
        more = Msg(" (and {n} more)", n=len(found) - 1) if len(found) > 1 else ""
        first = found[0]
        not_pushed.append(FileOutcome(file.path, file.title, Status.INVALID,
                                      Msg("{problem}{more}; fix it, or push with --no-lint",
                                          problem=first.line_msg(), more=more)))
    return dataclasses.replace(plan, edits=tuple(kept), settled=plan.settled + tuple(not_pushed))


def _readable_sources(paths: Sequence[str]) -> list[LocalPage]:
    sources, problems = load_sources(paths)
    if problems:
        raise UsageError(problems[0].format())
    return sources


# The run options a run with --out (a dump or a wiki planned into a folder) cannot honour, and
# what to do instead; the others (--site, --config, --force, --full, --allow-shrink, --jobs,
# --report, --format) it honours.
OUT_REFUSES = {
    "--dry-run": "a run with --out never writes to the site; a dry run is the same run "
                 "without --out",
    "--title": "a run with --out plans every page; one page's plan is "
               "'movibot run --site S --dry-run --title T'",
    "--max-edits": "a run with --out makes no edits, it writes every planned page",
}


def offline_command(site_spec: str | None, config_path: str | None, out: Path, *, jobs: int,
                    force: bool, progress: Any, allow_shrink: bool = False,
                    given: Sequence[str] = ()) -> Any:
    """`movibot run --out DIR`: plan every page, write the planned pages and the report.
    Raises UsageError for an option of `given` that such a run cannot honour (OUT_REFUSES)."""
    from movibot.config import load_config
    from movibot.sync.offline import run_offline

    refused = [option for option in given if option in OUT_REFUSES]
    if refused:
        raise UsageError(Msg("{value} cannot be used with --out: {value2}",
                             value=refused[0], value2=OUT_REFUSES[refused[0]]))
    config = load_config(config_path)
    site = open_configured_site(site_spec, config, write=False)
    with trapped_signals() as interrupted:
        return run_offline(site, config, configured_sources(config), out, jobs=jobs,
                           force=force, progress=progress, allow_shrink=allow_shrink,
                           interrupted=interrupted)


def failed_report_path(out: Path) -> Path:
    """Where a run with --out that did not complete writes its report when --report is not
    given: beside OUT (OUT itself is left as it was)."""
    from movibot.sync.offline import report_beside

    return report_beside(out)


def templates_command(out: str | None, schema_paths: Sequence[str], config_path: str | None,
                      *, check: bool) -> list[tuple[str, str]]:
    """`movibot templates`: (path, written | unchanged | differs) for each template page
    generated from the schemas, in OUT (default: the configured folder, else fiches/)."""
    from movibot.atomic import write_atomic
    from movibot.config import load_config, parse_site_spec
    from movibot.records.schema import load_schemas
    from movibot.render.templates import template_files

    config = load_config(config_path)
    spec = parse_site_spec(config.site)
    folder = Path(out or (spec.target if spec.kind == "folder" else "fiches"))
    schemas = load_schemas(schema_files(schema_paths, config_path))
    done = []
    for name, text in template_files(schemas).items():
        path = folder / name
        try:
            current = path.read_text(encoding="utf-8") if path.exists() else None
        except (OSError, UnicodeDecodeError):
            current = None
        if current == text:
            done.append((str(path), "unchanged"))
        elif check:
            done.append((str(path), "differs"))
        else:
            write_atomic(path, text)
            done.append((str(path), "written"))
    return done


def schema_check_command(site_spec: str | None, schema_paths: Sequence[str],
                         config_path: str | None) -> list[tuple[str, str]]:
    """`movibot schema check`: (template page, difference) between each schema and the
    TemplateData of its template on the site."""
    from movibot.config import load_config
    from movibot.records.schema import load_schemas
    from movibot.records.templatedata import check_site

    config = load_config(config_path)
    site = open_configured_site(site_spec, config, write=False)
    return check_site(site, load_schemas(schema_files(schema_paths, config_path)))


def schema_from_templatedata_command(site_spec: str | None, config_path: str | None,
                                     template: str) -> str:
    """`movibot schema from-templatedata`: a starter schema (YAML) from a template's
    TemplateData on the site."""
    from movibot.config import load_config
    from movibot.records.templatedata import read_templatedata, schema_from_templatedata

    site = open_configured_site(site_spec, load_config(config_path), write=False)
    return schema_from_templatedata(read_templatedata(site, template), template)



def doctor_command(site_spec: str | None, config_path: str | None) -> list[Any]:
    """`movibot doctor`: the checks (movibot.doctor.Check) of what a scheduled run needs, the
    configuration's first; nothing is edited."""
    from movibot.config import load_config, parse_site_spec
    from movibot.doctor import Access, Check, diagnose
    from movibot.sites import open_site

    try:
        config = load_config(config_path)
        sources = configured_sources(config)
    except UsageError as e:  # the config or a schema it names
        return [Check("config", False, str(e))]
    checks = [Check("config", True, config.path or "none: the defaults")]
    spec = site_spec or config.site
    where = parse_site_spec(spec)
    credentials = Credentials(config.username)
    if where.live:
        try:
            credentials = configured_credentials(config, where.target)
            checks.append(Check("credentials", True, _secret_source(config, credentials)))
        except UsageError as e:
            checks.append(Check("credentials", False, str(e)))

    def opened(login: bool) -> Site:
        return open_site(spec, config, password=credentials.password, auth=credentials.auth,
                         login=login)

    access = Access(where.live, credentials.method if credentials.given else None)
    return checks + diagnose(config, sources, opened, access)


def _secret_source(config: Config, credentials: Credentials) -> str:
    """Where the credentials were read from, for doctor (never the secret)."""
    import os

    from movibot.config import PASSWORD_ENV

    if credentials.auth is not None:
        return f"{credentials.method}, from movibot.yaml's oauth keys or the environment"
    if not credentials.given:
        return "none configured"
    if os.environ.get(PASSWORD_ENV):
        return f"{config.username}, the password from {PASSWORD_ENV}"
    return (f"{config.username}, the password from {config.password_file} (readable by its "
            "owner only)")
