"""What every export writer does: take records one by one, then commit (or abort).

Outputs are written to temporary files beside their targets and renamed over them on commit:
a reader sees the previous export or the new one, never half of one; an export that fails
leaves the previous files as they were.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Protocol

from movibot.export.records import ExportRecord


class Writer(Protocol):
    """An export in progress."""

    def write(self, rec: ExportRecord) -> None:
        """Add one page (called once per title, in the site's order)."""
        ...

    def commit(self) -> list[Path]:
        """Finish and put the files in place; the files written."""
        ...

    def abort(self) -> None:
        """Drop what was written; the targets stay as they were."""
        ...


def temp_beside(path: Path) -> Path:
    """A new empty temporary file in `path`'s folder (made when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(tmp)


class TextOutput:
    """A UTF-8 text file written through a temporary file, renamed into place on commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = temp_beside(path)
        self.file: IO[str] = open(self.tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115

    def commit(self) -> Path:
        self.file.close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        self.tmp.unlink(missing_ok=True)
