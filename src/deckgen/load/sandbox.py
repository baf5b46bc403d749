"""Reading a file under a folder so that what is read is the file that was checked.

A path is opened once and the *descriptor* is checked, never the name: the file it holds must
lie inside the folder (a symbolic link may lead elsewhere inside it, never out of it), must be
a regular file, and is read up to a size limit. Nothing is looked up by name between the check
and the read, so a file swapped for a link at any moment (a synced folder, an editor saving
while ``deckgen watch`` reads) can never bring in the content of a file outside the folder.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
              | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class Unreadable(Exception):
    """Why a file under the folder could not be read; ``reason`` is one of the constants."""

    MISSING = "missing"
    OUTSIDE = "outside"
    NOT_REGULAR = "not-regular"
    TOO_LARGE = "too-large"
    FAILED = "failed"  # the system refused: ``detail`` says why

    def __init__(self, reason: str, size: int = 0, detail: str = ""):
        self.reason, self.size, self.detail = reason, size, detail
        super().__init__(reason if not detail else f"{reason}: {detail}")


def read_inside(folder: Path, path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of the regular file at ``path``, which must lie inside ``folder``
    once every link is followed; raise :class:`Unreadable` otherwise."""
    try:
        fd = os.open(os.fspath(path), OPEN_FLAGS)
    except (FileNotFoundError, NotADirectoryError):  # a file where a folder of the path should be
        raise Unreadable(Unreadable.MISSING) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link that leads round in a circle goes nowhere inside
            raise Unreadable(Unreadable.OUTSIDE) from None
        raise Unreadable(Unreadable.FAILED, detail=exc.strerror or str(exc)) from None
    try:
        if not _is_inside(opened_path(fd, path), real_folder(folder)):
            raise Unreadable(Unreadable.OUTSIDE)
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(Unreadable.NOT_REGULAR)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise Unreadable(Unreadable.FAILED, detail=exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Unreadable(Unreadable.TOO_LARGE, size=max(info.st_size, len(data)))
    return data


def real_folder(folder: Path) -> str:
    """``folder`` with every link in it followed."""
    return os.path.realpath(os.fspath(folder))


def opened_path(fd: int, path: Path) -> str | None:
    """Where the file open on ``fd`` really lies, or None when that cannot be known.

    The system's own record of the descriptor (``/proc/self/fd``) is used where there is one;
    elsewhere the name's resolved path counts only if it leads to the very file that is open."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    try:
        resolved = os.path.realpath(os.fspath(path))
        named, opened = os.stat(resolved), os.fstat(fd)
    except OSError:
        return None
    return resolved if (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino) else None


def _is_inside(real: str | None, folder: str) -> bool:
    if real is None:
        return False
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _read_at_most(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
