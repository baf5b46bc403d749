"""Markdown written for GitHub, Pandoc and a government playbook (``tests/cases/markdown/``, their
origins in ``SOURCES.md``), each built as a brief's section: the PDF's text in order, its tagged
structure (tables, list items, footnotes), and the exact located warnings for what deckgen does
not turn into output. A golden of meaning, not of bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.cli import main
from deckgen.project import Project

CORPUS = Path(__file__).resolve().parent / "cases" / "markdown"
FRONT_LINES = 5  # the front matter the test adds above each document

BRIEF = """title: "Corpus {name}"
date: 2026-11-26
authors: [{{name: "Corpus"}}]
organisation: "Corpus"
distribution: PUBLIC
language: en
sections: [{name}]
"""
FRONT = '---\ntitle: "{name}"\nkey_points:\n  - "A first key point."\n---\n'


def project(root: Path, name: str) -> Project:
    sections = root / "source" / "sections"
    sections.mkdir(parents=True)
    (root / "source" / "brief.yaml").write_text(BRIEF.format(name=name))
    (sections / f"{name}.md").write_text(FRONT.format(name=name) + (CORPUS / f"{name}.md").read_text())
    return Project.at(root)


def squash(text: str) -> str:
    return " ".join(re.sub("\u2010\\s+", "", text.replace("\u00ad", "")).split())


def structure(reader: PdfReader) -> Counter:
    """How many of each structure element the tagged PDF's tree holds."""
    found: Counter = Counter()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if not hasattr(node, "get"):
            continue
        if "/S" in node:
            found[str(node["/S"])] += 1
        kids = node.get("/K")
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        stack.extend(kids if isinstance(kids, list) else [kids] if hasattr(kids, "get") else [])
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache = {}

    def get(name: str):
        if name not in cache:
            proj = project(tmp_path_factory.mktemp(name), name)
            build(proj, BuildOptions(formats=("pdf",)))
            (path,) = proj.build_dir.glob("*.pdf")
            reader = PdfReader(path)
            cache[name] = (squash(" ".join(p.extract_text() for p in reader.pages)), structure(reader))
        return cache[name]
    return get


def warnings(tmp_path: Path, name: str, capsys, *options) -> tuple[int, list[str]]:
    proj = project(tmp_path / name, name)
    capsys.readouterr()
    code = main(["check", str(proj.root), *options])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if re.match(r"^source/", line)]


def at(name: str, line: int, text: str) -> str:
    return f"source/sections/{name}.md:{line + FRONT_LINES}:1: warning: {text}"


OWN = 2  # list items deckgen adds: the key takeaway and the contents' one entry
HTML = "html: raw HTML '{}' is shown as text, not as HTML (Markdown, or the text without the tags)"
ATTRS = ("attributes: attributes '{}' are not used: the text is shown without them (the text alone; "
         "classes and ids on spans, code and links have no effect in a brief)")
DEFINITION = ("definition: definition list is not read: its terms and definitions are shown as a "
              "paragraph (a list of '- **term**: definition')")
SCRIPT = "{0}: {0} '{1}' is shown as written (the text without the marks, such as 'H2O' or '2 to the 10th')"

CASES = {
    "github-formatting": {
        "phrases": ["To create a heading, add one to six <kbd>#</kbd> symbols",
                 "# A first-level heading ## A second-level heading",
                 "Style Syntax Keyboard shortcut Example Output",
                 "NOTE When viewing a conversation",
                 "git status git add git commit",
                 "HEX <code>`#RRGGBB`</code>",
                 "John Quincy Adams", "First nested list item Second nested list item",
                 "\u2612 #739", "\u2610 https://github.com/octo-org/octo-repo/issues/740",
                 "\u2610 (Optional) Open a followup issue",
                 "Here is a simple footnote1.", "WARNING Urgent info", "CAUTION Advises about risks",
                 "Let\u2019s rename *our-new-project* to *our-old-project*.",
                 "1. My reference.", "2. To add line breaks within a footnote"],
        "absent": ["<!--", "This content will not appear", "[x] #739", "[ ] Add delight", "[^1]"],
        "tables": 2, "items": OWN + 2 + 4 + 3 + 3 + 3 + 3 + 1, "warnings": [
            at("github-formatting", 3, HTML.format("<kbd>")),
            at("github-formatting", 17, HTML.format("<kbd>")),
            at("github-formatting", 18, HTML.format("<kbd>")),
            at("github-formatting", 22, HTML.format("<sub>")),
            at("github-formatting", 26, HTML.format("<kbd>")),
            at("github-formatting", 36, HTML.format("<kbd>")),
            *[at("github-formatting", line, HTML.format("<code>")) for line in (64, 64, 65, 65, 66, 66)],
            at("github-formatting", 96, HTML.format("<kbd>")),
            at("github-formatting", 124, HTML.format("<kbd>")),
            at("github-formatting", 154, HTML.format("<kbd>")),
        ]},
    "pandoc-manual": {
        "phrases": ["Table 1. Demonstration of pipe table syntax. Right Left Default Center 12 12 12 12",
                 "fruit price apple 2.05 pear 1.37 orange 3.09",
                 "*\\*hello\\**", "<em>*hello*</em>", "hard line break. It will appear",
                 "This text is emphasized with underscores",
                 "To write small caps, use the smallcaps class: Small caps",
                 "To highlight text, use the mark class: Mark",
                 "Smith says blah [-@smith04].",
                 "title = {My Dinner with {Andre}}",
                 "Here is a footnote reference,1 and another.2",
                 "1. Here is the footnote.", "2. Here\u2019s one with multiple blocks.",
                 "3. Inlines notes are easier to write"],
        "absent": ["{.smallcaps}", "{.mark}", ": Demonstration", "[^1]", "^[Inlines"],
        "tables": 2, "items": OWN + 2, "warnings": [
            at("pandoc-manual", 61, SCRIPT.format("subscript", "~2~")),
            at("pandoc-manual", 61, SCRIPT.format("superscript", "^10^")),
            at("pandoc-manual", 63, ATTRS.format("{.smallcaps}")),
            at("pandoc-manual", 65, ATTRS.format("{.mark}")),
            at("pandoc-manual", 80, "table: Pandoc simple table is not read: its rule of dashes is left "
               "out and its rows are shown as paragraphs (a pipe table: | a | b |, then | --- | --- |)"),
            at("pandoc-manual", 87, DEFINITION),
            at("pandoc-manual", 90, DEFINITION),
        ]},
    "usds-playbook": {
        "phrases": ["Be kind to your future self – document everything.",
                 "Checklist", "Include an example call and response", "Swagger, Slate, ApiDocJS",
                 "Key Questions", "existing documentation projects?",
                 "We Want Your Feedback", "GitHub Issues", "Running the Site Locally",
                 "bundle install", "jekyll serve --watch", "CC0 1.0 Universal public domain dedication"],
        "absent": ["](", "###"],
        "tables": 0, "items": OWN + 4 + 4 + 3, "warnings": []},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_pdf_shows_each_document_in_order(built, name):
    text, _ = built(name)
    case = CASES[name]
    at_ = 0
    for phrase in case["phrases"]:
        found = text.find(phrase, at_)
        assert found >= 0, (phrase, text[at_:at_ + 300])
        at_ = found + len(phrase)
    for phrase in case["absent"]:
        assert phrase not in text, phrase


@pytest.mark.parametrize("name", sorted(CASES))
def test_tables_and_list_items_are_tagged_as_such(built, name):
    _, found = built(name)
    assert found["/Table"] == CASES[name]["tables"]
    assert found["/LI"] == CASES[name]["items"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_what_is_not_turned_into_output_is_warned_at_its_line(tmp_path, capsys, name):
    code, lines = warnings(tmp_path, name, capsys)
    assert code == 0
    assert lines == CASES[name]["warnings"]
    if lines:
        code, lines = warnings(tmp_path / "strict", name, capsys, "--strict")
        assert code == 1


def test_a_horizontal_rule_is_warned_at_its_line(make_project, minimal_files):
    from deckgen.load.loader import load_project

    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "![](fig:chart)", "***\n\nMore prose.\n\n![](fig:chart)")
    brief = load_project(make_project(files).root)
    assert [w.format().splitlines()[0] for w in brief.warnings if w.field == "rule"] == [
        ("source/sections/one.md:8:1: warning: rule: horizontal rule is not drawn: the brief "
        "separates its parts by headings (a heading (## Title) where a new part begins, or no rule)")]
