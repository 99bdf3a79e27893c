"""The documents made from the registries (docs/generate.py): README.md's table of lint codes
and list of field types, docs/problems.md and docs/types.md never drift from the code."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from movibot import config
from movibot.config import Key
from movibot.problems import CODES, ProblemCode
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


def test_the_readme_lists_every_code_and_every_type(generate: ModuleType) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"\n| {code} | " in readme for code in CODES)
    assert f"type (`{' '.join(VALUE_TYPES)}`;" in readme
    problems = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert all(f"\n## {c.code} {c.name}\n" in problems and c.explanation in problems
               for c in CODES.values())


def test_a_document_behind_its_registry_is_stale(generate: ModuleType, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    assert generate.stale(tmp_path) == []
    new = ProblemCode("W999", CODES["W110"].severity, "new-warning", "a new warning", "New.")
    monkeypatch.setitem(CODES, "W999", new)  # type: ignore[index]
    assert generate.stale(tmp_path) == [tmp_path / "README.md", tmp_path / "docs/problems.md"]
    assert generate.main(["--check"], tmp_path) == 1
    assert generate.main([], tmp_path) == 0
    assert generate.stale(tmp_path) == []
    assert "| W999 | warning | new-warning | a new warning |\n" in (
        tmp_path / "README.md").read_text(encoding="utf-8")


def test_a_new_configuration_key_makes_the_reference_stale(generate: ModuleType, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    new = Key("colour", str, "a string", "vert", "the bot's colour", "vert")
    monkeypatch.setattr(config, "KEYS", (*config.KEYS, new))
    assert generate.stale(tmp_path) == [tmp_path / "README.md", tmp_path / "docs/configuration.md"]
    assert generate.main([], tmp_path) == 0
    assert "| `colour` | vert | the bot's colour |\n" in (tmp_path / "README.md").read_text(
        encoding="utf-8")
    assert "## `colour`\n\nThe bot's colour.\n" in (tmp_path / "docs/configuration.md").read_text(
        encoding="utf-8")


def test_the_script_checks_from_the_command_line() -> None:
    script = str(ROOT / "docs" / "generate.py")
    done = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")
    done = subprocess.run([sys.executable, script, "--bogus"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (2, "usage: python docs/generate.py [--check]\n")
