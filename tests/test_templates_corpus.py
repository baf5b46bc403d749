"""Real PowerPoint templates nobody here wrote (tests/cases/templates, see its README) hold the
example deck as their owners expect.

Each template gets the example brief planned and drawn into its layouts, with only the
``deck.layouts`` mapping its README documents (LibreOffice names "Title, Content"; the French
and German templates name their layouts in their language), section dividers forced on so
every layout kind is used. Every deck is converted by LibreOffice in one run; pdfplumber reads
each word's position: none may lie outside the shape holding it (or the template's own artwork,
such as a slide number it draws itself), and the distribution marking is text on every slide.
The error cases (missing layouts, unknown masters) and ``deckgen check --template-info`` are
checked by their exact messages; ``.potx`` files are built through ``deckgen build``.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation

from conftest import write_deck
from deckgen.deck.plan import plan_slides
from deckgen.deck.template import deck_geometry, open_template
from deckgen.errors import EnvironmentProblem
from helpers import (
    TEMPLATE_CORPUS,
    TEMPLATES,
    copy_example,
    mapped_theme,
    project_parts,
    run,
    template_corpus_once,
    timeline_pngs,
)

REPO = Path(__file__).resolve().parents[1]
CORPUS = TEMPLATE_CORPUS
MARKING = "PUBLIC — for illustration"
EMU_PER_PT = 12700
TOLERANCE = 2.0  # points: glyphs may reach a little into a frame's margin (a chart's outside-end labels too)

NAMES = [p.stem for p in TEMPLATES]


def test_the_corpus_holds_at_least_twelve_templates():
    assert len(TEMPLATES) >= 12
    assert any(p.suffix == ".potx" for p in TEMPLATES)


# ---- every template, drawn and converted once --------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[Path, Path, list]]:
    """``{template: (deck, LibreOffice's PDF of it, plans)}`` (drawn once per session)."""
    return {name: (drawn.deck, drawn.pdf, drawn.plans) for name, drawn in template_corpus_once(tmp_path_factory).items()}


def _comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()  # layouts may set caps


def _box(shape) -> tuple[float, float, float, float]:
    x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
    return x, y, x + shape.width / EMU_PER_PT, y + shape.height / EMU_PER_PT


def _inside(word, box, tolerance=TOLERANCE) -> bool:
    x0, top, x1, bottom = box
    return (word["x0"] >= x0 - tolerance and word["x1"] <= x1 + tolerance
            and word["top"] >= top - tolerance and word["bottom"] <= bottom + tolerance)


def _cells(shape):
    """A native table's cells: (name, box from the written widths and heights, text, False)."""
    table, top, out = shape.table, shape.top, []
    for r, row in enumerate(table.rows):
        left = shape.left
        for c, column in enumerate(table.columns):
            box = (left / 12700, top / 12700, (left + column.width) / 12700, (top + row.height) / 12700)
            out.append((f"{shape.name} cell {r + 1},{c + 1}", box,
                        _comparable(table.cell(r, c).text_frame.text), False))
            left += column.width
        top += row.height
    return out


def _holders(slide) -> list[tuple[str, tuple, str, bool]]:
    """Text shapes of the slide, and of its layout's and master's own artwork (not placeholders,
    which only the slide fills): (name, box, comparable text, is a list)."""
    found = []
    for container, artwork in ((slide, False), (slide.slide_layout, True), (slide.slide_layout.slide_master, True)):
        for shape in container.shapes:
            if artwork and shape.is_placeholder:
                continue
            if getattr(shape, "has_chart", False) and shape.has_chart:
                found.append((shape.name, _box(shape), None, False))
            elif getattr(shape, "has_table", False) and shape.has_table:
                found.extend(_cells(shape))
            elif shape.has_text_frame and (shape.text_frame.text.strip() or artwork):
                found.append((shape.name, _box(shape), _comparable(shape.text_frame.text), shape.name == "Body"))
    return found


def misplaced(pptx: Path, pdf: Path) -> list[str]:
    problems = []
    deck = Presentation(pptx)
    with pdfplumber.open(pdf) as document:
        for number, (slide, page) in enumerate(zip(deck.slides, document.pages), start=1):
            holders = _holders(slide)
            for word in page.extract_words():
                text = _comparable(word["text"])
                where = f"slide {number}: '{word['text']}' at {word['x0']:.0f},{word['top']:.0f}"
                if not _inside(word, (0, 0, page.width, page.height), 0):
                    problems.append(f"{where} is off the slide")
                    continue
                ok = any(_inside(word, box)
                         for _, box, content, is_list in holders
                         if content is None or text in content or (is_list and re.match(r"^(•|\d+\.)$", text))
                         or (content == "" and text.isdigit()) or "<number>" in (content or ""))
                if not ok:
                    problems.append(f"{where} lies outside every shape holding it")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_no_word_lies_outside_its_shape(corpus, name):
    deck, pdf, _ = corpus[name]
    assert misplaced(deck, pdf) == []


@pytest.mark.parametrize("name", NAMES)
def test_the_marking_is_text_on_every_slide(corpus, name):
    deck, pdf, plans = corpus[name]
    with pdfplumber.open(pdf) as document:
        pages = [re.sub(r"\s+", " ", page.extract_text() or "") for page in document.pages]
    assert len(pages) == len(Presentation(deck).slides) == len(plans)
    assert [n for n, text in enumerate(pages, start=1) if MARKING not in text] == []
    assert all(MARKING in p.footer for p in plans if p.footer_box is not None)


@pytest.mark.parametrize("name", NAMES)
def test_the_template_background_and_artwork_come_through(corpus, name):
    """Every slide keeps its layout's and master's own shapes and pictures (the deck removes
    only the slides the template carried)."""
    deck = Presentation(corpus[name][0])
    template = open_template(next(p for p in TEMPLATES if p.stem == name))
    artwork = sum(len(m.shapes) - len(m.placeholders) for m in template.slide_masters)
    assert len(deck.slide_masters) == len(template.slide_masters)
    assert sum(len(m.shapes) - len(m.placeholders) for m in deck.slide_masters) == artwork


def test_content_slides_take_the_content_master_and_covers_the_cover_master(corpus):
    """LibreOffice's Beehive holds a cover master (title artwork, no footer) and a content
    master with the same layout names: the first master no longer wins for every slide."""
    deck = Presentation(corpus["Beehive"][0])
    masters = list(deck.slide_masters)
    by_kind = {}
    for slide in deck.slides:
        by_kind.setdefault(slide.name.split("-")[0], set()).add(masters.index(slide.slide_layout.slide_master))
    assert by_kind["title"] == by_kind["closing"] == by_kind["section"] == {0}
    assert by_kind["points"] == by_kind["agenda"] == by_kind["figure"] == {1}


def test_a_footer_box_too_short_for_a_line_is_made_tall_enough(corpus):
    """Metropolis's footer placeholder is 18 pt high with no margins: the full footer, marking
    included, fits at 9 pt or more instead of becoming "…"."""
    plans = corpus["Metropolis"][2]
    footer = next(p for p in plans if p.footer_box is not None)
    assert footer.footer == f"Japan–South Korea relations · {MARKING}"
    assert footer.footer_box.inner_h >= 11


# ---- choosing masters and mapping layouts ---------------------------------------------------------

def test_deck_master_by_number_puts_every_slide_on_that_master(tmp_path):
    brief, theme = project_parts(REPO)
    mapped = mapped_theme(theme, "Beehive", master=2)
    template = CORPUS / "Beehive.pptx"
    plans = plan_slides(brief, mapped, deck_geometry(mapped, template))
    deck = Presentation(__import__("io").BytesIO(write_deck(plans, brief, mapped, timeline_pngs(brief, theme), template)))
    assert {list(deck.slide_masters).index(s.slide_layout.slide_master) for s in deck.slides} == {1}


def test_an_unknown_master_is_named_with_the_masters_there_are():
    _, theme = project_parts(REPO)
    with pytest.raises(EnvironmentProblem) as caught:
        deck_geometry(mapped_theme(theme, "Beehive", master="Corporate"), CORPUS / "Beehive.pptx")
    assert str(caught.value) == (
        f"{CORPUS / 'Beehive.pptx'}: the reference template has no slide master 'Corporate' "
        "(deck.master in templates/theme.yaml); its masters, by number and name:\n  1\n  2")


def _project(tmp_path: Path, template: Path, name: str, theme_edit=None) -> Path:
    copy_example(tmp_path)
    (tmp_path / "templates").mkdir()
    shutil.copy(template, tmp_path / "templates" / name)
    if theme_edit is not None:
        text = (REPO / "templates" / "theme.yaml").read_text(encoding="utf-8")
        (tmp_path / "templates" / "theme.yaml").write_text(theme_edit(text), encoding="utf-8")
    return tmp_path


def test_every_missing_layout_is_named_at_once_with_a_suggested_mapping(tmp_path, capsys):
    root = _project(tmp_path, CORPUS / "coreoz-template.pptx", "reference.pptx")
    code, _, err = run(capsys, "check", str(root))
    template = root / "templates" / "reference.pptx"
    assert code == 2
    assert err == (
        f"error: {template}: the reference template has no slide layout named 'Title Slide', "
        "'Title and Content', 'Title Only' (needed for title and closing slides; agenda, points, "
        "recommendations and references slides; figure, table, key_figures and two_content slides).\n"
        "Its layouts, by master:\n"
        "  master 1:\n"
        "    'Diapositive de titre'\n    'Titre et contenu'\n    'Titre de section'\n"
        "    'Deux contenus'\n    'Comparaison'\n    'Titre seul'\n    'Vide'\n"
        "    'Contenu avec légende'\n    'Image avec légende'\n    'Titre et texte vertical'\n"
        "    'Titre vertical et texte'\n"
        "Map each kind to one of them under deck.layouts in templates/theme.yaml, for example:\n"
        "deck:\n  layouts:\n"
        '    title: "Diapositive de titre"\n    closing: "Diapositive de titre"\n'
        '    agenda: "Titre et contenu"\n    points: "Titre et contenu"\n'
        '    recommendations: "Titre et contenu"\n    references: "Titre et contenu"\n'
        '    figure: "Titre seul"\n    table: "Titre seul"\n'
        '    key_figures: "Titre seul"\n    two_content: "Titre seul"\n'
        "or rename the layouts in PowerPoint's slide master view.\n")


def test_libreoffice_names_with_commas_are_suggested_whole(tmp_path, capsys):
    root = _project(tmp_path, CORPUS / "Beehive.pptx", "reference.pptx")
    code, _, err = run(capsys, "check", str(root))
    assert code == 2
    assert "    'Title, 2 Content and Content'\n" in err
    assert '    points: "Title, Content"\n' in err


# the one warning the example brief gives by design: its bibliography repeats a work of the seed
MERGE_WARNING = ("source/references.bib:25:1: warning: references: reference 'smith2019a' repeats "
                 "'smith2019' at source/references.bib:4:1; merged into one entry\n"
                 "    @book{smith2019a,\n")


def but_merge(err: str) -> str:
    """What a build of the example printed besides its bibliography's merge warning (once), the
    template's colour warnings (text or chart series recoloured to keep contrast) and the titles
    shortened to fit the template's title box (each warning with its quoted source line)."""
    assert err.count(MERGE_WARNING) == 1, err
    rest = err.replace(MERGE_WARNING, "")
    blocks = re.split(r"\n(?=\S)", rest.rstrip("\n")) if rest.strip() else []
    kept = [b for b in blocks if "has a contrast of" not in b and "its title is shortened to fit" not in b]
    return "".join(b + "\n" for b in kept)


def test_a_section_layout_is_required_only_when_dividers_are_planned(tmp_path, capsys):
    def never(text):
        return (text.replace("section_dividers: auto", "section_dividers: never")
                .replace('"Title and Content"', '"Title, Content"'))
    root = _project(tmp_path, CORPUS / "Beehive.pptx", "reference.pptx", never)
    code, _, err = run(capsys, "build", str(root), "--only", "pptx", "--quiet")
    assert (code, but_merge(err)) == (0, "")
    deck = Presentation(next((root / "build").glob("*.pptx")))
    assert "section" not in {s.name.split("-")[0] for s in deck.slides}


@pytest.mark.parametrize("name", ["reference.potx", "reference.pptx"])
def test_a_potx_builds_as_reference_potx_or_reference_pptx(tmp_path, capsys, name):
    def figure_layout(text):
        return text.replace('figure: "Title Only"', 'figure: "Title and Content"')
    root = _project(tmp_path, CORPUS / "sol-eng-template.potx", name, figure_layout)
    code, _, err = run(capsys, "build", str(root), "--only", "pptx", "--quiet")
    assert (code, but_merge(err)) == (0, "")
    deck = Presentation(next((root / "build").glob("*.pptx")))
    assert [s.slide_layout.name for s in deck.slides][:2] == ["Title Slide", "Title and Content"]


def test_check_template_info_lists_masters_and_layouts(tmp_path, capsys):
    root = _project(tmp_path, CORPUS / "Beehive.pptx", "reference.pptx")
    code, out, _ = run(capsys, "check", "--template-info", str(root))
    assert code == 2  # the listing comes before the missing layouts are reported
    lines = out.splitlines()
    assert lines[0] == f"{root / 'templates' / 'reference.pptx'}: 794 x 446 pt, 2 slide masters"
    assert "master 1 (the cover master):" in lines
    assert "master 2 (the content master):" in lines
    assert "  'Title Slide' [title, subtitle] <- title, closing" in lines
    assert "no layout named 'Title and Content' (for agenda slides)" in lines
