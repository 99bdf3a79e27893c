"""`movibot export`: every lieu and fiche of a site as data, with its problems and, for lieux,
the cost model's figures, in the format of the target's suffix:

    .db .sqlite .sqlite3   SQLite, one table per source plus pages, problems, categories
                           (movibot.export.sqlite), ready for Datasette
    .csv                   one CSV file per source, FILE-<source>.csv (movibot.export.csv)
    .jsonl .ndjson         one JSON object per page (movibot.export.jsonl)
    .geojson               a FeatureCollection of the lieux with coordinates
                           (movibot.export.geojson)

Pages come from the site one by one (a dump in one pass, else each source's category, as the
offline run reads them: movibot.sync.offline.source_pages) and are written as they come, so
memory does not grow with the site. Each page is parsed once and checked once with the run's
own functions (movibot.export.records.export_record): invalid records are exported too, with
`valid` 0 and their problems. Redirects and pages in none of the sources are not exported. A
title met twice (a dump listing a page twice) is exported once, the first time; the titles
seen are kept in a temporary SQLite file, not in memory.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from movibot.errors import UsageError
from movibot.export.base import Writer
from movibot.export.records import ExportRecord, Layout, export_record, layouts
from movibot.i18n import N_, Msg, _, msg_n, text
from movibot.problems import Problem
from movibot.records.read import Source
from movibot.sites.base import Page, Site
from movibot.sync.pages import named_sources, source_pages

Progress = Callable[[Iterable[Any], int, str], Iterable[Any]]

SUFFIXES = {
    ".db": "sqlite", ".sqlite": "sqlite", ".sqlite3": "sqlite",
    ".csv": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".geojson": "geojson",
}
FORMATS = ("sqlite", "csv", "jsonl", "geojson")

__all__ = ["FORMATS", "SUFFIXES", "ExportSummary", "export_command", "export_records",
           "format_for"]


def _no_progress(items: Iterable[Any], length: int, label: str) -> Iterable[Any]:
    return items


@dataclass
class ExportSummary:
    """What an export wrote: the format, the files, and counts."""

    format: str
    files: list[Path] = field(default_factory=list)
    pages: int = 0                                   # pages exported
    by_source: dict[str, int] = field(default_factory=dict)
    invalid: int = 0                                 # exported with valid = 0
    problems: int = 0                                # problem rows, warnings included
    features: int = 0                                # GeoJSON features (geojson only)
    skipped: int = 0                                 # redirects, pages in none of the sources
    duplicates: int = 0                              # titles met again, not exported twice
    site_problems: list[Problem] = field(default_factory=list)  # e.g. unreadable files

    def add(self, rec: ExportRecord) -> None:
        self.pages += 1
        self.by_source[rec.source] = self.by_source.get(rec.source, 0) + 1
        self.invalid += not rec.valid
        self.problems += len(rec.problems)

    def summary_line(self) -> str:
        """`exported 42 pages (lieux 11, fiches 31; 3 invalid, 57 problems) to out.db`, in the
        user's language."""
        parts = ", ".join(f"{name} {n}" for name, n in self.by_source.items()) or _("none")
        where = ", ".join(str(p) for p in self.files)
        extra = (Msg(", {n} on the map", n=self.features) if self.format == "geojson"
                 else "")
        return text(msg_n("exported {n} page ({parts}; {invalid} invalid, {problems} "
                          "problems{extra}) to {where}",
                          "exported {n} pages ({parts}; {invalid} invalid, {problems} "
                          "problems{extra}) to {where}", self.pages, parts=parts,
                          invalid=self.invalid, problems=self.problems, extra=extra,
                          where=where))

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "files": [str(p) for p in self.files],
                "pages": self.pages, "by_source": dict(self.by_source),
                "invalid": self.invalid, "problems": self.problems, "features": self.features,
                "skipped": self.skipped, "duplicates": self.duplicates,
                "site_problems": [p.to_dict() for p in self.site_problems]}


def format_for(path: Path) -> str:
    """The export format of a target file, from its suffix. Raises UsageError for another."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(SUFFIXES)
        raise UsageError(Msg("--to {path}: unknown export format {value!r}; use one of {known}",
                             path=path, value=path.suffix or '(no suffix)', known=known))
    return fmt


def open_writer(fmt: str, to: Path, lays: Sequence[Layout]) -> Writer:
    """The writer of a format (see FORMATS)."""
    if fmt == "sqlite":
        from movibot.export.sqlite import SqliteWriter

        return SqliteWriter(to, lays)
    if fmt == "csv":
        from movibot.export.csv import CsvWriter

        return CsvWriter(to, lays)
    if fmt == "jsonl":
        from movibot.export.jsonl import JsonlWriter

        return JsonlWriter(to)
    if fmt == "geojson":
        from movibot.export.geojson import GeojsonWriter

        return GeojsonWriter(to, lays)
    raise UsageError(Msg("unknown export format {fmt!r}; use one of {value}",
                         fmt=fmt, value=', '.join(FORMATS)))


def export_records(site: Site, sources: Sequence[Source], to: Path, *,
                   fmt: str | None = None, progress: Progress = _no_progress) -> ExportSummary:
    """Export every page of the sources on `site` to `to`, streaming; the format is `fmt`
    (one of FORMATS), else `to`'s suffix. Raises UsageError for an unknown format, a source
    or field named like an export table or column, or a target that is a folder."""
    fmt = fmt or format_for(to)
    if to.is_dir():
        raise UsageError(Msg("--to {to}: is a folder; give a file name", to=to))
    sources = named_sources(site, sources)  # calls read through the site's template redirects
    lays = layouts(sources)
    writer = open_writer(fmt, to, lays)
    summary = ExportSummary(fmt, by_source={lay.name: 0 for lay in lays})
    try:
        with contextlib.closing(sqlite3.connect("")) as seen:  # a private temporary file
            seen.execute("CREATE TABLE seen (title TEXT PRIMARY KEY)")
            page: Page
            for page in progress(source_pages(site, sources), -1, N_("Exporting")):
                if not seen.execute("INSERT OR IGNORE INTO seen VALUES (?)",
                                    (page.title,)).rowcount:
                    summary.duplicates += 1
                    continue
                rec = export_record(page, sources)
                if rec is None:
                    summary.skipped += 1
                    continue
                writer.write(rec)
                summary.add(rec)
        summary.features = getattr(writer, "features", 0)
        summary.files = writer.commit()
    except BaseException:
        writer.abort()
        raise
    summary.site_problems = list(site.problems)
    return summary


def export_command(site_spec: str | None, config_path: str | None, to: str | Path, *,
                   fmt: str | None = None, progress: Progress = _no_progress) -> ExportSummary:
    """`movibot export [--site S] --to FILE`: open the configured site (read-only) and export
    the config's sources to FILE."""
    from movibot.config import load_config
    from movibot.records.schema import load_schema
    from movibot.sites import open_site

    target = Path(to)
    fmt = fmt or format_for(target)  # a bad suffix fails before the site is opened
    config = load_config(config_path)
    site = open_site(site_spec or config.site, config)  # read only: no password, no login
    sources = [Source(s, load_schema(s.schema)) for s in config.sources]
    return export_records(site, sources, target, fmt=fmt, progress=progress)
