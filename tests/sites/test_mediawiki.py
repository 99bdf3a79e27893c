"""MediaWikiSite against a real MediaWiki 1.39 (the `wiki` fixture of conftest.py)."""

from __future__ import annotations

import pytest
from wikiserver import Wiki

from movibot.errors import BotsExcluded, EditConflict, LoginError, ReadOnly, WikiError
from movibot.sites.base import Page, Site
from movibot.sites.mediawiki import MediaWikiSite

pytestmark = pytest.mark.wiki


def bot(wiki: Wiki, **options: object) -> MediaWikiSite:
    """The bot's site, logged in."""
    site = MediaWikiSite(wiki.api_url, username=wiki.bot_user, password=wiki.bot_password,
                         sleep=lambda s: None, **options)  # type: ignore[arg-type]
    site.login()
    return site


def anonymous(wiki: Wiki) -> MediaWikiSite:
    return MediaWikiSite(wiki.api_url, sleep=lambda s: None)


def test_the_site_implements_the_site_interface(wiki: Wiki) -> None:
    assert isinstance(anonymous(wiki), Site)


def test_a_120_page_category_is_read_in_three_requests(wiki: Wiki) -> None:
    wiki.seed({f"Lieu {i:03d}": f"Lieu numéro {i}\n[[Catégorie:Lieux de test]]"
               for i in range(120)} | {"Ailleurs": "Hors catégorie"})
    site = anonymous(wiki)
    pages = list(site.category_pages("Lieux de test"))
    assert site.requests == 3  # 50 page texts per request for an anonymous reader
    assert sorted(p.title for p in pages) == [f"Lieu {i:03d}" for i in range(120)]
    assert {p.text for p in pages} == {f"Lieu numéro {i}\n[[Catégorie:Lieux de test]]"
                                       for i in range(120)}
    assert all(p.exists and p.revid and p.pageid and p.timestamp and p.ns == 0 for p in pages)


def test_the_bot_reads_a_120_page_category_in_one_request(wiki: Wiki) -> None:
    wiki.seed({f"Lieu {i:03d}": f"Texte {i}\n[[Catégorie:Lieux]]" for i in range(120)})
    site = bot(wiki)
    before = site.requests
    assert len(list(site.category_pages("Catégorie:Lieux"))) == 120
    assert site.requests - before == 1  # apihighlimits: 500 per request


def test_pages_come_in_the_order_asked_with_missing_ones(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "Tiers-lieu à Lyon", "La Myne": "Tiers-lieu"})
    site = anonymous(wiki)
    pages = list(site.pages(["la_Myne", "Nulle Part", "Le Mixeur"]))
    assert [(p.title, p.exists, p.text) for p in pages] == [
        ("La Myne", True, "Tiers-lieu"), ("Nulle Part", False, ""),
        ("Le Mixeur", True, "Tiers-lieu à Lyon")]
    assert pages[1] == Page(title="Nulle Part", text="", exists=False)
    assert site.requests == 1


def test_an_invalid_title_is_an_error(wiki: Wiki) -> None:
    with pytest.raises(WikiError, match=r"invalid title '<Lieu>' on http://127"):
        list(anonymous(wiki).pages(["<Lieu>"]))


def test_changed_since_lists_pages_changed_after_the_time(wiki: Wiki) -> None:
    wiki.seed({"Avant": "a", "Modifiée": "b"})
    site = anonymous(wiki)
    start = site.now()
    wiki.edit_as_human("Modifiée", "b modifiée")
    wiki.edit_as_human("Nouvelle", "c")
    wiki.edit_as_human("Modifiée", "b modifiée deux fois")
    wiki.edit_as_human("Utilisateur:Humain", "ailleurs")  # namespace 2: not watched
    assert site.changed_since(start) == ["Modifiée", "Nouvelle"]


def test_an_edit_is_a_bot_edit_with_the_summary(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "Ancien texte"})
    site = bot(wiki)
    page = site.read_text("Le Mixeur")
    new = site.save(page, "Nouveau texte\n", "movibot : mise à jour de l'infobox")
    assert wiki.text("Le Mixeur") == "Nouveau texte" == new.text
    assert new.revid and new.revid > (page.revid or 0) and new.exists
    change = wiki.api(list="recentchanges", rcprop="title|flags|comment|user|ids", rclimit=1)
    (latest,) = change["query"]["recentchanges"]
    assert latest["bot"] is True and latest["user"] == "Movibot"
    assert latest["comment"] == "movibot : mise à jour de l'infobox"
    assert latest["revid"] == new.revid


def test_a_new_page_is_created(wiki: Wiki) -> None:
    site = bot(wiki)
    missing = site.read_text("Nouveau lieu")
    created = site.save(missing, "Premier texte", "création")
    assert created.exists and wiki.text("Nouveau lieu") == "Premier texte"


def test_a_human_edit_since_the_read_is_an_edit_conflict(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "Ligne un\nLigne deux"})
    site = bot(wiki)
    page = site.read_text("Le Mixeur")
    wiki.edit_as_human("Le Mixeur", "Ligne un\nLigne deux, corrigée par un humain")
    with pytest.raises(EditConflict):
        site.save(page, "Ligne un\nLigne deux, réécrite par le bot", "mise à jour")
    assert wiki.text("Le Mixeur") == "Ligne un\nLigne deux, corrigée par un humain"


def test_a_page_created_since_the_read_is_an_edit_conflict(wiki: Wiki) -> None:
    site = bot(wiki)
    missing = site.read_text("Nouveau lieu")
    wiki.edit_as_human("Nouveau lieu", "Créée par un humain")
    with pytest.raises(EditConflict):
        site.save(missing, "Créée par le bot", "création")
    assert wiki.text("Nouveau lieu") == "Créée par un humain"


@pytest.mark.parametrize("text", ["{{nobots}}\nTexte", "{{bots|deny=Movibot}}\nTexte"])
def test_a_page_excluding_the_bot_is_not_saved(wiki: Wiki, text: str) -> None:
    wiki.seed({"Privé": text})
    site = bot(wiki)
    page = site.read_text("Privé")
    with pytest.raises(BotsExcluded):
        site.save(page, "Écrasé", "mise à jour")
    assert wiki.text("Privé") == text


def test_an_expired_session_logs_in_again_and_saves(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "Texte"})
    site = bot(wiki)
    page = site.read_text("Le Mixeur")
    wiki.expire_sessions()
    new = site.save(page, "Nouveau", "mise à jour")
    assert wiki.text("Le Mixeur") == "Nouveau"
    change = wiki.api(list="recentchanges", rcprop="user|flags|ids", rclimit=1)
    (latest,) = change["query"]["recentchanges"]
    assert (latest["user"], latest["bot"], latest["revid"]) == ("Movibot", True, new.revid)


def test_a_wrong_password_is_refused_in_one_line(wiki: Wiki) -> None:
    site = MediaWikiSite(wiki.api_url, username=wiki.bot_user, password="pas-le-bon-mot")
    with pytest.raises(LoginError) as raised:
        site.login()
    assert str(raised.value) == (f"login failed for Movibot@movibot on {wiki.api_url}: "
                                 "wrong username or password")


def test_a_read_only_wiki_refuses_the_edit(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "Texte"})
    site = bot(wiki)
    page = site.read_text("Le Mixeur")
    wiki.set_read_only("Migration du serveur")
    with pytest.raises(ReadOnly) as raised:
        site.save(page, "Nouveau", "mise à jour")
    assert str(raised.value) == f"the wiki at {wiki.api_url} is read-only: Migration du serveur"
    wiki.set_read_only(None)
    assert site.save(page, "Nouveau", "mise à jour").text == "Nouveau"


def test_the_api_is_found_from_the_wiki_address(wiki: Wiki) -> None:
    site = MediaWikiSite(wiki.base_url, sleep=lambda s: None)
    assert site.now().endswith("Z")
    assert site.name == wiki.api_url


def test_a_server_down_is_reported_after_the_retries(wiki: Wiki) -> None:
    waits: list[float] = []
    site = MediaWikiSite(wiki.api_url, sleep=waits.append, jitter=lambda: 0.0, max_retries=3)
    wiki.stop()
    with pytest.raises(WikiError) as raised:
        site.now()
    assert str(raised.value) == (f"the wiki at {wiki.api_url} could not be reached: "
                                 "gave up after 3 retries")
    assert waits == [1.0, 2.0, 4.0]
    wiki.start()
    assert site.now().endswith("Z")


def test_requests_are_counted_like_the_server_counts_them(wiki: Wiki) -> None:
    wiki.seed({"Le Mixeur": "Texte"})
    before = wiki.requests_served()
    site = bot(wiki)
    site.save(site.read_text("Le Mixeur"), "Nouveau", "mise à jour")
    assert wiki.requests_served() - before == site.requests
