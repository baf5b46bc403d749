"""Untrusted source text: nothing leaks out of the project, nothing in it runs, nothing breaks.

- WeasyPrint only ever gets files inside the project through ``pdf.SandboxFetcher``: files
  outside, ``..`` escapes, symbolic links pointing out, http(s) and every other scheme are
  refused, also when HTML or CSS asks for them in every way it can.
- A brief whose every field holds hostile text (``<script>``, ``<b>``, ``$`` signs that would
  start mathtext, control characters, lone surrogates, U+FFFE) builds: the PDF shows that
  text literally, the deck reopens in python-pptx and no figure goes through mathtext.
- The YAML reader refuses a billion-laughs document and deep flow nesting at once, and
  messages never send a control character to the terminal.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import textwrap
import time
import zipfile
from pathlib import Path

import matplotlib.mathtext
import pytest
import weasyprint
from pptx import Presentation
from pypdf import PdfReader

from conftest import MINIMAL
from deckgen.cli import main
from deckgen.errors import Loc, Problem
from deckgen.figures import drawing as figures
from deckgen.load.loader import load_project
from deckgen.load.yamlsrc import YamlProblem, load_yaml
from deckgen.pdf.weasy import RefusedResource, SandboxFetcher
from deckgen.project import Project
from deckgen.theme import load_theme

# ---- the sandbox ---------------------------------------------------------------------------


@pytest.fixture
def sandbox(tmp_path):
    """A project with a secret beside source/, a link to it inside, a pipe, and a fetcher."""
    source = tmp_path / "source"
    (source / "sub").mkdir(parents=True)
    (source / "inside.css").write_text("p { color: red }")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", source / "link-out.css")
    os.mkfifo(source / "pipe.css")
    fetcher = SandboxFetcher([source], {"asset:figure-a.svg": b"<svg/>"})
    return tmp_path, fetcher


def refused_urls(root: Path) -> list[str]:
    source = (root / "source").as_uri()
    return [
        (root / "secret.txt").as_uri(),                      # a file beside source/
        source + "/../secret.txt",                           # a '..' escape
        source + "/%2e%2e/secret.txt",                       # the same, percent-encoded
        source + "/sub/../../secret.txt",
        (root / "source" / "link-out.css").as_uri(),         # a symbolic link pointing out
        (root / "source" / "pipe.css").as_uri(),             # not a regular file
        source + "/",                                        # a folder
        source + "/missing.css",
        "file:///etc/passwd",
        "file://localhost" + str(root / "source" / "inside.css"),  # a host in a file URL
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.css",
        "ftp://example.org/x.css",
        "data:text/css,p{}",
        "javascript:alert(1)",
        "asset:figure-missing.svg",
    ]


def test_sandbox_serves_project_files_and_assets(sandbox):
    root, fetcher = sandbox
    assert fetcher.fetch((root / "source" / "inside.css").as_uri()).read() == b"p { color: red }"
    assert fetcher.fetch("asset:figure-a.svg").read() == b"<svg/>"
    assert fetcher.refused == []


def test_sandbox_refuses_everything_else(sandbox):
    root, fetcher = sandbox
    for url in refused_urls(root):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)
    assert fetcher.refused == refused_urls(root)


HOSTILE_HTML = {
    "stylesheet": '<link rel="stylesheet" href="file:///etc/passwd">',
    "image": '<img src="http://127.0.0.1:9/x.png">',
    "import": '<style>@import url("https://example.org/x.css");</style><p>x</p>',
    "background": '<p style="background: url(file:///etc/hostname)">x</p>',
    "font-face": "<style>@font-face { font-family: X; src: url(http://127.0.0.1:9/f.woff) }"
                 " p { font-family: X }</style><p>x</p>",
    "relative-escape": '<img src="../secret.txt">',
    "object": '<object data="file:///etc/passwd"></object>',
    "embed": '<embed src="http://127.0.0.1:9/e.svg">',
    "svg-image": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 '<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>',
    "list-style": '<ul style="list-style-image: url(http://127.0.0.1:9/b.png)"><li>x</li></ul>',
    "generated-content": "<style>p::before { content: url(http://127.0.0.1:9/c.png) }</style><p>x</p>",
    "attachment": '<link rel="attachment" href="file:///etc/passwd">',
}


@pytest.mark.parametrize("name", HOSTILE_HTML)
def test_weasyprint_fetches_only_through_the_sandbox(name, sandbox):
    root, fetcher = sandbox
    document = weasyprint.HTML(string=HOSTILE_HTML[name], url_fetcher=fetcher,
                               base_url=(root / "source").as_uri() + "/")
    try:
        document.write_pdf()
    except (RefusedResource, weasyprint.urls.FatalURLFetchingError):
        pass  # refused and stopped: the build reports it
    assert len(fetcher.refused) == 1, fetcher.refused


# ---- a brief made of hostile text ------------------------------------------------------------

HOSTILE = {
    "source/brief.yaml": lambda old: old.replace(
        "title: A minimal brief",
        'title: "A <b>bold</b> brief\\ud800 \\x00\\uFFFE"\n'
        "subtitle: 'Raw \x01controls\x1f and \x7f DEL'\n"
        'distribution: "<i>PUBLIC</i> </style><script>x()</script>"'),
    "source/sections/one.md": lambda old: old.replace(
        "One point worth making.", '"Trade of $52bn, from $1bn to $2bn\\x0b."').replace(
        "Some prose", "<script>alert(1)</script> Some\x0c pro\x01se &#0; &#xFFFE; <img src=x onerror=y()>")
        + "\n![](fig:events)\n",
    "source/figures/chart.yaml": lambda old: old.replace("title: A chart", "title: Trade of $52bn")
        .replace("[a, b]", '["$52bn", "$1 and $2"]').replace("name: Values", 'name: "$ value $"'),
    "source/figures/events.yaml": lambda old: textwrap.dedent("""\
        kind: timeline
        title: From $1bn to $2bn
        alt: Two events.
        source: Test
        data:
          events:
            - {year: 2001, label: "From $1bn to $2bn"}
            - {year: 2002, label: "$52bn"}
        """),
}


def write_hostile(root: Path) -> None:
    files = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}
    for name, change in HOSTILE.items():
        files[name] = change(files.get(name, ""))
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile brief, built once: (root, exit code, stderr, pdf path, pptx path)."""
    root = tmp_path_factory.mktemp("hostile")
    write_hostile(root)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", str(root), "--quiet"])
    build = root / "build"
    return root, code, err.getvalue(), next(build.glob("*.pdf"), None), next(build.glob("*.pptx"), None)


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(path).pages))


def test_hostile_brief_builds_with_located_warnings(hostile):
    _, code, err, _, _ = hostile
    assert code == 0, err
    assert "source/brief.yaml:1:8: warning: removed characters XML cannot hold" in err
    assert "source/brief.yaml:2:16: warning: removed characters XML cannot hold" in err
    assert "source/sections/one.md:6:" in err
    assert "\x1b" not in err and "\x00" not in err


def test_raw_html_shows_as_text_and_never_as_an_element(hostile):
    _, _, _, pdf, _ = hostile
    text = pdf_text(pdf)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=y()>" in text
    assert "A <b>bold</b> brief" in text
    assert "<i>PUBLIC</i>" in text
    data = pdf.read_bytes()
    assert b"/JavaScript" not in data and b"/JS " not in data


def test_dollar_signs_stay_dollar_signs_in_the_pdf(hostile):
    text = pdf_text(hostile[3])
    assert "Trade of $52bn" in text
    assert "From $1bn to $2bn" in text


def test_deck_reopens_with_clean_text(hostile):
    deck = Presentation(hostile[4])
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes
             if shape.has_text_frame]
    assert any("Trade of $52bn, from $1bn to $2bn" in t for t in texts), texts
    bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
    assert not [t for t in texts if bad.search(t)]
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert list(charts[0].plots[0].categories) == ["$52bn", "$1 and $2"]


def test_every_part_of_the_deck_is_well_formed_xml(hostile):
    from xml.dom.minidom import parseString

    with zipfile.ZipFile(hostile[4]) as deck:
        for name in deck.namelist():
            if name.endswith((".xml", ".rels")):
                parseString(deck.read(name))  # raises on any character XML cannot hold


def test_figures_never_use_mathtext(hostile, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("mathtext was used for a label with dollar signs")

    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", refuse)
    root = hostile[0]
    brief = load_project(root)
    theme = load_theme(Project.at(root).template_file("theme.yaml"))
    assert {f.kind for f in brief.figures} == {"column", "timeline"}
    for figure in brief.figures:
        assert figures.render_svg(figure, theme).startswith(b"<?xml")
        assert figures.render_png(figure, theme, dpi=40).startswith(b"\x89PNG")


def test_the_mathtext_guard_would_notice(hostile, monkeypatch):
    """The guard above is real: with parse_math on, the same label goes through mathtext."""
    import matplotlib.pyplot as plt

    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("mathtext")))
    fig = plt.figure()
    fig.text(0, 0, "$1 and $2", parse_math=True)
    with pytest.raises(AssertionError, match="mathtext"):
        fig.savefig(os.devnull, format="png")
    plt.close(fig)


# ---- YAML bombs and terminal escapes ------------------------------------------------------------

def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines + ["title: *i"])


@pytest.mark.parametrize("text, message", [
    (billion_laughs(), "aliases"),
    ("title: " + "[" * 100_000, "nested more than"),
    ("x: " + "{a: " * 50_000, "nested more than"),
    ("- " * 100_000 + "x", "nested more than"),
    ("".join(f"k{i}: v\n" for i in range(30_000)), "too many values"),
])
def test_yaml_bombs_stop_at_once(text, message):
    started = time.perf_counter()
    with pytest.raises(YamlProblem, match=message):
        load_yaml(text, "source/brief.yaml")
    assert time.perf_counter() - started < 5


def test_messages_never_send_control_characters_to_the_terminal(tmp_path):
    (tmp_path / "bad.md").write_text("ok\n\x1b]8;;http://evil\x07click\x1b[2J \u202ereversed\n")
    text = Problem(Loc("bad.md", 2, 1), "value \x1b[31mred\x00").format(tmp_path)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", text), text
    assert "\\x1b]8;;http://evil\\x07click" in text and "\\u202e" in text


def test_messages_never_quote_a_file_outside_the_project(tmp_path):
    (tmp_path / "outside.txt").write_text("the secret line\n")
    (tmp_path / "project").mkdir()
    os.symlink(tmp_path / "outside.txt", tmp_path / "project" / "link.md")
    text = Problem(Loc("link.md", 1, 1), "bad").format(tmp_path / "project")
    assert "secret" not in text


def test_sandbox_never_serves_a_file_swapped_for_a_link_out_while_it_is_fetched(sandbox, monkeypatch):
    """The fetcher reads what it opened: a stylesheet swapped for a link to a file outside the
    project between any check of its name and the read is refused, not served."""
    root, fetcher = sandbox
    target = root / "source" / "inside.css"
    real_open, real_is_file = os.open, Path.is_file

    def swap():
        if not target.is_symlink():
            target.unlink()
            os.symlink(root / "secret.txt", target)

    def open_after_swap(path, *args, **kwargs):
        if os.fspath(path) == str(target):
            swap()
        return real_open(path, *args, **kwargs)

    def is_file_then_swap(path):
        answer = real_is_file(path)
        if path == target:
            swap()
        return answer

    monkeypatch.setattr(os, "open", open_after_swap)
    monkeypatch.setattr(Path, "is_file", is_file_then_swap)
    with pytest.raises(RefusedResource):
        fetcher.fetch(target.as_uri())
