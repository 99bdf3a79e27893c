"""The CSV export (`--to FILE.csv`): one file per source, the source's name inserted before the
suffix (`out.csv` -> `out-lieux.csv`, `out-fiches.csv`).

UTF-8 (no BOM), comma-separated, fields quoted when needed, CRLF line ends (RFC 4180), a
header row with the column names, one row per page. Columns, in order:

    title         the page's title
    valid         1, or 0 when the record has a blocking problem (the run leaves it `invalid`)
    problems      the codes of the page's problems, in page order, joined with " ; "
                  (`E103 ; W202`); their messages are in the JSONL and SQLite exports
    categories    the categories the page's text puts it in, joined with " ; "
    revid         the revision exported (for a folder's file: a number made from its text)
    timestamp     the revision's time, ISO 8601
    <field>…      one column per field of the source's schema, by its name (`nom`, `ville`,
                  `surface_totale`…): numbers with a dot as the decimal mark and no thousands
                  separator (`1700`, `800.5`), lists joined with " ; ", bools as 1/0, dates ISO
                  (`2014-04-12`); empty when the page has no readable value
    <cost>…       lieux only: the cost model's figures (records.COST_COLUMNS: monthly_cost,
                  residents_rate_eur_m2…), empty when the inputs are missing or the record is
                  invalid

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`,
so that a spreadsheet shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from movibot.export.base import TextOutput
from movibot.export.records import ExportRecord, Layout

LIST_SEPARATOR = " ; "
EXTRA = ("problems", "categories")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_path(path: Path, source: str) -> Path:
    """`out.csv` and `lieux` -> `out-lieux.csv` (characters unsafe in a file name become _)."""
    safe = re.sub(r"[^\w.-]", "_", source)
    return path.with_name(f"{path.stem}-{safe}{path.suffix}")


def header(lay: Layout) -> list[str]:
    """The column names of a source's file."""
    names = [c.name for c in lay.columns]
    return names[:2] + list(EXTRA) + names[2:]


def cell(value: Any) -> str:
    """One value as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return plain_number(value)
    if isinstance(value, (list, tuple)):
        return text_cell(LIST_SEPARATOR.join(str(v) for v in value))
    return text_cell(str(value))


def plain_number(value: int | float) -> str:
    """A number with a dot decimal mark, no exponent, no thousands separator."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def text_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


class CsvWriter:
    """One CSV file per source, written row by row."""

    def __init__(self, path: Path, layouts: Sequence[Layout]) -> None:
        self.layouts = {lay.name: lay for lay in layouts}
        self.headers = {lay.name: header(lay) for lay in layouts}
        self.outputs: dict[str, TextOutput] = {}
        self.writers: dict[str, Any] = {}
        try:
            for lay in layouts:
                out = TextOutput(csv_path(path, lay.name))
                self.outputs[lay.name] = out
                self.writers[lay.name] = csv.writer(out.file)
                self.writers[lay.name].writerow(self.headers[lay.name])
        except BaseException:
            self.abort()
            raise

    def write(self, rec: ExportRecord) -> None:
        lay = self.layouts[rec.source]
        row = rec.row(lay)
        row["problems"] = [p.code for p in rec.problems]
        row["categories"] = list(rec.categories)
        self.writers[rec.source].writerow([cell(row[name]) for name in self.headers[lay.name]])

    def commit(self) -> list[Path]:
        return [out.commit() for out in self.outputs.values()]

    def abort(self) -> None:
        for out in self.outputs.values():
            out.abort()
