"""Bot exclusion: the {{nobots}} / {{bots|allow=…|deny=…|optout=…}} convention.

The convention (https://en.wikipedia.org/wiki/Template:Bots) as movibot applies it:

- `{{nobots}}` denies every bot; `{{nobots|A,B}}` denies the bots named (or all with `all`).
- `{{bots}}` alone changes nothing.
- `{{bots|allow=A,B}}` lets only the bots named edit; `allow=all` lets every bot, `allow=none` none.
- `{{bots|deny=A,B}}` denies the bots named; `deny=all` every bot, `deny=none` none.
- `{{bots|optout=A,B}}` opts out of the tasks (message types) named; `optout=all` of every one.

A bot is named by its user name (`Movibot`, the `@app` of a BotPassword is ignored) or its task
name (`movibot`, `fiches`), case-insensitively, `_` and spaces alike. When several templates or
parameters speak, any denial wins. Templates inside comments and <nowiki> do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mwparserfromhell.nodes import Template
from mwparserfromhell.wikicode import Wikicode

from movibot.wikitext.tree import Tree, complexity, wikicode

_TEMPLATE_PREFIXES = ("template:", "modèle:", "modele:")
_FALLBACK = re.compile(r"\{\{\s*(?:nobots|bots\s*\|)", re.IGNORECASE)


def bots_allowed(text: str | Tree, user: str, task: str | None = None) -> bool:
    """True when the page (its text, or its parsed Tree) lets the bot `user`, running `task`,
    edit it. A Tree is read as parsed (no second tokenizer pass)."""
    names = _names(user, task)
    raw = text.masked if isinstance(text, Tree) else text
    if "bots" not in raw.casefold():
        return True  # no exclusion template can be there: no parse needed
    if isinstance(text, Tree):
        code, too_complex = text.code, text.too_complex
    else:
        too_complex = complexity(text)
        code = None
    if too_complex:  # too complex to parse safely: any exclusion template denies
        return _FALLBACK.search(raw) is None
    try:
        templates = list(_exclusion_templates(code if code is not None else wikicode(raw)))
    except Exception:  # mwparserfromhell gave up: be safe, any exclusion template denies
        return _FALLBACK.search(raw) is None
    return all(_allows(name, template, names) for name, template in templates)


def _names(user: str, task: str | None) -> set[str]:
    """The folded names the bot answers to: the user, the user without `@app`, the task."""
    candidates = [user, user.split("@", 1)[0], task or ""]
    return {_fold(n) for n in candidates if _fold(n)}


def _fold(name: str) -> str:
    """Key for comparing bot names: case-insensitive, `_` as space, spaces collapsed."""
    return " ".join(name.replace("_", " ").split()).casefold()


def _exclusion_templates(code: Wikicode) -> Iterator[tuple[str, Template]]:
    """Yield ("bots" | "nobots", template) for each exclusion template in the tree."""
    for template in code.filter_templates(recursive=True):
        name = _fold(str(template.name))
        for prefix in _TEMPLATE_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):].strip()
        if name in ("bots", "nobots"):
            yield name, template


def _allows(kind: str, template: Template, names: set[str]) -> bool:
    """Whether one {{bots}} / {{nobots}} template lets a bot called by one of `names` edit."""
    if kind == "nobots":
        if not template.params:
            return False
        listed = _listed(str(template.params[0].value))
        return not ("all" in listed or listed & names)
    return all(_param_allows(str(p.name), str(p.value), names) for p in template.params)


def _param_allows(key: str, value: str, names: set[str]) -> bool:
    """Whether one parameter of {{bots}} (allow=, deny=, optout=) lets the bot edit."""
    key, listed = key.strip().casefold(), _listed(value)
    if key == "allow":
        return "all" in listed or bool(listed & names)
    if key in ("deny", "optout"):
        return not ("all" in listed or listed & names)
    return True


def _listed(value: str) -> set[str]:
    """The folded names of a comma-separated list (`A, B_c` -> {"a", "b c"})."""
    return {_fold(n) for n in value.split(",") if _fold(n)}
