"""``deckgen watch`` lays the float pass's first two layouts out at once, and writes exactly what a
cold ``build --force`` of the same source writes, whatever was edited before.

After an edit that leaves the float pass's remedy as it was, the layout of the previous remedy,
made beside the plain one, is the one written (counted as "taken"); after an edit that changes
the remedy (here: to none), it is not used ("missed"), and the pass goes on as a cold build does;
after a build without a remedy there is nothing to guess ("cold").
"""

from __future__ import annotations

import shutil
from pathlib import Path

from deckgen.pdf import speculation
from deckgen.watch import watch
from helpers import Watcher, copy_example
from watch_support import TIMEOUT, WORDING, cold_build, edit

LONG = ("Trade and investment ties between the two economies have deepened for decades, and "
        "supply chains now cross the strait in both directions. ") * 9 + "\n\n"


def outputs(root: Path) -> dict[str, bytes]:
    return {path.suffix: path.read_bytes() for path in (root / "build").glob("*.p*")}


def test_watch_rebuilds_equal_cold_builds_and_reuse_the_previous_remedy(tmp_path):
    project = copy_example(tmp_path / "watched")
    economy = project.source / "sections" / "economy.md"
    steps = [  # an edit, and what the speculation should have done with it
        (lambda: edit(economy, *WORDING), "taken"),  # the remedy stays
        (lambda: edit(economy, WORDING[1], LONG + WORDING[1]), "missed"),  # no hole left: none
        (lambda: edit(economy, LONG, ""), "cold"),  # nothing to guess from
        (lambda: edit(economy, *WORDING[::-1]), "taken"),
    ]
    watched, seen = [], []
    with Watcher(watch, project, TIMEOUT) as watcher:
        assert watcher.next("built", "failed").result is not None
        for change, _ in steps:
            before = dict(speculation.counts)
            change()
            rebuilt = watcher.next("built", "failed").result
            assert rebuilt is not None, "the rebuild failed"
            assert rebuilt.cache["outputs"] == {"pdf": "built", "pptx": "built"}
            after = speculation.counts
            seen.append(sorted(k for k in after if after[k] != before.get(k, 0)))
            watched.append((outputs(project.root), _snapshot(project.source, tmp_path / f"s{len(watched)}")))
    assert seen == [[expected] for _, expected in steps]
    for pdf_and_deck, source in watched:
        built = cold_build(source.parent)
        assert set(pdf_and_deck) == set(built) == {".pdf", ".pptx"}
        assert pdf_and_deck[".pdf"] == built[".pdf"]
        assert pdf_and_deck[".pptx"] == built[".pptx"]


def _snapshot(source: Path, root: Path) -> Path:
    shutil.copytree(source, root / "source")
    return root / "source"


def test_a_guess_taken_has_its_html_written_once(tmp_path, monkeypatch):
    from deckgen.pdf import document

    project = copy_example(tmp_path / "watched")
    real = document.render_html
    written: list[object] = []

    def render_html(*args, **kwargs):
        written.append(kwargs.get("placement", args[6] if len(args) > 6 else None))
        return real(*args, **kwargs)

    monkeypatch.setattr(document, "render_html", render_html)
    with Watcher(watch, project, TIMEOUT) as watcher:
        assert watcher.next("built", "failed").result is not None
        while not watcher.next("message").message.startswith("ready"):
            pass
        taken = speculation.counts["taken"]
        written.clear()
        edit(project.source / "sections" / "economy.md", *WORDING)
        assert watcher.next("built", "failed").result is not None
    assert speculation.counts["taken"] == taken + 1
    assert len(written) == 2  # the plain HTML and the guess's, which is the remedy's too
    assert written[0] is None and written[1] is not None
