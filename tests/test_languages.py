"""Every built-in language: the brief and the deck say nothing in English that deckgen added.

For each language with a catalogue, a small brief written in that language
(``tests/cases/lang/texts.yaml``) is built; the PDF's text (pypdf) and the deck's slides and
notes (their XML) must hold none of the English catalogue's words that the language's own
catalogue does not share, and must hold the language's own; the date and the chart's numbers
read as the locale writes them; Chinese, Japanese, Korean and Arabic text is set in embedded
Noto fonts of the script (in the brief's region for CJK); Arabic is right to left in both
outputs; the Japanese and Arabic decks pass LibreOffice's overflow check. Then the catalogues
themselves, a project's own labels, and a language with no catalogue.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pyphen
import pytest
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.figures.numbers import format_number
from deckgen.i18n.catalogue import CATALOGUES, blanks, built_in, built_in_languages
from deckgen.i18n.formats import long_date
from helpers import libreoffice_pdfs, run, write_project
from language_projects import TEXTS, VALUES, misplaced_words, project_files

LANGUAGES = list(built_in_languages())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Each language's brief built: {lang: (pdf, pptx)}."""
    outputs = {}
    for lang in LANGUAGES:
        project = write_project(tmp_path_factory.mktemp(f"lang-{lang}"), project_files(lang))
        build(project, BuildOptions())
        (pdf,) = project.build_dir.glob("*.pdf")
        (pptx,) = project.build_dir.glob("*.pptx")
        outputs[lang] = (pdf, pptx)
    return outputs


def pdf_text(pdf: Path) -> str:
    return normalised("\n".join(page.extract_text() for page in PdfReader(pdf).pages))


def deck_text(pptx: Path) -> str:
    """The text of every slide and every notes page, from their XML."""
    with zipfile.ZipFile(pptx) as deck:
        parts = [n for n in deck.namelist() if re.match(r"ppt/(slides|notesSlides)/\w+\.xml$", n)]
        texts = [t for n in parts for t in re.findall(r"<a:t>([^<]*)</a:t>", deck.read(n).decode())]
    return normalised(" ".join(texts).replace("&amp;", "&").replace("&apos;", "'").replace("&quot;", '"'))


def normalised(text: str) -> str:
    """NFKC (Arabic presentation forms become letters), and every kind of space a plain one."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\u00a0\u202f\u2009 ]+", " ", text)


def fragments(text: str) -> set[str]:
    """A label's fixed words, without its blanks: "Page {page} of {pages}" → {"Page", "of"}."""
    return {part.strip(" .:;,()") for part in re.split(r"\{\w+\}", text)} - {""}


def english_only(lang: str) -> set[str]:
    """The English catalogue's words (of three letters or more) that ``lang``'s does not use."""
    own = " | ".join(text for _, text in built_in(lang).words)
    english = {f for _, text in built_in("en").words for f in fragments(text)}
    return {f for f in english if len(re.sub(r"\W", "", f)) >= 3 and not present(f, own)}


def present(word: str, text: str) -> bool:
    """``word`` in ``text``, as a word, in any case (the stylesheet sets some labels in capitals).

    pypdf gives Arabic in the order it is drawn, so a label of several words is found when each
    of its words is (a letter's joining forms were made letters again by :func:`normalised`)."""
    if re.search("[\u0600-\u06ff]", word):
        squeezed = re.sub(r"\s+", "", text)
        return all(part in squeezed for part in word.split())
    return re.search(r"(?<!\w)" + re.escape(word.casefold()) + r"(?!\w)", text.casefold()) is not None


# ---- the catalogues ------------------------------------------------------------------------------

def test_deckgen_ships_the_catalogues_of_nine_languages():
    assert set(LANGUAGES) == {"en", "fr", "es", "de", "ru", "ar", "zh", "ja", "ko"}
    assert sorted(p.stem for p in CATALOGUES.glob("*.yaml")) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_has_exactly_the_keys_of_en_with_their_blanks(lang):
    english, own = built_in("en"), built_in(lang)
    assert own.keys() == english.keys()
    for key, _ in english.words:
        assert blanks(own[key]) == blanks(english[key]), key
        assert own[key].strip(), key


# ---- the outputs, in each language -------------------------------------------------------------

@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_no_english_label_remains_in_the_pdf_or_the_deck(built, lang):
    pdf, pptx = built[lang]
    for name, text in (("PDF", pdf_text(pdf)), ("deck", deck_text(pptx))):
        left = sorted(word for word in english_only(lang) if present(word, text))
        assert left == [], f"{name} of the {lang} brief still says {left}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_s_own_labels_are_shown(built, lang):
    words = built_in(lang)
    pdf, deck = (pdf_text(built[lang][0]), deck_text(built[lang][1]))
    for key in ("kicker", "takeaways", "contents", "references"):
        assert present(normalised(words[key]), pdf), key
    shown = {"page_footer": words("page_footer", page=2, pages=len(PdfReader(built[lang][0]).pages)),
             "figure": words("figure", n=1), "table": words("table", n=1),
             "appendix": words("appendix", n="A"), "note": words["note"],
             "source": words("source", source=TEXTS[lang]["source"])}
    for key, text in shown.items():
        assert present(normalised(text), pdf), key
    for key in ("agenda", "closing", "references"):
        assert present(normalised(words[key]), deck), key
    assert present(normalised(shown["source"]), deck)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_date_and_the_numbers_read_as_the_locale_writes_them(built, lang):
    import datetime as dt

    pdf, pptx = pdf_text(built[lang][0]), deck_text(built[lang][1])
    date = normalised(long_date(dt.date(2026, 11, 26), lang))
    assert present(date, pdf) and present(date, pptx)
    for value in VALUES:
        number = normalised(format_number(value, 2, lang))
        assert present(number, pdf), (number, lang)  # the figure's value labels
        assert present(number, pptx), (number, lang)  # the speaker notes read them out
    if lang != "en":
        assert "26 November 2026" not in pdf


def test_the_locales_own_marks_are_used():
    assert normalised(format_number(1234.5, 2, "fr")) == "1 234,50"
    assert format_number(1234.5, 2, "de") == "1.234,50"
    assert format_number(1234.5, 2, "ja") == "1,234.50"
    assert normalised(format_number(-0.001, 1, "ru")) == "0,0"
    assert [long_date(__import__("datetime").date(2026, 11, 26), lang) for lang in ("en", "de", "ja", "ko")] == [
        "26 November 2026", "26. November 2026", "2026年11月26日", "2026년 11월 26일"]


def embedded_fonts(pdf: Path) -> set[str]:
    """The base names of the fonts embedded in the PDF, without their subset prefix."""
    names = set()
    for page in PdfReader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            embedded = described is not None and any(
                k in described.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            if embedded:
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize("lang, font, script", [
    ("ja", "noto-serif-cjk-jp", "\u3040-\u30ff\u4e00-\u9fff"),
    ("zh", "noto-serif-cjk-sc", "\u4e00-\u9fff"),
    ("ko", "noto-serif-cjk-kr", "\uac00-\ud7af"),
    ("ar", "noto-naskh-arabic", "\u0600-\u06ff"),
])
def test_cjk_and_arabic_text_is_set_in_the_script_s_embedded_noto_font(built, lang, font, script):
    pdf, _ = built[lang]
    fonts = {name.lower() for name in embedded_fonts(pdf)}
    assert font in fonts, fonts
    other_regions = {f"noto-serif-cjk-{r}" for r in ("jp", "sc", "kr")}
    if font.startswith("noto-serif-cjk"):  # the text, not drawn as another region draws it
        assert fonts & other_regions == {font}, fonts
    text = pdf_text(pdf)
    letters = re.findall(f"[{script}]", text)
    assert len(letters) > 50, lang
    title_letters = set(re.findall(f"[{script}]", normalised(TEXTS[lang]["title"])))
    assert title_letters <= set(letters)


def test_arabic_is_laid_out_right_to_left_in_both_outputs(built, tmp_path):
    from deckgen.load.loader import load_project
    from deckgen.pdf.document import render_html
    from deckgen.theme import load_theme

    project = write_project(tmp_path, project_files("ar"))
    brief = load_project(project.root)
    html, _ = render_html(brief, project, load_theme(project.template_file("theme.yaml")), {"trade": b""})
    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="ja" dir="ltr">' in render_html(
        load_project(write_project(tmp_path / "ja", project_files("ja")).root), project,
        load_theme(project.template_file("theme.yaml")), {"trade": b""})[0]
    with zipfile.ZipFile(built["ar"][1]) as deck:
        slide = deck.read("ppt/slides/slide1.xml").decode()
        notes_free = [deck.read(n).decode() for n in deck.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)]
    def written(xml: str) -> list[str]:  # the paragraph properties of paragraphs with text
        return [re.match(r"<a:p>(<a:pPr[^>]*>)?", p).group(1) or "" for p in
                re.findall(r"<a:p>.*?</a:p>", xml) if "<a:t>" in p]

    paragraphs = written(slide)
    assert paragraphs and all('rtl="1"' in p for p in paragraphs)
    body = [p for xml in notes_free for p in written(xml)]
    assert all('rtl="1"' in p for p in body)
    assert any('algn="r"' in p for p in body)
    assert '<a:cs typeface="Noto Sans Arabic"/>' in slide
    # the PDF's title is set flush right: its words end at the right margin of the cover
    import pdfplumber

    with pdfplumber.open(built["ar"][0]) as document:
        cover = document.pages[0]
        words = [w for w in cover.extract_words() if re.search("[\u0600-\u06ff\ufb50-\ufeff]", w["text"])]
        assert words and max(w["x1"] for w in words) > cover.width * 0.8
        assert min(w["x0"] for w in words) > cover.width * 0.1


def slide_texts(pptx: Path) -> list[str]:
    """Each slide's text, from its XML, in slide order (footer included)."""
    with zipfile.ZipFile(pptx) as deck:
        names = sorted((n for n in deck.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)),
                       key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))
        return [normalised(" ".join(re.findall(r"<a:t>([^<]*)</a:t>", deck.read(n).decode()))) for n in names]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_distribution_marking_is_on_every_slide_and_page_whole(built, lang):
    pdf, pptx = built[lang]
    marking = normalised(TEXTS[lang]["marking"])
    slides = slide_texts(pptx)
    assert len(slides) >= 6
    assert [n for n, text in enumerate(slides, start=1) if marking not in text] == []
    footers = [text for text in slides if "…" in text]
    assert footers == [], f"a shortened line on a slide of the {lang} deck: {footers}"
    pages = [normalised(page.extract_text()) for page in PdfReader(pdf).pages]
    assert [n for n, text in enumerate(pages, start=1) if not present(marking, text)] == []


def test_an_arabic_line_is_measured_in_the_font_the_deck_names_for_it():
    from deckgen.deck.textfit import Fonts

    fonts = Fonts("Carlito", "Noto Sans CJK JP", complex="Noto Sans Arabic")
    line = normalised(TEXTS["ar"]["marking"])
    # Noto Sans Arabic's line: ascender 1374 + descender 738 per 1000 units
    assert fonts.line_height(line, 9) == pytest.approx(9 * 2.11, abs=0.05)
    assert fonts.line_height("2021", 20) == pytest.approx(20 * 2.11, abs=0.1)  # digits too
    assert fonts.line_height("Table 1", 20) == pytest.approx(20 * 1.22, abs=0.01)


def test_an_arabic_table_is_right_to_left_with_its_first_column_at_the_right(built):
    """Written as seen from the left, unmarked (LibreOffice ignores ``<a:tblPr rtl="1">``)."""
    from pptx import Presentation

    slides = Presentation(built["ar"][1]).slides
    (frame,) = [s for slide in slides for s in slide.shapes if getattr(s, "has_table", False) and s.has_table]
    assert frame._element.xpath(".//a:tblPr")[0].get("rtl") is None
    table = frame.table
    assert table.cell(0, 1).text == TEXTS["ar"]["year"]  # the first column at the right
    assert [table.cell(r, 1).text for r in (1, 2)] == ["2021", "2022"]
    for cell in (table.cell(0, 0), table.cell(1, 1)):
        ppr = cell.text_frame.paragraphs[0]._p.pPr
        assert ppr.get("rtl") == "1" and ppr.get("algn") == "r"


def test_the_deck_names_the_cjk_font_of_the_brief_s_region(built):
    for lang, family in (("ja", "Noto Sans CJK JP"), ("zh", "Noto Sans CJK SC"), ("ko", "Noto Sans CJK KR")):
        with zipfile.ZipFile(built[lang][1]) as deck:
            slide = deck.read("ppt/slides/slide2.xml").decode()
        assert f'<a:ea typeface="{family}"/>' in slide, lang
        assert f'lang="{lang}"' in slide


def test_french_is_hyphenated_where_french_breaks_words(built):
    text = "\n".join(page.extract_text() for page in PdfReader(built["fr"][0]).pages)
    breaks = re.findall(r"(\w+)[\u2010\u00ad-]\n(\w+)", text)
    assert breaks, "no word of the French brief is hyphenated"
    french = pyphen.Pyphen(lang="fr")
    for head, tail in breaks:
        assert len(head) in french.positions(head + tail), (head, tail)


@pytest.fixture(scope="module")
def overflow_pdfs(built, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("lang-lo")
    decks = [built["ja"][1], built["ar"][1]]
    renamed = []
    for lang, deck in zip(("ja", "ar"), decks):
        target = out / f"{lang}.pptx"
        target.write_bytes(deck.read_bytes())
        renamed.append(target)
    return dict(zip(("ja", "ar"), zip(renamed, libreoffice_pdfs(renamed, out))))


@pytest.mark.parametrize("lang", ["ja", "ar"])
def test_every_word_of_the_japanese_and_arabic_decks_lies_inside_its_shape(overflow_pdfs, lang):
    pptx, pdf = overflow_pdfs[lang]
    assert misplaced_words(pptx, pdf) == []


# ---- a project's own labels; a language with none ----------------------------------------------

def test_a_project_changes_a_label_in_templates(tmp_path):
    files = project_files("fr")
    files["templates/labels.fr.yaml"] = 'takeaways: "À retenir"\nagenda: "Programme"\n'
    project = write_project(tmp_path, files)
    build(project, BuildOptions())
    (pdf,) = project.build_dir.glob("*.pdf")
    (pptx,) = project.build_dir.glob("*.pptx")
    assert "À retenir" in pdf_text(pdf) and "Points clés" not in pdf_text(pdf)
    assert "Programme" in deck_text(pptx) and "Ordre du jour" not in deck_text(pptx)
    assert "Sommaire" in pdf_text(pdf)  # the rest is the catalogue's


def test_an_unknown_or_wrong_label_is_an_error_at_its_line(tmp_path, capsys):
    files = project_files("fr")
    files["templates/labels.fr.yaml"] = 'takeaways: "À retenir"\ntakeaway: "x"\nfigure: "Fig."\n'
    project = write_project(tmp_path, files)
    code, _, err = run(capsys, "build", str(project.root))
    path = project.root / "templates" / "labels.fr.yaml"
    assert code == 2
    assert (f"{path}:2:11: labels: unknown label 'takeaway' (did you mean 'takeaways'?)\n"
            '    takeaway: "x"\n'
            f"{path}:3:9: labels: label 'figure' has the blanks none (expected {{n}})\n"
            '    figure: "Fig."\n'
            "2 errors in the labels; nothing was written.") in err
    assert not project.build_dir.exists() or not list(project.build_dir.glob("*.pdf"))


def test_a_language_with_no_catalogue_is_an_error_naming_those_that_have_one(tmp_path, capsys):
    files = project_files("en")
    files["source/brief.yaml"] = files["source/brief.yaml"].replace("language: en", "language: it")
    project = write_project(tmp_path, files)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 1
    assert ("source/brief.yaml:7:11: language: language 'it' has no catalogue of deckgen's labels "
            "(one of en, ar, de, es, fr, ja, ko, ru, zh, or every label in "
            "templates/labels.it.yaml)\n    language: it") in err


def test_a_complete_labels_file_adds_a_language(tmp_path):
    files = project_files("en")
    files["source/brief.yaml"] = files["source/brief.yaml"].replace("language: en", "language: it")
    italian = dict(built_in("en").words)
    italian.update(kicker="Nota politica", takeaways="Punti chiave", contents="Indice")
    files["templates/labels.it.yaml"] = "".join(f"{k}: {v!r}\n" for k, v in italian.items())
    project = write_project(tmp_path, files)
    build(project, BuildOptions(formats=("pdf",)))
    (pdf,) = project.build_dir.glob("*.pdf")
    text = pdf_text(pdf)
    assert "Punti chiave" in text and "26 novembre 2026" in text
