"""An in-memory MediaWiki api.php for `responses`: enough of the API for a whole `movibot run`
(login, tokens, siteinfo, page and category reads, recent changes, guarded edits), so that faults
a real wiki cannot easily produce (maxlag storms, 429 with Retry-After, sessions expiring) can be
played at the run level, fast and without sleeping.

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeWiki(rsps, {"Lieu": "…"})
        fake.fault = lambda call: (200, {"Retry-After": "5"}, json.dumps(LAG)) if … else None
        … movibot run --site http://wiki.test/api.php …
        fake.texts()    # {title: text} of every page

`fault(call)` sees every request (a Call: kind, params, and how many edits were saved so far)
and returns None to let the wiki answer, or an answer (dict or (status, headers, body)).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import responses

API = "http://wiki.test/api.php"
BOT, BOT_PASSWORD = "Movibot@movibot", "fake-bot-password-0123456789abcdef"
CATEGORY_LINK = re.compile(r"\[\[\s*(?:Catégorie|Category)\s*:\s*([^\]|]+)", re.I)
Answer = Any


@dataclass(frozen=True)
class Call:
    """One request as the fake saw it: its kind (login-token, csrf-token, login, userinfo,
    edit, query), its parameters, and the number of edits saved before it."""

    kind: str
    params: dict[str, str]
    edits: int


def error(code: str, info: str = "", **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "info": info or code, **extra}}


@dataclass
class Revision:
    revid: int
    text: str
    timestamp: str
    user: str


@dataclass
class FakeWiki:
    """The wiki: pages as revision lists, sessions, recent changes, a clock ticking per edit."""

    rsps: responses.RequestsMock
    seed: dict[str, str] = field(default_factory=dict)
    fault: Callable[[Call], Answer | None] = lambda call: None
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pages: dict[str, list[Revision]] = {}
        self.sessions: set[str] = set()
        self.changes: list[tuple[str, str, str]] = []  # (timestamp, title, user)
        self.tick, self.revid, self.edits = 0, 0, 0
        for title, text in self.seed.items():
            self._store(canonical(title), text, "Admin", logged=False)
        for method in (responses.GET, responses.POST):
            self.rsps.add_callback(method, API, callback=self)

    # -- state ---------------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        return {t: revs[-1].text for t, revs in sorted(self.pages.items())}

    def expire_sessions(self) -> None:
        self.sessions.clear()

    def now(self) -> str:
        return f"2024-05-01T12:{self.tick // 60:02d}:{self.tick % 60:02d}Z"

    def edit_as_human(self, title: str, text: str) -> None:
        self._store(canonical(title), text, "Humain")

    def delete(self, title: str) -> None:
        """Delete a page, as an admin would (a log entry in the recent changes)."""
        self.tick += 1
        del self.pages[canonical(title)]
        self.changes.append((self.now(), canonical(title), "Admin"))

    def _store(self, title: str, text: str, user: str, logged: bool = True) -> Revision:
        self.tick += 1
        self.revid += 1
        rev = Revision(self.revid, text.rstrip(), self.now(), user)
        self.pages.setdefault(title, []).append(rev)
        if logged:
            self.changes.append((rev.timestamp, title, user))
        return rev

    # -- requests ------------------------------------------------------------------------

    def __call__(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = dict(parse_qsl(urlsplit(str(request.url)).query))
        body = request.body or ""
        params.update(parse_qsl(body.decode() if isinstance(body, bytes) else str(body)))
        call = Call(kind(params), params, self.edits)
        self.calls.append(call)
        faulty = self.fault(call)
        if faulty is not None:
            return faulty if isinstance(faulty, tuple) else (200, {}, json.dumps(faulty))
        cookie = request.headers.get("Cookie", "")
        session = next((c.split("=", 1)[1] for c in cookie.split("; ")
                        if c.startswith("fakewiki_session=")), "")
        answer, headers = self._answer(call, session)
        return 200, headers, json.dumps(answer)

    def _answer(self, call: Call, session: str) -> tuple[dict[str, Any], dict[str, str]]:
        p = call.params
        if call.kind in ("login-token", "csrf-token"):
            name = call.kind.split("-")[0]
            return {"query": {"tokens": {f"{name}token": f"{name}-{session or 'anon'}+\\"}}}, {}
        if call.kind == "login":
            if (p.get("lgname"), p.get("lgpassword")) != (BOT, BOT_PASSWORD):
                return {"login": {"result": "Failed", "reason": "Incorrect password"}}, {}
            new = secrets.token_hex(8)
            self.sessions.add(new)
            return ({"login": {"result": "Success", "lgusername": "Movibot"}},
                    {"Set-Cookie": f"fakewiki_session={new}; path=/"})
        if call.kind == "userinfo":
            rights = (["edit", "createpage", "bot", "apihighlimits"] if session in self.sessions
                      else ["read"])
            name = "Movibot" if session in self.sessions else "127.0.0.1"
            return {"query": {"userinfo": {"name": name, "rights": rights},
                              "general": {"generator": "MediaWiki 1.39.6"}}}, {}
        if call.kind == "edit":
            return self._edit(p, session), {}
        return self._query(p), {}

    def _query(self, p: dict[str, str]) -> dict[str, Any]:
        answer: dict[str, Any] = {"batchcomplete": True, "curtimestamp": self.now()}
        if p.get("list") == "recentchanges":
            start = p.get("rcstart", "")
            answer["query"] = {"recentchanges": [
                {"title": t, "timestamp": ts, "type": "edit", "ns": ns(t)}
                for ts, t, user in self.changes
                if ts >= start and user != p.get("rcexcludeuser")]}
        elif p.get("generator") == "categorymembers":
            cat = canonical(p["gcmtitle"]).split(":", 1)[1]
            answer["query"] = {"pages": [self._page(t) for t in self.pages
                                         if cat in categories(self.pages[t][-1].text)]}
        elif "titles" in p:
            asked = p["titles"].split("|")
            normalized = [{"from": t, "to": canonical(t)} for t in asked if canonical(t) != t]
            answer["query"] = {"normalized": normalized,
                               "pages": [self._page(canonical(t)) for t in asked]}
        return answer

    def _page(self, title: str) -> dict[str, Any]:
        revs = self.pages.get(title)
        if not revs:
            return {"title": title, "ns": ns(title), "missing": True}
        rev = revs[-1]
        return {"pageid": 1000 + sorted(self.pages).index(title), "ns": ns(title),
                "title": title, "revisions": [{"revid": rev.revid, "timestamp": rev.timestamp,
                                               "slots": {"main": {"content": rev.text}}}]}

    def _edit(self, p: dict[str, str], session: str) -> dict[str, Any]:
        if session not in self.sessions:
            return error("assertbotfailed", "You are not a bot.")
        if p.get("token") != f"csrf-{session}+\\":
            return error("badtoken", "Invalid CSRF token.")
        title = canonical(p["title"])
        current = self.pages.get(title)
        if p.get("createonly") and current:
            return error("articleexists", "The article you tried to create has been created.")
        if p.get("nocreate") and not current:
            return error("missingtitle", "The page you specified doesn't exist.")
        if current and p.get("baserevid") and int(p["baserevid"]) != current[-1].revid:
            return error("editconflict", "Edit conflict.")
        old = current[-1].revid if current else 0
        rev = self._store(title, p["text"], "Movibot")
        self.edits += 1
        return {"edit": {"result": "Success", "title": title, "pageid": 1, "oldrevid": old,
                         "newrevid": rev.revid, "newtimestamp": rev.timestamp}}


def kind(params: dict[str, str]) -> str:
    """Which part of the API a request calls."""
    if params.get("meta") == "tokens":
        return f"{params.get('type', 'csrf')}-token"
    if "userinfo" in params.get("meta", ""):
        return "userinfo"
    return params.get("action", "")


def canonical(title: str) -> str:
    """`Category:X` and `catégorie:x` as `Catégorie:X`; spaces for underscores."""
    title = " ".join(title.replace("_", " ").split())
    head, sep, rest = title.partition(":")
    if sep and head.lower() in ("category", "catégorie"):
        return f"Catégorie:{rest.strip()[:1].upper()}{rest.strip()[1:]}"
    return title[:1].upper() + title[1:]


def ns(title: str) -> int:
    head = title.split(":", 1)[0] if ":" in title else ""
    return {"Catégorie": 14, "Utilisateur": 2}.get(head, 0)


def categories(text: str) -> set[str]:
    return {canonical("Catégorie:" + m.group(1)).split(":", 1)[1]
            for m in CATEGORY_LINK.finditer(text)}
