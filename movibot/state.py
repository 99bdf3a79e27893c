"""The state file: what the last run and pull saw, so the next run reads only what changed.

JSON, version 1, one entry per site (a folder, a wiki's API URL):
  {"version": 1, "sites": {SITE: {"last_run": ISO|null, "pages": {TITLE: {
      "revid": int|null, "timestamp": ISO|null, "kind": "lieu"|"fiche"|null,
      "categories": [...], "row": {...}}}}}}
`row` is what the members tables of the page's categories show. The file is written atomically;
a corrupt file or one from a newer version is refused with one line, never overwritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from movibot.atomic import write_atomic
from movibot.errors import IOFailure, StateError

VERSION = 1


@dataclass
class State:
    """One site's state. Mutable on purpose: the run updates it page by page, saving after each."""

    path: Path
    site: str
    last_run: str | None = None
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    others: dict[str, Any] = field(default_factory=dict, repr=False)

    def save(self) -> None:
        """Write the state atomically, keeping the other sites' entries. Raises IOFailure."""
        sites = dict(self.others)
        sites[self.site] = {"last_run": self.last_run, "pages": self.pages}
        doc = {"version": VERSION, "sites": sites}
        try:
            write_atomic(self.path, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True))
        except OSError as e:
            raise IOFailure(f"cannot write the state file {self.path}: "
                            f"{e.strerror or e}") from None

    def page(self, title: str) -> dict[str, Any]:
        return self.pages.setdefault(title, {})


def load_state(path: str | Path, site: str) -> State:
    """The state of `site` in the file at `path` (empty when absent). Raises StateError."""
    p = Path(path)
    if not p.exists():
        return State(p, site)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise StateError(f"state file {p} is corrupt ({e}); move it away to start afresh") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("sites", {}), dict):
        raise StateError(f"state file {p} is corrupt (not a movibot state); move it away")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StateError(f"state file {p} is corrupt (no version number); move it away")
    if version > VERSION:
        raise StateError(
            f"state file {p} has version {version!r}, newer than this movibot reads ({VERSION});"
            " upgrade movibot"
        )
    sites = dict(doc.get("sites") or {})
    mine = sites.pop(site, None) or {}
    if not _well_formed(mine):
        raise StateError(f"state file {p} is corrupt (entry for {site}); move it away")
    return State(p, site, mine.get("last_run"), mine.get("pages") or {}, sites)


def _well_formed(entry: Any) -> bool:
    """A site's entry: {"last_run": str|null, "pages": {title: {…}}}."""
    if not isinstance(entry, dict) or not isinstance(entry.get("last_run") or "", str):
        return False
    pages = entry.get("pages") or {}
    return isinstance(pages, dict) and all(isinstance(e, dict) for e in pages.values())
