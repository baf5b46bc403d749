"""The source folder's files, each read once through the sandbox and cleaned.

:class:`SourceFiles` is the one place where the source's bytes enter deckgen: a path written in
the source (a CSV, the logo) is checked as text first (not absolute, not a URL, no ``..``, no
overlong name), then the file is opened once and the open file, not its name, is checked (see
:mod:`deckgen.load.sandbox`): no symbolic link leads out, only regular files are read, each
within its size limit. Text is UTF-8; line breaks are normalised; characters XML cannot hold
are removed with a warning naming the file, line and column. Every problem goes to the
collector, and the digest of every file read is noted: the build keys its outputs by them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ..errors import Collector, Loc
from ..text import normalise_newlines, strip_unsafe
from .sandbox import Unreadable, read_inside
from .yamlsrc import YamlDoc, YamlProblem, load_yaml

MAX_FILE_BYTES = 2_000_000        # any source file (a CSV)
MAX_YAML_BYTES = 200_000          # brief.yaml, a figure file
MAX_NAME_CHARS = 100              # one file or folder name in a path written in the source

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
CLEANED = ("removed characters XML cannot hold (control characters, lone surrogates, "
           "U+FFFE/U+FFFF)")


class SourceFiles:
    """The files under ``root/source``, read for one load; their problems go to ``problems``."""

    def __init__(self, root: Path, problems: Collector):
        self.root = root
        self.source = root / "source"
        self.problems = problems
        self.read_digests: dict[str, str] = {}  # {path under source/: SHA-256 of what was read}
        self.texts: dict[str, str] = {}  # {path from the project: the text read, cleaned}

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read_text(self, path: Path, loc: Loc | None = None, limit: int = MAX_FILE_BYTES,
                  **reporting) -> str | None:
        """The text of a regular file under source/, cleaned; None (and an error) if unusable.
        ``reporting`` is passed on to :meth:`read_bytes`."""
        where = loc or Loc(self.rel(path))
        data = self.read_bytes(path, where, limit, **reporting)
        if data is None:
            return None
        file = self.rel(path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problems.error(_byte_loc(data, exc.start, file), f"file is not UTF-8 text "
                                f"(byte 0x{data[exc.start]:02x})", expected=_encoding_hint(data))
            return None
        text = normalise_newlines(text.removeprefix("\ufeff"))
        text, count, first = strip_unsafe(text)
        if count:
            self.problems.warn(_char_loc(text, first, file),
                               f"{CLEANED}: {count:,} removed or replaced with a space")
        self.texts[file] = text
        return text

    def read_bytes(self, path: Path, where: Loc, limit: int, written: str = "", field: str = "",
                   if_missing: Callable[[], None] | None = None) -> bytes | None:
        """At most ``limit`` bytes of a regular file under source/, else an error at ``where``.

        The file is opened once and read from what was opened (:func:`~deckgen.sandbox.read_inside`):
        this is the one place where the source's bytes enter deckgen. ``written`` is the path as
        the source wrote it (in ``field``), for messages; ``if_missing`` reports a missing file
        in the caller's own words."""
        try:
            data = read_inside(self.source, path, limit)
        except Unreadable as exc:
            if exc.reason == Unreadable.MISSING and if_missing is not None:
                if_missing()
            else:
                self.unreadable(exc, path, where, limit, written, field)
            return None
        self._record(path, data)
        return data

    def _record(self, path: Path, data: bytes) -> None:
        """Note the digest of the bytes read from ``path``: the build keys its outputs by them."""
        try:
            relative = path.relative_to(self.source).as_posix()
        except ValueError:
            return
        self.read_digests[relative] = hashlib.sha256(data).hexdigest()

    def unreadable(self, exc: Unreadable, path: Path, where: Loc, limit: int, written: str,
                   field: str) -> None:
        name = self.rel(path)
        if exc.reason == Unreadable.MISSING:
            self.problems.error(where, f"file '{name}' does not exist", field)
        elif exc.reason == Unreadable.OUTSIDE and written:
            self.problems.error(where, f"'{shown(written)}' leads outside the source folder "
                                "through a symbolic link", field, _path_expected(field))
        elif exc.reason == Unreadable.OUTSIDE:
            self.problems.error(where, f"'{name}' leads outside the source folder",
                                expected="a file under source/, not a link out of it")
        elif exc.reason == Unreadable.NOT_REGULAR:
            self.problems.error(where, f"'{name}' is not a regular file",
                                expected="a text file, not a folder, device or pipe")
        elif exc.reason == Unreadable.TOO_LARGE:
            self.problems.error(where, f"file '{name}' is too large ({exc.size:,} bytes)",
                                expected=f"at most {limit:,} bytes")
        else:
            self.problems.error(where, f"cannot read '{name}': {exc.detail}")

    def yaml(self, text: str, path: Path, line_offset: int = 0) -> YamlDoc | None:
        try:
            doc = load_yaml(text, self.rel(path), line_offset)
        except YamlProblem as exc:
            self.problems.error(exc.loc, exc.message, expected=exc.expected)
            return None
        for loc in doc.cleaned:
            self.problems.warn(loc, CLEANED)
        for duplicate in doc.duplicates:
            self.problems.error(duplicate.loc, duplicate.message, expected=duplicate.expected)
        return doc

    def source_path(self, name: str, loc: Loc, field: str) -> Path | None:
        """``name`` (written in the source) as a path under source/, or None and an error.

        Only the text is checked here; whether the file exists and stays inside source/ is
        found when it is read."""
        parts = PurePosixPath(name.replace("\\", "/")).parts
        longest = max(parts, key=len, default="")
        written = shown(name)
        if _SCHEME.match(name):
            problem = f"'{written}' is a URL or a drive path; deckgen reads no URLs"
        elif name.startswith(("/", "\\", "~")):
            problem = f"'{written}' is an absolute path"
        elif ".." in parts:
            problem = f"'{written}' goes up out of the source folder with '..'"
        elif _name_too_long(longest):
            self.problems.error(loc, f"the name '{shown(longest, 40)}' is too long "
                                f"({_name_too_long(longest)})", field,
                                f"at most {MAX_NAME_CHARS} characters for each file or folder name")
            return None
        else:
            return self.source / name
        self.problems.error(loc, problem, field, _path_expected(field))
        return None


def _byte_loc(data: bytes, index: int, file: str) -> Loc:
    line = data.count(b"\n", 0, index) + 1
    return Loc(file, line, index - (data.rfind(b"\n", 0, index) + 1) + 1)


def _char_loc(text: str, index: int, file: str) -> Loc:
    line = text.count("\n", 0, index) + 1
    return Loc(file, line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _encoding_hint(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "this looks like UTF-16: save the file as UTF-8"
    if data.startswith(b"PK\x03\x04"):
        return ("this is a zip file, such as an Excel workbook (.xlsx), not text: export the sheet "
                "as CSV UTF-8 (comma delimited)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ("this is an older Office file, such as an Excel workbook (.xls), not text: export "
                "the sheet as CSV UTF-8 (comma delimited)")
    return "save the file as UTF-8"


def shown(text: str, limit: int = 80) -> str:
    """``text`` for a message: its first ``limit`` characters."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _path_expected(field: str) -> str:
    example = "images/logo.png" if field == "logo" else "data/name.csv"
    return f"a relative path under source/, such as {example}"


def _name_too_long(name: str) -> str:
    """How a file or folder name is too long for deckgen, or "" if it is not."""
    if len(name) > MAX_NAME_CHARS:
        return f"{len(name):,} characters"
    if len(name.encode("utf-8")) > 255:  # the most a file system holds in one name
        return f"{len(name.encode('utf-8')):,} bytes in UTF-8"
    return ""
