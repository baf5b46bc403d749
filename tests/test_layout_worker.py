"""The watch's layout worker stops a layout nobody waits for any more.

A rebuild that fails or is interrupted while the worker lays out its plain HTML abandons that
layout: the worker stops it at once and stays warm, so the next rebuild's layout is not queued
behind it, and its answer is never taken for another job's.
"""

from __future__ import annotations

import operator
import time

import pytest

from deckgen.build.processes import LayoutWorker
from deckgen.pdf import speculation


def spin(seconds: float) -> str:
    """A job as long as a layout is (Python running, not waiting), then some."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(1000))
    return "finished"


@pytest.fixture
def worker():
    worker = LayoutWorker()
    yield worker
    worker.stop()


def test_an_abandoned_job_stops_and_the_next_is_answered_at_once(worker):
    worker.submit(spin, 60.0)
    time.sleep(0.2)  # the job is under way
    worker.abandon()
    started = time.monotonic()
    worker.submit(operator.add, 2, 3)
    assert worker.result() == 5
    assert time.monotonic() - started < 10  # not after the 60 s job
    assert worker.alive


def test_a_job_abandoned_as_soon_as_submitted_to_a_new_worker_is_never_run():
    for _ in range(10):  # the job not started, or not even received, when abandoned
        worker = LayoutWorker()
        try:
            worker.submit(spin, 60.0)
            worker.abandon()
            started = time.monotonic()
            worker.submit(operator.add, 2, 3)
            assert worker.result() == 5
            assert time.monotonic() - started < 10
            assert worker.alive
        finally:
            worker.stop()


def test_abandoning_between_jobs_does_nothing(worker):
    worker.submit(operator.add, 1, 1)
    assert worker.result() == 2
    worker.abandon()
    time.sleep(0.2)
    worker.submit(operator.mul, 3, 4)
    assert worker.result() == 12


class Pass:
    """What Speculation._beside reads of a float pass."""

    brief = None

    def html_for(self, placement) -> str:
        return f"<html>{placement}"


class Request:
    """What Speculation._beside sends of a render request."""

    def __init__(self):
        self.assets = {}

    def _replace(self, **changes):
        return self


def long_layout(request, html, brief):
    return spin(60.0)


def test_an_interrupted_rebuild_abandons_the_layout_beside_it(worker, monkeypatch):
    monkeypatch.setattr(speculation, "layout_elsewhere", long_layout)

    def interrupted(html):
        time.sleep(0.2)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        speculation.Speculation(worker)._beside(Pass(), "<html>", interrupted, Request(), "a guess")
    started = time.monotonic()
    worker.submit(operator.add, 2, 3)
    assert worker.result() == 5
    assert time.monotonic() - started < 10


def test_a_guess_that_changes_nothing_abandons_the_layout_beside_it(worker, monkeypatch):
    monkeypatch.setattr(speculation, "layout_elsewhere", long_layout)
    rendered = []
    beside = speculation.Speculation(worker)._beside(Pass(), "<html>a guess", rendered.append,
                                                     Request(), "a guess")
    assert beside == (None, None, None) and rendered == []  # laid out as a cold build does
    started = time.monotonic()
    worker.submit(operator.add, 2, 3)
    assert worker.result() == 5
    assert time.monotonic() - started < 10
