"""`movibot doctor`: what a scheduled run needs, checked before the night's run, without an edit.

Each check is a `Check(name, ok, message)`: ok with what was found, or the problem and what to
do about it. The verdicts are pure functions of what was read (`site_check`, `rights_check`,
`state_check`…); `diagnose` does the reading, through the `Site` protocol only (reads, never
`save`), so a folder, a dump and a live wiki are checked alike, minus the login.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from movibot.config import Config
from movibot.errors import IOFailure, LockHeld, MovibotError, StateError, WikiError
from movibot.i18n import Msg, text
from movibot.records.read import Source
from movibot.sites.base import Site, SiteInfo

# The rights a run uses: without them the pages are `protected` (what to do, for the message).
NEEDED_RIGHTS = {
    "edit": "every infobox edit",
    "createpage": "the category pages the run creates",
}
# Rights a run does without, at a cost.
ADVISED_RIGHTS = {
    "bot": "edits not flagged bot: they fill Recent Changes",
    "apihighlimits": "50 titles a request instead of 500 (highvolume)",
}


@dataclass(frozen=True)
class Check:
    """One verdict: `name` (what was checked), `ok`, and `message` (what was found, or the
    problem and what to do about it)."""

    name: str
    ok: bool
    message: str

    def format(self) -> str:
        """`ok    site: …` / `FAIL  login: …`: one line."""
        return f"{'ok' if self.ok else 'FAIL':<5} {self.name}: {text(self.message)}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Access:
    """How doctor reaches the site: `live` (a wiki: login checked), `method` (`BotPassword`,
    `OAuth 2.0`, `OAuth 1.0a`; None when no credentials could be read)."""

    live: bool
    method: str | None = None


# An opened site: open_site(False) anonymous, open_site(True) logged in (raises LoginError).
Opener = Callable[[bool], Site]


def passed(checks: Sequence[Check]) -> bool:
    """True when every check is ok."""
    return all(c.ok for c in checks)


# -- verdicts (pure) -----------------------------------------------------------------------


def site_check(info: SiteInfo, name: str) -> Check:
    """The site answered: what it runs, in which language."""
    language = f", content language {info.language}" if info.language else ""
    return Check("site", True, Msg("{software}{language} at {name}",
                                   software=info.software, language=language, name=name))


def rights_check(info: SiteInfo) -> Check:
    """The account has the rights the run uses (NEEDED_RIGHTS); the advised ones named."""
    lacking = [r for r in NEEDED_RIGHTS if r not in info.rights]
    if lacking:
        why = "; ".join(f"{r}: {NEEDED_RIGHTS[r]}" for r in lacking)
        return Check("rights", False, Msg("{user} lacks {value} ({why}); give them to "
                                          "its groups or its BotPassword's grants "
                                          "(editpage, createeditmovepage)",
                                          user=info.user, value=', '.join(lacking),
                                          why=why))
    has = [r for r in (*NEEDED_RIGHTS, *ADVISED_RIGHTS) if r in info.rights]
    without = "".join(f"; no {r}: {ADVISED_RIGHTS[r]}" for r in ADVISED_RIGHTS
                      if r not in info.rights)
    return Check("rights", True, Msg("{user} has {value}{without}", user=info.user,
                                     value=', '.join(has), without=without))


def block_check(info: SiteInfo) -> Check:
    """The account is not blocked."""
    if info.blocked:
        return Check("block", False, Msg("{user} is blocked {blocked}; an "
                                         "administrator must lift the block before the "
                                         "next run", user=info.user,
                                         blocked=info.blocked))
    return Check("block", True, Msg("{user} is not blocked", user=info.user))


def state_check(path: Path, site: str) -> Check:
    """The state file is readable (this version's, or an older one it upgrades) and writable,
    or missing in a folder the run can create it in."""
    from movibot.state import load_state

    name = "state file"
    if not path.exists():
        folder = _existing_ancestor(path.parent)
        if not os.access(folder, os.W_OK | os.X_OK):
            return Check(name, False, Msg("{path} is missing and {folder} is not "
                                          "writable by this user: create the folder, "
                                          "owned by the user the run runs as", path=path,
                                          folder=folder))
        return Check(name, True, Msg("{path} is missing: the first run creates it",
                                     path=path))
    try:
        state = load_state(path, site)
    except StateError as e:
        return Check(name, False, str(e))
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        return Check(name, False, Msg("{path} (or its folder) is not writable by this "
                                      "user", path=path))
    return Check(name, True, Msg("{path}: last run {value}", path=path,
                                 value=state.last_run or 'never'))


def _existing_ancestor(folder: Path) -> Path:
    """`folder`, or its nearest ancestor that exists."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


# -- reading (through the Site protocol; never an edit) ------------------------------------


def diagnose(config: Config, sources: Sequence[Source], open_site: Opener, access: Access
             ) -> list[Check]:
    """Every check of a scheduled run after the configuration's own: the site, the login and
    the account, each source's category and template, the stop and report pages, the state
    file and the lock."""
    site, checks = connect(open_site, access)
    if site is not None:
        checks += [category_check(site, s) for s in sources]
        checks += template_checks(site, sources)
        checks += page_checks(site, config)
    name = site.name if site is not None else str(config.site)
    checks.append(state_check(Path(config.state_file), name))
    checks.append(lock_check(config.state_file))
    return checks


def connect(open_site: Opener, access: Access) -> tuple[Site | None, list[Check]]:
    """The site (logged in when it is a wiki and credentials are given) and the checks of the
    site, the login, the rights and the block."""
    try:
        site = open_site(False)
        checks = [site_check(site.info(), site.name)]
    except WikiError as e:
        return None, [Check("site", False, Msg("{e}; check `site` in movibot.yaml", e=e))]
    if not access.live:
        return site, checks
    if access.method is None:
        return site, checks + [Check("login", False, Msg("no credentials: set username "
                                                         "and MOVIBOT_PASSWORD or "
                                                         "password_file, or OAuth"))]
    try:
        account_site = open_site(True)
        info = account_site.info()
    except MovibotError as e:  # refused, or a user_agent without a contact
        return site, checks + [Check("login", False, str(e))]
    login = Check("login", True, Msg("logged in as {user} ({method})", user=info.user,
                                     method=access.method))
    return account_site, checks + [login, rights_check(info), block_check(info)]


def category_check(site: Site, source: Source) -> Check:
    """The source's category holds pages (its first batch is read, nothing more)."""
    name = f"category {source.config.category}"
    try:
        first = next(iter(site.category_pages(source.config.category)), None)
    except WikiError as e:
        return Check(name, False, str(e))
    if first is None:
        return Check(name, False, Msg("no page in it on {name}: check "
                                      "sources.{name2}.category in movibot.yaml",
                                      name=site.name, name2=source.config.name))
    return Check(name, True, Msg("holds pages (first: {title})", title=first.title))


def template_checks(site: Site, sources: Sequence[Source]) -> list[Check]:
    """Each source's template exists and its TemplateData agrees with the schema (the
    comparison of `movibot schema check`); on a wiki without TemplateData, only that the
    template page exists."""
    from movibot.records.templatedata import check_site, template_page_title
    from movibot.sites.templatedata import TemplateDataUnavailable

    schemas = list({s.schema.template: s.schema for s in sources}.values())
    titles = [template_page_title(schema.template) for schema in schemas]
    try:
        differences = check_site(site, schemas)
    except TemplateDataUnavailable:
        try:
            return [template_exists(page.title, page.exists) for page in _read(site, titles)]
        except WikiError as e:
            return [Check("templates", False, str(e))]
    except WikiError as e:
        return [Check("templates", False, str(e))]
    return [templatedata_check(title, [line for t, line in differences if t == title])
            for title in titles]


def templatedata_check(title: str, differences: Sequence[str]) -> Check:
    """A template's TemplateData against its schema: the first difference, and how many
    more (`movibot schema check` lists them all)."""
    name = f"template {title}"
    if not differences:
        return Check(name, True, Msg("its TemplateData agrees with the schema"))
    more = Msg(" (and {n} more)", n=len(differences) - 1) if len(differences) > 1 else ""
    return Check(name, False, Msg("{value}{more}; see movibot schema check",
                                  value=differences[0], more=more))


def template_exists(title: str, exists: bool) -> Check:
    """A template page on a wiki without the TemplateData extension."""
    if not exists:
        return Check(f"template {title}", False, Msg("no such page: write it with "
                                                     "movibot templates"))
    return Check(f"template {title}", True, Msg("exists (TemplateData not compared: "
                                                "the wiki has no TemplateData extension)"))


def _read(site: Site, titles: Sequence[str]) -> Iterator[Any]:
    return iter(site.pages(titles))


def page_checks(site: Site, config: Config) -> list[Check]:
    """The stop page does not halt runs (missing is fine); the report page, when set, may be
    written by this account."""
    from movibot.sync.apply import stop_requested

    stop = config.effective_stop_page()
    try:
        halts = stop_requested(site, stop)
        report = next(_read(site, [config.report_page])) if config.report_page else None
    except WikiError as e:
        return [Check("stop page", False, str(e))]
    checks = [Check("stop page", not halts, (
        f"{stop} halts every run: empty it, or write `run`, when runs may go on" if halts
        else f"{stop} does not halt runs"))]
    if report is not None:
        checks.append(Check("report page", report.protected is None, (
            f"{report.title}: {report.protected}" if report.protected else
            f"{report.title} {'exists' if report.exists else 'is created by the first run'}")))
    return checks


def lock_check(state_file: str) -> Check:
    """The lock beside the state can be taken (and is let go at once); not tried while the
    state's folder does not exist (the state check says whether it can be made)."""
    from movibot.lock import holding_lock
    if not Path(state_file).parent.is_dir():
        return Check("lock", True, Msg("taken beside the state file once its folder "
                                       "exists"))
    try:
        with holding_lock(state_file) as path:
            return Check("lock", True, Msg("{path} can be taken", path=path))
    except LockHeld as e:
        return Check("lock", False, Msg("{e}; a run now would exit 4", e=e))
    except IOFailure as e:
        return Check("lock", False, str(e))
