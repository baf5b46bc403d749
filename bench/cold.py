"""Measure the example's cold ``deckgen build --force`` against its floor, in one run.

The floor is WeasyPrint alone rendering the same HTML (the brief's, with its figures and
stylesheet exported as files: bench/probe.py) as its own process, with the options deckgen
gives it. A brief with translated editions is measured twice: its original edition
(``--edition``) against the floor of that edition's HTML, and every edition against one
WeasyPrint process per edition, their times summed. Each round runs the floors and the builds
once, in alternation, so a busy machine slows both alike; the medians and their ratios are
printed (target: the cold build within 1.1x its floor). ``--force`` renders the outputs again
but keeps the figure cache (figures are drawn only if it lacks them); the original edition is
also built with no build folder at all (every figure drawn).

Usage: python bench/cold.py [--runs N] [PROJECT_DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # bench/bench.py: the example project, deckgen's command, the timer

EXPORT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import probe
from deckgen.build.pipeline import load
from deckgen.figures import drawing as figures
from deckgen.load.translations import listed_editions
from deckgen.pdf import document as pdf
from deckgen.project import Project
project = Project.at(Path(sys.argv[1]))
listed = listed_editions(project.source)
for edition in [None, *listed[1:]]:
    brief, theme, _ = load(project, False, edition)
    svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures if f.picture is None}
    html, assets = pdf.render_html(brief, project, theme, svgs)
    folder = Path(sys.argv[2]) / (edition or listed[0] if listed else "original")
    probe.export(html, assets, project.template_file("brief.css"), folder)
    print(folder.name)
"""


def export_html(project: Path, folder: Path) -> dict[str, Path]:
    """Each edition's HTML and its assets as files under ``folder`` (bench/probe.py's export),
    by edition's language, the original first."""
    done = subprocess.run([sys.executable, "-c", EXPORT, str(project), str(folder), str(HERE)],
                          check=True, capture_output=True, text=True)
    return {name: folder / name / "brief.html" for name in done.stdout.split()}


def floor_command(html: Path, out: Path) -> list[str]:
    weasyprint = Path(sys.executable).parent / "weasyprint"
    command = [str(weasyprint)] if weasyprint.exists() else [sys.executable, "-m", "weasyprint"]
    return [*command, "--pdf-variant", "pdf/ua-1", "--pdf-tags", "--custom-metadata", str(html), str(out)]


def measure(project: Path, work: Path, runs: int, baseline: Path | None = None) -> dict:
    """Medians over ``runs`` alternating rounds: the floor of the original edition and of every
    edition (one WeasyPrint process each, their times summed), and deckgen's builds."""
    htmls = export_html(project, work / "html")
    original = next(iter(htmls))
    floors = {name: floor_command(html, work / f"floor-{name}.pdf") for name, html in htmls.items()}
    one = ("--edition", original) if len(htmls) > 1 else ()
    commands = {
        "force": bench.deckgen("build", "--force", "-q", *one, project),
        "force_pdf": bench.deckgen("build", "--force", "-q", "--only", "pdf", *one, project),
        "force_all": bench.deckgen("build", "--force", "-q", project),
    }
    if baseline is not None:  # the same builds with another deckgen's code
        commands.update({f"{name}_baseline": ["env", f"PYTHONPATH={baseline}", *command]
                         for name, command in list(commands.items())})
    for command in commands.values():
        subprocess.run(command, check=True, capture_output=True)  # the figure caches filled
    times: dict[str, list[float]] = {"floor": [], "floor_all": [], **{k: [] for k in commands},
                                     "nothing_cached": []}
    for _ in range(runs):
        each = {name: bench.timed(command)[0] for name, command in floors.items()}
        times["floor"].append(each[original])
        times["floor_all"].append(sum(each.values()))
        for name, command in commands.items():
            times[name].append(bench.timed(command)[0])
        shutil.rmtree(project / "build", ignore_errors=True)
        times["nothing_cached"].append(bench.timed(commands["force"])[0])
        print("round:", json.dumps({k: round(v[-1], 3) for k, v in times.items()}), file=sys.stderr,
              flush=True)
    out = {name: statistics.median(values) for name, values in times.items()}
    out["editions"] = len(htmls)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", help="a project folder (default: the example)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", metavar="SRC", type=Path,
                        help="also time the builds with the deckgen package under SRC (before/after)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-cold-") as tmp:
        work = Path(tmp)
        project = (bench.example_project(work / "example", editions=True) if args.project is None
                   else Path(shutil.copytree(Path(args.project) / "source", work / "project" / "source")).parent)
        m = measure(project, work, args.runs, args.baseline)
    print(f"cold builds of {'the example' if args.project is None else args.project}, "
          f"{args.runs} rounds (medians); {m['editions']} edition(s)")
    rows = (("floor: weasyprint on the original edition's HTML, as a process", "floor", None),
            ("deckgen build --force (the original edition)", "force", "floor"),
            ("deckgen build --force --only pdf (the original edition)", "force_pdf", "floor"),
            ("deckgen build --force, no build folder (the original)", "nothing_cached", "floor"),
            ("floor: weasyprint on every edition's HTML, one process each", "floor_all", None),
            ("deckgen build --force (every edition)", "force_all", "floor_all"))
    for label, key, floor in rows:
        ratio = f"  {m[key] / m[floor]:5.2f}x its floor" if floor else ""
        print(f"  {label:<64} {m[key]:6.3f} s{ratio}")
        if f"{key}_baseline" in m:
            print(f"  {'   the same with ' + str(args.baseline):<64} {m[key + '_baseline']:6.3f} s"
                  f"  {m[key + '_baseline'] / m[floor]:5.2f}x its floor")
    print("target: deckgen build --force within 1.10x its floor")
    print(json.dumps({k: round(v, 4) for k, v in m.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
