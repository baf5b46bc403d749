"""An Arabic deck is laid out as Arabic is read: its slides mirrored, right to left.

The small Arabic brief of ``tests/cases/lang`` (with three key figures) is built twice: in
Arabic, and as its left-to-right twin (the same text under ``language: en``). In the Arabic deck
each of deckgen's own marks sits where the twin's is, mirrored about the slide's middle
(x' = slide width - x - width): the accent rules under the titles and on the cover, the footer
and the slide number, a callout's bar, a divider's progress marks (the first section's at the
right), the key-figure strip (the first figure at the right) and the points beside a chart (the points at
the right). Bullets are right-to-left paragraphs, their hanging indent on the right. LibreOffice
draws the Arabic deck with every word inside its shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu

from deckgen.build.pipeline import BuildOptions, build
from helpers import libreoffice_pdfs, write_project
from language_projects import misplaced_words, project_files

REPO = Path(__file__).resolve().parents[1]

KEY_FIGURES = """key_figures:
  - value: "12 مليون"
    label: "زائر في عام 2021"
  - value: "15 مليون"
    label: "زائر في عام 2022"
  - value: "25%"
    label: "نمو الزيارات"
"""


def arabic_files(language: str) -> dict[str, str]:
    files = project_files("ar")
    files["source/brief.yaml"] = files["source/brief.yaml"].replace("language: ar", f"language: {language}")
    overview = files["source/sections/overview.md"]
    overview = overview.replace("> [!NOTE]\n", "> [!NOTE] ملاحظة {.deck}\n")  # a callout slide
    files["source/sections/overview.md"] = overview.replace("---\n", "---\n" + KEY_FIGURES, 1)
    # a second section, so that a divider's progress bar has two marks
    files["source/brief.yaml"] = files["source/brief.yaml"].replace("[overview, annex]", "[overview, more, annex]")
    files["source/sections/more.md"] = "---\ntitle: نظرة إلى الأمام\n---\nيتوقع الفريق مزيدا من الزوار.\n"
    theme = (REPO / "templates" / "theme.yaml").read_text(encoding="utf-8")
    files["templates/theme.yaml"] = theme.replace("  section_dividers: auto", "  section_dividers: always")
    return files


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    """{"ar": the Arabic deck, "ltr": its left-to-right twin}."""
    out = {}
    for name, language in (("ar", "ar"), ("ltr", "en")):
        project = write_project(tmp_path_factory.mktemp(f"rtl-{name}"), arabic_files(language))
        build(project, BuildOptions())
        (out[name],) = project.build_dir.glob("*.pptx")
    return out


def pt(value: int) -> float:
    return round(Emu(value).pt, 1)


def boxes(slide, wanted) -> list[tuple[float, float]]:
    """(x, w) in points of the shapes ``wanted(shape)`` picks, in the order written (their
    heights are the script's: Arabic lines are taller)."""
    return [(pt(s.left), pt(s.width)) for s in slide.shapes if wanted(s)]


def mirrored(box, width: float):
    x, w = box
    return (round(width - x - w, 1), w)


def rule(shape) -> bool:
    """An accent rule: a thin filled bar (the title's, 3 points; the cover's, 4)."""
    return shape.shape_type == 1 and round(Emu(shape.height).pt) in (3, 4)


MARKS = {
    "accent rules": rule,
    "footer": lambda s: s.name == "Footer",
    "slide number": lambda s: s.name == "Slide number",
    "key figures": lambda s: s.name in ("Key figure", "Key figure label"),
    "callout bar": lambda s: s.name == "Callout bar",
    "progress marks": lambda s: s.name.startswith("Progress "),
}


@pytest.mark.parametrize("mark", sorted(MARKS))
def test_deckgen_s_marks_are_mirrored_in_the_arabic_deck(decks, mark):
    arabic, twin = Presentation(decks["ar"]), Presentation(decks["ltr"])
    width = pt(arabic.slide_width)
    assert [s.name for s in arabic.slides] == [s.name for s in twin.slides]
    found = 0
    for ar_slide, ltr_slide in zip(arabic.slides, twin.slides):
        ar, ltr = boxes(ar_slide, MARKS[mark]), boxes(ltr_slide, MARKS[mark])
        assert len(ar) == len(ltr), (mark, ar_slide.name)
        assert [v for box in ar for v in box] == pytest.approx(
            [v for box in ltr for v in mirrored(box, width)], abs=0.2), (mark, ar_slide.name)
        found += len(ar)
        if mark != "accent rules" and ltr:  # a symmetric mark would prove nothing
            assert ar != ltr, (mark, ar_slide.name)
    assert found


def test_the_footer_is_at_the_right_and_the_number_at_the_left(decks):
    slide = next(s for s in Presentation(decks["ar"]).slides if s.name.startswith("agenda"))
    (footer,) = boxes(slide, MARKS["footer"])
    (number,) = boxes(slide, MARKS["slide number"])
    assert number[0] < footer[0]
    assert footer[0] + footer[1] == pytest.approx(960 - 43)


def test_the_first_key_figure_and_the_first_section_s_mark_are_at_the_right(decks):
    slides = Presentation(decks["ar"]).slides
    strip = next(s for s in slides if s.name.startswith("key_figures"))
    values = [(pt(s.left), s.text_frame.text) for s in strip.shapes if s.name == "Key figure"]
    assert [text for _, text in sorted(values, reverse=True)] == ["12 مليون", "15 مليون", "25%"]
    divider = next(s for s in slides if s.name.startswith("section"))
    marks = {s.name: pt(s.left) for s in divider.shapes if s.name.startswith("Progress ")}
    assert len(marks) == 2 and marks["Progress 1"] > marks["Progress 2"]


def test_the_points_beside_a_chart_are_at_its_right(decks):
    for path, points_right in ((decks["ar"], True), (decks["ltr"], False)):
        slide = next(s for s in Presentation(path).slides if s.name.startswith("two_content"))
        body = next(s for s in slide.shapes if s.name == "Body")
        chart = next(s for s in slide.shapes if getattr(s, "has_chart", False) and s.has_chart)
        assert (body.left > chart.left) is points_right


def test_a_callout_s_arabic_heading_is_shown_whole(decks):
    slide = next(s for s in Presentation(decks["ar"]).slides if s.name.startswith("callout"))
    (heading,) = [s for s in slide.shapes if s.name == "Callout heading"]
    assert heading.text_frame.text == "ملاحظة"


def test_bullets_are_right_to_left_with_their_indent_on_the_right(decks):
    slide = next(s for s in Presentation(decks["ar"]).slides if s.name.startswith("two_content"))
    body = next(s for s in slide.shapes if s.name == "Body")
    for para in body.text_frame.paragraphs:
        ppr = para._p.pPr
        assert ppr.get("rtl") == "1" and ppr.get("algn") == "r"
        assert int(ppr.get("marL")) > 0 and int(ppr.get("indent")) < 0  # from the start: the right


def test_libreoffice_draws_the_arabic_deck_inside_its_shapes(decks, tmp_path):
    (pdf,) = libreoffice_pdfs([decks["ar"]], tmp_path)
    assert misplaced_words(decks["ar"], pdf) == []
