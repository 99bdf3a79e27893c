"""Helpers for the reliability tests against the real test wiki: a richer set of pages, runs
driven through the CLI (in-process or as a subprocess), snapshots of every page, a reference
wiki that got an uninterrupted run, and faults the wiki can be put in (a changed BotPassword).

    pages = lieux_and_fiches()                  # {title: text}: 10 lieux, 3 fiches
    config = configure(wiki, folder)            # movibot.yaml for that wiki (put_throttle 0)
    result = run_cli(config, wiki.bot_password) # RunResult(code, output, report)
    snapshot(wiki)                              # {title: text} of every page in ns 0 and 14
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commandline import Cli

SITE = Path(__file__).parent / "fixtures" / "site"
TYPES = ["coworking", "fablab", "repair café", "EPN", "atelier"]
REGIONS = ["Bretagne", "Occitanie", "Grand Est"]


def lieu(n: int) -> str:
    """A valid lieu page with the cost model's inputs; type and région vary with n."""
    return (
        "{{Tiers-Lieu\n"
        f"| nom = Lieu numéro {n}\n| ville = Ville {n}\n| région = {REGIONS[n % len(REGIONS)]}\n"
        f"| type = {TYPES[n % len(TYPES)]}, {TYPES[(n + 2) % len(TYPES)]}\n"
        f"| surface totale = {100 + 10 * n} m²\n| coût infrastructure = {1000 + n} €\n"
        f"| coût services = {500 + n} €\n}}}}\n"
        f"Le lieu {n}, écrit par des humains.\n\n"
        "== Communauté ==\nDes gens.\n== Territoire ==\nUn quartier.\n== Processus ==\n"
        "Des ateliers.\n\n[[Catégorie:Tiers-Lieux]]"
    )


def lieux_and_fiches() -> dict[str, str]:
    """The fixture site's three pages and seven more lieux: 10 lieux, 1 fiche, about 20 edits."""
    pages = {f.stem.replace("_", " "): f.read_text(encoding="utf-8").rstrip()
             for f in sorted(SITE.glob("*.wiki"))}
    pages.update({f"Lieu numéro {n}": lieu(n) for n in range(1, 8)})
    return pages


def configure(wiki: Any, folder: Path, **extra: Any) -> Path:
    """A movibot.yaml for `wiki` in `folder` (state next to it, no throttle)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "movibot.yaml"
    lines = [f"site: {wiki.api_url}", f"username: {wiki.bot_user}", "put_throttle: 0",
             f"state_file: {folder / 'state.json'}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@dataclass(frozen=True)
class RunResult:
    code: int
    output: str
    report: dict[str, Any]

    def statuses(self) -> dict[str, str]:
        return {p["title"]: p["status"] for p in self.report.get("pages", [])}

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.report.get("counts", {}).items() if v}


def run_cli(config: Path, password: str, *args: str) -> RunResult:
    """`movibot run --config CONFIG --report …` in-process (the `cli` fixture's run), with
    MOVIBOT_PASSWORD set."""
    code, output, report = Cli().run(None, config, *args, env={"MOVIBOT_PASSWORD": password})
    return RunResult(code, output, report)


def start_run(config: Path, password: str, *args: str) -> subprocess.Popen[str]:
    """`movibot run` as a subprocess (its own process group), MOVIBOT_PASSWORD set."""
    env = {**os.environ, "MOVIBOT_PASSWORD": password}
    return subprocess.Popen(
        [sys.executable, "-m", "movibot.cli", "run", "--config", str(config), "--report",
         str(config.with_name("report.json")), "-q", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)


def all_titles(wiki: Any, namespaces: tuple[int, ...] = (0, 2, 14)) -> list[str]:
    """Every page title of the wiki in the namespaces (main, user, category)."""
    titles: list[str] = []
    for ns in namespaces:
        answer = wiki.api(list="allpages", apnamespace=ns, aplimit="max")
        titles += [p["title"] for p in answer["query"]["allpages"]]
    return sorted(titles)


def snapshot(wiki: Any) -> dict[str, str]:
    """{title: text} of every page in the main, user and category namespaces."""
    titles = all_titles(wiki)
    texts: dict[str, str] = {}
    for start in range(0, len(titles), 50):
        answer = wiki.api(titles="|".join(titles[start:start + 50]), prop="revisions",
                          rvprop="content", rvslots="main")
        for page in answer["query"]["pages"]:
            texts[page["title"]] = page["revisions"][0]["slots"]["main"]["content"]
    return dict(sorted(texts.items()))


def bot_changes(wiki: Any) -> int:
    """How many edits and page creations the bot's account has made, from the wiki's recent
    changes (what a person watching the wiki sees)."""
    answer = wiki.api(list="recentchanges", rcuser=wiki.bot_user.split("@")[0],
                      rctype="edit|new", rclimit="max", rcprop="ids")
    return len(answer["query"]["recentchanges"])


def bot_password_row(wiki: Any) -> tuple[str, str]:
    """(bp_password, bp_token) of the bot's BotPassword, to put back later."""
    with sqlite3.connect(wiki.dir / "data" / "my_wiki.sqlite") as db:
        row = db.execute("SELECT bp_password, bp_token FROM bot_passwords").fetchone()
    return str(row[0]), str(row[1])


def set_bot_password(wiki: Any, password: str) -> None:
    """Reset the bot's BotPassword to `password`, as Special:BotPasswords does: the hash and the
    token change, so every session opened with the old password ends."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 30000, 64)
    stored = (f":pbkdf2:sha512:30000:64:{base64.b64encode(salt).decode()}:"
              f"{base64.b64encode(digest).decode()}")
    with sqlite3.connect(wiki.dir / "data" / "my_wiki.sqlite") as db:
        db.execute("UPDATE bot_passwords SET bp_password = ?, bp_token = ?",
                   (stored, os.urandom(16).hex()))


def duplicated_blocks(texts: dict[str, str]) -> dict[str, int]:
    """Titles whose text holds more than one begin marker of the same block."""
    out = {}
    for title, text in texts.items():
        for name in ("infobox", "membres"):
            n = text.count(f"<!-- movibot:begin {name} ")
            if n > 1:
                out[f"{title} ({name})"] = n
    return out
