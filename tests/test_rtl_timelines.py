"""Timelines read in the brief's direction, and Arabic vowel marks survive in the PDF's figures.

In an Arabic brief a timeline runs right to left, the earliest milestone at the right, in the
PDF's SVG and in the deck's picture (drawn from the same matplotlib figure); an English timeline
is drawn exactly as before. A label with vowel marks (harakat) is drawn in the SVG as outlines,
shaped whole as in the deck's PNG, and kept as invisible text holding its marks, so the PDF's
text layer has them. Positions are read from the SVG's text and from the figure's texts.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from pathlib import Path

import pytest
from matplotlib import rc_context

from deckgen import model as m
from deckgen.errors import Loc
from deckgen.figures import drawing
from deckgen.figures.visual_order import visual
from deckgen.i18n.catalogue import labels_for
from deckgen.theme import load_theme

REPO = Path(__file__).resolve().parents[1]
THEME = load_theme(REPO / "templates" / "theme.yaml")
TEXT = re.compile(r'<text\b([^>]*)>([^<]*)</text>')
X = re.compile(r'\bx="([-\d.]+)"|translate\(([-\d.]+) ')

ENGLISH = ((1965, "Treaty on Basic Relations between Japan and the Republic of Korea"),
           (1910, "Annexation"), (2015, "Comfort women agreement"), (2023, "Camp David summit"))
ARABIC = ((1965, "معاهدة العلاقات الأساسية"), (1910, "الضم"), (2015, "اتفاق نساء المتعة"),
          (2023, "قمة كامب ديفيد"))
MARKED = "مُعَاهَدَةُ التَّطْبِيعِ"  # "the normalisation treaty", with its vowel marks
# The English timeline's SVG as it was drawn before timelines could run right to left.
ENGLISH_SVG_SHA256 = "2bf31c9caf8e3c5c8d5bceedd7175ec8e49965cdc45c86ab7fbf5bf99972d4dd"


def timeline(events, language: str) -> m.Figure:
    return m.Figure("t", 1, "timeline", "Milestones", "", "alt", "src", "", (), (),
                    tuple(m.Event(year, label) for year, label in events), Loc("x"),
                    labels=labels_for(language))


def svg_x(svg: bytes) -> dict[str, float]:
    """{text: x} of the SVG's visible texts (x of a text anchored at its middle, or the start
    of a line of a wrapped label)."""
    found = {}
    for attributes, text in TEXT.findall(svg.decode()):
        if "fill: none" in attributes:
            continue
        x = X.search(attributes)
        found[text] = float(x.group(1) or x.group(2))
    return found


def years_left_to_right(at: dict[str, float], events) -> list[int]:
    return [year for year, _ in sorted(events, key=lambda e: at[str(e[0])])]


def test_an_arabic_timeline_runs_right_to_left_in_the_pdf_s_svg():
    at = svg_x(drawing.render_svg(timeline(ARABIC, "ar"), THEME))
    assert years_left_to_right(at, ARABIC) == [2023, 2015, 1965, 1910]  # the earliest at the right
    assert at[visual("الضم")] == at["1910"]  # each label centred under its year
    assert at[visual("قمة كامب ديفيد")] == at["2023"]


def test_an_english_timeline_runs_left_to_right_and_is_drawn_as_before():
    svg = drawing.render_svg(timeline(ENGLISH, "en"), THEME)
    assert years_left_to_right(svg_x(svg), ENGLISH) == [1910, 1965, 2015, 2023]
    assert hashlib.sha256(svg).hexdigest() == ENGLISH_SVG_SHA256


@pytest.mark.parametrize("count", [4, 7])
def test_the_deck_s_timeline_picture_runs_right_to_left(count):
    """The deck shows a timeline as a picture (no native chart): the PNG of the figure drawn at
    the deck's size, whose texts are read here, before they become pixels."""
    events = tuple((1900 + 10 * i, f"حدث رقم {i}") for i in range(count))
    figure = timeline(events, "ar")
    with rc_context(drawing.figure_rc(THEME, drawing.DECK_TYPE_SCALE, "ar")):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = drawing.draw(figure, THEME, drawing.DECK_SIZE, dpi=60)
        renderer = FigureCanvasAgg(fig).get_renderer()
        centres = {t.get_text(): t.get_window_extent(renderer) for t in fig.axes[0].texts}
    years = [year for year, _ in sorted(events, key=lambda e: centres[str(e[0])].x0)]
    assert years == sorted(years, reverse=True)
    for year, label in events:  # as written: matplotlib shapes it itself; under its year
        assert abs((centres[label].x0 + centres[label].x1) - (centres[str(year)].x0 + centres[str(year)].x1)) < 1
    frame = fig.bbox
    assert all(frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5 for box in centres.values())
    assert drawing.render_png(figure, THEME, dpi=40).startswith(b"\x89PNG")


def test_a_label_with_vowel_marks_is_outlined_and_keeps_its_marks_as_text():
    svg = drawing.render_svg(timeline(((1965, MARKED), (1910, "الضم")), "ar"), THEME).decode()
    hidden = [(attributes, text) for attributes, text in TEXT.findall(svg) if "fill: none" in attributes]
    assert [text for _, text in hidden] == [visual(MARKED)]  # the marked label, invisible
    marks = [char for char in hidden[0][1] if unicodedata.category(char) == "Mn"]
    assert len(marks) == 10 == sum(unicodedata.category(c) == "Mn" for c in MARKED)
    assert f"<!-- {MARKED} -->" in svg and 'xlink:href="#NotoSansArabic' in svg  # its outlines
    assert visual("الضم") in svg_x(svg.encode())  # a label without marks stays visible text


def test_visual_order_keeps_each_mark_beside_its_letter():
    assert visual("بَ") == "\u064e\ufe8f"  # the fatha, then (to its right) the beh it is on
    assert visual("بَب") == "\ufe90\u064e\ufe91"


def test_the_pdf_shows_the_marks_on_their_letters_and_its_text_holds_them(tmp_path):
    """WeasyPrint draws the outlined label (no dotted circle: the marked text is invisible,
    text rendering mode 3) and the page's text holds the label with every mark, its invisible
    letters over the drawn label."""
    import pdfplumber
    from pypdf import PdfReader
    from weasyprint import HTML

    svg = drawing.render_svg(timeline(((1965, MARKED), (1910, "الضم")), "ar"), THEME)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    pdf = tmp_path / "figure.pdf"
    HTML(string=f'<html lang="ar" dir="rtl"><img src="{src}" style="width:16cm"></html>').write_pdf(pdf)
    text = unicodedata.normalize("NFKC", PdfReader(pdf).pages[0].extract_text())
    assert "مُعَاهَدَةُ" in text and "التَّطْبِيعِ" in text.replace(" ", "")
    assert b"3 Tr" in b"".join(_streams(pdf))  # the marked label is invisible text
    with pdfplumber.open(pdf) as document:
        chars = document.pages[0].chars
    years = sorted((c for c in chars if c["size"] > 10), key=lambda c: c["x0"])
    year, other = years[:4], years[4:]  # 1965 at the left, 1910 at the right
    assert "".join(c["text"] for c in year) == "1965"
    label = [c for c in chars if c["size"] < 10 and c["x1"] < other[0]["x0"]]
    middle = (min(c["x0"] for c in label) + max(c["x1"] for c in label)) / 2
    assert abs(middle - (year[0]["x0"] + year[-1]["x1"]) / 2) < 1.5  # the text over its drawing


def _streams(pdf: Path) -> list[bytes]:
    """The page's content and that of every form it draws (a figure is drawn as a form)."""
    from pypdf import PdfReader

    page = PdfReader(pdf).pages[0]
    streams, forms = [page.get_contents().get_data()], [page.get("/Resources", {})]
    while forms:
        for xobject in forms.pop().get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                streams.append(xobject.get_data())
                forms.append(xobject.get("/Resources", {}))
    return streams
