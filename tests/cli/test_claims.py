"""README claims that had no test of their own (see tests/README.md): help on every command,
defaults, the block's placement, report keys, SIGINT, E604's other forms, push summaries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from commandline import Cli

from movibot.config import Config
from movibot.records.lint import LocalPage, lint_page
from movibot.records.parse import read_record
from movibot.records.schema import load_schemas
from movibot.sites.directory import DirectorySite
from movibot.sync.apply import Politeness
from movibot.sync.plan import infobox_anchor
from movibot.wikitext.tree import parse_tree

SITE = Path(__file__).parents[1] / "fixtures" / "site"
SCHEMAS = load_schemas()
COMMANDS = [["run"], ["lint"], ["parse"], ["cost"], ["pull"], ["diff"], ["push"], ["init"],
            ["export"], ["templates"], ["schema", "check"], ["schema", "from-templatedata"],
            ["preview"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_takes_help(cli: Cli, command: list[str], flag: str) -> None:
    result = cli(*command, flag)
    assert result.exit_code == 0 and result.output.startswith("Usage: ")


def test_version_prints_the_version(cli: Cli) -> None:
    result = cli("--version")
    assert (result.exit_code, result.output) == (0, "movibot, version 0.1.0\n")


def test_the_documented_defaults() -> None:
    config = Config()
    assert (config.maxlag, config.put_throttle, config.max_edits, config.state_file,
            config.push_bot_flag) == (5, 10.0, None, ".movibot/state.json", False)
    assert config.effective_stop_page() == "Utilisateur:Movibot/Stop"
    policy = Politeness()
    assert (policy.stop_interval, policy.max_consecutive_errors) == (30.0, 5)


CALL = "{{Tiers-Lieu\n| nom = A\n| ville = B\n}}"


@pytest.mark.parametrize(("text", "after_call"), [
    (f"{CALL}\nTexte.\n", True),
    (f"Intro.\n{CALL}\nTexte.\n", True),
    (f"{CALL}", True),                       # the page ends with the call, no newline
    (f"{CALL}  \nTexte.\n", True),           # trailing spaces on its line
    (f"{CALL} L'espace est ouvert.\n", False),
    (f"* {CALL}\n* deux\n", False),
    (f"{{|\n| {CALL}\n|}}\n", False),
    (f"<div>\n{CALL}\n</div>\n", False),
    (f"Avant {CALL}\n", False),
    # calls MediaWiki ends where mwparserfromhell makes no template node
    ("{{<noinclude>Tiers-Lieu</noinclude>\n| nom = A\n}}\nTexte.\n", True),
    ("{{Tiers-Lieu\n| nom = <span>A\n}}</span>\nTexte.\n", False),
], ids=["own-lines", "after-intro", "end-of-page", "trailing-spaces", "text-after", "list-item",
        "table-cell", "div", "text-before", "no-node-own-lines", "no-node-in-a-tag"])
def test_the_block_goes_after_a_call_on_its_own_lines_else_at_the_top(text: str,
                                                                      after_call: bool) -> None:
    tree = parse_tree(text)
    record = read_record(tree, SCHEMAS[0])
    anchor = infobox_anchor(tree, record)
    assert record.template_end is not None  # the call is read
    assert (anchor is not None) is after_call
    if after_call:
        assert text[:anchor].rstrip(" ").endswith("}}")


@pytest.mark.parametrize("snippet", ["{{subst:Bienvenue}}", "[[Le Mixeur|]]", "~~~~"],
                         ids=["subst", "pipe-trick", "signature"])
def test_text_mediawiki_rewrites_on_save_is_e604_in_lint(snippet: str) -> None:
    text = (f"{CALL}\n== Communauté ==\nx {snippet}\n== Territoire ==\ny\n== Processus ==\nz\n"
            "[[Catégorie:Tiers-Lieux]]\n")
    codes = [p.code for p in lint_page(LocalPage("p.wiki", "P", text), SCHEMAS)]
    assert "E604" in codes


def test_the_json_report_has_exactly_the_documented_keys(cli: Cli, site: Path,
                                                         config: Path) -> None:
    _, _, report = cli.run(site, config)
    assert sorted(report) == sorted([
        "version", "site", "dry_run", "full", "notes", "started", "duration_s", "requests",
        "edits", "halted", "stopped", "counts", "problems", "pages", "exit_code"])
    assert sorted(report["pages"][0]) == ["message", "problems", "status", "title"]
    assert report["version"] == "0.1.0" and report["dry_run"] is False


@pytest.mark.parametrize(("params", "code"), [
    ("| nom = A\n| ville = B\n| nom = C", "E201"),
    ("| nom = A\n| ville = B\n| surface totale = 0", "E107"),
], ids=["duplicate-parameter", "non-positive-surface"])
def test_duplicate_parameters_and_zero_surfaces_leave_the_page_invalid(
        cli: Cli, site: Path, config: Path, params: str, code: str) -> None:
    text = f"{{{{Tiers-Lieu\n{params}\n}}}}\n[[Catégorie:Tiers-Lieux]]\n"
    (site / "Mauvais.wiki").write_text(text, encoding="utf-8")
    exit_code, _, report = cli.run(site, config)
    page = next(p for p in report["pages"] if p["title"] == "Mauvais")
    assert (exit_code, page["status"], code in [p["code"] for p in page["problems"]]) == (
        1, "invalid", True)
    assert (site / "Mauvais.wiki").read_text(encoding="utf-8") == text


def test_sigint_stops_like_sigterm(cli: Cli, site: Path, config: Path,
                                   monkeypatch: pytest.MonkeyPatch
                                   ) -> None:
    real_save = DirectorySite.save
    count = [0]

    def save(self, page, text, summary, **kw):  # type: ignore[no-untyped-def]
        count[0] += 1
        if count[0] == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return real_save(self, page, text, summary, **kw)

    monkeypatch.setattr(DirectorySite, "save", save)
    code, _, report = cli.run(site, config)
    assert (code, report["halted"], report["edits"]) == (5, "SIGINT", 1)


def test_no_site_and_no_config_means_the_bundled_fiches(cli: Cli, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./fiches, no ./movibot.yaml here
    monkeypatch.delenv("MOVIBOT_CONFIG", raising=False)
    result = cli("run", "--dry-run", "--format", "json")
    report = json.loads(result.stdout)
    assert report["site"].endswith("fiches") and report["counts"]["edited"] == 33


def test_python_m_movibot_from_the_checkout_finds_the_bundled_schemas_and_fiches() -> None:
    # from the repository's root, `python -m movibot` imports the movibot/ folder itself,
    # without the editable install's mapping of schemas/ and fiches/ into the package
    done = subprocess.run([sys.executable, "-m", "movibot", "lint", "fiches"],
                          cwd=Path(__file__).parents[2], capture_output=True, text=True,
                          timeout=120)
    assert (done.returncode, done.stdout, done.stderr.splitlines()[-1]) == (
        0, "", "43 files checked: 0 errors, 0 warnings")


@pytest.mark.parametrize(("args", "named", "command"), [
    (["cost", "--surface", "300", "--infra", "1", "--services", "1", "--postes", "0"],
     "'--postes'", "cost"),
    (["run", "--bogus"], "--bogus", "run"),
    (["nope"], "'nope'", ""),
], ids=["bad-value", "unknown-option", "unknown-command"])
def test_a_usage_error_is_one_line(cli: Cli, args: list[str], named: str, command: str) -> None:
    # click's own wording of the error (it varies between click versions) on one line,
    # then where the help is; exit 2
    result = cli(*args, prog_name="movibot")
    line = result.stderr.removesuffix("\n")
    assert (result.exit_code, result.stdout, "\n" in line) == (2, "", False)
    assert line.startswith("Error: ") and named in line
    assert line.endswith(f"(see '{' '.join(['movibot', command]).strip()} -h')")


def test_movibot_alone_prints_its_help(cli: Cli) -> None:
    result = cli(prog_name="movibot")
    assert result.output.startswith("Usage: movibot [OPTIONS] COMMAND [ARGS]...")
    assert "  run " in result.output and result.exit_code in (0, 2)


def contrib(cli: Cli, tmp_path: Path) -> tuple[Path, Path, Path]:
    wiki, local = tmp_path / "wiki", tmp_path / "local"
    wiki.mkdir()
    (wiki / "Le_Lieu_Test.wiki").write_text((SITE / "Le_Lieu_Test.wiki").read_text(
        encoding="utf-8"), encoding="utf-8")
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"site: {wiki}\nstate_file: {tmp_path / 's.json'}\nput_throttle: 0\n",
                   encoding="utf-8")
    assert cli("pull", "--config", str(cfg), "--dest", str(local)).exit_code == 0
    return wiki, local, cfg


def test_push_summary_names_the_changed_field(cli: Cli, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    wiki, local, cfg = contrib(cli, tmp_path)
    page = local / "Le_Lieu_Test.wiki"
    page.write_text(page.read_text(encoding="utf-8").replace("1 700 €", "2 000 €"),
                    encoding="utf-8")
    summaries: list[str] = []
    real_save = DirectorySite.save

    def save(self, p, text, summary, **kw):  # type: ignore[no-untyped-def]
        summaries.append(summary)
        return real_save(self, p, text, summary, **kw)

    monkeypatch.setattr(DirectorySite, "save", save)
    assert cli("push", "--config", str(cfg), str(page)).exit_code == 0
    assert summaries == ["movibot 0.1.0 : modification de coût infrastructure"]
    page.write_text(page.read_text(encoding="utf-8") + "\nFin.\n", encoding="utf-8")
    cli("push", "--config", str(cfg), "--summary", "Ma phrase", str(page))
    assert summaries[-1] == "Ma phrase"


def test_push_dry_run_says_would_merge_when_the_wiki_changed(cli: Cli, tmp_path: Path) -> None:
    wiki, local, cfg = contrib(cli, tmp_path)
    theirs = wiki / "Le_Lieu_Test.wiki"
    theirs.write_text(theirs.read_text(encoding="utf-8").replace("Des gens.", "Des habitants."),
                      encoding="utf-8")
    page = local / "Le_Lieu_Test.wiki"
    page.write_text(page.read_text(encoding="utf-8").replace("Un quartier.", "Un faubourg."),
                    encoding="utf-8")
    result = cli("push", "--config", str(cfg), "--dry-run", str(page))
    assert result.exit_code == 0 and f"{page}: would-merge" in result.output


def test_diff_is_colored_like_git_on_a_terminal_and_plain_otherwise(cli: Cli,
                                                                    tmp_path: Path) -> None:
    wiki, local, cfg = contrib(cli, tmp_path)
    page = local / "Le_Lieu_Test.wiki"
    page.write_text(page.read_text(encoding="utf-8").replace("Des gens.", "Des habitants."),
                    encoding="utf-8")
    colored = cli("diff", "--config", str(cfg), str(page), color=True)
    plain = cli("diff", "--config", str(cfg), str(page))
    assert "\x1b[32m+Des habitants.\n\x1b[0m" in colored.output
    assert "\x1b[31m-Des gens.\n\x1b[0m" in colored.output
    assert "+Des habitants.\n" in plain.output and "\x1b[" not in plain.output


def test_lint_and_parse_take_their_schemas_from_the_config(cli: Cli, tmp_path: Path) -> None:
    schema = (Path(__file__).parents[2] / "schemas" / "lieu.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "lieu.yaml"
    custom.write_text(schema.replace("required: [nom, ville]", "required: [nom, ville, pays]"),
                      encoding="utf-8")
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"sources:\n  lieux:\n    schema: {custom}\n  fiches:\n    category: "
                   "Fiches méthodologiques\n", encoding="utf-8")
    page = tmp_path / "Lieu.wiki"
    page.write_text((SITE / "Le_Lieu_Test.wiki").read_text(encoding="utf-8"), encoding="utf-8")
    plain = cli("lint", str(page))
    configured = cli("--config", str(cfg), "lint", str(page))
    assert plain.exit_code == 0 and configured.exit_code == 1
    assert 'error E101 missing required field "pays"' in configured.output
    parsed = cli("parse", "--config", str(cfg), str(page), "--format",
                 "json")
    assert [p["field"] for p in json.loads(parsed.stdout)["problems"]] == ["pays"]
