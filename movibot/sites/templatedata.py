"""Reading TemplateData from a site: the errors, and the `<templatedata>` tag of a page's text.

A live wiki answers `action=templatedata` (mediawiki.py); a folder or a dump has only the template
page's text, whose `<templatedata>` tag holds the JSON (`answer_from_page`). What the JSON says
is read and compared by records/templatedata.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from movibot.errors import UsageError
from movibot.i18n import Msg
from movibot.sites.base import JSONObject, Page, TemplateDataAnswer

_TAG = re.compile(r"<templatedata\b[^>]*>(.*?)</templatedata\s*>", re.I | re.S)
_HIDDEN = re.compile(r"<!--.*?(?:-->|\Z)|<(nowiki|pre)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.I | re.S)


class TemplateDataError(UsageError):
    """No TemplateData where one was asked for: no such page, a page without it, JSON that is
    not TemplateData. One line naming the page."""


class TemplateDataUnavailable(TemplateDataError):
    """The wiki refused action=templatedata (no TemplateData extension, an API error)."""


def unavailable(error: Mapping[str, object]) -> TemplateDataUnavailable:
    """The exception for an action=templatedata answer's `error` object."""
    hint = (Msg(" (is the TemplateData extension installed on the wiki?)")
            if error.get("code") == "badvalue" else "")
    return TemplateDataUnavailable(Msg("the wiki refused action=templatedata: {code}: "
                                       "{info}{hint}", code=error.get("code"),
                                       info=error.get("info"), hint=hint))


def answer_from_page(page: Page, where: str) -> TemplateDataAnswer:
    """The TemplateData of a template page read from its text (a folder, a dump: `where`)."""
    if not page.exists:
        return TemplateDataAnswer(page.title, None, f"no such page on {where}")
    data, error = _tag_json(page.text)
    return TemplateDataAnswer(page.title, data, error)


def templatedata_from_text(text: str, title: str = "the page") -> JSONObject:
    """The JSON of the first `<templatedata>` tag of a page's wikitext (outside comments,
    nowiki and pre). Raises TemplateDataError when there is none or its JSON is broken."""
    data, error = _tag_json(text)
    if data is None:
        raise TemplateDataError(Msg("{title}: {error}", title=title, error=error))
    return data


def _tag_json(text: str) -> tuple[JSONObject | None, str | None]:
    """(the tag's JSON object, None), or (None, why there is none)."""
    visible = _HIDDEN.sub(lambda m: " " * len(m.group(0)), text)
    m = _TAG.search(visible)
    if m is None:
        return None, "no <templatedata> tag"
    try:
        data = json.loads(text[m.start(1):m.end(1)])
    except ValueError as e:
        return None, f"the <templatedata> JSON is broken: {e}"
    if not isinstance(data, dict):
        return None, "the <templatedata> JSON is not an object"
    return data, None
