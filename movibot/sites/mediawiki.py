"""The live wiki: MediaWikiSite, the only module that talks to MediaWiki (through mwclient).

Every API call goes through `MediaWikiSite._api`: it adds `maxlag` and `formatversion=2`, counts
the request in `requests`, and applies one retry policy to lag (maxlag), HTTP 429/5xx, rate
limits, timeouts and connection errors: wait the server's Retry-After, else back off (1, 2, 4 …
60 s, with jitter), at most `max_retries` times, then raise WikiError naming the wiki. mwclient's
own retries are off (max_retries=0, retry_on_error=False): its `raw_api`/`raw_call` send one
request each. Passwords, tokens and cookies go to the movibot.redact filter, never to messages.
"""

from __future__ import annotations

import hashlib
import html
import logging
import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import mwclient
import mwclient.errors
import requests

import movibot
from movibot import redact
from movibot.errors import (
    AccountRefused,
    BotsExcluded,
    ConfigError,
    EditConflict,
    EditRefused,
    LoginError,
    ReadOnly,
    WikiError,
)
from movibot.i18n import Msg, msg_n, text
from movibot.problems import Problem
from movibot.sites import oauth
from movibot.sites.base import JSONObject, Page, SiteInfo, TemplateDataAnswer
from movibot.sites.templatedata import unavailable as templatedata_unavailable
from movibot.wikitext.exclusion import bots_allowed
from movibot.wikitext.titles import is_category, template_name

log = logging.getLogger(__name__)
T = TypeVar("T")

_CONTACT = re.compile(r"[^\s@;()]+@[^\s@;()]+\.\w+|https?://\S+")


def default_user_agent(url: str, username: str | None) -> str:
    """`movibot/VERSION (https://WIKI/index.php?title=Utilisateur:BOT; PROJECT) mwclient/V`:
    the bot's user page on the wiki it edits is its contact (Wikimedia's User-Agent policy)."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0] if parts.path.endswith(".php") else parts.path
    bot = (username or "Movibot").split("@", 1)[0].replace(" ", "_")
    page = urlunsplit((parts.scheme, parts.netloc, f"{folder.rstrip('/')}/index.php",
                       f"title=Utilisateur:{bot}", ""))
    return (f"movibot/{movibot.__version__} ({page}; +{movibot.PROJECT_URL}) "
            f"mwclient/{mwclient.__version__}")


def has_contact(user_agent: str) -> bool:
    """True when a User-Agent names a way to reach its operator: an e-mail address or a URL."""
    return _CONTACT.search(user_agent) is not None
BATCH, HIGH_BATCH = 50, 500  # titles (and page texts) per request; HIGH with apihighlimits
MAX_BACKOFF = 60.0
MAX_RETRY_AFTER = 600.0
JITTER = 0.25  # a backoff wait grows by up to 25 %
LAGGED = Msg("is lagged/overloaded")
RATE_LIMITED = Msg("is rate-limiting the bot")
TIMED_OUT = Msg("did not answer in time")
UNREACHABLE = Msg("could not be reached")
# Reads: a truncated or non-JSON answer to one is retried like a 5xx. Not a write's: an edit
# whose answer was cut may have been saved, and sent again it would look like someone else's.
READ_ACTIONS = frozenset({"query", "templatedata", "parse"})
TEMPLATE_NS = 10
BASEREVID_SINCE = (1, 35)  # action=edit detects conflicts from baserevid
SESSION_LOST = frozenset({"assertuserfailed", "assertbotfailed", "notloggedin"})
REVISIONS = {
    "prop": "revisions|info|categories",
    "cllimit": "max",
    "rvprop": "content|ids|timestamp",
    "rvslots": "main",
    "inprop": "protection",
    "curtimestamp": 1,
}
# What pages() asks beside REVISIONS: the redirects of the pages read, in the template namespace,
# so that the template pages read in a run's first batch tell template_redirects their names.
REDIRECTS = {"prop": f"{REVISIONS['prop']}|redirects", "rdnamespace": TEMPLATE_NS,
             "rdprop": "title", "rdlimit": "max"}
# Edit refusals that recur every run (reported `protected`, never counted as the wiki failing).
REFUSALS = frozenset({"protectedpage", "cascadeprotected", "permissiondenied", "protectedtitle",
                      "protectednamespace", "protectednamespace-interface", "customcssprotected",
                      "customjsprotected", "customjsonprotected", "titleblacklist-forbidden",
                      "noedit", "noimageredirect"})
# Edit refusals that name the account, not the page: every later edit would be refused too.
BLOCKED = frozenset({"blocked", "autoblocked"})
ACCOUNT_LOST = frozenset({"writeapidenied", "mwoauth-invalid-authorization",
                          "mwoauth-invalid-authorization-blocked-user",
                          "mwoauth-invalid-authorization-not-approved"}) | SESSION_LOST
# The right an account needs to edit an existing page, and to create one.
PAGE_RIGHTS = {"edit": "edit", "create": "createpage"}
# Protection levels named by their old group name, and the right that satisfies them.
LEVEL_RIGHTS = {"sysop": "editprotected", "autoconfirmed": "editsemiprotected"}
LOGIN_REASONS = {
    "Failed": "wrong username or password",
    "WrongToken": "the login token was refused",
    "NeedToken": "the login token was refused",
    "Throttled": "too many login attempts, wait a few minutes",
    "Aborted": "use a BotPassword (Name@app, from Special:BotPasswords)",
}
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class WikiUnavailable(WikiError):
    """The wiki stayed lagged, overloaded, rate-limiting or unreachable through every retry:
    the next request would meet the same storm, so a run halts (`halts_run`) rather than wait
    it out page after page."""

    halts_run = True


class _Retry(Exception):
    """A transient failure: try again after `wait` seconds (None: back off)."""

    def __init__(self, kind: str, wait: float | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.wait = wait


class MediaWikiSite:
    """A live MediaWiki reached through its API: batched reads, guarded bot edits.

    `url` is the api.php URL or the wiki's address (the API is then discovered on first use).
    `username` is a BotPassword name (`Movibot@movibot`). `sleep`, `clock` and `jitter` (a
    number in [0, 1)) are injectable so tests never sleep.
    """

    writable = True
    live = True  # put_throttle applies to live wikis only
    first_letter = True  # titles' first letter is case-insensitive (siteinfo `case`)
    content_language: str | None = None  # siteinfo `lang`, read by now() and info()
    problems: list[Problem]  # always empty: what a wiki refuses is an exception

    def __init__(
        self,
        url: str,
        *,
        user_agent: str | None = None,
        maxlag: int | None = 5,
        username: str | None = None,
        password: str | None = None,
        auth: requests.auth.AuthBase | None = None,
        task: str = "movibot",
        namespaces: Iterable[int] = (0, 14),
        max_retries: int = 5,
        timeout: float = 30,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.url = url.strip()
        if urlsplit(self.url).scheme not in ("http", "https") or not urlsplit(self.url).netloc:
            raise ConfigError(Msg("site: {url!r} is not an http(s) URL", url=url))
        self.name = self.url  # the API URL once discovered
        self.user_agent = user_agent or default_user_agent(self.url, username)
        self.maxlag, self.username, self.task = maxlag, username, task
        self.namespaces = tuple(namespaces)
        self.max_retries, self.timeout = max_retries, timeout
        self.requests = 0
        self.problems = []
        self._password = password
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self._auth = auth  # OAuth (movibot.sites.oauth): no action=login, a header instead
        self._session = self._new_session()
        self._client: mwclient.Site | None = None
        self._assert: str | None = None  # "bot" or "user" once logged in
        self._user: str | None = None  # the account's user name once logged in (`Movibot`)
        self._rights: frozenset[str] = frozenset()
        self._version: tuple[int, ...] = ()  # MediaWiki's, known after login
        self._csrf: str | None = None
        self._read_at: dict[str, str] = {}  # title -> server time when its text was read
        # template (bare name) -> the bare names of its redirects, for each template page read
        self._redirects: dict[str, tuple[str, ...]] = {}
        self._oldest_change: str | None = None  # the oldest recent change kept, once asked
        self._last_response: requests.Response | None = None
        redact.register(password)
        redact.install()

    def __repr__(self) -> str:
        return f"MediaWikiSite({self.name!r}, username={self.username!r})"

    # -- reads ---------------------------------------------------------------------------

    def now(self) -> str:
        """The wiki's current time, ISO 8601 UTC (`2024-05-01T12:00:00Z`). The same request
        asks for the oldest recent change the wiki still keeps (see changes_reach)."""
        answer = self._api("query", curtimestamp=1, list="recentchanges", rcdir="newer",
                           rclimit=1, rcprop="timestamp", meta="siteinfo", siprop="general")
        self._raise_for(answer, "query")
        general = answer.get("query", {}).get("general", {})
        self.content_language = general.get("lang") or self.content_language
        case = general.get("case")
        if case:
            self.first_letter = case == "first-letter"
        oldest = answer.get("query", {}).get("recentchanges") or [{}]
        self._oldest_change = oldest[0].get("timestamp") or ""
        return str(answer["curtimestamp"])

    def info(self) -> SiteInfo:
        """The wiki's software and content language, the account reading it (None when
        anonymous), its rights and its block, in one request. Raises WikiError."""
        answer = self._api("query", meta="siteinfo|userinfo", siprop="general",
                           uiprop="rights|blockinfo")
        self._raise_for(answer, "siteinfo")
        general = answer.get("query", {}).get("general", {})
        user = answer.get("query", {}).get("userinfo", {})
        self.content_language = general.get("lang") or self.content_language
        return SiteInfo(software=str(general.get("generator", "an unknown wiki")),
                        language=general.get("lang"),
                        user=None if user.get("anon") else user.get("name"),
                        rights=frozenset(user.get("rights", ())), blocked=_block(user))

    def templatedata(self, titles: Iterable[str]) -> list[TemplateDataAnswer]:
        """Each template page's entry in action=templatedata's answer, in the order asked, 50
        titles a request (500 with apihighlimits), redirects followed: its `params`, or
        `missing`, or (`notemplatedata`) the parameters its code uses. Raises
        TemplateDataUnavailable when the wiki refuses the action (no TemplateData extension),
        WikiError."""
        out: list[TemplateDataAnswer] = []
        for chunk in _chunks(titles, self._batch()):
            sent = [unicodedata.normalize("NFC", title) for title in chunk]  # as in pages()
            answer = self._api("templatedata", post=True, titles="|".join(sent),
                               redirects=True, includeMissingTitles=True)
            if "error" in answer:
                raise templatedata_unavailable(answer["error"])
            found = _templatedata_pages(answer)
            out += [TemplateDataAnswer(title, found[key]) if key in found else
                    TemplateDataAnswer(title, None, "not in the wiki's answer")
                    for title, key in zip(chunk, sent, strict=True)]
        return out

    def changes_reach(self, timestamp: str) -> bool:
        """True when the wiki's recent changes still go back past `timestamp`: its oldest entry
        is older (timestamps have one-second steps: an entry in the same second could follow
        forgotten ones; a wiki with none left cannot tell: False)."""
        if self._oldest_change is None:
            self.now()
        return bool(self._oldest_change) and str(self._oldest_change) < timestamp

    def category_pages(self, category: str) -> Iterator[Page]:
        """Members of the category (`Lieux`, or `Catégorie:Lieux`) with their text, 50 a
        request (500 with apihighlimits). Raises WikiError."""
        title = category if is_category(category) else f"Category:{category}"
        params = {"generator": "categorymembers", "gcmtitle": title, "gcmlimit": self._batch()}
        for raws, _ in self._page_batches({**params, **REVISIONS}):
            yield from (self._to_page(raw) for raw in raws)

    def transcluding(self, template: str) -> Iterator[Page]:
        """Pages that transclude the template (list=embeddedin: calls through its redirects
        included), in the watched content namespaces, with their text, batched."""
        title = template if ":" in template else f"Template:{template}"
        params = {"generator": "embeddedin", "geititle": title, "geilimit": self._batch()}
        for raws, _ in self._page_batches({**params, **REVISIONS}):
            yield from (self._to_page(raw) for raw in raws)

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        """The pages in the order asked, 50 titles a request (500 with apihighlimits); a
        missing page has exists=False and text "". Raises WikiError (also for a bad title)."""
        for chunk in _chunks(titles, self._batch()):
            found: dict[str, dict[str, Any]] = {}
            normalized: dict[str, str] = {}
            # sent in NFC, as MediaWiki reads every input: its `normalized` list then names
            # what was sent (an NFD title would come back percent-encoded, and not be found)
            sent = [unicodedata.normalize("NFC", title) for title in chunk]
            params = {"titles": "|".join(sent), **REVISIONS, **REDIRECTS}
            for raws, names in self._page_batches(params, post=True):
                found.update((raw["title"], raw) for raw in raws)
                normalized.update(names)
                self._note_redirects(raws)
            for title, nfc in zip(chunk, sent, strict=True):
                yield self._page_for(title, found.get(normalized.get(nfc, nfc)))

    def template_redirects(self, templates: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The bare names of each template's redirects (prop=redirects in the template
        namespace), from the template pages pages() has read, else read in one batch. Raises
        WikiError."""
        names = {t: template_name(t, self.first_letter) or t for t in templates}
        unread = [n for n in dict.fromkeys(names.values()) if n not in self._redirects]
        if unread:
            for _ in self.pages(f"Template:{n}" for n in unread):
                pass
        return {t: self._redirects.get(n, ()) for t, n in names.items()}

    def _note_redirects(self, raws: Iterable[dict[str, Any]]) -> None:
        """Remember the redirects of the template pages of an answer (template_redirects)."""
        for raw in raws:
            title = str(raw.get("title", ""))
            if raw.get("ns") == TEMPLATE_NS and ":" in title:  # the namespace's own prefix
                bare = {str(r["title"]).split(":", 1)[1] for r in raw.get("redirects") or ()
                        if ":" in str(r.get("title", ""))}
                self._redirects[title.split(":", 1)[1]] = tuple(sorted(bare))

    def read_text(self, title: str) -> Page:
        """One page (exists=False when missing). Raises WikiError."""
        return next(iter(self.pages([title])))

    def render(self, title: str, text: str) -> str | None:
        """The HTML MediaWiki's parser makes of `text` as the page `title` (action=parse,
        nothing saved; one request). Raises WikiError."""
        answer = self._api("parse", post=True, title=title, text=text, contentmodel="wikitext",
                           prop="text", disableeditsection=True, disablelimitreport=True)
        self._raise_for(answer, "to render a page")
        return str(answer["parse"]["text"])

    def changed_since(self, timestamp: str, namespaces: Iterable[int] | None = None
                      ) -> list[str]:
        """Titles edited, created, moved (old and new name) or logged since `timestamp`, in
        the watched namespaces (0 and 14 by default, and `namespaces`), oldest first, once each.

        Logged in, the bot's own changes are left out (`rcexcludeuser`): its edits are already
        in the state, and re-reading them would cost a request per 500 pages on the next run.
        A page another user changed after the bot is still listed (their change is its own
        entry)."""
        params = {
            "list": "recentchanges", "rcstart": timestamp, "rcdir": "newer", "rclimit": "max",
            "rcprop": "title|timestamp|loginfo", "rctype": "edit|new|log",
            "rcnamespace": "|".join(str(n) for n in sorted({*self.namespaces,
                                                             *(namespaces or ())})),
            "rcexcludeuser": self._user,
        }
        titles: dict[str, None] = {}
        for answer in self._continued(params):
            for change in answer.get("query", {}).get("recentchanges", ()):
                titles.update(dict.fromkeys(self._changed_titles(change)))
        return list(titles)

    def _changed_titles(self, change: dict[str, Any]) -> Iterator[str]:
        """The title of a recent change, and a moved page's new title."""
        yield change["title"]
        target = change.get("logparams") or {}
        if change.get("logtype") == "move" and "target_title" in target:
            yield target["target_title"]

    def _page_batches(
        self, params: dict[str, Any], *, post: bool = False
    ) -> Iterator[tuple[list[dict[str, Any]], dict[str, str]]]:
        """Follow `continue`; yield each complete batch of raw pages (revisions merged across
        continuations) with its title normalisations, noting when each page was read."""
        pages: dict[str, dict[str, Any]] = {}
        normalized: dict[str, str] = {}
        started = ""
        for answer in self._continued(params, post=post):
            query = answer.get("query", {})
            started = started or answer.get("curtimestamp", "")
            normalized.update({n["from"]: n["to"] for n in query.get("normalized", ())})
            for raw in query.get("pages", ()):
                known = pages.setdefault(raw["title"], {})
                lists = {k: known.get(k, []) + raw.get(k, []) for k in ("categories", "redirects")}
                known.update(raw)
                known.update((k, v) for k, v in lists.items() if v)  # continued: merged
            if "batchcomplete" in answer or "continue" not in answer:
                if started:
                    self._read_at.update(dict.fromkeys(pages, started))
                yield list(pages.values()), normalized
                pages, normalized, started = {}, {}, ""

    def _continued(self, params: dict[str, Any], *, post: bool = False) -> Iterator[dict[str, Any]]:
        """Each answer of a query, following `continue` until the end. Raises WikiError."""
        cont: dict[str, Any] = {}
        while True:
            answer = self._api("query", post=post, **{**params, **cont})
            self._raise_for(answer, "query")
            yield answer
            if "continue" not in answer:
                return
            cont = answer["continue"]

    def _page_for(self, title: str, raw: dict[str, Any] | None) -> Page:
        """The Page for a requested title. Raises WikiError for an invalid title."""
        if raw is None or raw.get("invalid"):
            reason = (raw or {}).get("invalidreason", "no such page in the answer")
            raise WikiError(Msg("invalid title {title!r} on {name}: {reason}",
                                title=title, name=self.name, reason=reason))
        return self._to_page(raw)

    def _to_page(self, raw: dict[str, Any]) -> Page:
        """A Page from one page of a query answer. Raises WikiError when its text is missing."""
        if raw.get("missing") or "pageid" not in raw:
            return Page(title=raw["title"], text="", ns=raw.get("ns", 0), exists=False,
                        protected=self._protected(raw))
        try:
            revision = raw["revisions"][0]
            text = revision["slots"]["main"]["content"]
        except (KeyError, IndexError):
            raise WikiError(Msg("the wiki at {name} sent no text for {value}",
                                name=self.name, value=raw['title'])) from None
        cats = tuple(dict.fromkeys(str(c["title"]).split(":", 1)[-1]
                                   for c in raw.get("categories") or ()))
        return Page(title=raw["title"], text=text, revid=revision["revid"],
                    timestamp=revision["timestamp"], pageid=raw["pageid"], ns=raw["ns"],
                    protected=self._protected(raw), categories=cats)

    def _protected(self, raw: dict[str, Any]) -> str | None:
        """Why this account may not edit the page (from prop=info&inprop=protection and the
        account's rights: logged in without `edit`, or without `createpage` for a missing
        page), None when it may."""
        kind = "edit" if raw.get("pageid") and not raw.get("missing") else "create"
        lacking = self._lacking([PAGE_RIGHTS[kind]])
        if lacking:
            return f"this account lacks the {lacking[0]} right"
        for rule in raw.get("protection") or ():
            level = str(rule.get("level", ""))
            if rule.get("type") != kind or not level:
                continue
            if level in self._rights or LEVEL_RIGHTS.get(level) in self._rights:
                continue
            how = f"cascading protection from {rule['source']}" if rule.get("source") else \
                "protection"
            return f"{kind} {how} (level {level}); this account lacks the right"
        return None

    def _lacking(self, rights: Iterable[str]) -> list[str]:
        """Which of `rights` the logged-in account lacks ([] when not logged in)."""
        if self._assert is None:
            return []
        return [right for right in rights if right not in self._rights]

    # -- login and writes ----------------------------------------------------------------

    def login(self) -> None:
        """Log in: with OAuth (`auth`), only ask the wiki whom the Authorization header names
        (no action=login); else with the BotPassword. Then every write asserts `bot` (or
        `user` for an account without the bot right). Raises LoginError (one line),
        ConfigError."""
        if not has_contact(self.user_agent):
            raise ConfigError(Msg("user_agent: {user_agent!r} names no contact; "
                                  "editing a live wiki needs one (an e-mail address or "
                                  "a URL such as the bot's user page): set user_agent "
                                  'in movibot.yaml, e.g. "movibot '
                                  "(https://movilab.org/index.php?title=Utilisateur:Movibot; "
                                  'you@example.org)"',
                                  user_agent=self.user_agent))
        if self._auth is None:
            self._login_with_botpassword()
        self._csrf = None
        info = self._api("query", meta="userinfo|siteinfo", uiprop="rights|groups",
                         siprop="general")
        query = info.get("query", {})
        if self._auth is not None:
            who = oauth.identity(info, self.name, self._auth)  # LoginError when refused/anon
            self._rights, self._user = frozenset(who.rights), who.name
        else:
            self._raise_for(info, "userinfo")
            self._rights = frozenset(query.get("userinfo", {}).get("rights", ()))
            self._user = query.get("userinfo", {}).get("name") or None
        self._assert = "bot" if "bot" in self._rights else "user"
        self._version = _version(query.get("general", {}).get("generator", ""))
        lacking = self._lacking(dict.fromkeys(PAGE_RIGHTS.values()))
        if lacking:
            log.warning("%s", text(Msg("the account {user} lacks the right(s) {rights} on "
                                       "{name}: the pages it may not write are `protected`",
                                       user=self._user, rights=", ".join(lacking),
                                       name=self.name)))
        case = query.get("general", {}).get("case")
        if case:
            self.first_letter = case == "first-letter"

    def _login_with_botpassword(self) -> None:
        """action=login with the BotPassword. Raises LoginError, ConfigError."""
        if not self.username or not self._password:
            raise ConfigError(Msg("username: logging in to {name} needs a BotPassword "
                                  "(Name@app) and its password, or OAuth",
                                  name=self.name))
        token = self._token("login")
        answer = self._api("login", post=True, lgname=self.username,
                           lgpassword=self._password, lgtoken=token)
        result = answer.get("login") or {}
        if result.get("result") != "Success":
            raise LoginError(Msg("login failed for {username} on {name}: {answer}",
                                 username=self.username, name=self.name,
                                 answer=_login_reason(answer)))
        redact.register(*(cookie.value for cookie in self._session.cookies))

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True,
             starttimestamp: str | None = None) -> Page:
        """Write `text` over `page` as a bot edit based on the revision read; return the new
        revision (`text` as MediaWiki stores it: line ends normalised, end trimmed).

        Raises BotsExcluded (the page's text excludes the bot), EditConflict (the page changed,
        was created or deleted since read; MediaWiki may still merge edits that do not touch
        the same lines), ReadOnly, LoginError, ConfigError, WikiError (any other refusal).
        """
        account = (self.username or self._user or "").split("@", 1)[0]
        if not bots_allowed(page.text, account, self.task):
            raise BotsExcluded(Msg("{title}: the page excludes {value} "
                                   "({{{{bots}}}}/{{{{nobots}}}}); not saved",
                                   title=page.title, value=account or 'bots'))
        if self._assert is None:
            self.login()
        params = self._edit_params(page, text, summary, starttimestamp)
        params["bot"] = 1 if bot else None
        answer = self._write("edit", **params)
        return self._saved(page, text, answer)

    def _edit_params(self, page: Page, text: str, summary: str,
                     starttimestamp: str | None) -> dict[str, Any]:
        """The action=edit parameters (token and assert are added by _write).

        The base is `baserevid` alone where MediaWiki checks it (1.35+): with `basetimestamp`
        MediaWiki ignores edits made in the same second as the base revision (its
        userWasLastToEdit compares timestamps with `>`), and overwrites them.
        """
        by_revid = self._version >= BASEREVID_SINCE
        return {
            "title": page.title, "text": text, "summary": summary, "bot": 1,
            "md5": hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest(),
            "basetimestamp": page.timestamp if page.exists and not by_revid else None,
            "baserevid": page.revid if page.exists else None,
            "starttimestamp": starttimestamp or self._read_at.get(page.title),
            "nocreate": page.exists, "createonly": not page.exists,
        }

    def _saved(self, page: Page, text: str, answer: dict[str, Any]) -> Page:
        """The new revision from an action=edit answer. Raises the matching WikiError."""
        if "error" in answer:
            raise self._edit_error(page.title, answer["error"])
        edit = answer.get("edit") or {}
        if edit.get("result") != "Success":
            detail = ", ".join(k for k in edit if k not in ("result", "title", "pageid"))
            raise WikiError(Msg("could not save {title} on {name}: {edit} ({value})",
                                title=page.title, name=self.name,
                                edit=edit.get('result', 'no result'),
                                value=detail or 'no reason given'))
        if edit.get("nochange"):
            return page
        self._read_at[page.title] = edit["newtimestamp"]
        if page.exists and edit.get("oldrevid") not in (None, page.revid):
            # MediaWiki merged our edit with one made since the page was read: the revision
            # holds both, and its text is not ours
            text = self._revision_text(edit["newrevid"])
        else:
            text = _stored(text)
        return Page(title=edit.get("title", page.title), text=text,
                    revid=edit["newrevid"], timestamp=edit["newtimestamp"],
                    pageid=edit.get("pageid", page.pageid), ns=page.ns)

    def _revision_text(self, revid: int) -> str:
        """The text of one revision ("" when the wiki does not give it: the caller sees a text
        that is not the one it saved, which is what matters)."""
        try:
            answer = self._api("query", revids=revid, prop="revisions", rvprop="content",
                               rvslots="main")
            self._raise_for(answer, "query")
            return str(answer["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"])
        except (WikiError, KeyError, IndexError, TypeError):
            return ""

    def _edit_error(self, title: str, error: dict[str, Any]) -> WikiError:
        """The exception for an action=edit error."""
        code, info = error.get("code", ""), error.get("info", "")
        if code == "editconflict":
            return EditConflict(Msg("{title}: edit conflict on {name}: the page "
                                    "changed since it was read; not saved", title=title,
                                    name=self.name))
        if code in ("articleexists", "missingtitle", "pagedeleted"):
            if code == "articleexists":
                return EditConflict(Msg("{title}: the page was created on {name} since it "
                                        "was read; not saved", title=title, name=self.name))
            return EditConflict(Msg("{title}: the page was deleted on {name} since it was "
                                    "read; not saved", title=title, name=self.name))
        if code == "readonly":
            reason = error.get("readonlyreason") or info
            return ReadOnly(Msg("the wiki at {name} is read-only: {reason}",
                                name=self.name, reason=reason))
        refused = self._account_refusal(title, code, error)
        if refused is not None:
            return refused
        if code in REFUSALS:
            return EditRefused(Msg("{title}: {name} refuses the edit to this account: "
                                   "{code}: {info}", title=title, name=self.name,
                                   code=code, info=info))
        return WikiError(Msg("could not save {title} on {name}: {code}: {info}",
                             title=title, name=self.name, code=code, info=info))

    def _account_refusal(self, title: str, code: str, error: dict[str, Any]
                         ) -> WikiError | None:
        """The error for a refusal of the whole account (AccountRefused: a block, rights
        revoked, the session or the OAuth grant gone), EditRefused for a partial block (this
        page or namespace only); None for any other refusal. A `permissiondenied` is the
        account's when the wiki says it no longer has the `edit` right (one more request)."""
        account, info = self.username or self._user or "the bot", error.get("info", "")
        if code in BLOCKED:
            block = error.get("blockinfo") or {}
            if block.get("blockpartial"):
                return EditRefused(Msg("{title}: {name} refuses the edit to this "
                                       "account: {code} (a partial block): {block}",
                                       title=title, name=self.name, code=code,
                                       block=block.get('blockreason', info)))
            return AccountRefused(
                Msg("the account {account} is {code} on {name} by {block}: {value} "
                    "(expiry {block2}); an administrator must lift the block before "
                    "the next run", account=account, code=code, name=self.name,
                    block=block.get('blockedby', 'an administrator'),
                    value=block.get('blockreason') or info,
                    block2=block.get('blockexpiry', '?')))
        if code == "permissiondenied" and "edit" not in self._current_rights():
            return AccountRefused(Msg("the account {account} may no longer edit {name} "
                                      "(permissiondenied: {info}); give it back the "
                                      "edit right (its groups, or its BotPassword's "
                                      "grants)", account=account, name=self.name,
                                      info=info))
        if code in ACCOUNT_LOST:
            return AccountRefused(Msg("the account {account} cannot write on {name} "
                                      "({code}: {info}); check its rights, its "
                                      "BotPassword or its OAuth grant", account=account,
                                      name=self.name, code=code, info=info))
        return None

    def _current_rights(self) -> frozenset[str]:
        """The account's rights as the wiki sees them now (those known since the login when
        the wiki does not answer)."""
        try:
            answer = self._api("query", meta="userinfo", uiprop="rights")
            self._raise_for(answer, "userinfo")
            return frozenset(answer["query"]["userinfo"]["rights"])
        except (WikiError, KeyError, TypeError):
            return self._rights

    def _write(self, action: str, **params: Any) -> dict[str, Any]:
        """POST as the logged-in bot (assert + csrf token), logging in first if needed; log in
        again once if the session expired, refetch the token once if it went stale."""
        if self._assert is None:
            self.login()
        relogged = refreshed = False
        while True:
            answer = self._api(action, post=True, **{"assert": self._assert}, **params,
                               token=self._csrf_token())
            code = _error_code(answer)
            if code in SESSION_LOST and not relogged:
                log.warning("%s", text(Msg("session on {name} expired ({code}); logging in "
                                           "again", name=self.name, code=code)))
                relogged = True
                self.login()
            elif code == "badtoken" and not refreshed:
                refreshed, self._csrf = True, None
            else:
                return answer

    def _csrf_token(self) -> str:
        """The session's csrf token, fetched once."""
        if self._csrf is None:
            self._csrf = self._token("csrf")
        return self._csrf

    def _token(self, kind: str) -> str:
        """A fresh token of `kind` (login, csrf), registered as a secret. Raises WikiError."""
        answer = self._api("query", meta="tokens", type=kind)
        self._raise_for(answer, "tokens")
        try:
            token = str(answer["query"]["tokens"][f"{kind}token"])
        except (KeyError, TypeError):
            raise WikiError(Msg("the wiki at {name} sent no {kind} token",
                                name=self.name, kind=kind)) from None
        redact.register(token)
        return token

    def _batch(self) -> int:
        """Titles per request: 500 with the apihighlimits right, else 50."""
        return HIGH_BATCH if "apihighlimits" in self._rights else BATCH

    def _raise_for(self, answer: dict[str, Any], what: str) -> None:
        """Raise WikiError when a read answer is an error."""
        if "error" in answer:
            error = answer["error"]
            raise WikiError(Msg("the wiki at {name} refused {what}: {error}: {error2}",
                                name=self.name, what=what, error=error.get('code'),
                                error2=error.get('info')))

    # -- requests ------------------------------------------------------------------------

    def _api(self, action: str, *, post: bool = False, **params: Any) -> dict[str, Any]:
        """One API call under the retry policy; returns the decoded answer, API errors
        included (but maxlag and ratelimited are retried). Raises WikiError."""
        client = self._api_client()
        data = {k: v for k, v in params.items() if v is not None and v is not False}
        data["formatversion"] = 2
        if self.maxlag is not None:
            data["maxlag"] = self.maxlag
        method = "POST" if post else "GET"
        log.debug("%s action=%s %s", method, action, _loggable(data))
        return self._retrying(lambda: self._send(client, action, method, data))

    def _send(self, client: mwclient.Site, action: str, method: str,
              data: dict[str, Any]) -> dict[str, Any]:
        """One API request. Raises _Retry (lag, rate limit) or WikiError (malformed answer)."""
        read = action in READ_ACTIONS
        answer = self._attempt(lambda: client.raw_api(action, method, False, **data), read=read)
        if not isinstance(answer, dict):
            if read:
                raise _Retry(Msg("sent a malformed answer (not an object)"))
            raise WikiError(Msg("the wiki at {name} sent a malformed answer (not an object)",
                                name=self.name))
        if "warnings" in answer:
            log.warning("%s", text(Msg("the wiki at {name} warns (action={action}): "
                                       "{warnings}", name=self.name, action=action,
                                       warnings=answer["warnings"])))
        code = _error_code(answer)
        if code == "maxlag":
            raise _Retry(LAGGED, _retry_after(self._last_response))
        if oauth.nonce_rejected(answer):  # T106066: signed again, with a new nonce
            raise _Retry(Msg("refused a reused OAuth nonce"), 1.0)
        if code == "ratelimited":
            raise _Retry(RATE_LIMITED, _retry_after(self._last_response))
        return answer

    def _attempt(self, call: Callable[[], T], *, read: bool = False) -> T:
        """Run one HTTP request (counted); transient failures become _Retry (a malformed
        answer too, for a `read`), others WikiError."""
        self.requests += 1
        self._last_response = None
        start = self._clock()
        try:
            return call()
        except mwclient.errors.MaximumRetriesExceeded:  # mwclient saw X-Database-Lag
            raise _Retry(LAGGED, _retry_after(self._last_response)) from None
        except requests.HTTPError as e:
            raise self._http_error(e.response) from None
        except requests.Timeout:
            raise _Retry(TIMED_OUT) from None
        except requests.RequestException:
            raise _Retry(UNREACHABLE) from None
        except mwclient.errors.InvalidResponse:
            if read:
                raise _Retry(Msg("sent a malformed answer (not JSON)")) from None
            raise WikiError(Msg("the wiki at {name} sent a malformed answer (not JSON)",
                                name=self.name)) from None
        except mwclient.errors.APIDisabledError:
            raise WikiError(Msg("the API is disabled on the wiki at {name}",
                                name=self.name)) from None
        finally:
            log.debug("request %d took %.3f s", self.requests, self._clock() - start)

    def _http_error(self, response: requests.Response | None) -> Exception:
        """_Retry for HTTP 429 and 5xx (with the server's Retry-After), else WikiError."""
        status = response.status_code if response is not None else 0
        if status == 429 or 500 <= status < 600:
            return _Retry(LAGGED, _retry_after(response))
        return WikiError(Msg("the wiki at {name} answered HTTP {status}", name=self.name,
                             status=status))

    def _retrying(self, call: Callable[[], T]) -> T:
        """call(), again after each _Retry (waiting Retry-After or backing off), at most
        max_retries times. Raises WikiUnavailable naming the wiki when it gives up."""
        attempt = 0
        while True:
            try:
                return call()
            except _Retry as retry:
                if attempt >= self.max_retries:
                    raise WikiUnavailable(msg_n(
                        "the wiki at {name} {kind}: gave up after {n} retry",
                        "the wiki at {name} {kind}: gave up after {n} retries",
                        self.max_retries, name=self.name, kind=retry.kind)) from None
                wait = self._wait(retry.wait, attempt)
                attempt += 1
                log.warning("%s", text(Msg("the wiki at {name} {kind}; retry {attempt}/{most} in "
                                           "{wait:g} s", name=self.name, kind=retry.kind,
                                           attempt=attempt, most=self.max_retries,
                                           wait=wait)))
                self._sleep(wait)

    def _wait(self, retry_after: float | None, attempt: int) -> float:
        """Seconds before the next try: the server's Retry-After, else 2**attempt (≤ 60 s)
        grown by up to 25 % of jitter, still ≤ 60 s."""
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        backoff = min(MAX_BACKOFF, 2.0**attempt)
        return min(MAX_BACKOFF, backoff * (1 + JITTER * self._jitter()))

    # -- connection ----------------------------------------------------------------------

    def _new_session(self) -> requests.Session:
        """The HTTP session: our user agent on every request; remembers the last response."""
        session = requests.Session()
        session.headers["User-Agent"] = self.user_agent
        session.auth = self._auth  # OAuth: every request carries its Authorization header
        session.hooks["response"].append(self._remember)
        return session

    def _remember(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        """requests hook: keep the last response, for its Retry-After header."""
        self._last_response = response

    def _api_client(self) -> mwclient.Site:
        """The mwclient Site for api.php, discovering the API URL on first use."""
        if self._client is None:
            api_url = self._discover(self.url)
            self.name = api_url
            self._client = self._mwclient_for(api_url, ext=".php")
        return self._client

    def _mwclient_for(self, url: str, ext: str = "") -> mwclient.Site:
        """An mwclient Site for the folder of `url`, sharing our session, without retries."""
        parts = urlsplit(url)
        folder = parts.path.rpartition("/")[0] + "/"
        return mwclient.Site(parts.netloc, path=folder, ext=ext, scheme=parts.scheme,
                             pool=self._session, max_retries=0, retry_timeout=0, do_init=False,
                             force_login=False, connection_options={"timeout": self.timeout})

    def _discover(self, url: str) -> str:
        """The API URL: `url` when it names api.php, else the main page's EditURI link, else
        /w/api.php or /api.php when they answer. Raises WikiError."""
        parts = urlsplit(url)
        if parts.path.endswith("api.php"):
            return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        found = _edit_uri(self._fetch(url), url)
        if found:
            return found
        for candidate in (urljoin(url, "/w/api.php"), urljoin(url, "/api.php")):
            if self._answers(candidate):
                return candidate
        raise WikiError(Msg("no MediaWiki API found at {url} (no EditURI link, no "
                            "/w/api.php, no /api.php)", url=url))

    def _fetch(self, url: str) -> str:
        """A page's HTML ("" when the server refuses it). Raises WikiError when unreachable."""
        client = self._mwclient_for(url)
        script = urlsplit(url).path.rpartition("/")[2]

        def get() -> str:
            try:
                return str(client.raw_call(script, {}, retry_on_error=False, http_method="GET"))
            except requests.HTTPError as e:
                status = e.response.status_code if e.response is not None else 0
                if status == 429 or status >= 500:
                    raise
                return ""

        return self._retrying(lambda: self._attempt(get))

    def _answers(self, api_url: str) -> bool:
        """True when `api_url` answers a siteinfo query with JSON."""
        client = self._mwclient_for(api_url, ext=".php")
        try:
            answer = self._attempt(lambda: client.raw_api("query", "GET", False, meta="siteinfo"))
        except (WikiError, _Retry):
            return False
        return isinstance(answer, dict) and "query" in answer


def _edit_uri(page: str, base: str) -> str | None:
    """The api.php URL of a page's `<link rel="EditURI" href="…api.php?action=rsd">`."""
    for tag in _LINK.findall(page):
        attributes = {k.lower(): a or b for k, a, b in _ATTRIBUTE.findall(tag)}
        if attributes.get("rel", "").lower() == "edituri" and attributes.get("href"):
            href = urljoin(base, html.unescape(attributes["href"]))
            return href.split("?", 1)[0]
    return None


def _templatedata_pages(answer: JSONObject) -> dict[str, JSONObject]:
    """The pages of an action=templatedata answer by every title that leads to them: their
    own, and the titles the wiki normalised or redirected to them."""
    pages = answer.get("pages") or {}
    entries = pages.values() if isinstance(pages, dict) else pages
    by_title = {str(p["title"]): p for p in entries if isinstance(p, dict) and "title" in p}
    moves = {str(m["from"]): str(m["to"]) for key in ("normalized", "redirects")
             for m in answer.get(key) or () if isinstance(m, dict)}
    for name in moves:
        target = _followed(moves, name)
        if target in by_title:
            by_title.setdefault(name, by_title[target])
    return by_title


def _followed(moves: dict[str, str], name: str) -> str:
    """Where `name` leads through the answer's normalisations and redirects (a chain too)."""
    seen = {name}
    while name in moves and moves[name] not in seen:
        name = moves[name]
        seen.add(name)
    return name


def _error_code(answer: dict[str, Any]) -> str | None:
    """The API error code of an answer, None when it is not an error."""
    error = answer.get("error")
    return str(error.get("code")) if isinstance(error, dict) else None


def _version(generator: str) -> tuple[int, ...]:
    """(1, 39, 17) from "MediaWiki 1.39.17" (or "1.39.0-wmf.3"); () when unreadable."""
    found = re.match(r"MediaWiki (\d+)\.(\d+)", generator)
    return tuple(int(n) for n in found.groups()) if found else ()


def _block(userinfo: dict[str, Any]) -> str | None:
    """Why a meta=userinfo&uiprop=blockinfo answer's account is blocked; None when it is not."""
    if "blockid" not in userinfo:
        return None
    partial = " (a partial block)" if userinfo.get("blockpartial") else ""
    return (f"by {userinfo.get('blockedby', 'an administrator')}: "
            f"{userinfo.get('blockreason') or 'no reason given'} "
            f"(expiry {userinfo.get('blockexpiry', '?')}){partial}")


def _retry_after(response: requests.Response | None) -> float | None:
    """The Retry-After header in seconds, None when absent or not a number."""
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _login_reason(answer: dict[str, Any]) -> str:
    """Why a login was refused, in one line."""
    if "error" in answer:
        return f"{answer['error'].get('code')}: {answer['error'].get('info')}"
    result = (answer.get("login") or {}).get("result", "no answer")
    return LOGIN_REASONS.get(result, f"{result}: {(answer.get('login') or {}).get('reason', '')}")


def _loggable(data: dict[str, Any]) -> dict[str, Any]:
    """Request data for the debug log: page texts shortened (secrets go to the redact filter)."""
    return {k: f"<{len(v)} chars>" if k == "text" and isinstance(v, str) else v
            for k, v in data.items()}


def _stored(text: str) -> str:
    """The text as MediaWiki stores it: \\r\\n and \\r as \\n, trailing whitespace trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()




def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    """Consecutive lists of at most `size` items."""
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
