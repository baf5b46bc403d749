"""What lies under a box on a template's slide, as LibreOffice and PowerPoint render it.

:func:`grounds_under` samples a grid of points over the box (about one every
:data:`SPACING` points) and gives the colour at each: the layout's and (unless the layout hides
them) the master's filled shapes and pictures that cover the point, from the top down, laid over
the layout's or master's background (else bg1). A fill is painted where it is drawn: a solid
colour; a gradient (``a:gradFill``) by its stops at their positions, along ``a:lin``'s angle
(``scaled`` to the shape or not) or out from ``a:path``'s ``fillToRect``, each stop's colour with
its ``lumMod``/``lumOff``/``tint``/``shade`` and ``alpha``; a theme's fill style where a
shape's ``fillRef`` or the background's ``bgRef`` names one; a picture (``p:pic``, ``a:blipFill``)
by the pixels of the region under the point (its crop applied, averaged over a cell of the
image). Ellipses cover their ellipse only; groups place their children. Contrast over a box is
the worst over its samples (:func:`worst_contrast`).
"""

from __future__ import annotations

import copy
import io
import itertools
import math
from dataclasses import dataclass

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from ..figures.colours import contrast
from .palette import _A, Scheme, _alpha, mix, resolve

EMU_PER_PT = 12700
SPACING = 12.0    # points between samples
MAX_SAMPLES = 16  # along each side of a box
PICTURE_CELLS = 160  # a picture is averaged down to this many cells across


@dataclass(frozen=True)
class Frame:
    """A painted area in EMU: its rectangle and its shape (``rect`` or ``ellipse``)."""

    x: float
    y: float
    w: float
    h: float
    geometry: str = "rect"

    def covers(self, px: float, py: float) -> bool:
        if not (self.x <= px <= self.x + self.w and self.y <= py <= self.y + self.h):
            return False
        if self.geometry == "ellipse" and self.w > 0 and self.h > 0:
            dx, dy = (px - self.x) / self.w - 0.5, (py - self.y) / self.h - 0.5
            return dx * dx + dy * dy <= 0.25
        return True

    def unit(self, px: float, py: float) -> tuple[float, float]:
        return ((px - self.x) / self.w if self.w else 0.0, (py - self.y) / self.h if self.h else 0.0)


# ---- paints ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Solid:
    colour: str
    alpha: float

    def at(self, frame: Frame, px: float, py: float) -> tuple[str, float]:
        return self.colour, self.alpha


@dataclass(frozen=True)
class Gradient:
    """Stops ``(position 0–1, colour, alpha)``; ``kind`` ``lin`` (``angle`` in degrees,
    clockwise from the x axis; ``scaled`` to the shape) or ``circle``/``rect``/``shape`` (out
    from ``focus``, the fillToRect as fractions l, t, r, b)."""

    stops: tuple[tuple[float, str, float], ...]
    kind: str = "lin"
    angle: float = 0.0
    scaled: bool = False
    focus: tuple[float, float, float, float] = (0.5, 0.5, 0.5, 0.5)

    def at(self, frame: Frame, px: float, py: float) -> tuple[str, float]:
        return self.colour_at(self.position(frame, px, py))

    def position(self, frame: Frame, px: float, py: float) -> float:
        u, v = frame.unit(px, py)
        if self.kind == "lin":
            w, h = (1.0, 1.0) if self.scaled else (frame.w or 1.0, frame.h or 1.0)
            dx, dy = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
            ends = [cx * w * dx + cy * h * dy for cx in (0, 1) for cy in (0, 1)]
            low, high = min(ends), max(ends)
            return (u * w * dx + v * h * dy - low) / (high - low) if high > low else 0.0
        left, top, right, bottom = self.focus
        fx0, fy0, fx1, fy1 = left, top, 1 - right, 1 - bottom
        if self.kind == "circle":
            cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
            reach = max(math.hypot(ex - cx, ey - cy) for ex in (0, 1) for ey in (0, 1)) or 1.0
            along = math.hypot(u - cx, v - cy) / reach
        else:  # rect, shape: out from the focus rectangle to the frame's edge
            along = max(_outward(u, fx0, fx1), _outward(v, fy0, fy1))
        return along  # a path's first stop is at its focus, its last at the frame's edge

    def colour_at(self, position: float) -> tuple[str, float]:
        stops = self.stops
        position = min(max(position, 0.0), 1.0)
        if position <= stops[0][0]:
            return stops[0][1], stops[0][2]
        for (p0, c0, a0), (p1, c1, a1) in itertools.pairwise(stops):
            if position <= p1:
                share = (position - p0) / (p1 - p0) if p1 > p0 else 1.0
                return mix(c1, c0, share), a0 + (a1 - a0) * share
        return stops[-1][1], stops[-1][2]


def _outward(value: float, low: float, high: float) -> float:
    if value < low:
        return (low - value) / low if low > 0 else 0.0
    if value > high:
        return (value - high) / (1 - high) if high < 1 else 0.0
    return 0.0


class Picture:
    """A picture's pixels, averaged down, stretched over its frame (``crop`` l, t, r, b)."""

    def __init__(self, image, crop=(0.0, 0.0, 0.0, 0.0)):
        self.image, self.crop = image, crop

    def at(self, frame: Frame, px: float, py: float) -> tuple[str, float]:
        left, top, right, bottom = self.crop
        u, v = frame.unit(px, py)
        u, v = left + u * (1 - left - right), top + v * (1 - top - bottom)
        x = min(max(int(u * self.image.width), 0), self.image.width - 1)
        y = min(max(int(v * self.image.height), 0), self.image.height - 1)
        r, g, b, a = self.image.getpixel((x, y))
        return f"#{r:02X}{g:02X}{b:02X}", a / 255


def paint_of(container, scheme: Scheme, part) -> Solid | Gradient | Picture | None:
    """The paint of the fill directly in ``container`` (an spPr, bgPr or blipFill's parent)."""
    if container is None:
        return None
    solid = container.find(f"{_A}solidFill")
    if solid is not None and len(solid):
        colour = resolve(solid[0], scheme)
        return Solid(colour, _alpha(solid[0])) if colour else None
    grad = container.find(f"{_A}gradFill")
    if grad is not None:
        return _gradient(grad, scheme)
    blip = container.find(f"{_A}blipFill")
    if blip is not None:
        return _picture(blip, part)
    return None


def _gradient(grad, scheme: Scheme) -> Gradient | None:
    stops = []
    for stop in grad.findall(f"{_A}gsLst/{_A}gs"):
        colour = resolve(stop[0], scheme) if len(stop) else None
        if colour:
            stops.append((int(stop.get("pos", "0")) / 100000, colour, _alpha(stop[0])))
    if not stops:
        return None
    stops.sort(key=lambda s: s[0])
    path = grad.find(f"{_A}path")
    if path is not None:
        rect = path.find(f"{_A}fillToRect")
        focus = tuple(int(rect.get(k, "0")) / 100000 for k in ("l", "t", "r", "b")) if rect is not None \
            else (0.0, 0.0, 0.0, 0.0)
        return Gradient(tuple(stops), path.get("path", "circle"), focus=focus)
    lin = grad.find(f"{_A}lin")
    angle = int(lin.get("ang", "0")) / 60000 if lin is not None else 90.0
    scaled = lin is not None and lin.get("scaled") in ("1", "true")
    return Gradient(tuple(stops), "lin", angle, scaled)


def _picture(blip_fill, part) -> Picture | None:
    blip = blip_fill.find(f"{_A}blip")
    if blip is None:
        return None
    try:
        from PIL import Image

        with Image.open(io.BytesIO(part.related_part(blip.get(qn("r:embed"))).blob)) as image:
            image = image.convert("RGBA")
            cells = max(1, min(PICTURE_CELLS, image.width))
            image = image.resize((cells, max(1, round(image.height * cells / image.width))), Image.BOX)
    except Exception:  # noqa: BLE001 - a picture PIL cannot read (EMF, WMF, SVG) is no ground
        return None
    src = blip_fill.find(f"{_A}srcRect")
    crop = tuple(int(src.get(k, "0")) / 100000 for k in ("l", "t", "r", "b")) if src is not None \
        else (0.0, 0.0, 0.0, 0.0)
    if blip_fill.find(f"{_A}tile") is not None:  # a tiled picture: its mean colour everywhere
        image = image.resize((1, 1), Image.BOX)
    return Picture(image, crop)


# ---- the layers over a slide -------------------------------------------------------------------

def _theme_fill(owner, ref, scheme: Scheme):
    """The paint a style reference (``p:bgRef`` idx 1001 on, ``a:fillRef`` idx 1 on) names in
    the theme's format scheme, its ``phClr`` the reference's own colour; None for none."""
    idx = int(ref.get("idx", "0"))
    if idx == 0 or not len(ref):
        return None
    master = getattr(owner, "slide_master", owner)
    try:
        theme = master.part.part_related_by(RT.THEME)
        root = etree.fromstring(theme.blob)
    except (KeyError, ValueError, etree.XMLSyntaxError):
        return None
    kind, number = ("bgFillStyleLst", idx - 1001) if idx >= 1001 else ("fillStyleLst", idx - 1)
    styles = root.find(f".//{_A}fmtScheme/{_A}{kind}")
    if styles is None or not 0 <= number < len(styles):
        return None
    colour = resolve(ref[0], scheme)
    holder = etree.Element("fill")
    holder.append(copy.deepcopy(styles[number]))
    own = Scheme({**scheme.colours, "phClr": colour or "#000000"}, scheme.mapping)
    return paint_of(holder, own, theme)


def _layers(owner, scheme: Scheme) -> list[tuple[Frame, object]]:
    """``owner``'s filled shapes and pictures (placeholders aside), bottom up, as painted."""
    found: list[tuple[Frame, object]] = []
    _collect(owner.shapes._spTree, owner, scheme, (0.0, 0.0, 1.0, 1.0), found)
    return found


def _collect(tree, owner, scheme, place, found) -> None:
    """``place``: ``(ax, ay, kx, ky)``, a child's EMU ``x`` lies at ``ax + x * kx`` on the slide."""
    ax, ay, sx, sy = place
    for element in tree.iterchildren():
        tag = element.tag
        if tag == qn("p:grpSp"):
            xfrm = element.find(f"{qn('p:grpSpPr')}/{_A}xfrm")
            if xfrm is None:
                continue
            off, ext, ch_off, ch_ext = (xfrm.find(f"{_A}{n}") for n in ("off", "ext", "chOff", "chExt"))
            if None in (off, ext, ch_off, ch_ext):
                continue
            kx = int(ext.get("cx")) / (int(ch_ext.get("cx")) or 1)
            ky = int(ext.get("cy")) / (int(ch_ext.get("cy")) or 1)
            ox, oy, cx, cy = (int(v) for v in (off.get("x"), off.get("y"), ch_off.get("x"), ch_off.get("y")))
            inner = (ax + (ox - cx * kx) * sx, ay + (oy - cy * ky) * sy, kx * sx, ky * sy)
            _collect(element, owner, scheme, inner, found)
        elif tag in (qn("p:sp"), qn("p:pic")) and element.find(f".//{qn('p:ph')}") is None:
            props = element.find(qn("p:spPr"))
            xfrm = props.find(f"{_A}xfrm") if props is not None else None
            if xfrm is None or xfrm.find(f"{_A}off") is None or xfrm.find(f"{_A}ext") is None:
                continue
            x = ax + int(xfrm.find(f"{_A}off").get("x")) * sx
            y = ay + int(xfrm.find(f"{_A}off").get("y")) * sy
            w, h = int(xfrm.find(f"{_A}ext").get("cx")) * sx, int(xfrm.find(f"{_A}ext").get("cy")) * sy
            geom = props.find(f"{_A}prstGeom")
            shape = "ellipse" if geom is not None and geom.get("prst") == "ellipse" else "rect"
            paint = _picture(element.find(qn("p:blipFill")), owner.part) if tag == qn("p:pic") \
                else _shape_paint(element, props, owner, scheme)
            if paint is not None:
                found.append((Frame(x, y, w, h, shape), paint))


def _shape_paint(element, props, owner, scheme: Scheme):
    own = paint_of(props, scheme, owner.part)
    if own is not None or props.find(f"{_A}noFill") is not None:
        return own
    ref = element.find(f"{qn('p:style')}/{_A}fillRef")
    return _theme_fill(owner, ref, scheme) if ref is not None else None


def _background(owner, scheme: Scheme):
    bg = owner._element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
    if bg is None:
        return None
    props = bg.find(qn("p:bgPr"))
    if props is not None:
        return paint_of(props, scheme, owner.part)
    ref = bg.find(qn("p:bgRef"))
    if ref is None or not len(ref):
        return None
    colour = resolve(ref[0], scheme)
    return _theme_fill(owner, ref, scheme) or (Solid(colour, 1.0) if colour else None)


def grounds_under(layout, box, scheme: Scheme) -> list[str]:
    """The rendered colour at each sample point over ``box`` (points) on slides of ``layout``."""
    master = layout.slide_master
    prs_part = master.part.package.presentation_part.presentation
    slide = Frame(0, 0, prs_part.slide_width or 9144000, prs_part.slide_height or 6858000)
    owners = [layout] if layout._element.get("showMasterSp") == "0" else [layout, master]
    layers = [layer for owner in owners for layer in reversed(_layers(owner, scheme))]  # top down
    bottom = next((p for p in (_background(o, scheme) for o in (layout, master)) if p), None)
    base = scheme.named("bg1") or "#FFFFFF"
    colours = []
    for px, py in _points(box):
        stack = []
        for frame, paint in layers:
            if frame.covers(px, py):
                colour, alpha = paint.at(frame, px, py)
                if alpha > 0.02:
                    stack.append((colour, alpha))
                    if alpha >= 0.98:
                        break
        else:
            if bottom is not None:
                colour, alpha = bottom.at(slide, px, py)
                stack.append((colour, alpha))
            stack.append((base, 1.0))
        colours.append(_composite(stack))
    return colours


def _points(box) -> list[tuple[float, float]]:
    columns = max(2, min(MAX_SAMPLES, math.ceil(box.w / SPACING) + 1))
    rows = max(2, min(MAX_SAMPLES, math.ceil(box.h / SPACING) + 1))
    return [((box.x + box.w * (i + 0.5) / columns) * EMU_PER_PT, (box.y + box.h * (j + 0.5) / rows) * EMU_PER_PT)
            for i in range(columns) for j in range(rows)]


def _composite(layers: list[tuple[str, float]]) -> str:
    colour = layers[-1][0]
    for top, alpha in reversed(layers[:-1]):
        colour = mix(top, colour, alpha)
    return colour


def worst_contrast(text: str, grounds: list[str]) -> tuple[float, str]:
    """The lowest contrast of ``text`` with any of ``grounds``, and that ground."""
    return min(((contrast(text, g), g) for g in grounds), default=(21.0, "#FFFFFF"))


def mean_colour(grounds: list[str]) -> str:
    return "#" + "".join(f"{round(sum(int(g[i:i + 2], 16) for g in grounds) / len(grounds)):02X}"
                         for i in (1, 3, 5))

