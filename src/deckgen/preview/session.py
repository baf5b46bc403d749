"""``deckgen preview``: the watch loop of :mod:`deckgen.watch`, reporting to a page in a browser.

Each watch event updates the page's state: a save marks it rebuilding; a build renders the
brief's pages at once (this thread, right after the build) and hands the deck to LibreOffice in
the background (:mod:`.slides`); a failed build shows the source's errors, each at its
file:line, until a build succeeds.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..build.options import BuildOptions
from ..errors import Problem, SourceError
from ..project import Project
from ..watch import WatchEvent, watch
from .images import ImageStore, render_pages
from .opener import Opener
from .server import PreviewServer
from .slides import SlideImages, SlideRenderer
from .state import State


def problem_dict(problem: Problem, root: Path) -> dict:
    """One problem as the page lists it: its place, its message and the line it is about."""
    first, _, excerpt = problem.format(root).partition("\n")
    where = str(problem.loc)
    message = first[len(where) + 2:] if first.startswith(where + ": ") else first
    return {"where": where, "file": problem.loc.file, "line": problem.loc.line,
            "col": problem.loc.col, "message": message, "excerpt": excerpt.strip(),
            "warning": problem.warning}


def error_dicts(error: Exception, root: Path) -> list[dict]:
    if isinstance(error, SourceError):
        return [problem_dict(p, root) for p in error.problems]
    return [{"where": "", "file": "", "line": 0, "col": 0, "message": f"error: {error}",
             "excerpt": "", "warning": False}]


class Preview:
    """The server, the slide renderer and the watch's report, for one project."""

    def __init__(self, project: Project, options: BuildOptions, editor: list[str] | None = None,
                 port: int = 0, echo: Callable[[WatchEvent], None] | None = None):
        self.project, self.options = project, options
        self.echo = echo or (lambda event: None)
        self.state = State(status="building", title=project.root.name)
        self.images = ImageStore()
        self.opener = Opener(project, editor, lambda: self.state.get("errors"), options.strict)
        self.server = PreviewServer(self.state, self.images, self.opener, project.root.name, port)
        self.slides = SlideRenderer(self.images, self._slides_done)
        self._deck_digest = ""
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return self.server.url

    def run(self, stop_event: threading.Event | None = None) -> None:
        """Serve and watch until ``stop_event`` is set or Ctrl-C; then stop everything."""
        self.server.start()
        try:
            watch(self.project, self.options, self.report, stop_event)
        finally:
            self.close()

    def close(self) -> None:
        self.slides.close()
        self.server.stop()

    # ---- the watch's events ------------------------------------------------------------------

    def report(self, event: WatchEvent) -> None:
        if event.kind == "changed":
            self.state.update(busy=True, status="rebuilding", changed=list(self._names(event.paths)))
        elif event.kind == "built":
            self._built(event.result)
        elif event.kind == "failed":
            self.opener.built(None)
            self.state.update(busy=False, errors=error_dicts(event.error, self.project.root),
                              status="the source has errors: the last good build is shown")
        else:
            self.state.update(message=event.message)
        self.echo(event)

    def _built(self, result) -> None:
        started = time.perf_counter()
        changes: dict = {"busy": False, "errors": [problem_dict(w, self.project.root)
                                                   for w in result.warnings]}
        pdf_path = result.outputs.get("pdf")
        pdf = pdf_path.read_bytes() if pdf_path is not None else None
        if pdf is not None:
            changes["pages"] = [image.as_dict() for image in render_pages(pdf, self.images)]
        self.opener.built(pdf)
        deck_path = result.outputs.get("pptx")
        if deck_path is not None:
            self._submit_deck(deck_path.read_bytes(), changes)
        else:
            changes.update(slides=[], slides_note="the deck is not built (--only pdf)")
        build_seconds = result.timings.get("total", 0.0)
        changes["pages_seconds"] = round(time.perf_counter() - started, 3)
        changes["build_seconds"] = round(build_seconds, 3)
        verb = "up to date" if result.up_to_date else "built"
        changes["status"] = f"{verb} in {build_seconds:.2f} s"
        self.state.update(**changes)

    def _submit_deck(self, deck: bytes, changes: dict) -> None:
        digest = hashlib.sha256(deck).hexdigest()
        with self._lock:
            if digest == self._deck_digest:
                return
            self._deck_digest = digest
        changes["slides_busy"] = True
        self.slides.submit(deck)

    def _slides_done(self, outcome: SlideImages) -> None:
        """The slides converted; after a failed conversion the last slides stay, with why."""
        changes = {"slides_note": outcome.problem, "slides_busy": False,
                   "slides_seconds": round(outcome.seconds, 3)}
        if not outcome.problem:
            changes["slides"] = [image.as_dict() for image in outcome.images]
        self.state.update(**changes)

    def _names(self, paths):
        for path in paths:
            try:
                yield str(Path(path).resolve().relative_to(self.project.root))
            except ValueError:
                yield path
