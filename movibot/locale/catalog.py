"""The message catalogs' upkeep (needs Babel, a build and test dependency):

    python -m movibot.locale.catalog update   # extract every message, merge into each .po
    python -m movibot.locale.catalog check    # exit 1, one line per message, when a catalog
                                              # misses a message or its placeholders differ

Messages come from three places: the code (`_()`, `N_()`, `Msg()`, `msg_n()` calls, found by
Babel's extractor), the command line's help texts (read from click's commands, so options need no
marking), and the words of click's own that movibot's help and errors show (`CLICK_WORDS`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE = PACKAGE / "locale"
EPOCH = datetime(2026, 12, 7, tzinfo=timezone.utc)
KEYWORDS = {"_": None, "N_": None, "Msg": None, "msg_n": (1, 2)}

# click's own words that show in movibot's help and errors (click asks gettext for them)
CLICK_WORDS = (
    "Usage:", "Options", "Commands", "Show this message and exit.", "Show the version and exit.",
    "default: {default}", "required", "Aborted!", "Missing command.",
    "Missing argument", "Missing option", "No such option {name!r}.",
    "No such command {name!r}.", "Invalid value for {param_hint}: {message}",
    "{name} {filename!r} does not exist.", "{name} {filename!r} is a directory.",
    "{name} {filename!r} is a file.", "file", "directory", "path",
    "{value!r} is not a valid {number_type}.", "{value} is not in the range {range}.",
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]")


@dataclass(frozen=True)
class Entry:
    """One message to translate: its text (and plural), and where it was found."""

    msgid: str
    plural: str | None
    where: str


def code_messages() -> Iterator[Entry]:
    """Every message marked in the package's code."""
    for path, line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=(), strip_comment_tags=True):
        if isinstance(message, tuple):
            if message[0]:
                yield Entry(message[0], message[1] or None, f"movibot/{path}:{line}")
        elif message:
            yield Entry(message, None, f"movibot/{path}:{line}")


def help_messages() -> Iterator[Entry]:
    """Every help text of the command line (commands, options), as click holds them."""
    from movibot.cli import main

    def walk(command: click.Command, path: str) -> Iterator[Entry]:
        for text in (command.help, command.short_help, command.epilog):
            if text:
                yield Entry(help_text(text), None, f"help:{path}")
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                yield Entry(param.help, None, f"help:{path}/{param.opts[-1]}")
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, f"{path}/{name}")
    yield from walk(main, "movibot")


def registry_messages() -> Iterator[Entry]:
    """Every problem code's summary and explanation (`movibot rule CODE` shows them)."""
    from movibot.problems import CODES

    for code in CODES.values():
        yield Entry(code.summary, None, f"summary:{code.code}")
        yield Entry(code.explanation, None, f"explanation:{code.code}")


def help_text(text: str) -> str:
    """A command's help as click shows it (docstring indentation removed)."""
    import inspect
    return inspect.cleandoc(text)


def messages() -> dict[str, Entry]:
    """Every message movibot may show, by msgid (the first place it was found)."""
    found: dict[str, Entry] = {}
    click_words = [Entry(word, None, "click") for word in CLICK_WORDS]
    click_words.append(Entry("Got unexpected extra argument ({args})",
                             "Got unexpected extra arguments ({args})", "click"))
    for entry in (*code_messages(), *help_messages(), *registry_messages(), *click_words):
        found.setdefault(entry.msgid, entry)
    return found


def po_paths() -> list[Path]:
    """Each language's catalog."""
    return sorted(LOCALE.glob("*/LC_MESSAGES/movibot.po"))


def load(path: Path) -> Catalog:
    """A .po file."""
    with path.open("rb") as f:
        return read_po(f)


def placeholders(text: str) -> list[str]:
    """The `{name}` and `%(name)s` placeholders of a text, sorted."""
    return sorted(_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


def problems(catalog: Catalog, wanted: dict[str, Entry], name: str) -> list[str]:
    """What is wrong with a catalog: a message missing or untranslated, placeholders that
    differ, an entry left fuzzy. One line each, naming the message and where it is used."""
    out = []
    for msgid, entry in sorted(wanted.items()):
        message = catalog.get(msgid)
        strings = message.string if message is not None else None
        texts = list(strings) if isinstance(strings, (list, tuple)) else [strings]
        if message is None or not all(texts):
            out.append(f"{name}: untranslated {msgid!r} ({entry.where})")
            continue
        if message.fuzzy:
            out.append(f"{name}: fuzzy {msgid!r} ({entry.where})")
        for text in texts:
            if placeholders(text or "") != placeholders(msgid):
                out.append(f"{name}: placeholders differ in {msgid!r} ({entry.where})")
    return out


def update() -> None:
    """Merge every message into each .po: new ones empty, gone ones dropped, translations
    kept."""
    wanted = messages()
    # no line numbers and a fixed date: an edit elsewhere in a file does not rewrite the .po
    template = Catalog(domain="movibot", project="movibot", creation_date=EPOCH)
    for msgid, entry in wanted.items():
        where = entry.where.rsplit(":", 1)[0] if entry.where.startswith("movibot/") \
            else entry.where
        template.add((msgid, entry.plural) if entry.plural else msgid, locations=[(where, 0)])
    for path in po_paths():
        catalog = load(path)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, include_lineno=False,
                     sort_output=True)


def check() -> list[str]:
    """Every catalog's problems (empty when all are complete)."""
    wanted = messages()
    return [line for path in po_paths()
            for line in problems(load(path), wanted, str(path.relative_to(PACKAGE.parent)))]


def main(argv: list[str]) -> int:
    if argv == ["update"]:
        update()
        return 0
    if argv == ["check"]:
        lines = check()
        print("\n".join(lines) or "catalogs complete")
        return 1 if lines else 0
    print("usage: python -m movibot.locale.catalog update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
