"""The state file: per site, atomic, refused when corrupt or newer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from movibot.errors import StateError
from movibot.rows import MemberRow
from movibot.state import Attention, PageEntry, later_than, load_state


def test_missing_state_is_empty(tmp_path: Path) -> None:
    state = load_state(tmp_path / "state.json", "site")
    assert state.last_run is None and state.pages == {}


def test_round_trip_keeps_other_sites(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    a = load_state(path, "a")
    a.last_run = "2026-01-01T00:00:00Z"
    a.page("X").record(3, None)
    a.save()
    b = load_state(path, "b")
    b.page("Y").record(4, None)
    b.save()
    again = load_state(path, "a")
    assert again.last_run == "2026-01-01T00:00:00Z"
    assert again.pages == {"X": PageEntry(True, 3)}
    assert load_state(path, "b").pages == {"Y": PageEntry(True, 4)}


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
                            "(2); upgrade movibot")


# -- version 1 (movibot 0.1.0) and entries of the wrong shape -------------------------------------

FIXTURES = Path(__file__).parent / "fixtures" / "state"
FOLDER_V1 = "/tmp/MOVIBOT_V1/fiches"  # the folder movibot 0.1.0 ran on (tests/fixtures/state)


def test_a_state_file_of_movibot_0_1_0_is_read(tmp_path: Path) -> None:
    state = load_state(FIXTURES / "folder-0.1.0.json", FOLDER_V1)
    assert state.last_run == "2026-12-07T14:25:38.897841Z" and state.dropped == {}
    assert len(state.pages) == 41 and sum(e.row is not None for e in state.pages.values()) == 33
    assert [t for t, e in state.pages.items() if not e.recorded] == ["Modèle:Fiche",
                                                                      "Modèle:Tiers-Lieu"]
    barcamp, causeries = state.pages["Barcamp"], state.pages["Causeries"]
    assert (barcamp.base_revid, barcamp.file, barcamp.merge_base) == (
        122689324383961, "/tmp/MOVIBOT_V1/local/Barcamp.wiki", None)
    assert barcamp.row is not None and barcamp.row.type_document == "Format d'animation"
    assert causeries.attention == Attention("invalid", "E108 page has no {{Fiche}} template")
    assert causeries.merge_revid == 2581186740431 and causeries.merge_base is not None
    copy = tmp_path / "state.json"
    state.path = copy
    state.save()
    assert json.loads(copy.read_text(encoding="utf-8"))["version"] == 2
    assert load_state(copy, FOLDER_V1).pages == state.pages


def test_a_base_pulled_by_an_older_0_1_takes_its_revision_from_revid(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    pages = {"Lieu": {"base": "texte", "revid": 12, "file": "fiches/Lieu.wiki"}}
    path.write_text(json.dumps({"version": 1, "sites": {"a": {"pages": pages},
                                                          "b": {"pages": pages}}}))
    assert load_state(path, "a").pages["Lieu"] == PageEntry(True, 12, base="texte",
                                                            base_revid=12, file="fiches/Lieu.wiki")
    load_state(path, "a").save()  # the other site's entries are upgraded too
    assert load_state(path, "b").pages["Lieu"].base_revid == 12


BAD_ENTRIES = [
    (3, "the entry is 3, not an object"),
    ({"revid": "12"}, '`revid` is "12", not a revision number or null'),
    ({"revid": True}, "`revid` is true, not a revision number or null"),
    ({"ns": None}, "`ns` is null, not a namespace number"),
    ({"row": {"title": 5}}, '`row` is {"title": 5}, not a members-table row'),
    ({"row": {"title": "Lieu", "categories": "Tiers-Lieux"}},
     '`row` is {"title": "Lieu", "categories": "Tiers-Lieux"}, not a members-table row'),
    ({"row": {"title": "Lieu", "nom": "Le Lieu", "ville": "Lyon", "surface": 300}},
     '`row` is {"title": "Lieu", "nom": "Le Lieu", "ville": "Lyon", "sur..., not a '
     'members-table row'),
    ({"row": {"title": "Lieu", "implied": {"type": [3]}}},
     '`row` is {"title": "Lieu", "implied": {"type": [3]}}, not a members-table row'),
    ({"attention": ["invalid"]}, '`attention` is ["invalid"], not a [status, reason] pair'),
    ({"base": 4}, "`base` is 4, not a text"),
    ({"merge_revid": 1.5}, "`merge_revid` is 1.5, not a revision number or null"),
]


@pytest.mark.parametrize(("raw", "why"), BAD_ENTRIES, ids=[w.split(" is")[0]
                                                           for _, w in BAD_ENTRIES])
def test_a_page_entry_of_the_wrong_shape_is_dropped_with_one_line(
        tmp_path: Path, raw: object, why: str, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "state.json"
    good = {"revid": 1, "ns": 0, "row": {"title": "Bon", "categories": ["Tiers-Lieux"]}}
    path.write_text(json.dumps({"version": 2, "sites": {"a": {"pages": {"Bon": good,
                                                                        "Lieu": raw}}}}))
    state = load_state(path, "a")
    assert state.dropped == {"Lieu": f"state file {path}, site a, page «Lieu»: {why}; the entry "
                                     "was dropped and the page is read again"}
    assert list(state.pages) == ["Bon"]
    assert state.pages["Bon"].row == MemberRow.from_json(good["row"])
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", state.dropped["Lieu"])]


@pytest.mark.parametrize("last_run", ["2026-02-30T00:00:00Z", "2026-01-31T02:00:00",
                                      "2026-01-31T02:00:00+01:00", "", "hier", "20260131020000"])
def test_a_last_run_that_is_not_an_iso_utc_time_is_refused(tmp_path: Path, last_run: str
                                                            ) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 2, "sites": {"a": {"last_run": last_run}}}))
    with pytest.raises(StateError) as e:
        load_state(path, "a")
    assert str(e.value) == (
        f"state file {path}, site a: `last_run` is {json.dumps(last_run)}, not an ISO 8601 UTC "
        "time (2026-01-31T02:00:00Z); correct it, or set it to null so that the next run reads "
        "every page")


@pytest.mark.parametrize("last_run", ["2026-01-31T02:00:00Z", "2026-01-31T02:00:00.5Z",
                                      "2026-01-31T02:00:00.123456Z"])
def test_a_last_run_in_iso_utc_is_read(tmp_path: Path, last_run: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 2, "sites": {"a": {"last_run": last_run}}}))
    assert load_state(path, "a").last_run == last_run


def test_times_are_compared_as_times() -> None:
    assert later_than("2026-01-31T02:00:00.5Z", "2026-01-31T02:00:00Z")
    assert not later_than("2026-01-31T02:00:00Z", "2026-01-31T02:00:00.000000Z")
    assert later_than("2026-01-31T02:00:01Z", "2026-01-31T02:00:00.999999Z")
    assert not later_than(None, "2026-01-31T02:00:00Z")
