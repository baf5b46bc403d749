"""What a chart's source says about its look, beyond its numbers: stacking, the number format,
axis titles and markers. Part of the model's figure (and of its drawing's cache key) and of the
deck's chart data; the loader checks each value, so every value here is valid.

This module imports nothing: the model and the registry read it.
"""

from __future__ import annotations

from dataclasses import dataclass

STACKED = "stacked"   # series stacked on one another
PERCENT = "percent"   # stacked to 100 % of each category's total
STACKINGS = ("", STACKED, PERCENT)  # "": side by side (clustered)


@dataclass(frozen=True)
class ChartOptions:
    stacked: str = ""          # one of STACKINGS
    number_format: str = ""    # the figure's ``format:`` (see deckgen.figures.numbers)
    x_title: str = ""          # the horizontal axis's title
    y_title: str = ""          # the vertical axis's title
    markers: bool = True       # a line chart's points marked

DEFAULT = ChartOptions()  # a chart whose source says nothing of its look
