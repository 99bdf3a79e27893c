"""The pre-commit snippet of the maintainers' guide (docs/maintainers.md) names a hook this
repository declares and a rev it has (.ci/package-check then runs `pre-commit try-repo` with
exactly that rev and hook id)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def snippet() -> tuple[str, str]:
    done = subprocess.run([sys.executable, str(ROOT / ".ci" / "precommit-snippet"),
                           str(ROOT / "docs" / "maintainers.md")],
                          capture_output=True, text=True, check=True)
    rev, hook = done.stdout.split()
    return rev, hook


def test_the_snippets_hook_is_declared_by_the_repository() -> None:
    _, hook = snippet()
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook in [h["id"] for h in hooks]


def test_the_snippets_rev_is_a_branch_or_tag_of_the_repository() -> None:
    rev, _ = snippet()
    found = [subprocess.run(["git", "-C", str(ROOT), "rev-parse", "-q", "--verify",
                             f"{ref}^{{commit}}"], capture_output=True).returncode == 0
             for ref in (rev, f"origin/{rev}")]
    assert any(found), f"rev {rev} is not in the repository"
