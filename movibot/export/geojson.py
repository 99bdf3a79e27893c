"""The GeoJSON export (`--to FILE.geojson`): a FeatureCollection (RFC 7946) of the pages that
have a latitude and a longitude (the lieux: any source whose schema has `latitude` and
`longitude` number fields), written feature by feature.

Each feature is a Point `[longitude, latitude]` (WGS 84, as given on the page), with `id` the
page's title and flat properties: title, source, valid, problems (the codes, in page order),
every field of the source's schema (null when the page has none; lists as arrays), then for
lieux the cost model's figures (records.COST_COLUMNS, null when the inputs are missing or the
record is invalid). A page whose coordinates are missing, unreadable or out of range is not a
feature (it is in the other exports, with its problems); an invalid record with good
coordinates is one, with `valid: false`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from movibot.export.base import TextOutput
from movibot.export.records import ExportRecord, Layout

HEAD = '{"type": "FeatureCollection", "features": ['


def feature(rec: ExportRecord, lay: Layout) -> dict[str, Any] | None:
    """The feature of one page, None when it has no usable point."""
    point = rec.point() if lay.geo else None
    if point is None:
        return None
    properties: dict[str, Any] = {"title": rec.title, "source": rec.source, "valid": rec.valid,
                                  "problems": [p.code for p in rec.problems]}
    properties.update({c.name: rec.fields.get(c.name) for c in lay.field_columns})
    if lay.costs:
        properties.update(rec.cost_values())
    return {"type": "Feature", "id": rec.title,
            "geometry": {"type": "Point", "coordinates": list(point)},
            "properties": properties}


class GeojsonWriter:
    """Writes the collection's head, one feature per line as they come, then its tail."""

    def __init__(self, path: Path, layouts: Sequence[Layout]) -> None:
        self.layouts = {lay.name: lay for lay in layouts}
        self.out = TextOutput(path)
        self.out.file.write(HEAD)
        self.features = 0

    def write(self, rec: ExportRecord) -> None:
        one = feature(rec, self.layouts[rec.source])
        if one is None:
            return
        text = json.dumps(one, ensure_ascii=False, allow_nan=False)
        self.out.file.write(("," if self.features else "") + "\n" + text)
        self.features += 1

    def commit(self) -> list[Path]:
        self.out.file.write("\n]}\n" if self.features else "]}\n")
        return [self.out.commit()]

    def abort(self) -> None:
        self.out.abort()
