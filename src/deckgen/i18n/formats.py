"""Dates and numbers as the brief's language writes them, from CLDR data through Babel.

A language tag with a region ("en-US", "pt-BR") is that locale; one without takes the region
:data:`DEFAULT_LOCALES` gives (British English for "en", so a brief dated 2026-11-26 reads
"26 November 2026"; "26 novembre 2026" in French, "2026年11月26日" in Japanese). Numbers keep
the decimals deckgen chose (:mod:`deckgen.figures.numbers`) and take the locale's decimal and
grouping marks: 1234.5 reads "1,234.5" in English, "1 234,5" in French, "1.234,5" in German.
Where CLDR groups a number only from five digits on (its ``minimumGroupingDigits`` of 2, which
Babel's data does not carry: :data:`MINIMUM_GROUPING`), a four-digit number is not grouped:
1234,5 but 12.345,5 in Spanish.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

DEFAULT_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "de": "de_DE", "ru": "ru_RU",
                   "ar": "ar", "zh": "zh_Hans_CN", "ja": "ja_JP", "ko": "ko_KR"}


# CLDR 48's minimumGroupingDigits where it is not 1, by locale (a locale inherits its parent's:
# es_MX from es_419, es_ES from es, pt_MZ from pt_PT); the grouping itself is in threes there.
MINIMUM_GROUPING = {"es": 2, "es_419": 1, "it": 2, "pl": 2, "pt_PT": 2, "pt_AO": 1, "hu": 2,
                    "sl": 2, "bg": 2, "et": 2, "lv": 2, "be": 2, "sq": 2, "ka": 2, "hy": 2}


class NoLocaleData(Exception):
    """Babel has no CLDR data for a language tag."""


@lru_cache(maxsize=64)
def babel_locale(language: str):
    """The Babel locale of a language tag ("pt-BR" → pt_BR; "fr" → fr_FR)."""
    from babel import Locale, UnknownLocaleError

    tag = language.replace("-", "_")
    if "_" not in tag:
        tag = DEFAULT_LOCALES.get(tag.lower(), tag)
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        raise NoLocaleData(language) from None


def has_locale_data(language: str) -> bool:
    try:
        babel_locale(language)
    except NoLocaleData:
        return False
    return True


def long_date(date: dt.date, language: str = "en") -> str:
    """``date`` as the language writes a date in full: "26 November 2026", "26. November 2026"."""
    from babel.dates import format_date

    return format_date(date, "long", locale=babel_locale(language))


def decimal_text(value: Decimal, places: int, language: str = "en") -> str:
    """``value`` (already rounded to ``places`` decimals) with the locale's grouping and decimal
    marks and exactly ``places`` decimals."""
    from babel.numbers import format_decimal

    locale = babel_locale(language)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    grouped = len(str(abs(int(value)))) >= 3 + minimum_grouping(str(locale))
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=False,
                          group_separator=grouped)


def minimum_grouping(identifier: str) -> int:
    """The fewest digits before the first group separator in locale ``identifier`` ("es_ES"):
    2 where CLDR writes 1234 but 12 345, else 1."""
    from babel.core import get_global

    parents = get_global("parent_exceptions")
    while identifier and identifier != "root":
        if identifier in MINIMUM_GROUPING:
            return MINIMUM_GROUPING[identifier]
        identifier = parents.get(identifier) or identifier.rpartition("_")[0]
    return 1


def percent_text(number: str, language: str = "en") -> str:
    """A number already written (``decimal_text``) with the locale's per cent sign, placed as the
    locale places it: "25%" in English, "25 %" in French and German."""
    locale = babel_locale(language)
    pattern = locale.percent_formats[None].pattern.split(";")[0]
    start, end = pattern.find("#"), max(pattern.rfind("0"), pattern.rfind("#"))
    sign = _symbols(locale).get("percentSign", "%")
    if start < 0 or end < start:
        return number + sign
    return (pattern[:start] + number + pattern[end + 1:]).replace("%", sign).replace("'", "")


def _symbols(locale) -> dict:
    symbols = locale.number_symbols
    return symbols.get("latn", symbols) if isinstance(symbols.get("latn"), dict) else symbols
