"""Pandoc's ``smart`` punctuation in deckgen's Markdown, beyond the curly quotes markdown-it makes:
``---`` is an em dash (—), ``--`` an en dash (–) and ``...`` an ellipsis (…), in running text.

Code (inline or in blocks) is left as written, and so is an autolink's address; the raw HTML
comment markers ``<!--`` and ``-->`` are never made dashes (deckgen shows raw HTML as text,
with a warning). markdown-it's own ``replacements`` rule is not used: it also makes ``(c)``
a © and ``+-`` a ±, which Pandoc does not.
"""

from __future__ import annotations

import re

_EM = re.compile(r"(?<![-!])---(?![->])")
_EN = re.compile(r"(?<![-!])--(?![->])")


def smart_dashes(state) -> None:
    """A markdown-it core rule: dashes and ellipses in every text token outside autolinks."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        in_autolink = 0
        for child in token.children:
            if child.type == "link_open" and child.info == "auto":
                in_autolink += 1
            elif child.type == "link_close" and child.info == "auto":
                in_autolink -= 1
            elif child.type == "text" and not in_autolink and ("--" in child.content or "..." in child.content):
                child.content = smartened(child.content)


def smartened(text: str) -> str:
    return _EN.sub("–", _EM.sub("—", text)).replace("...", "…")
