"""The folders under a project's ``build/``, held open by descriptor, so that no link there is followed.

A project may come from anyone (a clone, an archive) and its ``build/`` with it. Each folder
deckgen writes under ``build/`` is therefore opened one name at a time, relative to its parent's
descriptor, without following a symbolic link, and must be a real folder owned by the user
running deckgen; anything else is refused with an :class:`EnvironmentProblem` naming it. Every
file in such a folder is read, created or removed by its plain name relative to the folder's
descriptor, again without following a link: a link in place of a file counts as a file that is
not there, is replaced rather than written through, and is removed as a link. Renames (which
never follow their last component) first check that both folders are still the ones opened.

This module imports only the standard library and deckgen's ``errors``.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from ..errors import EnvironmentProblem

_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NO_LINK = os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0)


def plain_name(name: object) -> bool:
    """True for a file name with no folder in it: not empty, no ``/``, not ``.`` or ``..``."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\0" not in name)


class Folder:
    """A real folder, owned by this user, held open; files in it are reached by plain name only."""

    def __init__(self, fd: int, path: Path):
        self.fd: int | None = fd
        self.path = path
        info = os.fstat(fd)
        self.identity = (info.st_dev, info.st_ino)

    @classmethod
    def project_root(cls, root: Path) -> Folder:
        """The project folder itself (``root`` is already resolved, so links in it are the user's)."""
        return cls(os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), root)

    def sub(self, name: str) -> Folder:
        """The folder ``name`` in this one, made if missing: refused unless it is a real
        folder, not a link, owned by this user."""
        path = self.path / name
        try:
            os.mkdir(name, 0o755, dir_fd=self._fd())
        except FileExistsError:
            pass
        except OSError as exc:
            raise _refusal(path, self.lstat(name), exc, "folder") from None
        folder = Folder(self._open_folder(name, path), path)
        folder._check_owner()
        return folder

    def _open_folder(self, name: str, path: Path) -> int:
        try:
            return os.open(name, _DIRECTORY, dir_fd=self._fd())
        except OSError as exc:
            raise _refusal(path, self.lstat(name), exc, "folder") from None

    def _check_owner(self) -> None:
        owner = os.fstat(self._fd()).st_uid
        if owner != os.geteuid():
            self.close()
            raise EnvironmentProblem(
                f"{self.path}: the folder belongs to another user (uid {owner}); deckgen writes only "
                "into folders you own (remove it, or build a copy of the project you own)")

    def _fd(self) -> int:
        if self.fd is None:
            raise ValueError(f"{self.path} is closed")
        return self.fd

    # ---- files in this folder ----
    def lstat(self, name: str) -> os.stat_result | None:
        """The entry ``name`` itself (a link as a link), or None when there is none."""
        try:
            return os.stat(name, dir_fd=self._fd(), follow_symlinks=False)
        except OSError:
            return None

    def read(self, name: str, limit: int | None = None, touch: bool = False) -> bytes | None:
        """The bytes of the regular file ``name`` (at most ``limit``), else None: missing, a
        link, a folder, a pipe or a device are all "not there". ``touch`` updates its time."""
        try:
            fd = os.open(name, os.O_RDONLY | _NO_LINK, dir_fd=self._fd())
            with os.fdopen(fd, "rb") as stream:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return None
                if touch:
                    os.utime(fd)
                return stream.read(-1 if limit is None else limit)
        except OSError:
            return None

    def open_lock(self, name: str) -> int:
        """A descriptor of the regular file ``name`` (created if missing), to flock."""
        path = self.path / name
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | _NO_LINK, 0o644, dir_fd=self._fd())
        except OSError as exc:
            raise _refusal(path, self.lstat(name), exc, "file") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise _refusal(path, self.lstat(name), None, "file")
        return fd

    def stage(self, data: bytes, prefix: str) -> str:
        """Write ``data`` to a new, fsynced file in this folder; return its name."""
        while True:
            name = f"{prefix}.{secrets.token_hex(6)}.tmp"
            try:
                fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644,
                             dir_fd=self._fd())
            except FileExistsError:
                continue
            break
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except BaseException:
            self.remove(name)
            raise
        return name

    def write(self, name: str, data: bytes) -> None:
        """Replace the file ``name`` by ``data`` all at once, through a temporary in this folder."""
        temp = self.stage(data, f".{name}")
        try:
            self.move(temp, self, name)
        except BaseException:
            self.remove(temp)
            raise
        self.sync()

    def move(self, name: str, into: Folder, target: str) -> None:
        """Rename ``name`` here to ``target`` in ``into`` (a link at ``target`` is replaced)."""
        if not (plain_name(name) and plain_name(target)):
            raise ValueError(f"not a plain file name: {name!r} or {target!r}")
        self.check_still_here()
        into.check_still_here()
        os.replace(str(self.path / name), str(into.path / target))

    def remove(self, name: str) -> None:
        """Remove the entry ``name`` (a link as a link); nothing if it is not there or a folder."""
        try:
            os.unlink(name, dir_fd=self._fd())
        except OSError:
            pass

    def names(self) -> list[str]:
        return sorted(os.listdir(self._fd()))

    def exists(self, name: str) -> bool:
        return self.lstat(name) is not None

    def sync(self) -> None:
        try:
            os.fsync(self._fd())
        except OSError:
            pass

    def same_file_system(self, other: Folder) -> bool:
        return self.identity[0] == other.identity[0]

    def check_still_here(self) -> None:
        """Refuse to go on if ``self.path`` no longer leads to the folder opened (it was
        replaced by a link or another folder meanwhile)."""
        try:
            info = os.stat(self.path, follow_symlinks=False)
        except OSError:
            info = None
        if info is None or (info.st_dev, info.st_ino) != self.identity:
            raise EnvironmentProblem(f"{self.path}: the folder was replaced while deckgen wrote to "
                                     "it (build again)")

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __del__(self):
        try:
            self.close()
        except OSError:
            pass


def _refusal(path: Path, entry: os.stat_result | None, error: OSError | None,
             expected: str) -> EnvironmentProblem:
    """Why ``path`` cannot be used as a ``expected`` ("file" or "folder"), as a user reads it."""
    if entry is not None and stat.S_ISLNK(entry.st_mode):
        try:
            target = f" (to {os.readlink(path)})"
        except OSError:
            target = ""
        return EnvironmentProblem(
            f"{path}: is a symbolic link{target}; deckgen writes only into real files and folders "
            f"of the project (remove the link, then build again)")
    if entry is not None and (error is None or error.errno in (errno.ENOTDIR, errno.EISDIR)):
        return EnvironmentProblem(f"{path}: is not a {expected} (deckgen keeps a {expected} of its "
                                  "own here: remove or rename this one, then build again)")
    reason = error.strerror if error is not None else "cannot be used"
    return EnvironmentProblem(f"{path}: {reason} (check that the project's build/ folder is "
                              "yours and writable, then build again)")
