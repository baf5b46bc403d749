"""A reference template's colours: its theme's colour scheme, the colour of its text and of the
ground under it, and the colours deckgen draws with on its slides.

:func:`scheme_of` reads a master's ``a:clrScheme`` (dk1, lt1, dk2, lt2, accent1–6) through its
``p:clrMap`` (bg1, tx1, … to scheme names). :func:`text_colour` follows a placeholder's text
colour down the chain PowerPoint and LibreOffice render (the list style of the layout's
placeholder, then of the master's, the master's text styles, tx1: the prompt text's own run
colours are not inherited); what lies under a box is :mod:`deckgen.deck.ground`'s. Contrast is WCAG 2's
(:func:`deckgen.figures.colours.contrast`): text needs :data:`TEXT_CONTRAST`, chart lines and
markers :data:`GRAPHIC_CONTRAST`; :func:`readable` picks the scheme's colour that reads. What a
deck on a template is drawn in is :mod:`deckgen.deck.look`'s.
"""

from __future__ import annotations

import colorsys
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
        elif name in ("tint", "shade"):  # on linear RGB, as PowerPoint and LibreOffice apply them
            r, g, b = (_linear(c) for c in colorsys.hls_to_rgb(hue, min(max(lum, 0.0), 1.0), sat))
            r, g, b = (_gamma(1 - (1 - c) * value if name == "tint" else c * value) for c in (r, g, b))
            hue, lum, sat = colorsys.rgb_to_hls(r, g, b)
    r, g, b = colorsys.hls_to_rgb(hue, min(max(lum, 0.0), 1.0), sat)
    return "#" + "".join(f"{round(c * 255):02X}" for c in (r, g, b))


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


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
    for owner, kind in ((layout, ph_type), (layout.slide_master, _MASTER_KIND.get(ph_type, ph_type))):
        shape = _placeholder(owner, kind) if kind is not None else None
        found = _shape_text_colour(shape._element, scheme) if shape is not None else None
        if found:
            return found
    styles = layout.slide_master._element.find(qn("p:txStyles"))
    style = ("p:titleStyle" if ph_type in TITLE_TYPES else
             "p:bodyStyle" if ph_type is not None else "p:otherStyle")
    level = styles.find(f"{qn(style)}/{_A}lvl1pPr/{_A}defRPr") if styles is not None else None
    return fill_colour(level, scheme) or scheme.named("tx1") or "#000000"


# A layout's placeholder inherits from the master's of this type (an object or subtitle from its body).
_MASTER_KIND = {PP_PLACEHOLDER.OBJECT: PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.SUBTITLE: PP_PLACEHOLDER.BODY}


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
    return fill_colour(body.find(f"{_A}lstStyle/{_A}lvl1pPr/{_A}defRPr"), scheme)


# ---- readable text -----------------------------------------------------------------------------

def readable(text: str, grounds: list[str], scheme: Scheme) -> str | None:
    """None when ``text`` reads on every one of ``grounds`` (the samples of a box's ground);
    else the scheme's dark or light colour (dk1, lt1, then dk2, lt2) that reads on all of them
    (dk1 or lt1 preferred), or, where none does, the one of those (or black or white) that reads
    on most of them."""
    def worst(colour: str) -> float:
        return min((contrast(colour, g) for g in grounds), default=21.0)

    if worst(text) >= TEXT_CONTRAST:
        return None
    candidates = [scheme.dark, scheme.light] + [c for c in (scheme.colours.get("dk2"),
                                                             scheme.colours.get("lt2")) if c]
    passing = [c for c in candidates if worst(c) >= TEXT_CONTRAST]
    if passing:
        return max(passing, key=lambda c: (c in passing[:2], worst(c)))

    def reads_on(colour: str) -> int:  # none reads everywhere: the one that reads on most of it
        return sum(contrast(colour, g) >= TEXT_CONTRAST for g in grounds)

    return max(candidates + ["#000000", "#FFFFFF"], key=lambda c: (reads_on(c), worst(c)))


def mix(a: str, b: str, share: float) -> str:
    """``share`` of ``a`` over ``b``."""
    return "#" + "".join(f"{round(int(a[i:i + 2], 16) * share + int(b[i:i + 2], 16) * (1 - share)):02X}"
                         for i in (1, 3, 5))
