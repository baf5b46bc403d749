"""The deck plans of the example and the stress case, compared as data with golden files.

``tests/cases/plans/<case>.json`` holds each case's plan (every slide's kind and fields, the
file's properties) as a build makes it: the project's own theme, the default 16:9 drawing. A
change to planning or fitting shows here as a diff of slides. When the change is meant,
regenerate the files and review their diff:

    DECKGEN_UPDATE_GOLDEN=1 pytest tests/test_golden_plans.py
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from deckgen.deck.plan import plan_deck
from deckgen.deck.slides import plan_as_data
from deckgen.load.loader import load_project
from deckgen.project import Project
from deckgen.theme import load_theme

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "cases" / "plans"
CASES = {"example": REPO, "stress": REPO / "tests" / "cases" / "stress"}
UPDATE = os.environ.get("DECKGEN_UPDATE_GOLDEN") == "1"
DIFF_LINES = 120  # lines of the diff shown when a plan differs


def planned(root: Path) -> dict:
    """The case's plan as JSON data (tuples as lists), as a build makes it."""
    project = Project.at(root)
    deck = plan_deck(load_project(project.root), load_theme(project.template_file("theme.yaml")))
    return json.loads(json.dumps(plan_as_data(deck), ensure_ascii=False))


def as_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_plan_is_the_golden_plan(case):
    path = GOLDEN / f"{case}.json"
    data = planned(CASES[case])
    if UPDATE:
        path.write_text(as_text(data), encoding="utf-8")
    assert path.exists(), f"{path} is missing: run DECKGEN_UPDATE_GOLDEN=1 pytest {__file__}"
    golden = json.loads(path.read_text(encoding="utf-8"))
    if data != golden:
        diff = list(difflib.unified_diff(as_text(golden).splitlines(), as_text(data).splitlines(),
                                         f"{path.name} (golden)", f"{case} (planned now)", lineterm=""))
        shown = "\n".join(diff[:DIFF_LINES]) + (f"\n... {len(diff) - DIFF_LINES} more lines"
                                                if len(diff) > DIFF_LINES else "")
        pytest.fail(f"the {case} deck's plan differs from {path.name}; if meant, regenerate with "
                    f"DECKGEN_UPDATE_GOLDEN=1 pytest tests/test_golden_plans.py\n{shown}", pytrace=False)
