"""Citations in key points.

A key point is a slide bullet and one of the PDF's key messages, and it may cite as the prose
does, in Pandoc's syntax (``[@key, p. 12]``, ``[-@key]``, ``@key``). Its citations are found
here (:func:`find`), checked with the prose's (an unknown key is the same located error, at the
key point), formatted with them, and written into the point in the style's short form
(:func:`cite_points`): "(Smith 2019, 12)" in an author-date style, "[2]" in a numeric one and
the short note ("Smith, A Book, 12") in a note style, whose full note is the first citation.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import model as m
from ..cite.syntax import BRACKETED, NARRATIVE, is_crossref_key, parse_bracketed

SEQ_BASE = 1_000_000  # a key point's citations are counted after every citation of the prose


@dataclass(frozen=True)
class PointCite:
    """One citation in a key point: the section's and point's index, where it is in the point
    (``start``, ``end``) and the citation."""

    section: int
    point: int
    start: int
    end: int
    span: m.Citation


def find(sections) -> list[PointCite]:
    """Every citation in every key point, in reading order."""
    found: list[PointCite] = []
    for s_index, section in enumerate(sections):
        for p_index, point in enumerate(section.key_points):
            loc = (section.point_locs[p_index] if p_index < len(section.point_locs)
                   else section.loc)
            for start, end, items, narrative in _citations(point):
                span = m.Citation(tuple(i.key for i in items), loc, items, narrative,
                                  SEQ_BASE + len(found))
                found.append(PointCite(s_index, p_index, start, end, span))
    return found


def _citations(point: str):
    """(start, end, items, narrative) of each citation in ``point``, bracketed first; a bare
    ``@key`` inside a word (an e-mail address) or naming a cross-reference is not one."""
    taken: list[tuple[int, int]] = []
    out = []
    for match in BRACKETED.finditer(point):
        items = parse_bracketed(match.group(1))
        if items:
            out.append((match.start(), match.end(), items, False))
            taken.append((match.start(), match.end()))
    for match in NARRATIVE.finditer(point):
        start = match.start()
        if any(a <= start < b for a, b in taken) or is_crossref_key(match.group(1)):
            continue
        if start > 0 and (point[start - 1].isalnum() or point[start - 1] in "_@"):
            continue
        out.append((start, match.end(), (m.CiteItem(match.group(1)),), True))
    return sorted(out, key=lambda c: c[0])


def requests(found: list[PointCite], notes: bool) -> list[m.Citation]:
    """The citations to format: in a note style each twice, so that the second is the short
    note whatever the prose cited before."""
    spans = [c.span for c in found]
    if not notes:
        return spans
    return spans + [dataclasses.replace(s, seq=s.seq + SEQ_BASE) for s in spans]


def cite_points(sections, found: list[PointCite], bibliography: m.Bibliography,
                aliases: dict[str, str]):
    """The sections with each key point's citations written as the style sets them."""
    out = list(sections)
    by_section: dict[int, list[PointCite]] = {}
    for cite in found:
        by_section.setdefault(cite.section, []).append(cite)
    for s_index, cites in by_section.items():
        section = out[s_index]
        points = list(section.key_points)
        point_cites: list[list[tuple[tuple[str, ...], str]]] = [[] for _ in points]
        for cite in sorted(cites, key=lambda c: (c.point, -c.start)):  # right to left in a point
            text = _short(cite.span, bibliography)
            keys = tuple(aliases.get(k, k) for k in cite.span.ref_ids)
            point = points[cite.point]
            points[cite.point] = point[:cite.start] + text + point[cite.end:]
            if not bibliography.is_text(cite.span):
                point_cites[cite.point].insert(0, (keys, text))
        out[s_index] = dataclasses.replace(section, key_points=tuple(points),
                                           point_cites=tuple(tuple(c) for c in point_cites))
    return tuple(out)


def _short(span: m.Citation, bibliography: m.Bibliography) -> str:
    """The citation's text; a note style's short note in brackets, its full stop left out, as it
    stands inside the point's sentence."""
    if not bibliography.notes or bibliography.is_text(span):
        return bibliography.citation(span)[1]
    note = bibliography.citation(dataclasses.replace(span, seq=span.seq + SEQ_BASE))[1]
    return f"({note.strip().removesuffix('.')})"
