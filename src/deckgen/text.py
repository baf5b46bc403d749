"""Untrusted text made safe for where it goes: one place that says which characters each
destination cannot take.

- :func:`normalise_newlines`: every line break as one line feed, so that the YAML parser, the
  Markdown parser and the line numbers in messages all count lines the same way;
- :func:`strip_unsafe`: characters XML cannot hold (control characters, lone surrogates,
  U+FFFE/U+FFFF) removed from source text, with a count and where the first was, for a warning;
- :func:`xml_text`: text a document writer can put in XML whatever it holds (the deck's runs,
  notes, chart labels, alt text);
- :func:`printable`: a message safe to print on a terminal (no escape sequences, no
  bidirectional overrides).
"""

from __future__ import annotations

import re

# Characters removed from source text: C0 controls but tab, line feed and carriage return;
# DEL and the C1 controls; lone surrogates; the non-characters U+FFFE and U+FFFF.
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# C0 and C1 controls (but line feed and tab), lone surrogates, and the bidirectional
# embedding, override and isolate characters that can make a line read differently on screen.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def normalise_newlines(text: str) -> str:
    """Every line break (CR LF, CR, U+2028, U+2029) as one line feed."""
    return (text.replace("\r\n", "\n").replace("\r", "\n")
            .replace("\u2028", "\n").replace("\u2029", "\n"))


def strip_unsafe(text: str) -> tuple[str, int, int]:
    """``text`` without :data:`UNSAFE_CHARS` (vertical tab and form feed become spaces).

    Returns (clean text, how many characters were changed, index of the first, or -1).
    """
    first = UNSAFE_CHARS.search(text)
    if first is None:
        return text, 0, -1
    count = len(UNSAFE_CHARS.findall(text))
    clean = UNSAFE_CHARS.sub(lambda mt: " " if mt.group() in "\x0b\x0c" else "", text)
    return clean, count, first.start()


def xml_text(text: str) -> str:
    """Text an XML writer can take: characters invalid in XML (and other controls) removed,
    tabs, vertical tabs and form feeds as spaces."""
    return strip_unsafe(text.replace("\t", " "))[0]


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: unprintable characters as ``\\xNN``/``\\uNNNN``."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
