"""``deckgen watch``: rebuild on every save, in one long-lived process with warm imports.

The first build answers from the cache if it can. The renderers are then warmed once (their
imports, fonts and first-render set-up cost more than a rebuild) while the folders are already
being watched, so nothing saved meanwhile is missed. Each save then runs an ordinary,
incremental :func:`deckgen.build.build`; a broken source is reported and the watch goes on.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .build import BuildOptions, BuildResult, build, warm_up
from .errors import DeckgenError
from .project import Project

STEP_MS = 50          # a save is acted on once no further change came for this long
IDLE_MS = 300         # how often the watcher wakes when nothing changes


@dataclass
class WatchEvent:
    """What the watcher reports: ``message``, ``changed`` (paths), ``built`` or ``failed``."""

    kind: str
    message: str = ""
    paths: tuple[str, ...] = ()
    result: BuildResult | None = None
    error: Exception | None = None


Report = Callable[[WatchEvent], None]
READY = WatchEvent("message", "ready: renderers loaded, rebuilds are at full speed")


def watched_folders(project: Project) -> list[Path]:
    """The project's source and, when it has one, its own templates folder."""
    return [d for d in (project.source, project.root / "templates") if d.is_dir()]


def watch(project: Project, options: BuildOptions, report: Report,
          stop_event: threading.Event | None = None) -> None:
    """Build, then rebuild after every change until ``stop_event`` is set or Ctrl-C."""
    import watchfiles

    first = rebuild(project, options, report)
    warm = first is not None and not first.up_to_date  # it rendered: the renderers are loaded
    options = dataclasses.replace(options, force=False)
    folders = watched_folders(project)
    report(WatchEvent("message", "watching " + ", ".join(f"{d.name}/" for d in folders)
                      + " (Ctrl-C to stop)"))
    if warm:
        report(READY)
    try:
        for changes in watchfiles.watch(*folders, step=STEP_MS, rust_timeout=IDLE_MS,
                                        yield_on_timeout=True, stop_event=stop_event):
            paths = changed_paths(changes)
            if paths:
                report(WatchEvent("changed", paths=paths))
                result = rebuild(project, options, report)
                warm = warm or (result is not None and not result.up_to_date)
            elif not warm:
                warm = _warm(project, options)
                report(READY)
    except KeyboardInterrupt:
        pass
    report(WatchEvent("message", "stopped watching"))


def changed_paths(changes) -> tuple[str, ...]:
    """The paths that changed, less an editor's temporary files (added, then gone again)."""
    from watchfiles import Change

    added = {path for change, path in changes if change == Change.added}
    return tuple(sorted({path for _, path in changes
                         if path not in added or Path(path).exists()}))


def rebuild(project: Project, options: BuildOptions, report: Report) -> BuildResult | None:
    """One build; its result or its error goes to ``report``."""
    try:
        result = build(project, options)
    except (DeckgenError, OSError) as exc:
        report(WatchEvent("failed", error=exc))
        return None
    report(WatchEvent("built", result=result))
    return result


def _warm(project: Project, options: BuildOptions) -> bool:
    """Render once without writing, so the first real rebuild finds everything loaded."""
    try:
        warm_up(project, options)
    except (DeckgenError, OSError):
        pass  # the next save reports it
    return True
