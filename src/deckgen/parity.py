"""The brief and the deck never disagree: every key point and every figure of the brief must
appear in the planned deck."""

from __future__ import annotations

import re

from . import model as m
from .errors import Problem
from .plan import SlidePlan


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parity_problems(brief: m.Brief, plans: list[SlidePlan]) -> list[Problem]:
    """Problems for each key point or figure of the brief that the deck would not show."""
    deck_text = _norm(" ".join(" ".join(p.bullets) for p in plans))
    deck_figures = {p.figure_id for p in plans if p.figure_id}
    problems = []
    for section in brief.sections:
        for index, point in enumerate(section.key_points):
            if _norm(point) not in deck_text and not _split_point_present(point, plans):
                problems.append(Problem(section.loc, f"key point {index + 1} would not appear in the deck",
                                        "key_points"))
    for figure in brief.figures:
        if figure.id not in deck_figures:
            problems.append(Problem(figure.loc, f"figure '{figure.id}' would not appear in the deck"))
    return problems


def _split_point_present(point: str, plans: list[SlidePlan]) -> bool:
    """A long key point may be split over continuation slides: its words must all be there, in order."""
    words = _norm(point).split(" ")
    joined = _norm(" ".join(b for p in plans for b in p.bullets)).split(" ")
    position = 0
    for word in joined:
        if position < len(words) and word == words[position]:
            position += 1
    return position == len(words)
