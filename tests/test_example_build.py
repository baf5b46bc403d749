"""The example brief builds, and both outputs carry its facts."""

from __future__ import annotations

import re
import subprocess

from pptx import Presentation
from pypdf import PdfReader


def pdf_text(path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def test_both_outputs_are_written(example_build):
    assert set(example_build.outputs) == {"pdf", "pptx"}
    assert example_build.outputs["pdf"].name == "japan-south-korea-relations.pdf"
    assert example_build.outputs["pptx"].stat().st_size > 10_000


def test_pdf_holds_the_briefs_facts(example_build):
    text = pdf_text(example_build.outputs["pdf"])
    for fact in ["$52 billion", "2.7 million", "1965", "Treaty on Basic Relations", "GSOMIA",
                 "Figure 1", "Figure 2", "Key takeaways", "References", "Smith, Sheila"]:
        assert fact in text, fact


def test_pdf_fonts_are_embedded(example_build):
    out = subprocess.run(["pdffonts", str(example_build.outputs["pdf"])], capture_output=True,
                         text=True, check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for row in out:
        assert re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", row), row


def test_deck_reopens_with_expected_slides_and_notes(example_build):
    deck = Presentation(example_build.outputs["pptx"])
    slides = list(deck.slides)
    assert len(slides) == example_build.slides
    titles = [next(s.text_frame.text for s in slide.shapes if s.name == "Title") for slide in slides]
    assert titles[0].startswith("History, Trade and Security")
    assert titles[1] == "Agenda"
    assert "Economic interdependence" in titles
    assert titles[-1] == "Questions and discussion"
    for slide in slides[1:]:
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def test_deck_has_a_native_chart_with_the_briefs_numbers(example_build):
    deck = Presentation(example_build.outputs["pptx"])
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) == 1
    values = list(charts[0].plots[0].series[0].values)
    assert values == [2.4, 2.7]


def test_figure_labels_are_real_text_in_the_pdf(example_build):
    """Figures are vector SVG with real text: a reader can search for a chart's labels."""
    text = pdf_text(example_build.outputs["pdf"])
    assert "South Korea → Japan" in text
    assert "Treaty on Basic" in text and "million visitors" in text
