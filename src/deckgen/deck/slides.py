"""Every kind of slide, declared once, and the deck plan as data.

A slide kind is a frozen dataclass (its fields are what the writer draws) and an entry of
:data:`SLIDE_KINDS`: its name, the slide layout it uses unless the theme's ``deck.layouts``
names another, its form (a cover, a list of bullets or a figure: what its areas hold, which the
template reader checks), its areas in the default drawing and whether it carries the footer. The
planner (:mod:`deckgen.deck.plan`) makes the slides, the writer (:mod:`deckgen.deck.writer`)
draws each kind with the function its table names, and the theme's check reads the kinds'
names from here. Adding a kind is a dataclass and an entry here, its place in the planner and its
drawer in the writer's table.

This module imports nothing heavy, and not the theme (whose check reads the kinds' names).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from ..figures.options import DEFAULT as DEFAULT_OPTIONS
from ..figures.options import ChartOptions
from .geometry import (
    BULLET_INDENT,
    CONTENT_AREAS,
    COVER_AREAS,
    COVER_FLOOR,
    DIVIDER_AREAS,
    FIGURE_AREAS,
    FOOTER_BOX,
    NUMBER_BOX,
    SLIDE_H,
    SLIDE_W,
    TITLE_FLOOR,
    Areas,
    Box,
    Geometry,
)


@dataclass(frozen=True)
class Bullet:
    """One paragraph of a slide's list. ``number`` is the item's number in a numbered list (0
    when unnumbered); ``continued`` marks the rest of an item split over slides (no marker)."""

    text: str
    number: int = 0
    continued: bool = False


@dataclass(frozen=True)
class ChartData:
    """The numbers a native chart shows: the figure's own categories (a scatter chart's point
    labels) and series (None: no value), a scatter chart's x values; the series' colours ("":
    the theme's) and the figure's chart options."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    x_values: tuple[float | None, ...] = ()
    colours: tuple[str, ...] = ()
    options: ChartOptions = DEFAULT_OPTIONS
    other: str = ""  # a pie's grouped small slices, in the brief's words ("": the catalogue's)


@dataclass(frozen=True)
class TableData:
    """One slide's part of a table, measured: the header row (repeated on every part), the
    rows, their heights (the header's first) and the columns' widths in points, the cell size
    and each column's alignment ("left", "center", "right" or "")."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    heights: tuple[float, ...]
    widths: tuple[float, ...]
    size: float
    aligns: tuple[str, ...] = ()


# ---- the slides: a base, one per form, one per kind (the figure slide is both) ----------------------------------------------

@dataclass(frozen=True)
class Slide:
    """What every slide has: a fitted title, notes, its areas and layout, and (on every slide
    but the covers) the fitted footer and the slide number. What a kind does not show (bullets,
    a caption, a figure) reads as empty, so a plan can be read without asking each slide's kind."""

    kind: ClassVar[str] = ""
    bullets = ()
    caption = ""
    figure_id = ""
    chart = None

    title: str
    notes: str
    areas: Areas
    layout: str = ""
    title_size: float = 32
    section_id: str = ""
    full_title: str = ""
    footer: str = ""
    footer_size: float = 11
    footer_box: Box | None = None   # None on the covers, which carry no footer
    number_box: Box | None = None
    number: int = 0

    def __post_init__(self):
        if not self.layout:
            object.__setattr__(self, "layout", SLIDE_KINDS[self.kind].layout)

    @property
    def native_chart(self) -> bool:
        return self.chart is not None

    @property
    def texts(self) -> tuple[str, ...]:
        """The bullet texts, as shown."""
        return tuple(b.text for b in self.bullets)


@dataclass(frozen=True)
class CoverSlide(Slide):
    """A title over lines of text on the theme's dark ground (or the template's cover), with
    the brief's logo in ``logo_box`` (the plan's :attr:`DeckPlan.logo`) when it has one."""

    subtitle: tuple[str, ...] = ()
    subtitle_size: float = 20
    logo_box: Box | None = None


@dataclass(frozen=True)
class BulletSlide(Slide):
    """A title over a list, its bullets fitted at one size with one hanging indent; when they
    cite works, a small source line under them (``caption``, in ``areas.caption``)."""

    bullets: tuple[Bullet, ...] = ()
    body_size: float = 24
    indent: float = BULLET_INDENT
    numbered: bool = False
    caption: str = ""  # the source line: the short citations of what the bullets cite
    caption_size: float = 14
    reveal: bool = False  # the bullets appear one by one, a click each (deck.reveal: bullets)


@dataclass(frozen=True)
class FigureSlide(Slide):
    """One figure, as a native chart (``chart``) or the figure's picture, with a one-line caption;
    ``label``, ``alt`` and ``units`` are the figure's, for the shape's name, alt text and axis."""

    figure_id: str = ""
    chart: ChartData | None = None
    caption: str = ""
    caption_size: float = 14
    label: str = ""
    alt: str = ""
    units: str = ""
    subtitle: str = ""  # the descriptive title, under an action title (the figure's message)
    subtitle_size: float = 18
    subtitle_box: Box | None = None

    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class TableSlide(Slide):
    """A numbered table (or a part of one, "(cont.)"), a native table at the measured widths
    and heights in the figure area, with a one-line caption ("Table 1. Source: ...")."""

    table: TableData | None = None
    caption: str = ""
    caption_size: float = 14
    label: str = ""
    table_id: str = ""
    alt: str = ""  # the table figure's alt text; "": the label and title
    subtitle: str = ""  # the descriptive caption, under an action title (its first sentence)
    subtitle_size: float = 18
    subtitle_box: Box | None = None

    kind: ClassVar[str] = "table"

    @property
    def texts(self) -> tuple[str, ...]:
        table = self.table
        return (*table.header, *(cell for row in table.rows for cell in row)) if table else ()


@dataclass(frozen=True)
class CalloutSlide(Slide):
    """A callout marked for the deck: a box in the figure area, its heading in bold on one
    fitted line (``heading_box``) over its paragraphs (``body_box``), fitted like bullets."""

    callout_kind: str = ""
    heading: str = ""
    heading_size: float = 24
    paragraphs: tuple[str, ...] = ()
    body_size: float = 24
    heading_box: Box | None = None
    body_box: Box | None = None

    kind: ClassVar[str] = "callout"

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.heading, *self.paragraphs)


@dataclass(frozen=True)
class KeyNumber:
    """One key figure as drawn: its value large and bold over its label, each fitted to its box."""

    value: str
    label: str
    value_box: Box
    label_box: Box


@dataclass(frozen=True)
class KeyFiguresSlide(Slide):
    """Two to four of a section's key figures side by side, the values at one size and the
    labels at another, their sources on the caption line."""

    numbers: tuple[KeyNumber, ...] = ()
    value_size: float = 60
    label_size: float = 20
    caption: str = ""
    caption_size: float = 14

    kind: ClassVar[str] = "key_figures"

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(t for n in self.numbers for t in (n.value, n.label))


@dataclass(frozen=True)
class TwoContentSlide(Slide):
    """A section's key points beside its single figure, both measured to fit: the bullets in
    ``body_box`` (fitted like a points slide's), the chart or picture in ``figure_box``."""

    bullets: tuple[Bullet, ...] = ()
    body_size: float = 24
    indent: float = BULLET_INDENT
    numbered: bool = False
    reveal: bool = False
    body_box: Box | None = None
    figure_box: Box | None = None
    figure_id: str = ""
    chart: ChartData | None = None
    caption: str = ""
    caption_size: float = 14
    label: str = ""
    alt: str = ""
    units: str = ""
    figure_title: str = ""

    kind: ClassVar[str] = "two_content"


@dataclass(frozen=True)
class TitleSlide(CoverSlide):
    kind: ClassVar[str] = "title"


@dataclass(frozen=True)
class AgendaSlide(BulletSlide):
    kind: ClassVar[str] = "agenda"


@dataclass(frozen=True)
class SectionSlide(CoverSlide):
    """A divider: the section's title, "3 / 7" beneath it and a bar of one mark per section,
    the current one and those before it filled (``progress``: current, count)."""

    progress: tuple[int, int] = (0, 0)

    kind: ClassVar[str] = "section"


@dataclass(frozen=True)
class CalloutBox:
    """A callout marked for the deck, drawn as a box under its section's key points when both
    fit one slide: its kind (the bar's colour), its heading and paragraphs fitted to their boxes."""

    kind: str
    heading: str
    heading_size: float
    paragraphs: tuple[str, ...]
    body_size: float
    box: Box
    heading_box: Box
    body_box: Box


@dataclass(frozen=True)
class PointsSlide(BulletSlide):
    callout: CalloutBox | None = None  # a callout of the section, in a box under the key points

    kind: ClassVar[str] = "points"

    @property
    def texts(self) -> tuple[str, ...]:
        shown = tuple(b.text for b in self.bullets)
        return shown + ((self.callout.heading, *self.callout.paragraphs) if self.callout else ())


@dataclass(frozen=True)
class RecommendationsSlide(BulletSlide):
    kind: ClassVar[str] = "recommendations"


@dataclass(frozen=True)
class ReferencesSlide(BulletSlide):
    kind: ClassVar[str] = "references"


@dataclass(frozen=True)
class ClosingSlide(CoverSlide):
    kind: ClassVar[str] = "closing"


# ---- the registry --------------------------------------------------------------------------------

COVER, BULLETS, FIGURE = "cover", "bullets", "figure"  # forms: what a kind's areas hold


@dataclass(frozen=True)
class SlideKind:
    name: str
    slide: type[Slide]
    layout: str                  # the layout's name, unless the theme's deck.layouts says another
    form: str                    # COVER, BULLETS or FIGURE
    areas: Areas                 # in the default drawing
    footer: bool = True          # the footer and slide number (the covers carry none)
    title_floor: float = TITLE_FLOOR  # the least title size, which a template's box must hold
    follows: str = ""            # a kind whose layout this one takes when the theme names only that


SLIDE_KINDS: dict[str, SlideKind] = {kind.name: kind for kind in (
    SlideKind("title", TitleSlide, "Title Slide", COVER, COVER_AREAS, footer=False, title_floor=COVER_FLOOR),
    SlideKind("agenda", AgendaSlide, "Title and Content", BULLETS, CONTENT_AREAS),
    SlideKind("section", SectionSlide, "Section Header", COVER, DIVIDER_AREAS),
    SlideKind("points", PointsSlide, "Title and Content", BULLETS, CONTENT_AREAS),
    SlideKind("figure", FigureSlide, "Title Only", FIGURE, FIGURE_AREAS),
    SlideKind("table", TableSlide, "Title Only", FIGURE, FIGURE_AREAS, follows="figure"),
    SlideKind("callout", CalloutSlide, "Title Only", FIGURE, FIGURE_AREAS, follows="figure"),
    SlideKind("key_figures", KeyFiguresSlide, "Title Only", FIGURE, FIGURE_AREAS, follows="figure"),
    SlideKind("two_content", TwoContentSlide, "Title Only", FIGURE, FIGURE_AREAS, follows="figure"),
    SlideKind("recommendations", RecommendationsSlide, "Title and Content", BULLETS, CONTENT_AREAS),
    SlideKind("references", ReferencesSlide, "Title and Content", BULLETS, CONTENT_AREAS),
    SlideKind("closing", ClosingSlide, "Title Slide", COVER, COVER_AREAS, footer=False, title_floor=COVER_FLOOR),
)}
LAYOUTS: dict[str, str] = {name: kind.layout for name, kind in SLIDE_KINDS.items()}

DEFAULT_GEOMETRY = Geometry(
    width=SLIDE_W, height=SLIDE_H, areas={name: kind.areas for name, kind in SLIDE_KINDS.items()},
    footer=FOOTER_BOX, number=NUMBER_BOX, layouts=LAYOUTS)


def layout_names(theme) -> dict[str, str]:
    """Layout name for each slide kind: the defaults, overridden by the ``deck.layouts`` of
    ``theme`` (a :class:`deckgen.theme.Theme`, not imported: the theme's check imports this); a
    kind the theme does not name takes the layout of the kind it follows, if the theme names that
    (table and callout slides take the figure slides' layout)."""
    given = dict(theme.deck.get("layouts") or {})
    names = {**LAYOUTS, **given}
    for name, kind in SLIDE_KINDS.items():
        if name not in given and kind.follows in given:
            names[name] = given[kind.follows]
    return names


def default_geometry(theme) -> Geometry:
    """The default drawing's boxes, with the layout names the theme asks for."""
    return dataclasses.replace(DEFAULT_GEOMETRY, layouts=layout_names(theme))


# ---- the deck plan -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeckProperties:
    """The deck file's core properties, from the brief's metadata (``date`` stamps the file)."""

    title: str
    subject: str
    author: str
    keywords: str
    language: str
    date: dt.date


@dataclass(frozen=True)
class DeckPlan:
    """Everything the writer draws: the slides and the file's properties."""

    slides: tuple[Slide, ...]
    properties: DeckProperties
    logo: bytes = b""  # the brief's logo (PNG or JPEG), drawn in the covers' logo boxes

    def __iter__(self):
        return iter(self.slides)

    def __len__(self) -> int:
        return len(self.slides)


def plan_as_data(deck: DeckPlan) -> dict:
    """The plan as JSON-ready data: each slide's kind and fields, the properties."""
    properties = dataclasses.asdict(deck.properties)
    properties["date"] = deck.properties.date.isoformat()
    return {"properties": properties,
            "slides": [{"kind": slide.kind, **dataclasses.asdict(slide)} for slide in deck.slides]}
