"""A reference template's boxes: where each kind of slide's title, body, caption and footer go,
read from the placeholders of its layouts (and their masters) and checked.

A placeholder reaching past the slide's edge is cut at it; a placeholder sized to its text by
autofit (Google Slides exports carry heights of one short line) and too small for two lines of
the smallest text deckgen sets in it grows down into the free area of the slide below it (to
the next placeholder, the footer or the slide's foot; a title to two lines at most), else takes
its master's box.
Each such change is a warning naming the layout and the placeholder, kept in
:attr:`TemplateBoxes.warnings` for :class:`~deckgen.deck.geometry.Geometry` to carry; a box
nothing can make large enough is an EnvironmentProblem saying what to change.
"""

from __future__ import annotations

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from ..errors import EnvironmentProblem
from .geometry import BULLET_INDENT, CAPTION_SIZES, FOOTER_SIZES, SUBTITLE_SIZES, Areas, Box
from .slides import BULLETS, COVER, FIGURE, SLIDE_KINDS
from .textfit import Fonts

EMU_PER_PT = 12700
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
DEFAULT_INSETS = (7.2, 3.6, 7.2, 3.6)  # PowerPoint's text frame margins when none are given
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
COVER_LINES = 3         # a cover's title may take this many lines (as the planner sets it)
COVER_SUBTITLE_LINES = 4  # the lines a cover's subtitle box keeps when its title takes its top
MIN_FIGURE = 72.0       # points each way: the least room for a figure between title and footer


def check_slide_size(template, width: float, height: float) -> None:
    if width < MIN_SLIDE_W or height < MIN_SLIDE_H:
        raise EnvironmentProblem(
            f"{template}: the reference template's slides are {_size(width, height)}, smaller than "
            f"the {_size(MIN_SLIDE_W, MIN_SLIDE_H)} deckgen needs (set a larger slide size in "
            "PowerPoint under Design > Slide Size, or use another template)")


def _size(width: float, height: float) -> str:
    return f"{width:.0f} x {height:.0f} pt ({width / 72:.2f} x {height / 72:.2f} in)"


class TemplateBoxes:
    """The boxes of a template's layouts (see the module's docstring); ``warnings`` collects
    what was changed, each message naming its layout."""

    def __init__(self, template, width: float, height: float, fonts: Fonts, min_body: float):
        self.template, self.width, self.height = template, width, height
        self.fonts, self.min_body = fonts, min_body
        self.warnings: list[str] = []
        self.said: set[str] = set()

    def warn(self, message: str) -> None:
        if message not in self.said:
            self.said.add(message)
            self.warnings.append(message)

    def areas(self, layout, kind: str, footer: Box) -> Areas:
        title = placeholder_of(layout, TITLE_TYPES)
        if title is None:
            raise EnvironmentProblem(f"{self.template}: layout '{layout.name}' (for {kind} slides) "
                                     "has no title placeholder")
        form = SLIDE_KINDS[kind].form
        footer_top = footer.y if SLIDE_KINDS[kind].footer else self.height
        body = body_placeholder(layout) if form != FIGURE else None
        body_top = self.on_slide(_box(body)).y if body is not None else None
        below_title = body_top if body_top is not None and body_top > _box(title).y else footer_top
        floor = SLIDE_KINDS[kind].title_floor
        top = self.on_slide(_box(title)).y  # a title grows to two lines at most, above the body
        title_box = self.placeholder_box(title, layout, kind, floor, bold=True, free_to=min(
            below_title - 4, top + 2 * self.line(floor, True) + sum(_box(title).insets[1::2]) + 2))
        if form == COVER:
            title_box = self.cover_room(title_box, floor, below_title - 4)
        if form == FIGURE:
            return self.figure_areas(layout, title_box, footer_top)
        if body is None and form == BULLETS:
            raise EnvironmentProblem(f"{self.template}: layout '{layout.name}' (for {kind} slides) "
                                     "has no body placeholder for the bullets")
        if form == BULLETS:
            return Areas(title=title_box, body=self.placeholder_box(
                body, layout, kind, self.min_body, indent=BULLET_INDENT, above=footer if
                SLIDE_KINDS[kind].footer else None, free_to=footer_top - 4))
        if body is None:  # a cover or divider without a subtitle box: the space under the title
            under = Box(title_box.x, title_box.bottom + 6, title_box.w,
                        max(footer_top - title_box.bottom - 12, 30))
            return Areas(title=title_box, body=self.checked(
                self.on_slide(under), layout, kind, "the space under the title", SUBTITLE_SIZES[-1]))
        subtitle = self.placeholder_box(body, layout, kind, SUBTITLE_SIZES[-1], free_to=footer_top - 4)
        if form == COVER and subtitle.y >= title_box.bottom:
            title_box, subtitle = self.share_cover(title_box, subtitle, floor)
        return Areas(title=title_box, body=subtitle)

    def share_cover(self, title: Box, subtitle: Box, floor: float) -> tuple[Box, Box]:
        """A cover's title grown into the top of a subtitle box taller than its lines need
        (:data:`COVER_SUBTITLE_LINES` lines of the largest subtitle size), the subtitle starting
        below it."""
        need = COVER_LINES * self.line(floor, True) + title.insets[1] + title.insets[3] + 2
        keep = COVER_SUBTITLE_LINES * self.line(SUBTITLE_SIZES[0]) + subtitle.insets[1] + subtitle.insets[3]
        spare = subtitle.h - keep
        if title.h >= need or spare <= 0:
            return title, subtitle
        grown = Box(title.x, title.y, title.w, min(need, subtitle.bottom - keep - 4 - title.y), title.insets)
        top = max(subtitle.y, grown.bottom + 4)
        return grown, Box(subtitle.x, top, subtitle.w, subtitle.bottom - top, subtitle.insets)

    def cover_room(self, box: Box, floor: float, free_to: float) -> Box:
        """A cover's title box grown down into the free area below it (to the subtitle or the
        footer) until it holds :data:`COVER_LINES` lines of its floor size, so that a long title
        is set whole where the template has room for it."""
        need = COVER_LINES * self.line(floor, True) + box.insets[1] + box.insets[3] + 2
        if box.h >= need or free_to <= box.bottom:
            return box
        return Box(box.x, box.y, box.w, min(need, free_to - box.y), box.insets)

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
        boxes = [self.footer_line(self.on_slide(_box(shape), layout, f"placeholder '{shape.name}'"), need)
                 if shape is not None else None for shape in shapes]
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
                        indent: float = 0.0, above: Box | None = None, free_to: float | None = None) -> Box:
        """``shape``'s box on the slide; with ``above``, cut to end above that box (the footer)
        where both share the slide's width and the cut leaves most of it. A box too small for a
        line of ``size`` points, or sized by autofit, takes its master's box or the free area
        down to ``free_to`` (see the module's docstring)."""
        name = f"placeholder '{shape.name}' (index {shape.placeholder_format.idx})"
        box = self.on_slide(_box(shape), layout, name)
        if above is not None and _overlap(box, above) and above.y - 2 - box.y >= box.h * 0.6:
            box = Box(box.x, box.y, box.w, above.y - 2 - box.y, box.insets)
        if autofit(shape) and (not self.holds(box, size, bold, indent)
                               or box.inner_h < self.line(size, bold) * 2):
            box = self.real_size(shape, box, layout, kind, name, size, bold, indent, free_to)
        return self.checked(box, layout, kind, name, size, bold, indent)

    def real_size(self, shape, box: Box, layout, kind: str, name: str, size: float, bold: bool,
                  indent: float, free_to: float | None) -> Box:
        """The box a placeholder sized by autofit, or too small, is given instead (with a
        warning); ``box`` itself when nothing better holds its text."""
        why = "sized to its text by autofit"
        base = getattr(shape, "_base_placeholder", None)
        candidates = []  # where it stands, grown down into the free area; else its master's box
        if free_to is not None and free_to - box.y > box.h:
            candidates.append(("the free area below it", Box(box.x, box.y, box.w, free_to - box.y, box.insets)))
        if base is not None and base.width and base.height:
            candidates.append(("the master's placeholder", self.on_slide(_box(base))))
        least = box.h * 1.5 if self.holds(box, size, bold, indent) else box.h  # worth a change
        for source, better in candidates:
            if better.h > least and self.holds(better, size, bold, indent):
                self.warn(f"layout '{_one_line(layout.name)}': {name} is "
                          f"{box.w:.0f} x {box.h:.1f} pt, {why}; deckgen sets its text in "
                          f"{better.w:.0f} x {better.h:.0f} pt, {source} (give the placeholder its "
                          "real size in PowerPoint's slide master view)")
                return better
        return box

    def line(self, size: float, bold: bool = False) -> float:
        return self.fonts.line_height("Hg", size, bold)

    def holds(self, box: Box, size: float, bold: bool = False, indent: float = 0.0,
              min_ems: float = MIN_LINE_EMS) -> bool:
        return box.inner_w >= min_ems * size + indent and box.inner_h >= self.line(size, bold)

    def on_slide(self, box: Box, layout=None, name: str = "") -> Box:
        """``box`` cut at the slide's edges (it may be left with no width or height); with
        ``layout``, a warning names the placeholder cut."""
        left, top = max(box.x, 0.0), max(box.y, 0.0)
        right, bottom = min(box.right, self.width), min(box.bottom, self.height)
        cut = Box(left, top, max(right - left, 0.0), max(bottom - top, 0.0), box.insets)
        if layout is not None and max(abs(cut.x - box.x), abs(cut.y - box.y), abs(cut.right - box.right),
                                      abs(cut.bottom - box.bottom)) > 0.5:
            self.warn(f"layout '{_one_line(layout.name)}': {name} reaches past the slide's edge "
                      f"({box.x:.0f}, {box.y:.0f} to {box.right:.0f}, {box.bottom:.0f} pt on a "
                      f"{self.width:.0f} x {self.height:.0f} pt slide); deckgen cuts it to the slide "
                      "(move it inside in PowerPoint's slide master view)")
        return cut

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

def autofit(shape) -> bool:
    """Whether the layout's placeholder itself says it sizes itself to its text or its text to
    itself (``a:spAutoFit``, ``a:normAutofit``), as Google Slides exports do: its size is then
    its text's, not a box to fill. (A master's autofit is inherited by placeholders that have
    real sizes of their own, so it says nothing about them.)"""
    body_pr = shape._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
    return body_pr is not None and (body_pr.find(qn("a:spAutoFit")) is not None
                                     or body_pr.find(qn("a:normAutofit")) is not None)


def _one_line(name: str) -> str:
    return " ".join(name.replace("-\n", "").split())
