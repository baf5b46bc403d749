"""Draw figures with matplotlib: SVG (vector, real text) for the PDF, PNG for the deck.

Each kind's drawer (named in :mod:`deckgen.figures.kinds`) is a function of this module: the
charts' come from :mod:`deckgen.figures.plots`, the timeline's is here. Figures are drawn from
the model's data with the theme turned into rc parameters here
(:func:`figure_rc`): ``font.family`` is a list of real families, so matplotlib falls back glyph
by glyph (an arrow missing from Noto Sans comes from DejaVu Sans, Hangul and kanji from Noto
Sans CJK), the theme's Arabic family first for an Arabic-script language, and mathtext is off, so
a ``$`` in a label stays a dollar sign. matplotlib shapes and orders right-to-left text itself
(libraqm); SVG text stays text (WeasyPrint sets it in the same fonts, and a reader can search
it), its right-to-left labels written in visual order for WeasyPrint
(:mod:`deckgen.figures.visual_order`); the output is deterministic: no date, a fixed hash salt.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
from matplotlib import cycler, rc_context
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from .. import model as m
from ..i18n.scripts import ARABIC_SCRIPT, base, cjk_family, is_rtl
from ..reproducible import source_date_epoch
from ..theme import Theme
from .kinds import KINDS, FigureKind
from .marks_svg import BACKEND, hidden_text_layer, may_have_marked_text
from .plots import MAX_LABELLED, MAX_TICKS, draw_area, draw_bars, draw_line, draw_pie, draw_scatter  # noqa: F401
from .visual_order import visual_svg

PDF_SIZE = (6.535, 2.8)  # inches: the brief's text width on A4 (166 mm), so type is not scaled
DECK_SIZE = (12.1, 4.6)  # inches: a 16:9 slide's figure area (874 pt wide), so it is not scaled up
DECK_DPI = 240           # at the size placed on the slide: at least 200 dpi
DECK_TYPE_SCALE = 2.0    # the deck's figure type, relative to the brief's (20 pt labels)


def render_svg(figure: m.Figure, theme: Theme) -> bytes:
    """The figure as SVG for the PDF brief; the same input gives the same bytes. (An ``image``
    figure's picture goes to the PDF as the loader prepared it; here, as SVG.)"""
    if KINDS[figure.kind].picture:
        from .pictures import picture_svg

        return picture_svg(figure)
    return _render(figure, theme, PDF_SIZE, "svg", dpi=72)


def render_png(figure: m.Figure, theme: Theme, dpi: int = DECK_DPI) -> bytes:
    """The figure as a high-resolution PNG for the deck (an ``image`` figure's picture: a PNG,
    or the JPEG it was)."""
    if KINDS[figure.kind].picture:
        from .pictures import render_picture_png

        return render_picture_png(figure, theme)
    return _render(figure, theme, DECK_SIZE, "png", dpi=dpi, scale=DECK_TYPE_SCALE)


BASE_FONT_SIZE = 10  # points, in the brief's figures; the deck's are scaled from it


def figure_rc(theme: Theme, scale: float = 1.0, language: str = "en") -> dict:
    """The theme as matplotlib rc parameters, type scaled by ``scale``: a list of real font
    families (per-glyph fallback), the theme's colours, and no mathtext (literal dollar signs)."""
    fonts, colours = theme.fonts, theme.colours
    return {
        "font.family": _families(fonts, language),
        "font.size": BASE_FONT_SIZE * scale,
        "text.color": colours["text"],
        "axes.labelcolor": colours["text"],
        "axes.edgecolor": colours["muted"],
        "axes.prop_cycle": cycler(color=colours["series"]),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": colours["muted"],
        "ytick.color": colours["muted"],
        "svg.fonttype": "none",  # real text: WeasyPrint sets it in the same fonts, searchable
        "svg.hashsalt": "deckgen",
        "text.usetex": False,
        "text.parse_math": False,
    }


def _families(fonts: dict, language: str) -> list[str]:
    """The families figures set text in, in fallback order: the theme's sans, DejaVu Sans (for
    symbols it lacks), the CJK family in the brief's region; an Arabic-script language's own
    family first, so that its letters, digits and punctuation match (as in the PDF's text)."""
    families = [fonts["sans"], "DejaVu Sans", cjk_family(fonts["cjk_sans"], language)]
    arabic = fonts.get("arabic_sans", "")
    return [arabic, *families] if arabic and base(language) in ARABIC_SCRIPT else families


def draw(figure: m.Figure, theme: Theme, size=PDF_SIZE, dpi: int = 72) -> MplFigure:
    """The figure drawn on a matplotlib Figure (call inside ``rc_context(figure_rc(theme))``)."""
    fig = MplFigure(figsize=size, dpi=dpi, layout="constrained")
    kind = KINDS[figure.kind]
    ax = fig.add_subplot()
    globals()[kind.drawer](ax, figure, theme, kind)
    if kind.axes and is_rtl(figure.language):
        mirror(ax)
    return fig


def mirror(ax) -> None:
    """A chart read right to left, as the deck's charts are mirrored: the horizontal axis runs
    leftwards (a column chart's first category at the right, bars growing to the left, a
    scatter's x values leftwards) and the vertical axis, its ticks and its title stand at the
    right."""
    ax.invert_xaxis()
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    left, right = ax.spines["left"].get_visible(), ax.spines["right"].get_visible()
    ax.spines["left"].set_visible(right)
    ax.spines["right"].set_visible(left)


def _render(figure: m.Figure, theme: Theme, size, fmt: str, dpi: int, scale: float = 1.0) -> bytes:
    source_date_epoch()  # matplotlib reads SOURCE_DATE_EPOCH itself: a bad value is named here
    with rc_context(figure_rc(theme, scale, figure.language)):
        fig = draw(figure, theme, size, dpi)
        out = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        # vowel marks outlined (only a figure with such a label: every other is matplotlib's own SVG)
        backend = {"backend": BACKEND} if fmt == "svg" and may_have_marked_text(figure) else {}
        fig.savefig(out, format=fmt, dpi=dpi, metadata=metadata,
                    facecolor=theme.colour("background"), **backend)
    return hidden_text_layer(visual_svg(out.getvalue())) if fmt == "svg" else out.getvalue()


def draw_picture(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    """An ``image`` figure's picture on matplotlib axes (the outputs take the picture itself:
    :func:`render_svg`, :func:`render_png`)."""
    from PIL import Image

    from .pictures import render_picture_png

    ax.imshow(Image.open(io.BytesIO(render_picture_png(figure, theme))))
    ax.axis("off")


# ---- timeline ------------------------------------------------------------------------------
# Milestones are evenly spaced in date order (close years such as 2019 and 2022 would
# otherwise collide), from left to right, or from right to left in a right-to-left language
# (the earliest at the right, as the mirrored charts read); the year is set large above the
# line, its label wrapped below it to the width of its slot, measured with the real font. More
# than five milestones alternate above and below the line, so each label gets two slots' width.
# Every text is centred on its milestone, so mirroring moves the milestones and nothing else.

YEAR_SCALE = 1.25   # year size relative to the base font size
LABEL_SCALE = 0.85  # label size relative to the base font size
LINE_SPACING = 1.1


def _text_width(text: str, size: float) -> float:
    """Width in points of ``text`` set in the current rc font family at ``size`` points."""
    prop = FontProperties(size=size)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]


# Chinese and Japanese break between any two characters, but never before closing punctuation
# or a small kana, nor after an opening bracket (kinsoku); Latin runs inside them stay whole.
_IDEOGRAPHIC = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_NO_LINE_START = set("、。，．・：；！？）」』】〕〉》ー々〜ぁぃぅぇぉっゃゅょァィゥェォッャュョ")
_NO_LINE_END = set("（「『【〔〈《")


def _pieces(word: str) -> list[str]:
    """``word`` cut where a line may break inside it (only in Chinese or Japanese text)."""
    pieces: list[str] = []
    for char in word:
        prev = pieces[-1][-1] if pieces else ""
        breakable = prev and (_IDEOGRAPHIC.match(char) or _IDEOGRAPHIC.match(prev)) \
            and char not in _NO_LINE_START and prev not in _NO_LINE_END
        if pieces and not breakable:
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def wrap_to_width(text: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap of ``text`` so no line is wider than ``max_width`` points (a word wider
    than that gets a line of its own; Chinese and Japanese break between characters)."""
    lines: list[str] = []
    for word in text.split():
        for number, piece in enumerate(_pieces(word)):
            candidate = (lines[-1] + (" " if number == 0 else "") + piece) if lines else piece
            if lines and _text_width(candidate, size) <= max_width:
                lines[-1] = candidate
            else:
                lines.append(piece)
    return lines or [""]


def draw_timeline(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    events = sorted(figure.events, key=lambda e: e.year)
    ax.axis("off")
    if not events:
        return
    fig, count = ax.figure, len(events)
    base = matplotlib.rcParams["font.size"]
    year_size, label_size = base * YEAR_SCALE, base * LABEL_SCALE
    alternate = count > 5
    single = fig.get_figwidth() * 72 / count  # points of width per milestone
    rooms = [0.86 * _label_room(i, count, single, alternate) for i in range(count)]
    labels = ["\n".join(wrap_to_width(e.label, label_size, room)) for e, room in zip(events, rooms)]
    measure = _TextMeasure(fig)
    year_height = max(measure(str(e.year), year_size, "bold") for e in events)

    # The axes fill the figure and one y data unit is one point: texts are placed in points
    # from the line, and the figure is then sized to the space they take.
    gap, texts = 9.0, []
    for index, (event, label) in enumerate(zip(events, labels)):
        side = -1 if alternate and index % 2 == 1 else 1  # the year's side of the line
        label_y = side * (gap + year_height + 3) if alternate else -gap
        texts.append((side * gap, str(event.year), year_size, "bold", theme.colour("primary")))
        texts.append((label_y, label, label_size, "normal", theme.colour("text")))
    above = max([y + measure(t, size, w) for y, t, size, w, _ in texts if y > 0], default=0)
    below = max([-y + measure(t, size, w) for y, t, size, w, _ in texts if y < 0], default=0)
    for index, (y, text, size, weight, colour) in enumerate(texts):
        ax.text(index // 2, y, text, ha="center", va="bottom" if y > 0 else "top", fontsize=size,
                fontweight=weight, color=colour, linespacing=LINE_SPACING)
    fig.set_layout_engine("none")
    fig.set_size_inches(fig.get_figwidth(), (above + below + 8) / 72)
    ax.set_position((0, 0, 1, 1))
    ax.set_xlim(*((count - 0.5, -0.5) if is_rtl(figure.language) else (-0.5, count - 0.5)))
    ax.set_ylim(-below - 4, above + 4)
    ax.plot([-0.45, count - 0.55], [0, 0], color=theme.colour("muted"), linewidth=1.2,
            solid_capstyle="round", zorder=1)
    ax.scatter(range(count), [0] * count, s=50, color=theme.colour("accent"),
               edgecolors=theme.colour("background"), linewidths=1.2, zorder=2)


def _label_room(index: int, count: int, single: float, alternate: bool) -> float:
    """Width a label may take: its slot, or two slots when labels alternate sides, but never
    past the figure's edge."""
    if not alternate:
        return single
    to_edge = min(index + 0.5, count - index - 0.5) * single
    return min(2 * single, 2 * to_edge)


class _TextMeasure:
    """Heights in points of texts as the figure's renderer will set them."""

    def __init__(self, fig):
        from matplotlib.backends.backend_agg import RendererAgg

        self.fig = fig
        self.renderer = RendererAgg(1, 1, 72)

    def __call__(self, text: str, size: float, weight: str = "normal") -> float:
        artist = self.fig.text(0, 0, text, fontsize=size, fontweight=weight,
                               linespacing=LINE_SPACING)
        height = artist.get_window_extent(self.renderer).height  # pixels at the figure's dpi
        artist.remove()
        return height * 72 / self.fig.dpi

