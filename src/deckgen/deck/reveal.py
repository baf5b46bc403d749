"""Bullets that appear one by one: PowerPoint's timing XML, which python-pptx does not write.

:func:`reveal_paragraphs` gives a slide a ``p:timing`` element with one click-triggered
"Appear" entrance effect per paragraph of a text shape (``p:txEl/p:pRg``), and the build list
(``p:bldLst/p:bldP build="p"``) that tells PowerPoint and LibreOffice the shape is built by
paragraph, as PowerPoint itself writes them. The shape shows all its text when printed or
exported, so the slide reads whole on paper.
"""

from __future__ import annotations

from lxml import etree
from pptx.oxml.ns import qn

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
# what may follow p:timing in a slide (CT_Slide: cSld, clrMapOvr, transition, timing, extLst)
_AFTER_TIMING = ("p:extLst",)


def reveal_paragraphs(slide, shape, paragraphs: int) -> None:
    """``paragraphs`` of ``shape`` appear one per click, in order (the first on the first)."""
    if paragraphs < 1:
        return
    sld = slide._element
    for old in sld.findall(qn("p:timing")):
        sld.remove(old)
    spid = str(shape.shape_id)
    ids = iter(range(3, 3 + 4 * paragraphs))
    clicks = "".join(_click(spid, index, ids) for index in range(paragraphs))
    xml = (
        f'<p:timing xmlns:p="{P}"><p:tnLst><p:par>'
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq">'
        f'<p:childTnLst>{clicks}</p:childTnLst></p:cTn>'
        '<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>'
        '<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>'
        '</p:seq></p:childTnLst></p:cTn></p:par></p:tnLst>'
        f'<p:bldLst><p:bldP spid="{spid}" grpId="0" build="p"/></p:bldLst></p:timing>')
    timing = etree.fromstring(xml)
    successor = next((sld.find(qn(tag)) for tag in _AFTER_TIMING if sld.find(qn(tag)) is not None), None)
    if successor is not None:
        successor.addprevious(timing)
    else:
        sld.append(timing)


def _click(spid: str, index: int, ids) -> str:
    """One click: a paragraph's "Appear" entrance (preset 1), its visibility set on."""
    outer, inner, effect, setter = next(ids), next(ids), next(ids), next(ids)
    return (
        f'<p:par><p:cTn id="{outer}" fill="hold"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst>'
        f'<p:childTnLst><p:par><p:cTn id="{inner}" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst>'
        f'<p:childTnLst><p:par><p:cTn id="{effect}" presetID="1" presetClass="entr" presetSubtype="0" '
        'fill="hold" grpId="0" nodeType="clickEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst>'
        f'<p:childTnLst><p:set><p:cBhvr><p:cTn id="{setter}" dur="1" fill="hold"><p:stCondLst>'
        '<p:cond delay="0"/></p:stCondLst></p:cTn>'
        f'<p:tgtEl><p:spTgt spid="{spid}"><p:txEl><p:pRg st="{index}" end="{index}"/></p:txEl></p:spTgt></p:tgtEl>'
        '<p:attrNameLst><p:attrName>style.visibility</p:attrName></p:attrNameLst></p:cBhvr>'
        '<p:to><p:strVal val="visible"/></p:to></p:set></p:childTnLst></p:cTn></p:par>'
        '</p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par>')
