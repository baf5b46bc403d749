"""The deck opens in a real client and nothing runs off a slide.

LibreOffice converts each deck headless to PDF (all decks in one call, once per module: each
conversion costs seconds), pdfplumber reads the position of every word, and every word must lie
inside the box of a shape whose text holds it (a chart's words inside the chart), and on the
slide. A text shape's box is its python-pptx position in EMU over 12 700 (1 pt = 12 700 EMU);
the PDF page is the slide.

Decks: the example, the stress case (tests/cases/stress: with a table over three slides, each
word of a table inside its own cell), the example written into the layouts
of a 4:3 and of a 16:9 reference template, and a deliberately unfitted deck that must be caught.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pypdf import PdfReader

from conftest import write_deck
from deckgen.deck.plan import plan_slides
from deckgen.deck.slides import Bullet, PointsSlide
from deckgen.deck.template import deck_geometry
from deckgen.load.loader import load_project
from deckgen.project import Project
from deckgen.theme import load_theme
from helpers import (
    EMU_PER_PT,
    libreoffice_pdfs,
    misplaced_words,
    reference_template,
    stress_build_once,
    timeline_pngs,
)


def _unfitted_deck(example_root: Path, out: Path) -> Path:
    """A deck whose plan was not fitted: 30 long bullets at 24 pt on one slide."""
    project = Project.at(example_root)
    brief = load_project(project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    plans = plan_slides(brief, theme)
    points = next(p for p in plans if p.kind == "points")
    long = "An unfitted bullet that carries on for a good while so that it wraps onto two lines."
    bad = PointsSlide("Overflowing on purpose", "notes", areas=points.areas,
                      bullets=tuple(Bullet(long) for _ in range(30)), body_size=24, number=1,
                      footer="footer", footer_box=points.footer_box, number_box=points.number_box)
    out.write_bytes(write_deck([bad], brief, theme, {}))
    return out


def _template_deck(example_root: Path, out: Path, aspect: str, font: str = "") -> Path:
    """The example written into a reference template's layouts."""
    project = Project.at(example_root)
    brief = load_project(project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    template = reference_template(out.with_suffix(".template.pptx"), aspect, font=font)
    plans = plan_slides(brief, theme, deck_geometry(theme, template))
    out.write_bytes(write_deck(plans, brief, theme, timeline_pngs(brief, theme), template))
    return out


@pytest.fixture(scope="module")
def stress_build(tmp_path_factory):
    return stress_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def rendered(example_build, stress_build, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """``{case: (pptx, pdf)}``, every deck converted by LibreOffice in one run."""
    work = tmp_path_factory.mktemp("decks")
    example_root = example_build.outputs["pptx"].parents[1]
    decks = {
        "example": example_build.outputs["pptx"],
        "stress": stress_build.outputs["pptx"],
        "template": _template_deck(example_root, work / "template-deck.pptx", "4:3"),
        "template-16x9": _template_deck(example_root, work / "template-16x9-deck.pptx", "16:9", "Arial"),
        "unfitted": _unfitted_deck(example_root, work / "unfitted-deck.pptx"),
    }
    pdfs = libreoffice_pdfs(list(decks.values()), work)
    return {name: (deck, pdf) for (name, deck), pdf in zip(decks.items(), pdfs)}


# ---- tests -------------------------------------------------------------------------------------

CASES = ["example", "stress", "template", "template-16x9"]


@pytest.mark.parametrize("case", CASES)
def test_every_word_lies_inside_its_shape_and_on_the_slide(rendered, case):
    pptx, pdf = rendered[case]
    assert misplaced_words(pptx, pdf) == []


def test_the_check_catches_an_unfitted_deck(rendered):
    problems = misplaced_words(*rendered["unfitted"])
    assert any("lies outside its shape 'Body'" in p for p in problems), problems


@pytest.mark.parametrize("case", CASES)
def test_libreoffice_opens_the_deck_one_page_per_slide_at_slide_size(rendered, case):
    pptx, pdf = rendered[case]
    deck = Presentation(pptx)
    pages = PdfReader(pdf).pages
    assert len(pages) == len(deck.slides)
    width, height = deck.slide_width / EMU_PER_PT, deck.slide_height / EMU_PER_PT
    for page in pages:
        assert abs(float(page.mediabox.width) - width) < 1
        assert abs(float(page.mediabox.height) - height) < 1


def test_every_slide_of_the_stress_deck_shows_text(rendered):
    """A blank page in the conversion would mean a slide LibreOffice could not draw."""
    _, pdf = rendered["stress"]
    with pdfplumber.open(pdf) as document:
        empty = [n for n, page in enumerate(document.pages, start=1) if not page.extract_words()]
    assert empty == []
