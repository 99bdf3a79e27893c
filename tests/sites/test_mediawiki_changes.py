"""MediaWikiSite.changed_since leaves out the bot's own edits once logged in (real MediaWiki)."""

from __future__ import annotations

import pytest
from wikiserver import Wiki

from movibot.sites.mediawiki import MediaWikiSite

pytestmark = pytest.mark.wiki


def bot(wiki: Wiki) -> MediaWikiSite:
    site = MediaWikiSite(wiki.api_url, username=wiki.bot_user, password=wiki.bot_password,
                         sleep=lambda s: None)
    site.login()
    return site


def test_the_bots_own_edits_are_not_listed_as_changes(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "a", "La Myne": "b"})
    site = bot(wiki)
    start = site.now()
    for page in site.pages(["Le Mixeur", "La Myne"]):
        site.save(page, page.text + " (bot)", "movibot : test")
    site.save(site.read_text("Nouveau lieu"), "créé par le bot", "movibot : test")
    assert site.changed_since(start) == []


def test_a_human_edit_after_the_bots_edit_is_still_listed(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "a", "La Myne": "b"})
    site = bot(wiki)
    start = site.now()
    for page in site.pages(["Le Mixeur", "La Myne"]):
        site.save(page, page.text + " (bot)", "movibot : test")
    wiki.edit_as_human("La Myne", "b (bot) puis humain")
    assert site.changed_since(start) == ["La Myne"]


def test_an_anonymous_reader_sees_the_bots_edits(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "a"})
    site = bot(wiki)
    start = site.now()
    site.save(site.read_text("Le Mixeur"), "a (bot)", "movibot : test")
    reader = MediaWikiSite(wiki.api_url, sleep=lambda s: None)
    assert reader.changed_since(start) == ["Le Mixeur"]
