"""Pictures as figures (``kind: image``): PNG, JPEG and SVG files under source/, numbered,
referable, with alt text, source and licence in both outputs; an SVG stays vector in the PDF and
becomes a high-resolution picture in the deck, with nothing left in it that runs or fetches."""

from __future__ import annotations

import io
import shutil
import textwrap

import pdfplumber
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from deckgen.build.pipeline import BuildOptions, build
from deckgen.errors import SourceError
from deckgen.load.loader import load_project
from deckgen.project import Project
from helpers import REPO, run

SECTION = """\
---
title: The only section
key_points:
  - One point worth making.
---
Some prose citing [@doe2020]; the picture is @fig:pic.

![](fig:pic)
"""


def picture_yaml(file: str, **extra: str) -> str:
    keys = {"kind": "image", "title": '"A picture of the harbour"', "file": file,
            "caption": '"The harbour at dawn."', "alt": '"A harbour with three boats at dawn."',
            "source": '"Photograph by the authors"', "licence": '"CC BY 4.0"', **extra}
    return "".join(f"{key}: {value}\n" for key, value in keys.items())


def png_bytes(width: int = 400, height: int = 200, fmt: str = "PNG") -> bytes:
    image = Image.new("RGB", (width, height), "#4F7CAC")
    for x in range(0, width, 20):
        for y in range(height // 2, height):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">
  <rect width="400" height="200" fill="#EEF1F5"/>
  <circle cx="100" cy="100" r="60" fill="#B5452B"/>
  <text x="220" y="110" font-size="28" font-family="Noto Sans">Harbourside</text>
</svg>
"""


@pytest.fixture
def picture_project(make_project, minimal_files):
    def make(file: str, content: bytes | str, **extra: str) -> Project:
        files = dict(minimal_files)
        del files["source/figures/chart.yaml"]
        files["source/sections/one.md"] = SECTION
        files["source/figures/pic.yaml"] = picture_yaml(file, **extra)
        project = make_project(files)
        path = project.root / "source" / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return project
    return make


def struct_alts(pdf_path) -> list[str]:
    def nodes(node):
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, dict):
            yield node
            if node.get("/K") is not None:
                yield from nodes(node["/K"])
        elif isinstance(node, list):
            for kid in node:
                yield from nodes(kid)
    root = PdfReader(pdf_path).trailer["/Root"]["/StructTreeRoot"]
    return [str(n["/Alt"]) for n in nodes(root) if n.get("/S") == "/Figure" and "/Alt" in n]


def deck_pictures(pptx_path):
    prs = Presentation(pptx_path)
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.shape_type == 13:  # a picture
                texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
                found.append((shape, texts))
    return found


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize(("file", "fmt", "media"), [("images/harbour.png", "PNG", "image/png"),
                                                     ("images/harbour.jpg", "JPEG", "image/jpeg")])
def test_a_png_or_jpeg_figure_reaches_both_outputs_with_its_alt_text_caption_source_and_licence(
        picture_project, file, fmt, media):
    project = picture_project(file, png_bytes(fmt=fmt))
    result = build(project, BuildOptions())
    text = pdf_text(result.outputs["pdf"])
    assert "Figure 1. A picture of the harbour. The harbour at dawn." in text
    assert "Source: Photograph by the authors" in text and "Licence: CC BY 4.0" in text
    assert "the picture is Figure 1" in text  # @fig:pic
    assert struct_alts(result.outputs["pdf"]) == ["A harbour with three boats at dawn."]
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        images = [image for page in pdf.pages for image in page.images]
    assert len(images) == 1
    ((shape, texts),) = deck_pictures(result.outputs["pptx"])
    assert shape.image.content_type == media
    assert shape._element.nvPicPr.cNvPr.get("descr") == "A harbour with three boats at dawn."
    assert "Figure 1. Source: Photograph by the authors. Licence: CC BY 4.0." in texts


def test_an_svg_figure_stays_vector_in_the_pdf_and_is_a_high_resolution_picture_in_the_deck(picture_project):
    project = picture_project("images/harbour.svg", SVG)
    result = build(project, BuildOptions())
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        page = next(p for p in pdf.pages if "Harbourside" in (p.extract_text() or ""))
        assert not page.images  # drawn as paths and text, not a bitmap
        assert any(c["fill"] for c in page.curves + page.rects)
    assert struct_alts(result.outputs["pdf"]) == ["A harbour with three boats at dawn."]
    ((shape, _),) = deck_pictures(result.outputs["pptx"])
    assert shape.image.content_type == "image/png"
    width, height = shape.image.size
    assert abs(width / height - 2) < 0.01
    assert shape._element.nvPicPr.cNvPr.get("descr") == "A harbour with three boats at dawn."
    assert width / Emu(shape.width).inches >= 290  # dpi as placed on the slide


def test_a_picture_takes_the_width_it_asks_for_in_the_pdf(picture_project):
    project = picture_project("images/harbour.png", png_bytes(), width='"50%"')
    result = build(project, BuildOptions(formats=("pdf",)))
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        (image,) = [image for page in pdf.pages for image in page.images]
        text_width = max(c["x1"] for p in pdf.pages for c in p.chars) - min(c["x0"] for p in pdf.pages for c in p.chars)
    assert 0.45 < (image["x1"] - image["x0"]) / text_width < 0.55


def test_a_tall_picture_is_narrowed_to_fit_on_a_page_with_its_caption(picture_project):
    project = picture_project("images/tower.png", png_bytes(200, 1600))
    result = build(project, BuildOptions(formats=("pdf",)))
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        page = next(p for p in pdf.pages if p.images)
        (image,) = page.images
        caption = [w for w in page.extract_words() if w["text"] == "Licence:"]
    assert image["bottom"] - image["top"] < page.height * 0.7
    assert caption and caption[0]["bottom"] < page.height


SVG_WITH_EVERYTHING = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50">
<script>fetch("http://127.0.0.1:9/steal")</script>
<rect width="100" height="50" fill="#EEF1F5" onload="alert(1)"/>
<image href="http://127.0.0.1:9/track.png" width="10" height="10"/>
<foreignObject width="10" height="10"><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>
<use xlink:href="file:///etc/passwd#x"/>
<a href="http://127.0.0.1:9/"><text x="5" y="30">Kept text</text></a>
<circle cx="80" cy="25" r="10" fill="url(http://127.0.0.1:9/paint#p)"/>
</svg>
"""


def test_an_svg_is_sanitised_and_each_kind_of_thing_removed_is_a_warning_at_its_line(picture_project, capsys):
    project = picture_project("images/bad.svg", SVG_WITH_EVERYTHING)
    brief = load_project(project.root)
    messages = [p.format() for p in brief.warnings]
    expected = "(a picture draws only shapes, text and paint; nothing in it may run or fetch a file)"
    assert messages == [
        f"source/images/bad.svg:3:1: warning: removed from the picture: 1 scripts {expected}",
        f"source/images/bad.svg:4:1: warning: removed from the picture: 1 event attributes (onload) {expected}",
        f"source/images/bad.svg:5:1: warning: removed from the picture: 1 embedded or linked images {expected}",
        ("source/images/bad.svg:6:1: warning: removed from the picture: 1 foreignObject elements "
         f"(HTML inside the picture) {expected}"),
        f"source/images/bad.svg:7:1: warning: removed from the picture: 2 external references (href) {expected}",
        f"source/images/bad.svg:9:1: warning: removed from the picture: 1 external references (url(...)) {expected}",
    ]
    svg = brief.figure("pic").picture.data.decode()
    for gone in ("script", "onload", "127.0.0.1", "foreignObject", "passwd", "<image", "<a "):
        assert gone not in svg
    assert "Kept text" in svg
    code, _, err = run(capsys, "check", "--strict", str(project.root))
    assert code == 1 and "removed from the picture" in err


@pytest.mark.parametrize(("file", "content", "extra", "message"), [
    ("images/pic.png", b"", {"alt": '""'}, "source/figures/pic.yaml:5:6: alt: String should have at least 1 character"),
    ("images/pic.png", png_bytes(), {"data": "{categories: [a]}"},
     "source/figures/pic.yaml:8:1: data: a picture takes no data"),
    ("images/pic.png", png_bytes(), {"width": '"5%"'},
     "source/figures/pic.yaml:8:8: width: invalid width '5%' (a share of the text width from 10% to 100%"),
    ("images/pic.gif", b"GIF89a....", {},
     ("source/figures/pic.yaml:3:7: file: 'images/pic.gif' is not a PNG, JPEG or SVG picture "
      "(a PNG or JPEG of at most 4096 x 4096 pixels, or an SVG)")),
    ("images/wide.png", png_bytes(5000, 10), {},
     ("source/figures/pic.yaml:3:7: file: 'images/wide.png' is 5,000 x 10 pixels (a PNG or JPEG of at "
      "most 4096 x 4096 pixels, or an SVG)")),
    ("images/bomb.svg", ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                         '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&b;</text></svg>'), {},
     "source/figures/pic.yaml:3:7: file: 'images/bomb.svg' declares entities or a document type of its own"),
    ("images/uses.svg", ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect id="l0" width="1" height="1"/>'
                         + "".join(f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, 7))
                         + "</svg>"), {},
     "source/figures/pic.yaml:3:7: file: 'images/uses.svg' draws too many elements through <use> (more than 100,000)"),
    ("http://127.0.0.1:9/pic.png", b"", {},
     "source/figures/pic.yaml:3:7: file: 'http://127.0.0.1:9/pic.png' is a URL or a drive path; deckgen reads no URLs"),
    ("images/nosize.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', {},
     "source/figures/pic.yaml:3:7: file: 'images/nosize.svg' has no size of its own (a viewBox on its <svg>"),
    ("images/broken.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">\n<rect>\n</svg>', {},
     "source/images/broken.svg:3:1: 'images/broken.svg' is not well-formed XML (Opening and ending tag mismatch"),
])
def test_an_unusable_picture_is_a_located_error(picture_project, file, content, extra, message):
    project = picture_project(file, content, **extra)
    with pytest.raises(SourceError) as caught:
        load_project(project.root)
    assert any(p.format().startswith(message) for p in caught.value.problems), [p.format() for p in caught.value.problems]


def test_a_picture_path_that_leaves_the_source_is_refused(picture_project, tmp_path):
    project = picture_project("images/pic.png", png_bytes())
    spec = project.root / "source" / "figures" / "pic.yaml"
    spec.write_text(spec.read_text().replace("file: images/pic.png", "file: ../outside.png"))
    with pytest.raises(SourceError) as caught:
        load_project(project.root)
    assert "source/figures/pic.yaml:3:7: file: '../outside.png' goes up out of the source folder with '..'" in [
        p.format().split(" (")[0] for p in caught.value.problems]


def test_a_chart_takes_no_picture_file(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/figures/chart.yaml"] += "file: images/x.png\n"
    project = make_project(files)
    with pytest.raises(SourceError) as caught:
        load_project(project.root)
    assert [p.format().split("\n")[0] for p in caught.value.problems] == [
        "source/figures/chart.yaml:10:7: file: a column chart takes no file (kind: image for a picture)"]


def test_a_markdown_image_says_how_to_make_it_a_picture_figure(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/sections/one.md"] += "\nThe port: ![Harbour](images/harbour.png)\n"
    project = make_project(files)
    with pytest.raises(SourceError) as caught:
        load_project(project.root)
    assert [p.format().split("\n")[0] for p in caught.value.problems] == [
        ("source/sections/one.md:10:1: image: images are placed through figure files (figures/harbour.yaml "
         "with kind: image, file: images/harbour.png, title, alt and source; then ![](fig:harbour) alone in "
         "a paragraph)")]


def test_the_example_brief_has_its_schematic_map_in_both_outputs(tmp_path):
    shutil.copytree(REPO / "source", tmp_path / "source")
    result = build(Project.at(tmp_path), BuildOptions(edition="en"))
    brief = load_project(tmp_path)
    figure = brief.figure("islands-map")
    assert figure.picture.vector and "not to scale" in figure.caption
    text = pdf_text(result.outputs["pdf"])
    assert f"{figure.label}. Where the Dokdo/Takeshima islands lie between South Korea and Japan." in text
    assert "(@fig:islands-map)" not in text and f"lie between the two countries ({figure.label})" in text
    assert "Takeshima" in text and "Ulleungdo" in text  # the map's labels are real text
    assert figure.alt in struct_alts(result.outputs["pdf"])
    (shape,) = [s for s, _ in deck_pictures(result.outputs["pptx"]) if s.name == figure.label]
    assert shape._element.nvPicPr.cNvPr.get("descr") == figure.alt
    assert shape.image.size[0] / Emu(shape.width).inches >= 290  # dpi as placed on the slide


def test_the_map_draws_only_what_a_picture_may(tmp_path):
    text = (REPO / "source" / "images" / "islands-map.svg").read_text(encoding="utf-8")
    assert "Schematic outlines, not to scale" in text
    assert "<script" not in text and "href" not in text and "foreignObject" not in text
    assert textwrap.dedent(text).startswith("<svg")


def test_a_pictures_message_is_its_slides_action_title(picture_project):
    project = picture_project("images/harbour.png", png_bytes(), message='"Three boats wait for the tide"')
    result = build(project, BuildOptions())
    slides = [slide for slide in Presentation(result.outputs["pptx"]).slides
              if any(shape.shape_type == 13 for shape in slide.shapes)]  # a picture
    titles = [shape.text_frame.text for slide in slides for shape in slide.shapes if shape.name == "Title"]
    assert titles == ["Three boats wait for the tide"]
