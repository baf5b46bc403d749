"""The charts drawn with matplotlib: bars and columns (side by side, stacked, or stacked to
100 %), lines, areas, scatter charts and pies, in the theme's and the series' own colours.

Every chart keeps its legend outside the plot, below it, in series order with swatches, so it
never covers data; a value label set on a fill (a stacked segment, a pie slice) takes the text
colour that contrasts more with that fill (:mod:`deckgen.figures.colours`); values read as the
figure's number format writes them (:mod:`deckgen.figures.numbers`), the same text the deck's
chart and the notes show; a missing value is a gap, never a zero.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import matplotlib
from matplotlib.ticker import FuncFormatter

from .. import model as m
from ..i18n.labels import english
from ..theme import Theme
from .colours import text_on
from .kinds import LABELLED_CATEGORIES, FigureKind
from .numbers import NumberFormat, figure_format
from .options import PERCENT
from .slices import SHARE, Slices, pie_slices

MAX_TICKS = 24       # category labels drawn at most; more are sampled evenly
MAX_LABELLED = LABELLED_CATEGORIES  # value labels and markers only up to this many categories

# ---- the parts every chart shares --------------------------------------------------------------
# A legend (more than one series) sits below the plot, outside it, in series order with each
# series' swatch, so it never covers data; axis titles come from x_title and y_title (the value
# axis's, by default, from the units); values read as the figure's number format says.

THIN_SEGMENT = 0.06  # a stacked segment thinner than this share of the tallest stack is not labelled


def series_colours(figure: m.Figure, theme: Theme) -> list[str]:
    """Each series' colour: its own, else the theme's series colours in turn."""
    palette = theme.series_colours
    return [s.colour or palette[i % len(palette)] for i, s in enumerate(figure.series)]


def _values(series: m.Series) -> list[float]:
    """The values with a missing one as NaN: matplotlib leaves a gap there."""
    return [math.nan if v is None else v for v in series.values]


def _mark_isolated(ax, positions: list, values, colour: str) -> None:
    """A dot for each value whose neighbours are both missing: a line or area draws nothing
    there, and the value would not be seen."""
    isolated = [(p, v) for i, (p, v) in enumerate(zip(positions, values)) if v is not None
                and (i == 0 or values[i - 1] is None) and (i == len(values) - 1 or values[i + 1] is None)]
    if isolated:
        ax.plot([p for p, _ in isolated], [v for _, v in isolated], linestyle="none", marker="o",
                markersize=4, color=colour, zorder=3)


def _legend(ax, figure: m.Figure) -> None:
    """Below the plot, outside it, one entry per series in series order (swatches included)."""
    if len(figure.series) < 2:
        return
    handles, labels = ax.get_legend_handles_labels()
    ax.figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4),
                     frameon=False, handlelength=1.4, columnspacing=1.6)


def _titles(ax, figure: m.Figure, horizontal: bool = False) -> None:
    """Axis titles: x_title and y_title as given; the value axis's default is the units."""
    options = figure.options
    x_title = options.x_title or (figure.units if horizontal else "")
    y_title = options.y_title or ("" if horizontal else figure.units)
    ax.set_xlabel(x_title)
    ax.set_ylabel(y_title)


def _value_ticks(ax, figure: m.Figure, horizontal: bool, share: bool = False) -> None:
    """Value-axis tick labels as the figure's values read (a % sign for percentages; shares of
    100 % for a 100 % stack)."""
    percent = share or figure_format(figure).percent
    ticks = NumberFormat(None, percent, figure.language)
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _: ticks.text(v)))


def _grid(ax, theme: Theme, horizontal: bool) -> None:
    ax.grid(axis="x" if horizontal else "y", color=theme.colour("light"), linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)


def _category_axis(ax, figure: m.Figure, theme: Theme, horizontal: bool) -> None:
    ax.tick_params(axis="y" if horizontal else "x", length=0, labelcolor=theme.colour("text"))
    if horizontal:
        ax.set_yticks(*_category_ticks(figure.categories))
        ax.invert_yaxis()  # the first category at the top, as it is read
    else:
        ax.set_xticks(*_category_ticks(figure.categories))


# ---- bars and columns ------------------------------------------------------------------------

def draw_bars(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    horizontal = kind.horizontal
    if figure.options.stacked:
        _stacked_bars(ax, figure, theme, horizontal)
    else:
        _clustered_bars(ax, figure, theme, horizontal)
    _grid(ax, theme, horizontal)
    _category_axis(ax, figure, theme, horizontal)
    _titles(ax, figure, horizontal)
    _value_ticks(ax, figure, horizontal, share=figure.options.stacked == PERCENT)
    _legend(ax, figure)


def _clustered_bars(ax, figure: m.Figure, theme: Theme, horizontal: bool) -> None:
    """Series side by side in each category, each value at its bar's end (a missing value:
    no bar, no label)."""
    fmt = figure_format(figure)
    count = len(figure.series)
    width = 0.8 / count
    positions = range(len(figure.categories))
    for index, (series, colour) in enumerate(zip(figure.series, series_colours(figure, theme))):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        draw = ax.barh if horizontal else ax.bar
        size = {"height" if horizontal else "width": width * 0.9}
        bars = draw(offsets, _values(series), label=series.name, color=colour, zorder=2, **size)
        if len(positions) <= MAX_LABELLED:
            ax.bar_label(bars, labels=["" if v is None else fmt.text(v) for v in series.values],
                         padding=3, color=theme.colour("text"))
    ax.margins(**{"x" if horizontal else "y": 0.15})


def _stacked_bars(ax, figure: m.Figure, theme: Theme, horizontal: bool) -> None:
    """Series stacked in each category (positive values up from zero, negative down), or as
    shares of each category's total (``stacked: percent``); each value labelled on its segment
    in the text colour that reads on the fill, unless the segment is too thin to hold it."""
    fmt = figure_format(figure)
    share = figure.options.stacked == PERCENT
    count = len(figure.categories)
    totals = [sum(abs(s.values[i] or 0) for s in figure.series) for i in range(count)]
    above, below = [0.0] * count, [0.0] * count
    tallest = max(totals, default=0) or 1
    for series, colour in zip(figure.series, series_colours(figure, theme)):
        sizes = []
        for i, value in enumerate(series.values):
            value = value or 0.0
            sizes.append(value / totals[i] * 100 if share and totals[i] else value)
        bottoms = [above[i] if v >= 0 else below[i] for i, v in enumerate(sizes)]
        for i, v in enumerate(sizes):
            if v >= 0:
                above[i] += v
            else:
                below[i] += v
        draw = ax.barh if horizontal else ax.bar
        place = {"left" if horizontal else "bottom": bottoms, "height" if horizontal else "width": 0.7}
        bars = draw(range(count), sizes, label=series.name, color=colour, zorder=2,
                    edgecolor=theme.colour("background"), linewidth=0.6, **place)
        if count <= MAX_LABELLED:
            labels = ["" if v is None or abs(size) < THIN_SEGMENT * (100 if share else tallest)
                      else fmt.text(v) for v, size in zip(series.values, sizes)]
            ax.bar_label(bars, labels=labels, label_type="center",
                         color=text_on(colour, theme.colour("text"), theme.colour("background")))
    if share:
        (ax.set_xlim if horizontal else ax.set_ylim)(0, 100)


# ---- lines and areas -------------------------------------------------------------------------

def _category_ticks(categories: tuple[str, ...]) -> tuple[list[int], list[str]]:
    """Tick positions and labels: every category, or an even sample when there are too many
    to read (drawing thousands of tick labels is also slow)."""
    step = max(1, -(-len(categories) // MAX_TICKS))
    positions = list(range(0, len(categories), step))
    return positions, [categories[p] for p in positions]


def draw_line(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    """A line per series, broken where a value is missing; points marked (``markers: false``
    leaves them out), unless there are too many categories to mark."""
    positions = list(range(len(figure.categories)))
    marked = figure.options.markers and len(figure.categories) <= MAX_LABELLED
    for series, colour in zip(figure.series, series_colours(figure, theme)):
        ax.plot(positions, _values(series), marker="o" if marked else None, linewidth=2,
                label=series.name, color=colour)
        if not marked:
            _mark_isolated(ax, positions, series.values, colour)
    ax.set_xticks(*_category_ticks(figure.categories))
    _titles(ax, figure)
    _value_ticks(ax, figure, horizontal=False)
    _grid(ax, theme, horizontal=False)
    _legend(ax, figure)


def draw_area(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    """Filled areas: overlapping and translucent, or stacked (``stacked: true``), or as shares
    of each category's total (``stacked: percent``); no fill where a value is missing."""
    import numpy as np

    positions = np.arange(len(figure.categories))
    stacking = figure.options.stacked
    values = np.array([_values(s) for s in figure.series], dtype=float)
    present = ~np.isnan(values)
    filled = np.nan_to_num(values)
    if stacking == PERCENT:
        totals = filled.sum(axis=0)
        filled = np.divide(filled * 100, totals, out=np.zeros_like(filled), where=totals != 0)
    base = np.zeros(len(positions))
    for index, (series, colour) in enumerate(zip(figure.series, series_colours(figure, theme))):
        top = base + filled[index] if stacking else filled[index]
        lower = base if stacking else np.zeros(len(positions))
        ax.fill_between(positions, lower, top, where=present[index], interpolate=False,
                        color=colour, alpha=0.85 if stacking else 0.4, linewidth=0,
                        label=series.name, zorder=2)
        ax.plot(positions, np.where(present[index], top, np.nan), color=colour, linewidth=1.5,
                zorder=3)
        _mark_isolated(ax, list(positions), [t if p else None for t, p in zip(top, present[index])], colour)
        if stacking:
            base = top
    ax.set_xticks(*_category_ticks(figure.categories))
    ax.set_xlim(positions[0] - 0.05 if len(positions) else 0, positions[-1] + 0.05 if len(positions) else 1)
    if stacking == PERCENT:
        ax.set_ylim(0, 100)
    elif not (values[present] < 0).any():
        ax.set_ylim(bottom=0)
    _titles(ax, figure)
    _value_ticks(ax, figure, horizontal=False, share=stacking == PERCENT)
    _grid(ax, theme, horizontal=False)
    _legend(ax, figure)


# ---- points ----------------------------------------------------------------------------------

def draw_scatter(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    """A point per x value and series (none where either is missing), each labelled with its
    point label when the figure gives labels and there are few enough to read."""
    labelled = bool(figure.categories) and len(figure.x_values) <= MAX_LABELLED
    for series, colour in zip(figure.series, series_colours(figure, theme)):
        points = [(x, y, i) for i, (x, y) in enumerate(zip(figure.x_values, series.values))
                  if x is not None and y is not None]
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=36, color=colour,
                   label=series.name, zorder=3, edgecolors=theme.colour("background"), linewidths=0.6)
        if labelled:  # beside the point, towards the middle, so no label runs off the figure
            present = [x for x in figure.x_values if x is not None]
            middle = (min(present) + max(present)) / 2 if present else 0.0
            for x, y, i in points:
                left = x > middle
                ax.annotate(figure.categories[i], (x, y), xytext=(-5 if left else 5, 4),
                            textcoords="offset points", ha="right" if left else "left",
                            fontsize=matplotlib.rcParams["font.size"] * 0.85, color=theme.colour("text"))
    ax.margins(0.12)
    ax.grid(color=theme.colour("light"), linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    options = figure.options
    ax.set_xlabel(options.x_title)
    ax.set_ylabel(options.y_title or figure.units)
    _value_ticks(ax, figure, horizontal=False)
    _legend(ax, figure)


# ---- pie -------------------------------------------------------------------------------------

def draw_pie(ax, figure: m.Figure, theme: Theme, kind: FigureKind) -> None:
    """Slices in series colours, clockwise from the top; each share inside its slice in the text
    colour that reads on it, each category outside; a slice under SMALL_SLICE gets its share
    outside with its category, on a leader line, the labels of each side moved apart so none
    collide. More small slices than MOST_SMALL are one "Other" slice, last, and a line under
    the pie says which categories it holds (:mod:`deckgen.figures.slices`)."""
    labels = figure.labels or english()
    slices = pie_slices(figure.categories, figure.series[0].values, labels["other"])
    values = list(slices.values)
    palette = theme.series_colours
    colours = [palette[i % len(palette)] for i in range(len(values))]
    wedges, _ = ax.pie(values, startangle=90, counterclock=False, colors=colours,
                       wedgeprops={"edgecolor": theme.colour("background")})
    ax.set_aspect("equal")
    outside = []
    for index, (wedge, label, value, colour) in enumerate(zip(wedges, slices.categories, values, colours)):
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        x, y = math.cos(angle), math.sin(angle)
        text = dataclasses.replace(SHARE, language=figure.language).text(slices.share(index) * 100)
        if not slices.small(index):
            ax.text(0.62 * x, 0.62 * y, text, ha="center", va="center",
                    color=text_on(colour, theme.colour("text"), theme.colour("background")))
            outside.append([x, y, 1.12 * x, 1.12 * y, label, False])
        elif value > 0:
            outside.append([x, y, 1.25 * x, 1.25 * y, f"{label} {text}", True])
    _spread(outside, _line_gap(ax))
    for x, y, lx, ly, text, leader in outside:
        arrow = {"arrowstyle": "-", "color": theme.colour("muted"), "linewidth": 0.7} if leader else None
        ax.annotate(text, (x, y), xytext=(lx, ly), ha="left" if lx >= 0 else "right", va="center",
                    color=theme.colour("text"), arrowprops=arrow)
    if slices.grouped:
        ax.set_xlabel(grouped_note(slices, labels), color=theme.colour("muted"),
                      fontsize=matplotlib.rcParams["font.size"] * 0.85)


def grouped_note(slices: Slices, labels) -> str:
    """What the "Other" slice holds: "Other: Tiny, Smaller, Least and Smallest." in the
    brief's language."""
    return labels.sentence(f"{labels['other']}: {labels.joined(slices.grouped)}")


def _line_gap(ax) -> float:
    """A label line's height with some lead, in the pie's radii: the pie (and its labels)
    takes about the axes' height, 2.6 radii, of the figure's height."""
    height = ax.figure.get_figheight() * 72 * 0.85
    return 1.45 * matplotlib.rcParams["font.size"] / (height / 2.6)


def _spread(labels: list[list], gap: float) -> None:
    """Move the outside labels of each side of a pie apart vertically so that none is nearer
    than ``gap`` (in radii) to the next."""
    for side in (1, -1):
        group = sorted((label for label in labels if (label[2] >= 0) == (side > 0)), key=lambda l: l[3])
        for before, after in itertools.pairwise(group):
            if after[3] - before[3] < gap:
                after[3] = before[3] + gap
