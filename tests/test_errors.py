"""Bad input gives a clear error naming the file and line, and a non-zero exit."""

from __future__ import annotations

import pytest

from deckgen.cli import main


def run(project, capsys, *args):
    code = main(["check", str(project.root), *args])
    return code, capsys.readouterr().err


def test_malformed_yaml_names_file_and_line(make_project, minimal_files, capsys):
    minimal_files["source/figures/chart.yaml"] = "kind: column\ntitle: [unclosed\nalt: x\n"
    code, err = run(make_project(minimal_files), capsys)
    assert code == 1
    assert "source/figures/chart.yaml:3:" in err
    assert "nothing was written" in err


def test_unknown_key_suggests_the_right_one(make_project, minimal_files, capsys):
    minimal_files["source/sections/one.md"] = minimal_files["source/sections/one.md"].replace(
        "key_points:", "key_pionts:")
    code, err = run(make_project(minimal_files), capsys)
    assert code == 1
    assert "source/sections/one.md:3:1: key_pionts: unknown key (did you mean 'key_points'?)" in err


def test_missing_figure_is_reported_where_it_is_placed(make_project, minimal_files, capsys):
    minimal_files["source/sections/one.md"] += "\n![](fig:chrat)\n"
    code, err = run(make_project(minimal_files), capsys)
    assert code == 1
    assert "source/sections/one.md:10:1: figure: figure 'chrat' does not exist (did you mean 'chart'?)" in err


def test_every_problem_is_reported_at_once(make_project, minimal_files, capsys):
    minimal_files["source/sections/one.md"] = minimal_files["source/sections/one.md"].replace(
        "[@doe2020]", "[@doe2021]").replace("@fig:chart", "@fig:nope")
    code, err = run(make_project(minimal_files), capsys)
    assert code == 1
    assert "citation '@doe2021' is not in the references (did you mean 'doe2020'?)" in err
    assert "@fig:nope refers to no placed figure" in err
    assert "2 errors in the source" in err


def test_a_valid_project_checks_clean(make_project, minimal_files, capsys):
    code = main(["check", str(make_project(minimal_files).root)])
    assert code == 0
    assert "ok: 1 sections, 1 figures, 1 references" in capsys.readouterr().out


def test_not_a_project_is_a_usage_error(tmp_path, capsys):
    code = main(["build", str(tmp_path)])
    assert code == 2
    assert "not a deckgen project" in capsys.readouterr().err


def test_a_key_point_too_long_for_a_bullet_is_a_warning(make_project, minimal_files, capsys):
    long_point = "A point that keeps going " * 8
    minimal_files["source/sections/one.md"] = minimal_files["source/sections/one.md"].replace(
        "One point worth making.", long_point.strip())
    project = make_project(minimal_files)
    assert main(["check", str(project.root)]) == 0
    assert ("source/sections/one.md:4:5: warning: key_points.0: key point is 199 characters long, "
            "too long for a slide bullet (at most 160; move the detail to the prose or notes)"
            ) in capsys.readouterr().err
    assert main(["check", str(project.root), "--strict"]) == 1


@pytest.mark.parametrize("how", [[], ["--serial"], ["--only", "pptx"], ["--only", "pdf"]])
def test_a_deck_that_would_drop_a_key_point_fails_the_build(make_project, minimal_files, capsys,
                                                          monkeypatch, how):
    """The deck's job checks its slide plan against the brief, in whichever process renders
    it; the report reaches the author unchanged, and nothing is written."""
    from deckgen.deck import parity
    from deckgen.errors import Loc, Problem

    project = make_project(minimal_files)
    dropped = Problem(Loc("source/sections/one.md", 3, 1),
                      "key point 1 would not appear in the deck as written", "key_points")
    monkeypatch.setattr(parity, "parity_problems", lambda brief, plans: [dropped])
    code = main(["build", str(project.root), *how])
    assert code == 1
    assert capsys.readouterr().err == (
        "source/sections/one.md:3:1: key_points: key point 1 would not appear in the deck as "
        "written\n    key_points:\n1 error in the source; nothing was written.\n")
    assert not project.build_dir.exists() or not list(project.build_dir.glob("*.p*"))
