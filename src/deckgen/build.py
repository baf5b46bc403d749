"""The build: source → model → figures → PDF and deck bytes → files in ``build/``.

Only the build writes outputs (this module, through the store in :mod:`deckgen.cache`):

- **Incremental.** Each output is keyed by a hash of everything it is made from; when the key
  and the file on disk match the manifest, nothing is rendered, and nothing heavy is imported
  (see :func:`build`). Figures are cached by their own content, so an edited paragraph
  re-renders the outputs but not the figures.
- **Parallel.** When both outputs are needed, the deck is rendered in a forked process while
  this one renders the PDF, one per core.
- **Nothing lost.** Outputs are rendered in memory, staged in fsynced temporary files and moved
  into place together under a journal, holding a lock on ``build/``: a failed, killed or
  concurrent build never leaves a half-written file or loses the previous build.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from .errors import DeckgenError, Loc, Problem, SourceError
from .project import Project

if TYPE_CHECKING:
    from . import model as m
    from .theme import Theme

FORMATS = ("pdf", "pptx")
Progress = Callable[[str], None]


@dataclass
class BuildOptions:
    variant: str = "pdf/ua-1"
    print_mode: bool = False
    paper: str | None = None
    strict: bool = False
    formats: tuple[str, ...] = FORMATS
    force: bool = False      # ignore the cache: render everything
    parallel: bool = True    # render the deck in a forked process beside the PDF

    def render_options(self, fmt: str) -> dict:
        """The options that change the bytes of output ``fmt`` (part of its cache key)."""
        if fmt == "pdf":
            return {"variant": self.variant, "print": self.print_mode, "paper": self.paper}
        return {}


@dataclass
class BuildResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    slides: int = 0
    cache: dict = field(default_factory=dict)  # {"outputs": {fmt: "hit"|"built"}, "figures": {...}}

    @property
    def up_to_date(self) -> bool:
        """True when every output came from the cache (nothing was rendered)."""
        return bool(self.outputs) and set(self.cache.get("outputs", {}).values()) == {"hit"}


# ---- validation --------------------------------------------------------------------------------

def check(project: Project, strict: bool = False) -> tuple[m.Brief, Theme, list[Problem]]:
    """Load and validate everything; raise SourceError on errors (and warnings when strict)."""
    brief, theme, warnings, _ = validate(project, strict)
    return brief, theme, warnings


def validate(project: Project, strict: bool = False):
    """``check`` that also returns the slide plans it verified, so the build reuses them."""
    brief, theme, warnings = load(project, strict)
    return brief, theme, warnings, checked_plans(brief, theme, project)


def load(project: Project, strict: bool = False) -> tuple[m.Brief, Theme, list[Problem]]:
    """The brief and the theme, checked but for the deck's parity (see :func:`checked_plans`)."""
    from .loader import load_project
    from .theme import load_theme

    brief = load_project(project.root)
    warnings = list(brief.warnings)
    if strict and warnings:
        promoted = [Problem(w.loc, w.message, w.field, w.expected) for w in warnings]
        raise SourceError(promoted, project.root)
    return brief, load_theme(project.template_file("theme.yaml")), warnings


def checked_plans(brief: m.Brief, theme: Theme, project: Project) -> list:
    """The deck's slide plans; SourceError if they would leave out a key point or a figure."""
    from .parity import parity_problems
    from .plan import plan_slides

    geometry = None
    if project.reference_deck is not None:
        from .deck import deck_geometry

        geometry = deck_geometry(theme, project.reference_deck)
    plans = plan_slides(brief, theme, geometry)
    problems = parity_problems(brief, plans)
    if problems:
        raise SourceError(problems, project.root)
    return plans


# ---- the build ---------------------------------------------------------------------------------

def build(project: Project, options: BuildOptions | None = None,
          progress: Progress | None = None, deck_renderer: DeckRenderer | None = None) -> BuildResult:
    """Build the requested outputs into ``project.build_dir``, rendering only what changed.

    A long-lived process (``deckgen watch``) passes its :class:`DeckRenderer`, which renders the
    deck instead of a process forked for this build."""
    options = options or BuildOptions()
    started = time.perf_counter()
    store = cache.Store(project.build_dir)
    notify = progress or (lambda message: None)
    with store.locked(on_wait=lambda: notify("waiting for another build of this project")):
        store.recover()
        keys = output_keys(project, options)
        hits = {} if options.force else store.hits(keys, options.strict)
        if set(hits) == set(keys):
            result = _from_cache(project, hits)
        else:
            result = _render_and_write(project, options, store, keys, hits, notify, deck_renderer)
    result.timings["total"] = time.perf_counter() - started
    return result


def output_keys(project: Project, options: BuildOptions) -> dict[str, str]:
    """The cache key of each requested output (hashes files; imports nothing heavy)."""
    inputs = cache.input_digest(project.source, project.template_dirs)
    return {fmt: cache.output_key(inputs, fmt, options.render_options(fmt)) for fmt in options.formats}


def _from_cache(project: Project, entries: dict[str, dict]) -> BuildResult:
    result = BuildResult()
    for fmt, entry in entries.items():
        result.outputs[fmt] = project.build_dir / entry["file"]
        result.pages = entry.get("pages", result.pages)
        result.slides = entry.get("slides", result.slides)
        result.warnings = [_problem(w) for w in entry.get("warnings", [])]
    result.cache = {"outputs": {fmt: "hit" for fmt in entries}, "figures": {"hits": 0, "rendered": 0}}
    return result


def _render_and_write(project, options, store, keys, hits, notify, deck_renderer) -> BuildResult:
    result = BuildResult()
    clock = _Clock(result.timings)
    notify("checking the source")
    todo = [fmt for fmt in keys if fmt not in hits]
    deck_process = None
    if deck_renderer is None and options.parallel and set(todo) == set(FORMATS) and can_fork_renderers():
        deck_process = _DeckProcess(store)  # it imports matplotlib while the source loads here
    try:
        with clock("check"):
            brief, theme, result.warnings = load(project, options.strict)
            # The deck's job plans its slides and checks them against the brief (in the deck's
            # process when there is one); without a deck to render, the check is made here.
            plans = None if "pptx" in todo else checked_plans(brief, theme, project)
    except BaseException:
        if deck_process is not None:
            deck_process.cancel()
        raise
    jobs = _Jobs(brief, project, theme, plans, options, store)
    notify("rendering " + " and ".join(JOB_NAMES[fmt] for fmt in todo))
    rendered = _run(jobs, todo, options.parallel, deck_renderer or deck_process)
    notify("writing")
    with clock("write"):
        environment = next(out["environment"] for out in rendered.values())
        entries = _commit(store, project, brief, rendered, keys, result.warnings, environment)
    _collect(result, project, rendered, hits, entries)
    store.prune_figures(set().union(*(r["figures_used"] for r in rendered.values())))
    return result


JOB_NAMES = {"pdf": "the PDF", "pptx": "the deck"}


def warm_up(project: Project, options: BuildOptions) -> None:
    """Render the requested outputs in this process without writing them (figures may be
    cached): loads the renderers, fonts and caches so that the next build is as fast as it gets."""
    brief, theme, _, plans = validate(project, options.strict)
    jobs = _Jobs(brief, project, theme, plans, options, cache.Store(project.build_dir))
    for fmt in options.formats:
        getattr(jobs, fmt)()


def _environment(theme: Theme) -> dict:
    """The stat signature of the fonts and libraries the renderers use (part of the figure
    cache's key; a build records it in its manifest). It loads matplotlib's font manager."""
    return cache.stat_signature(cache.environment_files(_render_fonts(theme)))


def _render_fonts(theme: Theme) -> list[str]:
    """The font families deckgen draws and measures with (not the names the deck asks for)."""
    names = ("serif", "sans", "cjk_serif", "cjk_sans", "deck_metrics", "deck_cjk")
    return [theme.fonts[n] for n in names if n in theme.fonts] + ["DejaVu Sans"]


class _Jobs:
    """The two renderings, each returning a picklable dict (it may run in a forked process).

    Each result carries the renderers' ``environment`` (see :func:`_environment`), worked out
    in the process that rendered it, where the fonts are loaded anyway."""

    def __init__(self, brief, project, theme, plans, options, store):
        self.brief, self.project, self.theme, self.plans = brief, project, theme, plans
        self.options, self.store = options, store
        self._environment: dict | None = None

    def portable(self) -> tuple:
        """What another process needs to rebuild these jobs (see :meth:`from_portable`)."""
        return (self.brief, self.project, self.theme, self.plans, self.options)

    @classmethod
    def from_portable(cls, portable: tuple) -> _Jobs:
        brief, project, theme, plans, options = portable
        return cls(brief, project, theme, plans, options, cache.Store(project.build_dir))

    def environment(self) -> dict:
        if self._environment is None:
            self._environment = _environment(self.theme)
        return self._environment

    def figures(self) -> cache.FigureCache:
        salt = cache.output_key(cache.code_digest(), "figures", self.environment())
        return cache.FigureCache(self.store.figures, salt)

    def checked_plans(self) -> list:
        """The slide plans, made and checked against the brief on first use."""
        if self.plans is None:
            self.plans = checked_plans(self.brief, self.theme, self.project)
        return self.plans

    def svgs(self) -> dict:
        """The PDF's figures as SVG (from the figure cache where it has them)."""
        timings, figs = {}, self.figures()
        with _Clock(timings)("figures_svg"):
            svgs = {f.id: figs.get(f, self.theme, "svg", lambda f=f: _figures().render_svg(f, self.theme))
                    for f in self.brief.figures}
        return {"svgs": svgs, "timings": timings, "figures": figs.stats(), "figures_used": figs.used,
                "environment": self.environment()}

    def pdf(self, figures: HandedOver | None = None) -> dict:
        """Render the PDF with ``figures`` handed over by another process, or drawn here."""
        from .pdf import render_pdf

        figures = figures or HandedOver(self.brief, self.svgs)
        timings: dict[str, float] = {}
        with _Clock(timings)("pdf"):
            o = self.options
            rendered = render_pdf(self.brief, self.project, self.theme, figures, o.variant,
                                  o.print_mode, o.paper)
        drawn = figures.payload()
        return {"data": rendered.data, "pages": rendered.pages, "timings": {**drawn["timings"], **timings},
                "figures": drawn["figures"], "figures_used": drawn["figures_used"],
                "environment": drawn["environment"]}

    def pptx(self) -> dict:
        from . import model as m
        from .deck import write_deck

        timings, figs = {}, self.figures()
        clock = _Clock(timings)
        with clock("figures_png"):
            pngs = {f.id: figs.get(f, self.theme, "png", lambda f=f: _figures().render_png(f, self.theme))
                    for f in self.brief.figures if f.kind not in m.CHART_KINDS}
        with clock("plan"):
            plans = self.checked_plans()
        with clock("deck"):
            data = write_deck(plans, self.brief, self.theme, pngs, self.project.reference_deck)
        return {"data": data, "slides": len(plans), "timings": timings,
                "figures": figs.stats(), "figures_used": figs.used, "environment": self.environment()}


class HandedOver(Mapping):
    """The PDF's figures, ``{figure id: SVG bytes}``, fetched by ``receive()`` on first use.

    The PDF starts rendering (parsing, styling) before its figures exist: WeasyPrint asks for
    the first figure only when it builds the boxes, and waits for the other process then."""

    def __init__(self, brief: m.Brief, receive: Callable[[], dict]):
        self.ids = [f.id for f in brief.figures]
        self.receive = receive
        self.received: dict | None = None

    def payload(self) -> dict:
        """What :meth:`_Jobs.svgs` returned, where it ran."""
        if self.received is None:
            self.received = self.receive()
        return self.received

    def __getitem__(self, figure_id: str) -> bytes:
        return self.payload()["svgs"][figure_id]

    def __contains__(self, figure_id) -> bool:
        return figure_id in self.ids

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _figures():
    """deckgen.figures, imported (with matplotlib's drawing machinery) only to draw a figure."""
    from . import figures

    return figures


def _run(jobs: _Jobs, todo: list[str], parallel: bool,
         deck_renderer: DeckRenderer | _DeckProcess | None = None) -> dict[str, dict]:
    """Render each output in ``todo``: the deck in ``deck_renderer``'s process, if given and
    both outputs are needed, while this process renders the PDF; else one after the other."""
    if parallel and set(todo) == set(FORMATS) and deck_renderer is not None and deck_renderer.alive:
        deck_renderer.submit(jobs)
        try:
            pdf_result = jobs.pdf(deck_renderer.figures(jobs))
        except BaseException:
            deck_renderer.stop()
            raise
        return {"pdf": pdf_result, "pptx": deck_renderer.result()}
    if "pptx" in todo:
        jobs.checked_plans()  # a source the deck cannot show fails before anything renders
    return {fmt: getattr(jobs, fmt)() for fmt in todo}


def can_fork_renderers() -> bool:
    """True when a forked process can render beside this one (a second core, and fork)."""
    return _cores() > 1 and hasattr(os, "fork")


def _cores() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _commit(store, project, brief, rendered, keys, warnings, environment) -> dict[str, dict]:
    """Stage every rendered output, then move them all into place with the new manifest."""
    staged, entries = {}, {}
    for fmt, out in rendered.items():
        target = project.build_dir / f"{brief.name}.{fmt}"
        staged[target] = cache.stage(out["data"], store.tmp, target.name)
        entries[fmt] = {"key": keys[fmt], "file": target.name,
                        "sha256": _sha256(out["data"]),
                        "warnings": [_problem_data(w) for w in warnings]}
        for count in ("pages", "slides"):
            if count in out:
                entries[fmt][count] = out[count]
    store.commit(staged, store.updated_manifest(entries, environment))
    return entries


def _collect(result: BuildResult, project: Project, rendered, hits, entries) -> None:
    """Fill ``result`` from what was rendered now and what came from the cache."""
    for fmt, entry in {**hits, **entries}.items():
        result.outputs[fmt] = project.build_dir / entry["file"]
        result.pages = entry.get("pages", result.pages)
        result.slides = entry.get("slides", result.slides)
    figures = {"hits": 0, "rendered": 0}
    for out in rendered.values():
        for name, seconds in out["timings"].items():
            result.timings[name] = result.timings.get(name, 0.0) + seconds
        for name in figures:
            figures[name] += out["figures"][name]
    result.cache = {"outputs": {**{f: "hit" for f in hits}, **{f: "built" for f in rendered}},
                    "figures": figures, "parallel": "pid" in rendered.get("pptx", {})}


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _problem_data(problem: Problem) -> dict:
    return {"file": problem.loc.file, "line": problem.loc.line, "col": problem.loc.col,
            "message": problem.message, "field": problem.field, "expected": problem.expected}


def _problem(data: dict) -> Problem:
    return Problem(Loc(data["file"], data["line"], data["col"]), data["message"], data["field"],
                   data["expected"], warning=True)


# ---- a forked child process ------------------------------------------------------------------

class _Forked:
    """Run ``job()`` in a forked child process; ``result()`` returns its value or raises its error.

    Fork (not spawn) so the child starts with the model, the theme and the warm imports of this
    process and nothing needs pickling on the way in; the result comes back through a pipe.
    """

    def __init__(self, job: Callable[[], dict], store: cache.Store):
        import gc
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(job, sender, store), daemon=True)
        self.unfreeze = gc.get_freeze_count() == 0  # else the caller (watch) froze the heap
        gc.freeze()  # until the child is done, neither process's collector scans (and so
        try:         # copies, page by page) the objects they share; see cancel()
            _start(self.process)
        except BaseException:
            self._unfreeze()
            raise
        sender.close()

    def result(self) -> dict:
        try:
            return _unpacked(self.receiver.recv())
        except EOFError:
            raise DeckgenError("the deck renderer stopped unexpectedly") from None
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the child if it still runs (the parent failed or was interrupted)."""
        self.receiver.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._unfreeze()

    def _unfreeze(self) -> None:
        import gc

        if self.unfreeze:
            gc.unfreeze()


def _start(process) -> None:
    """Fork ``process`` with Ctrl-C held back until the fork is done: an interrupt raised in
    the fork's own handlers would be lost. The child lets it through again (see _child)."""
    import signal
    import warnings

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        with warnings.catch_warnings():  # fork in a threaded process (watch mode): the
            warnings.simplefilter("ignore", DeprecationWarning)  # child only renders
            process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _let_ctrl_c_through() -> None:
    import signal

    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _child(job, sender, store: cache.Store) -> None:
    _let_ctrl_c_through()
    store.release_in_child()
    try:
        sender.send(_outcome(job))
    finally:
        sender.close()


def _outcome(job: Callable[[], dict]) -> tuple[str, object]:
    """Run ``job`` in a child process: ``("ok", its result)`` or ``("error", (message, exit code))``."""
    try:
        return ("ok", {**job(), "pid": os.getpid()})
    except KeyboardInterrupt:
        os._exit(130)  # the parent was interrupted too, and reports it
    except SourceError as exc:
        return ("source-error", (exc.problems, exc.root))
    except DeckgenError as exc:
        return ("error", (str(exc), exc.exit_code))
    except BaseException:  # noqa: BLE001 - a bug: carry its traceback to the parent
        import traceback

        return ("error", (f"deck rendering failed:\n{traceback.format_exc()}", 1))


def _unpacked(outcome: tuple[str, object]) -> dict:
    """The result in a child's :func:`_outcome`, or its error raised here."""
    status, payload = outcome
    if status == "source-error":
        raise SourceError(*payload)
    if status == "error":
        message, exit_code = payload
        error = DeckgenError(message)
        error.exit_code = exit_code
        raise error
    return payload


# ---- the deck's process for one build ----------------------------------------------------------

class _DeckProcess:
    """A process forked for one build, before the source is loaded: it imports the figures'
    renderer meanwhile, then receives the jobs, draws the PDF's figures and hands them over,
    then renders the deck. The PDF, rendered here, asks for the figures only once WeasyPrint
    builds its boxes (see :class:`HandedOver`)."""

    def __init__(self, store: cache.Store):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        jobs_in, self.jobs_out = context.Pipe(duplex=False)
        self.figures_in, figures_out = context.Pipe(duplex=False)
        parents_ends = (self.jobs_out, self.figures_in)

        def figures_then_deck() -> dict:
            for end in parents_ends:
                end.close()
            _figures()  # import matplotlib while the parent loads the source
            try:
                jobs = _Jobs.from_portable(jobs_in.recv())
            except EOFError:  # the parent stopped before sending any
                os._exit(0)
            figures_out.send(jobs.svgs())
            figures_out.close()
            return jobs.pptx()

        self.forked = _Forked(figures_then_deck, store)
        jobs_in.close()
        figures_out.close()

    @property
    def alive(self) -> bool:
        return True  # a failure surfaces as an error in figures() or result()

    def submit(self, jobs: _Jobs) -> None:
        self.jobs_out.send(jobs.portable())
        self.jobs_out.close()

    def figures(self, jobs: _Jobs) -> HandedOver:
        def receive() -> dict:
            try:
                return self.figures_in.recv()
            except EOFError:  # the process failed before handing the figures over
                return jobs.svgs()
            finally:
                self.figures_in.close()

        return HandedOver(jobs.brief, receive)

    def result(self) -> dict:
        return self.forked.result()

    def stop(self) -> None:
        self.forked.cancel()

    cancel = stop


# ---- a long-lived deck renderer ----------------------------------------------------------------

class DeckRenderer:
    """A forked process that renders decks for the builds of one long-lived process.

    Forked once, after the renderers are warm, rather than for every build: a fork makes the
    parent copy, page by page, every page of its large heap it then writes to, which slows the
    PDF rendered beside it by about a third. One deck is rendered at a time; ``stop()`` ends the
    process (a build that fails or is interrupted while it renders stops it, so no stale
    result is ever read)."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve_decks, args=(theirs, self.connection),
                                       daemon=True)
        _start(self.process)
        theirs.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def submit(self, jobs: _Jobs) -> None:
        self.connection.send(jobs.portable())

    def figures(self, jobs: _Jobs) -> HandedOver:
        """The PDF's figures, drawn (or found in the cache) by the PDF's process itself."""
        return HandedOver(jobs.brief, jobs.svgs)

    def result(self) -> dict:
        """The deck submitted last, or its error raised here."""
        try:
            outcome = self.connection.recv()
        except (EOFError, OSError):
            self.stop()
            raise DeckgenError("the deck renderer stopped unexpectedly") from None
        return _unpacked(outcome)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _serve_decks(connection, parents_end) -> None:
    """The deck renderer's loop: a deck for each jobs received, until the parent goes.

    The copy of the parent's end of the pipe that the fork gave this process is closed first:
    then the parent's exit, however it happens, ends the loop."""
    import gc
    import signal

    parents_end.close()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _let_ctrl_c_through()
    gc.enable()
    while True:
        try:
            portable = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_outcome(_Jobs.from_portable(portable).pptx))
        gc.collect()  # while the parent still renders its PDF or waits for the next save


# ---- timing ------------------------------------------------------------------------------------

class _Clock:
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
