"""Figure data from CSV files: the rows of a file under ``source/``, and the categories and
series a figure names in them.

A blank cell is a missing value (a gap in the chart), not an error. A CSV is read through the sandbox like every source file; its blank rows are skipped, its rows
bounded (each is a category of the chart). A number may use commas only as thousands
separators in groups of three (``1,5`` is an error, not fifteen), and must be finite and at
most :data:`~deckgen.load.schema.MAX_ABS_VALUE` in size; each bad cell is an error at its line
and column.
"""

from __future__ import annotations

import csv
import io
import math
import re

from .. import model as m
from ..errors import Collector, Loc, did_you_mean
from .files import SourceFiles
from .schema import MAX_ABS_VALUE, MAX_CATEGORIES, MAX_LABEL_CHARS
from .yamlsrc import YamlDoc

MAX_CSV_ROWS = MAX_CATEGORIES     # data rows; each row is a category of the chart


def csv_table(files: SourceFiles, name: str, doc: YamlDoc):
    """(file, rows) of the non-blank rows of a CSV under source/, each row with its line."""
    loc = doc.loc(("data", "csv"))
    path = files.source_path(name, loc, "data.csv")
    text = files.read_text(path, loc, written=name, field="data.csv") if path is not None else None
    if text is None:
        return None
    file = files.rel(path)
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) > MAX_CSV_ROWS:
                files.problems.error(Loc(file, reader.line_num, 1), "too many rows for a figure",
                                     expected=f"at most {MAX_CSV_ROWS:,} data rows")
                return None
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        files.problems.error(Loc(file, max(reader.line_num, 1), 1), f"invalid CSV: {exc}")
        return None
    if len(rows) < 2:
        files.problems.error(Loc(file, 1, 1), "CSV needs a header row and data rows")
        return None
    return file, rows

def csv_series(table, data, doc: YamlDoc, problems: Collector, labels_optional: bool = False):
    """The categories and series ``data`` names, read from ``table`` (see :func:`csv_table`);
    each missing column and each cell that is not a number is an error at its place, a blank
    cell a missing value (None). ``labels_optional``: the category column may be left out (a
    scatter chart's point labels), giving no categories."""
    file, rows = table
    header = [h.strip() for h in rows[0][1]]
    wanted = [(("series", i, "column"), s.column) for i, s in enumerate(data.series)]
    if data.category or not labels_optional:
        wanted.insert(0, (("category",), data.category))
    if not _columns_present(wanted, header, file, doc, problems) or not data.series:
        if not data.series:
            problems.error(doc.loc(("data",)), "no series given", "data.series")
        return (), []
    categories: tuple[str, ...] = ()
    if data.category:
        cat_index = header.index(data.category)
        categories = tuple(_cell(row, cat_index) for _, row in rows[1:])
        for line, label in zip((line for line, _ in rows[1:]), categories):
            if len(label) > MAX_LABEL_CHARS:
                problems.error(Loc(file, line, cat_index + 1), "category label is too long "
                               f"({len(label):,} characters)", data.category,
                               f"at most {MAX_LABEL_CHARS}")
    series = [m.Series(spec.name or spec.column,
                       csv_column(table, header.index(spec.column), spec.column, problems),
                       spec.colour) for spec in data.series]
    return categories, series


def csv_x(table, column: str, doc: YamlDoc, problems: Collector) -> tuple[float | None, ...] | None:
    """The values of a scatter chart's x column; None when the column is not in ``table``."""
    header = [h.strip() for h in table[1][0][1]]
    if not _columns_present([(("x",), column)], header, table[0], doc, problems):
        return None
    return csv_column(table, header.index(column), column, problems)


def csv_column(table, col: int, name: str, problems: Collector) -> tuple[float | None, ...]:
    """The numbers of column ``col`` (``name``), a blank cell None; a cell that is not a
    number is an error at its line and column."""
    file, rows = table
    values: list[float | None] = []
    for line, row in rows[1:]:
        cell = _cell(row, col)
        value = _number(cell) if cell else None
        if isinstance(value, str):
            problems.error(Loc(file, line, col + 1), value, name,
                           f"a number such as 2.4, at most {MAX_ABS_VALUE:.0e} in size, "
                           "or a blank cell for no value")
        else:
            values.append(value)
    return tuple(values)


def _columns_present(wanted, header: list[str], file: str, doc: YamlDoc, problems: Collector) -> bool:
    """Whether every (key, column) of ``wanted`` is in ``header``; each that is not, an error
    at its key."""
    present = True
    for key, column in wanted:
        if column not in header:
            present = False
            hint = _delimiter_hint(header) or did_you_mean(column, header)
            shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
            problems.error(doc.loc(("data", *key)), f"column '{column}' is not in {file}",
                           "data." + ".".join(map(str, key)), hint or "one of: " + shown)
    return present


OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _delimiter_hint(header: list[str]) -> str:
    """What to do when the header is one cell holding another delimiter: a CSV saved with
    semicolons (as spreadsheets do where the comma is the decimal mark) or tabs."""
    if len(header) != 1:
        return ""
    for delimiter, name in OTHER_DELIMITERS.items():
        if delimiter in header[0]:
            return (f"the file separates its values with {name}; deckgen reads commas: save it as "
                    "CSV (comma delimited), with '.' as the decimal mark")
    return ""


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def _number(cell: str) -> float | str:
    """The number in a CSV cell (``1,234.5`` allowed), or what is wrong with the cell.

    A comma is read only as a thousands separator in groups of three: ``1,5`` is an error,
    not fifteen (nor one and a half)."""
    if "," in cell:
        if not _THOUSANDS.match(cell):
            return f"'{cell[:40]}' is not a number (a comma only separates thousands)"
        cell = cell.replace(",", "")
    try:
        value = float(cell)
    except ValueError:
        return f"'{cell[:40]}' is not a number"
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        return f"'{cell[:40]}' is not a usable number (infinite, not a number, or too large)"
    return value
