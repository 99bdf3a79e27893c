"""Which pages a run reads: the one list of a site's source pages, for the run (live, folder
and dump), its dry run, export and the dump run alike."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from movibot.records.read import Source, is_content, with_redirects
from movibot.sites.base import Page, PageStream, Site
from movibot.wikitext.titles import is_category, namespace_of, normalize_title

CATEGORY_NAMESPACE = 14
TEMPLATE_NAMESPACE = 10


def named_sources(site: Site, sources: Sequence[Source]) -> list[Source]:
    """The sources reading their templates' calls as the site resolves them: through the
    site's redirects to each template (Site.template_redirects; the schemas' aliases for a
    template the site cannot tell of)."""
    return with_redirects(sources, site.template_redirects(
        dict.fromkeys(s.schema.template for s in sources)))


def source_pages(site: Site, sources: Sequence[Source],
                 kept: dict[str, Page] | None = None) -> Iterator[Page]:
    """Every content page a full run reads, once each: on a dump, every page of the file in
    one pass (the dump's category and template pages go to `kept`, by normalised title, on
    the way: the run plans them after the pages);
    elsewhere the members of the sources' categories, then the pages calling a source's
    template outside them (read and reported E301)."""
    if isinstance(site, PageStream):
        for page in site.iter_pages():
            if kept is not None and _kept(page):
                kept[normalize_title(page.title)] = page
            if is_content(page):
                yield page
        return
    seen: set[str] = set()
    for page in _candidates(site, sources):
        if page.title not in seen and is_content(page):
            seen.add(page.title)
            yield page


def _candidates(site: Site, sources: Sequence[Source]) -> Iterator[Page]:
    for source in sources:
        yield from site.category_pages(source.category)
    for source in sources:  # pages calling the template outside the category (E301)
        # a wiki's list of transclusions counts the calls through its redirects already
        names = [source.schema.template] if site.live else source.schema.template_names
        for name in names:
            yield from site.transcluding(name)


def _kept(page: Page) -> bool:
    """A category or template page (a dump without <ns>: known by its prefix)."""
    return page.ns in (CATEGORY_NAMESPACE, TEMPLATE_NAMESPACE) or is_category(page.title) \
        or namespace_of(page.title) == TEMPLATE_NAMESPACE
