"""Odd but possible projects end in a clear message or a correct build, never a hang or traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from pptx import Presentation
from pypdf import PdfReader

from deckgen.cli import main


def test_a_pipe_or_a_link_out_in_source_does_not_hang_or_leak_the_build(make_project, minimal_files,
                                                                           tmp_path_factory):
    project = make_project(minimal_files)
    os.mkfifo(project.source / "data.pipe")
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text("not for the build")
    (project.source / "secret.txt").symlink_to(secret)
    command = [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()",
               "build", str(project.root), "--quiet"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (project.build_dir / "a-minimal-brief.pdf").is_file()


def test_a_file_the_loader_reads_is_part_of_the_cache_key(make_project, minimal_files, capsys):
    minimal_files["source/figures/chart.yaml"] = (
        "kind: column\ntitle: A chart\nalt: x\nsource: s\n"
        "data:\n  csv: data/.hidden.csv\n  category: c\n  series:\n    - column: v\n")
    minimal_files["source/data/.hidden.csv"] = "c,v\na,1\nb,2\n"
    project = make_project(minimal_files)
    assert main(["build", str(project.root), "--only", "pptx", "--quiet"]) == 0
    (project.source / "data" / ".hidden.csv").write_text("c,v\na,7\nb,9\n")
    assert main(["build", str(project.root), "--only", "pptx", "--quiet"]) == 0
    deck = Presentation(project.build_dir / "a-minimal-brief.pptx")
    charts = [s.chart for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert list(charts[0].plots[0].series[0].values) == [7.0, 9.0]


def test_a_date_past_what_a_zip_can_hold_is_a_located_error(make_project, minimal_files, capsys):
    minimal_files["source/brief.yaml"] = minimal_files["source/brief.yaml"].replace(
        "date: 2026-01-15", "date: 2206-01-15")
    project = make_project(minimal_files)
    assert main(["build", str(project.root), "--quiet"]) == 1
    assert ("source/brief.yaml:2:7: date: 2206-01-15 is outside the years 1980 to 2107"
            in capsys.readouterr().err)


def test_a_folder_where_a_section_file_should_be_is_a_located_error(make_project, minimal_files,
                                                                      capsys):
    minimal_files["source/brief.yaml"] = minimal_files["source/brief.yaml"].replace(
        "sections: [one]", "sections: [one, two]")
    project = make_project(minimal_files)
    (project.source / "sections" / "two.md").mkdir()
    assert main(["check", str(project.root)]) == 1
    assert ("source/sections/two.md: 'source/sections/two.md' is not a regular file "
            "(a text file, not a folder, device or pipe)") in capsys.readouterr().err


def test_a_bad_theme_value_is_an_environment_problem(make_project, minimal_files, capsys):
    from deckgen.project import default_templates_dir

    theme = (default_templates_dir() / "theme.yaml").read_text().replace("deck_body: 28", "deck_body: big")
    minimal_files["templates/theme.yaml"] = theme
    assert main(["check", str(make_project(minimal_files).root)]) == 2
    assert "theme sizes.deck_body is 'big' (expected a size in points, 6 to 96)" in capsys.readouterr().err


def test_references_end_each_part_with_one_full_stop(make_project, minimal_files):
    minimal_files["source/brief.yaml"] = minimal_files["source/brief.yaml"].replace(
        "title: A Book", "title: Why Books?")
    project = make_project(minimal_files)
    assert main(["build", str(project.root), "--only", "pdf", "--quiet"]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(project.build_dir / "a-minimal-brief.pdf").pages)
    assert "Doe, Jane. 2020. Why Books?" in " ".join(text.split())  # Chicago author-date
    assert "Why Books?." not in text


def test_deckgen_new_with_a_long_title_builds_at_once(tmp_path):
    title = "History, Trade and Security: Rebuilding Japan–South Korea Relations in 2027"
    assert main(["new", str(tmp_path / "brief"), "--title", title]) == 0
    assert main(["check", str(tmp_path / "brief"), "--strict"]) == 0
