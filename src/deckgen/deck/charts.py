"""Native, editable charts drawn from the plan's numbers, styled by the figure kind.

The chart type and the style come from the figure-kind registry (:mod:`deckgen.figures.kinds`):
the kind's chart type for the figure's options (stacked, stacked to 100 %, unmarked),
``chart_style`` one of the styles of :data:`STYLES` here (bars or columns, lines, areas, points,
a pie) and ``horizontal`` whether the first category goes at the top. Each chart's embedded
workbook keeps every label a literal string, and its numbers are written as the PDF's figure
writes them (one :class:`~deckgen.figures.numbers.NumberFormat`). Series keep the source's
order, and their own colours; the legend sits below the plot, never over it; a missing value is
a gap; a label set on a fill takes the text colour that reads on it. The colours are the
theme's, or on a reference template those of its colour scheme
(:class:`~deckgen.deck.look.ChartColours`: accent1–6 for the series, the text's colour for
labels, lines mixed from it and the ground, so axes show on a dark template as on a light one).
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.oxml.ns import qn
from pptx.util import Pt

from ..figures.colours import text_on
from ..figures.kinds import KINDS, POINTS
from ..figures.numbers import NumberFormat, chart_format
from ..figures.options import PERCENT
from ..figures.slices import SHARE, Slices, pie_slices
from ..i18n.catalogue import labels_for
from ..i18n.labels import Labels, english
from ..i18n.scripts import is_rtl
from ..theme import Theme
from .geometry import Box
from .look import ChartColours, theme_chart_colours
from .oxml import clean, set_east_asian_font
from .slides import ChartData


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def add_chart(slide, data: ChartData, box: Box, theme: Theme, units: str, font: str, cjk_font: str,
              colours: ChartColours | None = None, language: str = "en"):
    """A native chart of ``data`` on ``box``, in ``colours`` (default: the theme's; ``font``
    named for Latin text, ``cjk_font`` for East Asian); ``units`` titles the value axis unless
    the figure titles it; ``language`` the brief's (a pie's "Other", a right-to-left layout)."""
    colours = colours or theme_chart_colours(theme)
    kind = KINDS[data.kind]
    labels = labels_for(language)
    slices = None
    if kind.chart_style == "pie":  # the small slices grouped as the PDF's pie groups them
        slices = pie_slices(data.categories, data.series[0][1], data.other or labels["other"])
        data = dataclasses.replace(data, categories=slices.categories,
                                   series=((data.series[0][0], slices.values),))
    chart_data = xy_chart_data(data) if kind.data == POINTS else category_chart_data(data)
    chart_type = getattr(XL_CHART_TYPE, kind.chart_type(data.options))
    frame = slide.shapes.add_chart(chart_type, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h), chart_data)
    chart = frame.chart
    chart.font.size = Pt(16)
    chart.font.name = font
    chart.font.color.rgb = rgb(colours.text)
    set_east_asian_font(chart.font._rPr, cjk_font)
    _blanks_as_gaps(chart)
    ChartStyle(colours, data, units, is_rtl(language), slices, labels).apply(chart)
    return frame


def category_chart_data(data: ChartData) -> CategoryChartData:
    chart_data = TextCellChartData(number_format=number_format(data).excel)
    chart_data.categories = [clean(c) for c in data.categories]
    for name, values in data.series:
        chart_data.add_series(clean(name), values)  # None: a blank cell, no point
    return chart_data


def xy_chart_data(data: ChartData) -> XyChartData:
    """A scatter chart's points: each series' (x, y) pairs, a pair missing either left out."""
    chart_data = TextCellXyChartData(number_format="General")  # the x values
    for name, values in data.series:
        series = chart_data.add_series(clean(name), number_format=number_format(data).excel)
        for x, y in zip(data.x_values, values):
            if x is not None and y is not None:
                series.add_data_point(x, y)
    return chart_data


def _blanks_as_gaps(chart) -> None:
    """A missing value is a gap in the line, area or bars, never a zero."""
    blanks = chart._chartSpace.chart.find(qn("c:dispBlanksAs"))
    if blanks is not None:
        blanks.set("val", "gap")


# ---- chart workbooks: text stays text ---------------------------------------------------------

# XlsxWriter turns a string that starts with "=" into a formula and one that looks like a URL
# (http, ftp, mailto, file, external:) into a hyperlink unless told not to; "Edit data" in
# PowerPoint would then evaluate or follow it. Every text cell is written as a string instead.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


class _TextCells:
    """A python-pptx chart workbook writer's worksheet, with every text cell a literal string:
    never a formula, never a hyperlink, whatever it starts with."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        from xlsxwriter import Workbook

        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        worksheet.add_write_handler(str, _write_literal_string)
        yield workbook, worksheet
        workbook.close()


class TextCellWorkbookWriter(_TextCells, CategoryWorkbookWriter):
    """python-pptx's category chart workbook, text cells literal strings."""


class TextCellXyWorkbookWriter(_TextCells, XyWorkbookWriter):
    """python-pptx's scatter chart workbook, text cells literal strings."""


def _write_literal_string(worksheet, row: int, col: int, text: str, *style):
    """Every ``str`` a worksheet is given, written as a string cell (an empty one as blank)."""
    if text == "":
        return worksheet.write_blank(row, col, None, *style)
    return worksheet.write_string(row, col, text, *style)


class TextCellChartData(CategoryChartData):
    """Category chart data whose embedded workbook keeps every label a literal string."""

    @property
    def _workbook_writer(self):
        return TextCellWorkbookWriter(self)


class TextCellXyChartData(XyChartData):
    """Scatter chart data whose embedded workbook keeps every series name a literal string."""

    @property
    def _workbook_writer(self):
        return TextCellXyWorkbookWriter(self)


class ChartStyle:
    """The deck's look on a native chart: series colours (a series' own, else the deck's),
    data labels, gridlines, axis titles and a legend below the plot when there is more than one
    series; the rest by the kind's ``chart_style`` (see :data:`STYLES`)."""

    def __init__(self, colours: ChartColours, data: ChartData, units: str, rtl: bool = False,
                 slices: Slices | None = None, labels: Labels | None = None):
        self.colours, self.data, self.units, self.rtl = colours, data, units, rtl
        self.slices, self.words = slices, labels or english()
        self.kind = KINDS[data.kind]
        self.palette = list(colours.series)
        self.format = number_format(data)

    def apply(self, chart) -> None:
        chart.has_title = False
        STYLES[self.kind.chart_style](self, chart)

    # ---- the styles ----
    def pie(self, chart) -> None:
        """Slices in the series colours, each labelled outside with its category and share, on
        a leader line; the pie turned so that its small slices (:mod:`deckgen.figures.slices`)
        sit at the side, where their labels stack without touching; the "Other" slice's label
        names the categories it holds."""
        plot = chart.plots[0]
        plot.has_data_labels = True
        for labels in (plot.data_labels, plot.series[0].data_labels):  # the series' own, too
            labels.font.size = Pt(16)
            labels.number_format = "0%"
            labels.number_format_is_linked = False
            labels.show_percentage = True
            labels.show_value = False
            labels.show_category_name = True
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
            _show_leader_lines(labels._element)
        chart.has_legend = False
        slices = self.slices or pie_slices(self.data.categories, self.data.series[0][1], "")
        _first_slice_angle(plot, slice_angle(slices))
        for index, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(self.palette[index % len(self.palette)])
        if slices.grouped:
            self.other_label(plot.series[0].points[len(slices.values) - 1], slices)

    def other_label(self, point, slices: Slices) -> None:
        """The "Other" slice's label: its name and share, then the categories it holds."""
        share = dataclasses.replace(SHARE, language=self.words.language).text(slices.share(-1) * 100)
        frame = point.data_label.text_frame
        frame.text = clean(f"{slices.categories[-1]} {share}")
        frame.paragraphs[0].runs[0].font.size = Pt(16)
        names = frame.add_paragraph()
        names.text = clean(f"({self.words.joined(slices.grouped)})")
        names.runs[0].font.size = Pt(12)
        point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END

    def bars(self, chart) -> None:
        """Filled bars or columns, values at their ends (stacked: on their segments, in the text
        colour that reads on the fill), the value axis from 0 when no value is negative."""
        plot = chart.plots[0]
        plot.gap_width = 60
        stacked = bool(self.data.options.stacked)
        if stacked:
            plot.overlap = 100
        elif len(self.data.series) > 1:
            plot.overlap = 0
        for index, series in enumerate(plot.series):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb(self.colour(index))
        if stacked:
            self.segment_labels(chart)
        else:
            self.labels(chart, XL_LABEL_POSITION.OUTSIDE_END)
        self.axes(chart, from_zero=True)
        self.legend(chart)

    def line(self, chart) -> None:
        """Thick unsmoothed lines (with markers unless the figure leaves them out), values
        above the points."""
        for index, series in enumerate(chart.plots[0].series):
            colour = rgb(self.colour(index))
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(3)
            series.smooth = False
            if self.data.options.markers:
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.marker.format.line.color.rgb = colour
        self.labels(chart, XL_LABEL_POSITION.ABOVE)
        self.axes(chart, from_zero=False)
        self.legend(chart)

    def area(self, chart) -> None:
        """Filled areas in the series colours (translucent when they overlap, so none hides
        another), no value labels (the notes read the values)."""
        for index, series in enumerate(chart.plots[0].series):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb(self.colour(index))
            if not self.data.options.stacked:
                colour = series.format.fill.fore_color._color._xClr
                colour.append(colour.makeelement(qn("a:alpha"), {"val": "55000"}))
        self.axes(chart, from_zero=True)
        self.legend(chart)

    def scatter(self, chart) -> None:
        """Markers only, in the series colours, each point labelled with its label (when the
        figure gives labels and there are few enough to read)."""
        labelled = bool(self.data.categories) and len(self.data.x_values) <= 16
        for index, series in enumerate(chart.plots[0].series):
            colour = rgb(self.colour(index))
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.marker.format.line.color.rgb = colour
            series.marker.size = 10
            if labelled:
                self.point_labels(series, self.data.series[index][1])
        self.axes(chart, from_zero=False)
        self.legend(chart)

    # ---- the parts ----
    def colour(self, index: int) -> str:
        own = self.data.colours[index] if index < len(self.data.colours) else ""
        return own or self.palette[index % len(self.palette)]

    def labels(self, chart, position) -> None:
        """Values on the bars, columns or points, unless there are too many to read."""
        points = len(self.data.categories) * len(self.data.series)
        if points > 16:
            return
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size = Pt(14 if points > 8 else 16)
        labels.number_format = self.format.excel
        labels.number_format_is_linked = False
        labels.position = position

    def segment_labels(self, chart) -> None:
        """Each stacked segment's value at its centre, in the text or background colour,
        whichever reads better on the series' fill; none when there are too many to read."""
        if len(self.data.categories) * len(self.data.series) > 24:
            return
        dark, light = self.colours.text, self.colours.ground
        for index, series in enumerate(chart.plots[0].series):
            labels = series.data_labels
            labels.show_value = True
            labels.font.size = Pt(14)
            labels.font.color.rgb = rgb(text_on(self.colour(index), dark, light))
            labels.number_format = self.format.excel
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.CENTER

    def point_labels(self, series, values) -> None:
        """A scatter series' points labelled with their labels (the points drawn: those with
        both values)."""
        drawn = [(label, x) for label, x, y in zip(self.data.categories, self.data.x_values, values)
                 if x is not None and y is not None]
        middle = _middle(self.data.x_values)
        for point, (label, x) in zip(series.points, drawn):
            frame = point.data_label.text_frame
            frame.text = clean(label)
            frame.paragraphs[0].runs[0].font.size = Pt(14)
            # beside the point, towards the middle: a label never runs off the chart's edge
            point.data_label.position = XL_LABEL_POSITION.LEFT if x > middle else XL_LABEL_POSITION.RIGHT

    def axes(self, chart, from_zero: bool) -> None:
        value_axis = chart.value_axis
        values = [v for _, series in self.data.series for v in series if v is not None]
        share = self.data.options.stacked == PERCENT
        if from_zero and values and min(values) >= 0:
            value_axis.minimum_scale = 0
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = rgb(self.colours.gridlines)
        value_axis.format.line.fill.background()
        for axis in (value_axis, chart.category_axis):
            axis.tick_labels.font.color.rgb = rgb(self.colours.text)
        if self.colours.axes:
            chart.category_axis.format.line.color.rgb = rgb(self.colours.axes)
        value_axis.tick_labels.font.size = Pt(14)
        value_axis.tick_labels.number_format = "0%" if share else self.format.excel
        value_axis.tick_labels.number_format_is_linked = False
        category_axis = chart.category_axis
        category_axis.tick_labels.font.size = Pt(16 if len(self.data.categories) <= 8 else 14)
        if self.kind.data == POINTS:  # the x axis: its own numbers, not the values' format
            category_axis.tick_labels.font.size = Pt(14)
            category_axis.tick_labels.number_format = "General"
            category_axis.tick_labels.number_format_is_linked = False
        elif values and min(values) < 0:  # category labels below the plot, clear of negative bars
            category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        if self.kind.horizontal:  # first category at the top, as in the brief
            category_axis.reverse_order = True
            _value_axis_crosses_max(chart)
        if self.rtl and self.kind.data != POINTS:
            self.mirror(chart)
        options = self.data.options
        across, up = options.x_title, options.y_title or ("" if self.kind.horizontal else self.units)
        if self.kind.horizontal:
            across = across or self.units
        value_title, category_title = (across, up) if self.kind.horizontal else (up, across)
        _axis_title(value_axis, value_title)
        _axis_title(category_axis, category_title)

    def mirror(self, chart) -> None:
        """Right to left, as PowerPoint lays a chart out for a right-to-left language: the
        first category at the right (at the top, for bars growing leftwards), the value axis on
        the right (an axis crossing at its first category: ``autoZero``, now the right end)."""
        if self.kind.horizontal:
            chart.value_axis.reverse_order = True
        else:
            chart.category_axis.reverse_order = True

    def legend(self, chart) -> None:
        """Outside the plot, not over it, the series in the source's order: below it, or on
        its left right to left."""
        chart.has_legend = len(self.data.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.LEFT if self.rtl else XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(14)


STYLES = {"bars": ChartStyle.bars, "line": ChartStyle.line, "pie": ChartStyle.pie,
          "area": ChartStyle.area, "scatter": ChartStyle.scatter}


def _middle(values) -> float:
    present = [v for v in values if v is not None]
    return (min(present) + max(present)) / 2 if present else 0.0


def slice_angle(slices: Slices) -> int:
    """Where the pie's first slice starts, in degrees clockwise from the top, so that the middle
    of its longest run of small slices sits at the right: their outside labels stack there, one
    under another, instead of side by side."""
    runs, run = [], []
    for index in range(len(slices.values)):
        if slices.small(index):
            run.append(index)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    if not runs or not slices.total:
        return 0
    longest = max(runs, key=len)
    before = sum(slices.values[:longest[0]])
    middle = (before + sum(slices.values[i] for i in longest) / 2) / slices.total * 360
    return round(90 - middle) % 360


def _first_slice_angle(plot, angle: int) -> None:
    element = plot._element.find(qn("c:firstSliceAng"))
    if element is None:
        element = plot._element.makeelement(qn("c:firstSliceAng"), {})
        plot._element.insert_element_before(element, "c:extLst")
    element.set("val", str(angle))


def _show_leader_lines(dlbls) -> None:
    """A label moved off its slice keeps a line to it."""
    shown = dlbls.find(qn("c:showLeaderLines"))
    if shown is None:
        shown = dlbls.makeelement(qn("c:showLeaderLines"), {})
        dlbls.insert_element_before(shown, "c:leaderLines", "c:extLst")
    shown.set("val", "1")


def _axis_title(axis, text: str) -> None:
    if text:
        axis.has_title = True
        axis.axis_title.text_frame.text = clean(text)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)


def _value_axis_crosses_max(chart) -> None:
    """With categories reversed, keep the value axis at the bottom: it crosses the category
    axis at its last category (each axis's ``c:crosses`` says where it crosses the other)."""
    crosses = chart.value_axis._element.find(qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")


def number_format(data: ChartData) -> NumberFormat:
    """The chart's values' format, as the PDF's figure writes them (:mod:`deckgen.figures.numbers`)."""
    return chart_format(data.options.number_format, (v for _, values in data.series for v in values))
