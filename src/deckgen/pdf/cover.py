"""The cover's title set at a size that leaves room for everything below it.

The cover (``brief.css``) is one page: the band at the top, then the kicker, the title and the
subtitle, and at the foot the people, the organisation and the date. A long title or subtitle,
or many authors, would run the title block into the foot. The title and subtitle are wrapped
with the theme's fonts (:mod:`deckgen.deck.textfit`) at the cover's measure, the foot's lines are
counted, and the space above the title, then the title's size, give way until the page holds it
all: :func:`cover_css` says what changed, nothing when the stylesheet's own values fit.
"""

from __future__ import annotations

from .. import model as m
from ..theme import Theme
from .headers import sans_fonts

MM = 72 / 25.4
PAGE_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
SIDE_MM = 22.0          # the cover's side margins
BAND_MM = 58.0          # the band: its padding and height
TOP_MM = (55.0, 40.0, 25.0, 12.0)   # space above the kicker, the stylesheet's first
TITLE_PT = (28.0, 24.0, 21.0, 18.0)  # the title's sizes, the stylesheet's first
KICKER_MM = 10.0 + 6.0  # the kicker's line and the space under it
TITLE_GAP_MM = 8.0
SUBTITLE_PT, SUBTITLE_LEADING = 14.0, 1.35
META_LINE_MM = 10.0 * 1.2 / MM + 1.0  # a line of the foot: 10 pt, then 1 mm
META_MM = 25.0 + 4.0 + 1.2 / MM  # the foot's distance from the page's bottom, its rule and padding
ROOM_MM = 8.0           # kept clear between the title block and the foot
SAFETY = 0.97


def cover_css(brief: m.Brief, theme: Theme, paper: str) -> str:
    """CSS for the cover's top space and title size, when the stylesheet's would not fit."""
    top, size = cover_layout(brief, theme, paper)
    if (top, size) == (TOP_MM[0], TITLE_PT[0]):
        return ""
    return (f".cover-title {{ padding-top: {top:g}mm; }}\n"
            f".cover h1 {{ font-size: {size:g}pt; }}\n")


def cover_layout(brief: m.Brief, theme: Theme, paper: str) -> tuple[float, float]:
    """(space above the kicker in mm, title size in pt): the first pair that fits, else the
    smallest."""
    from ..deck.textfit import wrap

    width_mm, height_mm = PAGE_MM.get(paper, PAGE_MM["a4"])
    measure = (width_mm - 2 * SIDE_MM) * MM * SAFETY
    fonts = sans_fonts(theme)
    meta = brief.meta
    subtitle_mm = (len(wrap(meta.subtitle, fonts, SUBTITLE_PT, measure)) * SUBTITLE_PT
                   * SUBTITLE_LEADING / MM) if meta.subtitle else 0.0
    room = height_mm - BAND_MM - META_MM - _meta_lines(meta, fonts, measure) * META_LINE_MM - ROOM_MM
    for size in TITLE_PT:
        title_mm = len(wrap(meta.title, fonts, size, measure, bold=True)) * size * 1.2 / MM
        block = KICKER_MM + title_mm + TITLE_GAP_MM + subtitle_mm
        for top in TOP_MM:
            if top + block <= room:
                return top, size
    return TOP_MM[-1], TITLE_PT[-1]


def _meta_lines(meta: m.Meta, fonts, measure: float) -> int:
    """The foot's lines, wrapped as set: each author's line (four or fewer; more share one
    paragraph), the organisation, the date."""
    from ..deck.textfit import wrap

    people = [" ".join(x for x in (a.name, a.role, a.affiliation, a.email,
                                   a.orcid and f"ORCID {a.orcid}") if x) for a in meta.authors]
    paragraphs = people if len(people) <= 4 else ["; ".join(people)]
    paragraphs += [meta.organisation] if meta.organisation else []
    return sum(len(wrap(text, fonts, 10.0, measure)) for text in paragraphs) + 1  # and the date
