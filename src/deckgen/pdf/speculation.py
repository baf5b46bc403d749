"""Speculative layout: in ``deckgen watch``, the float pass's second layout made beside its first.

A cold build's float pass (:class:`~deckgen.pdf.floats.FloatPass`) is a sequence: it lays out
the plain HTML (``H0``), reads the pages and asks for the HTML of a remedy (``H1``), lays that
out, reads it and asks for ``H2`` or stops, and so on (at most ``MAX_PASSES`` more); it then
writes the document it kept (one of those laid out). Each request depends on every layout
before it, so the sequence can only be reproduced one step at a time; but each *layout* depends
on nothing but its HTML (and the render options and assets, the same for the whole build).

The process keeps, for each brief, the placement of the previous rebuild's *first* remedy.
On a rebuild, with a :class:`~deckgen.build.processes.LayoutWorker` forked once (warm):

1. the worker lays out ``H0`` and sends back what the pass reads of it (a
   :class:`~deckgen.pdf.floats.Layout`, plain data), while this process lays out ``G``, the new
   brief's HTML with the previous first remedy applied;
2. the pass is given ``H0``'s layout and asks for ``H1``. When ``H1 == G`` (the same string:
   nothing else is compared), ``G``'s document *is* the layout a cold build makes next and is
   used; otherwise ``H1`` is laid out here, as a cold build does;
3. every later step runs as in a cold build (``H2`` is laid out here: by the time it is known,
   no process could have started it earlier than this one does). A pass that keeps ``H0``'s own
   document (no remedy, or every remedy undone) has it laid out here again from ``H0``.

Whatever was guessed, the pass sees the same layouts in the same order as in a cold build and
chooses the same document, laid out from the same HTML: the bytes written never depend on the
watch's history. A rebuild that fails or is interrupted while the worker lays out stops that
layout (:meth:`~deckgen.build.processes.LayoutWorker.abandon`), so the next rebuild never waits
for it. A wrong guess costs nothing but the worker's time (on another core); a right
one saves the second layout, the whole float pass of a brief whose edit leaves the remedy as it
was. The previous *final* placement is not the guess: when a pass applies two remedies it
differs from ``H1``, and ``H2`` can only be asked for once ``H1`` is laid out.

Once the worker's layout is back (or none was asked of it), the pass lays out in this process
alone and says so (``cores_free``, given to :func:`install`): ``deckgen watch`` then has its
deck drawn, on the core the worker left.

:data:`counts` says how often the guess was taken, missed, or not made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .. import model as m
from ..errors import DeckgenError
from .floats import FloatPass, Placement, read_layout

counts: Counter = Counter()   # "taken", "missed", "cold" (no guess), "worker failed"
_guesses: dict[str, Placement] = {}  # brief name -> the placement of its last first remedy
_active: Speculation | None = None


class _Elsewhere:
    """The document of the plain HTML, laid out by the worker (only its layout came back)."""


ELSEWHERE = _Elsewhere()


def active() -> Speculation | None:
    """The speculation this process runs its float passes with, if any (``deckgen watch``)."""
    return _active if _active is not None and _active.worker.alive else None


def install(worker, cores_free: Callable[[], None] = lambda: None) -> Speculation:
    """Have every float pass of this process speculate, laying out in ``worker`` too, and call
    ``cores_free`` once it lays out in this process alone (another core is free then)."""
    global _active
    _active = Speculation(worker, cores_free)
    return _active


def uninstall() -> None:
    global _active
    _active = None


def remember(floats: FloatPass, again: str | None) -> None:
    """After the pass's first step: keep its remedy, the next rebuild's guess (a build with
    speculation or without: the first rebuild of a watch guesses from its first build)."""
    if again is None:
        _guesses.pop(floats.brief.name, None)
    else:
        _guesses[floats.brief.name] = floats.placement.copy()


def layout_elsewhere(request, html: str, brief: m.Brief):
    """In the worker: ``html`` laid out, and what the float pass's first step reads of it."""
    from .weasy import render_elsewhere

    return read_layout(render_elsewhere(request, html), brief, Placement())


class Speculation:
    """The previous rebuild's first remedy of each brief, and the worker that lays out beside."""

    def __init__(self, worker, cores_free: Callable[[], None] = lambda: None):
        self.worker = worker
        self.cores_free = cores_free

    def run(self, floats: FloatPass, html: str, render, request):
        """What :meth:`FloatPass.run` returns, laid out as the module's docstring says."""
        guess = _guesses.pop(floats.brief.name, None)
        layout = guessed = guessed_html = None
        if guess and fits(guess, floats.brief):
            layout, guessed, guessed_html = self._beside(floats, html, render, request, guess)
        self.cores_free()  # whatever comes next is laid out here alone
        if layout is None:  # no guess, or the worker failed: the cold sequence
            counts["cold" if guessed is None else "worker failed"] += 1
            first = render(html)
            again = floats.next(first)
        else:
            first = ELSEWHERE
            again = floats.next_after(layout, ELSEWHERE)
        remember(floats, again)
        if guessed_html is not None:
            counts["taken" if again == guessed_html else "missed"] += 1
        document = first
        while again is not None:
            document = guessed if again == guessed_html else render(again)
            again = floats.next(document)
        final = floats.final(document)
        return render(html) if final is ELSEWHERE else final

    def _beside(self, floats: FloatPass, html: str, render, request, guess: Placement):
        """``html``'s layout from the worker and the HTML of ``guess`` laid out here, at once:
        the layout (None when the worker could not make it), the document and its HTML (None,
        None when the guess changes nothing). The worker is asked first, so that it starts
        while the guess's HTML is written."""
        request = request._replace(assets=_present(request.assets))
        try:
            self.worker.submit(layout_elsewhere, request, html, floats.brief)
        except DeckgenError:
            return None, None, None
        try:
            guessed_html = floats.html_for(guess)
            if guessed_html == html:
                self.worker.abandon()
                return None, None, None
            guessed = render(guessed_html)
        except BaseException:  # the rebuild failed or was interrupted: the layout there too
            self.worker.abandon()
            raise
        try:
            return self.worker.result(), guessed, guessed_html
        except DeckgenError:
            return None, guessed, guessed_html


def _present(assets) -> dict[str, bytes]:
    """The assets (a lazy mapping) that exist, as a dict to send (an id without bytes is one
    the HTML does not ask for)."""
    present = {}
    for url in assets:
        try:
            present[url] = assets[url]
        except KeyError:
            continue
    return present


def fits(placement: Placement, brief: m.Brief) -> bool:
    """Whether ``placement`` (made for an earlier version of ``brief``) names only sections,
    blocks and figures the brief has: the HTML of any other is not asked for."""
    sizes = {s.id: len(s.blocks) for s in brief.sections}
    figures = {f.id for f in brief.figures}
    return (all(s in sizes and sorted(order) == list(range(sizes[s]))
                for s, order in placement.orders.items())
            and all(f in figures for f in placement.scales)
            and all(s in sizes and 0 <= i < sizes[s] for s, i in placement.long_tables))
