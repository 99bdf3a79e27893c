"""Secrets never reach the logs: redact() and the logging filter, then a real login."""

from __future__ import annotations

import logging

import pytest
from wikiserver import Wiki

from movibot.errors import LoginError
from movibot.redact import REDACTED, RedactFilter, redact
from movibot.sites.mediawiki import MediaWikiSite

SECRET = "hunter2-Secret+/\\"

CASES = [
    ("literal", f"password is {SECRET}", "password is ***"),
    ("url-encoded", "lgpassword=hunter2-Secret%2B%2F%5C&lgname=Bot", "lgpassword=***&lgname=Bot"),
    ("json-escaped", '{"x": "hunter2-Secret+/\\\\"}', '{"x": "***"}'),
    ("token-in-url", "GET /api.php?action=edit&token=abc123%2B%5C&title=X",
     "GET /api.php?action=edit&token=***&title=X"),
    ("csrftoken-json", '{"csrftoken": "0123abcd+\\\\"}', '{"csrftoken": "***"}'),
    ("logintoken-repr", "{'lgtoken': 'deadbeef+\\\\', 'lgname': 'Bot'}",
     "{'lgtoken': '***', 'lgname': 'Bot'}"),
    ("cookie-header", "Cookie: wiki_session=abc; wikiUserID=3", "Cookie: ***"),
    ("set-cookie", "Set-Cookie: wiki_session=abc; path=/", "Set-Cookie: ***"),
    ("session-cookie", "my_wiki_session=9f8e7d6c", "my_wiki_session=***"),
    ("innocent", "action=query&meta=tokens&type=csrf&maxlag=5",
     "action=query&meta=tokens&type=csrf&maxlag=5"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_redact_blanks_secrets_and_secret_values(text: str, expected: str) -> None:
    assert redact(text, [SECRET]) == expected


def test_short_strings_are_never_treated_as_secrets() -> None:
    assert redact("a +\\ b", ["+\\"]) == "a +\\ b"


def test_the_filter_rewrites_message_arguments_and_tracebacks(
        caplog: pytest.LogCaptureFixture) -> None:
    log_filter = RedactFilter()
    log_filter.add(SECRET)
    logger = logging.getLogger("movibot.test_redact")
    logger.addFilter(log_filter)
    try:
        with caplog.at_level(logging.DEBUG, logger="movibot.test_redact"):
            logger.debug("sending %s", {"pw": SECRET})
            try:
                raise ValueError(f"bad {SECRET}")
            except ValueError:
                logger.exception("failed")
    finally:
        logger.removeFilter(log_filter)
    assert SECRET not in caplog.text
    assert "sending {'pw': '***'}" in caplog.text
    assert "ValueError: bad ***" in caplog.text


def test_no_password_token_or_cookie_in_debug_logs_of_a_real_session(
        wiki: Wiki, caplog: pytest.LogCaptureFixture) -> None:
    wiki.seed({"Lieu": "Texte"})
    site = MediaWikiSite(wiki.api_url, username=wiki.bot_user, password=wiki.bot_password,
                         sleep=lambda s: None)
    with caplog.at_level(logging.DEBUG):
        site.login()
        site.save(site.read_text("Lieu"), "Texte modifié", "test")
        with pytest.raises(LoginError) as refused:
            MediaWikiSite(wiki.api_url, username=wiki.bot_user, password="wrong-password-123",
                          sleep=lambda s: None).login()
    secrets = [wiki.bot_password, "wrong-password-123", site._csrf_token()]
    secrets += [c.value for c in site._session.cookies if c.value]
    assert "action=login" in caplog.text and "api.php" in caplog.text  # the requests were logged
    assert f"'lgpassword': '{REDACTED}'" in caplog.text
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in str(refused.value) + repr(site)


def test_the_site_repr_names_the_wiki_and_user_only() -> None:
    site = MediaWikiSite("http://wiki.test/api.php", username="Bot@app", password=SECRET)
    assert repr(site) == "MediaWikiSite('http://wiki.test/api.php', username='Bot@app')"
