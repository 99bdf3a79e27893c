"""The data the package carries: the bundled schemas and the embedded fiches/ site.

In the repository they are the top-level schemas/ and fiches/ folders; the wheel carries them as
the packages movibot.schemas and movibot.fiches (pyproject.toml maps them), so an installed
movibot finds them wherever it runs. `python -m movibot` from the root of a checkout imports the
movibot/ folder itself, without the editable install's mapping: then the top-level folders are
the ones read.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent  # the repository, when run from a checkout


def bundled_dir(name: str) -> Path:
    """The folder of the bundled `schemas` or `fiches` (a real folder, never a zip)."""
    try:
        return Path(str(files(f"movibot.{name}")))
    except ModuleNotFoundError:
        return CHECKOUT / name


def schema_dir() -> Path:
    return bundled_dir("schemas")


def fiches_dir() -> Path:
    return bundled_dir("fiches")
