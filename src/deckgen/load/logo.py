"""The brief's logo: read like every picture (:mod:`deckgen.load.pictures`: decoding cost bounded
from the file's structure, then decoded once), at most :data:`RENDERED_SIDE` pixels a side."""

from __future__ import annotations

from .. import model as m
from .pictures import MAX_PICTURE_BYTES, RENDERED_SIDE, PictureProblem, prepare_raster

MAX_LOGO_BYTES = MAX_PICTURE_BYTES
LogoProblem = PictureProblem  # what makes an image unusable as a logo


def prepare_logo(data: bytes, name: str) -> m.Logo:
    """The logo in ``data`` (the file ``name``) ready for the renderers; LogoProblem if unusable."""
    raster = prepare_raster(data, RENDERED_SIDE)
    return m.Logo(name, raster.data, raster.media_type, raster.width, raster.height)
