"""The PDF's figures as SVG, right-to-left labels with vowel marks drawn as outlines.

WeasyPrint sets an SVG ``<text>`` letter by letter (:mod:`deckgen.figures.visual_order`): a
vowel mark (an Arabic haraka, a Hebrew point) laid out alone has no letter to sit on, so it is
drawn beside the letters, on a dotted circle. So a label with such marks is drawn here as
matplotlib draws it in the deck's PNG, shaped whole (libraqm: each mark on its letter), as
outlines; and the same label follows as text, in a group of class :data:`TEXT_LAYER` that
:func:`hidden_text_layer` makes invisible (``fill: none``, which WeasyPrint writes as PDF's
invisible text), so the PDF's text layer still holds the label with its marks (a reader can
search and copy it). WeasyPrint gives each mark laid out alone the width of the dotted circle
it is set on; the letter after it is moved back by that width (``dx``), so the invisible
letters lie over the drawn ones. Every other label stays text.

This module is a matplotlib backend, named when the SVG of a figure with such a label is saved
(:func:`may_have_marked_text`): ``savefig(..., format="svg", backend=BACKEND)``; its canvas draws as
matplotlib's SVG canvas does (its ``print_svg`` restated, with this renderer). Every other
figure is saved by matplotlib's own SVG backend.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from xml.sax.saxutils import unescape

from matplotlib import cbook, rc_context
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG

from .visual_order import right_to_left

BACKEND = "module://deckgen.figures.marks_svg"
TEXT_LAYER = "text-layer"  # the class of the group holding an outlined label's text
DOTTED_CIRCLE = "\u25cc"  # the base HarfBuzz gives a mark with none



def marked(text: str) -> bool:
    """Whether ``text`` is a right-to-left label with a combining mark (a vowel mark)."""
    return right_to_left(text) and any(unicodedata.category(char) == "Mn" for char in text)


def may_have_marked_text(figure) -> bool:
    """Whether a label of the brief's ``figure`` may be :func:`marked`: a right-to-left letter
    and a combining mark anywhere in its fields (read before matplotlib makes its tick labels)."""
    return marked(repr(figure))


class MarksRenderer(RendererSVG):
    """matplotlib's SVG renderer, drawing a label with vowel marks as outlines then as text."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath or not marked(s):
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        with rc_context({"svg.fonttype": "path"}):
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        self.writer.start("g", attrib={"class": TEXT_LAYER})
        super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        self.writer.end("g")


class FigureCanvas(FigureCanvasSVG):
    """matplotlib's SVG canvas, with :class:`MarksRenderer`."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_):
        """As matplotlib's (which is told to ignore ``dpi``, ``facecolor``, ``edgecolor`` and
        ``orientation``, set on the figure by ``print_figure`` for other renderers)."""
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            renderer = MixedModeRenderer(
                self.figure, width, height, dpi,
                MarksRenderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()


_LAYER_TEXT = re.compile(rf'(<g class="{TEXT_LAYER}">\s*<text\b)([^>]*?)\bstyle="([^"]*)"([^>]*>)([^<]*)(</text>)')


def hidden_text_layer(svg: bytes) -> bytes:
    """The SVG with each outlined label's text invisible, its letters over the drawn ones."""
    text = svg.decode("utf-8")
    if f'class="{TEXT_LAYER}"' not in text:
        return svg
    return _LAYER_TEXT.sub(_hidden, text).encode("utf-8")


def _hidden(found: re.Match) -> str:
    start, before, style, after, label, end = found.groups()
    parts = [part for part in style.split("; ") if not part.startswith(("fill:", "opacity:"))]
    css = dict(part.split(": ", 1) for part in parts)
    size = float(css.get("font-size", "10px").removesuffix("px"))
    families = tuple(name.strip(" '\"") for name in css.get("font-family", "").split(","))
    shifts = [0.0]
    for char in unescape(label)[:-1]:  # each letter moved back by the width of a mark before it
        shifts.append(-_dotted_circle(char, families) * size if unicodedata.category(char) == "Mn" else 0.0)
    dx = f' dx="{" ".join(f"{shift:g}" for shift in shifts)}"' if any(shifts) else ""
    return f'{start}{before}style="{"; ".join([*parts, "fill: none"])}"{dx}{after}{label}{end}'


@lru_cache(maxsize=256)
def _dotted_circle(mark: str, families: tuple[str, ...]) -> float:
    """The width, per unit of font size, WeasyPrint gives ``mark`` laid out alone: the dotted
    circle of the first of ``families`` that has the mark (0 if that font has no circle), each
    family's file found as WeasyPrint finds it (:func:`deckgen.deck.textfit.font_path`)."""
    from matplotlib.ft2font import FT2Font, LoadFlags

    from ..deck.textfit import font_path
    from ..errors import EnvironmentProblem

    for family in families:
        try:
            path = font_path(family)
        except EnvironmentProblem:
            continue
        font = FT2Font(path)
        if font.get_char_index(ord(mark)):
            glyph = font.get_char_index(ord(DOTTED_CIRCLE))
            if not glyph:
                return 0.0
            return font.load_glyph(glyph, LoadFlags.NO_SCALE).horiAdvance / font.units_per_EM
    return 0.0
