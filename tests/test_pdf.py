"""The PDF brief as a reader receives it: cover, front page, running heads, figures, footnotes,
bookmarks, links, metadata, tags, fonts and paper, checked in the built file itself with pypdf,
pdfplumber and poppler's ``pdffonts``.

The example brief is built once per module (A4 by default, plus US Letter and print mode for the
paper tests) into a temporary copy of the project.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from itertools import combinations
from pathlib import Path

import pdfplumber
import pytest
from matplotlib import rc_context
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from deckgen import model as m
from deckgen.errors import DeckgenError
from deckgen.figures import drawing as figures
from deckgen.load.loader import load_project
from deckgen.pdf import document as pdf
from deckgen.project import Project
from deckgen.theme import load_theme

REPO = Path(__file__).resolve().parents[1]
MM = 72 / 25.4  # points per millimetre
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


# ---- fixtures: one example, built once per paper/mode ----------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """(project, brief, theme, figure SVGs) for a copy of the example source."""
    root = tmp_path_factory.mktemp("pdf-example")
    shutil.copytree(REPO / "source", root / "source")
    project = Project.at(root)
    brief = load_project(project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures}
    return project, brief, theme, svgs


def build_pdf(example, tmp_path_factory, name: str, **options) -> Path:
    project, brief, theme, svgs = example
    path = tmp_path_factory.mktemp("pdf") / f"{name}.pdf"
    path.write_bytes(pdf.render_pdf(brief, project, theme, svgs, **options).data)
    return path


@pytest.fixture(scope="module")
def brief(example):
    return example[1]


@pytest.fixture(scope="module")
def pdf_file(example, tmp_path_factory) -> Path:
    return build_pdf(example, tmp_path_factory, "brief")


@pytest.fixture(scope="module")
def reader(pdf_file) -> PdfReader:
    return PdfReader(pdf_file)


@pytest.fixture(scope="module")
def plumber(pdf_file):
    with pdfplumber.open(pdf_file) as document:
        yield document


@pytest.fixture(scope="module")
def texts(plumber) -> list[str]:
    """Each page's text, lines joined and words hyphenated at line ends rejoined."""
    return [flat(page.extract_text() or "") for page in plumber.pages]


def flat(text: str) -> str:
    text = re.sub(r"[\u2010-]\n", "", text)
    return re.sub(r"\s+", " ", text)


def squash(text: str) -> str:
    """``text`` without any white space, so line breaks (even after a dash) do not matter."""
    return re.sub(r"\s+", "", text)


def holds(text: str, needle: str) -> bool:
    return squash(needle) in squash(text)


def page_of(texts: list[str], needle: str) -> int:
    """The 0-based index of the first page whose text holds ``needle``."""
    hits = [i for i, text in enumerate(texts) if holds(text, needle)]
    assert hits, f"{needle!r} is on no page"
    return hits[0]


# ---- the document ------------------------------------------------------------------------------

def test_page_count_is_sane(reader, brief):
    assert 2 + len(brief.sections) // 2 <= len(reader.pages) <= 14


def test_metadata(reader, brief):
    info, meta = reader.metadata, brief.meta
    assert info.title == meta.title
    assert info.author == ", ".join(a.name for a in meta.authors)
    assert info.subject == (meta.subtitle or meta.summary)
    assert [k.strip() for k in info["/Keywords"].split(",")] == list(meta.keywords)
    assert reader.trailer["/Root"]["/Lang"] == meta.language


def test_document_is_tagged_with_alt_text_on_figures(reader, brief):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    alts = [node.get("/Alt") for node in struct_nodes(root["/StructTreeRoot"]) if node.get("/S") == "/Figure"]
    assert sorted(alts) == sorted(f.alt for f in brief.figures)


def test_every_link_says_in_words_where_it_leads(reader, brief):
    """PDF/UA: a link annotation's description is read out by screen readers; it names the
    section, figure or reference, never a bare id."""
    described = {}
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                described[str(annotation["/Dest"])] = str(annotation["/Contents"])
    sections = {f"sec-{s.id}": f"Section {n}: {s.title}" for n, s in enumerate(brief.sections, 1)}
    assert {k: v for k, v in described.items() if k.startswith("sec-")} == sections
    assert described["references"] == "References"
    figure = brief.figures[0]
    assert described[f"fig-{figure.id}"] == f"{figure.label}: {figure.title}"
    reference = brief.references[0]
    assert described[f"ref-{reference.id}"] == f"References: {reference.text}"


def struct_nodes(node):
    """Every dictionary in a structure tree, depth first."""
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if isinstance(node, dict):
        yield node
        kids = node.get("/K")
        if kids is not None:
            yield from struct_nodes(kids)
    elif isinstance(node, list):
        for kid in node:
            yield from struct_nodes(kid)


def test_fonts_are_embedded_and_subset_with_a_cjk_font(pdf_file):
    rows = subprocess.run(["pdffonts", str(pdf_file)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    assert rows, "pdffonts lists no fonts"
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\s+\d+\s+\d+\s*$", row), f"not embedded+subset: {row}"
    names = " ".join(row.split()[0] for row in rows)
    for family in ("Noto-Serif", "Noto-Sans", "CJK"):
        assert family in names, f"{family} not used: {names}"


# ---- cover and front page ----------------------------------------------------------------------

def test_cover_carries_title_people_date_and_marking(texts, brief):
    cover, meta = texts[0], brief.meta
    for item in (meta.title, meta.subtitle, meta.organisation, m.long_date(meta.date),
                 *(a.name for a in meta.authors)):
        assert item in cover, item
    assert meta.distribution.upper() in cover.upper()


def test_cover_has_no_running_header_or_footer(texts, brief):
    assert "Page 1 of" not in texts[0]
    assert brief.meta.short_title not in texts[0].replace(brief.meta.title, "")


def test_takeaways_are_the_headline_points_and_fit_with_the_contents(texts, brief):
    front = texts[1]
    assert "Key takeaways" in front and "Contents" in front and brief.meta.summary[:60] in front
    for section in brief.sections:
        assert section.key_points[0] in front, section.key_points[0]
        for point in section.key_points[1:]:
            assert point not in front, f"not a headline point: {point}"
    assert "Contents" not in texts[2]


def test_contents_lists_each_section_with_its_page_and_a_link(reader, texts, brief):
    titles = [s.title for s in brief.sections] + ["References"]
    anchors = [f"sec-{s.id}" for s in brief.sections] + ["references"]
    destinations = {name: reader.get_destination_page_number(d)
                    for name, d in reader.named_destinations.items()}
    links = {a.get_object().get("/Dest") for a in reader.pages[1].get("/Annots", [])}
    for title, anchor in zip(titles, anchors):
        assert anchor in links, f"contents has no link to {anchor}"
        page = destinations[anchor]
        assert title in texts[page], f"{anchor} leads to page {page + 1}, not to '{title}'"
        assert re.search(re.escape(title) + r" " + str(page + 1) + r"\b", texts[1]), \
            f"contents shows the wrong page for {title}"


def test_contents_leaders_are_drawn_not_typed(pdf_file, plumber, brief):
    """The dots lead the eye from each title to its page number, but are not text: a screen
    reader and a copy of the contents get "Economic interdependence 4"."""
    import pypdfium2

    page = plumber.pages[1]
    assert not re.search(r"\.{3,}|(\. ){3,}", page.extract_text())
    scale = 4  # pixels per point
    image = pypdfium2.PdfDocument(str(pdf_file))[1].render(scale=scale).to_pil().convert("L")
    lines = page.extract_text_lines()
    for title in [s.title for s in brief.sections] + ["References"]:
        line = next(line for line in lines if line["text"].startswith(title) or f" {title} " in
                    f" {line['text']} ")
        words = [w for w in page.extract_words() if abs(w["bottom"] - line["bottom"]) < 2]
        title_end = max(w["x1"] for w in words[:-1])
        number_start = words[-1]["x0"]
        band = range(int((line["bottom"] - 6) * scale), int((line["bottom"] + 3) * scale))
        gap = [min(image.getpixel((x, y)) for y in band)  # the darkest pixel of each column
               for x in range(int((title_end + 3) * scale), int((number_start - 2) * scale))]
        assert gap and sum(value < 200 for value in gap) > len(gap) / 6, \
            f"no dotted leader between '{title}' and its page number"


def test_bookmarks_for_every_section(reader, texts, brief):
    outline = [item for item in reader.outline if not isinstance(item, list)]
    expected = [f"{i} {s.title}" for i, s in enumerate(brief.sections, 1)] + ["References"]
    assert [item.title for item in outline] == expected
    for item, section_title in zip(outline, [s.title for s in brief.sections] + ["References"]):
        assert section_title in texts[reader.get_destination_page_number(item)]


# ---- running header and footer -----------------------------------------------------------------

def margin_words(page, top: bool):
    """Words in the page's top (header) or bottom (footer) margin, left to right."""
    words = page.extract_words()
    if top:
        words = [w for w in words if w["bottom"] < 24 * MM]
    else:
        words = [w for w in words if w["top"] > page.height - 22 * MM]
    return sorted(words, key=lambda w: w["x0"])


def test_page_n_of_m_on_every_page_but_the_cover(texts):
    total = len(texts)
    assert not re.search(r"Page \d+ of \d+", texts[0])
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {total}" in text, f"page {number} has no 'Page N of M'"


def test_header_shows_short_title_and_section_without_overlap(plumber, brief):
    sections = {f"{i} {s.title}" for i, s in enumerate(brief.sections, 1)} | {"References"}
    for number, page in enumerate(plumber.pages[1:], start=2):
        words = margin_words(page, top=True)
        line = " ".join(w["text"] for w in words)
        assert line.startswith(brief.meta.short_title), f"page {number} header: {line!r}"
        assert brief.meta.title not in line
        right = line[len(brief.meta.short_title):].strip()
        assert (number == 2 and right == "") or right in sections, f"page {number} header: {line!r}"
        left_end = max(w["x1"] for w in words[:len(brief.meta.short_title.split())])
        right_start = min([w["x0"] for w in words[len(brief.meta.short_title.split()):]],
                          default=page.width)
        assert left_end + 2 * MM < right_start, f"header boxes touch on page {number}"


def test_footer_shows_distribution_marking(plumber, brief):
    for number, page in enumerate(plumber.pages[1:], start=2):
        line = " ".join(w["text"] for w in margin_words(page, top=False))
        assert line.startswith(brief.meta.distribution), f"page {number} footer: {line!r}"


# ---- figures, cross-references, footnotes --------------------------------------------------------

def test_figures_numbered_in_order_with_caption_and_source(texts, brief):
    positions = []
    for number, figure in enumerate(brief.figures, start=1):
        assert figure.label == f"Figure {number}"
        caption = f"Figure {number}. {figure.title}"
        page = page_of(texts, caption)
        positions.append((page, squash(texts[page]).index(squash(caption))))
        assert holds(texts[page], f"Source: {figure.source}")
    assert positions == sorted(positions), "figures are not numbered in reading order"


def test_cross_references_link_to_the_figure_they_name(reader, texts, brief):
    destinations = {name: reader.get_destination_page_number(d)
                    for name, d in reader.named_destinations.items()}
    seen = 0
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []):
            dest = str(annot.get_object().get("/Dest", ""))
            if dest.startswith("fig-"):
                figure = brief.figure(dest[4:])
                assert holds(texts[destinations[dest]], f"{figure.label}. {figure.title}")
                assert figure.label in texts[index]
                seen += 1
    assert seen >= 2, "no cross-reference links found"
    assert "(see Figure 1)" in " ".join(texts) and brief.figures[0].id == "timeline"


def test_figures_are_vector_not_images(plumber):
    for number, page in enumerate(plumber.pages, start=1):
        assert not page.images, f"raster image on page {number}"
    assert any(page.curves or page.rects for page in plumber.pages[2:]), "no vector drawing found"


def footnote_calls_and_notes(page):
    """Footnote numbers called in the body of ``page`` and footnote numbers set at its foot."""
    body = [c for c in page.chars
            if 24 * MM < c["top"] and c["bottom"] < page.height - 22 * MM]
    calls = {c["text"] for c in body if c["text"].isdigit() and c["size"] < 7.8}
    words = page.extract_words(extra_attrs=["size"])
    notes = {w["text"][:-1] for w in words
             if re.fullmatch(r"\d+\.", w["text"]) and abs(w["size"] - 8) < 0.3
             and abs(w["x0"] - 22 * MM) < 2}
    tops = [w["top"] for w in words if re.fullmatch(r"\d+\.", w["text"]) and abs(w["size"] - 8) < 0.3]
    return calls, notes, tops


def test_footnotes_sit_at_the_foot_of_the_page_of_their_call(plumber):
    found = 0
    for number, page in enumerate(plumber.pages, start=1):
        calls, notes, tops = footnote_calls_and_notes(page)
        assert calls == notes, f"page {number}: calls {sorted(calls)} but notes {sorted(notes)}"
        assert all(top > page.height * 0.6 for top in tops), f"page {number}: note not at the foot"
        found += len(notes)
    assert found >= 2


def test_cjk_names_are_extractable_text(texts):
    text = " ".join(texts)
    assert "독도" in text and "竹島" in text


# ---- typography --------------------------------------------------------------------------------

def test_no_heading_is_left_at_the_bottom_of_a_page(plumber):
    for number, page in enumerate(plumber.pages[2:], start=3):
        words = page.extract_words(extra_attrs=["size"])
        headings = [w for w in words if w["size"] > 14]
        for heading in headings:
            below = [w for w in words if w["top"] > heading["bottom"] + 4 and 8 < w["size"] < 11]
            assert below, f"heading '{heading['text']}' ends page {number}"


def test_body_text_is_hyphenated(plumber):
    text = "\n".join(page.extract_text() or "" for page in plumber.pages[2:])
    assert re.search(r"[a-z]\u2010\n", text), "no word is hyphenated at a line end"


def test_colophon_is_not_alone_on_the_last_page(texts, brief):
    colophon = f"{brief.meta.organisation} · {brief.meta.short_title}"
    page = page_of(texts, colophon)
    assert page == len(texts) - 1
    # the last entry of the reference list, as the style sets it (its last 30 characters)
    last_reference = " ".join(brief.references[-1].text.split())[-30:]
    assert last_reference in " ".join(texts[page].split()), \
        "the colophon is separated from the references"


# ---- paper and print -----------------------------------------------------------------------------

def box_size(box) -> tuple[float, float]:
    return (round(float(box.width), 2), round(float(box.height), 2))


def test_a4_by_default_and_letter_on_request(reader, example, tmp_path_factory):
    assert {box_size(p.mediabox) for p in reader.pages} == {A4}
    letter = PdfReader(build_pdf(example, tmp_path_factory, "letter", paper="letter"))
    assert {box_size(p.mediabox) for p in letter.pages} == {LETTER}
    second = letter.pages[1].extract_text()
    assert "Page 2 of" in second, "the cover does not fit one Letter page"


def test_print_mode_has_bleed_and_trim_boxes(example, tmp_path_factory):
    printed = PdfReader(build_pdf(example, tmp_path_factory, "print", print_mode=True))
    bleed = 3 * MM
    for page in printed.pages:
        assert box_size(page.trimbox) == A4
        assert "/BleedBox" in page and "/TrimBox" in page
        media, trim = page.mediabox, page.trimbox
        assert float(trim.left) - float(media.left) == pytest.approx(bleed, abs=0.1)
        assert float(media.top) - float(trim.top) == pytest.approx(bleed, abs=0.1)
        assert float(page.bleedbox.width) > float(trim.width)


def test_bad_paper_or_variant_is_a_clear_error(example):
    project, brief, theme, svgs = example
    with pytest.raises(DeckgenError, match="paper"):
        pdf.render_pdf(brief, project, theme, svgs, paper="a5")
    with pytest.raises(DeckgenError, match="variant"):
        pdf.render_pdf(brief, project, theme, svgs, variant="pdf/z-9")


# ---- figures as drawn --------------------------------------------------------------------------

def test_figure_svgs_are_deterministic_and_miss_no_glyph(example):
    _, brief, theme, svgs = example
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes a failure
        again = {f.id: figures.render_svg(f, theme) for f in brief.figures}
    assert again == svgs


def test_dollar_signs_stay_literal(example):
    theme = example[2]
    assert figures.figure_rc(theme)["text.parse_math"] is False


def test_timeline_labels_never_overlap_and_keep_their_years(example):
    _, brief, theme, _ = example
    timeline = next(f for f in brief.figures if f.kind == "timeline")
    with rc_context(figures.figure_rc(theme)):
        fig = figures.draw(timeline, theme)
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        texts = [t for t in fig.axes[0].texts if t.get_text()]
        boxes = [t.get_window_extent(renderer) for t in texts]
    frame = fig.bbox
    for text, box in zip(texts, boxes):
        assert frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5, f"{text.get_text()!r} is cut off"
        assert frame.y0 - 0.5 <= box.y0 and box.y1 <= frame.y1 + 0.5, f"{text.get_text()!r} is cut off"
    for (a, box_a), (b, box_b) in combinations(zip(texts, boxes), 2):
        assert not box_a.overlaps(box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"
    years = [t.get_text() for t in sorted(texts, key=lambda t: t.get_position()[0])
             if t.get_text().isdigit()]
    assert years == [str(e.year) for e in sorted(timeline.events, key=lambda e: e.year)]


def test_optional_logo_is_drawn_on_the_cover_only(tmp_path):
    from PIL import Image

    shutil.copytree(REPO / "source", tmp_path / "source")
    Image.new("RGB", (300, 100), "#B5452B").save(tmp_path / "source" / "logo.png")
    brief_file = tmp_path / "source" / "brief.yaml"
    brief_file.write_text(brief_file.read_text(encoding="utf-8") + "\nlogo: logo.png\n", encoding="utf-8")
    project = Project.at(tmp_path)
    brief = load_project(project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures}
    path = tmp_path / "logo.pdf"
    path.write_bytes(pdf.render_pdf(brief, project, theme, svgs).data)
    with pdfplumber.open(path) as document:
        pages_with_images = [n for n, page in enumerate(document.pages, 1) if page.images]
    assert pages_with_images == [1]
