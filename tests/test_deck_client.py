"""The deck opens in a real client and nothing runs off a slide.

LibreOffice converts each deck headless to PDF (all decks in one call, once per module: each
conversion costs seconds), pdfplumber reads the position of every word, and every word must lie
inside the box of a shape whose text holds it (a chart's words inside the chart), and on the
slide. A text shape's box is its python-pptx position in EMU over 12 700 (1 pt = 12 700 EMU);
the PDF page is the slide.

Decks: the example (with a picture figure), the stress case (tests/cases/stress: with a table over three slides and a ``kind: table`` figure, each
word of a table inside its own cell), the example written into the layouts
of a 4:3 and of a 16:9 reference template, a brief citing the 33 works of
tests/cases/citations/refs.bib (key points with citations and source lines, a long reference
list), and a deliberately unfitted deck that must be caught.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
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
    story_build_once,
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


CITATIONS = Path(__file__).parent / "cases" / "citations" / "refs.bib"
CITING_BRIEF = """\
title: A brief citing many works
date: 2026-01-15
authors:
  - name: Test Unit
sections: [one]
bibliography: refs.bib
"""
CITING_SECTION = """\
---
title: What the literature says about maritime order in East Asia
key_points:
  - Institutions for collective action outlast the crises that made them [@ostrom1990, pp. 90–102].
  - Fisheries disputes are settled by coast guards before diplomats [see @lee2021; @park2018, ch. 3].
  - Sea-level rise moves baselines, and with them maritime zones [@ward2018, 330; @unclos1982].
---
"""


def _citing_deck(root: Path, out: Path) -> Path:
    """A brief whose key points cite works and whose prose cites all 33 of the corpus."""
    keys = re.findall(r"^@\w+\{([^,\s]+),", CITATIONS.read_text(encoding="utf-8"), re.MULTILINE)
    (root / "source" / "sections").mkdir(parents=True)
    (root / "source" / "brief.yaml").write_text(CITING_BRIEF, encoding="utf-8")
    shutil.copy(CITATIONS, root / "source" / "refs.bib")
    prose = " ".join(f"A claim [@{key}]." for key in keys)
    (root / "source" / "sections" / "one.md").write_text(CITING_SECTION + prose + "\n",
                                                        encoding="utf-8")
    project = Project.at(root)
    brief = load_project(project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    out.write_bytes(write_deck(plan_slides(brief, theme), brief, theme, {}))
    return out


@pytest.fixture(scope="module")
def stress_build(tmp_path_factory):
    return stress_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def story_build(tmp_path_factory):
    return story_build_once(tmp_path_factory)


@pytest.fixture(scope="module")
def rendered(example_build, stress_build, story_build, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """``{case: (pptx, pdf)}``, every deck converted by LibreOffice in one run."""
    work = tmp_path_factory.mktemp("decks")
    example_root = example_build.outputs["pptx"].parents[1]
    decks = {
        "example": example_build.outputs["pptx"],
        "stress": stress_build.outputs["pptx"],
        "story": story_build.outputs["pptx"],
        "template": _template_deck(example_root, work / "template-deck.pptx", "4:3"),
        "template-16x9": _template_deck(example_root, work / "template-16x9-deck.pptx", "16:9", "Arial"),
        "citations": _citing_deck(work / "citing", work / "citing-deck.pptx"),
        "unfitted": _unfitted_deck(example_root, work / "unfitted-deck.pptx"),
    }
    pdfs = libreoffice_pdfs(list(decks.values()), work)
    return {name: (deck, pdf) for (name, deck), pdf in zip(decks.items(), pdfs)}


# ---- tests -------------------------------------------------------------------------------------

CASES = ["example", "stress", "story", "template", "template-16x9", "citations"]


@pytest.mark.parametrize("case", CASES)
def test_every_word_lies_inside_its_shape_and_on_the_slide(rendered, case):
    pptx, pdf = rendered[case]
    assert misplaced_words(pptx, pdf) == []


def test_a_long_reference_list_is_split_over_slides(rendered):
    pptx, _ = rendered["citations"]
    titles = [shape.text_frame.text for slide in Presentation(pptx).slides
              for shape in slide.shapes if shape.name == "Title"]
    assert titles.count("References") == 1 and titles.count("References (cont.)") >= 1


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


def test_libreoffice_reads_the_bullets_revealed_one_by_one(story_build, tmp_path):
    """The story deck asks for its bullets one by one: LibreOffice, saving it as ODP, keeps one
    click-started "appear" effect per bullet of the slide."""
    import zipfile

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
         "--convert-to", "odp", "--outdir", str(tmp_path), str(story_build.outputs["pptx"])],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    deck = Presentation(story_build.outputs["pptx"])
    revealed = [len(next(s for s in slide.shapes if s.name == "Body").text_frame.paragraphs)
                for slide in deck.slides if slide._element.find(qn("p:timing")) is not None]
    assert revealed
    (odp,) = tmp_path.glob("*.odp")
    content = zipfile.ZipFile(odp).read("content.xml").decode("utf-8")
    assert content.count('presentation:node-type="on-click"') == sum(revealed)
    assert content.count('presentation:preset-id="ooo-entrance-appear"') == sum(revealed)


def _page_of(pptx: Path, found) -> int:
    """The number of the first slide of ``pptx`` with a shape ``found`` accepts."""
    return next(number for number, slide in enumerate(Presentation(pptx).slides, start=1)
                if any(found(shape) for shape in slide.shapes))


def _alt(shape) -> str:
    return shape._element.find(".//" + qn("p:cNvPr")).get("descr") or ""


def test_the_picture_slide_and_a_table_figures_slide_are_drawn_inside_their_shapes(rendered):
    """The example's map (a picture figure) and the stress case's ``kind: table`` figure, as
    LibreOffice draws them: their words on the page, each inside its shape or table cell."""
    example, example_pdf = rendered["example"]
    picture = _page_of(example, lambda s: s.shape_type == 13 and "islands" in _alt(s).lower())
    stress, stress_pdf = rendered["stress"]
    table = _page_of(stress, lambda s: s.has_table and s.table.cell(0, 1).text == "Exports")
    for pptx, pdf, number, words in ((example, example_pdf, picture, {"Figure", "Source:"}),
                                     (stress, stress_pdf, table, {"Exports", "Services", "33.0", "2022"})):
        with pdfplumber.open(pdf) as document:
            shown = {w["text"] for w in document.pages[number - 1].extract_words()}
        assert words <= shown, (pptx.name, number, sorted(shown))
        assert [p for p in misplaced_words(pptx, pdf) if p.startswith(f"slide {number}:")] == []
