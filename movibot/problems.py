"""Problems are data: what lint, parse and validation find, with where they found it.

Each problem code is declared once, in `CODES`: its severity, short name, whether it leaves a
page `invalid` (the run does not write its infobox), whether movibot can fix it, a one-line
summary and an explanation. The README's table of lint codes, docs/problems.md and
`movibot rule CODE` are all made from it (docs/generate.py; a test fails when they drift).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from typing import Any

from movibot.i18n import N_, Msg, _, text
from movibot.vocabulary import Vocabulary


class Severity(Vocabulary):
    """How bad a problem is: an error fails a lint, a warning does not. The values are what
    JSON output shows."""

    ERROR = "error"
    WARNING = "warning"


ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class ProblemCode:
    """One problem code: stable (never renumbered), with everything said about it.

    `blocks`: a page with this problem is left `invalid` (no infobox is written);
    `fixable`: movibot can correct it itself; `summary`: one line (the README's table);
    `explanation`: what it means, why it matters on Movilab and how to fix it (paragraphs
    separated by a blank line)."""

    code: str
    severity: Severity
    name: str
    summary: str
    explanation: str
    blocks: bool = False
    fixable: bool = False


_TABLE = (
    ProblemCode(
        "E101", ERROR, "missing-field", "a required field of the schema is missing",
        "A field that the schema lists under `required` has no value on the page: the "
        "parameter is absent from the template call, or empty.\n\n"
        "Movilab's pages are read by people and by the bot alike: a lieu without a town or a "
        "fiche without a licence cannot be shown, sorted or reused. The bot leaves such a page "
        "as it is and writes no infobox for it.\n\n"
        "Fix: add the parameter to the template call with a value (`| licence = CC BY-SA`). "
        "`movibot templates` documents every parameter on the template page.",
        blocks=True),
    ProblemCode(
        "E102", ERROR, "invalid-value", "a value breaks the schema (type, pattern, range, format)",
        "The value was read, but the schema refuses it: a number out of its range (a latitude "
        "of 200), text that does not have the expected form (a postcode that is not five "
        "digits), a date that is not a date, or a figure the cost model cannot use.\n\n"
        "The infobox and the cost model would show a wrong figure under the bot's name, so the "
        "page is left as it is.\n\n"
        "Fix: correct the value; the message says which rule it breaks.",
        blocks=True),
    ProblemCode(
        "E103", ERROR, "unreadable-value",
        "a value cannot be read as its type (`environ trois cents`)",
        "A typed field (a number, an amount, a surface, a percentage, a date, a URL, an e-mail "
        "address, oui/non) holds text that cannot be read as that type: words instead of "
        "digits, a value hidden in a template, or the text of a `<math>` or `<gallery>` tag.\n\n"
        "The bot never guesses a figure: the page is left as it is, and an export shows the "
        "field empty.\n\n"
        "Fix: write the value the French way (`1 700`, `800,50 €`, `300 m²`, `51 %`, "
        "`2014-04-12`); put any comment in a footnote (`<ref>…</ref>`), which is set aside.",
        blocks=True),
    ProblemCode(
        "E104", ERROR, "not-in-choices", "a value is not one of the allowed values",
        "The field accepts only the values its schema lists (`enum`), and the page holds "
        "another one. Case and accents are ignored when comparing.\n\n"
        "Category pages and exports group pages by these values: a spelling of its own would "
        "put the page in a group of one.\n\n"
        "Fix: use one of the values the message lists, or add the new value to the schema.",
        blocks=True),
    ProblemCode(
        "E105", ERROR, "shares-sum", "the three shares do not sum to 100 (or are not all given)",
        "The shares of a lieu's surface (résidents, contributeurs, offres) must be given all "
        "three, or none (then the seed rule 51/29/20 applies), and sum to 100.\n\n"
        "The cost model splits the monthly cost by these shares: shares that do not sum to "
        "100 would leave part of the cost unpaid, or count it twice.\n\n"
        "Fix: give the three shares so that they sum to 100, or remove all three.",
        blocks=True),
    ProblemCode(
        "E106", ERROR, "usable-exceeds-total", "surface utile > surface totale",
        "The usable surface of a lieu is larger than its total surface.\n\n"
        "The cost model charges the unusable surface (total − usable) to the résidents: a "
        "negative one would make no sense.\n\n"
        "Fix: correct one of the two surfaces; `surface utile` can be left out (then it is "
        "the total).",
        blocks=True),
    ProblemCode(
        "E107", ERROR, "non-positive-surface", "a surface is ≤ 0",
        "A surface (total or usable) is zero or negative.\n\n"
        "The cost model divides by the surface: the price per m² of a lieu of 0 m² does not "
        "exist.\n\n"
        "Fix: give the surface in m² (`300`, `300 m²`), or leave the field out.",
        blocks=True),
    ProblemCode(
        "E108", ERROR, "missing-template", "a page of a source category has no template",
        "The page is in a category the bot reads (Catégorie:Tiers-Lieux, Catégorie:Fiches) "
        "but calls neither the infobox template nor one of its aliases, and has no header "
        "lines the bot could read instead.\n\n"
        "Without the template there is no record: the bot writes no infobox for the page.\n\n"
        "Fix: add the template call at the top of the page (`{{Tiers-Lieu | nom = … }}`); "
        "`Modèle:Tiers-Lieu` and `Modèle:Fiche` document their parameters.",
        blocks=True),
    ProblemCode(
        "E109", ERROR, "missing-section", "a section required for its type of document is missing",
        "The documentation method asks each type of document for some sections (the schema's "
        "`x-sections`: a « Guide pratique » has `== Objectifs ==`, `== Public ==`…), and the page "
        "lacks one.\n\n"
        "Movilab's fiches are meant to be reused: readers look for the same sections in every "
        "fiche of a type. Every command reports it; only lint fails on it: the run still "
        "writes the page's infobox, and export keeps the page valid.\n\n"
        "Fix: add the section heading, even with a short text."),
    ProblemCode(
        "W110", WARNING, "ambiguous-number",
        "`1,700` or `1.700` could be read two ways: the message says which reading was used "
        "(only when the schema allows the other)",
        "A number with one separator followed by exactly three digits could mean a thousands "
        "group or a decimal: `1,700` is read 1,7 (the French decimal comma) and `1.700` is read "
        "1 700 (a dot between thousands). It is reported only when the field could hold the "
        "other value too.\n\n"
        "A cost a thousand times too small or too large would go unnoticed in the infobox.\n\n"
        "Fix: write the number without ambiguity: `1 700` for one thousand seven hundred, "
        "`1,7` for a decimal."),
    ProblemCode(
        "W111", WARNING, "not-a-category",
        "a value that names a category (type, région) cannot be one as written",
        "A field whose values put the page in categories (such as `type` or `région`) holds a "
        "value that MediaWiki would not keep as a category name as written: a magic word "
        "(`__HIDDENCAT__`, `__NOINDEX__`), markup, or an underscore. The value is still shown "
        "in the infobox, as inert text, but it puts the page in no category and the bot "
        "creates no category page for it.\n\n"
        "A value shaped like a magic word would otherwise hide a category or change how the "
        "wiki indexes the page; a category made from markup would be a page nobody meant.\n\n"
        "Fix: write the value as plain words (`Coworking`, `Auvergne-Rhône-Alpes`)."),
    ProblemCode(
        "W112", WARNING, "folded-value",
        "a choice written in another case or without its accents (`Demarre`): read as the "
        "schema spells it (`Démarré`)",
        "A field with a list of allowed values (an `enum`: maturité, statut, type de "
        "document…) holds one of them written in another case, or without its accents, or "
        "with a hyphen for a space.\n\n"
        "movibot reads it as the allowed value, but the page shows it as written, and a "
        "template or a search that compares the text exactly does not find it.\n\n"
        "Fix: write the value as the message says (`maturité = Démarré`); `movibot lint --fix` "
        "does it.",
        fixable=True),
    ProblemCode(
        "W113", WARNING, "inclusion-tag",
        "a `<noinclude>`, `<onlyinclude>` or `<includeonly>` tag inside a value: MediaWiki "
        "drops it on the page itself",
        "A value of the template call holds a `<noinclude>` or `<onlyinclude>` tag (or its end "
        "tag), or an `<includeonly>…</includeonly>` element. These tags say what a page shows "
        "when it is transcluded; on the page itself MediaWiki drops the first two (their text "
        "stays) and hides the text of the third. movibot reads the value as the page shows "
        "it.\n\n"
        "The tags do nothing in a value but make it differ from what the page shows, and an "
        "`<includeonly>` text is a part of the value that nobody sees.\n\n"
        "Fix: remove the tags. `movibot lint --fix` removes the `<noinclude>` and "
        "`<onlyinclude>` tags (the page shows the same value); it leaves an `<includeonly>` "
        "element alone (removing its tags would show its text, removing it would lose it): a "
        "person decides.",
        fixable=True),
    ProblemCode(
        "W114", WARNING, "number-form",
        "a number or unit written another way than the French form movibot writes (`300m2`, "
        "`2500 euros`, `1.700.000 €`): read, and fixable to `300 m²`, `2 500 €`",
        "A number, an amount, a surface or a percentage is read without doubt, but written "
        "another way than the French form movibot itself writes: another spelling of its unit "
        "(`m2`, `euros`, `pour cent`), a unit glued to the number, dots between thousands, a "
        "`+` sign, needless zeros (`1 700,00 €`).\n\n"
        "Readers and exports compare values as written; one form for all pages keeps the "
        "infobox, the page and a search in agreement. A number written without thousands "
        "groups (`1700`), without its unit (`300`) or with a decimal dot (`45.76`, as map "
        "tools write coordinates) is fine.\n\n"
        "Fix: write the value as the message says; `movibot lint --fix` does it, only when "
        "the new form reads back as the same value (never for an ambiguous `1,700`, W110, nor "
        "a value holding markup, a footnote or other words such as `HT`).",
        fixable=True),
    ProblemCode(
        "E201", ERROR, "duplicate-parameter", "a parameter is given twice (or with its alias)",
        "The template call gives the same parameter twice, or a parameter and one of its "
        "aliases (`surface totale` and `surface`).\n\n"
        "MediaWiki passes the last one to the template (and puts the page in its tracking "
        "category of duplicate arguments); movibot reads the last one too, as the page shows "
        "it, but writes no infobox for a page whose author may have meant the other.\n\n"
        "Fix: keep one of the two lines. `movibot lint --fix` keeps the last (the one "
        "MediaWiki passes) and deletes the earlier one.",
        blocks=True, fixable=True),
    ProblemCode(
        "W202", WARNING, "unknown-parameter", "an unknown parameter (with a did-you-mean)",
        "The template call has a parameter the schema does not know, often a misspelling; the "
        "message suggests the closest known name.\n\n"
        "Its value is shown nowhere: neither in the infobox nor in the exports.\n\n"
        "Fix: rename it to the known parameter, or remove it; a new parameter is added to the "
        "schema."),
    ProblemCode(
        "W203", WARNING, "duplicate-template",
        "a second call of the infobox template (or an alias) on the page: the first is read, "
        "both lines are named",
        "The page calls the infobox template (or one of its aliases) more than once. The first "
        "call is read; the others are ignored.\n\n"
        "The values of the other calls are lost to the infobox, the category table and the "
        "exports.\n\n"
        "Fix: merge the calls into one."),
    ProblemCode(
        "W204", WARNING, "split-value",
        "MediaWiki ends a value at a `|` inside an HTML tag, a table or an external link: the "
        "value is read as MediaWiki passes it; write `{{!}}`",
        "A `|` inside a value ends it, even inside an HTML tag, a table or an external link's "
        "label: MediaWiki passes only the text before it to the template, and the rest "
        "becomes a parameter of its own.\n\n"
        "The value the page shows is not the one its author wrote.\n\n"
        "Fix: write `{{!}}` for a `|` inside a value."),
    ProblemCode(
        "W205", WARNING, "template-near-miss",
        "a call's name is nearly a source's template but MediaWiki calls another page "
        "(`{{TIERS-LIEU}}`, `{{Tiérs-Lieu}}`, `{{Fihce}}`): not read, with a did-you-mean",
        "MediaWiki reads a template's name as a title: only its first letter is read in any "
        "case (on a wiki whose siteinfo `case` is `first-letter`), `_` is a space, and the "
        "`Modèle:` or `Template:` prefix may be written in any case. Nothing else is folded: "
        "`{{TIERS-LIEU}}`, `{{Tiérs-Lieu}}` and `{{tiers lieu}}` call other pages than "
        "`Modèle:Tiers-Lieu`, and so does a misspelling such as `{{Fihce}}`.\n\n"
        "The page shows a red link instead of the infobox, it is not among the template's "
        "transclusions, and movibot does not read the call either: the page has no record.\n\n"
        "Fix: write the template's name as the message suggests, or ask for a redirect of that "
        "name to the template (then add it to the schema's `x-wiki.aliases`). `movibot lint "
        "--fix` writes the suggested name.",
        fixable=True),
    ProblemCode(
        "W206", WARNING, "parameter-spelling",
        "a parameter name written in another case or accent, or with a no-break space, than "
        "the schema's (`Maturité`, `maturite`): read as the schema's, fixable to it",
        "movibot matches a parameter's name ignoring case, accents, `_` and the kind of "
        "space, so `Maturité`, `maturite` and `maturité` followed by a no-break space are all "
        "read as `maturité`. MediaWiki does not: it passes the name as written (trimmed of "
        "ASCII white space only), so the template sees another, unknown parameter.\n\n"
        "The page's infobox, written by movibot, shows the value, but a template or a search "
        "that reads the parameter by its name does not find it.\n\n"
        "Fix: write the name as the schema spells it (the parameter or one of its aliases, "
        "as `movibot templates` documents them); `movibot lint --fix` does it.",
        fixable=True),
    ProblemCode(
        "E301", ERROR, "no-category",
        "the page is in no category, or calls a source's template outside its category",
        "The page is in no category, or calls a source's template without being in the "
        "source's category.\n\n"
        "Movilab's pages are found through their categories: a page outside them is missing "
        "from the category tables and from the run. With `add_category: true` in its schema "
        "the bot adds the category in its block.\n\n"
        "Fix: add the category (`[[Catégorie:Tiers-Lieux]]`)."),
    ProblemCode(
        "E401", ERROR, "block-malformed",
        "a movibot block marker is missing, duplicated or out of order",
        "The bot writes only between its own markers (`<!-- movibot:begin … -->` and "
        "`<!-- movibot:end … -->`). A marker was deleted, copied or moved, so the bot cannot "
        "tell where its block is.\n\n"
        "The bot never writes outside its block: it leaves the page as it is rather than risk "
        "overwriting a person's text.\n\n"
        "Fix: delete the whole block, both markers included; the next run writes it again."),
    ProblemCode(
        "E402", ERROR, "block-edited", "the text inside a movibot block no longer matches its hash",
        "Someone edited the text inside the bot's block: its content no longer matches the "
        "hash the bot wrote in the marker.\n\n"
        "The bot never loses a person's edit: it leaves the page for a person to look at "
        "(the run reports it as a conflict).\n\n"
        "Fix: move the edit to the template's values (the block is made from them), then "
        "delete the block or run with `--force`."),
    ProblemCode(
        "W501", WARNING, "broken-link", "a link to a page absent from the local set",
        "A link points to a page that is not among the files lint was given.\n\n"
        "On the wiki it may be a red link: a reader following it finds nothing.\n\n"
        "Fix: correct the title, or pull the page it points to (`movibot pull --title …`)."),
    ProblemCode(
        "E601", ERROR, "unreadable-file", "a file is not UTF-8 text",
        "A file given to lint, parse or push cannot be read as UTF-8 text (a binary file, "
        "another encoding), or cannot be read at all.\n\n"
        "MediaWiki pages are UTF-8: such a file cannot be compared with or sent to the wiki.\n\n"
        "Fix: save the file as UTF-8, or remove it from the folder."),
    ProblemCode(
        "W602", WARNING, "malformed-wikitext", "an unclosed `{{`",
        "A `{{` has no matching `}}`, or the source's template call has an `[[` still open at "
        "its `}}` (`| nom = [[Le Mixeur`): MediaWiki then takes that `}}` as text and does not "
        "end the call there.\n\n"
        "MediaWiki shows the rest of the page as plain text, or swallows it into a template "
        "call; movibot does not read such a call as the infobox.\n\n"
        "Fix: close the template call (or the link), or write literal braces as "
        "`<nowiki>{{</nowiki>`."),
    ProblemCode(
        "E603", ERROR, "too-complex",
        "a page with hundreds of unclosed templates, tables, comments or tags (or nested too "
        "deeply) is not parsed: the parser's time grows with the square of their number, so "
        "such a page could stall a run; the bot leaves it alone",
        "The page has hundreds of unclosed templates, tables, comments or tags, or nests them "
        "too deeply. Reading such a page takes a time that grows with the square of their "
        "number.\n\n"
        "One such page could stall the run of the whole site, so the bot does not read it and "
        "leaves it as it is.\n\n"
        "Fix: close or remove the unclosed markup.",
        blocks=True),
    ProblemCode(
        "E604", ERROR, "rewritten-on-save",
        "the page holds a raw `~~~~`, `{{subst:…}}` or pipe trick that MediaWiki would "
        "rewrite on save under the bot's name",
        "The page holds a signature (`~~~~`, or `~~~`), a `{{subst:…}}` or a pipe trick "
        "(`[[Page|]]`) outside the bot's block. MediaWiki expands them whenever the page is "
        "saved.\n\n"
        "The bot's next edit would expand them under its own name: a signature of the bot, a "
        "template replaced by its text, in a part of the page it does not own. It leaves the "
        "page as it is.\n\n"
        "Fix: save the page once by hand (MediaWiki expands them then), or put them in "
        "`<nowiki>…</nowiki>`.",
        blocks=True),
    ProblemCode(
        "E605", ERROR, "not-xml-text",
        "the page holds a character XML 1.0 cannot carry (a control character, a lone "
        "surrogate): it cannot go into an import file",
        "The page's text holds a control character other than tab and newline, or a lone "
        "surrogate (half of a character, from a damaged file or dump). XML 1.0 cannot carry "
        "them at all, not even escaped.\n\n"
        "A MediaWiki export or import file is XML: such a page cannot be in the import file a "
        "run with `--out FILE.xml` writes, so that run leaves it out and reports it as an "
        "error (the other pages are written). MediaWiki itself replaces such characters when "
        "a page is saved.\n\n"
        "Fix: delete the character (an editor that shows invisible characters finds it)."),
    ProblemCode(
        "E606", ERROR, "conflict-marker",
        "a `<<<<<<<` or `>>>>>>>` line: the file holds both sides of a merge conflict",
        "A line starts with `<<<<<<<` or `>>>>>>>`: git (or another merge tool) left both "
        "sides of a conflict in the file, and nobody chose between them.\n\n"
        "Pushed as it is, the page would show the markers and both versions of the text, and "
        "its template call may give a parameter twice; `push` refuses it.\n\n"
        "Fix: keep the right side, delete the other and the three marker lines (`<<<<<<<`, "
        "`=======`, `>>>>>>>`)."),
    ProblemCode(
        "W701", WARNING, "unused-silencing",
        "a `<!-- movibot-ignore: CODE -->` comment that silences no problem, or names no code",
        "A silencing comment (`<!-- movibot-ignore: W202 -->` for its line and the next one, "
        "`<!-- movibot-ignore-page: W501 -->` for the whole page) names a code that is not "
        "reported where it applies, or a code that does not exist, or no code at all.\n\n"
        "A comment left after its problem was fixed would silence the next problem of that "
        "code without anyone noticing.\n\n"
        "Fix: remove the code from the comment, or the whole comment when it names no other "
        "code."),
)

# Stable codes, in the README's order. Never renumber.
CODES: Mapping[str, ProblemCode] = {c.code: c for c in _TABLE}


def code_prefix(prefix: str) -> str:
    """A code or prefix as given to select or ignore codes (`e1` is `E1`; `ALL` is every code,
    the empty prefix)."""
    p = prefix.strip().upper()
    return "" if p == "ALL" else p


def unknown_prefixes(prefixes: Iterable[str]) -> list[str]:
    """The codes or prefixes (`E1`, `W205`, `W`, `ALL`) that name no code of the registry."""
    return [p for p in prefixes if not any(c.startswith(code_prefix(p)) for c in CODES)]


def problem_code(code: str) -> ProblemCode | None:
    """The registry's entry for `code` (case-insensitive), None when there is none."""
    return CODES.get(code.strip().upper())


@dataclass(frozen=True)
class Fix:
    """Replace the characters `start`..`end` (offsets in the page's text) with `replacement`:
    what `movibot lint --fix` writes for a problem (applied by records/fix.py)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Problem:
    """One finding: a stable code, where it is (path, 1-based line and column) and a message."""

    code: str
    message: str
    path: str = ""
    line: int = 1
    col: int = 1
    field: str | None = None
    fix: Fix | None = dataclass_field(default=None, compare=False, repr=False)  # lint --fix

    @property
    def severity(self) -> Severity:
        known = CODES.get(self.code)
        return known.severity if known else ERROR

    @property
    def name(self) -> str:
        known = CODES.get(self.code)
        return known.name if known else "unknown"

    @property
    def blocks(self) -> bool:
        """True when the problem leaves the page `invalid`."""
        known = CODES.get(self.code)
        return known.blocks if known else False

    @property
    def headline(self) -> Msg:
        """`CODE message`: why a page needs a person, as the run and the report page say it."""
        return Msg("{code} {message}", code=self.code, message=self.message)

    def line_msg(self) -> Msg:
        """Ruff-like one line, `path:line:col: severity CODE message`, in any language (the
        code never changes)."""
        return Msg("{path}:{line}:{col}: {severity} {code} {message}", path=self.path,
                   line=self.line, col=self.col, severity=Msg(self.severity.value),
                   code=self.code, message=self.message)

    def format(self) -> str:
        """line_msg() in the user's language."""
        return text(self.line_msg())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        del d["fix"]
        d["severity"] = self.severity.value
        d["name"] = self.name
        return d


def has_errors(problems: Sequence[Problem]) -> bool:
    """True when any problem is an error (warnings alone do not fail a lint)."""
    return any(p.severity is ERROR for p in problems)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset in text."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


# -- the documentation made from the registry ----------------------------------------------------


def code_table() -> str:
    """The README's table of lint codes (markdown): code, severity, name, summary."""
    rows = ["| code | severity | name | meaning |", "|---|---|---|---|"]
    rows += [f"| {c.code} | {c.severity} | {c.name} | {c.summary.replace('|', chr(92) + '|')} |"
             for c in CODES.values()]
    return "\n".join(rows) + "\n"


def code_list() -> str:
    """What `movibot rule` prints, in the user's language: one line per code (code, severity,
    name, summary)."""
    width = max(len(c.name) for c in CODES.values())
    return "".join(f"{c.code}  {_(c.severity.value):<7}  {c.name:<{width}}  {_(c.summary)}\n"
                   for c in CODES.values())


def explain(code: ProblemCode) -> str:
    """What `movibot rule CODE` prints, in the user's language: the heading line, the summary,
    the explanation."""
    head = f"{code.code} {code.name} ({_traits(code, _)})"
    return f"{head}\n\n{_sentence(_(code.summary))}\n\n{_(code.explanation)}\n"


TRAITS = (N_("error"), N_("warning"), N_("blocking"), N_("fixable"))


def _traits(code: ProblemCode, words: Callable[[str], str] = str) -> str:
    """`error, blocking, fixable`: the code's severity and flags, as `words` says them."""
    traits = [code.severity.value]
    if code.blocks:
        traits.append("blocking")
    if code.fixable:
        traits.append("fixable")
    return ", ".join(words(t) for t in traits)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def problems_page() -> str:
    """docs/problems.md: every code with its explanation."""
    parts = ["# Problem codes\n",
             "Generated from `movibot/problems.py` by `python docs/generate.py`: edit the "
             "registry, not this page. `movibot rule CODE` prints one entry.\n",
             "An error fails `movibot lint` (exit 1); a warning does not. A *blocking* "
             "problem leaves the page `invalid`: the run writes no infobox for it and leaves "
             "it as it is. A *fixable* one is corrected by `movibot lint --fix` "
             "(`--diff` shows the change first).\n"]
    for c in CODES.values():
        parts.append(f"## {c.code} {c.name}\n")
        parts.append(f"*{_traits(c)}*. {_sentence(c.summary)}\n")
        parts.append(c.explanation + "\n")
    return "\n".join(parts)
