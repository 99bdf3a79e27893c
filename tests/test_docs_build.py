"""The documentation site (mkdocs.yml, docs/) builds in strict mode, where a link to a missing
page or heading fails the build, and the README stays a short entry whose links resolve."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from required import require

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mkdocs() -> None:
    """mkdocs (the [test] extra): skipped when missing, a failure under MOVIBOT_REQUIRE_WIKI."""
    require(None if importlib.util.find_spec("mkdocs") else
            "no mkdocs, the docs cannot be built: pip install -e '.[test]'")


def build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """`python -m mkdocs build --strict` of the project at `root` into `site`."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(site)], cwd=root, capture_output=True, text=True)


def test_the_docs_build_in_strict_mode(mkdocs: None, tmp_path: Path) -> None:
    done = build(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    for page in ("operators", "maintainers", "contributors", "cli", "problems", "schemas"):
        assert (tmp_path / "site" / page / "index.html").is_file()


@pytest.mark.parametrize("link", ["[x](nowhere.md)", "[x](operators.md#no-such-heading)",
                                  "[x](../README.md)"], ids=["page", "heading", "outside"])
def test_a_broken_link_fails_the_build(mkdocs: None, tmp_path: Path, link: str) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    with (tmp_path / "docs" / "index.md").open("a", encoding="utf-8") as index:
        index.write(f"\n{link}\n")
    done = build(tmp_path, tmp_path / "site")
    assert done.returncode == 1
    target = link.split("(", 1)[1].rstrip(")")
    assert f"contains a link '{target}'" in done.stderr


def test_a_page_missing_from_the_nav_fails_the_build(mkdocs: None, tmp_path: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "docs" / "stray.md").write_text("# Stray\n", encoding="utf-8")
    done = build(tmp_path, tmp_path / "site")
    assert done.returncode == 1 and "stray.md" in done.stderr


def test_the_readme_is_short_and_its_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    assert "\n## Set-up: two commands\n" in readme
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    local = [link for link in links if not link.startswith("https://")]
    assert {"docs/operators.md", "docs/maintainers.md", "docs/contributors.md",
            "docs/cli.md"} <= set(local)
    assert [link for link in local if not (ROOT / link).is_file()] == []
