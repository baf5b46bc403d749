"""Templates, the theme and the build's environment as their authors get them wrong, and long
strings in the PDF.

- A theme file is checked as data: groups of the wrong type, values of the wrong type, unknown
  groups and keys are exit-2 errors at the theme's file and line, every one at once.
- An error in a project's own HTML template (a syntax error, an undefined name, an exception,
  a missing include, a macro's error, a loop that does not end) is an exit-2 error naming the
  template's file and line; nothing is written.
- An invalid ``SOURCE_DATE_EPOCH`` stops ``build`` and ``check`` at once with a message naming
  the variable, its value and what is valid.
- No character of a string with no break in it (a URL, a long word, a code token) lies outside
  the page, wherever it is set, and each such string is still there, whole and in order, in the
  PDF's text.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pdfplumber
import pytest

from conftest import REPO
from deckgen.cli import main
from deckgen.pdf import document as pdf
from deckgen.project import default_templates_dir

MM = 72 / 25.4


def run(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def outputs(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "build").glob("*.p*")) if (root / "build").is_dir() else []


# ---- the theme, checked as data ------------------------------------------------------------

def with_theme(make_project, minimal_files, old: str, new: str):
    """A minimal project whose templates/theme.yaml is deckgen's with ``old`` replaced."""
    theme = (default_templates_dir() / "theme.yaml").read_text(encoding="utf-8")
    assert old in theme
    minimal_files["templates/theme.yaml"] = theme.replace(old, new, 1)
    project = make_project(minimal_files)
    return project, "templates/theme.yaml"


def test_a_list_where_a_theme_group_belongs_is_named_at_its_line(make_project, minimal_files, capsys):
    project, theme = with_theme(make_project, minimal_files, "sizes:\n  deck_title: 32\n  deck_body: 28\n"
                                "  deck_min_body: 18\n", "sizes: [deck_title, deck_body, deck_min_body]\n")
    code, err = run(["build", str(project.root)], capsys)
    assert code == 2
    assert err == (f"error: {theme}:18:1: theme sizes is a list (expected a mapping with the keys "
                   "deck_title, deck_body, deck_min_body)\n"
                   "    sizes: [deck_title, deck_body, deck_min_body]\n"
                   "1 error in the theme; nothing was written.\n")
    assert outputs(project.root) == []


def test_a_list_where_the_deck_layouts_belong(make_project, minimal_files, capsys):
    project, theme = with_theme(make_project, minimal_files, "  layouts:\n", "  layouts: [title]\n  unused:\n")
    code, err = run(["check", str(project.root)], capsys)
    assert code == 2
    assert err.splitlines() == [
        (f"error: {theme}:28:3: theme deck.layouts is a list (expected a mapping of slide kinds to "
        "layout names)"),
        "      layouts: [title]",
        f"{theme}:29:3: theme has an unknown key 'unused' in deck (expected: section_dividers, layouts, master, colours, max_bullets, max_words, reveal)",
        "      unused:",
        "2 errors in the theme; nothing was written."]


def test_a_string_where_a_size_belongs(make_project, minimal_files, capsys):
    project, theme = with_theme(make_project, minimal_files, "deck_body: 28", 'deck_body: "28"')
    code, err = run(["check", str(project.root)], capsys)
    assert code == 2
    assert err == (f"error: {theme}:20:14: theme sizes.deck_body is '28' (expected a size in points, "
                   '6 to 96)\n      deck_body: "28"\n1 error in the theme; nothing was written.\n')


@pytest.mark.parametrize(("old", "new", "message"), [
    ('primary: "#1B365D"', "primary: navy",
     ":3:12: theme colours.primary is 'navy' (expected a #RRGGBB colour)"),
    ('series: ["#1B365D"', 'series: ["#1B365", "#1B365D"',
     ":9:12: theme colours.series[0] is '#1B365' (expected a #RRGGBB colour)"),
    ("series: [", "series: {a: 1}\n  unused: [",
     ":9:3: theme colours.series is a mapping (expected a list of 1 to 64 #RRGGBB colours)"),
])
def test_an_unknown_colour_is_named(make_project, minimal_files, capsys, old, new, message):
    project, theme = with_theme(make_project, minimal_files, old, new)
    code, err = run(["check", str(project.root)], capsys)
    assert code == 2
    assert err.splitlines()[0] == f"error: {theme}{message}"
    assert err.splitlines()[1].strip().startswith(new.splitlines()[0])  # the theme's line, quoted


def test_unknown_groups_and_keys_are_named_with_the_closest_known(make_project, minimal_files, capsys):
    project, theme = with_theme(make_project, minimal_files, "deck_title: 32", "deck_titel: 32\n  deck_title: 32")
    (project.root / "templates/theme.yaml").write_text(
        (project.root / "templates/theme.yaml").read_text().replace("fonts:", "fontz: {}\nfonts:"))
    code, err = run(["check", str(project.root)], capsys)
    assert code == 2
    assert err.splitlines() == [
        (f"error: {theme}:10:1: theme has an unknown group 'fontz' (did you mean 'fonts'? expected: "
        "colours, fonts, sizes, deck)"),
        "    fontz: {}",
        (f"{theme}:20:15: theme has an unknown key 'deck_titel' in sizes (did you mean 'deck_title'? "
        "expected: deck_title, deck_body, deck_min_body)"),
        "      deck_titel: 32",
        "2 errors in the theme; nothing was written."]


# ---- a project's own HTML template -----------------------------------------------------------

def with_template(make_project, minimal_files, old: str, new: str, extra: dict | None = None):
    """A minimal project whose templates/brief.html.j2 is deckgen's with ``old`` replaced."""
    template = (default_templates_dir() / "brief.html.j2").read_text(encoding="utf-8")
    assert old in template
    minimal_files["templates/brief.html.j2"] = template.replace(old, new, 1)
    for name, text in (extra or {}).items():
        minimal_files[f"templates/{name}"] = text
    project = make_project(minimal_files)
    return project, f"{project.root}/templates/brief.html.j2"


TITLE = "<title>{{ meta.title }}</title>"
ADVICE = "(fix the template, or remove it to use deckgen's own)"


@pytest.mark.parametrize(("new", "what"), [
    ("<title>{{ meta.subtitel }}</title>", "'deckgen.model.Meta object' has no attribute 'subtitel'"),
    ("<title>{{ no_such_name }}</title>", "'no_such_name' is undefined"),
    ("<title>{% if %}</title>", "Expected an expression, got 'end of statement block'"),
    ("<title>{{ 1 // 0 }}</title>", "ZeroDivisionError: integer division or modulo by zero"),
    ("<title>{{ meta.title + 1 }}</title>", 'TypeError: can only concatenate str (not "int") to str'),
    ('<title>{% include "parts/missing.html" %}</title>',
     "template 'parts/missing.html' not found in {root}/templates or {defaults}"),
    ("<title>{{ colophon(1) }}</title>", "TypeError: macro 'colophon' takes not more than 0 argument(s)"),
    ("<title>{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}</title>",
     "RecursionError: maximum recursion depth exceeded"),
])
def test_a_template_error_is_named_at_the_templates_line(make_project, minimal_files, capsys, new, what):
    project, template = with_template(make_project, minimal_files, TITLE, new)
    code, err = run(["build", str(project.root), "--only", "pdf"], capsys)
    assert code == 2
    what = what.format(root=project.root, defaults=default_templates_dir())
    assert err.startswith(f"error: {template}:6: template: {what}")
    assert err.endswith(f" {ADVICE}\n    {new}\n") and err.count("\n") == 2
    assert outputs(project.root) == []


def test_an_error_inside_a_macro_is_named_at_the_macros_line(make_project, minimal_files, capsys):
    project, template = with_template(make_project, minimal_files, "{{ meta.organisation }} · ",
                                      "{{ meta.organisation.upper.name }} · ")
    code, err = run(["build", str(project.root), "--only", "pdf"], capsys)
    assert code == 2
    assert err.startswith(f"error: {template}:1: template: 'builtin_function_or_method object' has "
                          f"no attribute 'name' {ADVICE}\n    {{%- macro colophon() %}}")


def test_an_error_in_an_included_template_names_that_file(make_project, minimal_files, capsys):
    part = "<p>one</p>\n<p>{{ meta.nothing }}</p>\n"
    project, _ = with_template(make_project, minimal_files, TITLE,
                               '<title>{% include "part.html" %}</title>', {"part.html": part})
    code, err = run(["build", str(project.root), "--only", "pdf"], capsys)
    assert code == 2
    assert err == (f"error: {project.root}/templates/part.html:2: template: 'deckgen.model.Meta object' "
                   f"has no attribute 'nothing' {ADVICE}\n    <p>{{{{ meta.nothing }}}}</p>\n")


def test_a_syntax_error_in_an_included_template_names_that_file(make_project, minimal_files, capsys):
    project, _ = with_template(make_project, minimal_files, TITLE,
                               '<title>{% include "part.html" %}</title>', {"part.html": "\n\n{% for %}\n"})
    code, err = run(["build", str(project.root), "--only", "pdf"], capsys)
    assert code == 2
    assert err.startswith(f"error: {project.root}/templates/part.html:3: template: ")


def test_a_template_that_loops_forever_is_stopped(make_project, minimal_files, capsys, monkeypatch):
    monkeypatch.setattr(pdf, "TEMPLATE_SECONDS", 0.5)
    loop = "<title>{% for i in range(10**9) %}{% for j in range(10**9) %}{% endfor %}{% endfor %}</title>"
    project, template = with_template(make_project, minimal_files, TITLE, loop)
    code, err = run(["build", str(project.root), "--only", "pdf"], capsys)
    assert code == 2
    assert err == (f"error: {template}:6: template: stopped after 0.5 s of rendering: a loop that "
                   f"does not end? {ADVICE}\n    {loop}\n")
    assert outputs(project.root) == []


def test_a_template_that_writes_without_end_is_stopped(make_project, minimal_files, capsys, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_HTML_CHARS", 200_000)
    loop = "<title>{% for i in range(10**9) %}{{ meta.title }}{% endfor %}</title>"
    project, template = with_template(make_project, minimal_files, TITLE, loop)
    code, err = run(["build", str(project.root), "--only", "pdf"], capsys)
    assert code == 2
    assert err == (f"error: {template}:6: template: stopped after writing 200,000 characters: a loop "
                   f"that does not end? {ADVICE}\n    {loop}\n")


# ---- SOURCE_DATE_EPOCH -----------------------------------------------------------------------

EPOCH_EXPECTED = ("(expected whole seconds since 1970-01-01 UTC as 'date +%s' prints them, from "
                  "315532800 (1980-01-01) to 4354819198 (2107-12-31); or unset it to date the outputs "
                  "by the brief's date)")


@pytest.mark.parametrize("value", ["abc", "1.5", "12345678901234567890", "-5", "100", " 1700000000",
                                   "4354819199"])
def test_an_invalid_source_date_epoch_stops_the_build(make_project, minimal_files, capsys, monkeypatch,
                                                      value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    project = make_project(minimal_files)
    code, err = run(["build", str(project.root)], capsys)
    assert code == 2
    assert err == f"error: SOURCE_DATE_EPOCH: {value!r} is not a build time {EPOCH_EXPECTED}\n"
    assert outputs(project.root) == []


def test_an_invalid_source_date_epoch_stops_the_check(make_project, minimal_files, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1.5")
    code, err = run(["check", str(make_project(minimal_files).root)], capsys)
    assert (code, err) == (2, f"error: SOURCE_DATE_EPOCH: '1.5' is not a build time {EPOCH_EXPECTED}\n")


def test_figures_drawn_outside_a_command_name_an_invalid_source_date_epoch(monkeypatch):
    """A library caller that skipped the check gets the same message from the figure drawing,
    not matplotlib's ValueError."""
    from deckgen.errors import EnvironmentProblem
    from deckgen.figures import drawing as figures
    from deckgen.load.loader import load_project
    from deckgen.project import Project
    from deckgen.theme import load_theme

    brief = load_project(REPO)
    theme = load_theme(Project.at(REPO).template_file("theme.yaml"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    with pytest.raises(EnvironmentProblem, match="SOURCE_DATE_EPOCH: 'abc' is not a build time"):
        figures.render_svg(brief.figures[0], theme)


# ---- long strings in the PDF -----------------------------------------------------------------

URL = "https://example.org/reports/2026/" + "".join(f"Segment{i:02d}OfAVeryLongPath" for i in range(6))
URL += "?query=" + "x" * 12
WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3   # 135 letters, no break in them
LONG_FILES = {
    "source/brief.yaml": f"""
        title: "Cover{WORD}"
        short_title: "Short{WORD[:55]}"
        date: 2026-01-15
        authors:
          - name: "Author{WORD}"
        organisation: "Organisation{WORD}"
        distribution: "PUBLIC{WORD[:80]}"
        sections: [one]
        references:
          - id: doe2020
            author: Doe, Jane
            title: "Reference{WORD}"
            year: 2020
            url: {URL}
        """,
    "source/sections/one.md": f"""
        ---
        title: "Section{WORD}"
        key_points:
          - "Point{WORD}"
        ---
        A bare URL {URL} in prose, citing [@doe2020], see @fig:chart.

        An autolink <{URL}> and a code span `Code{WORD}` here.[^n]

        ### Heading{WORD}

        | short | long |
        |---|---|
        | word | Cell{WORD} |

        ```
        Block{WORD}
        ```

        ![](fig:chart)

        [^n]: Footnote{WORD}
        """,
    "source/figures/chart.yaml": f"""
        kind: column
        title: A chart
        caption: "Caption{WORD}"
        alt: Two columns, 1 and 2.
        source: "{URL}"
        data:
          categories: [a, b]
          series:
            - name: Values
              values: [1, 2]
        """,
}
LONG_STRINGS = {
    "cover title": f"Cover{WORD}", "running head": f"Short{WORD[:55]}", "author": f"Author{WORD}",
    "organisation": f"Organisation{WORD}", "key point": f"Point{WORD}", "section title": f"Section{WORD}",
    "URL in prose": f"bareURL{URL}in", "autolink": f"autolink{URL}and", "code span": f"Code{WORD}",
    "heading": f"Heading{WORD}", "table cell": f"Cell{WORD}", "code block": f"Block{WORD}",
    "caption": f"Caption{WORD}", "figure source": f"Source:{URL}", "footnote": f"Footnote{WORD}",
    "reference title": f"Reference{WORD}", "reference URL": f"{WORD}.{URL}",  # Chicago: author, year, title, URL
}


@pytest.fixture(scope="module", params=["a4", "letter-print"])
def long_pdf(request, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("long")
    for name, text in LONG_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    options = ["--paper", "letter", "--print"] if request.param == "letter-print" else []
    assert main(["build", str(root), "--only", "pdf", "--quiet", *options]) == 0
    return next((root / "build").glob("*.pdf"))


def test_long_strings_stay_inside_the_printable_page_and_whole(long_pdf):
    """Every character inside the trim box, at least 5 mm from its edges (what a printer may cut
    or not print), and each long string still whole in the PDF's text."""
    inset = 5 * MM
    with pdfplumber.open(long_pdf) as document:
        for number, page in enumerate(document.pages, 1):
            left, top, right, bottom = page.trimbox
            outside = [c["text"] for c in page.chars
                       if c["x0"] < left + inset or c["x1"] > right - inset
                       or c["top"] < top + inset or c["bottom"] > bottom - inset]
            assert not outside, f"page {number}: {''.join(outside)[:80]!r} outside the page"
        text = "\n".join(page.extract_text() for page in document.pages)
        # only the long word in the table breaks: its short words keep their column wide enough
        words = {w["text"] for page in document.pages for w in page.extract_words()}
    assert {"short", "long", "word"} <= words
    # every long string is still there, whole and in order, once lines are joined again
    text = re.sub(r"\s+", "", re.sub(r"-\n", "", text))
    assert [where for where, string in LONG_STRINGS.items() if string not in text] == []


# ---- exit codes: problems in the templates and the project, not in the source ------------------

@pytest.mark.parametrize("reference", [
    "url('file:///etc/hostname')", "url('../../outside.png')", "url('https://example.org/x.png')"])
def test_a_stylesheet_asking_for_a_file_outside_the_project_is_exit_2(make_project, minimal_files,
                                                                       capsys, reference):
    project = make_project(minimal_files)
    css = (default_templates_dir() / "brief.css").read_text(encoding="utf-8")
    (project.root / "templates").mkdir()
    (project.root / "templates" / "brief.css").write_text(
        css + f"\nbody {{ background-image: {reference}; }}\n", encoding="utf-8")
    code, output = run(["build", str(project.root)], capsys)
    assert code == 2, output
    assert "refused to load" in output
    assert outputs(project.root) == []


def test_a_project_without_a_brief_file_is_exit_2(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    code, output = run(["check", str(tmp_path)], capsys)
    assert code == 2
    assert "source/brief.yaml: no brief file here" in output


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_theme_font_that_is_not_installed_is_named_not_replaced(make_project, minimal_files, capsys,
                                                                   command):
    project, theme = with_theme(make_project, minimal_files, 'serif: "Noto Serif"', 'serif: "Nofont Serif"')
    code, output = run([command, str(project.root)], capsys)
    assert code == 2
    assert f"{theme}: fonts.serif: font 'Nofont Serif' is not installed" in output
    assert outputs(project.root) == []
