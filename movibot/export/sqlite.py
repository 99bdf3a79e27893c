"""The SQLite export (`--to FILE.db` or `.sqlite`): plain SQLite, ready for Datasette.

Tables (every `title` is the page's title; the foreign keys point at `pages.title`):

    pages       title TEXT PRIMARY KEY, source TEXT, kind TEXT ("lieu"/"fiche"),
                valid INTEGER (1/0), revid INTEGER, timestamp TEXT (ISO 8601)
    <source>    one per configured source, named after it (`lieux`, `fiches`):
                title TEXT PRIMARY KEY REFERENCES pages, valid, revid, timestamp, then one
                column per schema field, typed by its x-wiki type (number, money, surface,
                percent: REAL; list: TEXT holding a JSON array; date: TEXT ISO; bool: INTEGER
                1/0; text, enum, url, email: TEXT), then for lieux the cost model's figures
                (records.COST_COLUMNS, REAL, NULL when the inputs are missing or the record
                is invalid)
    problems    id INTEGER PRIMARY KEY, title REFERENCES pages, code, name, severity
                ("error"/"warning"), blocking INTEGER (1: makes the page invalid), field,
                line, col, message
    categories  title REFERENCES pages, category: the categories the page's text puts it in

Indexes: problems(title), problems(code), categories(category), pages(source, valid),
<source>(valid). Everything is inserted in one transaction into a temporary file renamed over
FILE at the end: an existing FILE is replaced by the new export, never left half written.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from movibot.export.base import temp_beside
from movibot.export.records import ExportRecord, Layout, Value, problem_rows

PAGES = """CREATE TABLE pages (
    title TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    valid INTEGER NOT NULL,
    revid INTEGER,
    timestamp TEXT
)"""
PROBLEMS = """CREATE TABLE problems (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL REFERENCES pages(title),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    severity TEXT NOT NULL,
    blocking INTEGER NOT NULL,
    field TEXT,
    line INTEGER,
    col INTEGER,
    message TEXT NOT NULL
)"""
CATEGORIES = """CREATE TABLE categories (
    title TEXT NOT NULL REFERENCES pages(title),
    category TEXT NOT NULL,
    PRIMARY KEY (title, category)
)"""
INDEXES = (
    "CREATE INDEX problems_title ON problems(title)",
    "CREATE INDEX problems_code ON problems(code)",
    "CREATE INDEX categories_category ON categories(category)",
    "CREATE INDEX pages_source_valid ON pages(source, valid)",
)
_PROBLEM_KEYS = ("title", "code", "name", "severity", "blocking", "field", "line", "col",
                 "message")


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def create_table(lay: Layout) -> str:
    """The CREATE TABLE of a source."""
    cols = []
    for c in lay.columns:
        if c.name == "title":
            cols.append('    "title" TEXT PRIMARY KEY REFERENCES pages(title)')
        elif c.name == "valid":
            cols.append('    "valid" INTEGER NOT NULL')
        else:
            cols.append(f"    {quote(c.name)} {c.sql}")
    return f"CREATE TABLE {quote(lay.name)} (\n" + ",\n".join(cols) + "\n)"


def sql_value(value: Value) -> str | int | float | None:
    """A typed value as stored: lists as JSON arrays, bools as 1/0."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


class SqliteWriter:
    """Writes the export into a temporary SQLite file, renamed to `path` on commit."""

    def __init__(self, path: Path, layouts: Sequence[Layout]) -> None:
        self.path = path
        self.layouts = {lay.name: lay for lay in layouts}
        self.tmp = temp_beside(path)
        self.db = sqlite3.connect(self.tmp, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("BEGIN")
        for statement in (PAGES, PROBLEMS, CATEGORIES):
            self.db.execute(statement)
        self.inserts: dict[str, str] = {}
        for lay in layouts:
            self.db.execute(create_table(lay))
            names = ", ".join(quote(c.name) for c in lay.columns)
            marks = ", ".join("?" for _ in lay.columns)
            self.inserts[lay.name] = f"INSERT INTO {quote(lay.name)} ({names}) VALUES ({marks})"
        self.problems_insert = (f"INSERT INTO problems ({', '.join(_PROBLEM_KEYS)}) "
                                f"VALUES ({', '.join('?' for _ in _PROBLEM_KEYS)})")

    def write(self, rec: ExportRecord) -> None:
        lay = self.layouts[rec.source]
        self.db.execute("INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                        (rec.title, rec.source, rec.kind, int(rec.valid), rec.revid,
                         rec.timestamp))
        row = rec.row(lay)
        self.db.execute(self.inserts[lay.name], [sql_value(row[c.name]) for c in lay.columns])
        self.db.executemany(self.problems_insert,
                            ([sql_value(p[k]) for k in _PROBLEM_KEYS] for p in problem_rows(rec)))
        self.db.executemany("INSERT OR IGNORE INTO categories VALUES (?, ?)",
                            ((rec.title, c) for c in rec.categories))

    def commit(self) -> list[Path]:
        for statement in INDEXES:
            self.db.execute(statement)
        for lay in self.layouts.values():
            self.db.execute(f"CREATE INDEX {quote(lay.name + '_valid')} "
                            f"ON {quote(lay.name)}(valid)")
        self.db.execute("COMMIT")
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.close()
        os.replace(self.tmp, self.path)
        return [self.path]

    def abort(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.tmp.unlink(missing_ok=True)
