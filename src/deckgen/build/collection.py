"""Building many briefs at once: the build units, the coordinator, the shared figure cache.

A **build unit** (:class:`Unit`) is one brief folder in one edition (and, for a parameterised
brief, one parameter row): what an executor (:mod:`deckgen.build.executors`) renders, anywhere,
as a :class:`Task`, returning bytes (:class:`Made`).

The **coordinator** (:func:`build_units`) runs here and alone touches the briefs' ``build/``
folders, through :class:`~deckgen.build.store.Store` exactly as a one-brief build does: it takes
each brief's lock, keys each unit's outputs and answers those still up to date from the manifest
without rendering anything; it sends the others to the executor and commits each result as it
comes back, atomically. A brief that fails (its source invalid, its worker lost) is reported with
its problems; the others are built all the same.

The briefs of a collection share one figure cache, in the collection's ``build/`` folder: figures
are keyed by what is drawn (:mod:`deckgen.build.figcache`), and :class:`SharedFigureCache` takes
a lock on each figure while it draws it, so that two briefs with the same figure, built at the
same time by two workers, draw it once.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DeckgenError, Loc, Problem, SourceError
from ..project import Project
from .figcache import FigureCache
from .keys import InputDigests
from .options import BuildOptions, BuildResult, Rendered
from .stale import prune_stale
from .store import Store

if TYPE_CHECKING:
    from ..load.params import ParamRow

Notify = Callable[[str], None]


@dataclass(frozen=True)
class Unit:
    """One brief folder (``project``) in one ``edition`` (None: the original). ``name`` is the
    brief's name in its collection ("" for a project built alone). ``row`` is the parameter row
    of a parameterised brief, passed to the loader that fills its parameters in."""

    project: Project
    name: str = ""
    edition: str | None = None
    row: ParamRow | None = None

    @property
    def tag(self) -> str | None:
        """The unit's outputs' slots' tag, as a one-brief build names them: "ja", "jp", "jp.ja"."""
        return ".".join(part for part in (self.row.slug if self.row else "", self.edition or "") if part) or None

    def describe(self) -> str:
        """"row 'JP'", "edition ja", "row 'JP', edition ja"; "" for the original of a plain brief."""
        parts = ([f"row '{self.row.key}'"] if self.row else []) + ([f"edition {self.edition}"] if self.edition else [])
        return ", ".join(parts)


@dataclass(frozen=True)
class Task:
    """What an executor renders: a unit, the build's options, the outputs not in the cache."""

    unit: Unit
    options: BuildOptions
    todo: tuple[str, ...]


@dataclass(frozen=True)
class Made:
    """A unit rendered: the brief's file name, its outputs' bytes, the digests of the source
    files the loader read (they key the outputs), its warnings."""

    name: str
    rendered: dict[str, Rendered]
    read: dict[str, str]
    warnings: list[Problem]


@dataclass
class BriefOutcome:
    """One brief of the build: what was built, or why it was not."""

    name: str
    project: Project
    result: BuildResult = field(default_factory=BuildResult)
    errors: list[DeckgenError] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def render_unit(task: Task) -> Made:
    """Load, check and render one unit, in whatever process runs it; nothing is written but
    figures into the figure cache."""
    from .pipeline import load_and_render

    unit, options = task.unit, task.options
    brief, warnings, rendered = load_and_render(unit.project, options, Store(unit.project.build_dir),
                                                list(task.todo), unit.edition,
                                                unit.row.key if unit.row is not None else None)
    return Made(brief.name, rendered, dict(brief.source_digests), warnings)


# ---- the coordinator -----------------------------------------------------------------------------

def build_units(units: list[Unit], options: BuildOptions, make_executor: Callable[[int], object],
                notify: Notify | None = None) -> list[BriefOutcome]:
    """Build ``units``; one outcome per brief, in order. The units not answered from the cache
    are rendered by ``make_executor(how many)`` (see :func:`deckgen.build.executors.executor_for`)."""
    from .pipeline import _add_edition, _Run

    notify = notify or (lambda message: None)
    started = time.perf_counter()
    _allow_descriptors(4 * len({u.project.root for u in units}) + 64)
    briefs: dict[Path, BriefOutcome] = {}
    runs: dict[int, _Run] = {}
    with ExitStack() as stack:
        stores: dict[Path, tuple[Store, InputDigests]] = {}
        for index, unit in enumerate(units):
            outcome = briefs.setdefault(unit.project.root, BriefOutcome(unit.name, unit.project))
            if outcome.failed:
                continue
            try:
                if unit.project.root not in stores:
                    store = Store(unit.project.build_dir)
                    stack.enter_context(store.locked(on_wait=lambda u=unit: notify(f"{u.name}: waiting for another build")))
                    stores[unit.project.root] = (store, InputDigests.of(unit.project))
                store, digests = stores[unit.project.root]
                run = _Run(unit.project, options, store, digests, notify, None, unit.edition, unit.row)
                keys = run.keys()
                hits = {} if options.force else store.hits(keys, options.strict, unit.tag)
                if set(hits) == set(keys):
                    _add_edition(outcome.result, run.from_cache(hits), unit.tag)
                    outcome.result.timings["total"] = time.perf_counter() - started
                    continue
                runs[index] = (run, hits, Task(unit, options, tuple(f for f in keys if f not in hits)))
            except DeckgenError as exc:
                outcome.errors.append(of_unit(exc, unit))
        if not runs:
            _prune(briefs, stores)
            _prune_figures(briefs, stores)
            return _finished(briefs, stores)
        notify(f"rendering {len(runs)} of {len(units)} build units")
        executor = stack.enter_context(make_executor(len(runs)))
        for index, (_, _, task) in runs.items():
            executor.submit(index, task)
        for index, result in executor.results():
            unit = units[index]
            outcome = briefs[unit.project.root]
            run, hits, _ = runs[index]
            if isinstance(result, BaseException):
                outcome.errors.append(of_unit(result, unit))
                continue
            try:
                _add_edition(outcome.result, _commit(run, hits, result), unit.tag)
                outcome.result.timings["total"] = time.perf_counter() - started
            except DeckgenError as exc:
                outcome.errors.append(of_unit(exc, unit))
        _prune(briefs, stores)
        _prune_figures(briefs, stores)
    return _finished(briefs, stores)


def of_unit(error: BaseException, unit: Unit) -> BaseException:
    """``error``, noting the unit it stopped (``error.unit``: "row 'JP'"), so that a report of
    a brief with many units says which was not written."""
    if unit.describe():
        error.unit = unit.describe()
    return error


def _prune(briefs: dict, stores: dict) -> None:
    """Each brief built without an error rid of its stale units' outputs (see :func:`prune_stale`)."""
    for root, (store, _) in stores.items():
        outcome = briefs[root]
        if not outcome.failed:
            try:
                outcome.result.notes += prune_stale(outcome.project, store, outcome.result.outputs)
            except DeckgenError as exc:
                outcome.errors.append(exc)


def _prune_figures(briefs: dict, stores: dict) -> None:
    """The figure caches kept under their bound, once each, here, after every unit is written
    (:func:`deckgen.build.store.prune_caches`); what was removed reported with each brief."""
    from .store import prune_caches

    roots = list(stores)
    reports = prune_caches([stores[root][0] for root in roots], [briefs[root].project.figure_root for root in roots])
    for root, pruned in zip(roots, reports):
        briefs[root].result.cache["pruned"] = pruned.as_dict()


def _allow_descriptors(needed: int) -> None:
    """Raise the soft limit of open files to ``needed`` (up to the hard limit): each brief's
    build folder, cache folder and lock stay open while the collection builds."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _finished(briefs: dict, stores: dict) -> list[BriefOutcome]:
    for outcome in briefs.values():
        if outcome.project.root in stores:
            outcome.result.warnings[:0] = stores[outcome.project.root][0].discarded
    return list(briefs.values())


def _commit(run, hits: dict, made: Made) -> BuildResult:
    """``made``'s outputs moved into place by the store, as a one-brief build commits its own."""
    from .pipeline import _add_rendering, _record

    result = BuildResult(warnings=list(made.warnings))
    entries = run.store.commit(made.name, made.rendered, run.keys(made.read), result.warnings, run.unit,
                               (run.row.slug if run.row else None, run.edition))
    _record(result, run.project, {**hits, **entries})
    _add_rendering(result, hits, made.rendered)
    return result


def collection_units(collection, names: list[str] | None, options: BuildOptions) -> list[Unit]:
    """The build units of a collection's briefs (all, or those ``names``): each brief in each
    edition and parameter row it makes, every brief sharing the collection's templates and
    figure cache."""
    units = []
    for name in names or collection.briefs:
        units += project_units(brief_project(collection.root, name), options, name)
    return units


def project_units(project: Project, options: BuildOptions, name: str = "") -> list[Unit]:
    """The units of one brief, as a one-brief build makes them
    (:func:`deckgen.build.pipeline.units_to_build`): each edition of each parameter row."""
    from ..load.params import rows_to_build
    from .pipeline import units_to_build

    if options.param and name:
        rows_to_build(project.source, options.param, name)  # a usage problem names the brief
    try:
        pairs = units_to_build(project, options)
    except SourceError:
        pairs = [(None, None)]  # the loader reports what is wrong with the brief's editions or rows
    return [Unit(project, name, edition, row) for edition, row in pairs]


def brief_project(root: Path, name: str) -> Project:
    return Project(root / name, collection=root, figure_root=root / "build")


def located(error: DeckgenError, outcome: BriefOutcome, root: Path) -> DeckgenError:
    """``error`` with its problems located from the collection's root (``a/source/brief.yaml:3``)."""
    if not isinstance(error, SourceError):
        return error
    moved = SourceError(located_problems(error.problems, outcome, root), root)
    if hasattr(error, "unit"):
        moved.unit = error.unit
    return moved


def located_problems(problems: list[Problem], outcome: BriefOutcome, root: Path) -> list[Problem]:
    """``problems`` of one brief located from the collection's root; those of the shared
    templates (already outside the brief's folder) as they are."""
    prefix = outcome.project.root.relative_to(root).as_posix()
    return [replace(p, loc=Loc(f"{prefix}/{p.loc.file}", p.loc.line, p.loc.col))
            if not p.loc.file.startswith(("/", "..")) else p for p in problems]


# ---- the shared figure cache -------------------------------------------------------------------

class SharedFigureCache(FigureCache):
    """The figure cache of a collection's briefs: a figure is drawn under a lock on its name,
    so a brief that needs a figure another worker is drawing waits for it, then reads it."""

    def get(self, figure, theme, fmt: str, render) -> bytes:
        name = f"{figure.id}-{self.key(figure, theme, fmt)[:32]}.{fmt}"
        fd = self.folder.open_lock(name + ".lock")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return super().get(figure, theme, fmt, render)
        finally:
            os.close(fd)


_shared_folders: dict[Path, object] = {}


def shared_figures(figure_root: Path):
    """The figures folder in ``figure_root`` (a collection's ``build/``), opened once per process."""
    if figure_root not in _shared_folders:
        _shared_folders[figure_root] = Store(figure_root).folder("figures")
    return _shared_folders[figure_root]


# ---- a collection's build and check, for the command line ---------------------------------------

def build_collection(collection, names: list[str] | None, options: BuildOptions, executor: str = "local",
                     jobs: int | None = None, timeout: float | None = None,
                     notify: Notify | None = None) -> list[BriefOutcome]:
    """Build the collection's briefs (all, or ``names``) that changed; every brief's outcome,
    its errors located from the collection's root."""
    from .executors import DEFAULT_TIMEOUT, executor_for

    units = collection_units(collection, names, options)
    outcomes = build_units(units, options, lambda count: executor_for(executor, jobs, count, timeout or DEFAULT_TIMEOUT),
                           notify)
    for outcome in outcomes:
        outcome.errors = [located(e, outcome, collection.root) for e in outcome.errors]
    return outcomes


def check_collection(collection, names: list[str] | None, strict: bool = False) -> list[BriefOutcome]:
    """Check each brief (its editions, and each row of a parameterised brief) as ``deckgen
    check`` checks one; nothing is written."""
    outcomes = []
    for name in names or collection.briefs:
        outcome = check_brief(brief_project(collection.root, name), strict, name)
        outcome.errors = [located(e, outcome, collection.root) for e in outcome.errors]
        outcomes.append(outcome)
    return outcomes


def check_brief(project: Project, strict: bool = False, name: str = "") -> BriefOutcome:
    """One brief checked as a build of it would check it, writing nothing: its source, its deck's
    slide plan and its editions; for a parameterised brief, every row's source and slide plan
    (a row whose values make a slide impossible fails alone, its error naming the row:
    ``error.unit``). The outcome's counts are the first row's, ``rows`` their number."""
    from .pipeline import check, check_editions

    outcome = BriefOutcome(name, project)
    rows = _declared_rows(project)
    try:
        if rows:
            brief, warnings = _check_rows(outcome, rows, strict)
        else:
            brief, _, warnings = check(project, strict)
        if brief is not None:
            _, edition_warnings = check_editions(project, brief, strict)
            warnings += [w for w in edition_warnings if w not in warnings]
            outcome.result.counts = {"sections": len(brief.sections), "figures": len(brief.figures),
                                     "references": len(brief.references), "rows": len(rows)}
        outcome.result.warnings = warnings
    except DeckgenError as exc:
        outcome.errors.append(exc)
    return outcome


def _declared_rows(project: Project) -> list[ParamRow]:
    """The rows of the brief's params file; [] without ``params:`` or while the file is in
    error (the loader then reports it)."""
    from ..load.params import listed_rows

    return listed_rows(project.source) or []


def _check_rows(outcome: BriefOutcome, rows: list[ParamRow], strict: bool):
    """Each row loaded and its slide plan made and checked, as a build of that row does; a row's
    SourceError is added to ``outcome.errors``, noting the row. The first good row's brief, and
    every row's warnings."""
    from .jobs import checked_plans, strict_template
    from .keys import tree_entries
    from .pipeline import load

    project = outcome.project
    for folder in (project.source, *project.template_dirs):
        tree_entries(folder)  # a folder too deep or too full stops check as it stops build
    first, warnings = None, []
    for row in rows:
        try:
            brief, theme, found = load(project, strict, None, row.key)
            checked_plans(brief, theme, project, found)
            strict_template(found, strict, project.root)
        except SourceError as exc:
            outcome.errors.append(of_unit(exc, Unit(project, outcome.name, None, row)))
            continue
        first = first or brief
        warnings += [w for w in found if w not in warnings]
    return first, warnings


def exit_code(outcomes: list[BriefOutcome]) -> int:
    """1 when a brief's source is invalid, else the highest exit code of the others' errors."""
    errors = [e for o in outcomes for e in o.errors]
    if any(isinstance(e, SourceError) for e in errors):
        return 1
    return max((e.exit_code for e in errors), default=0)
