"""The one way numbers are written, in the PDF's figures, the deck's charts and the speaker notes.

A value shows as many decimals as it has, up to MAX_DECIMALS, with thousands separated; a chart
shows all its values with the decimals its most precise value needs, so 1234.5 reads "1,234.5" in
the PDF's labels, the deck's data labels (an Excel number format) and the notes alike.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_DECIMALS = 3


def decimals_needed(value: float) -> int:
    """The decimals ``value`` shows: its own, up to MAX_DECIMALS."""
    text = f"{value:.{MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def chart_decimals(values: Iterable[float]) -> int:
    """The decimals every value of one chart is shown with: what its most precise value needs."""
    return max((decimals_needed(v) for v in values), default=0)


def format_number(value: float, decimals: int | None = None) -> str:
    """``value`` with thousands separated and ``decimals`` decimals (default: its own)."""
    places = decimals_needed(value) if decimals is None else decimals
    text = f"{value:,.{places}f}"
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def excel_number_format(decimals: int) -> str:
    """The spreadsheet number format that writes values as :func:`format_number` does."""
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals
