"""A template's ground read as LibreOffice and PowerPoint render it: gradients by their stops,
positions and direction, scheme colours with their transforms, background pictures by the
region under the box, the worst contrast over a box's extent; text colours inherited as the
renderers inherit them; chart series that would not stand out from the ground replaced.

The templates are python-pptx's default one with its master's background (or a placeholder's
list style) rewritten; the default's title sits at the top of its slides, its body below.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn

from conftest import write_deck
from deckgen.deck.ground import grounds_under
from deckgen.deck.palette import resolve, scheme_of, text_colour
from deckgen.deck.plan import plan_slides
from deckgen.deck.template import deck_geometry
from helpers import TEMPLATE_CORPUS, mapped_theme, project_parts, timeline_pngs

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "tests" / "cases" / "templates" / "python-pptx-default.pptx"
NS = ('xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Black at the top, white from the middle down: its stops' mean (#808080) takes black text.
TOP_DARK = ('<a:gradFill><a:gsLst><a:gs pos="0"><a:srgbClr val="000000"/></a:gs>'
            '<a:gs pos="40000"><a:srgbClr val="000000"/></a:gs><a:gs pos="60000"><a:srgbClr val="FFFFFF"/></a:gs>'
            '<a:gs pos="100000"><a:srgbClr val="FFFFFF"/></a:gs></a:gsLst><a:lin ang="5400000" scaled="0"/></a:gradFill>')


@dataclasses.dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def with_background(path: Path, fill: str, picture: bytes | None = None) -> Path:
    """The default template with ``fill`` (an ``a:…Fill``) as its master's background."""
    prs = Presentation(str(DEFAULT))
    master = prs.slide_masters[0]
    if picture is not None:
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT
        from pptx.opc.packuri import PackURI
        from pptx.parts.image import ImagePart

        part = ImagePart(PackURI("/ppt/media/ground.png"), "image/png", master.part.package, picture)
        fill = fill.replace("RID", master.part.relate_to(part, RT.IMAGE))
    c_sld = master._element.find(qn("p:cSld"))
    old = c_sld.find(qn("p:bg"))
    if old is not None:
        c_sld.remove(old)
    c_sld.insert(0, etree.fromstring(f'<p:bg {NS}><p:bgPr>{fill}<a:effectLst/></p:bgPr></p:bg>'))
    prs.save(str(path))
    return path


def png(top: tuple, bottom: tuple) -> bytes:
    image = Image.new("RGB", (200, 150), bottom)
    image.paste(Image.new("RGB", (200, 60), top), (0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def layout_of(path: Path, name: str = "Title and Content"):
    prs = Presentation(str(path))
    return next(layout for layout in prs.slide_layouts if layout.name == name)


def title_warning(path: Path) -> list[str]:
    _brief, theme = project_parts(REPO)
    return [w.message for w in deck_geometry(theme, path).warnings if "title colour" in w.message]


def test_a_title_on_the_dark_end_of_a_gradient_is_set_light(tmp_path):
    template = with_background(tmp_path / "grad.pptx", TOP_DARK)
    messages = title_warning(template)
    assert ("layout 'Title and Content': the template's title colour #000000 on its ground #000000 has a "
            "contrast of 1.0:1, less than 4.5:1; deckgen sets it in #FFFFFF (21.0:1)") in messages


def test_the_gradient_is_painted_along_its_angle_with_its_stop_positions(tmp_path):
    template = with_background(tmp_path / "grad.pptx", TOP_DARK)
    layout = layout_of(template)
    scheme = scheme_of(layout.slide_master)
    assert set(grounds_under(layout, Box(40, 10, 600, 150), scheme)) == {"#000000"}  # above 40 %
    assert set(grounds_under(layout, Box(40, 350, 600, 150), scheme)) == {"#FFFFFF"}  # below 60 %
    middle = grounds_under(layout, Box(40, 270, 600, 1), scheme)
    assert all("#60" <= colour <= "#A0" for colour in middle)  # half way between its stops
    sideways = with_background(tmp_path / "side.pptx", TOP_DARK.replace('ang="5400000"', 'ang="0"'))
    left = grounds_under(layout_of(sideways), Box(10, 10, 100, 500), scheme)
    assert set(left) == {"#000000"}


def test_a_box_over_dark_and_light_is_a_warning_with_the_ratio_reached(tmp_path):
    template = with_background(tmp_path / "grad.pptx", TOP_DARK)
    _, theme = project_parts(REPO)
    messages = [w.message for w in deck_geometry(theme, template).warnings]
    body = [m for m in messages if m.startswith("layout 'Title and Content': the template's body text")]
    assert body == [("layout 'Title and Content': the template's body text colour #000000 on its ground #000000 "
                    "has a contrast of 1.0:1, less than 4.5:1; deckgen sets it in #000000 (1.0:1 at its worst: "
                    "its ground runs from #000000 to #FFFFFF, on which no colour reaches 4.5:1; choose another "
                    "layout or master (deck.layouts, deck.master))")]


def test_a_radial_gradient_runs_from_its_focus_to_the_edge(tmp_path):
    fill = ('<a:gradFill><a:gsLst><a:gs pos="0"><a:srgbClr val="000000"/></a:gs><a:gs pos="100000">'
            '<a:srgbClr val="FFFFFF"/></a:gs></a:gsLst><a:path path="circle"><a:fillToRect l="50000" t="50000" '
            'r="50000" b="50000"/></a:path></a:gradFill>')
    layout = layout_of(with_background(tmp_path / "radial.pptx", fill))
    scheme = scheme_of(layout.slide_master)
    centre = grounds_under(layout, Box(355, 265, 10, 10), scheme)
    corner = grounds_under(layout, Box(0, 0, 4, 4), scheme)
    assert all(c < "#20" for c in centre) and all(c > "#E0" for c in corner)


def test_scheme_colours_in_stops_take_their_transforms(tmp_path):
    fill = ('<a:gradFill><a:gsLst><a:gs pos="0"><a:schemeClr val="bg1"><a:lumMod val="25000"/></a:schemeClr>'
            '</a:gs><a:gs pos="100000"><a:schemeClr val="bg1"><a:lumMod val="25000"/></a:schemeClr></a:gs>'
            '</a:gsLst><a:lin ang="0"/></a:gradFill>')
    layout = layout_of(with_background(tmp_path / "mod.pptx", fill))
    assert set(grounds_under(layout, Box(40, 10, 600, 150), scheme_of(layout.slide_master))) == {"#404040"}
    scheme = scheme_of(layout.slide_master)
    shade = etree.fromstring(f'<a:srgbClr {NS} val="FFFFFF"><a:shade val="50000"/></a:srgbClr>')
    tint = etree.fromstring(f'<a:schemeClr {NS} val="tx1"><a:tint val="75000"/></a:schemeClr>')
    assert (resolve(shade, scheme), resolve(tint, scheme)) == ("#BCBCBC", "#898989")  # on linear RGB


def test_a_background_picture_is_read_under_the_box(tmp_path):
    fill = '<a:blipFill><a:blip r:embed="RID"/><a:stretch><a:fillRect/></a:stretch></a:blipFill>'
    template = with_background(tmp_path / "pic.pptx", fill, png((0, 0, 0), (255, 255, 255)))
    layout = layout_of(template)
    scheme = scheme_of(layout.slide_master)
    assert set(grounds_under(layout, Box(40, 10, 600, 150), scheme)) == {"#000000"}
    assert set(grounds_under(layout, Box(40, 300, 600, 200), scheme)) == {"#FFFFFF"}
    content = [m for m in title_warning(template) if m.startswith("layout 'Title and Content'")]
    assert content and "deckgen sets it in #FFFFFF (21.0:1)" in content[0]


def test_a_placeholders_prompt_colour_is_not_inherited_but_its_list_style_is(tmp_path):
    prs = Presentation(str(DEFAULT))
    layout = next(lay for lay in prs.slide_layouts if lay.name == "Title and Content")
    title = next(ph for ph in layout.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.TITLE)
    body = title._element.get_or_add_txBody()
    run = body.find(f"{A}p")
    run.append(etree.fromstring(f'<a:endParaRPr {NS}><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
                                '</a:endParaRPr>'))
    scheme = scheme_of(layout.slide_master)
    assert text_colour(layout, PP_PLACEHOLDER.TITLE, scheme) == "#000000"
    style = body.find(f"{A}lstStyle")
    if style is None:
        style = etree.SubElement(body, f"{A}lstStyle")
        body.insert(1, style)
    style.append(etree.fromstring(f'<a:lvl1pPr {NS}><a:defRPr><a:solidFill><a:srgbClr val="C00000"/>'
                                  '</a:solidFill></a:defRPr></a:lvl1pPr>'))
    assert text_colour(layout, PP_PLACEHOLDER.TITLE, scheme) == "#C00000"


def test_chart_series_that_do_not_stand_out_take_the_next_scheme_colour(tmp_path):
    brief, theme = project_parts(REPO)
    geometry = deck_geometry(theme, DEFAULT)
    messages = [w.message for w in geometry.warnings if "chart" in w.message]
    assert ("layout 'Title Only': the template's accent3 #9BBB59 has a contrast of 2.2:1 with the chart's ground "
            "#FFFFFF, less than 3.0:1 for a chart's series; deckgen draws that series in dk1 #000000 (21.0:1)"
            ) in messages
    plans = plan_slides(brief, theme, geometry)
    prs = Presentation(io.BytesIO(write_deck(plans, brief, theme, timeline_pngs(brief, theme), DEFAULT)))
    drawn = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart and slide.slide_layout.name == "Title Only":
                for ser in shape.chart._chartSpace.findall(f".//{qn('c:ser')}"):
                    colour = ser.find(f"{qn('c:spPr')}//{A}srgbClr")
                    if colour is not None:
                        drawn.add("#" + colour.get("val"))
    assert drawn and "#9BBB59" not in drawn and "#4F81BD" in drawn


@pytest.mark.parametrize("name", ["Lights", "Metropolis", "Piano"])
def test_corpus_titles_on_gradients_and_pictures_are_set_to_read(name):
    """The corpus's dark gradient and picture templates: their black titles are set white."""
    _, theme = project_parts(REPO)
    template = TEMPLATE_CORPUS / f"{name}.pptx"
    messages = [w.message for w in deck_geometry(mapped_theme(theme, name), template).warnings]
    titles = [m for m in messages if "'Title, Content': the template's title colour #000000" in m]
    assert titles and "deckgen sets it in #FFFFFF" in titles[0] and "at its worst" not in titles[0]
