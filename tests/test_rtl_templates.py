"""An Arabic deck on an organisation's template is laid out right to left, as far as the template
lets it be, and what cannot be mirrored is said.

The small Arabic brief of ``tests/cases/lang`` (with key figures, a callout, a table and points
beside a chart, dividers forced on) is built on corpus templates (``tests/cases/templates``) as
``templates/reference.pptx``, and as its left-to-right twin (the same text under ``language:
en``). On templates whose artwork allows it (Metropolis: no lopsided artwork; Inspiration: a mark
at the top right that stays) every shape deckgen places in the Arabic deck sits where the twin's
is, mirrored about the slide's middle (x' = slide width - x - width); DNA, whose strand runs down
the left of every layout, keeps its layouts as drawn, and says so once per layout with the
artwork named. Paragraphs are ``rtl="1"``, aligned as the template aligns them mirrored (left
becomes right, a centred title stays centred, the slide number at the left is aligned left),
bullets hang on the right. A table's first column is at the right in python-pptx's reading of
the file and in LibreOffice's render alike (its columns written in the order they are seen, the
table not marked ``rtl``, which LibreOffice 7.4 ignores). LibreOffice draws every deck with no
word outside its shape.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.util import Emu

from deckgen.build.pipeline import BuildOptions, build
from helpers import libreoffice_pdfs, write_project
from language_projects import CENTRED, TEXTS, arabic_files, misplaced_words

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "cases" / "templates"
MIRRORED = ("Metropolis", "Inspiration")  # templates whose layouts deckgen mirrors
KEPT = "DNA"                              # a template whose artwork keeps its layouts as drawn


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, list]]:
    """{(template, "ar" or "ltr"): (the deck, the build's warnings)}; template "" for deckgen's
    own drawing (Arabic only)."""
    out = {}
    for template in (*MIRRORED, KEPT, CENTRED, ""):
        for name, language in (("ar", "ar"), ("ltr", "en")):
            if template in (CENTRED, "") and name == "ltr":
                continue
            root = tmp_path_factory.mktemp(f"rtl-{template or 'default'}-{name}")
            project = write_project(root, arabic_files(language, template or None))
            if template:
                shutil.copy(CORPUS / f"{template}.pptx", root / "templates" / "reference.pptx")
            result = build(project, BuildOptions(formats=("pptx",)))
            (deck,) = project.build_dir.glob("*.pptx")
            out[template, name] = (deck, [w.message for w in result.warnings])
    return out


@pytest.fixture(scope="module")
def rendered(decks, tmp_path_factory) -> dict[str, Path]:
    """LibreOffice's PDF of each Arabic deck, by template."""
    work = tmp_path_factory.mktemp("rtl-rendered")
    arabic = {}
    for (template, name), (deck, _) in decks.items():
        if name == "ar":  # one file name each: LibreOffice names the PDF after the deck
            arabic[template] = work / f"{template or 'default'}.pptx"
            shutil.copy(deck, arabic[template])
    return dict(zip(arabic, libreoffice_pdfs(list(arabic.values()), work)))


def pt(value: int) -> float:
    return round(Emu(value).pt, 1)


def placed(slide) -> list[tuple[str, float, float]]:
    """(name, x, width) in points of every shape on the slide (deckgen placed each one: the
    template's own artwork lives in its layouts and masters)."""
    return [(s.name, pt(s.left), pt(s.width)) for s in slide.shapes]


@pytest.mark.parametrize("template", MIRRORED)
def test_every_shape_deckgen_places_is_mirrored_on_the_template(decks, template):
    arabic, twin = Presentation(decks[template, "ar"][0]), Presentation(decks[template, "ltr"][0])
    width = pt(arabic.slide_width)
    assert [s.name for s in arabic.slides] == [s.name for s in twin.slides]
    moved = 0
    for ar_slide, ltr_slide in zip(arabic.slides, twin.slides):
        ar, ltr = placed(ar_slide), placed(ltr_slide)
        assert len(ar) == len(ltr), ar_slide.name
        for (name, x, w), (_, x0, w0) in zip(ar, ltr):
            assert (x, w) == pytest.approx((width - x0 - w0, w0), abs=0.2), (ar_slide.name, name)
            moved += abs(x - x0) > 1
    assert moved >= 10  # the template's boxes are not symmetric: mirroring moved them


def test_the_points_beside_a_chart_and_the_number_change_sides(decks):
    for name, points_right in (("ar", True), ("ltr", False)):
        slides = Presentation(decks["Metropolis", name][0]).slides
        slide = next(s for s in slides if s.name.startswith("two_content"))
        body = next(s for s in slide.shapes if s.name == "Body")
        chart = next(s for s in slide.shapes if getattr(s, "has_chart", False) and s.has_chart)
        assert (body.left > chart.left) is points_right
        agenda = next(s for s in slides if s.name.startswith("agenda"))
        footer = next(s for s in agenda.shapes if s.name == "Footer")
        number = next(s for s in agenda.shapes if s.name == "Slide number")
        assert (number.left < footer.left) is points_right


def test_a_template_s_artwork_that_stays_is_named_once_per_layout(decks):
    warnings = [w for w in decks["Inspiration", "ar"][1] if "right to left" in w]
    assert warnings == [(
        "layouts 'Title Slide', 'Title, Content', 'Title Only': right to left, deckgen mirrors "
        "the boxes it places but not the template's own artwork, which stays where the template "
        "draws it: shape (top right), shape (top) (give the template layouts drawn mirrored for "
        "right-to-left decks)")]
    assert [w for w in decks["Metropolis", "ar"][1] if "right to left" in w] == []
    assert [w for w in decks["Inspiration", "ltr"][1] if "right to left" in w] == []


def test_layouts_whose_artwork_would_be_covered_are_kept_and_said(decks):
    """DNA's boxes stay where the template has them (what a box holds still reads from the
    right: a divider's progress marks, the points beside a chart)."""
    arabic, twin = Presentation(decks[KEPT, "ar"][0]), Presentation(decks[KEPT, "ltr"][0])
    for ar_slide, ltr_slide in zip(arabic.slides, twin.slides):
        kept = ("Title", "Subtitle", "Footer", "Slide number", "Source")
        assert [p for p in placed(ar_slide) if p[0] in kept] == [p for p in placed(ltr_slide) if p[0] in kept]
    warnings = [w for w in decks[KEPT, "ar"][1] if "right to left" in w]
    assert len(warnings) == 3
    assert warnings[0].startswith(
        "layouts 'Title Slide', 'Title, Content' are not mirrored in this right-to-left deck (the "
        "text is right to left and right aligned): mirrored, the boxes deckgen places would lie "
        "over the template's artwork, or off it (shape (top left) x 16, shape (left) x 18, ")
    assert warnings[1].startswith("layout 'Title Only' is not mirrored in this right-to-left deck")
    assert warnings[2].startswith(
        "layout 'Title, Content': right to left, the footer and the slide number are kept where "
        "the template draws them: mirrored, they would lie over its artwork (shape (bottom left) x 6)")


def paragraphs(slide, name: str):
    return [p._p.get_or_add_pPr() for s in slide.shapes if s.name == name for p in s.text_frame.paragraphs]


def right_to_left_paragraphs(decks, template: str) -> None:
    """Every paragraph is rtl; titles and bodies right aligned or centred; bullets hang from
    the right."""
    slides = Presentation(decks[template, "ar"][0]).slides
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                for ppr in paragraphs(slide, shape.name):
                    assert ppr.get("rtl") == "1", (slide.name, shape.name)
                    if shape.name in ("Title", "Body", "Subtitle", "Callout"):
                        assert ppr.get("algn") in ("r", "ctr"), (slide.name, shape.name)
    points = next(s for s in slides if s.name.startswith("points"))
    bullets = paragraphs(points, "Body")
    assert bullets and all(p.get("algn") == "r" and int(p.get("marL")) > 0 and int(p.get("indent")) < 0
                           for p in bullets)  # hanging from the start: the right


def alignments(decks, template: str, slide: str, name: str) -> set[str]:
    slides = Presentation(decks[template, "ar"][0]).slides
    return {p.get("algn") for p in paragraphs(next(s for s in slides if s.name.startswith(slide)), name)}


def test_paragraphs_are_right_to_left_and_aligned_as_the_template_made_right_to_left(decks):
    """python-pptx's template centres its titles (its master's title style): they stay
    centred. Its slide number and Metropolis's are aligned right at the right: mirrored to the
    left, aligned left; DNA's, kept at the right, stays right-aligned; left-aligned titles
    become right-aligned. Every paragraph is rtl, bullets hang from the right."""
    assert alignments(decks, CENTRED, "title", "Title") == {"ctr"}
    assert alignments(decks, CENTRED, "agenda", "Title") == {"ctr"}
    assert alignments(decks, CENTRED, "agenda", "Body") == {"r"}
    for template, number in ((CENTRED, "l"), ("Metropolis", "l"), (KEPT, "r")):
        assert alignments(decks, template, "agenda", "Slide number") == {number}, template
    for template in (*MIRRORED, KEPT):
        assert alignments(decks, template, "agenda", "Title") == {"r"}, template
    for template in (*MIRRORED, KEPT, CENTRED):
        right_to_left_paragraphs(decks, template)


def tables(path: Path):
    return [s for slide in Presentation(path).slides for s in slide.shapes
            if getattr(s, "has_table", False) and s.has_table]


@pytest.mark.parametrize("template", ("", "Metropolis"))
def test_an_arabic_table_s_first_column_is_at_the_right_in_the_file_and_in_libreoffice(
        decks, rendered, template):
    year, visitors = TEXTS["ar"]["year"], TEXTS["ar"]["visitors"]
    (frame,) = tables(decks[template, "ar"][0])
    assert frame._element.xpath(".//a:tblPr")[0].get("rtl") is None
    table = frame.table
    assert [table.cell(0, c).text for c in range(2)] == [visitors, year]  # written as seen
    assert [table.cell(r, 1).text for r in (1, 2)] == ["2021", "2022"]
    for cell in (table.cell(0, 1), table.cell(1, 0)):
        ppr = cell.text_frame.paragraphs[0]._p.pPr
        assert ppr.get("rtl") == "1"
    number = next(i for i, s in enumerate(Presentation(decks[template, "ar"][0]).slides)
                  if s.name.startswith("table"))
    with pdfplumber.open(rendered[template]) as pdf:
        words = pdf.pages[number].extract_words()
    x = {w["text"]: w["x0"] for w in words}
    assert x["2021"] > x["12"]  # the years' column, first in the source, at the right


def test_libreoffice_draws_each_arabic_deck_inside_its_shapes(decks, rendered):
    """(LibreOffice's PDF maps a glyph of Noto Sans Arabic's it draws for a word's final meem at
    the end of a centred line, nothing visible, to "/": such a word is read without it.)"""
    for template in (*MIRRORED, KEPT, CENTRED, ""):
        problems = misplaced_words(decks[template, "ar"][0], rendered[template])
        assert [p for p in problems
                if not re.match(r"slide \d+: '/[\u0600-\u06ff]+' .* belongs to no shape$", p)] == [], template
