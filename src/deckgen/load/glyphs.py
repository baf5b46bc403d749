"""Characters no installed font can draw: a warning naming each one, its file and line.

The PDF and the figures fall back from the theme's fonts to any installed font, glyph by glyph
(fontconfig through Pango and matplotlib), so a character is drawn if some installed font has
it; if none has, it prints as an empty box and the PDF's text loses it. What the installed fonts
cover is asked of fontconfig once per process (``fc-list``: every font's character set, about
25 ms, and as long again to merge the ranges, each distinct range once) and kept; only characters
outside plain ASCII are looked up, each once per load.
Characters that need no glyph of their own (spaces, joiners, variation selectors, other format
characters) are not checked. Without fontconfig nothing is checked: the renderers could not say
either.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata

from ..errors import Collector, Loc

FC_LIST_SECONDS = 20
MAX_WARNINGS = 20  # characters reported (each once a file); then one line says how many more
_NO_GLYPH_NEEDED = {"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"}

_coverage: tuple[list[int], list[int]] | None = None  # sorted range starts and ends, inclusive
_checked: dict[str, bool] = {}


def installed_coverage() -> tuple[list[int], list[int]] | None:
    """The code points some installed font has, as sorted merged ranges; None: unknown."""
    global _coverage
    if _coverage is None:
        ranges = _fc_ranges()
        if ranges is None:
            return None
        starts, ends = [], []
        for start, end in sorted(ranges):
            if starts and start <= ends[-1] + 1:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        _coverage = (starts, ends)
    return _coverage


def _fc_ranges() -> list[tuple[int, int]] | None:
    """The ranges fontconfig lists, each once (the fonts share most of them: the example's
    machine lists 72,500 ranges, 4,100 of them distinct)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, "--format", "%{charset}\n"], capture_output=True, text=True,
                             timeout=FC_LIST_SECONDS, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = []
    for token in set(out.split()):
        low, _, high = token.partition("-")
        try:
            ranges.append((int(low, 16), int(high or low, 16)))
        except ValueError:
            continue
    return ranges or None


def has_glyph(char: str) -> bool:
    """Some installed font draws ``char`` (or it needs no glyph, or coverage is unknown)."""
    if char not in _checked:
        coverage = installed_coverage()
        if coverage is None or unicodedata.category(char) in _NO_GLYPH_NEEDED or \
                0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
            _checked[char] = True
        else:
            starts, ends = coverage
            index = bisect.bisect_right(starts, ord(char)) - 1
            _checked[char] = index >= 0 and ord(char) <= ends[index]
    return _checked[char]


def check_glyphs(texts: dict[str, str], problems: Collector) -> None:
    """A warning for each character in ``texts`` ({file: text read}) that no installed font
    has, at its first place in each file; at most :data:`MAX_WARNINGS`, then a count of the rest."""
    found: list[tuple[Loc, str]] = []
    for file, text in texts.items():
        if not text.isascii():
            found += [(_first_place(text, char, file), char) for char in set(text)
                      if ord(char) > 0x7F and not has_glyph(char)]
    found.sort()
    for loc, char in found[:MAX_WARNINGS]:
        name = unicodedata.name(char, "unnamed character")
        problems.warn(loc, f"no installed font has the character U+{ord(char):04X} {name} "
                      f"({char}): it would print as an empty box",
                      expected="install a font that has it, or write it another way")
    if len(found) > MAX_WARNINGS:
        problems.warn(found[MAX_WARNINGS][0], f"{len(found) - MAX_WARNINGS:,} more characters no "
                      "installed font has")


def _first_place(text: str, char: str, file: str) -> Loc:
    index = text.index(char)
    line = text.count("\n", 0, index) + 1
    return Loc(file, line, index - (text.rfind("\n", 0, index) + 1) + 1)
