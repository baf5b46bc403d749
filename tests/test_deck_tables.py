"""Numbered tables and callouts marked for the deck, as a speaker meets them in the built deck:
native PowerPoint tables (python-pptx reads them back) with the table's header and rows, the
caption as the slide's title and "Table N" on its caption line, long tables continued with the
header repeated, every table inside its area; callout boxes with their heading and text.
"""

from __future__ import annotations

import textwrap

import pytest
from pptx import Presentation
from pptx.util import Pt

from deckgen.build.pipeline import BuildOptions, build
from deckgen.deck.plan import plan_slides
from deckgen.deck.tables import TABLE_SIZES
from deckgen.load.loader import load_project
from deckgen.theme import load_theme

EMU_PER_PT = 12700


def deck_of(project):
    build(project, BuildOptions(formats=("pptx",)))
    (path,) = project.build_dir.glob("*.pptx")
    return Presentation(path)


def tables_in(deck):
    """(slide, graphic frame) of every native table, in order."""
    return [(slide, shape) for slide in deck.slides for shape in slide.shapes
            if getattr(shape, "has_table", False) and shape.has_table]


def cell_texts(frame) -> list[list[str]]:
    table = frame.table
    return [[table.cell(r, c).text for c in range(len(table.columns))] for r in range(len(table.rows))]


def texts_of(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text]


def test_the_example_table_is_a_native_table_with_its_caption(example_build):
    deck = Presentation(example_build.outputs["pptx"])
    ((slide, frame),) = tables_in(deck)
    assert cell_texts(frame) == [
        ["Obstacles", "Openings"],
        ["Dokdo/Takeshima sovereignty dispute", "Neutral mediation through the UN and WTO"],
        ["Nationalist campaigns and media sensationalism",
         "Youth initiatives in digital connectivity and entrepreneurship"],
        ["Economic and cultural boycotts", "Collaboration in green technology and start-ups"],
    ]
    texts = texts_of(slide)
    assert "Obstacles to reconciliation and the openings that answer them" in texts
    assert "Table 1." in texts
    assert frame.name == "Table 1"
    descr = frame._element.find(".//{*}cNvPr").get("descr")
    assert descr == "Table 1: Obstacles to reconciliation and the openings that answer them"
    header = frame.table.cell(0, 0).text_frame.paragraphs[0].runs[0].font
    assert header.bold and header.size >= Pt(TABLE_SIZES[-1])
    notes = slide.notes_slide.notes_text_frame.text
    assert notes.startswith("Table 1: Obstacles to reconciliation and the openings that answer them.")
    assert "3 rows under the headings Obstacles and Openings" in notes


def long_table_files(rows: int) -> dict[str, str]:
    body = "\n".join(f"| {1990 + i} | Event number {i} of a long list | A change that took "
                     f"{'many ' * (i % 5)}years to show, number {i} |" for i in range(rows))
    section = textwrap.dedent("""\
        ---
        title: Milestones
        key_points:
          - Relations moved in steps.
        ---
        The milestones:

        | Year | Event | What it changed |
        |---:|---|---|
        {body}

        Table: Milestones, one per year {{#tbl:milestones}}

        As @tbl:milestones shows, change was slow.

        > [!IMPORTANT] Key fact {{.deck}}
        > Trade reached $52 billion in 2022.

        ::: {{.callout-note .deck title="Remember"}}
        Visitors exceeded five million.
        :::

        > [!WARNING]
        > Not for the deck.
        """).format(body=body)
    return {
        "source/brief.yaml": textwrap.dedent("""\
            title: A brief with a long table
            date: 2026-01-15
            authors:
              - name: Test Unit
            sections: [one]
            """),
        "source/sections/one.md": section,
    }


def test_a_long_table_continues_with_its_header_repeated_and_every_row_once(make_project):
    project = make_project(long_table_files(40))
    deck = deck_of(project)
    found = tables_in(deck)
    assert len(found) >= 2
    rows = []
    for index, (slide, frame) in enumerate(found):
        cells = cell_texts(frame)
        assert cells[0] == ["Year", "Event", "What it changed"]
        rows += cells[1:]
        title = next(t for t in texts_of(slide) if t.startswith("Milestones"))
        assert title == ("Milestones, one per year (cont.)" if index else "Milestones, one per year")
        assert "Table 1." in texts_of(slide)
    assert [r[0] for r in rows] == [str(1990 + i) for i in range(40)]
    assert rows[7] == ["1997", "Event number 7 of a long list",
                       "A change that took many many years to show, number 7"]
    counts = [len(cell_texts(frame)) - 1 for _, frame in found]
    assert max(counts) - min(counts) <= 2  # pages balanced: no lone row on the last


def test_every_table_lies_inside_its_area_at_the_measured_sizes(make_project):
    project = make_project(long_table_files(40))
    deck = deck_of(project)
    brief = load_project(project.root)
    plans = [p for p in plan_slides(brief, load_theme(project.template_file("theme.yaml")))
             if p.kind == "table"]
    for (slide, frame), plan in zip(tables_in(deck), plans, strict=True):
        box = plan.areas.figure
        table = frame.table
        widths = [c.width / EMU_PER_PT for c in table.columns]
        heights = [r.height / EMU_PER_PT for r in table.rows]
        assert sum(widths) == pytest.approx(box.w, abs=0.1)
        assert sum(heights) <= box.h + 0.1
        assert frame.top / EMU_PER_PT >= box.y - 0.1
        assert frame.top / EMU_PER_PT + sum(heights) <= box.bottom + 0.1
        assert plan.table.size in TABLE_SIZES
        for row in table.rows:
            for cell in row.cells:
                for run in (r for p in cell.text_frame.paragraphs for r in p.runs):
                    assert run.font.size == Pt(plan.table.size)
    # right-aligned in the Markdown, right-aligned on the slide
    first = tables_in(deck)[0][1].table.cell(1, 0).text_frame.paragraphs[0]
    assert first.alignment == 3  # PP_ALIGN.RIGHT


def test_a_row_taller_than_a_slide_is_cut_between_lines_and_keeps_every_word(make_project):
    files = long_table_files(2)
    long = " ".join(f"word{i}" for i in range(700))
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "| 1991 | Event number 1 of a long list |", f"| 1991 | {long} |")
    deck = deck_of(make_project(files))
    found = tables_in(deck)
    assert len(found) >= 2
    words = " ".join(row[1] for _, frame in found for row in cell_texts(frame)[1:]).split()
    assert [w for w in words if w.startswith("word")] == [f"word{i}" for i in range(700)]


def test_callouts_marked_for_the_deck_go_under_the_points_or_get_a_slide_of_their_own(make_project):
    project = make_project(long_table_files(3))
    deck = deck_of(project)
    callouts = [s for s in deck.slides if s.name.startswith("callout-")]
    assert [texts_of(s)[1:3] for s in callouts] == [["Remember", "Visitors exceeded five million."]]
    assert callouts[0].notes_slide.notes_text_frame.text == "Remember: Visitors exceeded five million."
    every_text = [t for s in deck.slides for t in texts_of(s)]
    assert not any("Not for the deck" in t for t in every_text)
    points = next(s for s in deck.slides if s.name.startswith("points-"))
    shown = {shape.name: shape.text_frame.text for shape in points.shapes if shape.has_text_frame}
    assert (shown["Callout heading"], shown["Callout"]) == ("Key fact", "Trade reached $52 billion in 2022.")
    said = points.notes_slide.notes_text_frame.text
    assert "a box, Warning: Not for the deck." in said
    assert said.endswith("Key fact: Trade reached $52 billion in 2022.")


def test_a_callout_title_keeps_no_deck_mark_in_the_pdf(make_project):
    project = make_project(long_table_files(3))
    build(project, BuildOptions(formats=("pdf",)))
    from pypdf import PdfReader

    (path,) = project.build_dir.glob("*.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert "KEY FACT" in text.upper() and "REMEMBER" in text.upper()  # the box titles
    assert "{.deck}" not in text and ".deck" not in text
