"""A build's processes die with it: no process of a build or of a watch killed while it renders
survives it, and the deck's process holds none of its parent's pipe ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import copy_example, running

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 20  # seconds a killed build's processes may take to end


# ---- a killed build leaves no process behind -------------------------------------------------------

RENDERING_FOREVER = """
import sys, time
from deckgen.build import jobs

def rendering_forever(self, figures=None):
    (figures or self.figures_drawn_here()).payload()  # the figures are in: the deck renders now
    print("rendering", flush=True)
    time.sleep(600)

jobs.Jobs.pdf = rendering_forever
from deckgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            pending += children
    return found


def all_end(pids: list[int]) -> bool:
    deadline = time.monotonic() + TIMEOUT
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(map(running, pids))


@pytest.fixture
def example(tmp_path) -> Path:
    """The example brief, its original alone: its deck is far larger than a pipe holds."""
    return copy_example(tmp_path).root


@contextmanager
def build_rendering_forever(project: Path):
    """A ``deckgen build`` of ``project`` held while it renders: yields (its process, the pids of
    its descendants); on leaving, kills it and whatever of those is still running."""
    build_process = subprocess.Popen([sys.executable, "-c", RENDERING_FOREVER, "build", str(project)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children: list[int] = []
    try:
        assert build_process.stdout.readline() == "rendering\n"
        children = descendants(build_process.pid)
        yield build_process, children
    finally:
        build_process.kill()
        build_process.wait(TIMEOUT)
        for pid in children:  # only this test's own processes
            if running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_no_process_of_a_build_killed_while_it_renders_survives(example, signum):
    with build_rendering_forever(example) as (build_process, children):
        assert len(children) == 1, children  # the deck's process
        build_process.send_signal(signum)
        build_process.wait(TIMEOUT)
        assert all_end(children), [pid for pid in children if running(pid)]


def test_the_deck_process_has_none_of_its_parents_pipe_ends(example):
    """Each end of a pipe is held only where it is used: the deck's process holds only the
    ends it reads the jobs from and writes the figures and the deck to."""
    with build_rendering_forever(example) as (build_process, children):
        (child,) = children
        assert not _pipe_ends(child) & _pipe_ends(build_process.pid)


def _pipe_ends(pid: int) -> set[tuple[str, str]]:
    """(pipe inode, "r" or "w") of each pipe or socket end ``pid`` holds, but its standard streams."""
    ends = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        if int(fd.name) < 3:
            continue
        try:
            target = os.readlink(fd)
            flags = int((Path(f"/proc/{pid}/fdinfo") / fd.name).read_text().split("flags:")[1].split()[0], 8)
        except (OSError, IndexError, ValueError):
            continue
        if target.startswith(("pipe:", "socket:")):
            ends.add((target, "w" if flags & os.O_WRONLY else "r"))
    return ends


WATCH_RENDERING_FOREVER = """
import sys, time
from deckgen.build import jobs

calls = []

def rendering_forever_after_the_first(self, figures=None, real=jobs.Jobs.pdf):
    calls.append(1)
    if len(calls) == 1:
        return real(self, figures)
    (figures or self.figures_drawn_here()).payload()
    print("rendering", flush=True)
    time.sleep(600)

jobs.Jobs.pdf = rendering_forever_after_the_first
from deckgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_watchs_deck_renderer_dies_with_it_while_it_renders(example, signum):
    watch_process = subprocess.Popen([sys.executable, "-c", WATCH_RENDERING_FOREVER, "watch",
                                      str(example)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
    children: list[int] = []
    try:
        for line in watch_process.stdout:
            if line.startswith("ready"):
                break
        section = next((example / "source" / "sections").glob("*.md"))
        section.write_text(section.read_text() + "\nOne more sentence.\n")
        for line in watch_process.stdout:
            if line == "rendering\n":
                break
        children = descendants(watch_process.pid)
        assert len(children) == 2, children  # the deck renderer, rendering now, and the layout worker
        watch_process.send_signal(signum)
        watch_process.wait(TIMEOUT)
        assert all_end(children)
        assert "Traceback" not in watch_process.stderr.read()  # its stderr is closed once it ends
    finally:
        watch_process.kill()
        for pid in children:  # only this test's own processes
            if running(pid):
                os.kill(pid, signal.SIGKILL)
