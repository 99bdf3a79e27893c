"""Secrets never leave the bot: every command run against the real test wiki with a known
password, at every verbosity, and when the login fails or the wiki errors. The password, the
session cookies and the tokens (login, csrf) must appear in no output, no log record (captured at
DEBUG, tracebacks included), no report, no state file, no local file and no exception text.

The in-process runs learn the cookies and tokens by wrapping MediaWikiSite; the subprocess runs
(real stderr logging with -vv) find the session ids in the wiki's own session store.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import wikiserver
from click.testing import CliRunner
from reliability_wiki import SITE, configure, lieux_and_fiches

from movibot.cli import main
from movibot.sites.mediawiki import MediaWikiSite

WRONG = "mauvais-mot-de-passe-0123456789abcdef"


class Secrets:
    """The secrets of a session: the password, and the cookies and tokens the site received."""

    def __init__(self, password: str) -> None:
        self.values: set[str] = {password}

    def add(self, value: str | None) -> None:
        if value and len(value) >= 8:
            self.values.add(value)

    def forms(self) -> set[str]:
        """Each secret as it could leak: raw, URL-encoded, JSON- and repr-escaped, and a
        token's hex part without its `+\\` suffix."""
        out: set[str] = set()
        for v in self.values:
            out |= {v, quote(v, safe=""), quote_plus(v), v.replace("\\", "\\\\"),
                    v.removesuffix("+\\")}
        return {f for f in out if len(f) >= 8}

    def found_in(self, texts: dict[str, str]) -> list[str]:
        """Where a secret appears: ["report.json: <secret>", …]."""
        return [f"{where}: {secret}" for where, text in texts.items()
                for secret in self.forms() if secret in text]


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Secrets:
    """Records the cookies after each login and every token the site fetches."""
    found = Secrets(request.getfixturevalue("password"))
    login, token = MediaWikiSite.login, MediaWikiSite._token

    def recording_login(self: MediaWikiSite) -> None:
        try:
            login(self)
        finally:
            for cookie in self._session.cookies:
                found.add(cookie.value)

    def recording_token(self: MediaWikiSite, kind: str) -> str:
        value = token(self, kind)
        found.add(value)
        return value

    monkeypatch.setattr(MediaWikiSite, "login", recording_login)
    monkeypatch.setattr(MediaWikiSite, "_token", recording_token)
    monkeypatch.setattr(MediaWikiSite, "__init__", functools.partialmethod(
        MediaWikiSite.__init__, sleep=lambda s: None, max_retries=1))
    return found


@pytest.fixture(scope="module")
def shared_wiki(wiki_template: wikiserver.Template) -> Iterator[wikiserver.Wiki]:
    wiki = wikiserver.Wiki.fresh(wiki_template)
    wiki.seed(lieux_and_fiches())
    try:
        yield wiki
    finally:
        wiki.destroy()


@pytest.fixture
def password(shared_wiki: wikiserver.Wiki) -> str:
    return shared_wiki.bot_password


def every_text(folder: Path, result: Any, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Everything a command left: its output, the log records, every file in `folder`
    (config, report, state, pulled pages), the exception and its traceback."""
    texts = {"output": result.output, "log": caplog.text,
             "log records": "\n".join(f"{r.getMessage()} {r.exc_text or ''}"
                                      for r in caplog.records)}
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "movibot.yaml":
            texts[str(path.relative_to(folder))] = path.read_text(encoding="utf-8",
                                                                 errors="replace")
    if result.exc_info:
        texts["exception"] = "".join(traceback.format_exception(*result.exc_info))
    return texts


def invoke(args: list[str], password: str, caplog: pytest.LogCaptureFixture) -> Any:
    with caplog.at_level(logging.DEBUG):
        return CliRunner().invoke(main, args, env={"MOVIBOT_PASSWORD": password})


def prepare(wiki: wikiserver.Wiki, folder: Path) -> tuple[Path, Path]:
    """A config for the wiki, and a local folder with one page changed (for push and diff)."""
    config = configure(wiki, folder)
    local = folder / "local"
    local.mkdir()
    page = (SITE / "Monter_une_conciergerie.wiki").read_text(encoding="utf-8")
    (local / "Monter_une_conciergerie.wiki").write_text(
        page.replace("== Public ==", f"== Public ==\nModifié dans {folder.name}."),
        encoding="utf-8")
    return config, local


def command_lines(config: Path, local: Path, report: Path) -> dict[str, list[str]]:
    c = ["--config", str(config)]
    page = str(local / "Monter_une_conciergerie.wiki")
    return {
        "run -vv": ["run", *c, "--report", str(report), "-vv"],
        "run -v": ["run", *c, "--report", str(report), "-v", "--full"],
        "run --dry-run -vv": ["run", *c, "--dry-run", "--full", "-vv", "--format", "json"],
        "pull -vv": ["pull", *c, "--dest", str(local.parent / "pulled"), "-vv"],
        "diff": ["diff", *c, page],
        "push -vv": ["pull", *c, "--title", "Monter une conciergerie", "--dest",
                     str(local.parent / "base")],  # then push, below
        "cost --title": ["cost", *c, "--title", "Le Lieu Test", "--format", "json"],
        "lint": ["lint", str(local)],
        "parse": ["parse", page, "--format", "json"],
    }


@pytest.mark.parametrize("command", ["run -vv", "run -v", "run --dry-run -vv", "pull -vv",
                                     "diff", "push -vv", "cost --title", "lint", "parse"])
def test_no_secret_in_anything_a_command_leaves(
    shared_wiki: wikiserver.Wiki, password: str, secrets: Secrets, tmp_path: Path,
    caplog: pytest.LogCaptureFixture, command: str,
) -> None:
    config, local = prepare(shared_wiki, tmp_path)
    args = command_lines(config, local, tmp_path / "report.json")[command]
    result = invoke(args, password, caplog)
    if command == "push -vv":  # pulled first so that the push has a base; now the upload
        assert result.exit_code == 0, result.output
        result = invoke(["push", "--config", str(config), "-vv", "--no-lint",
                         str(local / "Monter_une_conciergerie.wiki")], password, caplog)
        assert "pushed" in result.output or "merged" in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    writes = command in ("run -vv", "run -v", "push -vv")
    assert len(secrets.values) >= (4 if writes else 1)  # password, cookies, login/csrf tokens
    assert secrets.found_in(every_text(tmp_path, result, caplog)) == []
    if writes:
        assert "'lgpassword': '***'" in caplog.text or "action=edit" in caplog.text


def test_no_secret_when_the_login_is_refused(
    shared_wiki: wikiserver.Wiki, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = Secrets(WRONG)
    config, local = prepare(shared_wiki, tmp_path)
    report = tmp_path / "report.json"
    run = invoke(["run", "--config", str(config), "--report", str(report), "-vv"], WRONG, caplog)
    push = invoke(["push", "--config", str(config), "-vv", "--no-lint", str(local)], WRONG,
                  caplog)
    refused = f"login failed for {shared_wiki.bot_user} on {shared_wiki.api_url}"
    assert run.exit_code == 7 and refused in run.output  # the login's own exit code
    assert push.exit_code == 7 and refused in push.output
    texts = every_text(tmp_path, run, caplog)
    texts["push output"] = push.output
    assert found.found_in(texts) == []


@pytest.mark.parametrize("fault", ["read-only", "server down"])
def test_no_secret_when_the_wiki_errors(
    wiki: wikiserver.Wiki, secrets: Secrets, tmp_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch, fault: str,
) -> None:
    wiki.seed(lieux_and_fiches())
    secrets.values = {wiki.bot_password}
    real_save = MediaWikiSite.save
    calls: list[int] = []

    def failing_save(self: MediaWikiSite, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            wiki.set_read_only("Maintenance") if fault == "read-only" else wiki.stop()
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(MediaWikiSite, "save", failing_save)
    config = configure(wiki, tmp_path)
    report = tmp_path / "report.json"
    result = invoke(["run", "--config", str(config), "--report", str(report), "-vv"],
                    wiki.bot_password, caplog)
    assert result.exit_code == 1, result.output
    assert "error" in report.read_text(encoding="utf-8")
    assert len(secrets.values) >= 4
    assert secrets.found_in(every_text(tmp_path, result, caplog)) == []


# -- as a process: the real stderr of -vv -----------------------------------------------------


def session_ids(wiki: wikiserver.Wiki) -> set[str]:
    """The ids of every session the wiki holds (the values of its session cookies)."""
    with sqlite3.connect(wiki.dir / "data" / "wikicache.sqlite") as db:
        keys = [k for (k,) in db.execute("SELECT keyname FROM objectcache")]
    return {k.rsplit(":", 1)[1] for k in keys if ":MWSession:" in k}


def test_no_secret_on_the_stderr_of_a_verbose_process(
    wiki: wikiserver.Wiki, tmp_path: Path,
) -> None:
    wiki.seed(lieux_and_fiches())
    config, local = prepare(wiki, tmp_path)
    env = {"MOVIBOT_PASSWORD": wiki.bot_password, "PATH": "/usr/bin:/bin"}
    outputs = []
    for args in (["run", "-vv", "--report", str(tmp_path / "report.json")],
                 ["pull", "-vv", "--title", "Monter une conciergerie", "--dest",
                  str(tmp_path / "base")],
                 ["push", "-vv", "--no-lint", str(local)]):
        done = subprocess.run([sys.executable, "-m", "movibot.cli", args[0], "--config",
                               str(config), *args[1:]], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout + done.stderr)
    found = Secrets(wiki.bot_password)
    for sid in session_ids(wiki):
        found.add(sid)
    assert len(found.values) >= 2
    assert "DEBUG movibot.sites.mediawiki: POST action=login" in outputs[0]
    texts = {f"process {i}": out for i, out in enumerate(outputs)}
    texts.update({str(p): p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json")})
    assert found.found_in(texts) == []
