"""Schema -> template page: `Modèle:Tiers-Lieu` and `Modèle:Fiche`, generated from the schemas.

The schema is the one source of truth: each template page carries, inside `<noinclude>`, a `doc`
block the bot owns (see wikitext/blocks.py) with a short French documentation of every parameter
(label, type, unit, required or not, aliases, an example) and a `<templatedata>` JSON block built
from the same schema, so that VisualEditor and the TemplateData API describe exactly the
parameters movibot reads. People may write around the block; only its inside is regenerated.

Transcluded, the template renders nothing (the empty string): the infobox is the bot's block
right after the call, so the template must not show the values a second time, must add no
category (a category in the transcluded part would put every lieu in it), and on a call standing
on its own lines an empty expansion leaves no empty paragraph. Pure and deterministic.

Optional keys read from a schema (load_schema ignores them): x-wiki `description` (the template)
and, for each field of x-wiki.fields, `example`, `description` and `suggested`; the JSON Schema
annotations `description` and `examples` are read too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema

from movibot.costs.inputs import COST_FIELDS
from movibot.records.record import to_plain
from movibot.records.schema import FieldSpec, Schema
from movibot.records.values import read_value
from movibot.wikitext.blocks import find_blocks, make_block, replace_block
from movibot.wikitext.titles import title_to_filename

TEMPLATE_NS = "Modèle:"
DOC_BLOCK = "doc"
TEMPLATE_CATEGORY = "Modèles"
LANG = "fr"

# movibot's field types -> TemplateData's parameter types. Money, surfaces and percents are
# numbers (their unit is optional on the page); a list is text the bot splits.
TEMPLATEDATA_TYPES = {
    "text": "string", "number": "number", "money": "number", "surface": "number",
    "percent": "number", "list": "string", "titles": "string", "date": "date", "url": "url",
    "email": "line", "enum": "line", "bool": "boolean",
}
TYPE_LABELS = {
    "text": "texte", "number": "nombre", "money": "montant", "surface": "surface",
    "percent": "pourcentage", "list": "liste", "titles": "liste de pages", "date": "date",
    "url": "adresse web", "email": "courriel", "enum": "choix", "bool": "oui/non",
}
_DEFAULT_UNITS = {"percent": "%", "surface": "m²"}
# Examples tried in order for a field with none given; the first the field reads and the
# schema accepts is kept (so an example is never a value lint would refuse).
_TRIED_EXAMPLES = {
    "number": ("12", "1", "0"), "money": ("1700", "800"), "surface": ("300",),
    "percent": ("50",), "date": ("2014-04-12",), "url": ("https://www.example.org",),
    "email": ("contact@example.org",), "bool": ("oui",),
}
_KNOWN_PATTERNS = {"^[0-9]{5}$": "cinq chiffres", r"^\d{5}$": "cinq chiffres",
                   "^https?://": "commence par http:// ou https://"}
_MARKUP = re.compile(r"''|__|!!|[&<>{}\[\]|~]")
_ENTITIES = {"''": "&#39;&#39;", "__": "&#95;&#95;", "!!": "&#33;&#33;", "&": "&amp;",
             "<": "&lt;", ">": "&gt;", "{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;",
             "|": "&#124;", "~": "&#126;"}
_NOINCLUDE_END = re.compile(r"</noinclude\s*>", re.I)
_NOINCLUDE_START = re.compile(r"<noinclude\s*>", re.I)
_VERBATIM = re.compile(r"<!--.*?(?:-->|\Z)|<(nowiki|pre|templatedata)\b[^>]*>.*?(?:</\1\s*>|\Z)",
                       re.I | re.S)


def template_title(schema: Schema) -> str:
    """The template page of a schema: `Modèle:Tiers-Lieu`."""
    return TEMPLATE_NS + schema.template


def template_filename(schema: Schema) -> str:
    """Its file in a folder site: `Modèle:Tiers-Lieu.wiki`."""
    return title_to_filename(template_title(schema))


def templates_for(schemas: Iterable[Schema]) -> dict[str, str]:
    """{template page title: generated page text}, one per schema, in the schemas' order."""
    return {template_title(s): render_template_page(s) for s in schemas}


def template_files(schemas: Iterable[Schema]) -> dict[str, str]:
    """{file name: generated page text}: what `movibot templates --out DIR` writes."""
    return {template_filename(s): render_template_page(s) for s in schemas}


def render_template_page(schema: Schema) -> str:
    """A whole new template page: renders nothing when transcluded; its `<noinclude>` holds the
    `doc` block (documentation and TemplateData) and puts the page in Catégorie:Modèles. No
    newline after `</noinclude>`: it would be transcluded (an import keeps it, only an edit
    trims it), an empty paragraph at the top of every page calling the template."""
    block = make_block(DOC_BLOCK, render_doc(schema))
    return f"<noinclude>\n{block}\n[[Catégorie:{TEMPLATE_CATEGORY}]]\n</noinclude>"


def update_template_page(text: str, schema: Schema, *, force: bool = False) -> str:
    """The page with its `doc` block refreshed from the schema; `text` itself when current.

    Everything outside the block stays byte for byte. A page without the block gets it inside
    its last `<noinclude>` section, else in a new `<noinclude>` at the end of the page (never in
    the transcluded part); an empty page gets the whole generated page. Raises BlockEdited when
    the block was edited by hand (unless `force`) and BlockMalformed for broken markers, as
    wikitext.blocks.replace_block does.
    """
    if not text.strip():
        return render_template_page(schema)
    content = render_doc(schema)
    blocks, problems = find_blocks(text)
    if any(b.name == DOC_BLOCK for b in blocks) or any(p.code == "E401" for p in problems):
        return replace_block(text, DOC_BLOCK, content, force=force, found=blocks,
                             problems=problems)
    anchor = _noinclude_anchor(text)
    if anchor is not None and not any(b.start < anchor < b.end for b in blocks):
        return replace_block(text, DOC_BLOCK, content, anchor=anchor, found=blocks,
                             problems=problems)
    end = len(text.rstrip())
    shell = text[:end] + "<noinclude>\n</noinclude>" + text[end:]
    return replace_block(shell, DOC_BLOCK, content, anchor=end + len("<noinclude>\n"))


def _noinclude_anchor(text: str) -> int | None:
    """The offset of the last `</noinclude>` closing a `<noinclude>` (outside comments, nowiki,
    pre and templatedata), None when the page has none."""
    masked = _VERBATIM.sub(lambda m: " " * len(m.group(0)), text)
    ends = list(_NOINCLUDE_END.finditer(masked))
    if not ends:
        return None
    last = ends[-1].start()
    return last if _NOINCLUDE_START.search(masked, 0, last) else None


# -- the documentation -------------------------------------------------------------------------


def render_doc(schema: Schema) -> str:
    """The content of the `doc` block: French documentation, then the TemplateData."""
    names = ", ".join(f"<code>{_inert(n)}</code>" for n in (schema.template,
                                                             *schema.template_aliases))
    lines = [
        "== Documentation ==",
        f"{_inert(_template_description(schema))}",
        "",
        f"Noms acceptés pour ce modèle : {names}. Les noms des paramètres s'écrivent sans tenir "
        "compte des majuscules, des accents ni des espaces ou « _ » ; un alias peut remplacer "
        "le nom du paramètre. Les valeurs s'écrivent à la française (« 1 700 », « 800,50 »).",
        "",
        "Cette documentation et les TemplateData ci-dessous sont générées par movibot à partir "
        f"du schéma <code>{_inert(Path(schema.path).name)}</code> : modifiez le schéma, pas ce "
        "bloc (le texte écrit autour du bloc est conservé).",
        "",
        "=== Paramètres ===",
        '{| class="wikitable"',
        "! Paramètre !! Libellé !! Type !! Unité !! Obligatoire !! Alias !! Exemple "
        "!! Valeurs et forme",
    ]
    for f in schema.fields:
        example = field_example(schema, f)
        cells = [
            f"<code>{_inert(f.param)}</code>", _inert(f.label), TYPE_LABELS.get(f.type, f.type),
            _inert(_unit(f)), "oui" if f.name in schema.required else "non",
            ", ".join(f"<code>{_inert(a)}</code>" for a in f.aliases),
            f"<code>{_inert(example)}</code>" if example else "",
            _inert(field_description(schema, f)),
        ]
        lines += ["|-", "| " + " || ".join(cells)]
    lines += ["|}", "", "=== Appel ===",
              "Un paramètre par ligne ; les paramètres vides peuvent être retirés.", "<pre>",
              "{{" + _inert(schema.template)]
    width = max((len(f.param) for f in schema.fields), default=0)
    lines += [f"| {_inert(f.param).ljust(width)} =" for f in schema.fields]
    lines += ["}}", "</pre>", "", "=== TemplateData ===", "<templatedata>",
              templatedata_json(schema), "</templatedata>"]
    return "\n".join(lines) + "\n"


def _inert(text: str) -> str:
    """Schema text made inert in wikitext (a table cell, a line of <pre>): markup characters as
    entities, newlines as spaces. Lighter than wikitext.escaping.escape, which is for values
    read from the wiki: apostrophes and colons stay readable in the generated page."""
    flat = " ".join(str(text).split())
    return _MARKUP.sub(lambda m: _ENTITIES[m.group(0)], flat)


def _template_description(schema: Schema) -> str:
    wiki = schema.json.get("x-wiki") or {}
    given = _text(wiki.get("description")) or _text(schema.json.get("description"))
    source = schema.source_category
    lead = given or f"Modèle des pages « {schema.title} »."
    tail = ("Il n'affiche rien lui-même : le bot movibot lit ses paramètres et écrit l'infobox "
            "de la page juste après l'appel, dans un bloc qu'il gère")
    tail += f" ; les pages qui l'appellent vont dans la catégorie {source}." if source else "."
    return f"{lead} {tail}"


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""


def _unit(f: FieldSpec) -> str:
    return str(f.unit or _DEFAULT_UNITS.get(f.type, ""))


def _property(schema: Schema, f: FieldSpec) -> Mapping[str, Any]:
    prop = (schema.json.get("properties") or {}).get(f.name)
    return prop if isinstance(prop, Mapping) else {}


def _wiki_field(schema: Schema, f: FieldSpec) -> Mapping[str, Any]:
    spec = ((schema.json.get("x-wiki") or {}).get("fields") or {}).get(f.name)
    return spec if isinstance(spec, Mapping) else {}


def field_example(schema: Schema, f: FieldSpec) -> str | None:
    """An example value of the field as written on a page: the schema's (x-wiki `example`,
    else JSON Schema `examples`), else one derived from its type, choices or suggestions that
    the field reads and the schema accepts; None when there is none (free text)."""
    given = _wiki_field(schema, f).get("example")
    examples = _property(schema, f).get("examples")
    if given is None and isinstance(examples, list) and examples:
        given = examples[0]
    if given is not None:
        if isinstance(given, list):
            return (", " if f.commas else "; ").join(str(v) for v in given)
        return str(given)
    for candidate in _candidates(schema, f):
        if _acceptable(schema, f, candidate):
            return candidate
    return None


def _candidates(schema: Schema, f: FieldSpec) -> list[str]:
    out = []
    if f.choices:
        out.append(str(f.choices[0]))
    if f.suggestions:
        n = 2 if f.type in ("list", "titles") else 1
        out.append((", " if f.commas else "; ").join(f.suggestions[:n]))
    default = _property(schema, f).get("default")
    if default is not None and not isinstance(default, (dict, list)):
        out.append(str(default))
    out.extend(_TRIED_EXAMPLES.get(f.type, ()))
    return out


def _acceptable(schema: Schema, f: FieldSpec, raw: str) -> bool:
    reading = read_value(f.type, raw, f.choices, f.commas)
    if not reading.ok:
        return False
    validator = jsonschema.Draft202012Validator(
        dict(_property(schema, f)), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return bool(validator.is_valid(to_plain(reading.value)))


def field_description(schema: Schema, f: FieldSpec) -> str:
    """What the field holds and how to write it, in French: the schema's own description when
    it gives one (x-wiki `description`, else JSON Schema `description`), else the form its
    type, choices, bounds, pattern, suggestions, default and category ask for."""
    prop = _property(schema, f)
    given = _text(_wiki_field(schema, f).get("description")) or _text(prop.get("description"))
    if given:
        return given
    parts = [_form(f, prop)]
    if f.suggestions:
        parts.append("Valeurs courantes : " + ", ".join(f.suggestions) + ".")
    default = prop.get("default")
    if default is not None and not isinstance(default, (dict, list)):
        unit = _unit(f)
        parts.append(f"Par défaut : {_number(default)}{' ' + unit if unit else ''}.")
    if f.category:
        parts.append(_category_sentence(f))
    return " ".join(p for p in parts if p)


# How to write a field whose form depends only on its type.
_FIXED_FORMS = {
    "bool": "oui ou non.",
    "date": "Date, de préférence AAAA-MM-JJ (JJ/MM/AAAA et AAAA/MM/JJ sont lus aussi).",
    "url": "Adresse web complète, commençant par http:// ou https://.",
    "email": "Adresse de courriel.",
}


def _form(f: FieldSpec, prop: Mapping[str, Any]) -> str:
    """How to write the field's value, in French, from its type and the schema's `prop`."""
    if f.type == "enum":
        return "Une valeur parmi : " + ", ".join(str(c) for c in f.choices) + "."
    if f.type in _FIXED_FORMS:
        return _FIXED_FORMS[f.type]
    if f.type in ("number", "money", "surface", "percent"):
        return _quantity_form(f, prop)
    if f.type in ("list", "titles"):
        return _list_form(f, prop)
    return _text_form(prop)


def _quantity_form(f: FieldSpec, prop: Mapping[str, Any]) -> str:
    """A number, amount, surface or percentage: its unit, bounds and how the unit is optional."""
    bounds = _bounds(prop)
    unit = _unit(f)
    if f.type == "money":
        return (f"Montant{' en ' + unit if unit else ''}{bounds} ; l'unité est facultative "
                "(« 1 700 », « 1 700 € », « 800,50 »).")
    if f.type == "surface":
        return f"Surface en {unit}{bounds} ; l'unité est facultative (« 300 », « 300 m² »)."
    if f.type == "percent":
        return f"Pourcentage{bounds} ; le signe % est facultatif."
    noun = "Nombre entier" if prop.get("type") == "integer" else "Nombre"
    return f"{noun}{bounds}."


def _list_form(f: FieldSpec, prop: Mapping[str, Any]) -> str:
    """A list: its separator, whether it needs a value, and what its values link to."""
    sep = "virgules" if f.commas else "points-virgules (« ; »)"
    text = f"Liste séparée par des {sep}"
    if (prop.get("minItems") or 0) >= 1:
        text += ", au moins une valeur"
    if f.links == "portal":
        text += " ; chaque valeur est le nom d'un portail, sans « Portail: » (lien)"
    elif f.links:
        text += " ; chaque valeur est le titre d'une page du wiki (lien)"
    return text + "."


def _text_form(prop: Mapping[str, Any]) -> str:
    """Text: the form its `pattern` asks for (in words when the pattern is a known one)."""
    pattern = prop.get("pattern")
    if isinstance(pattern, str):
        known = _KNOWN_PATTERNS.get(pattern)
        if known:
            return f"Texte : {known}."
        return f"Texte de la forme {pattern} (expression régulière)."
    return "Texte libre."


def _bounds(prop: Mapping[str, Any]) -> str:
    low, high = prop.get("minimum"), prop.get("maximum")
    if low is not None and high is not None:
        return f" de {_number(low)} à {_number(high)}"
    parts = []
    for key, words in (("exclusiveMinimum", "supérieur à"), ("minimum", "au moins"),
                       ("exclusiveMaximum", "inférieur à"), ("maximum", "au plus")):
        if prop.get(key) is not None:
            parts.append(f"{words} {_number(prop[key])}")
    return (", " + " et ".join(parts)) if parts else ""


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def _category_sentence(f: FieldSpec) -> str:
    pattern = f.category or ""
    each = "Chaque valeur range" if f.type in ("list", "titles") else "La valeur range"
    if pattern.strip() in ("{value}", "{Value}"):
        return f"{each} aussi la page dans la catégorie du même nom."
    name = pattern.replace("{Value}", "Valeur").replace("{value}", "valeur")
    return f"{each} aussi la page dans la catégorie « {name} »."


# -- TemplateData -----------------------------------------------------------------------------


def templatedata(schema: Schema) -> dict[str, Any]:
    """The TemplateData of the schema's template (the JSON of its `<templatedata>` tag)."""
    params: dict[str, Any] = {}
    for f in schema.fields:
        param: dict[str, Any] = {
            "label": {LANG: f.label},
            "description": {LANG: field_description(schema, f)},
            "type": TEMPLATEDATA_TYPES.get(f.type, "unknown"),
        }
        if f.name in schema.required:
            param["required"] = True
        elif is_suggested(schema, f):
            param["suggested"] = True
        if f.aliases:
            param["aliases"] = list(f.aliases)
        example = field_example(schema, f)
        if example:
            param["example"] = example
        default = _property(schema, f).get("default")
        if default is not None and not isinstance(default, (dict, list)):
            param["default"] = _number(default)
        values = f.choices or f.suggestions
        if values:
            param["suggestedvalues"] = [str(v) for v in values]
        params[f.param] = param
    return {
        "description": {LANG: _template_description(schema)},
        "params": params,
        "paramOrder": [f.param for f in schema.fields],
        "format": "block",
    }


def is_suggested(schema: Schema, f: FieldSpec) -> bool:
    """An optional field worth offering in VisualEditor: x-wiki `suggested` when given, else
    one that puts the page in a category or links it, or an input of a lieu's cost model."""
    given = _wiki_field(schema, f).get("suggested")
    if isinstance(given, bool):
        return given
    return bool(f.category or f.links) or (schema.kind == "lieu" and f.name in COST_FIELDS)


def templatedata_json(schema: Schema) -> str:
    """The TemplateData as the text of a `<templatedata>` tag: indented JSON whose strings
    write `< > & [ ] { } | ~` as \\u escapes (JSON reads them back), so that no text of the
    schema can close the tag, open a comment, or look like a link, a category or a template
    to anything that scans the raw wikitext."""
    text = json.dumps(templatedata(schema), ensure_ascii=False, indent="\t")
    return _JSON_STRING.sub(lambda m: _UNSAFE_IN_JSON.sub(
        lambda c: f"\\u{ord(c.group(0)):04x}", m.group(0)), text)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_UNSAFE_IN_JSON = re.compile(r"[<>&\[\]{}|~]")


def required_params(schema: Schema) -> Sequence[str]:
    """The parameter names of the schema's required fields, in field order."""
    return [f.param for f in schema.fields if f.name in schema.required]
