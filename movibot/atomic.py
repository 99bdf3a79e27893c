"""Atomic file writes: a temp file in the same folder, then a rename, so that readers see the
old file or the new one, never half of one.

The temp file is `.movibot-PID-TOKEN.tmp`, one name per process (TOKEN: random, drawn once per
process, so that two processes with the same PID on a shared folder never share it), reused
file after file: a fresh random name per file (tempfile.mkstemp) makes the file system insert
and remove a new directory entry each time, which costs several times the write itself when
two processes write to one folder. The name is created exclusively (never a file, link, FIFO
or symlink already there); when it is busy (a write inside a write) or cannot be created, a
random name is used. Files get the mode a new file gets (0666 less the umask) either way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_BUSY: set[str] = set()
_LOCK = threading.Lock()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)
_TOKEN: dict[int, str] = {}  # pid -> this process's token (a forked child draws its own)
_UMASK = os.umask(0o022)
os.umask(_UMASK)


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


def temp_name(folder: Path) -> str:
    """This process's temp file name in `folder`."""
    pid = os.getpid()
    return os.path.join(folder, f".movibot-{pid}-{_TOKEN.setdefault(pid, secrets.token_hex(4))}"
                        ".tmp")


def _temp(folder: Path) -> tuple[int, str]:
    """An open temp file in `folder` (marked busy until `replaced` is done with it)."""
    tmp = temp_name(folder)
    with _LOCK:
        free = tmp not in _BUSY
        _BUSY.add(tmp)
    if free:
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except OSError:  # something is there already, or the name cannot be made
            with _LOCK:
                _BUSY.discard(tmp)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".movibot-", suffix=".tmp")
    os.fchmod(fd, 0o666 & ~_UMASK)  # the mode a new file gets, as on the first path
    with _LOCK:
        _BUSY.add(name)
    return fd, name


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8, newlines as given) to `path`, fsynced: readers see the old or the
    new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with replaced(path, fsync=True) as f:
        f.write(text)


# A folder `staged_folder` may replace: empty, or the output of an earlier run (it has this file).
OUTPUT_MARK = "report.json"


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A new folder beside `out` to fill; moved into place as `out` when the block completes
    (an earlier `out` is then removed), removed when it raises: `out` is never half written.
    Raises FileExistsError for an `out` that holds files but no OUTPUT_MARK (not an output
    of movibot: never replaced)."""
    import shutil

    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file")
    if out.exists() and any(out.iterdir()) and not (out / OUTPUT_MARK).exists():
        raise FileExistsError(f"{out} is not empty and holds no {OUTPUT_MARK}")
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    stage.chmod(0o777 & ~_UMASK)  # the mode a new folder gets (mkdtemp's is 0700)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(stage, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_file(out: Path, mark: bytes) -> Iterator[IO[bytes]]:
    """A new binary file beside `out` to fill; moved into place as `out` when the block
    completes, removed when it raises: `out` is never half written. Raises FileExistsError for
    an `out` that is not a file holding `mark` in its first 4 kB (not an output of movibot:
    never replaced)."""
    if out.exists() and (not out.is_file() or mark not in _head(out)):
        raise FileExistsError(f"{out} exists and is not an output of movibot")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.staging-", dir=out.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)  # the mode a new file gets
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(4096)
