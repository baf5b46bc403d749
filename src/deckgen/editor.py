"""JSON Schemas for editors: completion and inline errors while an author types.

The schemas are generated from the very models that validate the source (the pydantic models of
:mod:`deckgen.load.schema`) and the theme (:data:`deckgen.theme.SCHEMA`), so an editor flags what
``deckgen check`` would. ``deckgen schema`` writes them into a project's ``.deckgen/schemas/``, with
``.vscode/settings.json`` mapping each to its files for the YAML language server; ``deckgen new``
does the same, and its YAML files carry a ``# yaml-language-server: $schema=…`` line. Markdown front
matter has no editor mapping; its schema is written for tools that read it.
"""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOLDER = Path(".deckgen") / "schemas"
SETTINGS = Path(".vscode") / "settings.json"

# Which files of a project each schema describes (globs relative to the project folder).
FILES = {
    "brief": ["source/brief.yaml"],
    "figure": ["source/figures/*.yaml", "source/figures/*.yml"],
    "section": [],  # the front matter of source/sections/*.md: no editor maps front matter
    "theme": ["templates/theme.yaml"],
}


def schemas() -> dict[str, dict]:
    """Every schema by name, ready to be written as JSON."""
    from .load.schema import BriefIn, FigureIn, SectionIn

    models = {"brief": BriefIn, "figure": FigureIn, "section": SectionIn}
    out = {name: model.model_json_schema() for name, model in models.items()}
    out["theme"] = theme_schema()
    titles = {"brief": "deckgen brief (source/brief.yaml)", "figure": "deckgen figure (source/figures/*.yaml)",
              "section": "deckgen section front matter (source/sections/*.md)",
              "theme": "deckgen theme (templates/theme.yaml)"}
    return {name: {"$schema": SCHEMA_DIALECT, **schema, "title": titles[name]} for name, schema in out.items()}


def theme_schema() -> dict:
    """The theme's groups and keys as JSON Schema, from the checks ``load_theme`` runs."""
    from .theme import SCHEMA

    properties, required = {}, []
    for name, group in SCHEMA.items():
        keys = {key: value_schema(check) for key, check in group.keys.items()}
        fragment = {"type": "object", "properties": keys,
                    "required": [k for k in group.keys if k not in group.optional]}
        if group.extra is not None:
            fragment["additionalProperties"] = value_schema(group.extra)
            if group.extra_name is not None:
                fragment["propertyNames"] = {"anyOf": [{"enum": list(group.keys)},
                                                       {"pattern": group.extra_name.pattern}]}
        else:
            fragment["additionalProperties"] = False
        properties[name] = fragment
        if group.required:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


def value_schema(check) -> dict:
    """The JSON Schema of what a theme check accepts."""
    from . import theme

    master = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"\S"}]}
    fragments = {
        "_colour": {"type": "string", "pattern": theme._COLOUR.pattern},
        "_series": {"type": "array", "minItems": 1, "maxItems": theme.MAX_SERIES_COLOURS,
                    "items": {"type": "string", "pattern": theme._COLOUR.pattern}},
        "_font": {"type": "string", "pattern": theme._FONT_NAME.pattern},
        "_size": {"type": "number", "minimum": theme.MIN_SIZE, "maximum": theme.MAX_SIZE},
        "_title_size": {"type": "number", "minimum": theme.TITLE_FLOOR, "maximum": theme.MAX_SIZE},
        "_dividers": {"anyOf": [{"type": "boolean"},
                                {"enum": [*theme.DIVIDER_CHOICES, *theme.DIVIDER_ALIASES]}]},
        "_layouts": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        "_layout_name": {"type": "string", "minLength": 1},
        **{f"_{key}": {"type": "integer", "minimum": low, "maximum": high}
           for key, (low, high) in theme.DENSITY_RANGES.items()},
        "_reveal": {"enum": list(theme.REVEAL_CHOICES)},
        "_master": {"anyOf": [master, {"type": "object", "minProperties": 1, "additionalProperties": False,
                                       "properties": {role: master for role in theme.MASTER_ROLES}}]},
        "_deck_colours": {"anyOf": [{"enum": ["template", "theme"]}, {
            "type": "object", "minProperties": 1, "additionalProperties": False,
            "properties": {key: {"type": "string", "pattern": theme._COLOUR.pattern}
                           for key in theme.DECK_COLOUR_KEYS if key != "series"}
            | {"series": {"type": "array", "minItems": 1, "maxItems": theme.MAX_SERIES_COLOURS,
                          "items": {"type": "string", "pattern": theme._COLOUR.pattern}}}}]},
    }
    if check.__name__ not in fragments:
        raise KeyError(f"the theme check {check.__name__} has no JSON Schema in deckgen.editor")
    return fragments[check.__name__]


def write_schemas(root: Path) -> list[Path]:
    """Write every schema into ``root/.deckgen/schemas/`` and, when the project has none, the
    editor settings that map them to the project's files; return the files written."""
    folder = root / SCHEMA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    settings = root / SETTINGS
    if not settings.exists():
        settings.parent.mkdir(exist_ok=True)
        settings.write_text(json.dumps(editor_settings(), indent=2) + "\n", encoding="utf-8")
        written.append(settings)
    return written


def editor_settings() -> dict:
    """``.vscode/settings.json``: each schema mapped to its files (the YAML extension's setting)."""
    return {"yaml.schemas": {f"./{(SCHEMA_FOLDER / f'{name}.schema.json').as_posix()}": globs
                             for name, globs in FILES.items() if globs}}


def schema_of(file_in_project: str) -> str | None:
    """The name of the schema that describes a project's file (a path relative to the project)."""
    return next((name for name, globs in FILES.items()
                 if any(Path(file_in_project).match(glob) for glob in globs)), None)


def modeline(file_in_project: str) -> str:
    """The first line that points the YAML language server at a file's schema, relative to it."""
    up = "../" * file_in_project.count("/")
    name = schema_of(file_in_project)
    return f"# yaml-language-server: $schema={up}{(SCHEMA_FOLDER / f'{name}.schema.json').as_posix()}"
