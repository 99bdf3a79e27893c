"""Page and the Site interface: the live wiki, a folder and a dump are interchangeable.

`Site` declares everything a caller may use on any site, so that no caller asks a site what it
has (`getattr`, `hasattr`). One capability is left out of it: reading every page in one pass,
which only a dump offers (`PageStream`). It is a Protocol of its own, checked with isinstance,
rather than a method every site has, because a live wiki cannot offer it at a sane cost (every
page of a wiki is thousands of requests) and a folder reads its pages by category already: a
method there would only raise or lie, and a caller would still have to ask whether it works.
mypy checks each site class against `Site` where `open_site` returns it;
tests/sites/test_site_protocol.py checks them at run time (isinstance) with the values they
declare.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from movibot.problems import Problem
from movibot.wikitext.titles import namespace_of, template_name

TEMPLATE_NS = 10

# A JSON object as decoded: an API answer's page, a <templatedata> tag. The one place `Any`
# stands for data here: what is inside is the wiki's, read by records/templatedata.py.
JSONObject = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """A wiki page as read: title, wikitext, and the revision the text comes from.

    `timestamp` is the revision's ISO 8601 UTC time (`2024-05-01T12:00:00Z`), used as the
    edit's basetimestamp; `exists` is False for a missing page (then text is "").
    """

    title: str
    text: str
    revid: int | None = None
    timestamp: str | None = None
    pageid: int | None = None
    ns: int = 0
    exists: bool = True
    protected: str | None = None  # why this account may not edit it (a live wiki's read)
    # The categories the wiki itself says the page is in (template-added ones included), bare
    # names; None when the site only has the text (a folder, a dump).
    categories: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TemplateDataAnswer:
    """What a site holds as one template page's TemplateData.

    `data` is the page of action=templatedata's answer (a live wiki: `params`, or `missing`,
    or `notemplatedata` with the parameters the code uses) or the JSON of the page's
    `<templatedata>` tag (a folder, a dump); None when there is none, and then `error` says
    why in a few words without the title (`no such page on fiches`, `no <templatedata> tag`).
    """

    title: str
    data: JSONObject | None
    error: str | None = None


@dataclass(frozen=True)
class SiteInfo:
    """What a site says about itself and about the account reading it (`movibot doctor`).

    `software` is MediaWiki's generator (`MediaWiki 1.39.5`) or what a local site is (`a folder
    of .wiki files`); `language` the content language (`fr`), None when the site cannot tell;
    `user` the logged-in account's name, None when anonymous or not a wiki; `rights` its rights;
    `blocked` why it is blocked (`by Admin: vandalisme (expiry infinite)`), None when it is not.
    """

    software: str
    language: str | None = None
    user: str | None = None
    rights: frozenset[str] = frozenset()
    blocked: str | None = None


@runtime_checkable
class Site(Protocol):
    """What the run, pull, diff, push, export and schema check need from a wiki.

    Reads are batched (never one request per page on a live wiki). `save` is the only writer:
    it bases the edit on `page.revid`/`page.timestamp` and raises EditConflict when the page
    changed since, ReadOnly when the site cannot be written, BotsExcluded when the page's
    current text excludes the bot.
    """

    name: str          # for messages: the API URL, the folder, the dump file
    writable: bool
    live: bool         # a wiki on the network (put_throttle applies), not a folder or dump
    first_letter: bool  # titles' first letter is case-insensitive (False: siteinfo `case`)
    content_language: str | None  # siteinfo `lang` once now() or info() read it; else None
    requests: int      # API requests made so far (0 for local sites)
    problems: list[Problem]  # what could not be read (a folder's file that is not UTF-8)

    def category_pages(self, category: str) -> Iterator[Page]:
        """Members of `Catégorie:<category>` (bare name, no prefix) with their text."""
        ...

    def transcluding(self, template: str) -> Iterator[Page]:
        """The pages that call `Modèle:<template>` (or one of its redirects), with their text."""
        ...

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        """The given pages with their text, in batches; a missing page has exists=False."""
        ...

    def template_redirects(self, templates: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The names that call each template (a bare name of the template namespace, as
        given) through a redirect: the bare names of the template pages redirecting to it,
        sorted. A template the site cannot tell of (a folder or a dump without its page) is
        left out; a live wiki always tells (one batched read, none when its template pages
        were already read)."""
        ...

    def templatedata(self, titles: Iterable[str]) -> list[TemplateDataAnswer]:
        """The TemplateData of the given template pages, one answer per title in the order
        asked, in batches. Raises TemplateDataUnavailable when the site cannot tell (a wiki
        without the TemplateData extension)."""
        ...

    def changes_reach(self, timestamp: str) -> bool:
        """True when changed_since(timestamp) can still see every change made since then (a
        wiki forgets its recent changes after $wgRCMaxAge, 90 days by default)."""
        ...

    def changed_since(self, timestamp: str, namespaces: Iterable[int] | None = None
                      ) -> list[str]:
        """Titles of pages changed (edited, created, moved) since an ISO 8601 timestamp."""
        ...

    def now(self) -> str:
        """The site's current time (ISO 8601 UTC), to record as the run's start."""
        ...

    def info(self) -> SiteInfo:
        """What the site is, and who reads it with which rights (one request on a live wiki).
        Raises WikiError."""
        ...

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True) -> Page:
        """Write `text` over `page` (create when not exists), flagged as a bot edit unless
        `bot` is False; return the new revision."""
        ...

    def render(self, title: str, text: str) -> str | None:
        """The HTML the wiki's own parser makes of `text` as the page `title` (nothing
        saved), or None for a site without a parser (a folder, a dump)."""
        ...


def template_redirects_among(held: Mapping[str, str | None], templates: Iterable[str]
                             ) -> dict[str, tuple[str, ...]]:
    """Site.template_redirects for a site holding the template pages `held` (bare name ->
    the title its redirect leads to, None for a page that is no redirect): the templates of
    `templates` it holds, each with the held pages redirecting to it (one step, as MediaWiki
    follows a redirect when it transcludes), sorted."""
    callers: dict[str | None, list[str]] = {}
    for name, target in held.items():
        bare = target.split("#", 1)[0] if target else ""
        if namespace_of(bare) == TEMPLATE_NS:
            callers.setdefault(template_name(bare), []).append(name)
    return {t: tuple(sorted(callers.get(template_name(t), ()))) for t in templates
            if template_name(t) in held}


@runtime_checkable
class PageStream(Protocol):
    """A site that reads every page in one pass (a dump: every read streams the whole file,
    so one pass that takes each page on the way is the cheapest way through it)."""

    def iter_pages(self) -> Iterator[Page]:
        """Every page, in the site's order, once."""
        ...
