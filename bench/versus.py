"""Compare this tree's build speed with another revision's, in one run, interleaved.

The other revision is checked out into a temporary git worktree; both trees build copies of the
example brief with ``deckgen build`` as a process (the same Python and libraries, each tree's code
first on the path), alternating round by round so that the machine's drift affects both alike.
Prints the medians of a cold ``--force`` build and of a no-op build, and their ratios.

Usage: python bench/versus.py REV [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = "from deckgen.cli import entry_point; entry_point()"


def timed_build(src: Path, project: Path, *options: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(src))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", CLI, "build", "-q", *options, str(project)], env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the revision to compare with, e.g. a commit or HEAD~5")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        other = Path(scratch) / "other"
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(other), args.rev],
                       check=True)
        try:
            trees = {"other": other / "src", "this": REPO / "src"}
            projects = {}
            for name in trees:
                projects[name] = Path(scratch) / f"project-{name}"
                shutil.copytree(REPO / "source", projects[name] / "source")
            times = {(name, what): [] for name in trees for what in ("cold", "no-op")}
            for _ in range(args.runs):
                for name, src in trees.items():
                    times[name, "cold"].append(timed_build(src, projects[name], "--force"))
                    times[name, "no-op"].append(timed_build(src, projects[name]))
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(other)], check=False)
    for what in ("cold", "no-op"):
        this, that = (statistics.median(times[n, what]) for n in ("this", "other"))
        print(f"{what:6} this {this:.3f} s, {args.rev} {that:.3f} s: {this / that:.2f}x")


if __name__ == "__main__":
    main()
