"""What MediaWiki's pre-save transform would rewrite in a page outside the movibot blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence

from movibot.problems import line_col
from movibot.wikitext.blocks import Block, find_blocks

# What MediaWiki's pre-save transform rewrites in any saved text: signatures, substitutions,
# the pipe trick. A page read with one of them (an imported page, a page saved without the
# transform) would be rewritten outside the bot's block, under the bot's name, by its edit.
_TRANSFORMED = re.compile(r"~~~|\{\{\s*(?:safe)?subst\s*:|\[\[[^\[\]|\n]+\|\]\]", re.I)
_VERBATIM = re.compile(r"<!--.*?(?:-->|\Z)|<(nowiki|pre)\b[^>\n]{0,200}>.*?(?:</\1\s*>|\Z)",
                       re.I | re.S)


def save_transforms(text: str, blocks: Sequence[Block] | None = None
                    ) -> tuple[int, int, str] | None:
    """(line, col, why) for the first text that saving `text` would make MediaWiki rewrite
    outside the movibot blocks (a `~~~~` signature, a `{{subst:…}}`, a pipe trick `[[…|]]`
    outside comments, nowiki and pre), or None. `blocks`: the page's blocks, when known."""
    if not _TRANSFORMED.search(text):
        return None
    found_blocks = find_blocks(text)[0] if blocks is None else blocks
    spans = [(m.start(), m.end()) for m in _VERBATIM.finditer(text)]
    spans += [(b.start, b.end) for b in found_blocks]
    pieces, pos = [], 0
    for start, end in sorted(spans):
        if end > pos:
            start = max(start, pos)
            pieces += [text[pos:start], re.sub(r"[^\n]", " ", text[start:end])]
            pos = end
    masked = "".join(pieces) + text[pos:]
    found = _TRANSFORMED.search(masked)
    if not found:
        return None
    line, col = line_col(text, found.start())
    return line, col, (f"{found.group(0)!r} is rewritten by MediaWiki on save (a signature, a "
                       "substitution or a pipe trick): the bot does not edit such a page, its "
                       "edit would change the text outside its block under its name")
