"""The bundled fiches/ stay lint-clean, and the embedded default's dry run renders them all."""

from __future__ import annotations

import re
from pathlib import Path

from commandline import Cli

from movibot.app import lint_paths, load_sources
from movibot.records.schema import load_schemas

FICHES = Path(__file__).resolve().parents[2] / "fiches"


def test_fiches_are_lint_clean() -> None:
    problems, count = lint_paths([str(FICHES)], [])
    assert [p.format() for p in problems] == []
    assert count >= 30


def test_fiches_hold_the_seed_content() -> None:
    sources, _ = load_sources([FICHES])
    titles = {s.title for s in sources}
    lieux = {"Le Mixeur", "Au Comptoir Numérique", "Le Paradou", "Le Cercle", "OpenFactory",
             "Au Pied des Marches", "Le Remue Méninges", "La Cartonnerie"}
    assert lieux <= titles
    portals = {t for t in titles if t.startswith("Portail:")}
    assert len(portals) == 7
    fiche, lieu = (s.template for s in load_schemas()[::-1])
    assert sum(s.text.startswith("{{" + fiche) for s in sources) >= 15
    assert sum(s.text.startswith("{{" + lieu) for s in sources) == 9


def test_dry_run_on_the_embedded_default_renders_every_infobox_and_category(cli: Cli) -> None:
    result = cli("run", "--dry-run", "--site", str(FICHES))
    assert result.exit_code == 0, result.output
    chunks = re.split(r"^--- a/.*\n", result.output, flags=re.M)[1:]
    diffs = {c.split("\n", 1)[0].removeprefix("+++ b/"): c for c in chunks}
    sources, _ = load_sources([FICHES])
    pages = [s.title for s in sources if s.text.startswith(("{{Fiche", "{{Tiers-Lieu"))]
    for title in pages:
        assert "+<!-- movibot:begin infobox sha1=" in diffs[title], title
    for category in ("Tiers-Lieux", "Fiches méthodologiques", "Coworking"):
        assert "+<!-- movibot:begin membres sha1=" in diffs[f"Catégorie:{category}"]
    assert "Catégorie:Types de tiers-lieux" in diffs
