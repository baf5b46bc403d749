"""Nothing lost: a build that fails, crashes or is killed at any moment leaves the previous
outputs whole and readable; two builds of one project at once do not corrupt each other."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckgen.build import store as cache_store
from deckgen.build.keys import output_keys
from deckgen.build.pipeline import BuildOptions, build
from deckgen.deck import writer as deck
from deckgen.errors import DeckgenError

DECKGEN = [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()"]


def outputs(project) -> dict[str, bytes]:
    return {fmt: path.read_bytes() for fmt in ("pdf", "pptx")
            for path in project.build_dir.glob(f"*.{fmt}")}


def readable(project) -> None:
    """Both outputs open in the libraries a reader would use."""
    (pdf,) = project.build_dir.glob("*.pdf")
    (pptx,) = project.build_dir.glob("*.pptx")
    assert len(PdfReader(pdf).pages) >= 1
    assert len(Presentation(pptx).slides) >= 1


def leftovers(project) -> list[str]:
    """Temporary files or a journal a build left behind."""
    store = cache_store.Store(project.build_dir)
    found = [p.name for p in project.build_dir.iterdir() if p.name.endswith(".tmp")]
    found += [p.name for p in store.tmp.glob("*")] if store.tmp.is_dir() else []
    return found + (["journal.json"] if store.journal_path.exists() else [])


def edit(project, old="Some prose", new="Some revised prose") -> None:
    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace(old, new))


@pytest.mark.parametrize("parallel", [False, True])
def test_a_failing_render_keeps_the_previous_outputs(make_project, minimal_files, monkeypatch, parallel):
    project = make_project(minimal_files)
    build(project)
    before = outputs(project)
    edit(project)

    def broken(*args, **kwargs):
        raise DeckgenError("the deck renderer broke")

    monkeypatch.setattr(deck, "draw_deck", broken)  # a forked child inherits the patch
    with pytest.raises(DeckgenError, match="the deck renderer broke"):
        build(project, BuildOptions(parallel=parallel))
    assert outputs(project) == before
    assert leftovers(project) == []


def test_a_crash_between_the_moves_is_completed_by_the_next_build(make_project, minimal_files,
                                                                  monkeypatch):
    project = make_project(minimal_files)
    build(project)
    before = outputs(project)
    edit(project)
    real_replace = os.replace

    def crash_before_the_deck(source, target):
        if str(target).endswith(".pptx"):
            raise SystemExit("killed")  # as if the process died here: the PDF is already new
        real_replace(source, target)

    monkeypatch.setattr(cache_store.os, "replace", crash_before_the_deck)
    with pytest.raises(SystemExit):
        build(project)
    monkeypatch.setattr(cache_store.os, "replace", real_replace)
    torn = outputs(project)
    assert torn["pdf"] != before["pdf"] and torn["pptx"] == before["pptx"]
    assert "journal.json" in leftovers(project)

    result = build(project)  # finishes the interrupted commit; nothing is left to render
    assert result.up_to_date
    after = outputs(project)
    assert after["pdf"] == torn["pdf"] and after["pptx"] != before["pptx"]
    readable(project)
    assert leftovers(project) == []


def test_sigkill_at_any_moment_leaves_whole_outputs(make_project, minimal_files, tmp_path_factory):
    project = make_project(minimal_files)
    build(project)
    before = outputs(project)
    edit(project)
    seconds = _timed_build_of_a_copy(project, tmp_path_factory.mktemp("copy"))

    seen = []
    for fraction in (0.2, 0.5, 0.85):
        process = subprocess.Popen([*DECKGEN, "build", str(project.root)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(seconds * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        readable(project)
        seen.append(outputs(project))

    done = subprocess.run([*DECKGEN, "build", str(project.root)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    after = outputs(project)
    assert after != before
    for snapshot in seen:
        for fmt in ("pdf", "pptx"):
            assert snapshot[fmt] in (before[fmt], after[fmt])
    assert seen[0] == before, "the first kill should land mid-build"
    assert leftovers(project) == []


def _timed_build_of_a_copy(project, folder) -> float:
    copy = folder / "project"
    shutil.copytree(project.root, copy)
    start = time.monotonic()
    subprocess.run([*DECKGEN, "build", "-q", str(copy)], check=True, timeout=120)
    return time.monotonic() - start


def test_two_builds_at_once_take_turns(make_project, minimal_files):
    project = make_project(minimal_files)
    build(project)
    edit(project)
    processes = [subprocess.Popen([*DECKGEN, "build", str(project.root)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in processes]
    assert [code for _, _, code in results] == [0, 0], [err for _, err, _ in results]
    outs = sorted(out for out, _, _ in results)
    assert "up to date: " in outs[0] and "wrote: " in outs[1], outs  # the second waited, then
    readable(project)                                               # found the first's outputs
    store = cache_store.Store(project.build_dir)
    assert set(store.hits(output_keys(project, BuildOptions()))) == {"pdf", "pptx"}
    assert leftovers(project) == []
