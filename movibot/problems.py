"""Problems are data: what lint, parse and validation find, with where they found it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"

# Stable codes. The README lists them; tests assert them. Never renumber.
CODES: dict[str, tuple[str, str]] = {
    # code: (severity, short name)
    "E101": (ERROR, "missing-field"),
    "E102": (ERROR, "invalid-value"),
    "E103": (ERROR, "unreadable-value"),
    "E104": (ERROR, "not-in-choices"),
    "E105": (ERROR, "shares-sum"),
    "E106": (ERROR, "usable-exceeds-total"),
    "E107": (ERROR, "non-positive-surface"),
    "E108": (ERROR, "missing-template"),
    "E109": (ERROR, "missing-section"),
    "W110": (WARNING, "ambiguous-number"),
    "W111": (WARNING, "not-a-category"),
    "E201": (ERROR, "duplicate-parameter"),
    "W202": (WARNING, "unknown-parameter"),
    "W203": (WARNING, "duplicate-template"),
    "W204": (WARNING, "split-value"),
    "E301": (ERROR, "no-category"),
    "E401": (ERROR, "block-malformed"),
    "E402": (ERROR, "block-edited"),
    "W501": (WARNING, "broken-link"),
    "E601": (ERROR, "unreadable-file"),
    "W602": (WARNING, "malformed-wikitext"),
    "E603": (ERROR, "too-complex"),
    "E604": (ERROR, "rewritten-on-save"),
}


@dataclass(frozen=True)
class Problem:
    """One finding: a stable code, where it is (path, 1-based line and column) and a message."""

    code: str
    message: str
    path: str = ""
    line: int = 1
    col: int = 1
    field: str | None = None

    @property
    def severity(self) -> str:
        return CODES.get(self.code, (ERROR, ""))[0]

    @property
    def name(self) -> str:
        return CODES.get(self.code, (ERROR, "unknown"))[1]

    def format(self) -> str:
        """Ruff-like one line: `path:line:col: severity CODE message`."""
        return f"{self.path}:{self.line}:{self.col}: {self.severity} {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity
        d["name"] = self.name
        return d


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    """True when any problem is an error (warnings alone do not fail a lint)."""
    return any(p.severity == ERROR for p in problems)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset in text."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1
