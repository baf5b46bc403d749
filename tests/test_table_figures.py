"""Tables from a CSV file (``kind: table`` figures) as readers meet them: numbered "Table N" with
the Markdown tables, in the order placed, referable with ``@tbl:``, in the PDF with their caption
and source line (numbers formatted, localised and set right, long tables broken between rows
with the header repeated), in the deck as native tables continued over slides, translated by an
edition, and each bad input a located error. And a callout marked for the deck in a section with
key points, as a box under the points when both fit one slide."""

from __future__ import annotations

import hashlib
import json
import shutil
import textwrap

import jsonschema
import pdfplumber
import pytest
import yaml
from pptx import Presentation

from conftest import MINIMAL
from deckgen import model as m
from deckgen.build.pipeline import BuildOptions, build
from deckgen.deck.plan import plan_deck
from deckgen.editor import schemas
from deckgen.errors import SourceError
from deckgen.load.loader import load_project
from deckgen.project import Project
from deckgen.theme import load_theme
from helpers import REPO, run

BRIEF = """\
title: A brief with tables
date: 2026-01-15
authors:
  - name: Test Unit
sections: [one]
"""

SECTION = """\
---
title: Trade and people
key_points:
  - Trade grew with every partner.
---
Trade is in @tbl:trade, visitors in @tbl:visitors and the chart is @fig:chart.

![](fig:trade)

| Year | Visitors |
|---|---:|
| 2022 | 2.4 |

Table: Visitors to the country (millions) {#tbl:visitors}

![](fig:chart)
"""

TRADE_CSV = "partner,trade,share,note\nChina,1234.5,25,largest\nUnited States,980,18.25,\nJapan,\"2,100\",7,steady\n"

TRADE = """\
kind: table
title: "Trade by partner, 2022"
caption: "China leads. The others follow."
alt: "A table of trade with three partners in 2022, China first."
source: "National statistics"
data: data/trade.csv
columns:
  - partner
  - {column: trade, name: "Trade ($m)", format: "decimal:1"}
  - {column: share, name: "Share", format: percent}
"""

CHART = textwrap.dedent(MINIMAL["source/figures/chart.yaml"]).lstrip("\n")  # the section's chart


def write(root, files: dict[str, str]) -> Project:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Project.at(root)


def files(changes: dict[str, str] | None = None) -> dict[str, str]:
    """The project's files, with ``changes`` by path under source/ (``figures/trade.yaml``)."""
    out = {"brief.yaml": BRIEF, "sections/one.md": SECTION, "data/trade.csv": TRADE_CSV,
           "figures/trade.yaml": TRADE, "figures/chart.yaml": CHART}
    out.update(changes or {})
    return {f"source/{name}": text for name, text in out.items()}


def tables_of(brief: m.Brief) -> list[m.Table]:
    return [b for s in brief.sections for b in m.walk(s.blocks) if isinstance(b, m.Table)]


def cells(table: m.Table) -> list[list[str]]:
    def text(spans) -> str:
        return "".join(s.text for s in spans)
    return [[text(c) for c in table.header]] + [[text(c) for c in row] for row in table.rows]


def errors_of(root) -> list[str]:
    with pytest.raises(SourceError) as caught:
        load_project(root)
    return [p.format(root) for p in caught.value.problems if not p.warning]


# ---- the model: numbering, references, columns, formats ----------------------------------------

def test_a_table_figure_is_numbered_with_the_markdown_tables_in_the_order_placed(tmp_path):
    brief = load_project(write(tmp_path, files()).root)
    trade, visitors = tables_of(brief)
    assert (trade.label, trade.id, visitors.label, visitors.id) == ("Table 1", "trade", "Table 2", "visitors")
    assert [(f.id, f.label) for f in brief.figures] == [("chart", "Figure 1")]
    targets = {key: label for key, label, _ in brief.targets}
    assert targets["tbl:trade"] == "Table 1" and targets["tbl:visitors"] == "Table 2"
    assert trade.source == "National statistics"
    assert "".join(s.text for s in trade.caption) == "Trade by partner, 2022. China leads. The others follow."


def test_columns_are_chosen_renamed_and_their_numbers_formatted_and_set_right(tmp_path):
    (trade, _) = tables_of(load_project(write(tmp_path, files()).root))
    assert cells(trade) == [["partner", "Trade ($m)", "Share"],
                            ["China", "1,234.5", "25.00%"],
                            ["United States", "980.0", "18.25%"],
                            ["Japan", "2,100.0", "7.00%"]]
    assert trade.aligns == ("", "right", "right")


def test_without_columns_every_column_shows_as_written_numbers_set_right(tmp_path):
    trade_yaml = TRADE.split("columns:")[0]
    (trade, _) = tables_of(load_project(write(tmp_path, files({"figures/trade.yaml": trade_yaml})).root))
    assert cells(trade)[0] == ["partner", "trade", "share", "note"]
    assert cells(trade)[3] == ["Japan", "2,100", "7", "steady"]
    assert trade.aligns == ("", "right", "right", "")


def test_numbers_are_written_in_the_briefs_language(tmp_path):
    brief = load_project(write(tmp_path, files({"brief.yaml": BRIEF + "language: fr\n"})).root)
    (trade, _) = tables_of(brief)
    assert [row[1] for row in cells(trade)[1:]] == ["1\u202f234,5", "980,0", "2\u202f100,0"]
    assert cells(trade)[1][2] == "25,00\u00a0%"


# ---- located errors ------------------------------------------------------------------------------

def test_a_column_the_csv_does_not_have_is_an_error_at_the_figure_file(tmp_path):
    bad = TRADE.replace("{column: trade,", "{column: tradee,")
    assert errors_of(write(tmp_path, files({"figures/trade.yaml": bad})).root) == [
        ("source/figures/trade.yaml:9:14: columns.1.column: column 'tradee' is not in "
        "source/data/trade.csv (did you mean 'trade'?)\n"
        '      - {column: tradee, name: "Trade ($m)", format: "decimal:1"}')]


def test_a_blank_heading_shown_is_an_error_at_its_header_cell(tmp_path):
    csv = "partner,,share\nChina,1,2\n"
    root = write(tmp_path, files({"data/trade.csv": csv, "figures/trade.yaml": TRADE.split("columns:")[0]})).root
    assert errors_of(root) == [
        ("source/data/trade.csv:1:9: data: column 2 has no heading (a heading in the CSV's first "
        "row, or columns: naming the columns shown)\n    partner,,share")]


def test_a_cell_that_is_no_number_under_a_number_format_is_an_error_at_its_cell(tmp_path):
    csv = TRADE_CSV.replace("980,18.25", "n/a,18.25")
    assert errors_of(write(tmp_path, files({"data/trade.csv": csv})).root) == [
        ("source/data/trade.csv:3:15: trade: 'n/a' is not a number (a number such as 2.4 under "
        "format 'decimal:1', or a blank cell)\n    United States,n/a,18.25,")]


def test_an_unknown_format_and_chart_keys_are_reported_at_their_keys(tmp_path):
    bad = TRADE.replace('format: "decimal:1"', 'format: "decimals:1"') + "units: dollars\n"
    root = write(tmp_path, files({"figures/trade.yaml": bad})).root
    with pytest.raises(SourceError) as caught:
        load_project(root)
    shown = [p.format().split("\n")[0] for p in caught.value.problems]
    assert ("source/figures/trade.yaml:9:49: columns.1.format: unknown number format 'decimals:1' "
            "(one of: integer, decimal:N, percent, percent:N (N: 0 to 6 decimals))") in shown
    assert ("source/figures/trade.yaml:11:8: warning: units: a table has no units; it changes "
            "nothing (only in a chart)") in shown


def test_a_figure_reference_to_a_table_figure_says_to_use_tbl(tmp_path):
    section = SECTION.replace("@tbl:trade,", "@fig:trade,")
    assert errors_of(write(tmp_path, files({"sections/one.md": section})).root) == [
        ("source/sections/one.md:6:1: figure: @fig:trade refers to no placed figure (@tbl:trade: "
        "a kind: table figure is a numbered table)\n"
        "    Trade is in @fig:trade, visitors in @tbl:visitors and the chart is @fig:chart.")]


# ---- the outputs ---------------------------------------------------------------------------------

def long_csv(rows: int) -> str:
    return "partner,trade\n" + "".join(f"Partner number {i},{i * 10.5}\n" for i in range(1, rows + 1))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    long_yaml = ("kind: table\ntitle: \"Trade with many partners\"\nalt: \"A long table of trade.\"\n"
                 "source: \"Customs records\"\ndata: data/long.csv\ncolumns:\n  - partner\n"
                 "  - {column: trade, name: \"Trade ($m)\", format: \"decimal:1\"}\n")
    section = SECTION + "\nAll partners are in @tbl:long.\n\n![](fig:long)\n"
    project = write(root, files({"sections/one.md": section, "figures/long.yaml": long_yaml,
                                "data/long.csv": long_csv(70)}))
    result = build(project, BuildOptions())
    return project, result


def test_the_pdf_shows_the_table_with_caption_source_and_numbers_set_right(built):
    _, result = built
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        text = " ".join(page.extract_text() for page in pdf.pages)
        assert "Table 1. Trade by partner, 2022. China leads. The others follow." in text
        assert "Source: National statistics" in text
        assert "Trade is in Table 1, visitors in Table 2" in text
        page = next(p for p in pdf.pages if "1,234.5" in p.extract_text())
        words = {w["text"]: w for w in page.extract_words()}
        rights = [words[t]["x1"] for t in ("1,234.5", "980.0", "2,100.0")]
        lefts = [words[t]["x0"] for t in ("1,234.5", "980.0", "2,100.0")]
        assert max(rights) - min(rights) < 0.5 and max(lefts) - min(lefts) > 3


def test_a_long_table_figure_breaks_between_rows_with_its_header_repeated(built):
    _, result = built
    with pdfplumber.open(result.outputs["pdf"]) as pdf:
        pages = [p.extract_text() for p in pdf.pages if "Partner number" in p.extract_text()]
    assert len(pages) >= 2
    assert all("partner Trade ($m)" in page for page in pages)
    assert "Partner number 70 735.0" in pages[-1]


def test_the_deck_shows_native_tables_continued_with_the_header_repeated(built):
    _, result = built
    deck = Presentation(result.outputs["pptx"])
    frames = [(slide, shape) for slide in deck.slides for shape in slide.shapes if shape.has_table]
    first_slide, trade = frames[0]
    rows = [[c.text for c in row.cells] for row in trade.table.rows]
    assert rows[0] == ["partner", "Trade ($m)", "Share"] and rows[1] == ["China", "1,234.5", "25.00%"]
    texts = [s.text_frame.text for s in first_slide.shapes if s.has_text_frame]
    assert "Trade by partner, 2022." in texts and "Table 1. Source: National statistics" in texts
    assert trade._element.find(".//{*}cNvPr").get("descr") == \
        "A table of trade with three partners in 2022, China first."
    long_frames = [(s, f) for s, f in frames if f.table.cell(0, 1).text == "Trade ($m)"
                   and f.table.cell(1, 0).text.startswith("Partner number")]
    assert len(long_frames) >= 2
    shown = [f.table.cell(r, 0).text for _, f in long_frames for r in range(1, len(f.table.rows))]
    assert shown == [f"Partner number {i}" for i in range(1, 71)]
    later = [s.text_frame.text for s in long_frames[1][0].shapes if s.has_text_frame]
    assert any(t.endswith("(cont.)") for t in later)
    notes = first_slide.notes_slide.notes_text_frame.text
    assert notes.startswith("Table 1: Trade by partner, 2022. China leads. The others follow. "
                            "Source: National statistics.")


# ---- editions ------------------------------------------------------------------------------------

def stamp(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def test_an_edition_translates_the_title_caption_headings_and_text_cells(tmp_path):
    section_ja = SECTION.replace("---\ntitle: Trade and people", f"---\ntranslated_from: {stamp(SECTION)}\n"
                                 "title: 貿易と人", 1)
    figure_ja = (f"translated_from: {stamp(TRADE)}\ntitle: \"相手国別の貿易、2022年\"\n"
                 "caption: \"中国が首位。\"\nsource: \"国家統計\"\n"
                 "labels:\n  partner: 相手国\n  \"Trade ($m)\": \"貿易（百万ドル）\"\n  China: 中国\n"
                 "  Nowhere: どこにも\n")
    project = write(tmp_path, files({"brief.yaml": BRIEF + "editions: [en, ja]\n",
                                    "sections/one.ja.md": section_ja, "figures/trade.ja.yaml": figure_ja}))
    brief = load_project(project.root, "ja")
    (trade, _) = tables_of(brief)
    assert cells(trade)[0] == ["相手国", "貿易（百万ドル）", "Share"]
    assert cells(trade)[1] == ["中国", "1,234.5", "25.00%"]
    caption = "".join(s.text for s in trade.caption)
    assert caption.startswith("相手国別の貿易、2022年") and caption.endswith(" 中国が首位。")
    assert trade.source == "国家統計" and trade.label == "表1"
    assert [w.format().split("\n")[0] for w in brief.warnings if "Nowhere" in w.message] == [
        ("source/figures/trade.ja.yaml:9:12: warning: labels: label 'Nowhere' is not one of the "
        "table's (a column heading or a text cell of the original)")]


# ---- the schema and a case nobody tuned for tables -------------------------------------------------

def test_the_schema_declares_the_table_kind_its_columns_and_the_csv_shorthand(tmp_path, capsys):
    figure = next(s for name, s in schemas().items() if "figure" in name)
    assert "table" in figure["properties"]["kind"]["enum"]
    assert figure["properties"]["columns"]["items"]["anyOf"][0]["$ref"].endswith("TableColumnIn")
    assert figure["$defs"]["DataIn"]["type"] == ["object", "string"]
    code, _, _ = run(capsys, "schema", str(write(tmp_path, files()).root))
    assert code == 0
    written = json.loads(next((tmp_path / ".deckgen" / "schemas").glob("figure*.json")).read_text())
    validator = jsonschema.Draft202012Validator(written)
    assert list(validator.iter_errors(yaml.safe_load(TRADE))) == []
    wrong = yaml.safe_load(TRADE.replace("- partner", "- {column: partner, nmae: P}"))
    assert [e.message for e in validator.iter_errors(wrong)] != []


def test_the_stress_case_table_figure_is_planned_as_a_table_slide(tmp_path):
    shutil.copytree(REPO / "tests" / "cases" / "stress", tmp_path / "stress")
    project = Project.at(tmp_path / "stress")
    brief = load_project(project.root)
    labels = {t.id: t.label for t in tables_of(brief)}
    assert labels == {"milestones": "Table 1", "trade-table": "Table 2"}
    slides = plan_deck(brief, load_theme(project.template_file("theme.yaml"))).slides
    (slide,) = [s for s in slides if getattr(s, "table_id", "") == "trade-table"]
    assert slide.table.header == ("year", "Exports", "Imports", "Services")
    assert slide.table.rows[-1] == ("2022", "33.0", "26.4", "7.1")



# ---- a callout marked for the deck in a section with key points ---------------------------------

POINTS_SECTION = """\
---
title: Trade and people
key_points:
  - Trade grew with every partner.
  - Visitors came back after the pandemic.
---
Trade is in @tbl:trade.

> [!IMPORTANT] Key fact {.deck}
> Bilateral trade reached $52 billion in 2022.

![](fig:trade)
"""


def deck_with(tmp_path, section: str):
    project = write(tmp_path, files({"sections/one.md": section}))
    slides = plan_deck(load_project(project.root), load_theme(project.template_file("theme.yaml"))).slides
    build(project, BuildOptions(formats=("pptx",)))
    return slides, Presentation(next(project.build_dir.glob("*.pptx")))


def test_a_short_callout_is_a_box_on_its_sections_points_slide(tmp_path):
    slides, deck = deck_with(tmp_path, POINTS_SECTION)
    assert [s.kind for s in slides if s.section_id == "one"] == ["points", "table"]
    (points,) = [s for s in slides if s.kind == "points" and s.section_id == "one"]
    assert (points.callout.heading, points.callout.paragraphs) == (
        "Key fact", ("Bilateral trade reached $52 billion in 2022.",))
    assert points.body_size >= 20 and points.callout.body_size >= 18
    assert points.areas.body.bottom < points.callout.box.y
    assert points.notes.endswith("Key fact: Bilateral trade reached $52 billion in 2022.")
    slide = next(s for s in deck.slides if any(sh.name == "Callout" for sh in s.shapes))
    names = {sh.name: sh.text_frame.text for sh in slide.shapes if sh.has_text_frame}
    assert names["Body"] == "Trade grew with every partner.\nVisitors came back after the pandemic."
    assert names["Callout heading"] == "Key fact"
    assert names["Callout"] == "Bilateral trade reached $52 billion in 2022."
    body = next(sh for sh in slide.shapes if sh.name == "Body")
    callout = next(sh for sh in slide.shapes if sh.name == "Callout heading")
    assert body.top + body.height <= callout.top


def test_a_callout_too_long_for_the_points_slide_keeps_its_own_slide(tmp_path):
    long = " ".join(f"Sentence {i} of a callout that says a good deal more than a box can hold." for i in range(12))
    section = POINTS_SECTION.replace("> Bilateral trade reached $52 billion in 2022.", "> " + long)
    slides, _ = deck_with(tmp_path, section)
    kinds = [s.kind for s in slides if s.section_id == "one"]
    assert kinds[0] == "points" and "callout" in kinds
    assert all(s.callout is None for s in slides if s.kind == "points")
