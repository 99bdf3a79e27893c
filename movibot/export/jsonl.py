"""The JSON Lines export (`--to FILE.jsonl`): one JSON object per page, one page per line
(UTF-8, `\\n` line ends), in the site's order. Keys:

    title, source ("lieux"…), kind ("lieu"/"fiche"), valid (false: a blocking problem, the
    run's `invalid`), revid, timestamp (the revision exported and its ISO 8601 time),
    categories [names],
    fields      {name: value} of the fields the page has a readable value for (numbers as JSON
                numbers, lists as arrays, bools as true/false, dates as ISO strings)
    costs       CostResult.to_json_dict() (see movibot.costs.model), null for fiches, a lieu
                without surface or costs, or an invalid record
    problems    [{code, name, severity, message, path, line, col, field}], as in the run's
                JSON report
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from movibot.export.base import TextOutput
from movibot.export.records import ExportRecord


def page_object(rec: ExportRecord) -> dict[str, Any]:
    """The JSON object of one page."""
    return {
        "title": rec.title,
        "source": rec.source,
        "kind": rec.kind,
        "valid": rec.valid,
        "revid": rec.revid,
        "timestamp": rec.timestamp,
        "categories": list(rec.categories),
        "fields": {k: v for k, v in rec.fields.items() if v is not None},
        "costs": dict(rec.costs) if rec.costs is not None else None,
        "problems": [p.to_dict() for p in rec.problems],
    }


class JsonlWriter:
    """Writes one line per page."""

    def __init__(self, path: Path) -> None:
        self.out = TextOutput(path)

    def write(self, rec: ExportRecord) -> None:
        self.out.file.write(json.dumps(page_object(rec), ensure_ascii=False,
                                       allow_nan=False) + "\n")

    def commit(self) -> list[Path]:
        return [self.out.commit()]

    def abort(self) -> None:
        self.out.abort()
