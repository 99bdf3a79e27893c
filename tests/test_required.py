"""The rule for tests needing an outside tool: a failure in CI, a skip elsewhere."""

from __future__ import annotations

import pytest
from required import require


def test_a_missing_tool_fails_under_movibot_require_wiki(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOVIBOT_REQUIRE_WIKI", "1")
    with pytest.raises(pytest.fail.Exception, match="MOVIBOT_REQUIRE_WIKI is set but no 7z"):
        require("no 7z")


def test_a_missing_tool_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOVIBOT_REQUIRE_WIKI", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no 7z"):
        require("no 7z")
    require(None)  # the tool is there: nothing happens
