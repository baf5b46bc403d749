"""The PDF's charts read right to left in a right-to-left brief, as its deck's charts do.

In an Arabic brief the column chart's first category stands at the right and its value axis
(ticks and title) at the right; a bar chart's bars grow to the left; the same figure in English
stays left to right. Read from the positions of the SVG's text, as WeasyPrint draws it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from deckgen.build.pipeline import load
from deckgen.figures.drawing import render_svg
from helpers import write_project
from language_projects import project_files

TEXT = re.compile(r'<text [^>]*?x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>')


def positions(tmp_path: Path, language: str, kind: str = "column") -> dict[str, tuple[float, float]]:
    """{text: (x, y)} of the trade figure drawn for the PDF, in ``language``'s brief."""
    project = write_project(tmp_path, project_files(language))
    brief, theme, _ = load(project)
    figure = dataclasses.replace(brief.figures[0], kind=kind)
    svg = render_svg(figure, theme).decode()
    return {text: (float(x), float(y)) for x, y, text in TEXT.findall(svg)}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_column_chart_reads_in_the_briefs_direction(tmp_path, language):
    at = positions(tmp_path, language)
    first, second, top_tick = at["2021"][0], at["2022"][0], at["2,000"][0]
    if language == "ar":
        assert first > second  # the first category at the right
        assert top_tick > first  # the value axis at the right of the plot
    else:
        assert first < second
        assert top_tick < first


def test_an_arabic_bar_chart_grows_to_the_left(tmp_path):
    at = positions(tmp_path, "ar", kind="bar")
    ticks = [at[t][0] for t in ("0", "1,000", "2,000")]
    assert ticks == sorted(ticks, reverse=True), ticks  # values grow leftwards
    assert at["2021"][1] < at["2022"][1]  # the first category still at the top
    assert at["2021"][0] > ticks[0]  # the categories at the right
