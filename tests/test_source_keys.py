"""The keys of a build: a source folder too deep or too full is a located error in check and
build alike; the cache key recorded is that of the bytes that went into the outputs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from deckgen.build import keys
from deckgen.build.pipeline import BuildOptions, build
from helpers import pdf_text, run

PDF_ONLY = BuildOptions(formats=("pdf",))


# ---- the walk of source/ -------------------------------------------------------------------------

@pytest.fixture
def nest():
    """Make ``levels`` folders, one in the other, under a folder; removed again afterwards
    (without recursion, which 1,100 levels would exhaust)."""
    made: list[Path] = []

    def make(folder: Path, levels: int) -> Path:
        path = folder
        folder.mkdir()
        for _ in range(levels):
            path = path / "d"
            os.mkdir(path)
            made.append(path)
        return path

    yield make
    for path in reversed(made):
        for child in path.iterdir():
            child.unlink()
        path.rmdir()


def too_deep(top: str) -> str:
    """The error for folders nested under ``source/<top>/`` one level past the limit."""
    return (f"source/{top}/" + "d/" * keys.MAX_TREE_DEPTH + ": folders nested too deeply "
            f"(at most {keys.MAX_TREE_DEPTH} levels of folders under source/)\n"
            "1 error in the source; nothing was written.\n")


@pytest.mark.parametrize("command", ["check", "build"])
def test_folders_nested_too_deeply_are_a_located_error(make_project, minimal_files, capsys, nest,
                                                       command):
    project = make_project(minimal_files)
    nest(project.source / "unused", 1_100)

    code, out, err = run(capsys, command, str(project.root))

    assert (code, out) == (1, "")
    assert err == too_deep("unused")
    assert not project.build_dir.exists() or not list(project.build_dir.glob("*.p*"))


def test_folders_nested_to_the_limit_are_fine_and_one_more_is_not(make_project, minimal_files,
                                                                  capsys, nest):
    project = make_project(minimal_files)
    (nest(project.source / "unused", keys.MAX_TREE_DEPTH - 1) / "note.txt").write_text("x")
    assert run(capsys, "check", str(project.root))[0] == 0
    (nest(project.source / "deeper", keys.MAX_TREE_DEPTH) / "note.txt").write_text("x")
    assert run(capsys, "check", str(project.root))[2] == too_deep("deeper")


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("kind", ["files", "folders"])
def test_too_many_files_or_folders_are_a_located_error(make_project, minimal_files, capsys, command,
                                                       kind):
    project = make_project(minimal_files)
    unused = project.source / "unused"
    unused.mkdir()
    for number in range(keys.MAX_TREE_ENTRIES):
        if kind == "files":
            (unused / f"{number}.txt").touch()
        else:
            (unused / str(number)).mkdir()

    code, out, err = run(capsys, command, str(project.root))

    assert (code, out) == (1, "")
    limit = f"{keys.MAX_TREE_ENTRIES:,}"
    assert err == (f"source/unused/: more than {limit} files and folders under source/ (at most "
                   f"{limit}: keep only the brief's files under source/)\n"
                   "1 error in the source; nothing was written.\n")


# ---- the key recorded is that of the bytes read ---------------------------------------------------

def save_during_the_load(monkeypatch, path: Path, text: str) -> None:
    """The author saves ``path`` after the build hashed the source and before it loads it."""
    from deckgen.load import loader

    real = loader.load_project

    def saved_then_loaded(root, *rest):
        path.write_text(text)
        return real(root, *rest)

    monkeypatch.setattr(loader, "load_project", saved_then_loaded)


@pytest.mark.parametrize("options", [PDF_ONLY, BuildOptions()], ids=["pdf", "both"])
def test_undoing_a_save_made_during_a_build_renders_again(make_project, minimal_files, monkeypatch,
                                                          options):
    project = make_project(minimal_files)
    build(project, options)
    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Before the build"))
    saved_before = section.read_text()
    save_during_the_load(monkeypatch, section, saved_before.replace("Before the build", "Saved during"))
    build(project, options)
    assert "Saved during" in pdf_text(project)
    monkeypatch.undo()
    section.write_text(saved_before)  # the author undoes the save

    result = build(project, options)

    assert not result.up_to_date
    assert "Before the build" in pdf_text(project) and "Saved during" not in pdf_text(project)


def test_keeping_a_save_made_during_a_build_is_up_to_date(make_project, minimal_files, monkeypatch):
    project = make_project(minimal_files)
    brief = project.source / "brief.yaml"
    build(project, PDF_ONLY)
    brief.write_text(brief.read_text().replace("A minimal brief", "A first title"))
    save_during_the_load(monkeypatch, brief, brief.read_text().replace("A first title", "A saved title"))
    build(project, PDF_ONLY)
    monkeypatch.undo()

    result = build(project, PDF_ONLY)  # the disk holds what went into the PDF

    assert result.up_to_date
    assert "A saved title" in pdf_text(project)


def test_the_brief_records_the_digest_of_every_file_it_read(make_project, minimal_files):
    from deckgen.load.loader import load_project

    project = make_project(minimal_files)
    (project.source / "unused.txt").write_text("not read")
    brief = load_project(project.root)
    expected = {name.removeprefix("source/"): hashlib.sha256((project.root / name).read_bytes()).hexdigest()
                for name in minimal_files}
    assert dict(brief.source_digests) == expected
    assert {k: v for k, v in keys.file_digests(project.source).items() if k in expected} == expected
