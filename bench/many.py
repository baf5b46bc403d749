"""Measure deckgen on many briefs at once: parameter rows and a collection, by warm workers.

In one run, with ratios against figures of the same run (the machine's load changes both alike):

(a) N parameterised briefs cold: one brief (the example's English edition as a template in which
    only the title's name changes: ``{{ series.name }}``) with a params file of N neutral rows
    (``series.code``: b01…, ``series.name``: "Brief 1"…), built by ``deckgen build --jobs J``;
    against N separate ``deckgen build --param b01`` processes of the same brief, one after the
    other, and N runs of the peer pipeline on the same content (a matplotlib script + pandoc →
    PPTX + pandoc → PDF through WeasyPrint; pandoc from ``pypandoc-binary``:
    ``pip install -e '.[bench]'``) (target: at least 3x the pipeline's throughput);
(b) the example cold against its floor (WeasyPrint alone on the same HTML, as a process:
    bench/cold.py's measurement) and against the peer pipeline (bench/bench.py's);
(c) a collection of copies of the example rebuilt after one brief changed: how long, and how
    many briefs rendered (target: that one);
(d) the workers' resident memory before each of B builds (``--recycle`` builds per worker):
    flat, not growing.

Usage: python bench/many.py [--briefs 24] [--builds 100] [--recycle 50] [--runs 3] [--quick]
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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench as single  # the one-brief bench's helpers and peer pipeline
import cold  # the cold build against its floor

REPO = single.REPO
TRANSLATION = re.compile(r"\.[a-z]{2}\.(md|yaml)$")


def brief_copy(folder: Path, number: int) -> Path:
    """The example's English edition, titled as brief ``number``."""
    shutil.copytree(REPO / "source", folder / "source",
                    ignore=lambda d, names: [n for n in names if TRANSLATION.search(n)])
    brief = folder / "source" / "brief.yaml"
    text = re.sub(r"^editions: .*\n", "", brief.read_text(encoding="utf-8"), flags=re.MULTILINE)
    text = re.sub(r'^title: "(.*)"$', lambda m: f'title: "{m.group(1)} ({number})"', text, count=1, flags=re.MULTILINE)
    text = re.sub(r'^short_title: "(.*)"$', lambda m: f'short_title: "{m.group(1)} {number}"', text, count=1,
                  flags=re.MULTILINE)
    brief.write_text(text, encoding="utf-8")
    return folder


def collection(root: Path, count: int) -> Path:
    names = [f"brief-{i:03d}" for i in range(1, count + 1)]
    for i, name in enumerate(names, 1):
        brief_copy(root / name, i)
    (root / "templates").mkdir(parents=True, exist_ok=True)
    (root / "deckgen.yaml").write_text("briefs:\n" + "".join(f"  - {n}\n" for n in names))
    return root


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def parameterised(folder: Path, count: int) -> Path:
    """The example's English edition as a template of ``count`` briefs: only the title's name
    changes, taken from a params file of neutral values (no invented data)."""
    shutil.copytree(REPO / "source", folder / "source",
                    ignore=lambda d, names: [n for n in names if TRANSLATION.search(n)])
    brief = folder / "source" / "brief.yaml"
    text = re.sub(r"^editions: .*\n", "", brief.read_text(encoding="utf-8"), flags=re.MULTILINE)
    text = re.sub(r'^title: "(.*)"$', lambda m: f'title: "{m.group(1)} ({{{{ series.name }}}})"', text,
                  count=1, flags=re.MULTILINE)
    brief.write_text(text + "params: data/series.csv\nparam_key: series.code\n", encoding="utf-8")
    rows = "".join(f"b{i:02d},Brief {i}\n" for i in range(1, count + 1))
    (folder / "source" / "data" / "series.csv").write_text("series.code,series.name\n" + rows)
    return folder


def measure_throughput(work: Path, count: int, jobs: int) -> dict:
    brief = parameterised(work / "params", count)
    out = {"rows": wall(single.deckgen("build", "-q", "--jobs", jobs, brief))}
    built = sorted(p.name for p in (brief / "build").glob("*.pdf"))
    if len(built) != count:
        raise RuntimeError(f"{count} rows built {len(built)} PDFs: {built}")
    alone = parameterised(work / "alone", count)
    out["separate"] = sum(wall(single.deckgen("build", "-q", "--param", f"b{i:02d}", alone))
                          for i in range(1, count + 1))
    separate = work / "separate"
    for i in range(1, count + 1):  # the same content, each brief a folder of its own, for the peer
        brief_copy(separate / f"b{i}", i)
    out["peer"] = measure_peer(separate, count)
    return out


def measure_cold(work: Path, runs: int) -> dict:
    """(b): the example's cold build against its floor (bench/cold.py's measurement), and its
    English edition built cold against the peer pipeline on the same content, in alternation,
    over ``runs`` rounds (medians)."""
    project = single.example_project(work / "example")
    floor = cold.measure(project, work / "cold", runs)
    english = brief_copy(work / "english" / "b1", 1)
    rounds = []
    for _ in range(runs):
        shutil.rmtree(english / "build", ignore_errors=True)
        built = wall(single.deckgen("build", "-q", english))
        rounds.append((built, measure_peer(work / "english", 1)))
    if rounds[0][1] is None:
        return {"floor": floor, "peer": None}
    return {"floor": floor, "peer": {"deckgen": statistics.median(r[0] for r in rounds),
                                     "total": statistics.median(r[1] for r in rounds),
                                     "ratio": statistics.median(r[0] / r[1] for r in rounds)}}


def measure_peer(separate: Path, count: int) -> float | None:
    """N runs of the peer pipeline, one per brief, one after the other."""
    try:
        import pypandoc
    except ImportError:
        return None
    pandoc = pypandoc.get_pandoc_path()
    os.environ["PATH"] = f"{single.BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    total = 0.0
    for i in range(1, count + 1):
        project = separate / f"b{i}"
        figures = project / "peer-figures"
        charts, pictures = peer_source(project)
        total += wall([sys.executable, str(HERE / "baseline_figures.py"), str(charts), str(figures)])
        for picture in pictures:  # a picture figure is its file, as the author drew it
            shutil.copy(picture, figures / picture.name)
        markdown = single.baseline_markdown(project, figures)
        text = markdown.read_text(encoding="utf-8")
        for picture in pictures:
            text = text.replace(f"{figures}/{picture.stem}.png", f"{figures}/{picture.name}")
        markdown.write_text(text, encoding="utf-8")
        total += wall([pandoc, str(markdown), "-o", str(project / "peer.pptx")])
        total += wall([pandoc, str(markdown), "-s", "--pdf-engine=weasyprint", "-o", str(project / "peer.pdf")])
    return total


def peer_source(project: Path) -> tuple[Path, list[Path]]:
    """The charts the peer's matplotlib script draws (a copy of source/ without picture
    figures), and the picture files the pipeline takes as they are."""
    charts = project / "peer-source"
    shutil.copytree(project / "source", charts, dirs_exist_ok=True)
    pictures = []
    for path in sorted((charts / "figures").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^kind: image$", text, re.MULTILINE)
        if found:
            file = re.search(r"^file: (\S+)$", text, re.MULTILINE).group(1)
            pictures.append(project / "source" / file)
            path.unlink()
    return charts, pictures


def measure_rebuild(work: Path, count: int, jobs: int) -> dict:
    root = collection(work / "collection", count)
    first = wall(single.deckgen("build", "-q", "--jobs", jobs, root))
    single.toggle_paragraph(root / "brief-001")
    start = time.perf_counter()
    done = subprocess.run(single.deckgen("build", "--json", "--jobs", jobs, root), check=True,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    briefs = json.loads(done.stdout)["briefs"]
    rendered = [n for n, b in briefs.items() if "built" in b["cache"]["outputs"].values()]
    return {"first": first, "seconds": seconds, "rendered": rendered, "briefs": len(briefs)}


def measure_memory(work: Path, builds: int, recycle: int, jobs: int) -> dict:
    """Resident memory of each worker as it is given each of ``builds`` builds."""
    from deckgen.build.collection import build_units, collection_units
    from deckgen.build.options import BuildOptions
    from deckgen.build.workers import WorkerPool
    from deckgen.load.collection import load_collection

    root = collection(work / "memory", builds)
    units = collection_units(load_collection(root), None, BuildOptions())
    samples: list[int] = []

    def sample(pid, key):
        samples.append(_rss(pid))

    pool = WorkerPool(jobs, recycle=recycle, on_give=sample)
    start = time.perf_counter()
    outcomes = build_units(units, BuildOptions(), lambda n: pool)
    seconds = time.perf_counter() - start
    failed = [o.name for o in outcomes if o.errors]
    return {"samples": samples, "peaks": sorted(pool.peak_rss.values()), "workers": pool.started,
            "seconds": seconds, "failed": failed}


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def report(count: int, jobs: int, a: dict, b: dict, c: dict, d: dict) -> None:
    print("figures of one run; the machine may be loaded by other work: compare the ratios, "
          "measured under the same load, rather than the seconds")
    print(f"(a) {count} parameterised briefs cold (the example's English edition, {count} rows)")
    print(f"    deckgen build --jobs {jobs} (every row)    {a['rows']:7.2f} s  "
          f"{count / a['rows'] * 60:6.1f} briefs/min")
    print(f"    {count} separate deckgen build --param    {a['separate']:7.2f} s  "
          f"--jobs {jobs} is {a['separate'] / a['rows']:.2f}x faster")
    if a["peer"] is None:
        print("    peer pipeline: skipped (pip install -e '.[bench]' for pandoc)")
    else:
        print(f"    {count} runs of the peer pipeline        {a['peer']:7.2f} s  "
              f"deckgen's throughput is {a['peer'] / a['rows']:.2f}x the pipeline's (target 3x)")
    floor, peer = b["floor"], b["peer"]
    print("(b) the example cold (medians)")
    print(f"    floor: weasyprint on its HTML             {floor['floor']:7.3f} s")
    print(f"    deckgen build --force (original edition)  {floor['force']:7.3f} s  "
          f"{floor['force'] / floor['floor']:.2f}x the floor (target 1.10x)")
    print(f"    deckgen build, no build folder            {floor['nothing_cached']:7.3f} s  "
          f"{floor['nothing_cached'] / floor['floor']:.2f}x the floor")
    if peer is None:
        print("    peer pipeline: skipped (pip install -e '.[bench]' for pandoc)")
    else:
        print(f"    English edition: deckgen build, cold      {peer['deckgen']:7.3f} s")
        print(f"    English edition: the peer pipeline        {peer['total']:7.3f} s  "
              f"deckgen cold is {peer['ratio']:.2f}x the pipeline's time")
    print(f"(c) a collection of {c['briefs']} briefs: built in {c['first']:.2f} s; rebuilt after one "
          f"brief changed in {c['seconds']:.2f} s ({c['first'] / c['seconds']:.1f}x faster), rendered "
          f"{len(c['rendered'])} of {c['briefs']} briefs ({', '.join(c['rendered'])})")
    s = d["samples"]
    tenth = max(1, len(s) // 10)
    groups = [statistics.median(s[i:i + tenth]) / 1024 for i in range(0, len(s), tenth)]
    print(f"(d) {len(s)} builds by {d['workers']} workers over their lives ({d['seconds']:.1f} s, "
          f"failed: {d['failed'] or 'none'}): RSS before each build, MiB, median per tenth:")
    print("    " + " ".join(f"{g:.0f}" for g in groups))
    print(f"    first tenth {groups[0]:.0f} MiB, last tenth {groups[-1]:.0f} MiB, "
          f"max {max(s) / 1024:.0f} MiB; workers' peaks (VmHWM) MiB: "
          + ", ".join(f"{p / 1024:.0f}" for p in d["peaks"] if p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--briefs", type=int, default=24)
    parser.add_argument("--collection", type=int, default=8, help="briefs in the collection of (c)")
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument("--recycle", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="rounds of (b)")
    parser.add_argument("--quick", action="store_true",
                        help="4 rows, a collection of 3, 12 builds recycled after 4, 1 round of (b)")
    args = parser.parse_args(argv)
    if args.quick:
        args.briefs, args.collection, args.builds, args.recycle, args.runs = 4, 3, 12, 4, 1
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764115200")
    with tempfile.TemporaryDirectory(prefix="deckgen-many-") as folder:
        work = Path(folder)
        a = measure_throughput(work, args.briefs, args.jobs)
        b = measure_cold(work, args.runs)
        c = measure_rebuild(work, args.collection, args.jobs)
        d = measure_memory(work, args.builds, args.recycle, args.jobs)
    report(args.briefs, args.jobs, a, b, c, d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
