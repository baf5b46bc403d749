"""What python-pptx has no API for on a native chart, written into the chart's XML: where a
pie's first slice starts, leader lines, axis titles (one placed at the right for a
right-to-left chart), where the value axis crosses, and the order LibreOffice lists a
horizontal bar chart's series in."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Pt

from ..figures.slices import Slices
from .oxml import clean
from .textfit import Fonts

TITLE_SIZE = 14  # an axis title's size, in points
TICK_SIZE = 14  # a value axis's tick labels', and a legend's
CATEGORY_SIZE = 16  # a category axis's labels, at most
DATA_LABEL_SIZE = 16  # a value written over (or above) its bar or point, at most


def middle(values) -> float:
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
    middle_angle = (before + sum(slices.values[i] for i in longest) / 2) / slices.total * 360
    return round(90 - middle_angle) % 360


def first_slice_angle(plot, angle: int) -> None:
    element = plot._element.find(qn("c:firstSliceAng"))
    if element is None:
        element = plot._element.makeelement(qn("c:firstSliceAng"), {})
        plot._element.insert_element_before(element, "c:extLst")
    element.set("val", str(angle))


def show_leader_lines(dlbls) -> None:
    """A label moved off its slice keeps a line to it."""
    shown = dlbls.find(qn("c:showLeaderLines"))
    if shown is None:
        shown = dlbls.makeelement(qn("c:showLeaderLines"), {})
        dlbls.insert_element_before(shown, "c:leaderLines", "c:extLst")
    shown.set("val", "1")


def axis_title(axis, text: str) -> None:
    if text:
        axis.has_title = True
        axis.axis_title.text_frame.text = clean(text)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(TITLE_SIZE)


@dataclass(frozen=True)
class RightToLeftPlot:
    """What surrounds a right-to-left chart's plot, to measure: the legend's names (at the
    left; none: no legend), the vertical axis's tick labels (at the right) and title, the
    horizontal axis's labels and title (below), and the data labels that may reach past the
    plot's left edge (half a label over a column, a whole one beyond a bar's end)."""

    legend: tuple[str, ...]
    vertical_ticks: tuple[str, ...]
    vertical_title: str
    horizontal_ticks: tuple[str, ...]
    horizontal_title: str
    data_labels: tuple[str, ...] = ()  # the widest values written beside the bars or points
    labels_reach: float = 0.5  # how much of a label reaches past its bar at the plot's left edge


def title_at_right(chart, vertical_axis, around: RightToLeftPlot, width: float, height: float,
                   fonts: Fonts) -> None:
    """A right-to-left chart's vertical axis title at the chart's right edge, beside the axis
    drawn there, and the plot placed clear of it (``width`` and ``height``: the chart's, in
    points). PowerPoint moves an automatic title with its axis; LibreOffice keeps it at the left
    whichever side the axis is on. Both honour a manual layout: the title's top-left corner and
    the plot's inner box, as fractions of the chart, measured with the deck's fonts."""
    title = around.vertical_title
    thickness = fonts.line_height(title, TITLE_SIZE) + 6  # the rotated title's line, padded
    length = min(fonts.width(title, TITLE_SIZE), height)
    _manual_layout(vertical_axis.axis_title._element, "",
                   max(0.0, 1 - (thickness + 2) / width), max(0.0, 0.5 - length / 2 / height))
    ticks = max((fonts.width(t, CATEGORY_SIZE) for t in around.vertical_ticks), default=0.0)
    right = min(ticks, width * 0.35) + 10 + thickness
    legend = max((fonts.width(n, TICK_SIZE) for n in around.legend), default=-40.0) + 40
    labels = max((fonts.width(n, DATA_LABEL_SIZE) for n in around.data_labels), default=0.0)
    left = max(legend, min(labels * around.labels_reach + 6, width * 0.25))
    plot_width = max(width - left - right, width * 0.3)
    slot = plot_width / max(len(around.horizontal_ticks), 1)
    lines = max((min(3, ceil(fonts.width(t, CATEGORY_SIZE) / slot)) for t in around.horizontal_ticks
                 if t), default=1)
    below = lines * CATEGORY_SIZE * 1.3 + 12
    if around.horizontal_title:
        below += fonts.line_height(around.horizontal_title, TITLE_SIZE) + 8
    top = 12.0 + fonts.line_height("0", DATA_LABEL_SIZE)  # room for the tallest bar's label
    plot_height = max(height - top - below, height * 0.3)
    _manual_layout(chart._chartSpace.chart.plotArea, "inner", left / width, top / height,
                   plot_width / width, plot_height / height)


def _manual_layout(parent, target: str, x: float, y: float, w: float | None = None,
                   h: float | None = None) -> None:
    """``parent``'s ``c:layout``: a manual one, at (x, y) and of (w, h) when given, fractions of
    the chart from its top-left corner ("edge" mode); ``target`` "inner": the plot without its
    tick labels."""
    size = "" if w is None else f'<c:w val="{w:.4f}"/><c:h val="{h:.4f}"/>'
    aim = f'<c:layoutTarget val="{target}"/>' if target else ""
    manual = parse_xml(
        f'<c:layout {nsdecls("c")}><c:manualLayout>{aim}<c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{x:.4f}"/><c:y val="{y:.4f}"/>{size}</c:manualLayout></c:layout>')
    layout = parent.find(qn("c:layout"))
    if layout is not None:
        parent.replace(layout, manual)
    elif parent.tag == qn("c:plotArea"):
        parent.insert(0, manual)
    else:
        parent.insert_element_before(manual, "c:overlay", "c:spPr", "c:txPr", "c:extLst")


def value_axis_crosses_max(chart) -> None:
    """With categories reversed, keep the value axis at the bottom: it crosses the category
    axis at its last category (each axis's ``c:crosses`` says where it crosses the other)."""
    crosses = chart.value_axis._element.find(qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")


def series_listed_last_first(plot) -> None:
    """The plot's ``c:ser`` elements written last first, each keeping its ``c:idx`` and
    ``c:order`` (the source's order). PowerPoint draws and lists series by ``c:order``
    (ECMA-376 §21.2.2.128); LibreOffice reads them in the file's order, and lists a clustered
    horizontal bar chart's series last first in every legend position (its legend follows the
    bars bottom up, whatever the category axis's orientation). Written last first, the file
    gives LibreOffice's legend the source's order, and changes nothing for PowerPoint or for
    a reader of ``c:order``."""
    element = plot._element
    sers = element.findall(qn("c:ser"))
    if len(sers) < 2:
        return
    after = sers[-1].getnext()
    for ser in sers:
        element.remove(ser)
    for ser in sers:  # each inserted before the previous one: last first
        if after is None:
            element.append(ser)
        else:
            after.addprevious(ser)
        after = ser
