"""Draw the story's slides and marks (:mod:`deckgen.deck.story` planned them) with python-pptx.

- figure and table slides: the writer's own drawing, then the descriptive title's line under
  the action title, in the theme's muted colour;
- covers: the writer's own drawing, then the logo in its box (on a light plate in the default
  drawing, so a dark logo reads on the dark ground), and on a divider the progress bar, one mark
  per section, those up to the current one filled;
- bullet slides: the writer's own drawing, then, when planned, the bullets revealed one by one
  (:mod:`deckgen.deck.reveal`);
- key-figure slides: each value large and bold in the accent colour over its label, on a light
  panel in the default drawing, the sources on the caption line;
- two-content slides: the bullets in their box beside the chart or picture.

Each function takes the deck writer (:class:`deckgen.deck.writer._DeckWriter`) and draws with
its shapes, fills and colours, so text is set exactly as it was measured.
"""

from __future__ import annotations

import io

from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Pt

from . import oxml
from .blockwriter import draw_callout_box
from .charts import add_chart
from .geometry import Box
from .reveal import reveal_paragraphs
from .slides import BulletSlide, CoverSlide, KeyFiguresSlide, SectionSlide, TwoContentSlide

LOGO_PAD = 6.0        # points of light plate around the logo on a dark cover
PROGRESS_H = 6.0      # points: the divider's progress bar
PROGRESS_GAP = 6.0
PANEL_PAD = 8.0


def draw_subtitle(writer, slide, plan) -> None:
    """The descriptive title's line, when the slide has an action title above it."""
    if plan.subtitle and plan.subtitle_box is not None:
        shape = writer.shape(slide, "subtitle", plan.subtitle_box, "Subtitle")
        writer.fill(shape, [plan.subtitle], plan.subtitle_size, colour="muted")


def draw_figure(writer, slide, plan) -> None:
    writer.figure(slide, plan)
    draw_subtitle(writer, slide, plan)


def draw_table_story(writer, slide, plan) -> None:
    from .blockwriter import draw_table

    draw_table(writer, slide, plan)
    draw_subtitle(writer, slide, plan)


def draw_cover(writer, slide, plan: CoverSlide) -> None:
    writer.cover(slide, plan)
    if isinstance(plan, SectionSlide):
        draw_progress(writer, slide, plan)
    if plan.logo_box is not None and writer.logo:
        draw_logo(writer, slide, plan.logo_box)


def draw_logo(writer, slide, box: Box) -> None:
    if writer.styled:
        writer.rect(slide, Box(box.x - LOGO_PAD, box.y - LOGO_PAD, box.w + 2 * LOGO_PAD,
                               box.h + 2 * LOGO_PAD), "background")
    picture = slide.shapes.add_picture(io.BytesIO(writer.logo), Pt(box.x), Pt(box.y),
                                       Pt(box.w), Pt(box.h))
    picture.name = "Logo"
    oxml.set_alt_text(picture, "Logo", "Logo")


def draw_progress(writer, slide, plan: SectionSlide) -> None:
    """One mark per section under the divider's text, the sections up to this one filled."""
    current, count = plan.progress
    body = plan.areas.body
    if not count or body is None:
        return
    inner_x, inner_w = body.x + body.insets[0], body.inner_w
    width = (inner_w - (count - 1) * PROGRESS_GAP) / count
    y = body.bottom + PROGRESS_GAP
    for index in range(count):  # read right to left, the first section's mark at the right
        column = count - 1 - index if writer.rtl else index
        box = Box(inner_x + column * (width + PROGRESS_GAP), y, width, PROGRESS_H)
        mark = writer.rect(slide, box, "accent" if index < current else "light")
        mark.name = f"Progress {index + 1}"


def draw_bullets(writer, slide, plan: BulletSlide) -> None:
    writer.bullets(slide, plan)
    if getattr(plan, "callout", None) is not None:  # a points slide's callout, under its points
        draw_callout_box(writer, slide, plan.callout)
    if plan.reveal:
        body = next(s for s in slide.shapes if s.name == "Body")
        reveal_paragraphs(slide, body, len(plan.bullets))


def draw_key_figures(writer, slide, plan: KeyFiguresSlide) -> None:
    writer.title(slide, plan)
    for number in plan.numbers:
        if writer.styled:
            top, bottom = number.value_box.y, number.label_box.bottom
            writer.rect(slide, Box(number.value_box.x, top - PANEL_PAD, number.value_box.w,
                                   bottom - top + 2 * PANEL_PAD), "light")
        value = writer.shape(slide, "key-value", number.value_box, "Key figure")
        writer.fill(value, [number.value], plan.value_size, colour="accent", bold=True,
                    anchor=MSO_ANCHOR.BOTTOM, align=PP_ALIGN.CENTER)
        label = writer.shape(slide, "key-label", number.label_box, "Key figure label")
        writer.fill(label, [number.label], plan.label_size, colour="text", align=PP_ALIGN.CENTER)
    if plan.caption:
        caption = writer.shape(slide, "caption", plan.areas.caption, "Source")
        writer.fill(caption, [plan.caption], plan.caption_size, colour="muted")


def draw_two_content(writer, slide, plan: TwoContentSlide) -> None:
    writer.title(slide, plan)
    body = writer.shape(slide, "body-left", plan.body_box, "Body")
    writer.fill(body, [b.text for b in plan.bullets], plan.body_size, bullets=plan)
    if plan.chart is not None:
        shape = add_chart(slide, plan.chart, plan.figure_box, writer.theme, plan.units,
                          writer.font, writer.cjk_font,
                          writer.look and writer.look.chart(slide.slide_layout, plan.figure_box),
                          language=writer.language)
    else:
        shape = writer.picture(slide, writer.pngs[plan.figure_id], plan.figure_box)
    shape.name = plan.label
    oxml.set_alt_text(shape, plan.alt, plan.figure_title)
    caption = writer.shape(slide, "caption", plan.areas.caption, "Source")
    writer.fill(caption, [plan.caption], plan.caption_size, colour="muted")
    if plan.reveal and len(plan.bullets) > 1:
        reveal_paragraphs(slide, body, len(plan.bullets))
