"""What citations cost: the example brief built with its bibliography and CSL style, against the
same document written by hand.

The baseline is the same document: the same text with each citation replaced by the exact text
deckgen formatted for it, and the reference list a plain last section holding the formatted
entries (in the brief's language's heading), no ``bibliography:`` or ``csl:``. Both build the
one edition ``--edition`` names (default the original's language), so that the only difference
is what reading the bibliography and formatting it costs.

Both are cold builds (no build/ folder) of the PDF and the deck, run as a process as an author
runs them, in interleaved rounds so that a machine's drift falls on both; each is timed on the
clock and in CPU time (user + system of the build process and its children), which a machine
shared with other work disturbs far less. The loader alone (where the bibliography is read and
formatted) is timed in-process too. Prints medians and the ratios; ``--profile`` prints where the
cited load spends its time beyond the plain one's (cProfile, cumulative).

Usage: python bench/citations.py [--runs N] [--edition LANG] [--profile]
"""

from __future__ import annotations

import argparse
import html
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
sys.path.insert(0, str(ROOT / "src"))

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|@~^$])")
_TAG = re.compile(r"(<[^>]+>)")
_MARKS = {"i": "*", "em": "*", "b": "**", "strong": "**"}


def markdown_of(markup: str) -> str:
    """Formatted HTML (citeproc's ``<i>``, ``<b>``, links) as the Markdown an author writes for
    it: the same words, italics and bold, every Markdown character escaped."""
    out = []
    for piece in _TAG.split(markup):
        tag = re.match(r"</?([a-z]+)", piece) if piece.startswith("<") else None
        if tag:
            out.append(_MARKS.get(tag.group(1), ""))
        else:
            out.append(_MD_SPECIAL.sub(r"\\\1", html.unescape(piece)))
    return "".join(out)


def written_out(body: str, texts: list[str]) -> str:
    """``body`` with its citations (in reading order) replaced by ``texts``."""
    from deckgen.cite.syntax import BRACKETED, NARRATIVE, is_crossref_key

    found = [(m.start(), m.end()) for m in BRACKETED.finditer(body)]
    for match in NARRATIVE.finditer(body):
        start = match.start()
        inside = any(a <= start < b for a, b in found)
        word = start > 0 and (body[start - 1].isalnum() or body[start - 1] in "_@")
        if not inside and not word and not is_crossref_key(match.group(1)):
            found.append((start, match.end()))
    found.sort()
    if len(found) != len(texts):
        raise SystemExit(f"found {len(found)} citations where deckgen formatted {len(texts)}")
    for (start, end), text in reversed(list(zip(found, texts))):
        body = body[:start] + text + body[end:]
    return body


def plain_copy(cited: Path, plain: Path, edition: str) -> None:
    """``plain``: the brief of ``cited`` with each citation written as the text deckgen made of
    it and its reference list a section of the formatted entries, as an author writes them."""
    from deckgen.load.loader import load_project

    brief = load_project(cited, edition or None)
    shutil.copytree(cited / "source", plain / "source")
    if (cited / "templates").is_dir():
        shutil.copytree(cited / "templates", plain / "templates")
    by_file: dict[str, list[tuple[int, str]]] = {}
    for (file, seq), markup, _ in brief.bibliography.citations:
        by_file.setdefault(file, []).append((seq, markdown_of(markup)))
    for file, cites in by_file.items():
        path = plain / file
        text = path.read_text(encoding="utf-8")
        front, body = _split_front(text)
        path.write_text(front + written_out(body, [t for _, t in sorted(cites)]), encoding="utf-8")
    entries = "\n\n".join(markdown_of(r.html) for r in brief.references)
    section = f'---\ntitle: "{brief.bibliography.heading}"\n---\n\n{entries}\n'
    (plain / "source" / "sections" / "references.md").write_text(section, encoding="utf-8")
    yaml = plain / "source" / "brief.yaml"
    text = re.sub(r"^(bibliography|csl):.*\n", "", yaml.read_text(encoding="utf-8"),
                  flags=re.MULTILINE)
    text = re.sub(r"^(sections: \[.*)\]$", r"\1, references]", text, flags=re.MULTILINE)
    yaml.write_text(text, encoding="utf-8")
    for name in ("references.bib", "references.json"):
        (plain / "source" / name).unlink(missing_ok=True)


def _split_front(text: str) -> tuple[str, str]:
    match = re.match(r"(?s)^---\n.*?\n---\n", text)
    return (match.group(0), text[match.end():]) if match else ("", text)


def cold_build(project: Path, edition: str) -> tuple[float, float]:
    """The build's time on the clock and in CPU time (user + system, with its children)."""
    shutil.rmtree(project / "build", ignore_errors=True)
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run([*BUILD, str(project), "--quiet", *(["--edition", edition] if edition else [])],
                   check=True, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_times(projects: dict[str, Path], edition: str, runs: int) -> dict[str, float]:
    """The loader's median CPU time for each project, in interleaved rounds (warm imports)."""
    from deckgen.load.loader import load_project

    for project in projects.values():
        load_project(project, edition or None)
    times: dict[str, list[float]] = {name: [] for name in projects}
    for _ in range(runs):
        for name, project in projects.items():
            start = time.process_time()
            load_project(project, edition or None)
            times[name].append(time.process_time() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def first_load(project: Path, edition: str) -> float:
    """A fresh process's first load (imports included), CPU seconds."""
    code = ("import time, sys; s = time.process_time(); from deckgen.load.loader import "
            f"load_project; load_project(sys.argv[1], {edition!r} or None); "
            "print(time.process_time() - s)")
    out = subprocess.run([sys.executable, "-c", code, str(project)], check=True, env=ENV,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def profile(project: Path, edition: str) -> None:
    """The cited load's 30 costliest calls (cumulative), in a fresh process, imports included."""
    code = ("import cProfile, pstats, sys\n"
            "profiler = cProfile.Profile(); profiler.enable()\n"
            "from deckgen.load.loader import load_project\n"
            f"load_project(sys.argv[1], {edition!r} or None)\n"
            "profiler.disable(); pstats.Stats(profiler).sort_stats('cumulative').print_stats(30)")
    subprocess.run([sys.executable, "-c", code, str(project)], check=True, env=ENV)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--edition", default="en")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cited, plain = Path(tmp) / "cited", Path(tmp) / "plain"
        shutil.copytree(ROOT / "source", cited / "source")
        if (ROOT / "templates").is_dir():
            shutil.copytree(ROOT / "templates", cited / "templates")
        plain_copy(cited, plain, args.edition)
        projects = {"cited": cited, "plain": plain}
        if args.profile:
            profile(cited, args.edition)
            return
        clock: dict[str, list[float]] = {"cited": [], "plain": []}
        cpu: dict[str, list[float]] = {"cited": [], "plain": []}
        firsts: dict[str, list[float]] = {"cited": [], "plain": []}
        for round_ in range(args.runs):
            order = list(projects.items())
            if round_ % 2:
                order.reverse()
            for name, project in order:
                wall, used = cold_build(project, args.edition)
                clock[name].append(wall)
                cpu[name].append(used)
                firsts[name].append(first_load(project, args.edition))
        loads = load_times(projects, args.edition, args.runs * 4)
    for name in ("cited", "plain"):
        print(f"{name:>5}: cold build {statistics.median(clock[name]):.2f} s wall, "
              f"{statistics.median(cpu[name]):.2f} s CPU (medians of {args.runs}); "
              f"first load {statistics.median(firsts[name]) * 1000:.0f} ms CPU, "
              f"warm load {loads[name] * 1000:.0f} ms CPU")
    def ratio(d): return statistics.median(d["cited"]) / statistics.median(d["plain"])
    print(f"with citations / without: build CPU {ratio(cpu):.3f}, wall {ratio(clock):.3f}; "
          f"first load {ratio(firsts):.3f}, warm load {loads['cited'] / loads['plain']:.3f}")


if __name__ == "__main__":
    main()
