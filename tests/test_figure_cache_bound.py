"""The figure cache stays bounded: after a build that rendered something it is pruned, least
recently used first, down to its limit; what the build used is never removed, nor what another
process sharing the cache used since the build began; what was pruned is in ``--json``."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil

from deckgen.build import figcache
from deckgen.build.pipeline import BuildOptions, build
from deckgen.project import Project
from helpers import REPO, make_collection, run

PDF = BuildOptions(formats=("pdf",), parallel=False)


def figures_of(build_dir) -> os.PathLike:
    return build_dir / ".deckgen-cache" / "figures"


def entries(folder) -> dict[str, int]:
    """The cached figures in ``folder``: ``{name: bytes}``."""
    return {p.name: p.stat().st_size for p in folder.iterdir() if figcache.ENTRY.fullmatch(p.name)}


def held(folder) -> int:
    """The bytes the bound counts: the cached figures and the temporaries being written."""
    return sum(p.stat().st_size for p in folder.iterdir()
               if figcache.ENTRY.fullmatch(p.name) or figcache.TEMPORARY.fullmatch(p.name))


def time_passes(folder, seconds: float = 60) -> None:
    """Every file in ``folder`` used ``seconds`` earlier than it was (their order kept): the
    next build begins well after the last one."""
    for path in folder.iterdir():
        info = path.stat()
        os.utime(path, (info.st_atime - seconds, info.st_mtime - seconds))


def set_values(project, values: str) -> None:
    chart = project.source / "figures" / "chart.yaml"
    text = chart.read_text()
    start = text.index("values: [")
    chart.write_text(text[:start] + f"values: [{values}]" + text[text.index("]", start) + 1:])


def edit_prose(section) -> None:
    section.write_text(section.read_text().replace("Some prose", "Some edited prose", 1)
                       if "Some edited prose" not in section.read_text()
                       else section.read_text().replace("Some edited prose", "Some prose", 1))


def test_the_cache_stays_under_its_limit_over_many_builds_with_changing_data(make_project, minimal_files,
                                                                             monkeypatch):
    project = make_project(minimal_files)
    build(project, PDF)
    folder = figures_of(project.build_dir)
    (size,) = entries(folder).values()
    limit = 3 * size + size // 2  # room for three of these figures
    monkeypatch.setattr(figcache, "CACHE_LIMIT", limit)
    made = list(entries(folder))
    pruned = []
    for n in range(3, 12):
        time_passes(folder)
        set_values(project, f"1, {n}")
        result = build(project, PDF)
        assert result.cache["figures"] == {"hits": 0, "rendered": 1}
        (new,) = set(entries(folder)) - set(made)
        made.append(new)
        assert held(folder) <= limit
        pruned.append(result.cache["pruned"])
    # least recently used first: the three newest are kept, the current one among them
    assert set(entries(folder)) == set(made[-3:])
    assert sum(p["figures"] for p in pruned) == len(made) - 3
    assert [p["figures"] for p in pruned] == [0, 0] + [1] * (len(made) - 3)
    assert all(p["bytes"] > 0 for p in pruned if p["figures"])

    # the current figure survived: a prose edit draws nothing
    edit_prose(project.source / "sections" / "one.md")
    again = build(project, PDF)
    assert again.cache["figures"] == {"hits": 1, "rendered": 0}
    assert again.cache["pruned"] == {"figures": 0, "bytes": 0}
    # a figure used again is the most recently used: the next one pruned is another
    time_passes(folder)
    set_values(project, "1, 9")  # made[-3]'s, the least recently used
    assert build(project, PDF).cache["figures"] == {"hits": 1, "rendered": 0}
    time_passes(folder)
    set_values(project, "1, 99")
    assert build(project, PDF).cache["pruned"]["figures"] == 1
    assert made[-3] in entries(folder) and made[-2] not in entries(folder) and made[-1] in entries(folder)


def test_the_example_keeps_every_figure_it_uses_even_over_the_limit(tmp_path, monkeypatch):
    """The whole working set (three editions' SVGs and PNGs) is kept whatever the limit: a
    one-paragraph edit draws no figure; what no build uses goes."""
    shutil.copytree(REPO / "source", tmp_path / "source")
    project = Project.at(tmp_path)
    monkeypatch.setattr(figcache, "CACHE_LIMIT", 1)
    first = build(project)
    folder = figures_of(project.build_dir)
    assert first.cache["pruned"] == {"figures": 0, "bytes": 0}
    used = entries(folder)
    assert first.cache["figures"]["rendered"] == len(used) == 12
    stale = folder / ("timeline-" + "0" * 32 + ".svg")  # a figure of an earlier timeline
    shutil.copyfile(folder / next(n for n in used if n.endswith(".svg")), stale)
    stale_size = stale.stat().st_size
    time_passes(folder)

    section = tmp_path / "source" / "sections" / "history.md"
    text = section.read_text()
    body = text.split("\n---\n", 1)[1]
    paragraph = next(line for line in body.splitlines() if len(line) > 80 and line[0].isalpha())
    section.write_text(text.replace(paragraph, paragraph + " One more sentence.", 1))
    second = build(project)

    assert set(second.cache["outputs"].values()) == {"built"}
    assert second.cache["figures"] == {"hits": 12, "rendered": 0}
    assert second.cache["pruned"] == {"figures": 1, "bytes": stale_size}
    assert entries(folder) == used
    third = build(project)
    assert third.up_to_date and third.cache["pruned"] == {"figures": 0, "bytes": 0}


def test_json_says_what_was_pruned_and_it_is_no_warning(make_project, minimal_files, capsys, monkeypatch):
    project = make_project(minimal_files)
    code, out, err = run(capsys, "build", str(project.root), "--only", "pdf", "--json")
    assert code == 0, err
    assert json.loads(out)["cache"]["pruned"] == {"figures": 0, "bytes": 0}
    folder = figures_of(project.build_dir)
    (old, size), = entries(folder).items()
    monkeypatch.setattr(figcache, "CACHE_LIMIT", size + size // 2)
    time_passes(folder)
    set_values(project, "3, 4")

    code, out, err = run(capsys, "build", str(project.root), "--only", "pdf", "--json")

    assert (code, err) == (0, "")
    summary = json.loads(out)
    assert summary["cache"]["pruned"] == {"figures": 1, "bytes": size}
    assert summary["warnings"] == [] and "removed" not in summary
    assert old not in entries(folder) and len(entries(folder)) == 1
    # the no-op build after it prunes nothing
    code, out, _ = run(capsys, "build", str(project.root), "--only", "pdf", "--json")
    assert json.loads(out)["cache"] == {"outputs": {"pdf": "hit"}, "figures": {"hits": 0, "rendered": 0},
                                        "pruned": {"figures": 0, "bytes": 0}}
    # nor is a pruning said on the terminal: it is no warning
    time_passes(folder)
    set_values(project, "5, 6")
    code, out, err = run(capsys, "build", str(project.root), "--only", "pdf")
    assert (code, err) == (0, "") and out.startswith("wrote: ")
    assert len(entries(folder)) == 1


def test_what_another_process_is_using_is_kept(make_project, minimal_files, monkeypatch):
    """A figure another process (a collection's worker, a watch) used since this build began,
    a temporary being written and a lock a worker holds stay; a killed build's temporary and a
    lock nobody holds, of a figure that is gone, go."""
    project = make_project(minimal_files)
    build(project, PDF)
    folder = figures_of(project.build_dir)
    (current, size), = entries(folder).items()
    data = (folder / current).read_bytes()
    names = {what: f"{what}-{digit * 32}.svg" for what, digit in (("old", "1"), ("busy", "2"), ("drawn", "3"))}
    for name in names.values():
        (folder / name).write_bytes(data)
    killed = folder / f".{names['old']}.{'a' * 12}.tmp"
    writing = folder / f".{names['busy']}.{'b' * 12}.tmp"
    killed.write_bytes(data[:100])
    free_lock, held_lock = folder / ("gone-" + "4" * 32 + ".svg.lock"), folder / (names["drawn"] + ".lock")
    free_lock.touch()
    held_lock.touch()
    time_passes(folder, 7200)
    writing.write_bytes(data[:100])  # being written now
    monkeypatch.setattr(figcache, "CACHE_LIMIT", 1)
    set_values(project, "5, 6")

    def another_process_uses_it():  # while this build runs
        os.utime(folder / names["busy"])

    real_get = figcache.FigureCache.get

    def get(self, figure, theme, fmt, render):
        another_process_uses_it()
        return real_get(self, figure, theme, fmt, render)

    monkeypatch.setattr(figcache.FigureCache, "get", get)
    fd = os.open(held_lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a worker drawing that figure
        result = build(project, PDF)
    finally:
        os.close(fd)

    left = {p.name for p in folder.iterdir()}
    assert names["busy"] in left and writing.name in left and held_lock.name in left
    assert names["old"] not in left and names["drawn"] not in left and current not in left
    assert killed.name not in left and free_lock.name not in left
    assert result.cache["pruned"] == {"figures": 4, "bytes": 3 * size + 100}  # old, drawn, current, killed
    assert len(entries(folder)) == 2  # this build's figure and the one in use elsewhere


def test_foreign_files_cut_short_entries_and_files_removed_by_hand(make_project, minimal_files, monkeypatch):
    project = make_project(minimal_files)
    build(project, PDF)
    folder = figures_of(project.build_dir)
    (current, size), = entries(folder).items()
    whole = (folder / current).read_bytes()
    (folder / "notes.txt").write_text("mine")
    (folder / "mine").mkdir()
    (folder / ("old-" + "1" * 32 + ".png")).write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 5000)
    (folder / current).write_bytes(whole[: len(whole) // 2])  # cut short: a disk that filled
    time_passes(folder)
    monkeypatch.setattr(figcache, "CACHE_LIMIT", size + 1000)
    edit_prose(project.source / "sections" / "one.md")

    result = build(project, PDF)

    assert result.cache["figures"] == {"hits": 0, "rendered": 1}  # drawn again, not read
    assert (folder / current).read_bytes() == whole
    assert result.cache["pruned"] == {"figures": 1, "bytes": 5008}
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "mine").is_dir()

    (folder / current).unlink()  # by hand
    edit_prose(project.source / "sections" / "one.md")
    result = build(project, PDF)
    assert result.cache["figures"] == {"hits": 0, "rendered": 1}
    assert result.cache["pruned"] == {"figures": 0, "bytes": 0}
    assert (folder / current).read_bytes() == whole


def test_a_read_only_cache_still_builds(make_project, minimal_files, monkeypatch):
    """A figures folder nothing can be written to or removed from (read-only, a full disk):
    the figures are drawn, the outputs written, nothing pruned, no error."""
    project = make_project(minimal_files)
    build(project, PDF)
    folder = figures_of(project.build_dir)
    (current, _), = entries(folder).items()
    time_passes(folder)
    monkeypatch.setattr(figcache, "CACHE_LIMIT", 1)
    real_open, real_unlink = os.open, os.unlink

    def cached(name) -> bool:
        return isinstance(name, str) and bool(figcache.ENTRY.fullmatch(name) or figcache.TEMPORARY.fullmatch(name))

    def read_only_open(name, flags, *args, **kwargs):  # a cached figure cannot be created
        if cached(name) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(name, flags, *args, **kwargs)

    def read_only_unlink(name, *args, **kwargs):  # nor removed
        if cached(name):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_unlink(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only_open)
    monkeypatch.setattr(os, "unlink", read_only_unlink)
    set_values(project, "7, 8")

    result = build(project, PDF)

    assert result.cache["figures"] == {"hits": 0, "rendered": 1}
    assert result.cache["pruned"] == {"figures": 0, "bytes": 0}
    assert result.warnings == []
    assert set(entries(folder)) == {current}
    assert len(list(project.build_dir.glob("*.pdf"))) == 1


def built(capsys, *args) -> dict:
    code, out, err = run(capsys, "build", *args, "--only", "pdf", "--json")
    assert code == 0, err
    return json.loads(out)["briefs"]


def test_a_collections_briefs_keep_each_others_figures_and_the_shared_cache_stays_bounded(
        tmp_path, capsys, monkeypatch):
    root = make_collection(tmp_path, ["alpha", "beta"])
    alpha, beta = (Project(root / name, root, root / "build") for name in ("alpha", "beta"))
    set_values(beta, "7, 9")
    first = built(capsys, str(root), "--jobs", "2")
    folder = figures_of(root / "build")
    assert sum(b["cache"]["figures"]["rendered"] for b in first.values()) == 2
    assert [b["cache"]["pruned"] for b in first.values()] == [{"figures": 0, "bytes": 0}] * 2
    kept = set(entries(folder))  # each brief's figure

    # many edits of alpha alone: beta's figure stays while the cache is under its limit
    for n in range(3, 7):
        time_passes(folder)
        set_values(alpha, f"1, {n}")
        assert set(built(capsys, str(root / "alpha"))) == {"alpha"}
        assert kept <= set(entries(folder))
    edit_prose(beta.source / "sections" / "one.md")
    again = built(capsys, str(root / "beta"))
    assert again["beta"]["cache"]["figures"] == {"hits": 1, "rendered": 0}

    # a limit of three figures: the collection's build keeps both briefs' current figures,
    # prunes alpha's older ones, and says so once (with the first brief written)
    sizes = entries(folder)
    limit = 3 * max(sizes.values())
    monkeypatch.setattr(figcache, "CACHE_LIMIT", limit)
    time_passes(folder)
    set_values(alpha, "2, 2")
    set_values(beta, "3, 3")
    third = built(capsys, str(root), "--jobs", "2")
    assert held(folder) <= limit
    assert third["alpha"]["cache"]["pruned"]["figures"] == len(sizes) + 2 - len(entries(folder))
    assert third["beta"]["cache"]["pruned"] == {"figures": 0, "bytes": 0}
    assert third["alpha"]["cache"]["pruned"]["bytes"] > 0
    for project in (alpha, beta):
        edit_prose(project.source / "sections" / "one.md")
    fourth = built(capsys, str(root), "--jobs", "2")
    assert [b["cache"]["figures"] for b in fourth.values()] == [{"hits": 1, "rendered": 0}] * 2


def test_a_no_op_build_does_not_look_at_the_figure_cache(make_project, minimal_files, monkeypatch):
    project = make_project(minimal_files)
    build(project, PDF)
    listed = []
    monkeypatch.setattr(figcache, "_listing", lambda folder: listed.append(folder) or ([], [], []))
    result = build(project, PDF)
    assert result.up_to_date and listed == []
    assert result.cache["pruned"] == {"figures": 0, "bytes": 0}
