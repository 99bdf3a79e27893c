"""Atomic writes (movibot/atomic.py): the old file or the new one, never half of one; no temp
file left behind; a write inside a write and a symlinked temp name still work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from movibot.atomic import replaced, write_atomic


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


def test_a_symlink_on_the_temp_name_is_never_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("intact", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / f".movibot-{os.getpid()}.tmp").symlink_to(elsewhere)
    write_atomic(out / "page.wiki", "texte")
    assert (out / "page.wiki").read_text(encoding="utf-8") == "texte"
    assert elsewhere.read_text(encoding="utf-8") == "intact"
    assert leftovers(out) == [f".movibot-{os.getpid()}.tmp"]  # the symlink, untouched


def test_write_atomic_makes_the_folder(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a" / "b" / "state.json", "{}")
    assert (tmp_path / "a" / "b" / "state.json").read_text(encoding="utf-8") == "{}"
