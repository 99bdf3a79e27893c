"""French and English: the command line speaks the user's language (the locale, or --lang);
problem codes, JSON output and exit codes never change with it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from commandline import Cli
from test_claims_commands import on_a_terminal
from test_progress import COMMANDS, bar, prepared

from movibot.i18n import Language, translations

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tests" / "fixtures" / "lint"
FRENCH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "fr_FR.UTF-8"}
ENGLISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}


def lint_of(cli: Cli, tmp_path: Path, env: dict[str, str | None], *args: str
            ) -> tuple[int, str, str]:
    """`movibot ARGS lint e101_missing_field.wiki` in tmp_path: (code, stdout, stderr)."""
    shutil.copy(LINT / "e101_missing_field.wiki", tmp_path)
    result = cli(*args, "lint", str(tmp_path / "e101_missing_field.wiki"), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_lint_speaks_french_when_the_locale_is_french(cli: Cli, tmp_path: Path) -> None:
    code, out, err = lint_of(cli, tmp_path, FRENCH)
    where = f"{tmp_path}/e101_missing_field.wiki:1:1:"
    assert code == 1
    assert out == f"{where} erreur E101 champ obligatoire « ville » manquant\n"
    assert err == "1 fichier vérifié : 1 erreur, 0 alerte\n"


def test_lint_speaks_english_in_the_c_locale(cli: Cli, tmp_path: Path) -> None:
    code, out, err = lint_of(cli, tmp_path, ENGLISH)
    assert code == 1
    assert out == (f"{tmp_path}/e101_missing_field.wiki:1:1: error E101 missing required "
                   'field "ville"\n')
    assert err == "1 file checked: 1 error, 0 warnings\n"


@pytest.mark.parametrize(("env", "option", "french"), [
    ({"LC_ALL": None, "LC_MESSAGES": None, "LANG": "fr_FR.UTF-8"}, [], True),
    ({"LC_ALL": None, "LC_MESSAGES": "fr_CA.UTF-8", "LANG": "C.UTF-8"}, [], True),
    ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "fr_FR.UTF-8"}, [], False),
    ({"LC_ALL": None, "LC_MESSAGES": None, "LANG": None}, [], False),
    (FRENCH, ["--lang", "en"], False),
    (ENGLISH, ["--lang", "fr"], True),
    (ENGLISH, ["--lang=fr"], True),
], ids=["LANG", "LC_MESSAGES", "LC_ALL-first", "unset", "lang-en", "lang-fr", "lang=fr"])
def test_the_language_is_the_first_locale_variable_set_or_lang(
        cli: Cli, tmp_path: Path, env: dict[str, str | None], option: list[str],
        french: bool) -> None:
    code, _, err = lint_of(cli, tmp_path, env, *option)
    assert code == 1
    assert ("fichier vérifié" in err) is french and ("file checked" in err) is not french


@pytest.mark.parametrize("args", [
    ["lint", "--format", "json", "{fixtures}/e101_missing_field.wiki",
     "{fixtures}/w202_unknown_parameter.wiki"],
    ["parse", "--format", "json", "{fixtures}/e101_missing_field.wiki"],
    ["run", "--site", "{site}", "--dry-run", "--format", "json"],
    ["export", "--site", "{site}", "--to", "{tmp}/out.jsonl", "-q"],
    ["rule", "E999"],
], ids=["lint", "parse", "run", "export", "exit-code"])
def test_json_output_and_exit_codes_are_the_same_in_both_languages(
        cli: Cli, tmp_path: Path, site: Path, config: Path, args: list[str]) -> None:
    def run(env: dict[str, str | None]) -> tuple[int, object, str]:
        argv = [a.format(fixtures=LINT, site=site, tmp=tmp_path) for a in args]
        result = cli(*argv, "--config", str(config), env=env) if argv[0] in (
            "run", "export") else cli(*argv, env=env)
        out = result.stdout
        if "json" in args:
            data = json.loads(out)
            if isinstance(data, dict):  # the run's clock
                data.pop("duration_s", None)
                data.pop("started", None)
            out = data
        written = (tmp_path / "out.jsonl").read_text(encoding="utf-8") if argv[0] == "export" \
            else ""
        return result.exit_code, out, written

    assert run(FRENCH) == run(ENGLISH)


def test_help_is_french_with_click_s_own_words(cli: Cli) -> None:
    result = cli("lint", "-h", env=FRENCH, prog_name="movibot")
    assert result.exit_code == 0
    assert result.output.startswith("Utilisation : movibot lint [OPTIONS] PATHS...")
    assert "Afficher ce message et quitter." in result.output
    assert "Check .wiki files" not in result.output


def test_a_usage_error_is_one_french_line(cli: Cli) -> None:
    result = cli("lint", env=FRENCH, prog_name="movibot")
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : ") and result.stderr.count("\n") == 1
    assert result.stderr.endswith(" (voir 'movibot lint -h')\n")


def test_rule_explains_a_code_in_french(cli: Cli) -> None:
    result = cli("rule", "E101", env=FRENCH)
    french = translations(Language.FR)
    assert result.exit_code == 0
    assert result.output.startswith("E101 missing-field (erreur, bloquant)\n\n")
    assert french.gettext("a required field of the schema is missing").capitalize() \
        in result.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_progress_bars_speak_french(name: str, cli: Cli, tmp_path: Path, site: Path,
                                    config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepared(cli, tmp_path, site, config)
    args = [a.format(tmp=tmp_path, site=site) for a in COMMANDS[name][0]]
    code, _, err = on_a_terminal(monkeypatch, "--lang", "fr", *args, "--config", str(config))
    label = translations(Language.FR).gettext(COMMANDS[name][1])
    assert code in (0, 1), err
    assert label != COMMANDS[name][1] and bar(err, label), err


def test_the_run_s_summary_speaks_french(cli: Cli, site: Path, config: Path) -> None:
    result = cli("run", "--site", str(site), "--config", str(config), "--dry-run", env=FRENCH)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1].startswith("3 modifiées, 7 créées ; 0 requêtes, ")
    english = cli("run", "--site", str(site), "--config", str(config), "--dry-run",
                  env=ENGLISH)
    assert english.stderr.splitlines()[-1].startswith("3 edited, 7 created; 0 requests, ")
