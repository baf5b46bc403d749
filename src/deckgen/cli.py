"""The command line: ``deckgen build``, ``deckgen check``. Thin: parse, call the library, report.

Exit codes: 0 success; 1 the source is invalid; 2 usage or environment problem.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import DeckgenError, SourceError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

project_argument = click.argument(
    "project_dir", required=False, default=".",
    type=click.Path(file_okay=False, path_type=Path))


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
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--pdf-variant", default="pdf/ua-1", show_default=True,
              type=click.Choice(["pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "pdf/a-3u", "none"]),
              help="PDF standard to write.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default=None,
              help="Paper size (default: the brief file's, else A4).")
@click.option("--print", "print_mode", is_flag=True,
              help="Print-shop mode: 3 mm bleed and crop marks.")
@click.option("--only", type=click.Choice(["pdf", "pptx"]), default=None,
              help="Build only one of the outputs.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
def build(project_dir: Path, strict, pdf_variant, paper, print_mode, only, quiet, as_json) -> None:
    """Build build/<name>.pdf and build/<name>.pptx from PROJECT_DIR (default: here)."""
    from .build import BuildOptions
    from .build import build as run_build
    from .project import Project

    options = BuildOptions(variant=pdf_variant, print_mode=print_mode, paper=paper, strict=strict,
                           formats=(only,) if only else ("pdf", "pptx"))
    project = Project.at(project_dir)
    result = run_build(project, options)
    if as_json:
        click.echo(json.dumps({
            "outputs": {k: str(v) for k, v in result.outputs.items()},
            "pages": result.pages, "slides": result.slides,
            "timings": {k: round(v, 3) for k, v in result.timings.items()},
            "warnings": [w.format() for w in result.warnings],
        }, indent=2))
        return
    for warning in result.warnings:
        click.echo(warning.format(project.root), err=True)
    if not quiet:
        total = sum(result.timings.values())
        for suffix, path in result.outputs.items():
            detail = f"{result.pages} pages" if suffix == "pdf" else f"{result.slides} slides"
            click.echo(f"wrote {_relative(path)} ({detail})")
        click.echo(f"built in {total:.2f} s")


@cli.command()
@project_argument
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(project_dir: Path, strict: bool) -> None:
    """Validate PROJECT_DIR's source without writing anything."""
    from .build import check as run_check
    from .project import Project

    project = Project.at(project_dir)
    brief, _, warnings = run_check(project, strict)
    for warning in warnings:
        click.echo(warning.format(project.root), err=True)
    click.echo(f"ok: {len(brief.sections)} sections, {len(brief.figures)} figures, "
               f"{len(brief.references)} references")


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising."""
    try:
        cli.main(args=argv, prog_name="deckgen", standalone_mode=False)
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
    except KeyboardInterrupt:
        click.echo("interrupted; previous outputs are intact", err=True)
        return 130
    return EXIT_OK


def entry_point() -> None:
    sys.exit(main())
