"""Colours measured: which text reads on a fill, by the WCAG contrast ratio of the two.

Value labels set on a bar, a stacked segment or a pie slice take the theme's text colour or its
background colour, whichever contrasts more with the fill, so a label on the darkest series
colour switches to light text in the PDF and the deck alike.
"""

from __future__ import annotations


def luminance(hex_colour: str) -> float:
    """Relative luminance of ``#RRGGBB`` (WCAG 2)."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str, dark: str, light: str) -> str:
    """Of ``dark`` and ``light``, the text colour that contrasts more with ``fill``."""
    return dark if contrast(fill, dark) >= contrast(fill, light) else light
