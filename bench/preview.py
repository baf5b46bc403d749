"""Measure ``deckgen preview`` (and ``deckgen watch``) after an edit, against WeasyPrint's warm
render of the same HTML, all in one run.

For the example brief, ``deckgen preview`` runs as a process and this script follows its event
stream as the page does. For each one-paragraph edit (made once the slides of the previous one
are shown) it measures:

- **pages shown**: from the save to the new pages' state received and each new page image
  fetched (what the browser does before it shows them), the first new page and the last, the
  images asked for at once (a browser's parallel requests), as wide as the page shows them in
  a 1400-pixel-wide window (``--width``); the preview shows the pages the previous edit
  changed as soon as they are drawn, and the others once every page is (then also timed);
- the rebuild itself and the page rendering, as the preview reports them, and what the save
  takes beyond the rebuild (the save noticed, the pages drawn and fetched), edit by edit;
- **slides shown**: from the save to LibreOffice's slides received (in the background), and
  the pages shown of a save made while LibreOffice converts the deck of the save before.

Then ``deckgen watch``'s edit latency and the floor (WeasyPrint alone, warm, in-process, with
and without one font set-up kept: bench/probe.py), and the ratios (target: pages shown within
1.15x the floor). The floor is sampled right after each edit, in a warm process of its own
(``bench.PairedFloor``), once deckgen is idle again; each ratio is the median over edits of the
edit's seconds over the floor sampled beside it (this machine drifts by up to a third within
minutes). The floor measured once at the end is printed too.

With ``--baseline SRC``, ``deckgen preview`` and ``deckgen watch`` are also measured with the
deckgen package under SRC (another version's ``src``), in the same run, for before/after ratios
against the same floor.

Usage: python bench/preview.py [--runs N] [--watch-runs N] [--width PX] [--baseline SRC]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # bench/bench.py: the example project, the edit, watch and the floor

TIMEOUT = 300.0
WIDTH = 680  # pixels: the page's column in a 1400-pixel-wide window (device pixel ratio 1)
KEY_POINT = ("Bilateral trade reached $52 billion in 2022.", "Bilateral trade reached $52 billion in 2022!")


def toggle_key_point(project: Path) -> None:
    """Edit one key point (a slide bullet), alternating, so that the deck changes too."""
    path = project / "source" / "sections" / f"{bench.EDITED_SECTION}.md"
    text = path.read_text(encoding="utf-8")
    old, new = KEY_POINT if KEY_POINT[0] in text else KEY_POINT[::-1]
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def settled(state: dict) -> bool:
    return (bool(state["slides"]) and not state.get("slides_busy") and not state["busy"]
            and not state.get("pages_drawing"))


class Stream:
    """The preview's event stream, read on a thread: (arrival time, state) in order."""

    def __init__(self, port: int, width: int = WIDTH):
        self.port = port
        self.states: list[tuple[float, dict]] = []
        self.changed = threading.Condition()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.connection.request("GET", f"/events?width={width}")
        self.response = self.connection.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.response.fp:
            if line.startswith(b"data: "):
                state = json.loads(line[6:])
                with self.changed:
                    self.states.append((time.perf_counter(), state))
                    self.changed.notify_all()

    def wait(self, test, after: float) -> tuple[float, dict]:
        """The first state that arrived after ``after`` and passes ``test``."""
        deadline = time.monotonic() + TIMEOUT
        with self.changed:
            while time.monotonic() < deadline:
                for stamp, state in self.states:
                    if stamp >= after and test(state):
                        return stamp, state
                self.changed.wait(1)
        raise RuntimeError("the preview showed no such state")

    def settled(self) -> dict:
        """The latest state, once it shows everything (the slides too) up to date."""
        deadline = time.monotonic() + TIMEOUT
        with self.changed:
            while time.monotonic() < deadline:
                if self.states and settled(self.states[-1][1]):
                    return self.states[-1][1]
                self.changed.wait(1)
        raise RuntimeError("the preview never settled")

    def fetch(self, keys: list[str]) -> dict[str, float]:
        """Each image asked for at once (as a browser does); when each arrived."""
        arrived: dict[str, float] = {}

        def get(key: str) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            connection.request("GET", f"/image/{key}.png")
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            arrived[key] = time.perf_counter()
            connection.close()

        threads = [threading.Thread(target=get, args=(key,)) for key in keys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
        assert len(arrived) == len(keys), "an image never came"
        return arrived


def one_edit(stream: Stream, project: Path, edit,
             settle: bool = True) -> tuple[float, tuple[float, float, float], dict, list[str]]:
    """When ``edit`` was saved, the seconds to its first and to its last new page fetched, the
    state, the new pages' keys. Made once the previous edit's slides are shown.

    The preview may show the pages the previous edit changed before the others are drawn
    (``pages_drawing``): the first new page is fetched from the first state that has one, the
    others from the state with every page drawn."""
    if settle:
        stream.settled()
        time.sleep(0.5)
        before = stream.settled()
    else:  # at once, whatever the preview is doing (LibreOffice converting a deck)
        before = stream.states[-1][1]
    old = {p["key"] for p in before["pages"]}
    start = time.perf_counter()
    edit(project)

    def rebuilt(state: dict) -> bool:
        return (not state["busy"] and state["version"] > before["version"] and "pages_seconds" in state
                and {p["key"] for p in state["pages"]} != old)

    drawn, state = stream.wait(rebuilt, start)
    arrived = stream.fetch([p["key"] for p in state["pages"] if p["key"] not in old])
    if state.get("pages_drawing"):
        drawn, state = stream.wait(lambda s: rebuilt(s) and not s.get("pages_drawing"), start)
    new = [p["key"] for p in state["pages"] if p["key"] not in old]
    arrived.update(stream.fetch([key for key in new if key not in arrived]))
    times = sorted(arrived[key] for key in new)
    return start, (min(arrived.values()) - start, times[-1] - start, drawn - start), state, new


def measure_preview(project: Path, runs: int, width: int = WIDTH,
                    floor: bench.PairedFloor | None = None) -> dict:
    process = subprocess.Popen(bench.deckgen("preview", project), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = process.stdout.readline()
        port = int(first.rsplit(":", 1)[1].strip(" /\n"))
        while not process.stdout.readline().startswith("ready:"):
            pass
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
        stream = Stream(port, width)
        first, shown, after, builds, renders, changed, floors = [], [], [], [], [], [], []
        every_drawn = []
        for _ in range(runs):
            _, (seconds_first, seconds, seconds_drawn), state, new = one_edit(stream, project, bench.toggle_paragraph)
            first.append(seconds_first)
            every_drawn.append(seconds_drawn)
            shown.append(seconds)
            after.append(seconds - state["build_seconds"])
            builds.append(state["build_seconds"])
            renders.append(state["pages_seconds"])
            changed.append(len(new))
            if floor is not None:
                stream.settled()
                time.sleep(0.5)  # the preview idle again
                floors.append(floor.sample())
        slides = []
        for _ in range(max(1, runs // 2)):
            start, _, state, _ = one_edit(stream, project, toggle_key_point)
            assert state.get("slides_busy"), "the deck did not change"
            stamp, _ = stream.wait(settled, start)
            slides.append(stamp - start)
        busy = []  # a save made while LibreOffice converts the deck of the save before
        for _ in range(max(1, runs // 2)):
            one_edit(stream, project, toggle_key_point)
            time.sleep(0.1)
            assert stream.states[-1][1].get("slides_busy"), "LibreOffice was not converting"
            busy.append(one_edit(stream, project, bench.toggle_paragraph, settle=False)[1][1])
    finally:
        process.terminate()
        process.wait(timeout=60)
    out = {"preview_shown": statistics.median(shown), "preview_shown_min": min(shown),
           "preview_first_shown": statistics.median(first),
           "preview_every_drawn": statistics.median(every_drawn),
           "preview_beyond_build": statistics.median(after),
           "preview_build": statistics.median(builds), "preview_pages": statistics.median(renders),
           "pages_changed": statistics.median(changed), "preview_slides": statistics.median(slides),
           "preview_shown_converting": statistics.median(busy)}
    if floors:
        for name, seconds in (("preview_shown", shown), ("preview_build", builds)):
            out.update({f"{name}_paired_{kind}": ratio
                        for kind, ratio in bench.paired_ratios(seconds, floors).items()})
    return out


def with_src(src: Path, measure, *args) -> dict:
    """``measure(*args)`` with the deckgen package under ``src``."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(src)
    try:
        return measure(*args)
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--watch-runs", type=int, default=7)
    parser.add_argument("--width", type=int, default=WIDTH,
                        help="the pixels wide the page shows a page (default: %(default)s)")
    parser.add_argument("--baseline", metavar="SRC", type=Path,
                        help="also measure deckgen watch with the deckgen package under SRC")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-preview-") as tmp:
        work = Path(tmp)
        project = bench.example_project(work / "example")
        subprocess.run(bench.deckgen("build", "-q", project), check=True)
        floor = bench.PairedFloor(project)
        try:
            m = measure_preview(project, args.runs, args.width, floor)
            m.update(bench.measure_watch(project, args.watch_runs, floor))
            if args.baseline is not None:
                base = with_src(args.baseline, measure_preview, project, args.runs, args.width, floor)
                base.update(with_src(args.baseline, bench.measure_watch, project, args.watch_runs, floor))
                m.update({f"{k}_baseline": v for k, v in base.items()})
        finally:
            floor.close()
        m["floor_paired_warm"] = statistics.median(floor.samples["warm"])
        m["floor_paired_kept"] = statistics.median(floor.samples["kept"])
        m.update(bench.measure_floor(project, work))
    floor, kept = m["floor_warm"], m["floor_warm_fonts_kept"]
    rows = [
        ("preview: save to the first new page shown (median)", m["preview_first_shown"]),
        ("preview: save to every new page shown (median)", m["preview_shown"]),
        ("   best run", m["preview_shown_min"]),
        ("   every page drawn (the unchanged ones known as such)", m["preview_every_drawn"]),
        ("   of which the rebuild (as reported)", m["preview_build"]),
        ("   of which pages drawn and hashed (new ones encoded after)", m["preview_pages"]),
        ("   beyond the rebuild: noticing the save, drawing, fetching", m["preview_beyond_build"]),
        ("preview: save to slides shown (LibreOffice, background)", m["preview_slides"]),
        ("   save to pages shown while LibreOffice converts", m["preview_shown_converting"]),
        ("watch: save to 'built in' printed (median)", m["watch_edit"]),
        ("   the rebuild (as reported)", m["watch_edit_build"]),
        ("floor: WeasyPrint warm, in-process (HTML to PDF), at the end", floor),
        ("   the same, keeping one font set-up", kept),
        ("floor sampled after each edit (median): warm", m["floor_paired_warm"]),
        ("   the same, keeping one font set-up", m["floor_paired_kept"]),
    ]
    if args.baseline is not None:
        rows += [(f"baseline: {label.strip()}", m[f"{key}_baseline"]) for label, key in (
            ("preview: save to every new page shown", "preview_shown"),
            ("preview: save to pages shown while LibreOffice converts", "preview_shown_converting"),
            ("preview: save to slides shown", "preview_slides"),
            ("watch: the rebuild", "watch_edit_build"))]
    print(f"example brief, {args.runs} preview and {args.watch_runs} watch edits, pages "
          f"{args.width} px wide; load average {os.getloadavg()[0]:.2f} at the end")
    for label, seconds in rows:
        print(f"  {label:<58} {seconds:6.3f} s")
    print(f"  pages re-encoded per edit (median): {m['pages_changed']:.0f}")
    print("each edit against the floor sampled right after it (median of the ratios; target <= 1.15x):")
    paired = [("preview pages shown", "preview_shown"), ("preview rebuild", "preview_build"),
              ("watch save to built", "watch_edit"), ("watch rebuild", "watch_edit_build")]
    if args.baseline is not None:
        paired += [(f"{label} (baseline)", f"{key}_baseline") for label, key in paired]
    for label, key in paired:
        warm_key, kept_key = (key.replace("_baseline", "") + f"_paired_{kind}" + "_baseline" * key.endswith("_baseline")
                              for kind in ("warm", "kept"))
        print(f"  {label:<28} {m[warm_key]:5.2f}x the warm floor, {m[kept_key]:5.2f}x with fonts kept")
    print("ratios against the floor measured at the end:")
    ratios = [("preview first page shown", "preview_first_shown"), ("preview pages shown", "preview_shown"), ("preview rebuild", "preview_build"),
              ("watch save to built", "watch_edit"), ("watch rebuild", "watch_edit_build")]
    if args.baseline is not None:
        ratios += [(f"{label} (baseline)", f"{key}_baseline") for label, key in ratios]
    for label, key in ratios:
        print(f"  {label:<28} {m[key] / floor:5.2f}x the warm floor, {m[key] / kept:5.2f}x with fonts kept")
    print(json.dumps({k: round(v, 4) for k, v in m.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
