"""A value of the wrong kind said in plain language, with what to type instead.

pydantic says ``should be a valid date or datetime, invalid character in year`` and ``should be
a valid list``; :func:`value_hint` turns its error into what an author needs: a date rewritten as
``YYYY-MM-DD`` when it can be read without doubt (``26-11-2026`` is 2026-11-26; ``03/04/2026``
could be two days, and both are offered), a list where a text is expected and the reverse (with
the line to type), a number or a yes/no where a text is expected, a choice misspelt (with the
closest choice, when it is close).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from ..errors import did_you_mean

Hint = tuple[str, str]  # (what is wrong, what to type)

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9


def value_hint(err: dict, key: str) -> Hint | None:
    """(message, expected) for the pydantic error ``err`` at the key or list ``key``, or None to
    leave it to the caller. ``key`` is the last key of the error's path (``date``, ``title``)."""
    kind = err["type"]
    value = err.get("input")
    if kind.startswith("date_"):
        return date_hint(value, key, kind)
    if kind == "string_type":
        return _text_expected(value, key)
    if kind == "list_type":
        return _list_expected(value, key)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (f"is {_kind_of(value)}, but 'key: value' lines are expected",
                "indented 'key: value' lines below it, one per line")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return (f"{_shown(value)} is not a whole number", "digits only, such as 2019")
    if kind in ("float_parsing", "float_type"):
        return (f"{_shown(value)} is not a number", ("digits, such as 2.5, with no units or "
                "thousands separators"))
    if kind in ("bool_parsing", "bool_type"):
        return f"{_shown(value)} is not true or false", "true or false"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        near = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return (f"{_shown(value)} is not one of the choices",
                near or "one of: " + ", ".join(choices))
    return None


# ---- dates -------------------------------------------------------------------------------------

def date_hint(value, key: str, kind: str = "") -> Hint | None:
    """What is wrong with ``value`` as a date and the ``YYYY-MM-DD`` to type."""
    example = f"{key}: 2026-11-26"
    if isinstance(value, (bool, list, dict)) or value is None:
        return f"is {_kind_of(value)}, not a date", f"a date written YYYY-MM-DD, such as {example}"
    if isinstance(value, (int, float)):
        digits = str(value)
        if isinstance(value, int) and len(digits) == 8:
            read = _ymd(digits[:4], digits[4:6], digits[6:])
            if isinstance(read, dt.date):
                return (f"{digits} is a number, not a date", f"write {key}: {read.isoformat()}")
        if isinstance(value, int) and len(digits) == 4:
            return (f"{digits} is a year, not a date", (f"the whole date, YYYY-MM-DD, such as "
                    f"{key}: {digits}-11-26"))
        return f"{digits} is a number, not a date", f"a date written YYYY-MM-DD, such as {example}"
    if kind == "date_range" or not isinstance(value, str):
        return None
    text = value.strip()
    return _date_text(text, key) or (f"'{text[:40]}' is not a date written YYYY-MM-DD",
                                     f"year, month and day, such as {example}")


def _date_text(text: str, key: str) -> Hint | None:
    shown = f"'{text[:40]}'"
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        read = _ymd(*match.groups())
        if isinstance(read, dt.date):
            return f"{shown} is not written YYYY-MM-DD", f"write {key}: {read.isoformat()}"
        return f"{shown} is not a date: {read}", f"a real date, YYYY-MM-DD, such as {key}: 2026-11-26"
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        return _day_month_or_month_day(shown, key, *match.groups())
    words = re.fullmatch(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?|([A-Za-z]+)\.?\s+"
                         r"(\d{1,2})(?:st|nd|rd|th)?,?)\s+(\d{4})", text)
    if words:
        day, month = (words.group(1), words.group(2)) if words.group(1) else (words.group(4),
                                                                            words.group(3))
        number = _MONTHS.get(month.lower())
        if number is not None:
            read = _ymd(words.group(5), str(number), day)
            if isinstance(read, dt.date):
                return f"{shown} is not written YYYY-MM-DD", f"write {key}: {read.isoformat()}"
            return f"{shown} is not a date: {read}", f"a real date, such as {key}: 2026-11-26"
    return None


def _day_month_or_month_day(shown: str, key: str, first: str, second: str, year: str) -> Hint:
    a, b = int(first), int(second)
    readings = []
    for day, month in ((a, b), (b, a)):
        read = _ymd(year, str(month), str(day))
        if isinstance(read, dt.date) and read not in readings:
            readings.append(read)
    if len(readings) == 1:
        return f"{shown} is not written YYYY-MM-DD", f"write {key}: {readings[0].isoformat()}"
    if not readings:
        return f"{shown} is not a date", f"a real date, YYYY-MM-DD, such as {key}: 2026-11-26"
    options = [f"{key}: {r.isoformat()} for {r.day} {calendar.month_name[r.month]} {r.year}"
               for r in readings]
    return (f"{shown} is not written YYYY-MM-DD, and could be either of two days",
            f"write {options[0]}, or {options[1]}")


def _ymd(year: str, month: str, day: str) -> dt.date | str:
    """The date, or what makes it impossible ("there is no month 13")."""
    y, m, d = int(year), int(month), int(day)
    if not 1 <= m <= 12:
        return f"there is no month {m}"
    days = calendar.monthrange(y, m)[1] if 1 <= y <= 9999 else 31
    if not 1 <= d <= days:
        return f"{calendar.month_name[m]} {y} has {days} days"
    return dt.date(y, m, d)


# ---- texts and lists ---------------------------------------------------------------------------

def _text_expected(value, key: str) -> Hint | None:
    item = key.isdigit()
    start = "- " if item else f"{key}: "
    if isinstance(value, dict) and len(value) == 1 and all(
            isinstance(v, (str, int, float, type(None))) for v in value.values()):
        return None  # "text: more text" left unquoted: said by the caller
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], str):
            return ("is a list ('- ' items), but one text is expected",
                    f"write the text on the same line, without '- ': {start}{_quoted(value[0])}")
        return ("is a list ('- ' items), but one text is expected",
                f"one text, on the same line: {start}\"...\"")
    if isinstance(value, dict):
        return ("is a group of 'key: value' lines, but one text is expected",
                f"one text, on the same line: {start}\"...\"")
    if value is None:
        return ("is empty, but a text is expected", f"the text after '{key}:'" if not item else
                "the text after '- '")
    if isinstance(value, bool):
        return ((f"reads as {'true' if value else 'false'} (YAML reads yes, no, on, off, true and "
                "false so), but a text is expected"), "put the word in double quotes")
    if isinstance(value, (int, float)):
        return ("is a number, but a text is expected",
                f"put it in double quotes: {start}\"{value}\"")
    return None


def _list_expected(value, key: str) -> Hint:
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")] if "," in value else [value]
        shown = ", ".join(_quoted(p) if _needs_quotes(p) else p for p in parts)
        return ("is one text, but a list is expected",
                (f"write a list in square brackets: {key}: [{shown[:100]}], or one '- ' line per "
                f"item below {key}:"))
    if isinstance(value, dict):
        return ("is a group of 'key: value' lines, but a list is expected",
                f"start each item below {key}: with '- '")
    if value is None:
        return "is empty, but a list is expected", f"one '- ' line per item below {key}:"
    return (f"is {_kind_of(value)}, but a list is expected",
            f"a list in square brackets: {key}: [{value}], or one '- ' line per item below {key}:")


def _needs_quotes(text: str) -> bool:
    return not re.fullmatch(r"[\w][\w.-]*", text)


def _quoted(text: str) -> str:
    text = text if len(text) <= 80 else text[:77] + "..."
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _kind_of(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of 'key: value' lines"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "empty"
    return "a text"


def _shown(value) -> str:
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _kind_of(value)
    return text if len(text) <= 60 else text[:57] + "..."
