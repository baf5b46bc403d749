"""Language editions: one source, a brief and a deck per language in ``editions:``.

A small brief in English with Japanese and Korean translations beside its files
(``sections/overview.ja.md``, ``brief.ja.yaml``, ``figures/trade.ja.yaml``): every edition is
built under its own name, says nothing in English, and draws the same numbers; ``--edition``
builds one, and the cache keys each on its own; ``check`` reports what is untranslated, what is
stale (with the exact message and how to refresh it) and where an edition's sections differ from
the original's; the Japanese and Korean decks stay inside their shapes in LibreOffice (CJK
metrics). So do the example brief's Japanese and Korean editions, which keep none of
deckgen's English labels and none of the original's own words.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.build.pipeline import load as load_edition
from deckgen.load.loader import load_project
from deckgen.project import Project
from edition_projects import (
    BRIEF,
    FIGURE,
    OVERVIEW,
    TRANSLATIONS,
    project_files,
    stamp,
    with_stamp,
    write_project,
)
from helpers import (
    EXAMPLE,
    copy_example,
    english_labels,
    has_word,
    libreoffice_pdfs,
    misplaced_words,
    normalised,
    run,
)

REPO = Path(__file__).resolve().parents[1]

ENGLISH = ("Trade", "Overview", "National statistics", "Two neighbours", "PUBLIC", "First half",
           "Key takeaways", "Contents", "References", "Agenda", "Figure")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def deck_text(path: Path) -> str:
    with zipfile.ZipFile(path) as deck:
        parts = [n for n in deck.namelist() if re.match(r"ppt/(slides|notesSlides|charts)/\w+\.xml$", n)]
        return " ".join(t for n in parts for t in re.findall(r"<(?:a|c):(?:t|v)>([^<]*)</(?:a|c):(?:t|v)>",
                                                               deck.read(n).decode()))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Project, object]:
    project = write_project(tmp_path_factory.mktemp("editions"), project_files())
    return project, build(project, BuildOptions())


def test_each_edition_is_built_under_its_own_name(built):
    project, result = built
    names = sorted(p.name for p in project.build_dir.iterdir() if p.is_file())
    assert names == ["two-neighbours.ja.pdf", "two-neighbours.ja.pptx", "two-neighbours.ko.pdf",
                     "two-neighbours.ko.pptx", "two-neighbours.pdf", "two-neighbours.pptx"]
    assert set(result.outputs) == {"pdf", "pptx", "pdf.ja", "pptx.ja", "pdf.ko", "pptx.ko"}
    assert result.warnings == []


@pytest.mark.parametrize("lang, words", [
    ("ja", ("隣国間の貿易", "概要", "年別の貿易", "上半期", "国の統計", "公開", "要点")),
    ("ko", ("두 이웃 나라의 무역", "개요", "연도별 무역", "상반기", "국가 통계", "공개")),
])
def test_a_translated_edition_says_nothing_in_english_and_has_the_same_numbers(built, lang, words):
    project, _ = built
    pdf = pdf_text(project.build_dir / f"two-neighbours.{lang}.pdf")
    deck = deck_text(project.build_dir / f"two-neighbours.{lang}.pptx")
    for word in ENGLISH:
        assert word not in pdf, (lang, word)
        assert word not in deck, (lang, word)
    for word in words:
        assert word in pdf.replace("\n", ""), (lang, word)
    for number in ("1,234.50", "2,345.25"):
        assert number in pdf
    assert "1234.5" in deck and "2345.25" in deck  # the chart's own numbers


def test_the_original_keeps_its_english(built):
    project, _ = built
    pdf = pdf_text(project.build_dir / "two-neighbours.pdf")
    assert "Trade by year" in pdf and "First half" in pdf and "概要" not in pdf


def test_one_edition_is_built_alone_and_each_is_cached_on_its_own(tmp_path):
    project = write_project(tmp_path, project_files())
    result = build(project, BuildOptions(edition="ja"))
    assert sorted(p.name for p in project.build_dir.iterdir() if p.is_file()) == [
        "two-neighbours.ja.pdf", "two-neighbours.ja.pptx"]
    assert set(result.outputs) == {"pdf.ja", "pptx.ja"}
    result = build(project, BuildOptions())
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "built", "pdf.ja": "hit",
                                       "pptx.ja": "hit", "pdf.ko": "built", "pptx.ko": "built"}
    overview = project.source / "sections" / "overview.ko.md"
    overview.write_text(overview.read_text(encoding="utf-8").replace("개요", "요약"), encoding="utf-8")
    result = build(project, BuildOptions())
    assert result.cache["outputs"] == {"pdf": "hit", "pptx": "hit", "pdf.ja": "hit",
                                       "pptx.ja": "hit", "pdf.ko": "built", "pptx.ko": "built"}


def test_an_edition_the_brief_does_not_list_is_a_usage_error(tmp_path, capsys):
    project = write_project(tmp_path, project_files())
    code, _, err = run(capsys, "build", str(project.root), "--edition", "fr")
    assert code == 2
    assert "--edition fr: the brief's editions are en, ja, ko" in err


def test_check_reports_a_stale_translation_and_how_to_refresh_it(tmp_path, capsys):
    project = write_project(tmp_path, project_files())
    changed = OVERVIEW.replace("Trade grew steadily.", "Trade grew fast.")
    (project.source / "sections" / "overview.md").write_text(changed, encoding="utf-8")
    code, out, err = run(capsys, "check", str(project.root))
    assert code == 0
    for lang in ("ja", "ko"):
        assert (f"source/sections/overview.{lang}.md:2:1: warning: translated_from: stale translation: "
                f"source/sections/overview.md has changed since it was translated from its version "
                f"{stamp(OVERVIEW)} (bring source/sections/overview.{lang}.md up to date with "
                f"source/sections/overview.md, then write translated_from: {stamp(changed)})") in err
    assert "editions en, ja, ko" in out
    code, _, err = run(capsys, "check", str(project.root), "--strict")
    assert code == 1 and "stale translation" in err


def test_check_reports_what_is_untranslated_per_edition(tmp_path, capsys):
    files = project_files(languages=("ja",))
    project = write_project(tmp_path, files)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0
    for name, text in (("brief.yaml", BRIEF), ("sections/overview.md", OVERVIEW), ("figures/trade.yaml", FIGURE)):
        stem, suffix = name.rsplit(".", 1)
        assert (f"source/{name}: warning: edition ko: untranslated in the ko edition, which shows this file's "
                f"text as it is (its translation in source/{stem}.ko.{suffix}, with translated_from: "
                f"{stamp(text)})") in err
    assert "edition ja: untranslated" not in err


def test_check_reports_where_an_edition_differs_from_the_original(tmp_path, capsys):
    files = project_files()
    files["source/sections/overview.ja.md"] = files["source/sections/overview.ja.md"].replace(
        '  - "訪問者は双方向に行き来している。"\n', "").replace("\n\n![](fig:trade)\n", "\n")
    files["source/sections/overview.ja.md"] = files["source/sections/overview.ja.md"].replace(
        "@fig:trade を参照。", "")
    project = write_project(tmp_path, files)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0
    assert ("source/sections/overview.ja.md:4:1: warning: edition ja: the ja edition's key points differ from "
            "the original's: 1 here, 2 in source/sections/overview.md (the same key points as "
            "source/sections/overview.md)") in err
    assert ("the ja edition's figures differ from the original's: none here, trade in "
            "source/sections/overview.md") in err
    assert "edition ko: the ko edition's" not in err


def test_a_translation_holds_only_words(tmp_path, capsys):
    files = project_files()
    files["source/figures/trade.ja.yaml"] += "data:\n  series:\n    - values: [1, 2]\n"
    project = write_project(tmp_path, files)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 1
    assert ("source/figures/trade.ja.yaml:11:1: data: 'data' is not translated: every edition has "
            "the original's") in err


def test_the_japanese_and_korean_decks_stay_inside_their_shapes_in_libreoffice(built, tmp_path):
    project, _ = built
    decks = []
    for lang in ("ja", "ko"):
        deck = tmp_path / f"{lang}.pptx"
        deck.write_bytes((project.build_dir / f"two-neighbours.{lang}.pptx").read_bytes())
        decks.append(deck)
    for deck, pdf in zip(decks, libreoffice_pdfs(decks, tmp_path)):
        assert misplaced_words(deck, pdf) == [], deck.name
        assert len(PdfReader(pdf).pages) == len(Presentation(deck).slides)


# ---- the example brief's Japanese and Korean editions ------------------------------------------

NAME = "japan-south-korea-relations"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Project:
    """The example brief with the editions it lists, its Japanese and Korean ones built."""
    project = copy_example(tmp_path_factory.mktemp("example-editions"), editions=None)
    for lang in ("ja", "ko"):
        build(project, BuildOptions(edition=lang))
    return project


def kept_in_english() -> list[str]:
    """What every edition shows as the original has it: the works cited (their authors, titles and
    publishers), the op-ed the figures are sourced to, cited by its title, and the map's drawing."""
    bib = (EXAMPLE / "references.bib").read_text(encoding="utf-8")
    fields = re.findall(r"^\s*(?:author|title|booktitle|publisher|address)\s*=\s*[{\"](.*?)[}\"],?\s*$", bib,
                        re.MULTILINE)
    fields = [field.replace("{", "").replace("}", "") for field in fields]  # braces keep a word's case
    svg = (EXAMPLE / "images" / "islands-map.svg").read_text(encoding="utf-8")
    drawn = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return [*fields, *drawn, "Bridging Cultures: Japan and South Korea's Dynamic Relationship"]


def original_words() -> list[str]:
    """The English original's own words that a translation replaces: its titles, its sections'
    titles and key points, its figures' titles and their category, series and event labels."""
    brief = load_project(EXAMPLE.parent)
    words = [brief.meta.title, *(s.title for s in brief.sections),
             *(p for s in brief.sections for p in map(str, s.key_points))]
    for figure in brief.figures:
        words += [figure.title, *figure.categories, *(s.name for s in figure.series),
                  *(e.label for e in figure.events)]
    return [w for w in words if w]


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_the_example_s_editions_keep_no_english_label_and_none_of_the_original_s_words(example, lang):
    kept = sorted(kept_in_english(), key=len, reverse=True)
    pdf = normalised(pdf_text(example.build_dir / f"{NAME}.{lang}.pdf"))
    deck = normalised(deck_text(example.build_dir / f"{NAME}.{lang}.pptx").replace("&apos;", "'"))
    for where, text in (("pdf", pdf), ("pptx", deck)):
        left = text
        for phrase in kept:
            left = left.replace(normalised(phrase), " ")
        assert sorted(w for w in english_labels(lang) if has_word(w, left)) == [], (lang, where)
        assert [w for w in original_words() if normalised(w) in text] == [], (lang, where)
        assert {"ja": "竹島", "ko": "독도"}[lang] in text  # the islands as the language names them
        assert "Dokdo/Takeshima" not in left.replace(" ", ""), (lang, where)


def test_the_example_s_japanese_and_korean_decks_stay_inside_their_shapes_in_libreoffice(example, tmp_path):
    decks = []
    for lang in ("ja", "ko"):
        deck = tmp_path / f"example-{lang}.pptx"
        deck.write_bytes((example.build_dir / f"{NAME}.{lang}.pptx").read_bytes())
        decks.append(deck)
    for deck, pdf in zip(decks, libreoffice_pdfs(decks, tmp_path)):
        assert misplaced_words(deck, pdf) == [], deck.name
        assert len(PdfReader(pdf).pages) == len(Presentation(deck).slides)


# ---- a translation's words: message: given, words left out said --------------------------------

MESSAGE = 'message: "Trade nearly doubled"\n'


def edition(tmp_path, translation: str):
    files = project_files(("ja",))
    files["source/figures/trade.yaml"] = FIGURE + MESSAGE
    files["source/figures/trade.ja.yaml"] = with_stamp(translation, FIGURE + MESSAGE, False)
    brief, _, warnings = load_edition(write_project(tmp_path, files), False, "ja")
    return brief, [w.format().splitlines()[0] for w in warnings]


def test_a_figures_translation_gives_its_action_title(tmp_path):
    brief, warnings = edition(tmp_path, TRANSLATIONS["ja"]["figure"] + 'message: "貿易はほぼ倍増した"\n')
    assert brief.figures[0].message == "貿易はほぼ倍増した"
    assert warnings == []


def test_words_a_translation_leaves_out_are_said_at_the_translation(tmp_path):
    translation = TRANSLATIONS["ja"]["figure"].replace('caption: "貿易は両年とも増えた。"\n', "")
    brief, warnings = edition(tmp_path, translation)
    assert (brief.figures[0].caption, brief.figures[0].message) == ("Trade rose in both years.",
                                                                   "Trade nearly doubled")
    assert warnings == [
        ("source/figures/trade.ja.yaml:1:1: warning: edition ja: caption: and message: are not "
        "translated here, so the ja edition shows the original's words (caption: and message: in "
        "source/figures/trade.ja.yaml)")]


def test_a_brief_translation_without_its_short_title_is_said(tmp_path):
    files = project_files(("ja",))
    files["source/brief.ja.yaml"] = files["source/brief.ja.yaml"].replace('short_title: "二つの隣国"\n', "")
    _, _, warnings = load_edition(write_project(tmp_path, files), False, "ja")
    assert [w.format().splitlines()[0] for w in warnings] == [
        ("source/brief.ja.yaml:1:1: warning: edition ja: short_title: is not translated here, so the "
        "ja edition shows the original's words (short_title: in source/brief.ja.yaml)")]
