"""The brief's figures: ``figures/<id>.yaml`` read and checked, those placed in the sections
turned into model figures, numbered in the order they are placed.

A figure's data comes inline or from a CSV file (:mod:`deckgen.load.tables`), in the shape its
kind declares (:data:`~deckgen.figures.kinds.KINDS`): categories and series, x values and series
(a scatter chart), or events; a blank cell or ``null`` is a missing value. Its look (stacking,
number format, axis titles, markers, series colours) is checked against what the kind can do and
becomes the figure's :class:`~deckgen.figures.options.ChartOptions`. The figure files are bounded in number and
in size together, and the drawing all placed figures ask for is bounded as a whole
(:class:`_DataBudget`), not only each figure's. The ids of figures whose own files are in error
are kept (``broken_figures``), so a reference to one is not reported a second time. An ``image``
figure takes a picture file instead of data (:mod:`deckgen.load.picture_figures`); a ``table``
figure becomes a numbered table where it is placed (:mod:`deckgen.load.table_figures`), numbered
with the Markdown tables, not with the figures.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import ClassVar

from .. import model as m
from ..errors import Loc, did_you_mean
from ..figures.kinds import EVENTS, KINDS, LABELLED_CATEGORIES, POINTS
from ..figures.numbers import FORMATS, MAX_FIXED_DECIMALS, parse_format
from ..figures.options import PERCENT, STACKED, STACKINGS, ChartOptions
from .files import MAX_YAML_BYTES, SourceFiles, shown
from .params import where_rows
from .picture_figures import picture_figure
from .schema import MAX_ABS_VALUE, MAX_CATEGORIES, MAX_ID_CHARS, FigureIn, validate
from .table_figures import TableBudget, placed, table_figure
from .tables import csv_series, csv_table, csv_x
from .translations import is_translation
from .yamlsrc import YamlDoc

MAX_FIGURES = 100
MAX_TOTAL_FIGURE_BYTES = 600_000  # all figure files together (YAML is parsed at about 0.1 MB/s)
MAX_TOTAL_DATA_POINTS = 20_000    # values in all placed figures
MAX_TOTAL_LABELLED_VALUES = 2_000  # of which drawn with a label of their own (ten times dearer)
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class FigureReader:
    """Reads the figure files of one brief and builds the figures its sections place."""

    def __init__(self, files: SourceFiles):
        self.files = files
        self.problems = files.problems
        self.broken_figures: set[str] = set()  # figures whose own files are in error
        self.tables: dict[str, m.Table] = {}   # the ``kind: table`` figures placed, by id

    def figures(self, sections: tuple[m.Section, ...], incomplete: bool) -> tuple[m.Figure, ...]:
        """The figures placed in ``sections``, numbered in the order they are placed.

        ``incomplete``: some Markdown was not read, so a figure may be placed where it was not
        seen (no "never placed" warning)."""
        specs, broken = self.figure_specs()
        self.broken_figures = broken
        placed = [b for s in sections for b in m.walk(s.blocks) if isinstance(b, m.FigureBlock)]
        order: list[str] = []
        for block in placed:
            if block.figure_id in broken:
                continue  # its own file's errors are reported already
            if block.figure_id not in specs:
                self.problems.error(block.loc, f"figure '{block.figure_id}' does not exist",
                                    "figure", did_you_mean(block.figure_id, specs) or
                                    f"a file source/figures/{block.figure_id}.yaml")
            elif block.figure_id in order:
                self.problems.error(block.loc, f"figure '{block.figure_id}' is placed twice",
                                    "figure", "each figure placed once; refer to it with @fig:ID")
            else:
                order.append(block.figure_id)
        for figure_id, (_, doc, _) in specs.items():
            if figure_id not in order and not incomplete:
                self.problems.warn(doc.loc(), f"figure '{figure_id}' is never placed, so neither "
                                   "output shows it", expected=f"![](fig:{figure_id}) in a section")
        figures = []
        budget = _DataBudget()
        table_budget = TableBudget()
        for figure_id in [i for i in order if KINDS[specs[i][0].kind].table]:
            spec, doc, _ = specs[figure_id]
            table = table_figure(self.files, figure_id, spec, doc, table_budget)
            if table is None:
                self.broken_figures.add(figure_id)
            else:
                self.tables[figure_id] = table
        order = [i for i in order if not KINDS[specs[i][0].kind].table]
        for number, figure_id in enumerate(order, start=1):
            spec, doc, _ = specs[figure_id]
            figure = self.figure(figure_id, number, spec, doc)
            if figure is None:
                self.broken_figures.add(figure_id)
                continue
            for passed in budget.spend(figure):
                self.problems.error(doc.loc(), f"the figures together have too many {passed}: "
                                    f"the limit is passed in figure '{figure_id}'",
                                    expected=budget.expected(passed))
            figures.append(figure)
        return tuple(figures)

    def placed_tables(self, sections: tuple[m.Section, ...]) -> tuple[m.Section, ...]:
        """``sections`` with the table figures in place and every numbered table numbered in
        the order placed (:func:`deckgen.load.table_figures.placed`)."""
        return placed(sections, self.tables)

    def figure_specs(self) -> tuple[dict[str, tuple[FigureIn, YamlDoc, Path]], set[str]]:
        """Every valid figure file by id, and the ids of the files that are not valid."""
        folder = self.files.source / "figures"
        specs: dict[str, tuple[FigureIn, YamlDoc, Path]] = {}
        broken: set[str] = set()
        paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
        paths = [p for p in paths if not is_translation(p.name)]  # an edition's words (editions.py)
        if len(paths) > MAX_FIGURES:
            self.problems.error(Loc(self.files.rel(folder)), f"too many figure files ({len(paths):,})",
                                expected=f"at most {MAX_FIGURES}")
            return {}, {p.stem for p in paths}
        figure_bytes = 0
        for path in paths:
            figure_id = path.stem
            if len(figure_id) > MAX_ID_CHARS:
                self.problems.error(Loc(self.files.rel(path)), f"figure file name '{shown(figure_id, 40)}' "
                                    f"is too long ({len(figure_id):,} characters)", expected=(
                                        f"at most {MAX_ID_CHARS} characters before {path.suffix}"))
                broken.add(figure_id)
                continue
            if figure_bytes > MAX_TOTAL_FIGURE_BYTES:
                broken.add(figure_id)  # not read: the budget is spent (reported once, below)
                continue
            text = self.files.read_text(path, limit=MAX_YAML_BYTES)
            figure_bytes += len(text.encode("utf-8")) if text is not None else 0
            if figure_bytes > MAX_TOTAL_FIGURE_BYTES:
                self.problems.error(Loc(self.files.rel(path)), "the figure files together are too large: "
                                    "the limit is passed in this file", expected=(
                                        f"at most {MAX_TOTAL_FIGURE_BYTES:,} bytes in all figure "
                                        "files; put large data in CSV files"))
                broken.add(figure_id)
                continue
            doc = self.files.yaml(text, path) if text is not None else None
            spec = validate(FigureIn, doc, self.problems) if doc else None
            if spec is None:
                broken.add(figure_id)
                continue
            if spec.id and spec.id != figure_id:
                self.problems.error(doc.loc(("id",)), f"id '{spec.id}' does not match the file name",
                                    "id", f"'{figure_id}' or no id")
            if figure_id in specs:
                self.problems.error(Loc(self.files.rel(path)), f"duplicate figure id '{figure_id}'",
                                    expected=f"one of {self.files.rel(specs[figure_id][2])} or {self.files.rel(path)}")
                continue
            specs[figure_id] = (spec, doc, path)
        return specs, broken

    def figure(self, figure_id: str, number: int, spec: FigureIn, doc: YamlDoc) -> m.Figure | None:
        data = spec.data
        kind = KINDS[spec.kind]
        if kind.picture:
            return picture_figure(self.files, figure_id, number, spec, doc)
        if not self.no_picture_keys(spec, kind, doc):
            return None
        options = self.options(spec, kind, doc)
        events = tuple(m.Event(e.year, e.label) for e in data.events)
        categories: tuple[str, ...] = tuple(data.categories)
        series: list[m.Series] = []
        x_values: tuple[float | None, ...] = ()
        if kind.data == EVENTS:
            if not events:
                self.problems.error(doc.loc(("data",)), f"{kind.description} needs events", "data.events",
                                    "a list of {year, label}")
                return None
        elif data.csv:
            table = csv_table(self.files, data.csv, doc)
            table = where_rows(table, data.where, doc, self.problems) if table is not None else None
            if table is None:
                return None
            categories, series = csv_series(table, data, doc, self.problems,
                                            labels_optional=kind.data == POINTS)
            if kind.data == POINTS:
                x_values = self.csv_x(table, data, doc) or ()
            if not series or (kind.data == POINTS and not x_values):
                return None
        else:
            if kind.data == POINTS:
                x_values = self.inline_x(data, doc) or ()
                if not x_values:
                    return None
            count = len(x_values) if kind.data == POINTS else len(categories)
            series = self.inline_series(data, count, doc)
            if kind.data == POINTS and categories and len(categories) != len(x_values):
                self.problems.error(doc.loc(("data", "categories")), f"{len(categories)} point "
                                    f"labels for {len(x_values)} points", "data.categories",
                                    "one label per x value, or none")
                return None
            if not series or not (x_values if kind.data == POINTS else categories):
                what = "x values and series" if kind.data == POINTS else "categories and series"
                self.problems.error(doc.loc(("data",)), f"{kind.description} needs {what}", "data",
                                    "data.csv with " + ("x and series" if kind.data == POINTS else
                                                        "category and series") + ", or inline lists")
                return None
        if options is None or not self.check_values(kind, options, series, doc):
            return None
        return m.Figure(figure_id, number, spec.kind, spec.title, spec.caption, spec.alt,
                        spec.source, spec.units, tuple(categories), tuple(series), events, doc.loc(),
                        options, x_values, message=spec.message, key_locs=doc.key_locs())

    def no_picture_keys(self, spec: FigureIn, kind, doc: YamlDoc) -> bool:
        """A chart drawn from data takes no picture file, licence or width."""
        keys = [k for k in ("file", "licence", "width") if getattr(spec, k) != ""]
        for key in keys:
            self.problems.error(doc.loc((key,)), f"{kind.description} takes no {key}", key,
                                "kind: image for a picture")
        return not keys

    def options(self, spec: FigureIn, kind, doc: YamlDoc) -> ChartOptions | None:
        """The chart's look as its file states it; None (and errors at each key) when invalid."""
        valid = True
        stacked = {False: "", True: STACKED}.get(spec.stacked, spec.stacked) \
            if isinstance(spec.stacked, bool) else str(spec.stacked).strip().lower()
        if stacked not in STACKINGS:
            self.problems.error(doc.loc(("stacked",)), f"invalid value {str(spec.stacked)[:40]!r}",
                                "stacked", "true, false or percent")
            valid = False
        elif stacked and stacked not in kind.stackings:
            stackable = [k.name for k in KINDS.values() if k.stackings]
            self.problems.error(doc.loc(("stacked",)), f"{kind.description} cannot be stacked",
                                "stacked", "a kind that stacks: " + ", ".join(stackable))
            valid = False
        if spec.data.x != "" and kind.data != POINTS:
            self.problems.error(doc.loc(("data", "x")), f"{kind.description} has no x values",
                                "data.x", "x only in a scatter chart; categories for this kind")
            valid = False
        if not spec.markers and not kind.unmarked_chart:
            self.problems.warn(doc.loc(("markers",)), f"{kind.description} has no markers to "
                               "leave out; markers: false changes nothing", "markers",
                               "markers only in a line chart")
        if parse_format(spec.format) is None:
            self.problems.error(doc.loc(("format",)), f"unknown number format {spec.format[:40]!r}",
                                "format", did_you_mean(spec.format, ["integer", "percent"]) or
                                f"one of: {', '.join(FORMATS)} (N: 0 to {MAX_FIXED_DECIMALS} decimals)")
            valid = False
        for index, series in enumerate(spec.data.series):
            if series.colour and not _COLOUR.match(series.colour):
                self.problems.error(doc.loc(("data", "series", index, "colour")),
                                    f"invalid colour {series.colour!r}", f"data.series.{index}.colour",
                                    'a colour as "#RRGGBB", such as "#1B365D"')
                valid = False
        if not valid:
            return None
        return ChartOptions(stacked, spec.format.strip(), spec.x_title, spec.y_title, spec.markers)

    def inline_series(self, data, count: int, doc: YamlDoc) -> list[m.Series]:
        """The inline series, each with one value (or null) per category or point."""
        series = []
        for index, s in enumerate(data.series):
            if s.values is None:
                self.problems.error(doc.loc(("data", "series", index)),
                                    "series has no values", f"data.series.{index}.values")
                continue
            if len(s.values) != count:
                self.problems.error(doc.loc(("data", "series", index, "values")),
                                    f"{len(s.values)} values for {count} "
                                    f"{'points' if data.x != '' else 'categories'}",
                                    f"data.series.{index}.values", "one value (or null) per "
                                    + ("x value" if data.x != "" else "category"))
                continue
            series.append(m.Series(s.name or f"Series {index + 1}", tuple(s.values), s.colour))
        return series

    def inline_x(self, data, doc: YamlDoc) -> tuple[float | None, ...] | None:
        """A scatter chart's inline x values: numbers or nulls."""
        loc = doc.loc(("data", "x"))
        if data.x == "":
            self.problems.error(doc.loc(("data",)), "a scatter chart needs x values", "data.x",
                                "x: [1.5, 2, ...] (one per point), or data.csv with x: COLUMN")
            return None
        if isinstance(data.x, str):
            self.problems.error(loc, f"x names a column ({data.x[:40]!r}) but no CSV is given",
                                "data.x", "data.csv, or x: [1.5, 2, ...]")
            return None
        if not isinstance(data.x, list) or len(data.x) > MAX_CATEGORIES:
            self.problems.error(loc, "should be a list of numbers", "data.x",
                                f"x: [1.5, 2, ...], at most {MAX_CATEGORIES:,} values")
            return None
        values = []
        for index, value in enumerate(data.x):
            good = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                     and math.isfinite(value) and abs(value) <= MAX_ABS_VALUE)
            if not good:
                self.problems.error(doc.loc(("data", "x", index)), "should be a finite number",
                                    f"data.x.{index}", f"a number at most {MAX_ABS_VALUE:.0e} in size, or null")
                return None
            values.append(None if value is None else float(value))
        return tuple(values)

    def csv_x(self, table, data, doc: YamlDoc) -> tuple[float | None, ...] | None:
        if not isinstance(data.x, str) or not data.x:
            self.problems.error(doc.loc(("data",)), "a scatter chart needs an x column", "data.x",
                                "x: COLUMN, a numeric column of the CSV")
            return None
        return csv_x(table, data.x, doc, self.problems)

    def check_values(self, kind, options: ChartOptions, series: list[m.Series], doc: YamlDoc) -> bool:
        """What the kind demands of its values: a pie's one series, whole and above zero; a
        100 % stack's values not negative; every series some value."""
        loc = doc.loc(("data",))
        before = len(self.problems.errors)
        for index, s in enumerate(series):
            if all(v is None for v in s.values):
                self.problems.error(loc, f"series '{s.name}' has no value at all", "data.series",
                                    "at least one value; a blank cell or null is a missing value")
        if kind.one_series:
            self.check_pie(series, doc)
        if options.stacked == PERCENT and any(v is not None and v < 0 for s in series for v in s.values):
            self.problems.error(doc.loc(("stacked",)), "a 100 % stacked chart cannot show negative "
                                "values", "stacked", "true, or no stacking")
        return len(self.problems.errors) == before

    def check_pie(self, series: list[m.Series], doc: YamlDoc) -> None:
        """A pie shows one series of non-negative values with a total above zero, a value for
        each slice."""
        loc = doc.loc(("data",))
        if len(series) > 1:
            self.problems.error(loc, f"a pie chart shows one series ({len(series)} given)", "data.series",
                                "one series, or another kind of chart")
        values = [v for s in series for v in s.values]
        if any(v is None for v in values):
            self.problems.error(loc, "a pie chart needs a value for every slice", "data",
                                "a number in every row; leave out a category with no value")
        elif any(v < 0 for v in values):
            self.problems.error(loc, "a pie chart cannot show negative values", "data")
        elif series and not sum(series[0].values) > 0:
            self.problems.error(loc, "a pie chart needs values that add up to more than zero", "data")


class _DataBudget:
    """The drawing all figures together ask for, bounded, not only each figure's: drawing
    costs about the same per value in every figure, and about ten times more for a value
    drawn with a label of its own."""

    LIMITS: ClassVar[dict[str, int]] = {"data points": MAX_TOTAL_DATA_POINTS,
                                        "labelled values": MAX_TOTAL_LABELLED_VALUES}
    ADVICE: ClassVar[dict[str, str]] = {
        "data points": "fewer or smaller figures",
        "labelled values": (f"a pie, a timeline, and a bar or column chart of up to "
                            f"{LABELLED_CATEGORIES} categories label each value; fewer or "
                            "smaller figures")}

    def __init__(self):
        self.spent = dict.fromkeys(self.LIMITS, 0)

    def spend(self, figure: m.Figure) -> list[str]:
        """Count ``figure``; the names of the limits it is the first to pass."""
        costs = {"data points": figure.data_points, "labelled values": figure.value_labels}
        passed = []
        for name, cost in costs.items():
            before = self.spent[name]
            self.spent[name] += cost
            if before <= self.LIMITS[name] < self.spent[name]:
                passed.append(name)
        return passed

    def expected(self, name: str) -> str:
        return (f"at most {self.LIMITS[name]:,} {name} in all figures, {self.spent[name]:,} so "
                f"far: {self.ADVICE[name]}")
