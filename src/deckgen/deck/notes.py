"""What the speaker says: the notes of each slide, from the brief's own words.

The title slide speaks the brief's title and summary, a section's slides the author's notes (else
the section's opening sentences), a continuation slide what it shows, a figure its point, its
numbers in words (:func:`data_sentence`) and its source, the closing slide each section's first
key point. A slide showing a shortened title says the full one first. Every word the notes add
is the brief's language's (its catalogue, :mod:`deckgen.i18n`).
"""

from __future__ import annotations

from .. import model as m
from ..figures.kinds import EVENTS, KINDS, POINTS
from ..figures.numbers import figure_format, format_number
from ..i18n.labels import Labels, english
from ..load.markdown import plain_text
from .fit import sentences
from .slides import Bullet

DATA_SENTENCE_LIMIT = 12  # categories read out in the notes; beyond this, a summary


def opening_notes(meta: m.Meta, words: Labels) -> str:
    return words.together(words.sentence(meta.title), meta.summary)


def closing_notes(brief: m.Brief) -> str:
    points = [s.key_points[0] for s in brief.sections if s.key_points]
    words = brief.words
    return words.together(words["notes_closing"], *(words.sentence(p) for p in points))


def agenda_notes(brief: m.Brief) -> str:
    titles = [s.title for s in brief.sections]
    words = brief.words
    return words.together(words("notes_agenda", count=len(titles),
                                titles=words["list_separator"].join(titles)), brief.meta.summary)


def section_notes(brief: m.Brief, section: m.Section) -> str:
    """The author's notes, else the section's opening sentences."""
    if section.notes:
        return section.notes
    prose = [plain_text(b.spans, brief) for b in section.blocks if isinstance(b, m.Paragraph)]
    return brief.words.together(*sentences(brief.words.together(*prose))[:5])


def divider_notes(brief: m.Brief, section: m.Section, part: str) -> str:
    """Where the talk is ("Part 2 of 5"), the section's title and its lead point."""
    lead = section.key_points[0] if section.key_points else (sentences(section_notes(brief, section))
                                                             or [""])[0]
    words = brief.words
    return words.together(words("notes_labelled", label=part, text=words.sentence(section.title)), lead)


def reference_notes(brief: m.Brief) -> str:
    return brief.words["notes_references"]


def cited_notes(brief: m.Brief, keys) -> str:
    """The full reference of each work ``keys`` names, for the notes of the slide citing it."""
    entries = {r.id: r.text for r in brief.references}
    aliases = dict(brief.reference_aliases)
    found = [entries[aliases.get(k, k)] for k in dict.fromkeys(keys)
             if aliases.get(k, k) in entries]
    return brief.words("notes_cited", entries=brief.words.together(*found)) if found else ""


def slide_cites(section: m.Section, page: list[Bullet]) -> list[tuple[tuple[str, ...], str]]:
    """The citations, (keys, text), of the key points ``page`` shows (whole or in part)."""
    shown = [" ".join(b.text.replace("…", " ").split()) for b in page]
    found: list[tuple[tuple[str, ...], str]] = []
    for point, cites in zip(section.key_points, section.point_cites):
        flat = " ".join(point.split())
        if any(part and part in flat for part in shown):
            found += [c for c in cites if c not in found]
    return found


def with_full_title(notes: str, full: str, shown: str, words: Labels | None = None) -> str:
    """Notes that start with the full title when the slide shows a shortened one."""
    if shown == full:
        return notes
    words = words or english()
    return words.together(words("notes_full_title", title=full), notes)


def continuation_notes(title: str, page: list[Bullet], words: Labels | None = None) -> str:
    """Notes for a continuation slide: where we are, and what the slide says, to be read out."""
    words = words or english()
    return words.together(words("notes_continuing", title=title), *(words.sentence(b.text) for b in page))


def figure_notes(figure: m.Figure) -> str:
    """What a speaker says over a figure: its point, its numbers in words, and its source."""
    words = figure.labels or english()
    return words.together(words.sentence(figure.caption or figure.title), data_sentence(figure),
                          words("source", source=words.sentence(figure.source)))


def data_sentence(figure: m.Figure) -> str:
    """The figure's numbers read out, as the figure and the chart write them: events by year, a
    scatter chart's points as (x, y), else each series' values by category; a missing value is
    said ("no value for 2021")."""
    words = figure.labels or english()
    if KINDS[figure.kind].data == EVENTS:
        return words.together(*(words("notes_labelled", label=e.year, text=words.sentence(e.label))
                                for e in sorted(figure.events, key=lambda e: e.year)))
    fmt = figure_format(figure)
    units = f" {figure.units}" if figure.units else ""
    points = KINDS[figure.kind].data == POINTS
    labels = figure.categories or tuple(words("notes_point", n=i + 1) for i in range(len(figure.x_values)))
    said = []
    for series in figure.series:
        if points:
            pairs = [(label, None if x is None or y is None
                      else f"{format_number(x, language=fmt.language)}, {fmt.text(y)}{units}")
                     for label, x, y in zip(labels, figure.x_values, series.values)]
        else:
            pairs = [(c, None if v is None else fmt.text(v) + units)
                     for c, v in zip(figure.categories, series.values)]
        text = _pairs_sentence(pairs, series, fmt, units, points, words)
        said.append(words("notes_labelled", label=series.name, text=text)
                    if len(figure.series) > 1 and series.name else text)
    return words.together(*said)


def _pairs_sentence(pairs, series: m.Series, fmt, units: str, points: bool, words: Labels) -> str:
    """One series' values by label, then those it has no value for; a long series summed up
    by its range."""
    present = [(label, text) for label, text in pairs if text is not None]
    missing = [label for label, text in pairs if text is None]
    if len(pairs) > DATA_SENTENCE_LIMIT:
        values = [v for v in series.values if v is not None]
        key = "notes_points_range" if points else "notes_values_range"
        text = (words(key, count=len(present), low=fmt.text(min(values)),
                      high=fmt.text(max(values)) + units) if values else words["notes_no_values"])
    else:
        text = words["list_separator"].join(words("notes_labelled", label=label, text=value)
                                            for label, value in present)
    if missing:
        shown = missing[:DATA_SENTENCE_LIMIT]
        listed = (words("notes_more", labels=words["list_comma"].join(shown), count=len(missing) - len(shown))
                  if len(missing) > len(shown) else words.joined(shown))
        text = words("notes_aside", text=text, aside=words("notes_no_value_for", labels=listed))
    return text + words["full_stop"]
