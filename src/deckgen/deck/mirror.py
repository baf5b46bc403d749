"""A right-to-left deck (Arabic) on a reference template: the boxes deckgen places mirrored about
the slide's middle, as on its own drawing, where the template's artwork allows it.

deckgen places every title, body, figure, caption, footer and slide number itself (it sets each
placeholder's position), so it can mirror them; the template's own artwork (its layouts' and
masters' shapes that are not placeholders: a logo, a band, a picture) is the organisation's and
stays where the template draws it. Artwork whose mirror image is artwork too (a full-width band,
a pair of corner marks) changes nothing. For each layout deckgen uses:

- when a box, mirrored, would come to lie over a piece of lopsided artwork it did not lie over
  (a logo in the top-right corner under a title moved to the right), or leave one it lay on (a
  coloured panel under the title), the layout is **kept as the template draws it**: its boxes
  stay, their text is still right to left and right aligned;
- else its boxes are mirrored, and any lopsided artwork left where it is is named.

Either way a warning, located at the template and naming the layout and the artwork, is given
once per deck (PowerPoint has no right-to-left form of a layout: a template made for Arabic
draws its layouts mirrored itself, and then nothing is said). The footer and the slide number
follow the same rule against the artwork of the content slides' layout.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import Loc, Problem
from .geometry import Areas, Box, Geometry, mirrored_areas

__all__ = ["artwork_boxes", "mirror_geometry"]

EMU_PER_PT = 12700
OVERLAP = 1.0  # points each way before two boxes count as lying over each other


def mirror_geometry(geometry: Geometry) -> Geometry:
    """``geometry`` laid out right to left: the default drawing mirrored whole; a template's
    layouts mirrored where their artwork allows (see the module's notes), with warnings."""
    if geometry.rtl:
        return geometry
    if not geometry.template:
        return geometry.mirrored()
    width, said = geometry.width, {}  # what is said: the layouts it is said of
    areas = {}
    for kind, where in geometry.areas.items():
        name, artwork = geometry.artwork.get(kind, ("", ()))
        lopsided = _lopsided(artwork, width)
        blocked = _blocked(_boxes(where), lopsided, width)
        areas[kind] = where if blocked else mirrored_areas(where, width)
        what = _what(blocked, lopsided, geometry.height, width)
        if what and _one_line(name) not in said.setdefault(what, []):
            said[what].append(_one_line(name))
    footer, number, kept = _footer(geometry)
    warnings = [f"{_layouts(names)}{what.replace('{are}', 'is' if len(names) == 1 else 'are', 1)} {ADVICE}"
                for what, names in said.items()] + kept
    where = Loc(geometry.template)
    problems = tuple(Problem(where, message, warning=True) for message in warnings)
    return replace(geometry, areas=areas, footer=footer, number=number, rtl=True,
                   warnings=geometry.warnings + problems)


def _footer(geometry: Geometry) -> tuple[Box, Box, list[str]]:
    """The footer and slide-number boxes, mirrored against the content layout's artwork, or
    kept with a warning."""
    name, artwork = geometry.artwork.get("", ("", ()))
    width, footer, number = geometry.width, geometry.footer, geometry.number
    blocked = _blocked([footer, number], _lopsided(artwork, width), width)
    if not blocked:
        return footer.mirrored(width), number.mirrored(width), []
    return footer, number, [(
        f"{_layouts([_one_line(name)])}: right to left, the footer and the slide number are kept "
        f"where the template draws them: mirrored, they would lie over its artwork "
        f"({_placed(blocked, width, geometry.height)}) {ADVICE}")]


def artwork_boxes(layout, width: float, height: float) -> tuple:
    """The layout's own artwork and its master's (unless the layout hides the master's shapes),
    as ((shape name, Box), ...): every shape with a position that is not a placeholder."""
    containers = [layout]
    if layout._element.get("showMasterSp") not in ("0", "false"):
        containers.append(layout.slide_master)
    found = []
    for container in containers:
        for shape in container.shapes:
            if shape.is_placeholder or None in (shape.left, shape.top, shape.width, shape.height):
                continue
            box = Box(shape.left / EMU_PER_PT, shape.top / EMU_PER_PT, shape.width / EMU_PER_PT,
                      shape.height / EMU_PER_PT)
            if box.w > 0 and box.h > 0 and box.right > 0 and box.x < width and box.bottom > 0 and box.y < height:
                found.append((_label(shape), box))
    return tuple(found)


def _label(shape) -> str:
    """How a warning names a piece of artwork: its name, else what it is."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    name = " ".join((shape.name or "").split())
    if name:
        return f"'{name}'"
    kinds = {MSO_SHAPE_TYPE.PICTURE: "picture", MSO_SHAPE_TYPE.GROUP: "group of shapes",
             MSO_SHAPE_TYPE.TEXT_BOX: "text box", MSO_SHAPE_TYPE.LINE: "line"}
    try:
        return kinds.get(shape.shape_type, "shape")
    except NotImplementedError:
        return "shape"


def _boxes(areas: Areas) -> list[Box]:
    return [b for b in (areas.title, areas.body, areas.figure, areas.caption) if b is not None]


def _lopsided(artwork: tuple, width: float) -> list[tuple[str, Box]]:
    """The pieces of artwork whose mirror image is no piece of the artwork."""
    tolerance = max(2.0, width * 0.005)

    def same(a: Box, b: Box) -> bool:
        return all(abs(u - v) <= tolerance for u, v in zip((a.x, a.y, a.w, a.h), (b.x, b.y, b.w, b.h)))

    return [(name, box) for name, box in artwork
            if not any(same(box.mirrored(width), other) for _, other in artwork)]


def _blocked(boxes: list[Box], lopsided: list[tuple[str, Box]], width: float) -> list[tuple[str, Box]]:
    """The artwork a box would come to lie over, or leave, when mirrored; [] if none."""
    found = []
    for box in boxes:
        found += [(label, art) for label, art in lopsided
                  if _over(box, art) != _over(box.mirrored(width), art) and (label, art) not in found]
    return found


def _over(a: Box, b: Box) -> bool:
    return (min(a.right, b.right) - max(a.x, b.x) > OVERLAP
            and min(a.bottom, b.bottom) - max(a.y, b.y) > OVERLAP)


ADVICE = "(give the template layouts drawn mirrored for right-to-left decks)"


def _what(blocked: list[str], lopsided: list, height: float, width: float) -> str:
    """What a warning says of a layout (after its name): kept, or mirrored with artwork left."""
    if blocked:
        return (" {are} not mirrored in this right-to-left deck (the text is right to left and right "
                "aligned): mirrored, the boxes deckgen places would lie over the template's artwork, "
                f"or off it ({_placed(blocked, width, height)})")
    if lopsided:
        return (": right to left, deckgen mirrors the boxes it places but not the template's own "
                f"artwork, which stays where the template draws it: {_placed(lopsided, width, height)}")
    return ""


def _placed(artwork: list[tuple[str, Box]], width: float, height: float) -> str:
    return _counted([f"{label} ({_side(box, width, height)})" for label, box in artwork])


def _layouts(names: list[str]) -> str:
    quoted = ", ".join(f"'{name}'" for name in names)
    return f"layout {quoted}" if len(names) == 1 else f"layouts {quoted}"


def _counted(labels: list[str]) -> str:
    """``labels`` in order, each once, with how many times it came: "a picture (top left) x 3"."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(label if n == 1 else f"{label} x {n}" for label, n in counts.items())


def _side(box: Box, width: float, height: float) -> str:
    """Where ``box`` lies on the slide, in words: "top right", "bottom left", "middle"."""
    middle_x, middle_y = box.x + box.w / 2, box.y + box.h / 2
    across = "left" if middle_x < width / 3 else "right" if middle_x > 2 * width / 3 else ""
    down = "top" if middle_y < height / 3 else "bottom" if middle_y > 2 * height / 3 else ""
    return " ".join(w for w in (down, across) if w) or "middle"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---- alignment ----------------------------------------------------------------------------------

_MIRRORED_ALIGN = {"l": "r", "r": "l"}  # centred, justified and distributed text stays so
_STYLES = {"title": "p:titleStyle", "ctrTitle": "p:titleStyle", "body": "p:bodyStyle",
           "obj": "p:bodyStyle", "subTitle": "p:bodyStyle"}


def rtl_alignment(shape, box: Box, width: float) -> str:
    """The alignment (``l``, ``ctr``, ``r``, ``just``, ``dist``) of ``shape``'s first-level text,
    placed on ``box`` in a right-to-left deck ``width`` points wide: what the template sets for
    it (the shape's, its layout's and its master's placeholder list styles, then the master's
    text styles), made right to left as PowerPoint's right-to-left button does (left-aligned
    text becomes right-aligned, centred and justified text stays so), and right-aligned text
    becomes left-aligned where deckgen moved the box to the other side (a slide number at the
    right, now at the left)."""
    own = _inherited_alignment(shape)
    if own == "l":
        return "r"
    return "l" if own == "r" and _moved_across(shape, box, width) else own


def _moved_across(shape, box: Box, width: float) -> bool:
    """Whether ``box`` is the mirror image of where the template has ``shape``'s placeholder."""
    base = getattr(shape, "_base_placeholder", None) if shape.is_placeholder else None
    if base is None or base.left is None or base.width is None:
        return True  # a text box deckgen placed
    middle = (base.left + base.width / 2) / EMU_PER_PT
    here = box.x + box.w / 2
    return abs(here - (width - middle)) < abs(here - middle)


def _inherited_alignment(shape) -> str:
    from pptx.oxml.ns import qn

    chain, current = [], shape
    while current is not None:
        chain.append(current._element)
        current = getattr(current, "_base_placeholder", None) if current.is_placeholder else None
    for element in chain:  # not the prompt text's own alignment: PowerPoint and LibreOffice ignore it
        level = element.find(f"{qn('p:txBody')}/{qn('a:lstStyle')}/{qn('a:lvl1pPr')}")
        if level is not None and level.get("algn"):
            return level.get("algn")
    if not shape.is_placeholder:
        return "l"
    kind = shape._element.ph_type
    style = _STYLES.get(getattr(kind, "xml_value", None) or str(kind), "p:otherStyle")
    try:
        master = shape.part.slide_layout.slide_master
    except AttributeError:
        return "l"
    level = master._element.find(f"{qn('p:txStyles')}/{qn(style)}/{qn('a:lvl1pPr')}")
    return level.get("algn") if level is not None and level.get("algn") else "l"
