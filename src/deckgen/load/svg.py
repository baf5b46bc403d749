"""An SVG picture from the source made safe to draw: nothing in it runs or fetches anything.

The file is parsed by lxml with entities left unexpanded, no DTD loaded and no network; a
document type with declarations of its own (the way "billion laughs" and external entities come
in) is refused. Then an allowlist keeps what draws: SVG's shapes, text, paint servers, clips,
masks, markers, filters and internal ``<use>``; everything else goes, said in one warning per
kind of thing removed (scripts, ``foreignObject``, event attributes, external references, embedded
images, unknown elements), at its first line in the SVG file. Elements and attributes of other
namespaces (an editor's own, Inkscape's and Sodipodi's, metadata) draw nothing and are dropped
without a word; links (``<a>``) become plain groups.

A picture needs a size of its own (a ``viewBox``, or a ``width`` and ``height``), and the file's
elements are bounded (:data:`MAX_ELEMENTS`), so a drawing cannot cost minutes to render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_ELEMENTS = 20_000
MAX_DRAWN_ELEMENTS = 100_000  # counting each <use> as the elements it draws again

# Elements that draw, or define what others draw with; anything else is removed.
ALLOWED = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "switch",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "style",
})  # not filters: their cost grows with the area they blur, which no element count bounds
DROPPED_QUIETLY = frozenset({"metadata"})  # draws nothing and runs nothing
RENAMED = {"a": "g"}  # a link's content stays, as a plain group
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_IMPORT = re.compile(r"@import|@font-face", re.IGNORECASE)


class SvgProblem(Exception):
    """What makes an SVG file unusable, worded to follow its file name."""

    def __init__(self, problem: str, expected: str = "", line: int = 0):
        self.problem, self.expected, self.line = problem, expected, line
        super().__init__(problem)


@dataclass
class CleanSvg:
    """The SVG as it is drawn, and what was removed from it: {what: (count, first line)}."""

    data: bytes
    width: float  # its own size, in its user units
    height: float
    removed: dict[str, list[int]] = field(default_factory=dict)

    def note(self, what: str, line: int | None) -> None:
        entry = self.removed.setdefault(what, [0, line or 0])
        entry[0] += 1


def sanitise_svg(data: bytes) -> CleanSvg:
    """``data`` (an SVG file's bytes) with everything that could run or fetch removed;
    SvgProblem if it is not an SVG picture deckgen can draw."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SvgProblem(f"is not well-formed XML ({_first_line(exc.msg)})",
                         "save it again as plain SVG", exc.lineno or 0) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None and _declares(tree):
        raise SvgProblem("declares entities or a document type of its own",
                         "an SVG without a <!DOCTYPE> part; save it again as plain SVG")
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SvgProblem("is not an SVG picture (its root is not <svg> in the SVG namespace)",
                         f'<svg xmlns="{SVG_NS}" viewBox="...">')
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise SvgProblem(f"has too many elements ({count:,})",
                         f"at most {MAX_ELEMENTS:,}: simplify the drawing")
    width, height = _size(root)
    clean = CleanSvg(b"", width, height)
    _clean_tree(root, clean)
    drawn = _drawn_elements(root)
    if drawn > MAX_DRAWN_ELEMENTS:
        raise SvgProblem(f"draws too many elements through <use> (more than {MAX_DRAWN_ELEMENTS:,})",
                         "simplify the drawing, or repeat fewer shapes")
    if root.get("viewBox") is None:
        root.set("viewBox", f"0 0 {_number(width)} {_number(height)}")
    etree.cleanup_namespaces(root)
    clean.data = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return clean


def _drawn_elements(root) -> int:
    """How many elements drawing ``root`` visits, each ``<use>`` counted as what it draws again
    (nested uses multiply: the way an SVG of a few hundred bytes draws billions of shapes). A use
    that leads back into itself draws nothing more. Counted without recursion, capped past the limit."""
    # lxml makes a Python proxy per element on demand: holding every one keeps each element's
    # id() its own for the count (a freed proxy's id could be given to another element's)
    alive = list(root.iter())
    by_id = {e.get("id"): e for e in alive if isinstance(e.tag, str) and e.get("id")}
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack = [(root, False)]
    while stack:
        element, expanded = stack.pop()
        key = id(element)
        if key in sizes:
            continue
        target = _use_target(element, by_id)
        children = list(element) + ([target] if target is not None else [])
        if not expanded:
            in_progress.add(key)
            stack.append((element, True))
            stack.extend((c, False) for c in children if id(c) not in sizes and id(c) not in in_progress)
            continue
        in_progress.discard(key)
        sizes[key] = min(1 + sum(sizes.get(id(c), 0) for c in children), MAX_DRAWN_ELEMENTS + 1)
    return sizes[id(root)]


def _use_target(element, by_id):
    if element.tag != f"{{{SVG_NS}}}use":
        return None
    href = element.get("href") or element.get(f"{{{XLINK_NS}}}href") or ""
    return by_id.get(href[1:]) if href.startswith("#") else None


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0][:120] if (text or "").strip() else "unreadable"


def _declares(tree) -> bool:
    dtd = tree.docinfo.internalDTD
    return bool(list(dtd.iterentities()) or list(dtd.elements()))


def _size(root) -> tuple[float, float]:
    """The picture's own width and height: its viewBox's, else its width and height."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return float(box[2]), float(box[3])
    except ValueError:
        pass
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        return width, height
    raise SvgProblem("has no size of its own", 'a viewBox on its <svg>, such as viewBox="0 0 800 600"')


_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def _length(text: str | None) -> float:
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([a-z]*)\s*", text or "")
    if not match or match.group(2) not in _UNITS:
        return 0.0
    return float(match.group(1)) * _UNITS[match.group(2)]


def _number(value: float) -> str:
    return f"{value:g}"


def _clean_tree(root, clean: CleanSvg) -> None:
    """Remove, in place, every element and attribute the allowlist does not keep."""
    for element in list(root.iter()):
        if element is not root and element.getparent() is None:
            continue  # inside an element already removed
        if not isinstance(element.tag, str):  # an unexpanded entity reference
            _remove(element)
            clean.note("entity references", element.sourceline)
            continue
        namespace, _, name = element.tag[1:].partition("}") if element.tag.startswith("{") else ("", "", element.tag)
        if namespace != SVG_NS:
            _remove(element)  # an editor's own (Inkscape, Sodipodi), or XHTML outside foreignObject
            continue
        if name in RENAMED:
            element.tag = f"{{{SVG_NS}}}{RENAMED[name]}"
        elif name not in ALLOWED:
            if name not in DROPPED_QUIETLY:
                clean.note(_what(name), element.sourceline)
            _remove(element)
            continue
        if name == "style":
            if _IMPORT.search(element.text or "") or any(_external(u) for _, u in _URL.findall(element.text or "")):
                clean.note("style sheets that fetch files (@import, url(...))", element.sourceline)
                _remove(element)
            continue
        _clean_attributes(element, clean)


def _what(name: str) -> str:
    if name == "script":
        return "scripts"
    if name == "foreignObject":
        return "foreignObject elements (HTML inside the picture)"
    if name in ("image", "feImage"):
        return "embedded or linked images"
    return f"elements deckgen does not draw (<{name}>)"


def _clean_attributes(element, clean: CleanSvg) -> None:
    for attribute in list(element.attrib):
        value = element.attrib[attribute]
        namespace, _, name = attribute[1:].partition("}") if attribute.startswith("{") else ("", "", attribute)
        if namespace not in ("", XLINK_NS, "http://www.w3.org/XML/1998/namespace"):
            del element.attrib[attribute]  # an editor's own attribute: draws nothing
        elif name.lower().startswith("on"):
            clean.note(f"event attributes ({name})", element.sourceline)
            del element.attrib[attribute]
        elif name == "href" and not value.strip().startswith("#"):
            clean.note("external references (href)", element.sourceline)
            del element.attrib[attribute]
        elif any(_external(url) for _, url in _URL.findall(value)) or (
                name == "style" and _IMPORT.search(value)):
            clean.note("external references (url(...))", element.sourceline)
            del element.attrib[attribute]
        elif namespace == XLINK_NS and name != "href":
            del element.attrib[attribute]  # xlink:show, xlink:actuate ...: a link's behaviour


def _external(url: str) -> bool:
    return not url.strip().startswith("#")


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        tail = element.tail
        previous = element.getprevious()
        parent.remove(element)
        if tail:  # keep text that followed the element (inside a <text>)
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
