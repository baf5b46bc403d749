"""The written deck, read back with python-pptx: native charts with the brief's numbers, alt
text, pictures at 200 dpi or more, body type of 18 pt or more, notes, footer and slide-number
fields, clean text, stable bytes, reference-template layouts by name, and parity with the PDF.

The example and the stress case (tests/cases/stress) are built once; the stress build is shared
with test_deck_client.py through :func:`stress_build_once`.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Pt
from pypdf import PdfReader

from conftest import write_deck
from deckgen.cli import main
from deckgen.deck.oxml import clean
from deckgen.deck.parity import comparable, missing_points
from deckgen.deck.plan import plan_slides
from deckgen.deck.slides import Bullet
from deckgen.deck.template import deck_geometry, require_layouts
from deckgen.errors import EnvironmentProblem
from deckgen.figures.kinds import KINDS
from deckgen.load.loader import load_project
from helpers import project_parts, reference_template, stress_build_once, timeline_pngs

REPO = Path(__file__).resolve().parents[1]
STRESS = REPO / "tests" / "cases" / "stress"
CHART_TYPES = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS, "pie": XL_CHART_TYPE.PIE,
               "area": XL_CHART_TYPE.AREA, "scatter": XL_CHART_TYPE.XY_SCATTER,
               ("column", "stacked"): XL_CHART_TYPE.COLUMN_STACKED,
               ("area", "percent"): XL_CHART_TYPE.AREA_STACKED_100}
EMU_PER_INCH = 914400

# ---- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stress_build(tmp_path_factory):
    return stress_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def built(example_build, stress_build):
    """``{case: (brief, deck, build result)}`` for the example and the stress case."""
    out = {}
    for case, result in (("example", example_build), ("stress", stress_build)):
        root = result.outputs["pptx"].parents[1]
        out[case] = (load_project(root), Presentation(result.outputs["pptx"]), result)
    return out


@pytest.fixture(scope="module")
def example_parts():
    return project_parts(REPO)


def shapes(deck):
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            yield number, slide, shape


# ---- charts and pictures -----------------------------------------------------------------------

@pytest.mark.parametrize("case", ["example", "stress"])
def test_chart_figures_are_native_charts_with_the_briefs_numbers(built, case):
    brief, deck, _ = built[case]
    charts = {shape.name: shape.chart for _, _, shape in shapes(deck) if shape.has_chart}
    expected = [f for f in brief.figures if KINDS[f.kind].native]
    assert len(charts) == len(expected)
    for figure in expected:
        chart = charts[figure.label]
        stacking = (figure.kind, figure.options.stacked)
        assert chart.chart_type == CHART_TYPES[stacking if figure.options.stacked else figure.kind]
        plot = chart.plots[0]
        if figure.x_values:  # a scatter chart: points, not categories (tests/test_chart_kinds.py)
            continue
        assert tuple(plot.categories) == figure.categories
        assert [(s.name, tuple(s.values)) for s in plot.series] == [(s.name, s.values) for s in figure.series]


def test_bar_and_column_value_axes_start_at_zero_unless_values_are_negative(built):
    brief, deck, _ = built["stress"]
    charts = {shape.name: shape.chart for _, _, shape in shapes(deck) if shape.has_chart}
    for figure in brief.figures:
        if figure.kind in ("bar", "column"):
            negative = min(v for s in figure.series for v in s.values) < 0
            assert charts[figure.label].value_axis.minimum_scale == (None if negative else 0)
    bar = next(f for f in brief.figures if f.kind == "bar")
    assert charts[bar.label].category_axis.reverse_order  # first category on top, as in the brief
    _, example, _ = built["example"]
    column = next(shape.chart for _, _, shape in shapes(example) if shape.has_chart)
    assert column.value_axis.minimum_scale == 0


def test_charts_wear_the_theme(built, example_parts):
    _, theme = example_parts
    _, deck, _ = built["example"]
    chart = next(shape.chart for _, _, shape in shapes(deck) if shape.has_chart)
    fill = chart.plots[0].series[0].format.fill
    assert str(fill.fore_color.rgb) == theme.series_colours[0].lstrip("#").upper()
    assert chart.font.name == theme.fonts["deck"]


@pytest.mark.parametrize("case", ["example", "stress"])
def test_every_chart_and_picture_has_the_figures_alt_text(built, case):
    brief, deck, _ = built[case]
    alts = {f.label: f.alt for f in brief.figures}
    seen = 0
    for _, _, shape in shapes(deck):
        if shape.has_chart or shape.shape_type == 13:  # 13: picture
            c_nv_pr = shape._element.find(".//" + qn("p:cNvPr"))
            assert c_nv_pr.get("descr") == alts[shape.name]
            seen += 1
    assert seen == len(brief.figures)


@pytest.mark.parametrize("case", ["example", "stress"])
def test_pictures_are_placed_at_200_dpi_or_more(built, case):
    _, deck, _ = built[case]
    pictures = [shape for _, _, shape in shapes(deck) if shape.shape_type == 13]
    assert pictures
    for picture in pictures:
        pixels_w, pixels_h = picture.image.size
        assert pixels_w / (picture.width / EMU_PER_INCH) >= 199.5
        assert pixels_h / (picture.height / EMU_PER_INCH) >= 199.5


# ---- text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["example", "stress"])
def test_body_text_is_18_pt_or_more_with_autofit_off(built, case):
    _, deck, _ = built[case]
    bodies = [shape for _, _, shape in shapes(deck) if shape.name == "Body"]
    assert bodies
    for body in bodies:
        body_pr = body.text_frame._txBody.find(qn("a:bodyPr"))
        assert body_pr.get("wrap") == "square"
        assert body_pr.find(qn("a:normAutofit")) is None and body_pr.find(qn("a:spAutoFit")) is None
        for para in body.text_frame.paragraphs:
            for run in para.runs:
                assert run.font.size >= Pt(18)


@pytest.mark.parametrize("case", ["example", "stress"])
def test_every_slide_but_the_title_has_speaker_notes(built, case):
    _, deck, _ = built[case]
    for slide in list(deck.slides)[1:]:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def test_chart_slides_notes_give_the_source(built):
    brief, deck, _ = built["stress"]
    for figure in brief.figures:
        slide = next(s for s in deck.slides if any(sh.name == figure.label for sh in s.shapes))
        assert f"Source: {figure.source}" in slide.notes_slide.notes_text_frame.text


@pytest.mark.parametrize("case", ["example", "stress"])
def test_footer_and_slide_number_field_on_every_slide_but_the_covers(built, case):
    brief, deck, _ = built[case]
    for number, slide in enumerate(deck.slides, start=1):
        names = {shape.name: shape for shape in slide.shapes}
        if slide.name.startswith(("title-", "closing-")):
            assert "Footer" not in names
            continue
        assert names["Footer"].text_frame.text.endswith(brief.meta.distribution)
        field = names["Slide number"].text_frame._txBody.find(".//" + qn("a:fld"))
        assert field.get("type") == "slidenum"
        assert field.findtext(qn("a:t")) == str(number)


def test_text_is_cleaned_of_characters_xml_cannot_hold(example_parts):
    brief, theme = example_parts
    plans = plan_slides(brief, theme)
    index = next(i for i, p in enumerate(plans) if p.bullets)
    dirty = Bullet("Trade\x01 reached\x0b $52\ufffe billion\x1f.")
    plans[index] = dataclasses.replace(plans[index], bullets=(dirty,), notes="Say\x02 this.")
    deck = Presentation(io.BytesIO(write_deck(plans, brief, theme, timeline_pngs(brief, theme))))
    slide = deck.slides[index]
    body = next(shape for shape in slide.shapes if shape.name == "Body")
    assert body.text_frame.text == "Trade reached  $52 billion."
    assert slide.notes_slide.notes_text_frame.text == "Say this."
    assert clean("a\tb\x00c") == "a bc"


def test_the_same_input_gives_the_same_bytes(example_parts):
    brief, theme = example_parts
    plans = plan_slides(brief, theme)
    pngs = timeline_pngs(brief, theme)
    assert write_deck(plans, brief, theme, pngs) == write_deck(plans, brief, theme, pngs)


# ---- reference template ------------------------------------------------------------------------

@pytest.mark.parametrize("aspect", ["4:3", "16:9"])
def test_a_reference_templates_layouts_are_used_by_name(example_parts, tmp_path, aspect):
    brief, theme = example_parts
    template = reference_template(tmp_path / "reference.pptx", aspect)
    geometry = deck_geometry(theme, template)
    plans = plan_slides(brief, theme, geometry)
    deck = Presentation(io.BytesIO(write_deck(plans, brief, theme, timeline_pngs(brief, theme), template)))
    assert deck.slide_width == Presentation(template).slide_width
    assert len(deck.slides) == len(plans)
    for plan, slide in zip(plans, deck.slides):
        assert slide.slide_layout.name == plan.layout
        title = next(shape for shape in slide.shapes if shape.name == "Title")
        assert title.is_placeholder and title.text_frame.text == plan.title
        if plan.bullets and plan.areas.body is not None:  # not the points beside a figure
            body = next(shape for shape in slide.shapes if shape.name == "Body")
            assert body.is_placeholder and body.placeholder_format.idx == 1
            assert round(body.width / 12700, 1) == round(plan.areas.body.w, 1)


def test_the_plan_measures_with_the_templates_placeholder_boxes(example_parts, tmp_path):
    brief, theme = example_parts
    template = reference_template(tmp_path / "reference.pptx")
    geometry = deck_geometry(theme, template)
    layout = next(lay for lay in Presentation(template).slide_layouts if lay.name == "Title and Content")
    body = next(ph for ph in layout.placeholders if ph.placeholder_format.idx == 1)
    assert geometry.areas["points"].body.w == body.width / 12700
    assert geometry.width == 720 and geometry.height == 540
    wide = plan_slides(brief, theme)
    narrow = plan_slides(brief, theme, geometry)
    assert sum(len(p.bullets) for p in narrow) == sum(len(p.bullets) for p in wide)
    assert min(p.body_size for p in narrow if p.bullets) <= min(p.body_size for p in wide if p.bullets)


def test_a_missing_layout_is_an_environment_problem_naming_it(example_parts, tmp_path):
    brief, theme = example_parts
    theme = dataclasses.replace(theme, deck={**theme.deck, "section_dividers": "always"})
    template = reference_template(tmp_path / "reference.pptx", drop_layout="Section Header")
    geometry = deck_geometry(theme, template)  # a layout is required once the plan uses it
    with pytest.raises(EnvironmentProblem, match="no slide layout named 'Section Header'"):
        require_layouts(geometry, plan_slides(brief, theme, geometry))


def test_plans_for_another_slide_size_are_refused(example_parts, tmp_path):
    brief, theme = example_parts
    template = reference_template(tmp_path / "reference.pptx")
    plans = plan_slides(brief, theme)  # planned for the default 16:9 drawing
    with pytest.raises(EnvironmentProblem, match="another slide size"):
        write_deck(plans, brief, theme, timeline_pngs(brief, theme), template)


# ---- parity between the two built files ----------------------------------------------------------

def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def deck_text(deck) -> str:
    """The bodies of all slides in order: an item split over slides reads on unbroken."""
    return " ".join(shape.text_frame.text for _, _, shape in shapes(deck) if shape.name == "Body")


def comparable_numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)*", text)


@pytest.mark.parametrize("case", ["example", "stress"])
def test_every_key_point_of_the_brief_is_in_the_deck(built, case):
    brief, deck, _ = built[case]
    assert missing_points(brief, deck_text(deck)) == []


@pytest.mark.parametrize("case", ["example", "stress"])
def test_the_key_points_the_pdf_shows_are_in_the_deck_word_for_word(built, case):
    brief, deck, result = built[case]
    pdf = comparable(pdf_text(result.outputs["pdf"]))
    shown = [p for p in brief.key_points if comparable(p) in pdf]
    assert len(shown) >= sum(1 for s in brief.sections if s.key_points)  # at least the headlines
    assert [p for p in shown if comparable(p) in comparable(deck_text(deck))] == shown


def test_every_number_on_a_key_point_slide_of_the_example_is_in_the_pdf(built):
    """The PDF lists only each section's headline point, so the others' numbers must be in its
    prose (true of the example; the stress case's prose is a stub)."""
    _, deck, result = built["example"]
    pdf = comparable(pdf_text(result.outputs["pdf"]))
    for slide in deck.slides:
        if slide.name.startswith(("points-", "recommendations-")):
            body = next(shape for shape in slide.shapes if shape.name == "Body")
            for number in comparable_numbers(body.text_frame.text):
                assert number in pdf, (slide.name, number)


def test_the_parity_reading_would_notice_a_changed_number(built):
    brief, deck, _ = built["example"]
    text = re.sub(r"\$52 billion", "$25 billion", deck_text(deck))
    assert missing_points(brief, text) == ["Bilateral trade reached $52 billion in 2022."]


# ---- the reference template through `deckgen build` --------------------------------------------

def test_deckgen_build_uses_the_projects_reference_template(make_project, minimal_files, capsys):
    project = make_project(minimal_files)
    (project.root / "templates").mkdir()
    reference_template(project.root / "templates" / "reference.pptx", "16:9")
    assert main(["build", str(project.root), "--only", "pptx", "--quiet"]) == 0
    deck = Presentation(project.build_dir / "a-minimal-brief.pptx")
    assert [s.slide_layout.name for s in deck.slides][:2] == ["Title Slide", "Title and Content"]


def test_deckgen_check_names_a_layout_the_reference_template_lacks(make_project, minimal_files, capsys):
    project = make_project(minimal_files)
    (project.root / "templates").mkdir()
    reference_template(project.root / "templates" / "reference.pptx", drop_layout="Title Only")
    assert main(["check", str(project.root)]) == 2
    assert "no slide layout named 'Title Only'" in capsys.readouterr().err


def test_a_templates_theme_font_is_named_and_measured_by_its_twin(example_parts, tmp_path):
    brief, theme = example_parts
    template = reference_template(tmp_path / "reference.pptx", "16:9", font="Arial")
    geometry = deck_geometry(theme, template)
    assert (geometry.font, geometry.font_metrics) == ("Arial", "Liberation Sans")
    plans = plan_slides(brief, theme, geometry)
    deck = Presentation(io.BytesIO(write_deck(plans, brief, theme, timeline_pngs(brief, theme), template)))
    body = next(s for slide in deck.slides for s in slide.shapes if s.name == "Body")
    assert {run.font.name for p in body.text_frame.paragraphs for run in p.runs} == {"Arial"}


def test_a_template_font_without_a_twin_falls_back_to_the_themes(example_parts, tmp_path):
    _, theme = example_parts
    template = reference_template(tmp_path / "reference.pptx", font="Futura Obscura")
    geometry = deck_geometry(theme, template)
    assert (geometry.font, geometry.font_metrics) == ("", "")
