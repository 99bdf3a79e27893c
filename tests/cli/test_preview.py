"""`movibot preview --out FILE.html`: the run's plan as one self-contained page, opened in a real
headless browser (Debian's chromium): the tables and their values are there, and values shaped
like script run nothing. The screenshot of the 300 m² example is kept as docs/preview.png."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from commandline import Cli
from required import require

ROOT = Path(__file__).resolve().parents[2]
FICHES = ROOT / "fiches"
EXAMPLE = "Exemple de tiers-lieu de 300 m²"
EXAMPLE_FILE = FICHES / "Exemple_de_tiers-lieu_de_300_m².wiki"
SCREENSHOT = ROOT / "docs" / "preview.png"
PAYLOAD = "document.title='pwned'"
HOSTILE = {
    "nom": f"<script>{PAYLOAD}</script>",
    "ville": f'<img src=x onerror="{PAYLOAD}">',
    "adresse": f"[javascript:{PAYLOAD} clic]",
    "statut juridique": f'<a href="javascript:{PAYLOAD}">clic</a>',
}


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; skipped when missing, a failure under MOVIBOT_REQUIRE_WIKI (CI)."""
    found = shutil.which("chromium")
    require(None if found else "no chromium, the browser tests cannot run: apt-get install "
            "chromium")
    assert found is not None
    return found


def browse(chromium: str, page: Path, tmp_path: Path, *args: str) -> str:
    """Headless chromium on `page` (a file): the DOM it dumps after loading it."""
    done = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", *args, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


class Dom(HTMLParser):
    """The elements of a dumped DOM (tag, attributes) and the text of each table's cells."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self.title = ""
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("td", "th", "title"):
            self._in.append(tag)
            if tag != "title":
                self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        elif self._in:  # the values' no-break spaces as spaces
            self.cells[-1] = " ".join((self.cells[-1] + data).split())


def preview(cli: Cli, site: Path, out: Path, title: str, pages: int) -> str:
    """`movibot preview --site SITE --title TITLE --out OUT`: exit 0, `pages` pages shown; the
    page written."""
    code, output = cli.code_output("preview", "--site", str(site), "--title", title, "--out",
                                   str(out))
    assert (code, output.splitlines()[-1]) == (0, f"wrote {out} ({pages} pages)"), output
    return out.read_text(encoding="utf-8")


def test_the_preview_shows_the_table_and_its_values_in_a_browser(
        cli: Cli, tmp_path: Path, chromium: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # `--site fiches`: the same page (and picture) in any checkout
    out = tmp_path / "preview.html"
    preview(cli, Path("fiches"), out, EXAMPLE, 6)
    dom = Dom(browse(chromium, out, tmp_path, "--dump-dom"))
    assert dom.title == "movibot preview"
    tables = [attrs.get("class") for tag, attrs in dom.elements if tag == "table"]
    assert "wikitable movibot-infobox" in tables and "wikitable sortable movibot-membres" in tables
    assert {"2 500 €", "51 % : 153 m² à 11,11 €/m²/mois", "11,11 €/m²/mois"} <= set(dom.cells)
    browse(chromium, out, tmp_path, f"--screenshot={tmp_path / 'preview.png'}",
           "--window-size=1280,1000")
    shot = (tmp_path / "preview.png").read_bytes()
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and len(shot) > 10_000
    SCREENSHOT.write_bytes(shot)  # the CI artifact (docs/preview.png)


def test_values_shaped_like_script_run_nothing_in_the_browser(
        cli: Cli, tmp_path: Path, chromium: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    text = re.sub(r"^\| (nom|ville) = .*\n", "", text, flags=re.M)
    fields = "".join(f"| {param} = {value}\n" for param, value in HOSTILE.items())
    text = text.replace("{{Tiers-Lieu\n", "{{Tiers-Lieu\n" + fields, 1)
    (site / "Hostile.wiki").write_text(text, encoding="utf-8")
    out = tmp_path / "preview.html"
    page = preview(cli, site, out, "Hostile", 6)
    assert page.count("<script") == page.count("<img") == page.count("<a ") == 0
    dom = Dom(browse(chromium, out, tmp_path, "--dump-dom"))
    assert dom.title == "movibot preview"  # the script would have changed it
    assert not [tag for tag, _ in dom.elements if tag in ("script", "img", "a", "iframe")]
    assert not [attrs for _, attrs in dom.elements
                if any(k.startswith("on") or "javascript" in (v or "") for k, v in attrs.items())]
    cells = set(dom.cells)
    assert HOSTILE["nom"] in cells  # shown as text (the members table), not run
    assert HOSTILE["ville"] in cells  # shown as text, not run
    assert {HOSTILE["adresse"], HOSTILE["statut juridique"]} <= cells
    assert re.search(r"&lt;script&gt;document\.title=(&#x27;|')pwned", page)


def test_the_page_forbids_scripts_and_loads_nothing(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "preview.html"
    page = preview(cli, FICHES, out, EXAMPLE, 6)
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert csp is not None and "default-src &#x27;none&#x27;" in csp.group(1)
    assert "script-src" not in csp.group(1)  # default-src 'none' covers scripts
    assert not re.search(r"""(src|href)=|@import|url\(""", page)


def test_a_preview_that_cannot_be_written_is_one_line_and_exit_6(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "preview.html"
    result = cli("preview", "--site", str(FICHES), "--title", EXAMPLE, "--out", str(out))
    assert (result.exit_code, result.stderr) == (
        6, f"Error: cannot write the preview {out}: No such directory\n")
    assert not out.parent.exists()


def test_the_preview_writes_nothing_to_the_site(cli: Cli, tmp_path: Path, site: Path,
                                                config: Path) -> None:
    before = {p.name: p.read_bytes() for p in site.iterdir()}
    out = tmp_path / "preview.html"
    code, output = cli.code_output("preview", "--site", str(site), "--config", str(config),
                                   "--out", str(out))
    assert code == 0
    assert output.endswith(f"wrote {out} (10 pages)\n")
    assert {p.name: p.read_bytes() for p in site.iterdir()} == before
    assert not (tmp_path / "state.json").exists()
    assert out.read_text(encoding="utf-8").count('<section class="page">') == 10


def test_a_run_that_would_halt_gives_its_exit_code(cli: Cli, tmp_path: Path, site: Path,
                                                   config: Path) -> None:
    (site / "Utilisateur:Movibot%2FStop.wiki").write_text("stop\n", encoding="utf-8")
    out = tmp_path / "preview.html"
    code, output = cli.code_output("preview", "--site", str(site), "--config", str(config),
                                   "--out", str(out))
    assert code == 3
    assert "halted: the stop page Utilisateur:Movibot/Stop asks the bot to halt" in output
    assert output.endswith(f"wrote {out} (0 pages)\n")
    assert "The run would change no page." in out.read_text(encoding="utf-8")
