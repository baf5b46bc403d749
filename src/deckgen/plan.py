"""Plan the deck as pure data: which slides, in which named layout, with which (fitted) text.

Text is measured with real font metrics here, before anything is drawn: bullets that do not fit
at the body size shrink, never below the theme's minimum, and what still does not fit moves to a
continuation slide ("… (cont.)"), split at bullet, then sentence, then word boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import model as m
from .markdown import plain_text
from .textfit import Fonts, sentences, text_height, wrap
from .theme import Theme

# Slide geometry in points (16:9, 13.333 in x 7.5 in).
SLIDE_W, SLIDE_H = 960.0, 540.0
INSET = 7.2        # text frame inner margin on every side
BULLET_INDENT = 24.0
LINE_SPACING = 1.22  # line height as a multiple of the font size (Calibri/Carlito)
SPACE_AFTER = 0.45   # paragraph gap as a multiple of the font size
SLACK = 0.94         # keep a margin for rounding between renderers


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


TITLE_BOX = Box(43, 28, 874, 82)
BODY_BOX = Box(43, 122, 874, 350)
FIGURE_BOX = Box(43, 118, 874, 330)
CAPTION_BOX = Box(43, 452, 874, 40)
FOOTER_Y = 506.0

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


@dataclass(frozen=True)
class SlidePlan:
    kind: str
    title: str
    notes: str
    title_size: float = 32
    subtitle: str = ""
    bullets: tuple[str, ...] = ()
    body_size: float = 24
    numbered: bool = False
    figure_id: str = ""
    native_chart: bool = False
    caption: str = ""
    section_id: str = ""
    full_title: str = ""
    layout: str = field(default="")

    def __post_init__(self):
        if not self.layout:
            object.__setattr__(self, "layout", LAYOUTS[self.kind])


def plan_slides(brief: m.Brief, theme: Theme) -> list[SlidePlan]:
    """The whole deck as a list of slide plans."""
    planner = _Planner(brief, theme)
    return planner.plan()


class _Planner:
    def __init__(self, brief: m.Brief, theme: Theme):
        self.brief = brief
        self.fonts = Fonts(theme.fonts["deck_metrics"], theme.fonts["deck_cjk"])
        self.body = float(theme.sizes["deck_body"])
        self.min_body = float(theme.sizes["deck_min_body"])
        self.title_size = float(theme.sizes["deck_title"])

    def plan(self) -> list[SlidePlan]:
        meta = self.brief.meta
        slides = [SlidePlan("title", meta.title, "", title_size=40, subtitle=meta.subtitle,
                            full_title=meta.title)]
        slides += self.bullet_slides("agenda", "Agenda", [s.title for s in self.brief.sections],
                                     notes=self.agenda_notes(), numbered=True)
        for section in self.brief.sections:
            slides += self.section_slides(section)
        if self.brief.references:
            slides += self.bullet_slides("references", "References",
                                         [reference_text(r) for r in self.brief.references],
                                         notes="These are the works the brief draws on; "
                                               "the written brief lists them in full.",
                                         numbered=True, size=self.min_body)
        slides.append(SlidePlan("closing", "Questions and discussion",
                                self.closing_notes(), title_size=40,
                                subtitle=" · ".join(x for x in (meta.organisation, meta.distribution) if x)))
        return slides

    # ---- notes ----
    def agenda_notes(self) -> str:
        titles = [s.title for s in self.brief.sections]
        return (f"This briefing covers {len(titles)} parts: " + "; ".join(titles) + ". "
                + (self.brief.meta.summary or ""))

    def closing_notes(self) -> str:
        points = [s.key_points[0] for s in self.brief.sections if s.key_points]
        return "To close, the main points again. " + " ".join(points)

    def section_notes(self, section: m.Section) -> str:
        if section.notes:
            return section.notes
        prose = [plain_text(b.spans, self.brief) for b in section.blocks if isinstance(b, m.Paragraph)]
        return " ".join(sentences(" ".join(prose))[:5])

    # ---- slides for one section ----
    def section_slides(self, section: m.Section) -> list[SlidePlan]:
        figures = [self.brief.figure(b.figure_id) for b in _figure_blocks(section.blocks)]
        kind = "recommendations" if section.kind == "recommendations" else "points"
        notes = self.section_notes(section)
        slides: list[SlidePlan] = []
        if section.key_points:
            slides += self.bullet_slides(kind, section.title, list(section.key_points), notes,
                                         numbered=kind == "recommendations", section_id=section.id)
        for figure in figures:
            slides.append(self.figure_slide(figure, section))
        if not slides:
            slides += self.bullet_slides("points", section.title, [sentences(notes)[0]] if notes else [],
                                         notes or section.title, section_id=section.id)
        return slides

    def figure_slide(self, figure: m.Figure, section: m.Section) -> SlidePlan:
        title, size = self.fit_title(figure.title)
        notes = " ".join(x for x in (figure.caption, figure.alt, f"Source: {figure.source}.") if x)
        return SlidePlan("figure", title, notes, title_size=size, figure_id=figure.id,
                         native_chart=figure.kind in m.CHART_KINDS,
                         caption=f"{figure.label}. Source: {figure.source}",
                         section_id=section.id, full_title=figure.title)

    # ---- fitting ----
    def fit_title(self, text: str) -> tuple[str, float]:
        """The largest title size (down to 24 pt) that fits in two lines; else a shortened title."""
        width = (TITLE_BOX.w - 2 * INSET) * SLACK
        for size in range(int(self.title_size), 23, -2):
            lines = wrap(text, self.fonts, size, width, bold=True)
            if len(lines) * size * LINE_SPACING <= TITLE_BOX.h - 2 * INSET and len(lines) <= 2:
                return text, float(size)
        lines = wrap(text, self.fonts, 24, width, bold=True)
        short = " ".join(lines[:2])
        while short and len(wrap(short + " …", self.fonts, 24, width, bold=True)) > 2:
            short = short.rsplit(" ", 1)[0] if " " in short else short[:-1]
        return short.rstrip(" ,;:—–-") + " …", 24.0

    def bullet_slides(self, kind: str, title: str, bullets: list[str], notes: str,
                      numbered: bool = False, section_id: str = "", size: float | None = None
                      ) -> list[SlidePlan]:
        title_text, title_size = self.fit_title(title)
        chunks = self.paginate(bullets, numbered, size)
        slides = []
        for index, (chunk, chunk_size) in enumerate(chunks):
            if index == 0:
                slide_title, slide_notes = title_text, notes
            else:
                slide_title, _ = self.fit_title(f"{title_text.rstrip(' …')} (cont.)")
                slide_notes = "Continuing. " + " ".join(chunk)
            slides.append(SlidePlan(kind, slide_title, slide_notes, title_size=title_size,
                                    bullets=tuple(chunk), body_size=chunk_size, numbered=numbered,
                                    section_id=section_id, full_title=title))
        return slides

    def body_width(self) -> float:
        return (BODY_BOX.w - 2 * INSET - BULLET_INDENT) * SLACK

    def fits(self, bullets: list[str], size: float) -> bool:
        height = text_height(bullets, self.fonts, size, self.body_width(), LINE_SPACING, SPACE_AFTER)
        return height <= BODY_BOX.h - 2 * INSET

    def paginate(self, bullets: list[str], numbered: bool, size: float | None
                 ) -> list[tuple[list[str], float]]:
        """Group bullets into slides; each slide gets the largest size at which its bullets fit."""
        sizes = [size] if size else [s for s in (self.body, 22.0, 20.0, self.min_body) if s <= self.body]
        if not bullets:
            return [([], sizes[0])]
        for candidate in sizes:
            if self.fits(bullets, candidate):
                return [(bullets, candidate)]
        smallest = sizes[-1]
        pieces = [piece for b in bullets for piece in self.split_long(b, smallest)]
        pages: list[list[str]] = [[]]
        for piece in pieces:
            if pages[-1] and not self.fits(pages[-1] + [piece], smallest):
                pages.append([])
            pages[-1].append(piece)
        return [(page, next((s for s in sizes if self.fits(page, s)), smallest)) for page in pages]

    def split_long(self, bullet: str, size: float) -> list[str]:
        """A bullet too tall for an empty slide, split at sentences, then at words."""
        if self.fits([bullet], size):
            return [bullet]
        parts: list[str] = []
        for sentence in sentences(bullet) or [bullet]:
            if parts and self.fits([parts[-1] + " " + sentence], size):
                parts[-1] += " " + sentence
            elif self.fits([sentence], size):
                parts.append(sentence)
            else:
                parts += self.split_words(sentence, size)
        return parts

    def split_words(self, text: str, size: float) -> list[str]:
        lines = wrap(text, self.fonts, size, self.body_width())
        per_slide = max(int((BODY_BOX.h - 2 * INSET) // (size * LINE_SPACING)) - 1, 1)
        return ["".join(lines[i:i + per_slide]) if _is_cjk_text(text) else
                " ".join(lines[i:i + per_slide]) for i in range(0, len(lines), per_slide)]


def _is_cjk_text(text: str) -> bool:
    return " " not in text.strip()


def _figure_blocks(blocks):
    for block in blocks:
        if isinstance(block, m.FigureBlock):
            yield block
        elif isinstance(block, m.ListBlock):
            for item in block.items:
                yield from _figure_blocks(item)
        elif isinstance(block, m.Quote):
            yield from _figure_blocks(block.blocks)


def reference_text(ref: m.Reference) -> str:
    parts = [f"{ref.author}. {ref.title}."]
    if ref.publisher or ref.year:
        parts.append(", ".join(str(x) for x in (ref.publisher, ref.year) if x) + ".")
    return " ".join(parts)
