"""A slide title is never shortened to nothing, and a shortened title is said.

On Inspiration (a template whose title box is 50 pt tall), an Arabic line at the title's 24 pt
floor is too tall for the box: the titles were shortened to "…" alone. A title now shrinks below
its floor (to 18 pt) before it loses every word, and each title shortened to fit is a located
warning (an error with ``--strict``); the slide's notes give it in full.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pptx import Presentation

from deckgen.build.pipeline import BuildOptions, build
from helpers import TEMPLATE_CORPUS, run, write_project
from language_projects import arabic_files

LONG = "نظرة إلى الأمام " * 12


def on_inspiration(root: Path, files: dict[str, str]):
    project = write_project(root, files)
    shutil.copy(TEMPLATE_CORPUS / "Inspiration.pptx", root / "templates" / "reference.pptx")
    return project


def test_no_title_is_shortened_to_nothing(tmp_path):
    project = on_inspiration(tmp_path, arabic_files("ar", "Inspiration"))
    result = build(project, BuildOptions(formats=("pptx",)))
    (deck,) = project.build_dir.glob("*.pptx")
    titles = [s.shapes.title.text_frame.text for s in Presentation(str(deck)).slides
              if s.shapes.title is not None]
    assert len(titles) >= 10
    assert all(t.strip("… ") for t in titles), titles
    assert "جدول الأعمال" in titles and "الزوار حسب السنة" in titles
    assert not [w for w in result.warnings if "shortened" in w.message]


def test_a_title_shortened_to_fit_is_a_located_warning(tmp_path, capsys):
    files = arabic_files("ar", "Inspiration")
    files["source/sections/more.md"] = f"---\ntitle: {LONG}\n---\nيتوقع الفريق مزيدا من الزوار.\n"
    project = on_inspiration(tmp_path, files)
    result = build(project, BuildOptions(formats=("pptx",)))
    shortened = [w for w in result.warnings if "shortened" in w.message]
    assert [(str(w.loc), w.field) for w in shortened] == [("source/sections/more.md:2:1", "title")] * 2
    assert shortened[0].message.startswith("slide 8: its title is shortened to fit its box ('نظرة إلى الأمام")
    assert shortened[0].message.endswith("…'); the slide's notes give it in full")
    (deck,) = project.build_dir.glob("*.pptx")
    notes = Presentation(str(deck)).slides[7].notes_slide.notes_text_frame.text
    assert LONG.strip() in notes
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0, err
    assert "source/sections/more.md:2:1: warning: title: slide 8: its title is shortened to fit its box" in err
