"""The figure cache in ``build/.deckgen-cache/figures/``: figure SVG/PNG bytes by content, bounded.

A figure is keyed by what is drawn (the fields its model declares drawn, not its number,
title, caption, alt text, source or place), the theme, the format and a salt (deckgen's code
and the renderers' environment), so that editing prose redraws no figure.

The folder is kept under :data:`CACHE_LIMIT` bytes by :func:`prune`, called once after a
build that rendered something: least recently used first, where an entry is *used* when a
build reads it (its modification time is touched) or writes it. What a build used, and what
any process used since it began, is never removed: a collection's workers and a watch share
the folder. The files it holds::

    <figure id>-<32 hex>.svg|png        an entry: written whole, through a temporary, then renamed
    .<entry>.<12 hex>.tmp               a temporary being written (or left by a killed build)
    <entry>.lock                        flock(2)ed while a collection's worker draws the entry
    .prune.lock                         flock(2)ed by the one process pruning

Anything else there is not deckgen's: it is neither read, counted nor removed.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
import time
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass

from ..errors import EnvironmentProblem
from .buildfs import Folder
from .keys import hash_parts
from .options import FigureStats, Pruned

# What a whole file of each format ends with: a file cut short (a disk that filled, a copy
# interrupted) is not a figure, and is drawn again.
_WHOLE = {"svg": lambda data: data.rstrip().endswith(b"</svg>"),
          "png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")}
_ENTRY = rf"[^/]+-[0-9a-f]{{32}}\.(?:{'|'.join(_WHOLE)})"
ENTRY = re.compile(_ENTRY)
TEMPORARY = re.compile(rf"\.{_ENTRY}\.[0-9a-f]{{12}}\.tmp")
LOCK = re.compile(rf"(?P<entry>{_ENTRY})\.lock")
PRUNE_LOCK = ".prune.lock"

# 256 MiB: the example brief's figures in its three editions take 0.8 MB (an SVG of about 8 KB
# and a deck PNG of about 130 KB per figure), so this holds some 1,800 figures: the whole
# working set of a collection of fifty briefs of ten figures in three languages (about 210 MB)
# with room for the figures of recent edits, while a brief edited for months stays a few
# hundred megabytes at most; a pruning scans at most a few thousand files (milliseconds).
CACHE_LIMIT = 256 * 1024 * 1024
RECENT = 2.0                # seconds before a build began still counted as "used since it began"
STALE_TEMPORARY = 3600.0    # seconds after which a temporary is a killed build's, not one being written


class FigureCache:
    """Figure SVG/PNG bytes keyed by the figure's content, the theme, the format and ``salt``.

    Safe without the lock (``deckgen watch`` warms up with it): files are written whole, through
    temporaries in the figures folder itself, which a build's clean-up of ``tmp/`` never touches;
    a link there is never read, only replaced. A folder that cannot be written (read-only, gone)
    only stops figures being kept for next time."""

    def __init__(self, folder: Folder, salt: str):
        self.folder = folder
        self.salt = salt
        self.hits = 0
        self.rendered = 0
        self.used: set[str] = set()

    def get(self, figure, theme, fmt: str, render) -> bytes:
        """The cached bytes for ``figure`` as ``fmt``, else ``render()``'s, stored for next time."""
        name = self.name(figure, theme, fmt)
        self.used.add(name)
        data = self.folder.read(name, touch=True)  # the touch records the use (see prune)
        if data is not None and whole(data, fmt):
            self.hits += 1
            return data
        data = render()
        self.rendered += 1
        try:
            self.folder.write(name, data)
        except (OSError, EnvironmentProblem):
            pass  # drawn all the same; the next build draws it again
        return data

    def name(self, figure, theme, fmt: str) -> str:
        return f"{figure.id}-{self.key(figure, theme, fmt)[:32]}.{fmt}"

    def key(self, figure, theme, fmt: str) -> str:
        # only what is drawn (Figure.DRAWN): not its number, title, caption, alt text, source or place
        content = figure.drawn_content()
        look = json.dumps([theme.colours, theme.fonts, theme.sizes], sort_keys=True, default=str)
        return hash_parts([self.salt, fmt, look, content])

    def stats(self) -> FigureStats:
        return FigureStats(self.hits, self.rendered)


def whole(data: bytes, fmt: str) -> bool:
    """True unless ``data`` is visibly not a whole file of ``fmt`` (cut short)."""
    check = _WHOLE.get(fmt)
    return check is None or check(data)


# ---- the bound ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _File:
    name: str
    size: int
    mtime: float


def prune(folder: Folder, keep: AbstractSet[str], since: float, limit: int | None = None) -> Pruned:
    """Remove cached figures, least recently used first, until the folder's entries and
    temporaries take at most ``limit`` bytes (default :data:`CACHE_LIMIT`); first the
    temporaries a killed build left. Never an entry named in ``keep`` (what this build used)
    or used since ``since`` (a time.time(), when this build began: what another process
    sharing the folder is using), nor a temporary being written. Lock files of entries that
    are gone are removed too (not counted). One process prunes at a time: another finds the
    pruning lock taken and leaves it to that one. What was removed, as a count and bytes."""
    limit = CACHE_LIMIT if limit is None else limit
    with _pruning(folder) as alone:
        if not alone:
            return Pruned()
        now = time.time()
        entries, temporaries, locks = _listing(folder)
        removed = [t for t in temporaries if now - t.mtime > STALE_TEMPORARY and _unlink(folder, t.name)]
        total = sum(f.size for f in entries + temporaries) - sum(f.size for f in removed)
        protected = since - RECENT
        for entry in sorted(entries, key=lambda f: (f.mtime, f.name)):
            if total <= limit:
                break
            if entry.name in keep or entry.mtime >= protected:
                continue
            if _unlink(folder, entry.name):
                removed.append(entry)
                total -= entry.size
        present = {f.name for f in entries} - {f.name for f in removed}
        for lock in locks:
            if LOCK.fullmatch(lock.name)["entry"] not in present and lock.mtime < protected:
                _remove_free_lock(folder, lock.name)
    return Pruned(len(removed), sum(f.size for f in removed))


def _listing(folder: Folder) -> tuple[list[_File], list[_File], list[_File]]:
    """The folder's regular files that are deckgen's: entries, temporaries, lock files. A file
    gone meanwhile (removed by hand, by another build) is simply not there."""
    found: tuple[list[_File], list[_File], list[_File]] = ([], [], [])
    try:
        names = folder.names()
    except OSError:
        return found
    for name in names:
        kind = 0 if ENTRY.fullmatch(name) else 1 if TEMPORARY.fullmatch(name) else \
            2 if LOCK.fullmatch(name) else None
        if kind is None:
            continue
        info = folder.lstat(name)
        if info is not None and stat.S_ISREG(info.st_mode):
            found[kind].append(_File(name, info.st_size, info.st_mtime))
    return found


def _unlink(folder: Folder, name: str) -> bool:
    """Remove ``name``; False if it was gone already or cannot be removed (a read-only folder)."""
    try:
        os.unlink(name, dir_fd=folder.fd)
    except OSError:
        return False
    return True


def _remove_free_lock(folder: Folder, name: str) -> None:
    """Remove the lock file ``name`` unless a worker holds it (it is drawing that figure)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=folder.fd)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _unlink(folder, name)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _pruning(folder: Folder):
    """True while this process alone prunes ``folder``; False if another is pruning it or the
    folder cannot be written (then nothing could be removed anyway)."""
    try:
        fd = folder.open_lock(PRUNE_LOCK)
    except EnvironmentProblem:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
