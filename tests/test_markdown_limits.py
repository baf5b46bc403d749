"""Markdown within the limits never recurses away nor runs for minutes; past them, one located error.

- Deep nesting (emphasis six hundred deep, ``**`` chains, strikethrough, emphasis inside links,
  headings, table cells and footnotes) checks and builds without a traceback; lists and quotes
  deeper than 8 levels are an error at the line of the construct.
- A footnote that calls another footnote is an error at the note's line.
- The whole brief holds at most 10,000 blocks, 500 footnote calls with 100,000 characters of
  footnote text, and 10,000 table cells with 60,000 characters: past each, one error names the
  file and line where it was passed, counted over all the sections together.
- A brief at every limit at once checks within a few seconds.
"""

from __future__ import annotations

import time

import pytest

from deckgen.cli import main
from deckgen.load.loader import load_project
from deckgen.pdf.html import HtmlWriter

FRONT = "---\ntitle: A section\nkey_points:\n  - One point worth making.\n---\n"
BODY_LINE = 6  # the first line after the front matter
CHECK_SECONDS = 5.0  # a brief at every limit at once checks within this


def files(*bodies: str) -> dict[str, str]:
    """A project whose sections s1, s2 ... hold ``bodies``."""
    ids = [f"s{index}" for index in range(1, len(bodies) + 1)]
    brief = ("title: Limits\ndate: 2026-01-15\nauthors:\n  - name: Test Unit\n"
             f"sections: [{', '.join(ids)}]\n")
    out = {"source/brief.yaml": brief}
    out.update({f"source/sections/{i}.md": FRONT + body for i, body in zip(ids, bodies)})
    return out


def check(make_project, *bodies: str, capsys) -> tuple[int, str, str]:
    project = make_project(files(*bodies))
    code = main(["check", str(project.root)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def errors(err: str) -> list[str]:
    """The message lines of a report (not the quoted source lines, nor the summary)."""
    return [line for line in err.splitlines() if line.startswith("source/")]


# ---- deep nesting ---------------------------------------------------------------------------

DEEP = {
    "emphasis": "*" * 600 + "word" + "*" * 600,
    "strong-chain": "**" * 300 + "word" + "**" * 300,
    "strong-and-emphasis": "***" * 300 + "word" + "***" * 300,
    "strikethrough": "~~a " * 600 + "word" + " a~~" * 600,
    "mixed-emphasis": "*a _a " * 300 + "word" + " a_ a*" * 300,
    "in-a-link": "[" + "*" * 600 + "word" + "*" * 600 + "](https://example.org)",
    "in-a-heading": "# " + "*" * 600 + "word" + "*" * 600,
    "in-a-table-cell": "| a |\n|---|\n| " + "*" * 600 + "word" + "*" * 600 + " |",
    "in-a-footnote": "See the note.[^n]\n\n[^n]: " + "*" * 600 + "word" + "*" * 600,
    "in-a-list": "- " + "**" * 300 + "word" + "**" * 300,
}


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP.keys())
def test_deep_inline_nesting_checks_clean(body, make_project, capsys):
    code, out, err = check(make_project, body + "\n", capsys=capsys)
    assert (code, err) == (0, "")
    assert "ok: 1 sections" in out


@pytest.mark.parametrize("name", ["emphasis", "in-a-link", "in-a-table-cell", "in-a-footnote"])
def test_deep_inline_nesting_keeps_its_word_in_the_brief(name, make_project):
    brief = load_project(make_project(files(DEEP[name] + "\n")).root)
    html = str(HtmlWriter(brief, {}).blocks(brief.sections[0].blocks))
    assert "word" in html
    assert "*" not in html.replace("word", "")  # every star was emphasis, none is left as text


def test_deep_nesting_builds_a_pdf_and_a_deck(make_project, capsys):
    project = make_project(files("\n\n".join(DEEP.values()) + "\n"))
    code = main(["build", "--quiet", str(project.root)])
    assert (code, capsys.readouterr().err) == (0, "")
    assert {p.suffix for p in (project.root / "build").glob("limits.*")} == {".pdf", ".pptx"}


DEEP_BLOCKS = {
    "quotes-on-one-line": ("> " * 5000 + "deep", BODY_LINE),
    "lists-on-one-line": ("- " * 5000 + "deep", BODY_LINE),
    "ordered-lists-on-one-line": ("1. " * 3000 + "deep", BODY_LINE),
    "indented-lists": ("".join("  " * i + "- item\n" for i in range(40)), BODY_LINE + 8),
    "quotes-in-lists": ("".join("  " * i + "- > x\n" for i in range(20)), BODY_LINE + 7),
}


TOO_DEEP = "content nested more than 8 levels deep (at most 8 levels of lists and quotes)"


@pytest.mark.parametrize("body, line", DEEP_BLOCKS.values(), ids=DEEP_BLOCKS.keys())
def test_deep_lists_and_quotes_are_one_located_error(body, line, make_project, capsys):
    code, _, err = check(make_project, body + "\n", capsys=capsys)
    assert code == 1
    assert errors(err) == [f"source/sections/s1.md:{line}:1: {TOO_DEEP}"]
    assert "Traceback" not in err


NOTE_IN_NOTE = "source/sections/s1.md:{line}:1: footnote: a footnote cannot call another footnote " \
               "(write the other note's text into this one)"


@pytest.mark.parametrize("body, line", [
    ("Text.[^a]\n\n[^a]: A note.[^b]\n\n[^b]: Another.\n", BODY_LINE + 2),
    ("Text.[^b] More.[^a]\n\n[^a]: A note.[^b]\n\n[^b]: Another.\n", BODY_LINE + 2),
    ("Text.^[an inline note.^[inside it]]\n", BODY_LINE),
    ("Text.[^a]\n\n[^a]: First paragraph.\n\n    Second, with a call.[^a]\n", BODY_LINE + 4),
], ids=["forward", "backward", "inline", "itself"])
def test_a_footnote_calling_a_footnote_is_an_error(body, line, make_project, capsys):
    code, _, err = check(make_project, body, capsys=capsys)
    assert code == 1
    assert errors(err) == [NOTE_IN_NOTE.format(line=line)]


def test_a_chain_of_footnotes_is_one_error_not_a_deep_model(make_project, capsys):
    chain = "Text.[^1]\n\n" + "".join(f"[^{i}]: Note.[^{i + 1}]\n\n" for i in range(1, 3000))
    code, _, err = check(make_project, chain + "[^3000]: End.\n", capsys=capsys)
    assert code == 1
    assert errors(err)[0] == NOTE_IN_NOTE.format(line=BODY_LINE + 2)


# ---- the brief's budget ------------------------------------------------------------------------

BLOCKS = ("more than 10,000 blocks in the sections together: the limit is passed here (at most "
          "10,000 paragraphs, headings, list items and other blocks in all sections)")
FOOTNOTES = ("more than 500 footnotes in the sections together: the limit is passed here "
             "(at most 500 footnote calls in all sections)")
FOOTNOTE_CHARS = ("more than 100,000 characters of footnote text in the sections together: the "
                  "limit is passed here (at most 100,000 characters of footnote text (a note "
                  "called twice counts twice) in all sections)")
CELLS = ("more than 10,000 table cells in the sections together: the limit is passed here "
         "(at most 10,000 table cells in all sections; put large data in a figure or an annex)")
TABLE_CHARS = ("more than 60,000 characters in tables in the sections together: the limit is "
               "passed here (at most 60,000 characters in table cells in all sections; "
               "put large data in a figure or an annex)")


def table(rows: int, cell: str = "x", columns: int = 20) -> str:
    head = "|" + "h|" * columns + "\n|" + "-|" * columns + "\n"
    return head + ("|" + f"{cell}|" * columns + "\n") * rows + "\n"


SHAPES = {
    # name: (bodies, the section and line where the limit is passed, message)
    "one-letter-paragraphs": (["a\n\n" * 10_001], 1, BODY_LINE + 2 * 10_000, BLOCKS),
    "list-items": (["- item\n" * 10_001], 1, BODY_LINE + 9_999, BLOCKS),
    "headings": (["# h\n" * 10_001], 1, BODY_LINE + 10_000, BLOCKS),
    "blocks-over-two-sections": (["a\n\n" * 6_000, "a\n\n" * 6_000], 2, BODY_LINE + 2 * 4_000, BLOCKS),
    "quotes": (["> q\n\n" * 5_001], 1, BODY_LINE + 2 * 5_000, BLOCKS),
    "footnotes": (["".join(f"x[^{i}]\n" for i in range(501)) + "\n"
                   + "".join(f"[^{i}]: n\n" for i in range(501))], 1, BODY_LINE + 500, FOOTNOTES),
    "one-long-note-called-often": (["x[^a]\n" * 101 + "\n[^a]: " + "n" * 999 + "\n"],
                                   1, BODY_LINE + 100, FOOTNOTE_CHARS),
    "table-cells": ([table(300), table(300)], 2, BODY_LINE, CELLS),
    "table-text": ([table(200, "a" * 15)], 1, BODY_LINE, TABLE_CHARS),
    "table-text-over-sections": ([table(100, "a" * 15), table(100, "a" * 15)], 2, BODY_LINE,
                                 TABLE_CHARS),
}


@pytest.mark.parametrize("bodies, section, line, message", SHAPES.values(), ids=SHAPES.keys())
def test_past_a_limit_of_the_brief_one_error_names_where(bodies, section, line, message,
                                                         make_project, capsys):
    started = time.monotonic()
    code, _, err = check(make_project, *bodies, capsys=capsys)
    assert code == 1
    assert errors(err) == [f"source/sections/s{section}.md:{line}:1: {message}"]
    assert err.endswith("1 error in the source; nothing was written.\n")
    assert time.monotonic() - started < CHECK_SECONDS


def test_the_sections_after_the_limit_are_not_read(make_project, capsys):
    code, _, err = check(make_project, "a\n\n" * 10_001, "[bad](file:///etc/passwd)\n",
                         capsys=capsys)
    assert code == 1
    assert errors(err) == [f"source/sections/s1.md:{BODY_LINE + 20_000}:1: {BLOCKS}"]


def at_every_limit() -> list[str]:
    """Three sections that together reach every limit but pass none: 10,000 blocks, 498 footnote
    calls of 199 characters each, two tables of 2,020 cells and 28,020 characters each, and
    emphasis 600 deep and lists 8 deep in each of two sections."""
    deep = "*" * 600 + "word" + "*" * 600 + "\n\n"                      # 1 block
    nested = "".join("  " * i + "- item\n" for i in range(8)) + "\n"    # 16 blocks
    notes = ("".join(f"Note {i}.[^{i}]\n" for i in range(166)) + "\n"  # 333 blocks
             + "".join(f"[^{i}]: " + "n" * 199 + "\n" for i in range(166)) + "\n")
    first = deep + nested + notes + table(100, "a" * 14) + "a\n\n" * 3_000  # 3,351 blocks
    last = "- item\n" * 2_964 + "\n" + notes                               # 3,298 blocks
    return [first, first.replace("*" * 600, "_" * 600), last]


def test_a_brief_at_every_limit_checks_in_a_few_seconds(make_project, capsys):
    started = time.monotonic()
    code, out, err = check(make_project, *at_every_limit(), capsys=capsys)
    elapsed = time.monotonic() - started
    assert (code, err) == (0, "")
    assert "ok: 3 sections" in out
    assert elapsed < CHECK_SECONDS


def test_a_section_whose_lead_is_one_long_sentence_checks_in_a_few_seconds(tmp_path, capsys):
    """With no key points the deck shows the section's first sentence, over as many slides as
    it takes: cutting it into slide-sized runs is one pass over its lines."""
    (tmp_path / "source/sections").mkdir(parents=True)
    (tmp_path / "source/brief.yaml").write_text(
        "title: Limits\ndate: 2026-01-15\nauthors:\n  - name: Test Unit\nsections: [s1]\n")
    (tmp_path / "source/sections/s1.md").write_text(
        "---\ntitle: A section\n---\n" + "word " * 10_000 + "\n")
    started = time.monotonic()
    code = main(["check", str(tmp_path)])
    assert (code, capsys.readouterr().err) == (0, (
        "source/sections/s1.md:1:1: warning: key_points: section 's1' has no key points, so its "
        "deck slides show a summary of its opening paragraph (key_points: in its front matter, "
        "the bullets of its slide)\n    ---\n"))
    assert time.monotonic() - started < CHECK_SECONDS
