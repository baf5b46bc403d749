"""Language editions, finished: a picture of its own per edition, captions punctuated as each
language punctuates them, and line breaks inside Chinese and Japanese paragraphs that are no
spaces, in the PDF and in the deck."""

from __future__ import annotations

import itertools
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.i18n.catalogue import built_in
from deckgen.load.loader import load_project
from deckgen.load.markdown import plain_text
from helpers import copy_example, run

NAME = "japan-south-korea-relations"
MAP_WORDS = {"ja": ("竹島", "鬱陵島", "隠岐諸島", "日本海", "釜山"), "ko": ("독도", "울릉도", "오키 제도", "동해", "부산")}
ENGLISH_MAP = ("Ulleungdo", "Oki Islands", "Sea of Japan", "Takeshima", "NORTH KOREA")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def deck_text(path: Path) -> str:
    with zipfile.ZipFile(path) as deck:
        parts = [n for n in deck.namelist() if re.match(r"ppt/(slides|notesSlides)/\w+\.xml$", n)]
        return " ".join(t for n in parts for t in re.findall(r"<a:t>([^<]*)</a:t>", deck.read(n).decode()))


def map_picture(deck: Path) -> bytes:
    """The PNG of the map's slide: the picture whose alt text is the map's."""
    for slide in Presentation(deck).slides:
        for shape in slide.shapes:
            descr = shape._element.xpath("./*[1]/p:cNvPr/@descr")
            if shape.shape_type == 13 and descr and ("竹島" in descr[0] or "독도" in descr[0] or "Dokdo" in descr[0]):
                return shape.image.blob
    raise AssertionError(f"no map picture in {deck.name}")


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example with its three editions, the Japanese one with a paragraph wrapped over lines."""
    project = copy_example(tmp_path_factory.mktemp("finish"), editions=None)
    intro = project.source / "sections" / "introduction.ja.md"
    text = intro.read_text(encoding="utf-8")
    intro.write_text(wrapped(text), encoding="utf-8")
    build(project, BuildOptions())
    return project


def wrapped(text: str) -> str:
    """The Markdown body's paragraphs wrapped every 30 characters, as an editor wraps them."""
    head, _, body = text.partition("\n---\n")
    out = []
    for paragraph in body.split("\n\n"):
        if paragraph.startswith(("!", "|", ">", "#", ":", "-")) or len(paragraph) < 60:
            out.append(paragraph)
        else:
            out.append(_wrap(paragraph))
    return head + "\n---\n" + "\n\n".join(out)


def _wrap(paragraph: str, width: int = 30) -> str:
    """Lines of about ``width`` characters, each broken between two Japanese characters."""
    out, line = [], ""
    for index, char in enumerate(paragraph):
        line += char
        following = paragraph[index + 1:index + 2]
        if len(line) >= width and _japanese(char) and _japanese(following):
            out.append(line)
            line = ""
    return "\n".join([*out, line] if line else out)


def _japanese(char: str) -> bool:
    return bool(char) and ("\u3040" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff")


# ---- a picture of its own per edition ----------------------------------------------------------

@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_each_edition_draws_its_own_map_with_the_names_its_language_uses(example, lang):
    text = pdf_text(example.build_dir / f"{NAME}.{lang}.pdf")
    assert [w for w in MAP_WORDS[lang] if w not in text] == []
    assert [w for w in ENGLISH_MAP if w in text] == []
    english = pdf_text(example.build_dir / f"{NAME}.pdf")
    assert all(w in english for w in ENGLISH_MAP)


def test_each_deck_places_its_edition_s_map(example):
    pictures = {lang: map_picture(example.build_dir / f"{NAME}{suffix}.pptx")
                for lang, suffix in (("en", ""), ("ja", ".ja"), ("ko", ".ko"))}
    assert len(set(pictures.values())) == 3


def test_an_edition_that_keeps_a_picture_with_text_is_told_so_at_its_translation(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    translation = project.source / "figures" / "islands-map.ja.yaml"
    translation.write_text("".join(line for line in translation.read_text(encoding="utf-8").splitlines(True)
                                   if not line.startswith("file:")), encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert ("source/figures/islands-map.ja.yaml:1:1: warning: edition ja: untranslated picture in the ja "
            "edition: source/images/islands-map.svg has text in 16 places (the first 'CHINA'), which the "
            "edition shows as it is (file: images/islands-map.ja.svg, a copy of the picture with its text "
            "translated, in this file)") in err
    assert "untranslated picture in the ko edition" not in err


def test_a_picture_without_text_kept_by_an_edition_is_no_warning(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    svg = project.source / "images" / "islands-map.svg"
    svg.write_text(re.sub(r"<text[^>]*>[^<]*</text>\n", "", svg.read_text(encoding="utf-8")), encoding="utf-8")
    for lang, own in (("ja", ""), ("ko", "file: images/islands-map.svg\n")):  # kept, or named again
        translation = project.source / "figures" / f"islands-map.{lang}.yaml"
        lines = translation.read_text(encoding="utf-8").splitlines(True)
        translation.write_text("".join(line for line in lines if not line.startswith("file:")) + own,
                               encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0, err
    assert "untranslated picture" not in err and "islands-map.ko.yaml" not in err


def test_an_edition_s_picture_is_read_inside_the_source_like_the_original_s(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    translation = project.source / "figures" / "islands-map.ja.yaml"
    text = translation.read_text(encoding="utf-8")
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("file:"))
    translation.write_text(text.replace("file: images/islands-map.ja.svg", "file: ../secret.svg"), encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert (f"source/figures/islands-map.ja.yaml:{number}:7: file: '../secret.svg' goes up out of the "
            "source folder with '..'") in err
    translation.write_text(text, encoding="utf-8")
    (project.source / "images" / "islands-map.ko.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">\n<script>alert(1)</script>'
        '<text x="1" y="5">독도</text></svg>', encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert "source/images/islands-map.ko.svg:2:1: warning: removed from the picture: 1 script" in err


# ---- captions ------------------------------------------------------------------------------------

def test_a_japanese_caption_ends_its_title_with_a_full_stop_of_its_own(example):
    ja = pdf_text(example.build_dir / f"{NAME}.ja.pdf").replace("\n", "")
    assert "竹島の位置：韓国と日本の間。島々は朝鮮半島と日本の本州" in ja
    assert "韓国と日本の間." not in ja
    ko = pdf_text(example.build_dir / f"{NAME}.ko.pdf").replace("\n", " ")
    assert "한국과 일본 사이에 있는 독도의 위치. 섬들은" in ko
    en = pdf_text(example.build_dir / f"{NAME}.pdf").replace("\n", " ")
    assert "between South Korea and Japan. The islands sit" in en


def test_the_deck_s_figure_captions_carry_no_english_punctuation(example):
    ja = deck_text(example.build_dir / f"{NAME}.ja.pptx")
    assert "図2：日韓間の観光客の流れ（2022年）。出典：Bridging Cultures" in ja
    assert "位置はおおよそのものである。ライセンス：MIT" in ja
    assert re.search(r"図\d\.", ja) is None
    ko = deck_text(example.build_dir / f"{NAME}.ko.pptx")
    assert "그림 2: 한일 간 관광객 이동, 2022년. 출처: Bridging Cultures" in ko
    assert "그림 3. 출처: 이 브리프를 위해" in ko
    en = deck_text(example.build_dir / f"{NAME}.pptx")
    assert "Figure 2: Tourist flows between Japan and South Korea, 2022. Source: Bridging Cultures" in en


def test_the_catalogues_punctuate_captions_as_each_language_does():
    ja, zh, ko, en = (built_in(lang) for lang in ("ja", "zh", "ko", "en"))
    assert ja("figure", n=1) == "図1" and zh("figure", n=1) == "图1" and zh("table", n=2) == "表2"
    assert ko("figure", n=1) == "그림 1" and en("figure", n=1) == "Figure 1"
    assert ja("figure_entry", label="図1", title="地図。") == "図1：地図。"
    assert ja.sentences("竹島の位置", "概略図である。") == "竹島の位置。概略図である。"
    assert zh.sentences("岛屿的位置", "示意图") == "岛屿的位置。示意图。"
    assert ko.sentences("독도의 위치", "개략도") == "독도의 위치. 개략도."
    assert en.sentences("Where?", "A map") == "Where? A map."


# ---- line breaks in Chinese and Japanese paragraphs ----------------------------------------------

def test_a_line_break_inside_a_japanese_paragraph_is_no_space_in_the_pdf(example):
    text = pdf_text(example.build_dir / f"{NAME}.ja.pdf")
    intro = (example.source / "sections" / "introduction.ja.md").read_text(encoding="utf-8")
    body = intro.partition("\n---\n")[2]
    paragraph = next(p for p in body.split("\n\n") if p.count("\n") >= 2)
    joined = paragraph.replace("\n", "")
    flat = text.replace("\n", "")
    assert joined[:120] in flat
    lines = paragraph.split("\n")
    around = [a[-3:] + b[:3] for a, b in itertools.pairwise(lines)]  # each break, joined
    assert [a for a in around if a not in flat] == []


def test_a_line_break_joins_only_chinese_and_japanese_characters(tmp_path):
    project = copy_example(tmp_path, editions=("en",))
    section = project.source / "sections" / "introduction.md"
    text = section.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    section.write_text(head + "\n---\n" + "中国与日本\n之间。日本と\n*韓国*の間。한국과\n일본. Japan\nand Korea, 東京\nand Seoul.\n\n"
                       + body, encoding="utf-8")
    brief = load_project(project.root)
    first = brief.sections[0].blocks[0]
    assert plain_text(first.spans) == "中国与日本之间。日本と韓国の間。한국과 일본. Japan and Korea, 東京 and Seoul."
    assert first.loc.line == head.count("\n") + 3


def test_a_line_break_inside_a_japanese_callout_is_no_space_in_the_deck(tmp_path):
    project = copy_example(tmp_path, editions=None)
    section = project.source / "sections" / "introduction.ja.md"
    text = section.read_text(encoding="utf-8")
    section.write_text(text.rstrip("\n") + "\n\n> [!NOTE]\n> 日本と韓国は、二〇二二年に\n> 貿易で結びついていた。\n",
                       encoding="utf-8")
    build(project, BuildOptions(edition="ja"))
    deck = deck_text(project.build_dir / f"{NAME}.ja.pptx")
    pdf = pdf_text(project.build_dir / f"{NAME}.ja.pdf").replace("\n", "")
    assert "二〇二二年に貿易で結びついていた" in deck
    assert "二〇二二年に貿易で結びついていた" in pdf
