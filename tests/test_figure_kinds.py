"""Figure kinds declared once (deckgen.figures.kinds) and numbers written one way.

Every kind the schema accepts is drawn by its declared function and, where it names a native
chart type, becomes that PowerPoint chart; a value reads the same in the PDF's figure, the deck's
chart labels and the speaker notes.
"""

from __future__ import annotations

import io
import textwrap

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.figures import drawing
from deckgen.figures.kinds import KINDS
from deckgen.figures.numbers import chart_decimals, excel_number_format, format_number


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_is_drawn_by_its_declared_function_and_charted_as_declared(kind):
    declared = KINDS[kind]
    assert declared.table or callable(getattr(drawing, declared.drawer))
    if declared.native:
        assert isinstance(getattr(XL_CHART_TYPE, declared.native_chart), int)


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1234.5, None, "1,234.5"), (2.4, None, "2.4"), (52, None, "52"), (1_000_000, None, "1,000,000"),
    (0.1 + 0.2, None, "0.3"), (-0.0004, None, "0"), (3, 2, "3.00"), (1234.5678, None, "1,234.568"),
])
def test_numbers_are_written_one_way(value, decimals, text):
    assert format_number(value, decimals) == text


def test_a_chart_shows_every_value_with_the_decimals_its_most_precise_value_needs():
    assert chart_decimals([1, 2.5, 3.25]) == 2
    assert excel_number_format(2) == "#,##0.00"
    assert excel_number_format(0) == "#,##0"


def test_a_value_reads_the_same_in_the_pdf_the_deck_and_the_notes(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/figures/chart.yaml"] = textwrap.dedent("""\
        kind: column
        title: A chart
        alt: Two columns, 1,234.5 and 2.
        source: Test data
        data:
          categories: [a, b]
          series:
            - name: Values
              values: [1234.5, 2]
        """)
    project = make_project(files)
    result = build(project, BuildOptions())
    pdf_text = "".join(page.extract_text() for page in PdfReader(result.outputs["pdf"]).pages)
    assert "1,234.5" in pdf_text
    deck = Presentation(io.BytesIO(result.outputs["pptx"].read_bytes()))
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    assert charts[0].plots[0].data_labels.number_format == "#,##0.0"
    notes = " ".join(slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide)
    assert "a: 1,234.5" in notes
