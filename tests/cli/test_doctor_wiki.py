"""`movibot doctor` on the real MediaWiki (with TemplateData): a good configuration passes every
check; a wrong password, a missing category, a drifted TemplateData, a set stop page and a
blocked account each fail on their own line (exit 1); doctor makes no edit. And a dry run logs
in: a wrong password is exit 7 in run, push and pull, and an account without the edit right has
its pages planned `protected`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import wikiserver
from commandline import Cli
from required import require
from test_faults_wiki import block_bot
from test_run_wiki import PAGES, configure

from movibot.records.schema import load_schemas
from movibot.render.templates import render_template_page, templates_for

SCHEMAS = load_schemas()
REPORT_PAGE = "Utilisateur:Movibot/Rapport"
WRONG = "mauvaismotdepasse0123456789abcdef"
EVERY_CHECK = ["config", "credentials", "site", "login", "rights", "block",
               "category Tiers-Lieux", "category Fiches méthodologiques",
               "template Modèle:Tiers-Lieu", "template Modèle:Fiche", "stop page",
               "report page", "state file", "lock"]


@pytest.fixture(scope="module")
def doctor_wiki(wiki_template: wikiserver.Template) -> Iterator[wikiserver.Wiki]:
    """A wiki with TemplateData, the test site's pages and the generated template pages.
    Each test that changes it puts it back as it was."""
    require(wikiserver.missing_extension("TemplateData"))
    server = wikiserver.Wiki.fresh(wiki_template, extensions=("TemplateData",))
    try:
        redirects = {f"Modèle:{alias}": f"#REDIRECTION [[Modèle:{s.template}]]"
                     for s in SCHEMAS for alias in s.template_aliases}  # what aliases mean
        server.seed({**PAGES, **templates_for(SCHEMAS), **redirects})
        yield server
    finally:
        server.destroy()


@pytest.fixture
def config(doctor_wiki: wikiserver.Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Path:
    return configure(doctor_wiki, tmp_path, monkeypatch, report_page=REPORT_PAGE)


def checks(output: str) -> dict[str, str]:
    """{check name: its line} of doctor's text output."""
    lines = [line for line in output.splitlines() if line.startswith(("ok ", "FAIL "))]
    return {line.split(None, 1)[1].split(": ", 1)[0]: line for line in lines}


def bot_edits(wiki: wikiserver.Wiki) -> list[object]:
    answer = wiki.api(action="query", list="recentchanges", rcuser="Movibot", rclimit="max")
    return list(answer["query"]["recentchanges"])


def test_a_good_configuration_passes_every_check_without_an_edit(
        cli: Cli, doctor_wiki: wikiserver.Wiki, config: Path) -> None:
    code, output = cli.code_output("doctor", "--config", str(config))
    found = checks(output)
    assert (code, list(found)) == (0, EVERY_CHECK), output
    assert found["login"] == "ok    login: logged in as Movibot (BotPassword)"
    assert found["site"].startswith("ok    site: MediaWiki 1.39.")
    assert found["site"].endswith(f", content language fr at {doctor_wiki.api_url}")
    assert found["rights"] == "ok    rights: Movibot has edit, createpage, bot, apihighlimits"
    assert found["stop page"] == "ok    stop page: Utilisateur:Movibot/Stop does not halt runs"
    assert "14 checks: 0 failures" in output
    assert bot_edits(doctor_wiki) == []
    assert not list(config.parent.glob("*.lock"))  # the lock was let go


def test_doctor_json_lists_every_check(cli: Cli, config: Path) -> None:
    result = cli("doctor", "--config", str(config), "--format", "json")
    data = json.loads(result.stdout)
    assert (result.exit_code, data["ok"]) == (0, True)
    assert [c["name"] for c in data["checks"]] == EVERY_CHECK
    assert all(set(c) == {"name", "ok", "message"} and c["ok"] for c in data["checks"])


def _drift(wiki: wikiserver.Wiki) -> Callable[[], None]:
    schema = SCHEMAS[0]
    text = render_template_page(schema)
    wiki.edit_as_human("Modèle:Tiers-Lieu", text.replace('\t\t"ville": {', '\t\t"commune": {')
                       .replace('\t\t"ville",\n', '\t\t"commune",\n'))
    return lambda: wiki.seed({"Modèle:Tiers-Lieu": text})


def _stop(wiki: wikiserver.Wiki) -> Callable[[], None]:
    wiki.edit_as_human("Utilisateur:Movibot/Stop", "stop: maintenance")
    return lambda: wiki.edit_as_human("Utilisateur:Movibot/Stop", "run")


def _block(wiki: wikiserver.Wiki) -> Callable[[], None]:
    block_bot(wiki)
    return lambda: block_bot(wiki, unblock=True)


# fault: (break the wiki, returning how to mend it | None, config changes, env, failing line)
FAULTS = {
    "wrong password": (None, {}, {"MOVIBOT_PASSWORD": WRONG},
                       "FAIL  login: login failed for Movibot@movibot on {api}: wrong username "
                       "or password"),
    "missing category": (None, {"sources": "{lieux: {category: Lieux disparus}}"}, {},
                         "FAIL  category Lieux disparus: no page in it on {api}: check "
                         "sources.lieux.category in movibot.yaml"),
    "drifted templatedata": (_drift, {}, {},
                             'FAIL  template Modèle:Tiers-Lieu: parameter "ville": called '
                             '"commune" in the TemplateData (an alias in the schema); see movibot'
                             ' schema check'),
    "stop page set": (_stop, {}, {},
                      "FAIL  stop page: Utilisateur:Movibot/Stop halts every run: empty it, or "
                      "write `run`, when runs may go on"),
    "blocked account": (_block, {}, {},
                        "FAIL  block: Movibot is blocked by Admin: Vandalisme (expiry infinite); "
                        "an administrator must lift the block before the next run"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_broken_thing_fails_on_its_own_line(
        cli: Cli, doctor_wiki: wikiserver.Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fault: str) -> None:
    breaks, changes, env, expected = FAULTS[fault]
    config = configure(doctor_wiki, tmp_path, monkeypatch, **changes)
    mend = breaks(doctor_wiki) if breaks else None
    try:
        code, output = cli.code_output("doctor", "--config", str(config), env=env)
    finally:
        if mend:
            mend()
    failing = [line for line in checks(output).values() if line.startswith("FAIL")]
    assert (code, failing) == (1, [expected.format(api=doctor_wiki.api_url)]), output
    assert bot_edits(doctor_wiki) == []


def test_a_password_file_others_can_read_fails_the_credentials_check(
        cli: Cli, doctor_wiki: wikiserver.Wiki, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "password"
    secret.write_text(doctor_wiki.bot_password, encoding="utf-8")
    secret.chmod(0o644)
    config = configure(doctor_wiki, tmp_path, monkeypatch, password_file=str(secret))
    monkeypatch.delenv("MOVIBOT_PASSWORD")
    code, output = cli.code_output("doctor", "--config", str(config))
    found = checks(output)
    assert code == 1
    assert found["credentials"] == (f"FAIL  credentials: password_file {secret}: readable by "
                                    f"group or others (mode 0644); run: chmod 600 {secret}")
    assert found["login"].startswith("FAIL  login: no credentials")


# -- a dry run logs in -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run --dry-run", "push --dry-run", "pull"])
def test_a_wrong_password_is_exit_7_in_every_command_that_logs_in(
        cli: Cli, doctor_wiki: wikiserver.Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        command: str) -> None:
    config = configure(doctor_wiki, tmp_path, monkeypatch)
    local = tmp_path / "fiches"
    local.mkdir()
    args = command.split() + ["--config", str(config)]
    args += {"run": [], "push": [str(local)], "pull": ["--dest", str(local)]}[args[0]]
    code, output = cli.code_output(*args, env={"MOVIBOT_PASSWORD": WRONG})
    refused = (f"login failed for {doctor_wiki.bot_user} on {doctor_wiki.api_url}: wrong "
               "username or password")
    assert code == 7, output
    assert refused in output and len(output.strip().splitlines()) == 1, output
    assert not list(local.iterdir())


def test_a_dry_run_plans_the_pages_an_account_may_not_edit_as_protected(
        cli: Cli, doctor_wiki: wikiserver.Wiki, config: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    doctor_wiki.set_edit_right(False)
    try:
        ran = cli.run(None, config, "--dry-run")
    finally:
        doctor_wiki.set_edit_right(True)
    statuses = {p["title"]: p["status"] for p in ran.report["pages"]}
    lieux = [t for t in PAGES if t != "Monter une conciergerie"]
    assert all(statuses[t] == "protected" for t in lieux), statuses
    messages = {p["title"]: p["message"] for p in ran.report["pages"]}
    assert messages[lieux[0]] == "this account lacks the edit right"
    warned = [r.getMessage() for r in caplog.records if "lacks the right" in r.getMessage()]
    assert warned == [f"the account Movibot lacks the right(s) edit on "
                      f"{doctor_wiki.api_url}: the pages it may not write are `protected`"]
    assert ran.code == 1


def test_on_a_wiki_without_templatedata_only_the_template_pages_are_checked(
        cli: Cli, wiki: wikiserver.Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wiki.seed({**PAGES, "Modèle:Tiers-Lieu": render_template_page(SCHEMAS[0])})
    config = configure(wiki, tmp_path, monkeypatch)
    code, output = cli.code_output("doctor", "--config", str(config))
    found = checks(output)
    assert code == 1, output
    assert found["template Modèle:Tiers-Lieu"] == (
        "ok    template Modèle:Tiers-Lieu: exists (TemplateData not compared: the wiki has no "
        "TemplateData extension)")
    assert found["template Modèle:Fiche"] == (
        "FAIL  template Modèle:Fiche: no such page: write it with movibot templates")
    assert [line for line in found.values() if line.startswith("FAIL")] == [
        found["template Modèle:Fiche"]]
