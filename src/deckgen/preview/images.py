"""A PDF's pages as PNG images for the preview, rendered by pdfium (pypdfium2).

Each page is rasterised at the width the page shows it (the browser says how wide its column
is; 1.5 pixels a point until it has), and its pixels hashed; only a page whose pixels are new is
encoded, so a rebuild after a one-paragraph edit encodes the pages that changed and the browser
fetches only those (an image's name is its hash, so it never changes and may be cached).

Rasterising and hashing every page is quick (a few milliseconds a page); encoding a PNG is what
costs. So the new pages' names are known, and published, as soon as every page is drawn, and the
new pages are encoded on threads (the first pages first; the encoder leaves the GIL, so a second
core helps): a browser's request for a page still being encoded waits for it, and each page is
shown as soon as it is ready. A name is only ever given to the pixels it hashes: a page is never
shown stale under a new name, nor new under an old one. Each page is hashed on a thread while
pdfium draws the next (both leave the GIL), a fifth of the drawing's time.

The caller may name pages to draw first (the preview: those the last edit changed, where an
author's next save most often lands) and hear of them before the others are drawn.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass

SCALE = 1.5           # pixels per PDF point until the page says how wide it shows a page
MIN_WIDTH, MAX_WIDTH = 200, 3000  # the widths in pixels a page may ask for
KEEP = 400            # encoded images kept (the current pages and slides, and older ones)
WAIT = 30.0           # seconds a request waits for a page being encoded


@dataclass(frozen=True)
class Image:
    """One rendered page: its name (the hash of its pixels) and its size in pixels."""

    key: str
    width: int
    height: int

    def as_dict(self) -> dict:
        return {"key": self.key, "width": self.width, "height": self.height}


class ImageStore:
    """Encoded PNGs by key, shared by the renderers (writers) and the server (readers); a key
    may be *pending* (named, being encoded): a reader waits for it."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._images: dict[str, bytes] = {}
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: str, wait: float = 0.0) -> bytes | None:
        """The image named ``key``; one being encoded is waited for up to ``wait`` seconds."""
        with self._lock:
            data, pending = self._images.get(key), self._pending.get(key)
        if data is None and pending is not None and pending.wait(wait):
            with self._lock:
                data = self._images.get(key)
        return data

    def has(self, key: str) -> bool:
        with self._lock:
            return key in self._images or key in self._pending

    def reserve(self, key: str) -> bool:
        """True when ``key`` is neither stored nor being encoded: the caller encodes it now."""
        with self._lock:
            if key in self._images or key in self._pending:
                return False
            self._pending[key] = threading.Event()
            return True

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._images.pop(key, None)
            self._images[key] = data
            while len(self._images) > self.keep:
                del self._images[next(iter(self._images))]
            pending = self._pending.pop(key, None)
        if pending is not None:
            pending.set()

    def drop(self, key: str) -> None:
        """A reserved key whose encoding failed: its readers are answered (not found)."""
        with self._lock:
            pending = self._pending.pop(key, None)
        if pending is not None:
            pending.set()


PDFIUM = threading.Lock()  # pdfium is not thread-safe: one rendering at a time in this process
_hasher: ThreadPoolExecutor | None = None  # names a drawn page while pdfium draws the next


def warm() -> None:
    """Load pdfium (and PIL's PNG encoder) before the first build needs them."""
    import PIL.PngImagePlugin  # noqa: F401
    import pypdfium2  # noqa: F401


Early = Callable[[int, dict[int, Image]], None]


def render_pages(pdf: bytes, store: ImageStore, scale: float = SCALE, width: int | None = None,
                 encoder: Executor | None = None, first: Sequence[int] = (),
                 early: Early | None = None) -> list[Image]:
    """Every page of ``pdf``, ``width`` pixels wide (else ``scale`` pixels a point), each new one
    encoded into ``store``: on ``encoder``'s threads, in the order drawn, when given (the names
    are returned at once, the images follow), else here.

    The pages ``first`` names (0-based) are drawn before the others, and ``early`` is then
    given the number of pages and those pages' images (by index), while the others are drawn."""
    import pypdfium2 as pdfium

    global _hasher
    with PDFIUM:
        _hasher = _hasher or ThreadPoolExecutor(1, thread_name_prefix="deckgen-preview-hash")
        document = pdfium.PdfDocument(pdf)
        count = len(document)
        ahead = list(dict.fromkeys(i for i in first if 0 <= i < count))
        order = ahead + [i for i in range(count) if i not in ahead]
        images: dict[int, Image] = {}
        drawn: tuple | None = None  # the page drawn last: its index, page, bitmap and naming

        def take(entry: tuple) -> None:
            index, *rest = entry
            images[index] = _named(*rest)

        try:
            for position, index in enumerate(order, 1):
                page = document[index]
                bitmap = page.render(scale=page_scale(page.get_width(), width, scale))
                previous, drawn = drawn, (index, page, bitmap, _hasher.submit(_name, bitmap, store, encoder))
                if previous is not None:
                    take(previous)
                if early is not None and position == len(ahead) < count:
                    last, drawn = drawn, None
                    take(last)
                    early(count, {i: images[i] for i in ahead})
            if drawn is not None:
                last, drawn = drawn, None
                take(last)
            return [images[i] for i in range(count)]
        finally:
            if drawn is not None:  # stopped by an error: the last page's naming is waited for
                _named(*drawn[1:])
            document.close()


def page_scale(page_width: float, width: int | None, scale: float) -> float:
    """Pixels a point that draw a page ``page_width`` points wide ``width`` pixels wide."""
    if width is None or page_width <= 0:
        return scale
    return (min(MAX_WIDTH, max(MIN_WIDTH, width)) - 0.001) / page_width  # pdfium rounds up


def _named(page, bitmap, naming: Future) -> Image:
    """The page's image once its pixels are named; the bitmap and page closed (here, in the
    thread that holds pdfium)."""
    try:
        return naming.result()
    finally:
        bitmap.close()
        page.close()


def _name(bitmap, store: ImageStore, encoder: Executor | None) -> Image:
    """The drawn page named by the hash of its pixels; a new one converted and encoded."""
    size = f"{bitmap.width}x{bitmap.height}:".encode()
    key = hashlib.sha256(size + bitmap.buffer).hexdigest()[:24]  # fast where the CPU has it
    image = Image(key, bitmap.width, bitmap.height)
    if store.reserve(key):
        pixels = bitmap.to_pil()  # a copy (pdfium draws BGR): the bitmap may go now
        if encoder is None:
            _encode(store, key, pixels)
        else:
            encoder.submit(_encode, store, key, pixels)
    return image


def _encode(store: ImageStore, key: str, pixels) -> None:
    try:
        out = io.BytesIO()
        pixels.save(out, format="PNG", compress_level=1)
    except BaseException:
        store.drop(key)
        raise
    store.put(key, out.getvalue())
