"""The pie rule both outputs follow: which slices are small, and when small ones are grouped.

A slice under :data:`SMALL_SLICE` of the whole is small: its label goes outside the pie, on a
leader line, where it has room. When more than :data:`MOST_SMALL` slices are small, their labels
would crowd one another even outside, so they are drawn as one slice, "Other" in the brief's
language, last; the figure says which categories it holds. The PDF's matplotlib pie
(:mod:`deckgen.figures.plots`) and the deck's native pie (:mod:`deckgen.deck.charts`) both draw
the slices this module gives, so the two never disagree.

The deck reads this module without matplotlib.
"""

from __future__ import annotations

from dataclasses import dataclass

from .numbers import NumberFormat

SMALL_SLICE = 0.05  # a slice under this share of the whole is labelled outside, on a leader line
MOST_SMALL = 3      # more small slices than this are grouped as one "Other" slice
SHARE = NumberFormat(0, percent=True)  # a slice's share, as the deck's "0%" labels write it


@dataclass(frozen=True)
class Slices:
    """The slices drawn: their categories and values in the source's order (the "Other" slice
    last), and the categories grouped into it (none: nothing was grouped)."""

    categories: tuple[str, ...]
    values: tuple[float, ...]
    grouped: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return sum(self.values)

    def share(self, index: int) -> float:
        """Slice ``index``'s share of the whole, 0 to 1."""
        return self.values[index] / self.total if self.total else 0.0

    def small(self, index: int) -> bool:
        return self.share(index) < SMALL_SLICE


def pie_slices(categories, values, other: str) -> Slices:
    """The slices of a pie of ``values`` (None counts as 0) over ``categories``; ``other``
    names the slice the small ones are grouped into when there are more than MOST_SMALL."""
    values = tuple(float(v or 0.0) for v in values)
    categories = tuple(categories)
    total = sum(values)
    small = [i for i, v in enumerate(values) if total and v / total < SMALL_SLICE]
    if len(small) <= MOST_SMALL:
        return Slices(categories, values)
    kept = [i for i in range(len(values)) if i not in small]
    return Slices(tuple(categories[i] for i in kept) + (other,),
                  tuple(values[i] for i in kept) + (sum(values[i] for i in small),),
                  tuple(categories[i] for i in small))
