"""An ``image`` figure's picture for the deck: a PNG or JPEG as the loader prepared it, an SVG
rasterised by resvg to a high-resolution PNG.

The PDF draws the loader's bytes as they are (an SVG stays vector); PowerPoint cannot hold an
SVG that every client shows, so the deck gets a PNG sized to where it is placed: the picture
fitted into the slide's figure area (:data:`~deckgen.figures.drawing.DECK_SIZE`) at
:data:`DECK_PICTURE_DPI`. The SVG was sanitised by the loader (:mod:`deckgen.load.svg`): nothing
in it refers to a file, so resvg is given no folder to read, and the theme's fonts by name.
"""

from __future__ import annotations

import base64

from .. import model as m
from ..theme import Theme

DECK_PICTURE_DPI = 300  # as placed on the slide (the deck's pictures need at least 200)


def render_picture_png(figure: m.Figure, theme: Theme) -> bytes:
    """The figure's picture as the deck places it: PNG or JPEG bytes."""
    picture = figure.picture
    if not picture.vector:
        return picture.data
    import resvg_py

    width, height = deck_pixels(picture)
    png = resvg_py.svg_to_bytes(svg_string=picture.data.decode("utf-8"), font_family=theme.fonts["sans"],
                                sans_serif_family=theme.fonts["sans"],
                                serif_family=theme.fonts["serif"], width=width, height=height)
    return bytes(png)


def deck_pixels(picture: m.Picture) -> tuple[int, int]:
    """The pixels of the deck's PNG of ``picture``: its shape fitted into the figure area, at
    :data:`DECK_PICTURE_DPI`."""
    from .drawing import DECK_SIZE

    area_w, area_h = DECK_SIZE
    scale = min(area_w / picture.width, area_h / picture.height) * DECK_PICTURE_DPI
    return max(1, round(picture.width * scale)), max(1, round(picture.height * scale))


def picture_svg(figure: m.Figure) -> bytes:
    """The figure's picture as SVG: an SVG as the loader cleaned it, a PNG or JPEG inside one."""
    picture = figure.picture
    if picture.vector:
        return picture.data
    encoded = base64.b64encode(picture.data).decode("ascii")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {picture.width} {picture.height}">'
            f'<image width="{picture.width}" height="{picture.height}" '
            f'href="data:{picture.media_type};base64,{encoded}"/></svg>').encode()
