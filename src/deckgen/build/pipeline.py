"""The build: source → model → figures → PDF and deck bytes → files in ``build/``.

Only the build writes outputs (this module, through the store in :mod:`deckgen.cache`):

- **Incremental.** Each output is keyed by a hash of everything it is made from; when the key
  and the file on disk match the manifest, nothing is rendered, and nothing heavy is imported
  (see :func:`build`). Figures are cached by their own content, so an edited paragraph
  re-renders the outputs but not the figures.
- **Parallel.** When both outputs are needed, the deck is rendered in another process while
  this one renders the PDF, one per core (:mod:`deckgen.processes`; the renderings themselves
  are in :mod:`deckgen.jobs`).
- **Nothing lost.** Outputs are rendered in memory, staged in fsynced temporary files and moved
  into place together under a journal, holding a lock on ``build/``: a failed, killed or
  concurrent build never leaves a half-written file or loses the previous build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Loc, Problem, SourceError
from ..project import Project
from . import cache
from .jobs import Clock, Jobs, checked_plans
from .processes import DeckProcess, DeckRenderer, can_fork_renderers

if TYPE_CHECKING:
    from .. import model as m
    from ..theme import Theme

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
    """``check`` that also returns the slide plans it verified, so the build reuses them.

    The folders a build hashes are walked first, so that ``check`` stops at a folder too deep
    or too full exactly as ``build`` does."""
    for folder in (project.source, *project.template_dirs):
        cache.tree_entries(folder)
    brief, theme, warnings = load(project, strict)
    return brief, theme, warnings, checked_plans(brief, theme, project)


def load(project: Project, strict: bool = False) -> tuple[m.Brief, Theme, list[Problem]]:
    """The brief and the theme, checked but for the deck's parity (see :func:`checked_plans`)."""
    from ..load.loader import load_project
    from ..theme import load_theme

    brief = load_project(project.root)
    warnings = list(brief.warnings)
    if strict and warnings:
        promoted = [Problem(w.loc, w.message, w.field, w.expected) for w in warnings]
        raise SourceError(promoted, project.root)
    return brief, load_theme(project.template_file("theme.yaml")), warnings


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
        notices = store.recover()
        digests = InputDigests.of(project)
        keys = digests.keys(options)
        hits = {} if options.force else store.hits(keys, options.strict)
        if set(hits) == set(keys):
            result = _from_cache(project, hits)
        else:
            result = _render_and_write(project, options, store, digests, hits, notify, deck_renderer)
    result.warnings[:0] = [_discarded_journal(store, project, notice) for notice in notices]
    result.timings["total"] = time.perf_counter() - started
    return result


@dataclass
class InputDigests:
    """The digests of a build's inputs, taken before the source is loaded: one per file under
    ``source/`` (see :func:`cache.file_digests`), one per templates folder."""

    source: dict[str, str]
    templates: list[str]

    @classmethod
    def of(cls, project: Project) -> InputDigests:
        return cls(cache.file_digests(project.source), cache.template_digests(project.template_dirs))

    def keys(self, options: BuildOptions, read: dict[str, str] | None = None) -> dict[str, str]:
        """The cache key of each requested output. With ``read``, the digests of the bytes
        the loader read (``{path under source/: digest}``) stand in for those of the same files
        taken before: a file saved while the build ran is keyed as it went into the outputs,
        so the next build renders again unless the disk still holds exactly that."""
        source = self.source
        if read:
            source = {path: read.get(path, digest) for path, digest in source.items()}
        inputs = cache.input_digest(source, self.templates)
        return {fmt: cache.output_key(inputs, fmt, options.render_options(fmt))
                for fmt in options.formats}


def output_keys(project: Project, options: BuildOptions) -> dict[str, str]:
    """The cache key of each requested output (hashes files; imports nothing heavy)."""
    return InputDigests.of(project).keys(options)


def _discarded_journal(store: cache.Store, project: Project, notice: str) -> Problem:
    where = store.journal_path.relative_to(project.root).as_posix()
    return Problem(Loc(where), f"discarded the journal of an interrupted build: {notice}",
                   expected="nothing to do: what it would have finished is rendered again",
                   warning=True)


def _from_cache(project: Project, entries: dict[str, dict]) -> BuildResult:
    result = BuildResult()
    for fmt, entry in entries.items():
        result.outputs[fmt] = project.build_dir / entry["file"]
        result.pages = entry.get("pages", result.pages)
        result.slides = entry.get("slides", result.slides)
        result.warnings = [_problem(w) for w in entry.get("warnings", [])]
    result.cache = {"outputs": {fmt: "hit" for fmt in entries}, "figures": {"hits": 0, "rendered": 0}}
    return result


def _render_and_write(project, options, store, digests, hits, notify, deck_renderer) -> BuildResult:
    result = BuildResult()
    clock = Clock(result.timings)
    notify("checking the source")
    keys = digests.keys(options)
    todo = [fmt for fmt in keys if fmt not in hits]
    deck_process = None
    if deck_renderer is None and options.parallel and set(todo) == set(FORMATS) and can_fork_renderers():
        deck_process = DeckProcess(store)  # it imports matplotlib while the source loads here
    try:
        with clock("check"):
            brief, theme, result.warnings = load(project, options.strict)
            # The deck's job plans its slides and checks them against the brief (in the deck's
            # process when there is one). A deck from the cache passed that check with these
            # very inputs; only a build without a deck makes the check here.
            plans = None if "pptx" in keys else checked_plans(brief, theme, project)
    except BaseException:
        if deck_process is not None:
            deck_process.stop()
        raise
    jobs = Jobs(brief, project, theme, plans, options, store)
    notify("rendering " + " and ".join(JOB_NAMES[fmt] for fmt in todo))
    rendered = _run(jobs, todo, options.parallel, deck_renderer or deck_process)
    notify("writing")
    with clock("write"):
        environment = next(out["environment"] for out in rendered.values())
        keys = digests.keys(options, dict(brief.source_digests))
        entries = _commit(store, project, brief, rendered, keys, result.warnings, environment)
    _collect(result, project, rendered, hits, entries)
    store.prune_figures(set().union(*(r["figures_used"] for r in rendered.values())))
    return result


JOB_NAMES = {"pdf": "the PDF", "pptx": "the deck"}


def warm_up(project: Project, options: BuildOptions) -> None:
    """Render the requested outputs in this process without writing them (figures may be
    cached): loads the renderers, fonts and caches so that the next build is as fast as it gets."""
    brief, theme, _, plans = validate(project, options.strict)
    jobs = Jobs(brief, project, theme, plans, options, cache.Store(project.build_dir))
    for fmt in options.formats:
        getattr(jobs, fmt)()


def _run(jobs: Jobs, todo: list[str], parallel: bool,
         deck_renderer: DeckRenderer | DeckProcess | None = None) -> dict[str, dict]:
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


def _commit(store, project, brief, rendered, keys, warnings, environment) -> dict[str, dict]:
    """Stage every rendered output, then move them all into place with the new manifest."""
    staged, entries = {}, {}
    for fmt, out in rendered.items():
        target = f"{brief.name}.{fmt}"
        staged[target] = store.stage(out["data"], target)
        entries[fmt] = {"key": keys[fmt], "file": target,
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


