"""A MediaWiki import file: the planned pages as an XML export (schema 0.11) that importDump.php
and Special:Import accept, written page by page (constant memory).

Each page gets one revision: the new text, by the bot's user name, with the edit's summary,
dated one second after the revision it is based on (an importer makes it the page's current
revision only if no later one is there: an edit made on the wiki since the dump stays current),
or at the run's start for a page created. Page and revision ids are numbered in the file (an
importer gives its own). A text XML 1.0 cannot carry (a control character, a lone surrogate) is
not written: `write` gives the problem (E605) and the file stays well formed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import IO

from movibot import __version__
from movibot.i18n import content_language, written
from movibot.problems import Problem
from movibot.records.check import not_xml
from movibot.sites.base import Page

SCHEMA = "http://www.mediawiki.org/xml/export-0.11/"
HEADER = (f'<mediawiki xmlns="{SCHEMA}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          f'xsi:schemaLocation="{SCHEMA} http://www.mediawiki.org/xml/export-0.11.xsd" '
          f'version="0.11" xml:lang="fr">\n'
          f"  <!-- written by movibot {__version__} -->\n")
FOOTER = "</mediawiki>\n"
IMPORT_MARK = b"<!-- written by movibot "  # in the first lines of a file this module wrote


def escape(text: str) -> str:
    """`text` as XML character data: `&`, `<`, `>` escaped (so `]]>` too), and `\\r` as a
    reference (an XML parser would turn a raw one into `\\n`)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_BASE36_PAIRS = tuple(a + b for a in _BASE36 for b in _BASE36)  # two digits at a time


def base36(digest: bytes) -> str:
    """A SHA-1 digest as MediaWiki's rev_sha1: base 36, 31 digits."""
    number, pairs = int.from_bytes(digest, "big"), []
    while number:
        number, pair = divmod(number, 36 * 36)
        pairs.append(_BASE36_PAIRS[pair])
    return "".join(reversed(pairs)).lstrip("0").rjust(31, "0")


# A timestamp as MediaWiki writes it, of a year strftime writes with four digits.
_PLAIN_STAMP = re.compile(r"[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def revision_time(page: Page, started: str) -> str:
    """When the page's new revision is dated: a second after its base revision, else
    `started`."""
    if not page.exists or not page.timestamp:
        return started
    stamp = page.timestamp.strip()
    if _PLAIN_STAMP.fullmatch(stamp) and stamp[17:19] < "59":  # the usual case: +1 s in place
        try:
            datetime.fromisoformat(stamp[:19])  # a real date and time
        except ValueError:
            return started
        return f"{stamp[:17]}{int(stamp[17:19]) + 1:02d}Z"
    try:
        base = datetime.fromisoformat(page.timestamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return started
    return (base + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


class ImportFile:
    """The writer of one import file on a binary file opened for writing (the caller closes
    it): `start`, then `write` each page, then `finish`."""

    def __init__(self, file: IO[bytes], user: str, started: str) -> None:
        self._file, self._user, self._started = file, escape(user), started
        self._pages = 0

    def start(self) -> None:
        self._file.write(b'<?xml version="1.0" encoding="utf-8"?>\n' + HEADER.encode())

    def finish(self) -> None:
        self._file.write(FOOTER.encode())

    def write(self, page: Page, chunks: Iterable[str], summary: str) -> Problem | None:
        """Add `page` with the text `chunks` make; the problem instead when the title or the
        text holds a character XML cannot carry (nothing of the page is then in the file)."""
        bad = not_xml(page.title, page.title)
        if bad is not None:
            return bad
        mark = self._file.tell()
        self._pages += 1
        self._file.write(self._head(page, summary).encode("utf-8"))
        sha1, offset = hashlib.sha1(), 0
        for chunk in chunks:
            bad = not_xml(chunk, page.title, offset)
            if bad is not None:
                self._file.seek(mark)
                self._file.truncate()
                self._pages -= 1
                return bad
            data = chunk.encode("utf-8")
            sha1.update(data)
            self._file.write(escape(chunk).encode("utf-8"))
            offset += len(chunk)
        self._file.write(f"</text>\n      <sha1>{base36(sha1.digest())}</sha1>\n    "
                         "</revision>\n  </page>\n".encode())
        return None

    def _head(self, page: Page, summary: str) -> str:
        """The page's elements up to its revision's text, open (the summary in French: a
        dump does not say its wiki's language)."""
        comment = escape(written(summary, content_language(None)))
        parent = f"      <parentid>{page.revid}</parentid>\n" if page.exists and page.revid \
            else ""
        return (f"  <page>\n    <title>{escape(page.title)}</title>\n    <ns>{page.ns}</ns>\n"
                f"    <id>{self._pages}</id>\n    <revision>\n      <id>{self._pages}</id>\n"
                f"{parent}      <timestamp>{revision_time(page, self._started)}</timestamp>\n"
                f"      <contributor>\n        <username>{self._user}</username>\n"
                f"      </contributor>\n      <comment>{comment}</comment>\n"
                "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                '      <text xml:space="preserve">')
