"""`movibot preview`: the run's plan as one self-contained HTML page, each page it would change
rendered as it is and as it would be, with the wikitext diff.

The renderings are MediaWiki's (action=parse, through `Site.render`) on a live wiki, else the
bot's own rendering of its blocks (render/html.py). Everything else on the page (titles,
summaries, diffs) is escaped here, and the page's Content-Security-Policy allows no script and
no resource from anywhere: values read from pages are hostile input.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from movibot.i18n import Language, Msg, content_language, written
from movibot.render.html import render_blocks
from movibot.sites.base import Site
from movibot.sync.edits import Edit

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")
TITLE = "movibot preview"
Render = Callable[[str, str], str]


@dataclass(frozen=True)
class PagePreview:
    """One page the run would change: its renderings (HTML) before and after, and the diff."""

    title: str
    summary: str
    creates: bool
    current: str
    planned: str
    diff: str


def renderer(site: Site) -> Render:
    """How `site` renders a page's text: its own parser, else the bot's blocks rendered."""
    def render(title: str, text: str) -> str:
        rendered = site.render(title, text)
        return render_blocks(text) if rendered is None else rendered

    return render


def preview_of(edit: Edit, render: Render, language: Language = Language.FR) -> PagePreview:
    """The preview of one planned edit (a page created has no current rendering); its summary
    as the wiki of `language` will show it."""
    current = "" if edit.creates else render(edit.title, edit.page.text)
    summary = written(edit.summary, language)
    return PagePreview(edit.title, summary, edit.creates, current,
                       render(edit.title, edit.new), edit.diff())


def preview_html(pages: Sequence[PagePreview], where: str, summary: str) -> str:
    """The whole preview page: a head naming the site and the run's summary line, then each
    page (escaped but for the renderings)."""
    e = html.escape
    body = "\n".join(_page_html(p) for p in pages) or "<p>The run would change no page.</p>"
    return (f'<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">\n'
            f'<meta name="referrer" content="no-referrer">\n'
            f"<title>{TITLE}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{TITLE}: {e(where)}</h1>\n<p class=\"summary\">{e(summary)}</p>\n"
            f"{body}\n</body>\n</html>\n")


def _page_html(page: PagePreview) -> str:
    e = html.escape
    nothing = "A new page." if page.creates else "No block of the bot yet."
    current = page.current or f'<p class="none">{nothing}</p>'
    return (f'<section class="page">\n<h2>{e(page.title)}</h2>\n'
            f'<p class="edit-summary">{e(page.summary)}</p>\n<div class="sides">\n'
            f'<div class="side current"><h3>Now</h3>\n{current}\n</div>\n'
            f'<div class="side planned"><h3>After the run</h3>\n{page.planned}\n</div>\n'
            f"</div>\n<details open><summary>Wikitext diff</summary>\n"
            f'<pre class="diff">{_diff_html(page.diff)}</pre></details>\n</section>')


def _diff_html(diff: str) -> str:
    """The unified diff, escaped, its added and removed lines marked."""
    out = []
    for line in diff.splitlines():
        kind = ("" if line.startswith(("+++", "---")) else "add" if line.startswith("+")
                else "del" if line.startswith("-") else "hunk" if line.startswith("@@") else "")
        text = html.escape(line)
        out.append(f'<span class="{kind}">{text}</span>' if kind else text)
    return "\n".join(out)


STYLE = """
body { font-family: sans-serif; margin: 1em 2em; color: #202122; }
h2 { border-bottom: 1px solid #a2a9b1; margin-top: 2em; }
.summary, .edit-summary, .none { color: #54595d; }
.sides { display: flex; gap: 2em; align-items: flex-start; }
.side { flex: 1 1 0; min-width: 0; overflow-x: auto; border: 1px solid #eaecf0;
        padding: 0 1em 1em; }
table.wikitable { background: #f8f9fa; border: 1px solid #a2a9b1; border-collapse: collapse;
                  margin: 1em 0; }
table.wikitable th, table.wikitable td { border: 1px solid #a2a9b1; padding: 0.2em 0.4em; }
table.wikitable th { background: #eaecf0; text-align: center; }
table.wikitable caption { font-weight: bold; }
pre.diff { background: #f8f9fa; padding: 0.5em; overflow-x: auto; white-space: pre-wrap; }
pre.diff .add { background: #d5fdf4; } pre.diff .del { background: #fee7e6; }
pre.diff .hunk { color: #3366cc; }
"""


def preview_command(site_spec: str | None, config_path: str | None, titles: Sequence[str],
                    out: Path) -> tuple[Any, int]:
    """`movibot preview`: the dry run's plan (run_command, on the same site) rendered and
    written to `out`; the run's report and the number of pages shown. Raises IOFailure when
    `out` cannot be written."""
    from movibot.app import open_configured_site, run_command
    from movibot.config import load_config

    site = open_configured_site(site_spec, load_config(config_path), write=False)
    edits: list[Edit] = []
    report = run_command(site_spec, config_path, dry_run=True, full=False, force=False,
                         max_edits=None, show=edits.append, titles=titles, site=site)
    render = renderer(site)
    pages = [preview_of(edit, render, content_language(site.content_language)) for edit in edits]
    write_preview(out, preview_html(pages, site.name, report.summary_line()))
    return report, len(pages)


def write_preview(path: Path, text: str) -> None:
    """Write the preview page. Raises IOFailure (one line) when it cannot be."""
    from movibot.atomic import write_atomic
    from movibot.errors import IOFailure

    try:
        if not path.parent.is_dir():
            raise FileNotFoundError(2, "No such directory")
        write_atomic(path, text)
    except OSError as e:
        raise IOFailure(Msg("cannot write the preview {path}: {value}",
                            path=path, value=e.strerror or e)) from None
