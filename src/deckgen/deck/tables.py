"""Numbered tables as native PowerPoint tables, fitted like text before they are drawn.

:func:`fit_table` measures every cell with the deck's real font metrics
(:mod:`deckgen.deck.textfit`) and returns the pages of a table: the cell size (from
:data:`TABLE_SIZES`, the largest at which the table fits one slide; else the fewest slides, at
the largest size that keeps that many), the column widths (each column its natural width when
they all fit, else at least its longest word and the rest shared by how much more each needs),
and each page's rows with their measured heights, the header row repeated on every page. A row
too tall for a slide on its own is cut between lines into rows that each fit, so no text is lost.

The planner turns the pages into table slides (``"(cont.)"`` after the first one's title); the
writer draws each with python-pptx's ``add_table`` at exactly the widths and heights measured.
"""

from __future__ import annotations

import dataclasses

from .fit import Fitter
from .geometry import LINE_SPACING, SLACK, Box
from .slides import TableData
from .textfit import lines_height, tokens, wrap, wrap_raw

TABLE_SIZES = (20.0, 18.0, 16.0, 14.0)  # cell text, largest first
CELL_MARGINS = (6.0, 3.6, 6.0, 3.6)      # left, top, right, bottom, points


class TableFitter:
    """Fits tables into a box with the fonts of ``fitter``."""

    def __init__(self, fitter: Fitter):
        self.fonts = fitter.fonts

    def fit_table(self, header: list[str], rows: list[list[str]], box: Box,
                  aligns: tuple[str, ...] = ()) -> list[TableData]:
        """The pages ``header`` and ``rows`` take in ``box`` (see the module's notes)."""
        pages = self._fit(header, rows, box)
        columns = len(pages[0].widths)
        aligns = tuple(list(aligns[:columns]) + [""] * (columns - len(aligns[:columns])))
        return [dataclasses.replace(page, aligns=aligns) for page in pages]

    def _fit(self, header: list[str], rows: list[list[str]], box: Box) -> list[TableData]:
        columns = max([len(header)] + [len(r) for r in rows] + [1])
        header = _padded(header, columns)
        rows = [_padded(r, columns) for r in rows]
        for size in TABLE_SIZES:
            pages = self.pages(header, rows, box, size)
            if len(pages) == 1:
                return pages
        fewest = len(self.pages(header, rows, box, TABLE_SIZES[-1]))
        for size in TABLE_SIZES:
            pages = self.pages(header, rows, box, size)
            if len(pages) <= fewest:
                return pages
        raise AssertionError("unreachable: the smallest size always qualifies")

    def pages(self, header: list[str], rows: list[list[str]], box: Box, size: float) -> list[TableData]:
        widths = self.widths([header, *rows], box.w, size)
        head_height = self.row_height(header, widths, size, bold=True)
        room = box.h - head_height
        pieces = [piece for row in rows for piece in self.split_row(row, widths, size, room)]
        heights = [self.row_height(row, widths, size) for row in pieces]
        limit = self.balanced(heights, room)
        pages: list[list[int]] = [[]]
        used = 0.0
        for index, height in enumerate(heights):
            if pages[-1] and used + height > limit:
                pages.append([])
                used = 0.0
            pages[-1].append(index)
            used += height
        return [TableData(tuple(header), tuple(tuple(pieces[i]) for i in page),
                          (head_height, *(heights[i] for i in page)), tuple(widths), size)
                for page in pages]

    @staticmethod
    def balanced(heights: list[float], room: float) -> float:
        """The least page height that needs no more pages than filling each to ``room``, so
        that pages come out even (no lone row on the last one)."""
        def count(limit: float) -> int:
            pages, used = 1, 0.0
            for height in heights:
                if used and used + height > limit:
                    pages, used = pages + 1, 0.0
                used += height
            return pages

        wanted = count(room)
        low, high = max(heights, default=0.0), room
        if low >= high:
            return room
        for _ in range(12):
            middle = (low + high) / 2
            low, high = (low, middle) if count(middle) <= wanted else (middle, high)
        return high

    # ---- measuring ----
    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        return self.fonts.width(text, size, bold) / SLACK

    def widths(self, rows: list[list[str]], total: float, size: float) -> list[float]:
        """Column widths adding up to ``total``: natural (one line per cell) when they fit, else
        each at least its longest word, the rest shared by how much more each column needs."""
        pad = CELL_MARGINS[0] + CELL_MARGINS[2]
        columns = len(rows[0])
        natural = [max(self.text_width(row[c], size, bold=i == 0) for i, row in enumerate(rows)) + pad
                   for c in range(columns)]
        least = [max((self.text_width(t.rstrip(), size, bold=i == 0)
                      for i, row in enumerate(rows) for t in tokens(row[c])), default=0.0) + pad
                 for c in range(columns)]
        least = [min(w, n) for w, n in zip(least, natural)]
        if sum(natural) <= total:
            extra = (total - sum(natural)) / columns
            return [n + extra for n in natural]
        if sum(least) >= total:  # long words: shared by need; wrap_raw breaks what does not fit
            return [total * w / sum(least) for w in least]
        want = [n - w for n, w in zip(natural, least)]
        room = total - sum(least)
        return [w + room * d / sum(want) for w, d in zip(least, want)]

    def cell_lines(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        inner = (width - CELL_MARGINS[0] - CELL_MARGINS[2]) * SLACK
        return wrap(text, self.fonts, size, max(inner, 1.0), bold) if text else [""]

    def row_height(self, row, widths, size: float, bold: bool = False) -> float:
        tallest = max(lines_height(self.cell_lines(text, width, size, bold), self.fonts, size, bold,
                                   spacing=LINE_SPACING) for text, width in zip(row, widths))
        return tallest + CELL_MARGINS[1] + CELL_MARGINS[3]

    def split_row(self, row: list[str], widths, size: float, room: float) -> list[list[str]]:
        """``row``, or when it is taller than ``room`` on its own, rows of whole lines that each
        fit, every character kept (the cells' lines joined again give the cells)."""
        if self.row_height(row, widths, size) <= room:
            return [row]
        inner = [max((w - CELL_MARGINS[0] - CELL_MARGINS[2]) * SLACK, 1.0) for w in widths]
        lines = [wrap_raw(text, self.fonts, size, width) if text else [""]
                 for text, width in zip(row, inner)]
        line_height = max(lines_height([line.rstrip() or "x"], self.fonts, size, spacing=LINE_SPACING)
                          for cell in lines for line in cell)
        per_piece = max(int((room - CELL_MARGINS[1] - CELL_MARGINS[3]) // line_height), 1)
        count = max(-(-len(cell) // per_piece) for cell in lines)
        return [[_joined(cell[i * per_piece:(i + 1) * per_piece]) for cell in lines]
                for i in range(count)]


def _joined(lines: list[str]) -> str:
    return "".join(lines).strip()


def _padded(row: list[str], columns: int) -> list[str]:
    return list(row) + [""] * (columns - len(row))
