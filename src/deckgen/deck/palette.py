"""A reference template's colours: its theme's colour scheme, the colour of its text and of the
ground under it, and the colours deckgen draws with on its slides.

:func:`scheme_of` reads a master's ``a:clrScheme`` (dk1, lt1, dk2, lt2, accent1–6) through its
``p:clrMap`` (bg1, tx1, … to scheme names). :func:`text_colour` follows a placeholder's text
colour down the chain PowerPoint uses (the layout's placeholder, the master's, the master's text
styles, tx1); :func:`ground_under` finds what lies under a box: the topmost filled shape or
picture of the layout and the master (a picture by its mean colour) that covers the box's
centre, else the layout's or master's background, else bg1. Contrast is WCAG 2's
(:func:`deckgen.figures.colours.contrast`): text needs :data:`TEXT_CONTRAST`, chart lines and
markers :data:`GRAPHIC_CONTRAST`; :func:`readable` picks the scheme's colour that reads. What a
deck on a template is drawn in is :mod:`deckgen.deck.look`'s.
"""

from __future__ import annotations

import colorsys
import io
from dataclasses import dataclass, field

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from ..figures.colours import contrast

TEXT_CONTRAST = 4.5     # WCAG AA for text
GRAPHIC_CONTRAST = 3.0  # WCAG 1.4.11 for lines, markers and bars
SCHEME_NAMES = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5",
                "accent6", "hlink", "folHlink")
DEFAULT_MAP = {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


# ---- the colour scheme -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scheme:
    """A master's colour scheme, ``#RRGGBB`` by scheme name, and its colour map (bg1 → lt1 …)."""

    colours: dict[str, str]
    mapping: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MAP))

    def named(self, name: str) -> str | None:
        return self.colours.get(self.mapping.get(name, name))

    @property
    def accents(self) -> list[str]:
        return [self.colours[f"accent{i}"] for i in range(1, 7) if f"accent{i}" in self.colours]

    @property
    def dark(self) -> str:
        return self.colours.get("dk1", "#000000")

    @property
    def light(self) -> str:
        return self.colours.get("lt1", "#FFFFFF")


def scheme_of(master) -> Scheme:
    """``master``'s colour scheme (its theme part's ``a:clrScheme``) and colour map."""
    colours: dict[str, str] = {}
    try:
        root = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    except (KeyError, ValueError, etree.XMLSyntaxError):
        root = None
    scheme = root.find(f".//{_A}clrScheme") if root is not None else None
    for name in SCHEME_NAMES:
        slot = scheme.find(f"{_A}{name}") if scheme is not None else None
        value = _plain(slot[0]) if slot is not None and len(slot) else None
        if value:
            colours[name] = value
    mapping = dict(DEFAULT_MAP)
    clr_map = master._element.find(qn("p:clrMap"))
    if clr_map is not None:
        mapping.update(clr_map.attrib)
    return Scheme(colours, mapping)


def _plain(element) -> str | None:
    if element.tag == f"{_A}srgbClr":
        return "#" + element.get("val", "000000").upper()
    if element.tag == f"{_A}sysClr":
        return "#" + element.get("lastClr", "000000").upper()
    return None


def resolve(element, scheme: Scheme) -> str | None:
    """The ``#RRGGBB`` of a colour element (srgbClr, sysClr, schemeClr, prstClr black or white),
    with its lumMod, lumOff, tint and shade applied; None for one deckgen cannot read."""
    if element is None:
        return None
    if element.tag == f"{_A}schemeClr":
        base = scheme.named(element.get("val", ""))
    elif element.tag == f"{_A}prstClr":
        base = {"black": "#000000", "white": "#FFFFFF"}.get(element.get("val", ""))
    else:
        base = _plain(element)
    return _modified(base, element) if base else None


def _modified(hex_colour: str, element) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lum, sat = colorsys.rgb_to_hls(r, g, b)
    for child in element:
        value = int(child.get("val", "100000")) / 100000
        name = etree.QName(child).localname
        if name == "lumMod":
            lum *= value
        elif name == "lumOff":
            lum += value
        elif name in ("tint", "shade"):
            r, g, b = colorsys.hls_to_rgb(hue, lum, sat)
            r, g, b = ((c + (1 - c) * (1 - value)) if name == "tint" else c * value for c in (r, g, b))
            hue, lum, sat = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb(hue, min(max(lum, 0.0), 1.0), sat)
    return "#" + "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def fill_colour(container, scheme: Scheme) -> str | None:
    """The colour of a ``a:solidFill`` (or a gradient's mean) directly in ``container``."""
    found = fill_rgba(container, scheme)
    return found[0] if found else None


def fill_rgba(container, scheme: Scheme) -> tuple[str, float] | None:
    """A solid fill's colour and opacity, or a gradient's mean of its stops; None for none."""
    if container is None:
        return None
    solid = container.find(f"{_A}solidFill")
    stops = [solid] if solid is not None else container.findall(f"{_A}gradFill/{_A}gsLst/{_A}gs")
    found = [(resolve(stop[0], scheme), _alpha(stop[0])) for stop in stops if len(stop)]
    found = [(colour, alpha) for colour, alpha in found if colour]
    if not found:
        return None
    alpha = sum(a for _, a in found) / len(found)
    colour = "#" + "".join(f"{round(sum(int(c[i:i + 2], 16) for c, _ in found) / len(found)):02X}"
                           for i in (1, 3, 5))
    return colour, alpha


def _alpha(element) -> float:
    child = element.find(f"{_A}alpha")
    return int(child.get("val", "100000")) / 100000 if child is not None else 1.0


# ---- the text's colour -------------------------------------------------------------------------

def text_colour(layout, ph_type, scheme: Scheme) -> str:
    """The colour a placeholder of ``ph_type`` on ``layout`` sets its text in (None: a text box)."""
    for owner in (layout, layout.slide_master):
        shape = _placeholder(owner, ph_type) if ph_type is not None else None
        found = _shape_text_colour(shape._element, scheme) if shape is not None else None
        if found:
            return found
    styles = layout.slide_master._element.find(qn("p:txStyles"))
    style = ("p:titleStyle" if ph_type in TITLE_TYPES else
             "p:bodyStyle" if ph_type is not None else "p:otherStyle")
    level = styles.find(f"{qn(style)}/{_A}lvl1pPr/{_A}defRPr") if styles is not None else None
    return fill_colour(level, scheme) or scheme.named("tx1") or "#000000"


def _placeholder(owner, ph_type):
    for shape in owner.placeholders:
        kind = shape.placeholder_format.type
        if kind == ph_type or (ph_type in TITLE_TYPES and kind in TITLE_TYPES):
            return shape
    return None


def _shape_text_colour(element, scheme: Scheme) -> str | None:
    body = element.find(qn("p:txBody"))
    if body is None:
        return None
    for path in (f"{_A}lstStyle/{_A}lvl1pPr/{_A}defRPr", f"{_A}p/{_A}r/{_A}rPr", f"{_A}p/{_A}endParaRPr"):
        found = fill_colour(body.find(path), scheme)
        if found:
            return found
    return None


# ---- the ground under a box --------------------------------------------------------------------

def ground_under(layout, box, scheme: Scheme) -> str:
    """The colour under ``box`` (points) on slides of ``layout``: see the module's docstring.
    Translucent fills are laid over what lies under them."""
    cx, cy = (box.x + box.w / 2) * 12700, (box.y + box.h / 2) * 12700
    owners = [layout] if layout._element.get("showMasterSp") == "0" else [layout, layout.slide_master]
    layers = []  # from the top down, to the first opaque one
    for owner in owners:  # the layout's shapes lie over the master's
        for shape in reversed(list(owner.shapes)):
            if getattr(shape, "is_placeholder", False) or not _covers(shape, cx, cy):
                continue
            found = _shape_fill(shape, scheme)
            if found and found[1] > 0.02:
                layers.append(found)
                if found[1] >= 0.98:
                    return _composite(layers)
    bottom = next((c for c in (_background(o, scheme) for o in (layout, layout.slide_master)) if c),
                  scheme.named("bg1") or "#FFFFFF")
    return _composite([*layers, (bottom, 1.0)])


def _composite(layers: list[tuple[str, float]]) -> str:
    colour = layers[-1][0]
    for top, alpha in reversed(layers[:-1]):
        colour = mix(top, colour, alpha)
    return colour


def _covers(shape, cx: float, cy: float) -> bool:
    try:
        return (shape.left or 0) <= cx <= (shape.left or 0) + (shape.width or 0) and \
            (shape.top or 0) <= cy <= (shape.top or 0) + (shape.height or 0)
    except (AttributeError, ValueError):
        return False


def _shape_fill(shape, scheme: Scheme) -> tuple[str, float] | None:
    element = shape._element
    if element.tag == qn("p:pic"):
        blip = element.find(f".//{_A}blip")
        mean = _picture_mean(shape.part, blip.get(qn("r:embed"))) if blip is not None else None
        return (mean, 1.0) if mean else None
    return fill_rgba(element.find(qn("p:spPr")), scheme)


def _background(owner, scheme: Scheme) -> str | None:
    bg = owner._element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
    if bg is None:
        return None
    props = bg.find(qn("p:bgPr"))
    if props is not None:
        blip = props.find(f"{_A}blipFill/{_A}blip")
        if blip is not None:
            return _picture_mean(owner.part, blip.get(qn("r:embed")))
        return fill_colour(props, scheme)
    ref = bg.find(qn("p:bgRef"))
    return resolve(ref[0], scheme) if ref is not None and len(ref) else None


def _picture_mean(part, rid: str | None) -> str | None:
    """A picture's mean colour (its transparent pixels left out), or None if unreadable."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(part.related_part(rid).blob)) as image:
            image = image.convert("RGBA")
            image.thumbnail((64, 64))
            pixels = [image.getpixel((x, y)) for x in range(image.width) for y in range(image.height)]
            pixels = [p for p in pixels if p[3] > 127]
    except Exception:  # noqa: BLE001 - a picture PIL cannot read (EMF, WMF, SVG) is no ground
        return None
    if not pixels:
        return None
    return "#" + "".join(f"{round(sum(p[i] for p in pixels) / len(pixels)):02X}" for i in range(3))


# ---- readable text -----------------------------------------------------------------------------

def readable(text: str, ground: str, scheme: Scheme) -> str | None:
    """None when ``text`` reads on ``ground``; else the scheme's dark or light colour (dk1, lt1,
    then dk2, lt2, then black or white) that contrasts most with it."""
    if contrast(text, ground) >= TEXT_CONTRAST:
        return None
    candidates = [scheme.dark, scheme.light] + [c for c in (scheme.colours.get("dk2"),
                                                             scheme.colours.get("lt2")) if c]
    passing = [c for c in candidates if contrast(c, ground) >= TEXT_CONTRAST]
    pool = passing or candidates + ["#000000", "#FFFFFF"]
    return max(pool, key=lambda c: (c in passing[:2], contrast(c, ground)))


def mix(a: str, b: str, share: float) -> str:
    """``share`` of ``a`` over ``b``."""
    return "#" + "".join(f"{round(int(a[i:i + 2], 16) * share + int(b[i:i + 2], 16) * (1 - share)):02X}"
                         for i in (1, 3, 5))
