"""Parameterised briefs: one brief per row of a ``params:`` file, its text templated in Jinja's
sandbox, its figure data filtered by the row, every failure a located error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.errors import SourceError
from deckgen.load.loader import load_project
from deckgen.project import Project
from helpers import copy_case, run

ROWS = {"jp": ("Japan", [("Visitors from Japan", 2.4), ("Visitors to Japan", 2.7)]),
        "kr": ("South Korea", [("Visitors from South Korea", 2.7), ("Visitors to South Korea", 2.4)]),
        "jk": ("Japan and South Korea", [("Japan → South Korea", 2.4), ("South Korea → Japan", 2.7)])}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", " ")


def check_output(capsys, root: Path) -> tuple[int, str]:
    code, out, err = run(capsys, "check", str(root))
    return code, out + err


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_case(tmp_path_factory.mktemp("params"))
    result = build(Project.at(root), BuildOptions())
    return root, result


# ---- one pair of outputs per row ---------------------------------------------------------------

def test_each_row_builds_its_own_pdf_and_deck(built):
    root, result = built
    assert sorted(p.name for p in (root / "build").iterdir() if p.is_file()) == sorted(
        f"country-brief-{code}.{ext}" for code in ROWS for ext in ("pdf", "pptx"))
    assert set(result.outputs) == {f"{fmt}.{code}" for code in ROWS for fmt in ("pdf", "pptx")}


@pytest.mark.parametrize("code", list(ROWS))
def test_the_pdf_says_the_rows_values_and_shows_its_rows_of_data(built, code):
    root, _ = built
    name, data = ROWS[code]
    text = pdf_text(root / "build" / f"country-brief-{code}.pdf")
    assert f"A country brief for the {name} desk" in text
    assert f"Travel and {name}" in text
    assert f"Figure 1. Visitors, {name}, 2022." in text
    assert "{{" not in text and "}}" not in text
    for label, _ in data:
        assert label in text
    others = {label for other, (_, rows) in ROWS.items() if other != code for label, _ in rows}
    assert not [label for label in others - {label for label, _ in data} if label in text]
    assert ("Both countries are shown side by side" in text) == (code == "jk")


@pytest.mark.parametrize("code", list(ROWS))
def test_the_deck_says_the_rows_values_and_charts_its_rows_of_data(built, code):
    root, _ = built
    name, data = ROWS[code]
    deck = Presentation(str(root / "build" / f"country-brief-{code}.pptx"))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert f"{name}: travel and trade across the Korea Strait" in texts
    assert f"Travel between {name} and " in " ".join(texts)
    assert not [t for t in texts if "{{" in t or "{%" in t]
    (chart,) = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    plot = chart.plots[0]
    assert list(plot.categories) == [label for label, _ in data]
    assert list(plot.series[0].values) == [value for _, value in data]


def test_editing_one_row_rebuilds_only_that_rows_outputs(built, tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(built[0], root)
    edit(root / "source" / "data" / "countries.csv", "KR,South Korea,Japan", "KR,Republic of Korea,Japan")
    result = build(Project.at(root), BuildOptions())
    assert result.cache["outputs"] == {"pdf.jp": "hit", "pptx.jp": "hit", "pdf.kr": "built",
                                       "pptx.kr": "built", "pdf.jk": "hit", "pptx.jk": "hit"}
    assert "A country brief for the Republic of Korea desk" in pdf_text(root / "build" / "country-brief-kr.pdf")
    again = build(Project.at(root), BuildOptions())
    assert set(again.cache["outputs"].values()) == {"hit"}


def test_param_builds_one_row_and_an_unknown_value_is_a_usage_error(tmp_path, capsys):
    root = copy_case(tmp_path)
    code, _, err = run(capsys, "build", str(root), "--param", "KR", "--only", "pdf")
    assert code == 0, err
    assert [p.name for p in (root / "build").glob("*.pdf")] == ["country-brief-kr.pdf"]
    code, _, err = run(capsys, "build", str(root), "--param", "FR")
    assert code == 2
    assert "--param FR: no row of the params file has that value (its values: JP, KR, JK)" in err


def test_param_without_params_is_a_usage_error(tmp_path, capsys):
    root = copy_case(tmp_path)
    edit(root / "source" / "brief.yaml", "params: data/countries.csv\nparam_key: country.code\n", "")
    code, _, err = run(capsys, "build", str(root), "--param", "JP")
    assert code == 2
    assert "--param JP: the brief declares no params: file" in err


def test_each_row_of_an_edition_is_named_with_both(tmp_path):
    root = copy_case(tmp_path)
    edit(root / "source" / "brief.yaml", "language: en\n", "language: en\neditions: [en, fr]\n")
    travel = (root / "source" / "sections" / "travel.md").read_text(encoding="utf-8")
    (root / "source" / "sections" / "travel.fr.md").write_text(travel.replace(
        'title: "Travel and {{ country.name }}"', 'title: "Les voyages et {{ country.name }}"'), encoding="utf-8")
    result = build(Project.at(root), BuildOptions(param="JP", formats=("pdf",)))
    assert sorted(p.name for p in (root / "build").glob("*.pdf")) == [
        "country-brief-jp.fr.pdf", "country-brief-jp.pdf"]
    assert set(result.outputs) == {"pdf.jp", "pdf.jp.fr"}
    assert "Les voyages et Japan" in pdf_text(root / "build" / "country-brief-jp.fr.pdf")
    assert "Travel and Japan" in pdf_text(root / "build" / "country-brief-jp.pdf")


def test_check_checks_every_row(tmp_path, capsys):
    root = copy_case(tmp_path)
    code, out = check_output(capsys, root)
    assert code == 0, out
    assert "; 3 parameter rows" in out
    (root / "source" / "data" / "countries.csv").open("a").write("FR,France,Japan\n")
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/figures/visitors.yaml:9:3: data.where: no row of source/data/visitors.csv "
            "has code = 'FR' (a value that some row of the CSV has)") in out


# ---- the params file -----------------------------------------------------------------------------

def test_a_yaml_params_file_with_nested_names(tmp_path):
    root = copy_case(tmp_path)
    (root / "source" / "data" / "countries.yaml").write_text(
        "- country: {code: JP, name: Japan, partner: South Korea}\n"
        "- country:\n    code: KR\n    name: South Korea\n    partner: Japan\n", encoding="utf-8")
    edit(root / "source" / "brief.yaml", "params: data/countries.csv", "params: data/countries.yaml")
    brief = load_project(root, param="KR")
    assert brief.name == "country-brief-kr"
    assert brief.meta.title == "South Korea: travel and trade across the Korea Strait"
    assert brief.figures[0].categories == ("Visitors from South Korea", "Visitors to South Korea")
    assert load_project(root).name == "country-brief-jp"  # the first row by default


def test_the_first_column_names_the_outputs_by_default(tmp_path):
    root = copy_case(tmp_path)
    edit(root / "source" / "brief.yaml", "param_key: country.code\n", "")
    edit(root / "source" / "data" / "countries.csv", "country.code,country.name", "country.name,country.code")
    edit(root / "source" / "data" / "countries.csv", "JP,Japan,", "Japan,JP,")
    edit(root / "source" / "data" / "countries.csv", "KR,South Korea,", "South Korea,KR,")
    edit(root / "source" / "data" / "countries.csv", "JK,Japan and South Korea,", "Japan and South Korea,JK,")
    assert load_project(root, param="South Korea").name == "country-brief-south-korea"


def test_a_value_too_long_is_an_error_at_its_row(tmp_path, capsys):
    root = copy_case(tmp_path)
    (root / "source" / "data" / "countries.csv").open("a").write(f"XX,{'x' * 1001},Japan\n")
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/data/countries.csv:5:1: params: the value of 'country.name' is too long "
            "(1,001 characters) (at most 1,000 characters)") in out


def test_a_value_on_two_lines_and_a_key_no_row_has_are_errors(tmp_path, capsys):
    root = copy_case(tmp_path)
    (root / "source" / "data" / "countries.csv").open("a").write('XX,"two\nlines",Japan\n')
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/data/countries.csv:5:1: params: the value of 'country.name' has a line break "
            "(a value on one line: a name, a code, a phrase)") in out
    edit(root / "source" / "brief.yaml", "param_key: country.code", "param_key: country.cod")
    code, out = check_output(capsys, root)
    assert ("source/data/countries.csv:1:1: param_key: no column 'country.cod', which names each "
            "brief's outputs (did you mean 'country.code'?)") in out


def test_a_duplicate_value_is_an_error_at_its_row(tmp_path, capsys):
    root = copy_case(tmp_path)
    (root / "source" / "data" / "countries.csv").open("a").write("jp,Japan again,x\n")
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/data/countries.csv:5:1: param_key: duplicate parameter 'jp': the row at line 2 "
            "names its outputs jp too (a 'country.code' of its own in each row)") in out


# ---- located errors ------------------------------------------------------------------------------

def test_an_undefined_name_is_located_in_the_original_file(tmp_path, capsys):
    root = copy_case(tmp_path)
    edit(root / "source" / "sections" / "travel.md", "(@fig:visitors).", "(@fig:visitors).\n\nSee {{ country.nmae }}.")
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/sections/travel.md:9:8: undefined parameter 'country.nmae' "
            "(did you mean 'country.name'?)\n    See {{ country.nmae }}.") in out


def test_an_undefined_name_in_a_yaml_text_is_located(tmp_path, capsys):
    root = copy_case(tmp_path)
    edit(root / "source" / "figures" / "visitors.yaml", "as they concern {{ country.name }}.\"",
         "as they concern {{ contry.name }}.\"")
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/figures/visitors.yaml:3:53: undefined parameter 'contry' (did you mean 'country'?)"
            in out)


@pytest.mark.parametrize("expression, message", [
    ("{{ ''.__class__ }}", "not allowed in a brief's text: names starting with '_' ('.__class__')"),
    ("{{ cycler.__init__ }}", "not allowed in a brief's text: names starting with '_' ('.__init__')"),
    ("{{ country['__class__'] }}", "not allowed in a brief's text: names starting with '_' ('__class__')"),
    ("{{ country.name | attr('__class__') }}", "not allowed in a brief's text: the filter 'attr'"),
    ("{{ country.name | replace('', 'x') }}", "not allowed in a brief's text: the filter 'replace'"),
    ("{{ lipsum() }}", "not allowed in a brief's text: calls"),
    ("{{ country.name.upper() }}", "not allowed in a brief's text: calls"),
    ("{% for i in country %}x{% endfor %}", "not allowed in a brief's text: {% for %} loops"),
    ("{% set a = country.name ~ country.name %}", "not allowed in a brief's text: {% set %}"),
    ("{% include 'brief.yaml' %}", "not allowed in a brief's text: {% include %}"),
    ("{{ 9 ** 99 }}", "not allowed in a brief's text: '**'"),
    ("{{ 'a' * 1000000000 }}", "'*' takes numbers only"),
    ("{{ '%999999999d' % 1 }}", "'%' takes numbers only"),
    ("{{ cycler }}", "undefined parameter 'cycler'"),
    ("{{ country | first }}", "template error"),
    ("{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}", "nested too deeply"),
])
def test_the_sandbox_refuses_with_a_located_error(tmp_path, capsys, expression, message):
    root = copy_case(tmp_path)
    edit(root / "source" / "sections" / "travel.md", "(@fig:visitors).", f"(@fig:visitors).\n\nSee {expression}.")
    code, out = check_output(capsys, root)
    assert code == 1
    line = 6 if "nested" in message else 9  # too deep to parse: where the prose starts
    assert f"source/sections/travel.md:{line}:" in out
    assert message in out
    assert "Traceback" not in out
    assert not (root / "build").exists()


def test_a_later_problem_keeps_its_line_whichever_branch_is_taken(tmp_path, capsys):
    root = copy_case(tmp_path)
    edit(root / "source" / "sections" / "overview.md", "{% endif %}\n", "{% endif %}\nSee @fig:nowhere.\n")
    for code in ("JP", "JK"):  # the {% if %} above is false, then true
        edit(root / "source" / "data" / "countries.csv", "JP,Japan,South Korea\n", "")
        lines = (root / "source" / "data" / "countries.csv").read_text().split("\n")
        rows = {line.split(",")[0]: line for line in ["JP,Japan,South Korea", *lines[1:]] if line}
        (root / "source" / "data" / "countries.csv").write_text(
            "\n".join([lines[0], rows[code], *(r for c, r in rows.items() if c != code)]) + "\n")
        with pytest.raises(SourceError) as caught:
            load_project(root)
        assert [(p.loc.file, p.loc.line, p.message) for p in caught.value.problems if not p.warning] == [
            ("source/sections/overview.md", 13, "@fig:nowhere refers to no placed figure")], code


def test_pandoc_ids_are_not_jinja_comments(tmp_path):
    root = copy_case(tmp_path)
    edit(root / "source" / "sections" / "travel.md", "In 2022", "## Seen from {{ country.name }} {#seen}\n\nIn 2022")
    brief = load_project(root, param="KR")
    headings = [b for b in brief.sections[1].blocks if type(b).__name__ == "Heading"]
    assert [(h.id, "".join(getattr(s, "text", "") for s in h.spans)) for h in headings] == [
        ("seen", "Seen from South Korea")]


def test_a_template_syntax_error_is_located(tmp_path, capsys):
    root = copy_case(tmp_path)
    edit(root / "source" / "sections" / "overview.md", "**{{ country.name }}**", "**{{ country.name }**")
    code, out = check_output(capsys, root)
    assert code == 1
    assert "source/sections/overview.md:8:" in out
    assert "template syntax error: unexpected '}'" in out


def test_a_value_is_markdown_text_not_html(tmp_path):
    root = copy_case(tmp_path)
    edit(root / "source" / "data" / "countries.csv", "JP,Japan,", 'JP,"<script>x</script> *Japan*",')
    brief = load_project(root)
    assert any("raw HTML" in w.message or "HTML" in w.message for w in brief.warnings)
    shown = [span.text for block in brief.sections[0].blocks for span in getattr(block, "spans", ())
             if hasattr(span, "text")]
    assert "<script>x</script>" in "".join(shown)  # shown as text, never passed through


def test_a_filter_with_no_row_left_and_an_unknown_column_are_located(tmp_path, capsys):
    root = copy_case(tmp_path)
    edit(root / "source" / "figures" / "visitors.yaml", 'where: {code: "{{ country.code }}"}',
         'where: {cod: "{{ country.code }}"}')
    code, out = check_output(capsys, root)
    assert code == 1
    assert ("source/figures/visitors.yaml:9:16: data.where.cod: 'cod' is not a column of "
            "source/data/visitors.csv (did you mean 'code'?)") in out


# ---- without params: no templating ---------------------------------------------------------------

def test_without_params_braces_stay_literal_text(tmp_path):
    root = copy_case(tmp_path)
    edit(root / "source" / "brief.yaml", "params: data/countries.csv\nparam_key: country.code\n", "")
    edit(root / "source" / "figures" / "visitors.yaml", 'where: {code: "{{ country.code }}"}', "where: {code: JP}")
    brief = load_project(root)
    assert brief.name == "country-brief"
    assert brief.meta.title == "{{ country.name }}: travel and trade across the Korea Strait"
    point = "Travel between {{ country.name }} and {{ country.partner }} is shown for 2022."
    assert brief.sections[1].key_points == (point,)
    assert brief.figures[0].caption == "Tourist visits in 2022 as they concern {{ country.name }}."
    result = build(Project.at(root), BuildOptions(formats=("pdf",)))
    text = pdf_text(result.outputs["pdf"])
    assert "{{ country.name }}: travel and trade" in text
    assert "{% if country.code ==" in text


def test_a_brief_with_a_broken_params_file_is_an_error_not_a_brief(tmp_path):
    root = copy_case(tmp_path)
    (root / "source" / "data" / "countries.csv").write_text("country.code,country.name\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        build(Project.at(root), BuildOptions())
    assert "source/data/countries.csv:1:1: the params file has no rows" in [
        f"{p.loc}: {p.message}" for p in caught.value.problems if not p.warning]
