"""The generated template pages on a real MediaWiki 1.39 with the TemplateData extension:
the API gives back every parameter of the schema, the template transcludes to nothing, and
check / from-templatedata work on the wiki's own answer."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import wikiserver
from required import require

from movibot.records.schema import Schema, load_schema, load_schemas, schema_from_dict
from movibot.records.templatedata import (
    TemplateDataUnavailable,
    check_schema,
    check_site,
    parse_templatedata,
    read_templatedata,
    schema_from_templatedata,
)
from movibot.render.templates import (
    render_template_page,
    template_title,
    templatedata,
    templates_for,
    update_template_page,
)
from movibot.sites.mediawiki import MediaWikiSite

LIEU, FICHE = SCHEMAS = load_schemas()


FICHES = Path(__file__).resolve().parents[2] / "fiches"


@pytest.fixture(scope="module")
def td_wiki(wiki_template: wikiserver.Template) -> Iterator[wikiserver.Wiki]:
    """A wiki with TemplateData loaded and the two generated template pages seeded."""
    require(wikiserver.missing_extension("TemplateData"))
    server = wikiserver.Wiki.fresh(wiki_template, extensions=("TemplateData",))
    try:
        server.seed(templates_for(SCHEMAS))
        yield server
    finally:
        server.destroy()


def templatedata_answer(wiki: wikiserver.Wiki, title: str, **params: Any) -> dict[str, Any]:
    answer = wiki.api(action="templatedata", titles=title, **params)
    assert "error" not in answer, answer
    return answer


def page_of(answer: dict[str, Any], title: str) -> dict[str, Any]:
    pages = [p for p in answer["pages"].values() if p["title"] == title]
    assert len(pages) == 1, answer
    return pages[0]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_the_api_returns_every_parameter_of_the_schema(td_wiki: wikiserver.Wiki,
                                                       schema) -> None:
    title = template_title(schema)
    page = page_of(templatedata_answer(td_wiki, title), title)
    params = page["params"]
    assert list(params) == [f.param for f in schema.fields]
    assert page["paramOrder"] == [f.param for f in schema.fields]
    assert {name for name, p in params.items() if p["required"]} == {
        f.param for f in schema.fields if f.name in schema.required}
    for f in schema.fields:
        p = params[f.param]
        assert (p["label"], p["aliases"]) == ({"fr": f.label}, list(f.aliases))
        assert p["suggestedvalues"] == list(f.choices or f.suggestions)
    assert page["format"] == "block"


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_check_finds_no_difference_with_the_wikis_answer(td_wiki: wikiserver.Wiki,
                                                          schema) -> None:
    title = template_title(schema)
    assert check_schema(schema, templatedata_answer(td_wiki, title)) == []
    french = templatedata_answer(td_wiki, title, lang="fr", includeMissingTitles=1)
    assert check_schema(schema, french) == []


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.kind)
def test_a_starter_schema_from_the_wikis_answer(td_wiki: wikiserver.Wiki, schema,
                                                tmp_path: Path) -> None:
    answer = templatedata_answer(td_wiki, template_title(schema))
    path = tmp_path / "starter.yaml"
    path.write_text(schema_from_templatedata(answer, schema.template), encoding="utf-8")
    starter = load_schema(path)
    assert check_schema(starter, answer) == []
    assert check_schema(schema, answer) == []
    assert [(f.param, f.aliases, f.label) for f in starter.fields] == [
        (f.param, f.aliases, f.label) for f in schema.fields]
    assert sorted(starter.field(n).param for n in starter.required) == sorted(
        schema.field(n).param for n in schema.required)


def test_the_template_transcludes_to_nothing_and_is_in_its_category(
        td_wiki: wikiserver.Wiki) -> None:
    call = "{{Tiers-Lieu\n| nom = Le Lieu\n| ville = Lyon\n}}\nTexte."
    parsed = td_wiki.api(action="parse", title="Un lieu", text=call, contentmodel="wikitext",
                         prop="text|categories|templates")["parse"]
    assert "Texte." in parsed["text"] and "Le Lieu" not in parsed["text"]
    assert "<table" not in parsed["text"] and "templatedata" not in parsed["text"]
    assert parsed["categories"] == []
    assert [t["title"] for t in parsed["templates"]] == ["Modèle:Tiers-Lieu"]
    alone = td_wiki.api(action="parse", title="X", text="{{Fiche}}", contentmodel="wikitext",
                        prop="text", disablelimitreport=1)["parse"]["text"]
    assert alone == '<div class="mw-parser-output"></div>'  # not even an empty paragraph
    cats = td_wiki.api(titles="Modèle:Tiers-Lieu|Modèle:Fiche", prop="categories")
    assert all(p["categories"][0]["title"] == "Catégorie:Modèles"
               for p in cats["query"]["pages"])


def test_a_human_edit_of_the_generated_page_is_accepted_and_drift_is_reported(
        td_wiki: wikiserver.Wiki) -> None:
    # A save runs TemplateData's validation (MultiContentSave): the generated JSON passes it.
    title = template_title(FICHE)
    text = render_template_page(FICHE)
    edited = (text.replace('"required": true,\n\t\t\t"aliases": [\n\t\t\t\t"auteur"',
                           '"aliases": [\n\t\t\t\t"auteur"')
              .replace('\t\t"organisme": {', '\t\t"orga": {')
              .replace('\t\t"organisme",\n', '\t\t"orga",\n'))
    assert edited != text
    td_wiki.edit_as_human(title, edited)
    assert check_schema(FICHE, templatedata_answer(td_wiki, title)) == [
        'parameter "auteurs": required in the schema, optional in the TemplateData',
        'parameter "organisme": in the schema, not in the TemplateData',
        'parameter "orga": in the TemplateData, not in the schema',
    ]
    td_wiki.edit_as_human(title, update_template_page(edited, FICHE, force=True))
    assert check_schema(FICHE, templatedata_answer(td_wiki, title)) == []


def test_an_old_template_gets_its_documentation_without_changing_what_it_renders(
        td_wiki: wikiserver.Wiki) -> None:
    old = ("<div class=\"infobox\">'''{{{nom|}}}''', {{{ville|{{{commune|}}}}}}</div>"
           "<noinclude>\nModèle historique.\n</noinclude>")
    td_wiki.seed({"Modèle:Ancien lieu": old})
    before = templatedata_answer(td_wiki, "Modèle:Ancien lieu", includeMissingTitles=1)
    td = parse_templatedata(before, "Ancien lieu")
    assert td.from_code and [p.name for p in td.params] == ["nom", "ville", "commune"]
    lines = check_schema(LIEU, before)
    assert lines[0].startswith("Modèle:Ancien lieu has no TemplateData")
    assert 'parameter "adresse": in the schema, not in the TemplateData' in lines

    call = "{{Ancien lieu|nom=Le Lieu|ville=Lyon}}"

    def rendered() -> str:
        return str(td_wiki.api(action="parse", title="P", text=call, contentmodel="wikitext",
                               prop="text", disablelimitreport=1)["parse"]["text"])

    shown = rendered()
    assert "Le Lieu" in shown
    td_wiki.edit_as_human("Modèle:Ancien lieu", update_template_page(old, LIEU))
    assert rendered() == shown
    after = templatedata_answer(td_wiki, "Modèle:Ancien lieu")
    assert list(page_of(after, "Modèle:Ancien lieu")["params"]) == [f.param for f in LIEU.fields]
    assert check_schema(LIEU, after) == []


def test_a_page_saved_by_mediawiki_needs_no_refresh(td_wiki: wikiserver.Wiki) -> None:
    # What an edit stores (MediaWiki trims the end of the text) is what the bot generates:
    # refreshing it changes nothing, so the run makes no null edit on the template pages.
    for schema in SCHEMAS:
        shipped = (FICHES / f"{template_title(schema)}.wiki").read_text(encoding="utf-8")
        copy = f"Modèle:Copie de {schema.template}"
        td_wiki.edit_as_human(copy, shipped)
        stored = td_wiki.text(copy)
        assert stored == shipped
        assert update_template_page(stored, schema) is stored


def test_a_live_site_is_checked_through_action_templatedata_in_one_request(
        td_wiki: wikiserver.Wiki) -> None:
    site = MediaWikiSite(td_wiki.api_url, user_agent="movibot-tests/0 (test)")
    redirects = {f"Modèle:{alias}": f"#REDIRECTION [[Modèle:{s.template}]]"
                 for s in SCHEMAS for alias in s.template_aliases}
    td_wiki.seed({**templates_for(SCHEMAS), **redirects})
    before = site.requests
    assert check_site(site, SCHEMAS) == []
    assert site.requests - before == 2  # both templates in one batch, their redirects in one
    td_wiki.delete("Modèle:Lieu")
    assert check_site(MediaWikiSite(td_wiki.api_url, user_agent="movibot-tests/0 (test)"),
                      SCHEMAS) == [
        ("Modèle:Tiers-Lieu", f'alias "Lieu" in {SCHEMAS[0].path}: the site has no redirect '
         "Modèle:Lieu to the template; a call {{Lieu}} is not read as {{Tiers-Lieu}}")]
    answer = read_templatedata(site, "Tiers-Lieu")
    assert [p.name for p in parse_templatedata(answer, "Tiers-Lieu").params] == list(
        templatedata(LIEU)["params"])
    lines = check_site(site, [load_schema_with_template("Absent")])
    assert lines == [("Modèle:Absent", "no such page")]


def test_a_template_is_found_through_its_redirect_and_a_lowercase_title(
        td_wiki: wikiserver.Wiki) -> None:
    site = MediaWikiSite(td_wiki.api_url, user_agent="movibot-tests/0 (test)")
    td_wiki.seed({"Modèle:Lieu redirigé": "#REDIRECT [[Modèle:Tiers-Lieu]]"})
    asked = ["Modèle:Lieu redirigé", "modèle:Tiers-Lieu", "Modèle:Absent"]
    answers = site.templatedata(asked)
    assert [a.title for a in answers] == asked
    assert [(a.data or {}).get("title") for a in answers] == [
        "Modèle:Tiers-Lieu", "Modèle:Tiers-Lieu", "Modèle:Absent"]
    assert answers[0].data == answers[1].data and "params" in (answers[0].data or {})
    assert (answers[2].data or {}).get("missing") is True


def load_schema_with_template(name: str) -> Schema:
    doc = copy.deepcopy(dict(LIEU.json))
    doc["x-wiki"] = {**doc["x-wiki"], "template": name, "aliases": []}
    return schema_from_dict(doc, "absent.yaml")


def test_a_wiki_without_the_extension_is_one_clear_error(wiki: wikiserver.Wiki) -> None:
    site = MediaWikiSite(wiki.api_url, user_agent="movibot-tests/0 (test)")
    with pytest.raises(TemplateDataUnavailable, match="is the TemplateData extension installed"):
        check_site(site, SCHEMAS)
