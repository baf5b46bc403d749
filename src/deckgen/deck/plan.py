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
from ..i18n.scripts import complex_font, is_rtl
from ..load.markdown import plain_text
from ..theme import Theme
from . import notes
from .blocks import (
    POINTS_BESIDE_FLOOR,
    BlockPlanner,
    is_callout_shown,
    is_table_shown,
    people_line,
    people_notes,
)
from .density import density_of
from .fit import Fitter, sentences
from .geometry import (
    CAPTION_SIZES,
    COVER_TITLE,
    REFERENCE_SIZE,
    SECTION_TITLE,
    SUBTITLE_SIZES,
    TITLE_FLOOR,
    Areas,
    Box,
    Geometry,
)
from .mirror import mirror_geometry
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
from .story import StoryPlanner, figure_message, logo_box
from .textfit import Fonts


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
    return DeckPlan(tuple(slides), properties, meta.logo.data if meta.logo else b"")


def chart_data(figure: m.Figure) -> ChartData | None:
    """The numbers of ``figure``'s native chart; None for a kind drawn as a picture."""
    if not KINDS[figure.kind].native:
        return None
    other = figure.labels["other"] if figure.labels and KINDS[figure.kind].chart_style == "pie" else ""
    return ChartData(figure.kind, tuple(figure.categories),
                     tuple((s.name, tuple(s.values)) for s in figure.series), tuple(figure.x_values),
                     tuple(s.colour for s in figure.series), figure.options, other)


class _Planner:
    def __init__(self, brief: m.Brief, theme: Theme, geometry: Geometry):
        self.left_out = [s for s in brief.sections if not s.in_deck]
        self.brief = dataclasses.replace(brief, sections=brief.deck_sections)
        fonts = Fonts(geometry.font_metrics or theme.fonts["deck_metrics"], theme.fonts["deck_cjk"],
                      complex=complex_font(theme.fonts, brief.meta.language))
        self.fit = Fitter(fonts, float(theme.sizes["deck_body"]), float(theme.sizes["deck_min_body"]))
        meta = brief.meta
        self.geometry = self.fit.for_script(geometry, f"{meta.title} {meta.short_title} {meta.distribution}")
        self.rtl = is_rtl(meta.language)
        if self.rtl:  # laid out as the language is read, right to left (where not yet)
            self.geometry = mirror_geometry(self.geometry)
        self.title_size = float(theme.sizes["deck_title"])
        self.dividers = str(theme.deck.get("section_dividers", "auto")).lower()
        self.words = brief.words  # the fixed words of the brief's language
        self.density = density_of(theme)
        self.reveal = (brief.meta.reveal or theme.deck.get("reveal", "none")) == "bullets"
        self.story = StoryPlanner(self.brief, self.fit, self.where, self.title_size, self.density,
                                  self.reveal)
        self.blocks = BlockPlanner(self.brief, self.fit, self.where, self.title_size, self.story)

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
                          self.words.together(notes.opening_notes(meta, self.words),
                                              people_notes(meta.authors, self.words)))

    def closing_slide(self) -> CoverSlide:
        """Questions, with whom to write to (``contact:``) and the organisation and marking."""
        meta = self.brief.meta
        line = " · ".join(x for x in (meta.organisation, meta.distribution) if x)
        contact = meta.contact.lines if meta.contact else ()
        said = notes.closing_notes(self.brief)
        if contact:
            said = self.words.together(said, self.words.sentence(self.words(
                "notes_contact", contact=self.words["list_comma"].join(contact))))
        return self.cover(ClosingSlide, self.words["closing"],
                          [*contact, *([line] if line else [])], said)

    def cover(self, cls: type[CoverSlide], title: str, lines: list[str], said: str) -> CoverSlide:
        where = self.where(cls.kind)
        text, size = self.fit.fit_title(title, where["areas"].title, COVER_TITLE,
                                        SLIDE_KINDS[cls.kind].title_floor, max_lines=3)
        lines, line_size = self.fit.fit_lines(lines, where["areas"].body, SUBTITLE_SIZES)
        logo = logo_box(self.brief.meta.logo, where["areas"], self.geometry.width)
        return cls(text, notes.with_full_title(said, title, text, self.words), title_size=size,
                   subtitle=tuple(lines), subtitle_size=line_size, full_title=title,
                   logo_box=logo, **where)

    def divider(self, section: m.Section, index: int) -> SectionSlide:
        where = self.where(SectionSlide.kind)
        title, size = self.fit.fit_title(section.title, where["areas"].title, SECTION_TITLE,
                                         SLIDE_KINDS[SectionSlide.kind].title_floor, max_lines=3)
        count = len(self.brief.sections)
        part = self.words("part", n=index + 1, total=count)
        lines, line_size = self.fit.fit_lines([f"{index + 1} / {count}"], where["areas"].body,
                                              SUBTITLE_SIZES)
        return SectionSlide(title, notes.divider_notes(self.brief, section, part), title_size=size,
                            subtitle=tuple(lines), subtitle_size=line_size, section_id=section.id,
                            full_title=section.title, progress=(index + 1, count), **where)

    # ---- lists ----
    def agenda_slides(self) -> list[BulletSlide]:
        items = _numbered(s.title for s in self.brief.sections)
        said = notes.agenda_notes(self.brief)
        if self.left_out:
            said = self.words.together(said, _one_stop(self.words("notes_left_out", items=self.words[
                "list_separator"].join(f"{s.label}{self.words['list_comma']}{s.title}" for s in self.left_out))))
        return self.bullet_slides(AgendaSlide, self.words["agenda"], items, said)

    def reference_slides(self) -> list[BulletSlide]:
        if not self.brief.references:
            return []
        # each entry as the brief's style sets it (its own "[1]" in a numeric style), in its order
        items = [Bullet(r.text) for r in self.brief.references]
        bibliography = self.brief.bibliography
        heading = bibliography.heading if bibliography else self.words["references"]
        return self.bullet_slides(ReferencesSlide, heading, items, notes.reference_notes(self.brief),
                                  start=REFERENCE_SIZE)

    # ---- one section ----
    def section_slides(self, section: m.Section) -> list[Slide]:
        recommendations = section.kind == "recommendations"
        said = self.words.together(notes.section_notes(self.brief, section), _brief_only(self.brief, section))
        slides: list[Slide] = []
        paired = self.two_content(section, said)
        under = None if paired is not None or recommendations else self.points_with_callout(section, said)
        if paired is not None:
            slides.append(paired)
        elif under is not None:
            slides.append(under[0])
        elif section.key_points:
            items = (_numbered(section.key_points) if recommendations
                     else [Bullet(p) for p in section.key_points])
            cls = RecommendationsSlide if recommendations else PointsSlide
            slides += self.bullet_slides(cls, section.title, items, said or section.title, section.id,
                                         cited=section if section.point_cites else None,
                                         limits=True)
        slides += self.story.key_figure_slides(section)
        for block in m.walk(section.blocks):
            if isinstance(block, m.FigureBlock):
                if paired is None or block.figure_id != paired.figure_id:
                    slides.append(self.figure_slide(self.brief.figure(block.figure_id), section))
            elif is_table_shown(block):
                slides += self.blocks.table_slides(block, section)
            elif is_callout_shown(block) and (under is None or block is not under[1]):
                slides += self.blocks.callout_slides(block, section)
        if not slides:  # no key points, figures, tables or callouts: the opening, if any
            lead = self.blocks.summary_items(section)
            if lead:
                slides += self.bullet_slides(PointsSlide, section.title, lead,
                                             said or section.title, section.id, limits=True)
        return slides

    def points_with_callout(self, section: m.Section, said: str):
        """(the points slide, the callout): the section's key points on one slide with its first
        callout marked for the deck in a box beneath them, when both fit (the points at
        POINTS_BESIDE_FLOOR or more); None otherwise. The notes read the callout after the points'."""
        callout = next((b for b in m.walk(section.blocks) if is_callout_shown(b)), None)
        if callout is None or not section.key_points or section.point_cites:
            return None
        areas = self.where(PointsSlide.kind)["areas"]
        split = self.blocks.callout_under_points(callout, areas.body)
        if split is None:
            return None
        body, box = split
        items = [Bullet(p) for p in section.key_points]
        pages, size, _ = self.fit.paginate(items, body, self.fit.body_sizes(), self.density)
        if len(pages) != 1 or size < POINTS_BESIDE_FLOOR:
            return None
        words = self.words
        read = words.together(*(words.sentence(text) for text in box.paragraphs))
        said = words.together(said or section.title, words("notes_labelled", label=box.heading, text=read))
        (slide,) = self.bullet_slides(PointsSlide, section.title, items, said, section.id,
                                      limits=True, body=body)
        return dataclasses.replace(slide, callout=box), callout

    def two_content(self, section: m.Section, said: str):
        """One slide of the section's key points beside its single figure, when they fit."""
        placed = [b for b in m.walk(section.blocks) if isinstance(b, m.FigureBlock)]
        if section.kind != "body" or not section.key_points or len(placed) != 1:
            return None
        figure = self.brief.figure(placed[0].figure_id)
        if not KINDS[figure.kind].native:
            return None  # a picture (a timeline's labels) would be too small at half the width
        said = self.words.together(said or section.title, notes.figure_notes(figure))
        return self.story.two_content(section, figure, [Bullet(p) for p in section.key_points],
                                      said, chart_data(figure))

    def figure_slide(self, figure: m.Figure, section: m.Section) -> FigureSlide:
        """The figure under its action title (its message), its descriptive title beneath."""
        where = self.where(FigureSlide.kind)
        action = self.story.action(figure_message(figure), figure.title, where["areas"])
        areas = action.pop("areas")
        shown, full = action["title"], action.pop("full")
        words = self.words
        source = words("source", source=figure.source)
        if figure.licence:
            source = words.sentences(source, words("licence", licence=figure.licence))
        caption, caption_size = self.fit.fit_one_line(
            f"{words('caption_label', label=figure.label)} {source}", areas.caption, CAPTION_SIZES)
        said = notes.with_full_title(notes.figure_notes(figure), full, shown, words)
        return FigureSlide(notes=said, figure_id=figure.id, chart=chart_data(figure),
                           caption=caption, caption_size=caption_size, section_id=section.id,
                           full_title=figure.title, label=figure.label, alt=figure.alt,
                           units=figure.units, areas=areas, layout=where["layout"], **action)

    def bullet_slides(self, cls: type[BulletSlide], title: str, items: list[Bullet], said: str,
                      section_id: str = "", start: float | None = None,
                      cited: m.Section | None = None, limits: bool = False,
                      body: Box | None = None) -> list[BulletSlide]:
        """``items`` under ``title``, on as many slides as they need: the first says ``said``,
        each continuation what it shows; with ``cited``, a section whose key points cite works,
        each slide's notes end with the full references of what it cites. With ``limits`` (key
        points), no slide holds more than the density limits allow, and the bullets are revealed
        one by one if the theme asks."""
        where = self.where(cls.kind)
        if body is not None:  # the key points above a callout's box
            where = dict(where, areas=dataclasses.replace(where["areas"], body=body))
        if cited is not None:
            where = dict(where, areas=_with_source_line(where["areas"]))
        areas = where["areas"]
        numbered = any(b.number for b in items)
        pages, size, indent = self.fit.paginate(items, areas.body, self.fit.body_sizes(start),
                                                self.density if limits else None)
        slides = []
        for index, page in enumerate(pages):
            shown, title_size = self.fit.fit_title(title, areas.title, self.title_size, TITLE_FLOOR,
                                                   suffix=self.words["continued"] if index else "")
            page_notes = (notes.with_full_title(said, title, shown, self.words) if index == 0
                          else notes.continuation_notes(title, page, self.words))
            caption, caption_size = "", CAPTION_SIZES[0]
            if cited is not None:
                cites = notes.slide_cites(cited, page)
                page_notes = self.words.together(page_notes, notes.cited_notes(
                    self.brief, [k for keys, _ in cites for k in keys]))
                if cites:
                    caption, caption_size = self.fit.fit_one_line(
                        self.words("sources", sources=self.words["list_separator"].join(text for _, text in cites)),
                        areas.caption, CAPTION_SIZES)
            slides.append(cls(shown, page_notes, title_size=title_size, bullets=tuple(page),
                              body_size=size, indent=indent, numbered=numbered,
                              reveal=limits and self.reveal and len(page) > 1,
                              section_id=section_id, full_title=title, caption=caption,
                              caption_size=caption_size, **where))
        return slides


SOURCE_LINE = 30  # the height of a bullet slide's source line, under its bullets


def _with_source_line(areas: Areas) -> Areas:
    """``areas`` with the body's foot given to a one-line source line."""
    body = areas.body
    line = Box(body.x, body.y + body.h - SOURCE_LINE, body.w, SOURCE_LINE)
    return dataclasses.replace(areas, body=dataclasses.replace(body, h=body.h - SOURCE_LINE - 4),
                               caption=line)


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
            text = words.together(*(plain_text(b.spans, brief) for b in m.walk(block.blocks)
                                    if isinstance(b, m.Paragraph)))
            lead = words.together(*sentences(text)[:CALLOUT_SAID])
            said.append(words("notes_box_lead", title=block.heading, lead=lead) if lead
                        else words("notes_box", title=block.heading))
    if not said:
        return ""
    return words.sentence(_one_stop(words("notes_brief_only", items=words["list_separator"].join(said))))


def _one_stop(text: str) -> str:
    """``text`` without the full stop a label adds after a sentence mark of its own ("fact.")."""
    return re.sub(r"([.!?…。！？])[.。]$", r"\1", text)


