"""Code never runs off the page, and a character no installed font has is a located warning.

Code blocks keep their line breaks and wrap long lines (``pre-wrap``, breaking a long token
anywhere), in running text, lists, quotes and callouts; every character of a long code line is
measured with pdfplumber inside the page's text area, none lost. A character that no installed
font can draw (an emoji past the fonts' coverage, say) is named with its code point and Unicode
name at its file, line and column, and ``--strict`` makes it an error.
"""

from __future__ import annotations

import pdfplumber
import pytest

from deckgen.build.pipeline import BuildOptions, build
from deckgen.load import glyphs
from deckgen.load.loader import load_project
from helpers import run

LONG_LINE = "result = compute(" + ", ".join(f"argument_{i}=value_{i}" for i in range(14)) + ")"
LONG_TOKEN = "https://example.org/" + "averyveryverylongpathsegment" * 6
CODE = f"""\
---
title: The only section
key_points:
  - One point worth making.
---
Some prose citing [@doe2020], see @fig:chart.

```python
{LONG_LINE}
{LONG_TOKEN}
```

- A list item with code:

  ```
  {LONG_LINE}
  ```

> A quote with `{LONG_TOKEN}` inline and a block:
>
> ```
> {LONG_LINE}
> ```

| Setting | Value |
|---|---|
| url | `{LONG_TOKEN}` |

![](fig:chart)
"""


MARGIN = 22 / 25.4 * 72  # the brief's left and right page margins, 22 mm


def code_chars(pdf):
    """Every character set in the monospace font, with its page."""
    return [(page, c) for page in pdf.pages for c in page.chars if "Mono" in c["fontname"]]


def test_every_character_of_a_long_code_line_is_inside_the_page_text_area(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/sections/one.md"] = CODE
    project = make_project(files)
    result = build(project, BuildOptions(formats=("pdf",)))
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        chars = code_chars(pdf)
        for page, char in chars:
            left, right = MARGIN, page.width - MARGIN  # the text area: inside the page's margins
            assert left - 1 <= char["x0"] and char["x1"] <= right + 1, (char["text"], char["x1"], right)
            assert 0 <= char["top"] and char["bottom"] <= page.height
        text = "".join(c["text"] for _, c in chars).replace(" ", "")
    # nothing lost: each long line is there whole, as many times as it was written
    assert text.count(LONG_LINE.replace(" ", "")) == 3
    assert text.count(LONG_TOKEN) == 3


def test_a_code_block_keeps_its_line_breaks_and_indentation(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "![](fig:chart)", "```\ndef f():\n    return 1\n```\n\n![](fig:chart)")
    project = make_project(files)
    result = build(project, BuildOptions(formats=("pdf",)))
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        chars = [c for _, c in code_chars(pdf)]
    lines = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c)
    first, second = (sorted(line, key=lambda c: c["x0"]) for _, line in sorted(lines.items()))
    assert "".join(c["text"] for c in first) == "def f():"
    assert "".join(c["text"] for c in second).strip() == "return 1"
    width = first[1]["x0"] - first[0]["x0"]  # one monospace character
    indented = next(c for c in second if c["text"] != " ")
    assert indented["x0"] - first[0]["x0"] == pytest.approx(4 * width, abs=0.5)


def test_a_character_no_installed_font_has_is_named_at_its_file_line_and_column(make_project, minimal_files,
                                                                               capsys):
    missing = next(chr(c) for c in range(0x1FAE0, 0x1FAF9) if not glyphs.has_glyph(chr(c)))
    files = dict(minimal_files)
    files["source/sections/one.md"] += f"\nA face {missing} here, and {missing} again.\n"
    files["source/figures/chart.yaml"] = files["source/figures/chart.yaml"].replace(
        "title: A chart", f"title: A chart {missing}")
    project = make_project(files)
    brief = load_project(project.root)
    import unicodedata

    name = unicodedata.name(missing)
    code = f"U+{ord(missing):04X}"
    said = f"no installed font has the character {code} {name} ({missing}): it would print as an empty " \
           "box (install a font that has it, or write it another way)"
    assert [p.format().split("\n")[0] for p in brief.warnings] == [
        f"source/figures/chart.yaml:2:16: warning: {said}", f"source/sections/one.md:10:8: warning: {said}"]
    code_, _, err = run(capsys, "check", "--strict", str(project.root))
    assert code_ == 1 and f"{code} {name}" in err


def test_a_character_an_installed_font_has_is_not_reported(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/sections/one.md"] += "\nSeoul (서울), Tokyo (東京), Zürich, “quotes” — and ½.\u200d\ufe0f\n"
    brief = load_project(make_project(files).root)
    assert not [p for p in brief.warnings if "no installed font" in p.message]


def test_coverage_is_asked_of_fontconfig_once(monkeypatch):
    glyphs.installed_coverage()
    calls = []
    monkeypatch.setattr(glyphs, "_fc_ranges", lambda: calls.append(1) or [])
    glyphs._checked.clear()
    for char in "éü東서":
        assert glyphs.has_glyph(char)
    assert calls == []
