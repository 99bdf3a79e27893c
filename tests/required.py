"""The one rule for tests that need a tool outside Python (MediaWiki, an extension, 7z,
chromium, mkdocs): skipped on a developer's machine without it, a failure under
MOVIBOT_REQUIRE_WIKI (CI installs them all and sets it), never a silent skip there."""

from __future__ import annotations

import os

import pytest


def require(reason: str | None) -> None:
    """Go on when `reason` is None (the tool is there); else fail under MOVIBOT_REQUIRE_WIKI
    (or CI), skip otherwise, saying why."""
    if reason is None:
        return
    if os.environ.get("MOVIBOT_REQUIRE_WIKI") or os.environ.get("CI"):
        pytest.fail(f"MOVIBOT_REQUIRE_WIKI is set but {reason}")
    pytest.skip(reason)
