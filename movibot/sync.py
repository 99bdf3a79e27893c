"""Plan, then apply. `plan_page` / `plan_category` are pure: pages and records in, Edits out.
`apply_edits` is the only writer: politely (throttle, max edits, stop page, error streak).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from movibot import __version__
from movibot.blocks import replace_block
from movibot.costmodel import CostResult
from movibot.errors import BlockEdited, BlockMalformed
from movibot.exclusion import bots_allowed
from movibot.pages import Page
from movibot.problems import Problem
from movibot.record import Record
from movibot.render import render_category_page, render_infobox, render_members
from movibot.schema import Schema

TASK = "movibot"
# Errors that make a record unfit to render: the page is reported `invalid` and left alone.
BLOCKING = frozenset({"E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E201"})
STATUSES = ("edited", "created", "unchanged", "skipped-nobots", "block-edited", "block-malformed",
            "invalid", "conflict", "error", "not-done")
FAILED = frozenset({"block-edited", "block-malformed", "invalid", "conflict", "error"})


@dataclass(frozen=True)
class Edit:
    """One planned write: the page as read (the edit's base), its new text and the summary."""

    page: Page
    new: str
    summary: str

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
    status: str
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


def summary(action: str) -> str:
    """A French edit summary naming the task and the version."""
    return f"{TASK} {__version__} : {action}"


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.code in BLOCKING]


def plan_page(
    page: Page, record: Record, schema: Schema, costs: CostResult | None, *, user: str,
    force: bool = False,
) -> tuple[Edit | None, Outcome]:
    """The infobox edit for a lieu or fiche page, or why there is none."""
    problems = record.problems
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, "skipped-nobots", problems)
    if blocking(problems):
        return None, Outcome(page.title, "invalid", problems)
    content = render_infobox(page.title, record.fields, schema, costs)
    try:
        new = replace_block(page.text, "infobox", content, anchor=record.template_end, force=force)
    except BlockEdited as e:
        return None, Outcome(page.title, "block-edited", problems, str(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, "block-malformed", problems, str(e))
    if new == page.text:
        return None, Outcome(page.title, "unchanged", problems)
    return Edit(page, new, summary("mise à jour de l'infobox")), Outcome(page.title, "edited",
                                                                          problems)


@dataclass(frozen=True)
class CategorySpec:
    """A category the bot maintains: how to describe it when it creates it, and its members."""

    name: str
    description: str
    kind: str | None = None            # "lieu"/"fiche": has a members table of that kind
    portal: str | None = None
    parent: str | None = None
    rows: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)


def plan_category(page: Page, spec: CategorySpec, *, user: str, force: bool = False
                  ) -> tuple[Edit | None, Outcome]:
    """Create the category page when missing, else refresh its `membres` block."""
    members = render_members(spec.rows, spec.kind) if spec.kind else ""
    if not page.exists:
        from movibot.blocks import make_block

        block = make_block("membres", members) if spec.kind else ""
        text = render_category_page(spec.description, spec.portal, spec.parent, block)
        return (Edit(page, text, summary("création de la catégorie")),
                Outcome(page.title, "created"))
    if not spec.kind:
        return None, Outcome(page.title, "unchanged")
    if not bots_allowed(page.text, user, TASK):
        return None, Outcome(page.title, "skipped-nobots")
    try:
        new = replace_block(page.text, "membres", members, anchor=len(page.text.rstrip()),
                            force=force)
    except BlockEdited as e:
        return None, Outcome(page.title, "block-edited", (), str(e))
    except BlockMalformed as e:
        return None, Outcome(page.title, "block-malformed", (), str(e))
    if new == page.text:
        return None, Outcome(page.title, "unchanged")
    return (Edit(page, new, summary("mise à jour de la liste des membres")),
            Outcome(page.title, "edited"))


def order_edits(edits: Sequence[Edit]) -> Iterator[Edit]:
    """Pages first, then category pages, each in title order: a stable, resumable order."""
    yield from sorted(edits, key=lambda e: (e.page.ns == 14, e.title))


Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Politeness:
    """How gently edits are made: seconds between edits, caps, and when to look at the stop page."""

    put_throttle: float = 10.0
    max_edits: int | None = None
    stop_every: int = 10
    max_consecutive_errors: int = 5


def apply_edits(
    site: Any,
    edits: Sequence[Edit],
    policy: Politeness,
    *,
    stop_requested: Callable[[], bool],
    on_saved: Callable[[Edit, Page], None],
    sleep: Sleep,
) -> Iterator[Outcome]:
    """Make the edits in order, yielding each outcome. The only place that writes to a site.

    Raises StopRequested when the stop page asks to halt (checked before the first edit and
    every `stop_every` edits). After `max_edits` edits, or a streak of errors, or a read-only
    wiki, the remaining pages are yielded as `not-done`.
    """
    from movibot.errors import BotsExcluded, EditConflict, ReadOnly, StopRequested, WikiError

    made = errors = attempts = 0
    halted = ""
    for edit in edits:
        if halted:
            yield Outcome(edit.title, "not-done", (), halted)
            continue
        if policy.max_edits is not None and made >= policy.max_edits:
            halted = f"max_edits ({policy.max_edits}) reached"
            yield Outcome(edit.title, "not-done", (), halted)
            continue
        if attempts % policy.stop_every == 0 and stop_requested():
            raise StopRequested("the stop page asks the bot to halt")
        if attempts and policy.put_throttle:
            sleep(policy.put_throttle)
        attempts += 1
        try:
            saved = site.save(edit.page, edit.new, edit.summary)
        except EditConflict as e:
            errors = 0
            yield Outcome(edit.title, "conflict", (), str(e))
            continue
        except BotsExcluded as e:
            yield Outcome(edit.title, "skipped-nobots", (), str(e))
            continue
        except ReadOnly as e:
            halted = str(e)
            yield Outcome(edit.title, "error", (), halted)
            continue
        except WikiError as e:
            errors += 1
            yield Outcome(edit.title, "error", (), str(e))
            if errors >= policy.max_consecutive_errors:
                halted = f"halted after {errors} consecutive errors"
            continue
        made += 1
        errors = 0
        on_saved(edit, saved)
        yield Outcome(edit.title, "created" if edit.creates else "edited")
