"""The brief's figures: ``figures/<id>.yaml`` read and checked, those placed in the sections
turned into model figures, numbered in the order they are placed.

A figure's data comes inline or from a CSV file (:mod:`deckgen.load.tables`), in the shape its
kind declares (:data:`~deckgen.figures.kinds.KINDS`). The figure files are bounded in number and
in size together, and the drawing all placed figures ask for is bounded as a whole
(:class:`_DataBudget`), not only each figure's. The ids of figures whose own files are in error
are kept (``broken_figures``), so a reference to one is not reported a second time.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from .. import model as m
from ..errors import Loc, did_you_mean
from ..figures.kinds import EVENTS, KINDS, LABELLED_CATEGORIES
from .files import MAX_YAML_BYTES, SourceFiles, shown
from .schema import MAX_ID_CHARS, FigureIn, validate
from .tables import csv_series, csv_table
from .yamlsrc import YamlDoc

MAX_FIGURES = 100
MAX_TOTAL_FIGURE_BYTES = 600_000  # all figure files together (YAML is parsed at about 0.1 MB/s)
MAX_TOTAL_DATA_POINTS = 20_000    # values in all placed figures
MAX_TOTAL_LABELLED_VALUES = 2_000  # of which drawn with a label of their own (ten times dearer)


class FigureReader:
    """Reads the figure files of one brief and builds the figures its sections place."""

    def __init__(self, files: SourceFiles):
        self.files = files
        self.problems = files.problems
        self.broken_figures: set[str] = set()  # figures whose own files are in error

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

    def figure_specs(self) -> tuple[dict[str, tuple[FigureIn, YamlDoc, Path]], set[str]]:
        """Every valid figure file by id, and the ids of the files that are not valid."""
        folder = self.files.source / "figures"
        specs: dict[str, tuple[FigureIn, YamlDoc, Path]] = {}
        broken: set[str] = set()
        paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
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
        categories: tuple[str, ...] = tuple(data.categories)
        series: list[m.Series] = []
        events = tuple(m.Event(e.year, e.label) for e in data.events)
        kind = KINDS[spec.kind]
        if kind.data == EVENTS:
            if not events:
                self.problems.error(doc.loc(("data",)), f"{kind.description} needs events", "data.events",
                                    "a list of {year, label}")
                return None
        elif data.csv:
            table = csv_table(self.files, data.csv, doc)
            if table is None:
                return None
            categories, series = csv_series(table, data, doc, self.problems)
            if not series:
                return None
        else:
            for index, s in enumerate(data.series):
                if s.values is None:
                    self.problems.error(doc.loc(("data", "series", index)),
                                        "series has no values", f"data.series.{index}.values")
                    continue
                if len(s.values) != len(categories):
                    self.problems.error(doc.loc(("data", "series", index, "values")),
                                        f"{len(s.values)} values for {len(categories)} categories",
                                        f"data.series.{index}.values", "one value per category")
                    continue
                series.append(m.Series(s.name or f"Series {index + 1}", tuple(s.values)))
            if not categories or not series:
                self.problems.error(doc.loc(("data",)), "a chart needs categories and series",
                                    "data", "data.csv with category and series, or inline lists")
                return None
        if kind.one_series:
            self.check_pie(series, doc)
        return m.Figure(figure_id, number, spec.kind, spec.title, spec.caption, spec.alt,
                        spec.source, spec.units, tuple(categories), tuple(series), events, doc.loc())

    def check_pie(self, series: list[m.Series], doc: YamlDoc) -> None:
        """A pie shows one series of non-negative values with a total above zero."""
        loc = doc.loc(("data",))
        if len(series) > 1:
            self.problems.error(loc, f"a pie chart shows one series ({len(series)} given)", "data.series",
                                "one series, or another kind of chart")
        if any(v < 0 for s in series for v in s.values):
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
