"""The one status vocabulary: what happened (or would happen) to a page or a file.

Shared by the plan, the writer, the report (its JSON and the French report page), the state
(the pages that need a person) and pull, diff and push. The values are the strings the JSON
output and the state file show; they never change.
"""

from __future__ import annotations

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

    @property
    def label_fr(self) -> str:
        """How the French report page names the status."""
        return LABELS_FR.get(self, self.value)

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

LABELS_FR = {
    Status.EDITED: "modifiées", Status.CREATED: "créées", Status.UNCHANGED: "inchangées",
    Status.SKIPPED_NOBOTS: "exclues ({{nobots}})", Status.BLOCK_EDITED: "bloc modifié à la main",
    Status.BLOCK_MALFORMED: "bloc mal formé", Status.INVALID: "invalides",
    Status.CONFLICT: "conflits", Status.ERROR: "erreurs", Status.NOT_DONE: "non traitées",
    Status.REDIRECT: "redirections",
    Status.PROTECTED: "protégées (le robot ne peut pas les modifier)",
    Status.SHRINK_REFUSED: "tableaux non écrits (trop de lignes perdues)",
}
