"""``deckgen watch``: rebuild on every save, in one long-lived process with warm imports.

The first build answers from the cache if it can. The renderers are then warmed once (their
imports, fonts and first-render set-up cost more than a rebuild) while the folders are already
being watched, so nothing saved meanwhile is missed, and a long-lived deck renderer is forked
(:class:`deckgen.build.processes.DeckRenderer`), and a layout worker beside which the float pass
lays out its first two layouts at once, with the exact result of a cold build
(:mod:`deckgen.pdf.speculation`). Each save then runs an ordinary, incremental
:func:`deckgen.build.pipeline.build`, the PDF here and the deck there; a broken source is reported and
the watch goes on.

The garbage collector does not run during a rebuild; a rebuild's garbage is collected at the
watcher's next quiet wake-up (:func:`settle`), not at once: a full collection holds the
interpreter for about a tenth of a second, which would hold up every other thread of this
process, such as the preview's server sending the new pages.

A collection (:mod:`deckgen.load.collection`) is watched as a whole (:func:`watch_briefs`): every
brief's ``source/`` and own ``templates/``, and the collection's shared ``templates/``. A save
rebuilds the brief whose folder it is in (a save to the shared templates: every brief), in this
one process, and each event names its brief, its paths and errors located from the
collection's root (``beta/source/sections/one.md:2:8``). ``deckgen.yaml`` is looked at on every
wake-up (:class:`ListedBriefs`): a brief it comes to list is built and watched, one it no
longer lists is no longer watched, and a broken ``deckgen.yaml`` is reported, located, while
the briefs listed before are still watched.
"""

from __future__ import annotations

import dataclasses
import gc
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .build.collection import BriefOutcome, brief_project, located, located_problems
from .build.options import BuildOptions, BuildResult
from .build.outputs import deck_beside
from .build.pipeline import build, warm_up
from .build.processes import DeckRenderer, LayoutWorker, can_fork_renderers
from .errors import DeckgenError
from .load.collection import PROJECT_FILE
from .pdf import speculation
from .project import Project

STEP_MS = 5           # a save is acted on once no further change came for this long (an
                      # editor's save, written in place or renamed over, lands within a few ms;
                      # one spread wider costs a rebuild that finds nothing new, or one more);
                      # watchfiles looks every step, so a save is seen 1-2 steps after it
IDLE_MS = 300         # how often the watcher wakes when nothing changes
UNSETTLED_MAX = 3     # rebuilds in a row (saves with no quiet wake-up between) before the
                      # garbage is collected before the next one


@dataclass
class WatchEvent:
    """What the watcher reports: ``message``, ``changed`` (paths), ``built`` or ``failed``; of a
    collection's brief, ``brief`` names it (its folder from the collection's root), and its
    result's warnings and its error are located from that root."""

    kind: str
    message: str = ""
    paths: tuple[str, ...] = ()
    result: BuildResult | None = None
    error: Exception | None = None
    brief: str = ""


Report = Callable[[WatchEvent], None]
READY = WatchEvent("message", "ready: renderers loaded, rebuilds are at full speed")


def watched_folders(project: Project) -> list[Path]:
    """The project's source and, when it has one, its own templates folder."""
    return [d for d in (project.source, project.root / "templates") if d.is_dir()]


@dataclass(frozen=True)
class Briefs:
    """What one watch rebuilds: one project (``name`` ""), or the briefs of a collection at
    ``root`` by their names, with the folders every brief shares (its ``templates/``)."""

    root: Path
    briefs: tuple[tuple[str, Project], ...]
    shared: tuple[Path, ...] = ()
    every: bool = False  # every brief of the collection at ``root``, as deckgen.yaml lists them

    @classmethod
    def of_project(cls, project: Project) -> Briefs:
        """One project; a brief of a collection also with the collection's ``templates/``."""
        shared = [project.collection / "templates"] if project.collection is not None else []
        return cls(project.root, (("", project),), tuple(d for d in shared if d.is_dir()))

    @classmethod
    def of_collection(cls, collection, names: list[str] | None = None) -> Briefs:
        """The collection's briefs (all, or ``names``), built as ``deckgen build`` builds them."""
        briefs = tuple((name, brief_project(collection.root, name)) for name in names or collection.briefs)
        shared = tuple(d for d in [collection.root / "templates"] if d.is_dir())
        return cls(collection.root, briefs, shared, every=not names)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.briefs]

    @property
    def folders(self) -> list[Path]:
        return [*(d for _, project in self.briefs for d in watched_folders(project)), *self.shared]

    def touched_by(self, paths: tuple[str, ...]) -> list[tuple[str, Project]]:
        """The briefs the changed ``paths`` are inputs of, in order: those whose watched folder
        holds one; all when one is in a shared folder."""
        changed = [Path(p) for p in paths]
        if any(p.is_relative_to(d) for p in changed for d in self.shared):
            return list(self.briefs)
        return [(name, project) for name, project in self.briefs
                if any(p.is_relative_to(d) for p in changed for d in watched_folders(project))]

    def describe(self, folders: list[Path]) -> str:
        if len(self.briefs) == 1 and not self.briefs[0][0]:
            own = ", ".join(f"{d.name}/" for d in folders if d not in self.shared)
            return own + " and the collection's templates/" * bool(self.shared)
        shared = "".join(f" and {d.relative_to(self.root).as_posix()}/" for d in self.shared)
        count = len(self.briefs)
        return f"the source/ and templates/ of {count} brief{'s' * (count != 1)}{shared}"


def watch(project: Project, options: BuildOptions, report: Report,
          stop_event: threading.Event | None = None) -> None:
    """Build, then rebuild after every change until ``stop_event`` is set or Ctrl-C.

    The watcher starts first and the first build runs at its first wake-up, so a save made at
    any moment after ``watch`` is called is seen."""
    watch_briefs(Briefs.of_project(project), options, report, stop_event)


def watch_briefs(briefs: Briefs, options: BuildOptions, report: Report,
                 stop_event: threading.Event | None = None) -> None:
    """:func:`watch` for several briefs: each save rebuilds the briefs it touches, in order."""
    import watchfiles

    session = _Session(briefs, options, report)
    stop_event = stop_event or threading.Event()
    try:
        with _stop_on_ctrl_c(stop_event, session):
            while not stop_event.is_set():  # again when deckgen.yaml lists other briefs
                folders = session.briefs.folders
                for changes in watchfiles.watch(*folders, step=STEP_MS, rust_timeout=IDLE_MS,
                                                yield_on_timeout=True, stop_event=stop_event):
                    if session.step(changed_paths(changes), folders):
                        break
    except KeyboardInterrupt:
        pass
    finally:
        session.close()
        gc.unfreeze()
        gc.enable()
    report(WatchEvent("message", "stopped watching"))


@contextmanager
def _stop_on_ctrl_c(stop_event: threading.Event, session: _Session):
    """Ctrl-C stops the watch at its next wake-up, and interrupts a build under way at once.

    Between builds only the flag is set: an interrupt raised while the garbage collector runs a
    finaliser would be lost (Python just prints it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        stop_event.set()
        if session.busy:
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Session:
    """What the watcher does at each wake-up: first build, rebuild on changes, else warm up."""

    def __init__(self, briefs: Briefs, options: BuildOptions, report: Report):
        self.briefs, self.options, self.report = briefs, options, report
        self.started = self.warm = self.busy = False
        self.unsettled = 0  # rebuilds since the garbage was last collected (see settle())
        self.listed = ListedBriefs(briefs.root, report) if briefs.every else None
        self.waiting: list[tuple[str, Project]] = []  # to build at the next wake-up (see step)
        self.deck_renderer: DeckRenderer | None = None
        self.layout_worker: LayoutWorker | None = None

    def step(self, paths: tuple[str, ...], folders: list[Path]) -> bool:
        """One wake-up of the watcher (``paths``: what changed); True when the folders to
        watch changed (deckgen.yaml lists other briefs now): the watcher of the new folders is
        started before anything is built, so that no save made meanwhile is missed."""
        if self.unsettled and (not paths or self.unsettled >= UNSETTLED_MAX):
            self.settle()  # the first quiet wake-up after a rebuild, or too many in a row
        relisted = self.listed.changed(self.briefs.names) if self.listed and self.started else None
        if relisted is not None:
            if paths:
                self.report(WatchEvent("changed", paths=paths))
            added = self.relist(relisted)
            touched = self.briefs.touched_by(paths)
            self.waiting = added + [brief for brief in touched if brief not in added]
            return True
        if self.started and self.warm and not paths and not self.waiting:
            return False
        self.busy = True
        gc.disable()  # enabled again by settle()
        try:
            if not self.started:
                self.start(folders)
            elif paths or self.waiting:
                if paths:
                    self.report(WatchEvent("changed", paths=paths))
                waiting, self.waiting = self.waiting, []
                self.build(waiting + [brief for brief in self.briefs.touched_by(paths) if brief not in waiting])
                self.unsettled += 1
                return False  # the garbage waits for the next quiet wake-up
            else:
                self.warm = True  # tried once; a source error is reported by the next save
                if any(_warm(project, self.options) for _, project in self.briefs.briefs):
                    self.start_deck_renderer()
                    self.report(READY)
        finally:
            self.busy = False
        self.settle()
        return False

    def settle(self) -> None:
        self.unsettled = 0
        settle()

    def relist(self, briefs: Briefs) -> list[tuple[str, Project]]:
        """Watch ``briefs`` (deckgen.yaml changed) from now on; the briefs it adds, to build
        once their folders are watched."""
        before = self.briefs.names
        added = [(name, project) for name, project in briefs.briefs if name not in before]
        self.briefs = briefs
        count = len(briefs.briefs)
        self.report(WatchEvent("message", f"{relisted_words(before, briefs.names)}; "
                                          f"watching {count} brief{'s' * (count != 1)}"))
        return added

    def start(self, folders: list[Path]) -> None:
        self.started = True
        self.build(list(self.briefs.briefs))
        self.options = dataclasses.replace(self.options, force=False)
        self.report(WatchEvent("message", f"watching {self.briefs.describe(folders)} (Ctrl-C to stop)"))
        if self.warm:
            self.start_deck_renderer()
            self.report(READY)

    def build(self, which: list[tuple[str, Project]]) -> None:
        for name, project in which:
            if self.deck_renderer is not None and not self.deck_renderer.alive:
                self.start_deck_renderer()  # it was stopped by an interrupted or failed build
            elif self.layout_worker is not None and not self.layout_worker.alive:
                self.start_deck_renderer()
            result = rebuild(project, self.options, self._reporter(name, project), self.deck_renderer)
            self.warm = self.warm or (result is not None and not result.up_to_date)

    def _reporter(self, name: str, project: Project) -> Report:
        """``report`` for one brief: a collection's brief named, its problems located from the root."""
        if not name:
            return self.report
        outcome = BriefOutcome(name, project)

        def report(event: WatchEvent) -> None:
            if event.result is not None:
                event.result.warnings = located_problems(event.result.warnings, outcome, self.briefs.root)
            if isinstance(event.error, DeckgenError):
                event.error = located(event.error, outcome, self.briefs.root)
            self.report(dataclasses.replace(event, brief=name))

        return report

    def start_deck_renderer(self) -> None:
        """Fork the long-lived deck renderer and layout worker, once this process's renderers
        are warm."""
        if not (self.options.parallel and can_fork_renderers()):
            return
        self.close()
        if deck_beside(self.options.formats):
            self.deck_renderer = DeckRenderer()
        try:
            self.layout_worker = LayoutWorker()
        except DeckgenError as exc:  # rebuilds still right, their layouts one after the other
            self.report(WatchEvent("message", f"{exc}: each rebuild lays the PDF out here alone"))
            return
        # the deck is drawn once the float pass's two layouts are done (DeckRenderer.go)
        speculation.install(self.layout_worker, self.deck_renderer.go if self.deck_renderer else lambda: None)

    def close(self) -> None:
        if self.deck_renderer is not None:
            self.deck_renderer.stop()
            self.deck_renderer = None
        if self.layout_worker is not None:
            speculation.uninstall()
            self.layout_worker.stop()
            self.layout_worker = None


def relisted_words(before: list[str], after: list[str]) -> str:
    """What changed in deckgen.yaml's list of briefs, in words ("deckgen.yaml changed: added
    gamma; no longer watched: beta")."""
    added = [name for name in after if name not in before]
    gone = [name for name in before if name not in after]
    said = [f"added {', '.join(added)}"] * bool(added) + [f"no longer watched: {', '.join(gone)}"] * bool(gone)
    return f"{PROJECT_FILE} changed: {'; '.join(said) or 'reordered'}"


class ListedBriefs:
    """A collection's ``deckgen.yaml``, looked at on every wake-up of a watch of every brief: a
    ``stat`` of it, and when that changed, the file read again (an editor that saves by
    renaming a new file over the old would end a watch of the file itself). While it cannot be
    read it is read at every wake-up (a brief it lists may be one whose folder is being made),
    and its problems are reported when they change."""

    def __init__(self, root: Path, report: Report):
        self.root, self.report = root, report
        self.seen = self._stat()
        self.problems: str | None = None  # what was reported of the file as it is now

    def _stat(self) -> tuple | None:
        try:
            stat = (self.root / PROJECT_FILE).stat()
        except OSError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def changed(self, names: list[str]) -> Briefs | None:
        """The briefs deckgen.yaml lists now, when they are not those ``names``; else None."""
        from .load.collection import load_collection

        now = self._stat()
        if now == self.seen and self.problems is None:
            return None
        self.seen = now
        try:
            listed = Briefs.of_collection(load_collection(self.root))
        except (DeckgenError, OSError) as exc:
            problems = exc.report() if isinstance(exc, DeckgenError) else f"{PROJECT_FILE}: {exc}"
            if problems != self.problems:
                self.problems = problems
                self.report(WatchEvent("failed", error=exc))
            return None
        if listed.names != names:
            self.problems = None
            return listed
        if self.problems is not None:
            self.problems = None
            count = len(listed.briefs)
            self.report(WatchEvent("message", f"{PROJECT_FILE} read again: watching the same "
                                              f"{count} brief{'s' * (count != 1)}"))
        return None


def settle() -> None:
    """Between rebuilds: collect the last builds' garbage, then freeze what is left (modules,
    caches, the warm renderers), so that a collection during the next rebuild skips it; the
    collector runs again (as it does in any Python program) until the next rebuild."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    gc.enable()


def changed_paths(changes) -> tuple[str, ...]:
    """The paths that changed, less an editor's temporary files (added, then gone again)."""
    from watchfiles import Change

    added = {path for change, path in changes if change == Change.added}
    return tuple(sorted({path for _, path in changes
                         if path not in added or Path(path).exists()}))


def rebuild(project: Project, options: BuildOptions, report: Report,
            deck_renderer: DeckRenderer | None = None) -> BuildResult | None:
    """One build; its result or its error goes to ``report``."""
    try:
        result = build(project, options, deck_renderer=deck_renderer)
    except (DeckgenError, OSError) as exc:
        report(WatchEvent("failed", error=exc))
        return None
    report(WatchEvent("built", result=result))
    return result


def _warm(project: Project, options: BuildOptions) -> bool:
    """Render once without writing, so the first real rebuild finds everything loaded.
    False when the source or the machine stopped it (the next save reports why)."""
    try:
        warm_up(project, options)
    except (DeckgenError, OSError):
        return False
    return True
