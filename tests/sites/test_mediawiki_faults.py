"""MediaWikiSite under faults a real wiki cannot easily produce (answers faked with `responses`).

Each test scripts the answers per API call; a fake `sleep` records the waits (no test sleeps).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from movibot.errors import (
    AccountRefused,
    EditConflict,
    EditRefused,
    LoginError,
    ReadOnly,
    WikiError,
)
from movibot.sites.base import Page
from movibot.sites.mediawiki import MediaWikiSite, default_user_agent, has_contact

API = "http://wiki.test/api.php"
PAGE = Page(title="Lieu", text="Ancien texte", revid=10, timestamp="2024-05-01T12:00:00Z",
            pageid=3)
EDITED = {"edit": {"result": "Success", "pageid": 3, "title": "Lieu", "oldrevid": 10,
                   "newrevid": 11, "newtimestamp": "2024-05-02T08:00:00Z"}}
Answer = Any  # a dict (JSON), a (status, headers, body) tuple, or an exception to raise


def error(code: str, info: str = "", **extra: Any) -> dict[str, Any]:
    """An API error answer."""
    return {"error": {"code": code, "info": info or code, **extra}}


class FakeApi:
    """api.php answering from scripted queues, keyed by call: "login-token", "csrf-token",
    "login", "userinfo", "edit", "query". A queue's last answer repeats."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.queues: dict[str, deque[Answer]] = defaultdict(deque)
        self.calls: list[tuple[str, dict[str, str], dict[str, str]]] = []
        for method in (responses.GET, responses.POST):
            rsps.add_callback(method, API, callback=self)

    def on(self, key: str, *answers: Answer) -> FakeApi:
        self.queues[key].extend(answers)
        return self

    def keys(self) -> list[str]:
        return [key for key, _, _ in self.calls]

    def params(self, key: str) -> list[dict[str, str]]:
        return [params for k, params, _ in self.calls if k == key]

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = dict(parse_qsl(urlsplit(str(request.url)).query))
        body = request.body or ""
        params.update(parse_qsl(body.decode() if isinstance(body, bytes) else str(body)))
        key = _key(params)
        headers = {k: str(v) for k, v in request.headers.items()}
        self.calls.append((key, params, headers))
        queue = self.queues[key]
        if not queue:
            raise AssertionError(f"unexpected call {key}: {params}")
        answer = queue.popleft() if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, tuple):
            return answer
        return 200, {}, json.dumps(answer)


def _key(params: dict[str, str]) -> str:
    """Which scripted queue answers a call."""
    if params.get("meta") == "tokens":
        return f"{params.get('type', 'csrf')}-token"
    if "userinfo" in params.get("meta", ""):
        return "userinfo"
    return params["action"]


class FakeClock:
    """sleep() records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real sleep (ours or mwclient's) fails the test."""
    def refuse(seconds: float) -> None:
        raise AssertionError(f"real sleep({seconds})")
    monkeypatch.setattr(time, "sleep", refuse)


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeApi(rsps)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_site(clock: FakeClock, **options: Any) -> MediaWikiSite:
    return MediaWikiSite(API, username="Movibot@movibot", password="s3cret-bot-password",
                         sleep=clock.sleep, jitter=lambda: 0.0, **options)


def userinfo(rights: list[str], generator: str = "MediaWiki 1.39.17") -> dict[str, Any]:
    """The answer to meta=userinfo|siteinfo after login."""
    return {"query": {"userinfo": {"name": "Movibot", "rights": rights},
                      "general": {"generator": generator}}}


def logged_in(api: FakeApi) -> FakeApi:
    """Script a successful BotPassword login of an account with the bot right."""
    return (api.on("login-token", {"query": {"tokens": {"logintoken": "login-tok+\\"}}})
               .on("login", {"login": {"result": "Success", "lgusername": "Movibot"}})
               .on("userinfo", userinfo(["edit", "bot"]))
               .on("csrf-token", {"query": {"tokens": {"csrftoken": "csrf-tok+\\"}}}))


NOW = {"batchcomplete": True, "curtimestamp": "2024-05-01T12:00:00Z"}
LAG = error("maxlag", "Waiting for a database server: 7 seconds lagged.", lag=7)


# -- lag, overload, retries -------------------------------------------------------------


def test_maxlag_waits_the_retry_after_then_succeeds(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", (200, {"Retry-After": "7"}, json.dumps(LAG)),
           (200, {"Retry-After": "7"}, json.dumps(LAG)), NOW)
    site = make_site(clock)
    assert site.now() == "2024-05-01T12:00:00Z"
    assert clock.waits == [7.0, 7.0]
    assert site.requests == 3


def test_maxlag_seen_by_mwclient_in_the_lag_header_is_retried_our_way(
        api: FakeApi, clock: FakeClock) -> None:
    lagged = (200, {"X-Database-Lag": "12", "Retry-After": "12"}, json.dumps(LAG))
    api.on("query", lagged, NOW)
    assert make_site(clock).now() == "2024-05-01T12:00:00Z"
    assert clock.waits == [12.0]


def test_maxlag_without_retry_after_backs_off_exponentially(
        api: FakeApi, clock: FakeClock) -> None:
    api.on("query", LAG, LAG, LAG, NOW)
    make_site(clock).now()
    assert clock.waits == [1.0, 2.0, 4.0]


def test_backoff_adds_jitter_and_is_capped_at_60_seconds(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", (503, {}, "Service Unavailable"))
    site = MediaWikiSite(API, sleep=clock.sleep, jitter=lambda: 1.0, max_retries=8)
    with pytest.raises(WikiError):
        site.now()
    assert clock.waits == [1.25, 2.5, 5.0, 10.0, 20.0, 40.0, 60.0, 60.0]


def test_every_request_carries_maxlag_and_the_user_agent(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", NOW)
    make_site(clock, maxlag=3).now()
    (_, params, headers), = api.calls
    assert params["maxlag"] == "3"
    import mwclient

    assert headers["User-Agent"] == default_user_agent(API, "Movibot@movibot")
    assert headers["User-Agent"] == (
        f"movibot/0.1.0 ({API.rsplit('/', 1)[0]}/index.php?title=Utilisateur:Movibot; "
        f"+https://github.com/movilab/movibot) mwclient/{mwclient.__version__}")


@pytest.mark.parametrize(("agent", "contact"), [
    ("movibot (+https://movilab.org; moi@example.org)", True), ("movibot moi@example.org", True),
    ("movibot (https://movilab.org/wiki/Utilisateur:Movibot)", True), ("movibot", False),
    ("movibot/0.1 (Movilab bot)", False), ("movibot @ home", False),
], ids=["url-and-mail", "mail", "url", "bare", "words", "lone-at"])
def test_a_user_agent_has_a_contact_when_it_names_a_mail_or_a_url(agent: str, contact: bool
                                                                  ) -> None:
    assert has_contact(agent) is contact


def test_editing_with_a_user_agent_without_contact_is_refused_in_one_line(
        api: FakeApi, clock: FakeClock) -> None:
    from movibot.errors import ConfigError

    site = make_site(clock, user_agent="movibot/0.1 (Movilab bot)")
    with pytest.raises(ConfigError, match=r"^user_agent: 'movibot/0.1 \(Movilab bot\)' names no "
                                          r"contact; editing a live wiki needs one"):
        site.login()
    assert api.calls == []  # refused before any request


def test_a_configured_user_agent_is_sent(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", NOW)
    make_site(clock, user_agent="movibot (+https://movilab.org; moi@example.org)").now()
    assert api.calls[0][2]["User-Agent"] == "movibot (+https://movilab.org; moi@example.org)"


@pytest.mark.parametrize("status", [429, 503])
def test_http_429_and_503_wait_the_retry_after(
        api: FakeApi, clock: FakeClock, status: int) -> None:
    api.on("query", (status, {"Retry-After": "30"}, "busy"), NOW)
    assert make_site(clock).now() == "2024-05-01T12:00:00Z"
    assert clock.waits == [30.0]


def test_gives_up_after_max_retries_naming_the_wiki(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", (502, {}, "Bad Gateway"))
    site = make_site(clock)
    with pytest.raises(WikiError) as raised:
        site.now()
    assert str(raised.value) == (
        "the wiki at http://wiki.test/api.php is lagged/overloaded: gave up after 5 retries")
    assert clock.waits == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert site.requests == 6


def test_a_connection_error_is_retried_then_reported(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", requests.ConnectionError("refused"))
    site = make_site(clock, max_retries=2)
    with pytest.raises(WikiError) as raised:
        site.now()
    assert str(raised.value) == (
        "the wiki at http://wiki.test/api.php could not be reached: gave up after 2 retries")
    assert clock.waits == [1.0, 2.0]


def test_a_timeout_is_retried_then_reported(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", requests.ReadTimeout("slow"))
    with pytest.raises(WikiError) as raised:
        make_site(clock, max_retries=1).now()
    assert str(raised.value) == (
        "the wiki at http://wiki.test/api.php did not answer in time: gave up after 1 retry")


def test_a_timeout_then_an_answer_succeeds(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", requests.ReadTimeout("slow"), NOW)
    assert make_site(clock).now() == "2024-05-01T12:00:00Z"
    assert clock.waits == [1.0]


def test_a_non_json_answer_to_a_read_is_retried_then_succeeds(api: FakeApi, clock: FakeClock
                                                              ) -> None:
    api.on("query", (200, {}, "<html>Fatal error</html>"), (200, {}, '{"batchcomplete": tr'),
           NOW)
    site = make_site(clock)
    assert site.now() == "2024-05-01T12:00:00Z"
    assert (clock.waits, site.requests) == ([1.0, 2.0], 3)  # backed off as for a 5xx


def test_a_read_answered_malformed_through_every_retry_names_the_wiki(
        api: FakeApi, clock: FakeClock) -> None:
    api.on("query", (200, {}, "[1, 2]"))
    with pytest.raises(WikiError) as raised:
        make_site(clock).now()
    assert str(raised.value) == ("the wiki at http://wiki.test/api.php sent a malformed answer "
                                 "(not an object): gave up after 5 retries")
    assert clock.waits == [1.0, 2.0, 4.0, 8.0, 16.0]


def test_a_non_json_answer_to_an_edit_is_not_sent_again(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", (200, {}, '{"edit": {"result": "Succ'))
    with pytest.raises(WikiError) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        "the wiki at http://wiki.test/api.php sent a malformed answer (not JSON)")
    assert (clock.waits, api.keys().count("edit")) == ([], 1)  # it may have been saved


def test_http_404_is_not_retried(api: FakeApi, clock: FakeClock) -> None:
    api.on("query", (404, {}, "Not Found"))
    with pytest.raises(WikiError) as raised:
        make_site(clock).now()
    assert str(raised.value) == "the wiki at http://wiki.test/api.php answered HTTP 404"
    assert clock.waits == []


# -- writes -----------------------------------------------------------------------------


def test_ratelimited_edit_backs_off_and_retries(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("ratelimited"), error("ratelimited"), EDITED)
    new = make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert new.revid == 11
    assert clock.waits == [1.0, 2.0]
    assert len(api.params("edit")) == 3


def test_rate_limited_for_good_gives_up(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("ratelimited"))
    with pytest.raises(WikiError) as raised:
        make_site(clock, max_retries=3).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        "the wiki at http://wiki.test/api.php is rate-limiting the bot: gave up after 3 retries")


def test_the_edit_request_is_a_guarded_bot_edit(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", EDITED)
    new = make_site(clock).save(PAGE, "Nouveau texte\n", "résumé")
    (edit,) = api.params("edit")
    assert edit["assert"] == "bot" and edit["bot"] == "1" and edit["nocreate"]
    assert edit["baserevid"] == "10" and "basetimestamp" not in edit  # see _edit_params
    assert edit["token"] == "csrf-tok+\\" and edit["summary"] == "résumé"
    assert "createonly" not in edit
    assert new == Page(title="Lieu", text="Nouveau texte", revid=11,
                       timestamp="2024-05-02T08:00:00Z", pageid=3)


def test_a_missing_page_is_created_with_createonly(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", EDITED)
    make_site(clock).save(Page(title="Lieu", text="", exists=False), "Texte", "création")
    (edit,) = api.params("edit")
    assert edit["createonly"] and "nocreate" not in edit and "basetimestamp" not in edit


def test_badtoken_refetches_the_token_once(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("csrf-token", {"query": {"tokens": {"csrftoken": "fresh-tok+\\"}}})
    api.on("edit", error("badtoken"), EDITED)
    assert make_site(clock).save(PAGE, "Nouveau texte", "résumé").revid == 11
    assert [e["token"] for e in api.params("edit")] == ["csrf-tok+\\", "fresh-tok+\\"]


def test_badtoken_twice_is_an_error(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("badtoken", "Invalid CSRF token."))
    with pytest.raises(WikiError) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        "could not save Lieu on http://wiki.test/api.php: badtoken: Invalid CSRF token.")
    assert len(api.params("edit")) == 2


@pytest.mark.parametrize("code", ["assertbotfailed", "assertuserfailed", "notloggedin"])
def test_an_expired_session_logs_in_again_once(
        api: FakeApi, clock: FakeClock, code: str) -> None:
    logged_in(api).on("edit", error(code), EDITED)
    assert make_site(clock).save(PAGE, "Nouveau texte", "résumé").revid == 11
    assert api.keys().count("login") == 2
    assert api.keys()[-4:] == ["login", "userinfo", "csrf-token", "edit"]


def test_a_session_lost_again_after_login_is_the_accounts_refusal(api: FakeApi, clock: FakeClock
                                                                 ) -> None:
    logged_in(api).on("edit", error("assertbotfailed", "You are not a bot."))
    with pytest.raises(AccountRefused) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        "the account Movibot@movibot cannot write on http://wiki.test/api.php (assertbotfailed: "
        "You are not a bot.); check its rights, its BotPassword or its OAuth grant")
    assert api.keys().count("login") == 2


BLOCK = {"blockid": 1, "blockedby": "Admin", "blockreason": "Vandalisme",
         "blockexpiry": "infinite", "blockpartial": False}


@pytest.mark.parametrize("code", ["blocked", "autoblocked"])
def test_a_block_is_the_accounts_refusal_naming_who_why_and_until_when(
        api: FakeApi, clock: FakeClock, code: str) -> None:
    logged_in(api).on("edit", error(code, "You have been blocked from editing.",
                                    blockinfo=BLOCK))
    with pytest.raises(AccountRefused) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        f"the account Movibot@movibot is {code} on http://wiki.test/api.php by Admin: Vandalisme "
        "(expiry infinite); an administrator must lift the block before the next run")


def test_a_partial_block_refuses_the_page_only(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("blocked", "You have been blocked from editing this page.",
                                    blockinfo={**BLOCK, "blockpartial": True}))
    with pytest.raises(EditRefused) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == ("Lieu: http://wiki.test/api.php refuses the edit to this "
                                 "account: blocked (a partial block): Vandalisme")


@pytest.mark.parametrize(("rights", "refused"), [
    (["read", "writeapi"], AccountRefused),  # the edit right revoked: every page is refused
    (["read", "edit", "writeapi"], EditRefused),  # still allowed to edit: this page only
])
def test_permissiondenied_is_the_accounts_only_when_it_lost_the_edit_right(
        api: FakeApi, clock: FakeClock, rights: list[str], refused: type[Exception]) -> None:
    logged_in(api).on("edit", error("permissiondenied", "You do not have permission."))
    site = make_site(clock)
    site.login()
    api.queues["userinfo"].clear()
    api.on("userinfo", {"query": {"userinfo": {"name": "Movibot", "rights": rights}}})
    with pytest.raises(refused) as raised:
        site.save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == {
        AccountRefused: "the account Movibot@movibot may no longer edit http://wiki.test/api.php "
                        "(permissiondenied: You do not have permission.); give it back the edit "
                        "right (its groups, or its BotPassword's grants)",
        EditRefused: "Lieu: http://wiki.test/api.php refuses the edit to this account: "
                     "permissiondenied: You do not have permission."}[refused]


def test_readonly_raises_read_only_with_the_reason(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("readonly", "The wiki is in read-only mode.",
                                    readonlyreason="Maintenance du serveur"))
    with pytest.raises(ReadOnly) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        "the wiki at http://wiki.test/api.php is read-only: Maintenance du serveur")


def test_editconflict_raises_edit_conflict(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("editconflict", "Edit conflict."))
    with pytest.raises(EditConflict) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == ("Lieu: edit conflict on http://wiki.test/api.php: the page "
                                 "changed since it was read; not saved")


@pytest.mark.parametrize(("code", "what"), [("articleexists", "created"),
                                            ("missingtitle", "deleted"),
                                            ("pagedeleted", "deleted")])
def test_a_page_created_or_deleted_meanwhile_is_a_conflict(
        api: FakeApi, clock: FakeClock, code: str, what: str) -> None:
    logged_in(api).on("edit", error(code))
    with pytest.raises(EditConflict) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == (
        f"Lieu: the page was {what} on http://wiki.test/api.php since it was read; not saved")


def test_other_edit_errors_name_the_code_and_page(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", error("spamblacklist", "The text holds a blacklisted link."))
    with pytest.raises(WikiError) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == ("could not save Lieu on http://wiki.test/api.php: "
                                 "spamblacklist: The text holds a blacklisted link.")


def test_a_protection_refusal_is_edit_refused_naming_the_code(api: FakeApi, clock: FakeClock
                                                              ) -> None:
    from movibot.errors import EditRefused

    logged_in(api).on("edit", error("protectedpage", "This page has been protected."))
    with pytest.raises(EditRefused) as raised:
        make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert str(raised.value) == ("Lieu: http://wiki.test/api.php refuses the edit to this "
                                 "account: protectedpage: This page has been protected.")


def test_nochange_returns_the_page_unchanged(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api).on("edit", {"edit": {"result": "Success", "title": "Lieu", "nochange": True}})
    assert make_site(clock).save(PAGE, PAGE.text, "résumé") is PAGE


def test_a_refused_login_is_one_line_without_the_password(
        api: FakeApi, clock: FakeClock) -> None:
    api.on("login-token", {"query": {"tokens": {"logintoken": "login-tok+\\"}}})
    api.on("login", {"login": {"result": "Failed", "reason": "Nom d'utilisateur incorrect."}})
    with pytest.raises(LoginError) as raised:
        make_site(clock).login()
    assert str(raised.value) == ("login failed for Movibot@movibot on http://wiki.test/api.php: "
                                 "wrong username or password")


def test_an_account_without_the_bot_right_asserts_user(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api)
    api.queues["userinfo"] = deque([userinfo(["edit"])])
    api.on("edit", EDITED)
    make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    assert api.params("edit")[0]["assert"] == "user"


def test_a_wiki_older_than_1_35_gets_the_basetimestamp(api: FakeApi, clock: FakeClock) -> None:
    logged_in(api)
    api.queues["userinfo"] = deque([userinfo(["edit", "bot"], "MediaWiki 1.31.16")])
    api.on("edit", EDITED)
    make_site(clock).save(PAGE, "Nouveau texte", "résumé")
    (edit,) = api.params("edit")
    assert edit["basetimestamp"] == "2024-05-01T12:00:00Z" and edit["baserevid"] == "10"


def test_the_api_is_probed_at_w_and_root_when_the_page_has_no_edituri(
        clock: FakeClock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://wiki.test/", body="<html><head></head></html>")
        rsps.add(responses.GET, "http://wiki.test/w/api.php", status=404)
        rsps.add(responses.GET, "http://wiki.test/api.php", json={"query": {"general": {}}})
        rsps.add(responses.GET, "http://wiki.test/api.php", json=NOW)
        site = MediaWikiSite("http://wiki.test/", sleep=clock.sleep)
        assert site.now() == "2024-05-01T12:00:00Z"
    assert site.name == "http://wiki.test/api.php"
    assert site.requests == 4


def test_a_site_without_an_api_says_so(clock: FakeClock) -> None:
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, "http://wiki.test/", body="<html>pas un wiki</html>")
        rsps.add(responses.GET, "http://wiki.test/w/api.php", status=404)
        rsps.add(responses.GET, "http://wiki.test/api.php", status=404)
        with pytest.raises(WikiError) as raised:
            MediaWikiSite("http://wiki.test/", sleep=clock.sleep).now()
    assert str(raised.value) == ("no MediaWiki API found at http://wiki.test/ "
                                 "(no EditURI link, no /w/api.php, no /api.php)")
