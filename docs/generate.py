"""Write the documents made from movibot's registries and code: in docs/maintainers.md the table
of lint codes and the list of field types, in docs/operators.md the table of configuration keys;
docs/problems.md (movibot/problems.py), docs/types.md (movibot/records/types.py),
docs/configuration.md (movibot/config.py's KEYS), docs/cli.md (the click commands of
movibot/cli.py) and docs/schemas.md (the fields of schemas/*.yaml).

`python docs/generate.py` writes them; `python docs/generate.py --check` writes nothing and
exits 1, naming the files, when one differs (tests/test_docs_generated.py does the same).
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from movibot import i18n  # noqa: E402
from movibot.cli import main as movibot_cli  # noqa: E402
from movibot.config import reference_page, reference_table  # noqa: E402
from movibot.problems import code_table, problems_page  # noqa: E402
from movibot.records.schema import Schema, load_schema  # noqa: E402
from movibot.records.types import VALUE_TYPES, types_page  # noqa: E402

# A guide's table of lint codes: from its header line to the first blank line.
_CODE_TABLE = re.compile(r"^\| code \| severity \| name \| meaning \|\n(?:\|.*\n)*", re.M)
# A guide's table of configuration keys: from its header line to the first blank line.
_KEY_TABLE = re.compile(r"^\| key \| default \| meaning \|\n(?:\|.*\n)*", re.M)
# The field types in the maintainers' Schemas section: type (`text number …`;
_TYPE_LIST = re.compile(r"type \(`[a-z ]+`;")
# The guides that hold generated parts (the code table and the types: maintainers; the keys:
# operators).
GUIDES = ("maintainers.md", "operators.md")

_GENERATED = "Generated from {source} by `python docs/generate.py`: edit {what}, not this page."


def guide(text: str) -> str:
    """A guide's text with its table of lint codes, its list of field types and its table of
    configuration keys (those it holds) made from the registries."""
    text = _CODE_TABLE.sub(lambda m: code_table(), text, count=1)
    text = _KEY_TABLE.sub(lambda m: reference_table(), text, count=1)
    return _TYPE_LIST.sub(lambda m: f"type (`{' '.join(VALUE_TYPES)}`;", text, count=1)


def _cell(text: str) -> str:
    """Text fit for a Markdown table cell: pipes escaped, no HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def _code(text: str) -> str:
    """Text as inline code in a table cell (HTML, since `\\|` in a Markdown code span is kept
    as written by Python-Markdown)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "&#124;")
    return f"<code>{escaped}</code>"


def _contexts(command: click.Command, ctx: click.Context) -> list[click.Context]:
    """`ctx` and the contexts of every subcommand under it, depth first, in declared order."""
    found = [ctx]
    for name, sub in getattr(command, "commands", {}).items():
        child = click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
        found += _contexts(sub, child)
    return found


def _command_section(ctx: click.Context) -> str:
    """One command's section of docs/cli.md: its usage, its help and a table of its options."""
    command = ctx.command
    usage = " ".join([ctx.command_path, *command.collect_usage_pieces(ctx)])
    lines = [f"## `{ctx.command_path}`", "", "```text", f"Usage: {usage}", "```", ""]
    lines += [_cell(inspect.cleandoc(command.help or "")), ""]
    # options only: click 8.5 gives arguments a help record too, 8.4 does not
    records = [p.get_help_record(ctx) for p in command.get_params(ctx)
               if isinstance(p, click.Option)]
    lines += ["| option | meaning |", "|---|---|"]
    lines += [f"| {_code(opts)} | {_cell(help_text)} |"
              for opts, help_text in filter(None, records)]
    subcommands = getattr(command, "commands", {})
    if subcommands:
        lines += ["", "Commands: " + ", ".join(
            f"[`{name}`](#{ctx.command_path.replace(' ', '-')}-{name})" for name in subcommands)
            + "."]
    return "\n".join(lines) + "\n"


def cli_page() -> str:
    """docs/cli.md: every command of `movibot`, its usage, help and options, from click (in
    English, whatever the locale)."""
    i18n.use(i18n.Language.EN)
    root = click.Context(movibot_cli, info_name="movibot", **movibot_cli.context_settings)
    head = ["# The command line", "",
            _GENERATED.format(source="the click commands of `movibot/cli.py`",
                              what="the code") + " `movibot COMMAND -h` prints the same help.",
            ""]
    return "\n".join(head) + "\n" + "\n".join(
        _command_section(c) for c in _contexts(movibot_cli, root))


def _schema_section(schema: Schema, path: str) -> str:
    """One schema's section of docs/schemas.md: its template and a table of its fields."""
    aliases = ", ".join(f"`{a}`" for a in schema.template_aliases) or "none"
    template = f"`{{{{{schema.template}}}}}`"
    lines = [f"## {schema.title} (`{path}`)", "",
             f"Kind `{schema.kind}`: the template {template} (aliases: {aliases}).",
             "", "| field | parameter | aliases | type | unit | required | label |",
             "|---|---|---|---|---|---|---|"]
    for f in schema.fields:
        cells = [f"`{f.name}`", f"`{f.param}`", ", ".join(f"`{a}`" for a in f.aliases),
                 f"`{f.type}`", _cell(f.unit or ""), "yes" if f.name in schema.required else "",
                 _cell(f.label)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def schemas_page(root: Path = ROOT) -> str:
    """docs/schemas.md: the fields of every schema of root/schemas/, in file name order."""
    head = ["# The schema fields", "",
            _GENERATED.format(source="`schemas/*.yaml`", what="the schema")
            + " A field's type is one of [the field types](types.md).", ""]
    paths = sorted((root / "schemas").glob("*.yaml"))
    return "\n".join(head) + "\n" + "\n".join(
        _schema_section(load_schema(p), p.relative_to(root).as_posix()) for p in paths)


def documents(root: Path = ROOT) -> dict[Path, str]:
    """{path: the text it should have}, for every generated document."""
    docs = root / "docs"
    texts = {docs / name: guide((docs / name).read_text(encoding="utf-8")) for name in GUIDES}
    return {
        **texts,
        docs / "problems.md": problems_page(),
        docs / "types.md": types_page(),
        docs / "configuration.md": reference_page(),
        docs / "cli.md": cli_page(),
        docs / "schemas.md": schemas_page(root),
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
