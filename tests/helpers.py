"""Helpers several test modules share (no test module imports another)."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def running(pid: int) -> bool:
    """True while ``pid`` runs: not gone, and not a zombie waiting for its parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


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
