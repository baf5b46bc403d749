"""A ``kind: table`` figure: the rows of a CSV file shown as a numbered table, "Table N", as a
Markdown table captioned ``Table: ... {#tbl:ID}`` is.

The figure file names its CSV (``data: data/x.csv``, read by :func:`deckgen.load.tables.csv_table`
as the charts' data is) and may choose, order and rename the columns shown (``columns:``, each a
CSV column or ``{column, name, format}``). A column with a number ``format:`` has its cells read
as the charts' numbers are and written by the one number formatter
(:mod:`deckgen.figures.numbers`) in the brief's language; a column whose every cell is a number
is aligned right. The table becomes a :class:`~deckgen.model.Table` where the figure is placed
(``![](fig:ID)``), captioned with the figure's title and caption, with its source line, and every
numbered table of the brief is then numbered in the order it is placed (:func:`placed`). A
translation's ``labels:`` translates the column headings and the text cells.

A column the CSV does not have, a blank heading shown, a row with more cells than the header
and a cell under a number format that is not a number are errors at their place.
"""

from __future__ import annotations

import dataclasses

from .. import model as m
from ..errors import Loc, did_you_mean
from ..figures.numbers import FORMATS, MAX_FIXED_DECIMALS, parse_format
from .files import SourceFiles, shown
from .markdown_limits import MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS
from .schema import DataIn, FigureIn, TableColumnIn
from .tables import _number, csv_table
from .yamlsrc import YamlDoc

CHART_KEYS = ("units", "stacked", "format", "x_title", "y_title", "markers", "message")
PICTURE_KEYS = ("file", "licence", "width")
DATA_KEYS = ("category", "categories", "series", "events", "x")


@dataclasses.dataclass(frozen=True)
class _Column:
    index: int        # in the CSV
    name: str         # the CSV's heading
    heading: str      # the heading shown
    format: str       # a number format, "" for the cells as written
    loc: Loc          # where the figure file names it (its header cell when not named)


class TableBudget:
    """The cells all table figures together hold, bounded as the Markdown tables' are."""

    def __init__(self):
        self.cells = 0

    def spend(self, cells: int) -> bool:
        self.cells += cells
        return self.cells <= MAX_TABLE_CELLS


def table_figure(files: SourceFiles, figure_id: str, spec: FigureIn, doc: YamlDoc,
                 budget: TableBudget) -> m.Table | None:
    """The numbered table (its number set by :func:`placed`) a ``kind: table`` figure shows;
    None (and errors at their places) when unusable."""
    problems = files.problems
    if not _only_table_keys(files, spec, doc):
        return None
    if not spec.data.csv:
        problems.error(doc.loc(("data",)) if "data" in spec.model_fields_set else doc.loc(),
                       "a table needs its CSV file", "data", "data: data/NAME.csv, a file under source/")
        return None
    table = csv_table(files, spec.data.csv, doc)
    if table is None:
        return None
    file, rows = table
    header_line, header = rows[0][0], [h.strip() for h in rows[0][1]]
    columns = _columns(files, spec, doc, file, header_line, header)
    if columns is None or not _rows_fit(files, file, rows, len(header)):
        return None
    body = rows[1:]
    if len(body) > MAX_TABLE_ROWS:
        problems.error(Loc(file, body[MAX_TABLE_ROWS][0], 1), f"table is too large ({len(body):,} "
                       "rows)", "data", f"at most {MAX_TABLE_ROWS} rows; put large data in a chart")
        return None
    if not budget.spend(len(columns) * len(rows)):
        problems.error(doc.loc(("data",)), "the tables together have too many cells: the limit "
                       f"is passed in figure '{figure_id}'", "data",
                       f"at most {MAX_TABLE_CELLS:,} table cells in all tables")
        return None
    labels, labels_doc = getattr(files, "figure_labels", {}).get(figure_id, ({}, None))
    used: set[str] = set()

    def label(text: str) -> str:
        if text in labels:
            used.add(text)
        return labels.get(text, text)

    cells = [_column_cells(files, file, body, column) for column in columns]
    if any(c is None for c in cells):
        return None
    aligns = tuple("right" if column.format or _all_numbers(texts) else "" for column, texts
                   in zip(columns, cells))
    shown_rows = tuple(tuple((m.Text(label(texts[r]) if not aligns[i] else texts[r]),)
                             if texts[r] else () for i, texts in enumerate(cells))
                       for r in range(len(body)))
    header_cells = tuple((m.Text(label(column.heading)),) for column in columns)
    for key in labels:
        if key not in used and labels_doc is not None:
            problems.warn(labels_doc.loc(("labels", key)), f"label '{key}' is not one of the "
                          "table's", "labels", "a column heading or a text cell of the original")
    caption = (m.Text(m.sentence(spec.title)),) + ((m.Text(" " + m.sentence(spec.caption)),)
                                                    if spec.caption else ())
    return m.Table(header_cells, shown_rows, aligns, doc.loc(), number=1, caption=caption,
                   id=figure_id, source=spec.source, alt=spec.alt)


def _only_table_keys(files: SourceFiles, spec: FigureIn, doc: YamlDoc) -> bool:
    """A table takes no chart options and no picture (warnings), and of ``data`` only its CSV."""
    valid = True
    for key in (k for k in CHART_KEYS if k in spec.model_fields_set):
        files.problems.warn(doc.loc((key,)), f"a table has no {key.replace('_', ' ')}; it changes "
                            "nothing", key, "format: under columns: for a column's numbers"
                            if key == "format" else "only in a chart")
    for key in (k for k in PICTURE_KEYS if getattr(spec, k) != ""):
        files.problems.error(doc.loc((key,)), f"a table takes no {key}", key, "kind: image for a picture")
        valid = False
    for key in (k for k in DATA_KEYS if getattr(spec.data, k) != getattr(DataIn(), k)):
        files.problems.error(doc.loc(("data", key)), f"a table takes no data.{key}", f"data.{key}",
                             "data: data/NAME.csv, and columns: to choose the columns shown")
        valid = False
    return valid


def _columns(files: SourceFiles, spec: FigureIn, doc: YamlDoc, file: str, line: int,
             header: list[str]) -> list[_Column] | None:
    """The columns shown, in order: those ``columns:`` names, else every column of the CSV."""
    problems = files.problems
    before = len(problems.errors)
    if not spec.columns:
        if len(header) > MAX_TABLE_COLUMNS:
            problems.error(Loc(file, line, 1), f"table is too large ({len(header)} columns)",
                           "data", f"at most {MAX_TABLE_COLUMNS} columns; choose some with columns:")
            return None
        for index, heading in enumerate(header):
            if not heading:
                problems.error(Loc(file, line, _col(files, file, line, index)), f"column {index + 1} "
                               "has no heading", "data", "a heading in the CSV's first row, or "
                               "columns: naming the columns shown")
            elif heading in header[:index]:
                problems.error(Loc(file, line, _col(files, file, line, index)), f"heading "
                               f"'{shown(heading, 40)}' is used twice", "data", "a heading of its own")
        columns = [_Column(i, h, h, "", Loc(file, line, _col(files, file, line, i))) for i, h in enumerate(header)]
        return columns if len(problems.errors) == before else None
    columns = []
    for index, item in enumerate(spec.columns):
        item = TableColumnIn(column=item) if isinstance(item, str) else item
        key = ("columns", index) if isinstance(spec.columns[index], str) else ("columns", index, "column")
        where = doc.loc(key)
        name = item.column.strip()
        if name not in header:
            problems.error(where, f"column '{shown(name, 40)}' is not in {file}", ".".join(map(str, key)),
                           did_you_mean(name, header) or "one of: " + ", ".join(h for h in header[:12] if h))
            continue
        if header.count(name) > 1:
            problems.error(where, f"column '{shown(name, 40)}' is in {file} twice", ".".join(map(str, key)),
                           "a heading of its own for each column of the CSV")
            continue
        if parse_format(item.format) is None:
            problems.error(doc.loc(("columns", index, "format")), f"unknown number format "
                           f"{item.format[:40]!r}", f"columns.{index}.format",
                           did_you_mean(item.format, ["integer", "percent"]) or
                           f"one of: {', '.join(FORMATS)} (N: 0 to {MAX_FIXED_DECIMALS} decimals)")
            continue
        columns.append(_Column(header.index(name), name, item.name.strip() or name, item.format.strip(), where))
    return columns if len(problems.errors) == before else None


def _rows_fit(files: SourceFiles, file: str, rows, width: int) -> bool:
    """Each row has at most as many cells as the header (fewer: the rest blank)."""
    for line, row in rows[1:]:
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            files.problems.error(Loc(file, line, _col(files, file, line, width)), f"row has "
                                 f"{len(row)} cells, the header {width}", "data",
                                 "as many cells as the header names; quote a cell holding a comma")
            return False
    return True


def _column_cells(files: SourceFiles, file: str, body, column: _Column) -> list[str] | None:
    """The texts of ``column``'s cells: as written, or its numbers formatted."""
    texts = [row[column.index].strip() if column.index < len(row) else "" for _, row in body]
    if not column.format:
        return texts
    values: list[float | None] = []
    bad = False
    for (line, _), text in zip(body, texts):
        value = _number(text) if text else None
        if isinstance(value, str):
            files.problems.error(Loc(file, line, _col(files, file, line, column.index)), value,
                                 column.name, f"a number such as 2.4 under format "
                                 f"'{column.format}', or a blank cell")
            bad = True
        values.append(None if isinstance(value, str) else value)
    if bad:
        return None
    found = parse_format(column.format)
    number = dataclasses.replace(found, language=getattr(files, "language", "en")).resolve(values)
    return ["" if v is None else number.text(v) for v in values]


def _all_numbers(texts: list[str]) -> bool:
    cells = [t for t in texts if t]
    return bool(cells) and all(not isinstance(_number(t), str) for t in cells)


def _col(files: SourceFiles, file: str, line: int, index: int) -> int:
    """The column (1-based, in characters) where cell ``index`` of the CSV's ``line`` starts."""
    text = files.texts.get(file, "")
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return 1
    position, quoted, cell = 0, False, 0
    for position, char in enumerate(lines[line - 1]):
        if cell == index:
            return position + 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            cell += 1
    return position + 2 if cell == index else 1


def placed(sections: tuple[m.Section, ...], tables: dict[str, m.Table]) -> tuple[m.Section, ...]:
    """``sections`` with each table figure in place of its ``![](fig:ID)`` and every numbered
    table, Markdown's or a figure file's, numbered in the order it is placed."""
    count = [0]

    def block(b):
        if isinstance(b, m.FigureBlock) and b.figure_id in tables:
            b = tables[b.figure_id]
        if isinstance(b, m.Table) and b.number:
            count[0] += 1
            return dataclasses.replace(b, number=count[0])
        if isinstance(b, (m.Quote, m.Callout)):
            return dataclasses.replace(b, blocks=tuple(block(i) for i in b.blocks))
        if isinstance(b, m.ListBlock):
            return dataclasses.replace(b, items=tuple(tuple(block(i) for i in item) for item in b.items))
        return b

    return tuple(dataclasses.replace(s, blocks=tuple(block(b) for b in s.blocks)) for s in sections)
