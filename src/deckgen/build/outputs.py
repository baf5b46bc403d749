"""The output registry: the one place each output format of a build is declared.

Each :class:`Output` names the format (the ``--only`` choice, the key of the manifest, the
summaries and the cache's report), the suffix of its file in ``build/``, how a person calls it,
what its count is of, the build options that change its bytes (part of its cache key), the
module of its renderer and the job that renders it (a method of :class:`deckgen.build.jobs.Jobs`, called when the build runs).
The pipeline, the jobs, the store, the command line and ``deckgen watch`` read this table.

Adding a format costs this table and its job in :mod:`deckgen.build.jobs`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Output:
    name: str
    suffix: str                         # of its file: build/<brief name><suffix>
    noun: str                           # in progress messages: "rendering the PDF"
    count_label: str                    # what its count is of: "3 pages"
    render: Callable[[Any, Any], Any]   # (jobs, figures handed over or None) -> Rendered
    renderer: str                       # the module its job imports (imported ahead: see pipeline)
    byte_options: tuple[tuple[str, str], ...] = ()  # (key, BuildOptions field) that change its bytes

    def options(self, build_options) -> dict:
        """The build options that change this output's bytes, as they enter its cache key."""
        return {key: getattr(build_options, name) for key, name in self.byte_options}

    def file_name(self, brief_name: str) -> str:
        return f"{brief_name}{self.suffix}"


OUTPUTS: Mapping[str, Output] = {output.name: output for output in (
    Output("pdf", ".pdf", "the PDF", "pages", lambda jobs, figures: jobs.pdf(figures),
           "deckgen.pdf.document",
           (("variant", "variant"), ("print", "print_mode"), ("paper", "paper"))),
    Output("pptx", ".pptx", "the deck", "slides", lambda jobs, figures: jobs.pptx(), "deckgen.deck.writer"),
)}

FORMATS: tuple[str, ...] = tuple(OUTPUTS)


def slot(fmt: str, edition: str | None) -> str:
    """The name an output has in the manifest and the build's summary: its format for the
    original edition ("pdf"), with the edition's language for a translated one ("pdf.ja")."""
    return f"{fmt}.{edition}" if edition else fmt


def slot_format(name: str) -> str:
    """The format of an output's slot: "pdf.ja" → "pdf"."""
    return name.split(".", 1)[0]
SUFFIXES: tuple[str, ...] = tuple(output.suffix for output in OUTPUTS.values())
COUNT_LABELS: tuple[str, ...] = tuple(dict.fromkeys(o.count_label for o in OUTPUTS.values()))

# The deck: its job plans the slides and checks them against the brief, and when other outputs
# are rendered too it is rendered in a process of its own (see deckgen.build.processes), which
# draws the other outputs' figures first and hands them over.
DECK = "pptx"


def deck_beside(formats) -> bool:
    """True when the deck can be rendered in its own process beside other outputs."""
    return DECK in formats and len(formats) > 1
