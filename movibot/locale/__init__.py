"""gettext catalogs: <lang>/LC_MESSAGES/movibot.po, compiled to .mo when the package is built
(setup.py calls `compile_catalogs`; so does the test suite when a .po is newer than its .mo)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def compile_catalogs(target: Path = HERE) -> list[Path]:
    """Compile every catalog of this folder into `target` (the same layout), with Babel (a
    build and test dependency, never needed at run time). Returns the .mo files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(HERE.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(HERE).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source:
            catalog = read_po(source)
        with mo.open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def stale() -> bool:
    """True when a catalog's .mo is missing or older than its .po (a checkout after a pull)."""
    for po in HERE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            return True
    return False
