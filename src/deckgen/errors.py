"""Errors and warnings about a brief's source, each tied to a file, line and column.

Every problem is reported as ``path:line:col: field: what is wrong (what was expected)``
followed by the offending source line, so an author can jump straight to it.

Source text is untrusted and reports go to a terminal: control characters (an ANSI escape
sequence, say) and bidirectional-override characters in a message or in the quoted source line
are shown as ``\\x1b``-style escapes, never sent to the terminal as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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

    def as_error(self) -> Problem:
        """This problem as an error (``--strict`` makes every warning one)."""
        return replace(self, warning=False)


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
        """Every problem, then how many errors there are: in the source, and in the theme when
        it is broken too (its problems name the theme file)."""
        errors = [p for p in self.problems if not p.warning]
        lines = [p.format(self.root) for p in self.problems]
        in_theme = sum(1 for p in errors if p.loc.file.endswith("theme.yaml")
                       and not p.loc.file.startswith("source/"))
        noun = "error" if len(errors) == 1 else "errors"
        where = (f" ({len(errors) - in_theme} in the source, {in_theme} in the theme)" if in_theme
                 else " in the source")
        lines.append(f"{len(errors)} {noun}{where}; nothing was written.")
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
    """"did you mean 'x'?" for the option closest to ``word``, or "" when none is close.

    Close means a slip of the keys: at most one letter added, dropped, changed or two swapped in
    a word of up to 5 characters, two up to 10, three beyond (case, '-' and '_' aside), and fewer
    than half the letters; or the first words of exactly one option (chicago-author for
    chicago-author-date). A word merely sharing letters with an option (file and title, sort and
    source) gets no suggestion: a wrong one misleads more than none."""
    typed = _folded(str(word))
    extended = [str(o) for o in options if typed and _folded(str(o)).startswith(typed + "_")]
    if len(extended) == 1:
        return f"did you mean '{extended[0]}'?"
    best, best_distance = "", None
    limit = 1 if len(typed) <= 5 else 2 if len(typed) <= 10 else 3
    for option in options:
        distance = _edits(typed, _folded(str(option)), limit)
        if (distance <= limit and 2 * distance < max(len(typed), len(str(option)))
                and (best_distance is None or distance < best_distance)):
            best, best_distance = str(option), distance
    return f"did you mean '{best}'?" if best_distance is not None else ""


def _folded(text: str) -> str:
    return text.lower().replace("-", "_")


def _edits(a: str, b: str, limit: int) -> int:
    """Letters added, dropped, changed or swapped with a neighbour to turn ``a`` into ``b``
    (limit + 1 as soon as it is sure to be more than ``limit``)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (char != other))
            if (before is not None and i > 1 and j > 1 and char == b[j - 2]
                    and a[i - 2] == other):
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]
