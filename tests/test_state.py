"""The state file: per site, atomic, refused when corrupt or newer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from movibot.errors import StateError
from movibot.state import load_state


def test_missing_state_is_empty(tmp_path: Path) -> None:
    state = load_state(tmp_path / "state.json", "site")
    assert state.last_run is None and state.pages == {}


def test_round_trip_keeps_other_sites(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    a = load_state(path, "a")
    a.last_run = "2026-01-01T00:00:00Z"
    a.page("X")["revid"] = 3
    a.save()
    b = load_state(path, "b")
    b.page("Y")["revid"] = 4
    b.save()
    again = load_state(path, "a")
    assert again.last_run == "2026-01-01T00:00:00Z"
    assert again.pages == {"X": {"revid": 3}}
    assert load_state(path, "b").pages == {"Y": {"revid": 4}}


def test_corrupt_state_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StateError) as e:
        load_state(path, "a")
    assert str(e.value).startswith(f"state file {path} is corrupt (")
    assert path.read_text(encoding="utf-8") == "{not json"


def test_newer_state_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 99, "sites": {}}), encoding="utf-8")
    with pytest.raises(StateError) as e:
        load_state(path, "a")
    assert str(e.value) == (f"state file {path} has version 99, newer than this movibot reads "
                            "(1); upgrade movibot")
