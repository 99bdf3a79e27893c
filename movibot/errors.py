"""Exceptions, named after the state they report. Everything raised on purpose is a MovibotError.

Problems found in content (a bad field, a missing category) are not exceptions: they are
`movibot.problems.Problem` values. Exceptions are for broken inputs and failed operations.
"""

from __future__ import annotations


class MovibotError(Exception):
    """Base of every error movibot raises on purpose; str(e) is one line for the user."""

    exit_code = 1


class UsageError(MovibotError):
    """Bad command-line input (a value out of range, an unreadable file)."""

    exit_code = 2


class ConfigError(UsageError):
    """movibot.yaml or a setting is wrong; the message names the key."""


class SchemaError(UsageError):
    """A schema file cannot be read or is not a valid schema."""


class StateError(UsageError):
    """The state file is corrupt or from a newer version."""


class WikiError(MovibotError):
    """The wiki answered with an error, or could not be reached; `requests`: how many requests
    the site had sent when it was raised (for the report of a run that could not start)."""

    requests = 0


class LoginError(WikiError):
    """Login failed (wrong password, unknown user, OAuth refused); never carries the password.
    Exit 7, distinct from a run that halted (1): nothing was read as the account."""

    exit_code = 7


class EditConflict(WikiError):
    """The page changed on the wiki since the revision the edit was based on."""


class EditRefused(WikiError):
    """The wiki refuses this page to this account (protection, cascading protection, missing
    rights): a refusal that recurs every run until a person acts, not a failure of the wiki."""


class BotsExcluded(WikiError):
    """The page excludes this bot ({{nobots}}, {{bots|deny=…}})."""


class ReadOnly(WikiError):
    """The wiki is read-only."""


class AccountRefused(WikiError):
    """The wiki refuses every edit by this account (blocked, its edit rights revoked, its bot
    session or OAuth grant gone): the next edit would be refused too, so a run halts at once."""


class BlockEdited(MovibotError):
    """A person edited the text inside a movibot block (its hash no longer matches)."""


class BlockMalformed(MovibotError):
    """A movibot block marker is missing, duplicated, unbalanced or out of order."""


class StopRequested(MovibotError):
    """The stop page asks the bot to halt."""

    exit_code = 3


class LockHeld(MovibotError):
    """Another movibot process is running on the same state (its pid, host and start time)."""

    exit_code = 4


class Interrupted(MovibotError):
    """A signal (SIGTERM, SIGINT) asked the run to stop; the state and report are written."""

    exit_code = 5


class IOFailure(MovibotError):
    """A file movibot must write (the state, the report) cannot be written: disk full,
    permissions. Distinct from usage errors (2)."""

    exit_code = 6
