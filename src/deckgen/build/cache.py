"""The build cache in ``build/.deckgen-cache/``: content keys, the manifest, figures, the lock.

A build's outputs are keyed by a hash of everything they are made from: every file under
``source/`` and the template folders, deckgen's own code and version, the build options and
``SOURCE_DATE_EPOCH``. Fonts and renderer libraries are too large to hash on every build; the
manifest records their size and modification time, which a re-install or an upgrade changes.

This module imports only the standard library (and deckgen's light ``errors``/``buildfs``), so a
``deckgen build`` with nothing changed answers from here without importing WeasyPrint,
matplotlib, python-pptx or pydantic.

Layout of the cache folder::

    lock            flock(2)ed by the build that owns the folder and the outputs
    manifest.json   per output: its key, file, SHA-256, page or slide count, warnings
    journal.json    present only while outputs are being moved into place (see commit)
    figures/        figure SVG/PNG keyed by the figure's content, the theme and the code

Staged outputs are fsynced in ``build/.deckgen-tmp/`` before they are moved into place: beside
their targets, so a move is a rename within one file system. Nothing under ``build/`` is reached
through a symbolic link (see :mod:`deckgen.buildfs`), and the manifest and the journal are
checked as data before they are used: a journal's moves and removals may only name plain files
of ``tmp/`` and ``build/``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import stat
import sys
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..errors import EnvironmentProblem, Loc, Problem, SourceError
from ..load.sandbox import Unreadable, read_inside
from .buildfs import Folder, plain_name

CACHE_DIR = ".deckgen-cache"
MANIFEST_VERSION = 1
FIGURE_MAX_AGE = 24 * 3600  # seconds an unused cached figure is kept
LIBRARIES = ("weasyprint", "pydyf", "matplotlib", "pptx", "PIL", "pydantic", "markdown_it",
             "mdit_py_plugins", "jinja2", "ruamel", "pypdf")


# ---- content digests -----------------------------------------------------------------------

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
    most MAX_HASHED_BYTES, as :class:`deckgen.loader` records the bytes it reads. Pipes,
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
    return _hash(parts + templates)


def output_key(inputs: str, fmt: str, options: dict) -> str:
    """The key of one output: the inputs, its format and the options that change its bytes."""
    return _hash([inputs, fmt, json.dumps(options, sort_keys=True)])


def _hash(parts) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _sha256(data: bytes | None) -> str | None:
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

    Called during a full build, when matplotlib is already loaded for measuring text."""
    import importlib.util

    from ..deck.textfit import font_path
    from ..errors import EnvironmentProblem

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


# ---- the store: lock, manifest, journal ------------------------------------------------------

TMP_DIR = ".deckgen-tmp"        # staged outputs, in build/ itself: renamed within one file system
MAX_STATE_BYTES = 16_000_000    # a manifest or journal larger than this is not deckgen's
_FOLDERS = {"cache": ("build", CACHE_DIR), "tmp": ("build", TMP_DIR), "figures": ("cache", "figures")}


class Store:
    """The cache folder of one project's ``build/``; every method but ``locked`` expects the lock.

    Every folder and file is reached through :class:`deckgen.buildfs.Folder`: never through a
    symbolic link, and only in folders the user owns."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.root = build_dir / CACHE_DIR
        self.tmp = build_dir / TMP_DIR
        self.figures = self.root / "figures"
        self.manifest_path = self.root / "manifest.json"
        self.journal_path = self.root / "journal.json"
        self.lock_fd: int | None = None
        self._open: dict[str, Folder] = {}

    def folder(self, which: str) -> Folder:
        """``build``, ``cache``, ``tmp`` or ``figures``, opened (and made) on first use."""
        if which not in self._open:
            if which == "build":
                project = Folder.project_root(self.build_dir.parent)
                try:
                    self._open[which] = project.sub(self.build_dir.name)
                finally:
                    project.close()
            else:
                parent, name = _FOLDERS[which]
                self._open[which] = self.folder(parent).sub(name)
            if which == "tmp":
                self._check_same_file_system()
        return self._open[which]

    def _check_same_file_system(self) -> None:
        if not self._open["tmp"].same_file_system(self.folder("build")):
            raise EnvironmentProblem(
                f"{self.tmp}: is on another file system than {self.build_dir}, so outputs staged "
                "there cannot be moved into place (remove the mount there, then build again)")

    def close(self) -> None:
        for folder in self._open.values():
            folder.close()
        self._open.clear()

    @contextmanager
    def locked(self, on_wait=None):
        """Hold the project's build lock; call ``on_wait()`` once if another build holds it."""
        fd = self.folder("cache").open_lock("lock")
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
            self.lock_fd = fd
            yield self
        finally:
            self.lock_fd = None
            os.close(fd)  # closing the last descriptor releases the lock
            self.close()

    def release_in_child(self) -> None:
        """In a forked child process: drop the inherited lock descriptor, so the lock dies with the parent."""
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    # ---- manifest ----
    def manifest(self) -> dict:
        return valid_manifest(self._read_json("manifest.json")) or {}

    def _read_json(self, name: str):
        data = self.folder("cache").read(name, MAX_STATE_BYTES + 1)
        if data is None or len(data) > MAX_STATE_BYTES:
            return None
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            return None

    def hits(self, keys: dict[str, str], strict: bool = False) -> dict[str, dict]:
        """The manifest entries of the outputs in ``keys`` that are up to date and intact."""
        manifest = self.manifest()
        if not manifest or not environment_unchanged(manifest["environment"]):
            return {}
        found = {}
        for fmt, key in keys.items():
            entry = manifest["outputs"].get(fmt)
            if entry and entry["key"] == key and not (strict and entry["warnings"]) \
                    and _sha256(self.folder("build").read(entry["file"])) == entry["sha256"]:
                found[fmt] = entry
        return found

    def updated_manifest(self, entries: dict[str, dict], environment: dict) -> dict:
        """The manifest with ``entries`` replacing those of the same formats."""
        outputs = dict(self.manifest().get("outputs", {}))
        outputs.update(entries)
        return {"version": MANIFEST_VERSION, "deckgen": __version__, "environment": environment,
                "outputs": outputs}

    # ---- commit and recovery ----
    def stage(self, data: bytes, target: str) -> str:
        """Write ``data``, the next ``build/<target>``, to a new, fsynced file in tmp/; its name."""
        return self.folder("tmp").stage(data, target)

    def commit(self, staged: dict[str, str], manifest: dict) -> None:
        """Move staged outputs (``{name in build/: name in tmp/}``) into place, then record the
        manifest.

        The journal makes the moves all-or-nothing across a crash: if the process dies after
        the journal is written, the next build completes the moves before doing anything else.
        """
        journal = {"moves": [[temp, target] for target, temp in staged.items()],
                   "removes": self._replaced_outputs(manifest), "manifest": manifest}
        self.folder("cache").write("journal.json", json.dumps(journal).encode())
        self._finish(journal)

    def _replaced_outputs(self, manifest: dict) -> list[str]:
        """Outputs of an earlier build that ``manifest`` no longer lists: their name changed
        (a new short title). Only files deckgen wrote into ``build/`` are ever named."""
        kept = {entry["file"] for entry in manifest["outputs"].values()}
        old = {entry["file"] for entry in self.manifest().get("outputs", {}).values()}
        return sorted(old - kept)

    def recover(self) -> list[str]:
        """Finish a commit a killed build left half done; remove stale temporaries.

        A journal deckgen could not have written (a move or removal outside ``build/``, a value
        of the wrong type) is discarded, not replayed, and so is one whose moves fail again:
        the manifest is written only after every move, so what they would have finished is
        simply rendered again. Returns why a journal was discarded, for the user."""
        notices = []
        entry = self.folder("cache").lstat("journal.json")
        if entry is not None:
            journal = self._read_json("journal.json")
            problem = journal_problem(journal) if stat.S_ISREG(entry.st_mode) else \
                "it is a symbolic link or not a regular file, which deckgen never writes"
            if problem is None:
                try:
                    self._finish(journal)
                except EnvironmentProblem as exc:
                    problem = f"its moves failed again ({exc})"
            if problem is not None:
                notices.append(problem)
                self.folder("cache").remove("journal.json")
        self._clear_tmp()
        return notices

    def _finish(self, journal: dict) -> None:
        """Carry out a valid journal's moves and removals, record its manifest, drop it."""
        build, tmp, cache = self.folder("build"), self.folder("tmp"), self.folder("cache")
        try:
            for temp, target in journal["moves"]:
                entry = tmp.lstat(temp)
                if entry is not None and stat.S_ISREG(entry.st_mode):
                    tmp.move(temp, build, target)
            for name in journal["removes"]:
                build.remove(name)
            build.sync()
            cache.write("manifest.json", json.dumps(journal["manifest"], indent=1).encode())
        except OSError as exc:
            raise EnvironmentProblem(
                f"{self.build_dir}: could not move the new outputs into place: "
                f"{exc.strerror or exc} (make room or fix the folder's permissions; the next "
                "build finishes the move or renders the outputs again)") from None
        cache.remove("journal.json")

    def _clear_tmp(self) -> None:
        tmp = self.folder("tmp")
        for name in tmp.names():
            tmp.remove(name)

    def prune_figures(self, keep: set[str], max_age: float = FIGURE_MAX_AGE) -> None:
        """Remove cached figures this build did not use and no build used for ``max_age`` s."""
        figures = self.folder("figures")
        now = time.time()
        for name in figures.names():
            entry = figures.lstat(name)
            if entry is not None and name not in keep and now - entry.st_mtime > max_age:
                figures.remove(name)


def _output_name(name: object) -> bool:
    """True for a name deckgen gives its outputs: a plain file name ending .pdf or .pptx."""
    return (plain_name(name) and not name.startswith(".")
            and name.endswith((".pdf", ".pptx")))


# ---- the manifest and the journal, checked as data -------------------------------------------

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
                and move[0].endswith(".tmp") and _output_name(move[1])):
            return f"a move is not from tmp/ to an output in build/: {_shown(move)}"
    for name in removes:
        if not _output_name(name):
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
            and _output_name(entry.get("file")) and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("warnings"), list)
            and all(isinstance(w, dict) and all(isinstance(w.get(k), t) for k, t in _WARNING_FIELDS.items())
                    for w in entry["warnings"])
            and all(isinstance(entry.get(n, 0), int) for n in ("pages", "slides")))


# ---- figures ---------------------------------------------------------------------------------

class FigureCache:
    """Figure SVG/PNG bytes keyed by the figure's content, the theme, the format and ``salt``.

    Safe without the lock (``deckgen watch`` warms up with it): files are written whole, through
    temporaries in the figures folder itself, which a build's clean-up of ``tmp/`` never touches;
    a link there is never read, only replaced."""

    def __init__(self, folder: Folder, salt: str):
        self.folder = folder
        self.salt = salt
        self.hits = 0
        self.rendered = 0
        self.used: set[str] = set()

    def get(self, figure, theme, fmt: str, render) -> bytes:
        """The cached bytes for ``figure`` as ``fmt``, else ``render()``'s, stored for next time."""
        name = f"{figure.id}-{self.key(figure, theme, fmt)[:32]}.{fmt}"
        self.used.add(name)
        data = self.folder.read(name, touch=True)
        if data is not None:
            self.hits += 1
            return data
        data = render()
        self.rendered += 1
        self.folder.write(name, data)
        return data

    def key(self, figure, theme, fmt: str) -> str:
        # only what is drawn (Figure.DRAWN): not its number, title, caption, alt text, source or place
        content = figure.drawn_content()
        look = json.dumps([theme.colours, theme.fonts, theme.sizes], sort_keys=True, default=str)
        return _hash([self.salt, fmt, look, content])

    def stats(self) -> dict:
        return {"hits": self.hits, "rendered": self.rendered}
