"""One pipeline: the run checks every record with the check lint uses, leaves redirects and
template-less pages alone, writes its own pages lint-clean, and does not throttle folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from commandline import Cli

from movibot.config import Config
from movibot.sites.directory import DirectorySite
from movibot.sites.dump import DumpSite
from movibot.sync.apply import politeness

FICHES = Path(__file__).parents[2] / "fiches"
SECTIONS = ("\n== Communauté ==\nDes gens.\n== Territoire ==\nUn quartier.\n"
            "== Processus ==\nDes ateliers.\n")


def lieu(*params: str, after: str = "") -> str:
    body = "\n".join(f"| {p}" for p in params)
    return f"{{{{Tiers-Lieu\n{body}\n}}}}\n{after}{SECTIONS}\n[[Catégorie:Tiers-Lieux]]\n"


GOOD = ("nom = Le Bon Lieu", "ville = Lyon", "type = coworking", "surface totale = 300 m²",
        "coût infrastructure = 1 700 €", "coût services = 800 €")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "Le_Bon_Lieu.wiki").write_text(lieu(*GOOD), encoding="utf-8")
    return site


@pytest.fixture
def config(tmp_path: Path) -> Path:
    cfg = tmp_path / "movibot.yaml"
    cfg.write_text(f"put_throttle: 10\nstate_file: {tmp_path / 'state.json'}\n", encoding="utf-8")
    return cfg


def page_of(report: dict, title: str) -> dict:
    return next(p for p in report["pages"] if p["title"] == title)


BAD_LIEUX = {
    "negative-cost": (("nom = A", "ville = Lyon", "surface totale = 300",
                       "coût infrastructure = -5", "coût services = 800"), "E102",
                      "cout_infrastructure"),
    "shares-110": (("nom = A", "ville = Lyon", "part résidents = 51", "part contributeurs = 39",
                    "part offres = 20"), "E105", "part_residents"),
    "no-nom": (("ville = Lyon", "type = coworking"), "E101", "nom"),
    "statut-not-in-choices": (("nom = A", "ville = Lyon", "statut = fantôme"), "E104", "statut"),
    "usable-exceeds-total": (("nom = A", "ville = Lyon", "surface totale = 100",
                              "surface utile = 150"), "E106", "surface_utile"),
}


@pytest.mark.parametrize("case", sorted(BAD_LIEUX))
def test_the_run_leaves_an_invalid_record_alone_and_says_why(
        cli: Cli, folder: Path, config: Path, case: str) -> None:
    params, code, field = BAD_LIEUX[case]
    text = lieu(*params)
    (folder / "Mauvais.wiki").write_text(text, encoding="utf-8")
    exit_code, _, report = cli.run(folder, config)
    page = page_of(report, "Mauvais")
    assert (exit_code, page["status"]) == (1, "invalid")
    assert [(p["code"], p["field"]) for p in page["problems"] if p["severity"] == "error"] == [
        (code, field)]
    assert (folder / "Mauvais.wiki").read_text(encoding="utf-8") == text  # untouched


def test_an_invalid_lieu_is_listed_by_its_title_only(cli: Cli, folder: Path, config: Path) -> None:
    params, _, _ = BAD_LIEUX["negative-cost"]
    (folder / "Mauvais.wiki").write_text(lieu(*params, "type = fablab"), encoding="utf-8")
    cli.run(folder, config)
    members = (folder / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    row = next(line for line in members.splitlines() if "[[Mauvais" in line)
    assert "-5" not in members and "Fablab" not in row
    assert not (folder / "Catégorie:Fablab.wiki").exists()  # no category from an invalid value


def test_a_page_without_template_or_header_lines_gets_no_block(cli: Cli, folder: Path, config: Path
                                                               ) -> None:
    text = "Une vieille page en prose.\n\n[[Catégorie:Tiers-Lieux]]\n"
    (folder / "Vieille_page.wiki").write_text(text, encoding="utf-8")
    exit_code, _, report = cli.run(folder, config)
    page = page_of(report, "Vieille page")
    assert (exit_code, page["status"], [p["code"] for p in page["problems"]]) == (
        1, "invalid", ["E108"])
    assert (folder / "Vieille_page.wiki").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("text", [
    "#REDIRECTION [[Le Bon Lieu]]\n[[Catégorie:Tiers-Lieux]]\n",
    "#redirect [[Le Bon Lieu]]\n\n[[Catégorie:Tiers-Lieux]]\n",
    "  #REDIRECT:[[Le Bon Lieu]]\n{{Tiers-Lieu|nom=X|ville=Y}}\n[[Catégorie:Tiers-Lieux]]\n",
], ids=["redirection", "lowercase", "template-after"])
def test_a_redirect_is_never_edited_nor_listed(cli: Cli, folder: Path, config: Path,
                                               text: str) -> None:
    (folder / "Ancien_nom.wiki").write_text(text, encoding="utf-8")
    exit_code, _, report = cli.run(folder, config)
    assert (exit_code, page_of(report, "Ancien nom")["status"]) == (0, "redirect")
    assert report["counts"]["redirect"] == 1
    assert (folder / "Ancien_nom.wiki").read_text(encoding="utf-8") == text
    members = (folder / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    assert "Ancien nom" not in members and "[[Le Bon Lieu" in members


def test_the_bots_own_pages_are_lint_clean(cli: Cli, tmp_path: Path, config: Path) -> None:
    copy = tmp_path / "fiches"
    shutil.copytree(FICHES, copy, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    exit_code, _, report = cli.run(copy, config)
    assert exit_code == 0 and report["counts"]["created"] >= 2  # the bot created pages
    result = cli("lint", str(copy), "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)["errors"]) == (0, 0)


def test_a_folder_run_never_sleeps(cli: Cli, tmp_path: Path, config: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "fiches"
    shutil.copytree(FICHES, copy, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    slept: list[float] = []
    monkeypatch.setattr("movibot.sync.apply.time.sleep", slept.append)
    exit_code, _, report = cli.run(copy, config)
    assert exit_code == 0 and report["edits"] > 30
    assert slept == []  # put_throttle: 10 in the config, but a folder is not a live wiki


def test_put_throttle_applies_to_live_wikis_only(tmp_path: Path) -> None:
    config = Config(put_throttle=7.5)
    dump = Path(__file__).parents[1] / "fixtures" / "dumps" / "export-0.11.xml"

    class Live:
        live = True

    assert politeness(DirectorySite(tmp_path), config).put_throttle == 0
    assert politeness(DumpSite(dump), config).put_throttle == 0
    assert politeness(Live(), config).put_throttle == 7.5  # type: ignore[arg-type]


def test_a_cost_model_objection_is_a_problem_in_lint_parse_and_the_run(
        cli: Cli, tmp_path: Path, folder: Path, config: Path) -> None:
    # A schema that lets a negative infrastructure cost through: the cost model refuses it,
    # and says so as a problem with its code, field and line, in every command.
    schema = (Path(__file__).parents[2] / "schemas" / "lieu.yaml").read_text(encoding="utf-8")
    loose = tmp_path / "loose.yaml"
    loose.write_text(schema.replace("cout_infrastructure: {type: number, minimum: 0}",
                                    "cout_infrastructure: {type: number}"), encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + f"sources:\n  lieux:\n"
                      f"    category: Tiers-Lieux\n    schema: {loose}\n", encoding="utf-8")
    text = lieu("nom = A", "ville = Lyon", "surface totale = 300", "coût infrastructure = -5",
                "coût services = 800")
    (folder / "Negatif.wiki").write_text(text, encoding="utf-8")
    expected = ("E102", "cout_infrastructure", 5,
                'field "coût infrastructure": cost model: infrastructure must be >= 0, got -5')
    _, _, report = cli.run(folder, config)
    [problem] = page_of(report, "Negatif")["problems"]
    assert (problem["code"], problem["field"], problem["line"], problem["message"]) == expected
    lint = cli("lint", str(folder / "Negatif.wiki"), "--schema", str(loose),
               "--format", "json")
    assert [(p["code"], p["field"], p["line"], p["message"])
            for p in json.loads(lint.stdout)["problems"]] == [expected]
    parse = cli("parse", str(folder / "Negatif.wiki"), "--schema",
                str(loose), "--format", "json")
    assert [(p["code"], p["field"], p["line"], p["message"])
            for p in json.loads(parse.stdout)["problems"]] == [expected]


class Terminal:
    """A stream that says it is a terminal, keeping what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


def test_long_work_shows_a_progress_bar_on_a_terminal() -> None:
    from movibot.cli import _progress

    ticks = iter(range(100))
    out = Terminal()
    wrap = _progress(False, stream=out, clock=lambda: next(ticks) * 0.3)
    assert list(wrap(range(10), 10, "Planning")) == list(range(10))
    assert "Planning" in out.text and "100%" in out.text


@pytest.mark.parametrize(("quiet", "tty", "seconds"), [(False, True, 0.01), (True, True, 0.3),
                                                       (False, False, 0.3)],
                         ids=["short-work", "quiet", "not-a-terminal"])
def test_no_progress_bar_for_short_work_quiet_runs_or_pipes(quiet: bool, tty: bool,
                                                            seconds: float) -> None:
    from movibot.cli import _progress

    ticks = iter(range(100))
    out = Terminal()
    out.isatty = lambda: tty  # type: ignore[method-assign]
    wrap = _progress(quiet, stream=out, clock=lambda: next(ticks) * seconds)
    assert list(wrap(range(10), 10, "Planning")) == list(range(10))
    assert out.text == ""
