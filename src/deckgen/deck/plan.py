"""Plan the deck as pure data: which slides, in which named layout, with which fitted text.

``plan_deck(brief, theme, geometry)`` returns a :class:`~deckgen.deck.slides.DeckPlan`: one
slide of its kind's dataclass per slide (:mod:`deckgen.deck.slides`), and the file's
properties, so that the writer reads nothing but the plan. Every text a slide shows is fitted
here (:mod:`deckgen.deck.fit`) against the box it will be written into, and every slide after
the title gets its speaker notes (:mod:`deckgen.deck.notes`).

The boxes come from a :class:`~deckgen.deck.geometry.Geometry`: the default drawing (16:9, the
theme's colours) or the placeholders of a reference template's named layouts (see
:func:`deckgen.deck.template.deck_geometry`).

The deck shows the brief's deck sections (:attr:`~deckgen.model.Brief.deck_sections`: not the
appendices, unless one says ``deck: true``); the agenda's notes name the appendices it leaves
to the written brief. A section's numbered tables and the callouts marked for the deck get
slides of their own, and a section without key points shows what it has
(:mod:`deckgen.deck.blocks`); what no slide shows (an unnumbered table, an unmarked callout) is
said in the notes of the section's first slide, so that nothing leaves the deck unsaid.
"""

from __future__ import annotations

import dataclasses
import re

from .. import model as m
from ..figures.kinds import KINDS
from ..i18n.scripts import complex_font
from ..load.markdown import plain_text
from ..theme import Theme
from . import notes
from .blocks import BlockPlanner, is_callout_shown, is_table_shown, people_line, people_notes
from .fit import Fitter, sentences
from .geometry import (
    CAPTION_SIZES,
    COVER_TITLE,
    REFERENCE_SIZE,
    SECTION_TITLE,
    SUBTITLE_SIZES,
    TITLE_FLOOR,
    Geometry,
)
from .slides import (
    SLIDE_KINDS,
    AgendaSlide,
    Bullet,
    BulletSlide,
    ChartData,
    ClosingSlide,
    CoverSlide,
    DeckPlan,
    DeckProperties,
    FigureSlide,
    PointsSlide,
    RecommendationsSlide,
    ReferencesSlide,
    SectionSlide,
    Slide,
    TitleSlide,
    default_geometry,
)
from .textfit import Fonts

CONTINUED = " (cont.)"  # in English; a continued title reads the brief's catalogue's "continued"


def plan_deck(brief: m.Brief, theme: Theme, geometry: Geometry | None = None) -> DeckPlan:
    """The whole deck, fitted to ``geometry`` (default: the 16:9 drawing)."""
    return deck_plan(brief, plan_slides(brief, theme, geometry))


def plan_slides(brief: m.Brief, theme: Theme, geometry: Geometry | None = None) -> list[Slide]:
    """The deck's slides, in order, fitted to ``geometry`` (default: the 16:9 drawing)."""
    return _Planner(brief, theme, geometry or default_geometry(theme)).plan()


def deck_plan(brief: m.Brief, slides: list[Slide]) -> DeckPlan:
    """``slides`` with the file's properties, taken from the brief's metadata."""
    meta = brief.meta
    properties = DeckProperties(title=meta.title, subject=meta.subtitle,
                                author=", ".join(a.name for a in meta.authors),
                                keywords=", ".join(meta.keywords), language=meta.language,
                                date=meta.date)
    return DeckPlan(tuple(slides), properties)


def chart_data(figure: m.Figure) -> ChartData | None:
    """The numbers of ``figure``'s native chart; None for a kind drawn as a picture."""
    if not KINDS[figure.kind].native:
        return None
    return ChartData(figure.kind, tuple(figure.categories),
                     tuple((s.name, tuple(s.values)) for s in figure.series), tuple(figure.x_values),
                     tuple(s.colour for s in figure.series), figure.options)


class _Planner:
    def __init__(self, brief: m.Brief, theme: Theme, geometry: Geometry):
        self.left_out = [s for s in brief.sections if not s.in_deck]
        self.brief = dataclasses.replace(brief, sections=brief.deck_sections)
        fonts = Fonts(geometry.font_metrics or theme.fonts["deck_metrics"], theme.fonts["deck_cjk"],
                      complex=complex_font(theme.fonts, brief.meta.language))
        self.fit = Fitter(fonts, float(theme.sizes["deck_body"]), float(theme.sizes["deck_min_body"]))
        meta = brief.meta
        self.geometry = self.fit.for_script(geometry, f"{meta.title} {meta.short_title} {meta.distribution}")
        self.title_size = float(theme.sizes["deck_title"])
        self.dividers = str(theme.deck.get("section_dividers", "auto")).lower()
        self.blocks = BlockPlanner(self.brief, self.fit, self.where, self.title_size)
        self.words = brief.words  # the fixed words of the brief's language

    def where(self, kind: str) -> dict:
        """The areas and layout name of ``kind``'s slides."""
        return {"areas": self.geometry.areas[kind], "layout": self.geometry.layouts[kind]}

    # ---- the deck ----
    def plan(self) -> list[Slide]:
        slides: list[Slide] = [self.title_slide()]
        slides += self.agenda_slides()
        groups = [self.section_slides(s) for s in self.brief.sections]
        if self.wants_dividers(groups):
            groups = [[self.divider(s, i)] + g for i, (s, g) in enumerate(zip(self.brief.sections, groups))]
        slides += [slide for group in groups for slide in group]
        slides += self.reference_slides()
        slides.append(self.closing_slide())
        return self.number(slides)

    def wants_dividers(self, groups: list[list[Slide]]) -> bool:
        """``always``, ``never``, or ``auto``: when sections take two or more slides on average
        (with fewer, the agenda and the slide titles already tell the audience where they are)."""
        if self.dividers in ("always", "true", "yes"):
            return True
        if self.dividers in ("never", "false", "no"):
            return False
        return len(groups) > 1 and sum(len(g) for g in groups) >= 2 * len(groups)

    def number(self, slides: list[Slide]) -> list[Slide]:
        """Slide numbers, and the fitted footer on every slide whose kind carries it."""
        meta = self.brief.meta
        footer, size = self.fit.fit_footer(meta.short_title, meta.distribution, self.geometry.footer)
        boxes = {"footer": footer, "footer_size": size, "footer_box": self.geometry.footer,
                 "number_box": self.geometry.number}
        return [dataclasses.replace(slide, number=index, **boxes)
                if SLIDE_KINDS[slide.kind].footer else dataclasses.replace(slide, number=index)
                for index, slide in enumerate(slides, start=1)]

    # ---- covers and dividers ----
    def title_slide(self) -> CoverSlide:
        meta = self.brief.meta
        people = people_line(self.fit, meta.authors, self.where(TitleSlide.kind)["areas"].body)
        lines = [meta.subtitle, people,
                 " · ".join(x for x in (meta.organisation, m.long_date(meta.date, meta.language)) if x),
                 meta.distribution]
        return self.cover(TitleSlide, meta.title, [line for line in lines if line],
                          " ".join(x for x in (notes.opening_notes(meta), people_notes(meta.authors, self.words)) if x))

    def closing_slide(self) -> CoverSlide:
        meta = self.brief.meta
        line = " · ".join(x for x in (meta.organisation, meta.distribution) if x)
        return self.cover(ClosingSlide, self.words["closing"], [line] if line else [],
                          notes.closing_notes(self.brief))

    def cover(self, cls: type[CoverSlide], title: str, lines: list[str], said: str) -> CoverSlide:
        where = self.where(cls.kind)
        text, size = self.fit.fit_title(title, where["areas"].title, COVER_TITLE,
                                        SLIDE_KINDS[cls.kind].title_floor, max_lines=3)
        lines, line_size = self.fit.fit_lines(lines, where["areas"].body, SUBTITLE_SIZES)
        return cls(text, notes.with_full_title(said, title, text, self.words), title_size=size,
                   subtitle=tuple(lines), subtitle_size=line_size, full_title=title, **where)

    def divider(self, section: m.Section, index: int) -> SectionSlide:
        where = self.where(SectionSlide.kind)
        title, size = self.fit.fit_title(section.title, where["areas"].title, SECTION_TITLE,
                                         SLIDE_KINDS[SectionSlide.kind].title_floor, max_lines=3)
        part = self.words("part", n=index + 1, total=len(self.brief.sections))
        lines, line_size = self.fit.fit_lines([part], where["areas"].body, SUBTITLE_SIZES)
        return SectionSlide(title, notes.divider_notes(self.brief, section, part), title_size=size,
                            subtitle=tuple(lines), subtitle_size=line_size, section_id=section.id,
                            full_title=section.title, **where)

    # ---- lists ----
    def agenda_slides(self) -> list[BulletSlide]:
        items = _numbered(s.title for s in self.brief.sections)
        said = notes.agenda_notes(self.brief)
        if self.left_out:
            said += " " + _one_stop(self.words("notes_left_out", items=self.words["list_separator"].join(
                f"{s.label}, {s.title}" for s in self.left_out)))
        return self.bullet_slides(AgendaSlide, self.words["agenda"], items, said)

    def reference_slides(self) -> list[BulletSlide]:
        if not self.brief.references:
            return []
        items = _numbered(r.text for r in self.brief.references)
        return self.bullet_slides(ReferencesSlide, self.words["references"], items,
                                  notes.reference_notes(self.brief),
                                  start=REFERENCE_SIZE)

    # ---- one section ----
    def section_slides(self, section: m.Section) -> list[Slide]:
        recommendations = section.kind == "recommendations"
        said = " ".join(x for x in (notes.section_notes(self.brief, section),
                                     _brief_only(self.brief, section)) if x)
        slides: list[Slide] = []
        if section.key_points:
            items = (_numbered(section.key_points) if recommendations
                     else [Bullet(p) for p in section.key_points])
            cls = RecommendationsSlide if recommendations else PointsSlide
            slides += self.bullet_slides(cls, section.title, items, said or section.title, section.id)
        for block in m.walk(section.blocks):
            if isinstance(block, m.FigureBlock):
                slides.append(self.figure_slide(self.brief.figure(block.figure_id), section))
            elif is_table_shown(block):
                slides += self.blocks.table_slides(block, section)
            elif is_callout_shown(block):
                slides += self.blocks.callout_slides(block, section)
        if not slides:  # no key points, figures, tables or callouts: the opening, if any
            lead = self.blocks.summary_items(section)
            if lead:
                slides += self.bullet_slides(PointsSlide, section.title, lead,
                                             said or section.title, section.id)
        return slides

    def figure_slide(self, figure: m.Figure, section: m.Section) -> FigureSlide:
        where = self.where(FigureSlide.kind)
        areas = where["areas"]
        title, size = self.fit.fit_title(figure.title, areas.title, self.title_size, TITLE_FLOOR)
        words = self.words
        caption, caption_size = self.fit.fit_one_line(
            f"{words('caption_label', label=figure.label)} {words('source', source=figure.source)}",
            areas.caption, CAPTION_SIZES)
        return FigureSlide(title, notes.with_full_title(notes.figure_notes(figure), figure.title, title, words),
                           title_size=size, figure_id=figure.id, chart=chart_data(figure),
                           caption=caption, caption_size=caption_size, section_id=section.id,
                           full_title=figure.title, label=figure.label, alt=figure.alt,
                           units=figure.units, **where)

    def bullet_slides(self, cls: type[BulletSlide], title: str, items: list[Bullet], said: str,
                      section_id: str = "", start: float | None = None) -> list[BulletSlide]:
        """``items`` under ``title``, on as many slides as they need: the first says ``said``,
        each continuation what it shows."""
        where = self.where(cls.kind)
        areas = where["areas"]
        numbered = any(b.number for b in items)
        pages, size, indent = self.fit.paginate(items, areas.body, self.fit.body_sizes(start))
        slides = []
        for index, page in enumerate(pages):
            shown, title_size = self.fit.fit_title(title, areas.title, self.title_size, TITLE_FLOOR,
                                                   suffix=self.words["continued"] if index else "")
            page_notes = (notes.with_full_title(said, title, shown, self.words) if index == 0
                          else notes.continuation_notes(title, page, self.words))
            slides.append(cls(shown, page_notes, title_size=title_size, bullets=tuple(page),
                              body_size=size, indent=indent, numbered=numbered,
                              section_id=section_id, full_title=title, **where))
        return slides


def _numbered(texts) -> list[Bullet]:
    return [Bullet(text, number=index) for index, text in enumerate(texts, start=1)]


CALLOUT_SAID = 2  # sentences of a callout read out in the notes


def _brief_only(brief: m.Brief, section: m.Section) -> str:
    """A sentence for the notes naming what in ``section`` no slide shows: its unnumbered
    tables and the callouts not marked for the deck (by title, with their opening sentences)."""
    said, words = [], brief.words
    for block in m.walk(section.blocks):
        if is_table_shown(block) or is_callout_shown(block):
            continue  # on slides of their own
        if isinstance(block, m.Table):
            said.append(words["notes_table"])
        elif isinstance(block, m.Callout):
            text = " ".join(plain_text(b.spans, brief) for b in m.walk(block.blocks)
                            if isinstance(b, m.Paragraph))
            lead = " ".join(sentences(text)[:CALLOUT_SAID])
            said.append(words("notes_box_lead", title=block.heading, lead=lead) if lead
                        else words("notes_box", title=block.heading))
    if not said:
        return ""
    return m.sentence(_one_stop(words("notes_brief_only", items=words["list_separator"].join(said))))


def _one_stop(text: str) -> str:
    """``text`` without the full stop a label adds after a sentence mark of its own ("fact.")."""
    return re.sub(r"([.!?…。！？])[.。]$", r"\1", text)


