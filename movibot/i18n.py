"""Messages for people, in their language: gettext catalogs (movibot/locale/), English in the
source, French in `locale/fr/LC_MESSAGES/movibot.po`, compiled to `.mo` when the package is
built (setup.py; `python -m movibot.locale.catalog` extracts and checks them).

Two languages matter, and never the same way:
- the user's: what the command line prints (errors, warnings, problem texts, `--help`,
  summaries, progress). French when LC_ALL, LC_MESSAGES or LANG (the first one set) starts with
  `fr`, English otherwise; `--lang fr|en` chooses. `use()` sets it once, at the edge (cli.py).
- the wiki's content language: what the bot writes on a wiki (edit summaries, the report page
  and its reasons), whatever the operator's locale; English when no catalog exists for it.

A `Msg` is a str (its English text, so JSON output, logs and comparisons never change with the
language) that remembers its template and arguments, so that it can be rendered again in either
language (`localized()`, `render(language)`). Problem codes, JSON keys and exit codes are never
translated.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from movibot.vocabulary import Vocabulary

DOMAIN = "movibot"


class Language(Vocabulary):
    """A language movibot speaks; English is the source language (no catalog)."""

    EN = "en"
    FR = "fr"


def language_of(name: str | None) -> Language | None:
    """The language a locale or language name means (`fr_FR.UTF-8`, `fr`, `en_GB`, `C` → EN);
    None for an empty name."""
    if not name:
        return None
    return Language.FR if name.strip().lower().startswith("fr") else Language.EN


def user_language(environ: Mapping[str, str] | None = None) -> Language:
    """The user's language from the locale: the first of LC_ALL, LC_MESSAGES and LANG that is
    set, as the C library reads them; English when none is."""
    env = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        found = language_of(env.get(variable))
        if found is not None:
            return found
    return Language.EN


def content_language(code: str | None) -> Language:
    """The language to write on a wiki whose content language is `code` (siteinfo's `lang`):
    French for `fr` (and its variants), English for any other (no catalog), French when the
    site cannot tell (Movilab's folders and dumps)."""
    return language_of(code) or Language.FR


def locale_dir() -> Path:
    """The folder holding the compiled catalogs (`<lang>/LC_MESSAGES/movibot.mo`)."""
    return Path(str(resources.files("movibot") / "locale"))


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """The catalog of `language`; English (and a checkout whose catalogs were never compiled)
    gets the identity."""
    if language is Language.EN:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, locale_dir(), languages=[language.value], fallback=True)


_current = Language.EN


def use(language: Language) -> None:
    """Speak `language` to the user from now on (cli.py calls it once, before parsing): our
    messages, and click's own words (`Usage:`, `Options:`), which click asks of gettext's
    global domain, pointed here at our catalog."""
    global _current
    _current = language
    gettext.bindtextdomain(DOMAIN, str(locale_dir()))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language.value  # what gettext's global functions read


def current() -> Language:
    """The user's language, as `use()` set it (English before)."""
    return _current


def _(message: str) -> str:
    """`message` in the user's language."""
    return translations(_current).gettext(message)


def N_(message: str) -> str:  # noqa: N802 (gettext's usual name)
    """Marks `message` for the catalog without translating it (help texts, labels translated
    where they are shown)."""
    return message


class Msg(str):
    """A message for a person: its English text (the str itself) and what it is made of, so it
    can be shown in another language. `Msg("field {name} is missing", name="x")`; arguments
    that are Msgs are rendered in the same language; `plural`/`n` choose a plural form."""

    template: str
    plural: str | None
    args: dict[str, Any]

    def __new__(cls, template: str, /, plural: str | None = None, n: int | None = None,
                **args: Any) -> Msg:
        if n is not None:
            args["n"] = n
        self = super().__new__(cls, _render(template, plural, args, Language.EN))
        self.template, self.plural, self.args = template, plural, args
        return self

    def render(self, language: Language) -> str:
        """This message in `language`."""
        return _render(self.template, self.plural, self.args, language)

    def localized(self) -> str:
        """This message in the user's language."""
        return self.render(_current)

    def __reduce__(self) -> Any:  # a worker process sends Msgs back (`--jobs 2`)
        return (_rebuild, (self.template, self.plural, self.args))


def _rebuild(template: str, plural: str | None, args: dict[str, Any]) -> Msg:
    return Msg(template, plural, **args)


def _render(template: str, plural: str | None, args: Mapping[str, Any],
            language: Language) -> str:
    catalog = translations(language)
    if plural is not None:
        text = catalog.ngettext(template, plural, int(args.get("n", 1)))
    else:
        text = catalog.gettext(template)
    shown = {key: value.render(language) if isinstance(value, Msg) else value
             for key, value in args.items()}
    return text.format(**shown) if shown else text


def text(value: object) -> str:
    """What a person reads of `value` in the user's language: a Msg localized, an exception
    by its message, anything else as str()."""
    if isinstance(value, BaseException) and len(value.args) == 1:
        value = value.args[0]
    return value.localized() if isinstance(value, Msg) else str(value)


def msg_n(singular: str, plural: str, n: int, **args: Any) -> Msg:
    """A message with a plural form chosen by `n` (`{n} page`, `{n} pages`)."""
    return Msg(singular, plural, n=n, **args)


def written(value: str, language: Language) -> str:
    """What the bot writes on a wiki of `language` for `value`: a Msg rendered in it, any other
    text as it is."""
    return value.render(language) if isinstance(value, Msg) else value


def message_of(error: BaseException) -> str:
    """An exception's message, kept a Msg when it is one (so that it can be shown in another
    language); else str(error)."""
    held = error.args[0] if len(error.args) == 1 else None
    return held if isinstance(held, Msg) else str(error)


def joined(parts: list[str], separator: str = ", ") -> Msg:
    """Parts (Msgs or plain texts) joined by `separator`, each rendered in the language the
    whole is rendered in."""
    template = separator.replace("{", "{{").replace("}", "}}").join(
        f"{{p{i}}}" for i in range(len(parts)))
    args: dict[str, Any] = {f"p{i}": part for i, part in enumerate(parts)}
    return Msg(template, **args)
