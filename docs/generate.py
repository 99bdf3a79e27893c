"""Write the documents made from movibot's registries: in README.md the table of lint codes, the
list of field types and the table of configuration keys, docs/problems.md (movibot/problems.py),
docs/types.md (movibot/records/types.py) and docs/configuration.md (movibot/config.py's KEYS).

`python docs/generate.py` writes them; `python docs/generate.py --check` writes nothing and
exits 1, naming the files, when one differs (tests/test_docs_generated.py does the same).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from movibot.config import reference_page, reference_table  # noqa: E402
from movibot.problems import code_table, problems_page  # noqa: E402
from movibot.records.types import VALUE_TYPES, types_page  # noqa: E402

# The README's table of lint codes: from its header line to the first blank line.
_CODE_TABLE = re.compile(r"^\| code \| severity \| name \| meaning \|\n(?:\|.*\n)*", re.M)
# The README's table of configuration keys: from its header line to the first blank line.
_KEY_TABLE = re.compile(r"^\| key \| default \| meaning \|\n(?:\|.*\n)*", re.M)
# The field types in the README's Schemas section: type (`text number …`;
_TYPE_LIST = re.compile(r"type \(`[a-z ]+`;")


def readme(text: str) -> str:
    """README.md's text with its table of lint codes, its list of field types and its table
    of configuration keys made from the registries."""
    text = _CODE_TABLE.sub(lambda m: code_table(), text, count=1)
    text = _KEY_TABLE.sub(lambda m: reference_table(), text, count=1)
    return _TYPE_LIST.sub(lambda m: f"type (`{' '.join(VALUE_TYPES)}`;", text, count=1)


def documents(root: Path = ROOT) -> dict[Path, str]:
    """{path: the text it should have}, for every generated document."""
    path = root / "README.md"
    return {
        path: readme(path.read_text(encoding="utf-8")),
        root / "docs" / "problems.md": problems_page(),
        root / "docs" / "types.md": types_page(),
        root / "docs" / "configuration.md": reference_page(),
    }


def stale(root: Path = ROOT) -> list[Path]:
    """The generated documents whose text differs from what the registries give."""
    return [path for path, text in documents(root).items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str], root: Path = ROOT) -> int:
    """Write the documents under `root` (--check: only say which differ); the exit code."""
    if argv == ["--check"]:
        differ = stale(root)
        for path in differ:
            print(f"{path.relative_to(root)}: differs from the registry; run python "
                  "docs/generate.py", file=sys.stderr)
        return 1 if differ else 0
    if argv:
        print("usage: python docs/generate.py [--check]", file=sys.stderr)
        return 2
    for path, text in documents(root).items():
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
