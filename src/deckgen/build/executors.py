"""Where build units are rendered: here, in warm local workers, or on a Dask cluster.

Every executor takes tasks (:class:`deckgen.build.collection.Task`) with ``submit(key, task)``
and gives back, from ``results()``, each key with what the task made
(:class:`~deckgen.build.collection.Made`) or the error it ended in, as the tasks finish:

- :class:`Inline`: in this process, one after the other (a single unit, or ``--jobs 1``);
- :class:`deckgen.build.workers.WorkerPool`: ``--jobs N`` warm local processes;
- :class:`deckgen.build.distributed.DaskExecutor`: ``--executor dask://HOST:PORT``.

:func:`executor_for` picks one from the command line's choices. Errors cross processes as data
(:func:`outcome`, :func:`unpacked`), so a source error keeps its located problems.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..errors import DeckgenError, SourceError, UsageProblem

DEFAULT_TIMEOUT = 600.0  # seconds one unit may take before its worker is deemed hung
DEFAULT_RECYCLE = 50     # builds a worker makes before it is replaced by a fresh one


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def outcome(job, *args) -> tuple[str, object]:
    """``job(*args)`` as data: ``("ok", value)``, ``("source-error", (problems, root))`` or
    ``("error", (message, exit code))``."""
    try:
        return ("ok", job(*args))
    except SourceError as exc:
        return ("source-error", (exc.problems, exc.root))
    except DeckgenError as exc:
        return ("error", (str(exc), exc.exit_code))
    except Exception:  # noqa: BLE001 - a bug: carry its traceback to the coordinator
        import traceback

        return ("error", (f"rendering failed:\n{traceback.format_exc()}", 1))


def unpacked(result: tuple[str, object]):
    """The value in an :func:`outcome`, or its error as an exception (returned, not raised)."""
    status, payload = result
    if status == "ok":
        return payload
    if status == "source-error":
        return SourceError(*payload)
    message, exit_code = payload
    error = DeckgenError(message)
    error.exit_code = exit_code
    return error


class Inline:
    """Renders each task in this process when ``results()`` asks for it."""

    def __init__(self):
        self.pending: list = []

    def submit(self, key, task) -> None:
        self.pending.append((key, task))

    def results(self) -> Iterator:
        from .collection import render_unit

        while self.pending:
            key, task = self.pending.pop(0)
            yield key, unpacked(outcome(render_unit, task))

    def close(self) -> None:
        self.pending.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def executor_for(spec: str, jobs: int | None, units: int, timeout: float = DEFAULT_TIMEOUT):
    """The executor ``--executor spec`` (``local`` or ``dask://HOST:PORT``) with ``--jobs``:
    local workers only when more than one unit is to be rendered and more than one job allowed."""
    if spec.startswith("dask://"):
        from .distributed import DaskExecutor

        return DaskExecutor(spec[len("dask://"):], timeout)
    if spec != "local":
        raise UsageProblem(f"--executor {spec}: unknown executor (local, or dask://HOST:PORT)")
    jobs = cores() if jobs is None else jobs
    if jobs < 1:
        raise UsageProblem(f"--jobs {jobs}: at least 1")
    if jobs == 1 or units <= 1:
        return Inline()
    from .workers import WorkerPool

    return WorkerPool(min(jobs, units), timeout=timeout)
