"""movibot/i18n.py and the catalogs: Msg keeps its English text and renders again in French;
the French catalog is complete and compiled; the wiki side follows the wiki's language."""

from __future__ import annotations

import pickle

import pytest

from movibot.i18n import (
    Language,
    Msg,
    content_language,
    msg_n,
    translations,
    user_language,
    written,
)
from movibot.locale import HERE, compile_catalogs
from movibot.locale.catalog import check, load, messages, placeholders
from movibot.status import Status
from movibot.sync.edits import Outcome
from movibot.sync.report import Report, report_block


def test_a_msg_is_its_english_text_and_renders_in_french() -> None:
    message = Msg("{task} {version}: {action}", task="movibot", version="1",
                  action=Msg("infobox update"))
    assert message == "movibot 1: infobox update"
    assert message.render(Language.FR) == "movibot 1 : mise à jour de l'infobox"
    assert written(message, Language.EN) == "movibot 1: infobox update"
    assert written("plain text", Language.FR) == "plain text"


def test_a_msg_without_arguments_keeps_its_braces() -> None:
    assert Msg("excluded ({{nobots}})") == "excluded ({{nobots}})"
    assert Msg("excluded ({{nobots}})").render(Language.FR) == "exclues ({{nobots}})"


def test_plural_forms_follow_each_language() -> None:
    def edits(n: int) -> Msg:
        return msg_n("{counts}; {requests} requests, made {n} edit in {seconds} s",
                     "{counts}; {requests} requests, made {n} edits in {seconds} s", n,
                     counts="x", requests=1, seconds="0.1")
    assert [str(edits(n)).split(", ")[1] for n in (0, 1, 2)] == [
        "made 0 edits in 0.1 s", "made 1 edit in 0.1 s", "made 2 edits in 0.1 s"]
    assert [edits(n).render(Language.FR).split(", ")[1] for n in (0, 1, 2)] == [
        "0 modification faite en 0.1 s", "1 modification faite en 0.1 s",
        "2 modifications faites en 0.1 s"]


def test_a_msg_survives_pickling_for_the_worker_processes() -> None:
    message = Msg("{first}; {then}", first=Msg("page created"), then="x {y}")
    again = pickle.loads(pickle.dumps(message))
    assert again == message and again.render(Language.FR) == "création de la page ; x {y}"


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "fr_FR.UTF-8"}, Language.FR),
    ({"LANG": "fr"}, Language.FR),
    ({"LANG": "fr_BE@euro"}, Language.FR),
    ({"LANG": "en_GB.UTF-8"}, Language.EN),
    ({"LANG": "C"}, Language.EN),
    ({}, Language.EN),
    ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, Language.FR),
    ({"LC_ALL": "C.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, Language.EN),
    ({"LC_ALL": "", "LANG": "fr_FR.UTF-8"}, Language.FR),
])
def test_the_user_language_is_the_first_locale_variable_set(
        env: dict[str, str], expected: Language) -> None:
    assert user_language(env) is expected


@pytest.mark.parametrize(("code", "expected"), [
    ("fr", Language.FR), ("fr-ca", Language.FR), ("en", Language.EN), ("de", Language.EN),
    (None, Language.FR),
])
def test_a_wiki_in_another_language_gets_english(code: str | None, expected: Language) -> None:
    assert content_language(code) is expected


def test_the_french_catalog_is_complete_with_the_same_placeholders() -> None:
    assert check() == []


def test_every_message_of_the_code_is_found_for_the_catalog() -> None:
    found = messages()
    assert "{task} {version}: {action}" in found  # a Msg in sync/edits.py
    assert "Pages to look at:" in found  # an N_ in sync/report.py
    assert "Stop after N edits." in found  # a click option's help
    assert "a required field of the schema is missing" in found  # the problem registry
    assert "Usage:" in found  # click's own words


def test_a_placeholder_lost_in_translation_is_reported() -> None:
    assert placeholders("{n} x {name!r} %(prog)s {{not}}") == ["%(prog)s", "{name!r}", "{n}"]


def test_the_compiled_catalog_is_the_po_file(tmp_path: object) -> None:
    compile_catalogs()
    translations.cache_clear()
    catalog = load(HERE / "fr" / "LC_MESSAGES" / "movibot.po")
    french = translations(Language.FR)
    for message in catalog:
        if message.id and not isinstance(message.id, tuple) and message.string:
            assert french.gettext(message.id) == message.string


def test_the_report_page_follows_the_wiki_s_language() -> None:
    report = Report("wiki", False, True)
    report.started = "2026-12-07T10:00:00Z"
    report.outcomes = [Outcome("Barcamp", Status.INVALID, (), Msg("no such template page"))]
    french = report_block(report, None, None, Language.FR)
    english = report_block(report, None, None, Language.EN)
    assert "Passage de movibot" in french and "! Statut !! Pages" in french
    assert "* [[:Barcamp]] : invalides (pas de page de modèle)" in french
    assert "Run of movibot" in english and "! Status !! Pages" in english
    assert "* [[:Barcamp]]: invalid (no such template page)" in english
