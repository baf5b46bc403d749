"""A Markdown table's source line and the attributes of its caption, Pandoc's
``Table: caption {#tbl:id source="..."}``: the source under the table in the PDF and on its deck
slide, an attribute deckgen does not use named in a located warning, plain braces ending a
caption kept as its words.
"""

from __future__ import annotations

from pptx import Presentation
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build, check
from deckgen.load.markdown_ext import TableAttributes, table_attributes
from helpers import copy_example

CAPTION = "Table: Obstacles to reconciliation and the openings that answer them {#tbl:obstacles}"


def _with_caption(tmp_path, caption: str):
    project = copy_example(tmp_path)
    section = project.source / "sections" / "challenges.md"
    text = section.read_text(encoding="utf-8")
    assert CAPTION in text
    section.write_text(text.replace(CAPTION, caption), encoding="utf-8")
    return project


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_a_table_s_source_is_under_it_in_the_pdf_and_on_its_slide(tmp_path):
    project = _with_caption(tmp_path, CAPTION.replace("}", ' source="Interviews with officials, 2023"}'))
    build(project, BuildOptions(edition="en"))
    pdf = _squash(" ".join(p.extract_text() for p in PdfReader(next(project.build_dir.glob("*.pdf"))).pages))
    assert "Table 1. Obstacles to reconciliation and the openings that answer them" in pdf
    assert "Source: Interviews with officials, 2023" in pdf
    assert 'source=' not in pdf
    deck = Presentation(next(project.build_dir.glob("*.pptx")))
    slide = next(s for s in deck.slides if any(shape.has_table for shape in s.shapes))
    words = _squash(" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame))
    assert "Interviews with officials, 2023" in words


def test_an_attribute_deckgen_does_not_use_is_a_located_warning(tmp_path):
    project = _with_caption(tmp_path, CAPTION.replace("}", " .striped width=80%}"))
    brief, _, warnings = check(project)
    table = next(b for s in brief.sections for b in s.blocks if getattr(b, "number", 0) and hasattr(b, "rows"))
    assert table.id == "obstacles"
    shown = [w.format() for w in warnings if "table attribute" in w.message]
    where = "source/sections/challenges.md:47:1: warning: table: table attribute"
    assert [line.splitlines()[0] for line in shown] == [
        f"{where} '.striped' is not used (#tbl:id and source=\"...\")",
        f"{where} 'width' is not used (#tbl:id and source=\"...\")",
    ]


def test_plain_braces_in_a_caption_are_its_own_words(tmp_path):
    project = _with_caption(tmp_path, CAPTION.replace(" {#tbl:", " {as seen in 2023} {#tbl:"))
    brief, _, _ = check(project)
    table = next(b for s in brief.sections for b in s.blocks if getattr(b, "number", 0) and hasattr(b, "rows"))
    assert table.id == "obstacles"
    assert "".join(getattr(span, "text", "") for span in table.caption).endswith("{as seen in 2023}")
    assert table_attributes("as seen in 2023") is None  # at a caption's end, too: its words
    assert table_attributes('#tbl:x source="A, B"') == TableAttributes("x", "A, B")
