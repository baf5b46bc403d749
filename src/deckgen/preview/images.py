"""A PDF's pages as PNG images for the preview, rendered by pdfium (pypdfium2).

Each page is rasterised, and its pixels hashed; only a page whose pixels are new is encoded,
so a rebuild after a one-paragraph edit encodes the pages that changed and the browser fetches
only those (an image's name is its hash, so it never changes and may be cached).
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass

SCALE = 1.5           # pixels per PDF point: an A4 page is 893 × 1263 px, sharp at 100 % zoom
KEEP = 400            # encoded images kept (the current pages and slides, and older ones)


@dataclass(frozen=True)
class Image:
    """One rendered page: its name (the hash of its pixels) and its size in pixels."""

    key: str
    width: int
    height: int

    def as_dict(self) -> dict:
        return {"key": self.key, "width": self.width, "height": self.height}


class ImageStore:
    """Encoded PNGs by key, shared by the renderers (writers) and the server (readers)."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._images: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._images.get(key)

    def has(self, key: str) -> bool:
        with self._lock:
            return key in self._images

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._images.pop(key, None)
            self._images[key] = data
            while len(self._images) > self.keep:
                del self._images[next(iter(self._images))]


_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one rendering at a time in this process


def render_pages(pdf: bytes, store: ImageStore, scale: float = SCALE) -> list[Image]:
    """Every page of ``pdf``, rendered and (when new) encoded into ``store``."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(pdf)
        try:
            return [_render_page(document[index], store, scale) for index in range(len(document))]
        finally:
            document.close()


def _render_page(page, store: ImageStore, scale: float) -> Image:
    bitmap = page.render(scale=scale)
    try:  # the pixels are hashed where pdfium drew them; only a new page is converted and encoded
        key = hashlib.sha256(bitmap.buffer).hexdigest()[:24]  # SHA-256: fast where the CPU has it
        width, height = bitmap.width, bitmap.height
        if not store.has(key):
            out = io.BytesIO()
            bitmap.to_pil().save(out, format="PNG", compress_level=1)
            store.put(key, out.getvalue())
    finally:
        bitmap.close()
        page.close()
    return Image(key, width, height)
