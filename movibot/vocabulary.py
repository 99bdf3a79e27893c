"""The base of movibot's enums of words (statuses, severities, levels): members that are their
own string value in JSON, in f-strings and in comparisons ("edited" == Status.EDITED)."""

from __future__ import annotations

from enum import Enum


class Vocabulary(str, Enum):
    """A str Enum whose str() and format() give the value, as StrEnum does (Python 3.11+)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)
