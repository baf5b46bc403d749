"""A corpus of bad inputs: each ends in one clear, located message and the right exit code.

Every case is a small project: the minimal valid project (``conftest.MINIMAL``) with a few
files changed. A change is text, bytes, a function of the old text, a symbolic link, a named
pipe or a deletion. The expected fragment includes ``file:line`` wherever the problem has a
line. More cases live as folders in ``tests/cases/bad/<case>/`` (files laid over the minimal
project, and ``expected.txt``: the exit code on the first line, the fragment on the second).
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import textwrap
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import MINIMAL
from deckgen.cli import main
from helpers import CSV_FIGURE

CASES_DIR = Path(__file__).parent / "cases" / "bad"


@dataclass(frozen=True)
class Symlink:
    target: str  # absolute, or relative to the project root


@dataclass(frozen=True)
class Fifo:
    pass


@dataclass(frozen=True)
class Sparse:
    size: int  # a file of this many NUL bytes, written without using the disk


@dataclass(frozen=True)
class Case:
    id: str
    changes: dict
    expected: str
    code: int = 1
    args: tuple[str, ...] = ("check",)
    extra: tuple[str, ...] = field(default=())  # more fragments that must appear


def png(width: int, height: int) -> bytes:
    """A PNG header declaring ``width`` x ``height`` pixels (the pixels are never there)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def append(text: str):
    return lambda old: old + text


def replace(old_text: str, new_text: str):
    def change(old: str) -> str:
        assert old_text in old, old_text
        return old.replace(old_text, new_text)
    return change


def csv_figure(path: str = "data/x.csv", rows: str | None = None) -> dict:
    changes = {"source/figures/chart.yaml": CSV_FIGURE.format(csv=path)}
    if rows is not None:
        changes["source/data/x.csv"] = rows
    return changes


def as_pie(values: str = "[1, 2]", more: str = ""):
    """The minimal figure as a pie chart with ``values``, and ``more`` series lines after."""
    return lambda old: old.replace("kind: column", "kind: pie").replace("[1, 2]", values) + more


def logo(value: str, **files) -> dict:
    return {"source/brief.yaml": append(f"logo: {value}\n"), **files}


BRIEF = "source/brief.yaml"
SECTION = "source/sections/one.md"
FIGURE = "source/figures/chart.yaml"
SECTION_BODY_LINE = 10  # the first line appended to the section after a blank line

CASES = [
    # ---- YAML: what the parser must refuse ----
    Case("duplicate-key", {BRIEF: append("title: Again\n")},
         "source/brief.yaml:11:1: 'title' is set twice in the same place (keep one of the two "
         "'title:' lines, here and at line 1, and delete the other)"),
    Case("python-tag", {BRIEF: append("x: !!python/object/apply:os.system [ls]\n")},
         "source/brief.yaml:11:4: YAML tag '!!python/object/apply:os.system' is not allowed"),
    Case("binary-tag", {BRIEF: replace("title: A minimal brief", "title: !!binary aGVsbG8=")},
         "source/brief.yaml:1:8: YAML tag '!!binary' is not allowed"),
    Case("include-tag", {BRIEF: append("summary: !include /etc/passwd\n")},
         "source/brief.yaml:11:10: YAML tag '!include' is not allowed"),
    Case("alias", {BRIEF: replace("title: A minimal brief", "title: &t A minimal brief\nsubtitle: *t")},
         "source/brief.yaml:2:11: YAML aliases (*name) are not allowed"),
    Case("two-documents", {BRIEF: append("---\ntitle: second\n")},
         "source/brief.yaml:11:1: more than one YAML document in the file"),
    Case("complex-key", {BRIEF: append("? [a, b]\n: c\n")},
         "source/brief.yaml:11:3: a key must be plain text"),
    Case("impossible-date", {BRIEF: replace("2026-01-15", "2026-02-30")},
         "source/brief.yaml:2:7: date: '2026-02-30' is not a date: February 2026 has 28 days"),
    Case("not-a-mapping", {BRIEF: "- just\n- a list\n"},
         "source/brief.yaml:1:1: expected a mapping of keys to values"),
    Case("unclosed-quote", {BRIEF: replace("title: A minimal brief", 'title: "A minimal brief')},
         "source/brief.yaml:"),
    Case("latin-1", {BRIEF: b"title: Caf\xe9 brief\n"},
         "source/brief.yaml:1:11: file is not UTF-8 text (byte 0xe9) (save the file as UTF-8)"),
    Case("utf-16", {SECTION: lambda old: old.encode("utf-16")},
         "source/sections/one.md:1:1: file is not UTF-8 text (byte 0xff) (this looks like UTF-16"),
    Case("control-characters-strict",
         {BRIEF: replace("A minimal brief", "A \x00minimal\x1b[2J brief")},
         "source/brief.yaml:1:10: removed characters XML cannot hold", args=("check", "--strict")),
    Case("escaped-surrogate-strict",
         {BRIEF: replace("title: A minimal brief", 'title: "A \\ud800 brief \\uFFFE"')},
         "source/brief.yaml:1:8: removed characters XML cannot hold", args=("check", "--strict")),
    Case("javascript-reference", {BRIEF: append("    url: javascript:alert(1)\n")},
         "source/brief.yaml:11:10: references.0.url: invalid value 'javascript:alert(1)' "
         "(an http:// or https:// address)"),
    Case("too-many-sections",
         {BRIEF: replace("sections: [one]", "sections: [" + ", ".join(f"s{i}" for i in range(61)) + "]")},
         "source/brief.yaml:5:1: sections: too many items (61) (at most 60)"),
    Case("key-point-too-long", {SECTION: replace("One point worth making.", "x" * 20_000)},
         "source/sections/one.md:4:5: key_points.0: text is too long (20,000 characters) (at most 600)"),
    Case("too-many-key-points",
         {SECTION: replace("  - One point worth making.\n", "".join(f"  - Point {i}.\n" for i in range(2000)))},
         "source/sections/one.md:3:1: key_points: too many items (2,000) (at most 30)"),
    # ---- Markdown: links, images, nesting, size ----
    Case("file-link", {SECTION: append("\n[passwords](file:///etc/passwd)\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: link: link target 'file:///etc/passwd' is not allowed"),
    Case("javascript-link", {SECTION: append("\n[click](javascript:alert(1))\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: link: link target 'javascript:alert(1)' is not allowed"),
    Case("relative-link", {SECTION: append("\nSee [the notes](../../notes.md).\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: link: link target '../../notes.md' is not allowed"),
    Case("remote-image", {SECTION: append("\nText ![x](http://127.0.0.1:9/x.png)\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: image: images are placed through figure files"),
    Case("local-image", {SECTION: append("\n![x](../../../etc/logo.png)\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: image: images are placed through figure files"),
    Case("nested-list", {SECTION: append("\n" + "".join("  " * i + "- item\n" for i in range(40)))},
         "source/sections/one.md:18:1: content nested more than 8 levels deep"),
    Case("nested-quote", {SECTION: append("\n" + ">" * 5000 + " deep\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: content nested more than 8 levels deep"),
    Case("huge-table", {SECTION: append("\n| h | i |\n|---|---|\n" + "| a | b |\n" * 10_000)},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: table: table is too large (10,000 rows, 2 columns)"),
    Case("wide-table", {SECTION: append("\n" + "|c" * 50 + "|\n" + "|-" * 50 + "|\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: table: table is too large (0 rows, 50 columns)"),
    Case("big-section", {SECTION: append("\n" + "word " * 50_000)},
         "source/sections/one.md: file 'source/sections/one.md' is too large (250,"),
    Case("50-megabyte-section", {SECTION: Sparse(50_000_000)},
         "file 'source/sections/one.md' is too large (50,000,000 bytes) (at most 200,000 bytes)"),
    Case("section-is-a-pipe", {SECTION: Fifo()},
         "source/sections/one.md: 'source/sections/one.md' is not a regular file"),
    Case("section-links-out", {SECTION: Symlink("/etc/passwd")},
         "source/sections/one.md: 'source/sections/one.md' leads outside the source folder"),
    Case("section-missing", {SECTION: None},
         "source/brief.yaml:5:12: sections: section 'one' has no file (source/sections/one.md)"),
    # ---- figures and their data ----
    Case("csv-absolute", csv_figure("/etc/passwd"),
         "source/figures/chart.yaml:6:8: data.csv: '/etc/passwd' is an absolute path"),
    Case("csv-dot-dot", csv_figure("data/../../secret.csv"),
         "source/figures/chart.yaml:6:8: data.csv: 'data/../../secret.csv' goes up out of the source folder"),
    Case("csv-url", csv_figure("http://127.0.0.1:9/x.csv"),
         "source/figures/chart.yaml:6:8: data.csv: 'http://127.0.0.1:9/x.csv' is a URL"),
    Case("csv-links-out", {**csv_figure(), "secret.csv": "c,v\na,1\n", "source/data/x.csv": Symlink("secret.csv")},
         "source/figures/chart.yaml:6:8: data.csv: 'data/x.csv' leads outside the source folder through a symbolic link"),
    Case("csv-10000-rows", csv_figure(rows="c,v\n" + "a,1\n" * 10_000),
         "source/data/x.csv:502:1: too many rows for a figure (at most 500 data rows)"),
    Case("csv-decimal-comma", csv_figure(rows='c,v\na,"1,5"\n'),
         "source/data/x.csv:2:2: v: '1,5' is not a number (a comma only separates thousands)"),
    Case("csv-infinite", csv_figure(rows="c,v\na,1\nb,inf\n"),
         "source/data/x.csv:3:2: v: 'inf' is not a usable number"),
    Case("csv-huge-field", csv_figure(rows='c,v\n"' + "a" * 200_000 + '",1\n'),
         "source/data/x.csv:2:1: invalid CSV: field larger than field limit"),
    Case("inline-nan", {FIGURE: replace("[1, 2]", "[1, .nan]")},
         "source/figures/chart.yaml:9:19: data.series.0.values.1: should be a finite number"),
    Case("inline-huge-value", {FIGURE: replace("[1, 2]", "[1e308, 2]")},
         "source/figures/chart.yaml:9:16: data.series.0.values.0: should be less than or equal to"),
    Case("pie-of-zeros", {FIGURE: as_pie(values="[0, 0]")},
         "source/figures/chart.yaml:5:1: data: a pie chart needs values that add up to more than zero"),
    Case("pie-of-two-series", {FIGURE: as_pie(more="    - name: More\n      values: [3, 4]\n")},
         "source/figures/chart.yaml:5:1: data.series: a pie chart shows one series (2 given)"),
    Case("figure-is-a-pipe", {"source/figures/other.yaml": Fifo()},
         "source/figures/other.yaml: 'source/figures/other.yaml' is not a regular file"),
    Case("101-figure-files", {f"source/figures/f{i}.yaml": "kind: pie\n" for i in range(100)},
         "source/figures: too many figure files (101) (at most 100)"),
    # ---- the logo ----
    Case("logo-url", logo("http://127.0.0.1:9/logo.png"),
         "source/brief.yaml:11:7: logo: 'http://127.0.0.1:9/logo.png' is a URL"),
    Case("logo-absolute", logo("/etc/passwd"),
         "source/brief.yaml:11:7: logo: '/etc/passwd' is an absolute path"),
    Case("logo-dot-dot", logo("images/../../logo.png"),
         "source/brief.yaml:11:7: logo: 'images/../../logo.png' goes up out of the source folder"),
    Case("logo-links-out", logo("logo.png", **{"logo.png": png(10, 10), "source/logo.png": Symlink("logo.png")}),
         "source/brief.yaml:11:7: logo: 'logo.png' leads outside the source folder through a symbolic link"),
    Case("logo-20000-pixels", logo("logo.png", **{"source/logo.png": png(20_000, 20_000)}),
         "source/brief.yaml:11:7: logo: 'logo.png' is far too large"),
    Case("logo-too-wide", logo("logo.png", **{"source/logo.png": png(5000, 10)}),
         "source/brief.yaml:11:7: logo: 'logo.png' is 5,000 x 10 pixels (a PNG or JPEG of at most 4096 x 4096"),
    Case("logo-svg", logo("logo.svg", **{"source/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'}),
         "source/brief.yaml:11:7: logo: 'logo.svg' is not a PNG or JPEG image"),
    Case("logo-big-file", logo("logo.png", **{"source/logo.png": Sparse(3_000_000)}),
         "source/brief.yaml:11:7: file 'source/logo.png' is too large (3,000,000 bytes)"),
    # ---- build: the same refusals, and nothing is written ----
    Case("build-link-out", {SECTION: append("\n[x](file:///etc/passwd)\n")},
         f"source/sections/one.md:{SECTION_BODY_LINE}:1: link: link target 'file:///etc/passwd' is not allowed",
         args=("build",), extra=("nothing was written",)),
    Case("build-logo-url", logo("https://example.org/logo.png"),
         "source/brief.yaml:11:7: logo: 'https://example.org/logo.png' is a URL", args=("build",)),
]


def minimal_files() -> dict[str, str]:
    return {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}


def write_project(root: Path, changes: dict) -> None:
    """The minimal project under ``root`` with ``changes`` applied."""
    files: dict = minimal_files()
    for name, change in changes.items():
        files[name] = change(files.get(name, "")) if callable(change) else change
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        if isinstance(content, Symlink):
            target = Path(content.target)
            os.symlink(target if target.is_absolute() else root / target, path)
        elif isinstance(content, Fifo):
            os.mkfifo(path)
        elif isinstance(content, Sparse):
            with open(path, "wb") as stream:
                stream.truncate(content.size)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail (instead of hanging the suite) when the body runs longer than ``seconds``."""
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: a hang on bad input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(root: Path, args: tuple[str, ...], capsys) -> tuple[int, str]:
    command, *options = args
    started = time.perf_counter()
    with time_limit(60):
        code = main([command, str(root), *options])
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"took {elapsed:.1f} s"
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_a_located_message(case: Case, tmp_path, capsys):
    write_project(tmp_path, case.changes)
    code, output = run(tmp_path, case.args, capsys)
    assert case.expected in output, output
    for fragment in case.extra:
        assert fragment in output, output
    assert code == case.code, output
    assert "Traceback" not in output
    if case.args[0] == "build":
        assert not list((tmp_path / "build").glob("*.p*")), "a bad build wrote an output"


def folder_cases() -> list[Path]:
    return sorted(p for p in CASES_DIR.iterdir() if p.is_dir()) if CASES_DIR.is_dir() else []


@pytest.mark.parametrize("folder", folder_cases(), ids=lambda p: p.name)
def test_bad_input_folder_case(folder: Path, tmp_path, capsys):
    code_line, expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()[:2]
    changes = {p.relative_to(folder).as_posix(): p.read_bytes()
               for p in folder.rglob("*") if p.is_file() and p.name != "expected.txt"}
    write_project(tmp_path, changes)
    code, output = run(tmp_path, ("check",), capsys)
    assert expected in output, output
    assert code == int(code_line), output


def test_the_corpus_is_large_enough():
    assert len(CASES) + len(folder_cases()) >= 30
