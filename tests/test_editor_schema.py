"""JSON Schemas for editors: generated from the models that validate, they accept every file
deckgen accepts here and flag what deckgen refuses; ``deckgen new`` and ``deckgen schema`` write
them, with the settings and first lines an editor's YAML language server reads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import REPO
from deckgen.cli import main
from deckgen.editor import schemas
from deckgen.load.translations import is_translation
from deckgen.load.yamlsrc import split_front_matter
from deckgen.project import default_templates_dir

CASES = [REPO, REPO / "tests" / "cases" / "stress"]


def as_json(value):
    """YAML data as an editor's language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read_yaml(text: str):
    return as_json(YAML(typ="safe").load(text))


def problems(schema_name: str, data) -> list[str]:
    validator = jsonschema.Draft202012Validator(schemas()[schema_name])
    return [error.message for error in validator.iter_errors(data)]


def files_of(root: Path):
    """The originals' files (a translation, ``history.ja.md``, holds only the words it gives)."""
    source = root / "source"
    yield "brief", source / "brief.yaml"
    for path in sorted((source / "figures").glob("*.yaml")):
        if not is_translation(path.name):
            yield "figure", path
    for path in sorted((source / "sections").glob("*.md")):
        if not is_translation(path.name):
            yield "section", path
    theme = root / "templates" / "theme.yaml"
    yield "theme", theme if theme.is_file() else default_templates_dir() / "theme.yaml"


@pytest.mark.parametrize("root", CASES, ids=["example", "stress"])
def test_every_file_deckgen_accepts_validates_against_its_schema(root):
    for name, path in files_of(root):
        text = path.read_text(encoding="utf-8")
        if name == "section":
            text = split_front_matter(text)[0]
        assert problems(name, read_yaml(text)) == [], path


@pytest.mark.parametrize(("name", "change", "flagged"), [
    ("brief", lambda d: d.update(titel=d.pop("title")), "'title' is a required property"),
    ("brief", lambda d: d.update(paper="a3"), "'a3' is not one of ['a4', 'letter']"),
    ("figure", lambda d: d.update(kind="colum"), "'colum' is not one of"),
    ("figure", lambda d: d.setdefault("data", {}).update(csvv="x.csv"), "Additional properties are not allowed ('csvv'"),
    ("theme", lambda d: d["sizes"].update(deck_body="28"), "'28' is not of type 'number'"),
    ("theme", lambda d: d.update(colours=[]), "[] is not of type 'object'"),
    ("theme", lambda d: d["colours"].update(primary="navy"), "'navy' does not match"),
    ("theme", lambda d: d.update(fontz={}), "Additional properties are not allowed ('fontz'"),
])
def test_a_mistake_is_flagged_by_the_schema(name, change, flagged):
    path = next(p for n, p in files_of(REPO) if n == name)
    data = read_yaml(path.read_text(encoding="utf-8"))
    change(data)
    assert any(message.startswith(flagged) for message in problems(name, data)), problems(name, data)


def test_a_new_project_names_its_schemas_and_its_files_validate(tmp_path, capsys):
    target = tmp_path / "brief"
    assert main(["new", str(target)]) == 0
    settings = json.loads((target / ".vscode" / "settings.json").read_text())
    mapped = settings["yaml.schemas"]
    assert mapped["./.deckgen/schemas/brief.schema.json"] == ["source/brief.yaml"]
    assert mapped["./.deckgen/schemas/theme.schema.json"] == ["templates/theme.yaml"]
    first = (target / "source" / "brief.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../.deckgen/schemas/brief.schema.json"
    figure = next((target / "source" / "figures").glob("*.yaml")).read_text().splitlines()[0]
    assert figure == "# yaml-language-server: $schema=../../.deckgen/schemas/figure.schema.json"
    for name, path in files_of(target):
        written = json.loads((target / ".deckgen" / "schemas" / f"{name}.schema.json").read_text())
        text = path.read_text(encoding="utf-8")
        if name == "section":
            text = split_front_matter(text)[0]
        assert list(jsonschema.Draft202012Validator(written).iter_errors(read_yaml(text))) == [], path
    assert main(["build", "-q", str(target)]) == 0  # the first lines are YAML comments


def test_deckgen_schema_writes_inside_the_project_and_keeps_existing_settings(make_project, minimal_files,
                                                                            capsys):
    project = make_project(minimal_files)
    (project.root / ".vscode").mkdir()
    (project.root / ".vscode" / "settings.json").write_text('{"editor.tabSize": 2}\n')
    assert main(["schema", str(project.root)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [f"wrote: .deckgen/schemas/{n}.schema.json"
                                for n in ("brief", "figure", "section", "theme")]
    assert (project.root / ".vscode" / "settings.json").read_text() == '{"editor.tabSize": 2}\n'
    written = sorted(p.relative_to(project.root).as_posix() for p in project.root.rglob("*.json"))
    assert written == [".deckgen/schemas/brief.schema.json", ".deckgen/schemas/figure.schema.json",
                       ".deckgen/schemas/section.schema.json", ".deckgen/schemas/theme.schema.json",
                       ".vscode/settings.json"]
