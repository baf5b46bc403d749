"""Language editions' text: an edition's picture goes stale with the original's, folded YAML
text in Chinese and Japanese has no space where a line was broken, Korean justified text has no
gap before a footnote call, and numbers are grouped as each language groups them.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from helpers import copy_example, run

REPO = Path(__file__).resolve().parents[1]
MAP_STAMP = "picture_from: e455fffbdc94\n"


def _stamp(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


# ---- an edition's own picture ------------------------------------------------------------------

def test_the_example_s_translated_maps_say_which_map_they_were_made_from(tmp_path, capsys):
    copy_example(tmp_path, editions=None)
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert "picture_from" not in err and "stale" not in err


def test_an_edition_s_picture_is_stale_when_the_original_s_picture_changed(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    svg = project.source / "images" / "islands-map.svg"
    changed = svg.read_bytes().replace(b"</svg>", b"<!-- moved a label -->\n</svg>")
    svg.write_bytes(changed)
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    for lang in ("ja", "ko"):
        assert (f"source/figures/islands-map.{lang}.yaml:2:15: warning: picture_from: stale picture: "
                f"source/images/islands-map.svg has changed since source/images/islands-map.{lang}.svg "
                f"was made from its version e455fffbdc94 (bring source/images/islands-map.{lang}.svg up "
                f"to date with source/images/islands-map.svg, then write picture_from: {_stamp(changed)})"
                ) in err
    assert "stale translation" not in err  # the figure files themselves did not change


def test_an_edition_s_picture_that_does_not_say_what_it_was_made_from_is_told_how(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    translation = project.source / "figures" / "islands-map.ja.yaml"
    translation.write_text(translation.read_text(encoding="utf-8").replace(MAP_STAMP, ""), encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert ("source/figures/islands-map.ja.yaml:7:7: warning: picture_from: the translation's picture "
            "does not say which version of source/images/islands-map.svg it was made from, so deckgen "
            "cannot tell when it goes stale (picture_from: e455fffbdc94 in "
            "source/figures/islands-map.ja.yaml, if source/images/islands-map.ja.svg matches "
            "source/images/islands-map.svg as it is now)") in err
    assert "islands-map.ko.yaml" not in err


def test_a_picture_stamp_without_a_picture_of_its_own_changes_nothing(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    translation = project.source / "figures" / "islands-map.ko.yaml"
    lines = translation.read_text(encoding="utf-8").splitlines(True)
    translation.write_text("".join(line for line in lines if not line.startswith("file:")), encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert ("source/figures/islands-map.ko.yaml:2:15: warning: picture_from: picture_from: changes "
            "nothing: this translation gives no picture of its own (file: the translated copy of the "
            "original's picture, or no picture_from: line)") in err


# ---- folded YAML text in Chinese and Japanese ----------------------------------------------------

JA_CAPTION = "2022年の往来は双方向とも活発で、韓国を訪れた日本人よりも日本を訪れた韓国人がやや多かった。"
KO_CAPTION = "2022년 여행은 양방향 모두 활발했으며, 한국을 찾은 일본인보다 일본을 찾은 한국인이 조금 더 많았다."
JA_BREAKS = (10, 30)  # 双|方向, よりも|日本
KO_BREAKS = (KO_CAPTION.index(" 모두"), KO_CAPTION.index(" 일본을"))  # where a Korean writer breaks: between words


def _folded(text: str, breaks: tuple[int, ...], style: str = ">") -> str:
    """``caption:`` written as a folded (``>``) or plain multi-line YAML value, broken before
    each of ``breaks`` (character offsets), as an editor wraps a long line."""
    pieces = [text[a:b] for a, b in zip((0, *breaks), (*breaks, len(text)))]
    if style == ">":
        return "caption: >\n" + "".join(f"  {p.strip()}\n" for p in pieces)
    return "caption: " + "\n  ".join(p.strip() for p in pieces) + "\n"


def test_a_folded_yaml_line_break_between_chinese_or_japanese_characters_is_no_space():
    from deckgen.load.yamlsrc import load_yaml

    assert load_yaml(_folded(JA_CAPTION, JA_BREAKS), "x.yaml").data["caption"] == JA_CAPTION + "\n"
    assert load_yaml(_folded(JA_CAPTION, JA_BREAKS, "plain"), "x.yaml").data["caption"] == JA_CAPTION
    assert load_yaml('caption: "日本の\n  海"\n', "x.yaml").data["caption"] == "日本の海"
    assert load_yaml("caption: '中国の\n  海'\n", "x.yaml").data["caption"] == "中国の海"
    # Hangul keeps the space a line break stands for; so does a break beside a Latin word
    assert load_yaml(_folded(KO_CAPTION, KO_BREAKS), "x.yaml").data["caption"] == KO_CAPTION + "\n"
    assert load_yaml("a: >\n  日本の\n  Honshu\n  島\n", "x.yaml").data["a"] == "日本の Honshu 島\n"
    assert load_yaml("a: >\n  日本の\n\n  海\n", "x.yaml").data["a"] == "日本の\n海\n"  # a paragraph
    assert load_yaml('a: "日本\\\n  の海"\n', "x.yaml").data["a"] == "日本の海"  # an escaped break


@pytest.fixture(scope="module")
def folded(tmp_path_factory):
    """The example's three editions, the Japanese and Korean captions of the tourism chart
    folded over lines."""
    project = copy_example(tmp_path_factory.mktemp("folded"), editions=None)
    for lang, caption, breaks in (("ja", JA_CAPTION, JA_BREAKS), ("ko", KO_CAPTION, KO_BREAKS)):
        path = project.source / "figures" / f"tourism-2022.{lang}.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(True)
        path.write_text("".join(_folded(caption, breaks) if line.startswith("caption:") else line
                                for line in lines), encoding="utf-8")
    build(project, BuildOptions())
    return project


def _pdf_text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")


def _deck_text(path) -> str:
    with zipfile.ZipFile(path) as deck:
        parts = [n for n in deck.namelist() if re.match(r"ppt/(slides|notesSlides)/\w+\.xml$", n)]
        return "".join(t for n in parts for t in re.findall(r"<a:t>([^<]*)</a:t>", deck.read(n).decode()))


def test_a_folded_japanese_caption_has_no_space_in_either_output(folded):
    name = folded.build_dir / "japan-south-korea-relations.ja"
    for text in (_pdf_text(name.with_suffix(".ja.pdf")), _deck_text(name.with_suffix(".ja.pptx"))):
        assert "往来は双方向とも活発で、韓国を訪れた日本人よりも日本を訪れた" in text
        assert "双 方向" not in text and "よりも 日本" not in text


def test_a_folded_korean_caption_keeps_its_spaces_in_either_output(folded):
    name = folded.build_dir / "japan-south-korea-relations.ko"
    for text in (_pdf_text(name.with_suffix(".ko.pdf")), _deck_text(name.with_suffix(".ko.pptx"))):
        assert "여행은 양방향 모두 활발했으며, 한국을 찾은 일본인보다 일본을 찾은" in text


# ---- Korean justified text -------------------------------------------------------------------

def _calls(pdf_path):
    """Each footnote call of the PDF: (the two characters before it, its number, the gap in
    points between the text and the call)."""
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            chars = page.chars
            for i, char in enumerate(chars[2:], start=2):
                before = chars[i - 1]
                if char["text"].isdigit() and char["size"] < 7 < before["size"] and abs(before["top"] - char["top"]) < 8:
                    found.append((chars[i - 2]["text"] + before["text"], char["text"], char["x0"] - before["x1"]))
    return found


def test_a_korean_footnote_call_follows_its_word_without_a_gap(folded):
    calls = _calls(folded.build_dir / "japan-south-korea-relations.ko.pdf")
    assert {(text, number) for text, number, _ in calls} >= {("IA", "1"), ("독도", "2")}
    assert all(abs(gap) < 0.5 for _, _, gap in calls), calls


def test_korean_justified_lines_end_at_the_right_margin(folded):
    with pdfplumber.open(folded.build_dir / "japan-south-korea-relations.ko.pdf") as pdf:
        page = pdf.pages[4]
        lines: dict[int, list] = {}
        for char in page.chars:
            if 10 < char["size"] < 11 and char["text"].strip():
                lines.setdefault(round(char["top"]), []).append(char["x1"])
    ends = sorted(max(xs) for xs in lines.values())
    margin = ends[-1]
    full = [end for end in ends if end > margin - 12]  # lines that are not a paragraph's last
    assert len(full) >= 10 and margin - full[0] < 1.0, full


def test_korean_text_is_set_in_the_korean_family_first():
    from deckgen.i18n.scripts import font_stacks
    from deckgen.theme import load_theme

    theme = load_theme(REPO / "templates" / "theme.yaml")
    assert font_stacks(theme.fonts, "ko")["serif"][:2] == ["Noto Serif CJK KR", "Noto Serif"]
    assert font_stacks(theme.fonts, "ja")["serif"][:2] == ["Noto Serif", "Noto Serif CJK JP"]


# ---- numbers grouped as each language groups them ---------------------------------------------

def _spanish_figure(kind: str = "column"):
    from deckgen import model as m
    from deckgen.errors import Loc
    from deckgen.i18n.catalogue import labels_for

    return m.Figure("f", 1, kind, "Visitantes", "", "alt", "source", "personas", ("2021", "2022"),
                    (m.Series("Visitantes", (1234.5, 12345.5)),), (), Loc("x"), labels=labels_for("es"))


def test_spanish_groups_a_number_only_from_five_digits():
    from deckgen.figures.numbers import NumberFormat, format_number

    assert [format_number(v, 0, "es") for v in (999, 1234, -1234, 12345, 1234567)] == \
        ["999", "1234", "-1234", "12.345", "1.234.567"]
    assert format_number(1234.5, 2, "es") == "1234,50" and format_number(12345.25, 2, "es") == "12.345,25"
    assert NumberFormat(1, True, "es").text(1234.5) == "1234,5\u00a0%"
    assert format_number(1234, 0, "es-MX") == "1,234"  # Latin American Spanish groups from four
    assert format_number(1234, 0, "pl") == "1234" and format_number(12345, 0, "pl") == "12\u00a0345"
    assert [format_number(1234, 0, lang) for lang in ("en", "fr", "de", "ru", "ja")] == \
        ["1,234", "1\u202f234", "1.234", "1\u00a0234", "1,234"]


def test_a_spanish_chart_and_its_speaker_notes_write_four_digits_ungrouped():
    from xml.etree import ElementTree

    from deckgen.deck.notes import data_sentence
    from deckgen.figures import drawing
    from deckgen.theme import load_theme

    figure = _spanish_figure()
    svg = drawing.render_svg(figure, load_theme(REPO / "templates" / "theme.yaml"))
    texts = [t.text for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "1234,5" in texts and "12.345,5" in texts  # the value labels
    assert "10.000" in texts and "0" in texts  # the value axis
    notes = data_sentence(figure)
    assert "1234,5 personas" in notes and "12.345,5 personas" in notes
