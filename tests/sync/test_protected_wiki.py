"""Pages the bot may not edit are known from the batched read and reported `protected` without
an edit attempt; they never halt the run (real MediaWiki)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from commandline import Cli
from test_run_wiki import configure

from movibot.sync.apply import _save
from movibot.sync.edits import Edit


def lieu(name: str) -> str:
    return (f"{{{{Tiers-Lieu\n| nom = {name}\n| ville = Lyon\n| type = coworking\n}}}}\n"
            "== Communauté ==\nx\n== Territoire ==\ny\n== Processus ==\nz\n"
            "[[Catégorie:Tiers-Lieux]]\n")


def test_protected_pages_sorting_first_are_reported_and_the_others_done(
        cli: Cli, wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    protected = [f"A lieu protégé {i}" for i in range(5)]
    pages = {t: lieu(t) for t in protected + ["B lieu libre", "C lieu en cascade"]}
    pages["D portail protégé"] = "{{:C lieu en cascade}}\n[[Catégorie:Portails]]\n"
    wiki.seed(pages)
    for title in protected:
        wiki.run_maintenance("protect", "--user", "Admin", "--reason", "test", title)
    wiki.run_maintenance("protect", "--user", "Admin", "--cascade", "--reason", "test",
                         "D portail protégé")
    attempts: list[str] = []
    monkeypatch.setattr("movibot.sync.apply._save",
                        lambda site, edit: attempts.append(edit.title) or _save(site, edit))
    config = configure(wiki, tmp_path, monkeypatch)
    code, output, report = cli.run(None, config)
    statuses = {p["title"]: (p["status"], p["message"]) for p in report["pages"]}
    assert code == 1 and report["halted"] is None, output
    for title in protected:
        assert statuses[title] == ("protected", "edit protection (level sysop); this account "
                                                "lacks the right")
        assert wiki.text(title).rstrip() == pages[title].rstrip()
    assert statuses["C lieu en cascade"][0] == "protected"
    assert statuses["C lieu en cascade"][1].startswith("edit cascading protection from ")
    assert statuses["B lieu libre"][0] == "edited"
    assert not set(attempts) & set(protected + ["C lieu en cascade"])  # never attempted
    assert wiki.text("Catégorie:Tiers-Lieux") is not None


def test_a_refusal_at_save_is_protected_and_does_not_count_as_an_error(
        wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from movibot.sites.mediawiki import MediaWikiSite

    wiki.seed({"Lieu": lieu("Lieu")})
    site = MediaWikiSite(wiki.api_url, username=wiki.bot_user, password=wiki.bot_password)
    page = next(iter(site.pages(["Lieu"])))
    wiki.run_maintenance("protect", "--user", "Admin", "--reason", "t", "Lieu")  # after the read
    outcome, saved, halt = _save(site, Edit(page, page.text + "\nx", "test"))
    assert (outcome.status, saved, halt) == ("protected", None, "")
    assert "protectedpage" in outcome.message
