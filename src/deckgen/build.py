"""The build: source → model → figures → PDF and deck bytes → files in ``build/``.

Only this module writes outputs. Both outputs are rendered in memory first, then each is
written to a temporary file beside its target and moved into place, so a failed or killed
build never leaves a half-written file or loses the previous build.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import model as m
from .errors import Problem, SourceError
from .loader import load_project
from .project import Project
from .theme import Theme, load_theme


@dataclass
class BuildOptions:
    variant: str = "pdf/ua-1"
    print_mode: bool = False
    paper: str | None = None
    strict: bool = False
    formats: tuple[str, ...] = ("pdf", "pptx")


@dataclass
class BuildResult:
    outputs: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    slides: int = 0


def check(project: Project, strict: bool = False) -> tuple[m.Brief, Theme, list[Problem]]:
    """Load and validate everything; raise SourceError on errors (and warnings when strict)."""
    brief = load_project(project.root)
    warnings = list(brief.warnings)
    if strict and warnings:
        promoted = [Problem(w.loc, w.message, w.field, w.expected) for w in warnings]
        raise SourceError(promoted, project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    from .parity import parity_problems
    from .plan import plan_slides

    problems = parity_problems(brief, plan_slides(brief, theme))
    if problems:
        raise SourceError(problems, project.root)
    return brief, theme, warnings


def build(project: Project, options: BuildOptions | None = None) -> BuildResult:
    """Build the PDF brief and the deck into ``project.build_dir``."""
    options = options or BuildOptions()
    result = BuildResult()
    clock = _Clock(result.timings)
    with clock("check"):
        brief, theme, result.warnings = check(project, options.strict)
    from . import figures

    outputs: dict[str, bytes] = {}
    if "pdf" in options.formats:
        with clock("figures_svg"):
            svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures}
        with clock("pdf"):
            from .pdf import render_pdf

            outputs["pdf"] = render_pdf(brief, project, theme, svgs, options.variant,
                                        options.print_mode, options.paper)
    if "pptx" in options.formats:
        with clock("figures_png"):
            pngs = {f.id: figures.render_png(f, theme) for f in brief.figures
                    if f.kind not in m.CHART_KINDS}
        with clock("deck"):
            from .deck import write_deck
            from .plan import plan_slides

            plans = plan_slides(brief, theme)
            outputs["pptx"] = write_deck(plans, brief, theme, pngs)
            result.slides = len(plans)
    with clock("write"):
        for suffix, data in outputs.items():
            target = project.build_dir / f"{brief.name}.{suffix}"
            write_atomically(target, data)
            result.outputs[suffix] = target
    if "pdf" in outputs:
        result.pages = _count_pages(outputs["pdf"])
    return result


def _count_pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings

    def __call__(self, name: str):
        clock = self

        class _Span:
            def __enter__(self):
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                clock.timings[name] = clock.timings.get(name, 0.0) + time.perf_counter() - self.start

        return _Span()
