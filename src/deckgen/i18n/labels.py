"""The fixed words of one language, as the renderers and the model read them.

A :class:`Labels` is the built-in catalogue of the brief's language (``catalogues/<lang>.yaml``)
with the project's own changes over it (see :mod:`deckgen.i18n.catalogue`). It is small, frozen
and picklable: the model's nodes that carry a label ("Figure 2", a callout's default title) hold
it, so that ``figure.label`` reads in the brief's language wherever it is used.

``labels["contents"]`` is a label as written; ``labels("figure", n=2)`` one with its blanks
filled in. In a Jinja template ``labels.contents`` works too. :meth:`Labels.sentence` ends a
text as the language ends a sentence ("." in English, "。" in Japanese and Chinese) and
:meth:`Labels.sentences` joins sentences as it does (a space, or none in Japanese and Chinese);
:meth:`Labels.together` puts texts that are sentences already one after the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_BLANK = re.compile(r"\{(\w+)\}")
SENTENCE_ENDS = ".!?:…。！？．：؟"  # a text ending in one of these gets no full stop of its own


@dataclass(frozen=True)
class Labels:
    language: str                        # the brief's language tag: "en", "fr", "pt-BR"
    words: tuple[tuple[str, str], ...]   # (key, text) in the catalogue's order

    def __getitem__(self, key: str) -> str:
        return self._table()[key]

    def __call__(self, key: str, **values) -> str:
        """Label ``key`` with its blanks (``{n}``, ``{title}`` ...) filled in from ``values``."""
        text = self._table()[key]
        # one pass over the label, so that a value holding "{title}" is never filled in itself
        return _BLANK.sub(lambda found: str(values.get(found.group(1), found.group(0))), text)

    def __contains__(self, key) -> bool:
        return key in self._table()

    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.words)

    def _table(self) -> dict[str, str]:
        return _as_dict(self.words)

    def joined(self, items, separator: str = "list_comma") -> str:
        """``items`` joined as a list in running text: "a, b and c" in English (with
        ``separator="list_separator"``, "a; b and c")."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        head = self[separator].join(items[:-1])
        return self("and", first=head, last=items[-1])

    def sentence(self, text: str) -> str:
        """``text`` ending in one sentence mark: the language's ``full_stop`` where none ends it."""
        text = text.strip()
        return text if not text or text[-1] in SENTENCE_ENDS else text + self["full_stop"]

    def sentences(self, *texts: str) -> str:
        """``texts`` as sentences one after the other, each ended, joined as the language joins
        sentences (``next_sentence``); blank ones left out."""
        out = ""
        for text in texts:
            text = self.sentence(text)
            if text:
                out = self("next_sentence", first=out, next=text) if out else text
        return out

    def together(self, *texts: str) -> str:
        """``texts`` one after the other as the language puts sentences (a space between them, or
        none in Japanese and Chinese), each as it is (none ended), blank ones left out."""
        return self.sentence_gap.join(text.strip() for text in texts if text and text.strip())

    @property
    def sentence_gap(self) -> str:
        """What the language puts between two sentences: " ", or "" in Japanese and Chinese."""
        return self("next_sentence", first="", next="")

    @property
    def base(self) -> str:
        """The language's primary subtag: "pt" for "pt-BR"."""
        return self.language.split("-")[0].lower()


@lru_cache(maxsize=64)
def _as_dict(words: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(words)


def english() -> Labels:
    """deckgen's English words, the default of a node made without the brief's labels."""
    from .catalogue import built_in

    return built_in("en")
