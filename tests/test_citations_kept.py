"""Citations formatted once per set of inputs: a reload in the same process (``deckgen watch``)
reuses the last formatting only when the works, the citations, the style and the language are
the same, and shows every change to any of them."""

from __future__ import annotations

from pathlib import Path

from deckgen.build.pipeline import load
from deckgen.cite import render
from deckgen.cite.catalogue import bundled_path

BRIEF = """
title: Citing brief
date: 2026-01-15
authors:
  - name: Test Unit
sections: [one]
bibliography: [refs.bib]
csl: own.csl
"""
BIB = """
@book{doe2020, author = {Doe, Jane}, title = {A Book}, publisher = {Press}, year = {2020}}
@book{roe2019, author = {Roe, Richard}, title = {Another Book}, publisher = {Press}, year = {2019}}
"""
SECTION = """
---
title: The only section
---
First [@doe2020], then [@roe2019]. Some prose.
"""


def cited(project) -> list[str]:
    """The text of each citation of the brief, in reading order."""
    brief = load(project)[0]
    return [text for _, _, text in sorted(brief.bibliography.citations)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_reload_formats_again_exactly_when_an_input_of_the_citations_changed(make_project, monkeypatch):
    style = Path(bundled_path("ieee")).read_text(encoding="utf-8")
    project = make_project({"source/brief.yaml": BRIEF, "source/refs.bib": BIB,
                            "source/own.csl": style,
                            "source/sections/one.md": SECTION.lstrip()})
    formatted = []
    original = render._render
    monkeypatch.setattr(render, "_render", lambda *args: formatted.append(1) or original(*args))
    monkeypatch.setattr(render, "_kept", type(render._kept)())
    section = project.source / "sections" / "one.md"

    assert cited(project) == ["[1]", "[2]"] and len(formatted) == 1
    edit(section, "Some prose.", "Other prose.")  # the citations' inputs unchanged: kept
    assert cited(project) == ["[1]", "[2]"] and len(formatted) == 1

    edit(section, "First [@doe2020], then [@roe2019]", "First [@roe2019], then [@doe2020]")
    assert cited(project) == ["[1]", "[2]"] and len(formatted) == 2
    assert [r.id for r in load(project)[0].references] == ["roe2019", "doe2020"]  # renumbered

    edit(project.source / "own.csl", style,
         Path(bundled_path("chicago-author-date")).read_text(encoding="utf-8"))  # the same file name
    assert cited(project) == ["(Roe 2019)", "(Doe 2020)"] and len(formatted) == 3

    edit(project.source / "refs.bib", "year = {2020}", "year = {2021}")
    assert cited(project) == ["(Roe 2019)", "(Doe 2021)"] and len(formatted) == 4

    edit(project.source / "brief.yaml", "csl: own.csl", "csl: own.csl\nlanguage: de")
    german = cited(project)
    assert len(formatted) == 5 and german[0].startswith("(Roe 2019")

    edit(section, "Other prose.", "Some prose.")  # back to an earlier set of inputs: kept
    assert cited(project) == german and len(formatted) == 5
