"""How much a key-point slide may hold: at most ``deck.max_bullets`` bullets (6) and about
``deck.max_words`` words (40), the theme's values. The fitter (:mod:`deckgen.deck.fit`) moves
what is over the limits to a continuation slide; :func:`density_warnings` tells the author which
key points that moves, at their file and line, from ``deckgen check`` as from ``deckgen build``.

The limits hold on the slides of key points (points, recommendations, a section's summary and
the two-content slide); the agenda and the references list what they list, fitted by height.
This module imports nothing heavy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import model as m
from ..errors import Problem

MAX_BULLETS = 6
MAX_WORDS = 40
# Chinese and Japanese, written without spaces (Korean puts spaces between its words)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
CJK_PER_WORD = 2  # characters of Chinese or Japanese counted as one word


@dataclass(frozen=True)
class Density:
    """The most bullets and words one slide of key points shows."""

    bullets: int = MAX_BULLETS
    words: int = MAX_WORDS

    def within(self, texts) -> bool:
        texts = list(texts)
        return len(texts) <= self.bullets and sum(word_count(t) for t in texts) <= self.words


def density_of(theme) -> Density:
    """The theme's ``deck.max_bullets`` and ``deck.max_words`` (checked by the theme)."""
    deck = theme.deck
    return Density(int(deck.get("max_bullets", MAX_BULLETS)), int(deck.get("max_words", MAX_WORDS)))


def word_count(text: str) -> int:
    """Words as a speaker reads them: runs between spaces, and for text without spaces
    (Japanese, Chinese) every two characters."""
    count = 0
    for run in text.split():
        cjk = len(_CJK.findall(run))
        count += max(1, round(cjk / CJK_PER_WORD) + (1 if len(run) > cjk else 0)) if cjk else 1
    return count


def slide_groups(texts: list[str], density: Density) -> list[list[int]]:
    """Indexes of ``texts`` in the groups the limits allow, greedily: a group takes the next
    text while it stays within both limits (a text over the words alone starts its own group)."""
    groups: list[list[int]] = []
    words = 0
    for index, text in enumerate(texts):
        count = word_count(text)
        if not groups or len(groups[-1]) >= density.bullets or words + count > density.words:
            groups.append([])
            words = 0
        groups[-1].append(index)
        words += count
    return groups


def density_warnings(brief: m.Brief, theme) -> list[Problem]:
    """Warnings at their lines: a key point with more words than a slide shows, and for each
    section whose key points need more than one slide, the points that move, named at the
    first of them."""
    density = density_of(theme)
    limits = (f"at most {density.bullets} bullets and about {density.words} words a slide, the "
              "theme's deck.max_bullets and deck.max_words")
    found = []
    for section in brief.deck_sections:
        points = list(section.key_points)
        locs = list(section.point_locs) or [section.loc] * len(points)
        for index, point in enumerate(points):
            if word_count(point) > density.words:
                found.append(Problem(locs[index], f"key point {index + 1} of section '{section.id}' "
                                     f"has {word_count(point)} words, so it is split over slides",
                                     f"key_points.{index}", f"{limits}; move the detail to the "
                                     "prose or the notes", warning=True))
        groups = slide_groups(points, density)
        if len(groups) > 1:
            first = groups[1][0]
            words = sum(map(word_count, points))
            found.append(Problem(locs[first], f"section '{section.id}' has {len(points)} key points "
                                 f"({words} words), more than one slide holds, so they continue on "
                                 f"further slides: key point {first + 1} is the first past the "
                                 "limits", f"key_points.{first}",
                                 f"{limits}; fewer or shorter key points keep one slide",
                                 warning=True))
    return found

