"""What the preview shows of a collection, a brief with editions or a parameterised brief: one
brief, one edition, one row at a time, chosen on the page (or by ``--brief``, ``--edition``,
``--param``); the watch rebuilds only that one (``--all``: every edition and row of the brief
as well, the chosen one shown).

A :class:`Choice` names what is shown; :func:`choices` lists what may be chosen, for the page's
selectors; :func:`resolve` turns a choice into the project and the build options to watch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..build.options import BuildOptions
from ..errors import UsageProblem
from ..project import Project


@dataclass(frozen=True)
class Choice:
    """The brief shown ("" outside a collection), its edition's language and its row's value
    ("": the original edition, the first row)."""

    brief: str = ""
    edition: str = ""
    param: str = ""


@dataclass(frozen=True)
class Target:
    """Where the preview is pointed: a collection's root and its briefs, or one project."""

    root: Path
    briefs: tuple[str, ...] = ()   # a collection's briefs; () for a project of its own

    def project(self, brief: str) -> Project:
        if not self.briefs:
            return Project.at(self.root)
        from ..build.collection import brief_project

        return brief_project(self.root, brief)


def target(project_dir: Path, brief: str = "") -> tuple[Target, str]:
    """The target ``project_dir`` names, and the brief shown first (``brief``, else the one
    ``project_dir`` is, else the collection's first); a UsageProblem for an unknown ``--brief``."""
    from ..errors import did_you_mean
    from ..load.collection import locate

    found = locate(project_dir)
    if found is None:
        if brief:
            raise UsageProblem(f"--brief {brief}: {project_dir} is not a collection (no deckgen.yaml)")
        return Target(Project.at(project_dir).root), ""
    collection, names = found
    shown = brief or (names[0] if names else collection.briefs[0] if collection.briefs else "")
    if shown not in collection.briefs:
        hint = did_you_mean(shown, collection.briefs) or "one of: " + ", ".join(collection.briefs)
        raise UsageProblem(f"--brief {brief}: not a brief of the collection ({hint})")
    return Target(collection.root, collection.briefs), shown


def choices(target: Target, choice: Choice) -> dict:
    """What the page's selectors offer, and what is chosen: the briefs, the chosen brief's
    editions (languages, the original first) and rows (their values)."""
    from ..load.params import listed_rows
    from ..load.translations import listed_editions

    source = target.project(choice.brief).source
    rows = listed_rows(source) or []
    editions = list(listed_editions(source))
    return {"briefs": list(target.briefs), "brief": choice.brief,
            "editions": editions, "edition": choice.edition or (editions[0] if editions else ""),
            "params": [row.key for row in rows], "param": choice.param or (rows[0].key if rows else "")}


def resolve(target: Target, choice: Choice, options: BuildOptions, every: bool = False) -> tuple[Project, BuildOptions]:
    """The project and options a watch of ``choice`` builds with: that edition and that row
    alone (the first row of a parameterised brief unless another is chosen), or with ``every``
    all of them."""
    from ..load.params import listed_rows
    from ..load.translations import listed_editions

    project = target.project(choice.brief)
    if every:
        return project, dataclasses.replace(options, edition="", param="")
    param = choice.param or next(iter(row.key for row in listed_rows(project.source) or []), "")
    edition = choice.edition or next(iter(listed_editions(project.source)), "")
    return project, dataclasses.replace(options, edition=edition, param=param)


def shown_slot(outputs: dict, fmt: str, choice: Choice, original: str) -> str | None:
    """The slot of ``outputs`` that shows ``choice``: its row's and its edition's (see
    :mod:`deckgen.build.outputs`), else the only one of ``fmt``."""
    from ..build.outputs import slot, slot_format
    from ..load.params import slugify

    edition = "" if choice.edition == original else choice.edition
    unit = ".".join(part for part in (slugify(choice.param) if choice.param else "", edition) if part)
    wanted = slot(fmt, unit or None)
    if wanted in outputs:
        return wanted
    found = [name for name in outputs if slot_format(name) == fmt]
    return found[0] if found else None
