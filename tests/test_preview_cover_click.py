"""A click on the preview's cover opens the line of ``brief.yaml`` that wrote what was clicked:
the title, the subtitle, an author, the organisation (not the file's first line)."""

from __future__ import annotations

from deckgen.build.options import BuildOptions
from deckgen.build.pipeline import build
from deckgen.preview.opener import Opener
from helpers import point_of

BRIEF = """\
date: 2026-01-15
organisation: Institute for Coastal Studies
title: Harbours under pressure
subtitle: What rising freight means for small ports
authors:
  - name: Test Unit
    role: Analyst
sections: [one]
references:
  - id: doe2020
    author: Doe, Jane
    title: A Book
    year: 2020
"""


def test_a_click_on_the_cover_opens_the_key_that_wrote_it(make_project, minimal_files):
    project = make_project({**minimal_files, "source/brief.yaml": BRIEF})
    pdf = build(project, BuildOptions(formats=("pdf",))).outputs["pdf"].read_bytes()
    opener = Opener(project, None, list)
    opener.built(pdf)

    def where(text: str) -> str:
        page, x, y = point_of(pdf, text)
        assert page == 0, f"{text!r} is not on the cover"
        return opener({"kind": "page", "index": page, "x": x, "y": y})["where"]

    assert where("Harbours under pressure") == "source/brief.yaml:3:1"
    assert where("What rising freight") == "source/brief.yaml:4:1"
    assert where("Test Unit") == "source/brief.yaml:5:1"
    assert where("Institute for Coastal Studies") == "source/brief.yaml:2:1"
