"""Pandoc's ``east_asian_line_breaks`` for deckgen's Markdown: a line break inside a paragraph
between two East Asian wide characters (Chinese and Japanese text, their full-width punctuation)
joins the lines without a space, where a break elsewhere is a space.

Chinese and Japanese put no spaces between words, so an author who wraps a long paragraph
in their editor must not find a space in the middle of a sentence in the PDF and the deck. Unlike
Pandoc's extension, Hangul does not join: Korean puts spaces between words, and a line break
there stands for one.

YAML text follows the same rule (:func:`folded`, :func:`refolded`): YAML turns each line break
inside a folded (``>``), plain or quoted value into a space, and deckgen drops that space where
the break fell between two wide characters.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the YAML reader uses this module without markdown-it
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


def joins(before: str, after: str) -> bool:
    """Whether a line break between these two characters stands for no space."""
    return _wide(before) and _wide(after)


FOLD = "\a"  # ruamel marks each fold of a folded (>) value with BEL, before the space it became


def folded(text: str) -> str:
    """A folded (``>``) YAML value as ruamel reads it: its fold marks removed, with the space
    of each fold between two wide characters."""
    pieces = text.split(FOLD)
    out = pieces[0]
    for piece in pieces[1:]:
        if piece.startswith(" ") and joins(out[-1:], piece[1:2]):
            piece = piece[1:]
        out += piece
    return out


def refolded(value: str, raw: str, quote: str) -> str:
    """A plain or quoted YAML value written over several lines (``raw``: its source, quotes
    included), without the spaces YAML made of line breaks between two wide characters.
    ``value`` as YAML read it when it was on one line, or when it cannot be traced back to
    ``raw`` line by line (escapes, a doubled quote)."""
    if "\n" not in raw or (quote and (len(raw) < 2 or "\\" in raw or quote * 2 in raw[1:-1])):
        return value
    lines = (raw[1:-1] if quote else raw).split("\n")
    pieces = [lines[0].rstrip(" \t"), *(line.strip(" \t") for line in lines[1:-1]), lines[-1].lstrip(" \t")]
    as_yaml = ours = pieces[0]
    breaks = 0
    for piece in pieces[1:]:
        if not piece:
            breaks += 1  # a blank line: a line break of its own
            continue
        if breaks:
            as_yaml, ours = as_yaml + "\n" * breaks + piece, ours + "\n" * breaks + piece
        else:
            as_yaml += " " + piece
            ours += ("" if joins(ours[-1:], piece[:1]) else " ") + piece
        breaks = 0
    return ours if as_yaml == value and not breaks else value
