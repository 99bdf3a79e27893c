"""movibot: a wiki bot and documentation-sync tool for Movilab (movilab.org)."""

from __future__ import annotations

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/movilab/movibot"
