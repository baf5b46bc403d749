"""What a build is asked for and what it gives back, as data.

- :class:`BuildOptions`: the command line's choices for one build.
- :class:`DrawnFigures` and :class:`Rendered`: what a rendering returns, picklable, so that it
  may cross from the deck's process to this one.
- :class:`FigureStats` and :class:`Pruned`: the figure cache's use, and what pruning it removed.
- :class:`BuildResult`: what the build did, for the command line and ``deckgen watch``.

Imports only the standard library and the output registry: the no-op build reads these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from .outputs import COUNT_LABELS, FORMATS, OUTPUTS


@dataclass(frozen=True)
class BuildOptions:
    variant: str = "pdf/ua-1"
    print_mode: bool = False
    paper: str | None = None
    strict: bool = False
    formats: tuple[str, ...] = FORMATS
    force: bool = False      # ignore the cache: render everything
    parallel: bool = True    # render the deck in a forked process beside the PDF
    edition: str = ""        # build this edition only ("ja"); "": every edition the brief lists
    param: str = ""          # build this row of a parameterised brief only; "": every row

    def render_options(self, fmt: str) -> dict:
        """The options that change the bytes of output ``fmt`` (part of its cache key)."""
        return OUTPUTS[fmt].options(self)


@dataclass(frozen=True)
class FigureStats:
    """How many figures came from the figure cache and how many were drawn."""

    hits: int = 0
    rendered: int = 0

    def __add__(self, other: FigureStats) -> FigureStats:
        return FigureStats(self.hits + other.hits, self.rendered + other.rendered)

    def as_dict(self) -> dict[str, int]:
        return {"hits": self.hits, "rendered": self.rendered}


@dataclass(frozen=True)
class Pruned:
    """What pruning the figure cache removed after a build: how many cached figures, how many bytes."""

    figures: int = 0
    bytes: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"figures": self.figures, "bytes": self.bytes}


@dataclass(frozen=True)
class DrawnFigures:
    """The PDF's figures as SVG, ``{figure id: bytes}``, and what drawing them took."""

    svgs: Mapping[str, bytes]
    timings: Mapping[str, float] = field(default_factory=dict)
    figures: FigureStats = FigureStats()
    figures_used: frozenset[str] = frozenset()
    environment: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    """One output rendered in memory: its bytes, its count (pages, slides), the time each step
    took, the figure cache's use, the renderers' ``environment`` (see
    :func:`deckgen.build.jobs.environment`) and, when another process rendered it, its id."""

    data: bytes
    count: int
    timings: Mapping[str, float]
    figures: FigureStats
    figures_used: frozenset[str]
    environment: Mapping
    pid: int | None = None
    warnings: tuple = ()  # the deck's: what its reference template needed changed


@dataclass
class BuildResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_LABELS, 0))
    # {"outputs": {fmt: "hit"|"built"}, "figures": {"hits": n, "rendered": n},
    #  "pruned": {"figures": n, "bytes": n}, "parallel": bool}
    cache: dict = field(default_factory=dict)
    slot_counts: dict[str, int] = field(default_factory=dict)  # {"pdf.ja": pages, ...}: editions
    notes: list[str] = field(default_factory=list)  # what the build removed: stale rows' outputs

    @property
    def pages(self) -> int:
        return self.counts.get("pages", 0)

    @property
    def slides(self) -> int:
        return self.counts.get("slides", 0)

    def count_of(self, fmt: str) -> int:
        """The count of output ``fmt`` (the PDF's pages, the deck's slides); ``fmt`` may be an
        edition's slot ("pdf.ja")."""
        if fmt in self.slot_counts:
            return self.slot_counts[fmt]
        return self.counts.get(OUTPUTS[fmt.split(".", 1)[0]].count_label, 0)

    @property
    def up_to_date(self) -> bool:
        """True when every output came from the cache (nothing was rendered)."""
        return bool(self.outputs) and set(self.cache.get("outputs", {}).values()) == {"hit"}
