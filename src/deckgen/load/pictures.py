"""Pictures from the source (the logo, image figures): decoding cost bounded, then decoded once.

A PNG or JPEG can stay small on disk and still cost minutes to decode: a progressive JPEG
repeats its scans (each one a pass over every pixel), a PNG declares 16-bit colour or splits
itself into countless chunks. So, before a pixel is decoded, the file's structure is walked
(JPEG markers, PNG chunks) and its pixel size, scans and chunks are held to the limits below.
Only then is it decoded (by Pillow), turned upright as its EXIF orientation says, brought down to
the side its use asks for (:data:`RENDERED_SIDE` for the logo) and encoded again: the renderers get
these bytes and never read the file. :mod:`deckgen.load.logo` and :mod:`deckgen.load.picture_figures`
(an ``image`` figure) both read pictures through :func:`prepare_raster`.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from contextlib import contextmanager
from typing import NamedTuple

MAX_PICTURE_BYTES = 2_000_000
MAX_SIDE = 4096                 # pixels, either side
MAX_JPEG_SCANS = 100                 # a progressive JPEG has about ten
# pixels x scans: each scan is a pass over the whole image (about 15 ms for 4096 x 4096 here)
MAX_JPEG_SCAN_PIXELS = 40 * MAX_SIDE * MAX_SIDE
MAX_JPEG_SEGMENTS = 1_000            # markers besides the scans: a JPEG has a few dozen at most
MAX_PNG_CHUNKS = 5_000               # an encoder writes one IDAT chunk per 8 to 64 kB or so
MAX_DECODED_BYTES = 4 * MAX_SIDE * MAX_SIDE  # 8-bit RGBA at the largest size
RENDERED_SIDE = 1600                 # pixels: the logo, 60 mm wide on the cover at over 600 dpi
FIGURE_SIDE = 2400                   # pixels: a figure, the deck's figure area at over 200 dpi
EXPECTED = f"a PNG or JPEG of at most {MAX_SIDE} x {MAX_SIDE} pixels"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type
_JPEG_FRAMES = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}  # start-of-frame markers


class PictureProblem(Exception):
    """What makes an image unusable, worded to follow its file name."""

    def __init__(self, problem: str, expected: str = EXPECTED):
        self.problem, self.expected = problem, expected
        super().__init__(problem)


class Raster(NamedTuple):
    """A picture as the renderers draw it: upright, at most the side asked for, encoded again."""

    data: bytes
    media_type: str  # "image/png" or "image/jpeg"
    width: int  # pixels
    height: int


def prepare_raster(data: bytes, side: int = RENDERED_SIDE) -> Raster:
    """The PNG or JPEG in ``data`` ready for the renderers, at most ``side`` pixels a side;
    PictureProblem if unusable.

    The last few are kept by their content, so a long-lived process (``deckgen watch``)
    decodes a picture again only when it changed."""
    key = (hashlib.sha256(data).digest(), side)
    if key not in _prepared:
        kind = bounded_format(data)
        image = _decoded(data, kind, side)
        try:
            _prepared[key] = _encoded(image, kind, side)
        except _DECODING_ERRORS:
            raise PictureProblem(_UNREADABLE, "save it again from an image editor") from None
        while len(_prepared) > PREPARED_KEPT:
            del _prepared[next(iter(_prepared))]
    return _prepared[key]


PREPARED_KEPT = 8
_prepared: dict[tuple[bytes, int], Raster] = {}


def bounded_format(data: bytes) -> str:
    """"PNG" or "JPEG", once the file's structure shows its decoding cost is within the limits."""
    if data.startswith(_PNG_SIGNATURE):
        _check_png(data)
        return "PNG"
    if data.startswith(b"\xff\xd8"):
        _check_jpeg(data)
        return "JPEG"
    raise PictureProblem("is not a PNG or JPEG image")


def _check_size(width: int, height: int) -> None:
    if width * height > 10 * MAX_SIDE * MAX_SIDE:
        raise PictureProblem("is far too large")
    if not width or not height or width > MAX_SIDE or height > MAX_SIDE:
        raise PictureProblem(f"is {width:,} x {height:,} pixels")


# ---- PNG: chunks ----------------------------------------------------------------------

def _check_png(data: bytes) -> None:
    chunks = list(_png_chunks(data))
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) < 13:
        raise PictureProblem("is not a PNG or JPEG image")
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    _check_size(width, height)
    if len(chunks) > MAX_PNG_CHUNKS:
        raise PictureProblem(f"is a PNG of {len(chunks):,} chunks",
                          f"at most {MAX_PNG_CHUNKS:,}: save it again from an image editor")
    decoded = width * height * _PNG_CHANNELS.get(colour, 4) * max(depth, 8) // 8
    if decoded > MAX_DECODED_BYTES:
        raise PictureProblem(f"would take {decoded:,} bytes once decoded ({depth}-bit colour)",
                          f"at most {MAX_DECODED_BYTES:,}: save it with 8-bit colour or fewer pixels")


def _png_chunks(data: bytes):
    """(type, data) of each chunk up to IEND; a chunk that runs past the end stops the walk."""
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if len(body) < length:
            return
        yield kind, body
        if kind == b"IEND":
            return
        position += 12 + length


# ---- JPEG: markers ----------------------------------------------------------------------

def _check_jpeg(data: bytes) -> None:
    frame, scans, segments = _jpeg_structure(data)
    if segments > MAX_JPEG_SEGMENTS:
        raise PictureProblem(f"is a JPEG of more than {MAX_JPEG_SEGMENTS:,} segments",
                          "save it again from an image editor")
    if frame is None:
        raise PictureProblem("is not a PNG or JPEG image")
    width, height = frame
    _check_size(width, height)
    if scans > MAX_JPEG_SCANS:
        raise PictureProblem(f"is a JPEG of {scans:,} scans",
                          f"at most {MAX_JPEG_SCANS}: save it again as a baseline JPEG")
    if width * height * scans > MAX_JPEG_SCAN_PIXELS:
        raise PictureProblem(f"is a JPEG of {scans:,} scans over {width:,} x {height:,} pixels",
                          f"at most {MAX_JPEG_SCAN_PIXELS:,} pixels in all scans: save it "
                          "again as a baseline JPEG or with fewer pixels")


def _jpeg_structure(data: bytes) -> tuple[tuple[int, int] | None, int, int]:
    """The frame's (width, height), the number of scans and of other segments, read from the
    markers alone; the walk stops past MAX_JPEG_SEGMENTS segments."""
    frame, scans, segments, position = None, 0, 0, 2
    while position < len(data) and segments <= MAX_JPEG_SEGMENTS:
        if data[position] != 0xFF:
            break  # not a marker where one must be: the rest is not JPEG
        while position < len(data) and data[position] == 0xFF:
            position += 1  # fill bytes
        if position + 3 > len(data):
            break
        marker = data[position]
        if marker == 0xD9:  # end of image
            break
        length = int.from_bytes(data[position + 1:position + 3], "big")
        if length < 2:
            return None, scans, segments  # a segment's length counts its own two bytes
        segment = data[position + 3:position + 1 + length]
        position += 1 + length
        if marker in _JPEG_FRAMES and len(segment) >= 5 and frame is None:
            height, width = struct.unpack(">HH", segment[1:5])
            frame = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next marker
            scans += 1
            position = _end_of_entropy_data(data, position)
        else:
            segments += 1
    return frame, scans, segments


def _end_of_entropy_data(data: bytes, position: int) -> int:
    """Where the next marker starts: an 0xFF not followed by 0x00 (a stuffed byte) or a restart."""
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1 if following == 0xFF else 2
            continue
        return position


# ---- decoding once, encoding for the renderers ------------------------------------------

_DECODING_ERRORS = (OSError, ValueError, SyntaxError, struct.error, EOFError, IndexError,
                    KeyError, TypeError)
_UNREADABLE = "is not a PNG or JPEG image that can be read (damaged or cut short)"


def _decoded(data: bytes, kind: str, side: int):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings(), _whole_images_only():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            if kind == "JPEG":
                image.draft(None, (side, side))  # decode at a reduced scale
            image.load()
            return ImageOps.exif_transpose(image)
    except Image.DecompressionBombError:
        raise PictureProblem("is far too large") from None
    except (UnidentifiedImageError, *_DECODING_ERRORS):
        raise PictureProblem(_UNREADABLE, "save it again from an image editor") from None


@contextmanager
def _whole_images_only():
    """Pillow set to refuse a cut-short image: WeasyPrint, once imported, tells it to accept
    them (filling in grey), and a long-lived process (``deckgen watch``) has imported it."""
    from PIL import ImageFile

    before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def _encoded(image, kind: str, side: int) -> Raster:
    """The image at most ``side`` pixels a side, in plain RGB(A): PNG stays PNG (alpha
    kept), JPEG stays JPEG; no metadata but the colour profile."""
    from PIL import Image

    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    profile = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA", "L", "LA", "P") else None
    image = image.convert("RGBA" if alpha and kind == "PNG" else "RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    options = {"icc_profile": profile} if profile else {}
    if kind == "PNG":
        image.save(out, "PNG", compress_level=6, **options)
    else:
        image.save(out, "JPEG", quality=92, **options)
    return Raster(out.getvalue(), "image/png" if kind == "PNG" else "image/jpeg",
                  image.width, image.height)

