"""Helpers several test modules share (no test module imports another)."""

from __future__ import annotations

from pypdf import PdfReader

from deckgen.cli import main
from deckgen.project import Project

# A figure file whose data comes from a CSV named by ``{csv}``, with columns c and v.
CSV_FIGURE = """\
kind: column
title: A chart
alt: Columns.
source: Test data
data:
  csv: {csv}
  category: c
  series:
    - column: v
"""


def run(capsys, *args) -> tuple[int, str, str]:
    """``deckgen ARGS`` in this process: its exit code, standard output and standard error."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(project: Project) -> str:
    """The text of the project's one built PDF."""
    (path,) = project.build_dir.glob("*.pdf")
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def running(pid: int) -> bool:
    """True while ``pid`` runs: not gone, and not a zombie waiting for its parent to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            return file.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
