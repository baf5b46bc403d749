"""Incremental builds: a no-op renders nothing, an edit re-renders the outputs but only the
figures that changed, options and tampered outputs are noticed, --force ignores the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from deckgen.build.pipeline import BuildOptions, build
from deckgen.deck import writer as deck
from deckgen.errors import DeckgenError, SourceError
from deckgen.figures import drawing as figures
from deckgen.pdf import document as pdf
from deckgen.project import default_templates_dir

TIMELINE = """
    kind: timeline
    title: Milestones
    alt: A timeline with two milestones, 1965 and 2022.
    source: Test data
    data:
      events:
        - year: 1965
          label: A treaty
        - year: 2022
          label: A record year
    """


@pytest.fixture
def two_figures(minimal_files):
    """The minimal project with a second figure, a timeline (a PNG picture in the deck)."""
    minimal_files["source/figures/timeline.yaml"] = textwrap.dedent(TIMELINE).lstrip("\n")
    minimal_files["source/sections/one.md"] += "\n![](fig:timeline)\n"
    return minimal_files


@pytest.fixture
def renders(monkeypatch):
    """Count the figure renders by figure id and format (builds must run with parallel=False)."""
    seen: list[tuple[str, str]] = []
    real_svg, real_png = figures.render_svg, figures.render_png

    def svg(figure, theme):
        seen.append((figure.id, "svg"))
        return real_svg(figure, theme)

    def png(figure, theme, dpi=200):
        seen.append((figure.id, "png"))
        return real_png(figure, theme, dpi)

    monkeypatch.setattr(figures, "render_svg", svg)
    monkeypatch.setattr(figures, "render_png", png)
    return seen


SERIAL = BuildOptions(parallel=False)


def outputs(result) -> dict[str, bytes]:
    return {fmt: path.read_bytes() for fmt, path in result.outputs.items()}


def test_noop_rebuild_renders_nothing(make_project, two_figures, monkeypatch):
    project = make_project(two_figures)
    first = build(project)
    assert first.cache["outputs"] == {"pdf": "built", "pptx": "built"}
    before = outputs(first)

    def refuse(*args, **kwargs):
        raise AssertionError("rendered on a no-op rebuild")

    for module, name in [(figures, "render_svg"), (figures, "render_png"), (pdf, "render_pdf"),
                         (deck, "draw_deck")]:
        monkeypatch.setattr(module, name, refuse)
    again = build(project)
    assert again.up_to_date
    assert again.cache["outputs"] == {"pdf": "hit", "pptx": "hit"}
    assert (again.pages, again.slides) == (first.pages, first.slides)
    assert outputs(again) == before


def test_edited_prose_rerenders_outputs_but_no_figure(make_project, two_figures, renders):
    project = make_project(two_figures)
    first = build(project, SERIAL)
    before = outputs(first)
    assert sorted(renders) == [("chart", "svg"), ("timeline", "png"), ("timeline", "svg")]
    renders.clear()

    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Some edited prose"))
    second = build(project, SERIAL)
    assert second.cache["outputs"] == {"pdf": "built", "pptx": "built"}
    assert second.cache["figures"] == {"hits": 3, "rendered": 0}
    assert renders == []
    after = outputs(second)
    assert after["pdf"] != before["pdf"] and after["pptx"] != before["pptx"]


def rebuild_after_editing_chart(project, renders, old: str, new: str):
    """Build, then replace ``old`` with ``new`` in the chart's file and build again."""
    build(project, SERIAL)
    renders.clear()
    chart = project.source / "figures" / "chart.yaml"
    chart.write_text(chart.read_text().replace(old, new))
    return build(project, SERIAL)


def test_edited_figure_rerenders_only_that_figure(make_project, two_figures, renders):
    result = rebuild_after_editing_chart(make_project(two_figures), renders, "[1, 2]", "[1, 3]")
    assert renders == [("chart", "svg")]  # the chart is native in the deck: no PNG
    assert result.cache["figures"] == {"hits": 2, "rendered": 1}


def test_an_edited_caption_redraws_no_figure(make_project, two_figures, renders):
    result = rebuild_after_editing_chart(make_project(two_figures), renders,
                                         "title: A chart", "title: A better chart")
    assert renders == []
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "built"}


def test_parallel_build_reports_the_deck_processs_figures(make_project, two_figures):
    project = make_project(two_figures)
    result = build(project, BuildOptions(parallel=True))
    assert result.cache["parallel"] is True
    assert result.cache["figures"] == {"hits": 0, "rendered": 3}
    timeline = project.source / "figures" / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("A record year", "Another record year"))
    result = build(project, BuildOptions(parallel=True))
    assert result.cache["figures"] == {"hits": 1, "rendered": 2}  # timeline SVG and PNG


def test_an_option_rebuilds_only_the_output_it_changes(make_project, minimal_files):
    project = make_project(minimal_files)
    build(project, SERIAL)
    result = build(project, BuildOptions(parallel=False, paper="letter"))
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "hit"}
    assert set(result.outputs) == {"pdf", "pptx"} and result.slides > 0 and result.pages > 0
    only = build(project, BuildOptions(parallel=False, paper="letter", formats=("pptx",)))
    assert only.up_to_date and set(only.outputs) == {"pptx"}


def test_a_template_change_is_a_miss(make_project, minimal_files):
    minimal_files["templates/brief.css"] = (default_templates_dir() / "brief.css").read_text()
    project = make_project(minimal_files)
    build(project, SERIAL)
    css = project.root / "templates" / "brief.css"
    css.write_text(css.read_text() + "\nh1 { letter-spacing: 0.01em; }\n")
    result = build(project, SERIAL)
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "built"}


def test_a_tampered_or_missing_output_is_rebuilt(make_project, minimal_files):
    project = make_project(minimal_files)
    first = build(project, SERIAL)
    good = outputs(first)
    first.outputs["pdf"].write_bytes(b"%PDF-1.7 truncated")
    first.outputs["pptx"].unlink()
    result = build(project, SERIAL)
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "built"}
    assert outputs(result) == good  # and the rebuild is byte-identical


def test_force_renders_everything(make_project, minimal_files, renders):
    project = make_project(minimal_files)
    build(project, SERIAL)
    renders.clear()
    result = build(project, BuildOptions(parallel=False, force=True))
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "built"}
    assert result.cache["figures"] == {"hits": 1, "rendered": 0}  # figures stay cached by content


def test_strict_does_not_accept_a_cached_build_with_warnings(make_project, minimal_files):
    minimal_files["source/brief.yaml"] += ("  - id: doe2020b\n    author: Doe, Jane\n"
                                          "    title: A Book\n    year: 2020\n")
    project = make_project(minimal_files)
    result = build(project, SERIAL)
    assert len(result.warnings) == 1
    assert len(build(project, SERIAL).warnings) == 1  # replayed from the cache
    with pytest.raises(SourceError):
        build(project, BuildOptions(parallel=False, strict=True))


def test_a_noop_build_process_imports_nothing_heavy(make_project, minimal_files):
    project = make_project(minimal_files)
    build(project, SERIAL)
    script = ("import sys, json; from deckgen.cli import main; code = main(['build', '-q', sys.argv[1]]);"
              "print(json.dumps([code, sorted(m for m in sys.modules if m.split('.')[0] in "
              "('weasyprint', 'matplotlib', 'pptx', 'pydantic', 'PIL', 'ruamel', 'markdown_it', "
              "'rich', 'jinja2', 'pypdf'))]))")
    done = subprocess.run([sys.executable, "-c", script, str(project.root)], capture_output=True,
                          text=True, timeout=60, check=False)
    code, heavy = json.loads(done.stdout)
    assert code == 0, done.stderr
    assert heavy == []


# ---- the deck's process hands the figures over ----------------------------------------------------

def test_the_pdf_asks_for_its_figures_once_and_only_when_it_needs_them(make_project, two_figures):
    from deckgen.build.jobs import HandedOver
    from deckgen.build.options import DrawnFigures
    from deckgen.build.pipeline import validate

    project = make_project(two_figures)
    brief, theme, _, _ = validate(project)
    svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures}
    asked = []

    def receive():
        asked.append(True)
        return DrawnFigures(svgs)

    handed_over = HandedOver(brief, receive)
    html, assets = pdf.render_html(brief, project, theme, handed_over)
    assert asked == [] and "asset:figure-chart.svg" in html  # the HTML needs only their ids
    rendered = pdf.html_to_pdf(html, project, assets, brief)
    assert asked == [True] and rendered.pages >= 2
    assert "A chart" in pdf_text(rendered.data)


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_deck_process_that_dies_fails_the_build_and_keeps_the_last_one(make_project, two_figures,
                                                                         monkeypatch):
    import os

    from deckgen.build.jobs import Jobs

    project = make_project(two_figures)
    first = outputs(build(project))
    parent, real_svgs = os.getpid(), Jobs.svgs

    def die_in_the_child(self):
        if os.getpid() != parent:
            os._exit(3)  # killed before handing the figures over
        return real_svgs(self)

    monkeypatch.setattr(Jobs, "svgs", die_in_the_child)
    section = project.source / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Some edited prose"))
    with pytest.raises(DeckgenError, match="^the deck renderer stopped unexpectedly$"):
        build(project)
    assert {fmt: path.read_bytes() for fmt, path in
            {"pdf": project.build_dir / "a-minimal-brief.pdf",
             "pptx": project.build_dir / "a-minimal-brief.pptx"}.items()} == first


# ---- fonts and renamed outputs -----------------------------------------------------------------

def test_a_font_installed_after_a_build_makes_the_next_one_render(make_project, minimal_files,
                                                                 monkeypatch, tmp_path):
    from deckgen.build import keys

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(keys, "font_folders", lambda: [str(fonts), str(tmp_path / "not-yet")])
    project = make_project(minimal_files)
    build(project)
    assert build(project).up_to_date
    (fonts / "NewFont-Regular.ttf").write_bytes(b"a font")
    assert build(project).cache["outputs"] == {"pdf": "built", "pptx": "built"}
    assert build(project).up_to_date
    (tmp_path / "not-yet").mkdir()  # a font folder made after the build counts too
    assert not build(project).up_to_date


def test_outputs_renamed_by_a_new_short_title_replace_the_old_ones(make_project, minimal_files):
    project = make_project(minimal_files)
    first = build(project)
    old = sorted(path.name for path in first.outputs.values())
    brief = project.source / "brief.yaml"
    brief.write_text(brief.read_text().replace("title: A minimal brief",
                                               "title: A minimal brief\nshort_title: Renamed"))
    second = build(project)
    new = sorted(path.name for path in second.outputs.values())
    assert new != old
    assert sorted(p.name for p in project.build_dir.iterdir() if p.is_file()) == new


def test_a_tampered_manifest_cannot_make_a_build_delete_other_files(make_project, minimal_files,
                                                                    tmp_path):
    project = make_project(minimal_files)
    build(project)
    manifest_path = project.build_dir / ".deckgen-cache" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    victim = tmp_path / "victim.pdf"
    victim.write_bytes(b"keep me")
    (project.build_dir / "notes.txt").write_text("mine")
    manifest["outputs"]["pdf"]["file"] = str(victim)
    manifest["outputs"]["pptx"]["file"] = "notes.txt"
    manifest_path.write_text(json.dumps(manifest))
    build(project)
    assert victim.read_bytes() == b"keep me"
    assert (project.build_dir / "notes.txt").read_text() == "mine"


def test_a_long_lived_process_parses_only_the_yaml_that_changed(make_project, two_figures,
                                                                monkeypatch):
    from deckgen.build.pipeline import load
    from deckgen.load import yamlsrc

    parsed = []
    real_parse = yamlsrc._parse

    def counting(text, file, line_offset):
        parsed.append(file)
        return real_parse(text, file, line_offset)

    monkeypatch.setattr(yamlsrc, "_parse", counting)
    monkeypatch.setattr(yamlsrc, "_parsed", type(yamlsrc._parsed)())
    project = make_project(two_figures)
    load(project)
    assert len(parsed) >= 4  # brief, a section's front matter, two figures, the theme
    parsed.clear()
    load(project)
    assert parsed == []
    timeline = project.source / "figures" / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("A treaty", "A basic treaty"))
    load(project)
    assert parsed == ["source/figures/timeline.yaml"]
    timeline.write_text(timeline.read_text().replace("title: Milestones", "title: [Milestones"))
    for _ in range(2):  # a broken file is reported every time, never kept
        with pytest.raises(SourceError, match="timeline.yaml"):
            load(project)


def test_a_long_lived_process_renders_with_the_template_as_saved(make_project, minimal_files):
    template = (default_templates_dir() / "brief.html.j2").read_text(encoding="utf-8")
    project = make_project({**minimal_files, "templates/brief.html.j2": template})
    own = project.root / "templates" / "brief.html.j2"
    for marker in ("First edition marker", "Second edition marker", "Third edition marker"):
        own.write_text(template.replace("</body>", f"<p>{marker}</p></body>"), encoding="utf-8")
        os.utime(own, ns=(1_700_000_000_000_000_000,) * 2)  # two quick saves may share a time
        built = build(project, BuildOptions(formats=("pdf",))).outputs["pdf"]
        assert marker in pdf_text(built.read_bytes())


def test_a_pdf_rebuilt_beside_a_cached_deck_does_not_plan_the_deck_again(make_project,
                                                                        minimal_files, monkeypatch):
    from deckgen.build import jobs

    project = make_project(minimal_files)
    build(project)
    tally = project.root / "planned"  # counted in whichever process loads the source
    tally.write_text("")

    def counting(*args):
        with tally.open("a") as out:
            out.write("planned\n")
        return jobs.checked_plans(*args)

    monkeypatch.setattr("deckgen.build.pipeline.checked_plans", counting)  # the build's own check
    result = build(project, BuildOptions(paper="letter"))
    assert result.cache["outputs"] == {"pdf": "built", "pptx": "hit"}
    assert tally.read_text() == ""  # the cached deck passed the check with these very inputs
    build(project, BuildOptions(paper="letter", formats=("pdf",), force=True))
    assert tally.read_text() == "planned\n"  # no deck in this build: the source is checked
