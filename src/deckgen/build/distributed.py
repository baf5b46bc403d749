"""Rendering build units on a Dask cluster: ``--executor dask://HOST:PORT``.

The coordinator reads each unit's files itself, inside the sandbox as every build reads them (a
brief's ``source/``, its own ``templates/`` and the collection's: never a link out, never more
than a file's limit), and ships them as data, ``{path: bytes}``, with the task. A Dask worker
needs only deckgen and the fonts (the set-up script): it writes the files into a temporary
folder of its own, builds the unit there (:func:`deckgen.build.collection.render_unit`), keeps
the figures it drew in a cache of its own for the next units, and returns the outputs' bytes;
it never reads the coordinator's disk, and the coordinator alone writes the outputs.

A unit whose worker is lost is given once more to another worker by Dask (``retries=1``), then
reported as an error of its brief.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import DeckgenError, EnvironmentProblem
from .executors import DEFAULT_TIMEOUT, outcome, unpacked
from .keys import MAX_HASHED_BYTES, tree_entries

SHARED = "shared"  # the collection's folder in a shipped unit: its templates/


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


def render_shipped(shipped: Shipped) -> tuple[str, object]:
    """On a Dask worker: the unit built from its shipped files, as an outcome."""
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


class DaskExecutor:
    """Units rendered by the workers of the Dask scheduler at ``address`` (``HOST:PORT``)."""

    def __init__(self, address: str, timeout: float = DEFAULT_TIMEOUT):
        try:
            from distributed import Client
        except ImportError:
            raise EnvironmentProblem("--executor dask://: Dask distributed is not installed "
                                     "(pip install 'deckgen[cluster]')") from None
        try:
            self.client = Client(f"tcp://{address}", timeout=10, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise EnvironmentProblem(f"--executor dask://{address}: no Dask scheduler answers there ({exc})") from None
        self.timeout = timeout
        self.futures: dict = {}

    def submit(self, key, task) -> None:
        options = dataclasses.replace(task.options, parallel=False)
        task = dataclasses.replace(task, options=options)
        shipped = Shipped(task, shipped_files(task.unit.project), task.unit.project.collection is not None)
        future = self.client.submit(render_shipped, shipped, pure=False, retries=1)
        self.futures[future] = (key, task)

    def results(self) -> Iterator:
        from distributed import as_completed

        with self.client.as_current():
            finished = as_completed(list(self.futures), timeout=self.timeout * max(1, len(self.futures)))
        try:
            for future in finished:
                key, task = self.futures.pop(future)
                try:
                    yield key, unpacked(future.result())
                except Exception as exc:  # noqa: BLE001 - the cluster lost the unit twice
                    yield key, _lost(task, f"the cluster could not build it: {exc}")
        except TimeoutError:
            for future, (key, task) in list(self.futures.items()):
                future.cancel()
                yield key, _lost(task, f"the cluster did not build it within {self.timeout:g} s a brief")
            self.futures.clear()

    def close(self) -> None:
        for future in self.futures:
            future.cancel()
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _lost(task, why: str) -> DeckgenError:
    error = DeckgenError(f"{task.unit.name or task.unit.project.root}: {why}; nothing was written for it")
    error.exit_code = 2
    return error
