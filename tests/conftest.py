"""Shared fixtures: a real MediaWiki (php + Debian's mediawiki package) for the wiki tests.

Fixtures (stable API, also used by benchmarks/):

    wiki_template   session-scoped: MediaWiki 1.39 installed once (sqlite, French) as a
                    tests.wikiserver.Template; skips, with one line saying what to apt-get
                    install, when php or /usr/share/mediawiki is missing.
    wiki            function-scoped: a fresh running wiki (tests.wikiserver.Wiki), a copy of
                    the template served by `php -S` on a free port; stopped and deleted after.

    wiki.api_url, wiki.base_url   http://127.0.0.1:PORT/api.php, http://127.0.0.1:PORT
    wiki.bot_user, .bot_password  "Movibot@movibot", a BotPassword (grants basic, highvolume,
                                  editpage, createeditmovepage; Movibot is in the bot group)
    wiki.admin_user, .admin_password   "Admin" (sysop, bureaucrat)
    wiki.human_user, .human_password   "Humain" (a plain user)
    wiki.access_log_path          php -S logs every request there; wiki.requests_served()
                                  counts them
    wiki.seed(pages)              create pages {title: text} as Admin (importDump, fast; the
                                  revisions are dated now, no recent changes)
    wiki.edit_as_human(title, text, summary=...) -> int   an edit by Humain; the new revid
    wiki.text(title) -> str | None     current text, None when missing
    wiki.api(**params) -> dict    anonymous GET to api.php (json, formatversion=2)
    wiki.set_read_only(reason | None)  $wgReadOnly on (with that reason) / off
    wiki.expire_sessions()        drop every login server-side (a session timing out)
    wiki.stop(), wiki.start()     take the server down, bring it back on the same port
    wiki.delete(title)            delete a page as Admin
    wiki.run_maintenance(script, *args) -> str   php maintenance/<script>.php on this wiki

    site            a copy of tests/fixtures/site (a folder site: two lieux and a fiche)
    config          a movibot.yaml beside it: put_throttle 0, the state in tmp_path
    cli             the command line in-process (tests/commandline.py, click's CliRunner);
                    session-scoped, it holds nothing:
                    cli(*args, env=None) -> click Result;
                    cli.code_output(*args, env=None) -> (code, output);
                    cli.run(site, config, *args, env=None) -> Ran(code, output, report):
                    `movibot run --site SITE --config CONFIG ARGS --report R`, R beside the
                    config, read back as a dict ({} when the run wrote none); site None runs
                    on the config's site;
                    cli.run_result(...) -> (click Result, report), for stdout and stderr.
                    code_output, run and run_result raise what the command raised (an
                    exception other than a click exit), never turn it into an exit code.

Tests that use `wiki` are marked `wiki` automatically (`pytest -m "not wiki"` skips them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from movibot.locale import compile_catalogs, stale

# The tests read movibot's messages in English (the source language) unless a test asks for
# French; the catalogs are compiled when a .po is newer than its .mo (a checkout after a pull).
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.pop("LANGUAGE", None)
if stale():
    compile_catalogs()
import wikiserver  # tests/ is on sys.path: pytest puts a conftest's folder there
from commandline import Cli
from required import require


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses a real wiki with `wiki`."""
    for item in items:
        if {"wiki", "wiki_template"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.wiki)


@pytest.fixture(scope="session")
def wiki_template() -> Iterator[wikiserver.Template]:
    """MediaWiki installed once for the session; skipped when php/mediawiki are missing."""
    require(wikiserver.missing())
    root = wikiserver.scratch_dir()
    try:
        yield wikiserver.build_template(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/site to run on (a folder site)."""
    dest = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, dest)
    return dest


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A movibot.yaml for runs in tests: no throttle, the state in tmp_path."""
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 'state.json'}\n", encoding="utf-8")
    return cfg


@pytest.fixture
def wiki(wiki_template: wikiserver.Template) -> Iterator[wikiserver.Wiki]:
    """A fresh running wiki for one test, deleted afterwards."""
    server = wikiserver.Wiki.fresh(wiki_template)
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def cli() -> Cli:
    """The command line in-process: cli(*args), cli.run(site, config, *args)."""
    return Cli()
