"""The common YAML mistakes said in plain language, each with what to type: the exact messages
`deckgen check` prints."""

from __future__ import annotations

import pytest

from deckgen.cli import main
from deckgen.errors import did_you_mean
from deckgen.load.schema import BriefIn, FigureIn, ReferenceIn, SectionIn

BRIEF, SECTION, FIGURE = "source/brief.yaml", "source/sections/one.md", "source/figures/chart.yaml"


@pytest.fixture
def check(make_project, minimal_files, capsys):
    """``deckgen check`` of the minimal project with ``old`` replaced by ``new`` in file ``name``:
    its exit code and the lines it printed on stderr."""

    def run(name: str, old: str, new: str, files: dict | None = None) -> tuple[int, list[str]]:
        files = files or minimal_files
        assert old in files[name]
        files[name] = files[name].replace(old, new, 1)
        project = make_project(files)
        code = main(["check", str(project.root)])
        return code, capsys.readouterr().err.splitlines()

    return run


def only_error(lines: list[str]) -> tuple[str, str]:
    """The one error's message line and its quoted source line."""
    assert lines[-1] == "1 error in the source; nothing was written.", lines
    assert len(lines) == 3, lines
    return lines[0], lines[1]


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    (BRIEF, "title: A minimal brief", 'title: "Japan "and" Korea"',
     ("""source/brief.yaml:1:15: a '"' inside text in double quotes ends the text early (put the """
     """text in single quotes: title: 'Japan "and" Korea'; or write each double quote inside it """
     """as \\": title: "Japan \\"and\\" Korea")""")),
    (BRIEF, "title: A minimal brief", "title: 'Japan's relations'",
     ("""source/brief.yaml:1:14: a "'" inside text in single quotes ends the text early (put the """
     """text in double quotes: title: "Japan's relations"; or write each single quote inside it """
     """as '': title: 'Japan''s relations')""")),
    (BRIEF, "title: A minimal brief", """title: "Say "yes" to 'both'\"""",
     ("""source/brief.yaml:1:13: a '"' inside text in double quotes ends the text early (write each """
     """double quote inside it as \\": title: "Say \\"yes\\" to 'both'")""")),
])
def test_a_quote_inside_quotes(check, name, old, new, message):
    code, lines = check(name, old, new)
    assert code == 1
    assert only_error(lines)[0] == message


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    (BRIEF, "title: A minimal brief", "title: History: a primer",
     ('source/brief.yaml:1:15: the \': \' in this value makes YAML read a second key (put the value '
     'in double quotes: title: "History: a primer")')),
    (SECTION, "title: The only section", "title: Trade: the anchor  # a comment",
     ('source/sections/one.md:2:13: the \': \' in this value makes YAML read a second key (put the '
     'value in double quotes: title: "Trade: the anchor")')),
    (BRIEF, "  - name: Test Unit", '  - name: Unit: "Test"',
     ('source/brief.yaml:4:15: the \': \' in this value makes YAML read a second key (put the value '
     'in double quotes: - name: "Unit: \\"Test\\"")')),
    (BRIEF, "title: A minimal brief", "title: A minimal brief\nsubtitle: It goes on\n  and on: more",
     ("source/brief.yaml:3:9: this line continues the value above it, and the ': ' in it makes YAML "
     "read a key (put the whole value of 'subtitle' in double quotes, or write subtitle: >- and the "
     "text on indented lines below it)")),
])
def test_a_colon_in_an_unquoted_value(check, name, old, new, message):
    code, lines = check(name, old, new)
    assert code == 1
    assert only_error(lines)[0] == message


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    (BRIEF, "  - name: Test Unit", "\t- name: Test Unit",
     ("source/brief.yaml:4:1: this line is indented with a tab; YAML indents with spaces only "
     "(replace the tab with spaces, lined up with the lines it belongs with)")),
    (SECTION, "  - One point worth making.", "\t- One point worth making.",
     ("source/sections/one.md:4:1: this line is indented with a tab; YAML indents with spaces only "
     "(replace the tab with spaces, lined up with the lines it belongs with)")),
    (BRIEF, "title: A minimal brief", "title: A\tminimal brief",
     ("source/brief.yaml:1:9: a tab inside an unquoted value is not allowed (replace the tab with a "
     "space, or put the value in double quotes)")),
])
def test_a_tab(check, name, old, new, message):
    code, lines = check(name, old, new)
    assert code == 1
    assert only_error(lines)[0] == message


@pytest.mark.parametrize(("old", "new", "message"), [
    ("title: A minimal brief", 'title: "A minimal brief',
     ("source/brief.yaml:1:8: the text opened with \" here is never closed (end it with \" on the "
     "same line)")),
    ("title: A minimal brief", "title: @home",
     ('source/brief.yaml:1:8: a value cannot start with \'@\' unless it is in quotes (put the value '
     'in double quotes: title: "@home")')),
    ("title: A minimal brief", "title: [Draft] A minimal brief",
     ('source/brief.yaml:1:8: a value that starts with \'[\' is read as a list, and more text follows '
     'it (put the whole value in double quotes: title: "[Draft] A minimal brief")')),
    ("date: 2026-01-15", "date: 2026-01-15\njust a line",
     ("source/brief.yaml:3:1: this line is neither 'key: value' nor part of the value above it (write "
     "it as 'key: value', or indent it to continue the value above (or put that value in double "
     "quotes))")),
    ("sections: [one]", "sections:\n  - one\n - two",
     ("source/brief.yaml:7:2: this line is indented out of step with the lines around it (line it up, "
     "with the same number of spaces, with the keys or '- ' items it belongs with)")),
])
def test_other_syntax_mistakes(check, old, new, message):
    code, lines = check(BRIEF, old, new)
    assert code == 1
    if lines[0].startswith("source/brief.yaml: warning: sections:"):  # sections: unreadable too
        lines = lines[1:]
    assert only_error(lines)[0] == message


def test_a_missing_closing_dashes_names_the_line_it_belongs_after(check):
    code, lines = check(SECTION, "---\nSome prose", "\nSome prose")
    assert code == 1
    assert only_error(lines) == (
        ("source/sections/one.md:4:1: the front matter opened with '---' on line 1 is never closed: "
        "its closing '---' is missing after line 4 (type '---' on a line of its own after line 4, "
        "between the front matter and the prose)"),
        "      - One point worth making.")


def test_a_section_with_no_closing_dashes_is_still_checked(check, minimal_files):
    """The front matter is read as if closed where it ends, so its own mistakes show too."""
    minimal_files[SECTION] = minimal_files[SECTION].replace("---\nSome prose", "\nSome prose")
    code, lines = check(SECTION, "key_points:", "key_pionts:")
    assert code == 1
    assert lines[0].startswith("source/sections/one.md:3:1: key_pionts: unknown key")
    assert lines[2].startswith("source/sections/one.md:4:1: the front matter opened with '---'")
    assert lines[-1] == "2 errors in the source; nothing was written."


def test_front_matter_without_its_opening_dashes(check):
    code, lines = check(SECTION, "---\ntitle:", "title:")
    assert code == 1
    assert only_error(lines)[0] == (
        "source/sections/one.md:1:1: the front matter's opening '---' is missing (a line '---' above "
        "line 1, and another after the front matter)")


@pytest.mark.parametrize(("date", "message"), [
    ("26-11-2026", "'26-11-2026' is not written YYYY-MM-DD (write date: 2026-11-26)"),
    ("26/11/2026", "'26/11/2026' is not written YYYY-MM-DD (write date: 2026-11-26)"),
    ("11/26/2026", "'11/26/2026' is not written YYYY-MM-DD (write date: 2026-11-26)"),
    ("26 November 2026", "'26 November 2026' is not written YYYY-MM-DD (write date: 2026-11-26)"),
    ("Nov 26, 2026", "'Nov 26, 2026' is not written YYYY-MM-DD (write date: 2026-11-26)"),
    ('"2026-1-5"', "'2026-1-5' is not written YYYY-MM-DD (write date: 2026-01-05)"),
    ("2026/11/26", "'2026/11/26' is not written YYYY-MM-DD (write date: 2026-11-26)"),
    ("03/04/2026", ("'03/04/2026' is not written YYYY-MM-DD, and could be either of two days (write "
     "date: 2026-04-03 for 3 April 2026, or date: 2026-03-04 for 4 March 2026)")),
    ("2026-02-30", ("'2026-02-30' is not a date: February 2026 has 28 days (a real date, YYYY-MM-DD, "
     "such as date: 2026-11-26)")),
    ("2026-13-01", ("'2026-13-01' is not a date: there is no month 13 (a real date, YYYY-MM-DD, such "
     "as date: 2026-11-26)")),
    ("20261126", "20261126 is a number, not a date (write date: 2026-11-26)"),
    ("2026", "2026 is a year, not a date (the whole date, YYYY-MM-DD, such as date: 2026-11-26)"),
    ("soon", "'soon' is not a date written YYYY-MM-DD (year, month and day, such as date: 2026-11-26)"),
])
def test_a_bad_date_says_how_to_write_it(check, date, message):
    code, lines = check(BRIEF, "date: 2026-01-15", f"date: {date}")
    assert code == 1
    assert only_error(lines)[0] == f"source/brief.yaml:2:7: date: {message}"


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    (BRIEF, "title: A minimal brief", "title:\n  - A minimal brief",
     ("source/brief.yaml:1:1: title: is a list ('- ' items), but one text is expected (write the "
     "text on the same line, without '- ': title: \"A minimal brief\")")),
    (SECTION, "key_points:\n  - One point worth making.", "key_points: One point worth making.",
     ("source/sections/one.md:3:13: key_points: is one text, but a list is expected (write a list in "
     "square brackets: key_points: [\"One point worth making.\"], or one '- ' line per item below "
     "key_points:)")),
    (BRIEF, "sections: [one]", "sections: one",
     ("source/brief.yaml:5:11: sections: is one text, but a list is expected (write a list in square "
     "brackets: sections: [one], or one '- ' line per item below sections:)")),
    (BRIEF, "title: A minimal brief", "title: 2026",
     ('source/brief.yaml:1:8: title: is a number, but a text is expected (put it in double quotes: '
     'title: "2026")')),
    (BRIEF, "  - name: Test Unit", "  - Test Unit",
     ("source/brief.yaml:4:5: authors.0: is a text, but 'key: value' lines are expected (indented "
     "'key: value' lines below it, one per line)")),
    (FIGURE, "kind: column", "kind: colum",
     "source/figures/chart.yaml:1:7: kind: 'colum' is not one of the choices (did you mean 'column'?)"),
    (BRIEF, "    year: 2020", "    year: twenty",
     ("source/brief.yaml:10:11: references.0.year: 'twenty' is not a whole number (digits only, such "
     "as 2019)")),
])
def test_a_value_of_the_wrong_kind(check, name, old, new, message):
    code, lines = check(name, old, new)
    assert code == 1
    assert next(line for line in lines if not line.startswith(("    ", "source/brief.yaml: warning"))) \
        == message


def test_a_duplicated_key_says_which_lines_and_the_rest_is_still_checked(check):
    code, lines = check(BRIEF, "date: 2026-01-15",
                        "date: 2026-01-15\ntitle: Again\nsummery: x")
    assert code == 1
    assert lines == [
        ("source/brief.yaml:3:1: 'title' is set twice in the same place (keep one of the two 'title:' "
        "lines, here and at line 1, and delete the other)"),
        "    title: Again",
        "source/brief.yaml:4:10: summery: unknown key (did you mean 'summary'?)",
        "    summery: x",
        "2 errors in the source; nothing was written."]


SUGGESTIONS = [  # (typed, the keys it was typed among, the suggestion)
    ("file", BriefIn.model_fields, ""),
    ("journal", ReferenceIn.model_fields, ""),
    ("sort", FigureIn.model_fields, ""),
    ("w", ["c", "v"], ""),
    ("key_pionts", SectionIn.model_fields, "did you mean 'key_points'?"),
    ("keyPoints", SectionIn.model_fields, "did you mean 'key_points'?"),
    ("titel", BriefIn.model_fields, "did you mean 'title'?"),
    ("short-title", BriefIn.model_fields, "did you mean 'short_title'?"),
    ("organization", BriefIn.model_fields, "did you mean 'organisation'?"),
    ("captoin", FigureIn.model_fields, "did you mean 'caption'?"),
    ("smith2091", ["smith2019", "kang2012"], "did you mean 'smith2019'?"),
]


def test_did_you_mean_only_when_close():
    """A slip of the keys is corrected; a word that merely shares letters with a key is not."""
    assert [did_you_mean(word, list(options)) for word, options, _ in SUGGESTIONS] == [
        hint for _, _, hint in SUGGESTIONS]


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    (BRIEF, "title: A minimal brief", "title: A minimal brief\nfile: x",
     "source/brief.yaml:2:7: file: unknown key (one of: title, short_title, subtitle, date,"),
    (FIGURE, "source: Test data", "source: Test data\nsort: true",
     "source/figures/chart.yaml:5:7: sort: unknown key (one of: id, kind, title, caption, alt,"),
    (BRIEF, "    year: 2020", "    year: 2020\n    journal: J",
     "source/brief.yaml:11:14: references.0.journal: unknown key (one of: id, type, author, title,"),
])
def test_a_misleading_suggestion_is_not_made(check, name, old, new, message):
    code, lines = check(name, old, new)
    assert code == 1
    assert only_error(lines)[0].startswith(message)
    assert "did you mean" not in lines[0]
