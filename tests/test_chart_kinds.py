"""More chart kinds and their data, read as the reader and the speaker meet them.

Stacked and 100 % stacked bars and columns, areas, scatter charts and unmarked lines are native
charts in the deck, of the right type, with the source's series in the source's order and its
values (a blank CSV cell or ``null`` a gap, said in the notes); in the PDF the legend sits inside
the figure's box and off the bars; a label on a dark fill is light; small pie slices are
labelled outside without colliding; one number format reads alike in the PDF, the chart and the
notes; a chart spec the kinds cannot draw is a located error.
"""

from __future__ import annotations

import io
import math
import shutil
import textwrap
from pathlib import Path

import pdfplumber
import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn

from conftest import MINIMAL
from deckgen import model as m
from deckgen.build.pipeline import BuildOptions, build
from deckgen.cli import main
from deckgen.errors import Loc
from deckgen.figures import drawing
from deckgen.figures.colours import contrast
from deckgen.figures.options import DEFAULT, ChartOptions
from deckgen.project import Project
from deckgen.theme import load_theme

REPO = Path(__file__).resolve().parents[1]
THEME = load_theme(REPO / "templates" / "theme.yaml")
DARK, LIGHT = THEME.colour("text"), THEME.colour("background")
PRIMARY = THEME.series_colours[0]

FIGURES = {
    "stacked": """\
        kind: column
        title: Trade by kind, stacked
        alt: Stacked columns of trade by year.
        source: Test data
        units: billion dollars
        stacked: true
        format: "decimal:1"
        y_title: US$ billion
        data:
          csv: data/trade.csv
          category: year
          series:
            - column: goods
              name: Goodsflow
            - column: services
              name: Serviceflow
              colour: "#D9A441"
        """,
    "shares": """\
        kind: bar
        title: Shares by country
        alt: Bars stacked to 100 per cent.
        source: Test data
        stacked: percent
        format: integer
        data:
          categories: [Japan, Korea]
          series:
            - name: Yes
              values: [30, 45]
            - name: No
              values: [70, 55]
        """,
    "clustered": """\
        kind: bar
        title: Two series side by side
        alt: Horizontal bars, two series.
        source: Test data
        data:
          categories: [North, South, East]
          series:
            - name: Alphaseries
              values: [3, 5, 4]
            - name: Betaseries
              values: [6, 2, 7]
        """,
    "area": """\
        kind: area
        title: Areas with a gap
        alt: Two overlapping areas; the first has no value for 2020.
        source: Test data
        x_title: Year
        data:
          categories: ["2019", "2020", "2021"]
          series:
            - name: Upper
              values: [5, null, 6]
            - name: Lower
              values: [2, 3, 4]
        """,
    "area-stacked": """\
        kind: area
        title: Areas stacked
        alt: Two stacked areas.
        source: Test data
        stacked: true
        data:
          categories: ["2019", "2020", "2021"]
          series:
            - name: Bottom
              values: [1, 2, 3]
            - name: Top
              values: [2, 2, 2]
        """,
    "points": """\
        kind: scatter
        title: Trade against distance
        alt: Four labelled points; Germany has no trade figure.
        source: Test data
        x_title: Distance
        y_title: Trade
        data:
          x: [1.2, 2.1, 9.5, 11]
          categories: [Korea, China, America, Germany]
          series:
            - name: Trade
              values: [52, 300, 210, null]
        """,
    "plain-line": """\
        kind: line
        title: A line without markers
        alt: A line of percentages.
        source: Test data
        markers: false
        format: percent
        data:
          categories: [Q1, Q2, Q3]
          series:
            - name: Rate
              values: [12.5, 45, 7.25]
        """,
    "pie-small": """\
        kind: pie
        title: Slices large and small
        alt: A pie with three small slices.
        source: Test data
        data:
          categories: [Large, Middle, Tiny, Smaller, Smallest]
          series:
            - name: Share
              values: [62, 30, 3, 3, 2]
        """,
}
TRADE_CSV = "year,goods,services\n2018,30.5,6.2\n2019,28.4,\n2020,25.3,4.8\n"


def chart_project(root: Path) -> Project:
    """The minimal project with every figure of FIGURES placed in its one section."""
    files = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}
    places = "\n\n".join(f"![](fig:{name})" for name in FIGURES)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "![](fig:chart)", "![](fig:chart)\n\n" + places)
    files.update({f"source/figures/{name}.yaml": textwrap.dedent(text) for name, text in FIGURES.items()})
    files["source/data/trade.csv"] = TRADE_CSV
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Project.at(root)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("charts")
    project = chart_project(root)
    result = build(project, BuildOptions())
    deck = Presentation(io.BytesIO(result.outputs["pptx"].read_bytes()))
    return result, deck


def charts_by_title(deck) -> dict[str, tuple]:
    """Each native chart by its slide's title, with the slide's notes."""
    found = {}
    for slide in deck.slides:
        frames = [s for s in slide.shapes if s.has_chart]
        if frames:
            title = slide.shapes.title.text_frame.text if slide.shapes.title else next(
                s.text_frame.text for s in slide.shapes if s.has_text_frame and s.name.startswith("Title"))
            found[title] = (frames[0].chart, slide.notes_slide.notes_text_frame.text)
    return found


def series_of(chart) -> list[tuple[str, tuple]]:
    return [(s.name, tuple(s.values)) for s in chart.plots[0].series]


# ---- each kind native in the deck ------------------------------------------------------------------

EXPECTED = {
    "Trade by kind, stacked": (XL_CHART_TYPE.COLUMN_STACKED,
                               [("Goodsflow", (30.5, 28.4, 25.3)), ("Serviceflow", (6.2, None, 4.8))]),
    "Shares by country": (XL_CHART_TYPE.BAR_STACKED_100, [("Yes", (30.0, 45.0)), ("No", (70.0, 55.0))]),
    "Two series side by side": (XL_CHART_TYPE.BAR_CLUSTERED,
                                [("Alphaseries", (3.0, 5.0, 4.0)), ("Betaseries", (6.0, 2.0, 7.0))]),
    "Areas with a gap": (XL_CHART_TYPE.AREA, [("Upper", (5.0, None, 6.0)), ("Lower", (2.0, 3.0, 4.0))]),
    "Areas stacked": (XL_CHART_TYPE.AREA_STACKED, [("Bottom", (1.0, 2.0, 3.0)), ("Top", (2.0, 2.0, 2.0))]),
    "A line without markers": (XL_CHART_TYPE.LINE, [("Rate", (12.5, 45.0, 7.25))]),
    "Trade against distance": (XL_CHART_TYPE.XY_SCATTER, [("Trade", (52.0, 300.0, 210.0))]),
}


@pytest.mark.parametrize("title", sorted(EXPECTED))
def test_each_chart_kind_is_a_native_chart_of_its_type_with_the_source_series_in_order(built, title):
    chart, _ = charts_by_title(built[1])[title]
    chart_type, series = EXPECTED[title]
    assert chart.chart_type == chart_type
    assert series_of(chart) == series


def test_a_scatter_chart_has_its_x_values_and_its_point_labels(built):
    chart, notes = charts_by_title(built[1])["Trade against distance"]
    (series,) = chart.plots[0].series
    x_values = [float(v.text) for v in series._element.findall(f"{qn('c:xVal')}//{qn('c:v')}")]
    assert x_values == [1.2, 2.1, 9.5]  # Germany has no y value: no point
    labels = [p.data_label.text_frame.text for p in list(series.points)]
    assert labels == ["Korea", "China", "America"]
    assert chart.category_axis.axis_title.text_frame.text == "Distance"
    assert chart.value_axis.axis_title.text_frame.text == "Trade"
    assert "Korea: 1.2, 52" in notes and "(no value for Germany)" in notes


def test_deck_legends_sit_below_the_plot_in_the_source_order(built):
    charts = charts_by_title(built[1])
    for title in ("Trade by kind, stacked", "Two series side by side", "Areas with a gap"):
        chart, _ = charts[title]
        assert chart.has_legend and chart.legend.position == XL_LEGEND_POSITION.BOTTOM
        assert chart.legend.include_in_layout is False  # not laid over the plot
        orders = [int(s._element.find(qn("c:order")).get("val")) for s in chart.plots[0].series]
        assert orders == sorted(orders)
    assert [s.name for s in charts["Two series side by side"][0].plots[0].series] == ["Alphaseries", "Betaseries"]


def test_series_colours_and_axis_titles_reach_the_deck(built):
    chart, _ = charts_by_title(built[1])["Trade by kind, stacked"]
    fills = [str(s.format.fill.fore_color.rgb) for s in chart.plots[0].series]
    assert fills == [PRIMARY.lstrip("#").upper(), "D9A441"]
    assert chart.value_axis.axis_title.text_frame.text == "US$ billion"


# ---- missing values -------------------------------------------------------------------------------

def test_a_blank_cell_is_a_gap_in_the_deck_said_in_the_notes(built):
    chart, notes = charts_by_title(built[1])["Trade by kind, stacked"]
    services = chart.plots[0].series[1]
    indexes = [int(pt.get("idx")) for pt in services._element.find(qn("c:val")).iter(qn("c:pt"))]
    assert indexes == [0, 2]  # no point for 2019
    blanks = chart._chartSpace.chart.find(qn("c:dispBlanksAs"))
    assert blanks.get("val") == "gap"
    assert ("Serviceflow: 2018: 6.2 billion dollars; 2020: 4.8 billion dollars (no value for 2019).") in notes
    _, area_notes = charts_by_title(built[1])["Areas with a gap"]
    assert "(no value for 2020)" in area_notes


def test_a_blank_cell_is_no_bar_and_no_label_in_the_pdf_figure():
    figure = _figure("column", ("2018", "2019"), (m.Series("A", (3.0, 4.0)), m.Series("B", (2.0, None))),
                     ChartOptions(stacked="stacked"))
    fig = _drawn(figure)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
    assert [h for h in heights if not math.isnan(h) and h > 0] == [3.0, 4.0, 2.0]  # no segment for B in 2019
    assert sorted(t.get_text() for t in ax.texts if t.get_text()) == ["2", "3", "4"]


def test_a_build_with_gaps_is_at_parity_and_warns_of_nothing(built):
    result, _ = built
    assert not [w for w in result.warnings if "figure" in str(w)]


# ---- the PDF figure: legends off the data, labels that read --------------------------------------

def test_pdf_legend_is_inside_the_figure_box_and_off_the_bars(built):
    result, _ = built
    colours = {_pdf_colour(c) for c in THEME.series_colours} | {_pdf_colour("#D9A441")}
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        checked = 0
        for page in pdf.pages:
            words = {w["text"]: w for w in page.extract_words()}
            for name in ("Goodsflow", "Alphaseries", "Betaseries", "Serviceflow"):
                if name not in words:
                    continue
                word = words[name]
                bars = [r for r in page.rects if _rgb(r.get("non_stroking_color")) in colours]
                boxes = [r for r in page.rects if _rgb(r.get("non_stroking_color")) == (1.0, 1.0, 1.0)
                         and r["width"] > 300 and _inside(word, r)]
                assert boxes, f"legend entry {name} is outside every figure box"
                assert bars and not any(_overlap(word, bar) for bar in bars), name
                checked += 1
    assert checked == 4


def test_matplotlib_legends_are_below_the_axes_and_cover_no_data():
    figures = [
        _figure("bar", ("a", "b", "c"), (m.Series("One", (5.0, 9.0, 7.0)), m.Series("Two", (9.0, 8.0, 9.5)))),
        _figure("column", ("a", "b"), (m.Series("One", (5.0, 9.0)), m.Series("Two", (9.0, 8.0))),
                ChartOptions(stacked="stacked")),
        _figure("line", ("a", "b"), (m.Series("One", (5.0, 9.0)), m.Series("Two", (9.0, 8.0)))),
        _figure("area", ("a", "b"), (m.Series("One", (5.0, 9.0)), m.Series("Two", (9.0, 8.0)))),
    ]
    for figure in figures:
        fig = _drawn(figure)
        renderer = fig.canvas.get_renderer()
        (legend,) = fig.legends
        box = legend.get_window_extent(renderer)
        plot = fig.axes[0].get_window_extent(renderer)
        assert box.y1 <= plot.y0, figure.kind  # below the plot, not over it
        whole = fig.bbox
        assert whole.x0 <= box.x0 and box.x1 <= whole.x1 and whole.y0 <= box.y0
        assert [t.get_text() for t in legend.get_texts()] == ["One", "Two"]
        assert len(legend.legend_handles) == 2  # a swatch per series


def test_labels_on_dark_fills_switch_to_light_text():
    figure = _figure("column", ("a",), (m.Series("Dark", (5.0,)), m.Series("Pale", (5.0,), "#F2E6C9")),
                     ChartOptions(stacked="stacked"))
    ax = _drawn(figure).axes[0]
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours == {"5": LIGHT} or len(ax.texts) == 2
    dark, pale = ax.texts
    assert dark.get_color() == LIGHT and pale.get_color() == DARK
    assert contrast(PRIMARY, LIGHT) > contrast(PRIMARY, DARK)
    pie = _drawn(_figure("pie", ("a", "b"), (m.Series("S", (60.0, 40.0)),))).axes[0]
    share = next(t for t in pie.texts if t.get_text() == "60%")
    assert share.get_color() == LIGHT  # on the theme's darkest, first colour


def test_deck_segment_labels_on_dark_fills_are_light(built):
    chart, _ = charts_by_title(built[1])["Trade by kind, stacked"]
    goods, services = chart.plots[0].series
    assert str(goods.data_labels.font.color.rgb) == LIGHT.lstrip("#").upper()
    assert str(services.data_labels.font.color.rgb) == DARK.lstrip("#").upper()


def test_small_pie_slices_are_labelled_outside_and_their_labels_do_not_collide():
    figure = _figure("pie", ("Large", "Middle", "Tiny", "Smaller", "Smallest"),
                     (m.Series("Share", (62.0, 30.0, 3.0, 3.0, 2.0)),))
    fig = _drawn(figure)
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    small = [t for t in ax.texts if t.get_text() in ("Tiny 3%", "Smaller 3%", "Smallest 2%")]
    assert len(small) == 3
    for text in small:
        x, y = text.get_position()
        assert (x * x + y * y) ** 0.5 > 1.1  # outside the pie's radius of 1
    boxes = [Text.get_window_extent(t, renderer) for t in ax.texts if t.get_text()]  # text, not leader
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


# ---- one number format -------------------------------------------------------------------------

def test_one_number_format_in_the_pdf_the_chart_and_the_notes(built):
    result, deck = built
    chart, notes = charts_by_title(deck)["A line without markers"]
    assert chart.plots[0].data_labels.number_format == '#,##0.00"%"'
    assert "Q1: 12.50%; Q2: 45.00%; Q3: 7.25%." in notes
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "Trade by kind, stacked" in text and "28.4" in text
    shares, shares_notes = charts_by_title(deck)["Shares by country"]
    assert shares.value_axis.tick_labels.number_format == "0%"
    assert "Japan: 30; Korea: 45." in shares_notes


# ---- bad specs, located ------------------------------------------------------------------------

def _spec(extra: str = "", data: str = "  categories: [a, b]\n  series:\n    - name: Values\n      values: [1, 2]\n",
          kind: str = "column") -> str:
    return (f"kind: {kind}\ntitle: A chart\nalt: Two columns.\nsource: Test data\n{extra}data:\n{data}")


BAD = {
    "stacked-maybe": (_spec("stacked: maybe\n"),
                      "source/figures/chart.yaml:5:10: stacked: invalid value 'maybe' (true, false or percent)"),
    "stacked-pie": (_spec("stacked: true\n", kind="pie"),
                    ("source/figures/chart.yaml:5:10: stacked: a pie chart cannot be stacked (a kind "
                    "that stacks: bar, column, area)")),
    "scatter-without-x": (_spec(kind="scatter"),
                          ("source/figures/chart.yaml:5:1: data.x: a scatter chart needs x values "
                          "(x: [1.5, 2, ...] (one per point), or data.csv with x: COLUMN)")),
    "x-on-a-column": (_spec(data="  x: [1, 2]\n  categories: [a, b]\n  series:\n    - values: [1, 2]\n"),
                      ("source/figures/chart.yaml:6:3: data.x: a column chart has no x values (x only "
                      "in a scatter chart; categories for this kind)")),
    "bad-colour": (_spec(data="  categories: [a, b]\n  series:\n    - values: [1, 2]\n      colour: blue\n"),
                   ("source/figures/chart.yaml:9:15: data.series.0.colour: invalid colour 'blue' "
                   '(a colour as "#RRGGBB", such as "#1B365D")')),
    "unknown-format": (_spec("format: percnt\n"),
                       ("source/figures/chart.yaml:5:9: format: unknown number format 'percnt' "
                       "(did you mean 'percent'?)")),
    "percent-stack-negative": (_spec("stacked: percent\n", data="  categories: [a, b]\n  series:\n"
                                     "    - values: [1, -2]\n"),
                               ("source/figures/chart.yaml:5:10: stacked: a 100 % stacked chart "
                               "cannot show negative values (true, or no stacking)")),
    "pie-with-a-gap": (_spec(kind="pie", data="  categories: [a, b]\n  series:\n    - values: [1, null]\n"),
                       ("source/figures/chart.yaml:5:1: data: a pie chart needs a value for every "
                       "slice (a number in every row; leave out a category with no value)")),
    "series-all-missing": (_spec(data="  categories: [a, b]\n  series:\n    - name: Empty\n"
                                 "      values: [null, null]\n"),
                           ("source/figures/chart.yaml:5:1: data.series: series 'Empty' has no value "
                           "at all (at least one value; a blank cell or null is a missing value)")),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_chart_spec_is_a_located_error(case, tmp_path, capsys):
    text, message = BAD[case]
    files = {name: textwrap.dedent(t).lstrip("\n") for name, t in MINIMAL.items()}
    files["source/figures/chart.yaml"] = text
    for name, body in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    code = main(["check", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert message in err


def test_a_blank_csv_cell_is_not_an_error_but_a_word_still_is(tmp_path, capsys):
    project = chart_project(tmp_path)
    assert main(["check", str(project.root)]) == 0
    (tmp_path / "source/data/trade.csv").write_text(TRADE_CSV.replace("2019,28.4,", "2019,28.4,n/a"))
    assert main(["check", str(project.root)]) == 1
    assert ("source/data/trade.csv:3:3: services: 'n/a' is not a number (a number such as 2.4, "
            "at most 1e+15 in size, or a blank cell for no value)") in capsys.readouterr().err
    shutil.rmtree(tmp_path / "source")


# ---- helpers ---------------------------------------------------------------------------------

def _figure(kind: str, categories, series, options: ChartOptions = DEFAULT) -> m.Figure:
    return m.Figure("f", 1, kind, "T", "", "alt", "source", "", tuple(categories), tuple(series), (),
                    Loc("x"), options)


def _drawn(figure: m.Figure):
    with rc_context(drawing.figure_rc(THEME)):
        fig = drawing.draw(figure, THEME)
        FigureCanvasAgg(fig).draw()
    return fig


def _pdf_colour(hex_colour: str) -> tuple[float, ...]:
    value = hex_colour.lstrip("#")
    return tuple(round(int(value[i:i + 2], 16) / 255, 2) for i in (0, 2, 4))


def _rgb(colour) -> tuple[float, ...] | None:
    if not colour or len(colour) != 3:
        return None
    return tuple(round(float(c), 2) for c in colour)


def _overlap(a: dict, b: dict) -> bool:
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _inside(a: dict, box: dict) -> bool:
    return box["x0"] <= a["x0"] and a["x1"] <= box["x1"] and box["top"] <= a["top"] and a["bottom"] <= box["bottom"]


def test_a_value_between_two_gaps_is_still_drawn_in_an_area_or_unmarked_line():
    for kind, options in (("area", DEFAULT), ("line", ChartOptions(markers=False))):
        figure = _figure(kind, ("2019", "2020", "2021"), (m.Series("Upper", (5.0, None, 6.0)),), options)
        ax = _drawn(figure).axes[0]
        dots = [line for line in ax.lines if line.get_marker() == "o"]
        assert len(dots) == 1 and list(dots[0].get_ydata()) == [5.0, 6.0], kind
