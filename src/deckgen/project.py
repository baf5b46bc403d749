"""Where a project's files live: source, templates (the project's, then deckgen's defaults), build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import EnvironmentProblem, UsageProblem


def default_templates_dir() -> Path:
    """deckgen's own templates: packaged with the wheel, or the repository's ``templates/``."""
    packaged = Path(__file__).parent / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


REFERENCE_DECKS = ("reference.pptx", "reference.potx")  # the first found is used


@dataclass(frozen=True)
class Project:
    """A brief's folder. A brief of a collection (see :mod:`deckgen.load.collection`) also reads
    the collection's ``templates/`` (after its own, before deckgen's) and keeps its figures in the
    collection's shared cache."""

    root: Path
    collection: Path | None = None   # the collection's root, whose templates/ this brief shares
    figure_root: Path | None = None  # the build/ folder whose figure cache is shared, if not ours

    @classmethod
    def at(cls, root: Path | str) -> Project:
        path = Path(root).resolve()
        if not (path / "source").is_dir():
            raise UsageProblem(f"{path}: not a deckgen project (no source/ folder here)")
        return cls(path)

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def figure_build_dir(self) -> Path:
        """The ``build/`` folder whose ``.deckgen-cache/figures/`` keeps this brief's figures."""
        return self.figure_root or self.build_dir

    @property
    def template_dirs(self) -> list[Path]:
        shared = [self.collection / "templates"] if self.collection is not None else []
        dirs = [self.root / "templates", *shared, default_templates_dir()]
        return [d for d in dirs if d.is_dir()]

    def template_file(self, name: str) -> Path:
        """The first ``name`` found in the project's templates, then deckgen's."""
        for folder in self.template_dirs:
            if (folder / name).is_file():
                return folder / name
        raise EnvironmentProblem(f"templates/{name}: template not found in {self.root / 'templates'} "
                           "or deckgen's defaults")

    @property
    def reference_deck(self) -> Path | None:
        """The organisation's PowerPoint template (``templates/reference.pptx``, or a PowerPoint
        template file saved as ``templates/reference.potx``), if any."""
        for folder in self.template_dirs:
            for name in REFERENCE_DECKS:
                if (folder / name).is_file():
                    return folder / name
        return None

    @property
    def trusted_dirs(self) -> list[Path]:
        """Folders whose files the renderers may read."""
        return [self.source, *self.template_dirs]
