"""Warm local workers: ``--jobs N`` processes that render build units from a queue.

Each worker is forked from the coordinator (the pattern of
:class:`deckgen.build.processes.DeckRenderer`), imports the renderers and sets up the fonts once
(:func:`warm_up`), says it is ready, then renders one task at a time and sends back what it made
as bytes; it never writes an output (the coordinator commits them). The pool
(:class:`WorkerPool`) hands a task to each ready worker, and:

- replaces a worker that dies (a crash, ``kill -9``, the kernel's OOM killer) or takes longer
  than ``timeout`` seconds on one task (it is killed), and gives its task once more to another;
  a task lost twice is reported as an error of its brief;
- replaces each worker after ``recycle`` tasks, so memory stays bounded however many briefs a
  build makes (a renderer's caches, fragmentation);
- forks workers that die with the coordinator, however it ends (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait

from ..errors import DeckgenError, EnvironmentProblem
from .executors import DEFAULT_RECYCLE, DEFAULT_TIMEOUT, outcome
from .processes import _start, die_with_parent

TRIES = 2  # a task is given to a worker at most this many times


def warm_up() -> None:
    """Import the renderers and set up the fonts, as the first build in a process would."""
    import matplotlib.font_manager
    from weasyprint.text.fonts import FontConfiguration

    from ..deck import writer  # noqa: F401 - python-pptx and the deck's modules
    from ..figures import drawing  # noqa: F401 - matplotlib's drawing machinery
    from ..pdf import (
        document,  # noqa: F401 - WeasyPrint and Jinja
        weasy,
    )

    matplotlib.font_manager.fontManager.findfont("DejaVu Sans")
    if weasy._fonts.config is None:
        weasy._fonts.config = FontConfiguration()


def _serve(connection, parents_end, parent_pid: int) -> None:
    """A worker's loop: warm up, say so, then one task at a time until told to stop."""
    import gc
    import signal

    from .collection import render_unit

    die_with_parent(parent_pid)
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    warm_up()
    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        key, task = message
        try:
            connection.send((key, outcome(render_unit, task)))
        except OSError:  # the coordinator is gone
            return
        gc.collect()


class _Worker:
    """One forked worker, the task it is on, since when, and how many it has done."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, self.connection, os.getpid()),
                                       daemon=True)
        _start(self.process)
        theirs.close()
        self.pid = self.process.pid
        self.ready = False
        self.task = None          # (key, task) being rendered
        self.since = 0.0
        self.done = 0

    def give(self, key, task) -> None:
        self.task, self.since = (key, task), time.monotonic()
        self.connection.send((key, task))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class WorkerPool:
    """``size`` warm workers fed from a queue of tasks (see the module's docstring).

    ``on_give(pid, key)`` is called when a task is handed to a worker (a test kills it there)."""

    def __init__(self, size: int, timeout: float = DEFAULT_TIMEOUT, recycle: int = DEFAULT_RECYCLE,
                 on_give: Callable[[int, object], None] | None = None):
        self.size, self.timeout, self.recycle, self.on_give = size, timeout, recycle, on_give
        self.queue: deque = deque()
        self.tries: dict = {}
        self.pids: dict = {}  # key: the workers given its task
        self.false_starts = 0  # workers that died before they were ready
        self.workers: list[_Worker] = []
        self.started = 0   # workers forked, replacements included
        self.peak_rss: dict[int, int] = {}  # pid: peak resident memory in KiB, read as each ends

    def submit(self, key, task) -> None:
        task = dataclasses.replace(task, options=dataclasses.replace(task.options, parallel=False))
        self.queue.append((key, task))
        self.tries[key] = 0

    def results(self) -> Iterator:
        """Each task's key and what it made (or its error), as the workers finish them."""
        pending = len(self.queue)
        while pending:
            self._top_up()
            self._dispatch()
            for key, result in self._wait():
                pending -= 1
                yield key, result

    def _top_up(self) -> None:
        """As many workers as there are tasks queued or running, up to ``size``."""
        busy = sum(1 for w in self.workers if w.task is not None)
        while len(self.workers) < min(self.size, len(self.queue) + busy):
            self.workers.append(_Worker())
            self.started += 1

    def _dispatch(self) -> None:
        for worker in self.workers:
            if worker.ready and worker.task is None and self.queue:
                key, task = self.queue.popleft()
                self.tries[key] += 1
                self.pids.setdefault(key, []).append(worker.pid)
                worker.give(key, task)
                if self.on_give is not None:
                    self.on_give(worker.pid, key)

    def _wait(self) -> list:
        """What the workers sent (ready, or a result) or why one was lost; replaces lost ones."""
        busy = [w for w in self.workers if w.task is not None]
        deadline = min((w.since + self.timeout for w in busy), default=None)
        wait_for = None if deadline is None else max(0.0, deadline - time.monotonic())
        handles = {w.connection: w for w in self.workers} | {w.process.sentinel: w for w in self.workers}
        finished = []
        for handle in wait(list(handles), timeout=wait_for):
            worker = handles[handle]
            if worker not in self.workers:
                continue
            if handle is worker.connection:
                finished += self._received(worker)
            elif worker.connection.poll() is False:
                finished += self._lost(worker, "stopped unexpectedly"
                                       + _signal_note(worker.process))
        for worker in [w for w in self.workers if w.task is not None]:
            if time.monotonic() - worker.since > self.timeout:
                finished += self._lost(worker, f"took longer than {self.timeout:g} s", kill=True)
        return finished

    def _received(self, worker: _Worker) -> list:
        try:
            message = worker.connection.recv()
        except (EOFError, OSError):
            return self._lost(worker, "stopped unexpectedly" + _signal_note(worker.process))
        if message[0] == "ready":
            worker.ready = True
            return []
        key, result = message
        worker.task = None
        worker.done += 1
        if worker.done >= self.recycle:  # bounded memory: a fresh worker in its place
            self._replace(worker)
        from .executors import unpacked

        return [(key, unpacked(result))]

    def _lost(self, worker: _Worker, why: str, kill: bool = False) -> list:
        """A worker that died or hung: replaced; its task queued again once, else reported."""
        task = worker.task
        if not worker.ready:
            self.false_starts += 1
            if self.false_starts > 2 * self.size:
                raise EnvironmentProblem(f"the workers stop before they are ready ({why.strip()}): "
                                         "build with --jobs 1 to see why")
        self._replace(worker, kill=True)
        if task is None:
            return []
        key, job = task
        if self.tries[key] < TRIES:
            self.queue.appendleft(task)
            return []
        where = job.unit.name or str(job.unit.project.root)
        pids = ", ".join(map(str, self.pids[key]))
        error = DeckgenError(f"{where}: the worker building it {why}, twice (pids {pids}); "
                             "nothing was written for it")
        error.exit_code = 2
        return [(key, error)]

    def _replace(self, worker: _Worker, kill: bool = False) -> None:
        """``worker`` stopped (killed when ``kill``) and its peak memory noted; the next
        :meth:`_top_up` forks a fresh one if there is work for it."""
        self.workers.remove(worker)
        self.peak_rss[worker.pid] = _peak_rss(worker.pid)
        worker.stop(kill=kill)

    def close(self) -> None:
        for worker in list(self.workers):
            self.peak_rss[worker.pid] = _peak_rss(worker.pid)
            worker.stop(kill=worker.task is not None)
        self.workers.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _signal_note(process) -> str:
    process.join(timeout=1)
    code = process.exitcode
    return f" (killed by signal {-code})" if code is not None and code < 0 else ""


def _peak_rss(pid: int) -> int:
    """The process's peak resident memory in KiB (VmHWM), 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
