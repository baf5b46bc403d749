"""The store in ``build/.deckgen-cache/``: the lock, the manifest, the journal, the commit.

Layout of the cache folder::

    lock            flock(2)ed by the build that owns the folder and the outputs
    manifest.json   per output: its key, file, SHA-256, page or slide count, warnings
    journal.json    present only while outputs are being moved into place (see Store.commit)
    figures/        figure SVG/PNG keyed by their content, kept under a bound (see deckgen.build.figcache)

A build drives the protocol with three calls: :meth:`Store.locked` (wait for the lock, then
finish or discard what a killed build left), :meth:`Store.hits` (the outputs still up to date)
and :meth:`Store.commit` (stage, journal, move into place, record); after the last commit,
:meth:`Store.prune_figures` keeps the figure cache under its bound. Staged outputs are
fsynced in ``build/.deckgen-tmp/``: beside their targets, so a move is a rename within one file
system. Nothing under ``build/`` is reached through a symbolic link (see
:mod:`deckgen.build.buildfs`), and the manifest and the journal are checked as data before they
are used (see :mod:`deckgen.build.manifest`).

Imports only the standard library and deckgen's light modules: the no-op build answers here.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..errors import EnvironmentProblem, Loc, Problem
from .buildfs import Folder
from .figcache import prune
from .keys import environment_unchanged, sha256_hex
from .manifest import Entry, journal_problem, manifest_data, valid_manifest
from .options import Pruned, Rendered
from .outputs import OUTPUTS, slot

CACHE_DIR = ".deckgen-cache"
TMP_DIR = ".deckgen-tmp"        # staged outputs, in build/ itself: renamed within one file system
MAX_STATE_BYTES = 16_000_000    # a manifest or journal larger than this is not deckgen's
_FOLDERS = {"cache": ("build", CACHE_DIR), "tmp": ("build", TMP_DIR), "figures": ("cache", "figures")}


class Store:
    """The cache folder of one project's ``build/``; every method but ``locked`` and ``hits``
    expects the lock.

    Every folder and file is reached through :class:`deckgen.build.buildfs.Folder`: never
    through a symbolic link, and only in folders the user owns."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.root = build_dir / CACHE_DIR
        self.tmp = build_dir / TMP_DIR
        self.figures = self.root / "figures"
        self.journal_path = self.root / "journal.json"
        self.lock_fd: int | None = None
        self.discarded: list[Problem] = []  # journals of interrupted builds, found by locked()
        self.started = time.time()  # when the build began: what was used since is not pruned
        self.figures_used: set[str] = set()  # the cached figures the committed outputs used
        self.committed = False
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
        """Hold the project's build lock (call ``on_wait()`` once if another build holds it),
        having first finished or discarded what a killed build left (see :meth:`recover`)."""
        fd = self.folder("cache").open_lock("lock")
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
            self.lock_fd = fd
            self.discarded = [self._discarded_journal(notice) for notice in self.recover()]
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

    # ---- the manifest ----
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

    def hits(self, keys: Mapping[str, str], strict: bool = False, edition: str | None = None) -> dict[str, Entry]:
        """The manifest entries of the outputs in ``keys`` (of ``edition``: None, the original)
        that are up to date and intact."""
        manifest = self.manifest()
        if not manifest or not environment_unchanged(manifest["environment"]):
            return {}
        found = {}
        for fmt, key in keys.items():
            data = manifest["outputs"].get(slot(fmt, edition))
            if data and data["key"] == key and not (strict and data["warnings"]) \
                    and sha256_hex(self.folder("build").read(data["file"])) == data["sha256"]:
                found[fmt] = Entry.from_data(fmt, data)
        return found

    # ---- the commit ----
    def commit(self, name: str, rendered: Mapping[str, Rendered], keys: Mapping[str, str],
               warnings: Sequence[Problem], edition: str | None = None,
               unit: tuple[str | None, str | None] | None = None) -> dict[str, Entry]:
        """Put every ``rendered`` output in place as ``build/<name><suffix>``, all or none.

        ``edition`` is the outputs' slots' tag; ``unit`` (row slug, edition language) is the unit
        they are of, recorded in their manifest entries (``row``, ``edition``) so that the removal
        of stale units (:meth:`prune_units`) never has to guess it from the tag or the file name.

        Each is staged (written and fsynced in tmp/), then a journal of the moves, of the
        removal of outputs whose name changed (a new short title) and of the new manifest is
        written, and carried out. The journal makes the moves all-or-nothing across a crash: if
        the process dies after it is written, the next build completes the moves before doing
        anything else. The cached figures the outputs used are recorded, so that
        :meth:`prune_figures` keeps them."""
        staged, entries = {}, {}
        for fmt, out in rendered.items():
            target = OUTPUTS[fmt].file_name(name)
            staged[target] = self.folder("tmp").stage(out.data, target)
            entries[fmt] = Entry(keys[fmt], target, sha256_hex(out.data), tuple(warnings), out.count)
        environment = dict(next(iter(rendered.values())).environment)
        outputs = dict(self.manifest().get("outputs", {}))
        recorded = {"row": unit[0], "edition": unit[1]} if unit is not None else {}
        outputs.update({slot(fmt, edition): {**entry.data(fmt), **recorded} for fmt, entry in entries.items()})
        manifest = manifest_data(outputs, environment)
        journal = {"moves": [[temp, target] for target, temp in staged.items()],
                   "removes": self._replaced_outputs(manifest), "manifest": manifest}
        self.folder("cache").write("journal.json", json.dumps(journal).encode())
        self._finish(journal)
        self.committed = True
        self.figures_used.update(*(out.figures_used for out in rendered.values()))
        return entries

    def prune_units(self, why_stale: Callable[[str, dict], str | None]) -> list[str]:
        """Remove the outputs of the units the source no longer makes: each manifest entry for
        which ``why_stale(slot, entry)`` says why (None: it is still made), its file with it,
        under a journal as a commit's removals are. The entry is the manifest's record of the
        output (its ``row`` and ``edition``, see :meth:`commit`). Only a file the manifest
        records, intact, is removed: one changed since deckgen wrote it is left (and said so),
        and so is one another entry still names. What was done, one line per file."""
        manifest = self.manifest()
        outputs = manifest.get("outputs", {})
        reasons = {name: why_stale(name, entry) for name, entry in outputs.items()}
        stale = {name: entry for name, entry in outputs.items() if reasons[name]}
        if not stale:
            return []
        still_named = {entry["file"] for name, entry in outputs.items() if name not in stale}
        removes, notes = [], []
        for name, entry in sorted(stale.items(), key=lambda item: item[1]["file"]):
            file = entry["file"]
            if file in still_named or file in removes:
                continue
            data = self.folder("build").read(file)
            if data is None:
                continue
            if sha256_hex(data) != entry["sha256"]:
                notes.append(f"left build/{file}: {reasons[name]}, but the file was changed "
                             "since deckgen wrote it (remove it yourself if it is not needed)")
                continue
            removes.append(file)
            notes.append(f"removed build/{file}: {reasons[name]}")
        kept_outputs = {name: entry for name, entry in outputs.items() if name not in stale}
        journal = {"moves": [], "removes": sorted(removes),
                   "manifest": manifest_data(kept_outputs, manifest["environment"])}
        self.folder("cache").write("journal.json", json.dumps(journal).encode())
        self._finish(journal)
        return notes

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

    def _discarded_journal(self, notice: str) -> Problem:
        where = self.journal_path.relative_to(self.build_dir.parent).as_posix()
        return Problem(Loc(where), f"discarded the journal of an interrupted build: {notice}",
                       expected="nothing to do: what it would have finished is rendered again",
                       warning=True)

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

    def prune_figures(self, figure_build_dir: Path | None = None) -> Pruned:
        """After the build's last commit: the figure cache (this ``build/``'s, or that of
        ``figure_build_dir``, a collection's) kept under its bound, never losing a figure the
        committed outputs used (see :func:`deckgen.build.figcache.prune`). Nothing is done
        after a build that committed nothing: it added nothing to the cache."""
        if not self.committed:
            return Pruned()
        return prune_figures(figure_build_dir or self.build_dir, self.figures_used, self.started,
                             self if figure_build_dir in (None, self.build_dir) else None)


def prune_figures(build_dir: Path, keep: set[str], since: float, store: Store | None = None) -> Pruned:
    """The figure cache of ``build_dir`` pruned (see :func:`deckgen.build.figcache.prune`),
    through ``store``'s open folders if given; a cache folder that cannot be opened (missing
    parts cannot be made, a link) is left alone: pruning never fails a build."""
    own = store or Store(build_dir)
    try:
        return prune(own.folder("figures"), keep, since)
    except (OSError, EnvironmentProblem):
        return Pruned()
    finally:
        if store is None:
            own.close()


def prune_caches(stores: Sequence[Store], figure_roots: Sequence[Path | None]) -> list[Pruned]:
    """After a build of many briefs (``stores``, each with the ``build/`` of its shared figure
    cache, or None for its own): each brief's own cache pruned, and each shared cache once, with
    every figure any of its briefs used and what was used since the first of them began. What
    was removed, per store: a shared cache's with the first of its stores that committed."""
    reports = [Pruned()] * len(stores)
    shared: dict[Path, list[int]] = {}
    for index, (store, figure_root) in enumerate(zip(stores, figure_roots)):
        if figure_root is None:
            reports[index] = store.prune_figures()
        elif store.committed:
            shared.setdefault(figure_root, []).append(index)
    for figure_root, indexes in shared.items():
        written = [stores[index] for index in indexes]
        keep = set().union(*(store.figures_used for store in written))
        reports[indexes[0]] = prune_figures(figure_root, keep, min(store.started for store in written))
    return reports
