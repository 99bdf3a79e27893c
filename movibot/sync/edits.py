"""What a plan is made of: Edits (the writes to make) and Outcomes (what happened to a page)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from movibot import __version__
from movibot.i18n import Msg
from movibot.problems import Problem
from movibot.sites.base import Page
from movibot.status import FAILED, STATUSES, Status

TASK = "movibot"
__all__ = ["FAILED", "STATUSES", "Status", "TASK", "Edit", "Outcome", "Plan"]


@dataclass(frozen=True)
class Edit:
    """One planned write: the page as read (the edit's base), its new text and the summary."""

    page: Page
    new: str
    summary: str
    bot: bool = True  # flagged as a bot edit (push of human text: False)

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def creates(self) -> bool:
        return not self.page.exists

    def diff(self) -> str:
        """Unified diff of the edit (old -> new), labelled with the title."""
        return unified_diff(self.page.text, self.new, self.title)


@dataclass(frozen=True)
class Outcome:
    """What happened (or would happen) to one page."""

    title: str
    status: Status
    problems: tuple[Problem, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class Plan:
    """Edits to make and the outcome already known for pages that need none."""

    edits: tuple[Edit, ...] = ()
    outcomes: tuple[Outcome, ...] = ()


def unified_diff(old: str, new: str, title: str) -> str:
    """A unified diff of two texts, `a/TITLE` -> `b/TITLE`."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{title}", f"b/{title}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def summary(action: str) -> Msg:
    """An edit summary naming the task and the version (written in the wiki's language)."""
    return Msg("{task} {version}: {action}", task=TASK, version=__version__, action=action)
