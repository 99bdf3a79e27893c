"""`movibot cost`: the seed's worked examples through the CLI, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from commandline import Cli

EXAMPLE_300 = ["--surface", "300", "--infra", "1 700", "--services", "800"]
EXAMPLE_260 = [*EXAMPLE_300, "--usable", "260"]
EXAMPLE_420 = ["--surface", "420", "--infra", "2 100", "--services", "950,50",
               "--shares", "60/25/15"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (EXAMPLE_300, {"monthly_cost": 2500, "residents": [153, 11.11],
                       "contributors": [87, 9.2], "offers": 60, "unusable_surcharge": 0}),
        (EXAMPLE_260, {"monthly_cost": 2500, "residents": [132.6, 12.82],
                       "contributors": [75.4, 10.61], "offers": 52,
                       "unusable_surcharge": 226.67}),
        (EXAMPLE_420, {"monthly_cost": 3050.5, "residents": [252, 8.33],
                       "contributors": [105, 9.05], "offers": 63, "unusable_surcharge": 0}),
    ],
    ids=["300m2", "300m2-usable-260", "420m2-60-25-15"],
)
def test_worked_examples_as_json(cli: Cli, args: list[str], expected: dict) -> None:
    code, output = cli.code_output("cost", *args, "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert data["monthly_cost"] == expected["monthly_cost"]
    assert [data["residents"]["surface_m2"], data["residents"]["rate_eur_m2"]] == expected[
        "residents"]
    assert [data["contributors"]["surface_m2"], data["contributors"]["rate_eur_m2"]] == expected[
        "contributors"]
    assert data["offers"]["surface_m2"] == expected["offers"]
    assert data["unusable_surcharge"] == expected["unusable_surcharge"]


def test_json_keys_are_the_documented_ones(cli: Cli) -> None:
    _, output = cli.code_output("cost", *EXAMPLE_300, "--format", "json")
    assert sorted(json.loads(output)) == sorted([
        "monthly_cost", "infrastructure", "services", "surface_total", "surface_usable",
        "unusable_surface", "unusable_surcharge", "residents", "contributors", "offers",
        "price_per_workstation", "balance", "coverage", "coverage_percent"])


def test_text_table_of_the_300_m2_example(cli: Cli) -> None:
    code, output = cli.code_output("cost", *EXAMPLE_260)
    assert code == 0
    assert "Résidents      51 %  132,60 m²  12,82 €/m²/mois" in output
    assert "Contributeurs  29 %   75,40 m²  10,61 €/m²/mois" in output
    assert "Surface non utilisable            40,00 m²\n" in output
    _, output_300 = cli.code_output("cost", *EXAMPLE_300)
    assert "Coût mensuel incompressible  2 500,00 €\n" in output_300


def test_wikitext_of_the_420_m2_example(cli: Cli) -> None:
    code, output = cli.code_output("cost", *EXAMPLE_420, "--format", "wikitext")
    assert code == 0
    assert "! Coût mensuel incompressible\n| 3\u00a0050,50\u00a0€\n" in output
    assert "| 60\u00a0% : 252\u00a0m² à 8,33\u00a0€/m²/mois\n" in output
    assert "| 25\u00a0% : 105\u00a0m² à 9,05\u00a0€/m²/mois\n" in output
    assert "| 15\u00a0% : 63\u00a0m²\n" in output


def test_chart_is_written(cli: Cli, tmp_path: Path) -> None:
    chart = tmp_path / "chart.svg"
    code, _ = cli.code_output("cost", *EXAMPLE_260, "--chart", str(chart))
    assert code == 0
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg") or svg.startswith("<?xml")
    assert "12,82" in svg


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--surface", "-5", "--infra", "1", "--services", "1"],
         "Error: --surface must be > 0, got -5\n"),
        (["--surface", "0", "--infra", "1", "--services", "1"],
         "Error: --surface must be > 0, got 0\n"),
        (["--surface", "300", "--usable", "400", "--infra", "1", "--services", "1"],
         "Error: --usable must be <= --surface, got 400 > 300\n"),
        (["--surface", "300", "--infra", "1", "--services", "1", "--shares", "50/30/30"],
         "Error: --shares must sum to 100, got 50 + 30 + 30 = 110\n"),
        (["--surface", "300", "--infra", "1"],
         "Error: --services is required (or give a lieu page: movibot cost FILE.wiki)\n"),
    ],
    ids=["negative-surface", "zero-surface", "usable-above-total", "shares-sum", "missing"],
)
def test_bad_input_is_one_line_and_exit_2(cli: Cli, args: list[str], message: str) -> None:
    result = cli("cost", *args)
    assert result.exit_code == 2
    assert result.output == message


def test_cost_of_a_lieu_page(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "Lieu.wiki"
    page.write_text("{{Tiers-Lieu\n| nom = Lieu\n| surface totale = 300 m²\n| surface utile = 260"
                    "\n| coût infrastructure = 1 700 €\n| coût services = 800 €\n}}\n",
                    encoding="utf-8")
    code, output = cli.code_output("cost", str(page), "--format", "json")
    assert code == 0
    assert json.loads(output)["residents"]["rate_eur_m2"] == 12.82


def test_lieu_page_without_costs_is_refused(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "Lieu.wiki"
    page.write_text("{{Tiers-Lieu\n| nom = Lieu\n| surface totale = 300\n}}\n", encoding="utf-8")
    result = cli("cost", str(page))
    assert result.exit_code == 2
    assert result.output == (f"Error: {page}: the lieu page has no coût infrastructure, "
                             "coût services\n")


def test_options_are_read_like_pages_with_units_and_french_numbers(cli: Cli) -> None:
    _, plain = cli.code_output("cost", "--surface", "300", "--infra", "1700", "--services", "800",
                               "--format", "json")
    _, written = cli.code_output("cost", "--surface", "300 m²", "--infra", "1 700 €", "--services",
                                 "800,00 €",
                      "--format", "json")
    assert json.loads(written) == json.loads(plain)


def test_an_unreadable_option_is_one_line_naming_it(cli: Cli) -> None:
    result = cli("cost", "--surface", "trois cents", "--infra", "1",
                 "--services", "1")
    assert result.exit_code == 2
    assert result.output == ("Error: --surface: cannot read 'trois cents' as a surface in m²\n")


def test_options_given_with_a_page_override_its_values(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "Lieu.wiki"
    page.write_text("{{Tiers-Lieu\n| nom = Lieu\n| surface totale = 300 m²\n"
                    "| coût infrastructure = 1 700 €\n| coût services = 800 €\n}}\n",
                    encoding="utf-8")
    _, output = cli.code_output("cost", str(page), "--usable", "260", "--format", "json")
    assert json.loads(output)["residents"]["rate_eur_m2"] == 12.82  # recomputed with U = 260
    result = cli("cost", str(page), "--usable", "400")
    assert (result.exit_code, result.output) == (
        2, f"Error: {page}: --usable must be <= --surface, got 400 > 300\n")


@pytest.mark.parametrize("name", ["chart.png", "chart"])
def test_a_chart_suffix_other_than_svg_is_refused(cli: Cli, tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    result = cli("cost", *EXAMPLE_300, "--chart", str(target))
    assert (result.exit_code, result.output) == (
        2, f"Error: --chart {target}: movibot writes SVG charts only; name the file .svg\n")
    assert not target.exists()


def test_a_chart_in_a_missing_folder_is_one_line(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "c.svg"
    result = cli("cost", *EXAMPLE_300, "--chart", str(target))
    assert result.exit_code == 6
    assert result.output.endswith(f"Error: cannot write the chart {target}: No such directory\n")


def test_coverage_is_shown_the_same_in_every_format(cli: Cli) -> None:
    args = [*EXAMPLE_300, "--recettes-residents", "1800", "--recettes-contributeurs", "850",
            "--recettes-offres", "0.5"]
    _, text = cli.code_output("cost", *args)
    _, wikitext = cli.code_output("cost", *args, "--format", "wikitext")
    _, data = cli.code_output("cost", *args, "--format", "json")
    assert "106 %" in text and "106\u00a0%" in wikitext
    assert json.loads(data)["coverage_percent"] == 106
