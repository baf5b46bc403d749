"""Write a slide plan into a .pptx with python-pptx: native charts, pictures, notes, footer.

The writer only serialises the plan (see :mod:`deckgen.plan`); it does not decide what goes
where. Text is cleaned of characters XML cannot hold, every chart and picture gets alt text,
and the file is normalised so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from . import model as m
from .plan import (BODY_BOX, BULLET_INDENT, CAPTION_BOX, FIGURE_BOX, FOOTER_Y, INSET, LINE_SPACING,
                   SLIDE_H, SLIDE_W, SPACE_AFTER, TITLE_BOX, Box, SlidePlan)
from .reproducible import normalise_office_zip
from .theme import Theme

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
}


def clean(text: str) -> str:
    """Text python-pptx can write: characters invalid in XML removed, tabs as spaces."""
    return _XML_INVALID.sub("", text.replace("\t", " ").replace("\x0b", " "))


def pt(value: float) -> int:
    return Pt(value)


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def write_deck(plans: list[SlidePlan], brief: m.Brief, theme: Theme,
               figure_pngs: dict[str, bytes]) -> bytes:
    """The deck as .pptx bytes."""
    writer = _DeckWriter(brief, theme, figure_pngs)
    for number, plan in enumerate(plans, start=1):
        writer.add(plan, number, len(plans))
    return writer.save()


class _DeckWriter:
    def __init__(self, brief: m.Brief, theme: Theme, figure_pngs: dict[str, bytes]):
        self.brief = brief
        self.theme = theme
        self.pngs = figure_pngs
        self.prs = Presentation()
        self.prs.slide_width = pt(SLIDE_W)
        self.prs.slide_height = pt(SLIDE_H)
        self.blank = next(lay for lay in self.prs.slide_layouts if lay.name == "Blank")
        self.font = theme.fonts["deck"]
        self.cjk_font = theme.fonts["deck_cjk"]

    def colour(self, name: str) -> RGBColor:
        return rgb(self.theme.colour(name))

    # ---- slides ----
    def add(self, plan: SlidePlan, number: int, total: int) -> None:
        slide = self.prs.slides.add_slide(self.blank)
        slide.name = f"{plan.kind}-{number}"
        draw = {"title": self.cover, "closing": self.cover, "figure": self.figure}.get(plan.kind, self.bullets)
        draw(slide, plan)
        if plan.kind not in ("title", "closing"):
            self.footer(slide, number, total)
        if plan.notes:
            slide.notes_slide.notes_text_frame.text = clean(plan.notes)

    def cover(self, slide, plan: SlidePlan) -> None:
        self.rect(slide, Box(0, 0, SLIDE_W, SLIDE_H), "primary")
        self.rect(slide, Box(43, 300, 120, 4), "accent")
        self.text(slide, Box(43, 120, 874, 170), [plan.title], plan.title_size, colour="background",
                  bold=True, anchor=MSO_ANCHOR.BOTTOM, name="Title")
        lines = [plan.subtitle] if plan.subtitle else []
        if plan.kind == "title":
            meta = self.brief.meta
            lines.append(" · ".join(x for x in (meta.organisation, _date(meta.date)) if x))
            if meta.distribution:
                lines.append(meta.distribution)
        self.text(slide, Box(43, 318, 874, 150), lines, 20, colour="light", name="Subtitle")

    def bullets(self, slide, plan: SlidePlan) -> None:
        self.title(slide, plan)
        body = self.text(slide, BODY_BOX, list(plan.bullets), plan.body_size, name="Body",
                         bullet="numbered" if plan.numbered else "bullet")
        body.text_frame.word_wrap = True

    def figure(self, slide, plan: SlidePlan) -> None:
        self.title(slide, plan)
        figure = self.brief.figure(plan.figure_id)
        if plan.native_chart:
            shape = self.chart(slide, figure)
        else:
            shape = self.picture(slide, figure)
        shape.name = f"{figure.label}"
        _set_alt_text(shape, figure.alt, figure.title)
        self.text(slide, CAPTION_BOX, [plan.caption], 14, colour="muted", name="Source")

    def title(self, slide, plan: SlidePlan) -> None:
        self.text(slide, TITLE_BOX, [plan.title], plan.title_size, colour="primary", bold=True,
                  anchor=MSO_ANCHOR.BOTTOM, name="Title")
        self.rect(slide, Box(TITLE_BOX.x + INSET, TITLE_BOX.y + TITLE_BOX.h + 2, 80, 3), "accent")

    def footer(self, slide, number: int, total: int) -> None:
        meta = self.brief.meta
        left = " · ".join(x for x in (meta.short_title, meta.distribution) if x)
        self.text(slide, Box(43, FOOTER_Y, 700, 24), [left], 11, colour="muted", name="Footer")
        self.text(slide, Box(817, FOOTER_Y, 100, 24), [f"{number} / {total}"], 11, colour="muted",
                  align=PP_ALIGN.RIGHT, name="Slide number")

    # ---- shapes ----
    def rect(self, slide, box: Box, colour: str):
        from pptx.enum.shapes import MSO_SHAPE

        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, pt(box.x), pt(box.y), pt(box.w), pt(box.h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = self.colour(colour)
        shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def text(self, slide, box: Box, paragraphs: list[str], size: float, colour: str = "text",
             bold: bool = False, anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT, name: str = "",
             bullet: str = ""):
        shape = slide.shapes.add_textbox(pt(box.x), pt(box.y), pt(box.w), pt(box.h))
        if name:
            shape.name = name
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = None
        frame.vertical_anchor = anchor
        for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, side, pt(INSET))
        for index, text in enumerate(paragraphs):
            para = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            para.alignment = align
            para.line_spacing = LINE_SPACING / 1.22
            para.space_after = pt(size * SPACE_AFTER) if bullet else pt(0)
            if bullet:
                self.bullet_format(para, bullet, index)
            run = para.add_run()
            run.text = clean(text)
            font = run.font
            font.size = pt(size)
            font.bold = bold
            font.name = self.font
            font.color.rgb = self.colour(colour)
            _set_east_asian_font(run, self.cjk_font)
        return shape

    def bullet_format(self, para, kind: str, index: int) -> None:
        ppr = para._p.get_or_add_pPr()
        ppr.set("marL", str(pt(BULLET_INDENT)))
        ppr.set("indent", str(-pt(BULLET_INDENT)))
        colour = ppr.makeelement(qn("a:buClr"), {})
        srgb = colour.makeelement(qn("a:srgbClr"), {"val": self.theme.colour("accent").lstrip("#").upper()})
        colour.append(srgb)
        ppr.append(colour)
        if kind == "numbered":
            ppr.append(ppr.makeelement(qn("a:buFont"), {"typeface": "+mj-lt"}))
            ppr.append(ppr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod"}))
        else:
            ppr.append(ppr.makeelement(qn("a:buFont"), {"typeface": "Arial"}))
            ppr.append(ppr.makeelement(qn("a:buChar"), {"char": "•"}))

    def chart(self, slide, figure: m.Figure):
        data = CategoryChartData(number_format="#,##0.0#")
        data.categories = [clean(c) for c in figure.categories]
        for series in figure.series:
            data.add_series(clean(series.name), series.values)
        box = FIGURE_BOX
        frame = slide.shapes.add_chart(CHART_TYPES[figure.kind], pt(box.x), pt(box.y), pt(box.w),
                                       pt(box.h), data)
        chart = frame.chart
        chart.font.size = Pt(16)
        chart.font.name = self.font
        chart.font.color.rgb = self.colour("text")
        self.style_chart(chart, figure)
        return frame

    def style_chart(self, chart, figure: m.Figure) -> None:
        colours = self.theme.series_colours
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size = Pt(16)
        labels.number_format = "#,##0.0#" if figure.kind != "pie" else "0%"
        labels.number_format_is_linked = False
        if figure.kind == "pie":
            labels.show_percentage = True
            labels.show_value = False
            labels.show_category_name = True
            chart.has_legend = False
            chart.has_title = False
            for index, point in enumerate(plot.series[0].points):
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = rgb(colours[index % len(colours)])
            return
        if figure.kind in ("bar", "column"):
            plot.gap_width = 60
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
        for index, series in enumerate(plot.series):
            colour = rgb(colours[index % len(colours)])
            if figure.kind == "line":
                series.format.line.color.rgb = colour
                series.format.line.width = Pt(3)
                series.smooth = False
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour
        chart.has_title = False
        chart.has_legend = len(figure.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        value_axis = chart.value_axis
        if min(v for s in figure.series for v in s.values) >= 0:
            value_axis.minimum_scale = 0
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = self.colour("light")
        value_axis.format.line.fill.background()
        value_axis.tick_labels.font.size = Pt(14)
        chart.category_axis.tick_labels.font.size = Pt(16)
        if figure.units:
            value_axis.has_title = True
            value_axis.axis_title.text_frame.text = clean(figure.units)
            value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)

    def picture(self, slide, figure: m.Figure):
        box = FIGURE_BOX
        image = io.BytesIO(self.pngs[figure.id])
        picture = slide.shapes.add_picture(image, pt(box.x), pt(box.y))
        scale = min(pt(box.w) / picture.width, pt(box.h) / picture.height)
        picture.width = int(picture.width * scale)
        picture.height = int(picture.height * scale)
        picture.left = int(pt(box.x) + (pt(box.w) - picture.width) / 2)
        return picture

    def save(self) -> bytes:
        props = self.prs.core_properties
        meta = self.brief.meta
        props.title = clean(meta.title)
        props.subject = clean(meta.subtitle)
        props.author = clean(", ".join(a.name for a in meta.authors))
        props.keywords = clean(", ".join(meta.keywords))
        props.last_modified_by = "deckgen"
        props.language = meta.language
        props.revision = 1
        props.comments = ""
        stamp = _datetime(meta.date)
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        out = io.BytesIO()
        self.prs.save(out)
        return normalise_office_zip(out.getvalue(), stamp)


def _set_alt_text(shape, description: str, title: str) -> None:
    """python-pptx has no alt-text API: set ``descr`` (and ``title``) on the shape's cNvPr."""
    element = shape._element
    c_nv_pr = element.find(".//" + qn("p:cNvPr"))
    c_nv_pr.set("descr", clean(description))
    c_nv_pr.set("title", clean(title))


def _set_east_asian_font(run, typeface: str) -> None:
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea",):
        element = rpr.find(qn(tag))
        if element is None:
            element = rpr.makeelement(qn(tag), {})
            rpr.append(element)
        element.set("typeface", typeface)


def _date(date) -> str:
    return f"{date.day} {date.strftime('%B %Y')}"


def _datetime(date):
    import datetime as dt

    return dt.datetime(date.year, date.month, date.day, 12, 0, 0)
