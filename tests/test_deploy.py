"""The operator's files of deploy/ fit together as shipped: the units and the cron line name the
venv install.sh makes, the configuration they use loads (its password file being the unit's
credential), every file the run writes is under the unit's StateDirectory, and the cron line
reports the exit codes that need a look. `.ci/deploy-check` runs install.sh and
`systemd-analyze verify` on the units."""

from __future__ import annotations

import configparser
import re
import subprocess
from pathlib import Path

import pytest

from movibot.config import load_config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def venv() -> str:
    found = re.search(r"^VENV=(\S+)$", (DEPLOY / "install.sh").read_text(), re.M)
    assert found, "install.sh names no VENV"
    return found.group(1)


def unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def cron_line() -> str:
    lines = [line for line in (DEPLOY / "movibot.cron").read_text().splitlines()
             if line and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(lines) == 1
    return lines[0]


def test_the_units_the_cron_line_and_doctor_name_the_venv_install_makes() -> None:
    movibot = f"{venv()}/bin/movibot"
    service = unit("movibot.service")["Service"]
    assert service["ExecStart"].startswith(f"{movibot} run -q ")
    assert f" {movibot} run -q " in cron_line()
    assert f"{movibot} doctor" in (DEPLOY / "doctor.sh").read_text()
    assert unit("movibot.timer")["Install"]["WantedBy"] == "timers.target"


def test_every_file_the_run_writes_is_under_the_state_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    service = unit("movibot.service")["Service"]
    state_dir = f"/var/lib/{service['StateDirectory']}"
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    config = load_config(str(DEPLOY / "movibot.yaml"), env={})
    report = re.search(r"--report (\S+)", service["ExecStart"])
    assert report and Path(report.group(1)).parent == Path(state_dir)
    assert Path(config.state_file).parent == Path(state_dir)
    assert service["WorkingDirectory"] == state_dir
    assert (service["User"], service["ProtectSystem"]) == ("movibot", "strict")
    assert service["Environment"] == "MOVIBOT_CONFIG=/etc/movibot/movibot.yaml"


def test_the_password_is_the_units_credential(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    service = unit("movibot.service")["Service"]
    name, _, source = service["LoadCredential"].partition(":")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    config = load_config(str(DEPLOY / "movibot.yaml"), env={})
    assert config.password_file == str(tmp_path / name)
    assert source == "/etc/movibot/password"
    assert "CREDENTIALS_DIRECTORY=/etc/movibot\n" in (DEPLOY / "movibot.cron").read_text()


def test_only_the_stop_page_exit_is_a_success_and_nothing_restarts() -> None:
    service = unit("movibot.service")["Service"]
    assert service["SuccessExitStatus"] == "3"
    assert "Restart" not in service


@pytest.mark.parametrize(("code", "said"), [(0, ""), (3, ""), (1, "exit 1"), (4, "exit 4"),
                                             (7, "exit 7")])
def test_the_cron_line_says_a_word_only_when_a_run_needs_a_look(tmp_path: Path, code: int,
                                                                said: str) -> None:
    fake = tmp_path / "movibot"
    fake.write_text(f"#!/bin/sh\nexit {code}\n")
    fake.chmod(0o755)
    command = cron_line().split(None, 6)[6].replace(f"{venv()}/bin/movibot", str(fake))
    command = command.replace("cd /var/lib/movibot", f"cd {tmp_path}")
    done = subprocess.run(["/bin/sh", "-c", command], env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    expected = f"movibot run: {said}; the report: /var/lib/movibot/last.json\n" if said else ""
    assert (done.stdout, done.stderr) == (expected, "")
