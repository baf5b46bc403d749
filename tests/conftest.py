"""Shared fixtures: the example project built once, small projects made from text, headless Chromium."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from browser_support import CHROMIUM, DRIVER
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


@pytest.fixture
def browser():
    """Headless Chromium (Debian's) driven by Selenium, quit after the test."""
    if CHROMIUM is None or DRIVER is None:
        pytest.fail("Chromium and its driver are not installed: run scripts/setup.sh test")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def write_deck(slides, brief, theme, figure_pngs, template=None) -> bytes:
    """The deck of ``slides`` as .pptx bytes, with the brief's file properties: what the deck's
    job does (plan, then draw), for tests that plan the slides themselves."""
    from deckgen.deck.plan import deck_plan
    from deckgen.deck.writer import draw_deck

    return draw_deck(deck_plan(brief, slides), theme, figure_pngs, template)
