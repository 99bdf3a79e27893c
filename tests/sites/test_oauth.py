"""OAuth besides BotPasswords (movibot.sites.oauth): owner-only OAuth 2.0 tokens and OAuth 1.0a
consumers. The test wiki has no Extension:OAuth, so requests go to `responses`. OAuth 1.0a is
signed by requests-oauthlib (mwclient's OAuth 1.0a support); these tests check the wiring: the
requests movibot sends carry the signatures of published vectors (the OAuth Core 1.0 spec's
Appendix A.5, the example of RFC 5849 section 1.2 with oauth_version; Twitter's "Creating a
signature" guide: a query and a form body), only to the wiki's host, and every credential is
kept out of every output."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import pytest
import requests
import responses

from movibot import redact
from movibot.errors import ConfigError, LoginError
from movibot.sites.oauth import (
    USERINFO,
    OAuth1,
    OAuth2,
    identity,
    load_oauth,
    nonce_rejected,
)

API = "https://movilab.example/w/api.php"

# The photos example: RFC 5849 section 1.2 (no oauth_version) and OAuth Core 1.0 Appendix A.5
# (oauth_version=1.0, as movibot sends it).
PHOTOS = "http://photos.example.net/photos"
PHOTOS_CONSUMER = ("dpf43f3p2l4k3l03", "kd94hf93k423kf44")
PHOTOS_TOKEN = ("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00")
A5_HEADER = (
    'OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", '
    'oauth_signature_method="HMAC-SHA1", oauth_timestamp="1191242096", '
    'oauth_nonce="kllo9940pd9333jh", oauth_version="1.0", '
    'oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"'
)

# Twitter's "Creating a signature": a POST with a query parameter and a form body.
TWITTER = "https://api.twitter.com/1.1/statuses/update.json"
TWITTER_CREDENTIALS = (
    "xvz1evFS4wEEPTGEFPHBog",
    "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
)
TWITTER_STATUS = "Hello Ladies + Gentlemen, a signed OAuth request!"
TWITTER_HEADER = (
    'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", '
    'oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", '
    'oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", '
    'oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_version="1.0", '
    'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"'
)

# Made-up credentials for the configuration tests (long enough to be registered secrets).
TOKEN2 = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.oauth2-test-token.c2lnbmF0dXJl"
CONSUMER_KEY = "c0nsumerkey00112233445566778899aa"
CONSUMER_SECRET = "c0nsumersecret99887766554433221100"
ACCESS_TOKEN = "acc3sstoken0a1b2c3d4e5f6a7b8c9d0e1"
ACCESS_SECRET = "acc3sssecret5f4e3d2c1b0a9f8e7d6c5b4"


FORM = "application/x-www-form-urlencoded"


def photos_auth(host: str | None = None) -> OAuth1:
    return OAuth1(*PHOTOS_CONSUMER, *PHOTOS_TOKEN, host=host, timestamp="1191242096",
                  nonce="kllo9940pd9333jh")


def twitter_auth() -> OAuth1:
    return OAuth1(*TWITTER_CREDENTIALS, timestamp="1318622958",
                  nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg")


def oauth_params(header: str) -> dict[str, str]:
    """The parameters of an `Authorization: OAuth …` header (their order is the signer's)."""
    assert header.startswith("OAuth ")
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


def signed(auth: OAuth1, method: str, url: str, **kwargs: object) -> str:
    """The Authorization header `auth` puts on a request."""
    request = requests.Request(method, url, **kwargs).prepare()  # type: ignore[arg-type]
    return str(auth(request).headers["Authorization"])


def session_with(auth: requests.auth.AuthBase) -> requests.Session:
    session = requests.Session()
    session.auth = auth
    return session


def secret_file(folder: Path, name: str, text: str, mode: int = 0o600) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    os.chmod(path, mode)
    return path


def redacted(text: str) -> str:
    """The text as the shared log filter leaves it (what the logs would show)."""
    record = logging.LogRecord("movibot.test_oauth", logging.DEBUG, __file__, 1, "%s", (text,),
                               None)
    redact.FILTER.filter(record)
    return record.getMessage()


# -- OAuth 1.0a on real requests ---------------------------------------------------------------


@responses.activate
def test_oauth1_get_header_is_the_oauth_core_appendix_a5_one() -> None:
    responses.get(PHOTOS, body="photo")
    session_with(photos_auth()).get(PHOTOS, params={"file": "vacation.jpg", "size": "original"})
    sent = responses.calls[0].request
    assert sent.url == f"{PHOTOS}?file=vacation.jpg&size=original"
    assert oauth_params(sent.headers["Authorization"]) == oauth_params(A5_HEADER)


@responses.activate
def test_oauth1_post_signs_the_query_and_the_form_body() -> None:
    responses.post(TWITTER, json={})
    session_with(twitter_auth()).post(f"{TWITTER}?include_entities=true",
                                      data={"status": TWITTER_STATUS})
    sent = responses.calls[0].request
    assert sent.headers["Content-Type"] == FORM
    assert requests.utils.to_native_string(sent.body) == (
        "status=Hello+Ladies+%2B+Gentlemen%2C+a+signed+OAuth+request%21")
    assert oauth_params(sent.headers["Authorization"]) == oauth_params(TWITTER_HEADER)


@responses.activate
def test_oauth1_the_body_is_part_of_the_signature_but_a_multipart_one_is_not() -> None:
    responses.post(API, json={})
    session = session_with(photos_auth())
    session.post(API, data={"action": "edit", "text": "un"})
    session.post(API, data={"action": "edit", "text": "deux"})
    session.post(API, files={"file": ("a.txt", b"un")})
    session.post(API, files={"file": ("a.txt", b"deux")})
    headers = [oauth_params(call.request.headers["Authorization"]) for call in responses.calls]
    assert headers[0]["oauth_signature"] != headers[1]["oauth_signature"]
    assert headers[2] == headers[3] == oauth_params(signed(photos_auth(), "POST", API))


@responses.activate
def test_oauth1_each_request_has_a_fresh_nonce_and_timestamp() -> None:
    responses.get(API, json={})
    session = session_with(OAuth1(CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET))
    session.get(API, params={"action": "query"})
    session.get(API, params={"action": "query"})
    first, second = (oauth_params(call.request.headers["Authorization"])
                     for call in responses.calls)
    assert first["oauth_nonce"] != second["oauth_nonce"]
    assert abs(int(first["oauth_timestamp"]) - time.time()) < 60
    assert (first["oauth_consumer_key"], first["oauth_token"], first["oauth_version"],
            first["oauth_signature_method"]) == (CONSUMER_KEY, ACCESS_TOKEN, "1.0", "HMAC-SHA1")


# -- OAuth 2.0 ---------------------------------------------------------------------------------


@responses.activate
def test_oauth2_every_request_carries_the_bearer_token() -> None:
    responses.get(API, json={})
    responses.post(API, json={})
    session = session_with(OAuth2(TOKEN2))
    session.get(API, params={"action": "query", "meta": "userinfo"})
    session.post(API, data={"action": "edit", "title": "X"})
    assert [c.request.headers["Authorization"] for c in responses.calls] == \
        [f"Bearer {TOKEN2}"] * 2


@responses.activate
def test_credentials_bound_to_a_host_stay_off_other_hosts() -> None:
    responses.get(API, json={})
    responses.get("https://elsewhere.example/", body="")
    for auth in (OAuth2(TOKEN2, host="Movilab.Example"), photos_auth(host="movilab.example")):
        session = session_with(auth)
        session.get(API)
        session.get("https://elsewhere.example/")
    sent = [c.request.headers.get("Authorization") for c in responses.calls]
    assert sent[0] == f"Bearer {TOKEN2}" and str(sent[2]).startswith("OAuth ")
    assert sent[1] is None and sent[3] is None


# -- secrets -----------------------------------------------------------------------------------


def test_every_credential_is_registered_with_the_redact_filter() -> None:
    auth1 = OAuth1(CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET)
    auth2 = OAuth2(TOKEN2)
    for value in (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET, TOKEN2):
        assert redacted(f"sent {value} to the wiki") == "sent *** to the wiki"
    header = signed(auth1, "GET", API)
    assert ACCESS_TOKEN not in redacted(header) and CONSUMER_KEY not in redacted(header)
    assert redacted(f"Authorization: Bearer {TOKEN2}") == "Authorization: *** ***"
    assert all(s not in repr(auth1) + repr(auth2) for s in
               (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET, TOKEN2))


def test_secrets_read_from_files_and_the_environment_are_registered(tmp_path: Path) -> None:
    from_file = "file-read-oauth2-token-4f3a9c"
    load_oauth({"oauth2_token_file": str(secret_file(tmp_path, "t", from_file))}, env={})
    from_env = "env-read-consumer-secret-77b1e2"
    load_oauth({"oauth_consumer_key": CONSUMER_KEY, "oauth_access_token": ACCESS_TOKEN},
               env={"MOVIBOT_OAUTH_CONSUMER_SECRET": from_env,
                    "MOVIBOT_OAUTH_ACCESS_SECRET": ACCESS_SECRET})
    assert redacted(f"{from_file} {from_env}") == "*** ***"


@pytest.mark.parametrize("bad", ["s3cr3tAlpha s3cr3tBeta", "s3cr3tAlpha\ns3cr3tBeta",
                                 "s3cr3tÉté", "s3cr3tAlpha\x00s3cr3tBeta"])
def test_a_malformed_credential_is_refused_without_being_shown(bad: str, tmp_path: Path) -> None:
    for make in (lambda: OAuth2(bad),
                 lambda: OAuth1(CONSUMER_KEY, bad, ACCESS_TOKEN, ACCESS_SECRET),
                 lambda: load_oauth({}, env={"MOVIBOT_OAUTH2_TOKEN": bad}),
                 lambda: load_oauth({"oauth2_token_file": str(secret_file(tmp_path, "t", bad))},
                                    env={})):
        with pytest.raises(ConfigError) as e:
            make()
        message = str(e.value)
        assert "\n" not in message
        assert bad not in message and "s3cr3t" not in message
        assert "one line" in message


def test_an_error_the_wiki_echoes_is_blanked_in_the_exception() -> None:
    auth = OAuth1(CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET)
    answer = {"error": {"code": "mwoauth-invalid-authorization",
                        "info": f"The authorization headers in your request are not valid: "
                                f"Invalid access token: {ACCESS_TOKEN}"}}
    with pytest.raises(LoginError) as e:
        identity(answer, API, auth)
    assert ACCESS_TOKEN not in str(e.value)
    assert str(e.value).startswith(f"OAuth login to {API} failed: the wiki refused the OAuth "
                                   "credentials")


# -- configuration: files and environment -------------------------------------------------------


def test_nothing_configured_means_no_oauth() -> None:
    assert load_oauth({}, env={}) is None
    assert load_oauth({"username": "Movibot@movibot", "oauth2_token_file": None}, env={}) is None


def test_oauth2_token_from_a_private_file(tmp_path: Path) -> None:
    secret_file(tmp_path, "token", TOKEN2)
    auth = load_oauth({"oauth2_token_file": "token"}, env={}, base=tmp_path,
                      host="movilab.example")
    assert isinstance(auth, OAuth2)
    assert auth.secrets() == (TOKEN2,) and auth.host == "movilab.example"


def test_oauth1_from_private_files(tmp_path: Path) -> None:
    values = {
        "oauth_consumer_key": CONSUMER_KEY,
        "oauth_consumer_secret_file": str(secret_file(tmp_path, "cs", CONSUMER_SECRET)),
        "oauth_access_token": ACCESS_TOKEN,
        "oauth_access_secret_file": str(secret_file(tmp_path, "as", ACCESS_SECRET)),
    }
    auth = load_oauth(values, env={})
    assert isinstance(auth, OAuth1)
    assert auth.secrets() == (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET)


@pytest.mark.parametrize(("key", "mode"), [
    ("oauth2_token_file", 0o644), ("oauth2_token_file", 0o640),
    ("oauth_consumer_secret_file", 0o604), ("oauth_access_secret_file", 0o660),
])
def test_a_secret_file_others_can_read_is_refused(key: str, mode: int, tmp_path: Path) -> None:
    secret = "readable-secret-value-0123456789"
    path = secret_file(tmp_path, "secret", secret, mode)
    values = {key: str(path)}
    if key != "oauth2_token_file":
        values |= {"oauth_consumer_key": CONSUMER_KEY, "oauth_access_token": ACCESS_TOKEN,
                   "oauth_consumer_secret_file": str(path), "oauth_access_secret_file": str(path)}
    with pytest.raises(ConfigError) as e:
        load_oauth(values, env={})
    message = str(e.value)
    assert message == (f"{key if key == 'oauth2_token_file' else 'oauth_consumer_secret_file'} "
                       f"{path}: readable by group or others (mode {mode:04o}); "
                       f"run: chmod 600 {path}")
    assert secret not in message


def test_missing_empty_and_multiline_files_are_refused(tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    with pytest.raises(ConfigError) as e:
        load_oauth({"oauth2_token_file": str(missing)}, env={})
    assert str(e.value) == f"oauth2_token_file {missing}: No such file or directory"
    empty = secret_file(tmp_path, "empty", "")
    with pytest.raises(ConfigError) as e:
        load_oauth({"oauth2_token_file": str(empty)}, env={})
    assert str(e.value) == f"oauth2_token_file {empty}: empty"
    two = secret_file(tmp_path, "two", "first-line-secret\nsecond-line-secret")
    with pytest.raises(ConfigError) as e:
        load_oauth({"oauth2_token_file": str(two)}, env={})
    assert "line-secret" not in str(e.value)


def test_the_environment_comes_first_and_the_file_is_then_not_read(tmp_path: Path) -> None:
    unreadable = secret_file(tmp_path, "token", "not-this-one", 0o644)
    auth = load_oauth({"oauth2_token_file": str(unreadable)},
                      env={"MOVIBOT_OAUTH2_TOKEN": TOKEN2})
    assert isinstance(auth, OAuth2) and auth.secrets() == (TOKEN2,)


def test_oauth2_from_the_environment_alone() -> None:
    auth = load_oauth({}, env={"MOVIBOT_OAUTH2_TOKEN": TOKEN2})
    assert isinstance(auth, OAuth2) and auth.secrets() == (TOKEN2,)


def test_oauth1_from_the_environment_alone_or_beside_the_config() -> None:
    env = {"MOVIBOT_OAUTH_CONSUMER_KEY": CONSUMER_KEY,
           "MOVIBOT_OAUTH_CONSUMER_SECRET": CONSUMER_SECRET,
           "MOVIBOT_OAUTH_ACCESS_TOKEN": ACCESS_TOKEN,
           "MOVIBOT_OAUTH_ACCESS_SECRET": ACCESS_SECRET}
    alone = load_oauth({}, env=env)
    assert isinstance(alone, OAuth1)
    assert alone.secrets() == (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET)
    secrets_only = {k: v for k, v in env.items() if k.endswith("SECRET")}
    beside = load_oauth({"oauth_consumer_key": CONSUMER_KEY, "oauth_access_token": ACCESS_TOKEN},
                        env=secrets_only)
    assert isinstance(beside, OAuth1) and beside.secrets() == alone.secrets()


def test_an_incomplete_oauth1_configuration_names_what_is_missing() -> None:
    with pytest.raises(ConfigError) as e:
        load_oauth({"oauth_consumer_key": CONSUMER_KEY},
                   env={"MOVIBOT_OAUTH_ACCESS_SECRET": ACCESS_SECRET})
    assert str(e.value) == (
        "OAuth 1.0a needs a consumer key and secret and an access token and secret: missing "
        "oauth_consumer_secret_file (or MOVIBOT_OAUTH_CONSUMER_SECRET), oauth_access_token "
        "(or MOVIBOT_OAUTH_ACCESS_TOKEN)")
    assert CONSUMER_KEY not in str(e.value) and ACCESS_SECRET not in str(e.value)


def test_one_way_to_log_in(tmp_path: Path) -> None:
    token = str(secret_file(tmp_path, "token", TOKEN2))
    with pytest.raises(ConfigError, match="not both"):
        load_oauth({"oauth2_token_file": token, "oauth_consumer_key": CONSUMER_KEY}, env={})
    with pytest.raises(ConfigError, match="^password_file: choose a BotPassword or OAuth"):
        load_oauth({"oauth2_token_file": token, "password_file": "pw"}, env={})
    with pytest.raises(ConfigError, match="^MOVIBOT_PASSWORD is set but OAuth is configured"):
        load_oauth({"oauth2_token_file": token}, env={"MOVIBOT_PASSWORD": "bot-password-xyz"})


def test_a_key_of_the_wrong_type_is_refused_without_its_value() -> None:
    with pytest.raises(ConfigError) as e:
        load_oauth({"oauth_access_token": 12345678901234567890}, env={})
    assert str(e.value) == "key 'oauth_access_token' must be a string"


def test_relative_paths_resolve_against_the_base_and_home_is_expanded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secrets").mkdir()
    secret_file(tmp_path / "secrets", "token", TOKEN2)
    assert load_oauth({"oauth2_token_file": "secrets/token"}, env={}, base=tmp_path) is not None
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_oauth({"oauth2_token_file": "~/secrets/token"}, env={}, base=Path("/")) \
        is not None


# -- who the wiki says we are ------------------------------------------------------------------


@responses.activate
def test_userinfo_through_oauth_names_the_bot_and_no_login_is_sent() -> None:
    responses.get(API, json={"batchcomplete": True, "query": {"userinfo": {
        "id": 7, "name": "Movibot", "groups": ["*", "user", "bot"],
        "rights": ["read", "edit", "bot", "apihighlimits"]}}})
    auth = load_oauth({}, env={"MOVIBOT_OAUTH2_TOKEN": TOKEN2})
    assert auth is not None
    session = session_with(auth)
    params = {"action": "query", **USERINFO, "format": "json", "formatversion": "2"}
    answer = session.get(API, params=params).json()
    found = identity(answer, API, auth)
    assert found.name == "Movibot"
    assert {"bot", "apihighlimits"} <= found.rights and "bot" in found.groups
    (call,) = responses.calls
    assert call.request.headers["Authorization"] == f"Bearer {TOKEN2}"
    assert "action=query" in (call.request.url or "") and "login" not in (call.request.url or "")
    assert "uiprop=rights%7Cgroups" in (call.request.url or "")


def test_an_anonymous_answer_means_the_wiki_ignored_the_header() -> None:
    answer = {"query": {"userinfo": {"id": 0, "name": "127.0.0.1", "anon": True}}}
    with pytest.raises(LoginError) as e:
        identity(answer, API)
    assert str(e.value) == (f"OAuth login to {API} failed: the wiki answered as to an anonymous "
                            "visitor (is Extension:OAuth installed there?)")


@pytest.mark.parametrize(("code", "hint"), [
    ("mwoauth-invalid-authorization-wrong-wiki", "registered for another wiki"),
    ("mwoauth-invalid-authorization-blocked-user", "blocked"),
    ("mwoauth-invalid-authorization-not-approved", "not approved"),
    ("readapidenied", "the wiki refused the request"),
])
def test_oauth_refusals_are_one_line_login_errors(code: str, hint: str) -> None:
    with pytest.raises(LoginError) as e:
        identity({"error": {"code": code, "info": "Some info."}}, API)
    assert hint in str(e.value) and f"({code}: Some info.)" in str(e.value)
    assert "\n" not in str(e.value)


def test_a_reused_nonce_is_recognised_for_a_retry() -> None:
    reused = {"error": {"code": "mwoauth-invalid-authorization",
                        "info": "The authorization headers in your request are not valid: "
                                "Nonce already used: 123abc"}}
    assert nonce_rejected(reused)
    assert not nonce_rejected({"error": {"code": "mwoauth-invalid-authorization",
                                         "info": "Invalid signature"}})
    assert not nonce_rejected({"query": {}})
