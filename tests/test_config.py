"""movibot.yaml: defaults, keys, types, paths and the password file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from commandline import Cli

from movibot.config import KEY, KEYS, STARTER, Config, Key, load_config, read_password
from movibot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "movibot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_gives_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, env={})
    assert config == Config()
    assert [(s.name, s.category) for s in config.sources] == [
        ("lieux", "Tiers-Lieux"), ("fiches", "Fiches méthodologiques")]
    assert config.effective_stop_page() == "Utilisateur:Movibot/Stop"


def test_config_found_through_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, "maxlag: 3\n")
    assert load_config(None, env={"MOVIBOT_CONFIG": str(path)}).maxlag == 3


def test_unknown_key_names_the_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "sitee: https://movilab.org\n")
    with pytest.raises(ConfigError) as e:
        load_config(str(path), env={})
    assert str(e.value) == f"{path}: unknown key 'sitee' (did you mean 'site'?)"


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, "maxlag: five\n")
    with pytest.raises(ConfigError) as e:
        load_config(str(path), env={})
    assert str(e.value) == f"{path}: key 'maxlag' must be an integer, got 'five'"


def test_invalid_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "site: [unclosed\n")
    with pytest.raises(ConfigError) as e:
        load_config(str(path), env={})
    assert str(e.value).startswith(f"{path}:2:1: invalid YAML")


def test_source_may_give_only_its_category(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  lieux: Lieux\n")
    (source,) = load_config(str(path), env={}).sources
    assert source.category == "Lieux"
    assert source.schema.endswith("lieu.yaml")


def test_unknown_source_key_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n  lieux:\n    categorie: X\n")
    with pytest.raises(ConfigError) as e:
        load_config(str(path), env={})
    assert str(e.value) == f"{path}: unknown key 'sources.lieux.categorie'"


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "state_file: st/state.json\npassword_file: pw\n")
    config = load_config(str(path), env={})
    assert config.state_file == str(tmp_path / "st" / "state.json")
    assert config.password_file == str(tmp_path / "pw")


def test_password_from_the_environment_first(tmp_path: Path) -> None:
    config = Config(password_file=str(tmp_path / "missing"))
    assert read_password(config, env={"MOVIBOT_PASSWORD": "s3cret"}) == "s3cret"


def test_password_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("s3cret\n")
    os.chmod(pw, 0o644)
    with pytest.raises(ConfigError) as e:
        read_password(Config(password_file=str(pw)), env={})
    message = str(e.value)
    assert message == (f"password_file {pw}: readable by group or others (mode 0644); "
                       f"run: chmod 600 {pw}")
    assert "s3cret" not in message


def test_private_password_file_is_read(tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("s3cret\n")
    os.chmod(pw, 0o600)
    assert read_password(Config(password_file=str(pw)), env={}) == "s3cret"


def test_cli_config_error_is_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "put_throttle: soon\n")
    result = cli("run", "--dry-run", "--config", str(path))
    assert result.exit_code == 2
    assert result.output == (f"Error: {path}: key 'put_throttle' must be a number of seconds, "
                             "got 'soon'\n")


def test_init_writes_a_starter_that_loads(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("init")
    assert result.exit_code == 0
    config = load_config("movibot.yaml", env={})
    assert config.maxlag == 5 and config.put_throttle == 10.0
    again = cli("init")
    assert again.exit_code == 2
    assert "already exists; not overwritten" in again.output


@pytest.mark.parametrize(("text", "kind", "target"), [
    (None, "default", ""), ("", "default", ""),
    ("https://movilab.org", "wiki", "https://movilab.org"),
    ("http://127.0.0.1:8080/api.php", "wiki", "http://127.0.0.1:8080/api.php"),
    ("dump:x.xml.gz", "dump", "/srv/x.xml.gz"), ("fiches", "folder", "/srv/fiches"),
], ids=["none", "empty", "https", "http-api", "dump", "folder"])
def test_a_site_spec_is_read_in_one_place(text: str | None, kind: str, target: str) -> None:
    from movibot.config import parse_site_spec

    spec = parse_site_spec(text, Path("/srv"))
    assert (spec.kind, spec.target, spec.live) == (kind, target, kind == "wiki")


def test_a_site_spec_with_another_scheme_is_refused_in_one_line() -> None:
    from movibot.config import parse_site_spec
    from movibot.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^site ftp://x: only http\(s\) URLs, folders and "
                                          r"dump:FILE are supported$"):
        parse_site_spec("ftp://x")


def test_every_config_field_is_a_declared_key_and_every_key_a_field() -> None:
    # the `lint` key gives two fields: lint_select and lint_ignore
    fields = {"lint" if f.name.startswith("lint_") else f.name
              for f in dataclasses.fields(Config) if f.name != "path"}
    assert {k.name for k in KEYS} == fields and len(KEYS) == len(fields)


def test_the_starter_lists_every_key_and_its_live_lines_are_the_defaults(tmp_path: Path) -> None:
    for key in KEYS:
        assert f"\n{key.name}:" in STARTER or f"\n# {key.name}:" in STARTER, key.name
    path = tmp_path / "movibot.yaml"
    path.write_text(STARTER, encoding="utf-8")
    loaded = load_config(str(path), env={})
    default = Config()
    for key in (k for k in KEYS if k.active and k.name not in ("state_file", "sources")):
        assert getattr(loaded, key.name) == getattr(default, key.name), key.name
    assert [(s.name, s.category) for s in loaded.sources] == [
        (s.name, s.category) for s in default.sources]
    assert loaded.state_file == str(tmp_path / default.state_file)


def test_a_key_is_checked_as_declared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = Key("colour", str, "a colour name", "none", "the bot's colour", "vert")
    monkeypatch.setitem(KEY, "colour", new)
    path = tmp_path / "movibot.yaml"
    path.write_text("colour: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key 'colour' must be a colour name, got 3$"):
        load_config(str(path), env={})
