"""A section without key points still gets slides that show something: its figures, tables and
callouts, else a summary of its opening paragraph; never a title with nothing under it. Each
such section is a warning from ``deckgen check`` naming its file.

The brief is made from the Markdown under tests/cases (the stress case's sections, with their
key points taken out, and the cases' READMEs) and from sections holding one construct each.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from deckgen.cli import main
from deckgen.deck.plan import plan_slides
from deckgen.load.loader import load_project
from deckgen.theme import load_theme

CASES = Path(__file__).resolve().parent / "cases"
STRESS = CASES / "stress" / "source"

ONE_CONSTRUCT = {
    "heading-only": "## A heading and nothing else\n",
    "list-only": "- First item of a list.\n- Second item.\n",
    "quote-only": "> Quoted words, with no prose around them.\n",
    "code-only": "```\nprint('code only')\n```\n",
    "plain-table": "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "empty": "",
    "rule-only": "---\n",
    "callout-unmarked": "> [!NOTE]\n> A note that is not marked for the deck.\n",
    "callout-marked": "> [!TIP] Shortcut {.deck}\n> The one thing to remember.\n",
    "numbered-table": "| Year | Visitors |\n|---|---:|\n| 2022 | 2.4 |\n\nTable: Visitors {#tbl:v}\n",
}

CONTENT_KINDS = ("points", "recommendations", "figure", "table", "callout")


def without_key_points(text: str) -> str:
    """A section's text with its front matter's key_points list removed."""
    return re.sub(r"(?m)^key_points:\n(?:  - .*\n)+", "", text)


@pytest.fixture(scope="module")
def project_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("no-points")
    shutil.copytree(STRESS, root / "source")
    sections = root / "source" / "sections"
    for path in sections.glob("*.md"):
        path.write_text(without_key_points(path.read_text(encoding="utf-8")), encoding="utf-8")
    ids = [p.stem for p in sorted(sections.glob("*.md")) if p.stem != "recommendations"]
    for index, readme in enumerate(sorted(CASES.glob("*/README.md"))):
        body = readme.read_text(encoding="utf-8")
        (sections / f"readme-{index}.md").write_text(
            f'---\ntitle: "{readme.parent.name} README"\n---\n{body}', encoding="utf-8")
        ids.append(f"readme-{index}")
    for name, body in ONE_CONSTRUCT.items():
        (sections / f"{name}.md").write_text(f'---\ntitle: "Only {name}"\n---\n{body}', encoding="utf-8")
        ids.append(name)
    brief = root / "source" / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^sections: \[.*\]$", "sections: [" + ", ".join(ids + ["recommendations"]) + "]",
                  text)
    brief.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def plans(project_root):
    brief = load_project(project_root)
    theme = load_theme(Path(__file__).resolve().parents[1] / "templates" / "theme.yaml")
    return brief, plan_slides(brief, theme)


def shows_something(slide) -> bool:
    if slide.kind == "table":
        return bool(slide.table and slide.table.rows)
    if slide.kind == "callout":
        return any(text.strip() for text in slide.paragraphs)
    if slide.kind == "figure":
        return bool(slide.figure_id)
    return any(text.strip() for text in slide.texts)


def test_no_content_slide_is_a_title_alone(plans):
    brief, slides = plans
    empty = [(s.number, s.kind, s.title) for s in slides
             if s.kind in CONTENT_KINDS and not shows_something(s)]
    assert empty == []
    assert len(brief.sections) > 20


def test_sections_without_points_show_what_they_have(plans):
    _, slides = plans
    by_section: dict[str, list] = {}
    for slide in slides:
        by_section.setdefault(slide.section_id, []).append(slide)

    def kinds(section_id):
        return [s.kind for s in by_section.get(section_id, []) if s.kind != "section"]

    assert kinds("charts") == ["callout"] + ["figure"] * 7  # its {.deck} callout, then its charts
    assert kinds("tables") == ["table", "table", "table", "callout", "table"]
    assert kinds("numbered-table") == ["table"]
    assert kinds("callout-marked") == ["callout"]
    assert kinds("list-only") == ["points"]
    assert kinds("empty") == [] and kinds("rule-only") == [] and kinds("code-only") == []
    prose = next(s for s in by_section["prose-only"] if s.kind == "points")
    assert prose.texts == (
        "This section has no key points and no notes, so its slide and its notes come from the prose.",
        "The second sentence adds detail that a speaker can say aloud.",
        "A third sentence closes it.")
    heading = next(s for s in by_section["heading-only"] if s.kind == "points")
    assert heading.texts == ("A heading and nothing else",)


def test_check_warns_at_each_section_file_without_key_points(project_root, capsys):
    code = main(["check", str(project_root)])
    err = capsys.readouterr().err
    assert code == 0
    assert ("source/sections/prose-only.md:1:1: warning: key_points: section 'prose-only' has no key "
            "points, so its deck slides show a summary of its opening paragraph "
            "(key_points: in its front matter, the bullets of its slide)") in err
    assert ("source/sections/charts.md:1:1: warning: key_points: section 'charts' has no key points, so "
            "its deck slides show only its 7 figures") in err
    assert ("source/sections/tables.md:1:1: warning: key_points: section 'tables' has no key points, so "
            "its deck slides show only its 2 numbered tables and callout marked {.deck}") in err
    assert ("source/sections/empty.md:1:1: warning: key_points: section 'empty' has no key points, so its "
            "deck slides show nothing: it has no paragraph or heading to summarise, so it appears "
            "only in the agenda") in err
    assert "section 'recommendations' has no key points" in err


def test_strict_check_makes_the_warning_an_error(project_root, capsys):
    assert main(["check", "--strict", str(project_root)]) == 1
    assert "section 'prose-only' has no key points" in capsys.readouterr().err
