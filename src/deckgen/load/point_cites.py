"""Citations in key points.

A key point is a slide bullet and one of the PDF's key messages, and it may cite as the prose
does, in Pandoc's syntax (``[@key, p. 12]``, ``[-@key]``, ``@key``). Its citations are found
here (:func:`find`), checked with the prose's (an unknown key is the same located error, at the
key point), formatted with them, and written into the point in the style's short form
(:func:`cite_points`): "(Smith 2019, 12)" in an author-date style, "[2]" in a numeric one and
the short note ("(Smith, A Book, 12)") in a note style, whose full note is the first citation;
a narrative one in a note style reads "Smith (A Book, 12)". The PDF's takeaways get the same
point as HTML: each citation linked to its work's entry, as in the body text, or (a note
style) its short note as a footnote, after the authors' names for a narrative one.
"""

from __future__ import annotations

import dataclasses
import html
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
    """The sections with each key point's citations written as the style sets them (and
    ``point_html``, the points as the PDF sets them)."""
    out = list(sections)
    by_section: dict[int, list[PointCite]] = {}
    for cite in found:
        by_section.setdefault(cite.section, []).append(cite)
    for s_index, cites in by_section.items():
        section = out[s_index]
        points, marked = list(section.key_points), [html.escape(p) for p in section.key_points]
        point_cites: list[list[tuple[tuple[str, ...], str]]] = [[] for _ in points]
        for p_index in sorted({c.point for c in cites}):
            here = sorted((c for c in cites if c.point == p_index), key=lambda c: c.start)
            points[p_index], marked[p_index] = _written(section.key_points[p_index], here,
                                                        bibliography, aliases)
            point_cites[p_index] = [(tuple(aliases.get(k, k) for k in c.span.ref_ids),
                                     _short(c.span, bibliography)) for c in here
                                    if not bibliography.is_text(c.span)]
        out[s_index] = dataclasses.replace(section, key_points=tuple(points),
                                           point_cites=tuple(tuple(c) for c in point_cites),
                                           point_html=tuple(marked))
    return tuple(out)


def _written(point: str, cites: list[PointCite], bibliography: m.Bibliography,
             aliases: dict[str, str]) -> tuple[str, str]:
    """A point with its citations (in order) as text and as the PDF's HTML. A footnote takes
    no space before it and follows the punctuation after it, as Pandoc places a note
    ("matter [@a]." is "matter.¹")."""
    text, markup, end = [], [], 0
    for cite in cites:
        before = point[end:cite.start]
        text += [before, _short(cite.span, bibliography)]
        end = cite.end
        note = _pdf(cite.span, bibliography, aliases)
        if bibliography.notes and not cite.span.narrative and not bibliography.is_text(cite.span):
            before = before.rstrip()
            moved = len(point[end:]) - len(point[end:].lstrip(_NOTE_PUNCTUATION))
            before, end = before + point[end:end + moved], end + moved
            text.append(point[cite.end:end])
        markup += [html.escape(before), note]
    text.append(point[end:])
    markup.append(html.escape(point[end:]))
    return "".join(text), "".join(markup)


_NOTE_PUNCTUATION = ".,;:!?"


def _pdf(span: m.Citation, bibliography: m.Bibliography, aliases: dict[str, str]) -> str:
    """A citation in the PDF's takeaways: as in the body text (linked to its first work's
    entry), or a note style's short note as a footnote."""
    if bibliography.is_text(span):
        return html.escape(bibliography.citation(span)[1])
    if bibliography.notes:
        note = bibliography.citation(dataclasses.replace(span, seq=span.seq + SEQ_BASE))[0]
        return note if span.narrative else f'<span class="footnote">{note}</span>'
    key = aliases.get(span.ref_ids[0], span.ref_ids[0])
    return f'<a class="cite" href="#ref-{html.escape(key)}">{bibliography.citation(span)[0]}</a>'


def _short(span: m.Citation, bibliography: m.Bibliography) -> str:
    """The citation's text; a note style's short note in brackets, its full stop left out, as it
    stands inside the point's sentence (a narrative one: the authors, the rest in brackets)."""
    if not bibliography.notes or bibliography.is_text(span):
        return bibliography.citation(span)[1]
    note = bibliography.citation(dataclasses.replace(span, seq=span.seq + SEQ_BASE))[1]
    return note if span.narrative else f"({note.strip().removesuffix('.')})"
