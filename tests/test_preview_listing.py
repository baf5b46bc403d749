"""``deckgen preview`` of a collection follows its ``deckgen.yaml``: a brief it comes to list is
offered on the page, a broken file is shown located beside the brief's own problems while the
briefs listed before stay offered, and when the brief shown is no longer listed the collection's
first is shown and built."""

from __future__ import annotations

import threading
import time

from deckgen.build.options import BuildOptions
from deckgen.preview.choices import Choice, target
from deckgen.preview.session import Preview
from helpers import make_collection

TIMEOUT = 240.0


def wait_until(session: Preview, what: str, test) -> dict:
    """The preview's state once ``test(state)`` holds (within TIMEOUT)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        state = session.state.snapshot()
        if test(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"no {what} within {TIMEOUT} s; state: {session.state.snapshot()}")


def built(name: str):
    def test(state: dict) -> bool:
        return (not state["busy"] and bool(state["pages"]) and state["choices"].get("brief") == name
                and state["status"].startswith(("built", "up to date")))
    return test


def test_the_preview_of_a_collection_follows_what_deckgen_yaml_lists(tmp_path):
    root = make_collection(tmp_path / "many", ["alpha", "beta", "gamma"])
    (root / "deckgen.yaml").write_text("briefs:\n  - alpha\n  - beta\n")
    where, shown = target(root)
    messages: list[str] = []
    session = Preview(where.project(shown), BuildOptions(), target=where, choice=Choice(shown),
                      echo=lambda event: messages.append(event.message))
    stop = threading.Event()
    thread = threading.Thread(target=session.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_until(session, "alpha's pages", built("alpha"))

        (root / "deckgen.yaml").write_text("briefs:\n  - alpha\n  - beta\n  - gamma\n")
        state = wait_until(session, "gamma offered", lambda s: s["choices"]["briefs"] == ["alpha", "beta", "gamma"])
        assert state["choices"]["brief"] == "alpha"
        assert "deckgen.yaml changed: added gamma" in messages

        (root / "deckgen.yaml").write_text("briefs:\n  - alpha\n  - delta\n")
        state = wait_until(session, "deckgen.yaml's problem", lambda s: any(
            e["file"].endswith("deckgen.yaml") for e in s["errors"]))
        problem, = [e for e in state["errors"] if e["file"].endswith("deckgen.yaml")]
        assert (problem["where"], problem["line"]) == ("deckgen.yaml:3:5", 3)
        assert "delta" in problem["message"] and not problem["warning"]
        assert state["choices"]["briefs"] == ["alpha", "beta", "gamma"]  # still what was listed

        (root / "deckgen.yaml").write_text("briefs:\n  - beta\n  - gamma\n")
        state = wait_until(session, "beta shown, alpha gone", built("beta"))
        assert state["choices"]["briefs"] == ["beta", "gamma"]
        assert not any(e["file"].endswith("deckgen.yaml") for e in state["errors"])
        assert session.project.root == root / "beta"
        assert (root / "beta" / "build" / "brief-beta.pdf").is_file()
        assert "deckgen.yaml changed: no longer watched: alpha; showing beta" in messages
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()
