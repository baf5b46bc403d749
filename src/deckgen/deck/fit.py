"""Fit text into slide boxes, measured with real font metrics (:mod:`deckgen.deck.textfit`).

- body text shrinks from the theme's body size in 2 pt steps, never below its minimum (18 pt);
  what still does not fit is split into pages ("… (cont.)" slides), between bullets, else
  between sentences, else between words; pages are balanced; given a
  :class:`~deckgen.deck.density.Density`, no page holds more bullets or words than it allows
  (an item over the words is split like one over the height);
- titles shrink to a floor and wrap to a number of lines, else they are shortened at a word
  boundary with "…" (and when not one word fits at the floor, they shrink further, to 18 pt,
  first); each shortened title is said (:func:`deckgen.deck.advice.shortened_titles`);
- single lines (captions, the footer) and cover lines shrink, then shorten; the footer and
  caption boxes are first made tall enough for one line of the brief's script at their smallest
  size (:meth:`Fitter.for_script`): an Arabic line set in Noto Sans Arabic is 2.1 em tall, and
  a box too low for it would cut the distribution marking.

A :class:`Fitter` knows the fonts and the body sizes; it knows nothing of the brief.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from .density import Density, word_count
from .geometry import (
    BULLET_INDENT,
    CAPTION_SIZES,
    FOOTER_SIZES,
    LINE_SPACING,
    SLACK,
    SPACE_AFTER,
    Areas,
    Box,
    Geometry,
)
from .slides import Bullet
from .textfit import Fonts, has_cjk, lines_height, tokens, wrap, wrap_raw

ELLIPSIS = "…"
TITLE_LAST_RESORT = 18.0  # a title shrinks below its floor to this before it loses every word

# A sentence ends after . ! ? followed by a space, or after 。！？ (CJK needs no space), with
# any closing quotes or brackets that follow.
_SENTENCE_END = re.compile(r"(?:[.!?][\"'”’)\]]*\s+|[。！？][」』）”’]*\s*)")


def sentence_pieces(text: str) -> list[str]:
    """``text`` cut after each sentence end, keeping every character: ``"".join`` gives ``text``."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() < len(text):
            pieces.append(text[start:match.end()])
            start = match.end()
    pieces.append(text[start:])
    return [p for p in pieces if p]


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped."""
    return [s.strip() for s in sentence_pieces(text.strip()) if s.strip()]


class Fitter:
    """Fits bullets, titles and lines into boxes with ``fonts``, body text from ``body`` points
    down to ``min_body``."""

    def __init__(self, fonts: Fonts, body: float, min_body: float):
        self.fonts, self.body, self.min_body = fonts, body, min_body

    def body_sizes(self, start: float | None = None) -> list[float]:
        """Body sizes to try, largest first, in 2 pt steps down to the minimum."""
        size, out = min(start or self.body, self.body), []
        while size > self.min_body:
            out.append(size)
            size -= 2
        return out + [self.min_body]

    # ---- bullets and pages ----
    def indent_for(self, items: list[Bullet], size: float) -> float:
        """The hanging indent: room for the widest marker ("•" or "12.") and a gap."""
        markers = [f"{b.number}." for b in items if b.number] or ["•"]
        widest = max(self.fonts.width(marker, size) for marker in markers)
        return max(BULLET_INDENT, widest + 0.4 * size)

    @staticmethod
    def measure_width(box: Box, indent: float) -> float:
        return (box.inner_w - indent) * SLACK

    def height(self, items: list[Bullet], size: float, width: float) -> float:
        lines = 0.0
        for item in items:
            lines += lines_height(wrap(item.text, self.fonts, size, width), self.fonts, size,
                                  spacing=LINE_SPACING)
        return lines + max(len(items) - 1, 0) * size * SPACE_AFTER

    def paginate(self, items: list[Bullet], box: Box, sizes: list[float],
                 density: Density | None = None) -> tuple[list[list[Bullet]], float, float]:
        """Pages of bullets, their common size and indent: one page at the largest size that fits
        (within ``density``); else the fewest pages (found at the smallest size) at the largest
        size that keeps them."""
        if not items:
            return [[]], sizes[0], BULLET_INDENT
        if density is None or density.within(b.text for b in items):
            for size in sizes:
                indent = self.indent_for(items, size)
                if self.height(items, size, self.measure_width(box, indent)) <= box.inner_h:
                    return [items], size, indent
        fewest = len(self.pages(items, box, sizes[-1], density))
        for size in sizes:
            pages = self.pages(items, box, size, density)
            if len(pages) <= fewest:
                return pages, size, self.indent_for(items, size)
        raise AssertionError("unreachable: the smallest size always qualifies")

    def pages(self, items: list[Bullet], box: Box, size: float,
              density: Density | None = None) -> list[list[Bullet]]:
        """Items split into pieces that each fit an empty slide, packed into balanced pages."""
        indent = self.indent_for(items, size)
        width = self.measure_width(box, indent)
        pieces = [piece for item in items for piece in self.split_item(item, size, width, box, density)]
        limit = self.balanced_limit(pieces, size, width, box.inner_h, density)
        density = self.balanced_density(pieces, size, width, limit, density)
        return [merge_pieces(page) for page in self.pack(pieces, size, width, limit, density)]

    def balanced_density(self, pieces: list[Bullet], size: float, width: float, limit: float,
                         density: Density | None) -> Density | None:
        """The tightest limits (fewest bullets, then fewest words) that need no more pages than
        ``density`` itself: pages then share the bullets and words evenly."""
        if density is None:
            return None
        count = len(self.pack(pieces, size, width, limit, density))

        def least(low: int, high: int, make) -> int:
            while low < high:
                middle = (low + high) // 2
                if len(self.pack(pieces, size, width, limit, make(middle))) <= count:
                    high = middle
                else:
                    low = middle + 1
            return high

        bullets = least(1, density.bullets, lambda b: Density(b, density.words))
        most_piece = max(word_count(p.text) for p in pieces)
        words = least(min(most_piece, density.words), density.words, lambda w: Density(bullets, w))
        return Density(bullets, words)

    def pack(self, pieces: list[Bullet], size: float, width: float, limit: float,
             density: Density | None = None) -> list[list[Bullet]]:
        """Greedy packing: a page takes pieces while they fit in ``limit`` points (and within
        ``density``)."""
        pages: list[list[Bullet]] = [[]]
        for piece in pieces:
            if pages[-1]:
                merged = merge_pieces(pages[-1] + [piece])
                if (self.height(merged, size, width) > limit
                        or (density is not None and not density.within(b.text for b in merged))):
                    pages.append([])
            pages[-1].append(piece)
        return pages

    def balanced_limit(self, pieces: list[Bullet], size: float, width: float, room: float,
                       density: Density | None = None) -> float:
        """The least page height that needs no more pages than filling each page to ``room``:
        pages then come out even, with no lone bullet on the last one."""
        count = len(self.pack(pieces, size, width, room, density))
        low = max(self.height([p], size, width) for p in pieces)
        high = room
        for _ in range(12):
            middle = (low + high) / 2
            if len(self.pack(pieces, size, width, middle, density)) <= count:
                high = middle
            else:
                low = middle
        return high

    def split_item(self, item: Bullet, size: float, width: float, box: Box,
                   density: Density | None = None) -> list[Bullet]:
        """An item too tall for an empty slide (or with more words than ``density`` allows), cut
        at sentence ends, else between words; the pieces keep every character, so joined again
        they give the item."""
        most = density.words if density is not None else None

        def fits(text: str) -> bool:
            return (self.height([Bullet(text.strip())], size, width) <= box.inner_h
                    and (most is None or word_count(text) <= most))

        if fits(item.text):
            return [item]

        raw: list[str] = []
        for sentence in sentence_pieces(item.text):
            if raw and fits(raw[-1] + sentence):
                raw[-1] += sentence
            elif fits(sentence):
                raw.append(sentence)
            else:
                raw += [run for part in self.split_words(sentence, size, width, box)
                        for run in _word_runs(part, most)]
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

    # ---- boxes for the script ----
    def for_script(self, geometry: Geometry, sample: str) -> Geometry:
        """``geometry`` with its footer, slide-number and caption boxes made tall enough for one
        line of ``sample`` (text in the brief's script) at their smallest sizes: the footer and
        number grow about their middle (their text is centred), a caption downwards to the
        footer, then upwards, the figure above it giving up what the caption takes."""
        footer = self.taller(geometry.footer, sample, FOOTER_SIZES[-1], geometry.height)
        number = self.taller(geometry.number, sample, FOOTER_SIZES[-1], geometry.height)
        areas = {kind: self.caption_room(area, sample, footer.y) for kind, area in geometry.areas.items()}
        return dataclasses.replace(geometry, footer=footer, number=number, areas=areas)

    def line_room(self, box: Box, sample: str, size: float) -> float:
        """How many points ``box`` lacks to hold one line of ``sample`` at ``size`` (0 or more),
        by the measure :meth:`one_line_fits` takes."""
        lack = self.fonts.line_height(sample, size) - box.inner_h
        return lack + 0.01 if lack > 0 else 0.0  # a hundredth more, against rounding

    def taller(self, box: Box, sample: str, size: float, slide_h: float) -> Box:
        lack = self.line_room(box, sample, size)
        if not lack:
            return box
        y = max(min(box.y - lack / 2, slide_h - box.h - lack), 0.0)
        return dataclasses.replace(box, y=y, h=box.h + lack)

    def caption_room(self, area: Areas, sample: str, floor: float) -> Areas:
        caption = area.caption
        if caption is None:
            return area
        lack = self.line_room(caption, sample, CAPTION_SIZES[-1])
        if not lack:
            return area
        down = min(lack, max(floor - caption.bottom, 0.0))
        caption = dataclasses.replace(caption, y=caption.y - (lack - down), h=caption.h + lack)
        figure = area.figure
        if figure is not None and figure.bottom > caption.y:
            figure = dataclasses.replace(figure, h=max(caption.y - figure.y, 0.0))
        return dataclasses.replace(area, caption=caption, figure=figure)

    # ---- titles and single lines ----
    def fit_title(self, text: str, box: Box, largest: float, floor: float, max_lines: int = 2,
                  suffix: str = "", last_resort: float | None = TITLE_LAST_RESORT) -> tuple[str, float]:
        """The largest size (down to ``floor``, in 2 pt steps) at which ``text + suffix`` fits
        ``box`` in ``max_lines`` lines; else ``text`` shortened with "…" at the floor size, or,
        when not a word of it would be left, at the largest size down to ``last_resort`` at which
        it fits (shortened at ``last_resort`` if none)."""
        size = self._title_size(text + suffix, box, largest, floor, max_lines)
        if size is not None:
            return text + suffix, size
        short = shorten(text, lambda t: self.title_fits(t + suffix, box, floor, max_lines))
        if short.strip(ELLIPSIS) or last_resort is None or floor <= last_resort:
            return short + suffix, floor
        # not a word of it fits at the floor (a box too low for the script's lines): smaller
        # still, down to the last resort, before the title is shortened
        size = self._title_size(text + suffix, box, floor - 2, last_resort, max_lines)
        if size is not None:
            return text + suffix, size
        last = shorten(text, lambda t: self.title_fits(t + suffix, box, last_resort, max_lines))
        return last + suffix, last_resort

    def _title_size(self, text: str, box: Box, largest: float, smallest: float,
                    max_lines: int) -> float | None:
        """The largest size from ``largest`` down to ``smallest``, in 2 pt steps, at which
        ``text`` fits ``box`` in ``max_lines`` lines; None if none."""
        size = largest
        while size >= smallest:
            if self.title_fits(text, box, size, max_lines):
                return size
            size -= 2
        return None

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
        for size in sizes:
            if self.one_line_fits(text, box, size):
                return text, size
        return shorten(text, lambda t: self.one_line_fits(t, box, sizes[-1])), sizes[-1]

    def one_line_fits(self, text: str, box: Box, size: float) -> bool:
        return (len(wrap(text, self.fonts, size, box.inner_w * SLACK)) == 1
                and self.fonts.line_height(text, size) <= box.inner_h)

    def fit_footer(self, short_title: str, mark: str, box: Box) -> tuple[str, float]:
        """The short title and the distribution marking on one line of ``box``: shrunk, then the
        title shortened; the marking is never cut while it fits alone."""
        for size in FOOTER_SIZES:
            text = " · ".join(x for x in (short_title, mark) if x)
            if self.one_line_fits(text, box, size):
                return text, size
        size = FOOTER_SIZES[-1]
        if mark and self.one_line_fits(mark, box, size):
            title = shorten(short_title, lambda t: self.one_line_fits(f"{t} · {mark}", box, size))
            return (f"{title} · {mark}" if title.strip(ELLIPSIS) else mark), size
        return shorten(mark or short_title, lambda t: self.one_line_fits(t, box, size)), size


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


def _word_runs(text: str, most: int | None) -> list[str]:
    """``text`` cut between words (or CJK characters, by the line-breaking rules) into runs of
    at most ``most`` words, keeping every character."""
    if most is None or word_count(text) <= most:
        return [text]
    runs, current = [], ""
    for piece in tokens(text):
        if current and word_count(current + piece) > most:
            runs.append(current)
            current = ""
        current += piece
    return runs + [current] if current else runs


def merge_pieces(page: list[Bullet]) -> list[Bullet]:
    """Consecutive pieces of one item on the same page become one paragraph again."""
    merged: list[Bullet] = []
    for piece in page:
        if merged and piece.continued:
            joiner = "" if has_cjk(merged[-1].text[-1:]) and has_cjk(piece.text[:1]) else " "
            merged[-1] = dataclasses.replace(merged[-1], text=merged[-1].text + joiner + piece.text)
        else:
            merged.append(piece)
    return merged
