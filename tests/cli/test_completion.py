"""Shell completion (click's) for bash, zsh and fish: `movibot ru` completes to `run`, options
and their choices complete too, and the scripts the README's lines install work in bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from commandline import Cli

ROOT = Path(__file__).resolve().parents[2]


def complete(cli: Cli, shell: str, words: str, current: str) -> list[str]:
    """The completions `shell` gets for the command line `words` (the cursor on `current`: the
    index of the word for bash and zsh, the word itself for fish): their values."""
    result = cli(env={"_MOVIBOT_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
                      "COMP_CWORD": current}, prog_name="movibot")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    if shell == "bash" or (shell == "fish" and lines and "," in lines[0]):
        # bash, and fish since click 8.5: `type,value` (fish: then a tab and the help)
        return [line.split(",", 1)[1].split("\t", 1)[0] for line in lines]
    return lines[1::3]  # zsh, and fish before click 8.5: type, value, help, for each


@pytest.mark.parametrize(("shell", "current"), [("bash", "1"), ("zsh", "1"), ("fish", "ru")])
def test_movibot_ru_completes_to_run(cli: Cli, shell: str, current: str) -> None:
    assert complete(cli, shell, "movibot ru", current) == ["rule", "run"]


def test_options_and_their_choices_complete(cli: Cli) -> None:
    assert "--dry-run" in complete(cli, "bash", "movibot run --dr", "2")
    assert complete(cli, "bash", "movibot doctor --format ", "3") == ["text", "json"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_script(cli: Cli, shell: str) -> None:
    result = cli(env={"_MOVIBOT_COMPLETE": f"{shell}_source"}, prog_name="movibot")
    assert result.exit_code == 0
    assert "_MOVIBOT_COMPLETE" in result.output and f"{shell}_complete" in result.output


def test_bash_completes_run_with_the_readme_line(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash, "bash is needed for this test"
    movibot = tmp_path / "movibot"  # `movibot` on PATH, from this checkout
    movibot.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'from movibot.cli import main; "
                       "main(prog_name=\"movibot\")' \"$@\"\n")
    movibot.chmod(0o755)
    script = ('eval "$(_MOVIBOT_COMPLETE=bash_source movibot)"\n'
              "COMP_WORDS=(movibot ru); COMP_CWORD=1; _movibot_completion movibot\n"
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([bash, "-c", script], capture_output=True, text=True, env=env)
    assert (done.returncode, done.stdout.split()) == (0, ["rule", "run"]), done.stderr
