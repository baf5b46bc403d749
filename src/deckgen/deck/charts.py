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

from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.oxml.ns import qn
from pptx.util import Pt

from ..figures.colours import text_on
from ..figures.kinds import KINDS, POINTS
from ..figures.options import PERCENT
from ..figures.slices import SHARE, Slices, pie_slices
from ..i18n.catalogue import labels_for
from ..i18n.labels import Labels, english
from ..i18n.scripts import complex_font, is_rtl
from ..theme import Theme
from .chartdata import category_chart_data, number_format, xy_chart_data
from .chartxml import (
    RightToLeftPlot,
    axis_title,
    first_slice_angle,
    middle,
    series_listed_last_first,
    show_leader_lines,
    slice_angle,
    title_at_right,
    value_axis_crosses_max,
)
from .geometry import Box
from .look import ChartColours, theme_chart_colours
from .oxml import clean, set_east_asian_font
from .slides import ChartData
from .textfit import Fonts


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
    fonts = Fonts(theme.fonts["deck_metrics"], theme.fonts["deck_cjk"],
                  complex=complex_font(theme.fonts, language))
    ChartStyle(colours, data, units, is_rtl(language), slices, labels, box, fonts).apply(chart)
    return frame


def _blanks_as_gaps(chart) -> None:
    """A missing value is a gap in the line, area or bars, never a zero."""
    blanks = chart._chartSpace.chart.find(qn("c:dispBlanksAs"))
    if blanks is not None:
        blanks.set("val", "gap")


class ChartStyle:
    """The deck's look on a native chart: series colours (a series' own, else the deck's),
    data labels, gridlines, axis titles and a legend below the plot when there is more than one
    series; the rest by the kind's ``chart_style`` (see :data:`STYLES`)."""

    def __init__(self, colours: ChartColours, data: ChartData, units: str, rtl: bool = False,
                 slices: Slices | None = None, labels: Labels | None = None, box: Box | None = None,
                 fonts: Fonts | None = None):
        self.colours, self.data, self.units, self.rtl = colours, data, units, rtl
        self.box, self.fonts = box or Box(0, 0, 720, 405), fonts or Fonts("Carlito", "Noto Sans CJK JP")
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
            show_leader_lines(labels._element)
        chart.has_legend = False
        slices = self.slices or pie_slices(self.data.categories, self.data.series[0][1], "")
        first_slice_angle(plot, slice_angle(slices))
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
            if self.kind.horizontal:  # LibreOffice's legend in the source's order too
                series_listed_last_first(plot)
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
        centre = middle(self.data.x_values)
        for point, (label, x) in zip(series.points, drawn):
            frame = point.data_label.text_frame
            frame.text = clean(label)
            frame.paragraphs[0].runs[0].font.size = Pt(14)
            # beside the point, towards the middle (at the left of a right-to-left chart's
            # high x values): a label never runs off the chart's edge
            towards_left = (x > centre) != self.rtl
            point.data_label.position = XL_LABEL_POSITION.LEFT if towards_left else XL_LABEL_POSITION.RIGHT

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
            value_axis_crosses_max(chart)
        if self.rtl:
            self.mirror(chart)
        options = self.data.options
        across, up = options.x_title, options.y_title or ("" if self.kind.horizontal else self.units)
        if self.kind.horizontal:
            across = across or self.units
        value_title, category_title = (across, up) if self.kind.horizontal else (up, across)
        axis_title(value_axis, value_title)
        axis_title(category_axis, category_title)
        if self.rtl and up:  # the vertical axis is at the right: its title beside it
            self.title_at_right(chart, up, across)

    def mirror(self, chart) -> None:
        """Right to left, as PowerPoint lays a chart out for a right-to-left language: the
        first category at the right (at the top, for bars growing leftwards), the value axis on
        the right (an axis crossing at its first category: ``autoZero``, now the right end); a
        scatter chart's x values growing leftwards, its y axis at the right (crossing the x
        axis at ``autoZero``: its zero, or its lowest value, now at the right)."""
        if self.kind.horizontal:
            chart.value_axis.reverse_order = True
        else:
            chart.category_axis.reverse_order = True

    def title_at_right(self, chart, up: str, across: str) -> None:
        """A right-to-left chart's vertical axis title (``up``) beside the axis, at the right."""
        data, horizontal = self.data, self.kind.horizontal
        values = [v for _, series in data.series for v in series if v is not None] or [0.0]
        if data.options.stacked == PERCENT:
            numbers = ("100%",)
        else:  # the axis's ends, rounded up past the values
            numbers = tuple(self.format.text(v * 1.25) for v in (min(values), max(values)))
        xs = tuple(str(x) for x in data.x_values if x is not None)
        categories = xs if self.kind.data == POINTS else data.categories
        legend = tuple(name for name, _ in data.series) if len(data.series) > 1 else ()
        around = RightToLeftPlot(legend, categories if horizontal else numbers, up,
                                 numbers if horizontal else categories, across,
                                 tuple(self.format.text(v) for v in (min(values), max(values))),
                                 1.0 if horizontal else 0.5)
        vertical = chart.category_axis if horizontal else chart.value_axis
        title_at_right(chart, vertical, around, self.box.w, self.box.h, self.fonts)

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
