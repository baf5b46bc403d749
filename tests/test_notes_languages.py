"""The deck's notes and texts join sentences as the brief's language does.

Japanese and Chinese end a sentence with "。" and put no space after it; English, Korean and the
other languages a full stop and a space. The example brief's Japanese edition and the small
Chinese and Korean briefs of ``tests/cases/lang`` are planned as a build plans them: no slide's
notes or text joins two CJK sentences with ". ", none leaves a space after "。", and every label
deckgen puts before a text ("1910: ...") is written with the language's own colon. The PDF's link
descriptions ("Figure 2: Title") are written as the language writes a label and a title.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deckgen.deck.plan import plan_deck
from deckgen.load.loader import load_project
from deckgen.pdf.weasy import link_descriptions
from deckgen.project import Project
from deckgen.theme import load_theme
from helpers import write_project
from language_projects import project_files

REPO = Path(__file__).resolve().parents[1]
CJK = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
ENGLISH_JOIN = re.compile(f"[{CJK}）」][.:] ")      # "火種に. 敏感な", "1910: 日本"
SPACE_AFTER_STOP = re.compile("。 ")


def planned(root: Path, edition: str | None = None):
    project = Project.at(root)
    return plan_deck(load_project(project.root, edition), load_theme(project.template_file("theme.yaml")))


def texts(deck) -> list[tuple[str, str]]:
    """(where, text) of every slide's notes, title, bullets and lines; not the works cited, which
    the citation style writes."""
    out = []
    for number, slide in enumerate(deck.slides, start=1):
        if slide.kind == "references":
            continue
        out.append((f"slide {number} notes", slide.notes))
        out.append((f"slide {number} title", slide.title))
        for name in ("subtitle", "caption", "paragraphs"):
            value = getattr(slide, name, "")
            out += [(f"slide {number} {name}", v) for v in (value if isinstance(value, tuple) else (value,))
                    if isinstance(v, str)]
        out += [(f"slide {number} bullet", b.text) for b in getattr(slide, "bullets", ())]
    return out


@pytest.fixture(scope="module")
def japanese():
    return planned(REPO, "ja")


def test_the_japanese_notes_end_each_sentence_with_a_japanese_full_stop(japanese):
    closing = japanese.slides[-1].notes
    assert closing.startswith("最後に、要点をもう一度確認します。深い結びつき")
    assert "竹島の領有権問題は繰り返し火種に。敏感な問題に正面から" in closing
    assert japanese.slides[0].notes.startswith("歴史・貿易・安全保障：日韓関係の再構築。日本と韓国は")
    timeline = next(s for s in japanese.slides if "1910：" in s.notes)
    assert "1910：日本による朝鮮の植民地支配が始まる。1945：日本の植民地支配が終わる。" in timeline.notes
    table = next(s for s in japanese.slides if s.kind == "table")
    assert table.notes == "表1：和解を阻む障害と、それに応える好機。全3行、列見出しは障害と好機。"


def test_no_english_sentence_join_is_left_in_the_japanese_deck(japanese):
    found = [(where, text) for where, text in texts(japanese)
             if ENGLISH_JOIN.search(text) or SPACE_AFTER_STOP.search(text)]
    assert found == []


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_no_english_sentence_join_is_left_in_a_chinese_or_japanese_brief(tmp_path, lang):
    deck = planned(write_project(tmp_path, project_files(lang)).root)
    found = [(where, text) for where, text in texts(deck)
             if ENGLISH_JOIN.search(text) or SPACE_AFTER_STOP.search(text)]
    assert found == []
    notes = " ".join(s.notes for s in deck.slides)
    assert "。" in notes


def test_korean_and_english_notes_keep_a_full_stop_and_a_space(tmp_path):
    korean = planned(write_project(tmp_path / "ko", project_files("ko")).root)
    closing = korean.slides[-1].notes
    assert re.search(f"[{CJK}]\\. [{CJK}]", closing), closing
    english = planned(REPO)
    assert english.slides[0].notes.startswith(
        "History, Trade and Security: Rebuilding Japan–South Korea Relations. Japan and South Korea")


def test_the_pdf_s_link_descriptions_are_written_as_the_language_writes_a_label_and_title():
    brief = load_project(REPO, "ja")
    described = link_descriptions(brief)
    figure = brief.figures[0]
    assert described[f"fig-{figure.id}"] == f"{figure.label}：{figure.title}"
    section = brief.sections[1]
    assert described[f"sec-{section.id}"] == f"{section.label}：{section.title}"
    labelled = [text for target, text in described.items() if target.startswith(("sec-", "fig-"))]
    assert len(labelled) == len(brief.sections) + len(brief.figures)
    assert [text for text in labelled if ": " in text] == []
