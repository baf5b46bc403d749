"""A parameterised brief's rows as build units: fed to warm workers (``--jobs``) and to a Dask
cluster, built to the same bytes as the one-process build, each row failing on its own; and the
outputs of a row or an edition that is gone removed by the next build."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.project import Project
from helpers import copy_case, run

CODES = ["jp", "kr", "jk"]
FILES = [f"country-brief-{code}.{ext}" for code in CODES for ext in ("pdf", "pptx")]


def outputs(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "build").iterdir() if p.is_file())


def manifest_slots(root: Path) -> set[str]:
    return set(json.loads((root / "build" / ".deckgen-cache" / "manifest.json").read_text())["outputs"])


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The three rows built in this one process, as ``deckgen build`` without ``--jobs`` does."""
    root = copy_case(tmp_path_factory.mktemp("serial"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764000000")
        build(Project.at(root), BuildOptions())
    return root


def test_jobs_builds_each_row_in_the_workers_to_the_same_bytes(serial, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    root = copy_case(tmp_path)
    code, out, err = run(capsys, "build", str(root), "--jobs", "2", "--json")
    assert code == 0, err
    assert set(json.loads(out)["cache"]["outputs"]) == {f"{fmt}.{c}" for c in CODES for fmt in ("pdf", "pptx")}
    assert set(json.loads(out)["cache"]["outputs"].values()) == {"built"}
    assert outputs(root) == sorted(FILES)
    for name in FILES:
        assert (root / "build" / name).read_bytes() == (serial / "build" / name).read_bytes(), name
    # the rows are answered from the cache the next time, as a one-process build answers them
    code, out, _ = run(capsys, "build", str(root), "--jobs", "2", "--json")
    assert set(json.loads(out)["cache"]["outputs"].values()) == {"hit"}


def test_a_collections_parameterised_brief_builds_one_pair_per_row(serial, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    copy_case(tmp_path / "countries")
    (tmp_path / "deckgen.yaml").write_text("briefs:\n  - countries\n")
    code, out, err = run(capsys, "build", str(tmp_path), "--jobs", "2")
    assert code == 0, err
    assert outputs(tmp_path / "countries") == sorted(FILES)
    assert "wrote: countries/build/country-brief-kr.pdf (3 pages)" in out.replace(str(tmp_path) + "/", "")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "countries/build/country-brief-kr.pdf").pages)
    assert "A country brief for the South Korea desk" in text
    for name in FILES:
        assert (tmp_path / "countries/build" / name).read_bytes() == (serial / "build" / name).read_bytes(), name


def test_a_failing_row_is_reported_at_its_line_and_the_others_are_written(tmp_path, capsys):
    root = copy_case(tmp_path)
    with (root / "source/data/countries.csv").open("a") as file:
        file.write("XX,Nowhere,nobody\n")
    code, out, err = run(capsys, "build", str(root), "--jobs", "2")
    assert code == 1
    assert "source/figures/visitors.yaml:9:3: data.where: no row of source/data/visitors.csv has code = 'XX'" in err
    assert "1 error in the source; nothing was written for row 'XX'." in err
    assert outputs(root) == sorted(FILES)
    assert "wrote: " in out


def test_without_jobs_a_failing_row_does_not_stop_the_others(tmp_path, capsys):
    root = copy_case(tmp_path)
    text = (root / "source/data/countries.csv").read_text()
    (root / "source/data/countries.csv").write_text(text.replace("KR,", "XX,", 1))
    code, _, err = run(capsys, "build", str(root))
    assert code == 1
    assert "nothing was written for row 'XX'." in err
    assert outputs(root) == sorted(f"country-brief-{c}.{ext}" for c in ("jp", "jk") for ext in ("pdf", "pptx"))


# ---- on a Dask cluster -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster():
    import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address.removeprefix("tcp://")


def test_the_dask_executor_builds_each_row_to_the_same_bytes(serial, cluster, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    root = copy_case(tmp_path)
    code, out, err = run(capsys, "build", str(root), "--executor", f"dask://{cluster}", "--json")
    assert code == 0, err
    assert set(json.loads(out)["cache"]["outputs"].values()) == {"built"}
    assert outputs(root) == sorted(FILES)
    for name in FILES:
        assert (root / "build" / name).read_bytes() == (serial / "build" / name).read_bytes(), name
    # the manifest carries this machine's environment: a local build answers from the cache
    code, out, _ = run(capsys, "build", str(root), "--json")
    assert code == 0
    assert set(json.loads(out)["cache"]["outputs"].values()) == {"hit"}


def test_the_manifest_records_the_coordinators_environment_not_the_workers(cluster, tmp_path, capsys,
                                                                           monkeypatch):
    from deckgen.build import distributed as shipping

    built_there = shipping._render_shipped

    def elsewhere(shipped):  # a worker whose fonts and libraries were installed at other times
        status, made = built_there(shipped)
        if status == "ok":
            made.rendered.update({fmt: replace(out, environment={"/opt/fonts/Other.ttf": [1, 2]})
                                  for fmt, out in made.rendered.items()})
        return status, made

    monkeypatch.setattr(shipping, "_render_shipped", elsewhere)
    root = copy_case(tmp_path)
    code, _, err = run(capsys, "build", str(root), "--param", "kr", "--executor", f"dask://{cluster}")
    assert code == 0, err
    environment = json.loads((root / "build/.deckgen-cache/manifest.json").read_text())["environment"]
    assert "/opt/fonts/Other.ttf" not in environment
    code, out, _ = run(capsys, "build", str(root), "--param", "kr", "--json")
    assert set(json.loads(out)["cache"]["outputs"].values()) == {"hit"}


def test_each_unit_on_the_cluster_has_the_timeout_of_its_own(cluster, tmp_path, monkeypatch):
    import time

    from deckgen.build import distributed as shipping
    from deckgen.build.collection import Task, project_units
    from deckgen.build.distributed import DaskExecutor

    monkeypatch.setattr(shipping, "render_shipped", hangs_on_kr)
    root = copy_case(tmp_path)
    units = project_units(Project.at(root), BuildOptions())
    started = time.monotonic()
    try:
        with DaskExecutor(cluster, timeout=3) as executor:
            for index, unit in enumerate(units):
                executor.submit(index, Task(unit, BuildOptions(), ("pdf",)))
            found = {units[key].row.slug: str(error) for key, error in executor.results()}
    finally:
        RELEASE.set()
    assert found["jp"] == "jp done" and found["jk"] == "jk done"
    assert found["kr"].endswith("the cluster did not build it within 3 s; nothing was written for it")
    assert time.monotonic() - started < 3 * len(units)


RELEASE = threading.Event()


def hangs_on_kr(shipped):
    """On the cluster: the unit of row kr hangs (until the test ends); the others end at once."""
    if shipped.task.unit.row.slug == "kr":
        RELEASE.wait(60)
    return ("error", (f"{shipped.task.unit.row.slug} done", 1))


# ---- the outputs of a row that is gone ----------------------------------------------------------

def drop_row(root: Path, code: str) -> None:
    path = root / "source/data/countries.csv"
    path.write_text("".join(line for line in path.read_text().splitlines(keepends=True)
                            if not line.startswith(code + ",")))


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]])
def test_a_removed_rows_outputs_and_entries_are_removed_by_the_next_build(tmp_path, capsys, jobs):
    root = copy_case(tmp_path)
    assert run(capsys, "build", str(root), *jobs)[0] == 0
    (root / "build" / "country-brief-kr-notes.pdf").write_bytes(b"%PDF- the user's own")
    drop_row(root, "KR")
    code, out, err = run(capsys, "build", str(root), *jobs)
    assert code == 0, err
    assert "removed build/country-brief-kr.pdf: row 'kr' is no longer in source/data/countries.csv" in out
    assert "removed build/country-brief-kr.pptx: row 'kr' is no longer in source/data/countries.csv" in out
    assert outputs(root) == sorted([*(f for f in FILES if "-kr." not in f), "country-brief-kr-notes.pdf"])
    assert manifest_slots(root) == {f"{fmt}.{c}" for c in ("jp", "jk") for fmt in ("pdf", "pptx")}
    assert not (root / "build/.deckgen-cache/journal.json").exists()
    # nothing more to remove: the next build says nothing of it
    code, out, _ = run(capsys, "build", str(root), *jobs)
    assert code == 0 and "removed build/" not in out


def test_a_stale_output_changed_since_deckgen_wrote_it_is_left(tmp_path, capsys):
    root = copy_case(tmp_path)
    assert run(capsys, "build", str(root))[0] == 0
    (root / "build/country-brief-kr.pptx").write_bytes(b"edited by hand")
    drop_row(root, "KR")
    code, out, _ = run(capsys, "build", str(root))
    assert code == 0
    assert "removed build/country-brief-kr.pdf: row 'kr' is no longer in source/data/countries.csv" in out
    assert ("left build/country-brief-kr.pptx: row 'kr' is no longer in source/data/countries.csv, but the "
            "file was changed since deckgen wrote it") in out
    assert (root / "build/country-brief-kr.pptx").read_bytes() == b"edited by hand"
    assert "pptx.kr" not in manifest_slots(root)


def test_nothing_is_removed_while_the_params_file_is_in_error(tmp_path, capsys):
    root = copy_case(tmp_path)
    assert run(capsys, "build", str(root))[0] == 0
    path = root / "source/data/countries.csv"
    path.write_text(path.read_text() + "JP,Japan again,x\n")  # a duplicate: the file is in error
    code, _, err = run(capsys, "build", str(root))
    assert code == 1 and "duplicate parameter" in err
    assert outputs(root) == sorted(FILES)


def test_the_outputs_of_an_edition_no_longer_listed_are_removed(tmp_path, capsys):
    import textwrap

    from conftest import MINIMAL

    for path, text in MINIMAL.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text).lstrip("\n"))
    brief = tmp_path / "source/brief.yaml"
    brief.write_text(brief.read_text() + "editions: [en, fr]\n")
    assert run(capsys, "build", str(tmp_path), "--only", "pdf")[0] == 0
    french = [p.name for p in (tmp_path / "build").glob("*.fr.pdf")]
    assert len(french) == 1
    brief.write_text(brief.read_text().replace("editions: [en, fr]\n", ""))
    code, out, err = run(capsys, "build", str(tmp_path), "--only", "pdf")
    assert code == 0, err
    assert f"removed build/{french[0]}: edition 'fr' is no longer listed in source/brief.yaml" in out
    assert not (tmp_path / "build" / french[0]).exists()


def test_an_edition_named_for_a_brief_without_editions_keeps_what_it_built(tmp_path):
    """``--edition en`` of a brief with no ``editions:`` writes slots "pdf.en", "pptx.en": the
    removal of stale units never takes what the build itself has just written."""
    from helpers import copy_example

    project = copy_example(tmp_path)
    result = build(project, BuildOptions(edition="en"))
    assert set(result.outputs) == {"pdf.en", "pptx.en"}
    assert result.notes == []
    assert sorted(p.name for p in project.build_dir.glob("*.p*")) == [
        "japan-south-korea-relations.pdf", "japan-south-korea-relations.pptx"]
    again = build(project, BuildOptions())  # the same files, now under "pdf" and "pptx"
    assert again.notes == []
    assert sorted(p.name for p in project.build_dir.glob("*.p*")) == [
        "japan-south-korea-relations.pdf", "japan-south-korea-relations.pptx"]
