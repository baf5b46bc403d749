"""Pandoc's ``smart`` punctuation in the sections' Markdown: ``--`` an en dash, ``---`` an em dash,
``...`` an ellipsis (with curly quotes, as before), never inside code, an escaped dash, an
autolink's address or raw HTML's comment markers."""

from __future__ import annotations

from deckgen.build.options import BuildOptions
from deckgen.build.pipeline import build
from deckgen.errors import Collector
from deckgen.load.markdown import parse_blocks, plain_text
from helpers import pdf_text

BODY = """\
Trade grew in 1965--2022, and the past --- as ever --- weighed on it... "Still," one said.

Run `deckgen build --strict` or \\-\\- escaped, see <https://example.org/a--b...>.

```
deckgen watch --only pdf ...
```
"""


def blocks(text: str):
    problems = Collector()
    return parse_blocks(text, "source/sections/one.md", 6, problems), problems


def test_dashes_and_ellipses_are_made_as_pandoc_makes_them():
    (first, second, code), _ = blocks(BODY)
    assert plain_text(first.spans) == ("Trade grew in 1965–2022, and the past — as ever — weighed on it… "
                                       "“Still,” one said.")
    assert plain_text(second.spans) == ("Run deckgen build --strict or -- escaped, see "
                                        "https://example.org/a--b....")
    assert code.text == "deckgen watch --only pdf ..."


def test_a_comment_marker_is_never_a_dash():
    (paragraph,), problems = blocks("A note <!-- for the editor --> here.")
    assert plain_text(paragraph.spans) == "A note <!-- for the editor --> here."
    assert any("raw HTML" in p.message for p in problems.problems)


def test_the_pdf_shows_the_dashes(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "Some prose citing [@doe2020]", "Be kind to your future self -- document everything [@doe2020]")
    project = make_project(files)
    build(project, BuildOptions(formats=("pdf",)))
    text = " ".join(pdf_text(project).split())
    assert "Be kind to your future self – document everything" in text
