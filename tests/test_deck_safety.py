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
