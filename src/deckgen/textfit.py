"""Measure and wrap text with real font metrics, so slide text is placed only where it fits.

The deck names a font PowerPoint users have (Calibri) and measures with its metric-compatible
free twin (Carlito); CJK characters are measured with the CJK font the deck falls back to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageFont

from .errors import EnvironmentProblem

_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
MEASURE_SIZE = 100  # points; widths scale linearly


@lru_cache(maxsize=None)
def font_path(family: str, bold: bool = False) -> str:
    """The file of an installed font family, via matplotlib's font manager."""
    from matplotlib import font_manager

    props = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
    try:
        return font_manager.findfont(props, fallback_to_default=False)
    except ValueError:
        raise EnvironmentProblem(f"font '{family}' is not installed (run the set-up command)") from None


@lru_cache(maxsize=None)
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, MEASURE_SIZE)


@dataclass(frozen=True)
class Fonts:
    """The measuring fonts: Latin family and CJK family."""

    latin: str
    cjk: str

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Advance width of ``text`` in points at ``size`` points."""
        latin = _font(font_path(self.latin, bold))
        cjk = _font(font_path(self.cjk))
        total = 0.0
        for run, is_cjk in _runs(text):
            total += (cjk if is_cjk else latin).getlength(run)
        return total * size / MEASURE_SIZE


def _runs(text: str):
    """Split text into runs of CJK and non-CJK characters."""
    if not text:
        return
    current = text[0]
    flag = bool(_CJK.match(text[0]))
    for char in text[1:]:
        is_cjk = bool(_CJK.match(char))
        if is_cjk == flag:
            current += char
        else:
            yield current, flag
            current, flag = char, is_cjk
    yield current, flag


def _tokens(text: str) -> list[str]:
    """Breakable pieces: words with their trailing space, and single CJK characters."""
    pieces = re.findall(r"[\u1100-\u11ff\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+\s*|\s+", text)
    return [p for p in pieces if p]


def wrap(text: str, fonts: Fonts, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy line breaking at spaces (and between CJK characters); long words are broken too."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token
        if fonts.width(candidate.rstrip(), size, bold) <= width or not line.strip():
            if fonts.width(candidate.rstrip(), size, bold) > width:
                # a single token wider than the line: break it by characters
                for char in token:
                    if line and fonts.width((line + char).rstrip(), size, bold) > width:
                        lines.append(line.rstrip())
                        line = ""
                    line += char
                continue
            line = candidate
        else:
            lines.append(line.rstrip())
            line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def text_height(paragraphs: list[str], fonts: Fonts, size: float, width: float,
                line_spacing: float = 1.2, space_after: float = 0.5, bold: bool = False) -> float:
    """Height in points of paragraphs set at ``size`` in a box ``width`` points wide."""
    lines = sum(len(wrap(p, fonts, size, width, bold)) for p in paragraphs)
    gaps = max(len(paragraphs) - 1, 0)
    return lines * size * line_spacing + gaps * size * space_after


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]
