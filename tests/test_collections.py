"""Collections: deckgen.yaml lists briefs that share templates/ and one figure cache; a build
makes every brief that changed, a failing brief stops no other."""

from __future__ import annotations

import json

from pypdf import PdfReader

from helpers import make_collection, run


def built(capsys, *args) -> dict:
    code, out, err = run(capsys, "build", *args, "--json")
    assert code == 0, err
    return json.loads(out)["briefs"]


def test_a_collection_builds_each_brief_into_its_build_folder_and_rebuilds_only_what_changed(tmp_path, capsys):
    root = make_collection(tmp_path, ["alpha", "beta", "gamma"])
    first = built(capsys, str(root), "--jobs", "2")
    assert set(first) == {"alpha", "beta", "gamma"}
    for name in first:
        pdf = root / name / "build" / f"brief-{name}.pdf"
        assert f"Brief {name}" in PdfReader(pdf).pages[0].extract_text()
        assert (root / name / "build" / f"brief-{name}.pptx").is_file()
    # the three briefs draw the same chart: drawn once, read twice from the shared cache
    assert sum(b["cache"]["figures"]["rendered"] for b in first.values()) == 1
    assert sum(b["cache"]["figures"]["hits"] for b in first.values()) == 2

    section = root / "beta" / "source" / "sections" / "one.md"
    section.write_text(section.read_text().replace("Some prose", "Some new prose"))
    again = built(capsys, str(root), "--jobs", "2")
    states = {name: set(b["cache"]["outputs"].values()) for name, b in again.items()}
    assert states == {"alpha": {"hit"}, "beta": {"built"}, "gamma": {"hit"}}
    assert "Some new prose" in " ".join(p.extract_text() for p in PdfReader(root / "beta" / "build" / "brief-beta.pdf").pages)


def test_a_failing_brief_is_reported_with_its_file_and_line_and_the_others_are_written(tmp_path, capsys):
    root = make_collection(tmp_path, ["alpha", "beta"])
    section = root / "beta" / "source" / "sections" / "one.md"
    section.write_text(section.read_text().replace("title: The only section", "titel: The only section"))
    code, _, err = run(capsys, "build", str(root), "--jobs", "2")
    assert code == 1
    assert "beta/source/sections/one.md:2:8: titel: unknown key (did you mean 'title'?)" in err
    assert "nothing was written for beta" in err
    assert "1 of 2 briefs failed: beta; the others were built" in err
    assert (root / "alpha" / "build" / "brief-alpha.pdf").is_file()
    assert not (root / "beta" / "build" / "brief-beta.pdf").exists()

    code, _, err = run(capsys, "check", str(root))
    assert code == 1 and "beta/source/sections/one.md:2:8: titel: unknown key" in err


def test_one_brief_by_name_and_the_shared_templates(tmp_path, capsys, monkeypatch):
    from deckgen.project import default_templates_dir

    root = make_collection(tmp_path, ["alpha", "beta"])
    theme = (default_templates_dir() / "theme.yaml").read_text()
    (root / "templates" / "theme.yaml").write_text(theme)
    monkeypatch.chdir(root)
    briefs = built(capsys, "beta")
    assert list(briefs) == ["beta"]
    assert not (root / "alpha" / "build").exists()
    assert set(built(capsys, "--jobs", "1")["beta"]["cache"]["outputs"].values()) == {"hit"}
    # the shared theme is an input of every brief
    (root / "templates" / "theme.yaml").write_text(theme.replace("#1B365D", "#123456"))
    again = built(capsys, "--jobs", "1")
    assert {name: set(b["cache"]["outputs"].values()) for name, b in again.items()} == \
        {"alpha": {"built"}, "beta": {"built"}}
    code, _, err = run(capsys, "build", "betta")
    assert code == 2 and "not a brief of the collection" in err and "did you mean 'beta'?" in err


def test_deckgen_yaml_problems_are_located(tmp_path, capsys):
    root = make_collection(tmp_path, ["alpha"])
    (root / "deckgen.yaml").write_text("briefs:\n  - alpha\n  - missing\n  - ../up\njobz: 2\n")
    code, _, err = run(capsys, "build", str(root))
    assert code == 1
    assert "deckgen.yaml:3:5: briefs[1]: brief folder 'missing' has no source/ folder" in err
    assert "deckgen.yaml:4:5: briefs[2]: invalid brief folder '../up'" in err
    assert "deckgen.yaml:5:7: jobz: unknown key (one of: briefs)" in err


def test_a_single_brief_project_builds_as_before(capsys, make_project, minimal_files):
    project = make_project(minimal_files)
    code, out, err = run(capsys, "build", str(project.root), "--jobs", "2", "--json")
    assert code == 0, err
    assert set(json.loads(out)["outputs"]) == {"pdf", "pptx"}
