"""The page: what every site (live wiki, directory, dump) gives and takes."""

from __future__ import annotations

from dataclasses import dataclass


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
