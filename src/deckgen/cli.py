"""The command line: ``deckgen build|check|watch|preview|new|schema``. Thin: parse, call the library, report.

Exit codes: 0 success; 1 the source is invalid; 2 usage or environment problem.
Nothing heavy is imported at module level: a no-op ``deckgen build`` must start and answer
from the cache in a fraction of a second.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .build.outputs import COUNT_LABELS, FORMATS, OUTPUTS, slot_format
from .errors import DeckgenError, SourceError
from .pdf.variants import PDF_VARIANTS
from .reproducible import check_source_date_epoch

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

project_argument = click.argument(
    "project_dir", required=False, default=".",
    type=click.Path(file_okay=False, path_type=Path))


def build_options(command):
    """The options ``build`` and ``watch`` share."""
    for option in reversed([
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
        click.option("--pdf-variant", default="pdf/ua-1", show_default=True,
                     type=click.Choice(PDF_VARIANTS),
                     help="PDF standard to write."),
        click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
                     help="Paper size (default: the brief file's, else A4)."),
        click.option("--print", "print_mode", is_flag=True,
                     help="Print-shop mode: 3 mm bleed and crop marks."),
        click.option("--only", type=click.Choice(FORMATS), default=None,
                     help="Build only one of the outputs."),
        click.option("--force", is_flag=True, help="Ignore the cache and render everything."),
        click.option("--serial", is_flag=True,
                     help="Render the PDF and the deck one after the other, in one process."),
        click.option("--edition", default="", metavar="LANG",
                     help="Build one of the brief's editions (a language of its editions: list)."),
        click.option("--param", default="", metavar="VALUE",
                     help="Build one row of a parameterised brief (its value in the params: file)."),
    ]):
        command = option(command)
    return command


def _options(strict, pdf_variant, paper, print_mode, only, force, serial, edition="", param=""):
    from .build.options import BuildOptions

    return BuildOptions(variant=pdf_variant, print_mode=print_mode, paper=paper, strict=strict,
                        formats=(only,) if only else FORMATS, force=force, parallel=not serial,
                        edition=edition, param=param)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def cli() -> None:
    """Build a print-ready PDF policy brief and a PowerPoint deck from one source.

    A project holds source/ (brief.yaml, sections/*.md, figures/*.yaml, data/*.csv) and may
    hold templates/ to override deckgen's own. Outputs go to build/.

    Exit codes: 0 success, 1 invalid source, 2 usage or environment problem.
    """


@cli.command()
@project_argument
@build_options
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but warnings and errors.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Briefs, editions and parameter rows rendered at once, each by a warm worker "
                   "process (default: the number of cores).")
@click.option("--executor", default="local", metavar="local|dask://HOST:PORT",
              help="Where the briefs, editions and rows are rendered: here, or on a Dask cluster.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=None,
              help="Seconds one brief, edition or row may take in a worker before it is retried "
                   "(default: 600).")
def build(project_dir: Path, quiet, as_json, jobs, executor, timeout, **options) -> None:
    """Build build/<name>.pdf and build/<name>.pptx from PROJECT_DIR (default: here).

    Only what changed is rendered: with nothing changed, the build answers from
    build/.deckgen-cache/ at once. In a collection (a folder with deckgen.yaml), every brief
    that changed is built, or the one PROJECT_DIR names (deckgen build NAME).
    """
    from .build.commands import build_collection, build_units, declares_params
    from .build.pipeline import build as run_build
    from .load.collection import locate
    from .project import Project

    check_source_date_epoch()
    found = locate(project_dir)
    if found is not None:
        build_collection(*found, _options(**options), quiet, as_json, executor, jobs, timeout)
        return
    project = Project.at(project_dir)
    if executor != "local" or jobs is not None or declares_params(project):
        build_units(project, _options(**options), quiet, as_json, executor, jobs, timeout)
        return
    with _progress(enabled=not (quiet or as_json)) as progress:
        result = run_build(project, _options(**options), progress=progress)
    _echo_result(result, project, quiet, as_json)


def _echo_result(result, project, quiet: bool, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary(result), indent=2))
        return
    _echo_warnings(result.warnings, project)
    if not quiet:
        click.echo(describe(result))


@cli.command()
@project_argument
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--template-info", is_flag=True,
              help="List the reference template's slide masters and layouts, and which each kind of slide takes.")
def check(project_dir: Path, strict: bool, template_info: bool) -> None:
    """Validate PROJECT_DIR's source without writing anything."""
    from .build.commands import check_collection
    from .load.collection import locate
    from .project import Project

    check_source_date_epoch()
    found = locate(project_dir)
    if found is not None and not template_info:
        check_collection(*found, strict)
        return
    project = Project.at(project_dir)
    if template_info:
        _echo_template_info(project)
    from .build.commands import check_one

    check_one(project, strict)


def _echo_template_info(project) -> None:
    from .deck.template import template_listing
    from .theme import load_theme

    if project.reference_deck is None:
        click.echo("no reference template (templates/reference.pptx or reference.potx): the deck "
                   "is drawn from the theme")
        return
    click.echo(template_listing(load_theme(project.template_file("theme.yaml"), project.root), project.reference_deck))


@cli.command()
@project_argument
@build_options
def watch(project_dir: Path, **options) -> None:
    """Rebuild PROJECT_DIR's outputs on every save to source/ or templates/ (Ctrl-C stops).

    In a collection (a folder with deckgen.yaml), every brief is watched, or the one
    PROJECT_DIR names, and a save rebuilds the brief it belongs to (the shared templates/: all)."""
    from .load.collection import locate
    from .project import Project
    from .watch import Briefs, watch_briefs

    check_source_date_epoch()
    found = locate(project_dir)
    briefs = Briefs.of_collection(*found) if found is not None else Briefs.of_project(Project.at(project_dir))
    watch_briefs(briefs, _options(**options), report=lambda event: _echo_watch_event(event, briefs.root))


@cli.command()
@project_argument
@build_options
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="The port on 127.0.0.1 to serve on (default: a free one).")
@click.option("--editor", default=None,
              help="Open a clicked page, slide or error in this editor: code, codium, subl, or a "
                   "command with {file} and {line} in it.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@click.option("--brief", "brief", default="", metavar="NAME",
              help="Of a collection, the brief shown first (default: the first; the page chooses others).")
@click.option("--all", "every", is_flag=True,
              help="Rebuild every edition and row of the brief shown after each save, not only the one shown.")
def preview(project_dir: Path, port: int, editor: str | None, open_browser: bool, brief: str,
            every: bool, **options) -> None:
    """Show PROJECT_DIR's pages and slides side by side in a browser, on 127.0.0.1 only,
    refreshed after every save (Ctrl-C stops); of a collection, an edition or a row at a time."""
    from .preview.choices import Choice, target
    from .preview.opener import editor_command
    from .preview.session import Preview

    check_source_date_epoch()
    where, shown = target(project_dir, brief)
    project = where.project(shown)
    built = _options(**options)
    session = Preview(project, built, editor_command(editor) if editor else None, port,
                      echo=lambda event: _echo_event(event, session.project), target=where,
                      choice=Choice(shown, built.edition, built.param), every=every)
    click.echo(f"preview: {session.url}")
    if open_browser:
        import webbrowser

        webbrowser.open(session.url)
    session.run()


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", default=None, help="The brief's title (default: from DIRECTORY's name).")
def new(directory: Path, title: str | None) -> None:
    """Start a new brief project in DIRECTORY (which must not exist or be empty)."""
    from .scaffold import create

    created = create(directory, title)
    click.echo(f"created {_relative(directory)} ({len(created)} files); build it with:\n"
               f"  deckgen build {_relative(directory)}")


@cli.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
def schema(project_dir: Path) -> None:
    """Write JSON Schemas of the source and theme files into PROJECT_DIR/.deckgen/schemas/ (and,
    when it has none, .vscode/settings.json), for completion and inline errors in editors."""
    from .editor import write_schemas
    from .project import Project

    project = Project.at(project_dir)
    for path in write_schemas(project.root):
        click.echo(f"wrote: {_relative(path, project.root)}")


# ---- reporting -----------------------------------------------------------------------------------

def summary(result) -> dict:
    """The ``--json`` summary of a build."""
    return {
        "outputs": {k: str(v) for k, v in result.outputs.items()},
        **{label: result.counts.get(label, 0) for label in COUNT_LABELS},
        "timings": {k: round(v, 3) for k, v in result.timings.items()},
        "warnings": [w.format() for w in result.warnings],
        "cache": result.cache,
        **({"removed": list(result.notes)} if result.notes else {}),
    }


def describe(result, root: Path | None = None) -> str:
    """What a build did, in a few lines for a person (its paths from ``root``, else from here)."""
    states = result.cache.get("outputs", {})
    lines = []
    for fmt, path in result.outputs.items():
        detail = f"{result.count_of(fmt)} {OUTPUTS[slot_format(fmt)].count_label}"
        verb = "up to date" if states.get(fmt) == "hit" else "wrote"
        lines.append(f"{verb}: {_relative(path, root)} ({detail})")
    lines += result.notes
    figures = result.cache.get("figures", {})
    if figures.get("hits"):
        lines.append(f"figures: {figures['hits']} from the cache, {figures['rendered']} drawn")
    lines.append(f"{'checked' if result.up_to_date else 'built'} in {result.timings['total']:.2f} s")
    return "\n".join(lines)


def _echo_warnings(warnings, project) -> None:
    for warning in warnings:
        click.echo(warning.format(project.root), err=True)


def _echo_event(event, project) -> None:
    _echo_watch_event(event, project.root)


def _echo_watch_event(event, root: Path) -> None:
    """One watch event: what changed, then the rebuild's outcome and time (a collection's
    brief's prefixed with its name, its paths from the collection's root)."""
    prefix = f"{event.brief}: " if event.brief else ""
    if event.kind == "changed":
        names = ", ".join(_relative(Path(p), root) for p in event.paths)
        click.echo(f"changed: {names}")
    elif event.kind == "built":
        for warning in event.result.warnings:
            click.echo(warning.format(root), err=True)
        click.echo(prefix + describe(event.result, root if event.brief else None).replace("\n", "\n  " if prefix else "\n"))
    elif event.kind == "failed":
        error = event.error
        click.echo(error.report() if isinstance(error, SourceError) else f"error: {prefix}{error}", err=True)
        click.echo("waiting for the next save", err=True)
    else:
        click.echo(event.message)


class _progress:
    """A spinner naming the build's current step on stderr, only when stderr is a terminal.

    rich is imported on the first step, so a build answered from the cache never loads it."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.status = None

    def __enter__(self):
        return self.step if self.enabled else None

    def step(self, message: str) -> None:
        if self.status is None:
            from rich.console import Console

            self.status = Console(stderr=True).status(message)
            self.status.start()
        else:
            self.status.update(message)

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.stop()


def _relative(path: Path, root: Path | None = None) -> str:
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising."""
    try:
        code = cli.main(args=argv, prog_name="deckgen", standalone_mode=False)
    except SourceError as exc:
        click.echo(exc.report(), err=True)
        return EXIT_INVALID
    except DeckgenError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except OSError as exc:  # the file system refused: a full disk, a read-only build/ folder
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"error: {where}{exc.strerror or exc}", err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("interrupted; previous outputs are intact", err=True)
        return 130
    return code if isinstance(code, int) else EXIT_OK


def entry_point() -> None:
    leave(main())


def leave(code: int) -> None:
    """End the process with ``code`` at once. Every output is written, synced and closed by
    now, and every lock released; what is left is freeing the renderers' large heap object by
    object, a fifth of a second after a build, which the system does faster. A process that
    talked to a Dask cluster ends as Python ends, so its client says goodbye."""
    if "distributed" in sys.modules:
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
