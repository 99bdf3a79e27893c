"""The one status vocabulary: what happened (or would happen) to a page or a file.

Shared by the plan, the writer, the report (its JSON and the French report page), the state
(the pages that need a person) and pull, diff and push. The values are the strings the JSON
output and the state file show; they never change.
"""

from __future__ import annotations

from movibot.i18n import N_, Language, translations
from movibot.vocabulary import Vocabulary


class Status(Vocabulary):
    """A page's or a file's status. `str(status)` and f-strings give the value."""

    # a page of a run (the plan, then the writer)
    EDITED = "edited"
    CREATED = "created"
    UNCHANGED = "unchanged"
    SKIPPED_NOBOTS = "skipped-nobots"
    BLOCK_EDITED = "block-edited"
    BLOCK_MALFORMED = "block-malformed"
    INVALID = "invalid"
    CONFLICT = "conflict"
    ERROR = "error"
    NOT_DONE = "not-done"
    REDIRECT = "redirect"
    PROTECTED = "protected"
    SHRINK_REFUSED = "shrink-refused"
    # a file of pull, diff and push
    PULLED = "pulled"
    MERGED = "merged"
    KEPT_LOCAL = "kept-local"
    PUSHED = "pushed"
    DELETED_ON_WIKI = "deleted-on-wiki"
    RENAMED_LOCALLY = "renamed-locally"
    REFUSED = "refused"
    WOULD_PUSH = "would-push"
    WOULD_MERGE = "would-merge"
    CHANGED = "changed"

    def label(self, language: Language) -> str:
        """How the report page names the status, in the wiki's language."""
        return translations(language).gettext(LABELS.get(self, self.value))

    @property
    def needs_person(self) -> bool:
        """True when a person must look at the page (a run's FAILED, push's PUSH_FAILED)."""
        return self in FAILED or self in PUSH_FAILED


# A run's statuses, in the order the report counts them.
STATUSES = (Status.EDITED, Status.CREATED, Status.UNCHANGED, Status.SKIPPED_NOBOTS,
            Status.BLOCK_EDITED, Status.BLOCK_MALFORMED, Status.INVALID, Status.CONFLICT,
            Status.ERROR, Status.NOT_DONE, Status.REDIRECT, Status.PROTECTED,
            Status.SHRINK_REFUSED)
# A run's pages that need a person (kept in the state, listed on the report page; exit 1).
FAILED = frozenset({Status.BLOCK_EDITED, Status.BLOCK_MALFORMED, Status.INVALID,
                    Status.CONFLICT, Status.ERROR, Status.PROTECTED, Status.SHRINK_REFUSED})
# Push's files that need a person (exit 1).
PUSH_FAILED = frozenset({Status.CONFLICT, Status.INVALID, Status.DELETED_ON_WIKI,
                         Status.RENAMED_LOCALLY, Status.REFUSED, Status.ERROR, Status.NOT_DONE})
# A write that was made.
WRITTEN = frozenset({Status.EDITED, Status.CREATED})

LABELS = {  # English; the catalogs translate them (French: the report page on Movilab)
    Status.EDITED: N_("edited"), Status.CREATED: N_("created"),
    Status.UNCHANGED: N_("unchanged"), Status.SKIPPED_NOBOTS: N_("excluded ({{nobots}})"),
    Status.BLOCK_EDITED: N_("block edited by hand"), Status.BLOCK_MALFORMED: N_("malformed block"),
    Status.INVALID: N_("invalid"), Status.CONFLICT: N_("conflicts"), Status.ERROR: N_("errors"),
    Status.NOT_DONE: N_("not done"), Status.REDIRECT: N_("redirects"),
    Status.PROTECTED: N_("protected (the bot cannot edit them)"),
    Status.SHRINK_REFUSED: N_("tables not written (too many rows lost)"),
}
