"""What ``deckgen check`` (and every build) tells the author about the deck's story, as located
warnings (errors with ``--strict``):

- key points over the density limits, named with their file and line
  (:func:`deckgen.deck.density.density_warnings`);
- a key figure whose value the section's text never writes as given: a key figure repeats a
  number the brief states, so a value found nowhere in its section is likely a slip (or a
  number the brief does not support).
"""

from __future__ import annotations

from .. import model as m
from ..errors import Problem
from .density import density_warnings
from .parity import comparable


def deck_warnings(brief: m.Brief, theme) -> list[Problem]:
    return density_warnings(brief, theme) + key_figure_warnings(brief)


def key_figure_warnings(brief: m.Brief) -> list[Problem]:
    from ..load.markdown import plain_text

    found = []
    for section in brief.sections:
        if not section.key_figures:
            continue
        text = comparable(" ".join(
            plain_text(block.spans, brief) for block in m.walk(section.blocks)
            if isinstance(block, (m.Paragraph, m.Heading))) + " " + " ".join(section.key_points))
        for index, figure in enumerate(section.key_figures):
            if comparable(figure.value) not in text:
                found.append(Problem(figure.loc, f"key figure {figure.value!r} is not written in "
                                     f"the text of section '{section.id}'", f"key_figures.{index}",
                                     "the value as the section's prose or key points write it, "
                                     "for example \"$52 billion\"", warning=True))
    return found


def shortened_titles(brief: m.Brief, plans) -> list[Problem]:
    """A warning for each slide whose title had to be shortened with "…" to fit its box (the
    slide's notes give it in full), located where its title is written (:func:`_title_loc`)."""
    from .fit import ELLIPSIS
    from .story import figure_message

    sections = {s.id: s for s in brief.sections}
    figures = {f.id: f for f in brief.figures}
    found = []
    for plan in plans:
        figure = figures.get(plan.figure_id)
        written = [plan.full_title, *((figure.title, figure_message(figure)) if figure else ())]
        if ELLIPSIS not in plan.title or any(ELLIPSIS in text for text in written if text):
            continue
        loc = _title_loc(brief, plan, figure, sections.get(plan.section_id))
        found.append(Problem(loc, f"slide {plan.number}: its title is shortened to fit its box "
                             f"({plan.title!r}); the slide's notes give it in full", "title",
                             "a shorter title (or message), or a template whose title box is larger",
                             warning=True))
    return found


def _title_loc(brief: m.Brief, plan, figure: m.Figure | None, section: m.Section | None):
    """Where a slide's title is written (a translation's, in its edition): the figure's
    ``message:``, ``caption:`` (its first sentence) or ``title:``, whichever the slide shows; the
    table it captions; the section's ``title:`` (a figure beside the key points too); or
    brief.yaml's ``title:`` for the title slide."""
    if figure is not None and plan.kind == "figure":
        from .story import figure_message

        key = "message" if figure.message else "caption" if figure_message(figure) else "title"
        return figure.at(key)
    if section is None:
        return brief.meta.at("title") if plan.kind == "title" else brief.meta.loc
    if plan.kind == "table":
        table = next((b for b in m.walk(section.blocks) if isinstance(b, m.Table) and b.number
                      and b.label == plan.label), None)
        if table is not None:
            return table.loc
    return section.at("title") if plan.full_title == section.title else section.loc
