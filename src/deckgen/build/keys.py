"""The keys of a build: what each output and figure is made from, as digests.

An output is keyed by a hash of everything it is made from: every file under ``source/`` and
the template folders (walked with bounds, never through a link), deckgen's own code (every
module of the package) and version, the build options that change it and
``SOURCE_DATE_EPOCH``. Fonts and renderer libraries are too large to hash on every build; the
manifest records their size and modification time (:func:`stat_signature`), which a re-install
or an upgrade changes.

Imports only the standard library and deckgen's light ``errors`` and ``load.sandbox``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..errors import EnvironmentProblem, Loc, Problem, SourceError
from ..load.sandbox import Unreadable, read_inside

LIBRARIES = ("weasyprint", "pydyf", "matplotlib", "pptx", "PIL", "pydantic", "markdown_it",
             "mdit_py_plugins", "jinja2", "ruamel", "pypdf")


# ---- the source and templates: bounded walks, file and folder digests ---------------------------

MAX_HASHED_BYTES = 2_000_000  # the loader never reads more of one file; neither does the key
MAX_TREE_ENTRIES = 2_000      # files and folders under source/ (and under each templates folder)
MAX_TREE_DEPTH = 16           # levels of folders under source/


def tree_entries(folder: Path) -> list[tuple[str, os.DirEntry]]:
    """Every entry under ``folder`` as ``(relative path, entry)``, sorted by path.

    Folders are walked with a list, not recursion, and never through a link; the walk stops
    with a SourceError naming the folder once it passes MAX_TREE_DEPTH levels or
    MAX_TREE_ENTRIES entries, so no folder, however deep or full, can stall a build."""
    found: list[tuple[str, os.DirEntry]] = []
    pending = [(folder, "", 0)]
    while pending:
        path, prefix, depth = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if len(found) == MAX_TREE_ENTRIES:
                        raise _tree_problem(folder, prefix, f"more than {MAX_TREE_ENTRIES:,} files "
                                            f"and folders under {folder.name}/",
                                            f"at most {MAX_TREE_ENTRIES:,}: keep only the brief's "
                                            f"files under {folder.name}/")
                    relative = prefix + entry.name
                    found.append((relative, entry))
                    if entry.is_dir(follow_symlinks=False):
                        if depth + 1 > MAX_TREE_DEPTH:
                            raise _tree_problem(folder, relative, "folders nested too deeply",
                                                f"at most {MAX_TREE_DEPTH} levels of folders "
                                                f"under {folder.name}/")
                        pending.append((Path(entry.path), relative + "/", depth + 1))
        except OSError:
            continue  # an unreadable folder: the loader reports whatever it needed from it
    return sorted(found, key=lambda item: item[0])


def _tree_problem(folder: Path, relative: str, message: str, expected: str) -> SourceError:
    shown = (Path(folder.name) / relative).as_posix().rstrip("/") + "/"
    return SourceError([Problem(Loc(shown), message, expected=expected)], folder.parent)


def file_digests(folder: Path) -> dict[str, str]:
    """``{path relative to folder: digest}`` of every file the loader could read there.

    Only what the loader could read counts, and only as the loader would read it: a regular
    file (a symbolic link by its target, if that stays inside) is its SHA-256 in hex over at
    most MAX_HASHED_BYTES, as :mod:`deckgen.load.loader` records the bytes it reads. Pipes,
    devices, links out and links to folders are named but never opened."""
    if not folder.is_dir():
        return {}
    root = folder.resolve()
    return {relative: _entry_digest(entry, root) for relative, entry in tree_entries(folder)
            if entry.is_symlink() or not entry.is_dir(follow_symlinks=False)}


def _entry_digest(entry: os.DirEntry, root: Path) -> str:
    """The digest of what the loader would read at ``entry``: its bytes, read the loader's way
    (once, through the descriptor, inside ``root``), or why it could not be read."""
    try:
        return hashlib.sha256(read_inside(root, Path(entry.path), MAX_HASHED_BYTES)).hexdigest()
    except Unreadable as exc:
        return f"unreadable:{exc.reason}:{exc.size}"


def digests_digest(digests: dict[str, str], label: str) -> str:
    """One SHA-256 over ``{relative path: digest}`` in a stable order."""
    digest = hashlib.sha256(label.encode())
    for relative in sorted(digests):
        digest.update(b"\0" + relative.encode(errors="surrogateescape") + b"\0")
        digest.update(digests[relative].encode(errors="surrogateescape"))
    return digest.hexdigest()


def folder_digest(folder: Path, label: str = "") -> str:
    """SHA-256 over every (relative path, content digest) under ``folder`` (see file_digests)."""
    return digests_digest(file_digests(folder), label)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """deckgen's version and the code of every module of the package, its subpackages included
    (read once per process)."""
    package = Path(__file__).parents[1]
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def template_digests(template_dirs: list[Path]) -> list[str]:
    """One digest per templates folder, in override order."""
    return [folder_digest(d, f"templates:{d}") for d in template_dirs]


def input_digest(source: dict[str, str], templates: list[str]) -> str:
    """One digest for the source's file digests, the templates' digests and deckgen's code."""
    parts = [code_digest(), digests_digest(source, "source"), os.environ.get("SOURCE_DATE_EPOCH", "")]
    return hash_parts(parts + templates)


def output_key(inputs: str, fmt: str, options: dict) -> str:
    """The key of one output: the inputs, its format and the options that change its bytes."""
    return hash_parts([inputs, fmt, json.dumps(options, sort_keys=True)])


def hash_parts(parts) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def sha256_hex(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


# ---- environment: fonts and libraries, by size and modification time --------------------------

def stat_signature(paths) -> dict[str, list[int] | None]:
    """``{path: [size, mtime_ns]}``, or None for a path that does not exist (yet)."""
    out = {}
    for path in sorted(set(map(str, paths))):
        try:
            info = os.stat(path)
        except OSError:
            out[path] = None
            continue
        out[path] = [info.st_size, info.st_mtime_ns]
    return out


def environment_files(font_families) -> list[str]:
    """The font files of ``font_families`` (regular and bold) and the renderer libraries.

    The font files are fontconfig's (a few milliseconds: see :func:`~deckgen.deck.textfit.font_path`)."""
    import importlib.util

    from ..deck.textfit import font_path

    files = []
    for family in font_families:
        for bold in (False, True):
            try:
                files.append(font_path(family, bold))
            except EnvironmentProblem:  # reported by the renderer that needs the font
                pass
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            files.append(spec.origin)
    return files + font_folders()


def font_folders() -> list[str]:
    """The folders fonts are installed in, and the system's fontconfig cache. Installing a
    font changes one of them (a package's fc-cache writes the cache anew; a font copied into a
    user's folder changes that folder), and WeasyPrint may then set a glyph that had no font
    before: the next build renders again. The user's own fontconfig cache is left out: the
    renderers may refresh it themselves, which would make every other build a miss."""
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [str(p) for p in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                             home / ".fonts", data_home / "fonts", Path("/var/cache/fontconfig"))]


def environment_unchanged(signature: dict) -> bool:
    return stat_signature(signature) == signature


# ---- the keys of one build's outputs -------------------------------------------------------------

@dataclass(frozen=True)
class InputDigests:
    """The digests of a build's inputs, taken before the source is loaded: one per file under
    ``source/`` (see :func:`file_digests`), one per templates folder."""

    source: dict[str, str]
    templates: list[str]

    @classmethod
    def of(cls, project) -> InputDigests:
        return cls(file_digests(project.source), template_digests(project.template_dirs))

    def keys(self, options, read: dict[str, str] | None = None, edition: str | None = None,
             row=None) -> dict[str, str]:
        """The cache key of each output ``options`` asks for. With ``read``, the digests of the
        bytes the loader read (``{path under source/: digest}``) stand in for those of the same
        files taken before: a file saved while the build ran is keyed as it went into the
        outputs, so the next build renders again unless the disk still holds exactly that.
        Each edition is keyed by its language and the files it reads: the original's, and its
        own translations (``history.ja.md``), not another edition's; a parameterised brief's row
        by its own values, not the other rows' (:class:`deckgen.load.params.ParamRow`)."""
        source = edition_files(self.source, edition)
        if row is not None:
            source = row.keyed(source)
        if read:
            source = {path: read.get(path, digest) for path, digest in source.items()}
        inputs = input_digest(source, self.templates)
        unit = {**({"edition": edition} if edition else {}), **({"param": row.slug} if row is not None else {})}
        return {fmt: output_key(inputs, fmt, {**options.render_options(fmt), **unit})
                for fmt in options.formats}


def edition_files(digests: dict[str, str], edition: str | None) -> dict[str, str]:
    """The digests of the files ``edition`` (None: the original) may read: every file but the
    translations into other languages."""
    from ..load.translations import TRANSLATION_NAME

    def kept(path: str) -> bool:
        match = TRANSLATION_NAME.match(path.rsplit("/", 1)[-1])
        return match is None or (edition is not None and match["lang"] == edition)

    return {path: digest for path, digest in digests.items() if kept(path)}


def output_keys(project, options) -> dict[str, str]:
    """The cache key of each requested output (hashes files; imports nothing heavy)."""
    return InputDigests.of(project).keys(options)
