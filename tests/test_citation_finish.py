"""Citations as an author sees them finished: titles cased as the style says (BibTeX's braced
words kept), the key takeaways' citations linked to their entry in the PDF, and a note style's
narrative citation in a key point."""

from __future__ import annotations

import textwrap

import pytest

from deckgen.load.loader import load_project

BIB = """
@book{sec2020,
  author = {Doe, Jane},
  title = {Security in {East Asia}: the Role of NATO and the {de Gaulle} Legacy in the {iPhone} Era},
  publisher = {Press},
  year = {2020},
}

@book{fr2020,
  author = {Roe, Rich},
  title = {La Politique Étrangère},
  langid = {french},
  publisher = {Press},
  year = {2020},
}

@report{kim2020,
  author = {Kim, Min},
  title = {A Report on Fisheries},
  institution = {Institute},
  date = {2020},
}
"""


def brief_files(style: str, section: str, language: str = "en") -> dict[str, str]:
    out = {
        "source/brief.yaml": f"""
            title: Finished brief
            date: 2026-01-15
            language: {language}
            authors:
              - name: Test Unit
            sections: [one]
            bibliography: refs.bib
            csl: {style}
            """,
        "source/refs.bib": BIB,
        "source/sections/one.md": section,
    }
    return {name: textwrap.dedent(text).lstrip("\n") for name, text in out.items()}


ALL = """
---
title: The only section
---
Works [@sec2020; @fr2020; @kim2020].
"""


@pytest.mark.parametrize(("style", "entry"), [
    ("apa", ("Doe, J. (2020). Security in East Asia: The role of NATO and the de Gaulle legacy "
             "in the iPhone era. Press.")),
    ("chicago-author-date", ("Doe, Jane. 2020. Security in East Asia: The Role of NATO and the "
                             "de Gaulle Legacy in the iPhone Era. Press.")),
    ("ieee", ("[1] J. Doe, Security in East Asia: The role of NATO and the de Gaulle legacy in "
              "the iPhone era. Press, 2020.")),
])
def test_an_english_title_is_cased_by_the_style_and_braced_words_keep_theirs(make_project, style,
                                                                               entry):
    brief = load_project(make_project(brief_files(style, ALL)).root)
    assert {r.id: r.text for r in brief.references}["sec2020"] == entry


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_a_title_in_another_language_keeps_its_case(make_project, style):
    brief = load_project(make_project(brief_files(style, ALL)).root)
    assert "La Politique Étrangère." in {r.id: r.text for r in brief.references}["fr2020"]
