"""A schema and a wiki's TemplateData: compare them, or write a starter schema from TemplateData.

TemplateData is what the TemplateData extension stores from a template page's
`<templatedata>` tag (VisualEditor reads it; `action=templatedata` answers it). It comes here as
a dict, in any of three shapes: the API's answer (`{"pages": {id: {...}}}`), one page of that
answer, or the JSON of the tag itself (what a folder or dump holds). Labels and descriptions
may be plain strings or `{lang: text}` objects; French is taken first.

`check_schema(schema, td)` lists the differences (parameters missing on either side, aliases,
required flags); `schema_from_templatedata(td, template)` writes a starter schema in the format of
schemas/*.yaml, which load_schema accepts. The dict is read by the site (`Site.templatedata`:
action=templatedata on a live wiki, the `<templatedata>` tag of the template page's text in a
folder or a dump); `read_templatedata` and `check_site` ask it. Pure, but for those two.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from movibot.errors import SchemaError
from movibot.i18n import Msg
from movibot.records.schema import FieldSpec, Schema, schema_from_dict
from movibot.records.types import starter_type
from movibot.sites.base import JSONObject, Site, TemplateDataAnswer
from movibot.sites.templatedata import TemplateDataError, TemplateDataUnavailable, unavailable
from movibot.wikitext.titles import fold, normalize_title, template_name

TEMPLATE_NS = "Modèle:"
_TEMPLATE_PREFIXES = ("modele", "template")
LANGS = ("fr", "en")
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"



@dataclass(frozen=True)
class Param:
    """One template parameter as TemplateData describes it (texts in one language)."""

    name: str
    label: str | None = None
    description: str | None = None
    type: str = "unknown"
    required: bool = False
    suggested: bool = False
    deprecated: bool = False
    aliases: tuple[str, ...] = ()
    example: str | None = None
    default: str | None = None
    suggestedvalues: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateData:
    """A template's TemplateData, normalised. `from_code`: the template has none, and `params`
    are the `{{{…}}}` its code uses (the API's includeMissingTitles answer): only names."""

    title: str | None
    params: tuple[Param, ...]
    description: str | None = None
    format: str | None = None
    from_code: bool = False

    def param(self, name: str) -> Param | None:
        """The parameter called `name`, ignoring case, accents and `_` vs space."""
        exact = next((p for p in self.params if p.name == name), None)
        key = fold(name)
        return exact or next((p for p in self.params if fold(p.name) == key), None)


def template_page_title(template: str) -> str:
    """`Tiers-Lieu` -> `Modèle:Tiers-Lieu` (a title that has its namespace is kept)."""
    bare = template.strip()
    if ":" in bare and fold(bare.split(":", 1)[0]) in _TEMPLATE_PREFIXES:
        return normalize_title(TEMPLATE_NS + bare.split(":", 1)[1])
    return normalize_title(TEMPLATE_NS + bare)


def _same_template(a: str, b: str) -> bool:
    def bare(t: str) -> str:
        t = t.strip()
        if ":" in t and fold(t.split(":", 1)[0]) in _TEMPLATE_PREFIXES:
            t = t.split(":", 1)[1]
        return fold(t)
    return bare(a) == bare(b)


# -- reading -------------------------------------------------------------------------------


def parse_templatedata(data: Mapping[str, object], title: str | None = None) -> TemplateData:
    """The TemplateData of `title` (a template name or page title) in an API answer, a page of
    one, or a tag's JSON. Raises TemplateDataError when there is none, WikiError-like answers
    (`{"error": …}`) included."""
    if not isinstance(data, Mapping):
        raise TemplateDataError(Msg("TemplateData must be a JSON object"))
    if "error" in data:
        raise unavailable(data["error"] if isinstance(data["error"], Mapping) else {})
    if "pages" in data:
        return _from_page(_pick_page(data["pages"], title), title)
    if "params" in data or "missing" in data or "notemplatedata" in data:
        return _from_page(data, title)
    raise TemplateDataError(Msg("{value}: not TemplateData (no params)",
                                value=title or 'TemplateData'))


def _pick_page(pages: object, title: str | None) -> Mapping[str, object]:
    listed = pages.values() if isinstance(pages, Mapping) else (
        pages if isinstance(pages, (list, tuple)) else ())
    entries: list[Mapping[str, object]] = [e for e in listed if isinstance(e, Mapping)]
    if title is not None:
        for entry in entries:
            if _same_template(str(entry.get("title", "")), title):
                return entry
    if len(entries) == 1:
        return entries[0]
    name = template_page_title(title) if title else "the template"
    raise TemplateDataError(Msg("{name}: no TemplateData in the wiki's answer (no such "
                                "page?)", name=name))


def _from_page(page: Mapping[str, object], title: str | None) -> TemplateData:
    name = str(page.get("title") or (template_page_title(title) if title else "TemplateData"))
    if page.get("missing"):
        raise TemplateDataError(Msg("{name}: no such page", name=name))
    raw = page.get("params")
    if not isinstance(raw, Mapping):
        raise TemplateDataError(Msg("{name}: not TemplateData (params is not an object)",
                                    name=name))
    order = page.get("paramOrder")
    names = list(raw)
    if isinstance(order, list) and sorted(map(str, order)) == sorted(names):
        names = [str(n) for n in order]
    params = tuple(_param(n, raw[n]) for n in names)
    found = str(page["title"]) if page.get("title") else None
    form = page.get("format")
    return TemplateData(found, params, _interface_text(page.get("description")),
                        form if isinstance(form, str) else None, bool(page.get("notemplatedata")))


def _param(name: str, raw: object) -> Param:
    p = raw if isinstance(raw, Mapping) else {}  # the code's parameters come as []
    return Param(
        name=str(name),
        label=_interface_text(p.get("label")),
        description=_interface_text(p.get("description")),
        type=str(p.get("type") or "unknown"),
        required=p.get("required") is True,
        suggested=p.get("suggested") is True,
        deprecated=bool(p.get("deprecated")),
        aliases=tuple(str(a) for a in p.get("aliases") or () if isinstance(a, (str, int))),
        example=_interface_text(p.get("example")),
        default=_interface_text(p.get("default")),
        suggestedvalues=tuple(str(v) for v in p.get("suggestedvalues") or ()
                              if isinstance(v, str)),
    )


def _interface_text(value: object) -> str | None:
    """A TemplateData text: a string, or {lang: text} (French first, then English, then any)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and value:
        for lang in LANGS:
            if isinstance(value.get(lang), str):
                return str(value[lang])
        first = next((v for v in value.values() if isinstance(v, str)), None)
        return first
    return None


def read_templatedata(site: Site, template: str) -> JSONObject:
    """The TemplateData dict of a template on a site (see Site.templatedata). Raises
    TemplateDataError (no page, no TemplateData), TemplateDataUnavailable (the wiki cannot
    tell), and whatever the site raises (WikiError)."""
    title = template_page_title(template)
    answer = _data(site.templatedata([title])[0], title)
    parse_templatedata(answer, title)  # raises when the answer has none
    return answer


def _data(answer: TemplateDataAnswer, title: str) -> JSONObject:
    """The answer's JSON; TemplateDataError naming `title` when it has none."""
    if answer.data is None:
        raise TemplateDataError(Msg("{title}: {value}", title=title,
                                    value=answer.error or 'no TemplateData'))
    return answer.data


# -- comparing -----------------------------------------------------------------------------


def check_schema(schema: Schema, templatedata: Mapping[str, object]) -> list[str]:
    """The differences between a schema and its template's TemplateData, one line each (empty:
    they agree): parameters on one side only, aliases on one side only, required flags.
    Names match ignoring case, accents and `_` vs space, as the parser reads them. Raises
    TemplateDataError when `templatedata` holds no TemplateData for the schema's template."""
    td = parse_templatedata(templatedata, template_page_title(schema.template))
    out: list[str] = []
    if td.from_code:
        out.append(f"{td.title or template_page_title(schema.template)} has no TemplateData: "
                   "compared with the parameters its code uses ({{{…}}}); aliases and required "
                   "flags not compared")
    matched: dict[str, str] = {}  # fold(TemplateData name) -> the schema's param
    for f in schema.fields:
        param = _matching_param(f, td, matched, out)
        if param is None:
            continue
        matched[fold(param.name)] = f.param
        if not td.from_code:
            out += _param_differences(schema, f, param)
    out += _params_of_their_own(schema, td, matched)
    return out


def _matching_param(f: FieldSpec, td: TemplateData, matched: Mapping[str, str],
                    out: list[str]) -> Param | None:
    """The TemplateData parameter of a schema field: by its name, else by one of its aliases
    not matched yet (one line in `out` saying so); None, with a line, when there is none."""
    param = td.param(f.param)
    if param is not None:
        return param
    names = {fold(a) for a in f.aliases}
    param = next((p for p in td.params if fold(p.name) in names
                  and fold(p.name) not in matched), None)
    if param is None:
        out.append(f'parameter "{f.param}": in the schema, not in the TemplateData')
        return None
    out.append(f'parameter "{f.param}": called "{param.name}" in the TemplateData '
               "(an alias in the schema)")
    return param


def _param_differences(schema: Schema, f: FieldSpec, param: Param) -> list[str]:
    """Aliases on one side only and a required flag that differs, for one matched field."""
    own = {fold(f.param), fold(f.name), fold(param.name)}
    mine = {fold(a): a for a in f.aliases if fold(a) not in own}
    theirs = {fold(a): a for a in param.aliases if fold(a) not in own}
    out = [f'parameter "{f.param}": alias "{mine[k]}" in the schema, not in the TemplateData'
           for k in mine if k not in theirs]
    out += [f'parameter "{f.param}": alias "{theirs[k]}" in the TemplateData, not in the '
            "schema" for k in theirs if k not in mine]
    required = f.name in schema.required
    if required != param.required:
        where = ("required in the schema, optional in the TemplateData" if required
                 else "optional in the schema, required in the TemplateData")
        out.append(f'parameter "{f.param}": {where}')
    return out


def _params_of_their_own(schema: Schema, td: TemplateData, matched: Mapping[str, str]
                         ) -> list[str]:
    """The TemplateData parameters no schema field matched: unknown, or an alias there."""
    out = []
    for p in td.params:
        if fold(p.name) in matched:
            continue
        owner = schema.field_for_param(p.name)
        if owner is not None:
            out.append(f'parameter "{p.name}": a parameter of its own in the TemplateData, '
                       f'an alias of "{owner.param}" in the schema')
        else:
            out.append(f'parameter "{p.name}": in the TemplateData, not in the schema')
    return out


def check_site(site: Site, schemas: Iterable[Schema]) -> list[tuple[str, str]]:
    """(template page, difference) for each schema against its template's TemplateData on the
    site (read in one batch); a template page missing, or without TemplateData, is one
    difference. A wiki that refuses action=templatedata (no TemplateData extension) raises
    TemplateDataUnavailable; what the site raises (WikiError) goes through."""
    schemas = list(schemas)
    titles = [template_page_title(schema.template) for schema in schemas]
    out: list[tuple[str, str]] = []
    redirects = site.template_redirects(dict.fromkeys(s.template for s in schemas))
    for schema, title in zip(schemas, titles, strict=True):
        out += [(title, line) for line in unredirected_aliases(schema, redirects)]
    for schema, title, answer in zip(schemas, titles, site.templatedata(titles), strict=True):
        try:
            lines = check_schema(schema, _data(answer, title))
        except TemplateDataUnavailable:
            raise
        except TemplateDataError as e:
            out.append((title, str(e).removeprefix(f"{title}: ")))
            continue
        out += [(title, line) for line in lines]
    return out


def unredirected_aliases(schema: Schema, redirects: Mapping[str, Sequence[str]]) -> list[str]:
    """One line for each alias of the schema's template that is no redirect to it on the site
    (`redirects`: Site.template_redirects): a call of it is not read as the template. None
    when the site cannot tell (a folder without the template's page)."""
    known = redirects.get(schema.template)
    if known is None:
        return []
    have = {template_name(r) for r in known}
    return [f'alias "{alias}" in {schema.path}: the site has no redirect Modèle:{alias} to '
            f"the template; a call {{{{{alias}}}}} is not read as {{{{{schema.template}}}}}"
            for alias in schema.template_aliases if template_name(alias) not in have]


# -- a starter schema ----------------------------------------------------------------------


def schema_from_templatedata(templatedata: Mapping[str, object], template: str) -> str:
    """A starter schema (YAML, the format of schemas/*.yaml, accepted by load_schema) for
    `template` from its TemplateData: one field per parameter with its name, aliases, label,
    type (number, bool, date, url, else text), suggested values, example and description, and
    `required`. Raises TemplateDataError when there is no TemplateData for the template."""
    td = parse_templatedata(templatedata, template_page_title(template))
    name = template_page_title(template).split(":", 1)[1]
    doc = _starter(td, name)
    header = [
        f"# A starter schema for {{{{{_comment(name)}}}}}, written by movibot from the wiki's "
        "TemplateData.",
        "# Check each field: TemplateData has no money, surface, percent, list or e-mail types",
        "# (type: text here), no allowed values (add an enum to properties: suggestions are only",
        "# hints) and no category; add x-sections and x-categories as in schemas/lieu.yaml,",
        "# then point a source's `schema:` at this file (movibot.yaml).",
    ]
    if td.from_code:
        header.append("# The template has no TemplateData: these are the parameters its code "
                      "uses ({{{…}}}).")
    text = "\n".join(header) + "\n" + _dump(doc)
    try:
        schema_from_dict(yaml.safe_load(text), f"<starter schema for {name}>")
    except (SchemaError, yaml.YAMLError) as e:  # pragma: no cover - a bug here, not in input
        raise TemplateDataError(Msg("{name}: cannot write a valid starter schema: {e}",
                                    name=name, e=e)) from None
    return text


def _starter(td: TemplateData, template: str) -> dict[str, object]:
    fields: dict[str, object] = {}
    properties: dict[str, object] = {}
    required: list[str] = []
    used: set[str] = set()
    for i, p in enumerate(td.params, 1):
        key = _field_name(p.name, i, used)
        kind = starter_type(p.type)
        prop = dict(kind.json_schema)
        if p.required and prop.get("type") == "string":
            prop["minLength"] = 1
        properties[key] = prop
        spec: dict[str, object] = {"param": p.name, "label": p.label or p.name,
                                "type": kind.name}
        if p.aliases:
            spec["aliases"] = list(p.aliases)
        if p.suggestedvalues:
            spec["suggestions"] = list(p.suggestedvalues)
        if p.example:
            spec["example"] = _one_line(p.example)
        if p.description:
            spec["description"] = _one_line(p.description)
        if p.suggested:
            spec["suggested"] = True
        fields[key] = spec
        if p.required:
            required.append(key)
    doc: dict[str, object] = {"$schema": JSON_SCHEMA, "title": template}
    if td.description:
        doc["description"] = _one_line(td.description)
    doc["type"] = "object"
    if required:
        doc["required"] = required
    doc["properties"] = properties
    doc["x-wiki"] = {"kind": _slug(template) or "template", "template": template,
                     "fields": fields}
    return doc


def _field_name(param: str, index: int, used: set[str]) -> str:
    base = _slug(param)
    if not base or base[0].isdigit():
        base = f"param_{base or index}"
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", fold(name)).strip("_")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _comment(text: str) -> str:
    return " ".join(text.split())


def _dump(doc: Mapping[str, object]) -> str:
    """`doc` as YAML in the bundled schemas' style (a mapping per line of each section, flow
    style inside), checked by reading it back; plain JSON (also YAML) should that ever fail."""
    lines = []
    for key, value in doc.items():
        if key in ("properties",) and isinstance(value, Mapping):
            lines.append(f"{_scalar(key)}:")
            lines += [f"  {_scalar(k)}: {_flow(v)}" for k, v in value.items()]
        elif key == "x-wiki" and isinstance(value, Mapping):
            lines.append(f"{_scalar(key)}:")
            for k, v in value.items():
                if k == "fields" and isinstance(v, Mapping):
                    lines.append("  fields:")
                    lines += [f"    {_scalar(n)}: {_flow(s)}" for n, s in v.items()]
                else:
                    lines.append(f"  {_scalar(k)}: {_flow(v)}")
        else:
            lines.append(f"{_scalar(key)}: {_flow(value)}")
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != doc:  # pragma: no cover - defensive
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return text


def _flow(value: object) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_scalar(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#\n\r\t]*")


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if (_PLAIN.fullmatch(text) and text == text.strip() and ": " not in text
            and not text.endswith(":") and _reads_back(text)):
        return text
    return json.dumps(text, ensure_ascii=False)


def _reads_back(text: str) -> bool:
    try:
        return bool(yaml.safe_load(f"[{text}]") == [text]
                    and yaml.safe_load(f"{{k: {text}}}") == {"k": text}
                    and yaml.safe_load(f"k: {text}") == {"k": text})
    except yaml.YAMLError:
        return False


def required_params(td: TemplateData) -> Sequence[str]:
    """The names of the required parameters of a TemplateData, in its order."""
    return [p.name for p in td.params if p.required]
