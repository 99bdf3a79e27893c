"""The run report: counts per status, each page's problems, requests and edits; to_json()."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from movibot import __version__, i18n
from movibot.i18n import N_, Language, Msg, _, msg_n, translations, written
from movibot.problems import Problem
from movibot.status import Status
from movibot.sync.edits import FAILED, STATUSES, Outcome
from movibot.wikitext.escaping import escape


@dataclass
class Report:
    """Everything a run did; `exit_code` is 0 done, 1 some pages failed, 3 halted by stop page."""

    site: str
    dry_run: bool = False
    full: bool = False
    started: str | None = None
    duration: float = 0.0
    requests: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    halted: str | None = None
    stopped: bool = False
    interrupted: str | None = None  # the signal that stopped the run ("SIGTERM")
    notes: list[str] = field(default_factory=list)  # what the run did differently, and why
    io_error: str | None = None     # a file that could not be written (the state)
    login_refused: bool = False     # the run could not start: the wiki refused the login

    def counts(self) -> dict[Status, int]:
        """How many pages have each status, every run status listed (0 included)."""
        counts = dict.fromkeys(STATUSES, 0)
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return counts

    @property
    def edits(self) -> int:
        """Edits made (0 in a dry run, whatever was planned)."""
        if self.dry_run:
            return 0
        return sum(o.status in (Status.EDITED, Status.CREATED) for o in self.outcomes)

    def exit_code(self) -> int:
        """0 done (max_edits reached included), 1 some pages need a person or the run halted,
        3 stop page, 5 interrupted by a signal, 6 a file could not be written, 7 login refused."""
        if self.login_refused:
            return 7
        if self.io_error:
            return 6
        if self.interrupted:
            return 5
        if self.stopped:
            return 3
        halted = self.halted and not self.halted.startswith("max_edits")
        failed = any(o.status in FAILED for o in self.outcomes) or halted or self.problems
        return 1 if failed else 0

    def to_json(self) -> dict[str, Any]:
        """Stable machine output (keys documented in the README)."""
        return {
            "version": __version__,
            "site": self.site,
            "dry_run": self.dry_run,
            "full": self.full,
            "notes": list(self.notes),
            "started": self.started,
            "duration_s": round(self.duration, 3),
            "requests": self.requests,
            "edits": self.edits,
            "halted": self.halted,
            "stopped": self.stopped,
            "counts": self.counts(),
            "problems": [p.to_dict() for p in self.problems],
            "pages": [page_json(o) for o in self.outcomes],
            "exit_code": self.exit_code(),
        }

    def summary_line(self) -> str:
        """One line for the terminal, in the user's language: the non-zero counts, requests
        and edits."""
        language = i18n.current()  # English shows the statuses as JSON does
        parts = [f"{n} {status if language is Language.EN else Status(status).label(language)}"
                 for status, n in self.counts().items() if n]
        planned = sum(o.status in (Status.EDITED, Status.CREATED) for o in self.outcomes)
        args = {"counts": ", ".join(parts) or _("no pages"), "requests": self.requests,
                "seconds": f"{self.duration:.1f}"}
        line = (msg_n("{counts}; {requests} requests, would make {n} edit in {seconds} s",
                      "{counts}; {requests} requests, would make {n} edits in {seconds} s",
                      planned, **args) if self.dry_run else
                msg_n("{counts}; {requests} requests, made {n} edit in {seconds} s",
                      "{counts}; {requests} requests, made {n} edits in {seconds} s",
                      self.edits, **args))
        tail = Msg("; halted: {why}", why=self.halted) if self.halted else ""
        return i18n.text(line) + i18n.text(tail)

    def head_wikitext(self, language: Language = Language.FR) -> str:
        """The report page's head (in the wiki's language, values escaped): this run's date,
        whether it changed the wiki, and its counts."""
        n, started = self.edits, escape(self.started or "")
        first = (msg_n("Last run of movibot {version} that changed the wiki: {started} "
                       "({n} edit).",
                       "Last run of movibot {version} that changed the wiki: {started} "
                       "({n} edits).", n, version=__version__, started=started)
                 if n else Msg("Run of movibot {version} on {started}: no change to the wiki.",
                               version=__version__, started=started))
        header = translations(language).gettext(N_("! Status !! Pages"))
        lines = [first.render(language), "", '{| class="wikitable"', header]
        for status, count in self.counts().items():
            if count:
                lines += ["|-", f"| {escape(Status(status).label(language))} || {count}"]
        return "\n".join(lines) + "\n|}\n"


ATTENTION_HEADING = N_("Pages to look at:")


def attention_wikitext(attention: Sequence[tuple[str, str, str]],
                       language: Language = Language.FR) -> str:
    """The pages that need a person, linked, with the reason (in the wiki's language, values
    escaped); "" when there are none. `attention`: (title, status, reason)."""
    if not attention:
        return ""
    lines = ["", translations(language).gettext(ATTENTION_HEADING)]
    item = translations(language).gettext(N_("* [[:{title}]]: {status}"))
    lines += [item.format(
                  title=title, status=escape(Status(status).label(language)))
              + (f" ({escape(why)})" if why else "") for title, status, why in sorted(attention)]
    return "\n".join(lines) + "\n"


def report_block(report: Report, current: str | None,
                 attention: Sequence[tuple[str, str, str]] | None = None,
                 language: Language = Language.FR) -> str:
    """The content of the report page's `rapport` block, in the wiki's language: a head, then
    every page that needs a person (`attention`; by default this run's pages).

    The head is the last run that changed the wiki (its date and counts): this run's when it
    made an edit or the block is new, else the head `current` already shows. So a run that
    changes nothing leaves the block as it is (the page is not edited: a quiet night is no
    edit in recent changes), unless the pages that need a person changed; and the counts
    shown are never those of a run that only read."""
    if attention is None:
        attention = [(o.title, o.status, reason(o, language)) for o in report.outcomes
                     if o.status in FAILED]
    if report.edits or current is None:
        head = report.head_wikitext(language)
    else:
        heading = translations(language).gettext(ATTENTION_HEADING)
        head = current.replace("\r\n", "\n").split(f"\n\n{heading}\n", 1)[0]
        head = head.rstrip("\n") + "\n"
    return head + attention_wikitext(attention, language)


def reason(outcome: Outcome, language: Language = Language.FR) -> str:
    """Why a page needs a person, in the wiki's language: the outcome's message, else its
    first blocking problem."""
    if outcome.message:
        return written(outcome.message, language)
    first = next((p for p in outcome.problems if p.severity == "error"), None)
    return written(first.headline, language) if first else ""


def page_json(outcome: Outcome) -> dict[str, Any]:
    """One entry of the report's `pages`."""
    return {"title": outcome.title, "status": outcome.status, "message": outcome.message,
            "problems": [p.to_dict() for p in outcome.problems]}
