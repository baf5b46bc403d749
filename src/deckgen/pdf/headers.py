"""Running headers on one line: the brief's and each section's short title, or its title
shortened with "…".

The section's header box (``@top-right`` in ``brief.css``: its number and title) is 8 pt sans
and takes a fixed share of the text width. A title that does not fit it on one line is
shortened at a word with an ellipsis (so is the brief's short title, or its title, in the
left box of 44 %), measured
with the theme's fonts (:mod:`deckgen.deck.textfit`) against the narrower paper's measure (A4),
so a brief reads the same on either paper; each shortening is a warning at the ``title:`` (or
``short_title:``) line to change, saying that a ``short_title:`` would avoid it.

The text reaches the headers as CSS (:func:`header_css`): a ``string-set`` for each section
whose running title is not its heading's text, set by id, and for the cover's title when the
brief's is shortened, by a more specific selector than the stylesheet's, so both override the
stylesheet's in a project's own templates too.
"""

from __future__ import annotations

from .. import model as m
from ..errors import EnvironmentProblem, Problem
from ..theme import Theme

HEADER_PT = 8.0
TEXT_WIDTH_PT = (210 - 44) / 25.4 * 72   # A4 less the page's side margins (brief.css)
SECTION_SHARE = 0.54                     # the section header box's width (brief.css)
BRIEF_SHARE = 0.44                       # the brief's header box's width (brief.css)
NUMBER_RESERVE = "00 "                   # room for a section's number in its box
SAFETY = 0.97                            # measured text may be a little narrower than set


def sans_fonts(theme: Theme):
    """The theme's sans fonts (CJK too), measured as the PDF sets its headers and cover."""
    from ..deck.textfit import Fonts

    return Fonts(theme.fonts["sans"], theme.fonts["cjk_sans"])


def _fit(text: str, share: float, fonts, reserve: str = "") -> str:
    """``text`` as it fits one line of a header box of ``share`` of the text width."""
    from ..deck.fit import shorten

    measure = share * TEXT_WIDTH_PT * SAFETY - fonts.width(reserve, HEADER_PT)

    def fits(candidate: str) -> bool:
        return fonts.width(candidate, HEADER_PT) <= measure

    return text if fits(text) else shorten(text, fits)


def section_title(section: m.Section, fonts) -> str:
    """What the section's running header says after its number: its short title or title, fitted."""
    return _fit(section.short_title or section.title, SECTION_SHARE, fonts, NUMBER_RESERVE)


def brief_title(meta: m.Meta, fonts) -> str:
    """What the brief's running header (top left) says: its short title or title, fitted."""
    return _fit(meta.short_title or meta.title, BRIEF_SHARE, fonts)


def fitting_short_title(title: str, theme: Theme) -> str:
    """The longest start of ``title``, ending at a word, that the brief's running header shows
    whole (no "…"): a short title to propose for it."""
    fonts = sans_fonts(theme)
    fitted = _fit(title, BRIEF_SHARE, fonts)
    if fitted == title:
        return title
    return fitted.removesuffix("…").rstrip(" ,;:–—-·")


def header_css(brief: m.Brief, theme: Theme) -> str:
    """CSS setting the brief's running header when its short title had to be shortened, and
    the running header of each section whose header is not its heading's text."""
    fonts = sans_fonts(theme)
    rules = []
    title = brief_title(brief.meta, fonts)
    if title != (brief.meta.short_title or brief.meta.title):
        rules.append(f"html body .cover h1 {{ string-set: brief-title {css_string(title)}; }}")
    for section in brief.sections:
        title = section_title(section, fonts)
        if title != section.title:
            text = f"{section.number} {title}".strip()
            rules.append(f"#sec-{section.id} > h2 {{ string-set: section-title {css_string(text)}; }}")
    return "".join(rule + "\n" for rule in rules)


def header_warnings(brief: m.Brief, theme: Theme) -> list[Problem]:
    """A warning for each title the running headers show shortened (none while a font of the
    theme is missing: the build names it, with every other missing font, and stops)."""
    fonts = sans_fonts(theme)
    try:
        fonts.paths(False)
    except EnvironmentProblem:
        return []
    warnings = []
    meta = brief.meta
    title = brief_title(meta, fonts)
    if title != (meta.short_title or meta.title):
        given = bool(meta.short_title) and meta.short_title != meta.title
        key = "short_title" if given else "title"
        warnings.append(Problem(
            meta.at(key), f"too long for the running header, which shows '{title}'", key,
            "a shorter short_title: in brief.yaml" if given
            else "a short_title: in brief.yaml, for the running header", warning=True))
    for section in brief.sections:
        title = section_title(section, fonts)
        full = section.short_title or section.title
        if title != full:
            key = "short_title" if section.short_title else "title"
            warnings.append(Problem(
                section.at(key), f"too long for the running header, which shows '{title}'", key,
                "a shorter short_title: in the section's front matter" if section.short_title
                else "a short_title: in the section's front matter, for the running header",
                warning=True))
    return warnings


def css_string(text: str) -> str:
    """``text`` as a CSS string: every character but letters, digits and spaces escaped, so no
    title can end the string, the rule or the ``<style>`` element."""
    out = []
    for char in text:
        out.append(char if char.isalnum() and char.isascii() or char == " " else f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'
