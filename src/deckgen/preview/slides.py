"""The deck's slides as images: LibreOffice converts the written deck to PDF in the background.

Off the PDF's path: the brief's pages are shown as soon as they are rendered, and the slides
follow when LibreOffice is done. One conversion runs at a time, at a low priority, and a deck
written meanwhile replaces the one waiting (only the newest is converted). LibreOffice runs with
a profile of its own (in a temporary folder), so it neither disturbs nor waits for a LibreOffice
the author has open.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .images import Image, ImageStore, render_pages

CONVERT_TIMEOUT = 120  # seconds; a conversion taking longer is given up (and reported)
SCALE = 0.8            # a 13.33 × 7.5 in slide is 768 × 432 px


@dataclass(frozen=True)
class SlideImages:
    """The outcome of one conversion: the slides, or why there are none, and what it took."""

    images: tuple[Image, ...] = ()
    problem: str = ""
    seconds: float = 0.0
    digest: str = ""  # the SHA-256 of the deck converted


Done = Callable[[SlideImages], None]


# Starting LibreOffice (fork, then exec) on this thread while another forks this process (the
# watch forks its deck renderer) would leave the pipe Popen waits on open in that other child,
# and Popen would wait forever: a fork elsewhere in this process waits while LibreOffice starts.
_SPAWNING = threading.Lock()
os.register_at_fork(before=_SPAWNING.acquire, after_in_parent=_SPAWNING.release,
                    after_in_child=_SPAWNING.release)


def spawn(command: list[str], **options) -> subprocess.Popen:
    """``subprocess.Popen``, never while this process forks on another thread."""
    with _SPAWNING:  # (subprocess's own fork does not run the at-fork hooks)
        return subprocess.Popen(command, **options)


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class SlideRenderer:
    """A thread converting the newest deck it was given, then calling ``done`` with its slides."""

    def __init__(self, store: ImageStore, done: Done, soffice: str | None = None):
        self.store, self.done = store, done
        self.soffice = soffice or find_soffice()
        self.work = Path(tempfile.mkdtemp(prefix="deckgen-preview-"))
        self._pending: bytes | None = None
        self._wake = threading.Condition()
        self._closed = False
        self._process: subprocess.Popen | None = None
        self._thread = threading.Thread(target=self._run, name="deckgen-slides", daemon=True)
        self._thread.start()

    def submit(self, deck: bytes) -> None:
        """Convert ``deck`` once the conversion under way, if any, is done."""
        with self._wake:
            self._pending = deck
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
            process = self._process
        if process is not None:
            _kill(process)
        self._thread.join(10)
        shutil.rmtree(self.work, ignore_errors=True)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                deck, self._pending = self._pending, None
            outcome = dataclasses.replace(self._convert(deck), digest=hashlib.sha256(deck).hexdigest())
            if not self._closed:
                self.done(outcome)

    def _convert(self, deck: bytes) -> SlideImages:
        if self.soffice is None:
            return SlideImages(problem="LibreOffice (soffice) is not installed: the slides cannot "
                                       "be shown (install libreoffice-impress)")
        started = time.perf_counter()
        source, pdf = self.work / "deck.pptx", self.work / "deck.pdf"
        source.write_bytes(deck)
        pdf.unlink(missing_ok=True)
        problem = self._soffice(source)
        if problem:
            return SlideImages(problem=problem, seconds=time.perf_counter() - started)
        images = render_pages(pdf.read_bytes(), self.store, SCALE)
        return SlideImages(tuple(images), seconds=time.perf_counter() - started)

    def _soffice(self, source: Path) -> str:
        """Run LibreOffice on ``source``; "" when it wrote the PDF, else what went wrong."""
        command = [*_low_priority(), self.soffice, "--headless", "--norestore",
                   f"-env:UserInstallation={(self.work / 'profile').as_uri()}",
                   "--convert-to", "pdf", "--outdir", str(self.work), str(source)]
        log = self.work / "soffice.log"
        with self._wake, open(log, "wb") as err:  # a file, not a pipe: a process forked
            if self._closed:                        # meanwhile (the deck renderer) may hold a
                return "stopped"                    # pipe's end open, and it would never end
            self._process = spawn(command, stdout=subprocess.DEVNULL, stderr=err,
                                  stdin=subprocess.DEVNULL, process_group=0)
        try:
            code = self._process.wait(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill(self._process)
            return f"LibreOffice took over {CONVERT_TIMEOUT} s to convert the deck; gave up"
        finally:
            with self._wake:
                self._process = None
        if code != 0 or not (self.work / "deck.pdf").is_file():
            detail = log.read_text("utf-8", "replace").strip().splitlines()[-1:]
            return "LibreOffice could not convert the deck" + (f": {detail[0]}" if detail else "")
        return ""


def _low_priority() -> list[str]:
    """The prefix that runs LibreOffice at a low priority, yielding the CPU to the rebuilds.

    LibreOffice stays in this process's session, in a process group of its own (so that it can
    be ended as a whole): where the kernel groups processes by session for scheduling
    (autogroup), a niceness counts only against the processes of the same session, and in a
    session of its own LibreOffice would take a core from a rebuild as if it were not niced."""
    nice = shutil.which("nice")
    return [nice, "-n", "10"] if nice else []


def _kill(process: subprocess.Popen) -> None:
    """End LibreOffice: its launcher and the office process it starts (one process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
