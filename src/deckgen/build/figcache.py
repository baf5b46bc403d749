"""The figure cache in ``build/.deckgen-cache/figures/``: figure SVG/PNG bytes by content.

A figure is keyed by what is drawn (the fields its model declares drawn, not its number,
title, caption, alt text, source or place), the theme, the format and a salt (deckgen's code
and the renderers' environment), so that editing prose redraws no figure.
"""

from __future__ import annotations

import json

from .buildfs import Folder
from .keys import hash_parts
from .options import FigureStats


class FigureCache:
    """Figure SVG/PNG bytes keyed by the figure's content, the theme, the format and ``salt``.

    Safe without the lock (``deckgen watch`` warms up with it): files are written whole, through
    temporaries in the figures folder itself, which a build's clean-up of ``tmp/`` never touches;
    a link there is never read, only replaced."""

    def __init__(self, folder: Folder, salt: str):
        self.folder = folder
        self.salt = salt
        self.hits = 0
        self.rendered = 0
        self.used: set[str] = set()

    def get(self, figure, theme, fmt: str, render) -> bytes:
        """The cached bytes for ``figure`` as ``fmt``, else ``render()``'s, stored for next time."""
        name = f"{figure.id}-{self.key(figure, theme, fmt)[:32]}.{fmt}"
        self.used.add(name)
        data = self.folder.read(name, touch=True)
        if data is not None:
            self.hits += 1
            return data
        data = render()
        self.rendered += 1
        self.folder.write(name, data)
        return data

    def key(self, figure, theme, fmt: str) -> str:
        # only what is drawn (Figure.DRAWN): not its number, title, caption, alt text, source or place
        content = figure.drawn_content()
        look = json.dumps([theme.colours, theme.fonts, theme.sizes], sort_keys=True, default=str)
        return hash_parts([self.salt, fmt, look, content])

    def stats(self) -> FigureStats:
        return FigureStats(self.hits, self.rendered)
