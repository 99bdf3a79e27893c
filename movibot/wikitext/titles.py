"""Page titles and the file names of a directory site (`Le_Mixeur.wiki`, `Catégorie%3AX.wiki`)."""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import unquote

EXTENSION = ".wiki"
_TITLE_COMMENT = re.compile(r"\A\ufeff?<!--\s*title:\s*(.*?)\s*-->[ \t]*\r?\n?")

CATEGORY_PREFIXES = ("catégorie", "category")
# The template namespace's names on Movilab (French, then the canonical English name).
TEMPLATE_PREFIXES = ("modèle", "template")


# The characters MediaWiki's title codec strips (bidi marks and embeddings): a title typed with
# an invisible U+200E names the same page as without it.
_STRIPPED = re.compile("[\u200e\u200f\u202a-\u202e]")


@functools.lru_cache(maxsize=4096)  # names repeat; page titles do not
def normalize_title(title: str, first_letter: bool = True) -> str:
    """MediaWiki's canonical form: Unicode NFC, the bidi marks it strips removed, underscores
    and runs of spaces as one space, trimmed, and (on a `first-letter` wiki, as Movilab; the
    `case` of its siteinfo) the first letter of the namespace and of the name upper. Nothing
    else is folded: `Tiers-lieux` and `Tiers-Lieux` are two categories, as on the wiki."""
    t = " ".join(_STRIPPED.sub("", unicodedata.normalize("NFC", title)).replace("_", " ").split())
    if not first_letter:
        return t
    if ":" in t:
        ns, rest = t.split(":", 1)
        if ns.strip().lower() in CATEGORY_PREFIXES + ("portail", "utilisateur", "user", "modèle"):
            rest = rest.strip()
            return f"{ns.strip()[:1].upper()}{ns.strip()[1:]}:{rest[:1].upper()}{rest[1:]}"
    return t[:1].upper() + t[1:]


@functools.lru_cache(maxsize=4096)  # template names repeat from page to page
def template_name(title: str, first_letter: bool = True) -> str | None:
    """The name, in the template namespace, of the page a call `{{title}}` transcludes (`title`
    read by tree.template_title): its `Modèle:` or `Template:` prefix dropped (a namespace name
    in any case, spaces around its colon), the first letter upper on a `first-letter` wiki and
    nothing else folded, as MediaWiki resolves it. None for a page of the main namespace
    (`{{:Accueil}}`)."""
    t = " ".join(title.replace("_", " ").split())
    if t.startswith(":"):
        return None
    if ":" in t:
        ns, rest = t.split(":", 1)
        if ns.strip().lower() in TEMPLATE_PREFIXES:
            t = rest.strip()
    return t[:1].upper() + t[1:] if first_letter else t


def title_to_filename(title: str) -> str:
    """`Le Mixeur` -> `Le_Mixeur.wiki`; `/` becomes `%2F` (and `%` itself `%25`)."""
    name = normalize_title(title).replace("%", "%25").replace("/", "%2F").replace(" ", "_")
    return name + EXTENSION


def filename_to_title(filename: str) -> str:
    """Inverse of title_to_filename for a bare file name; any `%XX` escape is decoded
    (`%2F` is `/`, `%3A` is `:`, `%25` is `%`), in one pass."""
    stem = filename[: -len(EXTENSION)] if filename.endswith(EXTENSION) else filename
    return normalize_title(unquote(stem.replace("_", " ")))


def title_from_file(filename: str, text: str) -> str:
    """A file's page title: its first line `<!-- title: … -->` when present, else its name."""
    m = _TITLE_COMMENT.match(text)
    if m and m.group(1):
        return normalize_title(m.group(1))
    return filename_to_title(filename)


_CATEGORY_LINK = re.compile(r"\[\[\s*(?:catégorie|category)\s*:\s*([^\]|\n{}]+)", re.I)


def categories_in(text: str) -> list[str]:
    """Category names linked in raw wikitext, in order, once each (a cheap scan, no parse)."""
    names = (normalize_title(m.group(1)) for m in _CATEGORY_LINK.finditer(text))
    return list(dict.fromkeys(n for n in names if n))


def is_category(title: str) -> bool:
    """True for `Catégorie:…` / `Category:…` titles."""
    ns = title.split(":", 1)[0].strip().lower() if ":" in title else ""
    return ns in CATEGORY_PREFIXES


@functools.lru_cache(maxsize=4096)  # names repeat; page titles do not
def fold(name: str) -> str:
    """Key for matching names ignoring case, accents, and spaces vs underscores."""
    decomposed = unicodedata.normalize("NFKD", name.replace("_", " "))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("-", " ").split())


_NAMESPACES = {"catégorie": 14, "category": 14, "utilisateur": 2, "user": 2, "modèle": 10,
               "template": 10}


def namespace_of(title: str) -> int:
    """The namespace number a title's prefix names (a folder's files have no other source
    for it): categories 14, users 2, templates 10, anything else 0 (main)."""
    prefix = title.split(":", 1)[0].strip().lower() if ":" in title else ""
    return _NAMESPACES.get(prefix, 0)
