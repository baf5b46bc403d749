"""``deckgen new DIR``: a new brief project that builds at once.

The project gets a minimal, valid source (two sections, a figure, a reference), copies of
deckgen's templates to restyle, a README, a ``.gitignore``, and the JSON Schemas and editor settings
of :mod:`deckgen.editor` (its YAML files name their schema on their first line). An existing,
non-empty folder is never written into.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from string import Template

from .editor import modeline, schema_of, write_schemas
from .errors import DeckgenError, UsageProblem
from .project import default_templates_dir

SKELETON = Path(__file__).parent / "skeleton"
TEMPLATES = ("theme.yaml", "brief.html.j2", "brief.css")
RENAMES = {"gitignore": ".gitignore"}  # dot files are stored without the dot in the package


class TargetNotEmpty(DeckgenError):
    """``deckgen new`` was pointed at a folder that already holds files: a usage error."""

    exit_code = 2


SHORT_TITLE_MAX = 60
TITLE_MAX = 300


def create(target: Path, title: str | None = None, today: dt.date | None = None) -> list[Path]:
    """Write a new project into ``target``; return the files written."""
    _refuse_non_empty(target)
    title = (title or _title_from(target)).strip()
    if not title or len(title) > TITLE_MAX:
        raise UsageProblem(f"--title: give a title of 1 to {TITLE_MAX} characters")
    values = _values(title, today or dt.date.today())
    written = []
    for source in sorted(p for p in SKELETON.rglob("*") if p.is_file()):
        stored = source.relative_to(SKELETON).as_posix()
        relative = RENAMES.get(stored, stored)
        text = Template(source.read_text(encoding="utf-8")).safe_substitute(values)
        written.append(_write(target / relative, _with_schema_line(relative, text)))
    for name in TEMPLATES:
        destination = target / "templates" / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(default_templates_dir() / name, destination)
        written.append(destination)
    return written + write_schemas(target)


def _with_schema_line(relative: str, text: str) -> str:
    """A source YAML file an editor can check, with its schema's modeline first (the copied
    templates stay deckgen's own, byte for byte; the editor settings map the theme)."""
    return modeline(relative) + "\n" + text if schema_of(relative) is not None else text


def _refuse_non_empty(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise TargetNotEmpty(f"{target}: exists and is not a folder (expected a new or empty folder)")
    if target.is_dir() and any(target.iterdir()):
        raise TargetNotEmpty(f"{target}: folder is not empty; nothing was written "
                             "(expected a new or empty folder)")


def _title_from(target: Path) -> str:
    words = target.resolve().name.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else "A new policy brief"


def _values(title: str, today: dt.date) -> dict[str, str]:
    from .load.loader import slugify

    short = _header_title(short_title(title))
    return {"title": title, "title_yaml": json.dumps(title, ensure_ascii=False),
            "short_yaml": json.dumps(short, ensure_ascii=False),
            "date": today.isoformat(), "name": slugify(short) or "brief"}


def short_title(title: str, limit: int = SHORT_TITLE_MAX) -> str:
    """``title`` cut at a word boundary to fit ``limit`` characters (the schema's bound)."""
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0] if " " in title[:limit] else title[:limit]
    return cut.rstrip(" ,;:–—-")


def _header_title(short: str) -> str:
    """``short`` cut further, at a word, to what the running header shows whole with deckgen's
    theme, so that a new brief builds without a warning."""
    from .pdf.headers import fitting_short_title
    from .theme import load_theme

    return fitting_short_title(short, load_theme(default_templates_dir() / "theme.yaml")) or short


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
