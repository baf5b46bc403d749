"""``deckgen watch``: a save rebuilds the outputs; a broken save is reported and the watch goes on."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from deckgen.build import BuildOptions
from deckgen.watch import watch

TIMEOUT = 90  # seconds; a slow CI machine renders the warm-up and two rebuilds within it


class Watcher:
    """``watch`` on a thread, its events in a queue."""

    def __init__(self, project):
        self.events: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watch, args=(project, BuildOptions(), self.events.put, self.stop), daemon=True)

    def next(self, *kinds):
        """The next event of one of ``kinds``, skipping others."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=1)
            except queue.Empty:
                continue
            if event.kind in kinds:
                return event
        raise AssertionError(f"no {kinds} event within {TIMEOUT} s")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive()


def test_a_save_rebuilds_and_a_broken_save_is_reported(make_project, minimal_files):
    project = make_project(minimal_files)
    section = project.source / "sections" / "one.md"
    with Watcher(project) as watcher:
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
