"""What each language's script needs: its writing direction, its fonts and its line breaking.

- **Direction**: Arabic, Hebrew, Persian, Urdu ... are written right to left (:func:`direction`):
  the PDF's ``<html dir="rtl">``, the deck's paragraphs ``rtl="1"``, right aligned.
- **Fonts**: the theme names one family per role and script (``fonts.serif``/``sans`` for Latin,
  Greek and Cyrillic, ``cjk_serif``/``cjk_sans``, ``arabic_serif``/``arabic_sans``), the
  script's own first for Arabic-script languages and Korean (:func:`font_stacks`); a CJK family
  named with a region ("Noto Serif CJK JP") is taken in the brief's own region (SC for Chinese,
  KR for Korean, TC for traditional Chinese), since the same character is drawn differently in
  each (:func:`cjk_family`).
- **Line breaking**: Chinese and Japanese break between any two characters (WeasyPrint and
  LibreOffice follow Unicode's line-breaking rules; :data:`CJK_CSS` keeps the strict rule that
  no line starts with 。or 、), Korean between words; hyphenation is by the language's Pyphen
  dictionary (WeasyPrint's ``hyphens: auto`` with ``lang``), and none for CJK and Arabic.
"""

from __future__ import annotations

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "sd", "ug", "dv", "ckb"})
CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "sd", "ug", "ckb"})
SPACED_CJK = frozenset({"ko"})  # a CJK script written with spaces between words
_CJK_REGIONS = ("JP", "SC", "TC", "HK", "KR")

# Chinese and Japanese: strict line breaking (no line starts with a closing mark), no hyphens;
# Korean is broken between words, as Korean is written.
CJK_CSS = {
    "zh": "html { line-break: strict; word-break: normal; hyphens: manual; }\n",
    "ja": "html { line-break: strict; word-break: normal; hyphens: manual; }\n",
    "ko": "html { word-break: keep-all; hyphens: manual; }\n",
}


def base(language: str) -> str:
    return language.split("-")[0].lower()


def direction(language: str) -> str:
    """``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if base(language) in RTL_LANGUAGES else "ltr"


def is_rtl(language: str) -> bool:
    return direction(language) == "rtl"


def cjk_region(language: str) -> str:
    """The region code of Noto CJK families for ``language``: SC, TC, KR, else JP."""
    parts = [p.lower() for p in language.split("-")]
    if parts[0] == "zh":
        return "TC" if any(p in ("hant", "tw", "hk", "mo") for p in parts[1:]) else "SC"
    return "KR" if parts[0] == "ko" else "JP"


def cjk_family(family: str, language: str) -> str:
    """``family`` in the brief's region when it names one ("Noto Sans CJK JP" → "… CJK KR" for
    Korean); a family without a region is used as it is."""
    head, _, region = family.rpartition(" ")
    if head and region in _CJK_REGIONS and "CJK" in head:
        return f"{head} {cjk_region(language)}"
    return family


def font_stacks(fonts: dict, language: str) -> dict[str, list[str]]:
    """The families the PDF sets text in, per role ("serif", "sans"), in order: the script's own
    family first for Arabic-script languages (so that their punctuation and digits match the
    letters) and for Korean, the Latin family first otherwise, then the CJK family in the
    brief's region.

    Korean puts spaces between its words, and WeasyPrint stretches the spaces of a justified
    line only where they are set in the font of the words around them: a space taken from the
    Latin family between Hangul words keeps its width, and the line's stretch is left at the
    end of its text, a ragged right edge and a gap before a footnote call. Set in the Korean
    family, whose Latin letters and digits are made to go with its Hangul, the spaces take it."""
    stacks = {}
    for role in ("serif", "sans"):
        latin, cjk = fonts[role], cjk_family(fonts[f"cjk_{role}"], language)
        arabic = fonts.get(f"arabic_{role}", "")
        if base(language) in ARABIC_SCRIPT and arabic:
            stacks[role] = [arabic, latin, cjk]
        elif base(language) in SPACED_CJK:
            stacks[role] = [cjk, latin] + ([arabic] if arabic else [])
        else:
            stacks[role] = [latin, cjk] + ([arabic] if arabic else [])
    return stacks


def complex_font(fonts: dict, language: str) -> str:
    """The family the deck names (``a:cs``) and measures Arabic-script text in: the theme's
    ``arabic_sans`` for an Arabic-script language, else "" (none named)."""
    return fonts.get("arabic_sans", "") if base(language) in ARABIC_SCRIPT else ""


def script_css(language: str) -> str:
    """CSS the brief's script needs beyond the stylesheet: CJK line breaking."""
    return CJK_CSS.get(base(language), "")
