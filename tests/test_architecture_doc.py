"""docs/architecture.md names only what exists: every path it gives is a file, every function it
names is defined in a module named beside it, and its import layers are the code's."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
PACKAGE = ROOT / "movibot"

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
# In the prose: a backticked path, and a backticked call (`read_page()`, `Site.save()`).
PROSE_PATH = re.compile(r"`((?:movibot|docs|tests)/[\w/]*\.py)`")
PROSE_CALL = re.compile(r"`(?:\w+\.)*(\w+)\(\)`")
# In a drawing: a path under movibot/ (`sync/run.py`), and a call (`run_job()`).
DRAWN_PATH = re.compile(r"(?<![\w/])((?:\w+/)*\w+\.py)\b")
DRAWN_CALL = re.compile(r"(?<![\w.])(\w+)\(\)")
# A new unit of prose starts at a blank line, a list item or a table row.
UNIT_START = re.compile(r"^\s*(?:$|- |\d+\. |\|)")
IMPORT = re.compile(r"^\s*(?:from|import)\s+movibot(?:\.(\w+))?\b", re.M)
# The one import that goes up, as the doc says: config.py takes SCHEMA_DIR from records/schema.py.
UPWARD: set[tuple[str, str]] = set()


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def prose_units(text: str) -> list[str]:
    """The prose outside drawings, cut into paragraphs, list items and table rows."""
    units: list[list[str]] = [[]]
    for line in FENCE.sub("", text).splitlines():
        if UNIT_START.match(line):
            units.append([])
        units[-1].append(line)
    return ["\n".join(u) for u in units if any(s.strip() for s in u)]


def defines(path: Path, name: str) -> bool:
    text = path.read_text(encoding="utf-8")
    return re.search(rf"^\s*(?:async\s+)?def {name}\(|^\s*class {name}\b", text, re.M) is not None


def owner(unit: str, call: re.Match[str], paths: list[re.Match[str]]) -> list[str]:
    """The paths a call is placed in: the one right after it (`f()` in `movibot/x.py`), else
    the last one before it, else (a call opening the unit) any of the unit's."""
    after = re.match(r"\s+in\s+`([^`]+)`", unit[call.end():])
    if after:
        return [after.group(1)]
    before = [p.group(1) for p in paths if p.end() <= call.start()]
    return before[-1:] or [p.group(1) for p in paths]


def misplaced(unit: str, path: re.Pattern[str], call: re.Pattern[str], base: Path) -> list[str]:
    """What a unit names wrongly: a path that is no file, a call its module does not define."""
    paths = list(path.finditer(unit))
    wrong = [f"no such file: {(base / p.group(1)).relative_to(ROOT)}" for p in paths
             if not (base / p.group(1)).is_file()]
    for c in call.finditer(unit):
        where = [base / name for name in owner(unit, c, paths)]
        if not any(w.is_file() and defines(w, c.group(1)) for w in where):
            shown = [str(w.relative_to(ROOT)) for w in where]
            wrong.append(f"{c.group(1)}() is not defined in {shown}: {unit.strip()[:80]!r}")
    return wrong


def test_every_path_and_function_the_prose_names_exists_where_it_says() -> None:
    wrong = []
    for unit in prose_units(doc()):
        wrong += misplaced(unit, PROSE_PATH, PROSE_CALL, ROOT)
    assert wrong == []


def test_every_module_and_function_the_drawings_name_exists_where_they_say() -> None:
    wrong = []
    for drawing in FENCE.findall(doc()):
        for line in drawing.splitlines():
            wrong += misplaced(line, DRAWN_PATH, DRAWN_CALL, PACKAGE)
    assert wrong == []


def layers() -> dict[str, int]:
    """{room: its layer, 0 the lowest} from the drawing under "Which way imports go"."""
    text = doc()
    drawing = FENCE.search(text, text.index("## Which way imports go"))
    assert drawing is not None
    rows = [row.split() for row in drawing.group(1).splitlines() if row.strip()]
    return {room: level for level, row in enumerate(reversed(rows)) for room in row}


def room_of(path: Path) -> str:
    """`sync/` for movibot/sync/run.py, `app.py` for movibot/app.py."""
    parts = path.relative_to(PACKAGE).parts
    return f"{parts[0]}/" if len(parts) > 1 else parts[0]


def imported_room(name: str | None) -> str:
    if name is None:
        return "__init__.py"
    return f"{name}/" if (PACKAGE / name).is_dir() else f"{name}.py"


def test_the_layers_hold_every_room_of_the_package_once() -> None:
    drawn = layers()
    rooms = {room_of(p) for p in PACKAGE.rglob("*.py")}
    assert sorted(drawn) == sorted(rooms)


def test_no_import_goes_up_the_layers() -> None:
    level = layers()
    upward = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        room = room_of(path)
        for name in IMPORT.findall(path.read_text(encoding="utf-8")):
            target = imported_room(name or None)
            if level[target] > level[room]:
                upward.add((room, target))
    assert upward == UPWARD
