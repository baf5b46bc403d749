"""Measure deckgen's author loop on the example brief and on a brief 20 times its size.

For each brief, with ``deckgen build`` run as a process (as an author runs it):

- cold build (no build/ folder), with the deck rendered beside the PDF and with ``--serial``;
- no-op rebuild (nothing changed) and one-paragraph-edit rebuild;
- ``deckgen watch``: time from saving a one-paragraph edit to both outputs replaced;
- peak memory (the largest resident set of the build process and its forked deck renderer);
- the floor: WeasyPrint alone rendering the same HTML, as a process and warm in-process.

For the example, also a baseline pipeline on the same content: a matplotlib script for the
figures, pandoc to PPTX, and pandoc to PDF through WeasyPrint (pandoc from ``pypandoc-binary``:
``pip install -e '.[bench]'``). Every ratio is against figures measured in the same run.

Usage: python bench/bench.py [--runs N] [--watch-runs N] [--large-runs N] [--scale 20] [--skip-large]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
EDIT = ("Commerce is among the firmest anchors", "Commerce remains among the firmest anchors")
EDITED_SECTION = "economy"
MAX_SECTIONS = 60  # deckgen's limit (schema.py)

# Runs a command and prints its wall time and the peak RSS of it and its descendants.
TIMER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
print(json.dumps([code, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))
"""


# ---- projects ----------------------------------------------------------------------------------

def example_project(folder: Path, editions: bool = False) -> Path:
    """The example copied into ``folder``; as its original edition alone unless ``editions``
    (its ``editions:`` line and translations left out), so that a build renders what the floor
    renders: one PDF."""
    from deckgen.load.translations import is_translation

    shutil.copytree(REPO / "source", folder / "source",
                    ignore=None if editions else lambda _, names: [n for n in names if is_translation(n)])
    if not editions:
        brief = folder / "source" / "brief.yaml"
        lines = brief.read_text(encoding="utf-8").splitlines(keepends=True)
        brief.write_text("".join(line for line in lines if not line.startswith("editions:")), encoding="utf-8")
    return folder


def scaled_project(folder: Path, scale: int) -> Path:
    """The example with every section's prose and figures repeated ``scale`` times, under new ids.

    deckgen allows at most MAX_SECTIONS sections, so the copies of a section are grouped a few to
    a file: each copy keeps its own figures (new ids) and footnotes (new labels)."""
    source = example_project(folder) / "source"
    brief = (source / "brief.yaml").read_text(encoding="utf-8")
    match = re.search(r"^sections: \[(.*)\]$", brief, re.MULTILINE)
    ids = [s.strip() for s in match.group(1).split(",")]
    figure_ids = [p.stem for p in (source / "figures").glob("*.yaml")]
    copies = list(range(2, scale + 1))
    group = -(-len(copies) * len(ids) // (MAX_SECTIONS - len(ids)))  # ceiling division
    all_ids = list(ids)
    for section in ids:
        front, body = _split_section(source / "sections" / f"{section}.md")
        for start in range(0, len(copies), group):
            chunk = copies[start:start + group]
            bodies = [_renumbered(body, copy, figure_ids) for copy in chunk]
            title = f" ({chunk[0]}–{chunk[-1]})" if len(chunk) > 1 else f" ({chunk[0]})"
            text = re.sub(r'^title: "(.*)"$', rf'title: "\1{title}"', front, count=1, flags=re.MULTILINE)
            new_id = f"{section}-r{chunk[0]}"
            (source / "sections" / f"{new_id}.md").write_text(f"---\n{text}---\n" + "\n\n".join(bodies),
                                                            encoding="utf-8")
            all_ids.append(new_id)
    for copy in copies:
        for fid in figure_ids:
            shutil.copyfile(source / "figures" / f"{fid}.yaml", source / "figures" / f"{fid}-r{copy}.yaml")
    brief = brief.replace(match.group(0), f"sections: [{', '.join(all_ids)}]")
    (source / "brief.yaml").write_text(brief, encoding="utf-8")
    return folder


def _split_section(path: Path) -> tuple[str, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return front, body


def _renumbered(body: str, copy: int, figure_ids: list[str]) -> str:
    """One copy of a section's prose: its figures and footnote labels given new ids."""
    for fid in figure_ids:
        body = re.sub(rf"fig:{re.escape(fid)}\b", f"fig:{fid}-r{copy}", body)
    return re.sub(r"\[\^([\w-]+)\]", rf"[^\1-r{copy}]", body)


def toggle_paragraph(project: Path) -> None:
    """Edit one paragraph of one section (alternating, so every call is a real change)."""
    path = project / "source" / "sections" / f"{EDITED_SECTION}.md"
    text = path.read_text(encoding="utf-8")
    old, new = EDIT if EDIT[0] in text else EDIT[::-1]
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---- measuring ---------------------------------------------------------------------------------

def deckgen(*args) -> list[str]:
    script = BIN / "deckgen"
    if script.exists():
        return [str(script), *map(str, args)]
    return [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()", *map(str, args)]


def timed(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of ``command`` run as a process."""
    done = subprocess.run([sys.executable, "-c", TIMER, *command], capture_output=True, text=True,
                          check=True)
    code, seconds, peak = json.loads(done.stdout.strip().splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {code}:\n{done.stderr}")
    return seconds, peak


def repeat(runs: int, before, command) -> tuple[float, int]:
    """Median seconds and the largest peak RSS over ``runs`` runs, ``before()`` before each."""
    times, peaks = [], []
    for _ in range(runs):
        before()
        seconds, peak = timed(command)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def measure_builds(project: Path, runs: int) -> dict:
    wipe = lambda: shutil.rmtree(project / "build", ignore_errors=True)
    out = {}
    out["cold"], out["cold_peak_kib"] = repeat(runs, wipe, deckgen("build", "-q", project))
    out["cold_serial"], out["cold_serial_peak_kib"] = repeat(
        runs, wipe, deckgen("build", "-q", "--serial", project))
    timed(deckgen("build", "-q", project))
    out["noop"], _ = repeat(max(runs, 5), lambda: None, deckgen("build", "-q", project))
    out["edit"], out["edit_peak_kib"] = repeat(runs, lambda: toggle_paragraph(project),
                                               deckgen("build", "-q", project))
    out["edit_serial"], _ = repeat(runs, lambda: toggle_paragraph(project),
                                   deckgen("build", "-q", "--serial", project))
    return out


class PairedFloor:
    """WeasyPrint alone, warm, in a process of its own (bench/probe.py --serve), rendering the
    example's HTML when asked: sampled right after each measured edit, so each ratio compares
    two figures of the same moment."""

    def __init__(self, project: Path):
        self.process = subprocess.Popen([sys.executable, str(HERE / "probe.py"), "--serve", str(project)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        while self.process.stdout.readline().strip() != "ready":
            if self.process.poll() is not None:
                raise RuntimeError("the floor's process stopped")
        self.samples: dict[str, list[float]] = {"warm": [], "kept": []}

    def sample(self, repeat: int = 3) -> dict[str, float]:
        """Warm renders and renders keeping the font set-up, ``repeat`` of each, alternating,
        now: the median seconds of each kind (one render varies by a tenth or more)."""
        seconds: dict[str, list[float]] = {"warm": [], "kept": []}
        for _ in range(repeat):
            for kind, values in seconds.items():
                self.process.stdin.write(kind + "\n")
                self.process.stdin.flush()
                values.append(json.loads(self.process.stdout.readline()))
        got = {kind: statistics.median(values) for kind, values in seconds.items()}
        for kind, value in got.items():
            self.samples[kind].append(value)
        return got

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def paired_ratios(seconds: list[float], floors: list[dict[str, float]]) -> dict[str, float]:
    """The median, over edits, of each edit's seconds over the floor sampled right after it."""
    return {kind: statistics.median(s / f[kind] for s, f in zip(seconds, floors, strict=True))
            for kind in ("warm", "kept")}


def measure_watch(project: Path, runs: int, floor: PairedFloor | None = None) -> dict:
    """Seconds from saving an edit to ``deckgen watch`` reporting both outputs replaced (and,
    with ``floor``, each against the floor sampled after it)."""
    process = subprocess.Popen(deckgen("watch", project), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[tuple[float, str]] = []
    reader = threading.Thread(target=lambda: [lines.append((time.perf_counter(), line))
                                              for line in process.stdout], daemon=True)
    reader.start()
    try:
        _wait_for(lines, "ready:", 0.0, 300)
        latencies, reported, floors = [], [], []
        for _ in range(runs):
            time.sleep(0.5)
            start = time.perf_counter()
            toggle_paragraph(project)
            stamp, line = _wait_for(lines, "built in", start, 300)
            latencies.append(stamp - start)
            reported.append(float(line.split()[2]))
            if floor is not None:
                time.sleep(0.5)  # the watch idle again
                floors.append(floor.sample())
    finally:
        process.terminate()
        process.wait(timeout=30)
    out = {"watch_edit": statistics.median(latencies), "watch_edit_min": min(latencies),
           "watch_edit_build": statistics.median(reported)}
    if floors:
        for name, seconds in (("watch_edit", latencies), ("watch_edit_build", reported)):
            out.update({f"{name}_paired_{kind}": ratio
                        for kind, ratio in paired_ratios(seconds, floors).items()})
    return out


def _wait_for(lines, prefix: str, after: float, timeout: float) -> tuple[float, str]:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for stamp, line in list(lines):
            if stamp >= after and line.startswith(prefix):
                return stamp, line
        time.sleep(0.01)
    raise RuntimeError(f"deckgen watch printed no '{prefix}' line: {''.join(l for _, l in lines)}")


def measure_floor(project: Path, work: Path) -> dict:
    """WeasyPrint alone on deckgen's HTML: as a process (CLI) and warm in this machine's best case."""
    html_dir = work / "html"
    done = subprocess.run([sys.executable, str(HERE / "probe.py"), str(project), str(html_dir)],
                          capture_output=True, text=True, check=True)
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    process, _ = timed([str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "--pdf-tags",
                        "--custom-metadata", str(html_dir / "brief.html"), str(work / "floor.pdf")])
    return {"floor_process": process, **probe}


# ---- the baseline pipeline ------------------------------------------------------------------------

def baseline_markdown(project: Path, figures: Path) -> Path:
    """The example's sections concatenated into one Markdown file pandoc reads."""
    source = project / "source"
    brief = (source / "brief.yaml").read_text(encoding="utf-8")
    title = re.search(r'^title: "(.*)"$', brief, re.MULTILINE).group(1)
    ids = [s.strip() for s in re.search(r"^sections: \[(.*)\]$", brief, re.MULTILINE).group(1).split(",")]
    numbers: dict[str, int] = {}
    parts = [f"---\ntitle: \"{title}\"\nlang: en\n---\n"]
    for section in ids:
        text = (source / "sections" / f"{section}.md").read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        heading = re.search(r'^title: "(.*)"$', front, re.MULTILINE).group(1)
        for fid in re.findall(r"!\[\]\(fig:([\w-]+)\)", body):
            numbers.setdefault(fid, len(numbers) + 1)
        body = re.sub(r"!\[\]\(fig:([\w-]+)\)", rf"![Figure]({figures}/\1.png)", body)
        body = re.sub(r"@fig:([\w-]+)", lambda m: f"Figure {numbers.get(m.group(1), '')}", body)
        parts.append(f"# {heading}\n\n{body}")
    path = project / "baseline.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def measure_baseline(project: Path, work: Path, runs: int) -> dict | None:
    """The pipeline on the example, each run right after a cold deckgen build, so that the
    ratio compares runs made under the same load (this machine's speed drifts by a third)."""
    try:
        import pypandoc
    except ImportError:
        return None
    pandoc = pypandoc.get_pandoc_path()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"  # pandoc finds weasyprint
    figures = work / "baseline-figures"
    markdown = None
    rounds = []
    for _ in range(runs):
        shutil.rmtree(project / "build", ignore_errors=True)
        cold, _ = timed(deckgen("build", "-q", project))
        one = {"cold": cold}
        one["figures"], _ = timed([sys.executable, str(HERE / "baseline_figures.py"),
                                   str(project / "source"), str(figures)])
        markdown = markdown or baseline_markdown(project, figures)
        one["pptx"], _ = timed([pandoc, str(markdown), "-o", str(work / "baseline.pptx")])
        one["pdf"], _ = timed([pandoc, str(markdown), "-s", "--pdf-engine=weasyprint", "-o",
                               str(work / "baseline.pdf")])
        one["total"] = one["figures"] + one["pptx"] + one["pdf"]
        rounds.append(one)
    out = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    out["ratio"] = statistics.median(r["cold"] / r["total"] for r in rounds)
    out["pandoc_version"] = pypandoc.get_pandoc_version()
    return out


# ---- report ------------------------------------------------------------------------------------

def report(name: str, m: dict) -> None:
    print(f"\n{name}: {m['pages']} pages, {m['slides']} slides")
    rows = [
        ("cold build (PDF and deck in parallel)", m["cold"], f"{m['cold_peak_kib'] / 1024:.0f} MiB peak"),
        ("cold build, --serial", m["cold_serial"], f"parallel saves {1 - m['cold'] / m['cold_serial']:.0%}"),
        ("no-op rebuild", m["noop"], f"{m['noop'] / m['cold']:.1%} of cold"),
        ("one-paragraph edit, deckgen build", m["edit"], f"{m['edit_peak_kib'] / 1024:.0f} MiB peak"),
        ("one-paragraph edit, --serial", m["edit_serial"], f"parallel saves {1 - m['edit'] / m['edit_serial']:.0%}"),
        ("one-paragraph edit, deckgen watch (save to written)", m["watch_edit"],
         f"{m['watch_edit'] / m['edit']:.0%} of a build process; fastest {m['watch_edit_min']:.2f} s"),
        ("   of which the rebuild itself", m["watch_edit_build"], ""),
        ("floor: WeasyPrint CLI on the same HTML (process)", m["floor_process"],
         f"cold build is {m['cold'] / m['floor_process']:.2f}x"),
        ("floor: WeasyPrint warm, in-process (HTML to PDF)", m["floor_warm"],
         f"watch rebuild is {m['watch_edit_build'] / m['floor_warm']:.2f}x"),
        ("   the same, keeping one font set-up", m["floor_warm_fonts_kept"],
         f"watch rebuild is {m['watch_edit_build'] / m['floor_warm_fonts_kept']:.2f}x"),
        ("   deck warm, in-process (plan and write)", m["deck_warm"], ""),
    ]
    for label, seconds, note in rows:
        print(f"  {label:<54} {seconds:7.2f} s   {note}")


def report_baseline(example: dict, base: dict | None) -> None:
    if base is None:
        print("\nbaseline: skipped (pip install -e '.[bench]' for pandoc)")
        return
    print(f"\nbaseline on the example (matplotlib script + pandoc {base['pandoc_version']}),"
          " each run right after a cold deckgen build:")
    for label, key in [("matplotlib figures script", "figures"), ("pandoc to PPTX", "pptx"),
                       ("pandoc to PDF through WeasyPrint", "pdf"), ("pipeline, one after the other", "total"),
                       ("deckgen cold build, in the same rounds", "cold")]:
        print(f"  {label:<54} {base[key]:7.2f} s")
    print(f"  deckgen cold build / pipeline: {base['ratio']:.2f}x (median of the rounds' ratios);"
          f"  one-paragraph rebuild / pipeline: {example['edit'] / base['total']:.2f}x;"
          f"  watch / pipeline: {example['watch_edit'] / base['total']:.2f}x")


def run(name: str, project: Path, work: Path, runs: int, watch_runs: int) -> dict:
    print(f"measuring {name} ...", file=sys.stderr, flush=True)
    m = measure_builds(project, runs)
    m.update(measure_floor(project, work))
    m.update(measure_watch(project, watch_runs))
    summary = json.loads((project / "build" / ".deckgen-cache" / "manifest.json").read_text())
    m["pages"] = summary["outputs"]["pdf"]["pages"]
    m["slides"] = summary["outputs"]["pptx"]["slides"]
    report(name, m)
    return m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure on the example")
    parser.add_argument("--large-runs", type=int, default=1, help="runs per figure on the large brief")
    parser.add_argument("--watch-runs", type=int, default=9,
                        help="saves timed in deckgen watch on the example (it varies most)")
    parser.add_argument("--scale", type=int, default=20, help="size of the large brief")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args(argv)
    print(f"deckgen bench: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; "
          "median of runs", flush=True)
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as tmp:
        tmp = Path(tmp)
        example = run("example", example_project(tmp / "example"), tmp, args.runs, args.watch_runs)
        base = measure_baseline(tmp / "example", tmp, max(args.runs, 5))
        report_baseline(example, base)
        if not args.skip_large:
            large = scaled_project(tmp / "large", args.scale)
            run(f"example x{args.scale}", large, tmp, args.large_runs, args.large_runs)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
