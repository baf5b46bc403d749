"""The watch tests' timeout, an edit of the example's prose, and a cold build to compare the watch with."""

from __future__ import annotations

from pathlib import Path

from helpers import python

TIMEOUT = 90  # seconds; a slow CI machine renders the warm-up and two rebuilds within it
# a sentence of the example's economy section, and its edited wording
WORDING = ("Commerce is among the firmest anchors", "Commerce remains among the firmest anchors")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cold_build(root: Path) -> dict[str, bytes]:
    python("from deckgen.cli import entry_point; entry_point()", "build", "--force", "--quiet", str(root))
    return {path.suffix: path.read_bytes() for path in (root / "build").glob("*.p*")}
