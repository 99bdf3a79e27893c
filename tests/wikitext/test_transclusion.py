"""The page's infobox is the template call MediaWiki shows on the page itself.

Checked against MediaWiki 1.39's preprocessor (Preprocessor_Hash, not for inclusion) and title
codec: <includeonly> text is not shown (an unclosed one runs to the end of the page), <noinclude>
and <onlyinclude> are markers whose content is shown, template names are read as titles
(entities decoded, bidi marks dropped, `&nbsp;` and `_` spaces, a `#fragment` dropped) while
parameter names are taken as written. A second infobox call is W203, the first one is read, and
the page gets one block. Planning a page tokenizes it once, whatever markup its values hold.
"""

from __future__ import annotations

import mwparserfromhell.parser
import pytest

from movibot.config import default_sources
from movibot.records.parse import parse_page
from movibot.records.schema import load_schema, load_schemas
from movibot.sites.base import Page
from movibot.sync.plan import Source, plan_source_page
from movibot.wikitext.blocks import find_blocks
from movibot.wikitext.tree import decode_char_references, hidden_ranges, template_title

LIEU, FICHE = load_schemas()
SOURCES = [Source(c, load_schema(c.schema)) for c in default_sources()]
TAIL = ("== Communauté ==\nDes gens.\n== Territoire ==\nUn quartier.\n== Processus ==\n"
        "Des ateliers.\n[[Catégorie:Tiers-Lieux]]\n")


def _call(name: str = "nom = Le Lieu", template: str = "Tiers-Lieu") -> str:
    return f"{{{{{template}\n| {name}\n| ville = Lyon\n}}}}\n"


# <includeonly>, <noinclude>, <onlyinclude> on the page itself


@pytest.mark.parametrize(("text", "nom"), [
    ("<includeonly>" + _call("nom = Caché") + "</includeonly>" + _call(), "Le Lieu"),
    ("<INCLUDEONLY >" + _call("nom = Caché") + "</includeonly >\n" + _call(), "Le Lieu"),
    ("<noinclude>" + _call("nom = Montré") + "</noinclude>", "Montré"),
    ("<onlyinclude>" + _call("nom = Montré") + "</onlyinclude>\nAutour.", "Montré"),
    ("<noinclude>\n" + _call("nom = Montré") + "\n<includeonly>" + _call("nom = Caché")
     + "</includeonly></noinclude>", "Montré"),
    ("<!-- <includeonly> -->\n" + _call(), "Le Lieu"),
    ("<nowiki><includeonly></nowiki>\n" + _call(), "Le Lieu"),
    ("<includeonly/>" + _call(), "Le Lieu"),
], ids=["includeonly", "includeonly-case", "noinclude", "onlyinclude", "includeonly-in-noinclude",
        "includeonly-in-comment", "includeonly-in-nowiki", "includeonly-empty"])
def test_the_infobox_is_the_call_the_page_shows(text, nom):
    record = parse_page(text, LIEU)
    assert (record.fields.get("nom"), [p.code for p in record.problems]) == (nom, [])


def test_an_unclosed_includeonly_hides_the_rest_of_the_page():
    text = _call() + "<includeonly>\n" + _call("nom = Caché") + "[[Catégorie:Cachée]] [[Ailleurs]]"
    record = parse_page(text, LIEU)
    assert (record.fields["nom"], record.categories, record.links, record.problems) == (
        "Le Lieu", (), (), ())


def test_a_page_whose_only_call_is_includeonly_has_no_template():
    record = parse_page("<includeonly>" + _call() + "</includeonly>\n" + TAIL, LIEU)
    assert (record.template_at, record.fields) == (None, {})


def test_includeonly_text_in_a_value_is_not_read():
    record = parse_page(_call("surface totale = 300<includeonly>0</includeonly> m²"), LIEU)
    assert record.fields["surface_totale"] == 300


def test_categories_in_includeonly_do_not_pick_the_schema():
    from movibot.records.parse import parse_record

    record = parse_record("<includeonly>[[Catégorie:Tiers-Lieux]]</includeonly>Texte.\n",
                          [LIEU, FICHE])
    assert (record.kind, record.categories) == (None, ())


def test_hidden_ranges_follow_the_preprocessor():
    text = "a<includeonly>b</includeonly>c<ref><includeonly></ref>d<includeonly>e"
    assert [text[s:e] for s, e in hidden_ranges(text)] == [
        "<includeonly>b</includeonly>", "<includeonly>e"]


# Names read as MediaWiki reads a title


@pytest.mark.parametrize(("name", "title"), [
    ("Tiers&#45;Lieu", "Tiers-Lieu"), ("Tiers&#x2D;Lieu", "Tiers-Lieu"),
    ("Tiers&nbsp;Lieu", "Tiers Lieu"), ("Tiers_Lieu", "Tiers Lieu"),
    ("Tiers-Lieu\u200e", "Tiers-Lieu"), ("\u202bTiers-Lieu\u202c", "Tiers-Lieu"),
    ("Tiers-Lieu#Infobox", "Tiers-Lieu"), ("Mod&egrave;le:Tiers-Lieu", "Modèle:Tiers-Lieu"),
    ("Tiers-Lieu\u200b", "Tiers-Lieu\u200b"), ("Tiers-\u00adLieu", "Tiers-\u00adLieu"),
    ("Tiers&amp", "Tiers&amp"), ("Tiers&inconnu;", "Tiers&inconnu;"), ("#if: x", "#if: x"),
], ids=["decimal", "hex", "nbsp", "underscore", "lrm", "embedding", "fragment", "named",
        "zwsp-kept", "soft-hyphen-kept", "no-semicolon", "unknown-name", "parser-function"])
def test_template_names_are_titles(name, title):
    assert template_title(name) == title


@pytest.mark.parametrize("template", ["Tiers&#45;Lieu", "Tiers&nbsp;Lieu", "Tiers_Lieu\u200f",
                                      "Tiers-Lieu#infobox", "Modèle:Tiers&#x2d;Lieu"])
def test_a_call_with_an_encoded_name_is_the_infobox(template):
    assert parse_page(_call(template=template), LIEU).fields == {"nom": "Le Lieu", "ville": "Lyon"}


def test_a_name_with_a_zero_width_space_calls_another_template():
    assert parse_page(_call(template="Tiers-Lieu\u200b"), LIEU).template_at is None


def test_parameter_names_are_not_decoded():
    record = parse_page(_call("n&#111;m = Le Lieu"), LIEU)
    assert ("nom" in record.fields, [p.code for p in record.problems]) == (False, ["W202"])


def test_invalid_code_points_decode_to_the_replacement_character():
    assert decode_char_references("&#0;&#xD800;&#65;&lt;") == "\ufffd\ufffdA<"


# Two infobox calls


def test_an_alias_before_the_template_is_the_infobox_and_the_second_is_w203():
    text = _call("nom = Premier", "Lieu") + "Texte.\n" + _call("nom = Second")
    record = parse_page(text, LIEU, path="p.wiki")
    assert (record.fields["nom"], [p.format() for p in record.problems]) == (
        "Premier", ["p.wiki:6:1: warning W203 another infobox call {{Tiers-Lieu}} at line 6 is "
                    "ignored: the infobox is the {{Lieu}} call at line 1"])


def test_a_top_level_call_is_read_before_a_nested_one_and_the_nested_one_is_w203():
    text = "<div>" + _call("nom = Imbriqué") + "</div>\n" + _call("nom = Haut")
    record = parse_page(text, LIEU)
    assert (record.fields["nom"], [(p.code, p.line) for p in record.problems]) == (
        "Haut", [("W203", 1)])


def test_a_call_in_includeonly_is_not_a_second_call():
    text = _call() + "<includeonly>" + _call("nom = Modèle") + "</includeonly>"
    assert parse_page(text, LIEU).problems == ()


def test_two_calls_get_one_block_and_planning_again_changes_nothing():
    text = _call("nom = Premier") + _call("nom = Second") + TAIL
    plan = plan_source_page(Page("Le Lieu", text, revid=1), SOURCES, "Movibot", False)
    assert plan.edit is not None and plan.outcome is not None
    assert [p.code for p in plan.outcome.problems] == ["W203"]
    blocks, problems = find_blocks(plan.edit.new)
    assert ([b.name for b in blocks], problems) == (["infobox"], [])
    again = plan_source_page(Page("Le Lieu", plan.edit.new, revid=2), SOURCES, "Movibot", False)
    assert again.edit is None and again.outcome is not None
    assert again.outcome.status == "unchanged"


# One tokenizer pass per page


MARKUP_VALUES = (
    "{{Tiers-Lieu\n| nom = Le '''Lieu'''<ref>Statuts</ref>\n| ville = [[Lyon]]\n"
    "| région = Bretagne\u200e<!-- INSEE -->\n| surface totale = 300 m²<ref>Rapport 2019</ref>\n"
    "| surface utile = 240<!-- 2020 --> m²\n| type = coworking<ref>site</ref>, fablab; [[EPN]]\n"
    "| date de création = 12/04/2014<ref name=a/>\n| site web = [https://x.org site]<ref>y</ref>\n"
    "| statut = ''ouvert''\n| coût infrastructure = 1,700 €\n| coût services = 8<nowiki/>00 €\n"
    "| part résidents = <math>51</math> %\n}}\n" + TAIL + "<references/>\n"
)


@pytest.mark.parametrize(("text", "codes", "status"), [
    (MARKUP_VALUES, ["E103", "W110"], "invalid"),
    (MARKUP_VALUES.replace("<math>51</math> %", "51 %<ref>AG 2020</ref>")
     .replace("| statut", "| part contributeurs = 29 %\n| part offres = 20 %\n| statut"),
     ["W110"], "edited"),
], ids=["invalid", "edited"])
def test_planning_a_page_with_markup_in_its_values_tokenizes_it_once(monkeypatch, text, codes,
                                                                     status):
    calls = []
    parse = mwparserfromhell.parser.Parser.parse

    def counted(self, text, *args, **kwargs):
        calls.append(len(text))
        return parse(self, text, *args, **kwargs)

    monkeypatch.setattr(mwparserfromhell.parser.Parser, "parse", counted)
    plan = plan_source_page(Page("Le Lieu", text, revid=1), SOURCES, "Movibot", False)
    assert plan.outcome is not None
    assert (sorted({p.code for p in plan.outcome.problems}), plan.outcome.status) == (codes,
                                                                                    status)
    assert calls == [len(text)]


# Parameters split as MediaWiki's preprocessor splits them


def test_a_pipe_inside_an_html_tag_ends_the_value_as_in_mediawiki():
    text = _call('nom = Le Cercle<span title="x" |>!</span>')
    record = parse_page(text, LIEU, path="p.wiki")
    assert (record.fields, record.extra, [p.format() for p in record.problems]) == (
        {"nom": 'Le Cercle<span title="x"', "ville": "Lyon"}, {"1": ">!</span>"},
        ["p.wiki:2:34: warning W204 the value of \"nom\" ends at this '|' (inside <span>): "
         "MediaWiki passes 'Le Cercle<span title=\"x\"' to the template and the rest as other "
         "parameters; write {{!}} for a '|' inside a value"])


def test_a_table_starting_a_line_in_a_value_is_cut_at_its_first_pipe():
    record = parse_page("{{Tiers-Lieu\n| nom = A\n| ville =\n{|\n| Lyon\n|}\n}}", LIEU)
    assert (record.fields, record.extra, [(p.code, p.line, p.col) for p in record.problems]) == (
        {"nom": "A", "ville": "{"}, {"1": "", "2": "Lyon", "3": "}"}, [("W204", 4, 2)])


def test_a_part_cut_out_of_a_value_may_name_a_parameter():
    record = parse_page("{{Tiers-Lieu|nom=<span>A|ville = Lyon</span>}}", LIEU)
    assert (record.fields, [p.code for p in record.problems]) == (
        {"nom": "<span>A", "ville": "Lyon</span>"}, ["W204"])


def test_a_cut_typed_value_is_read_as_mediawiki_passes_it():
    record = parse_page(_call("surface totale = <span>300|</span> m²"), LIEU)
    assert (record.fields["surface_totale"], sorted(p.code for p in record.problems)) == (
        "<span>300", ["E103", "W204"])


@pytest.mark.parametrize("value", [
    "[[Lyon|la ville]]", "{{Ville|Lyon|69}}", "{{{ville|Lyon}}}", "Lyon<!-- a|b -->",
    "Lyon<ref>a|b</ref>", "Lyon<nowiki>|</nowiki>", "<math>a|b</math>",
    "<includeonly>|</includeonly>Lyon", "<span>[[a|b]]</span>", "<span>{{x|y}}</span>",
], ids=["link", "template", "argument", "comment", "ref", "nowiki", "math", "includeonly",
        "link-in-span", "template-in-span"])
def test_pipes_mediawiki_does_not_split_at_cut_nothing(value):
    record = parse_page(_call("nom = A").replace("Lyon", value), LIEU)
    assert [p.code for p in record.problems if p.code in ("W202", "W204")] == []


def test_a_call_with_an_open_link_is_not_closed_as_in_mediawiki():
    text = "{{Tiers-Lieu\n| nom = [[Le Mixeur\n| ville = Lyon\n}}\n[[Catégorie:Tiers-Lieux]]\n"
    record = parse_page(text, LIEU, path="l.wiki")
    assert (record.fields, record.template_at, [p.format() for p in record.problems]) == (
        {}, None, ["l.wiki:1:1: warning W602 unclosed template: MediaWiki does not end "
                   "{{Tiers-Lieu}} at its '}}', something opened inside it (an '[[', a heading, a "
                   "tag) is still open there; the call is not read"])


def test_a_call_whose_heading_line_is_open_at_its_braces_is_not_read():
    record = parse_page("{{Tiers-Lieu|nom=A\n== H }}\n", LIEU)
    assert (record.fields, [(p.code, p.line) for p in record.problems]) == ({}, [("W602", 1)])


@pytest.mark.parametrize("text", [
    "{{Tiers-Lieu|nom=A|ville=<span>B}}</span>\n",
    "{{<noinclude>Tiers-Lieu</noinclude>|nom=A|ville=B}}\n",
    "{{Tiers-Lieu|nom=A|ville=B<onlyinclude>}}</onlyinclude>\n",
], ids=["tag-closed-after", "noinclude-in-title", "onlyinclude-closed-after"])
def test_a_call_mediawiki_ends_is_read_where_mwparserfromhell_makes_no_template(text):
    record = parse_page(text, LIEU, path="l.wiki")
    assert (record.template_start, record.template_end, record.fields["nom"],
            [p.code for p in record.problems if p.code == "W602"]) == (
        0, text.index("}}") + 2, "A", [])


def test_a_call_inside_a_ref_is_the_extensions_and_not_read_nor_reported():
    record = parse_page("Texte<ref>{{Tiers-Lieu|nom=A}}</ref>\n", LIEU)
    assert (record.template_at, record.problems) == (None, ())


def test_a_pipe_in_a_language_conversion_does_not_split_a_value():
    record = parse_page("{{Tiers-Lieu|nom=A-{b|c}-|ville=B}}", LIEU)
    assert (record.fields, record.problems) == ({"nom": "A-{b|c}-", "ville": "B"}, ())


# Against a real MediaWiki (1.39, Debian's package; skipped without it). Its test install has no
# Cite extension, so no case puts a `|` inside a <ref>.

AGREEMENT_CASES = {
    "plain": "{{Tiers-Lieu|nom=A|ville=B}}",
    "entity-dash": "{{Tiers&#45;Lieu|nom=A}}",
    "entity-hex": "{{Tiers&#x2D;Lieu|nom=A}}",
    "underscore-bidi": "{{Tiers-Lieu\u200e|nom=A}}",
    "fragment": "{{Tiers-Lieu#x|nom=A}}",
    "zero-width-space": "{{Tiers-Lieu\u200b|nom=A}}",
    "param-entity": "{{Tiers-Lieu|n&#111;m=A|ville=B}}",
    "includeonly": "<includeonly>{{Tiers-Lieu|nom=Caché}}</includeonly>{{Tiers-Lieu|nom=A}}",
    "includeonly-unclosed": "{{Tiers-Lieu|nom=A}}<includeonly>{{Tiers-Lieu|nom=Caché}}",
    "includeonly-only": "<includeonly>{{Tiers-Lieu|nom=Caché}}\n{{Tiers-Lieu|nom=B}}",
    "includeonly-in-comment": "<!-- <includeonly> -->{{Tiers-Lieu|nom=A}}",
    "includeonly-in-nowiki": "<nowiki><includeonly></nowiki>{{Tiers-Lieu|nom=A}}",
    "noinclude": "<noinclude>{{Tiers-Lieu|nom=A}}</noinclude>",
    "onlyinclude": "<onlyinclude>{{Tiers-Lieu|nom=A}}</onlyinclude>",
    "includeonly-in-value": "{{Tiers-Lieu|nom=A<includeonly>|ville=X</includeonly>B}}",
    "span-pipe": '{{Tiers-Lieu|nom=Le Cercle<span title="x" |>!</span>|ville=B}}',
    "span-content-pipe": "{{Tiers-Lieu|nom=<span>A|ville=B</span>}}",
    "italic-pipe": "{{Tiers-Lieu|nom=''A|B''}}",
    "table": "{{Tiers-Lieu|nom=\n{|\n| x || y\n|}\n|ville=B}}",
    "external-link": "{{Tiers-Lieu|nom=[http://x.org a|b]|ville=B}}",
    "link": "{{Tiers-Lieu|nom=[[a|b]]|ville=B}}",
    "nowiki-pipe": "{{Tiers-Lieu|nom=A<nowiki>|</nowiki>B|ville=C}}",
    "comment-pipe": "{{Tiers-Lieu|nom=A<!-- | -->|ville=C}}",
    "alias-first": "{{Lieu|nom=A}}\n{{Tiers-Lieu|nom=B}}",
    "name-upper-case": "{{TIERS-LIEU|nom=A}}",
    "name-accent": "{{Tiérs-Lieu|nom=A}}",
    "name-space-for-hyphen": "{{tiers lieu|nom=A}}",
    "name-first-letter": "{{tiers-Lieu|nom=A}}",
    "name-prefix-case": "{{MODÈLE:tiers-Lieu|nom=A}}",
    "alias-redirect": "{{tiers_Lieu|nom=A}}",
    "name-prefix-english": "{{template : Tiers-Lieu|nom=A}}",
    "name-main-namespace": "{{:Tiers-Lieu|nom=A}}",
    "duplicate": "{{Tiers-Lieu|nom=A|ville=B|nom=C}}",
    "duplicate-positional": "{{Tiers-Lieu|X|1=Y}}",
    "noinclude-in-value": "{{Tiers-Lieu|nom=A<noinclude>B</noinclude>|ville=<noinclude/>C}}",
    "onlyinclude-in-value": "{{Tiers-Lieu|nom=<onlyinclude>A</onlyinclude >|ville=B</noinclude>}}",
    "noinclude-in-nowiki": "{{Tiers-Lieu|nom=<nowiki><noinclude></nowiki>A}}",
    "nbsp-in-name": "{{Tiers-Lieu|nom\u00a0=A|ville =B}}",
    # the call's structure where mwparserfromhell and the preprocessor could part (bold,
    # links and external links are not the preprocessor's business)
    "bold-unbalanced-before": "'''gras {{Tiers-Lieu|nom=A|ville=B}}",
    "bold-unbalanced-in-value": "{{Tiers-Lieu|nom='''A|ville=B}}",
    "external-link-open-in-value": "{{Tiers-Lieu|nom=[http://x.org A|ville=B}}",
    "external-link-open-before": "[http://x.org {{Tiers-Lieu|nom=A|ville=B}}",
    "link-open-before-call": "[[Lien {{Tiers-Lieu|nom=A|ville=B}}",
    "link-open-with-pipe-before-call": "[[Lien|x {{Tiers-Lieu|nom=A|ville=B}}",
    "pre-unclosed-in-value": "{{Tiers-Lieu|nom=A<pre>x|ville=B}}",
    "nowiki-unclosed-in-value": "{{Tiers-Lieu|nom=A<nowiki>x|ville=B}}",
    "heading-in-value": "{{Tiers-Lieu|nom=A\n== H ==\n|ville=B}}",
    "four-braces": "{{{{Tiers-Lieu|nom=A}}|ville=B}}",
    "unclosed-inner-call": "{{Tiers-Lieu|nom={{A|ville=B}}",
    "link-open-in-value": "{{Tiers-Lieu|nom=[[A|ville=B}}",
    "link-open-in-value-closed-later": "{{Tiers-Lieu|nom=[[A|ville=B}} x]] {{Tiers-Lieu|nom=C}}",
    "link-closed-in-value": "{{Tiers-Lieu|nom=[[A|ville=B]]|ville=C}}",
    "link-open-in-nested-call": "{{Tiers-Lieu|nom={{X|[[A}}|ville=B}}",
    # calls MediaWiki ends where mwparserfromhell makes no template node
    "span-closed-after-call": "{{Tiers-Lieu|nom=<span>A|ville=B}}</span>",
    "noinclude-in-title": "{{Tiers-Lieu<noinclude>|nom=A|ville=B}}",
    "noinclude-around-title": "{{<noinclude>Tiers-Lieu</noinclude>|nom=A|ville=B}}",
    "noinclude-closed-after-call": "{{Tiers-Lieu|nom=A|ville=B<noinclude>}}</noinclude>",
    "table-open-in-value": "{{Tiers-Lieu|nom=A|ville=B\n{|\n|}}",
}


def _mediawiki_reads(expanded: str) -> str | None:
    """The first call's parameters as the test template shows them: `nom|ville|1`, white
    space collapsed."""
    import re

    m = re.search("⟦nom=(.*?)⟧⟦ville=(.*?)⟧⟦1=(.*?)⟧", expanded, re.S)
    return "|".join(" ".join(g.split()) for g in m.groups()) if m else None


def _movibot_reads(text: str) -> str | None:
    """The same, from the call movibot reads and its parameters as movibot splits them, each
    value as read_text reads it (comments and <includeonly> text dropped)."""
    from movibot.records.parse import infobox_calls
    from movibot.records.values import read_text
    from movibot.wikitext.tree import mediawiki_args, parse_tree

    tree = parse_tree(text)
    calls = infobox_calls(tree.survey, LIEU)
    if not calls:
        return None
    call = calls[0]
    found = mediawiki_args(call.template, call.call.start, call.call, tree.survey.calls)[0]
    args = {a.name: read_text(a.value).value or "" for a in found}
    return "|".join(args.get(n, "∅") for n in ("nom", "ville", "1"))


def test_movibot_reads_the_infobox_call_mediawiki_expands(wiki):
    shown = "⟦nom={{{nom|∅}}}⟧⟦ville={{{ville|∅}}}⟧⟦1={{{1|∅}}}⟧"
    wiki.seed({"Modèle:Tiers-Lieu": shown, "Modèle:Lieu": shown,
               "Modèle:Tiers Lieu": "#REDIRECTION [[Modèle:Tiers-Lieu]]"})
    differ = {}
    for case, text in AGREEMENT_CASES.items():
        answer = wiki.api(action="expandtemplates", text=text, title="Essai", prop="wikitext")
        expected = _mediawiki_reads(answer["expandtemplates"]["wikitext"])
        got = _movibot_reads(text)
        if got != expected:
            differ[case] = (got, expected)
    assert differ == {}
