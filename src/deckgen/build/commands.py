"""The command line's glue for builds of many units: a collection's briefs, a parameterised
brief's rows and editions, through the executors (:mod:`deckgen.build.executors`), and their
checks; each brief's and row's outcome reported, its errors located, the exit code of the
worst. :mod:`deckgen.cli` parses the options and calls these.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli import _echo_result, _echo_warnings, _progress, describe, summary
from ..errors import SourceError


def declares_params(project) -> bool:
    """True when the brief has ``params:`` (its rows are built as units, through the executor)."""
    from ..load.params import declared

    return declared(project.source) is not None


def build_units(project, options, quiet, as_json, executor, jobs, timeout) -> None:
    """One brief's units (its parameter rows and editions) through the executor's queue; a unit
    that fails is reported, the others written."""
    from .collection import build_units, exit_code, project_units
    from .executors import DEFAULT_TIMEOUT, executor_for

    units = project_units(project, options)
    with _progress(enabled=not (quiet or as_json)) as progress:
        outcome, = build_units(units, options, lambda count: executor_for(
            executor, jobs, count, timeout or DEFAULT_TIMEOUT), progress)
    if not outcome.errors:
        _echo_result(outcome.result, project, quiet, as_json)
        return
    if len(units) == 1:
        raise outcome.errors[0]
    if outcome.result.outputs:
        _echo_result(outcome.result, project, quiet, as_json)
    for error in outcome.errors:
        click.echo(_error_text(error), err=True)
    raise click.exceptions.Exit(exit_code([outcome]))


def _error_text(error, name: str = "") -> str:
    """An error of one unit of a build of many, saying what was not written."""
    unit = ", ".join(part for part in (name, getattr(error, "unit", "")) if part)
    if isinstance(error, SourceError):
        return error.report().replace("; nothing was written.", f"; nothing was written for {unit}.")
    return f"error: {error}" + (f" ({unit}: nothing was written for it)" if getattr(error, "unit", "") and
                                "nothing was written" not in str(error) else "")


def build_collection(collection, names, options, quiet, as_json, executor, jobs, timeout) -> None:
    """Build a collection's briefs; report each; exit non-zero when one failed."""
    from .collection import build_collection as build_all
    from .collection import exit_code

    with _progress(enabled=not (quiet or as_json)) as progress:
        outcomes = build_all(collection, names, options, executor, jobs, timeout, progress)
    if as_json:
        click.echo(json.dumps({"briefs": {o.name: _brief_summary(o) for o in outcomes}}, indent=2))
    else:
        _echo_outcomes(outcomes, collection.root, quiet, describe)
    code = exit_code(outcomes)
    if code:
        raise click.exceptions.Exit(code)


def _brief_summary(outcome) -> dict:
    if outcome.errors:
        return {"errors": [str(e) for e in outcome.errors]}
    return summary(outcome.result)


def _echo_outcomes(outcomes, root: Path, quiet: bool, what, done: str = "built") -> None:
    """Each brief's warnings, errors (file:line from the collection's root) and outcome."""
    from .collection import located_problems

    for outcome in outcomes:
        for warning in located_problems(outcome.result.warnings, outcome, root):
            click.echo(warning.format(root), err=True)
        for error in outcome.errors:
            click.echo(_error_text(error, outcome.name), err=True)
        if not quiet and not outcome.errors:
            click.echo(f"{outcome.name}: " + what(outcome.result).replace("\n", "\n  "))
    failed = [o.name for o in outcomes if o.errors]
    if failed:
        click.echo(f"{len(failed)} of {len(outcomes)} briefs failed: {', '.join(failed)}; "
                   f"the others were {done}", err=True)


def check_collection(collection, names, strict: bool) -> None:
    """``deckgen check`` of a collection's briefs (all, or ``names``): each reported."""
    from .collection import check_collection as check_all
    from .collection import exit_code

    outcomes = check_all(collection, names, strict)

    def what(result) -> str:
        return f"ok: {result.counts['sections']} sections, {result.counts['figures']} figures"

    _echo_outcomes(outcomes, collection.root, False, what, "checked")
    code = exit_code(outcomes)
    if code:
        raise click.exceptions.Exit(code)


def check_one(project, strict: bool) -> None:
    """``deckgen check`` of one brief: its source, deck plan and editions, and for a
    parameterised brief every row's: a failing row named, the others checked all the same."""
    from ..load.translations import listed_editions
    from .collection import check_brief, exit_code

    outcome = check_brief(project, strict)
    rows = outcome.result.counts.get("rows", 0)
    if outcome.errors and not rows:
        raise outcome.errors[0]
    _echo_warnings(outcome.result.warnings, project)
    if outcome.errors:
        for error in outcome.errors:
            click.echo(_error_text(error), err=True)
        failed = [e.unit for e in outcome.errors if getattr(e, "unit", "")]
        click.echo(f"{len(failed)} of {rows} parameter rows failed: {', '.join(failed)}; the others "
                   "were checked", err=True)
        raise click.exceptions.Exit(exit_code([outcome]))
    counts, editions = outcome.result.counts, listed_editions(project.source)
    click.echo(f"ok: {counts['sections']} sections, {counts['figures']} figures, "
               f"{counts['references']} references"
               + (f"; editions {', '.join(editions)}" if editions else "")
               + (f"; {rows} parameter rows" if rows else ""))
