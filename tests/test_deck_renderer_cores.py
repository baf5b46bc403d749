"""The watch's long-lived deck renderer leaves the cores to the PDF's two layouts: a deck it is
given waits until the float pass's layout worker is done (then it is drawn on the core the worker
left, while the PDF is written), and it runs at a lower priority than the process that renders
the PDF and its layout worker."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from deckgen.build import jobs as jobs_module
from deckgen.build import processes
from deckgen.build.jobs import Inputs, Jobs
from deckgen.build.options import BuildOptions
from deckgen.build.pipeline import validate
from deckgen.build.processes import DECK_NICENESS, DeckRenderer, LayoutWorker
from deckgen.build.store import Store
from deckgen.pdf import speculation
from deckgen.watch import watch
from helpers import Watcher, copy_example
from watch_support import TIMEOUT, WORDING, edit


def niceness_of(pid: int, wanted: int) -> int:
    """``pid``'s niceness once it is ``wanted`` (the child sets its own after the fork), or
    whatever it is after a few seconds."""
    deadline = time.monotonic() + 10
    while (niceness := os.getpriority(os.PRIO_PROCESS, pid)) != wanted and time.monotonic() < deadline:
        time.sleep(0.02)
    return niceness


def test_the_deck_renderer_yields_the_cores_to_the_pdf_and_its_layout_worker():
    own = os.getpriority(os.PRIO_PROCESS, 0)
    renderer, worker = DeckRenderer(), LayoutWorker()
    try:
        assert DECK_NICENESS >= 5
        assert niceness_of(renderer.process.pid, min(own + DECK_NICENESS, 19)) == min(own + DECK_NICENESS, 19)
        assert niceness_of(worker.process.pid, own) == own
        assert os.getpriority(os.PRIO_PROCESS, 0) == own  # this process is left as it was
    finally:
        renderer.stop()
        worker.stop()


def jobs_of(project) -> Jobs:
    brief, theme, _, plans = validate(project)
    return Jobs(Inputs(brief, project, theme, BuildOptions()), Store(project.build_dir), plans)


@pytest.fixture
def renderer():
    deck_renderer = DeckRenderer()
    yield deck_renderer
    deck_renderer.stop()


def test_a_deck_submitted_is_drawn_on_go(make_project, minimal_files, renderer):
    renderer.submit(jobs_of(make_project(minimal_files)))
    assert not renderer.connection.poll(1.0), "the deck was drawn before go()"
    renderer.go()
    assert renderer.connection.poll(TIMEOUT)
    assert renderer.result().data.startswith(b"PK")  # a .pptx: a zip


def test_asking_for_the_result_says_go_when_nothing_did(make_project, minimal_files, renderer):
    project = make_project(minimal_files)
    for _ in range(2):  # and the renderer waits again for the next deck
        renderer.submit(jobs_of(project))
        assert renderer.result().data.startswith(b"PK")
    renderer.go()  # with no deck waiting: nothing
    assert renderer.alive and not renderer.connection.poll(0.5)


def test_a_watch_draws_the_deck_once_the_layout_beside_is_back_while_the_pdf_is_written(tmp_path, monkeypatch):
    project = copy_example(tmp_path / "watched")
    started: Path = tmp_path / "deck-started"
    real_pptx, real_result = Jobs.pptx, LayoutWorker.result
    back: list[float] = []

    def pptx(self):  # in the deck renderer (forked after this patch): when it starts drawing
        with open(started, "a", encoding="utf-8") as out:
            out.write(f"{time.monotonic()}\n")
        return real_pptx(self)

    def result(self):  # here: when the worker's layout is back
        value = real_result(self)
        back.append(time.monotonic())
        return value

    import weasyprint

    real_write = weasyprint.Document.write_pdf
    written: list[float] = []

    def write_pdf(self, *args, **kwargs):  # here: when the PDF is written
        data = real_write(self, *args, **kwargs)
        written.append(time.monotonic())
        return data

    monkeypatch.setattr(weasyprint.Document, "write_pdf", write_pdf)
    monkeypatch.setattr(Jobs, "pptx", pptx)
    monkeypatch.setattr(LayoutWorker, "result", result)
    assert jobs_module.Jobs is Jobs and processes.LayoutWorker is LayoutWorker
    economy = project.source / "sections" / "economy.md"
    with Watcher(watch, project, TIMEOUT) as watcher:
        assert watcher.next("built", "failed").result is not None
        while not watcher.next("message").message.startswith("ready"):
            pass  # then the deck renderer and the layout worker are forked
        before = dict(speculation.counts)
        started.unlink(missing_ok=True)
        back.clear()
        written.clear()
        edit(economy, *WORDING)
        rebuilt = watcher.next("built", "failed").result
    assert rebuilt is not None and rebuilt.cache["parallel"] is True
    assert speculation.counts["taken"] == before.get("taken", 0) + 1  # the worker laid out beside
    drawn = [float(line) for line in started.read_text().split()]
    assert len(drawn) == 1 and len(back) == 1
    assert back[0] <= drawn[0] < written[-1]  # after the layouts, while the PDF is written
