"""bots_allowed: the {{nobots}} / {{bots|…}} convention, by user name and by task name."""

from __future__ import annotations

import pytest

from movibot.wikitext.exclusion import bots_allowed

USER, TASK = "Movibot", "fiches"

CASES = [
    # (id, text, allowed)
    ("no-template", "Un lieu.\n[[Catégorie:Lieux]]", True),
    ("nobots", "{{nobots}}\nTexte", False),
    ("nobots-capitalised", "{{Nobots}}", False),
    ("nobots-with-prefix", "{{Modèle:Nobots}}", False),
    ("nobots-template-prefix", "{{Template:nobots}}", False),
    ("nobots-spaces", "{{ nobots }}", False),
    ("nobots-listing-other", "{{nobots|AutreBot}}", True),
    ("nobots-listing-us", "{{nobots|AutreBot, movibot}}", False),
    ("nobots-all", "{{nobots|all}}", False),
    ("bots-alone", "{{bots}}", True),
    ("deny-us", "{{bots|deny=Movibot}}", False),
    ("deny-us-any-case", "{{bots|deny=MOVIBOT}}", False),
    ("deny-us-in-list", "{{bots|deny=AutreBot, Movibot ,Troisième}}", False),
    ("deny-task", "{{bots|deny=fiches}}", False),
    ("deny-other", "{{bots|deny=AutreBot}}", True),
    ("deny-all", "{{bots|deny=all}}", False),
    ("deny-none", "{{bots|deny=none}}", True),
    ("deny-prefix-is-not-a-match", "{{bots|deny=Movibot2}}", True),
    ("allow-us", "{{bots|allow=Movibot}}", True),
    ("allow-task", "{{bots|allow=AutreBot,Fiches}}", True),
    ("allow-other-only", "{{bots|allow=AutreBot}}", False),
    ("allow-all", "{{bots|allow=all}}", True),
    ("allow-none", "{{bots|allow=none}}", False),
    ("optout-task", "{{bots|optout=fiches}}", False),
    ("optout-other-task", "{{bots|optout=nosy}}", True),
    ("optout-all", "{{bots|optout=all}}", False),
    ("deny-wins-over-allow", "{{bots|allow=Movibot}}\n{{nobots}}", False),
    ("in-comment", "<!-- {{nobots}} -->Texte", True),
    ("in-nowiki", "<nowiki>{{nobots}}</nowiki>", True),
    ("nested-in-template", "{{Boîte|contenu={{nobots}}}}", False),
    ("other-template", "{{Lieu|nom=nobots}}", True),
    ("unbalanced", "{{Lieu|nom=x\n{{nobots}}", False),
]


@pytest.mark.parametrize(("text", "allowed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bots_allowed_follows_the_convention(text: str, allowed: bool) -> None:
    assert bots_allowed(text, USER, TASK) is allowed


def test_a_botpassword_name_is_matched_without_its_app() -> None:
    assert bots_allowed("{{bots|deny=Movibot}}", "Movibot@movibot") is False


def test_underscores_and_spaces_match_alike() -> None:
    assert bots_allowed("{{bots|deny=Movi_bot}}", "Movi bot") is False


def test_without_a_task_only_the_user_name_counts() -> None:
    assert bots_allowed("{{bots|deny=fiches}}", USER) is True


def test_nobots_after_a_nul_byte_still_excludes() -> None:
    assert bots_allowed("Texte\x00\n{{nobots}}", "Movibot") is False


def test_page_too_complex_to_parse_with_nobots_excludes() -> None:
    assert bots_allowed("{{nobots}}\n" + "{|\n|-\n| a\n" * 300, "Movibot") is False


def test_page_too_complex_to_parse_without_exclusion_allows() -> None:
    assert bots_allowed("{{Tiers-Lieu}}\n" + "{|\n|-\n| a\n" * 300 + "robots", "Movibot") is True
