"""Every kind of figure, declared once.

A figure kind says what data it takes (categories and series, points with x and y values,
dated events, none: a picture file of the source, or the rows of a CSV shown as a numbered
table), how it is drawn (the function of :mod:`deckgen.figures.drawing` that draws it),
whether the deck shows it as a native, editable PowerPoint chart (the python-pptx chart type,
the types its stacked and unmarked variants take, and the style of :mod:`deckgen.deck.charts`
it wears) or as a picture, which of its values carry a label of their own, and what it demands
of its data. The schema, the loader, the
drawing, the deck's planner and writer and the figure cache all read this table; adding a kind is
adding an entry here and its drawing function.

This module imports nothing heavy: the CLI's no-op path and the schema read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .options import PERCENT, STACKED, ChartOptions

SERIES = "series"  # categories, and one or more series of one value per category
POINTS = "points"  # x values, one or more series of y values, optional point labels
EVENTS = "events"  # dated events: {year, label}
PICTURE = "picture"  # no data: a picture file (PNG, JPEG or SVG) under source/
TABLE = "table"      # the rows of a CSV file, shown as a numbered table (not drawn: text)

# Which values a kind draws with a label of their own (the dearest part of drawing a figure).
EVERY_VALUE = "every value"
FEW_CATEGORIES = "every value, up to LABELLED_CATEGORIES categories"
NO_VALUE = "none"

LABELLED_CATEGORIES = 40  # a chart labelling few categories' values labels at most this many


@dataclass(frozen=True)
class FigureKind:
    name: str
    description: str           # in messages: "a pie chart"
    data: str                  # SERIES, POINTS, EVENTS or PICTURE
    drawer: str                # the function of deckgen.figures.drawing that draws it ("": not drawn)
    native_chart: str | None   # python-pptx's XL_CHART_TYPE member, or None: a picture in the deck
    chart_style: str = ""      # how the native chart is styled: a key of deckgen.deck.charts.STYLES
    labels: str = NO_VALUE     # which values carry a label of their own
    horizontal: bool = False   # bars run left to right
    one_series: bool = False   # exactly one series, of non-negative values adding up to more than 0
    stacked_charts: tuple[tuple[str, str], ...] = ()  # (stacking, chart type): the kind stacks
    unmarked_chart: str | None = None  # the chart type with ``markers: false``; None: no choice
    axes: bool = False         # drawn on two axes (mirrored for a right-to-left language)

    @property
    def native(self) -> bool:
        return self.native_chart is not None

    @property
    def picture(self) -> bool:
        """The figure is a picture file from the source, not drawn from data."""
        return self.data == PICTURE

    @property
    def table(self) -> bool:
        """The figure is a numbered table ("Table N", ``@tbl:ID``), set as text in both outputs
        (:mod:`deckgen.load.table_figures`), not a drawing."""
        return self.data == TABLE

    @property
    def stackings(self) -> tuple[str, ...]:
        """The ``stacked:`` values this kind takes besides none."""
        return tuple(stacking for stacking, _ in self.stacked_charts)

    def chart_type(self, options: ChartOptions) -> str | None:
        """The python-pptx chart type of this kind drawn with ``options``."""
        if options.stacked:
            return dict(self.stacked_charts)[options.stacked]
        if not options.markers and self.unmarked_chart:
            return self.unmarked_chart
        return self.native_chart

    def labelled_values(self, categories: int, values: int) -> int:
        """How many of ``values`` drawn values carry a label of their own."""
        if self.labels == EVERY_VALUE or (self.labels == FEW_CATEGORIES and categories <= LABELLED_CATEGORIES):
            return values
        return 0


KINDS: dict[str, FigureKind] = {kind.name: kind for kind in (
    FigureKind("bar", "a bar chart", SERIES, "draw_bars", "BAR_CLUSTERED", "bars", FEW_CATEGORIES,
               horizontal=True, stacked_charts=((STACKED, "BAR_STACKED"), (PERCENT, "BAR_STACKED_100")),
               axes=True),
    FigureKind("column", "a column chart", SERIES, "draw_bars", "COLUMN_CLUSTERED", "bars", FEW_CATEGORIES,
               stacked_charts=((STACKED, "COLUMN_STACKED"), (PERCENT, "COLUMN_STACKED_100")), axes=True),
    FigureKind("line", "a line chart", SERIES, "draw_line", "LINE_MARKERS", "line", unmarked_chart="LINE",
               axes=True),
    FigureKind("area", "an area chart", SERIES, "draw_area", "AREA", "area",
               stacked_charts=((STACKED, "AREA_STACKED"), (PERCENT, "AREA_STACKED_100")), axes=True),
    FigureKind("scatter", "a scatter chart", POINTS, "draw_scatter", "XY_SCATTER", "scatter",
               FEW_CATEGORIES, axes=True),
    FigureKind("pie", "a pie chart", SERIES, "draw_pie", "PIE", "pie", EVERY_VALUE, one_series=True),
    FigureKind("timeline", "a timeline", EVENTS, "draw_timeline", None, labels=EVERY_VALUE),
    FigureKind("image", "a picture", PICTURE, "draw_picture", None),
    FigureKind("table", "a table", TABLE, "", None),
)}
