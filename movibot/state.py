"""The state file: what the last run and pull saw, so the next run reads only what changed.

JSON, version 2, one entry per site (a folder, a wiki's API URL):
  {"version": 2, "sites": {SITE: {"last_run": ISO|null, "pages": {TITLE: ENTRY}}}}
where ENTRY is a `PageEntry` as JSON: every key optional,
  "revid": int|null (present once a revision is recorded; null: the page was missing),
  "timestamp": ISO|null, "ns": int, "row": {...} (what the members tables show of the page),
  "attention": [status, reason], and pull's "base", "base_revid", "file", "merge_base",
  "merge_revid".
Version 1 (movibot 0.1.0) has the same shape, except that a pull of older 0.1 versions kept
the base's revision in "revid"; it is read and written back as version 2.

The file is written atomically. A file that is not JSON, from a newer version, with a site
entry of the wrong shape or a `last_run` that is not an ISO 8601 UTC time is refused with one
line, never overwritten. A page entry of the wrong shape is dropped with a warning (`dropped`)
rather than refused: the run reads that page again, which gives back all the entry held but a
pull's base (the file's push is then refused until it is pulled again, and pull merges it:
nothing is lost), where a refusal would stop every nightly run until a person came.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

from movibot.atomic import write_atomic
from movibot.errors import IOFailure, StateError
from movibot.i18n import Msg, message_of, text
from movibot.rows import MemberRow
from movibot.status import Status

_STATUSES = frozenset(s.value for s in Status)

VERSION = 2
log = logging.getLogger(__name__)

MembersRow = MemberRow  # the name 0.1's state code used

_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


def parse_utc(text: str) -> datetime | None:
    """The time of an ISO 8601 UTC timestamp as the sites give it (`2026-01-31T02:00:00Z`,
    fractions of a second allowed); None for anything else."""
    if not _UTC.fullmatch(text):
        return None
    try:
        when = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    fraction = text[20:-1]
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    return when.replace(microsecond=micro, tzinfo=timezone.utc)


class Attention(NamedTuple):
    """Why a page needs a person: its status and the reason, kept until a run finds it fine."""

    status: Status
    reason: str


@dataclass
class PageEntry:
    """What the state knows of one page. Mutable: the run updates it as it goes.

    `recorded` is False until a revision is recorded (`revid`, None for a missing page) and
    again while an edit planned for the page is not saved: the next run reads it again."""

    recorded: bool = False
    revid: int | None = None
    timestamp: str | None = None
    ns: int | None = None
    row: MembersRow | None = None
    attention: Attention | None = None
    base: str | None = None          # the wiki's text at the last pull or push
    base_revid: int | None = None
    file: str | None = None          # the local file it was pulled to
    merge_base: str | None = None    # the wiki's text a conflicted pull was merged with
    merge_revid: int | None = None

    def record(self, revid: int | None, timestamp: str | None) -> None:
        """Record the revision the state holds of the page (None: the page is missing)."""
        self.recorded, self.revid, self.timestamp = True, revid, timestamp

    def unrecord(self) -> None:
        """Forget the revision: an edit is planned, the page is read again until it is saved."""
        self.recorded, self.revid = False, None

    def to_json(self) -> dict[str, Any]:
        """The entry as stored: only the keys that hold something."""
        doc: dict[str, Any] = {"revid": self.revid} if self.recorded else {}
        for key in _OPTIONAL:
            value = getattr(self, key)
            if value is not None:
                doc[key] = _plain(key, value)
        return doc


def _plain(key: str, value: Any) -> Any:
    """An entry's value as JSON: the attention pair as a list, the row as its object."""
    if key == "attention":
        return list(value)
    return value.to_json() if key == "row" else value


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _row(value: Any) -> bool:
    """A members-table row (rows.MemberRow.from_json reads it)."""
    try:
        MemberRow.from_json(value)
    except ValueError:
        return False
    return True


_TEXT = _optional(lambda v: isinstance(v, str))
_REVID = _optional(_integer)
# key -> (the check of its JSON value, what it must be: for the message)
_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "revid": (_REVID, "a revision number or null"),
    "timestamp": (_TEXT, "a time or null"),
    "ns": (_integer, "a namespace number"),
    "row": (_row, "a members-table row"),
    "attention": (lambda v: _text_list(v) and len(v) == 2 and v[0] in _STATUSES,
                  "a [status, reason] pair"),
    "base": (_TEXT, "a text"),
    "base_revid": (_REVID, "a revision number or null"),
    "file": (_TEXT, "a file path"),
    "merge_base": (_TEXT, "a text"),
    "merge_revid": (_REVID, "a revision number or null"),
}
_OPTIONAL = tuple(k for k in _FIELDS if k != "revid")


class BadEntry(ValueError):
    """A page entry of the wrong shape; the message names the key and what is wrong."""


def entry_from_json(raw: Any) -> PageEntry:
    """A page entry read from the file (version 2, or 1 upgraded). Raises BadEntry. Keys it
    does not know (0.1's `kind`, `categories`) are left out."""
    if not isinstance(raw, dict):
        raise BadEntry(Msg("the entry is {raw}, not an object", raw=_shown(raw)))
    for key, (check, what) in _FIELDS.items():
        if key in raw and not check(raw[key]):
            raise BadEntry(Msg("`{key}` is {value}, not {what}", key=key,
                               value=_shown(raw[key]), what=what))
    values = {k: raw.get(k) for k in _OPTIONAL}
    if values["attention"] is not None:
        status, reason = values["attention"]
        values["attention"] = Attention(Status(status), reason)
    if values["row"] is not None:
        values["row"] = MemberRow.from_json(values["row"])
    return PageEntry("revid" in raw, raw.get("revid"), **values)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def upgrade_v1(pages: Any) -> Any:
    """Version 1's pages as version 2 has them: a base pulled by an older 0.1 gets its
    revision from `revid`. Anything not of the expected shape is left to be checked."""
    if not isinstance(pages, dict):
        return pages
    out = {}
    for title, raw in pages.items():
        if isinstance(raw, dict) and "base" in raw and "base_revid" not in raw:
            raw = {**raw, "base_revid": raw.get("revid")}
        out[title] = raw
    return out


@dataclass
class State:
    """One site's state. Mutable on purpose: the run updates it page by page, saving after each.

    `dropped`: title -> why, for the page entries of the wrong shape left out when loading."""

    path: Path
    site: str
    last_run: str | None = None
    pages: dict[str, PageEntry] = field(default_factory=dict)
    others: dict[str, Any] = field(default_factory=dict, repr=False)  # other sites, as JSON
    dropped: dict[str, str] = field(default_factory=dict)

    def save(self) -> None:
        """Write the state atomically, keeping the other sites' entries. Raises IOFailure."""
        sites = dict(self.others)
        sites[self.site] = {"last_run": self.last_run,
                            "pages": {t: e.to_json() for t, e in self.pages.items()}}
        doc = {"version": VERSION, "sites": sites}
        try:
            write_atomic(self.path, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True))
        except OSError as e:
            raise IOFailure(Msg("cannot write the state file {path}: {value}",
                                path=self.path, value=e.strerror or e)) from None

    def page(self, title: str) -> PageEntry:
        """The entry of `title`, a new one when the state has none."""
        return self.pages.setdefault(title, PageEntry())


def load_state(path: str | Path, site: str) -> State:
    """The state of `site` in the file at `path` (empty when absent). Raises StateError."""
    p = Path(path)
    if not p.exists():
        return State(p, site)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise StateError(Msg("state file {p} is corrupt ({e}); move it away to start afresh",
                             p=p, e=e)) from None
    version = _version(p, doc)
    sites = dict(doc.get("sites") or {})
    if version == 1:
        sites = {name: {**entry, "pages": upgrade_v1(entry.get("pages"))}
                 if isinstance(entry, dict) else entry for name, entry in sites.items()}
    mine = sites.pop(site, None) or {}
    if not isinstance(mine, dict) or not isinstance(mine.get("pages") or {}, dict):
        raise StateError(Msg("state file {p} is corrupt (entry for {site}); move it away",
                             p=p, site=site))
    state = State(p, site, _last_run(p, site, mine.get("last_run")), {}, sites)
    _read_pages(state, mine.get("pages") or {})
    return state


def _read_pages(state: State, pages: dict[str, Any]) -> None:
    """Put the page entries in `state`; those of the wrong shape in `dropped`, with a warning."""
    for title, raw in pages.items():
        try:
            state.pages[title] = entry_from_json(raw)
        except BadEntry as e:
            state.dropped[title] = Msg("state file {path}, site {site}, page «{title}»: {why}; "
                                       "the entry was dropped and the page is read again",
                                       path=state.path, site=state.site, title=title,
                                       why=message_of(e))
            log.warning("%s", text(state.dropped[title]))


def _version(p: Path, doc: Any) -> int:
    """The file's version, checked. Raises StateError."""
    if not isinstance(doc, dict) or not isinstance(doc.get("sites", {}), dict):
        raise StateError(Msg("state file {p} is corrupt (not a movibot state); move it away",
                             p=p))
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StateError(Msg("state file {p} is corrupt (no version number); move it away", p=p))
    if version > VERSION:
        raise StateError(
            Msg("state file {p} has version {version!r}, newer than this movibot reads "
                "({VERSION}); upgrade movibot", p=p, version=version, VERSION=VERSION)
        )
    return version


def _last_run(p: Path, site: str, value: Any) -> str | None:
    """The site's `last_run`, checked: it is sent to the wiki. Raises StateError."""
    if value is None or (isinstance(value, str) and parse_utc(value) is not None):
        return value
    raise StateError(
        Msg("state file {p}, site {site}: `last_run` is {value}, not an ISO 8601 UTC time "
            "(2026-01-31T02:00:00Z); correct it, or set it to null so that the next run "
            "reads every page", p=p, site=site, value=_shown(value)))


def later_than(a: str | None, b: str | None) -> bool:
    """True when the time `a` is after the time `b` (both ISO 8601 UTC); False when either is
    missing or not such a time."""
    first, second = parse_utc(a or ""), parse_utc(b or "")
    return first is not None and second is not None and first > second

