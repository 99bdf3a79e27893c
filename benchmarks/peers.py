"""The peers of the benchmark: the same job as `movibot run --full`, written with pywikibot or with
plain mwclient, the way an operator would write it with each library.

    python benchmarks/peers.py pywikibot      # PYWIKIBOT_DIR holds user-config.py (see run.py)
    python benchmarks/peers.py mwclient --api URL --user NAME@APP   # password in $MOVIBOT_PASSWORD

The work is movibot's: the peers read the pages with their library, then call movibot's pure core
(mwparserfromhell parse, validation, cost model, render, owned block) to plan each page, and
write the page only where the block changed; then the same for the category pages the records
imply. So the edits are the same as movibot's, and only reading and writing differ. Neither peer
has an incremental mode nor a stop page: each run reads everything. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from movibot.config import Config
from movibot.records.schema import load_schema
from movibot.sites.base import Page
from movibot.sync.plan import Source, category_specs, is_content, plan_category, plan_source_page

BOT = "Movibot"
CATEGORY_NS = "Catégorie:"
GROUP = 50  # PreloadingGenerator(groupsize=50), as the brief asks


class Job:
    """movibot's planning over pages read by a peer; counts what it did."""

    def __init__(self) -> None:
        self.sources = [Source(s, load_schema(s.schema)) for s in Config().sources]
        self.rows: dict[str, dict[str, Any]] = {}  # the members rows, by title (last wins)
        self.counts: Counter[str] = Counter()
        self.read = 0
        self.specs: dict[str, Any] = {}

    def plan_page(self, page: Page) -> str | None:
        """The new text of a source page, None when it needs no edit."""
        self.read += 1
        if not is_content(page):
            return None
        plan = plan_source_page(page, self.sources, BOT, False)
        if plan.row is not None:
            self.rows[page.title] = plan.row
        if plan.outcome is not None:
            self.counts[plan.outcome.status] += 1
        return plan.edit.new if plan.edit else None

    def category_titles(self) -> list[str]:
        """The category pages the records imply (call once every source page is planned)."""
        specs = category_specs(self.sources, self.rows.values())
        self.specs = {CATEGORY_NS + s.name: s for s in specs}
        return list(self.specs)

    def plan_category(self, page: Page) -> str | None:
        """The new text of a category page, None when it needs no edit."""
        self.read += 1
        edit, outcome = plan_category(page, self.specs[page.title], user=BOT)
        self.counts[outcome.status] += 1
        return edit.new if edit else None

    def summary(self, edits: int) -> dict[str, Any]:
        return {"read": self.read, "edits": edits, "counts": dict(sorted(self.counts.items()))}


def run_pywikibot() -> dict[str, Any]:
    """pywikibot: PreloadingGenerator(groupsize=50) over each source category, then over the
    category pages; Page.save(bot=True) where the text changed."""
    import pywikibot
    from pywikibot import pagegenerators

    site = pywikibot.Site()
    site.login()
    job, edits = Job(), 0

    def as_page(p: Any) -> Page:
        if not p.exists():
            return Page(p.title(), "", exists=False, ns=p.namespace().id)
        rev = p.latest_revision
        return Page(p.title(), p.text, revid=rev.revid, timestamp=rev.timestamp.isoformat(),
                    pageid=p.pageid, ns=p.namespace().id)

    def save(p: Any, text: str, summary: str) -> int:
        p.text = text
        p.save(summary=summary, bot=True, minor=False, quiet=True)
        return 1

    for source in job.sources:
        category = pywikibot.Category(site, CATEGORY_NS + source.category)
        members = pagegenerators.CategorizedPageGenerator(category)
        for p in pagegenerators.PreloadingGenerator(members, groupsize=GROUP):
            new = job.plan_page(as_page(p))
            if new is not None:
                edits += save(p, new, "movibot benchmark (pywikibot) : infobox")
    pages = (pywikibot.Page(site, t) for t in job.category_titles())
    for p in pagegenerators.PreloadingGenerator(pages, groupsize=GROUP):
        new = job.plan_category(as_page(p))
        if new is not None:
            edits += save(p, new, "movibot benchmark (pywikibot) : catégorie")
    return job.summary(edits)


def run_mwclient(api: str, user: str, password: str) -> dict[str, Any]:
    """plain mwclient: list each source category, then page.text() per page and page.edit()
    where the text changed; the same for the category pages."""
    from urllib.parse import urlsplit

    import mwclient

    parts = urlsplit(api)
    site = mwclient.Site(parts.netloc, path=parts.path.rpartition("/")[0] + "/",
                         scheme=parts.scheme, clients_useragent="movibot-benchmark (mwclient)")
    site.login(user, password)
    job, edits = Job(), 0

    def as_page(p: Any) -> Page:
        text = p.text()
        if not p.exists:
            return Page(p.name, "", exists=False, ns=p.namespace)
        return Page(p.name, text, revid=p.revision, pageid=p.pageid, ns=p.namespace)

    def members(category: str) -> Iterator[Any]:
        yield from site.categories[category].members()

    for source in job.sources:
        for p in members(source.category):
            new = job.plan_page(as_page(p))
            if new is not None:
                p.edit(new, summary="movibot benchmark (mwclient) : infobox", bot=True)
                edits += 1
    for title in job.category_titles():
        p = site.pages[title]
        new = job.plan_category(as_page(p))
        if new is not None:
            p.edit(new, summary="movibot benchmark (mwclient) : catégorie", bot=True)
            edits += 1
    return job.summary(edits)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("peer", choices=("pywikibot", "mwclient"))
    parser.add_argument("--api", help="api.php URL (mwclient)")
    parser.add_argument("--user", help="BotPassword name Name@app (mwclient)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.peer == "pywikibot":
        result = run_pywikibot()
    else:
        result = run_mwclient(args.api, args.user, os.environ["MOVIBOT_PASSWORD"])
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
