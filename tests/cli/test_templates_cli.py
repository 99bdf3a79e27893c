"""The template pages from the command line, and the run keeping their `doc` block current."""

from __future__ import annotations

import shutil
from pathlib import Path

from commandline import Cli

FICHES = Path(__file__).parents[2] / "fiches"
TEMPLATES = ["Modèle:Tiers-Lieu.wiki", "Modèle:Fiche.wiki"]


def test_templates_writes_then_finds_the_pages_unchanged(cli: Cli, tmp_path: Path) -> None:
    result = cli("templates", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.output == "".join(f"{tmp_path / n}: written\n" for n in TEMPLATES)
    for name in TEMPLATES:
        assert (tmp_path / name).read_text(encoding="utf-8") == (FICHES / name).read_text(
            encoding="utf-8")
    result = cli("templates", "--out", str(tmp_path), "--check")
    assert (result.exit_code, result.output) == (
        0, "".join(f"{tmp_path / n}: unchanged\n" for n in TEMPLATES))


def test_templates_check_fails_on_a_page_that_drifted(cli: Cli, tmp_path: Path) -> None:
    cli("templates", "--out", str(tmp_path))
    page = tmp_path / TEMPLATES[0]
    page.write_text(page.read_text(encoding="utf-8").replace("Surface totale", "Surface"),
                    encoding="utf-8")
    result = cli("templates", "--out", str(tmp_path), "--check")
    assert result.exit_code == 1 and f"{page}: differs" in result.output


def test_schema_check_compares_the_schemas_with_the_sites_templatedata(
                                                                       cli: Cli,
                                                                       tmp_path: Path) -> None:
    result = cli("schema", "check", "--site", str(FICHES))
    assert (result.exit_code, result.output) == (0, "")
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(FICHES / TEMPLATES[1], site / TEMPLATES[1])
    result = cli("schema", "check", "--site", str(site))
    assert result.exit_code == 1
    assert result.output.startswith("Modèle:Tiers-Lieu: ")  # no such page on that site


def run_on(cli: Cli, copy: Path, tmp_path: Path, extra: str = "") -> tuple[int, dict[str, str]]:
    config = tmp_path / "movibot.yaml"
    config.write_text(f"put_throttle: 0\nstate_file: {tmp_path / 's.json'}\n{extra}",
                      encoding="utf-8")
    code, _, report = cli.run(copy, config)
    return code, {p["title"]: p["status"] for p in report["pages"]}


def fiches_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "fiches"
    shutil.copytree(FICHES, copy, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    return copy


def test_the_run_keeps_the_template_documentation_current(cli: Cli, tmp_path: Path) -> None:
    copy = fiches_copy(tmp_path)
    schema = (FICHES.parent / "schemas" / "lieu.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "lieu.yaml"
    changed.write_text(schema.replace("label: Surface totale,", "label: Surface totale du lieu,"),
                       encoding="utf-8")
    code, pages = run_on(cli, copy, tmp_path, f"sources:\n  lieux:\n    schema: {changed}\n")
    assert (code, pages["Modèle:Tiers-Lieu"]) == (0, "edited")
    assert "Surface totale du lieu" in (copy / TEMPLATES[0]).read_text(encoding="utf-8")
    assert run_on(cli, copy, tmp_path, f"sources:\n  lieux:\n    schema: {changed}\n")[1][
        "Modèle:Tiers-Lieu"] == "unchanged"


def test_a_hand_edited_template_documentation_is_reported_not_overwritten(cli: Cli, tmp_path: Path
                                                                          ) -> None:
    copy = fiches_copy(tmp_path)
    page = copy / TEMPLATES[0]
    edited = page.read_text(encoding="utf-8").replace("Surface totale", "Surface", 1)
    page.write_text(edited, encoding="utf-8")
    code, pages = run_on(cli, copy, tmp_path)
    assert (code, pages["Modèle:Tiers-Lieu"]) == (1, "block-edited")
    assert page.read_text(encoding="utf-8") == edited
