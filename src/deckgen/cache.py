"""The build cache in ``build/.deckgen-cache/``: content keys, the manifest, figures, the lock.

A build's outputs are keyed by a hash of everything they are made from: every file under
``source/`` and the template folders, deckgen's own code and version, the build options and
``SOURCE_DATE_EPOCH``. Fonts and renderer libraries are too large to hash on every build; the
manifest records their size and modification time, which a re-install or an upgrade changes.

This module imports only the standard library (and deckgen's light ``errors``/``project``), so a
``deckgen build`` with nothing changed answers from here without importing WeasyPrint,
matplotlib, python-pptx or pydantic.

Layout of the cache folder::

    lock            flock(2)ed by the build that owns the folder and the outputs
    manifest.json   per output: its key, file, SHA-256, page or slide count, warnings
    journal.json    present only while outputs are being moved into place (see commit)
    tmp/            staged outputs, fsynced before they are moved into place
    figures/        figure SVG/PNG keyed by the figure's content, the theme and the code
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from . import __version__

CACHE_DIR = ".deckgen-cache"
MANIFEST_VERSION = 1
FIGURE_MAX_AGE = 24 * 3600  # seconds an unused cached figure is kept
LIBRARIES = ("weasyprint", "pydyf", "matplotlib", "pptx", "PIL", "pydantic", "markdown_it",
             "mdit_py_plugins", "jinja2", "ruamel", "pypdf")


# ---- content digests -----------------------------------------------------------------------

MAX_HASHED_BYTES = 2_000_000  # the loader never reads more of one file; neither does the key


def folder_digest(folder: Path, label: str = "") -> str:
    """SHA-256 over every (relative path, content) under ``folder``, in a stable order.

    Only what the loader could read counts, and only as the loader would read it: regular
    files inside ``folder`` (a symbolic link by its target, if that stays inside), at most
    MAX_HASHED_BYTES of each. Pipes, devices and links out are named but never opened.
    """
    digest = hashlib.sha256(label.encode())
    if folder.is_dir():
        root = folder.resolve()
        for path in sorted(_files(folder)):
            digest.update(b"\0" + path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(_file_digest(path, root))
    return digest.hexdigest()


def _file_digest(path: Path, root: Path) -> bytes:
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                return b"link out:" + os.readlink(path).encode(errors="replace")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return b"not a regular file"
        with open(path, "rb") as stream:
            return hashlib.sha256(stream.read(MAX_HASHED_BYTES + 1)).digest()
    except OSError as exc:
        return f"unreadable:{exc.errno}".encode()


def _files(folder: Path):
    for parent, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            yield Path(parent, name)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """deckgen's version and the code this process loaded (read once per process)."""
    package = Path(__file__).parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version}".encode())
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def input_digest(source: Path, template_dirs: list[Path]) -> str:
    """One digest for the source, the templates (in override order) and deckgen's code."""
    parts = [code_digest(), folder_digest(source, "source"),
             os.environ.get("SOURCE_DATE_EPOCH", "")]
    parts += [folder_digest(d, f"templates:{d}") for d in template_dirs]
    return _hash(parts)


def output_key(inputs: str, fmt: str, options: dict) -> str:
    """The key of one output: the inputs, its format and the options that change its bytes."""
    return _hash([inputs, fmt, json.dumps(options, sort_keys=True)])


def _hash(parts) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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

    from .errors import EnvironmentProblem
    from .textfit import font_path

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


# ---- atomic files ----------------------------------------------------------------------------

def stage(data: bytes, folder: Path, name: str) -> Path:
    """Write ``data`` to a new, fsynced temporary file in ``folder``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f"{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def atomic_write(target: Path, data: bytes, tmp_dir: Path | None = None) -> None:
    """Replace ``target`` by ``data`` all at once: a reader sees the old file or the new one."""
    temp = stage(data, tmp_dir or target.parent, f".{target.name}")
    try:
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- the store: lock, manifest, journal ------------------------------------------------------

class Store:
    """The cache folder of one project's ``build/``; every method but ``locked`` expects the lock."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.root = build_dir / CACHE_DIR
        self.tmp = self.root / "tmp"
        self.figures = self.root / "figures"
        self.manifest_path = self.root / "manifest.json"
        self.journal_path = self.root / "journal.json"
        self.lock_fd: int | None = None

    @contextmanager
    def locked(self, on_wait=None):
        """Hold the project's build lock; call ``on_wait()`` once if another build holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
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

    def release_in_child(self) -> None:
        """In a forked child process: drop the inherited lock descriptor, so the lock dies with the parent."""
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    # ---- manifest ----
    def manifest(self) -> dict:
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if data.get("version") == MANIFEST_VERSION else {}

    def hits(self, keys: dict[str, str], strict: bool = False) -> dict[str, dict]:
        """The manifest entries of the outputs in ``keys`` that are up to date and intact."""
        manifest = self.manifest()
        if not manifest or not environment_unchanged(manifest.get("environment", {})):
            return {}
        found = {}
        for fmt, key in keys.items():
            entry = manifest.get("outputs", {}).get(fmt)
            if entry and entry["key"] == key and not (strict and entry.get("warnings")) \
                    and file_sha256(self.build_dir / entry["file"]) == entry["sha256"]:
                found[fmt] = entry
        return found

    def updated_manifest(self, entries: dict[str, dict], environment: dict) -> dict:
        """The manifest with ``entries`` replacing those of the same formats."""
        outputs = dict(self.manifest().get("outputs", {}))
        outputs.update(entries)
        return {"version": MANIFEST_VERSION, "deckgen": __version__, "environment": environment,
                "outputs": outputs}

    # ---- commit and recovery ----
    def commit(self, staged: dict[Path, Path], manifest: dict) -> None:
        """Move staged outputs (``{target: temp}``) into place, then record the manifest.

        The journal makes the moves all-or-nothing across a crash: if the process dies after
        the journal is written, the next build completes the moves before doing anything else.
        """
        journal = {"moves": [[str(temp), str(target)] for target, temp in staged.items()],
                   "removes": [str(path) for path in self._replaced_outputs(manifest)],
                   "manifest": manifest}
        atomic_write(self.journal_path, json.dumps(journal).encode(), self.tmp)
        self._finish(journal)

    def _replaced_outputs(self, manifest: dict) -> list[Path]:
        """Outputs of an earlier build that ``manifest`` no longer lists: their name changed
        (a new short title). Only files deckgen wrote into ``build/`` are ever named."""
        kept = {entry["file"] for entry in manifest["outputs"].values()}
        old = {entry.get("file") for entry in self.manifest().get("outputs", {}).values()}
        return [self.build_dir / name for name in sorted(old - kept, key=str)
                if isinstance(name, str) and _output_name(name)]

    def recover(self) -> bool:
        """Finish a commit a killed build left half done; remove stale temporaries."""
        try:
            journal = json.loads(self.journal_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if journal:
            self._finish(journal)
        self._clear_tmp()
        return bool(journal)

    def _finish(self, journal: dict) -> None:
        for temp, target in journal["moves"]:
            if os.path.exists(temp):
                os.replace(temp, target)
        for path in journal.get("removes", []):
            if _output_name(Path(path).name) and Path(path).parent == self.build_dir:
                Path(path).unlink(missing_ok=True)
        if journal["moves"]:
            _fsync_dir(Path(journal["moves"][0][1]).parent)
        atomic_write(self.manifest_path, json.dumps(journal["manifest"], indent=1).encode(), self.tmp)
        self.journal_path.unlink(missing_ok=True)

    def _clear_tmp(self) -> None:
        if self.tmp.is_dir():
            for path in self.tmp.iterdir():
                path.unlink(missing_ok=True)

    def prune_figures(self, keep: set[str], max_age: float = FIGURE_MAX_AGE) -> None:
        """Remove cached figures this build did not use and no build used for ``max_age`` s."""
        if not self.figures.is_dir():
            return
        now = time.time()
        for path in self.figures.iterdir():
            try:
                if path.name not in keep and now - path.stat().st_mtime > max_age:
                    path.unlink()
            except OSError:
                continue


def _output_name(name: str) -> bool:
    """True for a name deckgen gives its outputs: a plain file name ending .pdf or .pptx."""
    return (name == Path(name).name and not name.startswith(".")
            and name.endswith((".pdf", ".pptx")))


# ---- figures ---------------------------------------------------------------------------------

class FigureCache:
    """Figure SVG/PNG bytes keyed by the figure's content, the theme, the format and ``salt``.

    Safe without the lock (``deckgen watch`` warms up with it): files are written whole, through
    temporaries in the figures folder itself, which a build's clean-up of ``tmp/`` never touches."""

    def __init__(self, folder: Path, salt: str):
        self.folder = folder
        self.salt = salt
        self.hits = 0
        self.rendered = 0
        self.used: set[str] = set()

    def get(self, figure, theme, fmt: str, render) -> bytes:
        """The cached bytes for ``figure`` as ``fmt``, else ``render()``'s, stored for next time."""
        name = f"{figure.id}-{self.key(figure, theme, fmt)[:32]}.{fmt}"
        path = self.folder / name
        self.used.add(name)
        try:
            data = path.read_bytes()
            os.utime(path)
            self.hits += 1
            return data
        except OSError:
            pass
        data = render()
        self.rendered += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
        return data

    def key(self, figure, theme, fmt: str) -> str:
        # only what is drawn: not its number, title, caption, alt text, source or place
        content = repr((figure.kind, figure.units, figure.categories, figure.series, figure.events))
        look = json.dumps([theme.colours, theme.fonts, theme.sizes], sort_keys=True, default=str)
        return _hash([self.salt, fmt, look, content])

    def stats(self) -> dict:
        return {"hits": self.hits, "rendered": self.rendered}
