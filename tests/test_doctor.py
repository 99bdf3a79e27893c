"""`movibot doctor` on a folder site (the bundled fiches): the checks that need no wiki (the
state file, the lock, the stop page, a bad config) and their verdicts; the wiki's own checks are
in cli/test_doctor_wiki.py."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from commandline import Cli

from movibot.doctor import Check, rights_check
from movibot.sites.base import SiteInfo

FICHES = Path(__file__).resolve().parent.parent / "fiches"


@pytest.fixture
def folder_config(tmp_path: Path) -> Path:
    site = tmp_path / "fiches"
    site.mkdir()
    for page in ("Barcamp.wiki", "Fablab.wiki", "Modèle:Fiche.wiki", "Modèle:Tiers-Lieu.wiki",
                 "Le_Mixeur.wiki"):
        (site / page).write_text((FICHES / page).read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "movibot.yaml"
    config.write_text(f"site: {site}\nstate_file: {tmp_path / 'state' / 'state.json'}\n",
                      encoding="utf-8")
    return config


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("ok ", "FAIL "))]


def test_a_folder_site_passes_without_login_checks(cli: Cli, folder_config: Path) -> None:
    code, output = cli.code_output("doctor", "--config", str(folder_config))
    names = [line.split(None, 1)[1].split(": ", 1)[0] for line in lines(output)]
    assert (code, names) == (0, ["config", "site", "category Tiers-Lieux",
                                 "category Fiches méthodologiques", "template Modèle:Tiers-Lieu",
                                 "template Modèle:Fiche", "stop page", "state file", "lock"])
    state = folder_config.parent / "state" / "state.json"
    assert f"ok    state file: {state} is missing: the first run creates it" in lines(output)
    assert not state.parent.exists()  # doctor creates nothing


def test_a_stop_page_a_held_lock_and_a_newer_state_each_fail(cli: Cli,
                                                             folder_config: Path) -> None:
    folder = folder_config.parent
    (folder / "fiches" / "Utilisateur:Movibot%2FStop.wiki").write_text("stop", encoding="utf-8")
    (folder / "state").mkdir()
    state = folder / "state" / "state.json"
    state.write_text(json.dumps({"version": 99, "sites": {}}), encoding="utf-8")
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-01-01T00:00:00Z"}
    Path(f"{state}.lock").write_text(json.dumps(holder), encoding="utf-8")
    code, output = cli.code_output("doctor", "--config", str(folder_config))
    failing = [line for line in lines(output) if line.startswith("FAIL")]
    assert code == 1
    assert failing == [
        "FAIL  stop page: Utilisateur:Movibot/Stop halts every run: empty it, or write `run`, "
        "when runs may go on",
        f"FAIL  state file: state file {state} has version 99, newer than this movibot reads "
        "(2); upgrade movibot",
        f"FAIL  lock: another movibot run holds {state}.lock: pid {os.getpid()} on "
        f"{socket.gethostname()}, started 2026-01-01T00:00:00Z; a run now would exit 4",
    ]
    assert Path(f"{state}.lock").exists()  # the holder's lock is left alone


def test_a_bad_config_is_the_config_checks_failure(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "movibot.yaml"
    config.write_text("maxlags: 5\n", encoding="utf-8")
    code, output = cli.code_output("doctor", "--config", str(config))
    assert (code, lines(output)) == (1, [
        f"FAIL  config: {config}: unknown key 'maxlags' (did you mean 'maxlag'?)"])


def test_rights_a_run_needs_fail_and_advised_ones_are_named() -> None:
    lacking = SiteInfo("MediaWiki 1.39.0", "fr", "Movibot", frozenset({"edit", "bot"}))
    assert rights_check(lacking) == Check(
        "rights", False, "Movibot lacks createpage (createpage: the category pages the run "
        "creates); give them to its groups or its BotPassword's grants (editpage, "
        "createeditmovepage)")
    plain = SiteInfo("MediaWiki 1.39.0", "fr", "Camille", frozenset({"edit", "createpage"}))
    assert rights_check(plain) == Check(
        "rights", True, "Camille has edit, createpage; no bot: edits not flagged bot: they fill "
        "Recent Changes; no apihighlimits: 50 titles a request instead of 500 (highvolume)")


@pytest.mark.parametrize(("env", "method"), [
    ({"MOVIBOT_PASSWORD": "motdepasse0123456789abcdef01234567"}, "BotPassword"),
    ({"MOVIBOT_OAUTH2_TOKEN": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.doctor.c2ln"}, "OAuth 2.0"),
    ({"MOVIBOT_OAUTH_CONSUMER_KEY": "c0nsumerkey00112233445566778899aa",
      "MOVIBOT_OAUTH_CONSUMER_SECRET": "c0nsumersecret99887766554433221100",
      "MOVIBOT_OAUTH_ACCESS_TOKEN": "acc3sstoken0a1b2c3d4e5f6a7b8c9d0e1",
      "MOVIBOT_OAUTH_ACCESS_SECRET": "acc3sssecret5f4e3d2c1b0a9f8e7d6c5b4"}, "OAuth 1.0a"),
], ids=["botpassword", "oauth2", "oauth1"])
def test_doctor_names_the_way_the_account_logs_in(monkeypatch: pytest.MonkeyPatch,
                                                  env: dict[str, str], method: str) -> None:
    from movibot.app import configured_credentials
    from movibot.config import Config

    for name in ("MOVIBOT_PASSWORD", "MOVIBOT_OAUTH2_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    credentials = configured_credentials(Config(username="Movibot@movibot"),
                                         "https://movilab.example/w/api.php")
    assert (credentials.given, credentials.method) == (True, method)
