"""The manifest and the journal of ``build/.deckgen-cache/`` as data: their shape, checked
before use, and the typed :class:`Entry` of one output.

``manifest.json`` records, per output, its key, its file, its SHA-256, its count (pages,
slides) and the warnings of the build that made it; ``journal.json`` the moves and removals of
a commit under way (see :mod:`deckgen.build.store`). Either may have been tampered with, so each
is checked as data: a journal's moves and removals may only name plain files of ``tmp/`` and
outputs' plain names in ``build/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import __version__
from ..errors import Loc, Problem
from .buildfs import plain_name
from .outputs import COUNT_LABELS, OUTPUTS, SUFFIXES

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One output as the manifest records it."""

    key: str
    file: str
    sha256: str
    warnings: tuple[Problem, ...] = ()
    count: int | None = None      # under the output's count label: "pages", "slides"

    @classmethod
    def from_data(cls, fmt: str, data: dict) -> Entry:
        label = OUTPUTS[fmt].count_label if fmt in OUTPUTS else None
        return cls(data["key"], data["file"], data["sha256"],
                   tuple(_problem(w) for w in data["warnings"]), data.get(label))

    def data(self, fmt: str) -> dict:
        out = {"key": self.key, "file": self.file, "sha256": self.sha256,
               "warnings": [_problem_data(w) for w in self.warnings]}
        if self.count is not None:
            out[OUTPUTS[fmt].count_label] = self.count
        return out


def manifest_data(outputs: dict[str, dict], environment: dict) -> dict:
    """A manifest: ``outputs`` (``{format: entry data}``) and the renderers' environment."""
    return {"version": MANIFEST_VERSION, "deckgen": __version__, "environment": environment,
            "outputs": outputs}


def _problem_data(problem: Problem) -> dict:
    return {"file": problem.loc.file, "line": problem.loc.line, "col": problem.loc.col,
            "message": problem.message, "field": problem.field, "expected": problem.expected}


def _problem(data: dict) -> Problem:
    return Problem(Loc(data["file"], data["line"], data["col"]), data["message"], data["field"],
                   data["expected"], warning=True)


def output_name(name: object) -> bool:
    """True for a name deckgen gives its outputs: a plain file name ending as an output's does."""
    return plain_name(name) and not name.startswith(".") and name.endswith(SUFFIXES)


# ---- checked as data ------------------------------------------------------------------------------

def journal_problem(journal) -> str | None:
    """Why ``journal`` is not one deckgen wrote, or None: moves from a plain name in tmp/ to an
    output's plain name in build/, removals of outputs' plain names, and a valid manifest."""
    if not isinstance(journal, dict):
        return "it is not a JSON object"
    moves, removes = journal.get("moves"), journal.get("removes")
    if not isinstance(moves, list) or not isinstance(removes, list):
        return "its 'moves' and 'removes' are not lists"
    for move in moves:
        if not (isinstance(move, list) and len(move) == 2 and plain_name(move[0])
                and move[0].endswith(".tmp") and output_name(move[1])):
            return f"a move is not from tmp/ to an output in build/: {_shown(move)}"
    for name in removes:
        if not output_name(name):
            return f"a removal is not of an output in build/: {_shown(name)}"
    if valid_manifest(journal.get("manifest")) is None:
        return "its manifest is not one deckgen writes"
    return None


def _shown(value) -> str:
    text = json.dumps(value)
    return text if len(text) <= 200 else text[:197] + "..."


def valid_manifest(manifest) -> dict | None:
    """``manifest`` if it has the shape deckgen writes, else None."""
    if not (isinstance(manifest, dict) and manifest.get("version") == MANIFEST_VERSION
            and _valid_environment(manifest.get("environment"))
            and isinstance(manifest.get("outputs"), dict)
            and all(isinstance(fmt, str) and _valid_entry(entry)
                    for fmt, entry in manifest["outputs"].items())):
        return None
    return manifest


def _valid_environment(environment) -> bool:
    return isinstance(environment, dict) and all(
        value is None or isinstance(value, list) and len(value) == 2
        and all(isinstance(n, int) for n in value) for value in environment.values())


_WARNING_FIELDS = {"file": str, "line": int, "col": int, "message": str, "field": str, "expected": str}


def _valid_entry(entry) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("key"), str)
            and output_name(entry.get("file")) and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("warnings"), list)
            and all(isinstance(w, dict) and all(isinstance(w.get(k), t) for k, t in _WARNING_FIELDS.items())
                    for w in entry["warnings"])
            and all(isinstance(entry.get(n, 0), int) for n in COUNT_LABELS))
