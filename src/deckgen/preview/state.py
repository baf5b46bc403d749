"""What the preview page shows, as one JSON-able state with a version, and waiting for a change.

The watch's thread and the slide renderer write it; every open page's event stream reads it
and is woken by each change (:meth:`State.wait`).
"""

from __future__ import annotations

import copy
import threading
import time


class State:
    """The page's state: ``pages`` and ``slides`` (image dicts), ``errors``, ``status``..."""

    def __init__(self, **initial):
        self._data = {"version": 0, "pages": [], "slides": [], "slides_note": "", "errors": [],
                      "status": "starting", "busy": True, **initial}
        self._changed = threading.Condition()
        self._closed = False

    def update(self, **changes) -> None:
        with self._changed:
            self._data.update(changes)
            self._data["version"] += 1
            self._data["updated"] = time.time()
            self._changed.notify_all()

    def snapshot(self) -> dict:
        with self._changed:
            return copy.deepcopy(self._data)

    def get(self, name: str):
        with self._changed:
            return copy.deepcopy(self._data[name])

    def wait(self, after: int, timeout: float) -> dict | None:
        """The state once its version is past ``after``; None on timeout or when closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._data["version"] > after, timeout)
            if self._closed or self._data["version"] <= after:
                return None
            return copy.deepcopy(self._data)

    def close(self) -> None:
        """Wake every waiting stream for good."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
