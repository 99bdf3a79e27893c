"""The command line: read options, call one library function, print. Exit codes:
0 done, 1 problems found or some pages need a person, 2 usage or config error, 3 halted by the
stop page, 4 another run holds the lock, 5 interrupted by a signal, 6 a file could not be written,
7 the wiki refused the login.
"""

from __future__ import annotations

import inspect
import json
import sys
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import yaml

from movibot import __version__, i18n
from movibot.errors import MovibotError
from movibot.i18n import N_, Msg, msg_n
from movibot.status import Status

if TYPE_CHECKING:
    from movibot.problems import Problem

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(error: MovibotError) -> None:
    """Print `Error: …` (one line, in the user's language) and exit with the error's code."""
    click.echo(i18n._("Error: {message}").format(message=i18n.text(error)), err=True)
    sys.exit(error.exit_code)


def _chosen_language(args: Sequence[str]) -> i18n.Language:
    """`--lang fr|en` when the command line has it (read before click parses, so that click's
    own errors speak it too), else the user's locale."""
    for i, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[i + 1] if arg == "--lang" and i + 1 < len(args) else None)
        if value in ("fr", "en"):
            return i18n.Language(value)
    return i18n.user_language()


@contextmanager
def _translated(command: click.Command, ctx: click.Context | None = None) -> Iterator[None]:
    """The command's help texts and its options' in the user's language while click formats
    them (click reads them as plain strings; the catalog has them in English)."""
    kept: list[tuple[object, str, str | None]] = [
        (command, "help", command.help), (command, "short_help", command.short_help),
        (command, "epilog", command.epilog)]
    helping = command.get_help_option(ctx) if ctx is not None else None  # click keeps it
    kept += [(p, "help", getattr(p, "help", None)) for p in [*command.params, helping] if p]
    for owner, attribute, value in kept:
        if value:
            setattr(owner, attribute, i18n._(inspect.cleandoc(value)))
    try:
        yield
    finally:
        for owner, attribute, value in kept:
            setattr(owner, attribute, value)


def _english_help_option(option: click.Option | None) -> click.Option | None:
    """click makes the -h option once per command, its help in the language of that moment:
    keep it English, translated where it is shown (like every other help text)."""
    if option is not None and option not in _MADE:  # new: click has just made it
        option.help = N_("Show this message and exit.")
        _MADE.add(option)
    return option


_MADE: weakref.WeakSet[click.Option] = weakref.WeakSet()  # the -h options already made English


class Translated(click.Command):
    """A command (or group) whose help is shown in the user's language."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _english_help_option(super().get_help_option(ctx))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self, ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated(self):
            return super().get_short_help_str(limit)


class Command(Translated):
    """A command of movibot."""


class Group(Translated, click.Group):
    """Sets the user's language, then turns every MovibotError, and click's usage errors, into
    one `Error:` line and its exit code."""

    command_class = Command

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any
             ) -> Any:
        i18n.use(_chosen_language(sys.argv[1:] if args is None else list(args)))
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as e:  # click would print the usage, a hint and the error
            if type(e).__name__ == "NoArgsIsHelpError":  # `movibot` alone: the help
                e.show()
                sys.exit(e.exit_code)
            hint = (i18n._(" (see '{command} -h')").format(command=e.ctx.command_path)
                    if e.ctx is not None else "")
            message = i18n._("Error: {message}").format(message=e.format_message())
            click.echo(f"{message}{hint}", err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo(i18n._("Aborted!"), err=True)
            sys.exit(1)
        # click returns the code of an explicit exit (--help, --version), else the command's
        # return value (None: every command exits through sys.exit or returns normally)
        sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MovibotError as e:
            fail(e)


def _inherit_config(ctx: click.Context, param: click.Parameter, value: str | None
                    ) -> str | None:
    """A command's --config, else the one given before the command (`movibot --config F run`)."""
    if value:
        return value
    root = ctx.find_root()
    return root.params.get("config_path") if root is not ctx else None


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), callback=_inherit_config,
    help="Config file (default: $MOVIBOT_CONFIG, else ./movibot.yaml).")


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="movibot",
                      help="Show the version and exit.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Config file for every command (default: $MOVIBOT_CONFIG, else "
                   "./movibot.yaml).")
@click.option("--lang", type=click.Choice(["fr", "en"]), expose_value=False,
              help="Language of the messages (default: French when the locale is French, "
                   "else English); what is written on a wiki follows the wiki's language.")
def main(config_path: str | None) -> None:
    """movibot: keeps Movilab's pages, infoboxes, category pages and local fiches in step."""


def dump(data: Any, fmt: str) -> str:
    """Machine output: JSON (sorted keys, stable) or YAML."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip("\n")


schema_option = click.option(
    "--schema", "schema_paths", multiple=True, type=click.Path(dir_okay=False),
    help="Schema file (repeatable); default: the config's sources' schemas (the bundled "
         "schemas/lieu.yaml and fiche.yaml without a config).",
)


@main.command("parse", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml",
              show_default=True)
@schema_option
@config_option
def parse_cmd(files: tuple[str, ...], fmt: str, schema_paths: tuple[str, ...],
              config_path: str | None) -> None:
    """Print the record of each FILE.wiki: fields, categories, sections, problems."""
    from movibot.app import parse_files, reading_sources

    records = parse_files(files, reading_sources(schema_paths, config_path))
    data: Any = records[0] if len(records) == 1 else records
    click.echo(dump(data, fmt))


@main.command("lint", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "gitlab"]),
              default="text", show_default=True,
              help="github: GitHub Actions annotations; gitlab: a GitLab Code Quality report.")
@click.option("--statistics", is_flag=True,
              help="Print the count of problems per code (text or json) instead of the problems.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Report only these codes or prefixes (comma-separated: E1,W205; ALL), in "
                   "place of the config's lint.select.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Leave out these codes or prefixes (comma-separated), besides the config's "
                   "lint.ignore.")
@click.option("--fix", is_flag=True,
              help="Correct the fixable problems in the files (`movibot rule CODE` says which), "
                   "then report what is left.")
@click.option("--diff", is_flag=True,
              help="Print the diff of what --fix would write and write nothing (exit 1 when "
                   "there is one).")
@schema_option
@config_option
def lint_cmd(paths: tuple[str, ...], fmt: str, statistics: bool, select: tuple[str, ...],
             ignore: tuple[str, ...], fix: bool, diff: bool, schema_paths: tuple[str, ...],
             config_path: str | None) -> None:
    """Check .wiki files (or folders of them) against the schemas and the documentation method.

    One line per problem: `path:line:col: severity CODE message`. Exit 1 when there are errors.
    `movibot rule CODE` explains a code. `--fix` corrects the fixable ones in place. A
    `<!-- movibot-ignore: CODE -->` comment silences a code on its line and the next,
    `<!-- movibot-ignore-page: CODE -->` on the whole page.
    """
    from movibot.errors import UsageError

    if statistics and fmt not in ("text", "json"):
        raise UsageError(Msg("--statistics prints text or json, not --format {fmt}",
                             fmt=fmt))
    from movibot.app import (
        fix_diff,
        fix_paths,
        lint_paths,
        lint_selection,
        reading_sources,
        write_fixes,
    )
    from movibot.records.policy import Command, fails

    selection = lint_selection(config_path, select, ignore)
    sources = reading_sources(schema_paths, config_path)
    fixed = fix_paths(paths, sources, selection) if fix or diff else []
    if diff:
        click.echo(fix_diff(fixed), nl=False)
        sys.exit(1 if fixed else 0)
    write_fixes(fixed)
    problems, count = lint_paths(paths, sources, selection)
    _lint_report(problems, count, fmt, sum(f.fixes for f in fixed) if fix else None, statistics)
    sys.exit(1 if fails(Command.LINT, problems) else 0)


def _lint_report(problems: list[Problem], count: int, fmt: str, fixed: int | None,
                 statistics: bool = False) -> None:
    """lint's output: the problems (text lines, GitHub annotations, a JSON summary or a GitLab
    report) or with `statistics` their count per code, then on stderr the files checked and,
    after --fix, how many fixes were applied."""
    from movibot.records import annotations

    errors = sum(p.severity == "error" for p in problems)
    if fmt == "json":
        summary: dict[str, Any] = {
            "files": count,
            "errors": errors,
            "warnings": len(problems) - errors,
        }
        if statistics:
            summary["statistics"] = annotations.statistics(problems)
        else:
            summary["problems"] = [p.to_dict() for p in problems]
        if fixed is not None:
            summary["fixed"] = fixed
        click.echo(dump(summary, "json"))
        return
    if fmt == "gitlab":
        click.echo(dump(annotations.gitlab_report(problems), "json"))
        return
    if statistics:
        click.echo(annotations.statistics_lines(problems), nl=False)
    elif fmt == "github":
        click.echo(annotations.github_lines(problems), nl=False)
    else:
        for p in problems:
            click.echo(p.format())
    if fixed is not None:
        click.echo(i18n.text(msg_n("{n} fixed", "{n} fixed", fixed)), err=True)
    checked = msg_n("{n} file checked: {errors}, {warnings}",
                    "{n} files checked: {errors}, {warnings}", count,
                    errors=msg_n("{n} error", "{n} errors", errors),
                    warnings=msg_n("{n} warning", "{n} warnings", len(problems) - errors))
    click.echo(i18n.text(checked), err=True)


@main.command("rule", context_settings=CONTEXT)
@click.argument("code", required=False)
def rule_cmd(code: str | None) -> None:
    """Explain a problem code (`movibot rule E101`): what it means, why it matters, how to fix
    it. Without CODE, list every code."""
    from movibot.errors import UsageError
    from movibot.problems import code_list, explain, problem_code

    if code is None:
        click.echo(code_list(), nl=False)
        return
    found = problem_code(code)
    if found is None:
        raise UsageError(Msg("unknown problem code {code!r} ('movibot rule' lists them)",
                             code=code))
    click.echo(explain(found), nl=False)


_SURFACES = ("surface", "usable")


def _decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A cost option read the way pages are read: `300 m²`, `1 700 €`, `800,50`."""
    if value is None:
        return None
    from movibot.errors import UsageError
    from movibot.records.values import read_quantity

    kind = "surface" if param.name in _SURFACES else "money"
    reading = read_quantity(value, kind)
    if not reading.ok or reading.value is None:
        option = "--" + str(param.name).replace("_", "-")
        why = reading.reason or Msg("{value!r} is not a number", value=value)
        raise UsageError(Msg("{option}: {why}", option=option, why=why))
    return reading.value


@main.command("cost", context_settings=CONTEXT)
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--title", help="Read the lieu page TITLE from the configured site.")
@click.option("--surface", callback=_decimal, help="Surface totale S (m²).")
@click.option("--usable", callback=_decimal, help="Surface utile U (m²); default S.")
@click.option("--infra", callback=_decimal, help="Coût infrastructure I (€/mois).")
@click.option("--services", callback=_decimal, help="Coût services V (€/mois).")
@click.option("--shares", default=None, help="Résidents/contributeurs/offres in %  [51/29/20]")
@click.option("--postes", type=click.IntRange(min=1), help="Postes de travail.")
@click.option("--recettes-residents", callback=_decimal, help="Recettes résidents (€/mois).")
@click.option("--recettes-contributeurs", callback=_decimal,
              help="Recettes contributeurs (€/mois).")
@click.option("--recettes-offres", callback=_decimal, help="Recettes offres (€/mois).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "wikitext"]),
              default="text", show_default=True)
@click.option("--chart", type=click.Path(dir_okay=False),
              help="Also write an SVG chart of the shares to this file (FILE.svg).")
@click.option("--site", "site_spec", help="Site for --title (URL, folder or dump:FILE).")
@config_option
def cost_cmd(file: str | None, title: str | None, fmt: str, chart: str | None,
             site_spec: str | None, config_path: str | None, **numbers: Any) -> None:
    """The cost model of a tiers-lieu (seed rule 51/29/20), from options or a lieu page."""
    from movibot.app import cost_from_options, cost_from_page, render_cost, write_chart
    from movibot.errors import UsageError

    if chart and not chart.lower().endswith(".svg"):
        raise UsageError(Msg("--chart {chart}: movibot writes SVG charts only; name the file "
                             ".svg", chart=chart))
    if file or title:
        result, name = cost_from_page(file, title, site_spec, config_path, numbers)
    else:
        result, name = cost_from_options(numbers), None
    click.echo(render_cost(result, fmt, name))
    if chart:
        write_chart(Path(chart), result, name)


def _setup_logging(verbose: int, quiet: bool) -> None:
    import logging

    level = logging.WARNING if quiet or not verbose else (
        logging.INFO if verbose == 1 else logging.DEBUG)
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")


site_option = click.option("--site", "site_spec", metavar="URL|DIR|dump:FILE",
                           help="The wiki (api.php or base URL), a folder, or an XML dump. "
                                "Default: the config's site, else the local fiches/.")
verbosity = [
    click.option("-v", "--verbose", count=True, help="More log output (-vv for debug)."),
    click.option("-q", "--quiet", is_flag=True, help="Only errors."),
]


def _verbosity(f: Any) -> Any:
    for option in reversed(verbosity):
        f = option(f)
    return f


@main.command("run", context_settings=CONTEXT)
@site_option
@config_option
@click.option("--dry-run", is_flag=True, help="Read and plan; print each diff; write nothing.")
@click.option("--full", is_flag=True, help="Read every page of the sources, not only changes.")
@click.option("--force", is_flag=True, help="Overwrite blocks edited by hand (block-edited).")
@click.option("--max-edits", type=click.IntRange(min=0), help="Stop after N edits.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the JSON report to this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: print the report as JSON instead of diffs.")
@click.option("--out", "out_dir", type=click.Path(),
              help="Write the planned pages as .wiki files and report.json to this folder, "
                   "or as one MediaWiki import file to OUT.xml (its report in "
                   "OUT.xml.report.json), instead of editing the site (for dumps).")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes for parse/validate/render with --out.")
@click.option("--title", "titles", multiple=True,
              help="Only this page (repeatable): its infobox and the tables it is listed in.")
@click.option("--allow-shrink", is_flag=True,
              help="Write members tables that would lose more than half of their rows.")
@_verbosity
def run_cmd(site_spec: str | None, config_path: str | None, dry_run: bool, full: bool,
            force: bool, max_edits: int | None, report_path: str | None, fmt: str,
            out_dir: str | None, jobs: int, titles: tuple[str, ...], allow_shrink: bool,
            verbose: int, quiet: bool) -> None:
    """The scheduled job: refresh infobox blocks and category pages from the pages' records.

    Exit 0 done (max_edits reached included), 1 some pages need a person (the others were
    done), 2 usage or config error, 3 halted by the stop page, 4 another run holds the lock,
    5 interrupted by a signal, 6 a file could not be written, 7 the wiki refused the login.
    """
    from movibot.app import run_command
    from movibot.errors import UsageError

    _setup_logging(verbose, quiet)
    show = None if fmt == "json" or quiet else (lambda edit: click.echo(edit.diff(), nl=False))
    bar = _progress(quiet or fmt == "json")  # `--format json` is for programs: no bar
    if out_dir:
        from movibot.app import failed_report_path, offline_command

        given = [name for name, on in (("--dry-run", dry_run), ("--title", titles),
                                       ("--max-edits", max_edits is not None)) if on]
        report = offline_command(site_spec, config_path, Path(out_dir), jobs=jobs, force=force,
                                 progress=bar, allow_shrink=allow_shrink, given=given)
        if report.halted and not report_path:
            report_path = str(failed_report_path(Path(out_dir)))
            click.echo(i18n.text(Msg("{out} left as it was; the report is in {report}",
                                     out=out_dir, report=report_path)), err=True)
    elif jobs != 1:
        raise UsageError(Msg("--jobs works with --out only (a run on a site edits one page at "
                             "a time)"))
    else:
        report = run_command(site_spec, config_path, dry_run=dry_run, full=full, force=force,
                             max_edits=max_edits, show=show, progress=bar,
                             titles=titles, allow_shrink=allow_shrink)
    written = _write_report(report_path, report.to_json)
    if fmt == "json":
        click.echo(dump(report.to_json(), "json"))
    elif report.io_error:
        click.echo(i18n._("Error: {message}").format(message=i18n.text(report.io_error)),
                   err=True)
    elif not quiet:
        _print_failed(report)
        click.echo(report.summary_line(), err=True)
    if written is not None:
        fail(written)
    sys.exit(report.exit_code())


def _print_failed(report: Any) -> int:
    """The site's own problems and each page needing a person, one line each on stderr; how
    many lines."""
    from movibot.sync.edits import FAILED

    lines = [p.format() for p in report.problems]  # the site's own: unreadable files
    for o in report.outcomes:
        if o.status in FAILED:
            detail = i18n.text(o.message) or "; ".join(p.format() for p in o.problems[:3])
            lines.append(f"{o.title}: {o.status}: {detail}")
    for line in lines:
        click.echo(line, err=True)
    return len(lines)


def _write_report(path: str | None, data: Callable[[], Any]) -> MovibotError | None:
    """Write the JSON report (`data()`, made only when written: a dump run's report holds a
    page a line) to `path`; the IOFailure when it cannot be (the caller prints it after what
    it has to say, and exits 6): a report that cannot be written is never a traceback after
    edits were made."""
    if not path:
        return None
    from movibot.atomic import write_atomic
    from movibot.errors import IOFailure

    try:
        write_atomic(Path(path), dump(data(), "json") + "\n")
    except OSError as e:
        return IOFailure(Msg("cannot write the report {path}: {value}", path=path,
                             value=e.strerror or e))
    return None


PROGRESS_AFTER = 1.0  # seconds: shorter work shows no bar


def _progress(quiet: bool, stream: Any = None, clock: Any = None) -> Any:
    """A progress wrapper for long work: on a terminal (and not quiet), a bar once the work
    has lasted PROGRESS_AFTER seconds, with the count (of the total when known) and the
    current page; elsewhere the items unchanged."""
    import time

    out = stream or sys.stderr
    now = clock or time.monotonic

    def wrap(items: Any, length: int, label: str) -> Any:
        if quiet or not out.isatty() or 0 <= length < 2:
            yield from items
            return
        start, done, rest = now(), 0, iter(items)
        for item in rest:
            yield item
            done += 1
            if now() - start >= PROGRESS_AFTER:
                break
        else:
            return
        size = length if length >= 0 else None
        bar: Any
        with click.progressbar(rest, length=size, label=i18n._(label), file=out,
                               item_show_func=_page_of, show_pos=True,
                               show_percent=size is not None) as bar:
            bar.update(done)
            yield from bar

    return wrap


def _page_of(item: Any) -> str | None:
    """The page a progress bar is at: the title of a page, an edit or an outcome, or the
    first element of a planned row (title, …); shortened to fit the line."""
    title = item[0] if isinstance(item, tuple) and item else getattr(item, "title", None)
    if not isinstance(title, str):
        return None
    return title if len(title) <= 40 else title[:39] + "…"


@main.command("pull", context_settings=CONTEXT)
@site_option
@config_option
@click.option("--category", "categories", multiple=True,
              help="Pull every page of this category (repeatable). Default: the sources'.")
@click.option("--title", "titles", multiple=True, help="Pull this page (repeatable).")
@click.option("--dest", default="fiches", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the .wiki files to.")
@click.option("--keep-local", is_flag=True,
              help="Leave files changed locally since their pull as they are (no merge).")
@click.option("--force", is_flag=True, help="Overwrite local changes with the wiki's text.")
@_verbosity
def pull_cmd(site_spec: str | None, config_path: str | None, categories: tuple[str, ...],
             titles: tuple[str, ...], dest: str, keep_local: bool, force: bool, verbose: int,
             quiet: bool) -> None:
    """Write one .wiki file per page and record its revision, for diff and push later.

    A file changed locally since its pull is merged with the wiki's new text (overlapping
    changes are marked in the file, exit 1), never overwritten unless --force.
    """
    from movibot.app import pull_command

    _setup_logging(verbose, quiet)
    outcomes = pull_command(site_spec, config_path, list(categories), list(titles), dest,
                            keep_local=keep_local, force=force, progress=_progress(quiet))
    _print_files(outcomes, quiet)
    sys.exit(1 if any(o.status in (Status.CONFLICT, Status.ERROR) for o in outcomes) else 0)


def _colored(diff: str) -> str:
    """A unified diff colored like git's (click strips the colors when not on a terminal)."""
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(click.style(line, bold=True))
        elif line.startswith("+"):
            out.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            out.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            out.append(click.style(line, fg="cyan"))
        else:
            out.append(line)
    return "".join(out)


def _stat_of(diff: str) -> str:
    """One `--stat` line of a page's unified diff."""
    from movibot.sync.contrib import diff_stat

    added, removed = diff_stat(diff)
    title = diff.split("\n", 1)[0].removeprefix("--- a/")
    return f" {title} | +{added} -{removed}\n"


def _stat(outcomes: list[Any]) -> str:
    """`diff --stat`: one line per changed file, then the totals."""
    from movibot.sync.contrib import diff_stat

    lines, files, plus, minus = [], 0, 0, 0
    for o in outcomes:
        if o.diff:
            added, removed = diff_stat(o.diff)
            files, plus, minus = files + 1, plus + added, minus + removed
            lines.append(f" {o.path} | +{added} -{removed}")
    lines.append(" " + i18n.text(msg_n(
        "{n} file changed, {plus} insertions(+), {minus} deletions(-)",
        "{n} files changed, {plus} insertions(+), {minus} deletions(-)", files,
        plus=plus, minus=minus)))
    return "\n".join(lines)


@main.command("diff", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@site_option
@config_option
@click.option("--title", "titles", multiple=True,
              help="The diff the next run would make on this wiki page (repeatable).")
@click.option("--stat", is_flag=True, help="Only the changed files and their line counts.")
def diff_cmd(paths: tuple[str, ...], site_spec: str | None, config_path: str | None,
             titles: tuple[str, ...], stat: bool) -> None:
    """What push would write (default: fiches/), or with --title what the run would, as
    unified diffs (colored on a terminal). Exit 1 when anything would change."""
    from movibot.app import diff_command, run_command

    if titles:  # the plan of `run --dry-run --title T`: the same statuses and diffs
        diffs: list[str] = []
        report = run_command(site_spec, config_path, dry_run=True, full=False, force=False,
                             max_edits=None, show=lambda edit: diffs.append(edit.diff()),
                             titles=titles)
        for text in diffs:
            click.echo(_stat_of(text) if stat else _colored(text), nl=False)
        needing = _print_failed(report)
        click.echo(report.summary_line(), err=True)
        sys.exit(1 if diffs or needing or report.exit_code() else 0)
    outcomes = diff_command(paths or ("fiches",), site_spec, config_path)
    if stat:
        click.echo(_stat(outcomes))
    else:
        for o in outcomes:
            click.echo(_colored(o.diff), nl=False)
    for o in outcomes:
        if o.status not in (Status.CHANGED, Status.UNCHANGED):
            click.echo(f"{o.path}: {o.status}: {i18n.text(o.message)}", err=True)
    sys.exit(1 if any(o.status != Status.UNCHANGED for o in outcomes) else 0)


@main.command("preview", context_settings=CONTEXT)
@site_option
@config_option
@click.option("--title", "titles", multiple=True,
              help="Only this page (repeatable): its infobox and the tables it is listed in.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The HTML file to write (FILE.html).")
def preview_cmd(site_spec: str | None, config_path: str | None, titles: tuple[str, ...],
                out: str) -> None:
    """Write one self-contained HTML page showing each page the run would change, as it is
    and as it would be (rendered by the wiki's parser, or by the bot for a folder or dump),
    with the wikitext diff. Writes nothing else. Exit 0 once written (a run that would halt:
    its exit code), 6 when FILE cannot be written."""
    from movibot.preview import preview_command

    report, shown = preview_command(site_spec, config_path, titles, Path(out))
    click.echo(report.summary_line(), err=True)
    click.echo(i18n.text(msg_n("wrote {out} ({n} page)", "wrote {out} ({n} pages)", shown,
                               out=out)), err=True)
    sys.exit(report.exit_code() if report.halted else 0)


@main.command("push", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@site_option
@config_option
@click.option("--dry-run", is_flag=True, help="Show what would be written (once); write nothing.")
@click.option("--summary", help="Edit summary (default: derived from the change, in French).")
@click.option("--no-lint", is_flag=True, help="Push even the files that have lint errors.")
@click.option("--recreate", is_flag=True,
              help="Create again the pages deleted on the wiki since they were pulled.")
@click.option("--new", "new", is_flag=True,
              help="Push a file renamed locally as a new page (not a move).")
@click.option("--max-edits", type=click.IntRange(min=0), help="Stop after N edits.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Write the JSON report to this file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@_verbosity
def push_cmd(paths: tuple[str, ...], site_spec: str | None, config_path: str | None,
             dry_run: bool, summary: str | None, no_lint: bool, recreate: bool, new: bool,
             max_edits: int | None, report_path: str | None, fmt: str, verbose: int,
             quiet: bool) -> None:
    """Write the changed files to the wiki through the bot's writer (stop page, put_throttle,
    max_edits), each merged with the wiki's changes since its pull and given its current
    infobox block. Exit 0 done, 1 some files need a person, 3 halted by the stop page."""
    from movibot.app import push_command

    _setup_logging(verbose, quiet)
    result = push_command(paths or ("fiches",), site_spec, config_path, dry_run=dry_run,
                          summary=summary, lint=not no_lint, recreate=recreate, new=new,
                          max_edits=max_edits, progress=_progress(quiet or fmt == "json"))
    written = _write_report(report_path, result.to_json)
    if fmt == "json":
        click.echo(dump(result.to_json(), "json"))
    else:
        for o in result.outcomes:
            if o.diff and not quiet and (dry_run or o.status == Status.CONFLICT):
                click.echo(_colored(o.diff), nl=False)
        _print_files(result.outcomes, quiet)
        if result.halted:
            click.echo(i18n.text(Msg("halted: {why}", why=result.halted)), err=True)
    if written is not None:
        fail(written)
    sys.exit(result.exit_code())


def _print_files(outcomes: list[Any], quiet: bool) -> None:
    """One line per file on stderr (only those needing a person when quiet)."""
    from movibot.sync.contrib import PUSH_FAILED

    for o in outcomes:
        if not quiet or o.status in PUSH_FAILED:
            tail = f": {i18n.text(o.message)}" if o.message else ""
            click.echo(f"{o.path}: {o.status}{tail}", err=True)


@main.command("export", context_settings=CONTEXT)
@site_option
@config_option
@click.option("--to", "to", required=True, type=click.Path(dir_okay=False),
              help="File to write; the format comes from the suffix: .db/.sqlite/.sqlite3, "
                   ".csv (one file per source: FILE-<source>.csv), .jsonl/.ndjson, .geojson.")
@_verbosity
def export_cmd(site_spec: str | None, config_path: str | None, to: str, verbose: int,
               quiet: bool) -> None:
    """Every lieu and fiche of the site as data (checked like the run; invalid records are
    exported with their problems), streaming. Exit 0 once written."""
    from movibot.export import export_command

    _setup_logging(verbose, quiet)
    summary = export_command(site_spec, config_path, to, progress=_progress(quiet))
    if not quiet:
        for p in summary.site_problems:
            click.echo(p.format(), err=True)
        click.echo(summary.summary_line(), err=True)
    sys.exit(0)


@main.command("templates", context_settings=CONTEXT)
@click.option("--out", "out", type=click.Path(file_okay=False),
              help="Folder to write the template pages to (default: the configured folder "
                   "site, else fiches/).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a page differs.")
@schema_option
@config_option
def templates_cmd(out: str | None, check: bool, schema_paths: tuple[str, ...],
                  config_path: str | None) -> None:
    """Write the template pages (Modèle:Tiers-Lieu, Modèle:Fiche) generated from the schemas:
    a French documentation and their TemplateData, in a block the bot owns."""
    from movibot.app import templates_command

    done = templates_command(out, schema_paths, config_path, check=check)
    for path, status in done:
        click.echo(f"{path}: {status}")
    sys.exit(1 if any(status == "differs" for _, status in done) else 0)


@main.group("schema", cls=Group, context_settings=CONTEXT)
def schema_group() -> None:
    """Schemas against a wiki's TemplateData."""


@schema_group.command("check", context_settings=CONTEXT)
@site_option
@schema_option
@config_option
def schema_check_cmd(site_spec: str | None, schema_paths: tuple[str, ...],
                     config_path: str | None) -> None:
    """List the differences between each schema and its template's TemplateData on the site
    (parameters on one side only, aliases, required), and each template alias the site has no
    redirect of. Exit 1 when there are any."""
    from movibot.app import schema_check_command

    differences = schema_check_command(site_spec, schema_paths, config_path)
    for title, line in differences:
        click.echo(f"{title}: {line}")
    sys.exit(1 if differences else 0)


@schema_group.command("from-templatedata", context_settings=CONTEXT)
@site_option
@config_option
@click.option("--template", required=True, help="The template (Tiers-Lieu, Modèle:Lieu…).")
@click.option("--out", "out", type=click.Path(dir_okay=False),
              help="Write the schema to this file (default: stdout).")
def schema_from_cmd(site_spec: str | None, config_path: str | None, template: str,
                    out: str | None) -> None:
    """Print a starter schema (the format of schemas/*.yaml) from a template's TemplateData."""
    from movibot.app import schema_from_templatedata_command

    text = schema_from_templatedata_command(site_spec, config_path, template)
    if out:
        from movibot.atomic import write_atomic

        write_atomic(Path(out), text)
    else:
        click.echo(text, nl=False)


@main.command("doctor", context_settings=CONTEXT)
@site_option
@config_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def doctor_cmd(site_spec: str | None, config_path: str | None, fmt: str) -> None:
    """Check, without editing anything, what a scheduled run needs: the site, the login and
    the account's rights and block, each source's category and template (its TemplateData
    against the schema), the stop and report pages, the state file, the lock, the secrets.
    One line per check. Exit 0 when every check passes, 1 otherwise."""
    from movibot.app import doctor_command
    from movibot.doctor import passed

    checks = doctor_command(site_spec, config_path)
    if fmt == "json":
        click.echo(dump({"ok": passed(checks), "checks": [c.to_dict() for c in checks]}, "json"))
    else:
        for check in checks:
            click.echo(check.format())
        failed = sum(not c.ok for c in checks)
        click.echo(i18n.text(msg_n("{n} check: {failures}", "{n} checks: {failures}",
                                   len(checks), failures=msg_n("{n} failure", "{n} failures",
                                                               failed))), err=True)
    sys.exit(0 if passed(checks) else 1)


@main.command("init", context_settings=CONTEXT)
@click.argument("path", default="movibot.yaml", type=click.Path(dir_okay=False))
def init_cmd(path: str) -> None:
    """Write a commented starter movibot.yaml (never overwrites an existing file)."""
    from movibot.config import STARTER
    from movibot.errors import IOFailure, UsageError

    target = Path(path)
    if target.exists():
        raise UsageError(Msg("{path} already exists; not overwritten", path=str(path)))
    try:
        with target.open("x", encoding="utf-8") as f:  # "x": never over a file made meanwhile
            f.write(STARTER)
    except FileExistsError:
        raise UsageError(Msg("{path} already exists; not overwritten", path=str(path))) from None
    except OSError as e:
        raise IOFailure(Msg("cannot write {path}: {why}", path=str(path),
                            why=e.strerror or str(e))) from None
    click.echo(i18n.text(Msg("wrote {path}", path=str(path))))


if __name__ == "__main__":  # pragma: no cover
    main()
