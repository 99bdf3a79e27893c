"""movibot.yaml -> a frozen Config. Every error names the file and the key (exit 2)."""

from __future__ import annotations

import difflib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from movibot.errors import ConfigError
from movibot.problems import unknown_prefixes
from movibot.records.schema import SCHEMA_DIR

DEFAULT_SOURCES = {
    "lieux": ("Tiers-Lieux", SCHEMA_DIR / "lieu.yaml"),
    "fiches": ("Fiches méthodologiques", SCHEMA_DIR / "fiche.yaml"),
}
PASSWORD_ENV = "MOVIBOT_PASSWORD"
SECRET_VALUED = frozenset({"oauth_consumer_key", "oauth_access_token"})  # never echoed
CONFIG_ENV = "MOVIBOT_CONFIG"


@dataclass(frozen=True)
class SourceConfig:
    """A family of pages the bot maintains: the category they are in and their schema."""

    name: str
    category: str
    schema: str


@dataclass(frozen=True)
class Config:
    """The settings of a run; see `movibot init` for the commented file."""

    site: str | None = None
    user_agent: str | None = None
    username: str | None = None
    password_file: str | None = None
    maxlag: int = 5
    put_throttle: float = 10.0
    max_edits: int | None = None
    stop_page: str | None = None
    report_page: str | None = None
    state_file: str = ".movibot/state.json"
    push_bot_flag: bool = False
    oauth2_token_file: str | None = None
    oauth_consumer_key: str | None = None
    oauth_consumer_secret_file: str | None = None
    oauth_access_token: str | None = None
    oauth_access_secret_file: str | None = None
    sources: tuple[SourceConfig, ...] = field(default_factory=lambda: default_sources())
    lint_select: tuple[str, ...] = ()  # `lint: {select: [...]}`: the codes lint reports
    lint_ignore: tuple[str, ...] = ()  # `lint: {ignore: [...]}`: the codes it leaves out
    path: str | None = None

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the non-None command-line overrides applied."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def bot_name(self) -> str:
        """The account name without its BotPassword suffix (`Movibot@app` -> `Movibot`)."""
        return (self.username or "Movibot").split("@", 1)[0]

    def effective_stop_page(self) -> str:
        return self.stop_page or f"Utilisateur:{self.bot_name()}/Stop"


@dataclass(frozen=True)
class SiteSpec:
    """Where pages are read and written: `wiki` (an http(s) URL), `dump` (an XML export),
    `folder` (.wiki files), or `default` (the local fiches/, else the bundled one)."""

    kind: str
    target: str = ""

    @property
    def live(self) -> bool:
        return self.kind == "wiki"


def parse_site_spec(text: str | None, base: Path | None = None) -> SiteSpec:
    """The one reading of a site spec (`--site` or the config's `site:`); a relative folder or
    dump is resolved against `base` (the config's folder). Raises ConfigError for a URL scheme
    other than http(s)."""
    if not text:
        return SiteSpec("default")
    if text.startswith(("http://", "https://")):
        return SiteSpec("wiki", text)
    if "://" in text:
        raise ConfigError(f"site {text}: only http(s) URLs, folders and dump:FILE are supported")
    kind, target = ("dump", text[5:]) if text.startswith("dump:") else ("folder", text)
    return SiteSpec(kind, str(base / target) if base is not None else target)


def default_sources() -> tuple[SourceConfig, ...]:
    return tuple(SourceConfig(n, c, str(s)) for n, (c, s) in DEFAULT_SOURCES.items())


_TYPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "site": (str, "a string (a URL or a folder)"),
    "user_agent": (str, "a string"),
    "username": (str, "a string"),
    "password_file": (str, "a string (a path)"),
    "maxlag": (int, "an integer"),
    "put_throttle": ((int, float), "a number of seconds"),
    "max_edits": (int, "an integer"),
    "stop_page": (str, "a string (a page title)"),
    "report_page": (str, "a string (a page title)"),
    "state_file": (str, "a string (a path)"),
    "push_bot_flag": (bool, "true or false"),
    "oauth2_token_file": (str, "a string (a path)"),
    "oauth_consumer_key": (str, "a string"),
    "oauth_consumer_secret_file": (str, "a string (a path)"),
    "oauth_access_token": (str, "a string"),
    "oauth_access_secret_file": (str, "a string (a path)"),
    "sources": (dict, "a mapping of source names to {category, schema}"),
    "lint": (dict, "a mapping with select and ignore: lists of codes"),
}


def find_config(explicit: str | None, env: Mapping[str, str]) -> Path | None:
    """--config, else $MOVIBOT_CONFIG, else ./movibot.yaml when it exists."""
    if explicit:
        return Path(explicit)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    local = Path("movibot.yaml")
    return local if local.exists() else None


def load_config(explicit: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The configuration in effect (defaults when there is no file). Raises ConfigError."""
    env = os.environ if env is None else env
    path = find_config(explicit, env)
    if path is None:
        return Config()
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: invalid YAML: {getattr(e, 'problem', e)}") from None
    return config_from_dict(doc or {}, path)


def config_from_dict(doc: Any, path: Path) -> Config:
    """Check keys and types; resolve relative paths against the config's folder."""
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys to values")
    values: dict[str, Any] = {}
    for key, value in doc.items():
        _check_key(path, str(key), value)
        if value is not None:
            values[str(key)] = value
    base = path.parent
    for key in ("password_file", "state_file", "oauth2_token_file",
                "oauth_consumer_secret_file", "oauth_access_secret_file"):
        if key in values:
            values[key] = str(base / Path(values[key]).expanduser())
    if values.get("site"):
        spec = parse_site_spec(values["site"], base)
        values["site"] = f"dump:{spec.target}" if spec.kind == "dump" else spec.target
    if "sources" in values:
        values["sources"] = _sources(values["sources"], path)
    if "put_throttle" in values:
        values["put_throttle"] = float(values["put_throttle"])
    if "lint" in values:
        values.update(_lint(values.pop("lint"), path))
    return Config(path=str(path), **values)


def _lint(doc: dict[str, Any], path: Path) -> dict[str, tuple[str, ...]]:
    """`lint: {select: [...], ignore: [...]}` as Config's lint_select and lint_ignore.
    Raises ConfigError naming the key and a code the registry does not know."""
    out = {}
    for key, codes in doc.items():
        if key not in ("select", "ignore"):
            raise ConfigError(f"{path}: unknown key 'lint.{key}' (select or ignore)")
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"{path}: key 'lint.{key}' must be a list of codes")
        unknown = unknown_prefixes(codes)
        if unknown:
            raise ConfigError(f"{path}: key 'lint.{key}': unknown code '{unknown[0]}' "
                              "(`movibot rule` lists them)")
        out[f"lint_{key}"] = tuple(codes)
    return out


def _check_key(path: Path, key: str, value: Any) -> None:
    if key not in _TYPES:
        close = difflib.get_close_matches(key, list(_TYPES), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ConfigError(f"{path}: unknown key '{key}'{hint}")
    kind, words = _TYPES[key]
    if value is None:
        return
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        got = "" if key in SECRET_VALUED else f", got {value!r}"
        raise ConfigError(f"{path}: key '{key}' must be {words}{got}")
    if key in ("maxlag", "max_edits", "put_throttle") and isinstance(value, (int, float)) \
            and value < 0:
        raise ConfigError(f"{path}: key '{key}' must be >= 0, got {value!r}")


def _sources(doc: dict[str, Any], path: Path) -> tuple[SourceConfig, ...]:
    out = []
    for name, spec in doc.items():
        default_cat, default_schema = DEFAULT_SOURCES.get(str(name), (None, None))
        if isinstance(spec, str):
            spec = {"category": spec}
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: key 'sources.{name}' must be a mapping")
        for k in spec:
            if k not in ("category", "schema"):
                raise ConfigError(f"{path}: unknown key 'sources.{name}.{k}'")
        category = spec.get("category") or default_cat
        schema = spec.get("schema")
        schema = str(path.parent / schema) if schema else default_schema
        if not isinstance(category, str) or not category:
            raise ConfigError(f"{path}: key 'sources.{name}.category' must be a string")
        if schema is None:
            raise ConfigError(f"{path}: key 'sources.{name}.schema' is required")
        out.append(SourceConfig(str(name), category, str(schema)))
    return tuple(out)


def read_password(config: Config, env: Mapping[str, str] | None = None) -> str | None:
    """$MOVIBOT_PASSWORD, else the password_file (refused when group or others can read it)."""
    env = os.environ if env is None else env
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    if not config.password_file:
        return None
    return read_secret_file("password_file", Path(config.password_file))


def read_secret_file(key: str, path: Path) -> str:
    """The text of a secret file (stripped), the one reading of password and token files:
    refused when group or others may read it. Raises ConfigError naming the key and the file,
    never the content."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise ConfigError(f"{key} {path}: {e.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"{key} {path}: readable by group or others (mode {stat.S_IMODE(mode):04o});"
            f" run: chmod 600 {path}"
        )
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(f"{key} {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{key} {path}: not UTF-8 text") from None


STARTER = """\
# movibot configuration. Every key is optional; the values shown are the defaults.
# Docs: README.md. Keys unknown to movibot are refused, so typos do not go unnoticed.

# The wiki: the URL of its api.php or of the wiki itself (the API is discovered),
# a folder of .wiki files, or dump:FILE.xml. Default: the local fiches/ folder.
# site: https://movilab.org

# Sent with every request, as the Wikimedia policy asks: say who runs the bot.
# user_agent: "movibot (+https://movilab.org/index.php?title=Utilisateur:Movibot; you@example.org)"

# A BotPassword (Special:BotPasswords): Name@app. The password comes from the
# MOVIBOT_PASSWORD environment variable or from this file (chmod 600).
# username: Movibot@movibot
# password_file: ~/.config/movibot/password

# Or OAuth (owner-only consumer, Special:OAuthConsumerRegistration/propose), instead of a password.
# OAuth 2.0: the access token, in a chmod 600 file (or MOVIBOT_OAUTH2_TOKEN).
# oauth2_token_file: ~/.config/movibot/oauth2-token
# OAuth 1.0a: secrets in chmod 600 files (or MOVIBOT_OAUTH_CONSUMER_SECRET / _ACCESS_SECRET).
# oauth_consumer_key: 0123456789abcdef0123456789abcdef
# oauth_consumer_secret_file: ~/.config/movibot/oauth-consumer-secret
# oauth_access_token: fedcba9876543210fedcba9876543210
# oauth_access_secret_file: ~/.config/movibot/oauth-access-secret

maxlag: 5            # seconds of replication lag the bot accepts (every request)
put_throttle: 10     # seconds between two edits
# max_edits: 100     # stop after this many edits in one run
# stop_page: Utilisateur:Movibot/Stop   # any content other than empty or "run" halts the bot
# report_page: Utilisateur:Movibot/Rapport
state_file: .movibot/state.json
push_bot_flag: false # push (human text) is not flagged as a bot edit: it shows in Recent Changes

# The codes `movibot lint` reports: codes or prefixes to select (default: all) and to ignore.
# lint:
#   select: [E, W]
#   ignore: [W501]

sources:
  lieux:
    category: Tiers-Lieux
    # schema: schemas/lieu.yaml
  fiches:
    category: Fiches méthodologiques
    # schema: schemas/fiche.yaml
"""
