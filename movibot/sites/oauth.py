"""OAuth for the live wiki, besides BotPasswords: MediaWiki's owner-only consumers.

Two kinds of credentials, each a `requests.auth.AuthBase` to put on the session
(`session.auth = auth`); with either, the bot never sends action=login: MediaWiki (Extension:OAuth)
identifies every API request by its Authorization header.

* `OAuth2(token)`: an owner-only OAuth 2.0 access token; every request carries
  `Authorization: Bearer <token>`.
* `OAuth1(consumer_key, consumer_secret, access_token, access_secret)`: an owner-only OAuth 1.0a
  consumer; every request is signed (HMAC-SHA1, RFC 5849) by requests-oauthlib's OAuth1, the
  class mwclient builds from its own consumer_token/consumer_secret/access_token/access_secret
  arguments (mwclient puts it only on a session of its own; ours is shared, so it is put here).
  movibot does no signing of its own: this class binds the credentials to the wiki's host and to
  the redact filter.

`load_oauth(config_values, env, base)` builds one from movibot.yaml's `oauth*` keys and the
environment; secret files must be chmod 600, like the BotPassword's. Every credential is given to
movibot.redact.register(), and no message raised here contains one.

`identity(answer, wiki)` reads the account behind the credentials from a
`meta=userinfo&uiprop=rights|groups` answer (USERINFO), raising LoginError when the wiki refused
the header or left the request anonymous.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from movibot import redact
from movibot.config import read_secret_file
from movibot.errors import ConfigError, LoginError
from movibot.i18n import N_, Msg

OAUTH2_TOKEN_ENV = "MOVIBOT_OAUTH2_TOKEN"
CONSUMER_KEY_ENV = "MOVIBOT_OAUTH_CONSUMER_KEY"
CONSUMER_SECRET_ENV = "MOVIBOT_OAUTH_CONSUMER_SECRET"
ACCESS_TOKEN_ENV = "MOVIBOT_OAUTH_ACCESS_TOKEN"
ACCESS_SECRET_ENV = "MOVIBOT_OAUTH_ACCESS_SECRET"
PASSWORD_ENV = "MOVIBOT_PASSWORD"  # as movibot.config.PASSWORD_ENV (not imported: no cycle)

# The movibot.yaml keys load_oauth reads (all strings; *_file are paths).
OAUTH_KEYS = (
    "oauth2_token_file",
    "oauth_consumer_key",
    "oauth_consumer_secret_file",
    "oauth_access_token",
    "oauth_access_secret_file",
)
FILE_KEYS = ("oauth2_token_file", "oauth_consumer_secret_file", "oauth_access_secret_file")

# The query that tells who the credentials belong to (add siprop/meta=siteinfo as needed).
USERINFO = {"meta": "userinfo", "uiprop": "rights|groups"}

NONCE_REUSED = "Nonce already used"  # MediaWiki T106066: a fresh nonce succeeds
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
_HINTS = {
    "mwoauth-invalid-authorization": N_(
        "the wiki refused the OAuth credentials (a wrong or revoked token or secret; for "
        "OAuth 1.0a also a clock more than 5 minutes off)"),
    "mwoauth-invalid-authorization-wrong-wiki": N_(
        "the consumer was registered for another wiki"),
    "mwoauth-invalid-authorization-invalid-user": N_("the consumer's user does not exist here"),
    "mwoauth-invalid-authorization-blocked-user": N_("the consumer's user is blocked"),
    "mwoauth-invalid-authorization-not-approved": N_(
        "the consumer is not approved (or not yours)"),
}

# -- the two credentials -----------------------------------------------------------------------


class OAuth2(AuthBase):
    """An owner-only OAuth 2.0 access token: `Authorization: Bearer <token>` on every request
    (only on requests to `host`, when given: the token never leaves the wiki)."""

    def __init__(self, token: str, *, host: str | None = None) -> None:
        self._token = _credential(token, "the OAuth 2.0 access token")
        self.host = host.lower() if host else None
        redact.register(self._token)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if _for_host(r, self.host):
            r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def secrets(self) -> tuple[str, ...]:
        """The values to keep out of every output."""
        return (self._token,)

    def __repr__(self) -> str:
        return f"OAuth2(token={redact.REDACTED}, host={self.host!r})"


class OAuth1(AuthBase):
    """An owner-only OAuth 1.0a consumer: every request (to `host`, when given) signed by
    requests-oauthlib (HMAC-SHA1, a fresh nonce and timestamp each time). `nonce` and
    `timestamp`, for tests only, fix them, so that a signature can be compared with a
    published one."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_secret: str,
        *,
        host: str | None = None,
        nonce: str | None = None,
        timestamp: str | None = None,
    ) -> None:
        from requests_oauthlib import OAuth1 as Signer

        self.consumer_key = _credential(consumer_key, "the OAuth consumer key")
        self._consumer_secret = _credential(consumer_secret, "the OAuth consumer secret")
        self._access_token = _credential(access_token, "the OAuth access token")
        self._access_secret = _credential(access_secret, "the OAuth access secret")
        self.host = host.lower() if host else None
        fixed = {k: v for k, v in (("nonce", nonce), ("timestamp", timestamp)) if v is not None}
        self._signer = Signer(self.consumer_key, self._consumer_secret, self._access_token,
                              self._access_secret, **fixed)
        redact.register(*self.secrets())

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        if not _for_host(r, self.host):
            return r
        signed: requests.PreparedRequest = self._signer(r)
        for name, value in list(signed.headers.items()):  # the signer leaves bytes: str again
            if isinstance(value, bytes):
                signed.headers[name] = value.decode("latin-1")
        return signed

    def secrets(self) -> tuple[str, ...]:
        """The values to keep out of every output (the consumer key too: it names the bot's
        consumer, and nothing needs to print it)."""
        return (self.consumer_key, self._consumer_secret, self._access_token,
                self._access_secret)

    def __repr__(self) -> str:
        return f"OAuth1(consumer_key={redact.REDACTED}, host={self.host!r})"


def _credential(value: str, what: str) -> str:
    """The value when it can go in a header: one run of visible ASCII. Raises ConfigError
    naming `what`, never the value."""
    if not isinstance(value, str) or not value:
        raise ConfigError(Msg("{what} is empty", what=what))
    if not _VISIBLE_ASCII.fullmatch(value):
        raise ConfigError(Msg("{what} has spaces, line breaks or non-ASCII characters: give "
                              "the value alone, on one line", what=what))
    return value


def _for_host(r: requests.PreparedRequest, host: str | None) -> bool:
    return host is None or (urlsplit(r.url or "").hostname or "") == host


# -- configuration -----------------------------------------------------------------------------


def load_oauth(
    config_values: Mapping[str, object],
    env: Mapping[str, str] | None = None,
    base: Path | None = None,
    *,
    host: str | None = None,
) -> OAuth1 | OAuth2 | None:
    """The OAuth credentials the configuration names, None when it names none.

    `config_values` holds movibot.yaml's keys (OAUTH_KEYS; other keys are ignored, except that
    `password_file` is refused beside OAuth); relative *_file paths resolve against `base` (the
    config's folder). Each secret comes from its environment variable when set, else from its
    file, which must be chmod 600: MOVIBOT_OAUTH2_TOKEN or oauth2_token_file (OAuth 2.0);
    MOVIBOT_OAUTH_CONSUMER_KEY or oauth_consumer_key, MOVIBOT_OAUTH_CONSUMER_SECRET or
    oauth_consumer_secret_file, MOVIBOT_OAUTH_ACCESS_TOKEN or oauth_access_token,
    MOVIBOT_OAUTH_ACCESS_SECRET or oauth_access_secret_file (OAuth 1.0a, all four).
    `host` is passed on (see OAuth2, OAuth1). Raises ConfigError, one line naming the key,
    the variable or the file, never a secret.
    """
    env = os.environ if env is None else env
    where = _Sources(_strings(config_values), env, Path.cwd() if base is None else base)
    kind = _kind(where, config_values)
    if kind is None:
        return None
    if kind == "oauth2":
        token = where.secret(OAUTH2_TOKEN_ENV, "oauth2_token_file")
        assert token is not None  # named, so read or refused
        return OAuth2(token, host=host)
    return _oauth1(where, host)


@dataclass(frozen=True)
class _Sources:
    """Where load_oauth finds each credential: an environment variable when set, else the
    config's value, or the file it names (relative to `base`)."""

    values: dict[str, str]
    env: Mapping[str, str]
    base: Path

    def path(self, key: str) -> Path | None:
        """The file `key` names, resolved; None when it names none."""
        if not self.values.get(key):
            return None
        found = Path(self.values[key]).expanduser()
        return found if found.is_absolute() else self.base / found

    def secret(self, variable: str, key: str) -> str | None:
        """A secret from `variable`, else from the file `key` names; None when neither."""
        if self.env.get(variable):
            return _checked(self.env[variable], variable)
        file = self.path(key)
        return read_secret(key, file) if file is not None else None

    def plain(self, variable: str, key: str) -> str | None:
        """A value from `variable`, else the config's `key`; None when neither."""
        if self.env.get(variable):
            return _checked(self.env[variable], variable)
        return _checked(self.values[key], key) if self.values.get(key) else None

    def names_oauth1(self) -> bool:
        """True when a key or variable of OAuth 1.0a is set."""
        return any(self.values.get(k) for k in OAUTH_KEYS[1:]) or any(
            self.env.get(v) for v in (CONSUMER_KEY_ENV, CONSUMER_SECRET_ENV,
                                      ACCESS_TOKEN_ENV, ACCESS_SECRET_ENV))

    def names_oauth2(self) -> bool:
        """True when the OAuth 2.0 token's key or variable is set."""
        return bool(self.values.get("oauth2_token_file") or self.env.get(OAUTH2_TOKEN_ENV))


def _kind(where: _Sources,
          config_values: Mapping[str, object]) -> Literal["oauth1", "oauth2"] | None:
    """Which OAuth the configuration names (None: none). Raises ConfigError when it names
    both, or OAuth beside a BotPassword (password_file, MOVIBOT_PASSWORD)."""
    oauth1, oauth2 = where.names_oauth1(), where.names_oauth2()
    if not oauth1 and not oauth2:
        return None
    if oauth1 and oauth2:
        raise ConfigError(Msg("OAuth: choose OAuth 2.0 (oauth2_token_file or "
                              "MOVIBOT_OAUTH2_TOKEN) or OAuth 1.0a (the oauth_* keys), not both"))
    if config_values.get("password_file"):
        raise ConfigError(Msg("password_file: choose a BotPassword or OAuth, not both "
                              "(remove password_file or the oauth keys)"))
    if where.env.get(PASSWORD_ENV):
        raise ConfigError(Msg("{PASSWORD_ENV} is set but OAuth is configured: choose one "
                              "(unset {PASSWORD_ENV} or remove the oauth keys)",
                              PASSWORD_ENV=PASSWORD_ENV))
    return "oauth2" if oauth2 else "oauth1"


def _oauth1(where: _Sources, host: str | None) -> OAuth1:
    """The OAuth 1.0a consumer from its four parts. Raises ConfigError naming the missing."""
    parts = {
        "oauth_consumer_key": where.plain(CONSUMER_KEY_ENV, "oauth_consumer_key"),
        "oauth_consumer_secret_file": where.secret(CONSUMER_SECRET_ENV,
                                                   "oauth_consumer_secret_file"),
        "oauth_access_token": where.plain(ACCESS_TOKEN_ENV, "oauth_access_token"),
        "oauth_access_secret_file": where.secret(ACCESS_SECRET_ENV, "oauth_access_secret_file"),
    }
    missing = [_source(k) for k, v in parts.items() if v is None]
    if missing:
        raise ConfigError(Msg("OAuth 1.0a needs a consumer key and secret and an access "
                              "token and secret: missing {value}", value=', '.join(missing)))
    key, consumer_secret, token, access_secret = (str(v) for v in parts.values())
    return OAuth1(key, consumer_secret, token, access_secret, host=host)


def read_secret(key: str, path: Path) -> str:
    """The one-line secret in the file `key` names (config.read_secret_file: refused when
    group or others may read it), checked and registered as a secret. Raises ConfigError."""
    return _checked(read_secret_file(key, path), f"{key} {path}")


def _checked(value: str, where: str) -> str:
    """The value, registered as a secret, when it is one run of visible ASCII (the file or
    variable holds the value alone); ConfigError naming `where` otherwise."""
    redact.register(value)
    if not value.strip():
        raise ConfigError(Msg("{where}: empty", where=where))
    if not _VISIBLE_ASCII.fullmatch(value.strip()):
        raise ConfigError(Msg("{where}: has spaces, line breaks or non-ASCII characters: "
                              "give the value alone, on one line", where=where))
    return value.strip()


def _strings(config_values: Mapping[str, object]) -> dict[str, str]:
    """The OAuth keys that are set, each checked to be a string."""
    found = {}
    for key in OAUTH_KEYS:
        value = config_values.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            what = Msg("a string (a path)") if key in FILE_KEYS else Msg("a string")
            # the value may be a secret: never shown
            raise ConfigError(Msg("key '{key}' must be {what}", key=key, what=what))
        found[key] = value
    return found


def _source(key: str) -> str:
    variable = {
        "oauth_consumer_key": CONSUMER_KEY_ENV,
        "oauth_consumer_secret_file": CONSUMER_SECRET_ENV,
        "oauth_access_token": ACCESS_TOKEN_ENV,
        "oauth_access_secret_file": ACCESS_SECRET_ENV,
    }[key]
    return f"{key} (or {variable})"


# -- who the wiki says we are ------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """The account behind the credentials: its name and its rights (limited to the consumer's
    grants) and groups."""

    name: str
    rights: frozenset[str]
    groups: frozenset[str]


def identity(answer: Mapping[str, Any], wiki: str,
             auth: AuthBase | None = None) -> Identity:
    """The account a `USERINFO` answer names. Raises LoginError (one line, secrets blanked)
    when the wiki refused the credentials or answered as to an anonymous visitor (no
    Extension:OAuth there, or the header did not reach it)."""
    error = answer.get("error")
    if isinstance(error, Mapping):
        code, info = str(error.get("code", "")), str(error.get("info", ""))
        hint = Msg(_HINTS.get(code, N_("the wiki refused the request")))
        known = auth.secrets() if isinstance(auth, (OAuth1, OAuth2)) else ()
        raise LoginError(Msg("OAuth login to {wiki} failed: {hint} ({code}: {info})",
                             wiki=redact.redact(str(wiki), known), hint=hint,
                             code=redact.redact(str(code), known),
                             info=redact.redact(str(info), known)))
    userinfo = (answer.get("query") or {}).get("userinfo") or {}
    if not userinfo.get("id") or "anon" in userinfo or not userinfo.get("name"):
        raise LoginError(Msg("OAuth login to {wiki} failed: the wiki answered as to an "
                             "anonymous visitor (is Extension:OAuth installed there?)",
                             wiki=wiki))
    return Identity(str(userinfo["name"]), frozenset(userinfo.get("rights", ())),
                    frozenset(userinfo.get("groups", ())))


def nonce_rejected(answer: Mapping[str, Any]) -> bool:
    """True when MediaWiki refused an OAuth 1.0a request for a nonce it believes used
    (T106066): the same request, signed again with a new nonce, goes through."""
    error = answer.get("error")
    return (isinstance(error, Mapping) and error.get("code") == "mwoauth-invalid-authorization"
            and NONCE_REUSED in str(error.get("info", "")))
