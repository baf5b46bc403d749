"""The slide XML python-pptx has no API for: alt text, the East Asian font, bullets and
numbering, slide-number fields, and text cleaned of what XML cannot hold.

Elements are inserted where the schema puts them, so PowerPoint opens the file without a repair.
"""

from __future__ import annotations

from pptx.oxml.ns import qn

from ..text import xml_text as clean

SLIDE_NUMBER_FIELD_ID = "{5C1D6B5E-0C8A-4F43-9A2B-3D6F0D2C9E11}"  # fixed: same input, same bytes
BULLET_TAGS = ("a:buClrTx", "a:buClr", "a:buSzTx", "a:buSzPct", "a:buSzPts", "a:buFontTx", "a:buFont",
               "a:buNone", "a:buAutoNum", "a:buChar", "a:buBlip")


def set_bullet(para, indent: int, number: int, continued: bool, colour: str,
               marker: bool = True) -> None:
    """A hanging indent of ``indent`` EMU and a marker in ``colour`` (RRGGBB): the item's
    ``number``, else a bullet; no marker, aligned with the text above, for the rest of an item
    ``continued`` from the paragraph before; with ``marker`` False (a reference list's entries,
    set as the style sets them) the hanging indent alone."""
    ppr = para._p.get_or_add_pPr()
    ppr.set("marL", str(indent))
    ppr.set("indent", str(-indent))
    _remove_children(ppr, BULLET_TAGS)
    if continued or not marker:
        if continued:  # aligned with the text above it, first line included
            ppr.set("indent", "0")
        _add_bullet_elements(ppr, ppr.makeelement(qn("a:buNone"), {}))
        return
    colour_element = ppr.makeelement(qn("a:buClr"), {})
    colour_element.append(colour_element.makeelement(qn("a:srgbClr"), {"val": colour}))
    if number:
        font = ppr.makeelement(qn("a:buFont"), {"typeface": "+mj-lt"})
        marker = ppr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod", "startAt": str(number)})
    else:
        font = ppr.makeelement(qn("a:buFont"), {"typeface": "Arial"})
        marker = ppr.makeelement(qn("a:buChar"), {"char": "•"})
    _add_bullet_elements(ppr, colour_element, font, marker)


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


def no_bullet(para) -> None:
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


def slide_number_field(para, number: int, size: float) -> None:
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


def remove_slides(prs) -> None:
    """Drop the example slides a reference template may hold; only its layouts are used."""
    id_list = prs.slides._sldIdLst
    for slide_id in list(id_list):
        prs.part.drop_rel(slide_id.rId)
        id_list.remove(slide_id)


def remove_empty_placeholders(slide) -> None:
    """Placeholders of the layout the plan left empty would show "Click to add text"."""
    for shape in list(slide.placeholders):
        if shape.has_text_frame and not shape.text_frame.text.strip():
            shape._element.getparent().remove(shape._element)


def draws_slide_number(layout) -> bool:
    """Whether the layout or its master shows a slide-number field in a shape of its own artwork
    (not a placeholder): the template numbers its slides itself."""
    for container in (layout, layout.slide_master):
        for shape in container.shapes:
            if shape.is_placeholder:
                continue
            if any(field.get("type") == "slidenum" for field in shape._element.iter(qn("a:fld"))):
                return True
    return False
