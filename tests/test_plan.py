"""The slide plan as pure data: kinds and layouts, fitted text, continuations, notes, parity.

Briefs come from the example and the stress case (tests/cases/stress) through the loader, or
are made here from the model for one behaviour at a time. Nothing is written or rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from deckgen import model as m
from deckgen.deck.fit import sentence_pieces
from deckgen.deck.geometry import SLACK, Areas, Box
from deckgen.deck.parity import comparable, parity_problems
from deckgen.deck.plan import plan_slides
from deckgen.deck.slides import DEFAULT_GEOMETRY, LAYOUTS
from deckgen.deck.textfit import Fonts, lines_height, tokens, wrap, wrap_raw
from deckgen.errors import EnvironmentProblem, Loc
from deckgen.figures.kinds import KINDS
from deckgen.i18n.labels import english
from deckgen.load.loader import load_project
from deckgen.theme import Theme, load_theme

REPO = Path(__file__).resolve().parents[1]
STRESS = REPO / "tests" / "cases" / "stress"
BULLET_KINDS = ("agenda", "points", "recommendations", "references")
LOC = Loc("source/test.md", 1)


# ---- fixtures and builders ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme(REPO / "templates" / "theme.yaml")


@pytest.fixture(scope="module")
def fonts(theme) -> Fonts:
    return Fonts(theme.fonts["deck_metrics"], theme.fonts["deck_cjk"])


@pytest.fixture(scope="module")
def example():
    return load_project(REPO)


@pytest.fixture(scope="module")
def stress():
    return load_project(STRESS)


@pytest.fixture(scope="module")
def stress_plans(stress, theme):
    return plan_slides(stress, with_deck(theme, section_dividers="always"))


def with_deck(theme: Theme, **options) -> Theme:
    return dataclasses.replace(theme, deck={**theme.deck, **options})


def section(id: str, title: str, points=(), notes: str = "Notes a speaker can say.",
            kind: str = "body", blocks=()) -> m.Section:
    return m.Section(id, title, tuple(points), notes, kind, tuple(blocks), LOC)


def figure(id: str = "chart", kind: str = "column", values=(1.5, 2.0), number: int = 1) -> m.Figure:
    return m.Figure(id, number, kind, f"Title of {id}", "What the reader should see.",
                    "Alt text.", "The source", "units", ("a", "b")[:len(values)],
                    (m.Series("Series", tuple(values)),), (), LOC)


def brief(*sections: m.Section, figures=(), title: str = "A brief", short_title: str = "Brief",
          distribution: str = "PUBLIC", references=()) -> m.Brief:
    meta = m.Meta(title, short_title, "A subtitle", dt.date(2026, 11, 26), (m.Author("A. Author"),),
                  "An organisation", distribution, "en", "a4", (), "A summary.", "", LOC)
    return m.Brief("brief", meta, tuple(sections), tuple(figures), tuple(references))


def figure_block(figure_id: str) -> m.FigureBlock:
    return m.FigureBlock(figure_id, LOC)


def bullet_slides(plans, section_id: str):
    return [p for p in plans if p.section_id == section_id and p.kind in ("points", "recommendations")]


def body_height(plan, fonts: Fonts) -> float:
    """The body's height, measured again from scratch: lines at their fonts' heights, plus gaps."""
    width = (plan.areas.body.inner_w - plan.indent) * SLACK
    height = 0.0
    for bullet in plan.bullets:
        height += lines_height(wrap(bullet.text, fonts, plan.body_size, width), fonts, plan.body_size)
    return height + 0.45 * plan.body_size * max(len(plan.bullets) - 1, 0)


# ---- kinds and layouts -------------------------------------------------------------------------

def test_the_example_deck_runs_title_agenda_sections_references_closing(example, theme):
    plans = plan_slides(example, theme)
    kinds = [p.kind for p in plans]
    assert kinds[:2] == ["title", "agenda"]
    assert kinds[-2:] == ["references", "closing"]
    assert kinds.count("figure") + kinds.count("two_content") == len(example.figures)
    assert {"points", "recommendations"} <= set(kinds)
    assert [p.number for p in plans] == list(range(1, len(plans) + 1))


def test_every_slide_kind_maps_to_its_named_layout(stress_plans):
    assert {p.kind for p in stress_plans} == set(LAYOUTS)
    for plan in stress_plans:
        assert plan.layout == LAYOUTS[plan.kind]


def test_the_theme_can_rename_layouts(example, theme):
    plans = plan_slides(example, with_deck(theme, layouts={"figure": "Chart Only"}))
    assert {p.layout for p in plans if p.kind == "figure"} == {"Chart Only"}


def test_an_unknown_slide_kind_in_the_theme_is_refused(tmp_path):
    text = (REPO / "templates" / "theme.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "theme.yaml"
    bad.write_text(text.replace("    figure: \"Title Only\"", "    figures: \"Title Only\""), encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="figures"):
        load_theme(bad)


@pytest.mark.parametrize("option, slides_per_section, expected", [
    ("always", 1, True), ("never", 3, False), ("auto", 1, False), ("auto", 2, True)])
def test_section_dividers_follow_the_theme(theme, option, slides_per_section, expected):
    # two figures or none in each section (one figure would share the points' slide)
    figures = [figure(f"f{i}", number=i + 1) for i in range(4 * (slides_per_section - 1))]
    blocks = [[figure_block(f.id) for f in figures[i::2]] for i in range(2)]
    doc = brief(section("one", "One", ["A point."], blocks=blocks[0]),
                section("two", "Two", ["Another point."], blocks=blocks[1]), figures=figures)
    plans = plan_slides(doc, with_deck(theme, section_dividers=option))
    dividers = [p for p in plans if p.kind == "section"]
    assert bool(dividers) == expected
    if expected:
        assert [d.subtitle for d in dividers] == [("1 / 2",), ("2 / 2",)]


# ---- fitting -----------------------------------------------------------------------------------

def test_body_text_is_18_pt_or_more_and_fits_its_box(stress_plans, fonts):
    checked = 0
    for plan in stress_plans:
        if plan.kind in BULLET_KINDS and plan.bullets:
            assert plan.body_size >= 18, plan.title
            assert body_height(plan, fonts) <= plan.areas.body.inner_h, plan.title
            checked += 1
    assert checked >= 15


def test_titles_fit_their_boxes_in_two_lines_or_three_on_covers(stress_plans, fonts):
    for plan in stress_plans:
        box = plan.areas.title
        lines = wrap(plan.title, fonts, plan.title_size, box.inner_w * SLACK, bold=True)
        assert len(lines) <= (3 if plan.kind in ("title", "closing", "section") else 2), plan.title
        assert lines_height(lines, fonts, plan.title_size, bold=True) <= box.inner_h, plan.title
        assert plan.title_size >= 24


def test_a_long_title_is_shortened_and_said_in_full_in_the_notes(stress_plans, stress):
    overview = stress.sections[0]
    first = bullet_slides(stress_plans, overview.id)[0]
    assert first.title.endswith("…")
    assert overview.title.startswith(first.title[:-1].rstrip())
    assert f"Full title: {overview.title}" in first.notes


def test_a_long_section_continues_on_titled_continuation_slides(stress_plans, stress):
    overview = stress.sections[0]
    slides = bullet_slides(stress_plans, overview.id)
    assert len(slides) >= 2  # 14 points: at most 6 bullets and 40 words a slide
    assert all(s.title.endswith(english()["continued"]) for s in slides[1:])  # " (cont.)"
    assert [b.text for s in slides for b in s.bullets] == list(overview.key_points)


def test_pages_are_balanced_with_no_lone_bullet(stress_plans, stress):
    slides = bullet_slides(stress_plans, "recommendations")
    counts = [len(s.bullets) for s in slides]
    assert len(counts) >= 2 and min(counts) >= 2, counts


def test_numbering_carries_on_over_continuation_slides(stress_plans):
    slides = bullet_slides(stress_plans, "recommendations")
    numbers = [b.number for s in slides for b in s.bullets if not b.continued]
    assert numbers == list(range(1, 13))
    assert all(s.indent >= s.body_size for s in slides)  # room for "12."


def test_long_bullets_split_at_sentences_and_lose_nothing(stress_plans, stress):
    points = stress.sections[1].key_points
    slides = bullet_slides(stress_plans, stress.sections[1].id)
    bullets = [b for s in slides for b in s.bullets]
    assert len(slides) >= 2
    assert comparable("".join(b.text for b in bullets)) == comparable("".join(points))
    for bullet in bullets:
        if bullet.continued:
            assert bullet.text[:1].isupper(), bullet.text[:40]  # starts a sentence


@pytest.mark.parametrize("sentence, end", [
    ("日韓両国は対話を続けるべきであり、困難な時こそ協力の道を探るべきである。", "。"),
    ("양국은 어려운 때일수록 대화를 계속하며 협력의 길을 찾아야 한다. ", ". "),
])
def test_a_japanese_or_korean_point_too_long_for_a_slide_splits_at_sentence_ends(theme, fonts, sentence, end):
    point = (sentence * 30).strip()
    plans = plan_slides(brief(section("cjk", "CJK", [point])), theme)
    slides = bullet_slides(plans, "cjk")
    assert len(slides) >= 2
    pieces = [b.text for s in slides for b in s.bullets]
    assert all(p.endswith(end.strip()) for p in pieces), pieces
    assert comparable("".join(pieces)) == comparable(point)
    for plan in slides:
        assert body_height(plan, fonts) <= plan.areas.body.inner_h


def test_a_sentence_longer_than_a_slide_splits_between_words(theme, fonts):
    point = " ".join(f"clause{i} and" for i in range(400)) + " the end"
    plans = plan_slides(brief(section("run", "Run-on", [point])), theme)
    slides = bullet_slides(plans, "run")
    pieces = [b.text for s in slides for b in s.bullets]
    assert len(pieces) >= 3
    assert " ".join(pieces).split() == point.split()
    assert [b.continued for s in slides for b in s.bullets] == [False] + [True] * (len(pieces) - 1)
    for plan in slides:
        assert plan.body_size == 18
        assert body_height(plan, fonts) <= plan.areas.body.inner_h


def test_the_fit_follows_the_geometry_it_is_given(example, theme, fonts):
    narrow = Areas(title=Box(36, 20, 300, 90), body=Box(36, 120, 260, 200))
    areas = {kind: (narrow if kind in BULLET_KINDS else a) for kind, a in DEFAULT_GEOMETRY.areas.items()}
    geometry = dataclasses.replace(DEFAULT_GEOMETRY, areas=areas)
    wide = plan_slides(example, theme)
    plans = plan_slides(example, theme, geometry)
    assert len(plans) > len(wide)
    for plan in plans:
        if plan.kind in BULLET_KINDS:
            assert plan.areas == narrow
            assert body_height(plan, fonts) <= narrow.body.inner_h


def test_cover_lines_caption_and_footer_fit_or_are_shortened(stress_plans, stress, fonts):
    cover = stress_plans[0]
    assert cover.subtitle[0] == stress.meta.subtitle or cover.subtitle[0].endswith("…")
    assert stress.meta.distribution in cover.subtitle
    for plan in stress_plans:
        if plan.caption:
            width = plan.areas.caption.inner_w * SLACK
            assert len(wrap(plan.caption, fonts, plan.caption_size, width)) == 1
        if plan.footer_box is not None:
            assert plan.footer.endswith(stress.meta.distribution)
            assert len(wrap(plan.footer, fonts, plan.footer_size, plan.footer_box.inner_w * SLACK)) == 1


def test_covers_carry_no_footer_and_every_other_slide_does(stress_plans):
    for plan in stress_plans:
        assert (plan.footer_box is None) == (plan.kind in ("title", "closing")), plan.kind


# ---- notes -------------------------------------------------------------------------------------

def test_every_slide_but_the_title_has_notes(stress_plans, example, theme):
    for plan in [*stress_plans, *plan_slides(example, theme)][1:]:
        assert plan.notes.strip(), (plan.kind, plan.title)


def test_section_notes_are_the_authors_argument(example, theme):
    plans = plan_slides(example, theme)
    economy = next(s for s in example.sections if s.id == "economy")
    assert bullet_slides(plans, "economy")[0].notes == economy.notes


def test_a_section_without_notes_speaks_its_opening_sentences(stress_plans):
    plan = bullet_slides(stress_plans, "prose-only")[0]
    assert plan.notes.startswith("This section has no key points")


def test_chart_notes_say_the_numbers_and_the_source(example, theme):
    plans = plan_slides(example, theme)
    chart = next(p for p in plans if p.native_chart)
    assert "Japan → South Korea: 2.4 million visitors; South Korea → Japan: 2.7 million visitors." in chart.notes
    assert "Source: Bridging Cultures" in chart.notes
    timeline = next(p for p in plans if p.kind == "figure" and not p.native_chart)
    assert "1965: Treaty on Basic Relations" in timeline.notes and "Source:" in timeline.notes


# ---- charts and parity -------------------------------------------------------------------------

def test_chart_kinds_become_native_charts_with_the_figures_data(stress_plans, stress):
    charts = {p.figure_id: p.chart for p in stress_plans if p.kind in ("figure", "two_content")}
    for fig in stress.figures:
        if KINDS[fig.kind].native:
            chart = charts[fig.id]
            assert (chart.kind, chart.categories, chart.series, chart.x_values) == (
                fig.kind, fig.categories, tuple((s.name, s.values) for s in fig.series), fig.x_values)
        else:
            assert charts[fig.id] is None


def test_the_example_and_the_stress_case_are_at_parity(example, stress, theme, stress_plans):
    assert parity_problems(example, plan_slides(example, theme)) == []
    assert parity_problems(stress, stress_plans) == []


def test_parity_reports_a_dropped_key_point(example, theme):
    plans = plan_slides(example, theme)
    index = next(i for i, p in enumerate(plans) if p.section_id == "economy" and p.bullets)
    plans[index] = dataclasses.replace(plans[index], bullets=plans[index].bullets[1:])
    problems = parity_problems(example, plans)
    assert [p.message for p in problems] == ["key point 1 would not appear in the deck as written"]


def test_parity_reports_a_changed_number(example, theme):
    plans = plan_slides(example, theme)
    index = next(i for i, p in enumerate(plans) if p.section_id == "economy" and p.bullets)
    first = plans[index].bullets[0]
    changed = dataclasses.replace(first, text=first.text.replace("52", "25"))
    plans[index] = dataclasses.replace(plans[index], bullets=(changed, *plans[index].bullets[1:]))
    assert len(parity_problems(example, plans)) == 1


def test_parity_reports_a_missing_figure_and_a_chart_with_other_numbers(example, theme):
    plans = plan_slides(example, theme)
    index = next(i for i, p in enumerate(plans) if p.native_chart)
    chart = plans[index].chart
    rounded = dataclasses.replace(chart, series=tuple((n, tuple(round(v) for v in vs)) for n, vs in chart.series))
    plans[index] = dataclasses.replace(plans[index], chart=rounded)
    plans = [p for p in plans if p.figure_id != "timeline"]
    messages = sorted(p.message for p in parity_problems(example, plans))
    assert messages == ["figure 'timeline' would not appear in the deck",
                        ("figure 'tourism-2022': the deck's chart would not show the figure's own "
                         "categories and numbers")]


# ---- measuring ---------------------------------------------------------------------------------

def test_wrapping_keeps_every_character(fonts):
    for text in ["Trade reached $52 billion in 2022; tourism 2.4M and 2.7M.",
                 "日韓関係は「対話」と協力によって改善できる。若い世代の交流が鍵である。",
                 "양국은 대화를 계속해야 한다. 젊은 세대의 교류가 중요하다."]:
        assert "".join(wrap_raw(text, fonts, 24, 200)) == text


def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_bracket(fonts):
    text = "両国は「未来志向」の協力を進めるべきだ。" * 6
    for width in range(120, 400, 7):
        lines = wrap(text, fonts, 24, width)
        assert all(line[:1] not in "、。」）" for line in lines[1:]), lines
        assert all(line[-1:] not in "「（" for line in lines), lines


def test_cjk_lines_are_measured_taller_and_autospaced(fonts):
    assert fonts.line_height("日本", 20) > fonts.line_height("Japan", 20) >= 24
    assert fonts.width("2022年", 20) >= fonts.width("2022", 20) + fonts.width("年", 20) + 4.9


def test_a_glyph_missing_from_the_latin_font_is_measured_wide(fonts):
    assert fonts.width("✓", 20) > 5


def test_sentences_are_cut_keeping_every_character():
    text = "First one. Second one! 三つ目。四つ目？Last"
    pieces = sentence_pieces(text)
    assert "".join(pieces) == text
    assert [p.strip() for p in pieces] == ["First one.", "Second one!", "三つ目。", "四つ目？", "Last"]


def test_tokens_glue_kinsoku_punctuation():
    assert tokens("協力。「未来」") == ["協", "力。", "「未", "来」"]


# ---- the worst the schema allows ---------------------------------------------------------------

LATIN_600 = ("Trade, tourism and security tie the two neighbours together, yet history divides "
             "them. ") * 7
JAPANESE_600 = "両国は歴史の問題を抱えながらも、貿易と観光と安全保障で深く結びついている。" * 16


@pytest.mark.parametrize("text", [LATIN_600[:600], JAPANESE_600[:600]], ids=["latin", "japanese"])
def test_thirty_points_of_600_characters_under_a_300_character_title_all_fit(theme, fonts, text):
    """The schema's limits: 30 key points per section, 600 characters each, 300-character titles."""
    title = ("A section title that is as long as the schema allows " * 6)[:300]
    doc = brief(section("max", title, [text] * 30), title=title)
    plans = plan_slides(doc, theme)
    slides = bullet_slides(plans, "max")
    assert len(slides) >= 10
    assert comparable("".join(b.text for s in slides for b in s.bullets)) == comparable(text * 30)
    for plan in plans:
        if plan.bullets:
            assert plan.body_size >= 18
            assert body_height(plan, fonts) <= plan.areas.body.inner_h
        lines = wrap(plan.title, fonts, plan.title_size, plan.areas.title.inner_w * SLACK, bold=True)
        assert lines_height(lines, fonts, plan.title_size, bold=True) <= plan.areas.title.inner_h
