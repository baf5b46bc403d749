"""Native, editable charts drawn from the plan's numbers, styled by the figure kind.

The chart type and the style come from the figure-kind registry (:mod:`deckgen.figures.kinds`):
``native_chart`` names python-pptx's chart type, ``chart_style`` one of the styles of
:data:`STYLES` here (bars or columns, lines, a pie) and ``horizontal`` whether the first
category goes at the top. Each chart's embedded workbook keeps every label a literal string,
and its numbers are written as the PDF's figure writes them.
"""

from __future__ import annotations

from contextlib import contextmanager

from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.oxml.ns import qn
from pptx.util import Pt

from ..figures.kinds import KINDS
from ..figures.numbers import chart_decimals, excel_number_format
from ..theme import Theme
from .geometry import Box
from .oxml import clean, set_east_asian_font
from .slides import ChartData


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def add_chart(slide, data: ChartData, box: Box, theme: Theme, units: str, font: str, cjk_font: str):
    """A native chart of ``data`` on ``box``, in the theme's look (``font`` named for Latin text,
    ``cjk_font`` for East Asian); ``units`` titles the value axis."""
    chart_data = TextCellChartData(number_format=number_format(data))
    chart_data.categories = [clean(c) for c in data.categories]
    for name, values in data.series:
        chart_data.add_series(clean(name), values)
    chart_type = getattr(XL_CHART_TYPE, KINDS[data.kind].native_chart)
    frame = slide.shapes.add_chart(chart_type, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h), chart_data)
    chart = frame.chart
    chart.font.size = Pt(16)
    chart.font.name = font
    chart.font.color.rgb = rgb(theme.colour("text"))
    set_east_asian_font(chart.font._rPr, cjk_font)
    ChartStyle(theme, data, units).apply(chart)
    return frame


# ---- chart workbooks: text stays text ---------------------------------------------------------

# XlsxWriter turns a string that starts with "=" into a formula and one that looks like a URL
# (http, ftp, mailto, file, external:) into a hyperlink unless told not to; "Edit data" in
# PowerPoint would then evaluate or follow it. Every text cell is written as a string instead.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


class TextCellWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's chart workbook, with every text cell a literal string: never a formula,
    never a hyperlink, whatever it starts with."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        from xlsxwriter import Workbook

        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        worksheet.add_write_handler(str, _write_literal_string)
        yield workbook, worksheet
        workbook.close()


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


class ChartStyle:
    """The theme's look on a native chart: series colours, data labels, gridlines, the value
    axis's title and a legend when there is more than one series; the rest by the kind's
    ``chart_style`` (see :data:`STYLES`)."""

    def __init__(self, theme: Theme, data: ChartData, units: str):
        self.theme, self.data, self.units = theme, data, units
        self.kind = KINDS[data.kind]
        self.colours = [rgb(c) for c in theme.series_colours]

    def apply(self, chart) -> None:
        chart.has_title = False
        STYLES[self.kind.chart_style](self, chart)

    # ---- the styles ----
    def pie(self, chart) -> None:
        """Slices in the series colours, each labelled with its category and share."""
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size = Pt(16)
        labels.number_format = "0%"
        labels.number_format_is_linked = False
        labels.show_percentage = True
        labels.show_value = False
        labels.show_category_name = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        chart.has_legend = False
        for index, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = self.colours[index % len(self.colours)]

    def bars(self, chart) -> None:
        """Filled bars or columns, values at their ends, the value axis from 0 when no value is
        negative."""
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.overlap = 0 if len(self.data.series) > 1 else plot.overlap
        for index, series in enumerate(plot.series):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = self.colour(index)
        self.labels(chart, XL_LABEL_POSITION.OUTSIDE_END)
        self.axes(chart, from_zero=True)
        self.legend(chart)

    def line(self, chart) -> None:
        """Thick unsmoothed lines with markers, values above the points."""
        for index, series in enumerate(chart.plots[0].series):
            colour = self.colour(index)
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(3)
            series.smooth = False
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.marker.format.line.color.rgb = colour
        self.labels(chart, XL_LABEL_POSITION.ABOVE)
        self.axes(chart, from_zero=False)
        self.legend(chart)

    # ---- the parts ----
    def colour(self, index: int) -> RGBColor:
        return self.colours[index % len(self.colours)]

    def labels(self, chart, position) -> None:
        """Values on the bars, columns or points, unless there are too many to read."""
        points = len(self.data.categories) * len(self.data.series)
        if points > 16:
            return
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size = Pt(14 if points > 8 else 16)
        labels.number_format = number_format(self.data)
        labels.number_format_is_linked = False
        labels.position = position

    def axes(self, chart, from_zero: bool) -> None:
        value_axis = chart.value_axis
        values = [v for _, series in self.data.series for v in series]
        if from_zero and values and min(values) >= 0:
            value_axis.minimum_scale = 0
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = rgb(self.theme.colour("light"))
        value_axis.format.line.fill.background()
        value_axis.tick_labels.font.size = Pt(14)
        value_axis.tick_labels.number_format = number_format(self.data)
        value_axis.tick_labels.number_format_is_linked = False
        category_axis = chart.category_axis
        category_axis.tick_labels.font.size = Pt(16 if len(self.data.categories) <= 8 else 14)
        if values and min(values) < 0:  # category labels below the plot, clear of negative bars
            category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        if self.kind.horizontal:  # first category at the top, as in the brief
            category_axis.reverse_order = True
            _value_axis_crosses_max(chart)
        if self.units:
            value_axis.has_title = True
            value_axis.axis_title.text_frame.text = clean(self.units)
            value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)

    def legend(self, chart) -> None:
        chart.has_legend = len(self.data.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(14)


STYLES = {"bars": ChartStyle.bars, "line": ChartStyle.line, "pie": ChartStyle.pie}


def _value_axis_crosses_max(chart) -> None:
    """With categories reversed, keep the value axis at the bottom: it crosses the category
    axis at its last category (each axis's ``c:crosses`` says where it crosses the other)."""
    crosses = chart.value_axis._element.find(qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")


def number_format(data: ChartData) -> str:
    """The chart's values as the PDF's figure writes them (:mod:`deckgen.figures.numbers`)."""
    return excel_number_format(chart_decimals(v for _, values in data.series for v in values))
