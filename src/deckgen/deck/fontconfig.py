"""The file of an installed font family, asked of the system's fontconfig library directly.

Measuring text (the deck's boxes, the PDF's running headers) needs only a font's file; asking
fontconfig for it costs a few milliseconds, where matplotlib's font manager would be imported
(half a second) and its font list read. :func:`match` returns the file fontconfig gives for a
family at a weight, or None when the best match is another family (the family is not
installed); :func:`available` is False where the library cannot be loaded (no fontconfig: the
caller falls back to matplotlib's font manager).

Only the family's own faces count: fontconfig would otherwise give its default substitute
(DejaVu Sans, say) for a family that is missing, and text would be measured in the wrong font.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import cache

_MATCH = 0                   # FcResultMatch
_MATCH_PATTERN = 0           # FcMatchPattern
_WEIGHTS = {False: 80, True: 200}  # FC_WEIGHT_REGULAR, FC_WEIGHT_BOLD
_ROMAN = 0                   # FC_SLANT_ROMAN
_lock = threading.Lock()     # fontconfig's default configuration is shared process-wide
_NAMES = ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll",
          lambda: ctypes.util.find_library("fontconfig"))


@cache
def _library():
    """libfontconfig, its functions typed, or None where it cannot be loaded."""
    lib = None
    for name in _NAMES:  # find_library would run ldconfig or a compiler: tried last
        try:
            lib = ctypes.CDLL(name() if callable(name) else name)
            break
        except (OSError, TypeError):
            continue
    if lib is None:
        return None
    p, c = ctypes.c_void_p, ctypes.c_char_p
    signatures = {
        "FcInit": ([], ctypes.c_int),
        "FcPatternCreate": ([], p),
        "FcPatternDestroy": ([p], None),
        "FcPatternAddString": ([p, c, c], ctypes.c_int),
        "FcPatternAddInteger": ([p, c, ctypes.c_int], ctypes.c_int),
        "FcConfigSubstitute": ([p, p, ctypes.c_int], ctypes.c_int),
        "FcDefaultSubstitute": ([p], None),
        "FcFontMatch": ([p, p, ctypes.POINTER(ctypes.c_int)], p),
        "FcPatternGetString": ([p, c, ctypes.c_int, ctypes.POINTER(c)], ctypes.c_int),
    }
    try:
        for function, (arguments, result) in signatures.items():
            getattr(lib, function).argtypes = arguments
            getattr(lib, function).restype = result
    except AttributeError:
        return None
    if not lib.FcInit():
        return None
    return lib


def available() -> bool:
    return _library() is not None


def match(family: str, bold: bool = False) -> str | None:
    """The file fontconfig sets ``family`` in (regular or bold, upright), or None when the
    family is not installed. Call only when :func:`available`."""
    lib = _library()
    with _lock:
        pattern = lib.FcPatternCreate()
        found = None
        try:
            lib.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
            lib.FcPatternAddInteger(pattern, b"weight", _WEIGHTS[bool(bold)])
            lib.FcPatternAddInteger(pattern, b"slant", _ROMAN)
            lib.FcConfigSubstitute(None, pattern, _MATCH_PATTERN)
            lib.FcDefaultSubstitute(pattern)
            result = ctypes.c_int()
            found = lib.FcFontMatch(None, pattern, ctypes.byref(result))
            if not found or result.value != _MATCH:
                return None
            if family.casefold() not in {name.casefold() for name in _strings(lib, found, b"family")}:
                return None
            files = _strings(lib, found, b"file")
            return files[0] if files else None
        finally:
            lib.FcPatternDestroy(pattern)
            if found:
                lib.FcPatternDestroy(found)


def _strings(lib, pattern, key: bytes) -> list[str]:
    """Every value of the string property ``key`` of ``pattern``."""
    values, text = [], ctypes.c_char_p()
    while lib.FcPatternGetString(pattern, key, len(values), ctypes.byref(text)) == _MATCH:
        values.append(text.value.decode("utf-8", "replace"))
    return values
