"""``deckgen watch``: a save rebuilds the outputs; a broken save is reported and the watch goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from pptx import Presentation

from deckgen.build import processes
from deckgen.build.pipeline import BuildOptions, build
from deckgen.build.processes import DeckRenderer
from deckgen.deck import writer as deck
from deckgen.errors import DeckgenError
from deckgen.pdf import document as pdf
from deckgen.watch import watch
from helpers import Watcher, running
from watch_support import TIMEOUT


def test_a_save_rebuilds_and_a_broken_save_is_reported(make_project, minimal_files):
    project = make_project(minimal_files)
    section = project.source / "sections" / "one.md"
    with Watcher(watch, project, TIMEOUT) as watcher:
        first = watcher.next("built", "failed").result
        pdf = first.outputs["pdf"]
        before = pdf.read_bytes()
        assert watcher.next("message").message.startswith("watching source/")

        section.write_text(section.read_text().replace("Some prose", "Some new prose"))
        changed = watcher.next("changed")
        assert any(path.endswith("one.md") for path in changed.paths)
        rebuilt = watcher.next("built", "failed").result
        assert rebuilt is not None, "the rebuild failed"
        assert rebuilt.cache["outputs"] == {"pdf": "built", "pptx": "built"}
        assert rebuilt.cache["figures"]["rendered"] == 0
        assert rebuilt.cache["parallel"] is True  # the deck came from the watch's renderer
        assert pdf.read_bytes() != before

        good = section.read_text()
        section.write_text(good.replace("key_points:", "key_pionts:"))
        failed = watcher.next("built", "failed")
        assert failed.kind == "failed" and "key_pionts: unknown key" in failed.error.report()

        section.write_text(good)  # back to the last good text: answered from the cache
        fixed = watcher.next("built", "failed")
        assert fixed.kind == "built" and fixed.result.up_to_date


def test_the_watch_command_starts_and_stops_on_ctrl_c(make_project, minimal_files):
    project = make_project(minimal_files)
    process = subprocess.Popen(
        [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()", "watch",
         str(project.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("watching") or not line:
                break
        assert lines[-1].startswith("watching source/"), "".join(lines) + process.stderr.read()
        assert any(line.startswith("wrote: ") for line in lines)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped watching" in out
    assert "Traceback" not in err


# ---- the long-lived deck renderer ---------------------------------------------------------------

def slide_text(path) -> str:
    return " ".join(shape.text_frame.text for slide in Presentation(path).slides
                    for shape in slide.shapes if shape.has_text_frame)


@pytest.fixture
def renderer():
    deck_renderer = DeckRenderer()
    yield deck_renderer
    deck_renderer.stop()


@pytest.fixture
def no_fork_per_build(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("forked a deck process for one build")

    monkeypatch.setattr(processes, "Forked", refuse)


def test_the_deck_renderer_renders_every_rebuilds_deck(make_project, minimal_files, renderer,
                                                        no_fork_per_build):
    project = make_project(minimal_files)
    section = project.source / "sections" / "one.md"
    last = "One point worth making."
    for point in ("A first key point.", "A second key point."):
        section.write_text(section.read_text().replace(last, point))
        last = point
        result = build(project, deck_renderer=renderer)
        assert result.cache["outputs"] == {"pdf": "built", "pptx": "built"}
        assert result.cache["parallel"] is True
        assert point in slide_text(result.outputs["pptx"])
    assert renderer.alive


def test_a_deck_error_is_reported_and_the_renderer_goes_on(make_project, minimal_files,
                                                           monkeypatch, tmp_path):
    project = make_project(minimal_files)
    failing = tmp_path / "fail-the-deck"
    real_draw_deck = deck.draw_deck

    def draw_deck(*args, **kwargs):
        if failing.exists():
            raise DeckgenError("the deck could not be written")
        return real_draw_deck(*args, **kwargs)

    monkeypatch.setattr(deck, "draw_deck", draw_deck)
    deck_renderer = DeckRenderer()  # forked with the failing draw_deck
    try:
        failing.touch()
        with pytest.raises(DeckgenError, match="^the deck could not be written$"):
            build(project, deck_renderer=deck_renderer)
        assert deck_renderer.alive
        assert not list(project.build_dir.glob("*.pdf"))  # nothing written without its deck
        failing.unlink()
        assert build(project, deck_renderer=deck_renderer).cache["parallel"] is True
    finally:
        deck_renderer.stop()


def test_a_failed_pdf_stops_the_renderer_so_no_stale_deck_is_read(make_project, minimal_files,
                                                                   renderer, monkeypatch):
    project = make_project(minimal_files)

    def fail(*args, **kwargs):
        raise DeckgenError("the PDF could not be rendered")

    monkeypatch.setattr(pdf, "render_pdf", fail)
    with pytest.raises(DeckgenError, match="the PDF could not be rendered"):
        build(project, deck_renderer=renderer)
    assert not renderer.alive
    assert build(project, BuildOptions(formats=("pptx",)), deck_renderer=renderer).slides > 0


def children_of(pid: int) -> list[int]:
    children = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                with open(f"/proc/{stat}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(stat))
    return children


def test_the_deck_renderer_ends_when_the_watch_is_killed(make_project, minimal_files):
    project = make_project(minimal_files)
    process = subprocess.Popen(
        [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()", "watch",
         str(project.root)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in process.stdout:
            if line.startswith("ready"):
                break
        renderers = children_of(process.pid)
        assert len(renderers) == 2, renderers  # the deck renderer and the layout worker
        process.kill()
        process.wait(TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while any(map(running, renderers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(running, renderers))
    finally:
        process.kill()


def test_a_rebuilds_garbage_is_collected_at_the_next_quiet_wake_up(make_project, minimal_files, monkeypatch):
    """The collector does not run between a rebuild and the watcher's next wake-up without a
    change (it would hold up the preview's threads publishing the pages); several rebuilds in
    a row are collected before the next one at most every few."""
    import gc

    from deckgen import watch as watching

    project = make_project(minimal_files)
    events: list[str] = []
    monkeypatch.setattr(watching, "rebuild", lambda *args: events.append("build"))
    monkeypatch.setattr(watching, "settle", lambda: (events.append("settle"), gc.enable()))
    session = watching._Session(watching.Briefs.of_project(project), BuildOptions(parallel=False),
                                lambda event: None)
    session.started = session.warm = True
    saved = (str(project.source / "sections" / "one.md"),)
    try:
        session.step(saved, [])
        assert events == ["build"] and not gc.isenabled()
        session.step((), [])  # quiet: collected now
        assert events == ["build", "settle"] and gc.isenabled()
        session.step((), [])  # nothing more to collect
        assert events == ["build", "settle"]
        events.clear()
        for _ in range(watching.UNSETTLED_MAX + 1):
            session.step(saved, [])
        assert events == ["build"] * watching.UNSETTLED_MAX + ["settle", "build"]
    finally:
        gc.enable()
