"""The deck is safe to open and draws inside its slides, whatever the source or template holds.

- Chart workbooks: every text cell of every embedded workbook is a literal string, never a
  formula or a hyperlink, whatever it starts with (``=``, ``+``, ``-``, ``@``, a tab, a URL).
- Shaped text: letters with stacked combining marks, and scripts that shape (Devanagari, Thai,
  Arabic), are measured by their shaped width and their ink's height.
- Reference templates: the slide size, the placeholders' boxes and the zip itself are checked
  by ``deckgen check`` as by ``deckgen build``, with a message naming the template.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.cli import main

# ---- chart workbooks -----------------------------------------------------------------------------

HOSTILE_CELLS = [
    "=HYPERLINK(\"http://example.invalid/x\",\"click\")",
    "=1+1",
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "{=A1:A2}",
    "http://example.invalid/leak",
    "https://example.invalid/leak",
    "mailto:someone@example.invalid",
    "file:///\\\\host\\share\\x",
    "ftp://example.invalid/a",
    "external:other.xlsx",
    "\r=1+1",
    "_x0041_ literal",
]


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _chart_project(make_project, minimal_files, kind: str = "column") -> Path:
    """A project whose chart reads hostile category labels and a hostile series name from CSV."""
    rows = ["label,value"] + [f"{_csv_field(cell)},{index + 1}" for index, cell in enumerate(HOSTILE_CELLS)]
    files = dict(minimal_files)
    files["source/data/hostile.csv"] = "\n".join(rows) + "\n"
    files["source/figures/chart.yaml"] = (
        f"kind: {kind}\n"
        "title: A chart\n"
        "alt: Values by label.\n"
        "source: Test data\n"
        "data:\n"
        "  csv: data/hostile.csv\n"
        "  category: label\n"
        "  series:\n"
        "    - column: value\n"
        "      name: \"=cmd|' /C calc'!A0\"\n")
    return make_project(files).root


def _workbooks(pptx: Path) -> dict[str, zipfile.ZipFile]:
    deck = zipfile.ZipFile(pptx)
    return {name: zipfile.ZipFile(io.BytesIO(deck.read(name)))
            for name in deck.namelist() if name.endswith(".xlsx")}


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    """The shared strings' text as Excel reads it (``_xHHHH_`` escapes decoded)."""
    from lxml import etree

    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = etree.fromstring(book.read("xl/sharedStrings.xml"))
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    texts = ["".join(si.itertext()) for si in root.iterfind("s:si", ns)]
    unescape = re.compile(r"_x([0-9A-Fa-f]{4})_")
    return [unescape.sub(lambda m: chr(int(m.group(1), 16)), t) for t in texts]


def _built_deck(root: Path) -> Path:
    assert main(["build", str(root), "--only", "pptx", "--quiet"]) == 0
    return root / "build" / "a-minimal-brief.pptx"


@pytest.mark.parametrize("kind", ["column", "pie"])
def test_chart_workbooks_hold_no_formula_and_no_hyperlink(make_project, minimal_files, kind):
    root = _chart_project(make_project, minimal_files, kind)
    books = _workbooks(_built_deck(root))
    assert books
    for book in books.values():
        for name in book.namelist():
            text = book.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(r"<f[ >]", text), name
                assert "<hyperlinks" not in text, name
            if name.endswith(".rels"):
                assert "relationships/hyperlink" not in text, name
                assert 'TargetMode="External"' not in text, name
        assert not [n for n in book.namelist() if "calcChain" in n]


def test_chart_workbook_cells_are_the_literal_strings(make_project, minimal_files):
    root = _chart_project(make_project, minimal_files)
    (book,) = _workbooks(_built_deck(root)).values()
    strings = _shared_strings(book)
    expected = [cell.replace("\r", "").strip() for cell in HOSTILE_CELLS]
    for cell in expected + ["=cmd|' /C calc'!A0"]:
        assert cell in strings, cell
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    text_cells = re.findall(r'<c r="A\d+"[^>]*>', sheet)
    assert len(text_cells) == len(HOSTILE_CELLS)
    assert all('t="s"' in cell for cell in text_cells), text_cells
    frame = next(shape for slide in Presentation(root / "build" / "a-minimal-brief.pptx").slides
                 for shape in slide.shapes if getattr(shape, "has_chart", False) and shape.has_chart)
    assert list(frame.chart.plots[0].categories)[:2] == HOSTILE_CELLS[:2]
    assert frame.chart.plots[0].series[0].name == "=cmd|' /C calc'!A0"


# ---- reference templates: geometry ---------------------------------------------------------------

EMU_PER_INCH = 914400


def _template_project(make_project, minimal_files, prs) -> Path:
    project = make_project(minimal_files)
    (project.root / "templates").mkdir()
    prs.save(project.root / "templates" / "reference.pptx")
    return project.root


def _layout(prs, name: str):
    return next(layout for layout in prs.slide_layouts if layout.name == name)


def _body(layout):
    return next(ph for ph in layout.placeholders if ph.placeholder_format.idx == 1)


def _check_and_build(root: Path, capsys) -> tuple[int, int, str]:
    """Exit codes of ``check`` and ``build``, and what both wrote to stderr."""
    checked = main(["check", str(root)])
    built = main(["build", str(root), "--only", "pptx", "--quiet"])
    return checked, built, capsys.readouterr().err


def _assert_refused(root: Path, capsys, *expected: str) -> str:
    checked, built, err = _check_and_build(root, capsys)
    assert (checked, built) == (2, 2), err
    template = str(root / "templates" / "reference.pptx")
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 2 and lines[0] == lines[1], err  # the same one message from both
    assert lines[0].startswith(f"error: {template}: "), err
    for text in expected:
        assert text in lines[0], err
    assert "Traceback" not in err and "planned for another slide size" not in err
    assert not list((root / "build").glob("*.pptx"))
    return lines[0]


@pytest.mark.parametrize("inches", [(1, 1), (10, 1), (2, 7.5)])
def test_a_reference_template_with_too_small_slides_is_refused_by_check_and_build(
        make_project, minimal_files, capsys, inches):
    prs = Presentation()
    prs.slide_width, prs.slide_height = (int(v * EMU_PER_INCH) for v in inches)
    root = _template_project(make_project, minimal_files, prs)
    message = _assert_refused(root, capsys, "the reference template's slides are",
                              f"{inches[0]:.2f} x {inches[1]:.2f} in",
                              "smaller than the 360 x 180 pt (5.00 x 2.50 in) deckgen needs",
                              "Design > Slide Size")
    assert message.count("(") >= 2


def test_a_placeholder_reaching_past_the_slide_edge_is_cut_at_it(make_project, minimal_files, capsys):
    prs = Presentation()
    body = _body(_layout(prs, "Title and Content"))
    body.width = body.width + EMU_PER_INCH  # an inch past the right edge
    title = _layout(prs, "Title Only").placeholders[0]
    title.top = -int(EMU_PER_INCH / 4)  # a quarter inch above the top
    root = _template_project(make_project, minimal_files, prs)
    checked, built, err = _check_and_build(root, capsys)
    assert (checked, built) == (0, 0), err
    deck = Presentation(root / "build" / "a-minimal-brief.pptx")
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (slide.name, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (slide.name, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (slide.name, shape.name)


@pytest.mark.parametrize("where", ["off-right", "sliver", "tiny"])
def test_a_placeholder_that_cannot_hold_a_line_is_named(make_project, minimal_files, capsys, where):
    prs = Presentation()
    body = _body(_layout(prs, "Title and Content"))
    if where == "off-right":
        body.left = prs.slide_width - EMU_PER_INCH
    elif where == "sliver":
        body.top = prs.slide_height - int(EMU_PER_INCH / 8)
    else:
        body.width, body.height = int(EMU_PER_INCH / 2), int(EMU_PER_INCH / 2)
    root = _template_project(make_project, minimal_files, prs)
    _assert_refused(root, capsys, "layout 'Title and Content' (for agenda slides)",
                    "placeholder 'Content Placeholder 2' (index 1)",
                    "too small for one line of 18 pt text", "slide master view")


def test_a_title_placeholder_leaving_no_room_for_the_figure_is_named(make_project, minimal_files, capsys):
    prs = Presentation()
    title = _layout(prs, "Title Only").placeholders[0]
    left, top, width = title.left, title.top, title.width  # the master's, inherited
    title.left, title.top, title.width = left, top, width
    title.height = prs.slide_height - top - int(EMU_PER_INCH / 2)
    root = _template_project(make_project, minimal_files, prs)
    _assert_refused(root, capsys, "layout 'Title Only' (for figure slides)", "for a figure",
                    "at least 72 x 72 pt")


# ---- reference templates: the zip ----------------------------------------------------------------

def _template_with_entries(path: Path, entries: dict[str, bytes | int]) -> Path:
    """python-pptx's default template plus ``entries``: bytes as they are, an int as that many
    zero bytes (deflated, so a small file that unpacks large)."""
    Presentation().save(path)
    with zipfile.ZipFile(path, "a") as package:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with package.open(info, "w", force_zip64=True) as entry:
                if isinstance(content, bytes):
                    entry.write(content)
                    continue
                chunk = bytes(2**22)
                for _ in range(content // len(chunk)):
                    entry.write(chunk)
    return path


def _zip_project(make_project, minimal_files, entries) -> Path:
    project = make_project(minimal_files)
    (project.root / "templates").mkdir()
    _template_with_entries(project.root / "templates" / "reference.pptx", entries)
    return project.root


def test_a_template_entry_that_unpacks_hugely_is_refused_before_unpacking(make_project, minimal_files,
                                                                           capsys):
    import time

    root = _zip_project(make_project, minimal_files, {"ppt/media/unused.bin": 128 * 2**20})
    assert (root / "templates" / "reference.pptx").stat().st_size < 400_000
    start = time.perf_counter()
    _assert_refused(root, capsys, "entry 'ppt/media/unused.bin' of the reference template",
                    "unpacks to 128.0 MiB", "times its packed size (at most 100 times)",
                    "remove the entry")
    assert time.perf_counter() - start < 3


def test_a_template_zip_with_too_many_entries_is_refused(make_project, minimal_files, capsys):
    entries = {f"ppt/media/extra{n}.bin": b"x" for n in range(2_001)}
    root = _zip_project(make_project, minimal_files, entries)
    _assert_refused(root, capsys, "the reference template's zip holds", "files, more than the 2,000")


def test_a_template_unpacking_past_the_budget_is_refused(make_project, minimal_files, capsys, monkeypatch):
    """Entries that compress little, adding up past the unpacked budget (lowered for the test)."""
    import random

    from deckgen.deck import template

    monkeypatch.setattr(template, "TEMPLATE_MAX_UNPACKED", 2**20)
    noise = random.Random(7)
    entries = {f"ppt/media/noise{n}.bin": noise.randbytes(400_000) for n in range(3)}
    root = _zip_project(make_project, minimal_files, entries)
    checked = main(["check", str(root)])
    err = capsys.readouterr().err
    assert checked == 2, err
    assert "entry 'ppt/media/noise" in err and "takes the unpacked template past 1.0 MiB" in err


# ---- shaped text: stacked marks and complex scripts --------------------------------------------

ABOVE = "".join(chr(c) for c in range(0x0300, 0x0315))  # 21 combining marks set above a letter
BELOW = "".join(chr(c) for c in range(0x0316, 0x032B))  # 21 set below


def _zalgo(word: str, marks: str = ABOVE) -> str:
    return "".join(char + marks for char in word)


DEVANAGARI = "भारत और जापान के बीच व्यापार और सुरक्षा सहयोग बढ़ रहा है, क्षेत्रीय स्थिरता के लिए"
THAI = "ความสัมพันธ์ระหว่างญี่ปุ่นและเกาหลีใต้ ด้านการค้าและความมั่นคง"
ARABIC = "العلاقات بين اليابان وكوريا الجنوبية في التجارة والأمن والتاريخ المشترك"


@pytest.fixture(scope="module")
def fonts():
    from deckgen.deck.textfit import Fonts
    from deckgen.project import Project
    from deckgen.theme import load_theme

    theme = load_theme(Project.at(Path(__file__).resolve().parents[1]).template_file("theme.yaml"))
    return Fonts(theme.fonts["deck_metrics"], theme.fonts["deck_cjk"])


def _shaped_width(family: str, text: str, size: float) -> float:
    """``text``'s advance shaped by HarfBuzz in ``family`` (Pillow's Raqm layout)."""
    from PIL import ImageFont

    from deckgen.deck.textfit import font_path

    font = ImageFont.truetype(font_path(family), 100, layout_engine=ImageFont.Layout.RAQM)
    return font.getlength(text) * size / 100


@pytest.mark.parametrize("marks", [ABOVE, BELOW], ids=["above", "below"])
def test_a_line_of_stacked_marks_is_as_tall_as_its_ink(fonts, marks):
    plain = fonts.line_height("Zalgo", 28)
    stacked = fonts.line_height(_zalgo("Zalgo", marks), 28)
    assert stacked > plain + 10 * 28 * 0.2  # each mark adds about a fifth of an em or more
    above, below = fonts.ink_overshoot(_zalgo("Zalgo", marks), 28)
    assert (above > 50) == (marks == ABOVE) and (below > 50) == (marks == BELOW)
    assert fonts.ink_overshoot("Zalgo", 28) == (0.0, 0.0)


@pytest.mark.parametrize(("text", "family"), [(DEVANAGARI, "Noto Sans Devanagari"),
                                              (THAI, "Noto Sans Thai"), (ARABIC, "Noto Sans Arabic")],
                         ids=["devanagari", "thai", "arabic"])
def test_complex_scripts_are_measured_by_their_shaped_width(fonts, text, family):
    shaped = _shaped_width(family, text, 24)
    assert shaped * 0.98 <= fonts.width(text, 24) <= shaped * 1.25


def test_a_zalgo_title_is_shortened_with_the_full_title_in_the_notes(make_project, minimal_files):
    from deckgen.deck.plan import plan_slides
    from deckgen.load.loader import load_project
    from deckgen.theme import load_theme

    title = _zalgo("Stacked") + " marks in a title"
    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "title: The only section", f'title: "{title}"')
    project = make_project(files)
    brief = load_project(project.root)
    plans = plan_slides(brief, load_theme(project.template_file("theme.yaml")))
    slide = next(p for p in plans if p.kind in ("points", "two_content"))
    assert slide.title != title and slide.title.endswith("…")
    assert slide.notes.startswith(f"Full title: {title}.")


def _shaped_project(make_project, minimal_files) -> Path:
    files = dict(minimal_files)
    points = [_zalgo("Up") + " marks above", _zalgo("Down", BELOW) + " marks below", DEVANAGARI,
              THAI, ARABIC]
    section = files["source/sections/one.md"].replace(
        "title: The only section", f'title: "{_zalgo("Zalgo")} title"')
    section = section.replace('  - One point worth making.\n',
                              "".join(f'  - "{point}"\n' for point in points))
    files["source/sections/one.md"] = section
    return make_project(files).root


def _chars_outside_shapes(pptx: Path, pdf: Path) -> list[str]:
    """Every glyph (each mark its own) whose box is off the slide or outside every text shape."""
    import pdfplumber

    from helpers import EMU_PER_PT, TOLERANCE

    problems = []
    deck = Presentation(pptx)
    with pdfplumber.open(pdf) as document:
        for number, (slide, page) in enumerate(zip(deck.slides, document.pages), start=1):
            boxes = [(s.left / EMU_PER_PT, s.top / EMU_PER_PT, (s.left + s.width) / EMU_PER_PT,
                      (s.top + s.height) / EMU_PER_PT) for s in slide.shapes
                     if (s.has_text_frame and s.text_frame.text.strip()) or getattr(s, "has_chart", False)]
            for char in page.chars:
                if not char["text"].strip():
                    continue
                inside = any(x0 - TOLERANCE <= char["x0"] and char["x1"] <= x1 + TOLERANCE
                             and top - TOLERANCE <= char["top"] and char["bottom"] <= bottom + TOLERANCE
                             for x0, top, x1, bottom in boxes)
                if not inside or char["top"] < 0 or char["bottom"] > page.height:
                    problems.append(f"slide {number}: {char['text']!r} at y {char['top']:.0f}–"
                                    f"{char['bottom']:.0f}, x {char['x0']:.0f}")
    return problems


def test_stacked_marks_and_shaped_scripts_stay_inside_their_shapes_in_libreoffice(
        make_project, minimal_files, tmp_path_factory):
    from helpers import libreoffice_pdf

    root = _shaped_project(make_project, minimal_files)
    pptx = _built_deck(root)
    pdf = libreoffice_pdf(pptx, tmp_path_factory.mktemp("shaped"))
    assert _chars_outside_shapes(pptx, pdf) == []
