"""One run at a time: a lock file beside the state, naming its holder (pid, host, start time).

A second run exits at once with one line naming the holder (LockHeld, exit 4); a lock left by a
process that is dead (same host, no such pid) is taken over with a warning.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from movibot.errors import IOFailure, LockHeld
from movibot.i18n import Msg, text

log = logging.getLogger(__name__)


def lock_path(state_file: str | Path) -> Path:
    return Path(f"{state_file}.lock")


@contextlib.contextmanager
def holding_lock(state_file: str | Path) -> Iterator[Path]:
    """Hold the lock of `state_file` for the duration of the block. Raises LockHeld when a live
    process holds it, IOFailure when it cannot be written."""
    path = lock_path(state_file)
    mine = {"pid": os.getpid(), "host": socket.gethostname(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _take(path, mine)
    except OSError as e:
        raise IOFailure(Msg("cannot write the lock file {path}: {value}",
                            path=path, value=e.strerror or e)) from None
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            if _holder(path) == mine:
                path.unlink()


def _take(path: Path, mine: dict[str, Any]) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        holder = _holder(path)
        if holder is not None and not _dead(holder):
            raise LockHeld(Msg("another movibot run holds {path}: pid {pid} on {host}, started "
                               "{started}", path=path, pid=holder.get("pid"),
                               host=holder.get("host"), started=holder.get("started"))
                           ) from None
        what = (Msg("pid {pid} on {host}, started {started}", pid=holder.get("pid"),
                    host=holder.get("host"), started=holder.get("started"))
                if holder else Msg("unreadable"))
        log.warning("%s", text(Msg("taking over the lock {path} left by a process that is "
                                   "gone ({what})", path=path, what=what)))
        tmp = path.with_name(path.name + f".{os.getpid()}")
        tmp.write_text(json.dumps(mine), encoding="utf-8")
        os.replace(tmp, path)
        return
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(mine))


def _holder(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _dead(holder: dict[str, Any]) -> bool:
    """True when the holder ran on this host and its process no longer exists."""
    if holder.get("host") != socket.gethostname():
        return False  # another machine: cannot tell, so it holds
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
