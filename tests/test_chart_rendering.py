"""Native charts as LibreOffice draws them: a pie's small slices, right-to-left charts.

Each chart is drawn with :func:`deckgen.deck.charts.add_chart` on a slide of its own, the deck
converted to PDF by LibreOffice once for the module, and pdfplumber reads where every word is.
A pie's small slices are labelled outside, on leader lines, their labels apart; more small
slices than the rule allows are one "Other" slice (in the brief's language) that names them, in
the deck as in the PDF's figure. A chart for a right-to-left brief is mirrored: the first
category at the right, the value axis on the right, the legend on the left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib import rc_context
from matplotlib.figure import Figure as MplFigure
from pptx import Presentation
from pptx.oxml.ns import qn

from deckgen import model as m
from deckgen.deck.charts import add_chart
from deckgen.deck.geometry import Box
from deckgen.deck.slides import ChartData
from deckgen.errors import Loc
from deckgen.figures import drawing
from deckgen.i18n.catalogue import labels_for
from deckgen.theme import load_theme
from helpers import charts_as_drawn

REPO = Path(__file__).resolve().parents[1]
THEME = load_theme(REPO / "templates" / "theme.yaml")
BOX = Box(40, 100, 874, 400)

SMALL = ChartData("pie", ("Large", "Middle", "Tiny", "Smaller", "Smallest"),
                  (("Share", (62.0, 30.0, 3.0, 3.0, 2.0)),))
MANY_SMALL = ChartData("pie", ("Large", "Middle", "Tiny", "Smaller", "Smallest", "Least"),
                       (("Share", (60.0, 30.0, 3.0, 3.0, 2.0, 2.0)),))
TWO_SERIES = (("First", (3.0, 4.0, 5.0)), ("Second", (2.0, 3.0, 4.0)))
CHARTS = {
    "small": (SMALL, "en"),
    "many-small": (MANY_SMALL, "en"),
    "many-small-fr": (MANY_SMALL, "fr"),
    "column-ar": (ChartData("column", ("Alpha", "Beta", "Gamma"), TWO_SERIES), "ar"),
    "column-en": (ChartData("column", ("Alpha", "Beta", "Gamma"), TWO_SERIES), "en"),
    "bar-ar": (ChartData("bar", ("Alpha", "Beta", "Gamma"), TWO_SERIES), "ar"),
}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """``{name: (chart, words)}``: each chart's python-pptx chart and its words as LibreOffice
    draws them."""
    return charts_as_drawn(CHARTS, BOX, THEME, tmp_path_factory.mktemp("charts"))


def _box(words, text: str):
    found = [w for w in words if w["text"] == text]
    assert found, f"{text!r} not drawn: {[w['text'] for w in words]}"
    return found[0]


def _overlap(a, b) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_small_slices_labels_are_drawn_apart_by_libreoffice(drawn):
    chart, words = drawn["small"]
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            assert not _overlap(a, b), (a["text"], b["text"])
    small = [_box(words, name) for name in ("Tiny", "Smaller", "Smallest")]
    assert [w["top"] for w in small] == sorted(w["top"] for w in small)  # stacked, in order
    assert all(w["x0"] > BOX.x + BOX.w / 2 for w in small)  # at the pie's right side
    pie = chart.plots[0]._element
    assert pie.find(qn("c:firstSliceAng")).get("val") != "0"
    for dlbls in pie.iter(qn("c:dLbls")):
        assert dlbls.find(qn("c:showLeaderLines")).get("val") == "1"
        assert dlbls.find(qn("c:dLblPos")).get("val") == "outEnd"


def test_many_small_slices_are_one_other_slice_naming_them(drawn):
    chart, words = drawn["many-small"]
    assert tuple(chart.plots[0].categories) == ("Large", "Middle", "Other")
    assert chart.plots[0].series[0].values == (60.0, 30.0, 10.0)
    text = " ".join(w["text"] for w in words)
    assert "Other 10%" in text
    assert "(Tiny, Smaller, Smallest and Least)" in text
    chart, words = drawn["many-small-fr"]
    assert tuple(chart.plots[0].categories)[-1] == labels_for("fr")["other"] == "Autres"


def test_the_pdf_pie_groups_the_same_slices_and_says_which():
    figure = m.Figure("f", 1, "pie", "T", "", "alt", "source", "",
                      MANY_SMALL.categories, (m.Series("Share", MANY_SMALL.series[0][1]),), (), Loc("x"))
    with rc_context(drawing.figure_rc(THEME)):
        fig = MplFigure(figsize=drawing.PDF_SIZE, layout="constrained")
        ax = fig.add_subplot()
        drawing.draw_pie(ax, figure, THEME, None)
    texts = {t.get_text() for t in ax.texts}
    assert {"60%", "30%", "10%", "Large", "Middle", "Other"} <= texts
    assert not texts & {"Tiny 3%", "Smaller 3%", "Smallest 2%", "Least 2%"}
    assert ax.get_xlabel() == "Other: Tiny, Smaller, Smallest and Least."


def test_a_right_to_left_column_chart_is_mirrored(drawn):
    chart, words = drawn["column-ar"]
    alpha, gamma = _box(words, "Alpha"), _box(words, "Gamma")
    assert alpha["x0"] > gamma["x1"]  # the first category at the right
    axis = [w for w in words if w["text"] == "0"]
    assert axis and all(w["x0"] > alpha["x0"] for w in axis)  # the value axis right of the plot
    first, second = _box(words, "First"), _box(words, "Second")
    assert first["x1"] < gamma["x0"] and first["top"] < second["top"]  # legend on the left, in order
    assert chart.category_axis._element.find(qn("c:scaling")).find(qn("c:orientation")).get("val") == "maxMin"
    english, _ = drawn["column-en"]
    assert english.category_axis._element.find(qn("c:scaling")).find(qn("c:orientation")).get("val") == "minMax"


def test_a_right_to_left_bar_chart_grows_leftwards(drawn):
    chart, words = drawn["bar-ar"]
    zero, six = _box(words, "0"), _box(words, "6")
    assert six["x1"] < zero["x0"]  # the values grow to the left
    alpha, gamma = _box(words, "Alpha"), _box(words, "Gamma")
    assert alpha["top"] < gamma["top"] and alpha["x0"] > zero["x0"] - 20  # first at the top, right
    assert chart.value_axis._element.find(qn("c:scaling")).find(qn("c:orientation")).get("val") == "maxMin"


def test_a_project_s_word_for_other_reaches_the_deck(tmp_path):
    """A project's ``templates/labels.en.yaml`` may rename "Other": the planner hands the
    brief's word to the chart, as the PDF's figure takes it."""
    from deckgen.deck.plan import chart_data

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "labels.en.yaml").write_text('other: "Rest of Asia"\n', encoding="utf-8")
    figure = m.Figure(id="shares", kind="pie", title="Shares", caption="", alt="Shares.", source="",
                      units="", categories=list(MANY_SMALL.categories),
                      series=[m.Series(name="Share", values=list(MANY_SMALL.series[0][1]))],
                      number=1, events=[], labels=labels_for("en", templates),
                      loc=Loc("figures/shares.yaml", 1, 1))
    data = chart_data(figure)
    assert data.other == "Rest of Asia"
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    chart = add_chart(slide, data, BOX, THEME, "units", "Noto Sans", "Noto Sans CJK JP").chart
    assert tuple(chart.plots[0].categories)[-1] == "Rest of Asia"
