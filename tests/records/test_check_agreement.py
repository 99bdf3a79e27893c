"""lint and the run share one check: lint reports a record error (a BLOCKING code) on a page
exactly when the run marks it `invalid`, with the same codes. Over fiches/, every .wiki file of
tests/fixtures, and generated pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from movibot.config import default_sources
from movibot.records.check import BLOCKING
from movibot.records.lint import LocalPage, lint_page
from movibot.records.schema import load_schema
from movibot.sites.base import Page
from movibot.sync.plan import Source, plan_source_page
from movibot.wikitext.titles import title_from_file

ROOT = Path(__file__).parents[2]
SOURCES = [Source(c, load_schema(c.schema)) for c in default_sources()]
SCHEMAS = [s.schema for s in SOURCES]


def _utf8(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return False  # E601: neither lint nor the run reads it as a page
    return True


FILES = [f for f in sorted(ROOT.glob("fiches/*.wiki"))
         + sorted((ROOT / "tests" / "fixtures").rglob("*.wiki")) if _utf8(f)]


def agreement(title: str, text: str) -> tuple[list[str], list[str], str] | None:
    """(lint's blocking codes, the run's, the run's status); None for pages the run does not
    check (outside the sources, redirects, pages excluding the bot)."""
    plan = plan_source_page(Page(title, text, revid=1), SOURCES, "Movibot", False)
    if plan.source is None or plan.outcome is None or plan.outcome.status in (
            "redirect", "skipped-nobots"):
        return None
    linted = lint_page(LocalPage(title, title, text), SCHEMAS)
    lint_codes = sorted(p.code for p in linted if p.code in BLOCKING)
    run_codes = sorted(p.code for p in plan.outcome.problems if p.code in BLOCKING)
    return lint_codes, run_codes, plan.outcome.status


def assert_agree(title: str, text: str) -> bool:
    found = agreement(title, text)
    if found is None:
        return False
    lint_codes, run_codes, status = found
    assert lint_codes == run_codes
    assert (status == "invalid") == bool(run_codes), (status, run_codes)
    return True


def test_the_corpus_has_both_valid_and_invalid_pages() -> None:
    statuses = [agreement(title_from_file(f.name, f.read_text(encoding="utf-8")),
                          f.read_text(encoding="utf-8")) for f in FILES]
    checked = [s for s in statuses if s is not None]
    assert len(checked) >= 40
    assert any(s[2] == "invalid" for s in checked) and any(s[2] != "invalid" for s in checked)


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(ROOT)) for f in FILES])
def test_lint_and_the_run_agree_on_a_corpus_page(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert_agree(title_from_file(path.name, text), text)


VALUES = {
    "nom": ["Le Lieu", "", "{{X}}"],
    "ville": ["Lyon", ""],
    "type": ["coworking", "fablab, repair café", ""],
    "statut": ["ouvert", "fantôme"],
    "surface totale": ["300 m²", "-3", "0", "trois cents", "1 700"],
    "surface utile": ["250", "400", "x"],
    "coût infrastructure": ["1 700 €", "-5", "beaucoup"],
    "coût services": ["800", "800,50 €", "-1"],
    "part résidents": ["51", "60", "x %"],
    "part contributeurs": ["29", "39"],
    "part offres": ["20"],
    "postes de travail": ["12", "0", "douze"],
    "date de création": ["2014/04/12", "hier"],
    "site web": ["https://example.org", "pas une url"],
}
FICHE_VALUES = {
    "résumé": ["Un résumé.", ""],
    "thème": ["Gouvernance", ""],
    "licence": ["CC-BY-SA", ""],
    "type de document": ["Méthode", "inconnu"],
    "maturité": ["Testé", "bof"],
}


@st.composite
def generated_page(draw: st.DrawFn) -> tuple[str, str]:
    fiche = draw(st.booleans())
    pool = FICHE_VALUES if fiche else VALUES
    names = draw(st.lists(st.sampled_from(sorted(pool)), unique=True, max_size=len(pool)))
    params = [f"| {n} = {draw(st.sampled_from(pool[n]))}" for n in names]
    if draw(st.booleans()) and names:
        params.append(params[0].replace("| ", "| ", 1))  # a duplicate parameter
    template = "Fiche" if fiche else "Tiers-Lieu"
    category = "Fiches méthodologiques" if fiche else "Tiers-Lieux"
    body = draw(st.sampled_from(["", "Du texte ~~~~ signé.\n", "== Communauté ==\nx\n"]))
    call = "{{" + template + "\n" + "\n".join(params) + "\n}}\n"
    if draw(st.integers(0, 9)) == 0:
        call = ""  # no template at all: E108
    return "Page générée", f"{call}{body}\n[[Catégorie:{category}]]\n"


@settings(max_examples=300, deadline=None)
@given(generated_page())
def test_lint_and_the_run_agree_on_generated_pages(page: tuple[str, str]) -> None:
    title, text = page
    assert assert_agree(title, text)
