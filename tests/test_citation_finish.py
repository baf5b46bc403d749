"""Citations as an author sees them finished: titles cased as the style says (BibTeX's braced
words kept), the key takeaways' citations linked to their entry in the PDF, and a note style's
narrative citation in a key point."""

from __future__ import annotations

import textwrap

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckgen.load.loader import load_project
from helpers import run

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
    entries = {r.id: r.text for r in brief.references}
    assert entries["sec2020"] == entry
    assert "La Politique Étrangère." in entries["fr2020"]  # langid french: kept as written


POINTS = """
---
title: The only section
key_points:
  - "As @kim2020 shows, fisheries matter [@sec2020, p. 4]."
  - Second point [see @kim2020].
---
First [@kim2020]. Then as @kim2020 argues, [@sec2020; @fr2020].
"""


def build(make_project, capsys, style: str, *only: str):
    project = make_project(brief_files(style, POINTS))
    code, _, err = run(capsys, "build", str(project.root), "--quiet",
                       *[a for o in only for a in ("--only", o)])
    assert code == 0, err
    return project


def takeaways_page(project):
    (path,) = project.build_dir.glob("*.pdf")
    return next(p for p in PdfReader(path).pages if "Key takeaways" in p.extract_text())


def links(page) -> list[str]:
    """The internal destinations the page's links go to, in order."""
    return [str(a.get_object().get("/Dest")) for a in page.get("/Annots", [])
            if a.get_object().get("/Dest") is not None]


def test_citations_in_the_key_takeaways_link_to_their_entries(make_project, capsys):
    page = takeaways_page(build(make_project, capsys, "chicago-author-date", "pdf"))
    assert "As Kim (2020) shows, fisheries matter (Doe 2020, 4)." in flat(page.extract_text())
    assert [d for d in links(page) if d.startswith("ref-")] == ["ref-kim2020", "ref-sec2020"]


def test_a_numeric_style_s_takeaways_link_their_numbers(make_project, capsys):
    page = takeaways_page(build(make_project, capsys, "ieee", "pdf"))
    assert "As Kim [1] shows, fisheries matter [2, p. 4]." in flat(page.extract_text())
    assert [d for d in links(page) if d.startswith("ref-")] == ["ref-kim2020", "ref-sec2020"]


def test_a_note_style_narrative_citation_names_the_author_with_a_footnote(make_project, capsys):
    project = build(make_project, capsys, "chicago-note-bibliography")
    text = flat(takeaways_page(project).extract_text())
    assert "As Kim1 shows, fisheries matter.2" in text  # the authors in the text; notes
    assert "1. A Report on Fisheries." in text  # a narrative citation's note: no author
    assert "2. Doe, Security in East Asia" in text and "(Kim" not in text
    slide = next(s for s in Presentation(next(project.build_dir.glob("*.pptx"))).slides
                 if any("fisheries matter" in sh.text_frame.text for sh in s.shapes
                        if sh.has_text_frame))
    shown = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "As Kim (A Report on Fisheries) shows, fisheries matter (Doe, Security in East " \
           "Asia: The Role of NATO and the de Gaulle Legacy in the iPhone Era, 4)." in shown
    assert "(Kim, A Report" not in shown


def test_a_note_style_narrative_citation_in_the_text_is_set_as_pandoc_sets_it(make_project):
    brief = load_project(make_project(brief_files("chicago-note-bibliography", POINTS)).root)
    texts = [text for _, _, text in sorted(brief.bibliography.citations)][:3]
    assert texts == ["Min Kim, A Report on Fisheries (Institute, 2020).",
                     "Kim (A Report on Fisheries)",
                     ("Jane Doe, Security in East Asia: The Role of NATO and the de Gaulle Legacy "
                      "in the iPhone Era (Press, 2020); Rich Roe, La Politique Étrangère (Press, "
                      "2020).")]


def flat(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").split())
