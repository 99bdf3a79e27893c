"""The schema as the one source of truth: template pages (documentation + TemplateData)
generated from the schemas, shipped in fiches/, refreshed in place; a schema compared with a
TemplateData, and a starter schema written from one."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from movibot.errors import BlockEdited, BlockMalformed
from movibot.problems import has_errors
from movibot.records.lint import LocalPage, lint_page
from movibot.records.schema import load_schema, load_schemas, schema_from_dict, validate_fields
from movibot.records.templatedata import (
    TemplateDataError,
    check_schema,
    check_site,
    parse_templatedata,
    read_templatedata,
    schema_from_templatedata,
    template_page_title,
)
from movibot.records.values import read_value
from movibot.render.templates import (
    DOC_BLOCK,
    field_example,
    render_doc,
    render_template_page,
    template_filename,
    template_files,
    template_title,
    templatedata,
    templates_for,
    update_template_page,
)
from movibot.sites.base import Page, TemplateDataAnswer
from movibot.sites.directory import DirectorySite
from movibot.sites.templatedata import templatedata_from_text
from movibot.wikitext.blocks import find_block, find_blocks, make_block
from movibot.wikitext.titles import categories_in, filename_to_title

FICHES = Path(__file__).resolve().parents[2] / "fiches"
LIEU, FICHE = SCHEMAS = load_schemas()
VALID_TYPES = {"content", "line", "number", "boolean", "string", "date", "unbalanced-wikitext",
               "unknown", "url", "wiki-page-name", "wiki-user-name", "wiki-file-name",
               "wiki-template-name"}
REGENERATE = ("python -c 'from pathlib import Path; from movibot.records.schema import "
              "load_schemas; from movibot.render.templates import template_files; "
              "[Path(\"fiches\", n).write_text(t, encoding=\"utf-8\") for n, t in "
              "template_files(load_schemas()).items()]'  (or: movibot templates --out fiches/)")
_NOINCLUDE = re.compile(r"<noinclude>.*?</noinclude>", re.S)


def transcluded(text: str) -> str:
    """What MediaWiki transcludes of a template page (no onlyinclude/includeonly here)."""
    return _NOINCLUDE.sub("", text)


def blob(text: str) -> dict[str, Any]:
    return templatedata_from_text(text)


# -- the generated pages -------------------------------------------------------------------


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_fiches_ship_the_template_pages_generated_from_the_schemas(schema) -> None:
    path = FICHES / template_filename(schema)
    assert path.is_file(), f"{path} is missing; write it with: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == render_template_page(schema), (
        f"{path.name} drifted from {Path(schema.path).name}; regenerate it with: {REGENERATE}")


def test_one_page_per_schema_named_in_the_template_namespace() -> None:
    assert list(templates_for(SCHEMAS)) == ["Modèle:Tiers-Lieu", "Modèle:Fiche"]
    assert list(template_files(SCHEMAS)) == ["Modèle:Tiers-Lieu.wiki", "Modèle:Fiche.wiki"]
    for schema in SCHEMAS:
        assert filename_to_title(template_filename(schema)) == template_title(schema)


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_the_template_renders_nothing_and_categorises_only_itself(schema) -> None:
    text = render_template_page(schema)
    assert transcluded(text).strip() == ""
    assert categories_in(text) == ["Modèles"]
    assert "[[Catégorie:Modèles]]" in _NOINCLUDE.findall(text)[0]
    block = find_block(text, DOC_BLOCK)
    assert block is not None and not block.edited
    assert text.index("<noinclude>") < block.start < block.end < text.index("</noinclude>")
    assert "[[Catégorie:" not in block.content  # the block itself puts the page nowhere


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_the_generated_pages_are_lint_clean(schema) -> None:
    page = LocalPage("t.wiki", template_title(schema), render_template_page(schema))
    assert [p.format() for p in lint_page(page, SCHEMAS, {template_title(schema)})] == []


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_the_documentation_lists_every_parameter_in_french(schema) -> None:
    doc = render_doc(schema)
    rows = [r for r in doc.split("\n|-\n")[1:]]
    assert len(rows) == len(schema.fields)
    for f, row in zip(schema.fields, rows, strict=True):
        cells = row.split("\n", 1)[0].removeprefix("| ").split(" || ")
        assert cells[0] == f"<code>{f.param}</code>" and cells[1] == f.label
        assert cells[4] == ("oui" if f.name in schema.required else "non")
        assert cells[5] == ", ".join(f"<code>{a}</code>" for a in f.aliases)
        assert (cells[3] == (f.unit or "")) or f.type in ("percent", "surface")
    assert f"{{{{{schema.template}\n" in doc  # the call to copy, in <pre>
    for name in schema.template_aliases:
        assert f"<code>{name}</code>" in doc


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_the_templatedata_comes_from_the_schema(schema) -> None:
    data = blob(render_template_page(schema))
    assert data == templatedata(schema)
    assert data["format"] == "block"
    assert data["paramOrder"] == [f.param for f in schema.fields] == list(data["params"])
    for f in schema.fields:
        p = data["params"][f.param]
        assert p["label"] == {"fr": f.label} and p["description"]["fr"]
        assert p["type"] in VALID_TYPES
        assert p.get("required", False) is (f.name in schema.required)
        assert p.get("aliases", []) == list(f.aliases)
        assert p.get("suggestedvalues", []) == list(f.choices or f.suggestions)
        assert not (p.get("required") and p.get("suggested"))
    lieu = templatedata(LIEU)["params"]
    assert (lieu["statut"]["suggestedvalues"], lieu["statut"]["type"]) == (
        ["ouvert", "fermé", "en projet"], "line")
    assert (lieu["date de création"]["type"], lieu["site web"]["type"]) == ("date", "url")
    assert lieu["surface totale"]["type"] == "number" and lieu["surface totale"]["suggested"]
    assert lieu["part résidents"]["default"] == "51"


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_every_example_is_a_value_the_bot_reads_and_the_schema_accepts(schema) -> None:
    fields, given = {}, []
    for f in schema.fields:
        example = field_example(schema, f)
        if example is None:
            continue
        reading = read_value(f.type, example, f.choices, f.commas)
        assert reading.ok, (f.name, example, reading.reason)
        fields[f.name] = reading.value
        given.append(f.name)
        assert templatedata(schema)["params"][f.param]["example"] == example
    assert given  # typed fields always get one
    issues = [i for i in validate_fields(fields, schema) if i.code != "E101"]
    assert issues == []


def test_a_schema_may_give_its_own_examples_and_descriptions(tmp_path: Path) -> None:
    doc = yaml.safe_load(Path(LIEU.path).read_text(encoding="utf-8"))
    doc["x-wiki"]["fields"]["nom"]["example"] = "Le Mixeur"
    doc["properties"]["ville"]["examples"] = ["Saint-Étienne"]
    doc["x-wiki"]["fields"]["ville"]["description"] = "La commune du lieu."
    doc["x-wiki"]["fields"]["pays"]["suggested"] = True
    schema = schema_from_dict(doc, "lieu.yaml")
    params = templatedata(schema)["params"]
    assert params["nom"]["example"] == "Le Mixeur"
    assert params["ville"]["example"] == "Saint-Étienne"
    assert params["ville"]["description"] == {"fr": "La commune du lieu."}
    assert params["pays"]["suggested"] is True


def test_markup_in_a_schema_stays_inert_in_the_page() -> None:
    hostile = "X|}} {{Supprimer}} [[Catégorie:Spam]] </templatedata> <!-- movibot:end doc --> ~~~~"
    schema = schema_from_dict({
        "type": "object", "required": ["a"], "properties": {"a": {"type": "string"}},
        "x-wiki": {"template": "T", "aliases": [hostile],
                   "fields": {"a": {"param": "a", "label": hostile, "aliases": [hostile],
                                    "example": hostile, "description": hostile}}}}, "t.yaml")
    text = render_template_page(schema)
    blocks, problems = find_blocks(text)
    assert [b.name for b in blocks] == [DOC_BLOCK] and problems == []
    assert categories_in(text) == ["Modèles"] and "{{Supprimer" not in text
    assert "~~~" not in text and text.count("</templatedata>") == 1
    assert text.count("<!--") == 2  # the block's two markers, no other comment
    data = blob(text)
    assert data["params"]["a"]["label"] == {"fr": hostile}
    assert data["params"]["a"]["example"] == hostile
    page = LocalPage("t.wiki", "Modèle:T", text)
    assert not has_errors(lint_page(page, [schema], {"Modèle:T"}))


# -- refreshing a page ---------------------------------------------------------------------


def test_a_current_page_is_left_as_it_is() -> None:
    text = render_template_page(LIEU)
    assert update_template_page(text, LIEU) is text


def test_a_stale_block_is_refreshed_and_the_human_text_around_it_kept() -> None:
    old = make_block(DOC_BLOCK, "ancienne documentation\n")
    text = ("<includeonly>{{{nom|}}}</includeonly><noinclude>\nUne note humaine.\n" + old +
            "\nVoir aussi [[Portail:Les Tiers Lieux]].\n[[Catégorie:Modèles]]\n</noinclude>")
    new = update_template_page(text, LIEU)
    block = find_block(new, DOC_BLOCK)
    assert block is not None and block.content == render_doc(LIEU)
    assert new[:block.start] + new[block.end:] == text.replace(old, "")
    assert update_template_page(new, LIEU) is new


def test_a_hand_edited_block_is_refused_unless_forced() -> None:
    text = render_template_page(LIEU).replace("Texte libre.", "Texte libre, corrigé.", 1)
    with pytest.raises(BlockEdited):
        update_template_page(text, LIEU)
    assert update_template_page(text, LIEU, force=True) == render_template_page(LIEU)


def test_a_broken_marker_is_never_overwritten() -> None:
    text = render_template_page(LIEU).replace("<!-- movibot:end doc -->", "")
    with pytest.raises(BlockMalformed):
        update_template_page(text, LIEU, force=True)


def test_a_page_without_the_block_gets_it_inside_its_noinclude() -> None:
    text = ('{| class="infobox"\n| {{{nom|}}}\n|}<noinclude>\n{{Documentation}}\n'
            "[[Catégorie:Modèles]]\n</noinclude>")
    new = update_template_page(text, LIEU)
    assert transcluded(new) == transcluded(text)
    block = find_block(new, DOC_BLOCK)
    assert block is not None
    assert new.index("<noinclude>") < block.start < block.end < new.index("</noinclude>")
    assert new.replace(new[block.start:block.end + 1], "") == text
    assert update_template_page(new, LIEU) is new


def test_a_page_without_noinclude_gets_a_new_one_at_its_end() -> None:
    text = "<span>{{{nom|}}}</span>\n"
    new = update_template_page(text, LIEU)
    assert transcluded(new) == text  # not a byte more in what lieu pages transclude
    assert new.startswith("<span>{{{nom|}}}</span><noinclude>\n<!-- movibot:begin doc ")
    assert new.endswith("<!-- movibot:end doc -->\n</noinclude>\n")
    assert update_template_page(new, LIEU) is new


def test_a_noinclude_in_a_comment_or_nowiki_is_not_used() -> None:
    text = "{{{nom|}}}<!-- <noinclude>x</noinclude> --><nowiki><noinclude></noinclude></nowiki>"
    new = update_template_page(text, LIEU)
    assert new.startswith(text + "<noinclude>\n<!-- movibot:begin doc ")


def test_an_empty_page_gets_the_whole_generated_page() -> None:
    assert update_template_page("", FICHE) == render_template_page(FICHE)


def test_crlf_pages_keep_their_line_ends() -> None:
    text = ("{{{nom|}}}<noinclude>\r\n" + make_block(DOC_BLOCK, "vieux\n", newline="\r\n")
            + "\r\n</noinclude>")
    new = update_template_page(text, LIEU)
    assert new != text and "\n" not in new.replace("\r\n", "")
    assert find_block(new, DOC_BLOCK).content.replace("\r\n", "\n") == render_doc(LIEU)  # type: ignore[union-attr]


# -- comparing with TemplateData ------------------------------------------------------------


def api_answer(data: dict[str, Any], title: str = "Modèle:Tiers-Lieu") -> dict[str, Any]:
    """`data` as action=templatedata answers it (formatversion=2, no lang)."""
    page = copy.deepcopy(data)
    for p in page["params"].values():
        for key in ("required", "suggested", "deprecated"):
            p.setdefault(key, False)
        p.setdefault("aliases", [])
    return {"batchcomplete": True, "pages": {"12": {"title": title, **page}}}


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_a_schema_agrees_with_its_own_templatedata_in_every_shape(schema) -> None:
    data = templatedata(schema)
    title = template_title(schema)
    assert check_schema(schema, data) == []
    assert check_schema(schema, api_answer(data, title)) == []
    assert check_schema(schema, api_answer(data, title)["pages"]["12"]) == []


def test_check_lists_every_difference() -> None:
    data = api_answer(templatedata(LIEU))
    params = data["pages"]["12"]["params"]
    del params["territoire"]
    params["fax"] = {"label": "Fax"}
    params["ville"]["required"] = False
    params["pays"]["required"] = True
    params["code postal"]["aliases"] = ["zip"]
    params["Site_Web"] = params.pop("site web")        # the same name, written otherwise
    params["lat"] = params.pop("latitude")             # called by its schema alias
    params["lat"]["aliases"] = []
    params["long"] = {"label": "Longitude (ancien)"}   # an alias of longitude, on its own
    assert check_schema(LIEU, data) == [
        'parameter "code postal": alias "cp" in the schema, not in the TemplateData',
        'parameter "code postal": alias "zip" in the TemplateData, not in the schema',
        'parameter "ville": required in the schema, optional in the TemplateData',
        'parameter "pays": optional in the schema, required in the TemplateData',
        'parameter "latitude": called "lat" in the TemplateData (an alias in the schema)',
        'parameter "territoire": in the schema, not in the TemplateData',
        'parameter "fax": in the TemplateData, not in the schema',
        'parameter "long": a parameter of its own in the TemplateData, an alias of "longitude"'
        " in the schema",
    ]


def test_a_template_without_templatedata_is_compared_by_its_parameter_names() -> None:
    answer = {"pages": {"3": {"title": "Modèle:Tiers-Lieu", "notemplatedata": True,
                              "params": {"nom": [], "cp": [], "Ville": [], "fax": []}}}}
    lines = check_schema(LIEU, answer)
    assert lines[0].startswith("Modèle:Tiers-Lieu has no TemplateData: compared with the "
                               "parameters its code uses")
    assert 'parameter "code postal": called "cp" in the TemplateData (an alias in the schema)' \
        in lines
    assert 'parameter "fax": in the TemplateData, not in the schema' in lines
    assert 'parameter "adresse": in the schema, not in the TemplateData' in lines
    assert not any("required" in line or "alias \"" in line for line in lines[1:])


@pytest.mark.parametrize("answer, message", [
    ({"batchcomplete": True, "pages": {}}, "Modèle:Tiers-Lieu: no TemplateData in the wiki's"),
    ({"pages": 5}, "Modèle:Tiers-Lieu: no TemplateData in the wiki's"),
    ({"pages": {"-1": {"title": "Modèle:Tiers-Lieu", "missing": True}}},
     "Modèle:Tiers-Lieu: no such page"),
    ({"error": {"code": "badvalue", "info": "Unrecognized value for parameter \"action\""}},
     "is the TemplateData extension installed"),
    ({"description": "no params"}, "not TemplateData"),
    ({"params": []}, "params is not an object"),
])
def test_no_templatedata_is_one_clear_error(answer: dict[str, Any], message: str) -> None:
    with pytest.raises(TemplateDataError, match=re.escape(message)):
        check_schema(LIEU, answer)


def test_the_page_of_the_schemas_template_is_picked_from_an_answer() -> None:
    answer = api_answer(templatedata(FICHE), "Modèle:Fiche")
    answer["pages"]["13"] = api_answer(templatedata(LIEU))["pages"]["12"]
    assert check_schema(LIEU, answer) == [] and check_schema(FICHE, answer) == []
    td = parse_templatedata(answer, "template:tiers-lieu")
    assert td.title == "Modèle:Tiers-Lieu" and len(td.params) == len(LIEU.fields)


def test_texts_in_other_languages_are_read() -> None:
    td = parse_templatedata({"params": {"a": {"label": {"en": "A", "de": "Ä"}},
                                        "b": {"label": {"de": "B"}}, "c": {"label": "C"}}})
    assert [p.label for p in td.params] == ["A", "B", "C"]


# -- a starter schema from TemplateData ----------------------------------------------------


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_a_starter_schema_loads_and_agrees_with_the_templatedata(schema, tmp_path: Path) -> None:
    data = api_answer(templatedata(schema), template_title(schema))
    text = schema_from_templatedata(data, schema.template)
    path = tmp_path / "starter.yaml"
    path.write_text(text, encoding="utf-8")
    starter = load_schema(path)
    assert check_schema(starter, data) == []
    assert starter.template == schema.template
    assert [f.param for f in starter.fields] == [f.param for f in schema.fields]
    assert [f.aliases for f in starter.fields] == [f.aliases for f in schema.fields]
    assert [f.label for f in starter.fields] == [f.label for f in schema.fields]
    assert {starter.fields[i].param for i, f in enumerate(schema.fields)
            if f.name in schema.required} == {starter.field(n).param for n in starter.required}
    assert text.startswith("# A starter schema for {{" + schema.template + "}}")
    # the same style as schemas/*.yaml: one flow mapping per field
    assert re.search(r"(?m)^    \w+: \{param: ", text)
    assert templatedata(starter)["paramOrder"] == templatedata(schema)["paramOrder"]


def test_a_starter_schema_survives_awkward_names(tmp_path: Path) -> None:
    TYPES = ["number", "boolean", "date", "url", "line", "content"] * 3  # noqa: N806
    names = ["1", "2", "yes", "null", "a: b", "#x", "- y", "[z]", "Nom", "nom ", "é,è", "'q'",
             "2014-04-12", "~", "x\"y"]
    data = {"params": {n: {"label": n, "aliases": [n + " bis", "on"], "type": t,
                           "example": n, "suggestedvalues": [n, "no"], "required": i % 2 == 0}
                       for i, (n, t) in enumerate(zip(names, TYPES[:len(names)], strict=True))},
            "description": {"fr": "Un modèle : « test » # pas un commentaire"}}
    text = schema_from_templatedata(data, "Modèle:Bizarre: oui")
    starter = schema_from_dict(yaml.safe_load(text), "starter.yaml")
    assert [f.param for f in starter.fields] == names
    assert len({f.name for f in starter.fields}) == len(names)
    assert check_schema(starter, data) == []
    assert starter.template == "Bizarre: oui"
    assert yaml.safe_load(text)["description"] == "Un modèle : « test » # pas un commentaire"


def test_a_starter_schema_from_a_template_without_templatedata() -> None:
    answer = {"pages": {"3": {"title": "Modèle:Vieux", "notemplatedata": True,
                              "params": {"nom": [], "cp": []}}}}
    text = schema_from_templatedata(answer, "Vieux")
    starter = schema_from_dict(yaml.safe_load(text))
    assert [(f.param, f.type) for f in starter.fields] == [("nom", "text"), ("cp", "text")]
    assert "its code uses" in text


# -- reading TemplateData from a site ------------------------------------------------------


def test_the_bundled_folder_agrees_with_the_bundled_schemas() -> None:
    site = DirectorySite(FICHES)
    assert check_site(site, SCHEMAS) == []
    assert read_templatedata(site, "Tiers-Lieu") == templatedata(LIEU)


def test_a_folder_without_the_template_page_is_one_difference(tmp_path: Path) -> None:
    (tmp_path / "Modèle:Fiche.wiki").write_text("<noinclude>doc</noinclude>", encoding="utf-8")
    assert check_site(DirectorySite(tmp_path), SCHEMAS) == [
        ("Modèle:Tiers-Lieu", "no such page on " + str(tmp_path)),
        ("Modèle:Fiche", "no <templatedata> tag"),
    ]


class FakeWiki:
    """A site whose templatedata() gives set answers, noting each batch of titles asked."""

    name = "http://wiki.example/api.php"

    def __init__(self, answers: dict[str, dict[str, Any]],
                 redirects: dict[str, tuple[str, ...]] | None = None) -> None:
        self.answers = answers
        self.redirects = redirects or {}  # the templates it tells the redirects of
        self.asked: list[list[str]] = []

    def template_redirects(self, templates: Iterable[str]) -> dict[str, tuple[str, ...]]:
        return {t: self.redirects[t] for t in templates if t in self.redirects}

    def templatedata(self, titles: Iterable[str]) -> list[TemplateDataAnswer]:
        self.asked.append(list(titles))
        return [TemplateDataAnswer(t, self.answers[t]) if t in self.answers else
                TemplateDataAnswer(t, None, "not in the wiki's answer") for t in self.asked[-1]]


def test_a_site_is_asked_for_every_template_in_one_batch() -> None:
    page = api_answer(templatedata(LIEU))["pages"]["12"]
    wiki = FakeWiki({"Modèle:Tiers-Lieu": page})
    assert check_site(wiki, SCHEMAS) == [
        ("Modèle:Fiche", "not in the wiki's answer")]
    assert wiki.asked == [["Modèle:Tiers-Lieu", "Modèle:Fiche"]]


def test_each_alias_without_its_redirect_on_the_site_is_one_difference() -> None:
    answers = {f"Modèle:{s.template}": api_answer(templatedata(s), f"Modèle:{s.template}")[
        "pages"]["12"] for s in SCHEMAS}
    wiki = FakeWiki(answers, {"Tiers-Lieu": ("Lieu", "Tiers Lieu")})
    assert check_site(wiki, SCHEMAS) == [
        ("Modèle:Tiers-Lieu", f'alias "{alias}" in {LIEU.path}: the site has no redirect '
         f"Modèle:{alias} to the template; a call {{{{{alias}}}}} is not read as "
         "{{Tiers-Lieu}}") for alias in ("Tiers-lieu", "Infobox Tiers-Lieu")]


def test_a_missing_page_in_a_wikis_answer_is_one_difference() -> None:
    fiche = api_answer(templatedata(FICHE), "Modèle:Fiche")["pages"]["12"]
    wiki = FakeWiki({"Modèle:Tiers-Lieu": {"title": "Modèle:Tiers-Lieu", "missing": True},
                     "Modèle:Fiche": fiche})
    assert check_site(wiki, SCHEMAS) == [("Modèle:Tiers-Lieu", "no such page")]


def test_template_titles() -> None:
    assert template_page_title("Tiers-Lieu") == "Modèle:Tiers-Lieu"
    assert template_page_title("Template:fiche") == "Modèle:Fiche"
    assert template_page_title("modèle:Fiche") == "Modèle:Fiche"
    page = Page("Modèle:Fiche", render_template_page(FICHE))
    assert json.loads(json.dumps(blob(page.text))) == templatedata(FICHE)
