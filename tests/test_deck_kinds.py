"""Each slide kind and each chart-drawn figure kind is declared once and can be drawn: the
writer's table has a drawer for every slide kind, every native figure kind names a chart style
the deck has, and the theme reads the slide kinds from the registry without the planner."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from deckgen.deck.charts import STYLES
from deckgen.deck.slides import DEFAULT_GEOMETRY, LAYOUTS, SLIDE_KINDS
from deckgen.deck.writer import DRAWERS
from deckgen.figures.kinds import KINDS


def test_every_slide_kind_has_a_drawer_a_layout_and_default_areas():
    assert set(DRAWERS) == set(SLIDE_KINDS) == set(LAYOUTS) == set(DEFAULT_GEOMETRY.areas)
    for name, kind in SLIDE_KINDS.items():
        assert kind.slide.kind == name
        assert dataclasses.is_dataclass(kind.slide) and kind.slide.__dataclass_params__.frozen


def test_every_native_figure_kind_names_a_chart_style():
    for kind in KINDS.values():
        assert (kind.chart_style in STYLES) == kind.native, kind.name


def test_the_theme_reads_the_slide_kinds_without_the_planner_or_python_pptx():
    code = ("import sys, deckgen.theme; print(sorted(m for m in sys.modules if m.startswith("
            "('deckgen.deck', 'pptx'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "['deckgen.deck', 'deckgen.deck.geometry', 'deckgen.deck.slides']"
