"""A reference template's look: its colour scheme for the charts, text that keeps WCAG AA
contrast with the ground it sits on, the content master chosen by that contrast, and
``deck.colours`` in the theme deciding between the template's colours and the theme's.

A dark template is made from python-pptx's default one by giving its master a black
background and leaving its text black (the failure this guards against: black on black). The
corpus of real templates is drawn and rendered by LibreOffice, and the rendered pixels under
each slide's title and body are measured.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn

from conftest import write_deck
from deckgen.deck.palette import scheme_of
from deckgen.deck.plan import plan_slides
from deckgen.deck.template import deck_geometry
from deckgen.errors import EnvironmentProblem
from deckgen.figures.colours import contrast
from deckgen.theme import load_theme
from helpers import project_parts, template_corpus_once, timeline_pngs

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO / "tests" / "cases" / "templates" / "python-pptx-default.pptx"
OFFICE_ACCENTS = ["#4F81BD", "#C0504D", "#9BBB59", "#8064A2", "#4BACC6", "#F79646"]
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def parts():
    brief, theme = project_parts(REPO)
    return brief, theme, timeline_pngs(brief, theme)


def dark_template(path: Path) -> Path:
    """python-pptx's default template with a black background on its master, text left black."""
    prs = Presentation(str(DEFAULT))
    c_sld = prs.slide_masters[0]._element.find(qn("p:cSld"))
    old = c_sld.find(qn("p:bg"))
    if old is not None:
        c_sld.remove(old)
    bg = etree.fromstring('<p:bg xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
                          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:bgPr>'
                          '<a:solidFill><a:srgbClr val="000000"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>')
    c_sld.insert(0, bg)
    prs.save(str(path))
    return path


def drawn(parts, template: Path, **deck):
    brief, theme, pngs = parts
    theme = dataclasses.replace(theme, deck={**theme.deck, **deck})
    geometry = deck_geometry(theme, template)
    plans = plan_slides(brief, theme, geometry)
    return geometry, Presentation(io.BytesIO(write_deck(plans, brief, theme, pngs, template)))


def charts(prs):
    return [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]


def fills(chart) -> list[str]:
    """Each series' fill or line colour, as written."""
    found = []
    for ser in chart._chartSpace.findall(f".//{qn('c:ser')}"):
        colour = ser.find(f"{qn('c:spPr')}//{A}srgbClr")
        found.append("#" + colour.get("val") if colour is not None else "")
    return found


def run_colours(prs, name: str) -> set[str]:
    found = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.name == name and shape.has_text_frame:
                for para in shape.text_frame.paragraphs:
                    for run in para.runs:
                        colour = run._r.find(f"{qn('a:rPr')}/{A}solidFill/{A}srgbClr")
                        found.add("#" + colour.get("val") if colour is not None else "inherited")
    return found


def test_the_colour_scheme_is_read_from_the_masters_theme():
    scheme = scheme_of(Presentation(str(DEFAULT)).slide_masters[0])
    assert scheme.accents == OFFICE_ACCENTS
    assert (scheme.dark, scheme.light, scheme.named("bg1"), scheme.named("tx1")) == (
        "#000000", "#FFFFFF", "#FFFFFF", "#000000")


def test_charts_take_the_templates_accents_and_readable_axes_on_a_dark_template(parts, tmp_path):
    _, prs = drawn(parts, dark_template(tmp_path / "dark.pptx"))
    found = charts(prs)
    assert found
    for chart in found:
        series = [c for c in fills(chart) if c]
        assert series and all(c in OFFICE_ACCENTS for c in series), series
        ticks = chart._chartSpace.findall(f".//{qn('c:txPr')}//{A}solidFill/{A}srgbClr")
        assert ticks and all(contrast("#" + t.get("val"), "#000000") >= 4.5 for t in ticks)
        if chart.chart_type is not None and hasattr(chart, "category_axis"):
            try:
                line = chart.category_axis.format.line.color.rgb
            except (AttributeError, ValueError, TypeError):
                continue
            assert contrast(f"#{line}", "#000000") >= 3.0


def test_text_that_would_not_read_is_set_in_the_schemes_light_colour_with_a_warning(parts, tmp_path):
    template = dark_template(tmp_path / "dark.pptx")
    geometry, prs = drawn(parts, template)
    assert run_colours(prs, "Title") == {"#FFFFFF"}
    assert run_colours(prs, "Body") == {"#FFFFFF"}
    messages = [w.message for w in geometry.warnings]
    assert ("layout 'Title and Content': the template's title colour #000000 on its ground #000000 has "
            "a contrast of 1.0:1, less than 4.5:1; deckgen sets it in #FFFFFF (21.0:1)") in messages
    assert all(w.warning and w.loc.file == str(template) for w in geometry.warnings)


def test_a_template_whose_text_reads_is_left_alone(parts):
    """Its titles keep their own colour; only its grey (tx1 with a 75 % tint, rendered #898989,
    3.5:1 on white) is darkened."""
    geometry, prs = drawn(parts, DEFAULT)
    assert run_colours(prs, "Title") == {"inherited"}
    text = [w.message for w in geometry.warnings if "contrast" in w.message and "chart" not in w.message]
    assert text and all("colour #898989 on its ground #FFFFFF has a contrast of 3.5:1" in m for m in text)


def test_deck_colours_theme_takes_the_themes_series(parts, tmp_path):
    _, theme, _ = parts
    _, prs = drawn(parts, dark_template(tmp_path / "dark.pptx"), colours="theme")
    series = {c for chart in charts(prs) for c in fills(chart) if c}
    assert series <= {c.upper() for c in theme.series_colours}


def test_deck_colours_may_set_the_series_alone(parts, tmp_path):
    _, prs = drawn(parts, DEFAULT, colours={"series": ["#112233", "#445566"]})
    series = {c for chart in charts(prs) for c in fills(chart) if c}
    assert series and series <= {"#112233", "#445566"}


def test_a_bad_deck_colours_is_an_error_naming_the_key(tmp_path):
    source = (REPO / "templates" / "theme.yaml").read_text(encoding="utf-8")
    path = tmp_path / "theme.yaml"
    path.write_text(source + "  colours: pastel\n", encoding="utf-8")
    with pytest.raises(EnvironmentProblem) as caught:
        load_theme(path)
    line = source.count("\n") + 1
    assert (f"{path}:{line}:12: theme deck.colours is 'pastel' (expected template, theme, or a mapping of "
            "series, text, axes, gridlines to #RRGGBB colours (series: a list))") in str(caught.value)


def test_the_content_master_is_the_one_whose_text_reads(parts, tmp_path):
    """Two masters with the same layouts, the first dark with black text: the content slides
    take the second."""
    from deckgen.deck.masters import choose_layouts
    from deckgen.deck.slides import layout_names
    from deckgen.deck.template import open_template

    dark = Presentation(str(dark_template(tmp_path / "dark.pptx")))
    light = Presentation(str(DEFAULT))
    # A second master: the light one's XML, its layouts and theme, grafted into the dark deck.
    path = tmp_path / "two.pptx"
    _graft_master(dark, light, path)
    prs = open_template(path)
    assert len(prs.slide_masters) == 2
    choice = choose_layouts(prs, layout_names(parts[1]), None, path)
    assert choice.masters == {"cover": 0, "content": 1}


def _graft_master(target, donor, path: Path) -> None:
    """``target`` saved with a copy of ``donor``'s first master (layouts, theme) after its own."""
    from copy import deepcopy

    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.packuri import PackURI
    from pptx.parts.slide import SlideLayoutPart, SlideMasterPart

    package = target.part.package
    source = donor.slide_masters[0]
    master_part = SlideMasterPart(PackURI("/ppt/slideMasters/slideMaster2.xml"), source.part.content_type,
                                  package, deepcopy(source._element))
    theme = source.part.part_related_by(RT.THEME)
    from pptx.opc.package import Part

    theme_copy = Part(PackURI("/ppt/theme/theme2.xml"), theme.content_type, package, theme.blob)
    master_part.relate_to(theme_copy, RT.THEME)
    id_list = master_part._element.get_or_add_sldLayoutIdLst()
    for entry in list(id_list):
        id_list.remove(entry)
    next_id = 2147483900
    for index, layout in enumerate(source.slide_layouts):
        layout_part = SlideLayoutPart(PackURI(f"/ppt/slideLayouts/slideLayout{100 + index}.xml"),
                                      layout.part.content_type, package, deepcopy(layout._element))
        layout_part.relate_to(master_part, RT.SLIDE_MASTER)
        rid = master_part.relate_to(layout_part, RT.SLIDE_LAYOUT)
        entry = id_list._add_sldLayoutId()
        entry.set("id", str(next_id + index))
        entry.set(qn("r:id"), rid)
    rid = target.part.relate_to(master_part, RT.SLIDE_MASTER)
    id_lst = target.part._element.get_or_add_sldMasterIdLst()
    entry = id_lst._add_sldMasterId()
    entry.set("id", str(next_id + 200))
    entry.set(qn("r:id"), rid)
    target.save(str(path))


# ---- the corpus, rendered ----------------------------------------------------------------------

def _ink_contrast(image, box, scale: float) -> float | None:
    """The contrast of the rendered text inside ``box`` (points) with its ground: the ground is
    the region's commonest colour, the ink its pixel of most different luminance (None: no ink)."""
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    region = image.crop((max(x0, 0), max(y0, 0), min(x1, image.width), min(y1, image.height)))
    found = region.getcolors(maxcolors=region.width * region.height + 1) or []
    colours = {colour: count for count, colour in found}
    if not colours:
        return None
    hexed = "#{:02X}{:02X}{:02X}".format
    ground = hexed(*max(colours, key=colours.get)[:3])
    inks = [hexed(*c[:3]) for c, n in colours.items() if n >= 3]  # a stray pixel is no ink
    value = max((contrast(ink, ground) for ink in inks), default=1.0)
    return value if value > 1.05 else None


UNFIXABLE = "on which no colour reaches 4.5:1"  # deckgen's warning where no text colour can read


def test_rendered_title_and_body_text_contrast_with_their_ground_in_every_corpus_template(tmp_path_factory,
                                                                                            tmp_path):
    """Every template of the corpus, drawn, rendered by LibreOffice, rasterised by poppler at 100 dpi: under each
    slide's title and body text, the darkest-against-lightest ink keeps 4.5:1 with the ground,
    unless deckgen warned that no colour reads over the whole of that layout's box (the ground
    under it runs from dark to light), naming the layout and the ratio it reaches."""
    from PIL import Image

    corpus = template_corpus_once(tmp_path_factory)  # the decks test_templates_corpus.py reads too
    unfixable = set()
    for name, drawn in corpus.items():
        for warning in drawn.warnings:
            if UNFIXABLE in warning.message:
                layout, role = warning.message.split("'")[1], warning.message.split("template's ")[1]
                unfixable.add((name, layout, "Title" if role.startswith("title") else "Body"))
    decks = [drawn.deck for drawn in corpus.values()]
    failures = []
    for deck in decks:
        # PPM, not PNG: the same pixels, without the compression that took most of the time
        subprocess.run(["pdftoppm", "-r", "100", str(corpus[deck.stem].pdf), str(tmp_path / deck.stem)],
                       check=True, timeout=300)
        pages = sorted(tmp_path.glob(f"{deck.stem}-*.ppm"))
        prs = Presentation(str(deck))
        assert len(pages) == len(prs.slides), deck.stem
        for number, (slide, page) in enumerate(zip(prs.slides, pages), start=1):
            with Image.open(page) as image:
                image = image.convert("RGB")
                for shape in slide.shapes:
                    if shape.name not in ("Title", "Body") or not shape.text_frame.text.strip():
                        continue
                    box = (shape.left / 12700, shape.top / 12700, (shape.left + shape.width) / 12700,
                           (shape.top + shape.height) / 12700)
                    value = _ink_contrast(image, box, 100 / 72)
                    layout = " ".join(slide.slide_layout.name.replace("-\n", "").split())
                    if value is not None and value < 4.5 and (deck.stem, layout, shape.name) not in unfixable:
                        failures.append(f"{deck.stem} slide {number} {shape.name}: {value:.1f}:1")
    assert not failures, "\n".join(failures)
