"""Where a page or slide of the preview comes from in the source, for a click to open it.

- A point on a page: the PDF's named destinations (one for each section, heading with an id,
  numbered table, placed figure, reference) say where each begins; the point belongs to the
  last one begun above it, and that element's place in the source (the model's ``loc``) is the
  answer. Before the first (the cover, the takeaways, the contents) it is ``brief.yaml``.
- A slide: the deck plan says which section or figure each slide shows.

Worked out on the first click after a build, from the written PDF and the source as it is then.
"""

from __future__ import annotations

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
