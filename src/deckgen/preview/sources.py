"""Where a page or slide of the preview comes from in the source, for a click to open it.

- A point on a page: the PDF's named destinations (one for each section, heading with an id,
  numbered table, placed figure, reference) say where each begins; the point belongs to the
  last one begun above it, and that element's place in the source (the model's ``loc``) is the
  answer. Before the first (the cover, the takeaways, the contents) it is ``brief.yaml``.
- On a line of text, the answer is finer: the paragraph, list item, quote, table or key point
  that line is from. pdfium reads the line's words at the point, and the block of that element's
  file (of any, before the first) that holds the most of them is the one (:func:`text_source`).
  Nothing is added to the PDF for this: its bytes stay a cold build's.
- A slide: the deck plan says which section or figure each slide shows.

Worked out on the first click after a build, from the written PDF and the source as it is then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import model as m
from ..errors import Loc


@dataclass(frozen=True)
class Spot:
    """Where an element of the brief begins: page (0-based), its top as a fraction of the page's
    height from its top, and its place in the source."""

    page: int
    top: float
    loc: Loc


def html_ids(brief: m.Brief) -> dict[str, Loc]:
    """The source place of each HTML id the PDF's template gives an element."""
    places: dict[str, Loc] = {}
    for section in brief.sections:
        places[f"sec-{section.id}"] = section.loc
        for block in m.walk(section.blocks):
            if isinstance(block, m.Heading) and block.id:
                places[f"sec-{block.id}"] = block.loc
            elif isinstance(block, m.Table) and block.id:
                places[f"tbl-{block.id}"] = block.loc
            elif isinstance(block, m.FigureBlock):
                places.setdefault(f"fig-{block.figure_id}", block.loc)
    for reference in brief.references:
        places[f"ref-{reference.id}"] = reference.loc
    if brief.references:
        places["references"] = brief.references[0].loc
    return places


def page_spots(pdf: bytes, places: dict[str, Loc]) -> list[Spot]:
    """The PDF's named destinations that have a source place, in reading order."""
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    spots = []
    for name, destination in reader.named_destinations.items():
        loc = places.get(str(name).lstrip("/"))
        if loc is None:
            continue
        page = reader.get_destination_page_number(destination)
        height = float(reader.pages[page].mediabox.height)
        top = destination.get("/Top")
        spots.append(Spot(page, (height - float(top)) / height if top is not None else 0.0, loc))
    return sorted(spots, key=lambda s: (s.page, s.top))


def page_source(spots: list[Spot], page: int, y: float, fallback: Loc) -> Loc:
    """The place of the element that the point at ``y`` (a fraction of the height, from the top)
    of ``page`` falls in."""
    found = fallback
    for spot in spots:
        if (spot.page, spot.top) > (page, y):
            break
        found = spot.loc
    return found


def slide_sources(brief: m.Brief, plans) -> list[Loc]:
    """Each slide's source: a figure slide's figure file, else its section's file (a slide of
    key points beside a chart included), else ``brief.yaml``."""
    sections = {s.id: s.loc for s in brief.sections}
    figures = {f.id: f.loc for f in brief.figures}
    return [(figures.get(slide.figure_id) if slide.kind == "figure" else None)
            or sections.get(slide.section_id) or brief.meta.loc for slide in plans]


# ---- a line of text on a page, to the block it is from -------------------------------------------

WORD = re.compile(r"\w+")
MIN_WORDS = 2   # a line's words a block must hold to be taken for its source (or all of a shorter line)


@dataclass(frozen=True)
class TextBlock:
    """A block of running text (or a key point) and the words it shows."""

    loc: Loc
    words: frozenset[str]


def words(text: str) -> frozenset[str]:
    return frozenset(word.lower() for word in WORD.findall(text))


def _inline_text(spans) -> str:
    return " ".join(span.text for span in spans if isinstance(span, (m.Text, m.Link)))


def text_blocks(brief: m.Brief) -> list[TextBlock]:
    """What the cover shows (its title, subtitle, authors...: each at its key in brief.yaml),
    then every block of the sections that shows text, every key point and section title (on the
    contents page too), in source order."""
    found = _cover_blocks(brief.meta)
    for section in brief.sections:
        found.append(TextBlock(section.loc, words(f"{section.number} {section.title}")))
        found += [TextBlock(loc, words(point)) for point, loc in zip(section.key_points, section.point_locs)]
        for block in m.walk(section.blocks):
            if isinstance(block, (m.Paragraph, m.Heading)):
                text = _inline_text(block.spans)
            elif isinstance(block, m.Table):
                cells = [*block.header, *(cell for row in block.rows for cell in row), block.caption]
                text = " ".join(_inline_text(cell) for cell in cells)
            elif isinstance(block, m.CodeBlock):
                text = block.text
            elif isinstance(block, m.Callout):
                text = block.title
            else:
                continue
            if text.strip():
                found.append(TextBlock(block.loc, words(text)))
    return found


def _cover_blocks(meta: m.Meta) -> list[TextBlock]:
    people = " ".join(f"{a.name} {a.role} {a.affiliation}" for a in meta.authors)
    shown = (("title", meta.title), ("subtitle", meta.subtitle), ("summary", meta.summary),
             ("organisation", meta.organisation), ("distribution", meta.distribution),
             ("authors", people))
    return [TextBlock(meta.at(key), words(text)) for key, text in shown if text.strip()]


def line_at(pdf: bytes, page: int, x: float, y: float) -> str:
    """The text of the line at the point (``x``, ``y``: fractions of the page's width and height,
    from its top left) of ``page``; "" where there is none."""
    import pypdfium2 as pdfium

    from .images import PDFIUM

    with PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            if not 0 <= page < len(document):
                return ""
            sheet = document[page]
            width, height = sheet.get_size()
            text = sheet.get_textpage()
            point = (x * width, (1 - y) * height)
            index = text.get_index(*point, 4, 4)
            if index is None:
                index = text.get_index(*point, 12, 8)
            if index is None:
                return ""
            _, bottom, _, top = text.get_charbox(index, loose=True)
            margin = (top - bottom) * 0.3   # the middle of the line: not the lines above or below
            return text.get_text_bounded(0, bottom + margin, width, top - margin)
        finally:
            document.close()


def text_source(blocks: list[TextBlock], line: str, near: Loc | None) -> Loc | None:
    """The block of ``near``'s file (of any file when ``near`` is None) holding the most of
    ``line``'s words, the first at or after ``near`` among equals; None when none holds enough."""
    wanted = words(line)
    if not wanted:
        return None
    candidates = [b for b in blocks if near is None or b.loc.file == near.file]
    best, best_score = None, 0
    for block in candidates:
        score = len(wanted & block.words)
        after = near is None or block.loc.line >= near.line
        if score > best_score or (score == best_score and best is not None and after
                                  and near is not None and best.loc.line < near.line):
            best, best_score = block, score
    if best is None or best_score < min(MIN_WORDS, len(wanted)):
        return None
    return best.loc
