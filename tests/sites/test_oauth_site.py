"""OAuth wired into the live site: no action=login, every request carries the Authorization
header, the account's name and rights come from meta=userinfo (responses: the test wiki has no
OAuth extension)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import responses

from movibot.app import open_configured_site
from movibot.config import load_config
from movibot.errors import LoginError

API = "https://wiki.test/w/api.php"
TOKEN = "s3cret-oauth2-token-0123456789"
USERINFO = {"batchcomplete": True, "query": {
    "userinfo": {"id": 7, "name": "Movibot", "rights": ["bot", "edit", "apihighlimits"],
                 "groups": ["bot", "user"]},
    "general": {"generator": "MediaWiki 1.39.17"}}}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    token = tmp_path / "oauth2-token"
    token.write_text(TOKEN + "\n", encoding="utf-8")
    os.chmod(token, 0o600)
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"site: {API}\noauth2_token_file: oauth2-token\n", encoding="utf-8")
    return cfg


def actions(rsps: responses.RequestsMock) -> list[str]:
    out = []
    for call in rsps.calls:
        query = parse_qs(call.request.url.split("?", 1)[1]) if "?" in call.request.url else {}
        body = parse_qs(call.request.body or "") if isinstance(call.request.body, str) else {}
        out.append((query.get("action") or body.get("action") or [""])[0])
    return out


def test_an_oauth2_token_logs_in_without_action_login(config: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOVIBOT_PASSWORD", raising=False)
    with responses.RequestsMock() as rsps:
        rsps.get(API, json=USERINFO)
        site = open_configured_site(None, load_config(str(config)), write=True)
        assert actions(rsps) == ["query"]  # meta=userinfo only: no login token, no login
        assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert site._user == "Movibot" and "bot" in site._rights  # type: ignore[attr-defined]


def test_an_anonymous_answer_is_a_one_line_login_error(config: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOVIBOT_PASSWORD", raising=False)
    anonymous = {"query": {"userinfo": {"id": 0, "name": "127.0.0.1", "anon": True}}}
    with responses.RequestsMock() as rsps:
        rsps.get(API, json=anonymous)
        with pytest.raises(LoginError) as raised:
            open_configured_site(None, load_config(str(config)), write=True)
    assert "\n" not in str(raised.value) and TOKEN not in str(raised.value)
    assert "is Extension:OAuth installed there?" in str(raised.value)


def test_a_token_file_readable_by_others_is_refused(config: Path, tmp_path: Path) -> None:
    from movibot.errors import ConfigError

    os.chmod(tmp_path / "oauth2-token", 0o644)
    with pytest.raises(ConfigError, match=r"chmod 600"):
        open_configured_site(None, load_config(str(config)), write=True)


def test_a_refused_token_never_shows_in_the_error(config: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOVIBOT_PASSWORD", raising=False)
    refused = {"error": {"code": "mwoauth-invalid-authorization",
                         "info": f"The authorization headers in your request are not valid: "
                                 f"token {TOKEN} unknown"}}
    with responses.RequestsMock() as rsps:
        rsps.get(API, body=json.dumps(refused), content_type="application/json")
        with pytest.raises(LoginError) as raised:
            open_configured_site(None, load_config(str(config)), write=True)
    assert TOKEN not in str(raised.value) and "OAuth login to" in str(raised.value)


def test_an_oauth1_consumer_signs_every_request_through_requests_oauthlib(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oauthlib.oauth1 import Client
    from oauthlib.oauth1.rfc5849 import signature

    monkeypatch.delenv("MOVIBOT_PASSWORD", raising=False)
    keys = {"MOVIBOT_OAUTH_CONSUMER_KEY": "c0nsumerkey00112233445566778899aa",
            "MOVIBOT_OAUTH_CONSUMER_SECRET": "c0nsumersecret99887766554433221100",
            "MOVIBOT_OAUTH_ACCESS_TOKEN": "acc3sstoken0a1b2c3d4e5f6a7b8c9d0e1",
            "MOVIBOT_OAUTH_ACCESS_SECRET": "acc3sssecret5f4e3d2c1b0a9f8e7d6c5b4"}
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"site: {API}\n", encoding="utf-8")
    with responses.RequestsMock() as rsps:
        rsps.get(API, json=USERINFO)
        site = open_configured_site(None, load_config(str(cfg)), write=True)
        sent = rsps.calls[0].request
    assert site._user == "Movibot"  # type: ignore[attr-defined]
    header = sent.headers["Authorization"]
    params = dict(signature.collect_parameters(uri_query=sent.url.split("?", 1)[1],
                                               headers={"Authorization": header}))
    assert params["oauth_consumer_key"] == keys["MOVIBOT_OAUTH_CONSUMER_KEY"]
    # the signature a server computes from the request and the four secrets
    again = Client(keys["MOVIBOT_OAUTH_CONSUMER_KEY"], keys["MOVIBOT_OAUTH_CONSUMER_SECRET"],
                   keys["MOVIBOT_OAUTH_ACCESS_TOKEN"], keys["MOVIBOT_OAUTH_ACCESS_SECRET"],
                   nonce=params["oauth_nonce"], timestamp=params["oauth_timestamp"])
    _, expected, _ = again.sign(sent.url, "GET")
    assert header == expected["Authorization"]
