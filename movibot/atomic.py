"""Atomic file writes: a temp file in the same folder, then a rename, so that readers see the
old file or the new one, never half of one.

The temp file is `.movibot-PID.tmp`, one name per process, reused file after file: a fresh
random name per file (tempfile.mkstemp) makes the file system insert and remove a new
directory entry each time, which costs several times the write itself when two processes
write to one folder (the dump run's workers). When that name is busy (a write inside a
write) or taken by something else (a symlink), a random name is used.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_BUSY: set[str] = set()
_LOCK = threading.Lock()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)


@contextlib.contextmanager
def replaced(path: Path, *, fsync: bool = False) -> Iterator[IO[str]]:
    """A text file (UTF-8, newlines as written) that becomes `path` once closed without
    error; with `fsync`, its bytes reach the disk before the rename."""
    fd, tmp = _temp(path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        with _LOCK:
            _BUSY.discard(tmp)


def _temp(folder: Path) -> tuple[int, str]:
    """An open temp file in `folder` (marked busy until `replaced` is done with it)."""
    tmp = os.path.join(folder, f".movibot-{os.getpid()}.tmp")
    with _LOCK:
        free = tmp not in _BUSY
        _BUSY.add(tmp)
    if free:
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except OSError:
            with _LOCK:
                _BUSY.discard(tmp)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".movibot-", suffix=".tmp")
    with _LOCK:
        _BUSY.add(name)
    return fd, name


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8, newlines as given) to `path`, fsynced: readers see the old or the
    new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replaced(path, fsync=True) as f:
        f.write(text)
