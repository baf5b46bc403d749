"""Pandoc's ``east_asian_line_breaks`` for deckgen's Markdown: a line break inside a paragraph
between two East Asian wide characters (Chinese and Japanese text, their full-width punctuation)
joins the lines without a space, where a break elsewhere is a space.

Chinese and Japanese put no spaces between words, so an author who wraps a long paragraph
in their editor must not find a space in the middle of a sentence in the PDF and the deck. Unlike
Pandoc's extension, Hangul does not join: Korean puts spaces between words, and a line break
there stands for one.
"""

from __future__ import annotations

import unicodedata

from markdown_it.token import Token

JOIN = "east_asian_join"  # set in a soft break's meta: the break is no space
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_TEXT = ("text", "code_inline")


def east_asian_line_breaks(state) -> None:
    """A markdown-it core rule: marks every soft break between two wide characters."""
    for token in state.tokens:
        children = token.children if token.type == "inline" else None
        for index, child in enumerate(children or ()):
            if child.type == "softbreak" and _wide(_edge(children, index, -1)) and _wide(_edge(children, index, 1)):
                child.meta = {**(child.meta or {}), JOIN: True}


def _edge(children: list[Token], index: int, step: int) -> str:
    """The character next to the break at ``index`` on one side (``step`` -1: before it, 1:
    after it), through emphasis and links; "" when something else (a citation, another break)
    is there first."""
    index += step
    while 0 <= index < len(children):
        child = children[index]
        if child.type in _TEXT and child.content:
            return child.content[-1] if step < 0 else child.content[0]
        if child.nesting == 0:  # not an opening or closing mark
            return ""
        index += step
    return ""


def _wide(char: str) -> bool:
    if not char or unicodedata.east_asian_width(char) not in ("W", "F"):
        return False
    return not any(low <= ord(char) <= high for low, high in _HANGUL)
