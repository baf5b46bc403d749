"""Helpers several test modules share (no test module imports another).

Helpers that belong together have a small module of their own beside this one
(``language_projects``, ``edition_projects``, ``page_measures``, ``browser_support``,
``watch_support``); shared fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
import queue
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from deckgen import model as m
from deckgen.build.pipeline import BuildOptions, build
from deckgen.cli import main
from deckgen.figures.kinds import KINDS
from deckgen.load.loader import load_project
from deckgen.project import Project
from deckgen.theme import load_theme

REPO = Path(__file__).resolve().parents[1]
STRESS = REPO / "tests" / "cases" / "stress"
STORY = REPO / "tests" / "cases" / "story"
SRC = REPO / "src"

# A figure file whose data comes from a CSV named by ``{csv}``, with columns c and v.
CSV_FIGURE = """\
kind: column
title: A chart
alt: Columns.
source: Test data
data:
  csv: {csv}
  category: c
  series:
    - column: v
"""


def run(capsys, *args) -> tuple[int, str, str]:
    """``deckgen ARGS`` in this process: its exit code, standard output and standard error."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(project: Project) -> str:
    """The text of the project's one built PDF."""
    (path,) = project.build_dir.glob("*.pdf")
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def point_of(pdf: bytes, text: str) -> tuple[int, float, float]:
    """The page (0-based) showing ``text`` first, and the middle of its first letter's left
    edge as fractions of the page's width and height from its top left."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        found = textpage.search(text).get_next()
        if found:
            left, bottom, _, top = textpage.get_charbox(found[0])
            width, height = page.get_size()
            return index, (left + 1) / width, 1 - (bottom + top) / 2 / height
    raise AssertionError(f"{text!r} is on no page")


def running(pid: int) -> bool:
    """True while ``pid`` runs: not gone, and not a zombie waiting for its parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def python(code: str, *args: str) -> str:
    """``code`` run by a fresh interpreter with deckgen importable; its standard output."""
    done = subprocess.run([sys.executable, "-c", code, *args], check=False, capture_output=True, text=True,
                          env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin",
                               "HOME": str(Path.home())}, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


# ---- decks: the stress case built once, reference templates, figure pictures ----------------

_BUILDS: dict[str, object] = {}


# ---- shared builders ---------------------------------------------------------------------------

def stress_build_once(tmp_path_factory):
    """The stress case built (PDF and deck) once per test session."""
    if "stress" not in _BUILDS:
        root = tmp_path_factory.mktemp("stress")
        shutil.copytree(STRESS / "source", root / "source")
        shutil.copytree(STRESS / "templates", root / "templates")
        _BUILDS["stress"] = build(Project.at(root), BuildOptions())
    return _BUILDS["stress"]


def story_build_once(tmp_path_factory):
    """The story case (tests/cases/story: key figures, action titles, a chart beside its points,
    a logo and contact, bullets revealed one by one) built once per test session."""
    if "story" not in _BUILDS:
        root = tmp_path_factory.mktemp("story")
        shutil.copytree(STORY / "source", root / "source")
        shutil.copytree(STORY / "templates", root / "templates")
        _BUILDS["story"] = build(Project.at(root), BuildOptions())
    return _BUILDS["story"]


# ---- the corpus of real templates, each drawn and converted by LibreOffice once ----------------

TEMPLATE_CORPUS = REPO / "tests" / "cases" / "templates"
TEMPLATES = sorted(p for p in TEMPLATE_CORPUS.iterdir() if p.suffix in (".pptx", ".potx"))
LIBREOFFICE = {"agenda": "Title, Content", "points": "Title, Content", "recommendations": "Title, Content",
               "references": "Title, Content", "section": "Title Slide"}
FRENCH = {"title": "Diapositive de titre", "closing": "Diapositive de titre", "agenda": "Titre et contenu",
          "points": "Titre et contenu", "recommendations": "Titre et contenu",
          "references": "Titre et contenu", "figure": "Titre seul", "section": "Titre de section"}
GERMAN = {"title": "Titelfolie", "closing": "Titelfolie", "agenda": "Titel und Inhalt",
          "points": "Titel und Inhalt", "recommendations": "Titel und Inhalt",
          "references": "Titel und Inhalt", "figure": "Nur Titel", "section": "Abschnitts-\nüberschrift"}
MAPPINGS = {"coreoz-template": FRENCH, "pptx-blueprint-example02-section": GERMAN,
            "python-pptx-default": {}, "sol-eng-template": {"figure": "Title and Content"}}


def mapped_theme(theme, name: str, **deck):
    """``theme`` with the corpus template ``name``'s layouts mapped (and ``deck`` keys set)."""
    layouts = {**theme.deck["layouts"], **MAPPINGS.get(name, LIBREOFFICE)}
    return dataclasses.replace(theme, deck={**theme.deck, "layouts": layouts, **deck})


@dataclasses.dataclass(frozen=True)
class CorpusDeck:
    """The example drawn on one corpus template (section dividers forced on, so every layout
    kind is used): the deck, LibreOffice's PDF of it, its slide plans and the template's
    warnings."""

    deck: Path
    pdf: Path
    plans: list
    warnings: tuple


def template_corpus_once(tmp_path_factory) -> dict[str, CorpusDeck]:
    """Every corpus template with the example drawn on it, converted by LibreOffice in one run,
    once per test session."""
    if "corpus" in _BUILDS:
        return _BUILDS["corpus"]
    from conftest import write_deck
    from deckgen.deck.plan import plan_slides
    from deckgen.deck.template import deck_geometry, require_layouts

    work = tmp_path_factory.mktemp("corpus")
    brief, theme = project_parts(REPO)
    pngs = timeline_pngs(brief, theme)
    drawn = {}
    for template in TEMPLATES:
        mapped = mapped_theme(theme, template.stem, section_dividers="always")
        geometry = deck_geometry(mapped, template)
        plans = plan_slides(brief, mapped, geometry)
        require_layouts(geometry, plans)
        out = work / f"{template.stem}.pptx"
        out.write_bytes(write_deck(plans, brief, mapped, pngs, template))
        drawn[template.stem] = (out, plans, tuple(geometry.warnings))
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: run scripts/setup.sh test")
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{work / 'lo-profile'}", "--convert-to",
         "pdf", "--outdir", str(work), *(str(deck) for deck, _, _ in drawn.values())],
        capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    _BUILDS["corpus"] = {name: CorpusDeck(deck, work / f"{name}.pdf", plans, warnings)
                         for name, (deck, plans, warnings) in drawn.items()}
    return _BUILDS["corpus"]


def reference_template(path: Path, aspect: str = "4:3", drop_layout: str = "", font: str = "") -> Path:
    """An organisation's template stand-in: python-pptx's default (4:3, the usual layout names),
    or the same stretched to 16:9; optionally without one layout, or with another theme font."""
    prs = Presentation()
    if font:
        _set_theme_font(prs, font)
    if aspect == "16:9":
        factor = 4 / 3
        prs.slide_width = int(prs.slide_width * factor)
        for master in prs.slide_masters:
            for container in [master, *master.slide_layouts]:
                for shape in container.placeholders:
                    if shape._element.spPr.find(qn("a:xfrm")) is not None:  # its own position
                        shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)
    if drop_layout:
        layout = next(lay for lay in prs.slide_layouts if lay.name == drop_layout)
        prs.slide_layouts.remove(layout)
    prs.save(path)
    return path


def _set_theme_font(prs, typeface: str) -> None:
    """Make ``typeface`` the template theme's heading and body font."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = prs.slide_masters[0].part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for latin in root.iterfind(f".//{qn('a:majorFont')}/{qn('a:latin')}"):
        latin.set("typeface", typeface)
    for latin in root.iterfind(f".//{qn('a:minorFont')}/{qn('a:latin')}"):
        latin.set("typeface", typeface)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def project_parts(root: Path):
    project = Project.at(root)
    return load_project(project.root), load_theme(project.template_file("theme.yaml"))


def timeline_pngs(brief: m.Brief, theme) -> dict[str, bytes]:
    from deckgen.figures import drawing as figures

    return {f.id: figures.render_png(f, theme) for f in brief.figures if not KINDS[f.kind].native}


# ---- decks rendered by LibreOffice: converting, and where their words are ----------------------

EMU_PER_PT = 12700
TOLERANCE = 2.0  # points: glyph boxes may reach a little into a text frame's margin
MARKER = re.compile(r"^(•|\d+\.)$")


# ---- converting ------------------------------------------------------------------------------

def libreoffice_pdfs(decks: list[Path], outdir: Path) -> list[Path]:
    """Convert every deck to PDF in one LibreOffice run; the PDFs, in order."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: run scripts/setup.sh test")
    profile = outdir / "lo-profile"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, decks)],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return [outdir / (deck.stem + ".pdf") for deck in decks]


def libreoffice_pdf(pptx: Path, outdir: Path) -> Path:
    return libreoffice_pdfs([pptx], outdir)[0]


# ---- reading positions -------------------------------------------------------------------------

def comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def shape_box(shape) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) in points."""
    x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
    return x, y, x + shape.width / EMU_PER_PT, y + shape.height / EMU_PER_PT


def inside(word: dict, box, tolerance: float = TOLERANCE) -> bool:
    x0, top, x1, bottom = box
    return (word["x0"] >= x0 - tolerance and word["x1"] <= x1 + tolerance
            and word["top"] >= top - tolerance and word["bottom"] <= bottom + tolerance)


def table_cells(shape):
    """A table's cells as (name, box, comparable text, False): each cell's box from the table's
    position, its columns' widths and its rows' heights as written, the columns from the left in
    the order written (as LibreOffice 7.4 lays them out even under ``<a:tblPr rtl="1">``, which
    deckgen does not write)."""
    table = shape.table
    lefts = [shape.left + sum(c.width for c in list(table.columns)[:i]) for i in range(len(table.columns))]
    top = shape.top
    for r, row in enumerate(table.rows):
        for c, column in enumerate(table.columns):
            cell = table.cell(r, c)
            if cell.text_frame.text.strip():
                x, y = lefts[c] / EMU_PER_PT, top / EMU_PER_PT
                box = (x, y, x + column.width / EMU_PER_PT, y + row.height / EMU_PER_PT)
                yield (f"{shape.name} cell {r + 1},{c + 1}", box, comparable(cell.text_frame.text), False)
        top += row.height


def text_regions(slide):
    """Text shapes and table cells as (name, box, comparable text, is a list), and chart
    frames' boxes."""
    texts, charts = [], []
    for shape in slide.shapes:
        if getattr(shape, "has_table", False) and shape.has_table:
            texts.extend(table_cells(shape))
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            charts.append(shape_box(shape))
        elif shape.has_text_frame and shape.text_frame.text.strip():
            texts.append((shape.name, shape_box(shape), comparable(shape.text_frame.text),
                          shape.name == "Body"))
    return texts, charts


def misplaced_words(pptx: Path, pdf: Path) -> list[str]:
    """Every word that lies outside the shape holding it, or off the slide."""
    problems = []
    deck = Presentation(pptx)
    with pdfplumber.open(pdf) as document:
        for number, (slide, page) in enumerate(zip(deck.slides, document.pages), start=1):
            texts, charts = text_regions(slide)
            for word in page.extract_words():
                problem = _word_problem(word, texts, charts, page)
                if problem:
                    problems.append(f"slide {number}: {problem}")
    return problems


def _word_problem(word: dict, texts, charts, page) -> str:
    where = f"'{word['text']}' at x {word['x0']:.0f}–{word['x1']:.0f}, y {word['top']:.0f}–{word['bottom']:.0f}"
    if not inside(word, (0, 0, page.width, page.height), 0):
        return f"{where} is off the slide"
    text = comparable(word["text"])
    holders = [(name, box) for name, box, content, is_list in texts
               if text in content or (is_list and MARKER.match(text))]
    if any(inside(word, box) for _, box in holders):
        return ""
    if any(inside(word, box, 0) for box in charts):
        return ""
    if holders:
        return f"{where} lies outside its shape '{holders[0][0]}' {tuple(round(v) for v in holders[0][1])}"
    return f"{where} belongs to no shape"


# ---- the example brief -------------------------------------------------------------------------

EXAMPLE = REPO / "source"


def copy_example(root: Path, editions: tuple[str, ...] | None = ("en",)) -> Project:
    """The example brief copied into ``root/source``; by default as an English brief alone (its
    ``editions:`` line dropped and its translations left behind), for tests about anything but
    editions; ``editions=None`` keeps every edition it lists."""
    from deckgen.load.translations import is_translation

    shutil.copytree(EXAMPLE, root / "source", ignore=None if editions is None else
                    lambda _, names: [n for n in names if is_translation(n)])
    if editions is not None:
        brief = root / "source" / "brief.yaml"
        lines = brief.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith("editions:")]
        if editions != ("en",):
            kept.append(f"editions: [{', '.join(editions)}]\n")
        brief.write_text("".join(kept), encoding="utf-8")
    return Project.at(root)


# ---- a parameterised brief ---------------------------------------------------------------------

PARAMS_CASE = REPO / "tests" / "cases" / "params"


def copy_case(root: Path) -> Path:
    """The parameterised brief (``tests/cases/params``) copied into ``root/source``; returns ``root``."""
    shutil.copytree(PARAMS_CASE / "source", root / "source")
    return root


def write_project(root: Path, files: dict[str, str]) -> Project:
    """Write ``{relative path: text}`` under ``root``, each text dedented and without its
    leading newline (written as indented triple-quoted strings), and return the Project."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return Project.at(root)


# ---- labels in a language ----------------------------------------------------------------------

def normalised(text: str) -> str:
    """NFKC, and every kind of space a plain one."""
    return re.sub(r"[\u00a0\u202f\u2009\s]+", " ", unicodedata.normalize("NFKC", text))


def english_labels(lang: str) -> set[str]:
    """The fixed words of deckgen's English catalogue (of three letters or more, blanks left out:
    "Page {page} of {pages}" gives "Page") that ``lang``'s own catalogue does not use."""
    from deckgen.i18n.catalogue import built_in

    def fragments(text: str) -> set[str]:
        return {part.strip(" .:;,()") for part in re.split(r"\{\w+\}", text)} - {""}

    own = " | ".join(text for _, text in built_in(lang).words)
    english = {f for _, text in built_in("en").words for f in fragments(text)}
    return {f for f in english if len(re.sub(r"\W", "", f)) >= 3 and not has_word(f, own)}


def has_word(word: str, text: str) -> bool:
    """``word`` in ``text`` as a word, in any case."""
    return re.search(r"(?<!\w)" + re.escape(word.casefold()) + r"(?!\w)", text.casefold()) is not None


# ---- collections -------------------------------------------------------------------------------

def make_collection(root: Path, names, extra: str = "") -> Path:
    """A collection under ``root``: a copy of the minimal brief per name (titled "Brief NAME"),
    the shared ``templates/`` folder, and ``deckgen.yaml`` listing them (then ``extra``)."""
    import textwrap

    from conftest import MINIMAL

    for name in names:
        for path, text in MINIMAL.items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n").replace("A minimal brief", f"Brief {name}"))
    (root / "templates").mkdir(exist_ok=True)
    (root / "deckgen.yaml").write_text("briefs:\n" + "".join(f"  - {n}\n" for n in names) + extra)
    return root


# ---- deckgen watch on a thread -----------------------------------------------------------------

class Watcher:
    """``watching(subject, options, report, stop_event)`` (``deckgen.watch.watch`` of a project,
    or ``watch_briefs`` of a collection's briefs) on a thread, its events in a queue; as a
    context manager, started and stopped."""

    def __init__(self, watching, subject, timeout: float):
        self.timeout = timeout
        self.events: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watching, args=(subject, BuildOptions(), self.events.put, self.stop), daemon=True)

    def next(self, *kinds):
        """The next event of one of ``kinds``, skipping others."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=1)
            except queue.Empty:
                continue
            if event.kind in kinds:
                return event
        raise AssertionError(f"no {kinds} event within {self.timeout} s")

    def builds(self, count: int) -> list:
        return [self.next("built", "failed") for _ in range(count)]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(self.timeout)
        assert not self.thread.is_alive()


# ---- native charts as LibreOffice draws them ----------------------------------------------------

def charts_as_drawn(charts: dict, box, theme, folder: Path) -> dict:
    """``{name: (chart, words)}`` for ``charts`` (``{name: (ChartData, language)}``), each drawn
    by deckgen on a slide of its own in ``box``: its python-pptx chart and its words as
    LibreOffice draws them (pdfplumber)."""
    from pptx.util import Pt

    from deckgen.deck.charts import add_chart

    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(960), Pt(540)
    for data, language in charts.values():
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        add_chart(slide, data, box, theme, "units", "Noto Sans", "Noto Sans CJK JP", language=language)
    prs.save(folder / "charts.pptx")
    deck = Presentation(folder / "charts.pptx")
    with pdfplumber.open(libreoffice_pdf(folder / "charts.pptx", folder)) as pdf:
        pages = [page.extract_words() for page in pdf.pages]
    drawn = [next(s for s in slide.shapes if s.has_chart).chart for slide in deck.slides]
    return {name: (chart, words) for name, chart, words in zip(charts, drawn, pages)}
