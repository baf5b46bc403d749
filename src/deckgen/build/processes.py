"""Rendering the deck in another process, beside the PDF rendered in this one.

- :class:`SourceProcess`, for one build: forked before anything is loaded, it loads the source
  and sends it while this process imports the PDF's renderer, then draws the PDF's figures and
  hands them over, then renders the deck.
- :class:`DeckRenderer`, for ``deckgen watch``: forked once, it renders the deck of every
  rebuild, so no rebuild pays for a fork.

Both run :class:`deckgen.build.jobs.Jobs` and send back its :class:`Rendered` result, or its
error, through a pipe.
A forked process dies with the process that forked it, however that one ends (even by
SIGKILL): the kernel is asked to kill it then (``PR_SET_PDEATHSIG``, on Linux), and each keeps
only its own ends of the pipes, so a parent gone is also an end of file or a broken pipe.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import NamedTuple

from ..errors import DeckgenError, SourceError
from .executors import unpacked
from .jobs import HandedOver, Jobs
from .options import DrawnFigures, Rendered
from .store import Store


def can_fork_renderers() -> bool:
    """True when a forked process can render beside this one (a second core, and fork)."""
    return _cores() > 1 and hasattr(os, "fork")


def _cores() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class Forked:
    """Run ``job()`` in a forked child process; ``result()`` returns its value or raises its error.

    Fork (not spawn), so the child starts with this process's imports and objects; the result
    comes back through a pipe.
    """

    def __init__(self, job: Callable[[], Rendered], store: Store):
        import gc
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(job, sender, self.receiver, store,
                                                            os.getpid()), daemon=True)
        self.unfreeze = gc.get_freeze_count() == 0  # else the caller (watch) froze the heap
        gc.freeze()  # until the child is done, neither process's collector scans (and so
        try:         # copies, page by page) the objects they share; see cancel()
            _start(self.process)
        except BaseException:
            self._unfreeze()
            raise
        sender.close()

    def result(self) -> Rendered:
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


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
DECK_NICENESS = 10  # the long-lived deck renderer's, above its parent's
GO = "go"           # told to the deck renderer: draw the deck received (DeckRenderer.go)


def die_with_parent(parent_pid: int) -> None:
    """In a forked child: be killed when the parent ends, and end now if it already has.

    The kernel sends the signal when the thread that forked this process ends: deckgen forks
    from the thread that then waits for the child's result, or stops it."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pipes' ends tell the child instead
        pass
    if os.getppid() != parent_pid:  # the parent ended before the request took effect
        os._exit(1)


def _child(job, sender, receiver, store: Store, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    receiver.close()  # the parent's end: kept open here, a send to a parent gone would block
    _let_ctrl_c_through()
    store.release_in_child()
    try:
        sender.send(_outcome(job))
    except OSError:  # the parent is gone (a broken pipe): nobody to tell
        os._exit(1)
    finally:
        sender.close()


def _outcome(job: Callable[[], object]) -> tuple[str, object]:
    """Run ``job`` in a child process: ``("ok", its result)`` (a rendering marked with the
    process's id) or ``("error", (message, exit code))``."""
    try:
        value = job()
        if isinstance(value, Rendered):
            value = dataclasses.replace(value, pid=os.getpid())
        return ("ok", value)
    except KeyboardInterrupt:
        os._exit(130)  # the parent was interrupted too, and reports it
    except SourceError as exc:
        return ("source-error", (exc.problems, exc.root))
    except DeckgenError as exc:
        return ("error", (str(exc), exc.exit_code))
    except BaseException:  # noqa: BLE001 - a bug: carry its traceback to the parent
        import traceback

        return ("error", (f"deck rendering failed:\n{traceback.format_exc()}", 1))


def _unpacked(outcome: tuple[str, object]) -> Rendered:
    """The result in a child's :func:`_outcome`, or its error raised here."""
    value = unpacked(outcome)
    if isinstance(value, DeckgenError):
        raise value
    return value


# ---- the source's process for one build --------------------------------------------------------

class Loaded(NamedTuple):
    """The source of one build as loaded and checked: the brief, the theme, the load's warnings,
    and the slide plans when the build checked them for an output other than the deck."""

    brief: object
    theme: object
    warnings: list
    plans: list | None


class SourceProcess:
    """A process forked for one build before anything is loaded, so that loading the source is
    off the PDF's path: while this process imports the PDF's renderer, it loads and checks the
    source (``load_source()``) and sends it here (:meth:`loaded`); then it draws the PDF's
    figures and hands them over (:meth:`render`: WeasyPrint asks for the first figure only when
    it builds its boxes, see :class:`HandedOver`), then renders the deck if the build needs it.

    The brief crosses by pickle, as it crosses to the deck's renderer in ``deckgen watch``; the
    PDF rendered here from it is the PDF the serial build renders (tested byte for byte)."""

    def __init__(self, store: Store, load_source: Callable[[], Loaded],
                 make_jobs: Callable[[Loaded], Jobs], deck: bool):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.loaded_in, loaded_out = context.Pipe(duplex=False)
        self.figures_in, figures_out = context.Pipe(duplex=False)
        parents_ends = (self.loaded_in, self.figures_in)

        def load_figures_deck() -> Rendered | None:
            for end in parents_ends:
                end.close()
            outcome = _outcome(load_source)
            loaded_out.send(outcome)
            loaded_out.close()
            if outcome[0] != "ok":
                return None  # the parent raises the error it was sent
            jobs = make_jobs(outcome[1])
            figures_out.send(jobs.svgs())
            figures_out.close()
            return jobs.pptx() if deck else None

        self.deck = deck
        self.forked = Forked(load_figures_deck, store)
        loaded_out.close()
        figures_out.close()

    def loaded(self) -> Loaded:
        """The source as the process loaded it, or its error (a SourceError …) raised here."""
        try:
            return _unpacked(self.loaded_in.recv())
        except EOFError:
            raise DeckgenError("the process loading the source stopped unexpectedly") from None
        finally:
            self.loaded_in.close()

    def render(self, jobs: Jobs, todo: list[str]) -> dict[str, Rendered]:
        """Each output in ``todo``: the deck (if asked) there, the others here with the
        figures handed over; the process is stopped if this fails or is interrupted."""
        from .outputs import DECK, OUTPUTS

        try:
            figures = self._figures(jobs)
            here = {fmt: OUTPUTS[fmt].render(jobs, figures) for fmt in todo if fmt != DECK}
            deck = self.forked.result()
        except BaseException:
            self.stop()
            raise
        return {**here, DECK: deck} if self.deck else here

    def _figures(self, jobs: Jobs) -> HandedOver:
        def receive() -> DrawnFigures:
            try:
                return self.figures_in.recv()
            except EOFError:  # the process failed before handing the figures over
                return jobs.svgs()
            finally:
                self.figures_in.close()

        return HandedOver(jobs.brief, receive)

    def stop(self) -> None:
        self.forked.cancel()


# ---- a long-lived deck renderer ----------------------------------------------------------------

class DeckRenderer:
    """A forked process that renders decks for the builds of one long-lived process.

    Forked once, after the renderers are warm, rather than for every build: a fork makes the
    parent copy, page by page, every page of its large heap it then writes to, which slowed the
    PDF rendered beside it by a tenth or more (a watch rebuild of the example: 0.83-0.87 s with
    a fork per build, 0.74-0.75 s with this renderer). One deck is rendered at a time; ``stop()`` ends the
    process (a build that fails or is interrupted while it renders stops it, so no stale
    result is ever read).

    A deck submitted is drawn once :meth:`go` says so: the PDF's float pass lays out in this
    process and in the :class:`LayoutWorker` at once, one layout on each core, and calls
    :meth:`go` when the worker's is done (:mod:`deckgen.pdf.speculation`); the deck is then drawn
    on the core the worker left, while the PDF is written here. A deck drawn beside both layouts
    took a twentieth of a rebuild from the PDF, even at a lower priority. :meth:`result` says
    :meth:`go` itself when nothing did. It also runs at a lower priority
    (:data:`DECK_NICENESS`), yielding to the PDF whatever else runs."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve_decks,
                                       args=(theirs, self.connection, os.getpid()), daemon=True)
        _start(self.process)
        theirs.close()
        self.held = False  # a deck submitted waits for go()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def submit(self, jobs: Jobs) -> None:
        self.connection.send(jobs.portable())
        self.held = True

    def go(self) -> None:
        """Draw the deck submitted last now (nothing when none waits)."""
        if self.held:
            self.held = False
            try:
                self.connection.send(GO)
            except OSError:  # the renderer is gone: result() says so
                pass

    def figures(self, jobs: Jobs) -> HandedOver:
        """The PDF's figures, drawn (or found in the cache) by the PDF's process itself."""
        return jobs.figures_drawn_here()

    def result(self) -> Rendered:
        """The deck submitted last, or its error raised here."""
        self.go()
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


def _serve_decks(connection, parents_end, parent_pid: int) -> None:
    """The deck renderer's loop: a deck for each jobs received, drawn once :data:`GO` follows
    them, until the parent goes.

    It is killed when the parent ends (see :func:`die_with_parent`), and the copy of the
    parent's end of the pipe that the fork gave this process is closed first: then the parent's
    exit, however it happens, also ends the loop."""
    import gc
    import signal

    die_with_parent(parent_pid)
    parents_end.close()

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _let_ctrl_c_through()
    os.nice(DECK_NICENESS)
    gc.enable()
    while True:
        try:
            portable = connection.recv()
            jobs = Jobs.from_portable(portable)
            while connection.recv() != GO:
                pass
        except (EOFError, OSError):
            return
        try:
            connection.send(_outcome(jobs.pptx))
        except OSError:  # the parent is gone
            return
        gc.collect()  # while the parent still renders its PDF or waits for the next save


# ---- a long-lived layout worker ----------------------------------------------------------------

class LayoutWorker:
    """A forked process that runs one job at a time for a long-lived process (``deckgen
    watch`` has it lay out a brief beside the layout made here: :mod:`deckgen.pdf.speculation`).

    A job is a module-level function and its arguments, sent by pickle, its value sent back;
    jobs are numbered, so the answer to one given up on (interrupted) is never another's, and a
    job given up on is stopped (:meth:`abandon`), or never started if it was not yet, so the
    next one does not wait for it. The worker is ready (its signal handled) once constructed."""

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.abandoned = context.RawValue("q", 0)  # the number of the job given up on last
        self.process = context.Process(target=_serve_jobs, daemon=True,
                                       args=(theirs, self.connection, os.getpid(), self.abandoned))
        _start(self.process)
        theirs.close()
        self.number = 0
        try:
            ready = self.connection.poll(WORKER_READY_SECONDS) and self.connection.recv() == READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise DeckgenError("the layout worker did not start")

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def submit(self, function: Callable, *args) -> None:
        self.number += 1
        try:
            self.connection.send((self.number, function, args))
        except (OSError, ValueError):
            self.stop()
            raise DeckgenError("the layout worker stopped unexpectedly") from None

    def result(self):
        """The value of the job submitted last, or its error raised here as a DeckgenError."""
        try:
            while True:
                number, status, value = self.connection.recv()
                if number == self.number:
                    break
        except (EOFError, OSError, ValueError):
            self.stop()
            raise DeckgenError("the layout worker stopped unexpectedly") from None
        if status != "ok":
            raise DeckgenError(value)
        return value

    def abandon(self) -> None:
        """Stop the job submitted last, if it still runs: its answer is no longer wanted (the
        rebuild that asked for it failed or was interrupted). The worker stays, warm; a job it
        has not started yet is answered without being run."""
        self.abandoned.value = self.number
        if self.process.is_alive():
            os.kill(self.process.pid, ABANDON)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _abandon_signal() -> int:
    import signal

    return signal.SIGUSR1


ABANDON = _abandon_signal()  # sent to the layout worker to stop the job it runs
READY = "ready"              # the layout worker's first word: its signal is handled
WORKER_READY_SECONDS = 30


class Abandoned(BaseException):
    """Raised in the layout worker's job when the job is abandoned (see :meth:`LayoutWorker.abandon`)."""


def _serve_jobs(connection, parents_end, parent_pid: int, abandoned) -> None:
    """The layout worker's loop (see :func:`_serve_decks`): the value of each job received.
    :data:`ABANDON` stops the job under way if it is the one given up on (``abandoned``, shared
    with the parent); such a job not started yet is answered without being run, and between
    jobs the signal does nothing."""
    import gc
    import signal
    import traceback

    die_with_parent(parent_pid)
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    running = 0  # the number of the job under way; 0 between jobs

    def abandon(signum, frame):
        if running and running == abandoned.value:
            raise Abandoned

    signal.signal(ABANDON, abandon)
    _let_ctrl_c_through()
    gc.enable()
    connection.send(READY)
    while True:
        try:
            number, function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            running = number
            try:
                if number == abandoned.value:  # given up on before it started
                    raise Abandoned
                outcome = (number, "ok", function(*args))
            finally:
                running = 0
        except Abandoned:
            outcome = (number, "abandoned", "")
        except BaseException:  # noqa: BLE001 - reported; the caller lays out without it
            outcome = (number, "error", traceback.format_exc())
        try:
            connection.send(outcome)
        except OSError:
            return
        except Exception:  # noqa: BLE001 - a value that does not pickle
            connection.send((number, "error", traceback.format_exc()))
        del outcome
        gc.collect()
