"""README claims that still had no test (tests/README.md, "Claims without a test", items 1 to 3):
the state is written atomically, every edit carries `starttimestamp` and its base revision, and a
run leaves a page `invalid` (E604) for a `{{subst:…}}` alone or a pipe trick alone."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from commandline import Cli
from test_run_wiki import PAGES, configure

import movibot.atomic
from movibot.errors import IOFailure
from movibot.rows import MemberRow
from movibot.state import PageEntry, load_state

# -- item 1: the state file is written atomically ---------------------------------------------


def _old_state(path: Path) -> bytes:
    state = load_state(path, "site")
    state.last_run = "2026-01-01T00:00:00Z"
    state.page("Le Lieu Test").record(7, "2026-01-01T00:00:00Z")
    state.save()
    return path.read_bytes()


def _fail_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")
    monkeypatch.setattr(os, "fsync", fsync)


def _fail_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(src: Any, dst: Any, **kw: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")
    monkeypatch.setattr(os, "replace", replace)


def _fail_halfway_through_the_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up once half of the text is written (and flushed)."""
    real_fdopen = os.fdopen

    def fdopen(*args: Any, **kw: Any) -> Any:
        f = real_fdopen(*args, **kw)
        real_write = f.write

        def write(text: str) -> int:
            real_write(text[: len(text) // 2])
            f.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        f.write = write
        return f
    monkeypatch.setattr(movibot.atomic.os, "fdopen", fdopen)


@pytest.mark.parametrize("fail", [_fail_halfway_through_the_write, _fail_fsync, _fail_replace],
                         ids=["write", "fsync", "replace"])
def test_a_state_save_that_fails_midway_leaves_the_previous_file_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fail: Callable[[pytest.MonkeyPatch], None]) -> None:
    path = tmp_path / "state.json"
    before = _old_state(path)
    state = load_state(path, "site")
    state.last_run = "2026-02-02T00:00:00Z"
    state.pages = {f"Lieu {i}": PageEntry(True, i, row=MemberRow("x" * 200)) for i in range(200)}
    with monkeypatch.context() as m:
        fail(m)
        with pytest.raises(IOFailure, match=f"^cannot write the state file {path}: "):
            state.save()
    assert path.read_bytes() == before
    again = load_state(path, "site")
    assert (again.last_run, again.pages) == (
        "2026-01-01T00:00:00Z",
        {"Le Lieu Test": PageEntry(True, 7, "2026-01-01T00:00:00Z")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temp file left


def test_a_normal_state_save_replaces_the_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    before = _old_state(path)
    state = load_state(path, "site")
    state.last_run = "2026-02-02T00:00:00Z"
    state.page("Le Lieu Test").record(8, None)
    with path.open("rb") as reader:  # a reader that opened the file before the save
        state.save()
        assert reader.read() == before  # sees the old file whole, not a rewritten one
    again = load_state(path, "site")
    assert (again.last_run, again.pages["Le Lieu Test"].revid) == ("2026-02-02T00:00:00Z", 8)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


# -- item 2: starttimestamp and the base revision on every edit -------------------------------


def record_api_posts(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, list[str]]]:
    """The parameters (query string and form body) of every POST sent to api.php from now on,
    as tests/cli/test_claims_commands.py's maxlag test records every request."""
    posts: list[dict[str, list[str]]] = []
    real_send = requests.Session.send

    def send(self, request, **kw):  # type: ignore[no-untyped-def]
        if request.method == "POST" and urlsplit(request.url).path.endswith("/api.php"):
            body = request.body or ""
            body = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            params = parse_qs(urlsplit(request.url).query)
            if "x-www-form-urlencoded" in request.headers.get("Content-Type", ""):
                for key, values in parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            posts.append(params)
        return real_send(self, request, **kw)

    monkeypatch.setattr(requests.Session, "send", send)
    return posts


def test_every_edit_carries_starttimestamp_and_the_base_revision_read(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed(PAGES)
    wiki.edit_as_human("Le Lieu Test", PAGES["Le Lieu Test"] + "\nUne phrase de plus.\n")
    read = {p["title"]: p["lastrevid"] for p in wiki.api(
        action="query", titles="|".join(PAGES), prop="info")["query"]["pages"]}
    config = configure(wiki, tmp_path, monkeypatch)
    posts = record_api_posts(monkeypatch)
    started = datetime.now(timezone.utc) - timedelta(seconds=5)
    code, output, report = cli.run(None, config)
    assert code == 0 and report["counts"]["edited"] == 3 and report["counts"]["created"] >= 6, \
        output
    edits = [p for p in posts if p.get("action") == ["edit"]]
    assert len(edits) == report["edits"]
    for edit in edits:
        [start] = edit["starttimestamp"]
        assert started <= datetime.fromisoformat(start.replace("Z", "+00:00")) \
            <= datetime.now(timezone.utc) + timedelta(seconds=5), edit["title"]
        [title] = edit["title"]
        if title in read:  # an existing page: based on the revision read (MediaWiki 1.39)
            assert edit["baserevid"] == [str(read[title])], title
            assert ("nocreate" in edit, "createonly" in edit) == (True, False), title
            assert "basetimestamp" not in edit, title  # baserevid alone on MediaWiki >= 1.35
        else:  # a category page created: no revision to base it on, and created only
            assert ("baserevid" in edit, "createonly" in edit) == (False, True), title
    assert {e["title"][0] for e in edits} >= set(PAGES)


# -- item 3: E604 in a run for `{{subst:…}}` alone and for a pipe trick alone -----------------


@pytest.mark.parametrize("snippet", ["{{subst:Bienvenue}}", "[[Le Mixeur (Lyon)|]]"],
                         ids=["subst", "pipe-trick"])
def test_a_run_leaves_a_page_mediawiki_would_rewrite_on_save_invalid(
        cli: Cli, site: Path, config: Path, snippet: str) -> None:
    text = ("{{Tiers-Lieu\n| nom = Le Piège\n| ville = Lyon\n| type = fablab\n}}\n"
            f"Un atelier, voir {snippet}.\n\n== Communauté ==\n== Territoire ==\n"
            "== Processus ==\n\n[[Catégorie:Tiers-Lieux]]\n")
    (site / "Le_Piège.wiki").write_bytes(text.encode("utf-8"))
    exit_code, _, report = cli.run(site, config)
    pages = {p["title"]: p for p in report["pages"]}
    trapped = pages["Le Piège"]
    assert (exit_code, trapped["status"]) == (1, "invalid")
    assert [p["code"] for p in trapped["problems"]] == ["E604"]
    assert pages["La Petite Fabrique"]["status"] == "edited"  # the run did edit the others
    assert (site / "Le_Piège.wiki").read_bytes() == text.encode("utf-8")
