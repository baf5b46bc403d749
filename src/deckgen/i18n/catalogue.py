"""The catalogues: deckgen's fixed words in each language it ships, and a project's changes.

``catalogues/<lang>.yaml`` (package data) holds every word deckgen adds to the brief and the
deck, one key a line, for each built-in language (:func:`built_in_languages`); ``en.yaml`` is the
reference every other catalogue has exactly the keys of. A project changes any label in
``templates/labels.<lang>.yaml`` (only the keys it changes), or gives a language deckgen has no
catalogue for by writing every key there.

The project's file belongs to its templates, trusted like code but checked: it is read only if
it is a regular file (not a link), of at most :data:`MAX_LABELS_BYTES`, as YAML that builds no
objects (:func:`deckgen.load.yamlsrc.load_yaml`); an unknown key (with the closest known one), a
value that is not text, or a blank (``{n}``) left out or made up is an
:class:`~deckgen.errors.EnvironmentProblem` at its file and line, every one at once.
"""

from __future__ import annotations

import re
import stat
from functools import lru_cache
from pathlib import Path

from ..errors import EnvironmentProblem, Loc, did_you_mean
from ..text import printable
from .labels import Labels

CATALOGUES = Path(__file__).parent / "catalogues"
MAX_LABELS_BYTES = 64_000
_BLANK = re.compile(r"\{(\w+)\}")
_TRADITIONAL = ("hant", "tw", "hk", "mo")  # Chinese in traditional characters: not zh.yaml


class NoCatalogue(Exception):
    """The brief's language has neither a built-in catalogue nor a complete project one."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


@lru_cache(maxsize=1)
def built_in_languages() -> tuple[str, ...]:
    """The languages deckgen ships a catalogue for: en first, then by code."""
    found = sorted(p.stem for p in CATALOGUES.glob("*.yaml"))
    return tuple(["en"] + [code for code in found if code != "en"])


def catalogue_key(language: str) -> str:
    """The catalogue a language tag reads: its primary subtag ("pt" for "pt-BR"), except that
    Chinese in traditional characters (zh-Hant, zh-TW ...) is "zh-Hant", not the simplified zh."""
    parts = language.split("-")
    base = parts[0].lower()
    if base == "zh" and any(p.lower() in _TRADITIONAL for p in parts[1:]):
        return "zh-Hant"
    return base


@lru_cache(maxsize=32)
def built_in(key: str) -> Labels:
    """deckgen's own catalogue ``key`` (one of :func:`built_in_languages`)."""
    from ..load.yamlsrc import load_yaml

    path = CATALOGUES / f"{key}.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"), str(path)).data
    return Labels(key, tuple((str(k), str(v)) for k, v in data.items()))


def reference_keys() -> tuple[str, ...]:
    return built_in("en").keys()


def blanks(text: str) -> set[str]:
    """The names of the blanks in a label: ``{"n"}`` for "Figure {n}"."""
    return set(_BLANK.findall(text))


def labels_for(language: str, *templates_dirs: Path | None) -> Labels:
    """The labels of ``language``: the built-in catalogue with each ``templates_dir/labels.<lang>.yaml``
    over it, the first folder's words winning (a brief's own ``templates/``, then its
    collection's). :class:`NoCatalogue` when there is neither a built-in catalogue nor a project
    file; a wrong project file is an EnvironmentProblem."""
    key = catalogue_key(language)
    present = [d / f"labels.{key}.yaml" for d in templates_dirs
               if d is not None and _exists(d / f"labels.{key}.yaml")]
    base = built_in(key) if key in built_in_languages() else None
    if base is None and not present:
        raise NoCatalogue(key)
    words = dict(base.words) if base is not None else {}
    for number, path in enumerate(reversed(present)):  # the collection's first, the brief's over it
        words.update(read_labels(path, complete=base is None and number == 0))
    return Labels(language, tuple((k, words[k]) for k in reference_keys()))


def _exists(path: Path) -> bool:
    try:
        path.lstat()
    except OSError:
        return False
    return True


def read_labels(path: Path, complete: bool = False) -> dict[str, str]:
    """A project's labels file, checked (every key known, text, with the reference's blanks);
    ``complete``: it must give every key (a language with no built-in catalogue)."""
    from ..load.yamlsrc import YamlProblem, load_yaml

    text = _read(path)
    try:
        doc = load_yaml(text, str(path))
    except YamlProblem as exc:
        raise EnvironmentProblem(f"{exc.loc}: labels: {exc.message}") from None
    if doc.data is None:
        doc_data: dict = {}
    elif isinstance(doc.data, dict):
        doc_data = doc.data
    else:
        raise EnvironmentProblem(f"{path}:1:1: labels: the file holds no mapping (expected "
                                 "key: \"text\" lines, with the keys of deckgen's en.yaml)")
    reference = built_in("en")
    problems: list[tuple[Loc, str]] = []
    for key, value in doc_data.items():
        loc = doc.loc((key,))
        if key not in reference:
            hint = did_you_mean(str(key), reference.keys())
            problems.append((loc, f"unknown label '{key}'" + (f" ({hint})" if hint else
                                                               " (expected a key of deckgen's en.yaml)")))
        elif not isinstance(value, str) or not value.strip():
            problems.append((loc, f"label '{key}' is not text (expected a quoted text)"))
        elif blanks(value) != blanks(reference[key]):
            problems.append((loc, (f"label '{key}' has the blanks {_listed(blanks(value))} "
                                  f"(expected {_listed(blanks(reference[key]))})")))
    if complete:
        missing = [key for key, _ in reference.words if key not in doc_data]
        if missing:
            problems.append((doc.loc(()), (f"labels lack {', '.join(missing)} (a language deckgen "
                                          "has no catalogue for needs every label)")))
    if problems:
        lines = [f"{loc}: labels: {message}" + _excerpt(text, loc) for loc, message in problems]
        noun = "error" if len(problems) == 1 else "errors"
        lines.append(f"{len(problems)} {noun} in the labels; nothing was written.")
        raise EnvironmentProblem("\n".join(lines))
    return {str(k): v for k, v in doc_data.items()}


def _listed(names: set[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names)) or "none"


def _read(path: Path) -> str:
    """The file's text: a regular file (not a link), within the size limit, UTF-8."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise EnvironmentProblem(f"{path}: labels: not a regular file (a link or a folder); "
                                     "deckgen reads only regular files")
        if info.st_size > MAX_LABELS_BYTES:
            raise EnvironmentProblem(f"{path}: labels: the file is too large ({info.st_size:,} "
                                     f"bytes; at most {MAX_LABELS_BYTES:,})")
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentProblem(f"{path}: labels: cannot read the file: {exc}") from None


def _excerpt(text: str, loc: Loc) -> str:
    lines = text.split("\n")
    if 0 < loc.line <= len(lines) and lines[loc.line - 1].strip():
        return "\n    " + printable(lines[loc.line - 1].rstrip()[:200])
    return ""
