"""``deckgen preview``: the watch loop of :mod:`deckgen.watch`, reporting to a page in a browser.

Each watch event updates the page's state: a save marks it rebuilding; a build draws the
brief's pages at once (this thread, right after the build, at the width the page shows them),
publishes their names, and encodes the new ones on two threads, the first page first (each is
served as soon as it is encoded: :mod:`.images`). The pages the previous build changed are
drawn first, and shown as soon as one of them changed again, while the others are drawn
(``pages_drawing``): an author's saves mostly land where the last one did. The build hands
the deck to LibreOffice in the background once the pages are drawn (:mod:`.slides`); a failed
build shows the source's errors, each at its file:line, until a build succeeds. When the page shows pages at another width, the last PDF is drawn
again at that width.

Of a collection, a brief with editions or a parameterised brief, one brief, edition and row is
shown and rebuilt (:mod:`.choices`); choosing another on the page ends this watch and starts
one of that. A collection's ``deckgen.yaml`` is looked at as often as the watch wakes up when
idle (:class:`~deckgen.watch.ListedBriefs`): a brief it comes to list is offered on the page; when
the brief shown is no longer listed, its first brief is shown; while it cannot be read, its
problems are shown beside the brief's own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..build.options import BuildOptions
from ..errors import DeckgenError, Problem, SourceError
from ..load.collection import PROJECT_FILE
from ..project import Project
from ..watch import IDLE_MS, ListedBriefs, WatchEvent, relisted_words, watch
from .choices import Choice, Target, choices, resolve, shown_slot
from .images import ImageStore, page_scale, render_pages, warm
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
    """The server, the slide renderer and the watch's report, for one project (of ``target``,
    a collection, the brief ``choice`` names; ``every``: each edition and row rebuilt, not
    only the one shown)."""

    def __init__(self, project: Project, options: BuildOptions, editor: list[str] | None = None,
                 port: int = 0, echo: Callable[[WatchEvent], None] | None = None,
                 target: Target | None = None, choice: Choice | None = None, every: bool = False):
        self.project, self.options = project, options
        self.target, self.choice, self.every = target or Target(project.root), choice or Choice(), every
        self.echo = echo or (lambda event: None)
        title = self.target.root.name
        self.state = State(status="building", title=title, choices={})
        self.images = ImageStore()
        self.encoder = ThreadPoolExecutor(2, thread_name_prefix="deckgen-preview-encode")
        self.opener = Opener(project, editor, lambda: self.state.get("errors"), options.strict)
        self.server = PreviewServer(self.state, self.images, self.opener, title, port,
                                    viewed=self._viewed, select=self.select)
        self.slides = SlideRenderer(self.images, self._slides_done)
        self._deck_digest = ""
        self._lock = threading.Lock()
        self._width: int | None = None   # pixels wide the page shows a page; None: not told yet
        self._pdf: bytes | None = None   # the last PDF drawn, and its drawing's turn
        self._changed_pages: list[int] = []  # the pages (0-based) the last build changed
        self._turn = 0
        self._halt = threading.Event()   # ends the watch under way: stopping, or another choice
        self._next: Choice | None = None
        self._listing_errors: list[dict] = []  # a collection's deckgen.yaml's, while it cannot be read

    @property
    def url(self) -> str:
        return self.server.url

    def run(self, stop_event: threading.Event | None = None) -> None:
        """Serve and watch until ``stop_event`` is set or Ctrl-C; then stop everything."""
        self.server.start()
        warm()
        stop = stop_event or threading.Event()
        threading.Thread(target=lambda: (stop.wait(), self._halt.set()), daemon=True,
                         name="deckgen-preview-stop").start()
        if self.target.briefs:
            threading.Thread(target=self._follow_listing, args=(stop,), daemon=True,
                             name="deckgen-preview-listing").start()
        try:
            while not stop.is_set():
                self._watch_choice()
                with self._lock:
                    chosen, self._next = self._next, None
                    if chosen is None or stop.is_set():  # Ctrl-C, or stopped
                        break
                    self.choice = chosen
                    self._halt.clear()
                    if stop.is_set():  # stopped just now: the next watch ends at once
                        self._halt.set()
        finally:
            self.close()

    def _watch_choice(self) -> None:
        """Watch the brief, edition and row chosen until another is chosen or the preview stops."""
        try:
            project, options = resolve(self.target, self.choice, self.options, self.every)
            shown = choices(self.target, self.choice)
        except DeckgenError as exc:
            self.state.update(busy=False, errors=self._errors(error_dicts(exc, self.target.root)),
                              status="cannot show this")
            self._halt.wait()
            return
        self.project = project
        self.opener.point(project, self.choice.edition, self.choice.param)
        with self._lock:
            self._deck_digest, self._pdf = "", None
        self.state.update(busy=True, status="building", choices=shown, pages=[], slides=[],
                          errors=self._errors([]))
        watch(project, options, self.report, self._halt)

    def select(self, wanted: dict) -> dict:
        """The page chose a brief, edition or row: ``{"brief": ..., "edition": ..., "param": ...}``."""
        shown = self.state.get("choices") or choices(self.target, self.choice)
        brief = wanted.get("brief", self.choice.brief)
        if brief != shown["brief"]:  # another brief: its own editions and rows
            if brief not in shown["briefs"]:
                return {"message": f"no brief {brief!r} in this collection"}
            chosen = Choice(brief)
        else:
            edition, param = wanted.get("edition", shown["edition"]), wanted.get("param", shown["param"])
            if edition not in [*shown["editions"], ""] or param not in [*shown["params"], ""]:
                return {"message": "no such edition or row"}
            chosen = Choice(brief, edition, param)
        with self._lock:
            self._next = chosen
        self._halt.set()
        return {"message": "showing " + " · ".join(p for p in (chosen.brief, chosen.edition, chosen.param) if p)}

    # ---- a collection's deckgen.yaml -------------------------------------------------------

    def _follow_listing(self, stop: threading.Event) -> None:
        listing = ListedBriefs(self.target.root, self._listing_report)
        while not stop.wait(IDLE_MS / 1000):
            listed = listing.changed(list(self.target.briefs))
            if listed is not None:
                self._relisted(listed.names)

    def _listing_report(self, event: WatchEvent) -> None:
        """deckgen.yaml could not be read (its problems shown until it can), or was read again."""
        with self._lock:
            self._listing_errors = error_dicts(event.error, self.target.root) if event.kind == "failed" else []
        self.state.update(errors=self._errors(self._own_errors()), message=event.message or
                          f"{PROJECT_FILE} has errors: the briefs it listed before are offered")
        self.echo(event)

    def _relisted(self, names: list[str]) -> None:
        """deckgen.yaml lists other briefs: offer them; show its first if the one shown is gone."""
        with self._lock:
            before, self._listing_errors = list(self.target.briefs), []
            self.target = dataclasses.replace(self.target, briefs=tuple(names))
            gone = self.choice.brief not in names
            if gone:
                self._next = Choice(names[0])
        message = relisted_words(before, names) + (f"; showing {names[0]}" if gone else "")
        shown = dict(self.state.get("choices") or {}, briefs=names)
        self.state.update(choices=shown, message=message, errors=self._own_errors())
        self.echo(WatchEvent("message", message))
        if gone:
            self._halt.set()

    def _own_errors(self) -> list[dict]:
        """The problems the page shows of the brief shown (not deckgen.yaml's)."""
        return [e for e in self.state.get("errors") or [] if e.get("listing") is None]

    def _errors(self, errors: list[dict]) -> list[dict]:
        """The page's problems: deckgen.yaml's (while it cannot be read), then ``errors``."""
        with self._lock:
            listing = [dict(e, listing=True) for e in self._listing_errors]
        return listing + errors

    def close(self) -> None:
        self.slides.close()
        self.server.stop()
        self.encoder.shutdown(wait=False, cancel_futures=True)

    # ---- the watch's events ------------------------------------------------------------------

    def report(self, event: WatchEvent) -> None:
        if event.kind == "changed":
            self.state.update(busy=True, status="rebuilding", changed=list(self._names(event.paths)))
        elif event.kind == "built":
            self._built(event.result)
        elif event.kind == "failed":
            self.opener.built(None)
            self.state.update(busy=False, errors=self._errors(error_dicts(event.error, self.project.root)),
                              status="the source has errors: the last good build is shown")
        else:
            self.state.update(message=event.message)
        self.echo(event)

    def _built(self, result) -> None:
        started = time.perf_counter()
        build_seconds = result.timings.get("total", 0.0)
        verb = "up to date" if result.up_to_date else "built"
        changes: dict = {"busy": False, "errors": self._errors([problem_dict(w, self.project.root)
                                                                for w in result.warnings]),
                         "build_seconds": round(build_seconds, 3),
                         "status": f"{verb} in {build_seconds:.2f} s"}
        original = (self.state.get("choices") or {}).get("editions", [""])[:1] or [""]
        pdf_path = result.outputs.get(shown_slot(result.outputs, "pdf", self.choice, original[0]) or "")
        pdf = pdf_path.read_bytes() if pdf_path is not None else None
        deck_path = result.outputs.get(shown_slot(result.outputs, "pptx", self.choice, original[0]) or "")
        deck = deck_path.read_bytes() if deck_path is not None else None
        if deck is None:
            changes.update(slides=[], slides_note="the deck is not built (--only pdf)")
        elif not self._new_deck(deck, changes):
            deck = None
        if pdf is not None:
            changes["pages"] = self._draw(pdf, changes)
        self.opener.built(pdf)
        if deck is not None:  # LibreOffice starts once the pages are drawn
            self.slides.submit(deck)
        changes["pages_seconds"] = round(time.perf_counter() - started, 3)
        self.state.update(**changes, pages_drawing=False)

    def _draw(self, pdf: bytes, changes: dict) -> list[dict]:
        """The pages of ``pdf`` drawn at the page's width (their names now, the images soon).

        The pages the last build changed are drawn first; when one of them changed again, the
        state shows them (with ``changes``) at once, the other pages as they were until every
        page is drawn (``pages_drawing``)."""
        with self._lock:
            self._turn += 1
            self._pdf, width = pdf, self._width
        shown = self.state.get("pages")
        before = [page["key"] for page in shown]

        def early(count: int, drawn: dict) -> None:
            if count == len(before) and any(image.key != before[i] for i, image in drawn.items()):
                pages = [drawn[i].as_dict() if i in drawn else page for i, page in enumerate(shown)]
                self.state.update(**changes, pages=pages, pages_drawing=True)

        images = render_pages(pdf, self.images, width=width, encoder=self.encoder,
                              first=self._changed_pages, early=early)
        self._changed_pages = [i for i, image in enumerate(images) if i >= len(before) or image.key != before[i]]
        return [image.as_dict() for image in images]

    def _viewed(self, width: int) -> None:
        """The page shows pages ``width`` pixels wide: when that changes the drawing by more
        than a twentieth, the last PDF is drawn again (on a thread), unless a build came since."""
        with self._lock:
            old, self._width, pdf, turn = self._width, width, self._pdf, self._turn
        if pdf is None or (old is not None and abs(page_scale(1, width, 1) / page_scale(1, old, 1) - 1) < 0.05):
            return

        def redraw() -> None:
            pages = [image.as_dict() for image in render_pages(pdf, self.images, width=width,
                                                               encoder=self.encoder)]
            with self._lock:
                if self._turn == turn:  # no build drew its pages meanwhile
                    self.state.update(pages=pages)

        threading.Thread(target=redraw, name="deckgen-preview-redraw", daemon=True).start()

    def _new_deck(self, deck: bytes, changes: dict) -> bool:
        """Whether ``deck`` differs from the deck shown (then ``changes`` say its slides are
        being converted: the caller submits it)."""
        digest = hashlib.sha256(deck).hexdigest()
        with self._lock:
            if digest == self._deck_digest:
                return False
            self._deck_digest = digest
        changes["slides_busy"] = True
        return True

    def _slides_done(self, outcome: SlideImages) -> None:
        """The slides converted; after a failed conversion the last slides stay, with why. A
        deck no longer shown (another brief was chosen meanwhile) is ignored."""
        with self._lock:
            if outcome.digest != self._deck_digest:
                return
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
