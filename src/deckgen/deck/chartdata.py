"""A native chart's numbers: its chart data and embedded workbook, every label a literal
string (never a formula or a hyperlink, whatever it starts with), its numbers written as the
PDF's figure writes them (one :class:`~deckgen.figures.numbers.NumberFormat`)."""

from __future__ import annotations

from contextlib import contextmanager

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter

from ..figures.numbers import NumberFormat, chart_format
from .oxml import clean
from .slides import ChartData


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


def number_format(data: ChartData) -> NumberFormat:
    """The chart's values' format, as the PDF's figure writes them (:mod:`deckgen.figures.numbers`)."""
    return chart_format(data.options.number_format, (v for _, values in data.series for v in values))
