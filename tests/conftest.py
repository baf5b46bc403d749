"""Shared fixtures: the example project built once, and small projects made from text."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from deckgen.build.pipeline import BuildOptions, build
from deckgen.project import Project

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example brief (a copy of source/) built into a temporary project: its original, in
    English (its other editions are test_editions.py's)."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "source", root / "source")
    result = build(Project.at(root), BuildOptions(edition="en"))
    return result


@pytest.fixture
def make_project(tmp_path):
    """Write ``{relative path: text}`` under a new project folder and return the Project."""

    def make(files: dict[str, str]) -> Project:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return Project.at(tmp_path)

    return make


MINIMAL = {
    "source/brief.yaml": """
        title: A minimal brief
        date: 2026-01-15
        authors:
          - name: Test Unit
        sections: [one]
        references:
          - id: doe2020
            author: Doe, Jane
            title: A Book
            year: 2020
        """,
    "source/sections/one.md": """
        ---
        title: The only section
        key_points:
          - One point worth making.
        ---
        Some prose citing [@doe2020], see @fig:chart.

        ![](fig:chart)
        """,
    "source/figures/chart.yaml": """
        kind: column
        title: A chart
        alt: Two columns, 1 and 2.
        source: Test data
        data:
          categories: [a, b]
          series:
            - name: Values
              values: [1, 2]
        """,
}


@pytest.fixture
def minimal_files():
    """A small valid project as ``{path: text}``, ready to be broken by a test."""
    return {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}


def write_deck(slides, brief, theme, figure_pngs, template=None) -> bytes:
    """The deck of ``slides`` as .pptx bytes, with the brief's file properties: what the deck's
    job does (plan, then draw), for tests that plan the slides themselves."""
    from deckgen.deck.plan import deck_plan
    from deckgen.deck.writer import draw_deck

    return draw_deck(deck_plan(brief, slides), theme, figure_pngs, template)
