"""Warm workers: a killed or hung worker is replaced and its brief retried once, then reported;
workers are recycled after a number of builds."""

from __future__ import annotations

import os
import signal

from deckgen.build.collection import brief_project, build_units, collection_units
from deckgen.build.options import BuildOptions
from deckgen.build.workers import WorkerPool
from deckgen.load.collection import load_collection
from helpers import make_collection


def _units(root, names):
    make_collection(root, names)
    return collection_units(load_collection(root), None, BuildOptions())


def test_a_worker_killed_mid_build_is_replaced_and_its_brief_built(tmp_path):
    units = _units(tmp_path, ["alpha", "beta", "gamma"])
    killed = []

    def kill_first(pid, key):
        if not killed:
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    pool = WorkerPool(2, on_give=kill_first)
    outcomes = build_units(units, BuildOptions(), lambda count: pool)
    assert [o.errors for o in outcomes] == [[], [], []]
    assert pool.started == 3  # the killed worker's replacement
    for name in ("alpha", "beta", "gamma"):
        assert (tmp_path / name / "build" / f"brief-{name}.pdf").is_file()


def test_a_brief_whose_worker_is_lost_twice_is_reported_and_the_others_built(tmp_path):
    units = _units(tmp_path, ["alpha", "beta"])
    beta = brief_project(tmp_path, "beta").root

    def kill_beta(pid, key):
        if units[key].project.root == beta:
            os.kill(pid, signal.SIGKILL)

    outcomes = build_units(units, BuildOptions(), lambda count: WorkerPool(2, on_give=kill_beta))
    alpha, lost = outcomes
    assert alpha.errors == []
    message = str(lost.errors[0])
    assert message.startswith("beta: the worker building it stopped unexpectedly (killed by signal 9), twice")
    assert not (tmp_path / "beta" / "build" / "brief-beta.pdf").exists()


def test_a_hung_worker_is_killed_after_the_timeout(tmp_path):
    units = _units(tmp_path, ["alpha"])
    outcomes = build_units(units, BuildOptions(), lambda count: WorkerPool(1, timeout=0.2))
    assert "alpha: the worker building it took longer than 0.2 s, twice" in str(outcomes[0].errors[0])


def test_workers_are_recycled_after_k_builds(tmp_path):
    units = _units(tmp_path, ["a1", "a2", "a3", "a4"])
    pool = WorkerPool(1, recycle=2)
    outcomes = build_units(units, BuildOptions(), lambda count: pool)
    assert all(not o.errors for o in outcomes)
    assert pool.started == 2 and len(pool.peak_rss) == 2
