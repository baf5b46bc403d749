"""A click on the preview: find the source place it points at and open it in the author's editor.

``--editor`` names an editor deckgen knows (``code``, ``codium``, ``code-insiders``: ``--goto
FILE:LINE:COL``; ``subl``: ``FILE:LINE:COL``) or a command with ``{file}``, ``{line}`` and
``{col}`` in it (``"gedit +{line} {file}"``). The command is run without a shell, and the file
is always one of the project's: a click names a page, a slide or an error of the current
state, never a path.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import threading
from collections.abc import Callable

from ..errors import DeckgenError, Loc, UsageProblem
from ..project import Project
from .slides import spawn
from .sources import html_ids, line_at, page_source, page_spots, slide_sources, text_blocks, text_source

GOTO = {"code": "{editor} --goto {file}:{line}:{col}", "codium": "{editor} --goto {file}:{line}:{col}",
        "code-insiders": "{editor} --goto {file}:{line}:{col}", "subl": "{editor} {file}:{line}:{col}"}


def editor_command(editor: str) -> list[str]:
    """The editor's command as a list of words with ``{file}``, ``{line}``, ``{col}``; a
    UsageProblem when it names nothing that can run."""
    words = shlex.split(GOTO[editor].replace("{editor}", shlex.quote(editor)) if editor in GOTO else editor)
    if not words or shutil.which(words[0]) is None:
        raise UsageProblem(f"--editor {editor}: no such program ({words[0] if words else 'empty'} "
                           "is not on PATH)")
    if not any("{file}" in word for word in words):
        raise UsageProblem(f"--editor {editor}: not an editor deckgen knows (code, codium, "
                           "code-insiders, subl); a command must say where the file goes with {file}")
    try:
        [word.format(file="f", line=1, col=1) for word in words]
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageProblem(f"--editor {editor}: only {{file}}, {{line}} and {{col}} may stand in "
                           f"braces ({exc})") from exc
    return words


class Opener:
    """Answers the page's clicks: ``{"kind": "page"|"slide"|"error", "index": n, "x": 0..1,
    "y": 0..1}`` (the point as fractions of the page's width and height, from its top left)."""

    def __init__(self, project: Project, editor: list[str] | None, errors: Callable[[], list],
                 strict: bool = False):
        self.project, self.editor, self.errors, self.strict = project, editor, errors, strict
        self._lock = threading.Lock()
        self._pdf: bytes | None = None
        self._pages: list | None = None   # spots, worked out on the first click after a build
        self._blocks: list = []           # the source's blocks of text, with them
        self._slides: list[Loc] | None = None
        self._brief_loc = Loc("source/brief.yaml", 1, 1)
        self._unit: tuple[str | None, str | None] = (None, None)  # the edition and row shown

    def point(self, project: Project, edition: str = "", param: str = "") -> None:
        """Another brief, edition or row is shown: its places are worked out from now on."""
        with self._lock:
            self.project, self._unit = project, (edition or None, param or None)
            self._pdf, self._pages, self._slides = None, None, None

    def built(self, pdf: bytes | None) -> None:
        """A new build: the places are worked out again on the next click."""
        with self._lock:
            self._pdf, self._pages, self._slides = pdf, None, None

    def __call__(self, click: dict) -> dict:
        try:
            loc = self.locate(click)
        except (DeckgenError, OSError, ValueError, LookupError) as exc:  # the source is broken now
            return {"where": "", "opened": False, "message": f"cannot tell where this comes from: {exc}"}
        if loc is None:
            return {"where": "", "opened": False, "message": "nothing there"}
        where = str(loc)
        if self.editor is None:
            return {"where": where, "opened": False,
                    "message": f"{where} (start the preview with --editor code to open it)"}
        self.open(loc)
        return {"where": where, "opened": True, "message": f"opened {where}"}

    def locate(self, click: dict) -> Loc | None:
        kind, index = click.get("kind"), click.get("index")
        if not isinstance(index, int) or index < 0:
            return None
        if kind == "error":
            errors = self.errors()
            return _error_loc(errors[index]) if index < len(errors) else None
        with self._lock:
            if kind == "page" and self._pdf is not None:
                x, y = (_fraction(click.get(name)) for name in ("x", "y"))
                near = page_source(self._page_spots(), index, y or 0.0, None)
                line = line_at(self._pdf, index, x, y) if x is not None and y is not None else ""
                return (text_source(self._blocks, line, near) if line else None) or near or self._brief_loc
            if kind == "slide":
                slides = self._slide_sources()
                return slides[index] if index < len(slides) else None
        return None

    def open(self, loc: Loc) -> None:
        path = self.project.root / loc.file
        values = {"file": str(path), "line": str(loc.line or 1), "col": str(loc.col or 1)}
        command = [word.format_map(values) for word in self.editor]
        spawn(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)

    def _page_spots(self):
        if self._pages is None:
            brief = self._brief()
            self._brief_loc = brief.meta.loc
            self._pages = page_spots(self._pdf, html_ids(brief))
            self._blocks = text_blocks(brief)
        return self._pages

    def _slide_sources(self) -> list[Loc]:
        if self._slides is None:
            from ..build.pipeline import validate

            brief, _, _, plans = validate(self.project, self.strict)
            self._slides = slide_sources(brief, plans)
        return self._slides

    def _brief(self):
        from ..load.loader import load_project

        return load_project(self.project.root, *self._unit)


def _fraction(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and 0 <= value <= 1 else None


def _error_loc(error: dict) -> Loc | None:
    if not error.get("file"):
        return None
    return Loc(error["file"], error.get("line", 0), error.get("col", 0))
