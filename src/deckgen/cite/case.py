"""Title and sentence case as Pandoc's citeproc sets them, and BibTeX's protected words.

A BibTeX title is written in title case, and words in braces (``{NATO}``, ``{South Korea}``)
keep their case; CSL expects titles in sentence case and styles that want title case (Chicago)
ask for it with ``text-case="title"``. So, as Pandoc's BibTeX reader does, an English entry's
titles are turned into sentence case when read (:func:`untitlecase`), the braced words kept
as CSL-JSON's ``<span class="nocase">`` (only where they hold a word starting in lower case:
a protected "Asia" is left as a capitalised word, which sentence case leaves alone); and the
styles' ``text-case="title"`` and ``"sentence"`` are applied by the same rules as Pandoc's
citeproc (:func:`transform`, installed into citeproc-py by :mod:`.styles`). Journal titles
are not re-cased (Pandoc's "periodical titles").

The rules, word by word (a word being a run of ASCII letters and digits, or of other letters):
sentence case lower-cases a capitalised word ("Nations") except at the start of the title or
after ``. ? ! :``, where it capitalises; a word in capitals or mixed case ("NATO", "iPhone")
is kept. Title case capitalises a lower-case word at the start, after a word break (space, -,
/, en or em dash) unless it is a stop word or one letter, and the last word; it keeps words in
capitals, mixed case or with non-ASCII letters.
"""

from __future__ import annotations

import re

NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"
STOP_WORDS = frozenset(
    ["a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor", "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet", "about", "van", "von", "de", "d", "l"])
_SENTENCE_END = ".?!:"
_WORD_BREAK = "-/\u2013\u2014"
_CHUNK = re.compile(r"[A-Za-z0-9]+|[^\W_A-Za-z0-9]+|\s+|.", re.DOTALL)
_PROTECT = re.compile(r"\ue001(.*?)\ue002", re.DOTALL)

# the states of Pandoc's case transformation
START, START_SENTENCE, AFTER_WORD_END, AFTER_WORD_CHAR, AFTER_END_PUNCT, AFTER_PUNCT, LAST = \
    range(7)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and all(c.islower() for c in word[1:])


def _mixed(word: str) -> bool:
    return any(c.isupper() for c in word) and any(c.islower() for c in word)


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


def sentence_word(state: int, word: str) -> str:
    if _capitalised(word) and state not in (START, START_SENTENCE):
        return word.lower()
    if (_capitalised(word) or word.islower()) and state in (START, START_SENTENCE):
        return _capitalise(word.lower())
    return word


def title_word(state: int, word: str) -> str:
    if _mixed(word) or all(c.isupper() for c in word) or not word.isascii():
        return word
    if state in (START, START_SENTENCE):
        return _capitalise(word.lower())
    if state == AFTER_WORD_END and word not in STOP_WORDS and len(word) > 1:
        return _capitalise(word.lower())
    if state == LAST and len(word) > 1:
        return _capitalise(word.lower())
    return word


def _next_state(state: int, text: str) -> int:
    if not text:
        return state
    last = text[-1]
    if last in _SENTENCE_END:
        return AFTER_END_PUNCT
    if last.isalnum():
        return AFTER_WORD_CHAR
    if last.isspace() and state == AFTER_END_PUNCT:
        return START_SENTENCE
    if last.isspace() or last in _WORD_BREAK:
        return AFTER_WORD_END
    return AFTER_PUNCT


def transform(segments: list[tuple[str, bool]], word_case) -> list[tuple[str, bool]]:
    """``segments``: (text, protected) in order; each unprotected word re-cased by
    ``word_case`` (:func:`sentence_word` or :func:`title_word`), protected text kept."""
    last = _last_word_start(segments)
    state, out = START, []
    for index, (text, protected) in enumerate(segments):
        if protected:
            state = _next_state(state, "".join(text.split()))
            out.append((text, True))
            continue
        pieces = []
        for match in _CHUNK.finditer(text):
            chunk = match.group(0)
            if (index, match.start()) == last and state in (AFTER_WORD_END, START_SENTENCE,
                                                             START):
                state = LAST
            before, state = state, _next_state(state, chunk)
            pieces.append(word_case(before, chunk) if chunk.isalnum() else chunk)
        out.append(("".join(pieces), False))
    return out


def _last_word_start(segments: list[tuple[str, bool]]) -> tuple[int, int] | None:
    """Where the title's last word starts (Pandoc's last ``Str``, when it has no word break
    and something comes before it), or None."""
    if not segments or segments[-1][1]:
        return None
    index, text = len(segments) - 1, segments[-1][0]
    cut = max(text.rfind(" "), *(text.rfind(c) for c in "\t\n"))
    word = text[cut + 1:]
    if not word or any(c in _WORD_BREAK for c in word) or (cut < 0 and index == 0):
        return None
    return index, cut + 1


def untitlecase(text: str) -> str:
    """A title read from BibTeX (its braced parts marked ``\\ue001...\\ue002``) in sentence
    case, as CSL-JSON: a protected part holding a word that starts in lower case is a
    ``<span class="nocase">``, any other protected part plain text."""
    segments, end = [], 0
    for match in _PROTECT.finditer(text):
        if match.start() > end:
            segments.append((text[end:match.start()], False))
        segments.append((match.group(1), True))
        end = match.end()
    if end < len(text):
        segments.append((text[end:], False))
    out = []
    for part, protected in transform(segments, sentence_word):
        if protected and any(w[:1].islower() for w in re.split(r"[\s\W]+", part)):
            out.append(NOCASE_OPEN + part + NOCASE_CLOSE)
        else:
            out.append(part)
    return "".join(out)


def unprotected(text: str) -> str:
    """A CSL-JSON string's text without its ``nocase`` spans' tags."""
    return text.replace(NOCASE_OPEN, "").replace(NOCASE_CLOSE, "") if NOCASE_OPEN in text \
        else text
