"""How translations are named and which editions a brief lists, read without loading the source
(the build keys each edition's outputs before it loads anything; see :mod:`deckgen.load.editions`).

A translation is named after its original with the edition's language tag before the suffix:
``sections/history.ja.md``, ``figures/tourism-2022.ja.yaml``, ``brief.ja.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
TRANSLATION_NAME = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.(?P<ext>md|yaml)$")
_EDITIONS_LINE = re.compile(r"^editions[ \t]*:", re.MULTILINE)
MAX_BRIEF_BYTES = 200_000


def translation_path(path: Path, language: str) -> Path:
    """``sections/history.md`` → ``sections/history.ja.md``."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def is_translation(name: str) -> bool:
    """Whether a file name is a translation's (``history.ja.md``)."""
    return TRANSLATION_NAME.match(name) is not None


def translation_language(name: str) -> str:
    """The language of a translation's file name; "" for an original's."""
    match = TRANSLATION_NAME.match(name)
    return match["lang"] if match else ""


def listed_editions(source: Path) -> tuple[str, ...]:
    """The editions ``source/brief.yaml`` lists, read leniently; () when it lists none or cannot
    be read (the loader then says what is wrong). YAML is parsed only when a line starts with
    ``editions:``."""
    from .sandbox import Unreadable, read_inside

    try:
        text = read_inside(source, source / "brief.yaml", MAX_BRIEF_BYTES).decode("utf-8")
    except (Unreadable, UnicodeDecodeError):
        return ()
    if not _EDITIONS_LINE.search(text):
        return ()
    from .yamlsrc import YamlProblem, load_yaml

    try:
        data = load_yaml(text, "source/brief.yaml").data
    except (YamlProblem, RecursionError):
        return ()
    editions = data.get("editions") if isinstance(data, dict) else None
    if not isinstance(editions, list) or not all(isinstance(e, str) and LANGUAGE_TAG.match(e) for e in editions):
        return ()
    return tuple(dict.fromkeys(editions))
