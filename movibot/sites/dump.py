"""A read-only site over a MediaWiki XML export (Special:Export or dumpBackup), maybe compressed.

The file is streamed with `xml.etree.ElementTree.iterparse` on every read, clearing each page
once handled, so memory does not grow with the dump. Any schema version works: the namespace is
read from the root element. A page is its last `<revision>` in file order. Category membership
is read from the page's own text (`[[Catégorie:X]]`), so categories added by templates are not
seen. Reading a truncated or malformed file raises WikiError once the bad spot is reached (after
the pages before it were yielded): a read that ends without an error read the whole file.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from movibot.errors import ReadOnly, UsageError, WikiError
from movibot.sites.base import Page
from movibot.wikitext.titles import is_category, normalize_title

_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"))
_CHUNK = 1 << 16
_POSITION = re.compile(r": line \d+, column \d+$")
_CATEGORY = re.compile(
    r"\[\[[ \t_]*(?:catégorie|category)[ \t_]*:[ \t_]*([^\[\]|\n]+?)[ \t_]*(?:\|[^\[\]]*)?\]\]",
    re.IGNORECASE,
)
_HIDDEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<(nowiki|pre|includeonly)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)


class DumpSite:
    """The pages of one XML dump file; `name` is its path. Never written, makes no requests."""

    writable = False
    live = False  # put_throttle applies to live wikis only

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Raises WikiError when the file cannot be read."""
        self.path = os.fspath(path)
        self.name = self.path
        self.requests = 0
        self.compression = _compression(self.path)

    def iter_pages(self) -> Iterator[Page]:
        """Every page of the dump, in file order. Raises WikiError on a bad file."""
        with self._open() as raw:
            reader = _CountingReader(raw, self)
            try:
                yield from _parse(reader, self)
            except ET.ParseError as e:
                raise self._parse_error(e, reader) from None

    def category_pages(self, category: str) -> Iterator[Page]:
        """Pages whose text puts them in `Catégorie:<category>`, in file order."""
        if is_category(category):
            category = category.split(":", 1)[1]
        key = _category_key(category)
        for page in self.iter_pages():
            if key in find_categories(page.text):
                yield page

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        """The requested pages in the requested order (missing ones with exists=False).

        The whole file is read before the first page is yielded.
        """
        wanted = [normalize_title(t) for t in titles]
        keys = set(wanted)
        found: dict[str, Page] = {}
        if keys:
            for page in self.iter_pages():
                key = normalize_title(page.title)
                if key in keys:
                    found[key] = page
        for key in wanted:
            yield found.get(key) or Page(title=key, text="", exists=False)

    def changed_since(self, timestamp: str) -> list[str]:
        """Titles whose last revision is strictly newer than `timestamp`, in file order.

        Raises UsageError for a timestamp that is not ISO 8601.
        """
        since = _instant(timestamp)
        return [p.title for p in self.iter_pages()
                if p.timestamp and _instant(p.timestamp) > since]

    def now(self) -> str:
        """The newest revision timestamp in the dump; the file's mtime when it has none."""
        newest = max((_instant(p.timestamp) for p in self.iter_pages() if p.timestamp),
                     default=None)
        if newest is None:
            newest = datetime.fromtimestamp(os.path.getmtime(self.path), timezone.utc)
        return newest.strftime("%Y-%m-%dT%H:%M:%SZ")

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True) -> Page:
        """Raises ReadOnly: a dump is never written."""
        raise ReadOnly(f"the dump site {self.name} is read-only")

    def _open(self) -> io.BufferedIOBase:
        """The file's decompressed bytes."""
        if self.compression == "gzip":
            return gzip.GzipFile(self.path, "rb")
        if self.compression == "bzip2":
            return bz2.BZ2File(self.path, "rb")
        if self.compression == "xz":
            return lzma.LZMAFile(self.path, "rb")
        return open(self.path, "rb")

    def _where(self, offset: int) -> str:
        """`byte N`, saying when N counts bytes of the decompressed stream."""
        stream = " of the uncompressed stream" if self.compression else ""
        return f"byte {offset}{stream}"

    def _parse_error(self, error: ET.ParseError, reader: _CountingReader) -> WikiError:
        """The WikiError for an XML error, located by its byte offset."""
        line, col = error.position
        offset = _byte_offset(self, line, col)
        if offset is None:
            offset = reader.offset
        reason = _POSITION.sub("", str(error))
        return WikiError(f"{self.name}: malformed XML at {self._where(offset)}: {reason}")


class _CountingReader:
    """A binary stream that counts the bytes read and reports decompression errors."""

    def __init__(self, raw: io.BufferedIOBase, site: DumpSite) -> None:
        self.raw = raw
        self.site = site
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        """The next bytes; raises WikiError when the compressed data is corrupt or truncated."""
        try:  # read1: what is decoded before a truncation still reaches the parser
            data = self.raw.read1(size)
        except (EOFError, OSError, zlib.error, lzma.LZMAError) as e:
            where = self.site._where(self.offset)
            kind = self.site.compression
            raise WikiError(f"{self.site.name}: corrupt {kind} data at {where}: {e}") from None
        self.offset += len(data)
        return data


def _compression(path: str) -> str:
    """"gzip", "bzip2", "xz" or "" from the file's first bytes; raises WikiError if unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(6)
    except OSError as e:
        raise WikiError(f"{path}: cannot read the dump: {e.strerror or e}") from None
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), "")


def _parse(reader: _CountingReader, site: DumpSite) -> Iterator[Page]:
    """The pages of the stream; the root's namespace gives the schema version."""
    events = ET.iterparse(reader, events=("start", "end"))
    _, root = next(events)
    ns, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != "mediawiki":
        raise WikiError(f"{site.name}: not a MediaWiki XML export (root element <{local}>)")
    q = f"{{{ns}}}" if ns else ""
    page: ET.Element | None = None
    latest: ET.Element | None = None
    for event, elem in events:
        if event == "start":
            if elem.tag == q + "page":
                page, latest = elem, None
        elif elem.tag == q + "revision" and page is not None:
            if latest is not None:
                page.remove(latest)  # keep only the last revision: constant memory
            latest = elem
        elif elem.tag == q + "page":
            yield _page(elem, latest, q, site, reader)
            page, latest = None, None
            root.clear()
        elif elem.tag == q + "siteinfo":
            root.clear()


def _page(elem: ET.Element, revision: ET.Element | None, q: str, site: DumpSite,
          reader: _CountingReader) -> Page:
    """A Page from a <page> element and its last <revision> (None: an empty page)."""
    title = elem.findtext(q + "title")
    if not title:
        where = site._where(reader.offset)
        raise WikiError(f"{site.name}: a <page> has no <title> (before {where})")
    if revision is None:
        return Page(title=title, text="", pageid=_int(elem.findtext(q + "id")),
                    ns=_int(elem.findtext(q + "ns")) or 0)
    return Page(
        title=title,
        text=revision.findtext(q + "text") or "",
        revid=_int(revision.findtext(q + "id")),
        timestamp=revision.findtext(q + "timestamp"),
        pageid=_int(elem.findtext(q + "id")),
        ns=_int(elem.findtext(q + "ns")) or 0,
    )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _byte_offset(site: DumpSite, line: int, col: int) -> int | None:
    """The byte offset of expat's (1-based line, column in characters), by re-reading the file.

    None when the position cannot be found (the stream fails before it).
    """
    try:
        with site._open() as stream:
            data, base, newlines = b"", 0, 0
            while newlines < line - 1:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    return None
                if newlines + chunk.count(b"\n") >= line - 1:
                    data = chunk
                    break
                newlines += chunk.count(b"\n")
                base += len(chunk)
            start = 0
            for _ in range(line - 1 - newlines):
                start = data.index(b"\n", start) + 1
            rest = data[start:]
            while len(rest) < 4 * col + 4 and (more := stream.read(_CHUNK)):
                rest += more
    except (EOFError, OSError, zlib.error, lzma.LZMAError):
        return None
    prefix = rest.decode("utf-8", errors="replace")[:col]
    return base + start + len(prefix.encode("utf-8"))


def find_categories(text: str) -> set[str]:
    """The categories a page's wikitext puts it in (MediaWiki-normalised bare names).

    Links in comments, <nowiki>, <pre> and <includeonly> do not count, nor `[[:Catégorie:X]]`.
    """
    visible = _HIDDEN.sub("", text)
    return {_category_key(m.group(1)) for m in _CATEGORY.finditer(visible)}


def _category_key(name: str) -> str:
    """A category name as MediaWiki compares them: `_` as space, collapsed, first letter upper."""
    bare = " ".join(name.replace("_", " ").split())
    return bare[:1].upper() + bare[1:]


def _instant(timestamp: str) -> datetime:
    """An aware UTC datetime from ISO 8601 (`Z` or an offset; naive means UTC).

    Raises UsageError for anything else.
    """
    try:
        when = datetime.fromisoformat(timestamp.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"bad timestamp {timestamp!r}: expected ISO 8601 like "
                         "2024-05-01T12:00:00Z") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
