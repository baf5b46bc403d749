"""Every problem in every file in one run: brief.yaml, the sections, the figures, their data and
the theme, even when brief.yaml itself is in error; the theme named like the source."""

from __future__ import annotations

from deckgen.cli import main
from deckgen.project import default_templates_dir
from helpers import CSV_FIGURE

BRIEF, SECTION, FIGURE = "source/brief.yaml", "source/sections/one.md", "source/figures/chart.yaml"
THEME = "templates/theme.yaml"


def replace(files: dict, name: str, old: str, new: str) -> None:
    assert old in files[name], (name, old)
    files[name] = files[name].replace(old, new, 1)


def with_theme(files: dict, *changes: tuple[str, str]) -> None:
    files[THEME] = (default_templates_dir() / "theme.yaml").read_text(encoding="utf-8")
    for old, new in changes:
        replace(files, THEME, old, new)


def check(make_project, files, capsys, *options) -> tuple[int, list[str]]:
    project = make_project(files)
    code = main(["check", *options, str(project.root)])
    return code, capsys.readouterr().err.splitlines()


def messages(lines: list[str]) -> list[str]:
    """The problems' own lines, without the quoted source lines."""
    return [line for line in lines if not line.startswith("    ")]


def test_brief_sections_figures_data_and_theme_in_one_run(make_project, minimal_files, capsys):
    replace(minimal_files, BRIEF, "title: A minimal brief", 'title: "Japan "and" Korea"')
    replace(minimal_files, SECTION, "key_points:", "key_pionts:")
    minimal_files[FIGURE] = CSV_FIGURE.format(csv="data/x.csv").replace("- column: v", "- column: w")
    minimal_files["source/data/x.csv"] = "c,v\na,1\nb,2\n"
    with_theme(minimal_files, ("deck_body: 28", "deck_body: 12"), ('primary: "#1B365D"', "primary: navy"))
    code, lines = check(make_project, minimal_files, capsys)
    assert code == 1
    found = messages(lines)
    assert [line.split(": ")[0] for line in found[:-1]] == [
        "source/brief.yaml:1:15", "source/figures/chart.yaml:9:15", "source/sections/one.md:3:1",
        "templates/theme.yaml:3:12", "templates/theme.yaml:20:14"]
    assert found[1] == "source/figures/chart.yaml:9:15: data.series.0.column: column 'w' is not in " \
        "source/data/x.csv (one of: c, v)"
    assert found[2] == "source/sections/one.md:3:1: key_pionts: unknown key (did you mean 'key_points'?)"
    assert found[4] == (
        "templates/theme.yaml:20:14: theme sizes.deck_body is 12, below sizes.deck_min_body (18), the "
        "smallest body text the deck sets (expected deck_body of 18 or more, or a smaller deck_min_body)")
    assert found[-1] == "5 errors (3 in the source, 2 in the theme); nothing was written."
    assert "      deck_body: 12" in lines  # the theme's line quoted like the source's


def test_a_brief_that_is_not_yaml_still_has_its_listed_sections_checked(make_project, minimal_files,
                                                                         capsys):
    replace(minimal_files, BRIEF, "title: A minimal brief", "title: History: a primer")
    replace(minimal_files, BRIEF, "sections: [one]", "sections: [one, two]")
    minimal_files["source/sections/two.md"] = "---\ntitle: Two\nkind: colum\n---\nSee @fig:chrt.\n"
    minimal_files["source/sections/draft.md"] = "---\ntitl: not listed, not read\n---\n"
    code, lines = check(make_project, minimal_files, capsys)
    assert code == 1
    assert messages(lines) == [
        ("source/brief.yaml:1:15: the ': ' in this value makes YAML read a second key (put the value "
        'in double quotes: title: "History: a primer")'),
        ("source/sections/draft.md:1:1: warning: section file 'draft.md' is not listed in brief.yaml's "
        "sections, so neither output shows it (add 'draft' to sections: in source/brief.yaml, or move "
        "the file out of source/sections/)"),
        ("source/sections/two.md:3:7: kind: 'colum' is not one of the choices (one of: body, "
        "recommendations, appendix)"),
        ("source/sections/two.md:5:1: figure: @fig:chrt refers to no placed figure (did you mean "
        "'chart'?)"),
        "3 errors in the source; nothing was written."]


def test_when_sections_cannot_be_read_every_section_file_is_checked(make_project, minimal_files,
                                                                    capsys):
    replace(minimal_files, BRIEF, "sections: [one]", "sections: one: two")
    minimal_files["source/sections/two.md"] = "---\ntitle: Two\nnotes:\n  - a list\n---\nText.\n"
    replace(minimal_files, FIGURE, "kind: column", "kind: colum")
    code, lines = check(make_project, minimal_files, capsys)
    assert code == 1
    assert messages(lines) == [
        ("source/brief.yaml: warning: sections: the list cannot be read, so every file in "
        "source/sections/ was checked, in name order"),
        ("source/brief.yaml:5:14: the ': ' in this value makes YAML read a second key (put the value "
        'in double quotes: sections: "one: two")'),
        "source/figures/chart.yaml:1:7: kind: 'colum' is not one of the choices (did you mean 'column'?)",
        ("source/sections/two.md:3:1: notes: is a list ('- ' items), but one text is expected (write "
        "the text on the same line, without '- ': notes: \"a list\")"),
        "3 errors in the source; nothing was written."]


def test_a_brief_that_fails_validation_still_has_its_sections_checked(make_project, minimal_files,
                                                                      capsys):
    replace(minimal_files, BRIEF, "date: 2026-01-15", "date: 26-11-2026")
    replace(minimal_files, SECTION, "Some prose", "Some <b>raw</b> prose")
    replace(minimal_files, SECTION, "title: The only section", "title: The only section\ntitle: Again")
    code, lines = check(make_project, minimal_files, capsys)
    assert code == 1
    found = messages(lines)
    assert found[0] == "source/brief.yaml:2:7: date: '26-11-2026' is not written YYYY-MM-DD (write " \
        "date: 2026-11-26)"
    assert found[1] == ("source/sections/one.md:3:1: 'title' is set twice in the same place (keep one "
                        "of the two 'title:' lines, here and at line 2, and delete the other)")
    assert found[2].startswith("source/sections/one.md:7:")  # the prose is read, its HTML warned of
    assert "warning" in found[2]
    assert found[-1] == "2 errors in the source; nothing was written."


def test_the_theme_alone_is_named_by_its_path_in_the_project(make_project, minimal_files, capsys):
    with_theme(minimal_files, ("deck_title: 32", "deck_title: 20"), ("deck_body: 28", "deck_body: 12"),
               ("  deck_min_body: 18", "  deck_min_body: 18\n  deck_body: 28"))
    code, lines = check(make_project, minimal_files, capsys)
    assert code == 2
    assert lines == [
        ("error: templates/theme.yaml:19:15: theme sizes.deck_title is 20 (expected a size in points, "
        "24 to 96: long titles shrink to 24 pt, never below)"),
        "      deck_title: 20",
        ("templates/theme.yaml:20:14: theme sizes.deck_body is 12, below sizes.deck_min_body (18), the "
        "smallest body text the deck sets (expected deck_body of 18 or more, or a smaller "
        "deck_min_body)"),
        "      deck_body: 12",
        ("templates/theme.yaml:22:3: 'deck_body' is set twice in the same place (keep one of the two "
        "'deck_body:' lines, here and at line 20, and delete the other)"),
        "      deck_body: 28",
        "3 errors in the theme; nothing was written."]


def test_a_theme_that_is_not_yaml_is_explained_like_the_source(make_project, minimal_files, capsys):
    with_theme(minimal_files, ('primary: "#1B365D"', "primary:\t'#1B365D'"))
    code, lines = check(make_project, minimal_files, capsys)
    assert code == 2
    assert lines[0] == ("error: templates/theme.yaml:3:11: a tab inside an unquoted value is not "
                        "allowed (replace the tab with a space, or put the value in double quotes)")
    assert lines[-1] == "1 error in the theme; nothing was written."


def test_strict_warnings_and_the_theme_together(make_project, minimal_files, capsys):
    replace(minimal_files, SECTION, "Some prose", "Some <b>raw</b> prose")
    with_theme(minimal_files, ('primary: "#1B365D"', "primary: navy"))
    code, lines = check(make_project, minimal_files, capsys, "--strict")
    assert code == 1
    found = messages(lines)
    assert found[0].startswith("source/sections/one.md:6:1: html: raw HTML")
    assert found[1] == "templates/theme.yaml:3:12: theme colours.primary is 'navy' (expected a #RRGGBB colour)"
    assert found[-1] == "2 errors (1 in the source, 1 in the theme); nothing was written."
