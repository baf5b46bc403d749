"""A reference template's real geometry: placeholders sized to their text by autofit (as Google
Slides exports them, a short line high) are given their master's box or the free area, and
placeholders reaching past the slide are cut to it, each with a warning naming the layout and
the placeholder, located at the template file, printed by ``check`` and ``build`` and an error
with ``--strict``. Cover titles use the room the template's title placeholder has.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn

from conftest import write_deck
from deckgen.cli import main
from deckgen.deck.plan import plan_slides
from deckgen.deck.template import deck_geometry
from helpers import project_parts, timeline_pngs

REPO = Path(__file__).resolve().parents[1]
EMU_PER_PT = 12700
AUTOFIT_HEIGHT = 21.8  # points: what a Google Slides export gives its placeholders
USED = ("Title Slide", "Title and Content", "Section Header", "Title Only")


def autofit_template(path: Path) -> Path:
    """python-pptx's default template with every used layout's placeholders given their own
    box, 21.8 pt high, and ``a:normAutofit`` (what a Google Slides export carries)."""
    prs = Presentation()
    for layout in prs.slide_layouts:
        if layout.name not in USED:
            continue
        for shape in layout.placeholders:
            if shape.placeholder_format.idx > 1:
                continue
            base = shape._base_placeholder
            shape.left, shape.top, shape.width = base.left, base.top, base.width
            shape.height = int(AUTOFIT_HEIGHT * EMU_PER_PT)
            body_pr = shape._element.find(f"{qn('p:txBody')}/{qn('a:bodyPr')}")
            for old in list(body_pr):
                body_pr.remove(old)
            body_pr.append(etree.SubElement(body_pr, qn("a:normAutofit")))
    prs.save(str(path))
    return path


@pytest.fixture(scope="module")
def parts():
    brief, theme = project_parts(REPO)
    return brief, theme, timeline_pngs(brief, theme)


def test_autofit_placeholders_take_their_real_room_with_a_warning_naming_the_layout(parts, tmp_path):
    _, theme, _ = parts
    template = autofit_template(tmp_path / "autofit.pptx")
    geometry = deck_geometry(theme, template)
    body = geometry.areas["points"].body
    master_body = Presentation().slide_masters[0].placeholders[1]
    assert body.y == pytest.approx(master_body.top / EMU_PER_PT, abs=0.5)  # where it stood, grown
    assert body.h > 300
    assert geometry.areas["points"].title.h > 2 * AUTOFIT_HEIGHT
    messages = [w.message for w in geometry.warnings]
    assert ("layout 'Title and Content': placeholder 'Content Placeholder 2' (index 1) is 648 x 21.8 pt, "
            "sized to its text by autofit; deckgen sets its text in 648 x 370 pt, the free area below it "
            "(give the placeholder its real size in PowerPoint's slide master view)") in messages
    assert all(w.warning and w.loc.file == str(template) for w in geometry.warnings)


def test_an_autofit_template_holds_as_many_bullets_a_slide_as_its_master_would(parts, tmp_path):
    brief, theme, _ = parts
    autofit = plan_slides(brief, theme, deck_geometry(theme, autofit_template(tmp_path / "a.pptx")))
    plain = plan_slides(brief, theme, deck_geometry(theme, _default(tmp_path)))
    assert len(autofit) == len(plain)
    # titles shortened only where the master's own boxes shorten them too (long action titles)
    assert [s.title for s in autofit] == [s.title for s in plain]


def _default(tmp_path: Path) -> Path:
    path = tmp_path / "default.pptx"
    Presentation().save(str(path))
    return path


def off_slide_template(path: Path) -> Path:
    prs = Presentation()
    layout = next(layout for layout in prs.slide_layouts if layout.name == "Title and Content")
    body = next(ph for ph in layout.placeholders if ph.placeholder_format.idx == 1)
    left, top, width, height = body.left, body.top, body.width, body.height
    body.left, body.top, body.width, body.height = left, top, width + 914400, height  # an inch past the right
    prs.save(str(path))
    return path


def test_a_placeholder_past_the_slide_edge_is_cut_with_a_warning_naming_layout_and_placeholder(parts, tmp_path):
    brief, theme, pngs = parts
    template = off_slide_template(tmp_path / "off.pptx")
    geometry = deck_geometry(theme, template)
    assert geometry.areas["points"].body.right <= geometry.width
    assert [w.message for w in geometry.warnings if "contrast" not in w.message] == [
        ("layout 'Title and Content': placeholder 'Content Placeholder 2' (index 1) reaches past the "
         "slide's edge (36, 126 to 756, 482 pt on a 720 x 540 pt slide); deckgen cuts it to the slide "
         "(move it inside in PowerPoint's slide master view)")]
    plans = plan_slides(brief, theme, geometry)
    deck = Presentation(io.BytesIO(write_deck(plans, brief, theme, pngs, template)))
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= deck.slide_width


def _project(make_project, minimal_files, template: Path) -> Path:
    project = make_project(minimal_files)
    (project.root / "templates").mkdir()
    (project.root / "templates" / "reference.pptx").write_bytes(template.read_bytes())
    return project.root


def test_check_and_build_print_the_templates_warnings_and_strict_refuses(make_project, minimal_files,
                                                                          capsys, tmp_path):
    root = _project(make_project, minimal_files, off_slide_template(tmp_path / "off.pptx"))
    reference = root / "templates" / "reference.pptx"
    expected = (f"{reference}: warning: layout 'Title and Content': placeholder 'Content Placeholder 2' "
                "(index 1) reaches past the slide's edge")
    assert main(["check", str(root)]) == 0
    assert expected in capsys.readouterr().err
    assert main(["build", str(root), "--only", "pptx", "--quiet"]) == 0
    assert expected in capsys.readouterr().err
    assert main(["build", str(root), "--only", "pptx", "--quiet"]) == 0  # from the cache: said again
    assert expected in capsys.readouterr().err
    assert main(["build", str(root), "--only", "pptx", "--strict", "--force"]) == 2
    err = capsys.readouterr().err
    assert f"{reference}: layout 'Title and Content': placeholder 'Content Placeholder 2'" in err
    assert "(--strict: the reference template's warnings are errors)" in err


# ---- cover titles ------------------------------------------------------------------------------

# Midnightblue's cover sets its title in a box half the slide wide beside its artwork: three
# lines of the 28 pt floor hold 64 of the title's 86 characters.
COVER_EXCEPTIONS = {"Midnightblue"}


def test_cover_titles_are_whole_in_every_corpus_template(parts):
    """The example's title (86 characters) is shortened on no template's cover: a title
    placeholder grows into the room below it, down to the subtitle, for up to three lines."""
    from helpers import TEMPLATES, mapped_theme

    brief, theme, _ = parts
    shortened = []
    for template in TEMPLATES:
        if template.stem in COVER_EXCEPTIONS:
            continue
        mapped = mapped_theme(theme, template.stem)
        cover = plan_slides(brief, mapped, deck_geometry(mapped, template))[0]
        assert cover.kind == "title"
        if cover.title != brief.meta.title:
            shortened.append(f"{template.stem}: {cover.title}")
    assert not shortened, "\n".join(shortened)
