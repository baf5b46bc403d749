"""Pages without holes on Letter paper as on A4, running headers that fit, and a contents page
with no entry alone on a page.

Letter is shorter and a little wider than A4, so the same brief breaks its pages elsewhere: the
float pass must fill them there too. The cases are the example, the stress case, the five
figures and two tables in a short section, and a brief tuned for the deck only (the story case),
on both papers. The measures are page_measures.py's, read from the rendered PDF.
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
from page_measures import MM, TOP_MARGIN, float_distances, header_lines, holes

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "cases"
LONG_TITLE = ("Managing History, Trade and Security at Once: What Two Close but Uneasy Neighbours "
              "Could Do Together Over the Next Decade")


def _built(root: Path, source: Path, paper: str, **options):
    shutil.copytree(source / "source", root / "source")
    if (source / "templates").is_dir():
        shutil.copytree(source / "templates", root / "templates")
    project = Project.at(root)
    return project, build(project, BuildOptions(formats=("pdf",), paper=paper, **options))


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    """Each case built on Letter, once."""
    builds = {}

    def get(case: str):
        if case not in builds:
            root = tmp_path_factory.mktemp(f"{case}-letter")
            source = REPO if case == "example" else CASES / case
            options = {"edition": "en"} if case == "example" else {}
            builds[case] = _built(root, source, "letter", **options)
        return builds[case]
    return get


@pytest.mark.parametrize("case", ["example", "stress", "floats", "story"])
def test_no_page_ends_more_than_15_percent_empty_on_letter(case, letter):
    project, result = letter(case)
    assert holes(result.outputs["pdf"], project) == {}


def test_the_story_case_has_no_holes_on_a4_either(tmp_path):
    project, result = _built(tmp_path / "story", CASES / "story", "a4")
    assert holes(result.outputs["pdf"], project) == {}


@pytest.mark.parametrize("case", ["example", "stress", "floats"])
def test_floats_stay_within_a_page_of_their_first_reference_on_letter(case, letter):
    project, result = letter(case)
    distances = float_distances(result.outputs["pdf"], project)
    assert distances
    assert {name: pages for name, pages in distances.items() if abs(pages[1] - pages[0]) > 1} == {}


# ---- the brief's running header (top left): one line, inside its box --------------------------

def _left_header_boxes(path: Path) -> list[tuple[list[dict], list[dict], float]]:
    """Each page's header words after the cover's, in its left box and its right box (the split
    brief.css gives them: 44 % and 54 % of the text width), and the left box's right edge."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[1:]:  # the cover has no header
            width = page.width - 44 * MM
            edge = 22 * MM + 0.44 * width
            words = [w for w in page.extract_words() if w["bottom"] < TOP_MARGIN]
            pages.append(([w for w in words if w["x0"] < page.width * 0.45],
                          [w for w in words if w["x0"] >= page.width * 0.45], edge))
    return pages


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_brief_title_is_shortened_to_one_line_of_its_header_box(
        make_project, minimal_files, paper):
    minimal_files["source/brief.yaml"] = minimal_files["source/brief.yaml"].replace(
        "title: A minimal brief", f'title: "{LONG_TITLE}"')
    project = make_project(minimal_files)
    result = build(project, BuildOptions(formats=("pdf",), paper=paper))
    pages = _left_header_boxes(result.outputs["pdf"])
    headed = [(left, right, edge) for left, right, edge in pages if left]
    assert headed, "the pages after the cover have a running header"
    for left, right, edge in headed:
        assert len({round(w["top"]) for w in left}) == 1  # one line
        assert max(w["x1"] for w in left) <= edge
        if right:
            assert max(w["x1"] for w in left) < min(w["x0"] for w in right)
    text = " ".join(w["text"] for w in headed[0][0])
    assert text.endswith("…") and text[:-1].rstrip() in LONG_TITLE
    shown = header_lines(result.outputs["pdf"])[1]["left"][0]
    warnings = [w.format() for w in result.warnings if "running header" in w.message]
    assert warnings == [(f"source/brief.yaml:1:1: warning: title: too long for the running header, "
                        f"which shows '{shown}' (a short_title: in brief.yaml, for the running header)")]


def test_a_short_title_that_fits_is_the_header_as_written(make_project, minimal_files):
    minimal_files["source/brief.yaml"] = minimal_files["source/brief.yaml"].replace(
        "title: A minimal brief", f'title: "{LONG_TITLE}"\nshort_title: "Neighbours at odds"')
    project = make_project(minimal_files)
    result = build(project, BuildOptions(formats=("pdf",)))
    lefts = [page["left"] for page in header_lines(result.outputs["pdf"]) if page["left"]]
    assert lefts and all(left == ["Neighbours at odds"] for left in lefts)
    assert not [w for w in result.warnings if "running header" in w.message]


def test_the_stress_cases_short_title_fits_its_header_on_letter(letter):
    _, result = letter("stress")
    for left, right, edge in _left_header_boxes(result.outputs["pdf"]):
        if left:
            assert len({round(w["top"]) for w in left}) == 1
            assert max(w["x1"] for w in left) <= edge


# ---- the contents: no entry alone on a page ----------------------------------------------------

@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_stress_cases_contents_end_on_their_page(letter, stress_paper_build, paper):
    """Eleven sections and the references: on either paper they fit the page they start on,
    "References" with them, and the first section starts on the next page."""
    _, result = letter("stress") if paper == "letter" else stress_paper_build
    reader = PdfReader(result.outputs["pdf"])
    texts = [page.extract_text() or "" for page in reader.pages]
    contents = next(n for n, text in enumerate(texts) if "Contents" in text.split("\n"))
    entries = texts[contents][texts[contents].index("Contents"):]
    assert "References" in entries and "11 A section with prose only" in entries
    first = reader.get_destination_page_number(reader.named_destinations["sec-overview"])
    assert first == contents + 1  # no page between with the contents' last lines


@pytest.fixture(scope="module")
def stress_paper_build(tmp_path_factory):
    result = stress_build_once(tmp_path_factory)
    return Project.at(result.outputs["pdf"].parents[1]), result


@pytest.mark.parametrize("count", [30, 50])
def test_no_page_of_the_contents_holds_one_entry_alone(make_project, minimal_files, count):
    """32 entries, one more than the page holds as the stylesheet sets them: set tighter, they
    fit it. 52: they run over two pages, and the second holds more than the last entry."""
    ids = [f"s{n:02d}" for n in range(count)]
    minimal_files["source/brief.yaml"] = minimal_files["source/brief.yaml"].replace(
        "sections: [one]", f"sections: [one, {', '.join(ids)}]")
    for n, sid in enumerate(ids):
        minimal_files[f"source/sections/{sid}.md"] = (
            f"---\ntitle: Section number {n} of the long list\n---\nA sentence for section {n}.\n")
    project = make_project(minimal_files)
    result = build(project, BuildOptions(formats=("pdf",)))
    texts = [page.extract_text() or "" for page in PdfReader(result.outputs["pdf"]).pages]
    entry = re.compile(r"(\d+ Section number \d+ of the long list|1 The only section|References) ?\d+$")
    entries = [sum(1 for line in text.split("\n") if entry.fullmatch(line.strip())) for text in texts]
    entries = [n for n in entries if n]
    assert sum(entries) == count + 2
    assert len(entries) == (1 if count == 30 else 2) and min(entries) >= 2
