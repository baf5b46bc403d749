"""Arabic labels in the figures matplotlib draws: shaped, in visual order, in the Arabic font.

The PDF's figures are SVG whose labels WeasyPrint sets letter by letter, so the SVG holds each
right-to-left label as it is seen: the letters' joining forms (Arabic Presentation Forms-B),
in visual order, brackets mirrored. The deck's PNG figures are shaped by matplotlib itself
(libraqm), from the labels as written; both are set in the theme's Arabic family first.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pytest
from matplotlib import ft2font, rc_context

from deckgen import model as m
from deckgen.errors import Loc
from deckgen.figures import drawing
from deckgen.figures.visual_order import visual, visual_svg
from deckgen.i18n.catalogue import labels_for
from deckgen.theme import load_theme

REPO = Path(__file__).resolve().parents[1]
THEME = load_theme(REPO / "templates" / "theme.yaml")
CATEGORIES = ("اليابان", "كوريا", "الصين")
SERIES = ("لاجئون (2024)", "التجارة")
UNITS = "مليون زائر"

# As they are seen, left to right, each letter in the form of its place in its word
JAPAN = "\ufee5\ufe8e\ufe91\ufe8e\ufef4\ufedf\ufe8d"           # ن ا ب ا ي ل ا: final, initial ...
KOREA = "\ufe8e\ufef3\ufead\ufeee\ufedb"
REFUGEES = "(2024) \ufee5\ufeee\ufe8c\ufe9f\ufefb"               # lam-alef as one ligature, last
MILLION_VISITORS = "\ufeae\ufe8b\ufe8d\ufeaf \ufee5\ufeee\ufef4\ufee0\ufee3"


def arabic_figure(kind: str, language: str = "ar") -> m.Figure:
    series = (m.Series(SERIES[0], (3.0, 4.5, 5.25)), m.Series(SERIES[1], (2.0, 3.0, 4.0)))
    if kind == "pie":
        series = series[:1]
    return m.Figure("f", 1, kind, "السياحة", "", "alt", "source", UNITS, CATEGORIES, series, (),
                    Loc("x"), labels=labels_for(language))


def svg_texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text]


@pytest.mark.parametrize("kind", ["column", "bar", "line", "area", "pie"])
def test_the_svg_holds_each_arabic_label_shaped_and_in_visual_order(kind):
    texts = svg_texts(drawing.render_svg(arabic_figure(kind), THEME))
    assert JAPAN in texts and KOREA in texts  # category ticks (a pie's labels)
    if kind != "pie":
        assert MILLION_VISITORS in texts  # the value axis's title
        assert REFUGEES in texts  # the legend
    assert not any(re.search("[\u0600-\u06ff]", t) for t in texts)  # no letter left as written


def test_the_svg_sets_arabic_in_the_theme_s_arabic_family_first():
    svg = drawing.render_svg(arabic_figure("column"), THEME).decode()
    assert "font-family: 'Noto Sans Arabic', 'Noto Sans', 'DejaVu Sans'" in svg
    assert drawing.figure_rc(THEME, language="ar")["font.family"][0] == "Noto Sans Arabic"
    assert drawing.figure_rc(THEME, language="en")["font.family"][0] == "Noto Sans"


def test_the_pdf_draws_the_figure_s_arabic_joined_and_right_to_left(tmp_path):
    """The SVG drawn by WeasyPrint as the brief draws its figures: the letters of each label
    left to right on the page are its joining forms in visual order, in Noto Sans Arabic."""
    from weasyprint import HTML

    svg = drawing.render_svg(arabic_figure("column"), THEME)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    pdf = tmp_path / "figure.pdf"
    HTML(string=f'<html lang="ar" dir="rtl"><img src="{src}" style="width:16cm"></html>').write_pdf(pdf)
    with pdfplumber.open(pdf) as document:
        chars = document.pages[0].chars
    lines: dict[int, list] = {}
    for char in chars:
        if char["upright"]:
            lines.setdefault(round(char["matrix"][5]), []).append(char)  # by baseline
    drawn = [" ".join("".join(c["text"] for c in sorted(group, key=lambda c: c["x0"])).split())
             for group in lines.values()]
    assert any(JAPAN in line for line in drawn), drawn
    assert any(REFUGEES.replace(" ", "") in line.replace(" ", "") for line in drawn), drawn
    arabic = [c for c in chars if "\ufe70" <= c["text"] <= "\ufeff"]
    assert arabic and all("NotoSansArabic" in c["fontname"].replace("-", "") for c in arabic)


def test_the_deck_s_png_is_shaped_by_matplotlib_from_the_labels_as_written():
    """matplotlib shapes and orders the PNG's text itself: it is given the labels as written
    (a label given in visual order would be reversed a second time)."""
    assert ft2font.__libraqm_version__
    figure = arabic_figure("column")
    with rc_context(drawing.figure_rc(THEME, drawing.DECK_TYPE_SCALE, "ar")):
        fig = drawing.draw(figure, THEME, drawing.DECK_SIZE)
        fig.canvas.draw()
        ax = fig.axes[0]
        assert [t.get_text() for t in ax.get_xticklabels()] == list(CATEGORIES)
        assert ax.get_ylabel() == UNITS
    png = drawing.render_png(figure, THEME, dpi=60)
    assert png.startswith(b"\x89PNG")


def test_labels_without_a_right_to_left_letter_are_left_as_they_are():
    english = m.Figure("f", 1, "column", "T", "", "alt", "source", "units", ("A (1)", "B & C"),
                       (m.Series("S", (1.0, 2.0)),), (), Loc("x"))
    svg = drawing.render_svg(english, THEME)
    assert visual_svg(svg) is svg
    assert "A (1)" in svg_texts(svg) and "B & C" in svg_texts(svg)


def test_visual_order_keeps_xml_escapes_digits_and_mirrored_brackets():
    assert visual("ب & ج") == "\ufe9d & \ufe8f"
    assert visual("لاجئون (2024)") == REFUGEES
    assert visual("\u200f12%\u200f") == "12%"  # bidi marks are applied, then dropped
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><text x="1">\xd8\xa8 &amp; &lt;\xd8\xac&gt;</text></svg>'
    assert svg_texts(visual_svg(svg)) == ["<\ufe9d> & \ufe8f"]
