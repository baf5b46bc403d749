"""The brief's language in its PDF: the CSS that carries labels and script needs.

:func:`language_css` is set after the stylesheet, so that it holds whatever the stylesheet
says: the page footer in the brief's words ("Page 2 of 8", "Seite 2 von 8", "2 / 8 ページ"),
CJK line breaking, and for a language written right to left the page mirrored (running
headers and footers swapped, rules, indents and alignment on the other side, no letter spacing
that would break the joining of Arabic letters).
"""

from __future__ import annotations

import re

from ..i18n.labels import Labels
from ..i18n.scripts import ARABIC_SCRIPT, base, is_rtl, script_css

_COUNTER = re.compile(r"(\{page\}|\{pages\})")


def css_string(text: str) -> str:
    """``text`` as a CSS string, quoted and escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_footer_content(labels: Labels) -> str:
    """The footer's ``content`` value: "Page {page} of {pages}" as strings and counters."""
    parts = []
    for piece in _COUNTER.split(labels["page_footer"]):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or '""'


RTL_CSS = """
@page {
  @top-left { content: string(section-title, start); width: 54%; }
  @top-right { content: string(brief-title); width: 44%; }
  @bottom-left { content: FOOTER; width: 38%; }
  @bottom-right { content: string(distribution); width: 60%; }
}
@page front { @top-left { content: none; } @top-right { content: string(brief-title); } }
.cover-band p, .cover .kicker, .cover .subtitle, .cover-meta p, figcaption, caption, th,
.references li, .colophon, .callout-title, .footnote, .recommendations ol > li p { text-align: right; }
ul, ol { padding-left: 0; padding-right: 1.4em; }
.takeaways ul { padding-left: 0; padding-right: 1.1em; }
.references ol { padding-left: 0; padding-right: 1.8em; }
.contents ol { padding: 0; }
blockquote { border-left: none; border-right: 2pt solid var(--accent); padding: 0.2em 1em 0.2em 0; }
.takeaways { border-left: none; border-right: 3pt solid var(--accent); }
.callout { border-left: none; border-right: 3pt solid var(--primary); }
.callout-tip { border-right-color: var(--tip, #2e7d4f); }
.callout-important { border-right-color: var(--accent); }
.callout-warning { border-right-color: var(--warning, #b26a00); }
.callout-caution { border-right-color: var(--caution, #b3261e); }
.recommendations ol > li { border-left: none; border-right: 3pt solid var(--primary);
                           padding: 3mm 13mm 2mm 4mm; }
.recommendations ol > li::before { left: auto; right: 3.5mm; }
.cover .logo { float: left; }
.toc-title > span { padding: 0 0 0.45em 1.2mm; }
.contents a::after { padding-left: 0; padding-right: 1.2mm; text-align: left; }
.section-number { margin-right: 0; margin-left: 2mm; }
"""

# Arabic letters join: letter spacing would pull them apart, and the script has no italic.
ARABIC_CSS = """
.cover .organisation, .cover .distribution, .cover .kicker, .callout-title, h6.level-5 {
  letter-spacing: 0; text-transform: none; }
.summary, h6.level-6 { font-style: normal; }
"""


def language_css(labels: Labels) -> str:
    """The CSS the brief's language needs, set after the stylesheet."""
    footer = page_footer_content(labels)
    css = f"@page {{ @bottom-right {{ content: {footer}; }} }}\n"
    if is_rtl(labels.language):
        css += RTL_CSS.replace("FOOTER", footer)
    if base(labels.language) in ARABIC_SCRIPT:
        css += ARABIC_CSS
    return css + script_css(labels.language)
