"""The command line in-process for tests: the `cli` fixture of conftest.py is a Cli."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from click.testing import CliRunner, Result

from movibot.cli import main

Env = Mapping[str, str | None] | None


class Ran(NamedTuple):
    """One `movibot run`: its exit code, its output, its JSON report ({} when none was written)."""

    code: int
    output: str
    report: dict[str, Any]


class Cli:
    """The command line in-process (click's CliRunner): what the `cli` fixture gives."""

    def __call__(self, *args: str, env: Env = None, **kwargs: Any) -> Result:
        """`movibot ARGS…`: click's Result (exit_code, output, stdout, stderr, exception)."""
        return CliRunner().invoke(main, list(args), env=env, **kwargs)

    def code_output(self, *args: str, env: Env = None) -> tuple[int, str]:
        """`movibot ARGS…`: its exit code and output; raises what the command raised."""
        result = self(*args, env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output

    def run_result(self, site: Path | str | None, config: Path, *args: str,
                   env: Env = None) -> tuple[Result, dict[str, Any]]:
        """`movibot run [--site SITE] --config CONFIG ARGS… --report R` with R beside the config
        (removed first): click's Result and the report; raises what the command raised."""
        report = Path(config).with_name("report.json")
        report.unlink(missing_ok=True)
        where = [] if site is None else ["--site", str(site)]
        result = self("run", *where, "--config", str(config), "--report", str(report), *args,
                      env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        return result, data

    def run(self, site: Path | str | None, config: Path, *args: str, env: Env = None) -> Ran:
        """As run_result, as (code, output, report)."""
        result, report = self.run_result(site, config, *args, env=env)
        return Ran(result.exit_code, result.output, report)

