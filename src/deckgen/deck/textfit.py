"""Measure and wrap text with real font metrics, so slide text is placed only where it fits.

The deck names a font PowerPoint users have (Calibri) and measures with its metric-compatible
free twin (Carlito); CJK characters (kanji, kana, Hangul) are measured with the CJK font the
deck names for East Asian text. Measuring errs on the safe side wherever the two renderers
(PowerPoint, LibreOffice) may differ:

- punctuation and symbols inside CJK text take the wider of the two fonts (a renderer may set
  them in either);
- a glyph missing from the Latin font is measured in a wide fallback font;
- between a CJK character and a non-CJK one (``2022年``, ``했다.``) a quarter em is added, the
  space LibreOffice puts there ("autospace" of Asian typography);
- a line's height is the tallest of the fonts it uses (CJK lines are taller), and never less
  than the 1.2 em both renderers use for single spacing;
- lines break only where every renderer may break: at spaces, between kanji and kana, and never
  before closing punctuation (。、」) or after opening brackets (「（) — the Japanese rules called
  kinsoku. Korean is broken at spaces only, although renderers may also break between syllables;
  greedy filling with fewer break points never needs fewer lines, so the measure stays safe.

Advances are measured once per character at 100 pt, summed and scaled.

Text that a renderer shapes is measured shaped, with HarfBuzz (through Pillow's Raqm layout):
text with combining marks (accents typed as marks, and stacked "Zalgo" marks) and complex
scripts (Arabic, Hebrew, Devanagari and the other Indic scripts, Thai, Khmer ...). Each run is
shaped in every font a renderer may set it in (the Latin font, and the installed fallbacks that
have its glyphs: the script's Noto font, Noto Sans, DejaVu Sans) and the widest advance and the
tallest ink count. A line of such text is as tall as the tallest font it uses, plus however far
its ink (marks stacked above or below) reaches past that line; :func:`Fonts.ink_overshoot` tells
the writer how far, so it keeps that ink inside the text box. Arabic-script text, when the deck
names a complex-script font for it (``a:cs``, the theme's ``arabic_sans``), is measured in that
font alone, as both renderers set it, and its line is as tall as that font's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from PIL import ImageFont

from ..errors import EnvironmentProblem

# Characters whose text is shaped: combining marks (Unicode category M*, tested per character),
# joiners, and the scripts from Hebrew to Myanmar, Khmer and Mongolian, and Arabic's forms.
_COMPLEX_SCRIPT = re.compile("[\u0590-\u08ff\u0900-\u109f\u1780-\u18af\u200c\u200d"
                             "\ua8e0-\ua8ff\ufb1d-\ufdff\ufe70-\ufeff]")
SHAPING_FALLBACKS = ("Noto Sans", "DejaVu Sans")  # fonts a renderer may fall back to for marks

MEASURE_SIZE = 100  # points; widths scale linearly
SINGLE_SPACING = 1.2  # the least line height (in em) a renderer gives a line at 100 % spacing
AUTOSPACE = 0.25      # em added between CJK and adjacent non-CJK text (LibreOffice adds ~0.24)

# Characters set in the East Asian font: Hangul jamo and syllables, CJK radicals to ideographs
# (kana included), compatibility ideographs, CJK punctuation, full- and half-width forms.
_CJK_CLASS = r"\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK = re.compile(f"[{_CJK_CLASS}]")
# Arabic script: the letters, supplements and presentation forms (set in the a:cs font).
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Characters between which a line may break with no space: all of the above except Hangul,
# which is broken at spaces only (see the module notes).
_BREAK_BETWEEN_CLASS = r"\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKEN = re.compile(f"[{_BREAK_BETWEEN_CLASS}]\\s*|[^\\s{_BREAK_BETWEEN_CLASS}]+\\s*|\\s+")

# Kinsoku: no line starts with these ...
NO_BREAK_BEFORE = set("、。，．・：；？！゛゜ヽヾゝゞ々〻ー）］｝」』】〕〉》〙〗〟’”｠»"
                      "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ%),.!?:;…‥")
# ... and no line ends with these.
NO_BREAK_AFTER = set("（［｛「『【〔〈《〘〖〝‘“｟«([{")


@cache
def font_path(family: str, bold: bool = False) -> str:
    """The file of an installed font family: the one fontconfig gives, as the renderers (WeasyPrint,
    LibreOffice) set it (:mod:`deckgen.deck.fontconfig`), else matplotlib's font manager's."""
    from . import fontconfig

    if fontconfig.available():
        path = fontconfig.match(family, bold)
    else:
        from matplotlib import font_manager

        props = font_manager.FontProperties(family=family, weight="bold" if bold else "normal")
        try:
            path = font_manager.findfont(props, fallback_to_default=False)
        except ValueError:
            path = None
    if path is None:
        raise EnvironmentProblem(f"font '{family}' is not installed (run the set-up command)")
    return path


@cache
def _font(path: str) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, MEASURE_SIZE, layout_engine=ImageFont.Layout.BASIC)


@cache
def _cmap(path: str) -> frozenset[int]:
    """The code points a font file (its first face) has glyphs for."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=True)
    return frozenset(font.getBestCmap() or {})


@cache
def _line_ratio(path: str) -> float:
    """The font's line height (ascent + descent + line gap) in em."""
    return _font(path).font.height / MEASURE_SIZE


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _is_weak(char: str) -> bool:
    """Punctuation, symbols, digits and spaces: a renderer may set them in either font."""
    return not unicodedata.category(char).startswith("L")


@dataclass(frozen=True)
class Fonts:
    """The measuring fonts: Latin family, CJK family, a wide fallback for missing glyphs, and
    the complex-script family the deck names for Arabic-script text ("" when it names none)."""

    latin: str
    cjk: str
    fallback: str = "DejaVu Sans"
    complex: str = ""

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Advance width of ``text`` in points at ``size`` points."""
        return _width(self, text, bold) * size / MEASURE_SIZE

    def line_height(self, line: str, size: float, bold: bool = False) -> float:
        """Height in points of one line at 100 % line spacing: the tallest font it uses, and
        for shaped text the ink reaching past the line (see :meth:`ink_overshoot`)."""
        ratio = self.line_ratio(line, bold)
        if needs_shaping(line):
            above, below = self.ink_overshoot(line, size, bold)
            return ratio * size + above + below
        return ratio * size

    def line_ratio(self, line: str, bold: bool = False) -> float:
        """The line's height in em at single spacing: the tallest font it uses."""
        ratio = self.least_ratio(line, bold)
        if needs_shaping(line):
            ratio = max(ratio, _shaped(self, line, bold).line_ratio)
        return ratio

    def least_ratio(self, line: str, bold: bool = False) -> float:
        """The line's height in em counting only the Latin font (and the CJK font for CJK)."""
        ratio = max(SINGLE_SPACING, _line_ratio(font_path(self.latin, bold)))
        if has_cjk(line):
            ratio = max(ratio, _line_ratio(font_path(self.cjk, bold)))
        if self.sets_complex(line):
            ratio = max(ratio, _line_ratio(font_path(self.complex, bold)))
        return ratio

    def sets_complex(self, text: str) -> bool:
        """Whether part of ``text`` may be set in the deck's complex-script font: its Arabic
        letters, and the digits, spaces and punctuation before its first letter (LibreOffice
        sets "2021" in a right-to-left paragraph in that font, its line as tall as the font's)."""
        if not self.complex:
            return False
        return bool(_ARABIC.search(text)) or not text[:1].isalpha()

    def ink_overshoot(self, text: str, size: float, bold: bool = False) -> tuple[float, float]:
        """How far (points above, points below) the shaped ink of ``text`` reaches past the
        box of a line of it, taken at its least height (:meth:`least_ratio`); (0, 0) for text
        that needs no shaping. Wrapped onto several lines, no line's ink reaches further, so a
        writer that pads a text box by these keeps every line's ink inside it."""
        if not needs_shaping(text):
            return 0.0, 0.0
        shaped = _shaped(self, text, bold)
        descent = _descent(font_path(self.latin, bold))
        if self.sets_complex(text):
            descent = max(descent, _descent(font_path(self.complex, bold)))
        ascent = self.least_ratio(text, bold) * MEASURE_SIZE - descent
        scale = size / MEASURE_SIZE
        return max(shaped.ink_top - ascent, 0.0) * scale, max(shaped.ink_bottom - descent, 0.0) * scale

    def paths(self, bold: bool) -> tuple[str, str, str]:
        return font_path(self.latin, bold), font_path(self.cjk, bold), font_path(self.fallback, bold)


@lru_cache(maxsize=200_000)
def _width(fonts: Fonts, text: str, bold: bool) -> float:
    """Width at MEASURE_SIZE: the sum of each character's advance in the font a renderer would
    (or might) use, plus the autospace. Pair kerning, which renderers may apply and which almost
    always tightens text, is left out: the sum errs on the wide side."""
    mixed = has_cjk(text)
    if needs_shaping(text):
        total = _shaped(fonts, text, bold).advance
    else:
        total = sum(_advance(fonts, char, bold, mixed) for char in text)
    return total + _autospaces(text) * AUTOSPACE * MEASURE_SIZE if mixed else total


# ---- shaped text -------------------------------------------------------------------------------

@lru_cache(maxsize=200_000)
def needs_shaping(text: str) -> bool:
    """Whether a renderer shapes ``text`` (marks, joiners, complex scripts) rather than setting
    its characters side by side."""
    return bool(_COMPLEX_SCRIPT.search(text)) or any(unicodedata.category(c)[0] == "M" for c in text)


@dataclass(frozen=True)
class Shaped:
    """Shaped text at MEASURE_SIZE: its advance, how far its ink reaches above and below the
    baseline, and the height in em of the tallest font it is set in."""

    advance: float = 0.0
    ink_top: float = 0.0
    ink_bottom: float = 0.0
    line_ratio: float = 0.0

    def then(self, other: Shaped) -> Shaped:
        return Shaped(self.advance + other.advance, max(self.ink_top, other.ink_top),
                      max(self.ink_bottom, other.ink_bottom), max(self.line_ratio, other.line_ratio))


@lru_cache(maxsize=20_000)
def _shaped(fonts: Fonts, text: str, bold: bool) -> Shaped:
    """``text`` shaped run by run: each run (clusters a renderer sets in the same fonts) in each
    of its possible fonts, the widest and tallest result kept."""
    total = Shaped()
    for run, paths in _runs(fonts, text, bold):
        total = total.then(_shaped_run(run, paths))
    return total


@lru_cache(maxsize=50_000)
def _shaped_run(run: str, paths: tuple[str, ...]) -> Shaped:
    best = Shaped()
    for path in paths:
        font = _shaping_font(path)
        _, top, _, bottom = font.getbbox(run, anchor="ls")
        best = Shaped(max(best.advance, font.getlength(run)), max(best.ink_top, -top),
                      max(best.ink_bottom, bottom), max(best.line_ratio, _line_ratio(path)))
    return best


def _runs(fonts: Fonts, text: str, bold: bool) -> list[tuple[str, tuple[str, ...]]]:
    """``text`` cut into runs of clusters (a character and the marks after it) that share the
    fonts a renderer may set them in."""
    runs: list[tuple[str, tuple[str, ...]]] = []
    for cluster in _clusters(text):
        paths = _cluster_fonts(fonts, cluster, bold)
        if runs and runs[-1][1] == paths:
            runs[-1] = (runs[-1][0] + cluster, paths)
        else:
            runs.append((cluster, paths))
    return runs


def _clusters(text: str) -> list[str]:
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.category(char)[0] == "M":
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _cluster_fonts(fonts: Fonts, cluster: str, bold: bool) -> tuple[str, ...]:
    """The fonts a renderer may set ``cluster`` in: the CJK font for CJK; the Latin font when it
    has every glyph; and, for marks or glyphs the Latin font lacks, every fallback that has them."""
    latin, cjk, _ = fonts.paths(bold)
    if is_cjk(cluster[0]):
        return (cjk,)
    if fonts.complex and _ARABIC.match(cluster[0]):
        complex_path = font_path(fonts.complex, bold)
        if all(ord(c) in _cmap(complex_path) for c in cluster):
            return (complex_path,)
    codes = [ord(c) for c in cluster]
    has_all = all(code in _cmap(latin) for code in codes)
    if has_all and len(cluster) == 1 and not _COMPLEX_SCRIPT.match(cluster):
        return (latin,)
    found = [path for path in _fallback_paths(cluster[0], bold) if all(c in _cmap(path) for c in codes)]
    paths = ([latin] if has_all else []) + found
    return tuple(paths) or (latin, *_fallback_paths(cluster[0], bold)[-1:])


@cache
def _fallback_paths(char: str, bold: bool) -> tuple[str, ...]:
    """The installed fonts a renderer may fall back to for ``char``: the Noto font named after
    its script (Noto Sans Devanagari for a Devanagari letter), then the general fallbacks."""
    script = unicodedata.name(char, "").split(" ")[0].title()
    paths: list[str] = []
    for family in (f"Noto Sans {script}", *SHAPING_FALLBACKS):
        try:
            path = font_path(family, bold)
        except EnvironmentProblem:
            continue
        if path not in paths:
            paths.append(path)
    return tuple(paths)


@cache
def _shaping_font(path: str) -> ImageFont.FreeTypeFont:
    """``path`` at MEASURE_SIZE, shaped by HarfBuzz; without Raqm, Pillow would silently set
    marks side by side, so that is an EnvironmentProblem."""
    from PIL import features

    if not features.check("raqm"):
        raise EnvironmentProblem("measuring text with combining marks or complex scripts needs "
                                 "Pillow's Raqm layout, which loads FriBiDi (install libfribidi0: "
                                 "run the set-up command)")
    return ImageFont.truetype(path, MEASURE_SIZE, layout_engine=ImageFont.Layout.RAQM)


@cache
def _descent(path: str) -> float:
    return float(_font(path).getmetrics()[1])


@cache
def _advance(fonts: Fonts, char: str, bold: bool, mixed: bool) -> float:
    """One character's advance at MEASURE_SIZE; ``mixed`` when its text holds CJK."""
    latin_path, cjk_path, fallback_path = fonts.paths(bold)
    latin_glyphs = _cmap(latin_path)
    script = _script(char, mixed, latin_glyphs)
    if script == "cjk":
        return _font(cjk_path).getlength(char)
    latin = _font(latin_path).getlength(char) if ord(char) in latin_glyphs else None
    if script == "weak":
        return max(latin if latin is not None else _font(fallback_path).getlength(char),
                   _font(cjk_path).getlength(char), _complex_advance(fonts, char, bold))
    if script == "missing":
        return max(_font(fallback_path).getlength(char), _font(cjk_path).getlength(char))
    if _is_weak(char):
        return max(latin, _complex_advance(fonts, char, bold))
    return latin


def _complex_advance(fonts: Fonts, char: str, bold: bool) -> float:
    """``char``'s advance in the complex-script font, which may set digits, spaces and
    punctuation in an Arabic deck; 0 when the deck names none or it lacks the glyph."""
    if not fonts.complex:
        return 0.0
    path = font_path(fonts.complex, bold)
    return _font(path).getlength(char) if ord(char) in _cmap(path) else 0.0


def _script(char: str, mixed: bool, latin_glyphs: frozenset[int]) -> str:
    if is_cjk(char):
        return "cjk"
    if mixed and _is_weak(char):
        return "weak"
    if ord(char) not in latin_glyphs:
        return "missing"
    return "latin"


def _autospaces(text: str) -> int:
    """How many CJK / non-CJK boundaries without a space ``text`` has."""
    count = 0
    for left, right in pairwise(text):
        if left.isspace() or right.isspace():
            continue
        if is_cjk(left) != is_cjk(right):
            count += 1
    return count


def tokens(text: str) -> list[str]:
    """Unbreakable pieces whose concatenation is ``text``: words with their trailing spaces,
    and single kanji or kana, glued to neighbouring punctuation by the kinsoku rules."""
    pieces = _TOKEN.findall(text)
    merged: list[str] = []
    for piece in pieces:
        if merged and (piece[0] in NO_BREAK_BEFORE or merged[-1].rstrip()[-1:] in NO_BREAK_AFTER
                       or not merged[-1].strip()):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def wrap_raw(text: str, fonts: Fonts, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy line breaking; the lines keep their trailing spaces, so ``"".join`` gives ``text``.
    A token wider than a whole line is broken between characters."""
    return list(_wrap_raw(text, fonts, float(size), float(width), bold))


@lru_cache(maxsize=50_000)
def _wrap_raw(text: str, fonts: Fonts, size: float, width: float, bold: bool) -> tuple[str, ...]:
    lines: list[str] = []
    line = ""
    for token in tokens(text):
        if fonts.width((line + token).rstrip(), size, bold) <= width:
            line += token
            continue
        if line:
            lines.append(line)
            line = ""
        if fonts.width(token.rstrip(), size, bold) <= width:
            line = token
            continue
        for char in token:  # a single token wider than the line
            if line.strip() and fonts.width((line + char).rstrip(), size, bold) > width:
                lines.append(line)
                line = ""
            line += char
    if line or not lines:
        lines.append(line)
    return tuple(lines)


def wrap(text: str, fonts: Fonts, size: float, width: float, bold: bool = False) -> list[str]:
    """The lines ``text`` takes in a box ``width`` points wide, trailing spaces removed."""
    return [line.rstrip() for line in wrap_raw(text, fonts, size, width, bold)] or [""]


def lines_height(lines: list[str], fonts: Fonts, size: float, bold: bool = False,
                 spacing: float = 1.0) -> float:
    """Height in points of lines set one below the other at ``spacing`` times single spacing."""
    return sum(fonts.line_height(line, size, bold) * spacing for line in lines)
