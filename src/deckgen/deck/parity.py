"""The brief and the deck never disagree: every key point of the brief appears in the planned
deck, in its own section's slides (whole, or split over continuation slides in order), and
every figure appears on a figure slide, a native chart showing exactly the figure's numbers
(missing values missing alike) in the figure's number format, and every numbered table on its
table slides, each row once and in order, the header on every one of them.

``deckgen check`` runs :func:`parity_problems` on the plan; the tests run :func:`missing_points`
on the text read back from the built PDF and deck.
"""

from __future__ import annotations

import re
import unicodedata

from .. import model as m
from ..errors import Problem
from ..figures.kinds import KINDS
from ..figures.numbers import NumberFormat, chart_format, figure_format
from .slides import ChartData, Slide

# Removed before comparing: whitespace (line breaks differ), hyphens and soft hyphens (the PDF
# hyphenates), and the ellipsis marking a bullet split mid-sentence over slides.
_IGNORED = re.compile(r"[\s\u00ad\u2010\u2011\-…]+")


def comparable(text: str) -> str:
    """``text`` reduced to what must match between brief and deck."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text))


def parity_problems(brief: m.Brief, plans: list[Slide]) -> list[Problem]:
    """Problems for each key point or figure of the brief the deck would not show as it is."""
    return (_key_point_problems(brief, plans) + _figure_problems(brief, plans)
            + _table_problems(brief, plans) + _key_figure_problems(brief, plans))


def _key_figure_problems(brief: m.Brief, plans: list[Slide]) -> list[Problem]:
    """Each key figure's value and label, whole and as written, on its section's key-figure
    slides."""
    problems = []
    for section in brief.deck_sections:
        shown = [(comparable(n.value), comparable(n.label)) for plan in plans
                 if plan.kind == "key_figures" and plan.section_id == section.id
                 for n in plan.numbers]
        for index, figure in enumerate(section.key_figures):
            if (comparable(figure.value), comparable(figure.label)) not in shown:
                problems.append(Problem(figure.loc, f"key figure {figure.value!r} would not appear "
                                        "in full on a slide", f"key_figures.{index}",
                                        "a shorter value or label"))
    return problems


def _key_point_problems(brief: m.Brief, plans: list[Slide]) -> list[Problem]:
    problems = []
    for section in brief.deck_sections:
        slides = [plan for plan in plans if plan.section_id == section.id
                  and plan.kind in ("points", "recommendations", "two_content")]
        shown = comparable("".join(text for plan in slides for text in plan.texts))
        sources = comparable("".join(plan.caption for plan in slides))
        for index, point in enumerate(section.key_points):
            if comparable(point) not in shown:
                loc = section.point_locs[index] if index < len(section.point_locs) else section.loc
                problems.append(Problem(loc, f"key point {index + 1} would not appear in "
                                        "the deck as written", "key_points"))
        problems += _citation_problems(section, shown, sources)
    return problems


def _citation_problems(section: m.Section, shown: str, sources: str) -> list[Problem]:
    """A citation in a key point that the section's slides would not show, in the bullet and in
    the source line."""
    problems = []
    for index, cites in enumerate(section.point_cites):
        loc = section.point_locs[index] if index < len(section.point_locs) else section.loc
        for keys, text in cites:
            if comparable(text) not in shown or comparable(text) not in sources:
                problems.append(Problem(loc, f"the citation {text} of key point {index + 1} "
                                        f"('@{keys[0]}') would not appear on its slide",
                                        "key_points"))
    return problems


def _figure_problems(brief: m.Brief, plans: list[Slide]) -> list[Problem]:
    slides = {plan.figure_id: plan for plan in plans if plan.kind in ("figure", "two_content")}
    problems = []
    placed = {b.figure_id for s in brief.deck_sections for b in m.walk(s.blocks)
              if isinstance(b, m.FigureBlock)}
    for figure in (f for f in brief.figures if f.id in placed):
        plan = slides.get(figure.id)
        if plan is None:
            problems.append(Problem(figure.loc, f"figure '{figure.id}' would not appear in the deck"))
        elif KINDS[figure.kind].native and not shows_data(plan.chart, figure):
            problems.append(Problem(figure.loc, f"figure '{figure.id}': the deck's chart would not "
                                    "show the figure's own categories and numbers"))
    return problems


def _table_problems(brief: m.Brief, plans: list[Slide]) -> list[Problem]:
    from ..load.markdown import plain_text

    problems = []
    for section in brief.deck_sections:
        for table in (b for b in m.walk(section.blocks) if isinstance(b, m.Table) and b.number):
            parts = [p.table for p in plans if p.kind == "table" and p.label == table.label]
            header = tuple(plain_text(c, brief).strip() for c in table.header)
            # column by column, so that a row cut over two slides reads the same
            columns = range(max([len(header)] + [len(row) for row in table.rows]))
            rows = [comparable("".join(plain_text(row[c], brief) for row in table.rows if c < len(row)))
                    for c in columns]
            shown = [comparable("".join(row[c] for part in parts for row in part.rows if c < len(row)))
                     for c in columns]
            if not parts or any(part.header[:len(header)] != header for part in parts) or shown != rows:
                problems.append(Problem(table.loc, f"{table.label} would not appear in the deck "
                                        "as written", "table"))
    return problems


def shows_data(chart: ChartData | None, figure: m.Figure) -> bool:
    """Whether ``chart`` is of ``figure``'s kind and shows its categories, its x values and its
    series (each name, colour and every value in order, a missing value missing there too),
    written in the figure's number format, read from the figure's own fields."""
    if chart is None or chart.kind != figure.kind or tuple(chart.categories) != tuple(figure.categories):
        return False
    if tuple(chart.x_values) != tuple(figure.x_values) or chart.options != figure.options:
        return False
    if _format(chart) != figure_format(figure):
        return False
    colours = tuple(chart.colours) or ("",) * len(chart.series)
    return len(chart.series) == len(figure.series) == len(colours) and all(
        name == series.name and tuple(values) == tuple(series.values) and colour == series.colour
        for (name, values), colour, series in zip(chart.series, colours, figure.series))


def _format(chart: ChartData) -> NumberFormat:
    """The number format the deck's chart writes its values in (see deckgen.deck.charts)."""
    return chart_format(chart.options.number_format, (v for _, values in chart.series for v in values))


def missing_points(brief: m.Brief, text: str) -> list[str]:
    """The key points of ``brief`` that ``text`` (an output read back) does not contain."""
    haystack = comparable(text)
    return [point for point in brief.key_points if comparable(point) not in haystack]
