"""Atomic writes (movibot/atomic.py): the old file or the new one, never half of one; no temp
file left behind; a write inside a write and a symlinked temp name still work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from movibot.atomic import replaced, temp_name, write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".movibot-"))


def test_a_file_is_replaced_whole_and_no_temp_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "page.wiki"
    target.write_text("ancien\n", encoding="utf-8")
    with replaced(target) as f:
        f.write("nouveau\r\n")
        assert target.read_text(encoding="utf-8") == "ancien\n"  # not yet: the old file
    assert target.read_bytes() == b"nouveau\r\n"  # newlines as written
    assert leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "page.wiki"
    target.write_text("ancien\n", encoding="utf-8")
    with pytest.raises(RuntimeError), replaced(target) as f:
        f.write("moitié")
        raise RuntimeError("disque plein")
    assert target.read_text(encoding="utf-8") == "ancien\n"
    assert leftovers(tmp_path) == []


def test_a_write_inside_a_write_uses_another_temp_file(tmp_path: Path) -> None:
    with replaced(tmp_path / "a.wiki") as a:
        a.write("A")
        with replaced(tmp_path / "b.wiki") as b:
            b.write("B")
        assert (tmp_path / "b.wiki").read_text(encoding="utf-8") == "B"
    assert (tmp_path / "a.wiki").read_text(encoding="utf-8") == "A"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "fifo", "file"])
def test_whatever_holds_the_temp_name_is_left_alone(tmp_path: Path, kind: str) -> None:
    # a file, a link or a FIFO already at the temp name is never written, truncated nor
    # waited on: the write takes another name
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("intact", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    squatter = Path(temp_name(out))
    {"symlink": lambda: squatter.symlink_to(elsewhere),
     "hardlink": lambda: os.link(elsewhere, squatter),
     "fifo": lambda: os.mkfifo(squatter),
     "file": lambda: squatter.write_text("autre", encoding="utf-8")}[kind]()
    write_atomic(out / "page.wiki", "texte")
    assert (out / "page.wiki").read_text(encoding="utf-8") == "texte"
    assert elsewhere.read_text(encoding="utf-8") == "intact"
    assert leftovers(out) == [squatter.name]  # untouched


def test_files_get_the_mode_of_a_new_file_on_either_path(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.wiki", "A")  # the per-process name
        with replaced(tmp_path / "b.wiki") as b:
            b.write("B")
            write_atomic(tmp_path / "c.wiki", "C")  # busy name: a random one
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == {"a.wiki": 0o644, "b.wiki": 0o644, "c.wiki": 0o644}


def test_two_processes_with_the_same_pid_never_share_a_temp_file(tmp_path: Path) -> None:
    import movibot.atomic as atomic

    mine = temp_name(tmp_path)
    saved = dict(atomic._TOKEN)
    atomic._TOKEN.clear()  # as another process would draw its own token
    try:
        assert temp_name(tmp_path) != mine
    finally:
        atomic._TOKEN.clear()
        atomic._TOKEN.update(saved)


def test_write_atomic_makes_the_folder(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a" / "b" / "state.json", "{}")
    assert (tmp_path / "a" / "b" / "state.json").read_text(encoding="utf-8") == "{}"
