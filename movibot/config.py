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
from movibot.i18n import Msg
from movibot.problems import unknown_prefixes
from movibot.resources import schema_dir

DEFAULT_SOURCES = {
    "lieux": ("Tiers-Lieux", schema_dir() / "lieu.yaml"),
    "fiches": ("Fiches méthodologiques", schema_dir() / "fiche.yaml"),
}
PASSWORD_ENV = "MOVIBOT_PASSWORD"
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
        raise ConfigError(Msg("site {text}: only http(s) URLs, folders and dump:FILE are "
                              "supported", text=text))
    kind, target = ("dump", text[5:]) if text.startswith("dump:") else ("folder", text)
    return SiteSpec(kind, str(base / target) if base is not None else target)


def default_sources() -> tuple[SourceConfig, ...]:
    return tuple(SourceConfig(n, c, str(s)) for n, (c, s) in DEFAULT_SOURCES.items())


@dataclass(frozen=True)
class Key:
    """One key of movibot.yaml, declared once: the check of a config file, `movibot init`'s
    starter and the configuration reference (README, docs/configuration.md) are made from it.

    `kind` is the Python type a value must have, `words` that type for an error message;
    `default` the default as the docs show it; `doc` what it means (one line, Markdown);
    `example` the value the starter shows, written as a live line when `active` (the default
    spelled out), else commented out; `path` for a path resolved against the config's folder;
    `secret` for a value never echoed in an error; `minimum` for a number that must be >= 0.
    """

    name: str
    kind: type | tuple[type, ...]
    words: str
    default: str
    doc: str
    example: str
    active: bool = False
    path: bool = False
    secret: bool = False
    minimum: bool = False


_PATH, _TITLE, _TEXT = "a string (a path)", "a string (a page title)", "a string"
KEYS: tuple[Key, ...] = (
    Key("site", str, "a string (a URL or a folder)", "local `fiches/`",
        "wiki URL (its `api.php`, or the wiki's address: the API is discovered), folder, or "
        "`dump:FILE.xml`", "https://movilab.org"),
    Key("user_agent", str, _TEXT, "`movibot/VERSION (+project URL; …)`",
        "sent on every request (Wikimedia policy): say who runs the bot, with a contact",
        '"movibot (+https://movilab.org/index.php?title=Utilisateur:Movibot; you@example.org)"'),
    Key("username", str, _TEXT, "—", "a BotPassword (Special:BotPasswords), `Name@app`",
        "Movibot@movibot"),
    Key("password_file", str, _PATH, "—",
        "file holding the password, must be `chmod 600`; or `MOVIBOT_PASSWORD`",
        "~/.config/movibot/password", path=True),
    Key("oauth2_token_file", str, _PATH, "—",
        "OAuth 2.0 owner-only access token file, must be `chmod 600`; or `MOVIBOT_OAUTH2_TOKEN`",
        "~/.config/movibot/oauth2-token", path=True),
    Key("oauth_consumer_key", str, _TEXT, "—",
        "OAuth 1.0a owner-only consumer key; or `MOVIBOT_OAUTH_CONSUMER_KEY`",
        "0123456789abcdef0123456789abcdef", secret=True),
    Key("oauth_consumer_secret_file", str, _PATH, "—",
        "its consumer secret, file must be `chmod 600`; or `MOVIBOT_OAUTH_CONSUMER_SECRET`",
        "~/.config/movibot/oauth-consumer-secret", path=True),
    Key("oauth_access_token", str, _TEXT, "—",
        "its access token; or `MOVIBOT_OAUTH_ACCESS_TOKEN`", "fedcba9876543210fedcba9876543210",
        secret=True),
    Key("oauth_access_secret_file", str, _PATH, "—",
        "its access secret, file must be `chmod 600`; or `MOVIBOT_OAUTH_ACCESS_SECRET`",
        "~/.config/movibot/oauth-access-secret", path=True),
    Key("maxlag", int, "an integer", "5", "seconds of replication lag accepted (every request)",
        "5", active=True, minimum=True),
    Key("put_throttle", (int, float), "a number of seconds", "10",
        "seconds between edits on a live wiki (folders and dumps are not throttled)", "10",
        active=True, minimum=True),
    Key("max_edits", int, "an integer", "none", "edits per run", "100", minimum=True),
    Key("stop_page", str, _TITLE, "`Utilisateur:<bot>/Stop`",
        "the emergency stop: any content other than empty or `run` halts the bot",
        "Utilisateur:Movibot/Stop"),
    Key("report_page", str, _TITLE, "none",
        "page whose `rapport` block gets the French summary", "Utilisateur:Movibot/Rapport"),
    Key("state_file", str, _PATH, "`.movibot/state.json`", "what the last run and pull saw",
        ".movibot/state.json", active=True, path=True),
    Key("push_bot_flag", bool, "true or false", "false",
        "flag pushed edits as bot edits (hidden from Recent Changes)", "false", active=True),
    Key("lint", dict, "a mapping with select and ignore: lists of codes", "every code",
        "the codes `movibot lint` reports: codes or prefixes (`E1`, `W`, `ALL`) to select and to "
        "ignore; the longest matching prefix decides",
        "\n  select: [E, W]\n  ignore: [W501]"),
    Key("sources", dict, "a mapping of source names to {category, schema}",
        "`lieux: Tiers-Lieux`, `fiches: Fiches méthodologiques`",
        "`{name: {category, schema}}`; a source may give only its category",
        "\n  lieux:\n    category: Tiers-Lieux\n    # schema: schemas/lieu.yaml\n  fiches:\n"
        "    category: Fiches méthodologiques\n    # schema: schemas/fiche.yaml", active=True),
)
KEY = {k.name: k for k in KEYS}
SECRET_VALUED = frozenset(k.name for k in KEYS if k.secret)  # never echoed


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
        raise ConfigError(Msg("{path}: cannot read config: {value}",
                              path=path, value=e.strerror or e)) from None
    except UnicodeDecodeError:
        raise ConfigError(Msg("{path}: config is not UTF-8 text", path=path)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise ConfigError(Msg("{path}{where}: invalid YAML: {e}",
                              path=path, where=where, e=getattr(e, 'problem', e))) from None
    return config_from_dict(doc or {}, path)


def config_from_dict(doc: Any, path: Path) -> Config:
    """Check keys and types; in paths expand `~` and environment variables (`$VAR`,
    `${VAR}`: the unit's `${CREDENTIALS_DIRECTORY}`) and resolve relative ones against the
    config's folder."""
    if not isinstance(doc, dict):
        raise ConfigError(Msg("{path}: the config must be a mapping of keys to values",
                              path=path))
    values: dict[str, Any] = {}
    for key, value in doc.items():
        _check_key(path, str(key), value)
        if value is not None:
            values[str(key)] = value
    base = path.parent
    for key in (k.name for k in KEYS if k.path):
        if key in values:
            values[key] = str(base / Path(os.path.expandvars(values[key])).expanduser())
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
            raise ConfigError(Msg("{path}: unknown key 'lint.{key}' (select or ignore)",
                                  path=path, key=key))
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ConfigError(Msg("{path}: key 'lint.{key}' must be a list of codes",
                                  path=path, key=key))
        unknown = unknown_prefixes(codes)
        if unknown:
            raise ConfigError(Msg("{path}: key 'lint.{key}': unknown code '{value}' "
                                  "(`movibot rule` lists them)",
                                  path=path, key=key, value=unknown[0]))
        out[f"lint_{key}"] = tuple(codes)
    return out


def _check_key(path: Path, key: str, value: Any) -> None:
    if key not in KEY:
        close = difflib.get_close_matches(key, list(KEY), n=1)
        hint = Msg(" (did you mean '{close}'?)", close=close[0]) if close else ""
        raise ConfigError(Msg("{path}: unknown key '{key}'{hint}",
                              path=path, key=key, hint=hint))
    spec = KEY[key]
    if value is None:
        return
    if (isinstance(value, bool) and spec.kind is not bool) or not isinstance(value, spec.kind):
        got = "" if spec.secret else Msg(", got {value!r}", value=value)
        raise ConfigError(Msg("{path}: key '{key}' must be {words}{got}",
                              path=path, key=key, words=spec.words, got=got))
    if spec.minimum and isinstance(value, (int, float)) and value < 0:
        raise ConfigError(Msg("{path}: key '{key}' must be >= 0, got {value!r}",
                              path=path, key=key, value=value))


def _sources(doc: dict[str, Any], path: Path) -> tuple[SourceConfig, ...]:
    out = []
    for name, spec in doc.items():
        default_cat, default_schema = DEFAULT_SOURCES.get(str(name), (None, None))
        if isinstance(spec, str):
            spec = {"category": spec}
        if not isinstance(spec, dict):
            raise ConfigError(Msg("{path}: key 'sources.{name}' must be a mapping",
                                  path=path, name=name))
        for k in spec:
            if k not in ("category", "schema"):
                raise ConfigError(Msg("{path}: unknown key 'sources.{name}.{k}'",
                                      path=path, name=name, k=k))
        category = spec.get("category") or default_cat
        schema = spec.get("schema")
        schema = str(path.parent / schema) if schema else default_schema
        if not isinstance(category, str) or not category:
            raise ConfigError(Msg("{path}: key 'sources.{name}.category' must be a string",
                                  path=path, name=name))
        if schema is None:
            raise ConfigError(Msg("{path}: key 'sources.{name}.schema' is required",
                                  path=path, name=name))
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
        raise ConfigError(Msg("{key} {path}: {strerror}",
                              key=key, path=path, strerror=e.strerror)) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            Msg("{key} {path}: readable by group or others (mode {stat:04o}); run: chmod 600 "
                "{path}", key=key, path=path, stat=stat.S_IMODE(mode))
        )
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as e:
        raise ConfigError(Msg("{key} {path}: {strerror}",
                              key=key, path=path, strerror=e.strerror)) from None
    except UnicodeDecodeError:
        raise ConfigError(Msg("{key} {path}: not UTF-8 text", key=key, path=path)) from None


STARTER_HEAD = """\
# movibot configuration. Every key is optional; the values shown are the defaults.
# Docs: docs/configuration.md. Keys unknown to movibot are refused, so typos do not go unnoticed.
"""


def starter() -> str:
    """`movibot init`'s commented movibot.yaml, from KEYS: each key's meaning as a comment, then
    its line (live when it spells out the default, else commented out)."""
    blocks = [STARTER_HEAD]
    for key in KEYS:
        block = key.example.startswith("\n")  # a mapping, on the lines below its key
        line = f"{key.name}:{'' if block else ' '}{key.example}"
        shown = line if key.active else "\n".join("# " + part for part in line.split("\n"))
        blocks.append(f"# {key.doc.replace('`', '')}\n{shown}\n")
    return "\n".join(blocks)


def reference_table() -> str:
    """The README's table of keys (key, default, meaning), from KEYS."""
    rows = [f"| `{k.name}` | {k.default} | {k.doc} |" for k in KEYS]
    return "\n".join(["| key | default | meaning |", "|---|---|---|", *rows]) + "\n"


def reference_page() -> str:
    """docs/configuration.md, from KEYS: every key with its type, default and meaning, and
    the starter `movibot init` writes."""
    out = ["# movibot.yaml: the configuration keys", "",
           "Generated from `movibot/config.py` (`KEYS`) by `python docs/generate.py`; do not "
           "edit by hand.", "",
           "movibot finds its configuration through `--config FILE`, `MOVIBOT_CONFIG`, or "
           "`./movibot.yaml`. Unknown keys and wrong types are refused in one line naming the "
           "key (exit 2). In paths, `~` and environment variables (`$VAR`, `${VAR}`) are "
           "expanded, and relative paths are read from the configuration's folder.", ""]
    for k in KEYS:
        out += [f"## `{k.name}`", "", k.doc[0].upper() + k.doc[1:] + ".", "",
                f"- type: {k.words}", f"- default: {k.default}", ""]
    out += ["## The starter (`movibot init`)", "", "```yaml", starter().rstrip("\n"), "```", ""]
    return "\n".join(out)


STARTER = starter()
