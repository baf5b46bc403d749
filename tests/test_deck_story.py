"""The deck tells the brief's story: action titles on figure and table slides, key figures as
large numbers (on a slide and in the PDF's figure strip), the title and closing slides with the
authors, the logo and contact details, dividers that show progress, slides within the density
limits, a section's single chart beside its points, and bullets revealed one by one.

The story case (tests/cases/story) and the example are built once; the decks are read back
with python-pptx, the PDFs with pypdf, as their users would see them.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from deckgen.deck.density import word_count
from deckgen.deck.parity import comparable, parity_problems
from deckgen.deck.plan import plan_slides
from deckgen.deck.slides import SLIDE_KINDS
from helpers import REPO, STRESS, project_parts, run, story_build_once

SEED = REPO.parent / "shared" / "seed" / "japan-korea-oped.txt"
KEY_POINT_KINDS = ("points", "recommendations", "two_content")


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    result = story_build_once(tmp_path_factory)
    return result, Presentation(result.outputs["pptx"])


@pytest.fixture(scope="module")
def example_deck(example_build):
    return Presentation(example_build.outputs["pptx"])


def texts(slide, name: str) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.name == name and s.has_text_frame]


def slide_titled(deck, title: str):
    """The slide with ``title``, not its section's divider."""
    return next(s for s in deck.slides if texts(s, "Title") == [title]
                and not s.name.startswith("section-"))


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


# ---- action titles ---------------------------------------------------------------------------

def test_a_figure_slide_is_titled_with_its_caption_s_first_sentence(story):
    _, deck = story
    slide = slide_titled(deck, "Trade dipped after the 2019 export curbs and recovered by 2022.")
    assert texts(slide, "Subtitle") == ["Bilateral trade by year, 2018–2022 (illustrative)"]
    assert texts(slide, "Source") == ["Figure 1. Source: Op-ed (2022); earlier years illustrative"]
    assert any(s.has_chart for s in slide.shapes)
    assert slide.notes_slide.notes_text_frame.text.startswith("Trade dipped after the 2019")


def test_a_message_field_is_the_figure_slide_s_title(story):
    _, deck = story
    slide = slide_titled(deck, "Most of the trade is in parts and materials for each other's factories")
    assert texts(slide, "Subtitle") == ["Composition of bilateral trade, 2022 (illustrative)"]
    assert texts(slide, "Source") == ["Figure 2. Source: Illustrative"]


def test_a_table_slide_is_titled_with_its_caption_s_first_sentence(story):
    _, deck = story
    slide = slide_titled(deck, "Three steps keep trade out of disputes.")
    assert texts(slide, "Subtitle") == ["They are listed in the order they can start."]
    assert any(s.has_table for s in slide.shapes)


def test_the_subtitle_line_sits_between_the_title_and_the_figure(story):
    _, deck = story
    slide = slide_titled(deck, "Trade dipped after the 2019 export curbs and recovered by 2022.")
    title, line = (next(s for s in slide.shapes if s.name == n) for n in ("Title", "Subtitle"))
    chart = next(s for s in slide.shapes if s.has_chart)
    assert title.top + title.height <= line.top and line.top + line.height <= chart.top


def test_the_example_s_timeline_slide_carries_its_message(example_deck):
    slide = next(s for s in example_deck.slides if texts(s, "Subtitle") ==
                 ["Milestones in Japan–South Korea relations, 1910–2022"])
    assert texts(slide, "Title")[0].startswith("More than a century of relations moves from colonial rule")


# ---- key figures -----------------------------------------------------------------------------

def test_the_example_s_key_figures_are_the_seed_s_numbers_on_a_slide_and_in_the_pdf(example_build, example_deck):
    brief, _ = project_parts(example_build.outputs["pdf"].parents[1])
    written = [(k.value, k.label) for s in brief.sections for k in s.key_figures]
    assert [v for v, _ in written] == ["$52 billion", "2.4 million", "2.7 million"]
    if SEED.exists():  # the numbers come from the op-ed the example is written from
        seed = SEED.read_text(encoding="utf-8")
        assert all(value in seed for value, _ in written)
    slide = next(s for s in example_deck.slides if texts(s, "Key figure"))
    assert texts(slide, "Key figure") == [v for v, _ in written]
    assert texts(slide, "Key figure label") == [label for _, label in written]
    assert texts(slide, "Source") == [("Source: Bridging Cultures: Japan and South Korea's Dynamic "
                                       "Relationship (op-ed)")]
    pdf = comparable(pdf_text(example_build.outputs["pdf"]))
    for value, label in written:
        assert comparable(value + label) in pdf, value  # the strip: each value over its label


def test_four_key_figures_share_one_slide_at_one_size(story):
    _, deck = story
    slide = next(s for s in deck.slides if texts(s, "Key figure"))
    assert texts(slide, "Key figure") == ["$52 billion", "2019", "3", "WTO"]
    sizes = {run.font.size for s in slide.shapes if s.name == "Key figure"
             for p in s.text_frame.paragraphs for run in p.runs}
    assert len(sizes) == 1 and sizes.pop().pt >= 36


def test_five_key_figures_are_shown_three_and_two():
    brief, theme = project_parts(STRESS)
    slides = [p for p in plan_slides(brief, theme) if p.kind == "key_figures" and p.section_id == "mixed"]
    assert [len(p.numbers) for p in slides] == [3, 2]
    assert slides[1].title.endswith("(cont.)")


def test_a_key_figure_the_text_never_writes_is_a_warning(make_project, minimal_files, capsys):
    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "  - One point worth making.\n",
        "  - One point worth making.\nkey_figures:\n  - value: \"$99 billion\"\n    label: trade\n")
    project = make_project(files)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0
    assert ("source/sections/one.md:6:5: warning: key_figures.0: key figure '$99 billion' is not "
            "written in the text of section 'one' (the value as the section's prose or key points "
            "write it, for example \"$52 billion\")") in err


def test_a_key_figure_too_long_for_its_slide_is_an_error(make_project, minimal_files, capsys):
    value = "1234567890" * 4
    figures = "".join(f"  - value: \"{value}\"\n    label: label {i}\n" for i in range(4))
    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "  - One point worth making.\n", f"  - One point worth making.\nkey_figures:\n{figures}").replace(
        "Some prose", f"The value {value} and some prose")
    project = make_project(files)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 1
    assert (f"source/sections/one.md:6:5: key_figures.0: key figure '{value}' would not appear in "
            "full on a slide (a shorter value or label)") in err


# ---- covers --------------------------------------------------------------------------------

def test_the_title_slide_shows_authors_organisation_date_marking_and_logo(story):
    _, deck = story
    slide = deck.slides[0]
    assert texts(slide, "Subtitle") == [("What the numbers say, and what to do next\n"
                                         "Jane Doe, Story Institute · Min-jun Kim, Story Institute\n"
                                         "Story Institute (illustrative) · 26 November 2026\nPUBLIC")]
    logo = next(s for s in slide.shapes if s.name == "Logo")
    assert logo.shape_type == 13  # a picture
    title = next(s for s in slide.shapes if s.name == "Title")
    assert logo.top + logo.height <= title.top and logo.left + logo.width <= deck.slide_width
    assert abs(logo.width / logo.height - 3) < 0.05  # the logo's 480 x 160 proportions


def test_the_closing_slide_gives_the_contact_and_the_logo(story):
    _, deck = story
    slide = deck.slides[-1]
    assert texts(slide, "Subtitle") == [("Jane Doe\njane.doe@example.org\nhttps://example.org/story\n"
                                         "Story Institute (illustrative) · PUBLIC")]
    assert any(s.name == "Logo" for s in slide.shapes)
    assert "jane.doe@example.org" in slide.notes_slide.notes_text_frame.text


def test_dividers_show_progress(story):
    _, deck = story
    dividers = [s for s in deck.slides if s.name.startswith("section-")]
    assert [texts(s, "Subtitle") for s in dividers] == [["1 / 3"], ["2 / 3"], ["3 / 3"]]
    marks = [[s for s in d.shapes if s.name.startswith("Progress")] for d in dividers]
    assert [len(m) for m in marks] == [3, 3, 3]
    filled = [[m.fill.fore_color.rgb for m in row] for row in marks]
    assert filled[0][0] == filled[1][1] == filled[2][2] != filled[0][1]


def test_an_invalid_contact_address_is_an_error(make_project, minimal_files, capsys):
    files = dict(minimal_files)
    files["source/brief.yaml"] += "contact:\n  email: not-an-address\n"
    code, _, err = run(capsys, "check", str(make_project(files).root))
    assert code == 1
    assert "source/brief.yaml:12:10: contact.email: invalid e-mail address 'not-an-address'" in err


# ---- density --------------------------------------------------------------------------------

@pytest.mark.parametrize("root", [REPO, STRESS, REPO / "tests" / "cases" / "story"],
                         ids=["example", "stress", "story"])
def test_no_slide_of_key_points_is_over_the_density_limits(root):
    brief, theme = project_parts(root)
    plans = plan_slides(brief, theme)
    shown = [p for p in plans if p.kind in KEY_POINT_KINDS]
    assert shown
    for plan in shown:
        assert len(plan.bullets) <= 6, plan.title
        assert sum(word_count(b.text) for b in plan.bullets) <= 40, plan.title
    assert parity_problems(brief, plans) == []


def test_the_theme_sets_the_density_limits():
    brief, theme = project_parts(STRESS)
    strict = dataclasses.replace(theme, deck={**theme.deck, "max_bullets": 3, "max_words": 20})
    plans = plan_slides(brief, strict)
    for plan in (p for p in plans if p.kind in KEY_POINT_KINDS):
        assert len(plan.bullets) <= 3 and sum(word_count(b.text) for b in plan.bullets) <= 20
    assert parity_problems(brief, plans) == []
    assert len(plans) > len(plan_slides(brief, theme))


def test_check_names_the_key_points_over_the_limits(capsys):
    code, _, err = run(capsys, "check", str(REPO / "tests" / "cases" / "story"))
    assert code == 0
    assert ("source/sections/outlook.md:10:5: warning: key_points.6: section 'outlook' has 8 key "
            "points (56 words), more than one slide holds, so they continue on further slides: key "
            "point 7 is the first past the limits (at most 6 bullets and about 40 words a slide, the "
            "theme's deck.max_bullets and deck.max_words; fewer or shorter key points keep one "
            "slide)\n      - \"Invite the UN or WTO to mediate where useful.\"") in err


def test_the_example_checks_without_a_density_warning(capsys):
    code, _, err = run(capsys, "check", str(REPO))
    assert code == 0 and "slide holds" not in err and "split over slides" not in err


# ---- two content ------------------------------------------------------------------------------

def test_a_section_s_single_chart_sits_beside_its_points(story):
    _, deck = story
    slide = slide_titled(deck, "Travel in both directions")
    body = next(s for s in slide.shapes if s.name == "Body")
    chart = next(s for s in slide.shapes if s.has_chart)
    assert [p.text for p in body.text_frame.paragraphs] == [
        "More than 2.4 million Japanese visited South Korea in 2022.",
        "2.7 million South Koreans travelled to Japan."]
    assert body.left + body.width <= chart.left  # side by side
    assert abs(body.top - chart.top) < 2 * 12700
    assert texts(slide, "Source")[0].startswith("Figure 3: Tourist visits between Japan and South Korea")
    alone = "Slightly more South Koreans visited Japan than the other way round."
    assert not any(texts(s, "Title") == [alone] for s in deck.slides)  # no second slide


def test_points_too_many_to_sit_beside_the_chart_keep_their_own_slides(make_project, minimal_files):
    files = dict(minimal_files)
    points = "".join(f"  - Point {i} makes a case at some length for a policy.\n" for i in range(5))
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "  - One point worth making.\n", points)
    brief, theme = project_parts(make_project(files).root)
    kinds = [p.kind for p in plan_slides(brief, theme)]
    assert "two_content" not in kinds and "points" in kinds and "figure" in kinds


# ---- reveal ------------------------------------------------------------------------------------

def _timing(slide):
    return slide._element.find(qn("p:timing"))


def test_bullets_are_revealed_one_by_one_when_the_theme_asks(story):
    _, deck = story
    slide = slide_titled(deck, "Outlook")
    body = next(s for s in slide.shapes if s.name == "Body")
    timing = _timing(slide)
    assert timing is not None
    build = timing.find(f"{qn('p:bldLst')}/{qn('p:bldP')}")
    assert build.get("spid") == str(body.shape_id) and build.get("build") == "p"
    ranges = [(r.get("st"), r.get("end")) for r in timing.iter(qn("p:pRg"))]
    count = len(body.text_frame.paragraphs)
    assert ranges == [(str(i), str(i)) for i in range(count)]
    effects = [c for c in timing.iter(qn("p:cTn")) if c.get("nodeType") == "clickEffect"]
    assert len(effects) == count and all(c.get("presetClass") == "entr" for c in effects)
    ids = [c.get("id") for c in timing.iter(qn("p:cTn"))]
    assert len(ids) == len(set(ids))  # every time node numbered once


def test_the_timing_follows_the_slide_s_schema_order(story):
    _, deck = story
    slide = slide_titled(deck, "Outlook")
    order = [child.tag for child in slide._element]
    assert order.index(qn("p:timing")) > order.index(qn("p:clrMapOvr"))


def test_without_the_option_no_slide_has_timing(example_deck):
    assert all(_timing(s) is None for s in example_deck.slides)


def test_the_brief_can_ask_for_the_bullets_one_by_one(make_project, minimal_files):
    files = dict(minimal_files)
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "  - One point worth making.\n", "  - One point worth making.\n  - And a second one.\n"
        "  - A third point, so that the chart has a slide of its own, long enough.\n" * 3)
    plain = project_parts(make_project(files).root)
    files["source/brief.yaml"] += "deck:\n  reveal: bullets\n"
    revealed = project_parts(make_project(files).root)
    assert not any(p.reveal for p in plan_slides(*plain) if p.kind in KEY_POINT_KINDS)
    assert all(p.reveal for p in plan_slides(*revealed) if p.kind in KEY_POINT_KINDS and len(p.bullets) > 1)
    assert any(p.kind in KEY_POINT_KINDS for p in plan_slides(*revealed))


def test_an_unknown_reveal_option_is_a_theme_error(tmp_path, make_project, minimal_files, capsys):
    files = dict(minimal_files)
    theme = (REPO / "templates" / "theme.yaml").read_text(encoding="utf-8")
    files["templates/theme.yaml"] = theme.replace("  section_dividers: auto", "  section_dividers: auto\n  reveal: words")
    code, _, err = run(capsys, "check", str(make_project(files).root))
    assert code == 2
    assert "theme deck.reveal is 'words' (expected one of none, bullets)" in err


def test_every_slide_kind_is_drawn(story):
    result, deck = story
    kinds = {s.name.rsplit("-", 1)[0] for s in deck.slides}
    assert {"key_figures", "two_content", "figure", "table", "section", "title", "closing"} <= kinds
    assert kinds <= set(SLIDE_KINDS)
    assert io.BytesIO(result.outputs["pptx"].read_bytes()).getbuffer().nbytes > 0
