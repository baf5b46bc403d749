"""The slides a section's blocks give besides its key points: numbered tables, callouts marked
for the deck, and for a section with no key points a summary of its opening.

- A numbered table (``Table: caption {#tbl:id}``, or a ``kind: table`` figure file) becomes a
  native table on a table slide titled with its caption, "Table 1. Source: ..." on the caption
  line; a long table continues on further slides, "(cont.)", its header row repeated
  (:mod:`deckgen.deck.tables` fits it). Its notes read the caption and say how many rows each
  slide shows.
- A callout marked for the deck (``> [!IMPORTANT] Key fact {.deck}``, ``::: {.callout-note .deck}``)
  becomes a callout slide: a box with its heading and text, fitted like bullets and continued
  when long. In a section with key points, the first such callout is drawn instead as a box
  under the key points when both fit one slide (the points at 20 pt or more, the callout's text
  at 18 pt or more, :meth:`BlockPlanner.callout_under_points`); the plan's points slide holds it. Unmarked callouts and unnumbered tables are named in the section's notes.
- A section with no key points shows its figures, tables and callouts; with none of those, its
  opening sentences (:data:`SUMMARY_SENTENCES`) as bullets; with no text at all, no slide (the
  loader warns of both, naming the file). No slide is ever a title alone.

:class:`BlockPlanner` is given the planner's fitter, boxes and title size.
"""

from __future__ import annotations

import math

from .. import model as m
from ..load.markdown import plain_text
from . import notes
from .fit import Fitter, sentences
from .geometry import CAPTION_SIZES, SUBTITLE_SIZES, TITLE_FLOOR, Box
from .slides import Bullet, CalloutBox, CalloutSlide, TableSlide
from .story import table_message
from .tables import TableFitter

SUMMARY_SENTENCES = 3   # opening sentences shown for a section with no key points
UNDER_POINTS_SHARE = 0.45  # of the key points' body, a callout under them takes at most this
UNDER_POINTS_GAP = 12.0    # points between the key points and the callout's box
UNDER_POINTS_HEADING = 40.0  # points: the heading line of a callout under key points
UNDER_POINTS_FLOOR = 18.0  # points: the least size of a callout's text under key points
POINTS_BESIDE_FLOOR = 20.0  # points: the key points keep at least this size above a callout
CALLOUT_HEADING = 44.0  # points: the callout's heading line, above its text
CALLOUT_PAD = 12.0      # points between the callout box's edge and its text


def is_table_shown(block) -> bool:
    """Whether the deck shows ``block`` on slides of its own (a numbered table)."""
    return isinstance(block, m.Table) and bool(block.number)


def is_callout_shown(block) -> bool:
    return isinstance(block, m.Callout) and block.deck


def opening_text(brief: m.Brief, section: m.Section) -> str:
    """The section's opening paragraph (in a list or a quote too), else its first heading; ""
    when it has no text."""
    headings = []
    for block in m.walk(section.blocks):
        if isinstance(block, m.Paragraph):
            text = plain_text(block.spans, brief).strip()
            if text:
                return text
        elif isinstance(block, m.Heading):
            headings.append(plain_text(block.spans, brief).strip())
    return next((h for h in headings if h), "")


class BlockPlanner:
    def __init__(self, brief: m.Brief, fit: Fitter, where, title_size: float, story=None):
        self.brief, self.fit, self.where, self.title_size = brief, fit, where, title_size
        self.tables = TableFitter(fit)
        self.story = story  # a deckgen.deck.story.StoryPlanner: the tables' action titles

    def title(self, text: str, box: Box, index: int = 0) -> tuple[str, float]:
        return self.fit.fit_title(text, box, self.title_size, TITLE_FLOOR,
                                  suffix=self.brief.words["continued"] if index else "")

    # ---- tables ----
    def table_slides(self, table: m.Table, section: m.Section) -> list[TableSlide]:
        where = self.where(TableSlide.kind)
        areas = where["areas"]
        caption_text = plain_text(table.caption, self.brief).strip()
        header = [plain_text(cell, self.brief).strip() for cell in table.header]
        rows = [[plain_text(cell, self.brief).strip() for cell in row] for row in table.rows]
        words = self.brief.words
        line = words("caption_label", label=table.label)
        if table.source:
            line += " " + words("source", source=table.source)
        caption, caption_size = self.fit.fit_one_line(line, areas.caption, CAPTION_SIZES)
        message, rest = table_message(caption_text, words)
        line_fields = {}
        if self.story is not None and rest:
            action = self.story.action(message, rest, areas)
            areas = action["areas"]
            line_fields = {k: action[k] for k in ("subtitle", "subtitle_size", "subtitle_box")
                           if k in action}
        title_text = (message if line_fields else caption_text) or table.label
        pages = self.tables.fit_table(header, rows, areas.figure, table.aligns)
        slides = []
        for index, page in enumerate(pages):
            shown, size = self.title(title_text, areas.title, index)
            said = self.table_notes(table, caption_text, page, index, len(pages), len(rows))
            said = notes.with_full_title(said, title_text, shown, self.brief.words) if index == 0 else said
            slides.append(TableSlide(shown, said, title_size=size, table=page, caption=caption,
                                     caption_size=caption_size, label=table.label,
                                     table_id=table.id, section_id=section.id, alt=table.alt,
                                     full_title=title_text, areas=areas, layout=where["layout"],
                                     **line_fields))
        return slides

    def table_notes(self, table: m.Table, caption: str, page, index: int, count: int, rows: int) -> str:
        words = self.brief.words
        lead = (words("figure_entry", label=table.label, title=words.sentence(caption)) if caption
                else words("caption_label", label=table.label))
        if table.source:
            lead = words.together(lead, words.sentence(words("source", source=table.source)))
        headings = words.joined(c for c in page.header if c) or words["notes_no_headings"]
        if count == 1:
            return words("notes_table_rows", lead=lead, rows=rows, headings=headings)
        if index == 0:
            return words("notes_table_first", lead=lead, count=count, shown=len(page.rows),
                         headings=headings)
        first = page.rows[0][0] if page.rows and page.rows[0] else ""
        return words("notes_table_more_from" if first else "notes_table_more", label=table.label,
                     n=index + 1, count=count, shown=len(page.rows), first=first)

    # ---- callouts ----
    def callout_slides(self, callout: m.Callout, section: m.Section) -> list[CalloutSlide]:
        where = self.where(CalloutSlide.kind)
        areas = where["areas"]
        box = areas.figure
        inner = Box(box.x + CALLOUT_PAD, box.y + CALLOUT_PAD, box.w - 2 * CALLOUT_PAD,
                    box.h - 2 * CALLOUT_PAD)
        # as tall as one line of the heading at its least size needs (Arabic lines are taller)
        tall = CALLOUT_HEADING + self.fit.line_room(Box(inner.x, inner.y, inner.w, CALLOUT_HEADING),
                                                    callout.heading, 20.0)
        heading_box = Box(inner.x, inner.y, inner.w, tall)
        body_box = Box(inner.x, inner.y + tall, inner.w, inner.h - tall)
        heading, heading_size = self.fit.fit_title(callout.heading, heading_box, 24.0, 20.0,
                                                   max_lines=1)  # measured bold, as drawn
        paragraphs = [Bullet(text) for text in _callout_paragraphs(self.brief, callout)]
        if not paragraphs:
            paragraphs = [Bullet(callout.heading)]
        pages, size, _ = self.fit.paginate(paragraphs, body_box, self.fit.body_sizes())
        slides = []
        for index, page in enumerate(pages):
            shown, title_size = self.title(section.title, areas.title, index)
            words = self.brief.words
            said = words.together(*(words.sentence(b.text) for b in page))
            said = (words("notes_labelled", label=callout.heading, text=said) if index == 0 else
                    words("notes_callout_continued", title=callout.heading, text=said))
            slides.append(CalloutSlide(shown, said, title_size=title_size, callout_kind=callout.kind,
                                       heading=heading, heading_size=heading_size,
                                       paragraphs=tuple(b.text for b in page), body_size=size,
                                       heading_box=heading_box, body_box=body_box,
                                       section_id=section.id, full_title=section.title, **where))
        return slides

    def callout_under_points(self, callout: m.Callout, body: Box) -> tuple[Box, CalloutBox] | None:
        """The key points' box and ``callout`` fitted in a box beneath them, both within
        ``body``: the heading on one line unshortened, the text on one page at
        :data:`UNDER_POINTS_FLOOR` or more, the box no taller than its text needs; None when it
        does not fit (it has its own slide then)."""
        band = round(body.h * UNDER_POINTS_SHARE)
        _, box, heading_box, body_box = _under_points(body, band)
        heading, heading_size = self.fit.fit_title(callout.heading, heading_box, 20.0,
                                                   UNDER_POINTS_FLOOR, max_lines=1)
        if heading != callout.heading:
            return None
        texts = _callout_paragraphs(self.brief, callout) or [callout.heading]
        items = [Bullet(t) for t in texts]
        sizes = [s for s in self.fit.body_sizes(20.0) if s >= UNDER_POINTS_FLOOR] or [UNDER_POINTS_FLOOR]
        pages, size, indent = self.fit.paginate(items, body_box, sizes)
        if len(pages) != 1 or size < UNDER_POINTS_FLOOR:
            return None
        needed = (self.fit.height(items, size, self.fit.measure_width(body_box, indent))
                  + body_box.insets[1] + body_box.insets[3])
        band = min(band, math.ceil(UNDER_POINTS_HEADING + needed + CALLOUT_PAD + 2))
        points, box, heading_box, body_box = _under_points(body, band)
        return points, CalloutBox(callout.kind, heading, heading_size, tuple(texts), size, box,
                                  heading_box, body_box)

    # ---- a section with nothing else to show ----
    def summary_items(self, section: m.Section) -> list[Bullet]:
        """The opening sentences of ``section`` as bullets; none when it has no text."""
        lead = sentences(opening_text(self.brief, section))[:SUMMARY_SENTENCES]
        return [Bullet(text) for text in lead]


def people_line(fit: Fitter, authors, box: Box) -> str:
    """The title slide's line of authors, "Jane Doe, Example Institute · ...", shortened with
    "…" to one line of ``box`` at the least cover size (the notes name everyone)."""
    line = " · ".join(a.byline for a in authors)
    return fit.fit_one_line(line, box, (SUBTITLE_SIZES[-1],))[0] if line else ""


def people_notes(authors, words) -> str:
    """The authors as the notes say them, with their roles, e-mail addresses and ORCID iDs."""
    said = []
    for a in authors:
        extra = [x for x in (a.role, a.affiliation, a.email, a.orcid and f"ORCID {a.orcid}") if x]
        said.append(words("notes_aside", text=a.name, aside=words["list_comma"].join(extra)) if extra else a.name)
    return words.sentence(words("notes_by", people=words["list_separator"].join(said))) if said else ""


def _under_points(body: Box, band: float) -> tuple[Box, Box, Box, Box]:
    """The boxes of key points over a callout ``band`` points tall, within ``body``: the
    points', the callout's, its heading's and its text's."""
    points = Box(body.x, body.y, body.w, body.h - band - UNDER_POINTS_GAP, body.insets)
    box = Box(body.x, body.bottom - band, body.w, band)
    inner = Box(box.x + CALLOUT_PAD, box.y + CALLOUT_PAD / 2, box.w - 2 * CALLOUT_PAD, box.h - CALLOUT_PAD)
    heading_box = Box(inner.x, inner.y, inner.w, UNDER_POINTS_HEADING)
    text_box = Box(inner.x, inner.y + UNDER_POINTS_HEADING, inner.w, inner.h - UNDER_POINTS_HEADING)
    return points, box, heading_box, text_box


def _callout_paragraphs(brief: m.Brief, callout: m.Callout) -> list[str]:
    """The callout's text, a paragraph per paragraph or list item (lists flattened)."""
    out = []
    for block in m.walk(callout.blocks):
        if isinstance(block, (m.Paragraph, m.Heading)):
            text = plain_text(block.spans, brief).strip()
            if text:
                out.append(text)
        elif isinstance(block, m.CodeBlock) and block.text.strip():
            out.append(" ".join(block.text.split()))
    return out


