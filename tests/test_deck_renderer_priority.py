"""The watch's long-lived deck renderer runs at a lower priority than the process that renders
the PDF and its layout worker: the deck is ready long before the PDF, whose two layouts then
have both cores."""

from __future__ import annotations

import os
import time

from deckgen.build.processes import DECK_NICENESS, DeckRenderer, LayoutWorker


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
