"""The command line: exit codes (0 ok, 1 invalid source, 2 usage), --strict, --json, --quiet, progress."""

from __future__ import annotations

import io
import json
import sys
import time

import pytest

from deckgen.cli import _progress, main

DUPLICATE_REFERENCE = """
  - id: doe2020b
    author: Doe, Jane
    title: A Book
    year: 2020
"""


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args, message", [
    (["build", "--no-such-option"], "No such option '--no-such-option'"),
    (["build", "--paper", "a5"], "'a5' is not one of 'a4', 'letter'"),
    (["new"], "Missing argument 'DIRECTORY'"),
    (["frobnicate"], "No such command 'frobnicate'"),
    (["build", ".", "extra-argument"], "unexpected extra argument"),
])
def test_usage_errors_exit_2(capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_help_exits_0_and_lists_the_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("build", "check", "watch", "new"):
        assert command in out


def test_invalid_source_exits_1_and_writes_nothing(make_project, minimal_files, capsys):
    minimal_files["source/sections/one.md"] += "\n![](fig:missing)\n"
    project = make_project(minimal_files)
    code, _, err = run(capsys, "build", project.root)
    assert code == 1
    assert "figure 'missing' does not exist" in err
    assert not list(project.build_dir.glob("*.pdf")) and not list(project.build_dir.glob("*.pptx"))


def test_strict_turns_warnings_into_errors(make_project, minimal_files, capsys):
    minimal_files["source/brief.yaml"] += DUPLICATE_REFERENCE.lstrip("\n")
    project = make_project(minimal_files)
    code, out, err = run(capsys, "check", project.root)
    assert code == 0 and out.startswith("ok:")
    assert "warning: references: reference 'doe2020b' repeats 'doe2020'" in err

    code, _, err = run(capsys, "check", "--strict", project.root)
    assert code == 1
    assert "warning:" not in err and "reference 'doe2020b' repeats 'doe2020'" in err
    assert "1 error in the source" in err

    code, _, err = run(capsys, "build", "--strict", project.root)
    assert code == 1
    assert not list(project.build_dir.glob("*.p*"))


def test_json_summary_then_quiet_noop(make_project, minimal_files, capsys):
    project = make_project(minimal_files)
    code, out, _ = run(capsys, "build", "--json", project.root)
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"outputs", "pages", "slides", "timings", "warnings", "cache"}
    assert summary["pages"] >= 1 and summary["slides"] >= 3
    assert summary["cache"]["outputs"] == {"pdf": "built", "pptx": "built"}
    assert summary["cache"]["figures"] == {"hits": 0, "rendered": 1}  # one chart: SVG, no PNG

    code, out, err = run(capsys, "build", "--quiet", project.root)
    assert (code, out, err) == (0, "", "")

    code, out, _ = run(capsys, "build", "--json", project.root)
    again = json.loads(out)
    assert again["cache"]["outputs"] == {"pdf": "hit", "pptx": "hit"}
    assert (again["pages"], again["slides"]) == (summary["pages"], summary["slides"])

    code, out, _ = run(capsys, "build", project.root)
    assert "up to date: " in out and "a-minimal-brief.pdf" in out and "checked in" in out
    assert "wrote" not in out


def test_unwritable_build_folder_is_an_environment_error(make_project, minimal_files, capsys):
    project = make_project(minimal_files)
    project.build_dir.write_text("a file where the build folder should be")
    code, _, err = run(capsys, "build", project.root)
    assert code == 2
    assert err.startswith("error: ") and "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_steps_only_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with _progress(enabled=True) as step:
        assert step is None  # not a terminal: no progress display at all

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _progress(enabled=True) as step:
        step("rendering the PDF")
        time.sleep(0.1)
    assert "rendering the PDF" in terminal.getvalue()

    with _progress(enabled=False) as step:  # --quiet or --json
        assert step is None


def test_a_resource_the_templates_ask_for_outside_the_project_exits_2(make_project, minimal_files,
                                                                      capsys):
    from deckgen.project import default_templates_dir

    stylesheet = (default_templates_dir() / "brief.css").read_text(encoding="utf-8")
    outside = "file:///etc/hostname"
    project = make_project({**minimal_files, "templates/brief.css":
                            stylesheet + f'\nbody {{ background: url("{outside}"); }}\n'})
    code, _, err = run(capsys, "build", "--only", "pdf", project.root)
    assert code == 2, err
    assert f"refused to load '{outside}'" in err
    assert not list(project.build_dir.glob("*.pdf"))
