"""Errors and warnings about a brief's source, each tied to a file, line and column.

Every problem is reported as ``path:line:col: field: what is wrong (what was expected)``
followed by the offending source line, so an author can jump straight to it.

Source text is untrusted and reports go to a terminal: control characters (an ANSI escape
sequence, say) and bidirectional-override characters in a message or in the quoted source line
are shown as ``\\x1b``-style escapes, never sent to the terminal as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .load.sandbox import Unreadable, read_inside
from .text import normalise_newlines, printable


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a source file: path relative to the project, 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious, when ``warning``) in the source."""

    loc: Loc
    message: str
    field: str = ""
    expected: str = ""
    warning: bool = False

    def format(self, root: Path | None = None) -> str:
        """The one-line message, then the offending line of the file when it can be read."""
        head = f"{self.loc}: "
        if self.warning:
            head += "warning: "
        if self.field:
            head += f"{self.field}: "
        head += self.message
        if self.expected:
            head += f" ({self.expected})"
        excerpt = _source_line(root, self.loc) if root is not None else None
        head = printable(head).replace("\n", "\\n")  # one line, whatever the source held
        return f"{head}\n    {printable(excerpt)}" if excerpt else head


def _source_line(root: Path, loc: Loc) -> str | None:
    if not loc.line:
        return None
    try:  # never quote a file outside the project (a symlink pointing out, even one just made)
        data = read_inside(root, root / loc.file, 4_000_000)
    except Unreadable:
        return None
    lines = normalise_newlines(data.decode("utf-8", errors="replace")).split("\n")
    if 0 < loc.line <= len(lines):
        return lines[loc.line - 1].rstrip()[:200]
    return None


class DeckgenError(Exception):
    """Base of every error deckgen reports to a user; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class SourceError(DeckgenError):
    """The source is invalid: carries every problem found, reported together."""

    exit_code = 1

    def __init__(self, problems: list[Problem], root: Path | None = None):
        self.problems = sorted(problems, key=lambda p: (p.loc, p.message))
        self.root = root
        super().__init__(self.report())

    def report(self) -> str:
        errors = [p for p in self.problems if not p.warning]
        lines = [p.format(self.root) for p in self.problems]
        noun = "error" if len(errors) == 1 else "errors"
        lines.append(f"{len(errors)} {noun} in the source; nothing was written.")
        return "\n".join(lines)


class UsageProblem(DeckgenError):
    """The command was asked for something that cannot be: no project where one is named."""

    exit_code = 2


class EnvironmentProblem(DeckgenError):
    """Something outside the source is wrong: a missing font, template or tool."""

    exit_code = 2


@dataclass
class Collector:
    """Gathers problems while a whole project is read, so all of them are reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, loc: Loc, message: str, field: str = "", expected: str = "") -> None:
        self.problems.append(Problem(loc, message, field, expected))

    def warn(self, loc: Loc, message: str, field: str = "", expected: str = "") -> None:
        self.problems.append(Problem(loc, message, field, expected, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


def did_you_mean(word: str, options) -> str:
    """"did you mean 'x'?" for the closest of ``options``, or "" when none is close."""
    import difflib

    hint = difflib.get_close_matches(word, [str(o) for o in options], n=1)
    return f"did you mean '{hint[0]}'?" if hint else ""
