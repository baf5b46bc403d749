"""What the deck can show of a section that has no key points, said as a warning at its file.

A section's key points are its slide's bullets. Without them the deck shows what the section
has (:mod:`deckgen.deck.blocks`): its placed figures, numbered tables and callouts marked for
the deck; with none of those, the opening sentences of its text; with no text at all, nothing
but its line in the agenda. Each case is a warning naming the section's file (an error with
``--strict``), so that an author learns the deck made its slides up from the prose.
"""

from __future__ import annotations

from .. import model as m
from ..errors import Collector, Loc


def warn_without_key_points(section: m.Section, problems: Collector) -> None:
    if section.key_points or not section.in_deck:
        return
    blocks = list(m.walk(section.blocks))
    shown = [_count(sum(isinstance(b, m.FigureBlock) for b in blocks), "figure", "figures"),
             _count(sum(isinstance(b, m.Table) and bool(b.number) for b in blocks),
                    "numbered table", "numbered tables"),
             _count(sum(isinstance(b, m.Callout) and b.deck for b in blocks),
                    "callout marked {.deck}", "callouts marked {.deck}")]
    shown = [s for s in shown if s]
    if shown:
        what = "only its " + _joined(shown)
    elif any(isinstance(b, (m.Paragraph, m.Heading)) for b in blocks):
        what = "a summary of its opening paragraph"
    else:
        what = ("nothing: it has no paragraph or heading to summarise, so it appears only in "
                "the agenda")
    problems.warn(Loc(section.loc.file, 1, 1), f"section '{section.id}' has no key points, so its "
                  f"deck slides show {what}", "key_points",
                  "key_points: in its front matter, the bullets of its slide")


def _count(number: int, one: str, many: str) -> str:
    return "" if not number else one if number == 1 else f"{number} {many}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
