"""The slides that tell the brief's story rather than list it: action titles, key figures, a
section's points beside its figure, and the logo on the covers.

- **Action titles.** A figure slide's title is its message (the figure file's ``message:``,
  else the caption's first sentence); a numbered table's, its caption's first sentence. The
  descriptive title (a table: the rest of its caption) becomes a line beneath, at the top of the
  figure area, and the source line stays. Every text is fitted; a shortened title is given in
  full in the notes.
- **Key figures.** A section's ``key_figures:`` become slides of two to four large numbers,
  each over its label, their sources on the caption line, all fitted at one size per slide.
- **Two content.** A section with one figure whose key points fit beside it, measured at
  :data:`TWO_CONTENT_LEAST` points or more within the density limits, gets one slide with both
  instead of a slide of points and a figure slide.
- **Logo.** The brief's logo, scaled to its box keeping its proportions, in the top right
  corner of the title and closing slides.

:class:`StoryPlanner` is given the planner's fitter, boxes and sizes, and knows nothing of the
writer.
"""

from __future__ import annotations

import math

from .. import model as m
from ..i18n.labels import Labels
from ..i18n.scripts import is_rtl
from . import notes
from .density import Density
from .fit import Fitter, sentences
from .geometry import CAPTION_SIZES, TITLE_FLOOR, Areas, Box
from .slides import Bullet, KeyFiguresSlide, KeyNumber, TwoContentSlide

_THIN = (7.2, 3.6, 7.2, 3.6)
SUBTITLE_H = 30.0          # points: the descriptive title's line at the top of the figure area
SUBTITLE_GAP = 4.0
SUBTITLE_SIZES = (18.0, 16.0, 14.0)
LEAST_FIGURE = 160.0       # points of height a figure keeps under a subtitle line, else no line
PER_SLIDE = 4              # key figures on one slide, at most
VALUE_LARGEST, VALUE_FLOOR = 80.0, 24.0
VALUE_H, LABEL_H, NUMBER_GAP = 130.0, 120.0, 8.0
LABEL_SIZES = (24.0, 22.0, 20.0, 18.0)
COLUMN_GAP = 24.0
TWO_CONTENT_LEAST = 20.0   # points: the least body size of points beside a figure
TWO_CONTENT_SHARE = 0.46   # of the figure area's width, for the points
LOGO_W, LOGO_H, LOGO_MARGIN = 150.0, 60.0, 20.0


def figure_message(figure: m.Figure) -> str:
    """What the figure says: its ``message:``, else its caption's first sentence, else ""."""
    if figure.message:
        return figure.message
    lead = sentences(figure.caption)
    return lead[0] if lead else ""


def table_message(caption: str, words: Labels) -> tuple[str, str]:
    """A table's action title and the line beneath it: its caption's first sentence, and the
    rest of the caption ("" when it is one sentence)."""
    lead = sentences(caption)
    if not lead:
        return "", ""
    return lead[0], words.together(*lead[1:])


def key_figure_groups(count: int) -> list[int]:
    """How many key figures each slide shows: up to four on one, else as evenly as may be."""
    if count <= PER_SLIDE:
        return [count] if count else []
    slides = math.ceil(count / PER_SLIDE)
    base, extra = divmod(count, slides)
    return [base + (1 if i < extra else 0) for i in range(slides)]


class StoryPlanner:
    def __init__(self, brief: m.Brief, fit: Fitter, where, title_size: float, density: Density,
                 reveal: bool):
        self.brief, self.fit, self.where, self.title_size = brief, fit, where, title_size
        self.density, self.reveal = density, reveal

    # ---- action titles ----
    def action(self, message: str, descriptive: str, areas: Areas) -> dict:
        """The fitted title, subtitle line and areas of a figure or table slide: the message as
        title with ``descriptive`` beneath, or ``descriptive`` alone when there is no message (or
        no room for the line)."""
        has_line = bool(message) and _differs(message, descriptive) and bool(descriptive)
        figure = areas.figure
        if has_line and figure.h - SUBTITLE_H - SUBTITLE_GAP < LEAST_FIGURE:
            has_line = False
        shown_text = message or descriptive
        title, size = self.fit.fit_title(shown_text, areas.title, self.title_size, TITLE_FLOOR)
        out = {"title": title, "title_size": size, "areas": areas, "full": shown_text}
        if has_line:
            box = Box(figure.x, figure.y, figure.w, SUBTITLE_H, _THIN)
            line, line_size = self.fit.fit_one_line(descriptive, box, SUBTITLE_SIZES)
            below = figure.y + SUBTITLE_H + SUBTITLE_GAP
            smaller = Box(figure.x, below, figure.w, figure.bottom - below, figure.insets)
            out.update(subtitle=line, subtitle_size=line_size, subtitle_box=box,
                       areas=Areas(areas.title, areas.body, smaller, areas.caption))
        return out

    # ---- key figures ----
    def key_figure_slides(self, section: m.Section) -> list[KeyFiguresSlide]:
        slides, start = [], 0
        groups = key_figure_groups(len(section.key_figures))
        for index, count in enumerate(groups):
            group = section.key_figures[start:start + count]
            start += count
            slides.append(self.key_figure_slide(section, group, index, len(groups)))
        return slides

    def key_figure_slide(self, section: m.Section, group, index: int, count: int) -> KeyFiguresSlide:
        where = self.where(KeyFiguresSlide.kind)
        areas = where["areas"]
        figure = areas.figure
        columns = len(group)
        width = (figure.w - (columns - 1) * COLUMN_GAP) / columns
        block = VALUE_H + NUMBER_GAP + LABEL_H
        scale = min(1.0, figure.h / block)
        value_h, label_h = VALUE_H * scale, LABEL_H * scale
        top = figure.y + max(0.0, (figure.h - block * scale) / 2)
        boxes = []
        rtl = is_rtl(self.brief.meta.language)  # read right to left: the first figure at the right
        for column in range(columns):
            x = figure.x + (columns - 1 - column if rtl else column) * (width + COLUMN_GAP)
            boxes.append((Box(x, top, width, value_h, _THIN),
                          Box(x, top + value_h + NUMBER_GAP * scale, width, label_h)))
        value_size = min(self.value_size(k.value, vb) for k, (vb, _) in zip(group, boxes))
        label_size = min(self.fit.fit_lines([k.label], lb, LABEL_SIZES)[1]
                         for k, (_, lb) in zip(group, boxes))
        numbers = []
        for k, (vb, lb) in zip(group, boxes):
            value, _ = self.fit.fit_title(k.value, vb, value_size, value_size, max_lines=2,
                                           last_resort=None)
            label = self.fit.fit_lines([k.label], lb, (label_size,))[0]
            numbers.append(KeyNumber(value, label[0] if label else "", vb, lb))
        sources = list(dict.fromkeys(k.source for k in group if k.source))
        caption, caption_size = ("", CAPTION_SIZES[0])
        words = self.brief.words
        if sources:
            line = (words("source", source=sources[0]) if len(sources) == 1
                    else words("sources", sources=words["list_separator"].join(sources)))
            caption, caption_size = self.fit.fit_one_line(line, areas.caption, CAPTION_SIZES)
        title, size = self.fit.fit_title(section.title, areas.title, self.title_size, TITLE_FLOOR,
                                         suffix=words["continued"] if index else "")
        shared = len(sources) == 1 and all(k.source for k in group)
        said = words.together(
            words("notes_key_figures", figures=words.together(*(words.sentence(_key_figure_said(k, words, shared))
                                                                for k in group))),
            words.sentence(words("source", source=sources[0])) if shared else "",
            words("notes_key_figures_part", n=index + 1, count=count) if count > 1 else "")
        return KeyFiguresSlide(title, said, title_size=size, numbers=tuple(numbers),
                               value_size=value_size, label_size=label_size, caption=caption,
                               caption_size=caption_size, section_id=section.id,
                               full_title=section.title, **where)

    def value_size(self, value: str, box: Box) -> float:
        """The largest size for ``value`` on one line of ``box``, else on two."""
        text, size = self.fit.fit_title(value, box, VALUE_LARGEST, VALUE_FLOOR, max_lines=1)
        if text == value:
            return size
        return self.fit.fit_title(value, box, VALUE_LARGEST, VALUE_FLOOR, max_lines=2)[1]

    # ---- a figure beside its points ----
    def two_content(self, section: m.Section, figure: m.Figure, items: list[Bullet], said: str,
                    chart) -> TwoContentSlide | None:
        """The points beside the figure, when they fit on one slide at TWO_CONTENT_LEAST points
        or more and within the density limits; else None."""
        where = self.where(TwoContentSlide.kind)
        areas = where["areas"]
        area = areas.figure
        if not self.density.within(b.text for b in items):
            return None
        left = area.w * TWO_CONTENT_SHARE
        body_box = Box(area.x, area.y, left, area.h)
        figure_box = Box(area.x + left + COLUMN_GAP, area.y, area.w - left - COLUMN_GAP, area.h)
        if is_rtl(self.brief.meta.language):  # the points first, at the right, as they are read
            body_box, figure_box = (Box(area.right - left, area.y, left, area.h),
                                    Box(area.x, area.y, area.w - left - COLUMN_GAP, area.h))
        sizes = [s for s in self.fit.body_sizes() if s >= TWO_CONTENT_LEAST]
        if not sizes:
            return None
        pages, size, indent = self.fit.paginate(items, body_box, sizes, self.density)
        if len(pages) != 1 or figure_box.w < LEAST_FIGURE or figure_box.h < LEAST_FIGURE:
            return None
        title, title_size = self.fit.fit_title(section.title, areas.title, self.title_size, TITLE_FLOOR)
        words = self.brief.words
        source = words("source", source=figure.source)
        label = words("caption_label", label=figure.label)
        entry = words("figure_entry", label=figure.label, title=words.sentence(figure.title))
        long_line = f"{entry}{words.sentence_gap}{source}"
        if any(self.fit.one_line_fits(long_line, areas.caption, s) for s in CAPTION_SIZES):
            caption, caption_size = self.fit.fit_one_line(long_line, areas.caption, CAPTION_SIZES)
        else:
            caption, caption_size = self.fit.fit_one_line(f"{label} {source}", areas.caption, CAPTION_SIZES)
        said = notes.with_full_title(said, section.title, title, words)
        return TwoContentSlide(title, said, title_size=title_size, bullets=tuple(pages[0]),
                               body_size=size, indent=indent, reveal=self.reveal,
                               body_box=body_box, figure_box=figure_box, figure_id=figure.id,
                               chart=chart, caption=caption, caption_size=caption_size,
                               label=figure.label, alt=figure.alt, units=figure.units,
                               figure_title=figure.title, section_id=section.id,
                               full_title=section.title, **where)


def _key_figure_said(k: m.KeyFigure, words: Labels, shared: bool) -> str:
    """A key figure as the notes say it: "$52 billion, bilateral trade (Source: ...)"."""
    said = f"{k.value}{words['list_comma']}{k.label}"
    if k.source and not shared:
        said = words("notes_aside", text=said, aside=words("source", source=k.source))
    return said


def logo_box(logo: m.Logo | None, areas: Areas, slide_w: float) -> Box | None:
    """Where the covers draw the logo: the top right corner above the title (its proportions
    kept, within LOGO_W x LOGO_H points), or None without a logo or without room above it."""
    if not isinstance(logo, m.Logo) or not logo.width or not logo.height:
        return None
    room = areas.title.y - 2 * LOGO_MARGIN
    most_h = min(LOGO_H, room)
    if most_h < 24:
        return None
    scale = min(LOGO_W / logo.width, most_h / logo.height)
    w, h = logo.width * scale, logo.height * scale
    right = min(slide_w - LOGO_MARGIN * 2, areas.title.right)
    return Box(right - w, LOGO_MARGIN, w, h, (0, 0, 0, 0))


def _differs(a: str, b: str) -> bool:
    return "".join(a.split()).rstrip(".").casefold() != "".join(b.split()).rstrip(".").casefold()
