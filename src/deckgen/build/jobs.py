"""The renderings of a build, one per output, as jobs any process can run.

:class:`Jobs` holds what every rendering reads (:class:`Inputs`: the brief, the project, the
theme, the options) and the store's figure cache, and returns each output as a picklable
:class:`~deckgen.build.options.Rendered`, so that the deck may be rendered in another process
(see :mod:`deckgen.build.processes`). The deck's job plans its slides and checks them against
the brief first; the PDF's job takes its figures as a :class:`HandedOver` mapping, which another
process may still be drawing when the PDF starts. The output registry
(:mod:`deckgen.build.outputs`) names the job of each output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import EnvironmentProblem, SourceError
from ..project import Project
from . import keys
from .figcache import FigureCache
from .options import BuildOptions, DrawnFigures, Rendered
from .store import Store

if TYPE_CHECKING:
    from .. import model as m
    from ..theme import Theme


# The theme's fonts the renderers set text in. ``fonts.deck`` is only the name the deck asks for
# (Calibri, which its users have); deckgen measures and renders with ``deck_metrics``.
RENDERED_FONTS = ("serif", "sans", "cjk_serif", "cjk_sans", "arabic_serif", "arabic_sans",
                  "deck_metrics", "deck_cjk")


def require_theme_fonts(theme: Theme) -> None:
    """Every font the theme names for rendering is installed; else one EnvironmentProblem naming
    each (WeasyPrint and matplotlib would silently set the text in another font)."""
    from ..deck.textfit import font_path

    missing = []
    for key in RENDERED_FONTS:
        family = theme.fonts[key]
        try:
            font_path(family)
        except EnvironmentProblem:
            missing.append(f"{theme.path}: fonts.{key}: font '{family}' is not installed")
    if missing:
        raise EnvironmentProblem("\n".join(missing) + "\n(install the fonts, for example with the "
                                 "set-up command, or name installed families in the theme)")


def checked_plans(brief: m.Brief, theme: Theme, project: Project, warnings: list | None = None) -> list:
    """The deck's slide plans; SourceError if they would leave out a key point or a figure.
    What deckgen changed of a reference template to draw on it, and each title it shortened, is
    added to ``warnings``."""
    from ..deck.parity import parity_problems
    from ..deck.plan import plan_slides

    require_theme_fonts(theme)
    geometry = None
    if project.reference_deck is not None:
        from ..deck.template import deck_geometry

        geometry = deck_geometry(theme, project.reference_deck, brief.meta.language)
        if warnings is not None:
            warnings.extend(geometry.warnings)
    plans = plan_slides(brief, theme, geometry)
    if geometry is not None:
        from ..deck.template import require_layouts

        require_layouts(geometry, plans)  # every layout the plan uses and the template lacks
    problems = parity_problems(brief, plans)
    if problems:
        raise SourceError(problems, project.root)
    if warnings is not None:
        from ..deck.advice import shortened_titles

        warnings.extend(shortened_titles(brief, plans))
    return plans


def strict_template(warnings: list, strict: bool, root=None) -> None:
    """With ``--strict``, the warnings of planning the deck are errors: those located in the
    source (a title shortened) a SourceError (exit 1), the reference template's an
    EnvironmentProblem (exit 2)."""
    if not strict or not warnings:
        return
    in_source = [w for w in warnings if w.loc.file.startswith("source/")]
    if in_source:
        raise SourceError([w.as_error() for w in in_source], root)
    raise EnvironmentProblem("\n".join(f"{w.loc}: {w.message}" for w in warnings)
                             + "\n(--strict: the reference template's warnings are errors)")


def environment(theme: Theme) -> dict:
    """The stat signature of the fonts and libraries the renderers use (part of the figure
    cache's key; a build records it in its manifest)."""
    return keys.stat_signature(keys.environment_files(_render_fonts(theme)))


def _render_fonts(theme: Theme) -> list[str]:
    """The font families deckgen draws and measures with (not the names the deck asks for)."""
    return [theme.fonts[n] for n in RENDERED_FONTS if n in theme.fonts] + ["DejaVu Sans"]


@dataclass(frozen=True)
class Inputs:
    """What every rendering of one build reads; picklable, to cross to the deck's process."""

    brief: m.Brief
    project: Project
    theme: Theme
    options: BuildOptions


class Jobs:
    """The renderings of one build, each returning a :class:`Rendered` (it may run in a forked
    process).

    Each result carries the renderers' ``environment`` (see :func:`environment`), worked out
    in the process that rendered it, where the fonts are loaded anyway."""

    def __init__(self, inputs: Inputs, store: Store, plans: list | None = None):
        self.inputs, self.store, self.plans = inputs, store, plans
        self.brief, self.theme, self.project = inputs.brief, inputs.theme, inputs.project
        self._environment: dict | None = None
        self.template_warnings: list = []  # what the reference template needed changed

    def portable(self) -> tuple[Inputs, list | None]:
        """What another process needs to rebuild these jobs (see :meth:`from_portable`)."""
        return (self.inputs, self.plans)

    @classmethod
    def from_portable(cls, portable: tuple[Inputs, list | None]) -> Jobs:
        inputs, plans = portable
        return cls(inputs, Store(inputs.project.build_dir), plans)

    def environment(self) -> dict:
        if self._environment is None:
            self._environment = environment(self.theme)
        return self._environment

    def figures(self) -> FigureCache:
        salt = keys.output_key(keys.code_digest(), "figures", self.environment())
        if self.project.figure_root is not None:  # a collection's cache, shared by its briefs
            from .collection import SharedFigureCache, shared_figures

            return SharedFigureCache(shared_figures(self.project.figure_root), salt)
        return FigureCache(self.store.folder("figures"), salt)

    def checked_plans(self) -> list:
        """The slide plans, made and checked against the brief on first use."""
        if self.plans is None:
            self.plans = checked_plans(self.brief, self.theme, self.project, self.template_warnings)
        return self.plans

    def svgs(self) -> DrawnFigures:
        """The PDF's figures as SVG (from the figure cache where it has them)."""
        timings, figs = {}, self.figures()
        with Clock(timings)("figures_svg"):
            svgs = {f.id: figs.get(f, self.theme, "svg", lambda f=f: figures_module().render_svg(f, self.theme))
                    for f in self.brief.figures if f.picture is None}  # pictures: the loader's bytes
        return DrawnFigures(svgs, timings, figs.stats(), frozenset(figs.used), self.environment())

    def figures_drawn_here(self) -> HandedOver:
        """The PDF's figures, drawn (or found in the cache) by this process when first asked for."""
        return HandedOver(self.brief, self.svgs)

    # ---- one job per output (see deckgen.build.outputs) ----
    def pdf(self, figures: HandedOver | None = None) -> Rendered:
        """Render the PDF with ``figures`` handed over by another process, or drawn here.

        A resource the document asks for outside the sandbox comes from the templates (the
        source's references are refused by the loader): :class:`~deckgen.pdf.weasy.RefusedResource`
        is a problem of the templates (exit 2), not of the source."""
        from ..pdf.document import render_pdf

        figures = figures or self.figures_drawn_here()
        timings: dict[str, float] = {}
        o = self.inputs.options
        with Clock(timings)("pdf"):
            rendered = render_pdf(self.brief, self.project, self.theme, figures, o.variant,
                                  o.print_mode, o.paper)
        drawn = figures.payload()
        return Rendered(rendered.data, rendered.pages, {**drawn.timings, **timings}, drawn.figures,
                        drawn.figures_used, drawn.environment)

    def pptx(self) -> Rendered:
        from ..deck.plan import deck_plan
        from ..deck.writer import draw_deck
        from ..figures.kinds import KINDS

        timings, figs = {}, self.figures()
        clock = Clock(timings)
        with clock("figures_png"):
            pngs = {f.id: figs.get(f, self.theme, "png", lambda f=f: figures_module().render_png(f, self.theme))
                    for f in self.brief.figures if not KINDS[f.kind].native}
        with clock("plan"):
            plans = self.checked_plans()
        with clock("deck"):
            data = draw_deck(deck_plan(self.brief, plans), self.theme, pngs, self.project.reference_deck)
        return Rendered(data, len(plans), timings, figs.stats(), frozenset(figs.used),
                        self.environment(), warnings=tuple(self.template_warnings))


class HandedOver(Mapping):
    """The PDF's figures, ``{figure id: SVG bytes}``, fetched by ``receive()`` on first use.

    The PDF starts rendering (parsing, styling) before its figures exist: WeasyPrint asks for
    the first figure only when it builds the boxes, and waits for the other process then."""

    def __init__(self, brief: m.Brief, receive: Callable[[], DrawnFigures]):
        self.ids = [f.id for f in brief.figures]
        self.receive = receive
        self.received: DrawnFigures | None = None

    def payload(self) -> DrawnFigures:
        """What :meth:`Jobs.svgs` returned, where it ran."""
        if self.received is None:
            self.received = self.receive()
        return self.received

    def __getitem__(self, figure_id: str) -> bytes:
        return self.payload().svgs[figure_id]

    def __contains__(self, figure_id) -> bool:
        return figure_id in self.ids

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def figures_module():
    """deckgen.figures.drawing, imported (with matplotlib's drawing machinery) only to draw a figure."""
    from ..figures import drawing

    return drawing


class Clock:
    """Adds the seconds spent in ``with clock(name):`` blocks to ``timings[name]``."""

    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    def __call__(self, name: str):
        clock = self

        class _Span:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                clock.timings[name] = clock.timings.get(name, 0.0) + time.perf_counter() - self.start

        return _Span()
