"""The Dask executor: units shipped as data to a cluster's workers build the same bytes as the
local executor, and a worker never needs the coordinator's files."""

from __future__ import annotations

import json
import shutil

import distributed
import pytest

from helpers import make_collection, run


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address.removeprefix("tcp://")


OUTPUTS = ["alpha/build/brief-alpha.pdf", "alpha/build/brief-alpha.pptx",
           "beta/build/brief-beta.pdf", "beta/build/brief-beta.pptx"]


def test_the_dask_executor_builds_the_same_bytes_as_the_local_one(tmp_path, capsys, cluster, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    local = make_collection(tmp_path / "local", ["alpha", "beta"])
    remote = tmp_path / "remote"
    shutil.copytree(local, remote)
    code, _, err = run(capsys, "build", str(local), "--jobs", "1")
    assert code == 0, err
    code, out, err = run(capsys, "build", str(remote), "--executor", f"dask://{cluster}", "--json")
    assert code == 0, err
    assert {n: set(b["cache"]["outputs"].values()) for n, b in json.loads(out)["briefs"].items()} == \
        {"alpha": {"built"}, "beta": {"built"}}
    for output in OUTPUTS:
        assert (remote / output).read_bytes() == (local / output).read_bytes(), output
    # built once, the outputs are answered from the coordinator's cache
    code, out, _ = run(capsys, "build", str(remote), "--executor", f"dask://{cluster}", "--json")
    assert {v for b in json.loads(out)["briefs"].values() for v in b["cache"]["outputs"].values()} == {"hit"}


def test_a_shipped_unit_builds_without_the_coordinators_files(tmp_path):
    from deckgen.build.collection import Task, collection_units
    from deckgen.build.distributed import Shipped, render_shipped, shipped_files
    from deckgen.build.executors import unpacked
    from deckgen.build.options import BuildOptions
    from deckgen.load.collection import load_collection

    root = make_collection(tmp_path / "c", ["alpha"])
    (unit,) = collection_units(load_collection(root), None, BuildOptions())
    files = shipped_files(unit.project)
    assert sorted(files) == ["source/brief.yaml", "source/figures/chart.yaml", "source/sections/one.md"]
    task = Task(unit, BuildOptions(parallel=False), ("pdf", "pptx"))
    shutil.rmtree(root)  # nothing left to read on the coordinator's side
    made = unpacked(render_shipped(Shipped(task, files, True)))
    assert made.name == "brief-alpha"
    assert made.rendered["pdf"].data.startswith(b"%PDF") and made.rendered["pptx"].count == 5


def test_no_scheduler_is_an_environment_problem(tmp_path, capsys):
    root = make_collection(tmp_path, ["alpha"])
    code, _, err = run(capsys, "build", str(root), "--executor", "dask://127.0.0.1:1")
    assert code == 2 and "--executor dask://127.0.0.1:1: no Dask scheduler answers there" in err
    assert "Connection refused" in err  # said at once, not after the client's retries
