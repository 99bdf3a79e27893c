"""`movibot run --site dump:FILE --out DIR [--jobs N]`: the pipeline on a dump, no wiki touched."""

from __future__ import annotations

import html
import json
from pathlib import Path

from commandline import Cli

SITE = Path(__file__).parents[1] / "fixtures" / "site"


def make_dump(path: Path, folder: Path = SITE) -> Path:
    """An XML export of the folder's pages (all in namespace 0)."""
    pages = []
    for i, f in enumerate(sorted(folder.glob("*.wiki")), start=1):
        title = f.stem.replace("_", " ")
        pages.append(
            f"<page><title>{html.escape(title)}</title><ns>0</ns><id>{i}</id><revision>"
            f"<id>{i + 100}</id><timestamp>2024-01-0{i}T00:00:00Z</timestamp>"
            f'<text xml:space="preserve">{html.escape(f.read_text(encoding="utf-8"))}</text>'
            "</revision></page>")
    path.write_text('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
                    f'version="0.11">{"".join(pages)}</mediawiki>', encoding="utf-8")
    return path


def files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())
            if p.suffix == ".wiki"}


def test_dump_run_writes_planned_pages_and_report(cli: Cli, tmp_path: Path) -> None:
    dump = make_dump(tmp_path / "dump.xml")
    assert cli("run", "--site", f"dump:{dump}", "--out", str(tmp_path / "out")).exit_code == 0
    out = files(tmp_path / "out")
    assert "<!-- movibot:begin infobox" in out["Le_Lieu_Test.wiki"]
    assert "Catégorie:Tiers-Lieux.wiki" in out
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["edited"] == 3
    assert report["site"] == str(dump)


def test_jobs_2_gives_the_same_output_as_jobs_1(cli: Cli, tmp_path: Path) -> None:
    dump = make_dump(tmp_path / "dump.xml")
    cli("run", "--site", f"dump:{dump}", "--out", str(tmp_path / "one"), "--jobs", "1")
    cli("run", "--site", f"dump:{dump}", "--out", str(tmp_path / "two"), "--jobs", "2")
    assert files(tmp_path / "one") == files(tmp_path / "two")
    one = json.loads((tmp_path / "one" / "report.json").read_text(encoding="utf-8"))
    two = json.loads((tmp_path / "two" / "report.json").read_text(encoding="utf-8"))
    assert one["pages"] == two["pages"]


def test_dump_site_refuses_a_live_run(cli: Cli, tmp_path: Path) -> None:
    dump = make_dump(tmp_path / "dump.xml")
    result = cli("run", "--site", f"dump:{dump}")
    assert result.exit_code == 2
    assert result.output == (f"Error: the site {dump} is read-only: use --dry-run, "
                             "or --out DIR\n")


def test_truncated_dump_is_a_clear_error_and_out_is_not_made(cli: Cli, tmp_path: Path) -> None:
    dump = make_dump(tmp_path / "dump.xml")
    data = dump.read_bytes()
    dump.write_bytes(data[: len(data) // 2])
    result = cli("run", "--site", f"dump:{dump}", "--out",
                 str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"; halted: {dump}: malformed XML at byte " in result.output
    assert not (tmp_path / "out").exists()  # nothing half written
    report = json.loads((tmp_path / "out.report.json").read_text(encoding="utf-8"))
    assert report["halted"].startswith(f"{dump}: malformed XML at byte ")


def dump_run_of(cli: Cli, tmp_path: Path, pages: dict[str, str]) -> tuple[Path, dict[str, str]]:
    """The dump run of Le Lieu Test plus `pages` (file name -> text): its output folder and
    each reported page's status."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "Le_Lieu_Test.wiki").write_text((SITE / "Le_Lieu_Test.wiki").read_text(
        encoding="utf-8"), encoding="utf-8")
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    dump = make_dump(tmp_path / "d.xml", folder)
    assert cli("run", "--site", f"dump:{dump}", "--out", str(out)).exit_code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return out, {p["title"]: p["status"] for p in report["pages"]}


def test_a_category_page_without_its_namespace_is_refreshed_not_created(cli: Cli, tmp_path: Path
                                                                         ) -> None:
    # make_dump writes <ns>0</ns> for every page: the category page is known by its prefix
    out, status = dump_run_of(cli, tmp_path, {
        "Catégorie:Tiers-Lieux.wiki": "Texte écrit à la main.\n\n[[Catégorie:Portails]]\n"})
    assert status["Catégorie:Tiers-Lieux"] == "edited"
    text = (out / "Catégorie:Tiers-Lieux.wiki").read_text(encoding="utf-8")
    assert text.startswith("Texte écrit à la main.\n") and "[[Le Lieu Test]]" in text


def test_only_the_redirects_of_a_source_category_are_reported(cli: Cli, tmp_path: Path) -> None:
    out, status = dump_run_of(cli, tmp_path, {
        "Vieux_nom.wiki": "#REDIRECTION [[Accueil]]\n",
        "Ancien_lieu.wiki": "#REDIRECTION [[Le Lieu Test]]\n[[Catégorie:Tiers-Lieux]]\n"})
    assert status.get("Ancien lieu") == "redirect" and "Vieux nom" not in status
    assert not (out / "Ancien_lieu.wiki").exists() and not (out / "Vieux_nom.wiki").exists()
