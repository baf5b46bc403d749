"""Read and check a reference .pptx (or .potx) template: the geometry the planner fits text into.

:func:`deck_geometry` gives the slide size and each slide kind's boxes: the default drawing's,
or those of the template's layouts, found by the names the theme gives in the master of each
kind's role (:mod:`deckgen.deck.masters`: cover or content). The template's zip is checked
before anything unpacks it (entry count, sizes, compression ratios, the bytes actually
unpacked), a .potx is opened as the presentation it is, its slides must be large enough, each
placeholder is cut at the slide's edges and must hold one line of the smallest text deckgen
sets in it, the footer is made tall enough for a line of its text (or placed at the slide's
foot when the template has none), and the template theme's body font is used when its metric
twin is installed. A template that cannot hold the deck is an EnvironmentProblem naming what to
change.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from ..errors import EnvironmentProblem
from ..theme import Theme
from .geometry import (
    BULLET_INDENT,
    CAPTION_SIZES,
    FOOTER_SIZES,
    SUBTITLE_SIZES,
    Areas,
    Box,
    Geometry,
)
from .masters import choose_layouts, require_layouts, stand_in_areas, template_listing

__all__ = ["deck_geometry", "open_template", "require_layouts", "template_listing"]
from .slides import BULLETS, FIGURE, SLIDE_KINDS, default_geometry, layout_names
from .textfit import Fonts

EMU_PER_PT = 12700
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
DEFAULT_INSETS = (7.2, 3.6, 7.2, 3.6)  # PowerPoint's text frame margins when none are given


def deck_geometry(theme: Theme, template: Path | str | None = None) -> Geometry:
    """The slide size and the boxes of each kind of slide: the default drawing's, or those of
    ``template``'s layouts, found by the names the theme gives in the master of each kind's
    role (see :mod:`deckgen.deck.masters`). A template that cannot hold the deck (slides or
    placeholders too small for one line of text) is an EnvironmentProblem naming it, raised
    here, so ``deckgen check`` reports it as a build would; a layout no master has is recorded
    in ``missing`` and required only by the slides planned (:func:`require_layouts`)."""
    if template is None:
        return default_geometry(theme)
    prs = open_template(template)
    names = layout_names(theme)
    choice = choose_layouts(prs, names, theme.deck.get("master"), template)
    width, height = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    _check_slide_size(template, width, height)
    font, metrics = template_font(prs)
    reader = _TemplateBoxes(template, width, height, Fonts(metrics or theme.fonts["deck_metrics"],
                                                            theme.fonts["deck_cjk"]),
                            float(theme.sizes["deck_min_body"]))
    content = choice.layouts.get("points") or next(
        (layout for kind, layout in choice.layouts.items()
         if layout is not None and SLIDE_KINDS[kind].form == BULLETS), None)
    footer, number = reader.footer_boxes(content)
    areas = {kind: reader.areas(layout, kind, footer) for kind, layout in choice.layouts.items()
             if layout is not None}
    for kind in choice.missing:  # stand-ins, so that a plan can be made and its needs named
        areas[kind] = stand_in_areas(areas, kind, width, height)
    return Geometry(width, height, areas, footer, number, names, str(template), font, metrics,
                    missing=dict(choice.missing))


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


def open_template(template: Path | str):
    """The reference template as a python-pptx Presentation, opened from bytes that passed
    :func:`checked_template_bytes` (python-pptx itself reads every entry of the zip)."""
    from zipfile import BadZipFile

    from lxml.etree import XMLSyntaxError
    from pptx.exc import PackageNotFoundError

    data = as_presentation(checked_template_bytes(template))
    try:
        return Presentation(io.BytesIO(data))
    except (OSError, KeyError, ValueError, BadZipFile, XMLSyntaxError, PackageNotFoundError) as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc})") from None


POTX_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PPTX_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def as_presentation(data: bytes) -> bytes:
    """A template's bytes with a .potx's main part typed as a presentation's (the only
    difference between the two), so that it opens and the deck saves as a .pptx."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml") if "[Content_Types].xml" in package.namelist() else b""
        if POTX_TYPE not in types:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in package.infolist():
                body = package.read(info)
                copy.writestr(info, body.replace(POTX_TYPE, PPTX_TYPE) if info.filename == "[Content_Types].xml"
                              else body)
    return out.getvalue()


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


def placeholder_of(container, types) -> object | None:
    for shape in container.placeholders:
        if shape.placeholder_format.type in types:
            return shape
    return None


def body_placeholder(layout):
    """The layout's main text placeholder: index 1 when it holds text, else the first body."""
    for shape in layout.placeholders:
        if shape.placeholder_format.idx == 1 and shape.placeholder_format.type in BODY_TYPES:
            return shape
    return placeholder_of(layout, BODY_TYPES)


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
FOOTER_INSET = 1.8      # top and bottom margins of a footer line deckgen sizes
MIN_FIGURE = 72.0       # points each way: the least room for a figure between title and footer


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

    def areas(self, layout, kind: str, footer: Box) -> Areas:
        title = placeholder_of(layout, TITLE_TYPES)
        if title is None:
            raise EnvironmentProblem(f"{self.template}: layout '{layout.name}' (for {kind} slides) "
                                     "has no title placeholder")
        form = SLIDE_KINDS[kind].form
        footer_top = footer.y if SLIDE_KINDS[kind].footer else self.height
        title_box = self.placeholder_box(title, layout, kind, SLIDE_KINDS[kind].title_floor, bold=True)
        if form == FIGURE:
            return self.figure_areas(layout, title_box, footer_top)
        body = body_placeholder(layout)
        if body is None and form == BULLETS:
            raise EnvironmentProblem(f"{self.template}: layout '{layout.name}' (for {kind} slides) "
                                     "has no body placeholder for the bullets")
        if form == BULLETS:
            return Areas(title=title_box, body=self.placeholder_box(
                body, layout, kind, self.min_body, indent=BULLET_INDENT, above=footer if
                SLIDE_KINDS[kind].footer else None))
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
        """Where the footer and the slide number go: the template's own placeholders (layout,
        then master), made tall enough for a line of the footer's largest size; else, or where
        a placeholder is too narrow for the marking, a line at the foot of the slide, under the
        content's body and beside the slide number."""
        shapes = [None, None]
        if layout is not None:
            for index, kind in enumerate((PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)):
                shapes[index] = placeholder_of(layout, (kind,)) or placeholder_of(layout.slide_master, (kind,))
        need = self.fonts.line_height("Hg", FOOTER_SIZES[0]) + 2 * FOOTER_INSET + 1
        boxes = [self.footer_line(self.on_slide(_box(shape)), need) if shape is not None else None
                 for shape in shapes]
        number = boxes[1]
        if number is None or number.inner_w < 3 * FOOTER_SIZES[-1]:
            number = self.foot_box(self.width - 36 - 90, 90, need)
        footer = boxes[0]
        if footer is None or footer.inner_w < MIN_LINE_EMS * FOOTER_SIZES[-1]:
            left = 36.0
            footer = self.foot_box(left, max(min(number.x, self.width * 0.75) - 12 - left, 0), need)
        return (self.checked(footer, layout, "points", "the footer", FOOTER_SIZES[-1]),
                self.checked(number, layout, "points", "the slide number", FOOTER_SIZES[-1], min_ems=2))

    def footer_line(self, box: Box, need: float) -> Box:
        """``box`` grown upwards (or moved up from the slide's foot) to ``need`` points, with thin
        top and bottom margins, when it is shorter."""
        insets = (box.insets[0], FOOTER_INSET, box.insets[2], FOOTER_INSET)
        if box.h >= need and box.inner_h >= need - 2 * FOOTER_INSET:
            return box
        bottom = min(box.bottom, self.height - 2)
        return Box(box.x, max(bottom - need, 0.0), box.w, need, insets)

    def foot_box(self, x: float, w: float, need: float) -> Box:
        return self.on_slide(Box(x, self.height - need - 8, w, need,
                                 (DEFAULT_INSETS[0], FOOTER_INSET, DEFAULT_INSETS[2], FOOTER_INSET)))

    def placeholder_box(self, shape, layout, kind: str, size: float, bold: bool = False,
                        indent: float = 0.0, above: Box | None = None) -> Box:
        """``shape``'s box on the slide; with ``above``, cut to end above that box (the footer)
        where both share the slide's width and the cut leaves most of it."""
        name = f"placeholder '{shape.name}' (index {shape.placeholder_format.idx})"
        box = self.on_slide(_box(shape))
        if above is not None and _overlap(box, above) and above.y - 2 - box.y >= box.h * 0.6:
            box = Box(box.x, box.y, box.w, above.y - 2 - box.y, box.insets)
        return self.checked(box, layout, kind, name, size, bold, indent)

    def on_slide(self, box: Box) -> Box:
        """``box`` cut at the slide's edges (it may be left with no width or height)."""
        left, top = max(box.x, 0.0), max(box.y, 0.0)
        right, bottom = min(box.right, self.width), min(box.bottom, self.height)
        return Box(left, top, max(right - left, 0.0), max(bottom - top, 0.0), box.insets)

    def checked(self, box: Box, layout, kind: str, what: str, size: float, bold: bool = False,
                indent: float = 0.0, min_ems: float = MIN_LINE_EMS) -> Box:
        """``box``, if its inside holds one line of ``min_ems`` ems at ``size`` points."""
        need_w = min_ems * size + indent
        need_h = self.fonts.line_height("Hg", size, bold)
        if box.inner_w >= need_w and box.inner_h >= need_h:
            return box
        left, top, right, bottom = box.insets
        raise EnvironmentProblem(
            f"{self.template}: layout '{getattr(layout, 'name', '')}' (for {kind} slides): {what} is "
            f"{box.w:.0f} x {box.h:.0f} pt on the slide, too small for one line of {size:g} pt "
            f"text (make it at least {need_w + left + right:.0f} x {need_h + top + bottom:.0f} pt "
            "and inside the slide, in PowerPoint's slide master view)")


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom
