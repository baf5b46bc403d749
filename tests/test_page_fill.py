"""Pages without holes: figures and tables float like a typesetter's.

Each page's empty fraction is measured from the rendered PDF, as a reader sees it: the largest
empty band of the text area (between the header's and the footer's margins) holding no text or
graphic, the band below the lowest one included. No page may be more than 15 % empty, unless it
is the last page or the next page opens the first section (which starts a page by design).
Figures and tables stay within a page of their first reference, and running headers fit one line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.project import Project
from helpers import stress_build_once
from page_measures import float_distances, header_lines, holes

REPO = Path(__file__).resolve().parents[1]
FLOATS = REPO / "tests" / "cases" / "floats"


@pytest.fixture(scope="module")
def floats_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("floats")
    shutil.copytree(FLOATS / "source", root / "source")
    return Project.at(root), build(Project.at(root), BuildOptions(formats=("pdf",)))


@pytest.fixture(scope="module")
def stress_build(tmp_path_factory):
    result = stress_build_once(tmp_path_factory)
    return Project.at(result.outputs["pdf"].parents[1]), result


@pytest.fixture(scope="module")
def example(example_build):
    return Project.at(example_build.outputs["pdf"].parents[1]), example_build


@pytest.mark.parametrize("case", ["example", "stress_build", "floats_build"])
def test_no_page_ends_more_than_15_percent_empty(case, request):
    project, result = request.getfixturevalue(case)
    assert holes(result.outputs["pdf"], project) == {}


@pytest.mark.parametrize("case", ["example", "stress_build", "floats_build"])
def test_figures_and_tables_stay_within_a_page_of_their_first_reference(case, request):
    project, result = request.getfixturevalue(case)
    distances = float_distances(result.outputs["pdf"], project)
    assert distances, "the case refers to its figures"
    far = {name: pages for name, pages in distances.items() if abs(pages[1] - pages[0]) > 1}
    assert far == {}


def test_the_short_section_keeps_its_floats_in_order_and_inside_it(floats_build):
    """The five figures and two tables keep their numbers' order, and none leaves its section:
    each lies after the section's heading and before the next section's."""
    _, result = floats_build
    reader = PdfReader(result.outputs["pdf"])
    text = re.sub(r"[ \t]+", " ", "\n".join(page.extract_text() for page in reader.pages))
    body = text[text.index("2 What the figures show\nBilateral"):]
    labels = ["Figure 1.", "Figure 2.", "Figure 3.", "Figure 4.", "Figure 5.", "Table 1.", "Table 2."]
    places = [body.index(label) for label in labels]
    assert places[:5] == sorted(places[:5]) and places[5] < places[6]
    assert max(places) < body.index("3 Outlook\nThe outlook")
    # and the paragraphs that moved up to fill the pages are whole and in their own order
    assert body.index("Two tables give the numbers") < body.index("Read together") < body.index("A last observation")


def test_the_floats_case_fills_its_pages_where_the_first_layout_left_holes(floats_build):
    """Without the second pass the case leaves holes (the figures are too tall to share a page
    with what comes after them); with it, the brief is no longer than before."""
    _, result = floats_build
    assert len(PdfReader(result.outputs["pdf"]).pages) <= 6


# ---- running headers: one line each ------------------------------------------------------------

def test_running_headers_fit_one_line_with_an_ellipsis_and_a_located_warning(stress_build):
    _, result = stress_build
    pages = header_lines(result.outputs["pdf"])
    assert all(len(page["right"]) <= 1 for page in pages), pages
    rights = [page["right"][0] for page in pages if page["right"]]
    assert "1 An overview with a deliberately long section title that goes…" in rights
    warnings = [w.format() for w in result.warnings if w.field == "title"]
    assert ("source/sections/overview.md:2:1: warning: title: too long for the running header, "
            "which shows 'An overview with a deliberately long section title that goes…' "
            "(a short_title: in the section's front matter, for the running header)") in warnings


def test_a_sections_short_title_is_its_running_header(make_project, minimal_files):
    minimal_files["source/sections/one.md"] = minimal_files["source/sections/one.md"].replace(
        "title: The only section\n",
        "title: The only section, whose title goes on about many things at some length here\n"
        "short_title: The only section\n")
    project = make_project(minimal_files)
    result = build(project, BuildOptions(formats=("pdf",)))
    rights = [page["right"] for page in header_lines(result.outputs["pdf"]) if page["right"]]
    assert ["1 The only section"] in rights
    assert not [w for w in result.warnings if "running header" in w.message]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_title_and_subtitle_leave_the_cover_foot_clear(stress_build, paper, tmp_path):
    """The stress case's 40-word title and subtitle: set smaller and higher, they end above the
    rule of the cover's foot (authors, organisation, date), on either paper."""
    project, result = stress_build
    pdf = result.outputs["pdf"]
    if paper == "letter":
        root = tmp_path / "letter"
        shutil.copytree(project.root / "source", root / "source")
        shutil.copytree(project.root / "templates", root / "templates")
        pdf = build(Project.at(root), BuildOptions(formats=("pdf",), paper="letter")).outputs["pdf"]
    with pdfplumber.open(pdf) as doc:
        cover = doc.pages[0]
        words = cover.extract_words(extra_attrs=["size"])
        foot = min(w["top"] for w in words if w["text"] == "Stress" and w["top"] > cover.height / 2)
        subtitle = [w for w in words if 13 < w["size"] < 15]
        assert subtitle and max(w["bottom"] for w in subtitle) < foot - 20
        assert len(doc.pages) >= 2 and "Stress" not in doc.pages[1].extract_text()[:200]
