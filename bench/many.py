"""Measure deckgen on many briefs at once: a collection built by warm workers.

The briefs are copies of the example (its English edition), each with its own title, gathered
in a collection (``deckgen.yaml``); every figure is the same in each, so the shared figure cache
draws each once. In one run, with ratios against figures of the same run:

(a) N briefs cold: ``deckgen build --jobs 2`` on the collection, against N separate
    ``deckgen build`` processes (one per brief, one after the other) and N runs of the peer
    pipeline (a matplotlib script + pandoc → PPTX + pandoc → PDF through WeasyPrint; pandoc from
    ``pypandoc-binary``: ``pip install -e '.[bench]'``);
(c) the collection rebuilt after one brief changed: how long, and how many briefs rendered;
(d) the workers' resident memory before each of B builds (``--recycle`` builds per worker):
    flat, not growing.

Usage: python bench/many.py [--briefs 24] [--builds 100] [--recycle 50] [--quick]
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


def measure_throughput(work: Path, count: int, jobs: int) -> dict:
    root = collection(work / "collection", count)
    out = {"collection": wall(single.deckgen("build", "-q", "--jobs", jobs, root))}
    separate = work / "separate"
    for i in range(1, count + 1):
        brief_copy(separate / f"b{i}", i)
    out["separate"] = sum(wall(single.deckgen("build", "-q", separate / f"b{i}")) for i in range(1, count + 1))
    out["peer"] = measure_peer(separate, count)
    return out


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


def measure_rebuild(work: Path, jobs: int) -> dict:
    root = work / "collection"
    single.toggle_paragraph(root / "brief-001")
    start = time.perf_counter()
    done = subprocess.run(single.deckgen("build", "--json", "--jobs", jobs, root), check=True,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    briefs = json.loads(done.stdout)["briefs"]
    rendered = [n for n, b in briefs.items() if "built" in b["cache"]["outputs"].values()]
    return {"seconds": seconds, "rendered": rendered, "briefs": len(briefs)}


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


def report(count: int, jobs: int, a: dict, c: dict, d: dict) -> None:
    print(f"(a) {count} briefs cold (copies of the example, English edition)")
    print(f"    deckgen build --jobs {jobs} (collection)   {a['collection']:7.2f} s  "
          f"{count / a['collection'] * 60:6.1f} briefs/min")
    print(f"    {count} separate deckgen build processes   {a['separate']:7.2f} s  "
          f"collection is {a['separate'] / a['collection']:.2f}x faster")
    if a["peer"] is None:
        print("    peer pipeline: skipped (pip install -e '.[bench]' for pandoc)")
    else:
        print(f"    {count} runs of the peer pipeline        {a['peer']:7.2f} s  "
              f"collection's throughput is {a['peer'] / a['collection']:.2f}x the pipeline's")
    print(f"(c) rebuild after one brief changed: {c['seconds']:.2f} s, rendered {len(c['rendered'])} "
          f"of {c['briefs']} briefs ({', '.join(c['rendered'])})")
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
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument("--recycle", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="4 briefs, 12 builds, recycled after 4")
    args = parser.parse_args(argv)
    if args.quick:
        args.briefs, args.builds, args.recycle = 4, 12, 4
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764115200")
    with tempfile.TemporaryDirectory(prefix="deckgen-many-") as folder:
        work = Path(folder)
        a = measure_throughput(work, args.briefs, args.jobs)
        c = measure_rebuild(work, args.jobs)
        d = measure_memory(work, args.builds, args.recycle, args.jobs)
    report(args.briefs, args.jobs, a, c, d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
