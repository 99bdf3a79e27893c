"""The documents made from the registries and the code (docs/generate.py): the maintainers'
guide's table of lint codes and list of field types, the operators' table of configuration keys,
docs/problems.md, docs/types.md, docs/configuration.md, docs/cli.md (click) and docs/schemas.md
(schemas/*.yaml) never drift from the code."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest

from movibot import config
from movibot.cli import main as movibot_cli
from movibot.config import Key
from movibot.problems import CODES, ProblemCode
from movibot.records.schema import load_schemas
from movibot.records.types import VALUE_TYPES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "docs" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_documents_are_the_registries(generate: ModuleType) -> None:
    assert generate.stale() == [], "run python docs/generate.py"


def test_the_maintainers_guide_lists_every_code_and_every_type(generate: ModuleType) -> None:
    guide = (ROOT / "docs" / "maintainers.md").read_text(encoding="utf-8")
    assert all(f"\n| {code} | " in guide for code in CODES)
    assert f"type (`{' '.join(VALUE_TYPES)}`;" in guide
    problems = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert all(f"\n## {c.code} {c.name}\n" in problems and c.explanation in problems
               for c in CODES.values())


def test_a_document_behind_its_registry_is_stale(generate: ModuleType, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    assert generate.stale(tmp_path) == []
    new = ProblemCode("W999", CODES["W110"].severity, "new-warning", "a new warning", "New.")
    monkeypatch.setitem(CODES, "W999", new)  # type: ignore[index]
    assert generate.stale(tmp_path) == [tmp_path / "docs/maintainers.md",
                                        tmp_path / "docs/problems.md"]
    assert generate.main(["--check"], tmp_path) == 1
    assert generate.main([], tmp_path) == 0
    assert generate.stale(tmp_path) == []
    assert "| W999 | warning | new-warning | a new warning |\n" in (
        tmp_path / "docs/maintainers.md").read_text(encoding="utf-8")


def test_a_new_configuration_key_makes_the_reference_stale(generate: ModuleType, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    new = Key("colour", str, "a string", "vert", "the bot's colour", "vert")
    monkeypatch.setattr(config, "KEYS", (*config.KEYS, new))
    assert generate.stale(tmp_path) == [tmp_path / "docs/operators.md",
                                        tmp_path / "docs/configuration.md"]
    assert generate.main([], tmp_path) == 0
    assert "| `colour` | vert | the bot's colour |\n" in (
        tmp_path / "docs/operators.md").read_text(encoding="utf-8")
    assert "## `colour`\n\nThe bot's colour.\n" in (tmp_path / "docs/configuration.md").read_text(
        encoding="utf-8")


def test_the_cli_reference_has_every_command_and_option() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = {name: command for name, command in movibot_cli.commands.items()}
    commands |= {f"schema {name}": command
                 for name, command in movibot_cli.commands["schema"].commands.items()}
    for name, command in commands.items():
        section = page.split(f"\n## `movibot {name}`\n", 1)[1].split("\n## ", 1)[0]
        assert f"Usage: movibot {name} [OPTIONS]" in section
        for param in command.params:
            if isinstance(param, click.Option):
                assert f"| <code>{param.opts[0]}" in section or f", {param.opts[0]}" in section


def test_a_new_option_makes_the_cli_reference_stale(generate: ModuleType, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    run = movibot_cli.commands["run"]
    monkeypatch.setattr(run, "params", [*run.params, click.Option(["--colour"], help="Vert.")])
    assert generate.stale(tmp_path) == [tmp_path / "docs/cli.md"]
    assert generate.main([], tmp_path) == 0
    page = (tmp_path / "docs/cli.md").read_text(encoding="utf-8")
    section = page.split("\n## `movibot run`\n", 1)[1].split("\n## ", 1)[0]
    assert "| <code>--colour TEXT</code> | Vert. |\n" in section


def test_the_schema_reference_has_every_field() -> None:
    page = (ROOT / "docs" / "schemas.md").read_text(encoding="utf-8")
    for schema in load_schemas():
        section = page.split(f"\n## {schema.title} (`schemas/", 1)[1].split("\n## ", 1)[0]
        assert f"the template `{{{{{schema.template}}}}}`" in section
        for spec in schema.fields:
            required = "yes" if spec.name in schema.required else ""
            assert f"| `{spec.name}` | `{spec.param}` | " in section
            assert f"| `{spec.type}` | {spec.unit or ''} | {required} | {spec.label} |" in section


def test_a_schema_field_changed_makes_the_schema_reference_stale(generate: ModuleType,
                                                                 tmp_path: Path) -> None:
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    lieu = tmp_path / "schemas" / "lieu.yaml"
    text = lieu.read_text(encoding="utf-8")
    lieu.write_text(text.replace("label: Ville,", "label: Commune,", 1), encoding="utf-8")
    assert generate.stale(tmp_path) == [tmp_path / "docs/schemas.md"]
    assert generate.main([], tmp_path) == 0
    assert "| `ville` | `ville` | `commune` | `text` |  | yes | Commune |\n" in (
        tmp_path / "docs/schemas.md").read_text(encoding="utf-8")


def test_the_script_checks_from_the_command_line() -> None:
    script = str(ROOT / "docs" / "generate.py")
    done = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    done = subprocess.run([sys.executable, script, "--bogus"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (2, "usage: python docs/generate.py [--check]\n")
