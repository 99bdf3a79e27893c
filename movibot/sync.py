"""Plan, then apply. `plan_page` / `plan_category` are pure: pages and records in, Edits out.
`apply_edits` is the only writer: politely (throttle, max edits, stop page, error streak).
"""

from __future__ import annotations

import difflib
import re
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
# Errors that make a record unfit to render: the page is reported `invalid` and left alone
# (E603: a page too complex to parse, whose fields were not read).
BLOCKING = frozenset({"E101", "E102", "E103", "E104", "E105", "E106", "E107", "E108", "E201",
                      "E603"})
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
    trap = save_transforms(page.text)
    if trap:
        return None, Outcome(page.title, "invalid", problems, trap)
    return Edit(page, new, summary("mise à jour de l'infobox")), Outcome(page.title, "edited",
                                                                          problems)


# What MediaWiki's pre-save transform rewrites in any saved text: signatures, substitutions,
# the pipe trick. A page read with one of them (an imported page, a page saved without the
# transform) would be rewritten outside the bot's block, under the bot's name, by its edit.
_TRANSFORMED = re.compile(r"~~~|\{\{\s*(?:safe)?subst\s*:|\[\[[^\[\]|\n]+\|\]\]", re.I)
_VERBATIM = re.compile(r"<!--.*?(?:-->|\Z)|<(nowiki|pre)\b[^>\n]{0,200}>.*?(?:</\1\s*>|\Z)",
                       re.I | re.S)


def save_transforms(text: str) -> str:
    """Why saving `text` would make MediaWiki rewrite it outside the movibot blocks (a `~~~~`
    signature, a `{{subst:…}}`, a pipe trick `[[…|]]` outside comments, nowiki and pre), or ""."""
    from movibot.blocks import find_blocks
    from movibot.problems import line_col

    spans = [(m.start(), m.end()) for m in _VERBATIM.finditer(text)]
    spans += [(b.start, b.end) for b in find_blocks(text)[0]]
    pieces, pos = [], 0
    for start, end in sorted(spans):
        if end > pos:
            start = max(start, pos)
            pieces += [text[pos:start], re.sub(r"[^\n]", " ", text[start:end])]
            pos = end
    masked = "".join(pieces) + text[pos:]
    found = _TRANSFORMED.search(masked)
    if not found:
        return ""
    line, col = line_col(text, found.start())
    return (f"line {line}:{col} holds {found.group(0)!r}, which MediaWiki rewrites on save "
            "(signature, substitution, pipe trick): an edit would change the page outside the "
            "bot's block under the bot's name; not edited")


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
    trap = save_transforms(page.text)
    if trap:
        return None, Outcome(page.title, "invalid", (), trap)
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
    every `stop_every` edits). After `max_edits` edits, a streak of errors, a read-only wiki, a
    refused login, a wiki unavailable after its retries or a stop page that cannot be read, the
    remaining pages are yielded as `not-done` (the message says why).
    """
    from movibot.errors import StopRequested, WikiError

    made = errors = attempts = 0
    halted = ""
    for edit in edits:
        if not halted and policy.max_edits is not None and made >= policy.max_edits:
            halted = f"max_edits ({policy.max_edits}) reached"
        if not halted and attempts % policy.stop_every == 0:
            try:
                if stop_requested():
                    raise StopRequested("the stop page asks the bot to halt")
            except WikiError as e:
                halted = f"the stop page could not be read: {e}"
        if halted:
            yield Outcome(edit.title, "not-done", (), halted)
            continue
        if attempts and policy.put_throttle:
            sleep(policy.put_throttle)
        attempts += 1
        outcome, saved, halted = _save(site, edit)
        if saved is not None:
            made, errors = made + 1, 0
            on_saved(edit, saved)
        elif outcome.status == "conflict":
            errors = 0
        elif outcome.status == "error":
            errors += 1
            if errors >= policy.max_consecutive_errors and not halted:
                halted = f"halted after {errors} consecutive errors"
        yield outcome


MERGED = ("saved, but the wiki merged it with an edit made since the page was read; "
          "the page is read again on the next run")


def _save(site: Any, edit: Edit) -> tuple[Outcome, Page | None, str]:
    """Save one edit: its outcome, the new revision (None when nothing was saved), and why the
    run must halt ("" to go on): a read-only wiki, a refused login, a wiki still unavailable
    after its retries (an error with `halts_run`)."""
    from movibot.errors import BotsExcluded, EditConflict, LoginError, ReadOnly, WikiError

    try:
        saved = site.save(edit.page, edit.new, edit.summary)
    except EditConflict as e:
        return Outcome(edit.title, "conflict", (), str(e)), None, ""
    except BotsExcluded as e:
        return Outcome(edit.title, "skipped-nobots", (), str(e)), None, ""
    except (ReadOnly, LoginError) as e:
        return Outcome(edit.title, "error", (), str(e)), None, str(e)
    except WikiError as e:  # a wiki that gave up after its retries halts the run too
        halt = str(e) if getattr(e, "halts_run", False) else ""
        return Outcome(edit.title, "error", (), str(e)), None, halt
    status = "created" if edit.creates else "edited"
    return Outcome(edit.title, status, (), MERGED if was_merged(edit, saved) else ""), saved, ""


def was_merged(edit: Edit, saved: Page) -> bool:
    """True when the saved revision is not the planned text: MediaWiki merged the edit with one
    made since the page was read (a nochange answer gives back the page as read: not merged)."""
    def stored(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()

    return saved != edit.page and stored(saved.text) != stored(edit.new)
