"""Citations: Pandoc's syntax, bibliography files, CSL styles and their errors, as the author sees
them in the PDF and in the messages of ``deckgen check``."""

from __future__ import annotations

import textwrap

import pytest
from pypdf import PdfReader

from helpers import pdf_text, run

BRIEF = """
title: Citing brief
date: 2026-01-15
authors:
  - name: Test Unit
sections: [one]
bibliography: [refs.bib, more.json]
"""
BIB = """
@book{doe2020,
  author = {Doe, Jane},
  title = {A Book},
  publisher = {Press},
  year = {2020},
}

@article{roe2019,
  author = {Roe, Richard and Poe, Edgar},
  title = {An Article},
  journaltitle = {Journal of Things},
  volume = {12},
  number = {3},
  pages = {45--67},
  date = {2019},
  doi = {10.1000/xyz123},
}

@online{web2024,
  author = {{World Bank}},
  title = {Trade Data},
  url = {https://example.org/data},
  urldate = {2025-03-01},
  date = {2024},
}
"""
JSON = """[{"id": "kim2021", "type": "report", "author": [{"family": "Kim", "given": "Min"}],
  "title": "A Report", "publisher": "Institute", "issued": {"date-parts": [[2021]]}}]
"""
SECTION = """
---
title: The only section
---
Narrative @kim2021 comes first. Plain [@doe2020]. Page [@doe2020, p. 12].
Range [@roe2019, pp. 12–15]. Two [see @doe2020, ch. 2; @roe2019]. Suppressed [-@web2024].
"""
FORMS = {  # each form of the section above as Chicago author-date sets it
    "narrative @kim2021": "Narrative Kim (2021) comes first.",
    "[@doe2020]": "Plain (Doe 2020).",
    "[@doe2020, p. 12]": "Page (Doe 2020, 12).",
    "[@roe2019, pp. 12–15]": "Range (Roe and Poe 2019, 12–15).",
    "[see @doe2020, ch. 2; @roe2019]": "Two (see Doe 2020, chap. 2; Roe and Poe 2019).",
    "[-@web2024]": "Suppressed (2024).",
}


def files(brief: str = BRIEF, section: str = SECTION, **more) -> dict[str, str]:
    out = {"source/brief.yaml": brief, "source/refs.bib": BIB, "source/more.json": JSON,
           "source/sections/one.md": section, **more}
    return {name: textwrap.dedent(text).lstrip("\n") for name, text in out.items()}


def problems(make_project, capsys, *options, **changed) -> tuple[int, list[str]]:
    """``deckgen check``'s exit code and its located lines (the source excerpts left out)."""
    project = make_project(files(**changed))
    code, _out, err = run(capsys, "check", str(project.root), *options)
    return code, [line for line in err.splitlines() if line.startswith("source/")
                  and "has no key points" not in line]  # sections here have none, by design


def built(make_project, capsys, **changed):
    project = make_project(files(**changed))
    code, _, err = run(capsys, "build", str(project.root), "--only", "pdf", "--quiet")
    assert code == 0, err
    return project


def flat(text: str) -> str:
    return " ".join(text.replace("\u2010\n", "").split())


# ---- the syntax, in the PDF --------------------------------------------------------------------

def test_every_citation_form_is_set_in_the_style(make_project, capsys):
    project = built(make_project, capsys)
    text = flat(pdf_text(project))
    assert [form for form, shown in FORMS.items() if shown not in text] == []
    assert "@" not in text.split("The only section", 1)[1].split("References")[0]


def test_the_reference_list_follows_chicago_author_date(make_project, capsys):
    text = flat(pdf_text(built(make_project, capsys)))
    entries = text.split("References")[-1]
    expected = ["Doe, Jane. 2020. A Book. Press.", "Kim, Min. 2021. A Report. Institute.",
                "Roe, Richard, and Edgar Poe. 2019. “An Article.” Journal of Things 12 (3): 45–67.",
                "World Bank. 2024. “Trade Data.” https://example.org/data."]
    assert [e for e in expected if e not in entries] == []
    assert [entries.index(e) for e in expected] == sorted(entries.index(e) for e in expected)


def test_dois_and_urls_are_links_in_the_pdf(make_project, capsys):
    project = built(make_project, capsys)
    (path,) = project.build_dir.glob("*.pdf")
    uris = {annot.get_object()["/A"].get("/URI") for page in PdfReader(path).pages
            for annot in page.get("/Annots", []) if "/A" in annot.get_object()}
    assert {"https://doi.org/10.1000/xyz123", "https://example.org/data"} <= uris


def test_ieee_numbers_works_in_the_order_first_cited(make_project, capsys):
    project = built(make_project, capsys, brief=BRIEF + "csl: ieee\n")
    text = flat(pdf_text(project))
    assert "Narrative Kim [1] comes first. Plain [2]. Page [2, p. 12]." in text
    assert "Range [3, pp. 12–15]. Two see [2, Ch. 2], [3]. Suppressed [4]." in text
    entries = text.split("References")[-1]
    assert entries.index("[1] M. Kim") < entries.index("[2] J. Doe") < entries.index("[3] R. Roe") \
        < entries.index("[4] World Bank")
    assert "1. [1]" not in entries and "1.[1]" not in entries


def test_a_note_style_sets_citations_as_footnotes(make_project, capsys):
    project = built(make_project, capsys, brief=BRIEF + "csl: chicago-note-bibliography\n")
    text = flat(pdf_text(project))
    assert "Plain (Doe" not in text
    assert "Plain.2 Page.3" in text  # each mark after the full stop, as Pandoc places notes
    assert "Narrative Kim" in text and "Narrative Kim (" not in text  # the authors, a note
    assert "A Report (Institute, 2021)." in text  # the first note: the full form, as Pandoc
    assert "Min Kim, A Report" not in text  # sets it after the authors named in the text
    assert "Doe, A Book, 12." in text  # later ones: the short form
    assert "Bibliography" in text and "Doe, Jane. A Book. Press, 2020." in text


def test_a_repeated_article_s_short_note_names_no_empty_field(make_project, capsys):
    section = SECTION + "\nAgain [@roe2019, p. 50].\n"
    project = built(make_project, capsys, brief=BRIEF + "csl: chicago-note-bibliography\n",
                    section=section)
    text = flat(pdf_text(project))
    assert "Roe and Poe, “An Article,” 50." in text
    assert "edition" not in text


# ---- messages ------------------------------------------------------------------------------------

def test_a_bracketed_unknown_key_is_an_error_with_a_did_you_mean(make_project, capsys):
    code, lines = problems(make_project, capsys,
                           section=SECTION.replace("[@doe2020]", "[@doe2021]"))
    assert code == 1
    assert lines == [("source/sections/one.md:4:1: citation: citation '@doe2021' is not in the "
                     "references (did you mean 'doe2020'?)")]


def test_a_bracketed_key_close_to_none_is_an_error(make_project, capsys):
    code, lines = problems(make_project, capsys,
                           section=SECTION.replace("[@doe2020]", "[@zzz]"))
    assert code == 1
    assert lines == [("source/sections/one.md:4:1: citation: citation '@zzz' is not in the "
                     "references (a key from the bibliography files or brief.yaml references)")]


def test_a_narrative_key_close_to_a_key_is_an_error(make_project, capsys):
    code, lines = problems(make_project, capsys,
                           section=SECTION.replace("@kim2021", "@kim2012"))
    assert code == 1
    assert lines == ["source/more.json:1:1: warning: references: reference 'kim2021' is never cited",
                     ("source/sections/one.md:4:1: citation: citation '@kim2012' is not in the "
                     "references (did you mean 'kim2021'?)")]


def test_an_at_word_that_is_no_key_is_a_warning_and_printed_as_text(make_project, capsys):
    section = SECTION + "\nWrite to @support or a@example.org; `@code` stays.\n"
    code, lines = problems(make_project, capsys, section=section)
    assert code == 0
    assert lines == [("source/sections/one.md:7:1: warning: citation: '@support' is not a citation "
                     "key; printed as text (@key with a key from the bibliography files or "
                     "brief.yaml references)")]
    code, _ = problems(make_project, capsys, "--strict", section=section)
    assert code == 1
    text = flat(pdf_text(built(make_project, capsys, section=section)))
    assert "Write to @support or a@example.org; @code stays." in text


def test_an_uncited_entry_is_a_warning_at_its_line(make_project, capsys):
    code, lines = problems(make_project, capsys, section=SECTION.replace(" Suppressed [-@web2024].", ""))
    assert code == 0
    assert lines == ["source/refs.bib:19:1: warning: references: reference 'web2024' is never cited"]


def test_a_key_in_two_files_is_an_error_naming_both(make_project, capsys):
    json = JSON.replace('"kim2021"', '"doe2020"')
    code, lines = problems(make_project, capsys, **{"source/more.json": json})
    assert code == 1
    assert "source/more.json:1:1: references: reference key 'doe2020' is already used at " \
           "source/refs.bib:1:1 (each key once)" in lines


def test_the_same_work_under_two_keys_is_merged_with_a_warning(make_project, capsys):
    bib = BIB + "\n@book{doe2020a,\n  author = {Doe, Jane},\n  title = {A book},\n  year = 2020,\n}\n"
    section = SECTION + "\nAgain [@doe2020a].\n"
    code, lines = problems(make_project, capsys, section=section, **{"source/refs.bib": bib})
    assert code == 0
    assert lines == [("source/refs.bib:27:1: warning: references: reference 'doe2020a' repeats "
                     "'doe2020' at source/refs.bib:1:1; merged into one entry")]
    text = flat(pdf_text(built(make_project, capsys, section=section, **{"source/refs.bib": bib})))
    assert "Again (Doe 2020)." in text and text.count("Doe, Jane. 2020. A Book.") == 1


def test_an_unknown_style_name_is_an_error_with_a_did_you_mean(make_project, capsys):
    code, lines = problems(make_project, capsys, brief=BRIEF + "csl: chicago-author\n")
    assert code == 1
    assert lines == [("source/brief.yaml:7:6: csl: unknown citation style 'chicago-author' "
                     "(did you mean 'chicago-author-date'?)")]


@pytest.mark.parametrize("name", ["../outside.csl", "/etc/style.csl"])
def test_a_style_file_outside_the_project_is_refused(make_project, capsys, name):
    code, lines = problems(make_project, capsys, brief=BRIEF + f"csl: {name}\n",
                           **{"outside.csl": "<style/>"})
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("source/brief.yaml:7:6: csl: "), lines
    assert "outside" in lines[0] or "absolute" in lines[0] or "under source/" in lines[0], lines


def test_a_bib_entry_that_does_not_parse_is_an_error_at_its_line(make_project, capsys):
    bib = BIB + "\n@book{broken,\n  author = {Doe,\n  title = A Book\n"
    code, lines = problems(make_project, capsys, **{"source/refs.bib": bib})
    assert code == 1
    assert lines == [("source/refs.bib:27:1: bibliography: this BibTeX entry could not be read "
                     "(@type{key, field = {value}, ...})")]


# ---- the deck ------------------------------------------------------------------------------------

def test_the_references_slide_follows_the_style_without_numbers_of_its_own(make_project, capsys):
    from pptx import Presentation

    project = make_project(files(brief=BRIEF + "csl: ieee\n"))
    code, _, err = run(capsys, "build", str(project.root), "--only", "pptx", "--quiet")
    assert code == 0, err
    (path,) = project.build_dir.glob("*.pptx")
    (slide,) = [s for s in Presentation(path).slides
                if any(sh.has_text_frame and sh.text_frame.text == "References" for sh in s.shapes)]
    (body,) = [[p for p in sh.text_frame.paragraphs if p.text] for sh in slide.shapes
               if sh.has_text_frame and sh.text_frame.text.startswith("[1]")]
    assert [p.text[:9] for p in body] == ["[1] M. Ki", "[2] J. Do", "[3] R. Ro", "[4] World"]
    assert not any(p._p.xpath(".//a:buAutoNum") for p in body)


# ---- key points and the deck ---------------------------------------------------------------------

POINTS = """
---
title: The only section
key_points:
  - Trade fell by half [@doe2020, p. 12].
  - As @kim2021 shows, cooperation pays [see @roe2019; @web2024].
  - A point that cites nothing.
---
Narrative @kim2021 comes first. Plain [@doe2020].
"""


def built_deck(make_project, capsys, **changed):
    from pptx import Presentation

    project = make_project(files(**changed))
    code, _, err = run(capsys, "build", str(project.root), "--only", "pptx", "--quiet")
    assert code == 0, err
    (path,) = project.build_dir.glob("*.pptx")
    return Presentation(path)


def shapes_of(slide) -> dict[str, str]:
    return {shape.name: shape.text_frame.text for shape in slide.shapes if shape.has_text_frame}


def test_a_key_point_s_citation_is_shown_in_the_style_with_a_source_line(make_project, capsys):
    deck = built_deck(make_project, capsys, section=POINTS)
    slide = next(s for s in deck.slides if shapes_of(s).get("Title") == "The only section")
    shown = shapes_of(slide)
    assert shown["Body"].splitlines() == [
        "Trade fell by half (Doe 2020, 12).",
        "As Kim (2021) shows, cooperation pays (see Roe and Poe 2019; World Bank 2024).",
        "A point that cites nothing."]
    assert shown["Source"] == ("Sources: (Doe 2020, 12); Kim (2021); "
                               "(see Roe and Poe 2019; World Bank 2024)")
    notes = slide.notes_slide.notes_text_frame.text
    assert notes.endswith("References: Doe, Jane. 2020. A Book. Press. Kim, Min. 2021. A Report. "
                          "Institute. Roe, Richard, and Edgar Poe. 2019. “An Article.” Journal of "
                          "Things 12 (3): 45–67. https://doi.org/10.1000/xyz123. World Bank. 2024. "
                          "“Trade Data.” https://example.org/data.")


def test_key_point_citations_follow_a_numeric_style(make_project, capsys):
    deck = built_deck(make_project, capsys, section=POINTS, brief=BRIEF + "csl: ieee\n")
    slide = next(s for s in deck.slides if shapes_of(s).get("Title") == "The only section")
    assert shapes_of(slide)["Body"].splitlines()[:2] == [
        "Trade fell by half [2, p. 12].", "As Kim [1] shows, cooperation pays see [3], [4]."]


def test_a_slide_without_citations_has_no_source_line(make_project, capsys):
    deck = built_deck(make_project, capsys)
    assert all("Source" not in shapes_of(s) for s in deck.slides)


def test_an_unknown_key_in_a_key_point_is_an_error_at_the_point(make_project, capsys):
    section = POINTS.replace("[@doe2020, p. 12]", "[@dow2020, p. 12]")
    code, lines = problems(make_project, capsys, section=section)
    assert code == 1
    assert lines == [("source/sections/one.md:4:5: citation: citation '@dow2020' is not in the "
                      "references (did you mean 'doe2020'?)")]


def test_a_work_cited_only_in_a_key_point_counts_as_cited(make_project, capsys):
    section = POINTS.replace("Plain [@doe2020].", "")
    code, lines = problems(make_project, capsys, section=section)
    assert code == 0 and not any("doe2020" in line for line in lines)


def test_check_reports_a_key_point_citation_missing_from_its_slide(make_project):
    import dataclasses

    from deckgen.deck.parity import parity_problems
    from deckgen.deck.plan import plan_slides
    from deckgen.load.loader import load_project
    from deckgen.theme import load_theme

    project = make_project(files(section=POINTS))
    brief = load_project(project.root)
    plans = plan_slides(brief, load_theme(project.template_file("theme.yaml")))
    assert parity_problems(brief, plans) == []
    dropped = [dataclasses.replace(p, caption=p.caption.replace("Kim (2021); ", ""))
               if p.kind == "points" else p for p in plans]
    assert [(str(p.loc), p.message) for p in parity_problems(brief, dropped)] == [
        ("source/sections/one.md:5:5", ("the citation Kim (2021) of key point 2 ('@kim2021') "
                                        "would not appear on its slide"))]


def test_reference_slides_set_entries_without_bullet_markers(make_project, capsys):
    from pptx.oxml.ns import qn

    deck = built_deck(make_project, capsys)
    slide = next(s for s in deck.slides if shapes_of(s).get("Title") == "References")
    body = next(shape for shape in slide.shapes if shape.name == "Body")
    paragraphs = body.text_frame.paragraphs
    assert len(paragraphs) == 4
    assert all(p._p.pPr.find(qn("a:buNone")) is not None and p._p.pPr.find(qn("a:buChar")) is None
               for p in paragraphs)
