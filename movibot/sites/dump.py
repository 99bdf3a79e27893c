"""A read-only site over a MediaWiki XML export (Special:Export or dumpBackup), maybe compressed.

What is read: exports of every schema from 0.3 to 0.11 (the namespace is read from the root
element), plain or compressed with gzip, bzip2, xz, legacy lzma (LZMA-alone, `.lzma`) or 7z
(`.7z`, the format of Wikimedia's full-history dumps), the compression told by the file's first
bytes, never by its name. The file is streamed with `xml.etree.ElementTree.iterparse` on every
read, clearing each page once handled and keeping one revision per page, so memory does not
grow with the dump.

A page is its newest `<revision>` by timestamp (on a tie, the larger revision id), wherever it
stands in the file. A page without `<ns>` (schemas 0.3 to 0.5) gets the namespace whose name in
the dump's `<siteinfo><namespaces>` is its title's prefix (`Catégorie:X` is 14), else 0.
Category membership is read from the page's own text (`[[Catégorie:X]]`), so categories added
by templates are not seen.

A stub dump (`dumpBackup.php --stub`) is refused with a UsageError: its `<text>` elements are
empty and point at the text's storage (an `id` or `location` attribute), or, before any text was
seen, are empty while their `bytes` say the text is not. An empty page of a full export
(`<text bytes="0" />`) and a revision whose text was hidden (`deleted="deleted"`) are no sign
of a stub. The first revisions are read when the site is made, so a stub is refused before any
page is read or anything is written.

A 7z archive is read by Debian's `7z` program (package p7zip-full; `7zz` from the package 7zip,
`7za` and `7zr` work too) run as `7z e -so`, its standard output piped into the parser: the
archive's LZMA/LZMA2/PPMd/BCJ2 data is decoded natively, in a separate process, in constant
memory. py7zr, the maintained pure-Python 7z library, was not chosen: since 1.0 it extracts only
to files or by pushing the data into writer objects (read()/readall() were removed), which would
need the whole member written to disk first, or a second thread turning its pushes into the
reads iterparse makes; it is also slower. The archive must hold one file (a dump archive does).
Without any of those programs a 7z dump is a UsageError saying what to install.

Reading a truncated or malformed file raises WikiError once the bad spot is reached (after the
pages before it were yielded), naming the byte offset in the (uncompressed) stream: a read that
ends without an error read the whole file. `now()` is the clock's time (the run's start), not a
date taken from the dump.
"""

from __future__ import annotations

import bz2
import gzip
import html
import io
import itertools
import lzma
import os
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import cast

from movibot.errors import ReadOnly, UsageError, WikiError
from movibot.i18n import Msg
from movibot.problems import Problem
from movibot.sites.base import (
    TEMPLATE_NS,
    Page,
    SiteInfo,
    TemplateDataAnswer,
    template_redirects_among,
)
from movibot.sites.templatedata import answer_from_page
from movibot.wikitext.titles import TEMPLATE_PREFIXES, is_category, normalize_title

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)
SEVEN_ZIP_PROGRAMS = ("7z", "7zz", "7za", "7zr")  # the first one found on PATH is used
_PROBE_PAGES = 1000  # pages read when the site is made, looking for the first revision's text
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
_OLDEST = datetime.min.replace(tzinfo=timezone.utc)
# A page's head in the file's bytes: its title, namespace, id and redirect (template_redirects).
_PAGE_HEAD = re.compile(rb'<title>([^<]*)</title>\s*(?:<ns>\s*(-?\d+)\s*</ns>\s*)?'
                        rb'(?:<id>[^<]*</id>\s*)?(?:<redirect\s+title="([^"]*)")?')
_TEMPLATE_NS_NAME = re.compile(rb'<namespace\b[^>]*\bkey="10"[^>]*>([^<]*)</namespace>')
_HEAD = 4096  # bytes a page's head fits in (a title is at most 255 bytes, escaped 6 times)
_SCAN_CHUNK = 1 << 20


class DumpSite:
    """The pages of one XML dump file; `name` is its path. Never written, makes no requests.

    `clock` gives the time `now()` returns (seconds since the epoch, like time.time).
    """

    writable = False
    live = False  # put_throttle applies to live wikis only
    content_language: str | None = None  # an XML dump's siteinfo does not say
    first_letter = True  # as fiches/ and MediaWiki's default (the dump's <case> is not read)

    def __init__(self, path: str | os.PathLike[str], *,
                 clock: Callable[[], float] = time.time) -> None:
        """Raises WikiError when the file cannot be read; UsageError for a stub dump, or a 7z
        archive that holds more than one file or cannot be read for want of a 7z program."""
        self.path = os.fspath(path)
        self.name = self.path
        self.requests = 0
        self.problems: list[Problem] = []  # a bad file is an exception, named where it is met
        self.clock = clock
        self.compression = _compression(self.path)
        self.seven_zip = _seven_zip(self.path) if self.compression == "7z" else None
        self._probe()

    def iter_pages(self) -> Iterator[Page]:
        """Every page of the dump, in file order. Raises WikiError on a bad file, UsageError
        on a stub dump."""
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

    def templatedata(self, titles: Iterable[str]) -> list[TemplateDataAnswer]:
        """The `<templatedata>` tag of each template page, in the order asked (one pass)."""
        return [answer_from_page(page, self.name) for page in self.pages(titles)]

    def template_redirects(self, templates: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """For each template whose page the dump holds, the dump's template pages redirecting
        to it (their page's `<redirect title=…>`: exports from schema 0.4 on), found by a scan
        of the file's bytes for the pages' heads, not a parse (see _template_heads). Raises
        WikiError when the file cannot be read."""
        return template_redirects_among(self._template_heads(), templates)

    def _template_heads(self) -> dict[str, str | None]:
        """Each template page of the dump (bare name) and the title its `<redirect>` leads to
        (None for no redirect), from a scan of the pages' heads (`<title>`, `<ns>`, `<id>`,
        `<redirect>`) chunk by chunk: memory holds one chunk, whatever the dump's size."""
        held: dict[str, str | None] = {}
        names = {_fold(p) for p in TEMPLATE_PREFIXES}  # and the dump's own name, once read
        with self._open() as raw:
            reader, carry, named = _CountingReader(raw, self), b"", False
            while True:
                chunk = reader.read(_SCAN_CHUNK)
                data = carry + chunk
                if not named and (m := _TEMPLATE_NS_NAME.search(data)):
                    names.add(_fold(html.unescape(m.group(1).decode("utf-8", "replace"))))
                    named = True
                end = max(len(data) - _HEAD, 0) if chunk else len(data)
                for head in _PAGE_HEAD.finditer(data):
                    if head.start() >= end:  # maybe cut: read again with the next chunk
                        break
                    _note_head(head, names, held)
                if not chunk:
                    return held
                carry = data[end:]

    def transcluding(self, template: str) -> Iterator[Page]:
        """Nothing more than the pages already read: an offline run reads every page."""
        return iter(())

    def changes_reach(self, timestamp: str) -> bool:
        return True  # every page is read to tell what changed: nothing is ever forgotten

    def changed_since(self, timestamp: str, namespaces: Iterable[int] | None = None
                      ) -> list[str]:
        """Titles whose newest revision is strictly newer than `timestamp`, in file order.

        Raises UsageError for a timestamp that is not ISO 8601.
        """
        since = _instant(timestamp)
        return [p.title for p in self.iter_pages()
                if p.timestamp and _instant(p.timestamp) > since]

    def now(self) -> str:
        """The clock's current UTC time (the run's start), ISO 8601: `2024-05-01T12:00:00Z`.

        Not a date from the dump: a report's `started` says when the run ran, and the dump
        is not read for it."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.clock()))

    def render(self, title: str, text: str) -> str | None:
        """None: no parser here (the preview renders the bot's blocks itself)."""
        return None

    def info(self) -> SiteInfo:
        """A dump: read-only, no account."""
        return SiteInfo("an XML dump (read-only)")

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True) -> Page:
        """Raises ReadOnly: a dump is never written."""
        raise ReadOnly(Msg("the dump site {name} is read-only", name=self.name))

    def _open(self) -> io.BufferedIOBase:
        """The file's decompressed bytes; raises WikiError when the file (or the 7z program)
        cannot be opened."""
        try:
            if self.compression == "gzip":
                return gzip.GzipFile(self.path, "rb")
            if self.compression == "bzip2":
                return bz2.BZ2File(self.path, "rb")
            if self.compression == "xz":
                return lzma.LZMAFile(self.path, "rb", format=lzma.FORMAT_XZ)
            if self.compression == "lzma":
                return lzma.LZMAFile(self.path, "rb", format=lzma.FORMAT_ALONE)
            if self.compression == "7z":
                assert self.seven_zip is not None
                return _SevenZipStream(self.seven_zip, self.path)
            return open(self.path, "rb")
        except OSError as e:
            raise WikiError(Msg("{name}: cannot read the dump: {value}", name=self.name,
                                value=e.strerror or e)) from None

    def _probe(self) -> None:
        """Read the first revisions: raises UsageError for a stub dump. Any other error is
        left for the read that reaches it (it names its byte offset)."""
        try:
            with self._open() as raw:
                reader = _CountingReader(raw, self)
                for _ in itertools.islice(_parse(reader, self, probe=True), _PROBE_PAGES):
                    pass
        except (ET.ParseError, WikiError, OSError, EOFError):
            pass

    def _stub_error(self) -> UsageError:
        return UsageError(Msg("{name} is a stub dump (dumpBackup --stub): its <text> "
                              "elements hold no wikitext; export with --current or --full",
                              name=self.name))

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
        return WikiError(Msg("{name}: malformed XML at {self}: {reason}", name=self.name,
                             self=self._where(offset), reason=reason))


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
            raise WikiError(Msg("{name}: corrupt {kind} data at {where}: {e}",
                                name=self.site.name, kind=kind, where=where, e=e)) from None
        self.offset += len(data)
        return data


class _SevenZipError(OSError):
    """The 7z program failed (its message, one line)."""


class _SevenZipStream(io.BufferedIOBase):
    """The one file of a 7z archive, decoded by `7z e -so` in a child process and read from
    its standard output. When the output ends, a failure of the program (corrupt data, a
    wrong password) raises _SevenZipError. Closing it early stops the program."""

    def __init__(self, program: str, path: str) -> None:
        self._path = path
        self._errors = tempfile.TemporaryFile()  # never a pipe: a full one would block 7z
        try:
            self._proc = subprocess.Popen(
                [program, "e", "-so", "-bd", "-p", "--", path],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errors)
        except OSError:
            self._errors.close()
            raise
        self._out = cast(io.BufferedReader, self._proc.stdout)  # bufsize=-1: buffered

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        data = self._out.read1(size)
        if not data and size != 0:
            self._check()
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            data = self._out.read()
        else:
            parts, left = [], size
            while left > 0 and (part := self._out.read1(left)):
                parts.append(part)
                left -= len(part)
            data = b"".join(parts)
        if size is None or size < 0 or len(data) < size:
            self._check()
        return data

    def _check(self) -> None:
        """At the end of the output: raises _SevenZipError when the program failed."""
        if self._proc.wait() != 0:
            self._errors.seek(0)
            message = _seven_zip_message(self._errors.read(), self._proc.returncode,
                                         self._path)
            raise _SevenZipError(message)

    def close(self) -> None:
        if not self.closed:
            self._out.close()
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            self._errors.close()
        super().close()


def _seven_zip(path: str) -> str:
    """The 7z program to read `path` with, after checking the archive holds one file.

    Raises UsageError without a 7z program or for an archive of several files (or none),
    WikiError when the archive cannot be opened."""
    program = next((p for name in SEVEN_ZIP_PROGRAMS if (p := shutil.which(name))), None)
    if program is None:
        raise UsageError(Msg("{path}: a 7z dump is read with the 7z program, not found "
                             "(apt-get install p7zip-full, or 7zip)", path=path))
    try:
        listing = subprocess.run([program, "l", "-slt", "-p", "--", path],
                                 stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as e:
        raise WikiError(Msg("{path}: cannot run {program}: {e}", path=path,
                            program=program, e=e)) from None
    if listing.returncode != 0:
        reason = _seven_zip_message(listing.stderr or listing.stdout, listing.returncode,
                                    path)
        raise WikiError(Msg("{path}: cannot read the 7z archive: {reason}", path=path,
                            reason=reason))
    files = _seven_zip_files(listing.stdout.decode("utf-8", errors="replace"))
    if len(files) != 1:
        names = ", ".join(files[:3]) + (", …" if len(files) > 3 else "")
        held = f"{len(files)} files ({names})" if files else "no file"
        raise UsageError(Msg("{path}: the 7z archive holds {held}; a dump archive "
                             "holds one XML export", path=path, held=held))
    return program


def _seven_zip_files(listing: str) -> list[str]:
    """The paths of the files (not folders) in the output of `7z l -slt`."""
    _, sep, entries = listing.partition("\n----------\n")
    files = []
    for block in (entries if sep else listing).split("\n\n"):
        fields = dict(line.split(" = ", 1) for line in block.splitlines() if " = " in line)
        if "Path" in fields and fields.get("Folder") != "+" and \
                not fields.get("Attributes", "").startswith("D"):
            files.append(fields["Path"])
    return files


def _seven_zip_message(output: bytes, code: int, path: str = "") -> str:
    """The 7z program's error output as one line, without its banner nor the archive's name
    (the message names it already)."""
    kept: list[str] = []
    for raw in output.decode("utf-8", errors="replace").splitlines():
        line = " ".join(raw.split()).removeprefix("ERROR: ").removeprefix("Open ERROR: ")
        if path:
            line = line.removeprefix(f"{path} : ")
        if line and line not in ("ERRORS:", path) and not line.startswith(
                ("7-Zip", "p7zip", "Scanning", "Listing archive", "--", "1 file,")):
            kept.append(line)
    return "; ".join(dict.fromkeys(kept)) or f"exit status {code}"


def _compression(path: str) -> str:
    """"gzip", "bzip2", "xz", "7z", "lzma" or "" from the file's first bytes; raises
    WikiError if unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(13)
    except OSError as e:
        raise WikiError(Msg("{path}: cannot read the dump: {value}", path=path,
                            value=e.strerror or e)) from None
    kind = next((kind for magic, kind in _MAGIC if head.startswith(magic)), "")
    return kind or ("lzma" if _is_lzma_alone(head) else "")


def _is_lzma_alone(head: bytes) -> bool:
    """True when `head` is a legacy .lzma header, which has no magic bytes: liblzma's own test
    (xz --format=auto): a valid properties byte, a dictionary size of 2^n or 2^n + 2^(n-1),
    and an uncompressed size that is unknown (all ones) or below 256 GiB."""
    if len(head) < 13 or head[0] >= 9 * 5 * 5:
        return False
    dict_size = int.from_bytes(head[1:5], "little")
    d = (dict_size - 1) & 0xFFFFFFFF
    for shift in (2, 3, 4, 8, 16):
        d |= d >> shift
    if (d + 1) & 0xFFFFFFFF != dict_size:
        return False
    size = int.from_bytes(head[5:13], "little")
    return size == (1 << 64) - 1 or size < 1 << 38


def _parse(reader: _CountingReader, site: DumpSite, *, probe: bool = False) -> Iterator[Page]:
    """The pages of the stream; the root's namespace gives the schema version.

    Raises UsageError at the first sign of a stub dump. With `probe`, stops at the first
    revision with text."""
    events = ET.iterparse(reader, events=("start", "end"))
    root, q = _root(events, site)
    namespaces: dict[str, int] = {}
    seen_text = False  # a revision with wikitext was read: a "missing" text is no stub sign
    current = _Newest(q)
    for event, elem in events:
        if event == "start":
            if elem.tag == q + "page":
                current.start(elem)
        elif elem.tag == q + "revision" and current.page is not None:
            has_text = _has_text(elem, q, seen_text, site)
            if probe and has_text:
                return
            seen_text = seen_text or has_text
            current.add(elem)
        elif elem.tag == q + "page":
            yield _page(elem, current.best, q, site, reader, namespaces)
            current.start(None)
            root.clear()
        elif elem.tag == q + "siteinfo":
            namespaces = _namespaces(elem, q)
            root.clear()


def _root(events: Iterator[tuple[str, ET.Element]], site: DumpSite) -> tuple[ET.Element, str]:
    """The root element and its namespace as a tag prefix (`{…}`, "" for none). Raises
    WikiError when the root is not <mediawiki>."""
    _, root = next(events)
    ns, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != "mediawiki":
        raise WikiError(Msg("{name}: not a MediaWiki XML export (root element <{local}>)",
                            name=site.name, local=local))
    return root, f"{{{ns}}}" if ns else ""


class _Newest:
    """The <page> being read and its newest <revision> so far: the older ones are removed from
    the page as they end, so one revision per page is kept (constant memory)."""

    def __init__(self, q: str) -> None:
        self.q = q
        self.page: ET.Element | None = None
        self.best: ET.Element | None = None
        self.key: tuple[datetime, int] = (_OLDEST, -1)

    def start(self, page: ET.Element | None) -> None:
        """A new <page> begins (None: the last one ended)."""
        self.page, self.best = page, None

    def add(self, revision: ET.Element) -> None:
        """Keep `revision` if it is the newest so far (on a tie, the larger id)."""
        assert self.page is not None
        key = _revision_key(revision, self.q)
        if self.best is None or key >= self.key:
            if self.best is not None:
                self.page.remove(self.best)
            self.best, self.key = revision, key
        else:
            self.page.remove(revision)


def _has_text(revision: ET.Element, q: str, seen_text: bool, site: DumpSite) -> bool:
    """True when the revision holds wikitext. Raises UsageError at a sign of a stub dump: a
    text stored elsewhere, or a text missing before any text was seen."""
    kind = _text_kind(revision.find(q + "text"))
    if kind == "stub" or (kind == "missing" and not seen_text):
        raise site._stub_error()
    return kind == "text"


def _text_kind(text: ET.Element | None) -> str:
    """What a revision's <text> holds: "text" (wikitext), "empty" (no <text>, an empty page's
    `<text bytes="0" />`, or a hidden text: deleted="deleted"), "stub" (no text but where it
    is stored: `id` or `location`, as dumpBackup --stub writes), or "missing" (no text while
    `bytes` says there is some)."""
    if text is None:
        return "empty"
    if text.text or len(text):
        return "text"
    if "id" in text.attrib or "location" in text.attrib:
        return "stub"
    if "deleted" in text.attrib or not _int(text.get("bytes")):
        return "empty"
    return "missing"


def _revision_key(revision: ET.Element, q: str) -> tuple[datetime, int]:
    """Orders a page's revisions: by timestamp (none or unreadable: oldest), then by id."""
    stamp = revision.findtext(q + "timestamp")
    try:
        when = _instant(stamp) if stamp else _OLDEST
    except UsageError:
        when = _OLDEST
    revid = _int(revision.findtext(q + "id"))
    return when, -1 if revid is None else revid


def _namespaces(siteinfo: ET.Element, q: str) -> dict[str, int]:
    """The <siteinfo><namespaces> names (folded: see _fold) and their numbers, but the
    main namespace (0, no name)."""
    names: dict[str, int] = {}
    for item in siteinfo.iterfind(f"{q}namespaces/{q}namespace"):
        key = item.get("key", "").strip()
        number = int(key) if re.fullmatch(r"-?\d+", key) else None
        if number and item.text and item.text.strip():
            names[_fold(item.text)] = number
    return names


def _fold(name: str) -> str:
    """A namespace name as MediaWiki compares them: `_` as space, collapsed, any case."""
    return " ".join(name.replace("_", " ").split()).casefold()


def _page_ns(elem: ET.Element, q: str, title: str, namespaces: dict[str, int]) -> int:
    """The page's <ns>; without one (schemas 0.3-0.5) its title prefix's in <siteinfo>,
    else 0."""
    given = elem.findtext(q + "ns")
    if given is not None and re.fullmatch(r"\s*-?\d+\s*", given):
        return int(given)
    prefix, colon, _ = title.partition(":")
    return namespaces.get(_fold(prefix), 0) if colon else 0


def _page(elem: ET.Element, revision: ET.Element | None, q: str, site: DumpSite,
          reader: _CountingReader, namespaces: dict[str, int] | None = None) -> Page:
    """A Page from a <page> element and its newest <revision> (None: an empty page)."""
    title = elem.findtext(q + "title")
    if not title:
        where = site._where(reader.offset)
        raise WikiError(Msg("{name}: a <page> has no <title> (before {where})",
                            name=site.name, where=where))
    ns = _page_ns(elem, q, title, namespaces or {})
    if revision is None:
        return Page(title=title, text="", pageid=_int(elem.findtext(q + "id")), ns=ns)
    return Page(
        title=title,
        text=revision.findtext(q + "text") or "",
        revid=_int(revision.findtext(q + "id")),
        timestamp=revision.findtext(q + "timestamp"),
        pageid=_int(elem.findtext(q + "id")),
        ns=ns,
    )


def _note_head(head: re.Match[bytes], names: set[str], held: dict[str, str | None]) -> None:
    """Put a page's head in `held` when it is a template page: its <ns> is 10, or without
    one its title's prefix is one of the template namespace's `names` (folded)."""
    title = html.unescape(head.group(1).decode("utf-8", "replace"))
    prefix, colon, bare = title.partition(":")
    ns = head.group(2)
    if not colon or (int(ns) != TEMPLATE_NS if ns is not None else _fold(prefix) not in names):
        return
    target = head.group(3)
    held[normalize_title(bare)] = html.unescape(target.decode("utf-8", "replace")) \
        if target is not None else None


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
    except (EOFError, OSError, zlib.error, lzma.LZMAError, WikiError):
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
        raise UsageError(Msg("bad timestamp {timestamp!r}: expected ISO 8601 like "
                             "2024-05-01T12:00:00Z", timestamp=timestamp)) from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def is_dump_file(path: str | os.PathLike[str]) -> bool:
    """True when the file is an XML dump (compressed, or text that opens with `<mediawiki` or
    an XML declaration) rather than one page's wikitext."""
    try:
        if _compression(os.fspath(path)):
            return True
        with open(path, "rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except (OSError, WikiError):
        return False
    return head.startswith((b"<mediawiki", b"<?xml"))
