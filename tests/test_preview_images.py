"""A page the preview has just drawn is served at once, uncompressed, and as a PNG of the very
same pixels once its encoder is done: a browser's first request never waits for the encoder."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from deckgen.build.options import BuildOptions
from deckgen.build.pipeline import build
from deckgen.preview.images import ImageStore, image_type, render_pages


class HeldEncoder:
    """An executor that runs nothing until told to."""

    def __init__(self):
        self.jobs = []

    def submit(self, function, *args):
        self.jobs.append((function, args))

    def run(self):
        for function, args in self.jobs:
            function(*args)


def pixels(data: bytes) -> bytes:
    return PILImage.open(io.BytesIO(data)).convert("RGB").tobytes()


def test_a_new_page_is_served_uncompressed_until_its_png_is_ready(make_project, minimal_files):
    pdf = build(make_project(minimal_files), BuildOptions(formats=("pdf",))).outputs["pdf"].read_bytes()
    store, encoder = ImageStore(), HeldEncoder()
    pages = render_pages(pdf, store, width=300, encoder=encoder)
    assert len(encoder.jobs) == len({page.key for page in pages}) > 1
    first = {page.key: store.get(page.key) for page in pages}
    assert all(image_type(data) == "image/bmp" for data in first.values())
    encoder.run()
    for page in pages:
        png = store.get(page.key)
        assert image_type(png) == "image/png" and png.startswith(b"\x89PNG")
        assert PILImage.open(io.BytesIO(png)).size == (page.width, page.height)
        assert pixels(png) == pixels(first[page.key])  # the same pixels either way


def test_slides_drawn_without_an_encoder_are_pngs_at_once(make_project, minimal_files):
    pdf = build(make_project(minimal_files), BuildOptions(formats=("pdf",))).outputs["pdf"].read_bytes()
    store = ImageStore()
    for page in render_pages(pdf, store, scale=0.5):
        assert image_type(store.get(page.key)) == "image/png"
