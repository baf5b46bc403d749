"""Right-to-left labels in the PDF's figures: shaped, and in the order they are seen.

matplotlib (3.11 and later, through libraqm: HarfBuzz and FriBiDi) shapes and orders Arabic and
Hebrew itself, so the deck's PNG figures need nothing: their labels are drawn from the text as
written. The PDF's figures are SVG with their labels kept as text, and WeasyPrint, which draws
that SVG in the PDF, sets an SVG ``<text>`` letter by letter, each letter laid out alone and
placed left to right: an Arabic label as written would read as isolated letters in reverse.

So in the SVG, each ``<text>`` that holds a right-to-left letter is rewritten as it is to be
seen (:func:`visual_svg`): each Arabic letter in the presentation form of its place in its word
(initial, medial, final or isolated, lam-alef as one ligature; arabic-reshaper), then the
characters in visual order by the Unicode bidirectional algorithm with mirrored brackets
(python-bidi), the label's direction taken from its first strong letter as matplotlib's own
layout takes it, so that both outputs read alike. The bidi marks (LRM, RLM, ALM, embeddings,
isolates) are dropped once applied, as they have no glyph. matplotlib has laid the figure out
with the text as written, whose width the shaped letters keep.

Vowel marks (Arabic harakat, Hebrew points) are kept, each after its letter in reading order
(before it in visual order). A mark set alone, letter by letter, would not sit on its letter (it
is drawn on a dotted circle beside it), so a label with marks is drawn as outlines and its text
is kept invisible beside them (:mod:`deckgen.figures.marks_svg`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape, unescape

_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                                     "\u2066\u2067\u2068\u2069"))


def right_to_left(text: str) -> bool:
    """Whether ``text`` holds a letter written right to left (Arabic, Hebrew, Syriac ...)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


@lru_cache(maxsize=4096)
def visual(text: str) -> str:
    """``text`` as it is seen, for a renderer that places characters one by one, left to right:
    Arabic letters in their contextual presentation forms, in visual order, brackets mirrored.
    Text without a right-to-left letter is returned as it is."""
    if not right_to_left(text):
        return text
    from bidi.algorithm import get_display

    return get_display(_reshaper().reshape(text)).translate(_BIDI_MARKS)


@lru_cache(maxsize=1)
def _reshaper():
    """arabic-reshaper keeping the vowel marks (it deletes them unless told not to)."""
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration={"delete_harakat": False})


def visual_svg(svg: bytes) -> bytes:
    """matplotlib's SVG with every right-to-left label rewritten in visual order (:func:`visual`);
    an SVG without one is returned unchanged."""
    text = svg.decode("utf-8")
    if not right_to_left(text):
        return svg

    def rewritten(found: re.Match) -> str:
        label = unescape(found.group(2))
        return found.group(1) + escape(visual(label)) + found.group(3)

    return _TEXT.sub(rewritten, text).encode("utf-8")
