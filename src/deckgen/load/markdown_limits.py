"""What a brief's Markdown may hold: the limits of one element, and a :class:`Budget` for all
sections together.

Nesting deeper than :data:`MAX_NESTING` and tables larger than :data:`MAX_TABLE_ROWS` x
:data:`MAX_TABLE_COLUMNS` are errors where they occur. Over all the sections of a brief (a
:class:`Budget` carried from section to section): :data:`MAX_BLOCKS` blocks (paragraphs,
headings, list items ...), :data:`MAX_FOOTNOTES` footnote calls holding at most
:data:`MAX_FOOTNOTE_CHARS` characters of footnote text, and :data:`MAX_TABLE_CELLS` table cells
holding :data:`MAX_TABLE_CHARS` characters (a narrow column sets about a word a line, so a
table's text costs several times as much to lay out as prose). Passing one is an error at the
line where it is passed, and the rest of the brief's Markdown is not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Collector, Loc

MAX_NESTING = 8
MAX_TABLE_ROWS = 300
MAX_TABLE_COLUMNS = 20
MAX_BLOCKS = 10_000           # paragraphs, headings, list items, quotes ... in all sections
MAX_FOOTNOTES = 500           # footnote calls in all sections
MAX_FOOTNOTE_CHARS = 100_000  # footnote text in all sections, counted once per call
MAX_TABLE_CELLS = 10_000      # cells of all tables together (one table of 300 rows x 20 columns)
MAX_TABLE_CHARS = 60_000      # text in all tables' cells together

# what each limit counts: (limit, the noun in the message, what the author may have)
LIMITS = {
    "blocks": (MAX_BLOCKS, "blocks", "paragraphs, headings, list items and other blocks"),
    "footnotes": (MAX_FOOTNOTES, "footnotes", "footnote calls"),
    "footnote_chars": (MAX_FOOTNOTE_CHARS, "characters of footnote text",
                       "characters of footnote text (a note called twice counts twice)"),
    "table_cells": (MAX_TABLE_CELLS, "table cells", "table cells"),
    "table_chars": (MAX_TABLE_CHARS, "characters in tables", "characters in table cells"),
}
# said after what the author may have
LIMIT_ADVICE = {"table_cells": "; put large data in a figure or an annex",
                "table_chars": "; put large data in a figure or an annex"}


@dataclass
class Budget:
    """What the sections of one brief hold together, counted against :data:`LIMITS`.

    ``passed`` is set once a limit is passed (the error is reported then, once); the
    Markdown read after that point is not converted."""

    spent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LIMITS, 0))
    passed: bool = False

    def spend(self, kind: str, amount: int, loc: Loc, problems: Collector) -> bool:
        """Count ``amount`` of ``kind`` at ``loc``; False (and an error) when it passes its limit."""
        if self.passed:
            return False
        self.spent[kind] += amount
        limit, noun, what = LIMITS[kind]
        if self.spent[kind] <= limit:
            return True
        self.passed = True
        problems.error(loc, f"more than {limit:,} {noun} in the sections together: the limit is "
                       "passed here", expected=f"at most {limit:,} {what} in all sections"
                       + LIMIT_ADVICE.get(kind, ""))
        return False
