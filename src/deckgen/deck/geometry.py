"""Where slide text goes and how large it is set: boxes, each slide form's areas, the slide's
geometry (the default 16:9 drawing, or one read from a reference template by
:mod:`deckgen.deck.template`) and the deck's type sizes.

This module imports nothing heavy: the theme's check reads the slide kinds, which name areas.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

SLIDE_W, SLIDE_H = 960.0, 540.0   # points: 13.333 in x 7.5 in (16:9)
INSET = 7.2                       # default text frame margin on every side
BULLET_INDENT = 24.0              # the least hanging indent of a bullet, in points
SPACE_AFTER = 0.45                # gap between bullets, as a multiple of the font size
SLACK = 0.94                      # measure lines this much narrower than the box, for rounding
LINE_SPACING = 1.0                # the deck's line spacing (a multiple of single spacing)

# ---- type sizes, in points -----------------------------------------------------------------------

TITLE_FLOOR = 24.0    # titles shrink to this, then are shortened
COVER_TITLE = 40.0
COVER_FLOOR = 28.0
SECTION_TITLE = 40.0
SUBTITLE_SIZES = (20.0, 18.0, 16.0, 14.0)
CAPTION_SIZES = (14.0, 13.0, 12.0)
FOOTER_SIZES = (11.0, 10.0, 9.0)
REFERENCE_SIZE = 20.0


@dataclass(frozen=True)
class Box:
    """A text or picture box in points, with the text frame's inner margins (l, t, r, b)."""

    x: float
    y: float
    w: float
    h: float
    insets: tuple[float, float, float, float] = (INSET, INSET, INSET, INSET)

    @property
    def inner_w(self) -> float:
        return self.w - self.insets[0] - self.insets[2]

    @property
    def inner_h(self) -> float:
        return self.h - self.insets[1] - self.insets[3]

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def mirrored(self, width: float) -> Box:
        """The box where a right-to-left slide ``width`` points wide has it: ``x`` measured from
        the other edge (x' = width - x - w), its left and right margins swapped."""
        left, top, right, bottom = self.insets
        return Box(width - self.x - self.w, self.y, self.w, self.h, (right, top, left, bottom))


@dataclass(frozen=True)
class Areas:
    """Where one kind of slide puts its title, its body (bullets, subtitle lines), its figure
    and the figure's caption."""

    title: Box
    body: Box | None = None
    figure: Box | None = None
    caption: Box | None = None


@dataclass(frozen=True)
class Geometry:
    """The slide size, each slide kind's areas, the footer boxes and the layout names."""

    width: float
    height: float
    areas: dict[str, Areas]
    footer: Box
    number: Box
    layouts: dict[str, str]
    template: str = ""  # the reference template these boxes were read from; "" for the default
    font: str = ""  # the template's body font, when deckgen can measure it; "" for the theme's
    font_metrics: str = ""  # the installed font measured in its place (its metric twin)
    missing: dict[str, str] = field(default_factory=dict)  # kind: a layout name the template lacks
    # what deckgen changed of the template to draw on it (Problems located at the template file):
    # placeholders cut at the slide's edge or given their real size, text colours made readable
    warnings: tuple = ()
    # a template's own artwork (its layouts' and masters' shapes that are not placeholders), by
    # slide kind ("" for the footer's layout): (the layout's name, ((shape name, Box), ...))
    artwork: dict[str, tuple] = field(default_factory=dict)
    rtl: bool = False  # laid out right to left already (see deckgen.deck.mirror)

    def mirrored(self) -> Geometry:
        """The drawing as a right-to-left language lays a slide out: the footer at the right,
        the slide number at the left, each area mirrored about the slide's middle."""
        return replace(self, areas={kind: mirrored_areas(a, self.width) for kind, a in self.areas.items()},
                       footer=self.footer.mirrored(self.width),
                       number=self.number.mirrored(self.width), rtl=True)


def mirrored_areas(areas: Areas, width: float) -> Areas:
    return Areas(*(box and box.mirrored(width) for box in (areas.title, areas.body, areas.figure,
                                                          areas.caption)))


# ---- the default drawing's areas, one per slide form -------------------------------------------

_THIN = (INSET, 3.6, INSET, 3.6)
_CONTENT_TITLE = Box(43, 28, 874, 82, _THIN)
COVER_AREAS = Areas(title=Box(43, 110, 874, 180, _THIN), body=Box(43, 318, 874, 160))
DIVIDER_AREAS = Areas(title=Box(43, 150, 874, 170, _THIN), body=Box(43, 334, 874, 60))
CONTENT_AREAS = Areas(title=_CONTENT_TITLE, body=Box(43, 122, 874, 372))
FIGURE_AREAS = Areas(title=_CONTENT_TITLE, figure=Box(43, 122, 874, 336), caption=Box(43, 462, 874, 36))
FOOTER_BOX = Box(43, 504, 700, 26, _THIN)
NUMBER_BOX = Box(767, 504, 150, 26, _THIN)
