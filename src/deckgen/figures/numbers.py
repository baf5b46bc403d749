"""The one way numbers are written, in the PDF's figures, the deck's charts, the speaker notes
and the parity check.

A figure's ``format`` names how its values read (:data:`FORMATS`): by default a value shows as
many decimals as the chart's most precise value needs, up to MAX_DECIMALS, with thousands
separated; ``integer`` and ``decimal:N`` fix the decimals; ``percent`` (or ``percent:N``) writes
values that are already percentages with a per cent sign (25 reads "25%"). One
:class:`NumberFormat`, resolved against the chart's values, gives the text of each value (the
PDF's labels, the notes) and the spreadsheet number format that writes it the same way (the
deck's data labels and value axis), so 1234.5 reads "1,234.5" everywhere.

Text is written in the brief's language (a figure's ``language``), its decimal and grouping
marks and per cent sign the locale's, from CLDR through Babel (:mod:`deckgen.i18n.formats`):
1234.5 reads "1 234,5" and 25 per cent "25 %" in French. The spreadsheet format is the same in
every language (a spreadsheet shows it with the marks of the reader's own settings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MAX_DECIMALS = 3
MAX_FIXED_DECIMALS = 6  # decimal:N and percent:N
FORMATS = ("integer", "decimal:N", "percent", "percent:N")  # as named in messages
_FORMAT = re.compile(r"^(integer|decimal:(\d+)|percent(?::(\d+))?)$")


def decimals_needed(value: float) -> int:
    """The decimals ``value`` shows: its own, up to MAX_DECIMALS."""
    text = f"{value:.{MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def chart_decimals(values: Iterable[float | None]) -> int:
    """The decimals every value of one chart is shown with: what its most precise value needs
    (a missing value needs none)."""
    return max((decimals_needed(v) for v in values if v is not None), default=0)


def format_number(value: float, decimals: int | None = None, language: str = "en") -> str:
    """``value`` with thousands separated and ``decimals`` decimals (default: its own), in the
    marks of ``language``."""
    places = decimals_needed(value) if decimals is None else decimals
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:  # halves rounded up, as a spreadsheet's number format does; never "-0"
        rounded = abs(rounded)
    from ..i18n.formats import decimal_text

    return decimal_text(rounded, places, language)


def excel_number_format(decimals: int) -> str:
    """The spreadsheet number format that writes values as :func:`format_number` does."""
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


@dataclass(frozen=True)
class NumberFormat:
    """How one chart's values read. ``decimals`` None: as the chart's most precise value needs
    (see :meth:`resolve`); ``percent``: the values are percentages, written with a % sign."""

    decimals: int | None = None
    percent: bool = False
    language: str = field(default="en", compare=False)  # the text's; the same format in any

    def resolve(self, values: Iterable[float | None]) -> NumberFormat:
        """This format with its decimals fixed for a chart of ``values``."""
        if self.decimals is not None:
            return self
        return NumberFormat(chart_decimals(values), self.percent, self.language)

    def text(self, value: float) -> str:
        """``value`` as the figure, the chart and the notes write it."""
        number = format_number(value, self.decimals, self.language)
        if not self.percent:
            return number
        from ..i18n.formats import percent_text

        return percent_text(number, self.language)

    @property
    def excel(self) -> str:
        """The spreadsheet number format that writes values as :meth:`text` does (decimals
        resolved)."""
        code = excel_number_format(self.decimals or 0)
        return code + '"%"' if self.percent else code


def parse_format(text: str) -> NumberFormat | None:
    """The format a figure's ``format:`` names ('' is the default); None when it names none of
    :data:`FORMATS` or asks for more than MAX_FIXED_DECIMALS decimals."""
    text = text.strip()
    if not text:
        return NumberFormat()
    match = _FORMAT.match(text)
    if match is None:
        return None
    fixed = match.group(2) or match.group(3)
    if fixed is not None and int(fixed) > MAX_FIXED_DECIMALS:
        return None
    if text == "integer":
        return NumberFormat(0)
    return NumberFormat(int(fixed) if fixed is not None else None, text.startswith("percent"))


def chart_format(format_text: str, values: Iterable[float | None], language: str = "en") -> NumberFormat:
    """The resolved format of a chart whose source says ``format_text`` (already checked), its
    text in ``language``."""
    found = parse_format(format_text) or NumberFormat()
    return NumberFormat(found.decimals, found.percent, language).resolve(values)


def figure_format(figure) -> NumberFormat:
    """The resolved format of a model figure's values (its ``format:`` and its series), in the
    figure's language."""
    return chart_format(figure.options.number_format, (v for s in figure.series for v in s.values),
                        figure.language)
