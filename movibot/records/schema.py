"""Declarative schemas: JSON Schema in YAML plus `x-wiki` (template and parameters),
`x-sections` (required sections per type of document) and `x-categories`.

`load_schema(path)` reads one; `validate_fields(fields, schema)` yields the problems of a record's
values, checked with the jsonschema library plus the cross-field rules of the cost model.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import yaml

from movibot.errors import SchemaError
from movibot.i18n import Msg
from movibot.records.record import to_plain
from movibot.records.types import VALUE_TYPES, ValueType, value_type
from movibot.records.values import FieldValue
from movibot.resources import schema_dir
from movibot.wikitext.titles import TEMPLATE_PREFIXES, fold, template_name

SCHEMA_DIR = schema_dir()
_FOLDED_TEMPLATE_PREFIXES = frozenset(fold(p) for p in TEMPLATE_PREFIXES)


@dataclass(frozen=True)
class FieldSpec:
    """One record field and how it is written on the wiki."""

    name: str
    param: str
    label: str
    type: str
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    choices: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    category: str | None = None
    links: str | None = None
    default: object = None  # the property's JSON Schema `default`, as YAML gives it
    commas: bool = True

    @property
    def value_type(self) -> ValueType:
        """The registry's entry for the field's type (movibot.records.types)."""
        return value_type(self.type)


@dataclass(frozen=True)
class Schema:
    """A loaded schema: the JSON Schema itself plus the wiki mapping read from its x- sections."""

    path: str
    kind: str
    title: str
    template: str
    template_aliases: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    required: tuple[str, ...]
    sections: Mapping[str, tuple[str, ...]]
    categories: Mapping[str, Any]
    json: Mapping[str, Any] = field(repr=False, compare=False, hash=False, default_factory=dict)
    add_category: bool = False  # x-wiki.add_category: the bot puts a page calling the template
    #                              but outside the source category in it, inside its block
    # The bare names of the site's redirects to the template (Site.template_redirects), None
    # when the site cannot tell (a folder without the template's page): then the declared
    # aliases stand for them. See with_redirects.
    redirects: tuple[str, ...] | None = None

    def field(self, name: str) -> FieldSpec:
        """The FieldSpec called `name`; KeyError when there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def field_for_param(self, param: str) -> FieldSpec | None:
        """The field a template parameter maps to, ignoring case, accents and `_` vs space."""
        return self._param_index.get(fold(param))

    @cached_property
    def validator(self) -> jsonschema.protocols.Validator:
        """The JSON Schema validator of this schema (draft 2020-12, formats checked), made once."""
        return jsonschema.Draft202012Validator(
            dict(self.json), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    @cached_property
    def json_key(self) -> str:
        """The schema's JSON document as a string: the key of its compiled validator."""
        return json.dumps(self.json, sort_keys=True, default=str)

    @cached_property
    def _param_index(self) -> dict[str, FieldSpec]:
        index: dict[str, FieldSpec] = {}
        for f in self.fields:
            for name in (f.param, f.name, *f.aliases):
                index.setdefault(fold(name), f)
        return index

    def with_redirects(self, redirects: tuple[str, ...] | None) -> Schema:
        """This schema reading its template's calls through the site's `redirects` (None:
        through its declared aliases); itself when they are the same."""
        if redirects == self.redirects:
            return self
        return dataclasses.replace(self, redirects=redirects)

    @property
    def template_names(self) -> tuple[str, ...]:
        """The names a call reads as the template: the template's own, then the site's
        redirects to it, or the declared aliases when the site cannot tell."""
        return (self.template, *(self.template_aliases if self.redirects is None
                                 else self.redirects))

    def matches_template(self, name: str, first_letter: bool = True) -> bool:
        """True when a call's name (read as a title: tree.template_title) transcludes the
        schema's template or one of its template_names (the wiki's redirects to it), resolved as
        MediaWiki resolves it (titles.template_name): `{{tiers-Lieu}}` and
        `{{Modèle:Tiers_Lieu}}` are calls of `Tiers-Lieu`, `{{TIERS-LIEU}}` is not."""
        return template_name(name, first_letter) in self._template_names[first_letter]

    def near_template(self, name: str, first_letter: bool = True) -> str | None:
        """The schema's template name (or alias) a call's name nearly is but MediaWiki does not
        read as it (another case past the first letter, an accent, a hyphen for a space:
        `{{TIERS-LIEU}}`, `{{Tiérs-Lieu}}`, `{{tiers lieu}}`); None for a match or another
        name."""
        key = template_name(name, first_letter)
        if key is None or key in self._template_names[first_letter]:
            return None
        prefix, _, rest = key.partition(":")
        if rest and fold(prefix) in _FOLDED_TEMPLATE_PREFIXES:  # `{{Modele:…}}`
            key = rest
        return self._folded_templates.get(fold(key))

    def close_template(self, name: str) -> str | None:
        """The schema's template name a call's name is a likely typo of (`{{Fihce}}`), for a
        did-you-mean on a page that calls none of them; None when none is close."""
        close = self.close_templates(name)
        return close[0] if close else None

    def close_templates(self, name: str) -> list[str]:
        """The schema's template names a call's name is close to, the closest first."""
        key = template_name(name) or ""
        names = self._folded_templates
        return [names[c] for c in difflib.get_close_matches(fold(key), list(names), n=3,
                                                             cutoff=0.8)]

    @cached_property
    def _template_names(self) -> dict[bool, frozenset[str | None]]:
        """The template_names as MediaWiki resolves them, on a `first-letter` wiki (True) and a
        case-sensitive one (False)."""
        return {flag: frozenset(template_name(n, flag) for n in self.template_names)
                for flag in (True, False)}

    @cached_property
    def _folded_templates(self) -> dict[str, str]:
        """The template_names by their folded form (fold); a declared alias the site has no
        redirect of names the template itself (`{{Lieu}}`: did you mean {{Tiers-Lieu}}?)."""
        folded: dict[str, str] = {}
        for n in self.template_names:
            folded.setdefault(fold(n), n)
        for n in self.template_aliases:
            folded.setdefault(fold(n), self.template)
        return folded

    def shown(self, key: str, written: Mapping[str, str] | None = None) -> str:
        """How messages name field `key`: its parameter as written on the page (`written`),
        else as the schema writes it (`maturité` for `maturite`), else the key itself."""
        if written and key in written:
            return written[key]
        spec = next((f for f in self.fields if f.name == key), None)
        return spec.param if spec else key

    def suggest_param(self, param: str) -> str | None:
        """The closest known parameter name, for a did-you-mean."""
        names = {fold(f.param): f.param for f in self.fields}
        for f in self.fields:
            names.update({fold(a): a for a in f.aliases})
        close = difflib.get_close_matches(fold(param), list(names), n=1, cutoff=0.75)
        return names[close[0]] if close else None

    @property
    def source_category(self) -> str | None:
        return (self.categories.get("source") or {}).get("name")

    def required_sections(self, record_fields: Mapping[str, FieldValue]) -> tuple[str, ...]:
        """Sections a page must have: by its `type_document`, else the `*` entry."""
        doc_type = record_fields.get("type_document")
        if isinstance(doc_type, str) and doc_type in self.sections:
            return self.sections[doc_type]
        return self.sections.get("*", ())


def load_schema(path: str | Path) -> Schema:
    """Read and check a schema file. Raises SchemaError naming the file and the key."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise SchemaError(Msg("{p}: cannot read schema: {value}", p=p,
                              value=e.strerror or e)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise SchemaError(Msg("{p}{where}: invalid YAML: {e}", p=p, where=where,
                              e=getattr(e, 'problem', e))) from None
    return schema_from_dict(doc, str(p))


def schema_from_dict(doc: object, path: str = "<schema>") -> Schema:
    """Build a Schema from its parsed YAML. Raises SchemaError naming the key."""
    if not isinstance(doc, dict):
        raise SchemaError(Msg("{path}: a schema must be a mapping", path=path))
    try:
        jsonschema.Draft202012Validator.check_schema(doc)
    except jsonschema.SchemaError as e:
        where = "/".join(str(k) for k in e.absolute_path) or "(root)"
        raise SchemaError(Msg("{path}: invalid JSON Schema at {where}: {message}",
                              path=path, where=where, message=e.message)) from None
    wiki = doc.get("x-wiki")
    if not isinstance(wiki, dict) or not wiki.get("template"):
        raise SchemaError(Msg("{path}: x-wiki.template is required", path=path))
    props = _mapping(doc.get("properties"), "properties", path)
    fields = tuple(
        _field_spec(name, spec, _property(props.get(name)), path)
        for name, spec in _mapping(wiki.get("fields"), "x-wiki.fields", path).items()
    )
    sections = _mapping(doc.get("x-sections"), "x-sections", path)
    categories = _mapping(doc.get("x-categories"), "x-categories", path)
    _mapping(categories.get("source"), "x-categories.source", path)
    return Schema(
        path=path,
        kind=str(wiki.get("kind") or Path(path).stem),
        title=str(doc.get("title") or wiki["template"]),
        template=str(wiki["template"]),
        template_aliases=_names(wiki.get("aliases"), "x-wiki.aliases", path),
        fields=fields,
        required=tuple(doc.get("required") or ()),
        sections={str(k): _names(v, f"x-sections.{k}", path) for k, v in sections.items()},
        categories=categories,
        json=doc,
        add_category=wiki.get("add_category") is True,
    )


def _mapping(value: object, key: str, path: str) -> dict[str, object]:
    """`value` when it is a mapping (None: empty). Raises SchemaError naming the key."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SchemaError(Msg("{path}: {key} must be a mapping", path=path, key=key))
    return value


def _property(value: object) -> Mapping[str, object]:
    """A property's JSON Schema: {} for none or a boolean schema (`true`: any value)."""
    return value if isinstance(value, dict) else {}


def _names(value: object, key: str, path: str) -> tuple[str, ...]:
    """`value` as a tuple of names (None: empty). Raises SchemaError unless it is a list."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise SchemaError(Msg("{path}: {key} must be a list of names", path=path,
                              key=key))
    return tuple(str(v) for v in value)


def _field_spec(name: str, spec: object, prop: Mapping[str, object], path: str) -> FieldSpec:
    if not isinstance(spec, dict):
        raise SchemaError(Msg("{path}: x-wiki.fields.{name} must be a mapping",
                              path=path, name=name))
    kind = spec.get("type", "text")
    if not isinstance(kind, str) or kind not in VALUE_TYPES:
        known = ", ".join(sorted(VALUE_TYPES))
        raise SchemaError(Msg("{path}: x-wiki.fields.{name}.type: unknown type "
                              "{kind!r} ({known})", path=path, name=name, kind=kind,
                              known=known))
    links = spec.get("links")
    if kind == "list" and links:
        kind = "titles"
    enum = prop.get("enum")  # a list: check_schema has checked the JSON Schema
    choices = tuple(enum) if isinstance(enum, list) else ()
    return FieldSpec(
        name=name,
        param=str(spec.get("param", name)),
        label=str(spec.get("label", name)),
        type=kind,
        aliases=_names(spec.get("aliases"), f"x-wiki.fields.{name}.aliases", path),
        unit=spec.get("unit"),
        choices=choices,
        suggestions=_names(spec.get("suggestions"), f"x-wiki.fields.{name}.suggestions", path),
        category=spec.get("category"),
        links=links,
        default=prop.get("default"),
        commas=spec.get("separator", ",") == ",",
    )


def default_schema_paths() -> list[Path]:
    """The bundled schemas: lieu then fiche."""
    return [SCHEMA_DIR / "lieu.yaml", SCHEMA_DIR / "fiche.yaml"]


def load_schemas(paths: list[str] | list[Path] | None = None) -> list[Schema]:
    """Load the given schema files, or the bundled ones."""
    return [load_schema(p) for p in (paths or default_schema_paths())]


@dataclass(frozen=True)
class FieldIssue:
    """A validation finding before it is placed in a file: code, field and message."""

    code: str
    field: str | None
    message: str


def validate_fields(fields: Mapping[str, FieldValue], schema: Schema,
                    written: Mapping[str, str] | None = None) -> Iterator[FieldIssue]:
    """Problems of a record's readable values: the schema (jsonschema), then cross-field rules;
    messages name each field by its parameter as `written` on the page (Schema.shown).

    A record the compiled validator finds valid has no jsonschema error: jsonschema (its
    messages, every error) is only run on the others (COMPILED False: always)."""
    instance = {k: to_plain(v) for k, v in fields.items() if v is not None}
    if not (COMPILED and compiled_valid(schema, instance)):
        for error in sorted(schema.validator.iter_errors(instance), key=_error_key):
            yield _issue_from_error(error, schema, written)
    yield from _cross_field_issues(fields, lambda key: schema.shown(key, written))


# Whether validate_fields first asks the compiled validator (fastjsonschema): a test compares
# both paths on every page of the corpus (tests/records/test_compiled_validator.py).
COMPILED = True
_COMPILED: dict[str, Callable[[Any], Any] | None] = {}


def compiled_valid(schema: Schema, instance: Mapping[str, Any]) -> bool:
    """Whether fastjsonschema's validator of the schema accepts `instance`; False when it
    rejects it or the schema has none (compiled_check)."""
    check = compiled_check(schema)
    if check is None:
        return False
    try:
        check(instance)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def compiled_check(schema: Schema) -> Callable[[Any], Any] | None:
    """fastjsonschema's validator of the schema, compiled once per process (the formats checked
    by jsonschema's own format checker); None for a schema that uses a keyword fastjsonschema
    (drafts 4 to 7) may read otherwise than draft 2020-12 (`prefixItems`, the array form of
    `items`, `$ref`…): only jsonschema checks it."""
    key = schema.json_key
    if key not in _COMPILED:
        _COMPILED[key] = None
        if _draft7_reads_it(schema.json):
            formats = {name: functools.partial(_FORMATS.conforms, format=name)
                       for name in _FORMATS.checkers}
            try:
                _COMPILED[key] = fastjsonschema.compile(dict(schema.json), formats=formats)
            except fastjsonschema.JsonSchemaDefinitionException:
                pass
    return _COMPILED[key]


# The keywords draft 7 reads as draft 2020-12 does (x-… annotations aside); the subschemas of
# those that hold some are checked too.
_SAME_IN_DRAFT7 = frozenset({
    "$schema", "$id", "$comment", "title", "description", "default", "examples", "type", "enum",
    "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
    "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "format"})


def _draft7_reads_it(node: Any) -> bool:
    """Whether a (sub)schema uses only _SAME_IN_DRAFT7's keywords, its subschemas too."""
    if isinstance(node, bool):
        return True
    if not isinstance(node, Mapping):
        return False  # the array form of `items`, a malformed subschema
    for key, value in node.items():
        if key.startswith("x-"):
            continue
        if key not in _SAME_IN_DRAFT7:
            return False
        if key == "properties" and not all(_draft7_reads_it(v) for v in value.values()):
            return False
        if key in ("items", "additionalProperties") and not _draft7_reads_it(value):
            return False
    return True


_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _error_key(error: jsonschema.ValidationError) -> tuple[str, str]:
    return ("/".join(str(p) for p in error.absolute_path), error.validator or "")


def _issue_from_error(error: jsonschema.ValidationError, schema: Schema,
                      written: Mapping[str, str] | None) -> FieldIssue:
    path = [str(p) for p in error.absolute_path]
    name = path[0] if path else None
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return FieldIssue("E101", missing,
                          Msg('missing required field "{field}"',
                              field=schema.shown(missing, written)))
    label = Msg('field "{field}"', field=schema.shown(name, written)) if name else Msg("record")
    if error.validator == "enum":
        allowed = ", ".join(str(c) for c in error.validator_value)
        return FieldIssue("E104", name, Msg("{label}: {instance!r} is not one of: "
                                            "{allowed}", label=label,
                                            instance=error.instance, allowed=allowed))
    minimum = error.validator in ("exclusiveMinimum", "minimum")
    bounded = _own_bound(schema, name) if minimum else None
    if bounded is not None:
        return FieldIssue(bounded.bound_code, name,
                          Msg("{label}: {name} must be > 0, got {instance}", label=label,
                              name=bounded.name, instance=error.instance))
    return FieldIssue("E102", name, Msg("{label}: {error}", label=label,
                                        error=_short(error)))


def _own_bound(schema: Schema, name: str | None) -> ValueType | None:
    """The type of field `name` when it has a code of its own for a value under its minimum
    (a surface: E107); None otherwise."""
    try:
        kind = schema.field(name or "").value_type
    except KeyError:
        return None
    return kind if kind.bound_code != "E102" else None


def _short(error: jsonschema.ValidationError) -> str:
    v, value, rule = error.validator, error.instance, error.validator_value
    if v == "format":
        return Msg("{value!r} is not a valid {format}", value=value, format=rule)
    if v == "pattern":
        return Msg("{value!r} does not match the expected form", value=value)
    if v in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
        return Msg("must be {op} {bound}, got {value}", op=op[str(v)], bound=rule, value=value)
    if v == "type":
        return Msg("{value!r} is not of type {type}", value=value, type=rule)
    if v == "minItems":
        return Msg("must not be empty")
    return str(error.message)


SHARE_FIELDS = ("part_residents", "part_contributeurs", "part_offres")


def _cross_field_issues(fields: Mapping[str, FieldValue], shown: Callable[[str], str]
                        ) -> Iterator[FieldIssue]:
    yield from _share_issues(fields, shown)
    surface, usable = fields.get("surface_totale"), fields.get("surface_utile")
    if isinstance(surface, Decimal) and isinstance(usable, Decimal) and usable > surface:
        yield FieldIssue(
            "E106",
            "surface_utile",
            Msg("surface utile ({usable} m²) exceeds surface totale ({surface} m²)",
                usable=_num(usable), surface=_num(surface)),
        )


def _share_issues(fields: Mapping[str, FieldValue], shown: Callable[[str], str]
                  ) -> Iterator[FieldIssue]:
    """E105 when the three shares are given but do not sum to 100, or are not all given."""
    shares = [fields.get(name) for name in SHARE_FIELDS]
    if any(s is not None for s in shares) and all(isinstance(s, Decimal) for s in shares):
        total = sum((s for s in shares if isinstance(s, Decimal)), Decimal(0))
        if total != 100:
            parts = " + ".join(_num(s) for s in shares)
            yield FieldIssue(
                "E105", "part_residents", Msg("shares must sum to 100, got {parts} = "
                                              "{total}", parts=parts, total=_num(total))
            )
    elif any(isinstance(s, Decimal) for s in shares):
        given = [n for n, s in zip(SHARE_FIELDS, shares, strict=True) if s is not None]
        yield FieldIssue(
            "E105", given[0],
            Msg("shares must be given all three or none (given: {value})",
                value=', '.join(map(shown, given)))
        )


def _num(d: object) -> str:
    if isinstance(d, Decimal):
        return format(d.normalize(), "f") if d == d.to_integral_value() else str(d)
    return str(d)
