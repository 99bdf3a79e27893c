"""Take the screenshots of docs/maintainers.md: a lieu page and a category page as the bot
writes them.

    apt-get install mediawiki php-cli php-sqlite3 php-mbstring php-xml php-intl chromium
    python docs/screenshots.py            # writes docs/lieu.png, docs/categorie.png,
                                          # docs/lieu-etroit.png (400 px wide) and
                                          # docs/lieu-inutilisable.png
    python docs/screenshots.py --keep     # and keeps the wiki running until Enter

It installs a throwaway MediaWiki 1.39 (tests/wikiserver.py), seeds it with the bundled
fiches/ pages, runs `python -m movibot run` on it as the bot (put_throttle 0), then takes the
pages with headless chromium. Then it adds tests/fixtures/render/lieu_complet.wiki (a lieu with
an unusable surface, hatched in the bar), runs the bot on it and takes it too. Nothing outside
a temporary folder and docs/*.png is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import wikiserver  # noqa: E402  (tests/wikiserver.py)

from movibot.wikitext.titles import title_from_file  # noqa: E402

LIEU = "Exemple de tiers-lieu de 300 m²"
# file, page, window size, skin (Minerva, MediaWiki's mobile skin, for the narrow screen)
SHOTS = [("lieu.png", LIEU, "1200,900", "vector"),
         ("categorie.png", "Catégorie:Tiers-Lieux", "1200,900", "vector"),
         ("lieu-etroit.png", LIEU, "400,1100", "minerva")]
UNUSABLE = ROOT / "tests" / "fixtures" / "render" / "lieu_complet.wiki"
# The wiki's look: a plain logo instead of « Set $wgLogos… »
SETTINGS = """
$wgSitename = "Movilab (wiki de test)";
$wgLogos = [ '1x' => "$wgResourceBasePath/resources/assets/mediawiki.png" ];
"""


def fiches_pages() -> dict[str, str]:
    """{title: text} of the bundled fiches/ folder."""
    pages = {}
    for path in sorted((ROOT / "fiches").glob("*.wiki")):
        text = path.read_text(encoding="utf-8")
        pages[title_from_file(path.name, text)] = text
    return pages


def run_bot(wiki: wikiserver.Wiki, folder: Path, *args: str) -> None:
    """`python -m movibot run ARGS` on the wiki, as the bot, without throttle."""
    config = folder / "movibot.yaml"
    config.write_text(f"site: {wiki.api_url}\nusername: {wiki.bot_user}\nput_throttle: 0\n"
                      f"state_file: {folder / 'state.json'}\n", encoding="utf-8")
    env = {**os.environ, "MOVIBOT_PASSWORD": wiki.bot_password}
    done = subprocess.run([sys.executable, "-m", "movibot", "run", "-q", "--config",
                           str(config), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"movibot run failed ({done.returncode}):\n{done.stderr}")


def screenshot(url: str, out: Path, size: str) -> None:
    """Headless chromium's picture of `url`, `size` = "width,height"."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        subprocess.run([shutil.which("chromium") or "chromium", "--headless", "--no-sandbox",
                        "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        "--hide-scrollbars", f"--user-data-dir={profile}",
                        f"--screenshot={out}", f"--window-size={size}", url],
                       check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def take(wiki: wikiserver.Wiki, name: str, title: str, size: str, skin: str) -> None:
    """docs/NAME: page `title` in `skin`, in a window of `size`."""
    url = f"{wiki.base_url}/index.php?title={quote(title.replace(' ', '_'))}&useskin={skin}"
    screenshot(url, ROOT / "docs" / name, size)
    print(f"docs/{name}: {url}")


def main() -> None:
    reason = wikiserver.missing()
    if reason:
        raise SystemExit(reason)
    root = wikiserver.scratch_dir("movibot-shots-")
    try:
        wiki = wikiserver.Wiki.fresh(wikiserver.build_template(root))
        try:
            with open(wiki.settings_path, "a", encoding="utf-8") as settings:
                settings.write(SETTINGS)
            wiki.seed(fiches_pages())
            run_bot(wiki, root)
            for name, title, size, skin in SHOTS:
                take(wiki, name, title, size, skin)
            text = UNUSABLE.read_text(encoding="utf-8")
            title = title_from_file(UNUSABLE.name, text)
            wiki.seed({title: text})
            run_bot(wiki, root, "--title", title)
            take(wiki, "lieu-inutilisable.png", title, "1200,1180", "vector")
            if "--keep" in sys.argv:
                input(f"{wiki.base_url} is running; Enter stops it. ")
        finally:
            wiki.destroy()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
