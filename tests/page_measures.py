"""The page-fill measures read from a rendered PDF: empty bands, floats' distances, running headers' lines."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from pypdf import PdfReader

from deckgen import model as m
from deckgen.load.loader import load_project
from deckgen.project import Project

MM = 72 / 25.4
TOP_MARGIN, BOTTOM_MARGIN = 24 * MM, 22 * MM  # brief.css: @page margin
MOST_EMPTY = 0.15


def empty_fractions(path: Path) -> list[float]:
    """Each page's largest empty band of the text area, as a fraction of the area's height."""
    fractions = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            top, bottom = TOP_MARGIN, page.height - BOTTOM_MARGIN
            spans = sorted((o["top"], o["bottom"]) for o in _marks(page)
                           if o["bottom"] > top and o["top"] < bottom)
            largest, reached = 0.0, top
            for start, end in spans:
                largest = max(largest, start - reached)
                reached = max(reached, end)
            largest = max(largest, bottom - reached)
            fractions.append(largest / (bottom - top))
    return fractions


def _marks(page) -> list[dict]:
    """What is printed on the page: characters, and graphics that are not white."""
    def visible(o) -> bool:
        colours = [o.get("non_stroking_color") if o.get("fill") else None,
                   o.get("stroking_color") if o.get("stroke") else None]
        return any(c is not None and tuple(c) not in ((1,), (1, 1, 1), (0, 0, 0, 0)) for c in colours)

    graphics = [o for o in page.rects + page.lines + page.curves if visible(o)]
    return [c for c in page.chars if c["text"].strip()] + graphics + page.images


def holes(path: Path, project: Project) -> dict[int, float]:
    """The pages (1-based) more than 15 % empty that the rule does not exempt: the last page, and
    a page before one that starts by design (the front matter after the cover, the first
    section, an appendix)."""
    brief = load_project(project.root)
    reader = PdfReader(path)
    starts = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    by_design = {1} | {starts[f"sec-{s.id}"] for s in brief.sections
                        if s is brief.sections[0] or s.kind == "appendix"}
    fractions = empty_fractions(path)
    return {number: round(fraction, 3) for number, fraction in enumerate(fractions[:-1], 1)
            if fraction > MOST_EMPTY and number not in by_design}  # page number+1 opens it


def float_distances(path: Path, project: Project) -> dict[str, tuple[int, int]]:
    """``{figure or table id: (page of its first reference, its page)}``, from the PDF's links
    and named destinations. A float the author placed in a later section than a passing mention
    (an introduction's "see Figure 2") counts from its first reference in its own section."""
    brief = load_project(project.root)
    reader = PdfReader(path)
    at = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    home = {}
    for section in brief.sections:
        for block in section.blocks:
            if isinstance(block, m.FigureBlock):
                home[f"fig-{block.figure_id}"] = at[f"sec-{section.id}"]
            if isinstance(block, m.Table) and block.id:
                home[f"tbl-{block.id}"] = at[f"sec-{section.id}"]
    links: dict[str, list[int]] = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            dest = str(annot.get_object().get("/Dest", ""))
            if dest in home:
                links.setdefault(dest, []).append(number)
    first = {name: next((p for p in pages if p >= home[name]), pages[0]) for name, pages in links.items()}
    return {name: (first[name], at[name]) for name in first}


def header_lines(path: Path) -> list[dict[str, list[str]]]:
    """Each page's running header (above the text area), as the lines of its left box (the
    brief's short title) and its right box (the section's)."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words = [w for w in page.extract_words() if w["bottom"] < TOP_MARGIN]
            sides: dict[str, dict[float, list[str]]] = {"left": {}, "right": {}}
            for word in words:
                side = "left" if word["x0"] < page.width * 0.45 else "right"
                sides[side].setdefault(round(word["top"]), []).append(word["text"])
            pages.append({side: [" ".join(ws) for _, ws in sorted(lines.items())]
                          for side, lines in sides.items()})
    return pages
