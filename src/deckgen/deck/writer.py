"""Write a deck plan into a .pptx with python-pptx: native charts, pictures, notes, footer.

The writer only serialises the plan (:mod:`deckgen.deck.plan`), which holds every text, box,
size and property it draws: it reads neither the brief nor the figures' data. Each slide kind is
drawn by the method :data:`DRAWERS` names for it. Two ways to draw:

- **default**: a 16:9 deck on the Blank layout, drawn with the theme's colours and fonts;
- **reference template** (``templates/reference.pptx``): each slide uses the layout the plan
  names, found by name; titles and bodies go into the layout's placeholders, so the
  organisation's backgrounds, colours and logos come through (:mod:`deckgen.deck.template`
  reads the placeholders' boxes for the planner, so text is measured against the real boxes).

Right to left (:mod:`deckgen.deck.mirror`), paragraphs are ``rtl="1"`` and right aligned, or in
a template aligned as its style is, made right to left (:func:`~deckgen.deck.mirror.rtl_alignment`).

In both, the text's font, size, spacing, indents and margins are set explicitly (they are what
was measured), autofit is off, text is cleaned of characters XML cannot hold, every chart and
picture gets alt text, and the file is normalised so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from ..errors import EnvironmentProblem
from ..i18n.scripts import cjk_family, complex_font, is_rtl
from ..reproducible import build_stamp, normalise_office_zip
from ..theme import Theme
from . import oxml
from .blockwriter import draw_callout
from .charts import add_chart, rgb
from .geometry import LINE_SPACING, SLIDE_H, SLIDE_W, SPACE_AFTER, Box
from .look import Look
from .masters import choose_layouts, missing_layouts_problem
from .mirror import rtl_alignment
from .oxml import clean
from .slides import (
    COVER,
    SLIDE_KINDS,
    BulletSlide,
    CoverSlide,
    DeckPlan,
    DeckProperties,
    FigureSlide,
    Slide,
    layout_names,
)
from .storywriter import (
    draw_bullets,
    draw_cover,
    draw_figure,
    draw_key_figures,
    draw_table_story,
    draw_two_content,
)
from .template import (
    EMU_PER_PT,
    TITLE_TYPES,
    body_placeholder,
    open_template,
    placeholder_of,
    template_font,
)
from .textfit import Fonts

__all__ = ["draw_deck"]

PICTURE_MIN_DPI = 200
TEMPLATE_ALIGNS = {"l": PP_ALIGN.LEFT, "ctr": PP_ALIGN.CENTER, "r": PP_ALIGN.RIGHT,
                   "just": PP_ALIGN.JUSTIFY, "dist": PP_ALIGN.DISTRIBUTE}
CORE_PROPERTY_LIMIT = 255  # characters in a title, subject or keywords of docProps/core.xml


def pt(value: float) -> int:
    return Pt(value)


def draw_deck(deck: DeckPlan, theme: Theme, figure_pngs: dict[str, bytes],
              template: Path | str | None = None) -> bytes:
    """The deck as .pptx bytes; with ``template``, into its layouts (plan it with the geometry
    ``deck_geometry(theme, template)``). ``figure_pngs`` holds the pictures of the figures
    drawn without a native chart, by figure id."""
    writer = _DeckWriter(theme, figure_pngs, template, deck.properties.language)
    writer.logo = deck.logo
    writer.choose_layouts(deck.slides)
    writer.check_fits(deck.slides)
    for slide in deck.slides:
        writer.add(slide)
    return writer.save(deck.properties)


class _DeckWriter:
    def __init__(self, theme: Theme, figure_pngs: dict[str, bytes], template, language: str = "en"):
        self.theme = theme
        self.pngs = figure_pngs
        self.logo = b""  # the brief's logo, for the covers' logo boxes
        self.styled = template is None  # draw the theme's colours; else the template's show
        if template is None:
            self.prs = Presentation()
            self.prs.slide_width = pt(SLIDE_W)
            self.prs.slide_height = pt(SLIDE_H)
        else:
            self.prs = open_template(template)
            oxml.remove_slides(self.prs)
        self.template = template
        self.layouts: dict[str, object] = {}
        name, metrics = template_font(self.prs) if template is not None else ("", "")
        self.font = name or theme.fonts["deck"]
        self.cjk_font = cjk_family(theme.fonts["deck_cjk"], language)  # SC for Chinese, KR for Korean
        self.language, self.rtl = language, is_rtl(language)  # right to left: paragraphs rtl="1"
        self.cs_font = complex_font(theme.fonts, language)
        self.look = None  # a template's colours (see deckgen.deck.look), once its layouts are known
        self.fonts = Fonts(metrics or theme.fonts["deck_metrics"], theme.fonts["deck_cjk"],
                           complex=self.cs_font)

    def colour(self, name: str) -> RGBColor:
        return rgb(self.theme.colour(name))

    def choose_layouts(self, plans: tuple[Slide, ...]) -> None:
        """Each planned kind's layout, by the name its plan gives, in the master of its role (as
        the geometry chose them); every layout the template lacks is named at once."""
        if self.styled:
            blank = next(layout for layout in self.prs.slide_layouts if layout.name == "Blank")
            self.layouts = {kind: blank for kind in SLIDE_KINDS}
            return
        names = {**layout_names(self.theme), **{plan.kind: plan.layout for plan in plans}}
        choice = choose_layouts(self.prs, names, self.theme.deck.get("master"), self.template)
        problem = missing_layouts_problem(self.template, self.prs, choice, {p.kind for p in plans})
        if problem is not None:
            raise problem
        self.layouts = choice.layouts
        self.look = Look(self.prs, self.theme, choice.layouts.get("points"))

    def check_fits(self, plans: tuple[Slide, ...]) -> None:
        """Plans made for another slide size are refused, not mis-drawn."""
        width, height = self.prs.slide_width / EMU_PER_PT, self.prs.slide_height / EMU_PER_PT
        for plan in plans:
            for box in _plan_boxes(plan):
                if box.x < -0.5 or box.y < -0.5 or box.right > width + 0.5 or box.bottom > height + 0.5:
                    raise EnvironmentProblem(
                        f"slide {plan.number} was planned for another slide size than the "
                        f"{width:.0f} x {height:.0f} pt of this deck: plan with deck_geometry() "
                        "of the same reference template")

    # ---- slides ----
    def add(self, plan: Slide) -> None:
        layout = self.layouts[plan.kind]
        slide = self.prs.slides.add_slide(layout)
        slide.name = f"{plan.kind}-{plan.number}"
        DRAWERS[plan.kind](self, slide, plan)
        if plan.footer_box is not None:
            self.footer(slide, plan)
        oxml.remove_empty_placeholders(slide)
        if plan.notes:
            slide.notes_slide.notes_text_frame.text = clean(plan.notes)

    def cover(self, slide, plan: CoverSlide) -> None:
        areas = plan.areas
        if self.styled:
            self.rect(slide, Box(0, 0, SLIDE_W, SLIDE_H), "primary")
            rule_y = areas.title.bottom + (areas.body.y - areas.title.bottom) / 2 - 2
            self.rect(slide, self.rule(areas.title, rule_y, 120, 4), "accent")
        title = self.shape(slide, "title", areas.title, "Title")
        self.fill(title, [plan.title], plan.title_size, colour="background", bold=True,
                  anchor=MSO_ANCHOR.BOTTOM)
        if plan.subtitle:
            body = self.shape(slide, "body", areas.body, "Subtitle")
            self.fill(body, list(plan.subtitle), plan.subtitle_size, colour="light")

    def bullets(self, slide, plan: BulletSlide) -> None:
        self.title(slide, plan)
        body = self.shape(slide, "body", plan.areas.body, "Body")
        self.fill(body, [b.text for b in plan.bullets], plan.body_size, bullets=plan)
        if plan.caption:
            source = self.shape(slide, "caption", plan.areas.caption, "Source")
            self.fill(source, [plan.caption], plan.caption_size, colour="muted")

    def figure(self, slide, plan: FigureSlide) -> None:
        self.title(slide, plan)
        if plan.chart is not None:
            shape = add_chart(slide, plan.chart, plan.areas.figure, self.theme, plan.units, self.font,
                              self.cjk_font, self.look and self.look.chart(slide.slide_layout, plan.areas.figure),
                              language=self.language)
        else:
            shape = self.picture(slide, self.pngs[plan.figure_id], plan.areas.figure)
        shape.name = plan.label
        oxml.set_alt_text(shape, plan.alt, plan.full_title)
        caption = self.shape(slide, "caption", plan.areas.caption, "Source")
        self.fill(caption, [plan.caption], plan.caption_size, colour="muted")

    def title(self, slide, plan: Slide) -> None:
        box = plan.areas.title
        shape = self.shape(slide, "title", box, "Title")
        self.fill(shape, [plan.title], plan.title_size, colour="primary", bold=True,
                  anchor=MSO_ANCHOR.BOTTOM)
        if self.styled:
            self.rect(slide, self.rule(box, box.bottom + 2, 80, 3), "accent")

    def rule(self, box: Box, y: float, w: float, h: float) -> Box:
        """An accent rule under ``box``'s text, where its lines begin: at the text's left, or its
        right in a language read right to left."""
        x = box.right - box.insets[2] - w if self.rtl else box.x + box.insets[0]
        return Box(x, y, w, h)

    def footer(self, slide, plan: Slide) -> None:
        """The footer text and a slide-number field: the template's own footer placeholders when
        it has them (so they wear its style), else text boxes in the theme's muted colour (light
        on the dark ground of a cover-like slide); no number where the template's artwork
        draws one."""
        colour = "light" if SLIDE_KINDS[plan.kind].form == COVER else "muted"
        shape = self.shape(slide, "footer", plan.footer_box, "Footer")
        self.fill(shape, [plan.footer], plan.footer_size, colour=colour, anchor=MSO_ANCHOR.MIDDLE)
        if not self.styled and oxml.draws_slide_number(slide.slide_layout):
            return  # the template's artwork numbers the slide; a second number would overlap it
        number = self.shape(slide, "number", plan.number_box, "Slide number")
        self.fill(number, [""], plan.footer_size, colour=colour, anchor=MSO_ANCHOR.MIDDLE,
                  align=PP_ALIGN.RIGHT)
        oxml.slide_number_field(number.text_frame.paragraphs[0], plan.number, plan.footer_size)

    # ---- shapes ----
    def shape(self, slide, role: str, box: Box, name: str):
        """The layout's placeholder for ``role`` (template mode), else a new text box; either
        way placed exactly on ``box``."""
        shape = None if self.styled else self.placeholder(slide, role)
        if shape is None:
            shape = slide.shapes.add_textbox(pt(box.x), pt(box.y), pt(box.w), pt(box.h))
        shape.left, shape.top, shape.width, shape.height = pt(box.x), pt(box.y), pt(box.w), pt(box.h)
        shape.name = name
        shape.deck_role = (role, box, slide.slide_layout)  # what fill() reads a template's colour for
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        for side, inset in zip(("margin_left", "margin_top", "margin_right", "margin_bottom"), box.insets):
            setattr(frame, side, pt(inset))
        return shape

    def placeholder(self, slide, role: str):
        """The slide's placeholder for ``role``; footer and slide number are cloned from the
        layout (python-pptx leaves them out of new slides)."""
        if role == "title":
            return placeholder_of(slide, TITLE_TYPES)
        if role == "body":
            return body_placeholder(slide)
        kind = {"footer": PP_PLACEHOLDER.FOOTER, "number": PP_PLACEHOLDER.SLIDE_NUMBER}.get(role)
        source = placeholder_of(slide.slide_layout, (kind,)) if kind else None
        if source is None:
            return None
        slide.shapes.clone_placeholder(source)
        return placeholder_of(slide, (kind,))

    def rect(self, slide, box: Box, colour: str):
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, pt(box.x), pt(box.y), pt(box.w), pt(box.h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = self.colour(colour)
        shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def fill(self, shape, paragraphs: list[str], size: float, colour: str = "text", bold: bool = False,
             anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT, bullets: BulletSlide | None = None) -> None:
        """Write paragraphs with the measured font, size and spacing; colours, weight, anchor and
        alignment only in the default drawing (a template's own style shows otherwise)."""
        frame = shape.text_frame
        if self.styled:
            frame.vertical_anchor = anchor
        self.room_for_ink(frame, paragraphs, size, bold)
        frame.clear()
        for index, text in enumerate(paragraphs):
            para = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            para.line_spacing = LINE_SPACING
            para.space_before = pt(0)
            para.space_after = pt(size * SPACE_AFTER) if bullets else pt(0)
            self.set_direction(para, align, always=False)
            if self.rtl and not self.styled:  # the template's own alignment, mirrored
                para.alignment = TEMPLATE_ALIGNS[rtl_alignment(shape, shape.deck_role[1],
                                                               self.prs.slide_width / EMU_PER_PT)]
            if bullets is not None:
                item = bullets.bullets[index]
                _, box, layout = shape.deck_role
                marker = self.look.bullet(layout, box) if self.look else self.theme.colour("accent")
                oxml.set_bullet(para, pt(bullets.indent), item.number, item.continued,
                                marker.lstrip("#").upper(),
                                marker=bullets.kind != "references")
            else:
                oxml.no_bullet(para)
            run = para.add_run()
            run.text = clean(text)
            font = run.font
            font.size = pt(size)
            font.name = self.font
            if self.styled:
                font.bold = bold
            if self.styled:  # a template's text, in its placeholders or not, wears its own colours
                font.color.rgb = self.colour(colour)
            elif forced := self.look.forced(shape.deck_role[2], *shape.deck_role[:2]):  # role, box
                font.color.rgb = rgb(forced)  # ... unless they would not read on its ground
            self.set_script_fonts(run)

    def set_direction(self, para, align, always: bool) -> None:
        """``para``'s alignment (mirrored right to left) and direction; ``always``: align it even
        in a template's own style."""
        if always or self.styled or self.rtl:
            para.alignment = PP_ALIGN.RIGHT if self.rtl and align == PP_ALIGN.LEFT else align
        para._p.get_or_add_pPr().set("hangingPunct", "0")  # no 、。 hanging past the box
        if self.rtl:
            para._p.get_or_add_pPr().set("rtl", "1")

    def set_script_fonts(self, run) -> None:
        """The run's language and the East Asian and complex-script fonts it was measured with."""
        rpr = run._r.get_or_add_rPr()
        rpr.set("lang", self.language)
        oxml.set_east_asian_font(rpr, self.cjk_font)
        if self.cs_font:
            rpr.find(qn("a:ea")).addnext(rpr.makeelement(qn("a:cs"), {"typeface": self.cs_font}))

    def room_for_ink(self, frame, paragraphs: list[str], size: float, bold: bool) -> None:
        """Widen the top and bottom margins by how far shaped ink (stacked marks) reaches past
        its lines: renderers do not make such lines taller, and the plan measured them with
        this room (see :meth:`deckgen.deck.textfit.Fonts.ink_overshoot`)."""
        reaches = [self.fonts.ink_overshoot(clean(text), size, bold) for text in paragraphs]
        above = max((a for a, _ in reaches), default=0.0)
        below = max((b for _, b in reaches), default=0.0)
        if above:
            frame.margin_top = frame.margin_top + pt(above)
        if below:
            frame.margin_bottom = frame.margin_bottom + pt(below)

    def picture(self, slide, png: bytes, box: Box):
        """A figure's PNG, as large as the box allows without falling below 200 dpi, centred."""
        picture = slide.shapes.add_picture(io.BytesIO(png), pt(box.x), pt(box.y))
        pixels_w = picture.image.size[0]
        most = min(pixels_w / PICTURE_MIN_DPI * 72, box.w) / (picture.width / EMU_PER_PT)
        scale = min(most, pt(box.w) / picture.width, pt(box.h) / picture.height)
        picture.width = int(picture.width * scale)
        picture.height = int(picture.height * scale)
        picture.left = int(pt(box.x) + (pt(box.w) - picture.width) / 2)
        picture.top = int(pt(box.y) + (pt(box.h) - picture.height) / 2)
        return picture

    def save(self, properties: DeckProperties) -> bytes:
        props = self.prs.core_properties
        props.title = _property(properties.title)
        props.subject = _property(properties.subject)
        props.author = _property(properties.author)
        props.keywords = _property(properties.keywords)
        props.last_modified_by = "deckgen"
        props.language = properties.language
        props.revision = 1
        props.comments = ""
        stamp = build_stamp(properties.date).replace(tzinfo=None)
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        out = io.BytesIO()
        self.prs.save(out)
        return normalise_office_zip(out.getvalue(), stamp)


# Each slide kind's drawer: a cover, a list under a title, or a figure with its caption.
DRAWERS = {
    "title": draw_cover,
    "agenda": _DeckWriter.bullets,
    "section": draw_cover,
    "points": draw_bullets,
    "figure": draw_figure,
    "table": draw_table_story,
    "callout": draw_callout,
    "key_figures": draw_key_figures,
    "two_content": draw_two_content,
    "recommendations": draw_bullets,
    "references": _DeckWriter.bullets,
    "closing": draw_cover,
}


def _property(text: str) -> str:
    """A core property value: cleaned, and cut to the 255 characters the format allows."""
    text = clean(text)
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1] + "…"


def _plan_boxes(plan: Slide) -> list[Box]:
    areas = plan.areas
    boxes = [areas.title, areas.body, areas.figure, areas.caption, plan.footer_box, plan.number_box,
             getattr(plan, "heading_box", None), getattr(plan, "body_box", None),
             getattr(plan, "subtitle_box", None), getattr(plan, "logo_box", None),
             getattr(plan, "figure_box", None)]
    for number in getattr(plan, "numbers", ()):
        boxes += [number.value_box, number.label_box]
    return [b for b in boxes if b is not None]
