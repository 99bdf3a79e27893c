"""Keep secrets (passwords, tokens, cookies) out of log records and messages.

`redact(text, secrets)` blanks the given secrets (also URL- and JSON-encoded) and whatever
follows a secret-looking key: `lgpassword=…`, `token=…`, `"csrftoken": "…"`, `Cookie: …`.
`FILTER` is a logging.Filter holding the secrets registered with `register()`; `install()` puts
it on the `movibot`, `mwclient`, `urllib3` and `requests` loggers (and their children), where it
rewrites each record's message and traceback before any handler sees them.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "***"
MIN_SECRET_LENGTH = 4  # shorter strings (the anonymous token "+\\") would blank ordinary text
LOGGERS = ("movibot", "mwclient", "urllib3", "requests")

_COOKIE = re.compile(r"(?i)\b((?:set-)?cookie['\"]?\s*[:=]\s*['\"]?)[^\r\n'\"]+")
_KEYED = re.compile(
    r"""(?ix)
    \b(\w*(?:password|token|secret|session)|authorization)   # a secret-looking key
    (['"]?\s*[:=]\s*['"]?)                                   # = or ": " or ': '
    [^\s&'",;{}\[\]]+                                        # its value
    """
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with the secrets and the values of secret-looking keys replaced by ***."""
    for variant in _variants(secrets):
        text = text.replace(variant, REDACTED)
    text = _COOKIE.sub(lambda m: m.group(1) + REDACTED, text)
    return _KEYED.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)


def _variants(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may appear: raw, URL-encoded, JSON- and repr-escaped; longest first."""
    found: set[str] = set()
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            found.update(
                {secret, quote(secret, safe=""), quote_plus(secret),
                 json.dumps(secret)[1:-1], repr(secret)[1:-1]}
            )
    return sorted(found, key=len, reverse=True)


class RedactFilter(logging.Filter):
    """A logging filter that rewrites every record without the registered secrets."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        """Register secrets to blank from now on (None, empty and very short ones are ignored)."""
        self._secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (and traceback) redacted; always keep the record."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let logging report it as usual
            return True
        record.msg, record.args = redact(message, self._secrets), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


FILTER = RedactFilter()


def register(*secrets: str | None) -> None:
    """Add secrets to the shared FILTER (see RedactFilter.add)."""
    FILTER.add(*secrets)


def install(names: Iterable[str] = LOGGERS, log_filter: logging.Filter = FILTER) -> None:
    """Put the filter on the named loggers and on their existing children (idempotent)."""
    prefixes = tuple(names)
    existing = [n for n in logging.Logger.manager.loggerDict if n.startswith(prefixes)]
    for name in {*prefixes, *existing}:
        if name in prefixes or name.startswith(tuple(p + "." for p in prefixes)):
            logger = logging.getLogger(name)
            if log_filter not in logger.filters:
                logger.addFilter(log_filter)
