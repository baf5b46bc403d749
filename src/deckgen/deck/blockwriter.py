"""Draw table and callout slides (:mod:`deckgen.deck.blocks` planned them) with python-pptx.

A table is a native PowerPoint table at exactly the column widths and row heights the plan
measured, its cell margins, font, size and alignment set explicitly (the header row bold); in
the default drawing the header wears the theme's primary colour and the rows alternate with its
light one, in a reference template its own table style shows. The table gets alt text (its
label and caption) and its label as its name.

In a right-to-left language the first column is drawn at the right in every client: the columns
are written from the left in the order they are seen (the last column first), and the table is
not marked ``<a:tblPr rtl="1">``. PowerPoint honours that mark (it sets the first written column
at the right) but LibreOffice 7.4 reads and ignores it, so a marked table in reading order reads
backwards in LibreOffice, and reversed columns under the mark read backwards in PowerPoint;
unmarked reversed columns look the same in both. Each cell's paragraph is right to left.

A callout is a box in the figure area (the theme's
light ground with a coloured bar on its left in the default drawing) holding its heading in
bold over its text, each in a text box placed where the plan measured it.
"""

from __future__ import annotations

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Pt

from . import oxml
from .geometry import LINE_SPACING, SPACE_AFTER, Box
from .oxml import clean
from .slides import CalloutBox, CalloutSlide, TableSlide
from .tables import CELL_MARGINS

ALIGNS = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
BAR = 8.0  # points: the callout box's coloured bar
STRONG_CALLOUTS = ("important", "warning", "caution")  # barred in the accent colour


def draw_table(writer, slide, plan: TableSlide) -> None:
    writer.title(slide, plan)
    data, box = plan.table, plan.areas.figure
    rows, columns = 1 + len(data.rows), len(data.widths)
    frame = slide.shapes.add_table(rows, columns, Pt(box.x), Pt(box.y), Pt(sum(data.widths)),
                                   Pt(sum(data.heights)))
    frame.name = plan.label
    oxml.set_alt_text(frame, plan.alt or f"{plan.label}: {plan.full_title}", plan.full_title)
    table = frame.table
    table.first_row = True
    table.horz_banding = not writer.styled
    order = seen_order(columns, writer.rtl)
    for index, column in enumerate(order):
        table.columns[index].width = Pt(data.widths[column])
    for index, height in enumerate(data.heights):
        table.rows[index].height = Pt(height)
    for r, cells in enumerate((data.header, *data.rows)):
        for index, column in enumerate(order):
            align = data.aligns[column] if column < len(data.aligns) else ""
            _cell(writer, table.cell(r, index), cells[column], data.size, header=r == 0,
                  stripe=r % 2 == 0, align=ALIGNS.get(align, PP_ALIGN.LEFT))
    caption = writer.shape(slide, "caption", plan.areas.caption, "Source")
    writer.fill(caption, [plan.caption], plan.caption_size, colour="muted")


def seen_order(columns: int, rtl: bool) -> list[int]:
    """The table's columns (by their index in the source) as written from the left: the last
    first when the table is read right to left (see the module's notes)."""
    return list(range(columns))[::-1] if rtl else list(range(columns))


def _cell(writer, cell, text: str, size: float, header: bool, stripe: bool, align) -> None:
    cell.margin_left, cell.margin_top, cell.margin_right, cell.margin_bottom = (
        Pt(v) for v in CELL_MARGINS)
    cell.vertical_anchor = MSO_ANCHOR.TOP
    if writer.styled:
        cell.fill.solid()
        cell.fill.fore_color.rgb = writer.colour("primary" if header else
                                                 "light" if stripe else "background")
    frame = cell.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    para.line_spacing = LINE_SPACING
    para.space_before = Pt(0)
    para.space_after = Pt(0)
    writer.set_direction(para, align, always=True)
    run = para.add_run()
    run.text = clean(text)
    font = run.font
    font.size = Pt(size)
    font.name = writer.font
    font.bold = header
    if writer.styled:
        font.color.rgb = writer.colour("background" if header else "text")
    writer.set_script_fonts(run)


def draw_callout(writer, slide, plan: CalloutSlide) -> None:
    writer.title(slide, plan)
    draw_callout_box(writer, slide, CalloutBox(
        plan.callout_kind, plan.heading, plan.heading_size, plan.paragraphs, plan.body_size,
        plan.areas.figure, plan.heading_box, plan.body_box))


def draw_callout_box(writer, slide, callout: CalloutBox) -> None:
    """A callout's box, its bar in the kind's colour, its heading and text: on a callout slide,
    or under a section's key points."""
    box = callout.box
    if writer.styled:
        writer.rect(slide, box, "light")
        colour = "accent" if callout.kind in STRONG_CALLOUTS else "primary"
        bar = writer.rect(slide, Box(box.right - BAR if writer.rtl else box.x, box.y, BAR, box.h), colour)
        bar.name = "Callout bar"  # at the side the text begins: the right, read right to left
    heading = writer.shape(slide, "callout-heading", callout.heading_box, "Callout heading")
    writer.fill(heading, [callout.heading], callout.heading_size, colour="primary", bold=True,
                anchor=MSO_ANCHOR.MIDDLE)
    body = writer.shape(slide, "callout-body", callout.body_box, "Callout")
    writer.fill(body, list(callout.paragraphs), callout.body_size)
    for para in body.text_frame.paragraphs[:-1]:
        para.space_after = Pt(callout.body_size * SPACE_AFTER)

