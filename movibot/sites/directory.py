"""A folder of `.wiki` files as a Site: the embedded default (fiches/) and `--site DIR`.

One file per page, named by its title (see wikitext/titles.py). A file's revision is its content:
`save` refuses to write when the file changed since it was read (EditConflict), and writes
atomically (temp file + rename). Files that are not UTF-8 are skipped and reported.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from movibot.atomic import write_atomic
from movibot.errors import EditConflict, UsageError, WikiError
from movibot.i18n import Msg
from movibot.problems import Problem, line_col
from movibot.sites.base import (
    TEMPLATE_NS,
    Page,
    SiteInfo,
    TemplateDataAnswer,
    template_redirects_among,
)
from movibot.sites.templatedata import answer_from_page
from movibot.wikitext.titles import (
    EXTENSION,
    categories_in,
    fold,
    is_category,
    namespace_of,
    normalize_title,
    title_from_file,
    title_to_filename,
)
from movibot.wikitext.tree import redirect_target

# Microseconds: two runs within one second must still see each other's changes.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class UnreadableFile(UsageError):
    """A .wiki file that cannot be read as UTF-8 text."""


def read_wiki_file(path: Path) -> tuple[str, str]:
    """(title, text) of a .wiki file. Raises UnreadableFile naming the file and the bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        good = data[: e.start].decode("utf-8", "replace")
        line, col = line_col(good, len(good))
        raise UnreadableFile(
            f"{path}:{line}:{col}: not UTF-8 text (byte 0x{data[e.start]:02x})"
        ) from None
    return title_from_file(path.name, text.lstrip("\ufeff")), text.lstrip("\ufeff")


def wiki_files(paths: Iterable[str | Path]) -> list[Path]:
    """The .wiki files named or contained (not recursively) in `paths`, sorted per folder."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix == EXTENSION and f.is_file()))
        else:
            out.append(p)
    return out


def _timestamp(path: Path) -> str:
    mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return mtime.strftime(TIME_FORMAT)


def _revid(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:12], 16)


class DirectorySite:
    """Pages stored as .wiki files in one folder."""

    writable = True
    live = False  # put_throttle applies to live wikis only
    content_language: str | None = None  # a folder cannot tell (French is written)
    first_letter = True  # file names are titles as MediaWiki's default `first-letter` reads them

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise UsageError(Msg("--site {root}: no such folder", root=root))
        self.name = str(self.root)
        self.requests = 0
        self.problems: list[Problem] = []
        self._index: dict[str, Path] | None = None

    def _files(self) -> dict[str, Path]:
        if self._index is None:
            self._index = {}
            for path in wiki_files([self.root]):
                page = self._read(path)
                if page is not None:
                    self._index[fold(page.title)] = path
        return self._index

    def _read(self, path: Path) -> Page | None:
        try:
            title, text = read_wiki_file(path)
        except UnreadableFile as e:
            if not any(p.path == str(path) for p in self.problems):
                self.problems.append(Problem("E601", str(e).split(": ", 1)[1], str(path)))
            return None
        return Page(title, text, _revid(text), _timestamp(path), None, _ns(title), True)

    def all_pages(self) -> Iterator[Page]:
        """Every page of the folder, in file-name order."""
        for path in self._files().values():
            page = self._read(path)
            if page is not None:
                yield page

    def category_pages(self, category: str) -> Iterator[Page]:
        """Pages whose text puts them in the category (`Lieux`, or `Catégorie:Lieux`)."""
        if is_category(category):
            category = category.split(":", 1)[1]
        want = normalize_title(category)
        for page in self.all_pages():
            if want in categories_in(page.text):  # categories_in normalises as MediaWiki does
                yield page

    def transcluding(self, template: str) -> Iterator[Page]:
        """Pages whose text calls the template (a cheap scan; the plan reads the call)."""
        call = re.compile(r"\{\{\s*(?:mod[eè]le\s*:|template\s*:)?\s*" +
                          r"[ _]+".join(map(re.escape, template.split())) + r"\s*[|}]", re.I)
        for page in self.all_pages():
            if call.search(page.text):
                yield page

    def pages(self, titles: Iterable[str]) -> Iterator[Page]:
        files = self._files()
        for title in titles:
            path = files.get(fold(normalize_title(title)))
            page = self._read(path) if path is not None else None
            yield page or Page(normalize_title(title), "", exists=False, ns=_ns(title))

    def template_redirects(self, templates: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """For each template whose page is a file of the folder (`Modèle:Tiers-Lieu.wiki`),
        the template files redirecting to it (`Modèle:Lieu.wiki` holding `#REDIRECT
        [[Modèle:Tiers-Lieu]]`). Only a folder holding at least one such redirect file tells:
        one without (a contributor's pulled pages, the bundled fiches/) is left out whole, and
        the schemas' aliases stand for the wiki's redirects."""
        held = {p.title.split(":", 1)[1]: redirect_target(p.text)
                for p in self.all_pages() if p.ns == TEMPLATE_NS}
        if not any(target is not None for target in held.values()):
            return {}
        return template_redirects_among(held, templates)

    def templatedata(self, titles: Iterable[str]) -> list[TemplateDataAnswer]:
        """The `<templatedata>` tag of each template page's file, in the order asked."""
        return [answer_from_page(page, self.name) for page in self.pages(titles)]

    def changes_reach(self, timestamp: str) -> bool:
        return True  # every page is read to tell what changed: nothing is ever forgotten

    def changed_since(self, timestamp: str, namespaces: Iterable[int] | None = None
                      ) -> list[str]:
        return [p.title for p in self.all_pages() if (p.timestamp or "") >= timestamp]

    def now(self) -> str:
        return datetime.now(timezone.utc).strftime(TIME_FORMAT)

    def render(self, title: str, text: str) -> str | None:
        """None: no parser here (the preview renders the bot's blocks itself)."""
        return None

    def info(self) -> SiteInfo:
        """A folder: no software, no language, no account."""
        return SiteInfo("a folder of .wiki files")

    def path_for(self, title: str) -> Path:
        """The file a page is (or would be) stored in."""
        return self._files().get(fold(normalize_title(title))) or self.root / title_to_filename(
            title
        )

    def save(self, page: Page, text: str, summary: str, *, bot: bool = True) -> Page:
        """Write the page's file atomically. Raises EditConflict when the file changed since
        it was read, WikiError when it holds something other than UTF-8 text (not replaced)."""
        path = self.path_for(page.title)
        current = self._read(path) if path.exists() else None
        if current is None and path.exists():
            raise WikiError(Msg("{path}: not UTF-8 text; not overwritten", path=path))
        if (current is not None) != page.exists or (
            current is not None and current.text != page.text
        ):
            raise EditConflict(Msg("{path}: changed since it was read; not written",
                                   path=path))
        write_atomic(path, text)
        self._files()[fold(page.title)] = path
        return Page(page.title, text, _revid(text), _timestamp(path), None, page.ns, True)


def _ns(title: str) -> int:
    return namespace_of(title)
