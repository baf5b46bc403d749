"""Native charts as LibreOffice draws them: legends in the source's order, right to left.

Each chart is drawn with :func:`deckgen.deck.charts.add_chart` on a slide of its own, the deck
converted to PDF by LibreOffice once for the module, and pdfplumber reads where every word is.

- A horizontal bar chart with several series lists them in the source's order in its legend,
  below the plot (left to right) and, right to left, beside it (top down), while the chart's
  data stays in the source's order (``c:order``) and the first category on top.
- A scatter chart for a right-to-left brief is mirrored as its bar and column charts are: the x
  values grow leftwards, the y axis and its tick labels are at the right, the legend at the left.
- A right-to-left chart's vertical axis title sits at the right, beside its axis, clear of the
  tick labels and of the plot.
- The stress case's deck (the LibreOffice overflow test's) has a points slide with a callout in
  a box beneath the points, and LibreOffice draws every word of it inside its shape.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from deckgen.deck.geometry import Box
from deckgen.deck.slides import ChartData
from deckgen.figures.options import ChartOptions
from deckgen.theme import load_theme
from helpers import charts_as_drawn, libreoffice_pdfs, misplaced_words, stress_build_once

REPO = Path(__file__).resolve().parents[1]
THEME = load_theme(REPO / "templates" / "theme.yaml")
BOX = Box(40, 100, 874, 400)
NAMES = ("Alpha", "Bravo", "Charlie")
THREE = tuple(zip(NAMES, ((10.0, 20.0, 30.0), (15.0, 25.0, 35.0), (12.0, 22.0, 32.0))))
REGIONS = ("North", "South", "East")
TITLED = ChartOptions(x_title="Acrossward", y_title="Upwardtitle")
POINTS = ChartData("scatter", ("Korea", "China", "Usa"),
                   (("Trade", (52.0, 300.0, 210.0)), ("Aid", (40.0, 100.0, 90.0))),
                   x_values=(1.2, 2.1, 9.5), options=TITLED)
CHARTS = {
    "bar-en": (ChartData("bar", REGIONS, THREE), "en"),
    "bar-ar": (ChartData("bar", REGIONS, THREE), "ar"),
    "column-ar": (ChartData("column", REGIONS, THREE, options=TITLED), "ar"),
    "scatter-ar": (POINTS, "ar"),
    "scatter-en": (POINTS, "en"),
}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """``{name: (chart, words)}``: each chart's python-pptx chart and its words as LibreOffice
    draws them."""
    return charts_as_drawn(CHARTS, BOX, THEME, tmp_path_factory.mktemp("finish"))


def _word(words, text: str) -> dict:
    """The word ``text`` (rotated text is read backwards: either way)."""
    found = [w for w in words if w["text"] in (text, text[::-1])]
    assert found, f"{text!r} not drawn: {[w['text'] for w in words]}"
    return found[0]


def _numbers(words) -> list[dict]:
    return [w for w in words if w["text"].replace(".", "").isdigit()]


def _orientation(axis) -> str:
    return axis._element.find(qn("c:scaling")).find(qn("c:orientation")).get("val")


# ---- a horizontal bar chart's legend --------------------------------------------------------------

def test_a_horizontal_bar_charts_legend_lists_the_series_in_the_source_order(drawn):
    chart, words = drawn["bar-en"]
    legend = [_word(words, name) for name in NAMES]
    assert len({round(w["top"]) for w in legend}) == 1  # one row, below the plot
    assert [w["x0"] for w in legend] == sorted(w["x0"] for w in legend)  # Alpha, Bravo, Charlie
    assert all(w["top"] > _word(words, "East")["bottom"] for w in legend)
    # the chart's data as the source has it, the first category on top
    assert [s.name for s in chart.plots[0].series] == list(NAMES)
    assert [s.values for s in chart.plots[0].series] == [v for _, v in THREE]
    orders = [int(s._element.find(qn("c:order")).get("val")) for s in chart.plots[0].series]
    assert orders == [0, 1, 2]
    assert tuple(chart.plots[0].categories) == REGIONS and chart.category_axis.reverse_order
    north, east = _word(words, "North"), _word(words, "East")
    assert north["top"] < east["top"]


def test_a_right_to_left_bar_charts_legend_lists_the_series_top_down_in_the_source_order(drawn):
    chart, words = drawn["bar-ar"]
    legend = [_word(words, name) for name in NAMES]
    assert [w["top"] for w in legend] == sorted(w["top"] for w in legend)  # Alpha on top
    assert all(w["x1"] < min(n["x0"] for n in _numbers(words)) for w in legend)  # at the left
    assert [s.name for s in chart.plots[0].series] == list(NAMES)


# ---- a right-to-left scatter chart ---------------------------------------------------------------

def test_a_right_to_left_scatter_chart_is_mirrored(drawn):
    chart, words = drawn["scatter-ar"]
    assert _orientation(chart.category_axis) == "maxMin"  # the x values grow leftwards
    korea, usa = _word(words, "Korea"), _word(words, "Usa")
    assert usa["x1"] < korea["x0"]  # x 9.5 left of x 1.2
    y_ticks = [w for w in _numbers(words) if w["text"] in ("100", "200", "300")]
    assert y_ticks and all(w["x0"] > korea["x1"] for w in y_ticks)  # the y axis at the right
    trade = _word(words, "Trade")
    assert trade["x1"] < usa["x0"]  # the legend at the left
    for label in (korea, usa, _word(words, "China")):  # every point label on the chart
        assert BOX.x <= label["x0"] and label["x1"] <= BOX.x + BOX.w
    english, words = drawn["scatter-en"]
    assert _orientation(english.category_axis) == "minMax"
    assert _word(words, "Korea")["x1"] < _word(words, "Usa")["x0"]


# ---- a right-to-left chart's vertical axis title --------------------------------------------------

@pytest.mark.parametrize("name", ["column-ar", "scatter-ar"])
def test_a_right_to_left_value_axis_title_sits_at_the_right_beside_its_axis(drawn, name):
    _, words = drawn[name]
    title = _word(words, "Upwardtitle")
    ticks = _numbers(words)
    assert ticks
    rightmost = max(w["x1"] for w in ticks)
    assert title["x0"] >= rightmost  # right of the axis's tick labels, none under it
    assert title["x1"] <= BOX.x + BOX.w + 1  # on the chart
    middle = BOX.y + BOX.h / 2
    assert title["top"] < middle < title["bottom"] + 60  # about the height's middle
    across = _word(words, "Acrossward")
    assert across["top"] > max(w["bottom"] for w in ticks if w["x1"] < title["x0"] - 40) - 1


# ---- the stress case: a points slide with a callout ------------------------------------------------

@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    result = stress_build_once(tmp_path_factory)
    pptx = result.outputs["pptx"]
    (pdf,) = libreoffice_pdfs([pptx], tmp_path_factory.mktemp("stress-lo"))
    return pptx, pdf


def test_the_stress_deck_has_a_points_slide_with_a_callout_box_drawn_inside_its_shapes(stress):
    pptx, pdf = stress
    deck = Presentation(pptx)
    numbers = [n for n, slide in enumerate(deck.slides, start=1)
               if {"Body", "Callout heading", "Callout"} <= {s.name for s in slide.shapes}]
    assert numbers, "no points slide with a callout in the stress deck"
    number = numbers[0]
    slide = deck.slides[number - 1]
    texts = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
    assert texts["Callout heading"] == "Key fact: 12 years"
    assert texts["Body"].startswith("Monthly visitor numbers rose through 2022")
    body = next(s for s in slide.shapes if s.name == "Body")
    heading = next(s for s in slide.shapes if s.name == "Callout heading")
    assert body.top + body.height <= heading.top
    with pdfplumber.open(pdf) as document:
        shown = {w["text"] for w in document.pages[number - 1].extract_words()}
    assert {"Key", "fact:", "Twelve", "Exports"} <= shown, sorted(shown)
    assert [p for p in misplaced_words(pptx, pdf) if p.startswith(f"slide {number}:")] == []
