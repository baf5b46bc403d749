"""Read a collection's project file, ``deckgen.yaml``: the briefs built together.

A collection is a folder with ``deckgen.yaml``, a shared ``templates/`` and one folder per brief,
each with its own ``source/``::

    briefs:
      - japan-korea          # a folder beside deckgen.yaml, holding source/
      - series/china-taiwan  # folders may be nested; never outside the collection

The file is read as every source file is (inside the folder, bounded, UTF-8) and checked with
pydantic: an unknown key, a brief listed twice, a folder outside the collection or without
``source/`` is a located error (``deckgen.yaml:3:5: ...``). A brief's name is its folder as
written; ``deckgen build NAME`` builds that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Collector, Loc, SourceError
from .sandbox import Unreadable, read_inside

PROJECT_FILE = "deckgen.yaml"
MAX_BRIEFS = 2_000
BRIEF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$"
BRIEF_EXPECTED = "a folder beside deckgen.yaml, written with '/', as country-a or series/country-a"


def _schema():
    """The schema of ``deckgen.yaml`` (pydantic is imported only when one is read)."""
    from pydantic import Field

    from .schema import _Strict

    class CollectionIn(_Strict):
        briefs: list[str] = Field(min_length=1, max_length=MAX_BRIEFS)

    return CollectionIn


@dataclass(frozen=True)
class Collection:
    """A collection: its root folder and its briefs' names (folders relative to the root), in
    the order ``deckgen.yaml`` lists them."""

    root: Path
    briefs: tuple[str, ...]

    def folder(self, name: str) -> Path:
        return self.root / name


def is_collection(root: Path) -> bool:
    return (Path(root) / PROJECT_FILE).is_file()


def load_collection(root: Path) -> Collection:
    """The collection at ``root``; SourceError listing every problem of ``deckgen.yaml``."""
    from .files import MAX_YAML_BYTES
    from .schema import validate
    from .yamlsrc import YamlProblem, load_yaml

    root = Path(root).resolve()
    problems = Collector()
    try:
        data = read_inside(root, root / PROJECT_FILE, MAX_YAML_BYTES)
    except Unreadable as exc:
        problems.error(Loc(PROJECT_FILE), f"cannot be read: {exc.reason}",
                       expected=f"a regular file of at most {MAX_YAML_BYTES:,} bytes")
        raise SourceError(problems.problems, root) from None
    try:
        doc = load_yaml(data.decode("utf-8", errors="replace"), PROJECT_FILE)
    except YamlProblem as exc:
        problems.error(exc.loc, exc.message, expected=exc.expected)
        raise SourceError(problems.problems, root) from None
    for duplicate in doc.duplicates:
        problems.error(duplicate.loc, duplicate.message, expected=duplicate.expected)
    validate(_schema(), doc, problems)
    listed = doc.data.get("briefs") if isinstance(doc.data, dict) else None
    briefs: list[str] = []
    if isinstance(listed, list):  # each folder checked, even when another key is wrong
        for index, name in enumerate(listed):
            if not isinstance(name, str):
                continue
            problem = _brief_problem(root, name.strip(), briefs)
            if problem:
                problems.error(doc.loc(("briefs", index)), problem[0], f"briefs[{index}]", problem[1])
            briefs.append(name.strip())
    if problems.errors:
        raise SourceError(problems.problems, root)
    return Collection(root, tuple(briefs))


def _brief_problem(root: Path, name: str, before: list[str]) -> tuple[str, str] | None:
    """What is wrong with the brief folder ``name``, as (message, expected), or None."""
    import re

    if not re.match(BRIEF_PATTERN, name) or any(part in (".", "..") for part in name.split("/")):
        return f"invalid brief folder '{name}'", BRIEF_EXPECTED
    if name in before:
        return f"brief '{name}' is listed twice", "each brief once"
    folder = root / name
    if folder.is_symlink() or not folder.resolve().is_relative_to(root):
        return f"brief folder '{name}' leads outside the collection", "a folder inside it, not a link"
    if not (folder / "source").is_dir():
        return f"brief folder '{name}' has no source/ folder", "a folder holding source/brief.yaml"
    return None


def locate(project_dir: Path) -> tuple[Collection, list[str] | None] | None:
    """The collection ``project_dir`` names and which of its briefs: ``(collection, None)`` for
    a collection's root (every brief), ``(collection, [name])`` for a brief folder a collection
    above it lists, None for a project of its own (no ``deckgen.yaml`` lists it)."""
    from ..errors import UsageProblem, did_you_mean

    folder = Path(project_dir).resolve()
    if is_collection(folder):
        return load_collection(folder), None
    for root in folder.parents:
        if is_collection(root):
            collection = load_collection(root)
            name = folder.relative_to(root).as_posix()
            if name in collection.briefs:
                return collection, [name]
            if (folder / "source").is_dir():
                return None
            hint = did_you_mean(name, collection.briefs) or "one of: " + ", ".join(collection.briefs)
            raise UsageProblem(f"{project_dir}: not a brief of the collection in {root} ({hint})")
    return None
