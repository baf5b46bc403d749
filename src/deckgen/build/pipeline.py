"""The build: source → model → figures → PDF and deck bytes → files in ``build/``.

Only the build writes outputs (this module, through :class:`deckgen.build.store.Store`):

- **Incremental.** Each output is keyed by a hash of everything it is made from
  (:mod:`deckgen.build.keys`); when the key and the file on disk match the manifest, nothing is
  rendered, and nothing heavy is imported (see :func:`build`). Figures are cached by their own
  content (:mod:`deckgen.build.figcache`), so an edited paragraph re-renders the outputs but not
  the figures.
- **Parallel.** When the deck and another output are needed, the deck is rendered in another
  process while this one renders the rest, one per core (:mod:`deckgen.build.processes`; the
  renderings themselves are in :mod:`deckgen.build.jobs`, one per output of
  :mod:`deckgen.build.outputs`).
- **Editions.** A brief that lists ``editions:`` is built once per edition (or only the one
  ``--edition`` names), each into ``build/<name>.<lang>.pdf`` and ``.pptx`` (the original keeps
  ``build/<name>.pdf``), each keyed and cached on its own (:mod:`deckgen.load.editions`).
  A parameterised brief is built once per row of its ``params:`` file (or only ``--param``'s),
  each edition of each row a *unit* (:func:`units_to_build`) keyed by that row's values alone
  (:mod:`deckgen.load.params`), into ``build/<name>-<value>.pdf``.
- **Nothing lost.** Outputs are rendered in memory, then committed by the store: staged in
  fsynced temporary files and moved into place together under a journal, holding a lock on
  ``build/``; a failed, killed or concurrent build never leaves a half-written file or loses
  the previous build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Problem, SourceError
from ..project import Project
from .jobs import Clock, Inputs, Jobs, checked_plans, strict_template
from .keys import InputDigests, tree_entries
from .manifest import Entry
from .options import BuildOptions, BuildResult, FigureStats, Rendered
from .outputs import DECK, OUTPUTS, deck_beside, slot
from .processes import DeckRenderer, Loaded, SourceProcess, can_fork_renderers
from .store import Store

if TYPE_CHECKING:
    from .. import model as m
    from ..load.params import ParamRow
    from ..theme import Theme

Progress = Callable[[str], None]
__all__ = ["BuildOptions", "BuildResult", "build", "check", "check_editions", "load",
           "units_to_build", "validate", "warm_up"]


# ---- validation --------------------------------------------------------------------------------

def check(project: Project, strict: bool = False) -> tuple[m.Brief, Theme, list[Problem]]:
    """Load and validate everything; raise SourceError on errors (and warnings when strict)."""
    brief, theme, warnings, _ = validate(project, strict)
    return brief, theme, warnings


def check_editions(project: Project, original: m.Brief, strict: bool = False) -> tuple[list[str], list[Problem]]:
    """Each translated edition loaded and checked as :func:`check` checks the original (its
    deck's slides planned too), and compared with it
    (:func:`deckgen.load.editions.parity_problems`): the editions' languages, the original's
    first, and their warnings (untranslated, stale, different); a SourceError naming every
    edition's errors; with ``strict`` any warning is an error."""
    from ..load.editions import parity_problems
    from ..load.translations import listed_editions

    listed = list(listed_editions(project.source))
    found: list[Problem] = []
    errors: list[Problem] = []
    for edition in listed[1:]:
        brief, theme, warnings = load(project, False, edition)
        try:
            checked_plans(brief, theme, project)  # the edition's deck, as its build plans it
        except SourceError as exc:
            errors += [e for e in exc.problems if e not in errors]
        found += [w for w in [*warnings, *parity_problems(original, brief)] if w not in found]
    if errors:
        raise SourceError(errors, project.root)
    if strict and found:
        raise SourceError([w.as_error() for w in found], project.root)
    return listed, found


def validate(project: Project, strict: bool = False):
    """``check`` that also returns the slide plans it verified, so the build reuses them.

    The folders a build hashes are walked first, so that ``check`` stops at a folder too deep
    or too full exactly as ``build`` does."""
    for folder in (project.source, *project.template_dirs):
        tree_entries(folder)
    brief, theme, warnings = load(project, strict)
    found: list = []
    plans = checked_plans(brief, theme, project, found)
    strict_template(found, strict, project.root)
    return brief, theme, warnings + found, plans


def load(project: Project, strict: bool = False, edition: str | None = None,
         param: str | None = None) -> tuple[m.Brief, Theme, list[Problem]]:
    """The brief (in ``edition``, default the original; of a parameterised brief, the row
    ``param``, default the first) and the theme, checked but for the deck's parity (see
    :func:`checked_plans`)."""
    from ..load.loader import load_project
    from ..pdf.headers import header_warnings
    from ..theme import ThemeError, load_theme

    try:  # a broken theme is reported with the source's problems, when there are any
        theme, theme_error = load_theme(project.template_file("theme.yaml"), project.root), None
    except ThemeError as exc:
        theme, theme_error = None, exc
    in_theme = theme_error.problems if theme_error else []
    try:
        shared = project.collection / "templates" if project.collection is not None else None
        brief = load_project(project.root, edition, param, shared)
    except SourceError as exc:
        raise SourceError([*exc.problems, *in_theme], project.root) from None
    warnings = list(brief.warnings)
    if theme is not None:
        from ..deck.advice import deck_warnings

        warnings += header_warnings(brief, theme) + deck_warnings(brief, theme)
    if strict and warnings:
        promoted = [w.as_error() for w in warnings]
        raise SourceError([*promoted, *in_theme], project.root)
    if theme_error is not None:
        raise theme_error
    return brief, theme, warnings


# ---- the build ---------------------------------------------------------------------------------

def build(project: Project, options: BuildOptions | None = None,
          progress: Progress | None = None, deck_renderer: DeckRenderer | None = None) -> BuildResult:
    """Build the requested outputs into ``project.build_dir``, rendering only what changed.

    A long-lived process (``deckgen watch``) passes its :class:`DeckRenderer`, which renders the
    deck instead of a process forked for this build."""
    started = time.perf_counter()
    store = Store(project.build_dir)
    notify = progress or (lambda message: None)
    options = options or BuildOptions()
    with store.locked(on_wait=lambda: notify("waiting for another build of this project")):
        digests = InputDigests.of(project)
        result = BuildResult()
        for edition, row in units_to_build(project, options):
            run = _Run(project, options, store, digests, notify, deck_renderer, edition, row)
            keys = run.keys()
            hits = {} if options.force else store.hits(keys, options.strict, run.unit)
            one = run.from_cache(hits) if set(hits) == set(keys) else run.render_and_write(hits)
            _add_edition(result, one, run.unit)
        from .collection import prune_stale

        result.notes = prune_stale(project, store, result.outputs)
        result.cache["pruned"] = store.prune_figures(project.figure_build_dir).as_dict()
    result.warnings[:0] = store.discarded
    result.timings["total"] = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class _Run:
    """One build, under the lock: what it renders from, where it writes, whom it tells."""

    project: Project
    options: BuildOptions
    store: Store
    digests: InputDigests
    notify: Progress
    deck_renderer: DeckRenderer | None
    edition: str | None = None  # a translated edition's language; None: the original
    row: ParamRow | None = None  # a parameterised brief's row (deckgen.load.params)

    @property
    def unit(self) -> str | None:
        """The outputs' slots' tag: "ja", "japan", "japan.ja"; None: the original's, unparameterised."""
        return ".".join(part for part in (self.row.slug if self.row else "", self.edition or "") if part) or None

    def param(self) -> str | None:
        return self.row.key if self.row is not None else None

    def keys(self, read: dict[str, str] | None = None) -> dict[str, str]:
        return self.digests.keys(self.options, read, self.edition, self.row)

    def from_cache(self, entries: dict[str, Entry]) -> BuildResult:
        result = BuildResult()
        for entry in entries.values():  # each records the warnings of the same inputs
            result.warnings = list(entry.warnings)
        _record(result, self.project, entries)
        result.cache = {"outputs": {fmt: "hit" for fmt in entries},
                        "figures": FigureStats().as_dict()}
        return result

    def render_and_write(self, hits: dict[str, Entry]) -> BuildResult:
        result = BuildResult()
        clock = Clock(result.timings)
        todo = [fmt for fmt in self.keys() if fmt not in hits]
        brief, result.warnings, rendered = load_and_render(
            self.project, self.options, self.store, todo, self.edition, self.param(),
            self.deck_renderer, self.notify, clock)
        self.notify("writing")
        with clock("write"):
            entries = self.store.commit(brief.name, rendered, self.keys(dict(brief.source_digests)),
                                        result.warnings, self.unit, (self.row and self.row.slug, self.edition))
        _record(result, self.project, {**hits, **entries})
        _add_rendering(result, hits, rendered)
        return result


def load_and_render(project: Project, options: BuildOptions, store: Store, todo: list[str],
                    edition: str | None = None, param: str | None = None,
                    deck_renderer: DeckRenderer | None = None, notify: Progress | None = None,
                    clock: Clock | None = None) -> tuple[m.Brief, list[Problem], dict[str, Rendered]]:
    """Load and check one unit's source (:func:`load`), then render each output in ``todo``;
    the brief, the warnings (the template's too) and the renderings, nothing written.

    With a second core, a process forked first loads the source while this one imports the
    PDF's renderer, then hands over the figures and renders the deck
    (:class:`~deckgen.build.processes.SourceProcess`); ``deckgen watch`` passes its
    ``deck_renderer`` instead and loads here."""
    notify = notify or (lambda message: None)
    clock = clock or Clock({})

    def load_checked() -> Loaded:
        brief, theme, warnings = load(project, options.strict, edition, param)
        # The deck's job plans its slides and checks them against the brief (in the deck's
        # process when there is one). A deck from the cache passed that check with these very
        # inputs; only a build without a deck makes the check here.
        plans = None if DECK in options.formats else checked_plans(brief, theme, project)
        return Loaded(brief, theme, warnings, plans)

    def jobs_of(loaded: Loaded) -> Jobs:
        return Jobs(Inputs(loaded.brief, project, loaded.theme, options), store, loaded.plans)

    notify("checking the source")
    beside = None
    if deck_renderer is None and options.parallel and set(todo) - {DECK} and can_fork_renderers():
        beside = SourceProcess(store, load_checked, jobs_of, deck=DECK in todo)
    with clock("check"):
        if beside is None:
            loaded = load_checked()
        else:
            try:
                _warm_renderers(todo)
                loaded = beside.loaded()
            except BaseException:
                beside.stop()
                raise
    jobs = jobs_of(loaded)
    notify("rendering " + " and ".join(OUTPUTS[fmt].noun for fmt in todo))
    rendered = beside.render(jobs, todo) if beside else _render(jobs, todo, options.parallel, deck_renderer)
    template_warnings = [w for out in rendered.values() for w in out.warnings]
    strict_template(template_warnings, options.strict, project.root)
    return loaded.brief, [*loaded.warnings, *template_warnings], rendered


def _warm_renderers(todo: list[str]) -> None:
    """Import the renderers of the outputs rendered here, while the source loads elsewhere."""
    import importlib

    for fmt in todo:
        if fmt != DECK:
            importlib.import_module(OUTPUTS[fmt].renderer)


def editions_to_build(project: Project, options: BuildOptions) -> list[str | None]:
    """The editions a build makes, as the languages of translated editions (None: the original):
    ``--edition``'s alone, else every edition ``brief.yaml`` lists, the original first."""
    from ..load.translations import listed_editions

    listed = listed_editions(project.source)
    if options.edition:
        original = listed[0] if listed else None
        return [None if options.edition == original else options.edition]
    return [None, *listed[1:]]


def units_to_build(project: Project, options: BuildOptions) -> list[tuple[str | None, ParamRow | None]]:
    """The units a build makes: each edition (:func:`editions_to_build`) of each row of a
    parameterised brief (``--param``'s alone, else every row; one unit without ``params:``)."""
    from ..load.params import rows_to_build

    rows = rows_to_build(project.source, options.param)
    return [(edition, row) for edition in editions_to_build(project, options) for row in rows]


def _add_edition(result: BuildResult, one: BuildResult, edition: str | None) -> None:
    """``one`` edition's outputs, counts, warnings, timings and cache report added to ``result``:
    its outputs under their slots ("pdf.ja"), each warning once."""
    for fmt, path in one.outputs.items():
        result.outputs[slot(fmt, edition)] = path
        result.slot_counts[slot(fmt, edition)] = one.count_of(fmt)
    if edition is None or not any(result.counts.values()):
        result.counts = dict(one.counts)
    result.warnings += [w for w in one.warnings if w not in result.warnings]
    for name, seconds in one.timings.items():
        result.timings[name] = result.timings.get(name, 0.0) + seconds
    cache = result.cache or {"outputs": {}, "figures": {"hits": 0, "rendered": 0}}
    cache["outputs"].update({slot(fmt, edition): state for fmt, state in one.cache.get("outputs", {}).items()})
    for key in ("hits", "rendered"):
        cache["figures"][key] += one.cache.get("figures", {}).get(key, 0)
    if "parallel" in one.cache:
        cache["parallel"] = cache.get("parallel", False) or one.cache["parallel"]
    result.cache = cache


def warm_up(project: Project, options: BuildOptions) -> None:
    """Render the requested outputs in this process without writing them (figures may be
    cached): loads the renderers, fonts and caches so that the next build is as fast as it gets."""
    brief, theme, _, plans = validate(project, options.strict)
    jobs = Jobs(Inputs(brief, project, theme, options), Store(project.build_dir), plans)
    for fmt in options.formats:
        OUTPUTS[fmt].render(jobs, None)


def _render(jobs: Jobs, todo: list[str], parallel: bool,
            deck_renderer: DeckRenderer | None = None) -> dict[str, Rendered]:
    """Render each output in ``todo``: the deck in ``deck_renderer``'s process, if given and
    another output is needed too, while this process renders the others; else one after the
    other."""
    if parallel and deck_beside(todo) and deck_renderer is not None and deck_renderer.alive:
        deck_renderer.submit(jobs)
        try:
            figures = deck_renderer.figures(jobs)
            here = {fmt: OUTPUTS[fmt].render(jobs, figures) for fmt in todo if fmt != DECK}
        except BaseException:
            deck_renderer.stop()
            raise
        return {**here, DECK: deck_renderer.result()}
    if DECK in todo:
        jobs.checked_plans()  # a source the deck cannot show fails before anything renders
    return {fmt: OUTPUTS[fmt].render(jobs, None) for fmt in todo}


def _record(result: BuildResult, project: Project, entries: dict[str, Entry]) -> None:
    """The outputs' files and counts, as the manifest records them."""
    for fmt, entry in entries.items():
        result.outputs[fmt] = project.build_dir / entry.file
        if entry.count is not None:
            result.counts[OUTPUTS[fmt].count_label] = entry.count


def _add_rendering(result: BuildResult, hits: dict[str, Entry], rendered: dict[str, Rendered]) -> None:
    """What rendering took: each step's time, the figure cache's use, the cache's report."""
    figures = FigureStats()
    for out in rendered.values():
        for name, seconds in out.timings.items():
            result.timings[name] = result.timings.get(name, 0.0) + seconds
        figures += out.figures
    result.cache = {"outputs": {**{f: "hit" for f in hits}, **{f: "built" for f in rendered}},
                    "figures": figures.as_dict(),
                    "parallel": any(out.pid is not None for out in rendered.values())}
