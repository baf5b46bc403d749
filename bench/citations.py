"""What citations cost: the example brief built with its bibliography and CSL style, against the
same brief with its citations written out as plain text and no reference list.

Both are cold builds (no build/ folder) of the PDF and the deck, run as a process as an author
runs them, alternated so that a machine's drift falls on both; each is timed on the clock and
in CPU time (user + system of the build and its children), which a machine shared with other
work disturbs far less. The loader alone (where the bibliography is read and formatted) is
timed in-process too. Prints medians and the ratios.

Usage: python bench/citations.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
BUILD = [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()", "build"]


def plain_copy(cited: Path, plain: Path) -> None:
    """``plain``: the brief of ``cited`` with each citation written as its author-date text
    (as an author writes one by hand) and no bibliography, style or reference list."""
    shutil.copytree(cited / "source", plain / "source")
    brief = plain / "source" / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(re.sub(r"^(bibliography|csl):.*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    (plain / "source" / "references.bib").unlink()
    names = {"smith2019": ("Smith", "2019"), "kang2012": ("Kang", "2012"),
             "buzo2020": ("Buzo", "2020")}
    for section in (plain / "source" / "sections").glob("*.md"):
        body = section.read_text(encoding="utf-8")
        body = re.sub(r"\[see @(\w+)\]", lambda m: "(see {} {})".format(*names[m.group(1)]), body)
        body = re.sub(r"\[-@(\w+)\]", lambda m: f"({names[m.group(1)][1]})", body)
        body = re.sub(r"\[@(\w+)\]", lambda m: "({} {})".format(*names[m.group(1)]), body)
        body = re.sub(r"(?<![\w@])@(smith2019|kang2012|buzo2020)\b",
                      lambda m: "{} ({})".format(*names[m.group(1)]), body)
        section.write_text(body, encoding="utf-8")


def cold_build(project: Path) -> tuple[float, float]:
    """The build's time on the clock and in CPU time."""
    shutil.rmtree(project / "build", ignore_errors=True)
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run([*BUILD, str(project), "--quiet"], check=True, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_time(project: Path, runs: int) -> float:
    sys.path.insert(0, str(ROOT / "src"))
    from deckgen.load.loader import load_project

    load_project(project)  # imports and caches warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load_project(project)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cited, plain = Path(tmp) / "cited", Path(tmp) / "plain"
        shutil.copytree(ROOT / "source", cited / "source")
        plain_copy(cited, plain)
        builds: dict[str, list[float]] = {"cited": [], "plain": []}
        cpu: dict[str, list[float]] = {"cited": [], "plain": []}
        for _ in range(args.runs):
            for name, project in (("cited", cited), ("plain", plain)):
                clock, used = cold_build(project)
                builds[name].append(clock)
                cpu[name].append(used)
        loads = {name: load_time(project, args.runs * 4)
                 for name, project in (("cited", cited), ("plain", plain))}
    for name in ("cited", "plain"):
        print(f"{name:>5}: cold build {statistics.median(builds[name]):.2f} s, "
              f"CPU {statistics.median(cpu[name]):.2f} s (medians of {args.runs}), "
              f"load {loads[name] * 1000:.0f} ms")
    ratio = statistics.median(builds["cited"]) / statistics.median(builds["plain"])
    cpu_ratio = statistics.median(cpu["cited"]) / statistics.median(cpu["plain"])
    print(f"with citations / without: build {ratio:.3f} (CPU {cpu_ratio:.3f}), "
          f"load {loads['cited'] / loads['plain']:.3f}")


if __name__ == "__main__":
    main()
