"""Rendering build units on a Dask cluster: ``--executor dask://HOST:PORT``.

The coordinator reads each unit's files itself, inside the sandbox as every build reads them (a
brief's ``source/``, its own ``templates/`` and the collection's: never a link out, never more
than a file's limit), and ships them as data, ``{path: bytes}``, with the task. A Dask worker
needs only deckgen and the fonts (the set-up script): it writes the files into a temporary
folder of its own, builds the unit there (:func:`deckgen.build.collection.render_unit`), keeps
the figures it drew in a cache of its own for the next units, and returns the outputs' bytes;
it never reads the coordinator's disk, and the coordinator alone writes the outputs.

A unit whose worker is lost is given once more to another worker by Dask (``retries=1``), then
reported as an error of its brief; a unit not back within ``--timeout`` seconds of being sent
(units are sent as workers are free: see :class:`DaskExecutor`) is cancelled and reported.
The manifest records the coordinator's environment signature, so the next local build answers
from the cache what the cluster built.
"""

from __future__ import annotations

import dataclasses
import socket
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from ..errors import DeckgenError, EnvironmentProblem
from .executors import DEFAULT_TIMEOUT, outcome, unpacked
from .keys import MAX_HASHED_BYTES, tree_entries

SHARED = "shared"  # the collection's folder in a shipped unit: its templates/
CONNECT_SECONDS = 10  # to reach the scheduler (Dask's client then retries for as long)


def shipped_files(project) -> dict[str, bytes]:
    """The files a unit of ``project`` reads, as ``{path in the shipped folder: bytes}``: its
    ``source/`` and ``templates/``, and the collection's ``templates/`` under ``shared/``."""
    from ..load.sandbox import Unreadable, read_inside

    folders = [(project.source, "source"), (project.root / "templates", "templates")]
    if project.collection is not None:
        folders.append((project.collection / "templates", f"{SHARED}/templates"))
    files = {}
    for folder, prefix in folders:
        if not folder.is_dir():
            continue
        root = folder.resolve()
        for relative, entry in tree_entries(folder):
            if entry.is_dir(follow_symlinks=False) and not entry.is_symlink():
                continue
            try:
                files[f"{prefix}/{relative}"] = read_inside(root, Path(entry.path), MAX_HASHED_BYTES)
            except Unreadable:
                continue  # the loader, on the worker, reports the file it misses
    return files


@dataclasses.dataclass(frozen=True)
class Shipped:
    """A task whose unit's folder travels as data."""

    task: object
    files: dict[str, bytes]
    shared: bool


_one_at_a_time = threading.Lock()


def render_shipped(shipped: Shipped) -> tuple[str, object]:
    """On a Dask worker: the unit built from its shipped files, as an outcome. A worker with
    several threads renders one unit at a time: the renderers keep state per process (fonts,
    matplotlib's figures), so units rendered side by side in one process could differ from the
    same units built alone (run workers with ``--nthreads 1``, one per core)."""
    with _one_at_a_time:
        return _render_shipped(shipped)


def _render_shipped(shipped: Shipped) -> tuple[str, object]:
    from ..project import Project
    from .collection import render_unit

    with tempfile.TemporaryDirectory(prefix="deckgen-unit-") as folder:
        root = Path(folder)
        for relative, data in shipped.files.items():
            target = root / "brief" / relative if not relative.startswith(SHARED + "/") else root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (root / "brief" / "source").mkdir(parents=True, exist_ok=True)
        project = Project(root / "brief", collection=root / SHARED if shipped.shared else None,
                          figure_root=_figure_root())
        unit = dataclasses.replace(shipped.task.unit, project=project)
        return outcome(render_unit, dataclasses.replace(shipped.task, unit=unit))


_figures: list[tempfile.TemporaryDirectory] = []


def _figure_root() -> Path:
    """This worker process's own figure cache, kept for the units it builds next."""
    if not _figures:
        _figures.append(tempfile.TemporaryDirectory(prefix="deckgen-figures-"))
    return Path(_figures[0].name) / "build"


def _reach(address: str) -> None:
    """Connect to ``HOST:PORT`` and hang up: an OSError when nothing listens there."""
    host, _, port = address.rpartition(":")
    with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
        pass


class DaskExecutor:
    """Units rendered by the workers of the Dask scheduler at ``address`` (``HOST:PORT``).

    Units are handed to the cluster as it has room for them, one per worker process (each
    renders one at a time): a unit sent is a unit being rendered, so each has ``timeout``
    seconds of its own, however many wait behind it. What comes back is recorded with this
    machine's environment signature (:meth:`here`), not the worker's, so that the next local
    build answers from the cache what the cluster built."""

    def __init__(self, address: str, timeout: float = DEFAULT_TIMEOUT):
        try:
            from distributed import Client
        except ImportError:
            raise EnvironmentProblem("--executor dask://: Dask distributed is not installed "
                                     "(pip install 'deckgen[cluster]')") from None
        try:
            _reach(address)  # a refused connection is said at once; Dask's client would retry
            self.client = Client(f"tcp://{address}", timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise EnvironmentProblem(f"--executor dask://{address}: no Dask scheduler answers there ({exc})") from None
        self.timeout = timeout
        self.queue: deque = deque()
        self.running: dict = {}  # future: (key, task, deadline)
        self.environments: dict = {}

    def submit(self, key, task) -> None:
        options = dataclasses.replace(task.options, parallel=False)
        self.queue.append((key, dataclasses.replace(task, options=options)))

    def _send(self) -> None:
        """Units sent while the cluster has a worker free for them (at least one in flight)."""
        room = max(1, len(self.client.nthreads())) - len(self.running)
        while self.queue and room > 0:
            key, task = self.queue.popleft()
            project = task.unit.project
            shipped = Shipped(task, shipped_files(project), project.collection is not None)
            future = self.client.submit(render_shipped, shipped, pure=False, retries=1)
            self.running[future] = (key, task, time.monotonic() + self.timeout)
            room -= 1

    def results(self) -> Iterator:
        from distributed import wait

        while self.queue or self.running:
            self._send()
            deadline = min(d for _, _, d in self.running.values())
            try:
                with self.client.as_current():
                    done = wait(list(self.running), timeout=max(0.01, deadline - time.monotonic()),
                                return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for future in done:
                key, task, _ = self.running.pop(future)
                try:
                    yield key, self.here(unpacked(future.result()), task)
                except Exception as exc:  # noqa: BLE001 - the cluster lost the unit twice
                    yield key, _lost(task, f"the cluster could not build it: {exc}")
            now = time.monotonic()
            for future, (key, task, deadline) in list(self.running.items()):
                if deadline <= now and not future.done():
                    future.cancel()
                    del self.running[future]
                    yield key, _lost(task, f"the cluster did not build it within {self.timeout:g} s")

    def here(self, made, task):
        """``made`` (or an error, as it is) with this machine's environment signature in place
        of the worker's: the signature the manifest records and the next local build checks."""
        from .collection import Made

        if not isinstance(made, Made):
            return made
        environment = self._environment(task.unit.project)
        if environment is None:
            return made
        rendered = {fmt: dataclasses.replace(out, environment=environment) for fmt, out in made.rendered.items()}
        return dataclasses.replace(made, rendered=rendered)

    def _environment(self, project) -> dict | None:
        """The signature of the fonts and libraries a local build of ``project`` renders with."""
        theme_file = project.template_file("theme.yaml")
        if theme_file not in self.environments:
            from ..theme import ThemeError, load_theme
            from .jobs import environment

            try:
                self.environments[theme_file] = environment(load_theme(theme_file, project.root))
            except ThemeError:
                self.environments[theme_file] = None
        return self.environments[theme_file]

    def close(self) -> None:
        for future in self.running:
            future.cancel()
        self.queue.clear()
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _lost(task, why: str) -> DeckgenError:
    error = DeckgenError(f"{task.unit.name or task.unit.project.root}: {why}; nothing was written for it")
    error.exit_code = 2
    return error
