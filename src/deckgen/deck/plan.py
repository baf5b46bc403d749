"""Plan the deck as pure data: which slides, in which named layout, with which fitted text.

``plan_slides(brief, theme, geometry)`` returns one :class:`SlidePlan` per slide. Every text a
slide shows is measured here with real font metrics (:mod:`deckgen.textfit`) against the box it
will be written into, before anything is drawn, so the writer (:mod:`deckgen.deck`) only
serialises the plan:

- body text shrinks from the theme's body size in 2 pt steps, never below its minimum (18 pt);
  what still does not fit moves to continuation slides ("… (cont.)"), split between bullets,
  else between sentences, else between words; pages are balanced, and numbering carries on;
- titles shrink to a floor and wrap to at most two lines (three on covers), else they are
  shortened at a word boundary and the full title goes into the speaker notes;
- captions, cover lines and the footer shrink, then shorten.

The boxes come from a :class:`Geometry`: the default drawing (16:9, the theme's colours) or the
placeholders of a reference template's named layouts (see :func:`deckgen.deck.deck_geometry`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from .. import model as m
from ..figures.kinds import EVENTS, KINDS
from ..figures.numbers import format_number
from ..load.markdown import plain_text
from ..theme import Theme
from .textfit import Fonts, has_cjk, lines_height, sentence_pieces, sentences, tokens, wrap, wrap_raw

# ---- geometry --------------------------------------------------------------------------------

SLIDE_W, SLIDE_H = 960.0, 540.0   # points: 13.333 in x 7.5 in (16:9)
INSET = 7.2                       # default text frame margin on every side
BULLET_INDENT = 24.0              # the least hanging indent of a bullet, in points
SPACE_AFTER = 0.45                # gap between bullets, as a multiple of the font size
SLACK = 0.94                      # measure lines this much narrower than the box, for rounding
LINE_SPACING = 1.0                # the deck's line spacing (a multiple of single spacing)
ELLIPSIS = "…"
CONTINUED = " (cont.)"


@dataclass(frozen=True)
class Box:
    """A text or picture box in points, with the text frame's inner margins (l, t, r, b)."""

    x: float
    y: float
    w: float
    h: float
    insets: tuple[float, float, float, float] = (INSET, INSET, INSET, INSET)

    @property
    def inner_w(self) -> float:
        return self.w - self.insets[0] - self.insets[2]

    @property
    def inner_h(self) -> float:
        return self.h - self.insets[1] - self.insets[3]

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


@dataclass(frozen=True)
class Areas:
    """Where one kind of slide puts its title, its body (bullets, subtitle lines), its figure
    and the figure's caption."""

    title: Box
    body: Box | None = None
    figure: Box | None = None
    caption: Box | None = None


LAYOUTS = {
    "title": "Title Slide",
    "agenda": "Title and Content",
    "section": "Section Header",
    "points": "Title and Content",
    "figure": "Title Only",
    "recommendations": "Title and Content",
    "references": "Title and Content",
    "closing": "Title Slide",
}

_THIN = (INSET, 3.6, INSET, 3.6)
_CONTENT_TITLE = Box(43, 28, 874, 82, _THIN)
_CONTENT = Areas(title=_CONTENT_TITLE, body=Box(43, 122, 874, 372))
_COVER = Areas(title=Box(43, 110, 874, 180, _THIN), body=Box(43, 318, 874, 160))


@dataclass(frozen=True)
class Geometry:
    """The slide size, each slide kind's areas, the footer boxes and the layout names."""

    width: float
    height: float
    areas: dict[str, Areas]
    footer: Box
    number: Box
    layouts: dict[str, str]
    template: str = ""  # the reference template these boxes were read from; "" for the default
    font: str = ""  # the template's body font, when deckgen can measure it; "" for the theme's
    font_metrics: str = ""  # the installed font measured in its place (its metric twin)


DEFAULT_GEOMETRY = Geometry(
    width=SLIDE_W, height=SLIDE_H,
    areas={
        "title": _COVER, "closing": _COVER,
        "section": Areas(title=Box(43, 150, 874, 170, _THIN), body=Box(43, 334, 874, 60)),
        "agenda": _CONTENT, "points": _CONTENT, "recommendations": _CONTENT, "references": _CONTENT,
        "figure": Areas(title=_CONTENT_TITLE, figure=Box(43, 122, 874, 336),
                        caption=Box(43, 462, 874, 36)),
    },
    footer=Box(43, 504, 700, 26, _THIN), number=Box(767, 504, 150, 26, _THIN),
    layouts=LAYOUTS,
)

# ---- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bullet:
    """One paragraph of a slide's list. ``number`` is the item's number in a numbered list (0
    when unnumbered); ``continued`` marks the rest of an item split over slides (no marker)."""

    text: str
    number: int = 0
    continued: bool = False


@dataclass(frozen=True)
class ChartData:
    """The numbers a native chart shows: the figure's own categories and series."""

    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]


@dataclass(frozen=True)
class SlidePlan:
    kind: str
    title: str
    notes: str
    areas: Areas = _CONTENT
    layout: str = ""
    title_size: float = 32
    subtitle: tuple[str, ...] = ()
    subtitle_size: float = 20
    bullets: tuple[Bullet, ...] = ()
    body_size: float = 24
    indent: float = BULLET_INDENT
    numbered: bool = False
    figure_id: str = ""
    chart: ChartData | None = None
    caption: str = ""
    caption_size: float = 14
    section_id: str = ""
    full_title: str = ""
    footer: str = ""
    footer_size: float = 11
    footer_box: Box | None = None   # None on the covers, which carry no footer
    number_box: Box | None = None
    number: int = 0

    def __post_init__(self):
        if not self.layout:
            object.__setattr__(self, "layout", LAYOUTS[self.kind])

    @property
    def native_chart(self) -> bool:
        return self.chart is not None

    @property
    def texts(self) -> tuple[str, ...]:
        """The bullet texts, as shown."""
        return tuple(b.text for b in self.bullets)


# ---- sizes -------------------------------------------------------------------------------------

TITLE_FLOOR = 24.0    # titles shrink to this, then are shortened
COVER_TITLE = 40.0
COVER_FLOOR = 28.0
SECTION_TITLE = 40.0
SUBTITLE_SIZES = (20.0, 18.0, 16.0, 14.0)
CAPTION_SIZES = (14.0, 13.0, 12.0)
FOOTER_SIZES = (11.0, 10.0, 9.0)
REFERENCE_SIZE = 20.0
DATA_SENTENCE_LIMIT = 12  # categories read out in the notes; beyond this, a summary


def plan_slides(brief: m.Brief, theme: Theme, geometry: Geometry | None = None) -> list[SlidePlan]:
    """The whole deck as a list of slide plans, fitted to ``geometry`` (default: 16:9 drawing)."""
    planner = _Planner(brief, theme, geometry or default_geometry(theme))
    return planner.plan()


def default_geometry(theme: Theme) -> Geometry:
    """The default drawing's boxes, with the layout names the theme asks for."""
    return dataclasses.replace(DEFAULT_GEOMETRY, layouts=layout_names(theme))


def layout_names(theme: Theme) -> dict[str, str]:
    """Layout name for each slide kind: the defaults, overridden by the theme's ``deck.layouts``."""
    return {**LAYOUTS, **dict(theme.deck.get("layouts") or {})}


class _Planner:
    def __init__(self, brief: m.Brief, theme: Theme, geometry: Geometry):
        self.brief = brief
        self.geometry = geometry
        self.fonts = Fonts(geometry.font_metrics or theme.fonts["deck_metrics"], theme.fonts["deck_cjk"])
        self.body = float(theme.sizes["deck_body"])
        self.min_body = float(theme.sizes["deck_min_body"])
        self.title_size = float(theme.sizes["deck_title"])
        self.dividers = str(theme.deck.get("section_dividers", "auto")).lower()

    def areas(self, kind: str) -> Areas:
        return self.geometry.areas[kind]

    def layout(self, kind: str) -> str:
        return self.geometry.layouts[kind]

    def body_sizes(self, start: float | None = None) -> list[float]:
        """Body sizes to try, largest first, in 2 pt steps down to the minimum."""
        size, out = min(start or self.body, self.body), []
        while size > self.min_body:
            out.append(size)
            size -= 2
        return out + [self.min_body]

    # ---- the deck ----
    def plan(self) -> list[SlidePlan]:
        slides = [self.title_slide()]
        slides += self.agenda_slides()
        groups = [self.section_slides(s) for s in self.brief.sections]
        if self.wants_dividers(groups):
            groups = [[self.divider(s, i)] + g for i, (s, g) in enumerate(zip(self.brief.sections, groups))]
        slides += [slide for group in groups for slide in group]
        slides += self.reference_slides()
        slides.append(self.closing_slide())
        return self.number(slides)

    def wants_dividers(self, groups: list[list[SlidePlan]]) -> bool:
        """``always``, ``never``, or ``auto``: when sections take two or more slides on average
        (with fewer, the agenda and the slide titles already tell the audience where they are)."""
        if self.dividers in ("always", "true", "yes"):
            return True
        if self.dividers in ("never", "false", "no"):
            return False
        return len(groups) > 1 and sum(len(g) for g in groups) >= 2 * len(groups)

    def number(self, slides: list[SlidePlan]) -> list[SlidePlan]:
        """Slide numbers and the fitted footer on every slide but the covers."""
        footer, size = self.fit_footer()
        boxes = {"footer": footer, "footer_size": size, "footer_box": self.geometry.footer,
                 "number_box": self.geometry.number}
        return [dataclasses.replace(slide, number=index, **boxes)
                if slide.kind not in ("title", "closing") else dataclasses.replace(slide, number=index)
                for index, slide in enumerate(slides, start=1)]

    # ---- covers ----
    def title_slide(self) -> SlidePlan:
        meta = self.brief.meta
        lines = [meta.subtitle, " · ".join(x for x in (meta.organisation, m.long_date(meta.date)) if x),
                 meta.distribution]
        return self.cover("title", meta.title, [line for line in lines if line],
                          notes=self.opening_notes())

    def closing_slide(self) -> SlidePlan:
        meta = self.brief.meta
        line = " · ".join(x for x in (meta.organisation, meta.distribution) if x)
        return self.cover("closing", "Questions and discussion", [line] if line else [],
                          notes=self.closing_notes())

    def cover(self, kind: str, title: str, lines: list[str], notes: str) -> SlidePlan:
        areas = self.areas(kind)
        text, size = self.fit_title(title, areas.title, COVER_TITLE, COVER_FLOOR, max_lines=3)
        lines, line_size = self.fit_lines(lines, areas.body, SUBTITLE_SIZES)
        return SlidePlan(kind, text, self.with_full_title(notes, title, text), areas=areas,
                         layout=self.layout(kind), title_size=size, subtitle=tuple(lines),
                         subtitle_size=line_size, full_title=title)

    # ---- agenda, dividers, references ----
    def agenda_slides(self) -> list[SlidePlan]:
        titles = [s.title for s in self.brief.sections]
        notes = (f"This briefing covers {len(titles)} parts: " + "; ".join(titles) + ". "
                 + (self.brief.meta.summary or "")).strip()
        return self.bullet_slides("agenda", "Agenda", _numbered(titles), notes)

    def divider(self, section: m.Section, index: int) -> SlidePlan:
        areas, count = self.areas("section"), len(self.brief.sections)
        title, size = self.fit_title(section.title, areas.title, SECTION_TITLE, TITLE_FLOOR, max_lines=3)
        part = f"Part {index + 1} of {count}"
        lines, line_size = self.fit_lines([part], areas.body, SUBTITLE_SIZES)
        lead = section.key_points[0] if section.key_points else (sentences(self.section_notes(section))
                                                                 or [""])[0]
        notes = f"{part}: {m.sentence(section.title)} {lead}".strip()
        return SlidePlan("section", title, notes, areas=areas, layout=self.layout("section"),
                         title_size=size, subtitle=tuple(lines), subtitle_size=line_size,
                         section_id=section.id, full_title=section.title)

    def reference_slides(self) -> list[SlidePlan]:
        if not self.brief.references:
            return []
        items = _numbered([r.text for r in self.brief.references])
        notes = "These are the works the brief draws on; the written brief lists them in full."
        return self.bullet_slides("references", "References", items, notes, start=REFERENCE_SIZE)

    # ---- notes ----
    def opening_notes(self) -> str:
        meta = self.brief.meta
        return " ".join(x for x in (meta.title + ".", meta.summary) if x)

    def closing_notes(self) -> str:
        points = [s.key_points[0] for s in self.brief.sections if s.key_points]
        return "To close, the main points again. " + " ".join(m.sentence(p) for p in points)

    def section_notes(self, section: m.Section) -> str:
        """The author's notes, else the section's opening sentences."""
        if section.notes:
            return section.notes
        prose = [plain_text(b.spans, self.brief) for b in section.blocks if isinstance(b, m.Paragraph)]
        return " ".join(sentences(" ".join(prose))[:5])

    @staticmethod
    def with_full_title(notes: str, full: str, shown: str) -> str:
        """Notes that start with the full title when the slide shows a shortened one."""
        if shown == full:
            return notes
        return f"Full title: {full}. {notes}".strip()

    # ---- one section ----
    def section_slides(self, section: m.Section) -> list[SlidePlan]:
        kind = "recommendations" if section.kind == "recommendations" else "points"
        notes = self.section_notes(section)
        slides: list[SlidePlan] = []
        if section.key_points:
            items = (_numbered(section.key_points) if kind == "recommendations"
                     else [Bullet(p) for p in section.key_points])
            slides += self.bullet_slides(kind, section.title, items, notes or section.title, section.id)
        for block in _figure_blocks(section.blocks):
            slides.append(self.figure_slide(self.brief.figure(block.figure_id), section))
        if not slides:
            lead = sentences(notes)[:1]
            slides += self.bullet_slides("points", section.title, [Bullet(s) for s in lead],
                                         notes or section.title, section.id)
        return slides

    def figure_slide(self, figure: m.Figure, section: m.Section) -> SlidePlan:
        areas = self.areas("figure")
        title, size = self.fit_title(figure.title, areas.title, self.title_size, TITLE_FLOOR)
        caption, caption_size = self.fit_one_line(f"{figure.label}. Source: {figure.source}",
                                                  areas.caption, CAPTION_SIZES)
        chart = None
        if KINDS[figure.kind].native:
            chart = ChartData(figure.kind, tuple(figure.categories),
                              tuple((s.name, tuple(s.values)) for s in figure.series))
        return SlidePlan("figure", title, self.with_full_title(figure_notes(figure), figure.title, title),
                         areas=areas, layout=self.layout("figure"), title_size=size,
                         figure_id=figure.id, chart=chart, caption=caption,
                         caption_size=caption_size, section_id=section.id, full_title=figure.title)

    # ---- bullet slides and continuations ----
    def bullet_slides(self, kind: str, title: str, items: list[Bullet] | list[str], notes: str,
                      section_id: str = "", start: float | None = None) -> list[SlidePlan]:
        items = [b if isinstance(b, Bullet) else Bullet(b) for b in items]
        areas = self.areas(kind)
        numbered = any(b.number for b in items)
        pages, size, indent = self.paginate(items, areas.body, self.body_sizes(start))
        slides = []
        for index, page in enumerate(pages):
            shown, title_size = self.fit_title(title, areas.title, self.title_size, TITLE_FLOOR,
                                               suffix=CONTINUED if index else "")
            if index == 0:
                page_notes = self.with_full_title(notes, title, shown)
            else:
                page_notes = continuation_notes(title, page)
            slides.append(SlidePlan(kind, shown, page_notes, areas=areas, layout=self.layout(kind),
                                    title_size=title_size, bullets=tuple(page), body_size=size,
                                    indent=indent, numbered=numbered, section_id=section_id,
                                    full_title=title))
        return slides

    def indent_for(self, items: list[Bullet], size: float) -> float:
        """The hanging indent: room for the widest marker ("•" or "12.") and a gap."""
        markers = [f"{b.number}." for b in items if b.number] or ["•"]
        widest = max(self.fonts.width(marker, size) for marker in markers)
        return max(BULLET_INDENT, widest + 0.4 * size)

    def measure_width(self, box: Box, indent: float) -> float:
        return (box.inner_w - indent) * SLACK

    def height(self, items: list[Bullet], size: float, width: float) -> float:
        lines = 0.0
        for item in items:
            lines += lines_height(wrap(item.text, self.fonts, size, width), self.fonts, size,
                                  spacing=LINE_SPACING)
        return lines + max(len(items) - 1, 0) * size * SPACE_AFTER

    def paginate(self, items: list[Bullet], box: Box, sizes: list[float]
                 ) -> tuple[list[list[Bullet]], float, float]:
        """Pages of bullets, their common size and indent: one page at the largest size that fits;
        else the fewest pages (found at the smallest size) at the largest size that keeps them."""
        if not items:
            return [[]], sizes[0], BULLET_INDENT
        for size in sizes:
            indent = self.indent_for(items, size)
            if self.height(items, size, self.measure_width(box, indent)) <= box.inner_h:
                return [items], size, indent
        fewest = len(self.pages(items, box, sizes[-1]))
        for size in sizes:
            pages = self.pages(items, box, size)
            if len(pages) <= fewest:
                return pages, size, self.indent_for(items, size)
        raise AssertionError("unreachable: the smallest size always qualifies")

    def pages(self, items: list[Bullet], box: Box, size: float) -> list[list[Bullet]]:
        """Items split into pieces that each fit an empty slide, packed into balanced pages."""
        indent = self.indent_for(items, size)
        width = self.measure_width(box, indent)
        pieces = [piece for item in items for piece in self.split_item(item, size, width, box)]
        limit = self.balanced_limit(pieces, size, width, box.inner_h)
        return [_merge_pieces(page) for page in self.pack(pieces, size, width, limit)]

    def pack(self, pieces: list[Bullet], size: float, width: float, limit: float) -> list[list[Bullet]]:
        """Greedy packing: a page takes pieces while they fit in ``limit`` points."""
        pages: list[list[Bullet]] = [[]]
        for piece in pieces:
            if pages[-1] and self.height(_merge_pieces(pages[-1] + [piece]), size, width) > limit:
                pages.append([])
            pages[-1].append(piece)
        return pages

    def balanced_limit(self, pieces: list[Bullet], size: float, width: float, room: float) -> float:
        """The least page height that needs no more pages than filling each page to ``room``:
        pages then come out even, with no lone bullet on the last one."""
        count = len(self.pack(pieces, size, width, room))
        low = max(self.height([p], size, width) for p in pieces)
        high = room
        for _ in range(12):
            middle = (low + high) / 2
            if len(self.pack(pieces, size, width, middle)) <= count:
                high = middle
            else:
                low = middle
        return high

    def split_item(self, item: Bullet, size: float, width: float, box: Box) -> list[Bullet]:
        """An item too tall for an empty slide, cut at sentence ends, else between words; the
        pieces keep every character, so joined again they give the item."""
        if self.height([item], size, width) <= box.inner_h:
            return [item]

        def fits(text: str) -> bool:
            return self.height([Bullet(text.strip())], size, width) <= box.inner_h

        raw: list[str] = []
        for sentence in sentence_pieces(item.text):
            if raw and fits(raw[-1] + sentence):
                raw[-1] += sentence
            elif fits(sentence):
                raw.append(sentence)
            else:
                raw += self.split_words(sentence, size, width, box)
        return [Bullet(text.strip(), item.number if index == 0 else 0, item.continued or index > 0)
                for index, text in enumerate(raw) if text.strip()]

    def split_words(self, text: str, size: float, width: float, box: Box) -> list[str]:
        """A sentence too tall for a slide, cut into runs of whole lines that each fit. The
        sentence is wrapped once and each run takes lines while they fit, so the work grows with
        the sentence's length (a paragraph-long sentence gives a run per slide, not a search)."""
        lines = wrap_raw(text, self.fonts, size, width)
        runs: list[str] = []
        start = 0
        while start < len(lines):
            end = self.lines_that_fit(lines, start, size, box.inner_h)
            while end - start > 1 and self.height([Bullet("".join(lines[start:end]).strip())],
                                                  size, width) > box.inner_h:
                end -= 1  # the run wrapped afresh as a bullet of its own must fit as well
            runs.append("".join(lines[start:end]))
            start = end
        return runs

    def lines_that_fit(self, lines: list[str], start: int, size: float, room: float) -> int:
        """The end of the longest run of ``lines`` from ``start`` (one line at least) whose
        height fits in ``room`` points."""
        end, height = start, 0.0
        while end < len(lines):
            height += lines_height([lines[end].rstrip()], self.fonts, size, spacing=LINE_SPACING)
            if height > room and end > start:
                break
            end += 1
        return end

    # ---- titles and single lines ----
    def fit_title(self, text: str, box: Box, largest: float, floor: float, max_lines: int = 2,
                  suffix: str = "") -> tuple[str, float]:
        """The largest size (down to ``floor``, in 2 pt steps) at which ``text + suffix`` fits
        ``box`` in ``max_lines`` lines; else ``text`` shortened with "…" at the floor size."""
        size = largest
        while size >= floor:
            if self.title_fits(text + suffix, box, size, max_lines):
                return text + suffix, size
            size -= 2
        short = shorten(text, lambda t: self.title_fits(t + suffix, box, floor, max_lines))
        return short + suffix, floor

    def title_fits(self, text: str, box: Box, size: float, max_lines: int) -> bool:
        lines = wrap(text, self.fonts, size, box.inner_w * SLACK, bold=True)
        return (len(lines) <= max_lines
                and lines_height(lines, self.fonts, size, bold=True, spacing=LINE_SPACING) <= box.inner_h)

    def fit_lines(self, lines: list[str], box: Box, sizes: tuple[float, ...]) -> tuple[list[str], float]:
        """Paragraphs (cover lines) at the largest size that fits; else the first is shortened."""
        for size in sizes:
            if self.lines_fit(lines, box, size):
                return lines, size
        if not lines:
            return lines, sizes[-1]
        rest = lines[1:]
        first = shorten(lines[0], lambda t: self.lines_fit([t] + rest, box, sizes[-1]))
        kept = [first] + rest
        while not self.lines_fit(kept, box, sizes[-1]) and len(kept) > 1:
            kept.pop()
        return kept, sizes[-1]

    def lines_fit(self, lines: list[str], box: Box, size: float) -> bool:
        width = box.inner_w * SLACK
        wrapped = [line for text in lines for line in wrap(text, self.fonts, size, width)]
        return lines_height(wrapped, self.fonts, size, spacing=LINE_SPACING) <= box.inner_h

    def fit_one_line(self, text: str, box: Box, sizes: tuple[float, ...]) -> tuple[str, float]:
        """``text`` on one line of ``box``: shrunk, else shortened with "…"."""
        def fits(candidate: str, size: float) -> bool:
            width = box.inner_w * SLACK
            return (len(wrap(candidate, self.fonts, size, width)) == 1
                    and self.fonts.line_height(candidate, size) <= box.inner_h)

        for size in sizes:
            if fits(text, size):
                return text, size
        return shorten(text, lambda t: fits(t, sizes[-1])), sizes[-1]

    def fit_footer(self) -> tuple[str, float]:
        meta = self.brief.meta
        mark = meta.distribution
        for size in FOOTER_SIZES:
            text = " · ".join(x for x in (meta.short_title, mark) if x)
            if self.footer_fits(text, size):
                return text, size
        size = FOOTER_SIZES[-1]
        if mark and self.footer_fits(mark, size):  # the marking is never cut
            title = shorten(meta.short_title, lambda t: self.footer_fits(f"{t} · {mark}", size))
            return (f"{title} · {mark}" if title.strip(ELLIPSIS) else mark), size
        return shorten(mark or meta.short_title, lambda t: self.footer_fits(t, size)), size

    def footer_fits(self, text: str, size: float) -> bool:
        box = self.geometry.footer
        return (len(wrap(text, self.fonts, size, box.inner_w * SLACK)) == 1
                and self.fonts.line_height(text, size) <= box.inner_h)


# ---- text helpers ------------------------------------------------------------------------------

def shorten(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of ``text`` ending at a word (or CJK character) boundary that, with
    "…", still ``fits``; a single word is cut between characters as a last resort."""
    parts = tokens(text)
    if len(parts) <= 1:
        parts = list(text)
    low, high = 0, len(parts)
    while low < high:  # the largest n for which the first n parts fit
        middle = (low + high + 1) // 2
        if fits(_cut(parts, middle)):
            low = middle
        else:
            high = middle - 1
    if low == 0 and len(parts) > 1 and len(tokens(text)) > 1:
        return shorten(parts[0], fits)
    return _cut(parts, low)


def _cut(parts: list[str], count: int) -> str:
    return "".join(parts[:count]).rstrip().rstrip(",;:—–-·") + ELLIPSIS


def _merge_pieces(page: list[Bullet]) -> list[Bullet]:
    """Consecutive pieces of one item on the same page become one paragraph again."""
    merged: list[Bullet] = []
    for piece in page:
        if merged and piece.continued:
            joiner = "" if has_cjk(merged[-1].text[-1:]) and has_cjk(piece.text[:1]) else " "
            merged[-1] = dataclasses.replace(merged[-1], text=merged[-1].text + joiner + piece.text)
        else:
            merged.append(piece)
    return merged


def _numbered(texts) -> list[Bullet]:
    return [Bullet(text, number=index) for index, text in enumerate(texts, start=1)]


def continuation_notes(title: str, page: list[Bullet]) -> str:
    """Notes for a continuation slide: where we are, and what the slide says, to be read out."""
    said = " ".join(m.sentence(b.text) for b in page)
    return f"Continuing {title}. {said}".strip()


def figure_notes(figure: m.Figure) -> str:
    """What a speaker says over a figure: its point, its numbers in words, and its source."""
    parts = [m.sentence(figure.caption) if figure.caption else m.sentence(figure.title)]
    parts.append(data_sentence(figure))
    parts.append(f"Source: {m.sentence(figure.source)}")
    return " ".join(p for p in parts if p)


def data_sentence(figure: m.Figure) -> str:
    """The figure's numbers read out: events by year, or each series' values by category."""
    if KINDS[figure.kind].data == EVENTS:
        return " ".join(f"{e.year}: {m.sentence(e.label)}" for e in sorted(figure.events, key=lambda e: e.year))
    units = f" {figure.units}" if figure.units else ""
    said = []
    for series in figure.series:
        lead = f"{series.name}: " if len(figure.series) > 1 and series.name else ""
        pairs = list(zip(figure.categories, series.values))
        if len(pairs) > DATA_SENTENCE_LIMIT:
            low, high = min(series.values), max(series.values)
            said.append(f"{lead}{len(pairs)} values from {_number(low)} to {_number(high)}{units}.")
        else:
            said.append(lead + "; ".join(f"{c}: {_number(v)}{units}" for c, v in pairs) + ".")
    return " ".join(said)


def _number(value: float) -> str:
    return format_number(value)


def _figure_blocks(blocks):
    return (block for block in m.walk(blocks) if isinstance(block, m.FigureBlock))


