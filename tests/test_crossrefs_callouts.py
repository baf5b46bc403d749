"""Cross-references, numbered tables, callouts, appendices and the Markdown deckgen does not
turn into output, read where authors and readers meet them: the built PDF's text, its link
annotations and the pages they lead to, the drawn strike-through and heading styles, the deck's
slides and notes, and the exact located messages of ``deckgen check``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.cli import main
from deckgen.deck.plan import plan_slides
from deckgen.load.loader import load_project
from deckgen.project import Project
from deckgen.theme import load_theme
from helpers import write_project

REPO = Path(__file__).resolve().parents[1]


def squash(text: str) -> str:
    return " ".join(text.split())


def links(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(page of the link, its named destination, the page it leads to) for every internal link."""
    pages = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    out = []
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots", []) or []:
            dest = str(annot.get_object().get("/Dest", ""))
            if dest in pages:
                out.append((index, dest, pages[dest]))
    return out


def texts(path: Path) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(path).pages]


# ---- the example brief: a numbered table and section cross-references ------------------------

@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("xref-example")
    shutil.copytree(REPO / "source", root / "source")
    project = Project.at(root)
    build(project, BuildOptions(formats=("pdf",), edition="en"))
    (path,) = project.build_dir.glob("*.pdf")
    return path


def test_the_example_table_is_numbered_with_its_caption_above_it(example_pdf):
    pages = texts(example_pdf)
    caption = "Table 1. Obstacles to reconciliation and the openings that answer them"
    (page,) = [i for i, text in enumerate(pages) if caption in text]
    with pdfplumber.open(example_pdf) as pdf:
        words = pdf.pages[page].extract_words()
    label = next(w for w in words if w["text"] == "Table" and
                 any(v["text"] == "Obstacles" and abs(v["top"] - w["top"]) < 2 for v in words))
    header = next(w for w in words if w["text"] == "Obstacles" and w["top"] > label["top"] + 5)
    assert label["top"] < header["top"], "the caption is not above the table"
    assert "Dokdo/Takeshima sovereignty dispute" in pages[page]


def test_table_and_section_references_link_to_their_pages(example_pdf):
    pages = texts(example_pdf)
    assert "is set out in Table 1, and the recommendations in Section 7 take up" in " ".join(pages)
    assert "obstacles and openings (Section 6) before setting out four recommendations (Section 7)" \
        in " ".join(pages)
    found = {dest: (source, target) for source, dest, target in links(PdfReader(example_pdf))}
    source, target = found["tbl-obstacles"]
    assert "Table 1" in pages[source]
    assert "Table 1. Obstacles to reconciliation" in pages[target]
    _, target = found["sec-recommendations"]
    assert "7 Recommendations" in pages[target]
    _, target = found["sec-challenges"]
    assert "6 Obstacles and openings" in pages[target]


# ---- a brief that uses every construct --------------------------------------------------------

BRIEF = """
title: Constructs brief
date: 2026-01-15
authors:
  - name: Test Unit
sections: [one, two, annex]
references:
  - id: doe2020
    author: Doe, Jane
    title: A Book
    year: 2020
"""

ONE = """
---
title: First section
key_points:
  - One point worth making.
---
Prose citing [@doe2020]; the figures are in @tbl:numbers, the detail in @sec:annex and the
method in @sec:method. Words ~~struck out~~ stay visible. See [the annex](#annex).

| Year | Value |
|---|---:|
| 2020 | 1 |
| 2021 | 2 |

Table: Values by year {#tbl:numbers}

## How it was done {#method}

#### Level four heading

##### Level five heading

###### Level six heading

> [!NOTE]
> Notes hold what readers should know.

> [!TIP] Shortcut
> Tips save time.

> [!IMPORTANT]
> Important things matter.

> [!WARNING]
> Warnings warn.

> [!CAUTION]
> Caution advises care.

::: {.callout-important title="Key fact"}
Trade reached 52 billion.
:::
"""

ANNEX = """
---
title: Technical annex
kind: appendix
key_points:
  - Annex point shown only in the brief.
---
Annex prose.
"""

TWO = """
---
title: Second section
kind: recommendations
key_points:
  - Do the second thing.
---
1. **Act.** Now.
"""


def constructs(root: Path, **changes) -> Project:
    files = {"source/brief.yaml": BRIEF, "source/sections/one.md": ONE,
             "source/sections/annex.md": ANNEX, "source/sections/two.md": TWO}
    files.update(changes)
    return write_project(root, files)


@pytest.fixture(scope="module")
def constructs_pdf(tmp_path_factory) -> Path:
    project = constructs(tmp_path_factory.mktemp("constructs"))
    build(project, BuildOptions(formats=("pdf",), strict=True))
    (path,) = project.build_dir.glob("*.pdf")
    return path


def test_appendices_are_lettered_after_the_sections_and_before_the_references(constructs_pdf):
    pages = texts(constructs_pdf)
    whole = " ".join(pages)
    contents = pages[1]
    assert contents.index("1 First section") < contents.index("2 Second section") \
        < contents.index("A Appendix A: Technical annex") < contents.index("References")
    assert whole.index("2 Second section") < whole.index("Appendix A Technical annex") \
        < whole.rindex("References")
    assert "the detail in Appendix A and the method in Section 1" in whole
    found = {dest: target for _, dest, target in links(PdfReader(constructs_pdf))}
    assert "Appendix A Technical annex" in pages[found["sec-annex"]]
    assert "How it was done" in pages[found["sec-method"]]


def test_an_internal_link_leads_to_its_section(constructs_pdf):
    reader = PdfReader(constructs_pdf)
    pages = texts(constructs_pdf)
    first = next(i for i, text in enumerate(pages) if "Prose citing" in text)
    dests = [dest for page, dest, _ in links(reader) if page == first]
    assert dests.count("sec-annex") == 2  # @sec:annex and [the annex](#annex)
    assert dests.count("sec-method") == 1 and dests.count("tbl-numbers") == 1


def test_callouts_are_boxes_with_their_titles(constructs_pdf):
    whole = " ".join(texts(constructs_pdf))
    for title, body in [("NOTE", "Notes hold what readers should know."), ("SHORTCUT", "Tips save time."),
                        ("IMPORTANT", "Important things matter."), ("WARNING", "Warnings warn."),
                        ("CAUTION", "Caution advises care."), ("KEY FACT", "Trade reached 52 billion.")]:
        assert f"{title} {body}" in whole
    assert "[!NOTE]" not in whole and ":::" not in whole
    with pdfplumber.open(constructs_pdf) as pdf:
        page = next(p for p in pdf.pages if "Warnings warn." in (p.extract_text() or ""))
        word = next(w for w in page.extract_words() if w["text"] == "Warnings")
        boxes = [r for r in page.rects if r["x0"] <= word["x0"] and r["top"] <= word["top"]
                 and r["bottom"] >= word["bottom"] and r["x1"] > word["x1"]]
    assert boxes, "the callout's text is not inside a drawn box"


def test_struck_text_is_struck_through_not_italic(constructs_pdf):
    with pdfplumber.open(constructs_pdf) as pdf:
        page = next(p for p in pdf.pages if "struck out" in (p.extract_text() or ""))
        words = page.extract_words(extra_attrs=["fontname"])
        struck = next(w for w in words if w["text"] == "struck")
        plain = next(w for w in words if w["text"] == "Words")
        middle = (struck["top"] + struck["bottom"]) / 2
        strokes = [r for r in page.rects + page.lines
                   if r["x0"] <= struck["x0"] + 1 and r["x1"] >= struck["x1"] - 1
                   and struck["top"] < r["top"] <= middle + 2 and r["bottom"] - r["top"] < 2]
    assert strokes, "no line drawn through the struck words"
    assert struck["fontname"] == plain["fontname"] and "Italic" not in struck["fontname"]


def test_heading_levels_four_to_six_look_different(constructs_pdf):
    with pdfplumber.open(constructs_pdf) as pdf:
        page = next(p for p in pdf.pages if "Level four" in (p.extract_text() or ""))
        chars = page.chars
        text = "".join(c["text"] for c in chars)

        def style(words: str) -> tuple:
            start = text.upper().index(words.upper())
            c = chars[start]
            return round(c["size"], 1), c["fontname"], text[start:start + len(words)].isupper()

        styles = [style("How it was done"), style("Level four heading"),
                  style("Level five heading"), style("Level six heading")]
    assert len(set(styles)) == 4, styles


def test_numbered_table_caption_and_right_alignment(constructs_pdf):
    whole = " ".join(texts(constructs_pdf))
    assert "the figures are in Table 1," in whole
    assert "Table 1. Values by year Year Value 2020 1 2021 2" in whole


# ---- the deck: appendices out unless asked, tables and callouts said in the notes ------------

def plan(project: Project):
    brief = load_project(project.root)
    return brief, plan_slides(brief, load_theme(project.template_file("theme.yaml")))


def test_an_appendix_is_not_in_the_deck_but_the_agenda_notes_name_it(tmp_path):
    _, slides = plan(constructs(tmp_path))
    shown = " ".join(" ".join(s.texts) for s in slides)
    assert "Technical annex" not in shown and "Annex point" not in shown
    agenda = next(s for s in slides if s.kind == "agenda")
    assert agenda.notes.endswith("The written brief also has Appendix A, Technical annex.")


def test_an_appendix_with_deck_true_is_in_the_deck(tmp_path):
    annex = ANNEX.replace("kind: appendix", "kind: appendix\ndeck: true")
    _, slides = plan(constructs(tmp_path, **{"source/sections/annex.md": annex}))
    assert any(s.section_id == "annex" and "Annex point shown only in the brief." in s.texts
               for s in slides)


def test_tables_and_callouts_are_said_in_the_section_notes(tmp_path):
    _, slides = plan(constructs(tmp_path))
    first = next(s for s in slides if s.section_id == "one" and s.kind == "points")
    assert ("In the written brief this part also has "
            "a box, Note: Notes hold what readers should know.; a box, Shortcut: Tips save time.;"
            ) in first.notes
    assert "a box, Key fact: Trade reached 52 billion." in first.notes
    # a numbered table has slides of its own (native tables), so the notes do not name it
    assert "Table 1, Values by year" not in first.notes
    assert [s.full_title for s in slides if s.kind == "table"] == ["Values by year"]


# ---- never silent: exact located messages ------------------------------------------------------

def check(project: Project, capsys, *args) -> tuple[int, list[str]]:
    code = main(["check", str(project.root), *args])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.startswith("source/")]


def test_unknown_cross_references_are_errors_with_did_you_mean(tmp_path, capsys):
    one = ONE.replace("@tbl:numbers", "@tbl:number").replace("@sec:method", "@sec:methd") + \
        "\nSee @fig:nothing and @sec:zzz.\n"
    code, lines = check(constructs(tmp_path, **{"source/sections/one.md": one}), capsys)
    assert code == 1
    assert lines == [
        ("source/sections/one.md:6:1: table: @tbl:number refers to no numbered table "
        "(did you mean 'numbers'?)"),
        "source/sections/one.md:7:1: section: @sec:methd refers to no section (did you mean 'method'?)",
        ("source/sections/one.md:43:1: figure: @fig:nothing refers to no placed figure "
        "(the id of a figure placed with ![](fig:ID))"),
        ("source/sections/one.md:43:1: section: @sec:zzz refers to no section "
        "(a section's file name, or a heading's {#ID})"),
    ]


NEVER_SILENT = """
---
title: Untidy section
key_points:
  - A point.
---
A call to a missing note[^gone] and one to a real note[^real].

A citation with a page [@doe2020, p. 4] and one in prose [see @doe2020].

Some <b>bold</b> HTML and a [broken link](#nowhere) and [a near miss](#annexe).

> [!NOTEE]
> Not a known alert.

::: {.sidebar}
Text in a div.
:::

Table: A caption beside nothing

[^real]: This note is called.

[^orphan]: This note is never called.
"""


def test_every_construct_not_turned_into_output_is_a_located_warning(tmp_path, capsys):
    brief = BRIEF.replace("[one, two, annex]", "[one, two, untidy, annex]")
    project = constructs(tmp_path, **{"source/brief.yaml": brief,
                                      "source/sections/untidy.md": NEVER_SILENT})
    code, lines = check(project, capsys)
    assert code == 0
    file = "source/sections/untidy.md"
    assert lines == [
        (f"{file}:6:1: warning: footnote: footnote '[^gone]' has no definition and is shown as text "
        "(a line '[^gone]: ...' in this file)"),
        (f"{file}:10:1: warning: html: raw HTML '<b>' is shown as text, not as HTML "
        "(Markdown, or the text without the tags)"),
        (f"{file}:12:1: warning: callout: unknown callout '[!NOTEE]' is shown as a plain quote "
        "(did you mean '[!NOTE]'?)"),
        (f"{file}:15:1: warning: callout: fenced div '::: {{.sidebar}}' is not a callout: its "
        "content is shown as plain text (::: {.callout-note} and the other kinds: callout-note, "
        "callout-tip, callout-important, callout-warning, callout-caution)"),
        (f"{file}:19:1: warning: table: table caption is beside no table, so it is shown as a "
        "paragraph ('Table: caption {#tbl:id}' on the line after a table, or after a blank line)"),
        (f"{file}:23:1: warning: footnote: footnote '[^orphan]' is defined but never called, so it "
        "is not shown (a call [^orphan] in the text, or no definition)"),
        (f"{file}:10:1: warning: link: link '#nowhere' leads nowhere in the brief, so it is shown "
        "as text (#ID for a section or heading, #fig:ID, #tbl:ID)"),
        (f"{file}:10:1: warning: link: link '#annexe' leads nowhere in the brief, so it is shown "
        "as text (did you mean '#annex'?)"),
    ]
    code, lines = check(project, capsys, "--strict")
    assert code == 1 and len(lines) == 8


def test_what_is_warned_about_is_still_shown_in_the_pdf(tmp_path):
    brief = BRIEF.replace("[one, two, annex]", "[one, two, untidy, annex]")
    project = constructs(tmp_path, **{"source/brief.yaml": brief,
                                      "source/sections/untidy.md": NEVER_SILENT})
    build(project, BuildOptions(formats=("pdf",)))
    (path,) = project.build_dir.glob("*.pdf")
    whole = " ".join(texts(path))
    # the citations with a page and a prefix are formatted in the brief's style
    for shown in ["a missing note[^gone]", "(Doe 2020, 4)", "(see Doe 2020)", "Some <b>bold</b> HTML",
                  "a broken link and a near miss", "[!NOTEE] Not a known alert.", "Text in a div.",
                  "Table: A caption beside nothing"]:
        assert shown in whole, shown
    assert "This note is never called." not in whole
    dests = {dest for _, dest, _ in links(PdfReader(path))}
    assert not any("nowhere" in d or "annexe" in d for d in dests)


def test_an_id_used_twice_is_an_error(tmp_path, capsys):
    one = ONE.replace("{#method}", "{#annex}").replace("@sec:method", "@sec:annex")
    code, lines = check(constructs(tmp_path, **{"source/sections/one.md": one}), capsys)
    assert code == 1
    assert lines == [("source/sections/one.md:16:1: id: id 'annex' is used twice "
                     "(a section id of its own)")]


def test_an_appendix_listed_before_a_section_is_an_error(tmp_path, capsys):
    brief = BRIEF.replace("[one, two, annex]", "[annex, one, two]")
    code, lines = check(constructs(tmp_path, **{"source/brief.yaml": brief}), capsys)
    assert code == 1
    assert lines == [("source/brief.yaml:5:12: sections: appendix 'annex' is listed before section "
                     "'two' (the appendices at the end of the list)")]


def test_sections_are_numbered_and_appendices_lettered(tmp_path):
    brief = load_project(constructs(tmp_path).root)
    assert [(s.id, s.label) for s in brief.sections] == [
        ("one", "Section 1"), ("two", "Section 2"), ("annex", "Appendix A")]


def test_an_id_that_cannot_be_referred_to_is_an_error(tmp_path, capsys):
    one = ONE.replace("{#method}", "{#Method}").replace("{#tbl:numbers}", "{#tbl:Num_2}")
    code, lines = check(constructs(tmp_path, **{"source/sections/one.md": one}), capsys)
    assert code == 1
    assert lines[2:] == [
        "source/sections/one.md:14:1: id: invalid id 'Num_2' (lower-case letters, digits, '-' and '_')",
        "source/sections/one.md:16:1: id: invalid id 'Method' (lower-case letters, digits, '-' and '_')",
    ]
