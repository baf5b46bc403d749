"""Write a slide plan into a .pptx with python-pptx: native charts, pictures, notes, footer.

The writer only serialises the plan (see :mod:`deckgen.plan`): every text goes into the box the
plan measured it for, at the size the plan chose. Two ways to draw:

- **default**: a 16:9 deck on the Blank layout, drawn with the theme's colours and fonts;
- **reference template** (``templates/reference.pptx``): each slide uses the layout the plan
  names, found by name; titles and bodies go into the layout's placeholders, so the
  organisation's backgrounds, colours and logos come through. :func:`deck_geometry` reads the
  placeholders' boxes for the planner, so text is measured against the real boxes.

In both, the text's font, size, spacing, indents and margins are set explicitly (they are what
was measured), autofit is off, text is cleaned of characters XML cannot hold, every chart and
picture gets alt text, and the file is normalised so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Pt

from .. import model as m
from ..errors import EnvironmentProblem
from ..figures.kinds import KINDS
from ..figures.numbers import chart_decimals, excel_number_format
from ..load.yamlsrc import strip_unsafe
from ..reproducible import build_stamp, normalise_office_zip
from ..theme import Theme
from .plan import (
    BULLET_INDENT,
    CAPTION_SIZES,
    COVER_FLOOR,
    FOOTER_SIZES,
    LINE_SPACING,
    SLIDE_H,
    SLIDE_W,
    SPACE_AFTER,
    SUBTITLE_SIZES,
    TITLE_FLOOR,
    Areas,
    Box,
    ChartData,
    Geometry,
    SlidePlan,
    default_geometry,
    layout_names,
)
from .textfit import Fonts

EMU_PER_PT = 12700
PICTURE_MIN_DPI = 200
CORE_PROPERTY_LIMIT = 255  # characters in a title, subject or keywords of docProps/core.xml
SLIDE_NUMBER_FIELD_ID = "{5C1D6B5E-0C8A-4F43-9A2B-3D6F0D2C9E11}"  # fixed: same input, same bytes

TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
DEFAULT_INSETS = (7.2, 3.6, 7.2, 3.6)  # PowerPoint's text frame margins when none are given
BULLET_TAGS = ("a:buClrTx", "a:buClr", "a:buSzTx", "a:buSzPct", "a:buSzPts", "a:buFontTx", "a:buFont",
               "a:buNone", "a:buAutoNum", "a:buChar", "a:buBlip")


def clean(text: str) -> str:
    """Text python-pptx can write: characters invalid in XML (and other controls) removed,
    tabs, vertical tabs and form feeds as spaces."""
    return strip_unsafe(text.replace("\t", " "))[0]


def pt(value: float) -> int:
    return Pt(value)


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


# ---- geometry: the boxes the planner fits text into ---------------------------------------------

def deck_geometry(theme: Theme, template: Path | str | None = None) -> Geometry:
    """The slide size and the boxes of each kind of slide: the default drawing's, or those of
    ``template``'s layouts, found by the names the theme gives. A template that cannot hold the
    deck (no such layout, slides or placeholders too small for one line of text) is an
    EnvironmentProblem naming it, raised here, so ``deckgen check`` reports it as a build would."""
    if template is None:
        return default_geometry(theme)
    prs = _open_template(template)
    names = layout_names(theme)
    layouts = _find_layouts(prs, names, template)
    width, height = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    _check_slide_size(template, width, height)
    font, metrics = template_font(prs)
    reader = _TemplateBoxes(template, width, height, Fonts(metrics or theme.fonts["deck_metrics"],
                                                            theme.fonts["deck_cjk"]),
                            float(theme.sizes["deck_min_body"]))
    footer, number = reader.footer_boxes(layouts["points"])
    areas = {kind: reader.areas(layout, kind, footer.y) for kind, layout in layouts.items()}
    return Geometry(width, height, areas, footer, number, names, str(template), font, metrics)


# Fonts PowerPoint users have, and their metric-compatible free twins installed by the set-up.
METRIC_TWINS = {"Calibri": "Carlito", "Arial": "Liberation Sans", "Helvetica": "Liberation Sans",
                "Times New Roman": "Liberation Serif", "Courier New": "Liberation Mono",
                "Carlito": "Carlito", "Liberation Sans": "Liberation Sans"}


def template_font(prs) -> tuple[str, str]:
    """The template theme's body font and the installed font that measures like it, or
    ("", "") when there is no twin (the deck then uses the theme's font, which is measured)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from .textfit import font_path

    try:
        theme_part = prs.slide_masters[0].part.part_related_by(RT.THEME)
        root = etree.fromstring(theme_part.blob)
    except (KeyError, IndexError, ValueError, etree.XMLSyntaxError):
        return "", ""
    latin = root.find(f".//{qn('a:minorFont')}/{qn('a:latin')}")
    name = latin.get("typeface", "") if latin is not None else ""
    twin = METRIC_TWINS.get(name)
    if not twin:
        return "", ""
    try:
        font_path(twin)
    except EnvironmentProblem:
        return "", ""
    return name, twin


def _open_template(template: Path | str):
    """The reference template as a python-pptx Presentation, opened from bytes that passed
    :func:`checked_template_bytes` (python-pptx itself reads every entry of the zip)."""
    from zipfile import BadZipFile

    from lxml.etree import XMLSyntaxError
    from pptx.exc import PackageNotFoundError

    data = checked_template_bytes(template)
    try:
        return Presentation(io.BytesIO(data))
    except (OSError, KeyError, ValueError, BadZipFile, XMLSyntaxError, PackageNotFoundError) as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc})") from None


# ---- the template's zip, checked before anything unpacks it ---------------------------------------

TEMPLATE_MAX_FILE = 100 * 2**20      # bytes of the .pptx file itself
TEMPLATE_MAX_ENTRIES = 2_000         # files in its zip
TEMPLATE_MAX_UNPACKED = 256 * 2**20  # bytes of all its entries unpacked, declared and actual
TEMPLATE_MAX_RATIO = 100             # unpacked / packed size of one entry of over 1 MiB
TEMPLATE_RATIO_FLOOR = 2**20         # entries smaller than this may compress any amount
_READ_CHUNK = 2**20


def checked_template_bytes(template: Path | str) -> bytes:
    """The template file's bytes, once its zip is known to unpack within the limits: entry
    count, each entry's declared size and compression ratio, and the bytes actually unpacked
    (read in chunks with a budget, so a zip that lies about its sizes is stopped too)."""
    import zipfile

    path = Path(template)
    try:
        size = path.stat().st_size
        if size > TEMPLATE_MAX_FILE:
            raise EnvironmentProblem(
                f"{template}: the reference template is {_mib(size)}, more than the "
                f"{_mib(TEMPLATE_MAX_FILE)} deckgen reads (save it again without unused pictures)")
        data = path.read_bytes()
    except OSError as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc.strerror})") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_entries(template, package)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
            EOFError, ValueError) as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc})") from None
    return data


def _check_entries(template, package) -> None:
    entries = [info for info in package.infolist() if not info.is_dir()]
    if len(entries) > TEMPLATE_MAX_ENTRIES:
        raise EnvironmentProblem(
            f"{template}: the reference template's zip holds {len(entries):,} files, more than the "
            f"{TEMPLATE_MAX_ENTRIES:,} deckgen reads (save it again from PowerPoint)")
    declared = 0
    for info in entries:
        declared += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > TEMPLATE_RATIO_FLOOR and ratio > TEMPLATE_MAX_RATIO:
            raise _entry_too_large(template, info.filename,
                                   f"unpacks to {_mib(info.file_size)}, {ratio:,.0f} times its packed "
                                   f"size (at most {TEMPLATE_MAX_RATIO} times)")
        if declared > TEMPLATE_MAX_UNPACKED:
            raise _entry_too_large(template, info.filename,
                                   f"takes the unpacked template past {_mib(TEMPLATE_MAX_UNPACKED)}")
    budget = TEMPLATE_MAX_UNPACKED
    for info in entries:
        budget -= _unpacked_size(template, package, info, budget)


def _unpacked_size(template, package, info, budget: int) -> int:
    """The bytes ``info`` actually unpacks to, read in chunks; stopped past ``budget`` or past
    its declared size (zipfile also checks its CRC at the end)."""
    total = 0
    with package.open(info) as entry:
        while chunk := entry.read(_READ_CHUNK):
            total += len(chunk)
            if total > budget or total > info.file_size:
                raise _entry_too_large(template, info.filename,
                                       "unpacks to more than its declared size or the "
                                       f"{_mib(TEMPLATE_MAX_UNPACKED)} deckgen reads")
    return total


def _entry_too_large(template, name: str, what: str) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"{template}: entry '{name}' of the reference template {what} (remove the entry, or "
        "save the template again from PowerPoint)")


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def _layouts_by_name(prs) -> dict:
    """Every slide layout of every master, by name (the first master's wins a clash)."""
    layouts = {}
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            layouts.setdefault(layout.name, layout)
    return layouts


def _find_layouts(prs, names: dict[str, str], template) -> dict:
    """The layout for each slide kind, by name, from every slide master of the template."""
    available = _layouts_by_name(prs)
    found = {}
    for kind, name in names.items():
        if name not in available:
            raise EnvironmentProblem(
                f"{template}: the reference template has no slide layout named '{name}' "
                f"(needed for {kind} slides; it has: {', '.join(sorted(available))}). Rename a "
                f"layout in PowerPoint's slide master view, or map '{kind}' to another layout "
                "under deck.layouts in templates/theme.yaml.")
        found[kind] = available[name]
    return found


def _placeholder(container, types) -> object | None:
    for shape in container.placeholders:
        if shape.placeholder_format.type in types:
            return shape
    return None


def _body_placeholder(layout):
    """The layout's main text placeholder: index 1 when it holds text, else the first body."""
    for shape in layout.placeholders:
        if shape.placeholder_format.idx == 1 and shape.placeholder_format.type in BODY_TYPES:
            return shape
    return _placeholder(layout, BODY_TYPES)


def _box(shape) -> Box:
    """A placeholder's box in points, with its text margins (the layout's, else the master's);
    a layout placeholder with no size of its own takes its master placeholder's."""
    base = getattr(shape, "_base_placeholder", None)
    if not (shape.width and shape.height) and base is not None:
        shape = base
    return Box(shape.left / EMU_PER_PT, shape.top / EMU_PER_PT, shape.width / EMU_PER_PT,
               shape.height / EMU_PER_PT, _insets(shape))


def _insets(shape) -> tuple[float, float, float, float]:
    values = list(DEFAULT_INSETS)
    chain = [shape]
    base = getattr(shape, "_base_placeholder", None)
    if base is not None:
        chain.append(base)
    for index, name in enumerate(("lIns", "tIns", "rIns", "bIns")):
        for element in chain:
            body_pr = element._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
            if body_pr is not None and body_pr.get(name) is not None:
                values[index] = int(body_pr.get(name)) / EMU_PER_PT
                break
    return tuple(values)


# ---- a template's geometry, checked -----------------------------------------------------------

MIN_SLIDE_W, MIN_SLIDE_H = 360.0, 180.0  # points: 5 x 2.5 in, the least slide deckgen draws on
MIN_LINE_EMS = 8.0      # a text placeholder's line holds at least this many ems of its smallest text
MIN_FIGURE = 72.0       # points each way: the least room for a figure between title and footer
BULLET_KINDS = ("agenda", "points", "recommendations", "references")


def _check_slide_size(template, width: float, height: float) -> None:
    if width < MIN_SLIDE_W or height < MIN_SLIDE_H:
        raise EnvironmentProblem(
            f"{template}: the reference template's slides are {_size(width, height)}, smaller than "
            f"the {_size(MIN_SLIDE_W, MIN_SLIDE_H)} deckgen needs (set a larger slide size in "
            "PowerPoint under Design > Slide Size, or use another template)")


def _size(width: float, height: float) -> str:
    return f"{width:.0f} x {height:.0f} pt ({width / 72:.2f} x {height / 72:.2f} in)"


class _TemplateBoxes:
    """The boxes of a template's layouts, each kept on the slide (a placeholder reaching past
    an edge is cut at it) and checked to hold a line of the smallest text deckgen sets in it."""

    def __init__(self, template, width: float, height: float, fonts: Fonts, min_body: float):
        self.template, self.width, self.height = template, width, height
        self.fonts, self.min_body = fonts, min_body

    def areas(self, layout, kind: str, footer_top: float) -> Areas:
        title = _placeholder(layout, TITLE_TYPES)
        if title is None:
            raise EnvironmentProblem(f"{self.template}: layout '{layout.name}' (for {kind} slides) "
                                     "has no title placeholder")
        floor = COVER_FLOOR if kind in ("title", "closing") else TITLE_FLOOR
        title_box = self.placeholder_box(title, layout, kind, floor, bold=True)
        if kind == "figure":
            return self.figure_areas(layout, title_box, footer_top)
        body = _body_placeholder(layout)
        if body is None and kind in BULLET_KINDS:
            raise EnvironmentProblem(f"{self.template}: layout '{layout.name}' (for {kind} slides) "
                                     "has no body placeholder for the bullets")
        if kind in BULLET_KINDS:
            return Areas(title=title_box, body=self.placeholder_box(
                body, layout, kind, self.min_body, indent=BULLET_INDENT))
        if body is None:  # a cover or divider without a subtitle box: the space under the title
            under = Box(title_box.x, title_box.bottom + 6, title_box.w,
                        max(footer_top - title_box.bottom - 12, 30))
            return Areas(title=title_box, body=self.checked(
                self.on_slide(under), layout, kind, "the space under the title", SUBTITLE_SIZES[-1]))
        return Areas(title=title_box, body=self.placeholder_box(body, layout, kind, SUBTITLE_SIZES[-1]))

    def figure_areas(self, layout, title: Box, footer_top: float) -> Areas:
        """Below the title: the figure, then a one-line caption above the footer."""
        top, bottom = title.bottom + 6, min(footer_top, self.height) - 4
        caption = Box(title.x, bottom - 30, title.w, 30)
        figure = Box(title.x, top, title.w, caption.y - 4 - top)
        if figure.w < MIN_FIGURE or figure.h < MIN_FIGURE:
            raise EnvironmentProblem(
                f"{self.template}: layout '{layout.name}' (for figure slides) leaves "
                f"{max(figure.w, 0):.0f} x {max(figure.h, 0):.0f} pt for a figure between its title "
                f"placeholder and the footer (at least {MIN_FIGURE:.0f} x {MIN_FIGURE:.0f} pt: make "
                "the title placeholder shorter in PowerPoint's slide master view)")
        return Areas(title=title, figure=figure, caption=self.checked(
            caption, layout, "figure", "the caption line under the figure", CAPTION_SIZES[-1]))

    def footer_boxes(self, layout) -> tuple[Box, Box]:
        """Where the template puts its footer and slide number (layout, then master), else
        defaults at the foot of the slide."""
        boxes = []
        for kind, default in ((PP_PLACEHOLDER.FOOTER, Box(36, self.height - 34, self.width * 0.6, 24)),
                              (PP_PLACEHOLDER.SLIDE_NUMBER, Box(self.width - 186, self.height - 34, 150, 24))):
            shape = _placeholder(layout, (kind,)) or _placeholder(layout.slide_master, (kind,))
            if shape is None:
                boxes.append(self.on_slide(default))
            else:
                boxes.append(self.placeholder_box(shape, layout, "points", FOOTER_SIZES[-1]))
        return boxes[0], boxes[1]

    def placeholder_box(self, shape, layout, kind: str, size: float, bold: bool = False,
                        indent: float = 0.0) -> Box:
        name = f"placeholder '{shape.name}' (index {shape.placeholder_format.idx})"
        return self.checked(self.on_slide(_box(shape)), layout, kind, name, size, bold, indent)

    def on_slide(self, box: Box) -> Box:
        """``box`` cut at the slide's edges (it may be left with no width or height)."""
        left, top = max(box.x, 0.0), max(box.y, 0.0)
        right, bottom = min(box.right, self.width), min(box.bottom, self.height)
        return Box(left, top, max(right - left, 0.0), max(bottom - top, 0.0), box.insets)

    def checked(self, box: Box, layout, kind: str, what: str, size: float, bold: bool = False,
                indent: float = 0.0) -> Box:
        """``box``, if its inside holds one line of ``MIN_LINE_EMS`` ems at ``size`` points."""
        need_w = MIN_LINE_EMS * size + indent
        need_h = self.fonts.line_height("Hg", size, bold)
        if box.inner_w >= need_w and box.inner_h >= need_h:
            return box
        left, top, right, bottom = box.insets
        raise EnvironmentProblem(
            f"{self.template}: layout '{layout.name}' (for {kind} slides): {what} is "
            f"{box.w:.0f} x {box.h:.0f} pt on the slide, too small for one line of {size:g} pt "
            f"text (make it at least {need_w + left + right:.0f} x {need_h + top + bottom:.0f} pt "
            "and inside the slide, in PowerPoint's slide master view)")


# ---- writing ---------------------------------------------------------------------------------

def write_deck(plans: list[SlidePlan], brief: m.Brief, theme: Theme,
               figure_pngs: dict[str, bytes], template: Path | str | None = None) -> bytes:
    """The deck as .pptx bytes; with ``template``, into its layouts (plan with
    ``plan_slides(brief, theme, deck_geometry(theme, template))``)."""
    writer = _DeckWriter(brief, theme, figure_pngs, template)
    writer.check_fits(plans)
    for plan in plans:
        writer.add(plan)
    return writer.save()


class _DeckWriter:
    def __init__(self, brief: m.Brief, theme: Theme, figure_pngs: dict[str, bytes], template):
        self.brief = brief
        self.theme = theme
        self.pngs = figure_pngs
        self.styled = template is None  # draw the theme's colours; else the template's show
        if template is None:
            self.prs = Presentation()
            self.prs.slide_width = pt(SLIDE_W)
            self.prs.slide_height = pt(SLIDE_H)
        else:
            self.prs = _open_template(template)
            _remove_slides(self.prs)
        self.layouts = _layouts_by_name(self.prs)
        name, metrics = template_font(self.prs) if template is not None else ("", "")
        self.font = name or theme.fonts["deck"]
        self.cjk_font = theme.fonts["deck_cjk"]
        self.fonts = Fonts(metrics or theme.fonts["deck_metrics"], theme.fonts["deck_cjk"])

    def colour(self, name: str) -> RGBColor:
        return rgb(self.theme.colour(name))

    def check_fits(self, plans: list[SlidePlan]) -> None:
        """Plans made for another slide size or naming a layout the template lacks are refused,
        not mis-drawn."""
        width, height = self.prs.slide_width / EMU_PER_PT, self.prs.slide_height / EMU_PER_PT
        for plan in plans:
            if not self.styled and plan.layout not in self.layouts:
                raise EnvironmentProblem(f"the reference template has no slide layout named "
                                         f"'{plan.layout}' (needed for {plan.kind} slides)")
            for box in _plan_boxes(plan):
                if box.x < -0.5 or box.y < -0.5 or box.right > width + 0.5 or box.bottom > height + 0.5:
                    raise EnvironmentProblem(
                        f"slide {plan.number} was planned for another slide size than the "
                        f"{width:.0f} x {height:.0f} pt of this deck: plan with deck_geometry() "
                        "of the same reference template")

    # ---- slides ----
    def add(self, plan: SlidePlan) -> None:
        layout = self.layouts["Blank"] if self.styled else self.layouts[plan.layout]
        slide = self.prs.slides.add_slide(layout)
        slide.name = f"{plan.kind}-{plan.number}"
        if plan.kind in ("title", "closing", "section"):
            self.cover(slide, plan)
        elif plan.kind == "figure":
            self.figure(slide, plan)
        else:
            self.bullets(slide, plan)
        if plan.footer_box is not None:
            self.footer(slide, plan)
        _remove_empty_placeholders(slide)
        if plan.notes:
            slide.notes_slide.notes_text_frame.text = clean(plan.notes)

    def cover(self, slide, plan: SlidePlan) -> None:
        areas = plan.areas
        if self.styled:
            self.rect(slide, Box(0, 0, SLIDE_W, SLIDE_H), "primary")
            rule_y = areas.title.bottom + (areas.body.y - areas.title.bottom) / 2 - 2
            self.rect(slide, Box(areas.title.x + areas.title.insets[0], rule_y, 120, 4), "accent")
        title = self.shape(slide, "title", areas.title, "Title")
        self.fill(title, [plan.title], plan.title_size, colour="background", bold=True,
                  anchor=MSO_ANCHOR.BOTTOM)
        if plan.subtitle:
            body = self.shape(slide, "body", areas.body, "Subtitle")
            self.fill(body, list(plan.subtitle), plan.subtitle_size, colour="light")

    def bullets(self, slide, plan: SlidePlan) -> None:
        self.title(slide, plan)
        body = self.shape(slide, "body", plan.areas.body, "Body")
        self.fill(body, [b.text for b in plan.bullets], plan.body_size, bullets=plan)

    def figure(self, slide, plan: SlidePlan) -> None:
        self.title(slide, plan)
        figure = self.brief.figure(plan.figure_id)
        if plan.chart is not None:
            shape = self.chart(slide, plan.chart, figure, plan.areas.figure)
        else:
            shape = self.picture(slide, figure, plan.areas.figure)
        shape.name = figure.label
        set_alt_text(shape, figure.alt, figure.title)
        caption = self.shape(slide, "caption", plan.areas.caption, "Source")
        self.fill(caption, [plan.caption], plan.caption_size, colour="muted")

    def title(self, slide, plan: SlidePlan) -> None:
        box = plan.areas.title
        shape = self.shape(slide, "title", box, "Title")
        self.fill(shape, [plan.title], plan.title_size, colour="primary", bold=True,
                  anchor=MSO_ANCHOR.BOTTOM)
        if self.styled:
            self.rect(slide, Box(box.x + box.insets[0], box.bottom + 2, 80, 3), "accent")

    def footer(self, slide, plan: SlidePlan) -> None:
        """The footer text and a slide-number field: the template's own footer placeholders when
        it has them (so they wear its style), else text boxes in the theme's muted colour."""
        colour = "light" if plan.kind == "section" else "muted"
        shape = self.shape(slide, "footer", plan.footer_box, "Footer")
        self.fill(shape, [plan.footer], plan.footer_size, colour=colour, anchor=MSO_ANCHOR.MIDDLE)
        number = self.shape(slide, "number", plan.number_box, "Slide number")
        self.fill(number, [""], plan.footer_size, colour=colour, anchor=MSO_ANCHOR.MIDDLE,
                  align=PP_ALIGN.RIGHT)
        _slide_number_field(number.text_frame.paragraphs[0], plan.number, plan.footer_size)

    # ---- shapes ----
    def shape(self, slide, role: str, box: Box, name: str):
        """The layout's placeholder for ``role`` (template mode), else a new text box; either
        way placed exactly on ``box``."""
        shape = None if self.styled else self.placeholder(slide, role)
        if shape is None:
            shape = slide.shapes.add_textbox(pt(box.x), pt(box.y), pt(box.w), pt(box.h))
        shape.left, shape.top, shape.width, shape.height = pt(box.x), pt(box.y), pt(box.w), pt(box.h)
        shape.name = name
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
            return _placeholder(slide, TITLE_TYPES)
        if role == "body":
            return _body_placeholder(slide)
        kind = {"footer": PP_PLACEHOLDER.FOOTER, "number": PP_PLACEHOLDER.SLIDE_NUMBER}.get(role)
        source = _placeholder(slide.slide_layout, (kind,)) if kind else None
        if source is None:
            return None
        slide.shapes.clone_placeholder(source)
        return _placeholder(slide, (kind,))

    def rect(self, slide, box: Box, colour: str):
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, pt(box.x), pt(box.y), pt(box.w), pt(box.h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = self.colour(colour)
        shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def fill(self, shape, paragraphs: list[str], size: float, colour: str = "text", bold: bool = False,
             anchor=MSO_ANCHOR.TOP, align=PP_ALIGN.LEFT, bullets: SlidePlan | None = None) -> None:
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
            if self.styled:
                para.alignment = align
            para._p.get_or_add_pPr().set("hangingPunct", "0")  # no 、。 hanging past the box
            if bullets is not None:
                self.bullet_format(para, bullets, index)
            else:
                _no_bullet(para)
            run = para.add_run()
            run.text = clean(text)
            font = run.font
            font.size = pt(size)
            font.name = self.font
            if self.styled:
                font.bold = bold
            if self.styled or not shape.is_placeholder:
                font.color.rgb = self.colour(colour)
            set_east_asian_font(run._r.get_or_add_rPr(), self.cjk_font)

    def room_for_ink(self, frame, paragraphs: list[str], size: float, bold: bool) -> None:
        """Widen the top and bottom margins by how far shaped ink (stacked marks) reaches past
        its lines: renderers do not make such lines taller, and the plan measured them with
        this room (see :meth:`deckgen.textfit.Fonts.ink_overshoot`)."""
        reaches = [self.fonts.ink_overshoot(clean(text), size, bold) for text in paragraphs]
        above = max((a for a, _ in reaches), default=0.0)
        below = max((b for _, b in reaches), default=0.0)
        if above:
            frame.margin_top = frame.margin_top + pt(above)
        if below:
            frame.margin_bottom = frame.margin_bottom + pt(below)

    def bullet_format(self, para, plan: SlidePlan, index: int) -> None:
        """Hanging indent as planned; a bullet, the item's number, or no marker for the rest of
        an item split over slides."""
        item = plan.bullets[index]
        ppr = para._p.get_or_add_pPr()
        ppr.set("marL", str(pt(plan.indent)))
        ppr.set("indent", str(-pt(plan.indent)))
        _remove_children(ppr, BULLET_TAGS)
        if item.continued:  # aligned with the text above it, first line included
            ppr.set("indent", "0")
            _add_bullet_elements(ppr, ppr.makeelement(qn("a:buNone"), {}))
            return
        colour = ppr.makeelement(qn("a:buClr"), {})
        colour.append(colour.makeelement(qn("a:srgbClr"), {"val": self.theme.colour("accent").lstrip("#").upper()}))
        if item.number:
            font = ppr.makeelement(qn("a:buFont"), {"typeface": "+mj-lt"})
            marker = ppr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod", "startAt": str(item.number)})
        else:
            font = ppr.makeelement(qn("a:buFont"), {"typeface": "Arial"})
            marker = ppr.makeelement(qn("a:buChar"), {"char": "•"})
        _add_bullet_elements(ppr, colour, font, marker)

    # ---- figures ----
    def chart(self, slide, data: ChartData, figure: m.Figure, box: Box):
        """A native chart drawn from the plan's numbers (the figure's own data)."""
        chart_data = TextCellChartData(number_format=_number_format(data))
        chart_data.categories = [clean(c) for c in data.categories]
        for name, values in data.series:
            chart_data.add_series(clean(name), values)
        frame = slide.shapes.add_chart(getattr(XL_CHART_TYPE, KINDS[data.kind].native_chart), pt(box.x), pt(box.y), pt(box.w),
                                       pt(box.h), chart_data)
        chart = frame.chart
        chart.font.size = Pt(16)
        chart.font.name = self.font
        chart.font.color.rgb = self.colour("text")
        set_east_asian_font(chart.font._rPr, self.cjk_font)
        _ChartStyle(self.theme, data, figure.units).apply(chart)
        return frame

    def picture(self, slide, figure: m.Figure, box: Box):
        """The figure's PNG, as large as the box allows without falling below 200 dpi, centred."""
        image = io.BytesIO(self.pngs[figure.id])
        picture = slide.shapes.add_picture(image, pt(box.x), pt(box.y))
        pixels_w = picture.image.size[0]
        most = min(pixels_w / PICTURE_MIN_DPI * 72, box.w) / (picture.width / EMU_PER_PT)
        scale = min(most, pt(box.w) / picture.width, pt(box.h) / picture.height)
        picture.width = int(picture.width * scale)
        picture.height = int(picture.height * scale)
        picture.left = int(pt(box.x) + (pt(box.w) - picture.width) / 2)
        picture.top = int(pt(box.y) + (pt(box.h) - picture.height) / 2)
        return picture

    def save(self) -> bytes:
        props = self.prs.core_properties
        meta = self.brief.meta
        props.title = _property(meta.title)
        props.subject = _property(meta.subtitle)
        props.author = _property(", ".join(a.name for a in meta.authors))
        props.keywords = _property(", ".join(meta.keywords))
        props.last_modified_by = "deckgen"
        props.language = meta.language
        props.revision = 1
        props.comments = ""
        stamp = build_stamp(meta.date).replace(tzinfo=None)
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp
        out = io.BytesIO()
        self.prs.save(out)
        return normalise_office_zip(out.getvalue(), stamp)


# ---- chart workbooks: text stays text ---------------------------------------------------------

# XlsxWriter turns a string that starts with "=" into a formula and one that looks like a URL
# (http, ftp, mailto, file, external:) into a hyperlink unless told not to; "Edit data" in
# PowerPoint would then evaluate or follow it. Every text cell is written as a string instead.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}


class TextCellWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's chart workbook, with every text cell a literal string: never a formula,
    never a hyperlink, whatever it starts with."""

    @contextmanager
    def _open_worksheet(self, xlsx_file):
        from xlsxwriter import Workbook

        workbook = Workbook(xlsx_file, WORKBOOK_OPTIONS)
        worksheet = workbook.add_worksheet()
        worksheet.add_write_handler(str, _write_literal_string)
        yield workbook, worksheet
        workbook.close()


def _write_literal_string(worksheet, row: int, col: int, text: str, *style):
    """Every ``str`` a worksheet is given, written as a string cell (an empty one as blank)."""
    if text == "":
        return worksheet.write_blank(row, col, None, *style)
    return worksheet.write_string(row, col, text, *style)


class TextCellChartData(CategoryChartData):
    """Category chart data whose embedded workbook keeps every label a literal string."""

    @property
    def _workbook_writer(self):
        return TextCellWorkbookWriter(self)


class _ChartStyle:
    """The theme's look on a native chart: series colours, data labels, a value axis from 0 for
    bars and columns, gridlines, axis titles and a legend when there is more than one series."""

    def __init__(self, theme: Theme, data: ChartData, units: str):
        self.theme, self.data, self.units = theme, data, units
        self.colours = [rgb(c) for c in theme.series_colours]

    def apply(self, chart) -> None:
        chart.has_title = False
        if self.data.kind == "pie":
            self.pie(chart)
            return
        self.series(chart)
        self.labels(chart)
        self.axes(chart)
        chart.has_legend = len(self.data.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(14)

    def pie(self, chart) -> None:
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size = Pt(16)
        labels.number_format = "0%"
        labels.number_format_is_linked = False
        labels.show_percentage = True
        labels.show_value = False
        labels.show_category_name = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        chart.has_legend = False
        for index, point in enumerate(plot.series[0].points):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = self.colours[index % len(self.colours)]

    def series(self, chart) -> None:
        plot = chart.plots[0]
        if self.data.kind in ("bar", "column"):
            plot.gap_width = 60
            plot.overlap = 0 if len(self.data.series) > 1 else plot.overlap
        for index, series in enumerate(plot.series):
            colour = self.colours[index % len(self.colours)]
            if self.data.kind == "line":
                series.format.line.color.rgb = colour
                series.format.line.width = Pt(3)
                series.smooth = False
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.marker.format.line.color.rgb = colour
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour

    def labels(self, chart) -> None:
        """Values on the bars, columns or points, unless there are too many to read."""
        points = len(self.data.categories) * len(self.data.series)
        if points > 16:
            return
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.font.size = Pt(14 if points > 8 else 16)
        labels.number_format = _number_format(self.data)
        labels.number_format_is_linked = False
        labels.position = (XL_LABEL_POSITION.ABOVE if self.data.kind == "line"
                           else XL_LABEL_POSITION.OUTSIDE_END)

    def axes(self, chart) -> None:
        value_axis = chart.value_axis
        values = [v for _, series in self.data.series for v in series]
        if self.data.kind in ("bar", "column") and values and min(values) >= 0:
            value_axis.minimum_scale = 0
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = rgb(self.theme.colour("light"))
        value_axis.format.line.fill.background()
        value_axis.tick_labels.font.size = Pt(14)
        value_axis.tick_labels.number_format = _number_format(self.data)
        value_axis.tick_labels.number_format_is_linked = False
        category_axis = chart.category_axis
        category_axis.tick_labels.font.size = Pt(16 if len(self.data.categories) <= 8 else 14)
        if values and min(values) < 0:  # category labels below the plot, clear of negative bars
            category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        if self.data.kind == "bar":  # first category at the top, as in the brief
            category_axis.reverse_order = True
            _value_axis_crosses_max(chart)
        if self.units:
            value_axis.has_title = True
            value_axis.axis_title.text_frame.text = clean(self.units)
            value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)


def _value_axis_crosses_max(chart) -> None:
    """With categories reversed, keep the value axis at the bottom: it crosses the category
    axis at its last category (each axis's ``c:crosses`` says where it crosses the other)."""
    crosses = chart.value_axis._element.find(qn("c:crosses"))
    if crosses is not None:
        crosses.set("val", "max")


def _number_format(data: ChartData) -> str:
    """The chart's values as the PDF's figure writes them (:mod:`deckgen.figures.numbers`)."""
    return excel_number_format(chart_decimals(v for _, values in data.series for v in values))


# ---- XML helpers -------------------------------------------------------------------------------

def set_alt_text(shape, description: str, title: str) -> None:
    """python-pptx has no alt-text API: set ``descr`` (and ``title``) on the shape's cNvPr."""
    c_nv_pr = shape._element.find(".//" + qn("p:cNvPr"))
    c_nv_pr.set("descr", clean(description))
    c_nv_pr.set("title", clean(title))


def set_east_asian_font(rpr, typeface: str) -> None:
    """Name the font for East Asian text in a run (or default run) properties element, in the
    schema's order: latin, then ea."""
    element = rpr.find(qn("a:ea"))
    if element is None:
        element = rpr.makeelement(qn("a:ea"), {})
        latin = rpr.find(qn("a:latin"))
        if latin is not None:
            latin.addnext(element)
        else:
            _insert_before(rpr, element, ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver",
                                          "a:rtl", "a:extLst"))
    element.set("typeface", typeface)


def _insert_before(parent, element, successors: tuple[str, ...]) -> None:
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(element)
            return
    parent.append(element)


def _no_bullet(para) -> None:
    """A plain paragraph: no marker and no indent, whatever the layout's list style says."""
    ppr = para._p.get_or_add_pPr()
    ppr.set("marL", "0")
    ppr.set("indent", "0")
    _remove_children(ppr, BULLET_TAGS)
    _add_bullet_elements(ppr, ppr.makeelement(qn("a:buNone"), {}))


def _add_bullet_elements(ppr, *elements) -> None:
    """Bullet elements in the schema's place: after spacing, before tabs and default run style."""
    for element in elements:
        _insert_before(ppr, element, ("a:tabLst", "a:defRPr", "a:extLst"))


def _remove_children(element, tags: tuple[str, ...]) -> None:
    for tag in tags:
        for child in element.findall(qn(tag)):
            element.remove(child)


def _slide_number_field(para, number: int, size: float) -> None:
    """A slide-number field, so the number stays right when a speaker reorders slides."""
    p = para._p
    for run in p.findall(qn("a:r")):
        p.remove(run)
    field = p.makeelement(qn("a:fld"), {"id": SLIDE_NUMBER_FIELD_ID, "type": "slidenum"})
    rpr = field.makeelement(qn("a:rPr"), {"lang": "en-GB", "sz": str(int(size * 100))})
    field.append(rpr)
    text = field.makeelement(qn("a:t"), {})
    text.text = str(number)
    field.append(text)
    end = p.find(qn("a:endParaRPr"))
    if end is not None:
        end.addprevious(field)
    else:
        p.append(field)


def _remove_slides(prs) -> None:
    """Drop the example slides a reference template may hold; only its layouts are used."""
    id_list = prs.slides._sldIdLst
    for slide_id in list(id_list):
        prs.part.drop_rel(slide_id.rId)
        id_list.remove(slide_id)


def _remove_empty_placeholders(slide) -> None:
    """Placeholders of the layout the plan left empty would show "Click to add text"."""
    for shape in list(slide.placeholders):
        if shape.has_text_frame and not shape.text_frame.text.strip():
            shape._element.getparent().remove(shape._element)


def _property(text: str) -> str:
    """A core property value: cleaned, and cut to the 255 characters the format allows."""
    text = clean(text)
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1] + "…"


def _plan_boxes(plan: SlidePlan) -> list[Box]:
    areas = plan.areas
    boxes = [areas.title, areas.body, areas.figure, areas.caption, plan.footer_box, plan.number_box]
    return [b for b in boxes if b is not None]
