"""Language editions: one source, the brief in every language ``brief.yaml``'s ``editions:`` lists.

The first edition is the original, in the brief's ``language``; each other edition reads its
translations beside the original files, in the manner of Quarto's profiles
(``_quarto-<profile>.yml`` over ``_quarto.yml``):

- ``sections/<id>.<lang>.md`` replaces ``sections/<id>.md`` as a whole (front matter and prose);
- ``brief.<lang>.yaml`` and ``figures/<id>.<lang>.yaml`` hold only the words, laid over the
  original's (:data:`BRIEF_WORDS`, :data:`FIGURE_WORDS`); numbers, data, ids and references stay
  the original's, so every edition draws the same figures from the same numbers. A figure's
  ``labels:`` maps the original's category, series and event labels to the translation's.

Each translation says which version of its original it was made from, in its front matter or
its first lines: ``translated_from: <the first 12 hex digits of the original's SHA-256>``. A
translation whose original has changed since is *stale*; an original with no translation is
*untranslated* (the edition shows the original's text there): both are warnings at the file,
saying what to do (:class:`EditionFiles`). A figure translation that gives a picture of its own
(``file: images/map.ja.svg``, a copy of the original's picture with its words translated) says
in the same way which version of the original's picture it was made from,
``picture_from: <the first 12 hex digits of that picture's SHA-256>``: when the original's picture
changes, the edition's is stale. :func:`parity_problems` compares an edition with the
original: the same sections, figures, tables, key points and citations.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from .. import model as m
from ..errors import Collector, Loc, Problem, UsageProblem
from .files import MAX_FILE_BYTES, MAX_YAML_BYTES, SourceFiles
from .pictures import MAX_PICTURE_BYTES
from .translations import is_translation, translation_path
from .yamlsrc import YamlDoc

STAMP = "translated_from"
STAMP_CHARS = 12
PICTURE_STAMP = "picture_from"  # in a figure's translation: the original picture its own is made from
_STAMP_LINE = re.compile(r"^translated_from[ \t]*:[ \t]*['\"]?(?P<value>[^'\"\s#]*)['\"]?[ \t]*(#.*)?$")

# The words a translation may give (True: the value as a whole; a dict: those keys of a mapping;
# a one-item list: those keys of each mapping of a list, item by item).
BRIEF_WORDS = {"title": True, "short_title": True, "subtitle": True, "organisation": True,
               "distribution": True, "summary": True, "keywords": True,
               "authors": [{"name": True, "role": True, "affiliation": True}],
               "contact": {"name": True}}
FIGURE_WORDS = {"title": True, "caption": True, "message": True, "alt": True, "source": True, "licence": True,
                "units": True, "x_title": True, "y_title": True, "labels": True,
                "file": True}  # a picture's own file, its words drawn in the edition's language
# Of those, the words always written in the brief's language: a translation that leaves one out
# shows the original's words in the edition, which is said (names, licences and files may rightly
# stay as they are).
PROSE_WORDS = ("title", "short_title", "subtitle", "summary", "caption", "message", "alt", "source",
               "units", "x_title", "y_title")


def stamp_of(data: bytes) -> str:
    """What a translation of a file with these bytes says in ``translated_from``."""
    return hashlib.sha256(data).hexdigest()[:STAMP_CHARS]


class EditionFiles(SourceFiles):
    """The source's files as one edition reads them: the original's, or for a translated edition
    each translation in place of (or laid over) its original, with the translation's stamp
    checked. ``wanted`` is the edition's language; None or the original's: the original."""

    def __init__(self, root: Path, problems: Collector, wanted: str | None = None):
        super().__init__(root, problems)
        self.wanted = wanted
        self.original = ""  # the original's language, known once brief.yaml is read
        self.replaced: dict[Path, Path] = {}  # original → the translation read in its place
        self.figure_labels: dict[str, tuple[dict[str, str], YamlDoc]] = {}
        self.original_brief: dict = {}  # brief.yaml's own data, before its translation
        self.figure_translations: dict[str, YamlDoc] = {}  # figure id → its translation, if any
        self.own_pictures: set[str] = set()  # the figures whose translation gives its own file:

    @property
    def language(self) -> str:
        return self.wanted or self.original

    @property
    def translating(self) -> bool:
        return bool(self.wanted) and self.wanted != self.original

    def rel(self, path: Path) -> str:
        return super().rel(self.replaced.get(path, path))

    # ---- the listing, in brief.yaml ----
    def begin(self, doc: YamlDoc) -> None:
        """Take the original's language and check the edition asked for against ``editions:``."""
        data = doc.data if isinstance(doc.data, dict) else {}
        editions = data.get("editions") or []
        editions = [e for e in editions if isinstance(e, str)] if isinstance(editions, list) else []
        language = data.get("language")
        self.original = editions[0] if editions else (language if isinstance(language, str) else "en")
        if editions and isinstance(language, str) and language != editions[0]:
            self.problems.error(doc.loc(("language",)), f"language '{language}' is not the first "
                                "edition", "language", f"'{editions[0]}', the language of the "
                                "original, first in editions:, or no language: line")
        if self.wanted and self.wanted not in (editions or [self.original]):
            listed = ", ".join(editions) if editions else f"{self.original} only (no editions: list)"
            raise UsageProblem(f"--edition {self.wanted}: the brief's editions are {listed}")

    # ---- reading ----
    def read_text(self, path: Path, loc: Loc | None = None, limit: int = MAX_FILE_BYTES, **reporting) -> str | None:
        text = super().read_text(path, loc, limit, **reporting)
        if text is None or not self.translating or path.suffix != ".md" or not self.in_source(path, "sections"):
            return text
        translated = translation_path(path, self.wanted)
        if not translated.exists():
            self.untranslated(path, translated)
            return text
        own = super().read_text(translated, None, limit)
        if own is None:
            return text
        self.replaced[path] = translated
        return self.front_matter_stamp(own, path, translated)

    def yaml(self, text: str, path: Path, line_offset: int = 0) -> YamlDoc | None:
        doc = super().yaml(text, self.replaced.get(path, path), line_offset)
        if doc is None:
            return None
        if path == self.source / "brief.yaml":
            self.begin(doc)
            self.original_brief = doc.data if isinstance(doc.data, dict) else {}
            return self.laid_over(doc, path, BRIEF_WORDS) if self.translating else doc
        if self.translating and path.suffix == ".yaml" and self.in_source(path, "figures"):
            return self.laid_over(doc, path, FIGURE_WORDS)
        return doc

    def in_source(self, path: Path, folder: str) -> bool:
        return path.parent == self.source / folder and not is_translation(path.name)

    def laid_over(self, doc: YamlDoc, path: Path, words: dict) -> YamlDoc:
        """``doc`` with the words of its translation laid over it; the translation's places stand
        for the words it gives."""
        translated = translation_path(path, self.wanted)
        if not translated.exists():
            self.untranslated(path, translated)
            return doc
        text = super().read_text(translated, None, MAX_YAML_BYTES)
        own = super().yaml(text, translated) if text is not None else None
        if own is None:
            return doc
        if not isinstance(own.data, dict):
            self.problems.error(own.loc(), "expected a mapping of keys to the translated words",
                                expected="key: value lines, as in the original")
            return doc
        data = dict(own.data)
        if path.parent.name == "figures":
            self.figure_translations[path.stem] = own
            if "file" in data:
                self.own_pictures.add(path.stem)
        stamp = data.pop(STAMP, None)
        self.check_stamp(path, translated, str(stamp) if stamp is not None else None, own.loc((STAMP,)))
        if path.parent.name == "figures":
            self.check_picture_stamp(doc, own, data, translated)
        if "labels" in data and path.parent.name == "figures":
            labels = data.pop("labels")
            if isinstance(labels, dict) and all(isinstance(v, (str, int, float)) for v in labels.values()):
                self.figure_labels[path.stem] = ({str(k): str(v) for k, v in labels.items()}, own)
            else:
                self.problems.error(own.loc(("labels",)), "labels: is not a mapping of labels",
                                    "labels", "original label: translated label lines")
        merged = _overlay(doc.data, data, words, (), own, self.problems)
        self.check_left_out(doc, data, own, translated)
        locs = dict(doc.locs)
        locs.update({p: loc for p, loc in own.locs.items() if p and p[0] in data})
        keys = dict(doc.keys)
        keys.update({p: loc for p, loc in own.keys.items() if p and p[0] in data})
        return dataclasses.replace(doc, data=merged, locs=locs, keys=keys)

    # ---- stamps ----
    def front_matter_stamp(self, text: str, original: Path, translated: Path) -> str:
        """The translation's text with its ``translated_from:`` line checked and blanked (a
        comment, so every other line keeps its number)."""
        lines = text.split("\n")
        found, where = None, Loc(super().rel(translated), 1, 1)
        if lines and lines[0].strip() == "---":
            for number, line in enumerate(lines[1:], start=2):
                if line.strip() == "---":
                    break
                match = _STAMP_LINE.match(line)
                if match:
                    found, where = match["value"], Loc(super().rel(translated), number, 1)
                    lines[number - 1] = "#"
                    break
        self.check_stamp(original, translated, found, where)
        return "\n".join(lines)

    def check_stamp(self, original: Path, translated: Path, stamp: str | None, where: Loc) -> None:
        digest = self.read_digests.get(original.relative_to(self.source).as_posix())
        if digest is None:
            return
        now, source, own = digest[:STAMP_CHARS], super().rel(original), super().rel(translated)
        if stamp is None:
            self.problems.warn(where, f"the translation does not say which version of {source} it "
                               "translates, so deckgen cannot tell when it goes stale", STAMP,
                               f"translated_from: {now} in its front matter, if it matches {source} as it is now")
        elif stamp != now:
            self.problems.warn(where, f"stale translation: {source} has changed since it was "
                               f"translated from its version {stamp}", STAMP,
                               f"bring {own} up to date with {source}, then write "
                               f"translated_from: {now}")

    def check_picture_stamp(self, doc: YamlDoc, own: YamlDoc, data: dict, translated: Path) -> None:
        """The ``picture_from:`` of a figure translation (taken out of ``data``) checked against the
        original's picture, when the translation gives a picture of its own."""
        stamp = data.pop(PICTURE_STAMP, None)
        original = doc.data.get("file") if isinstance(doc.data, dict) else None
        mine = data.get("file")
        if not isinstance(mine, str) or not isinstance(original, str) or mine == original:
            if stamp is not None and "file" not in data:  # (the original's own picture named again: nothing to go stale)
                self.problems.warn(own.loc((PICTURE_STAMP,)), "picture_from: changes nothing: this "
                                   "translation gives no picture of its own", PICTURE_STAMP,
                                   "file: the translated copy of the original's picture, or no "
                                   "picture_from: line")
            return
        digest = self.picture_digest(original)
        if digest is None:
            return  # the original edition says what is wrong with its picture
        now, source, copy = digest[:STAMP_CHARS], f"source/{original}", f"source/{mine}"
        if stamp is None:
            self.problems.warn(own.loc(("file",)), f"the translation's picture does not say which "
                               f"version of {source} it was made from, so deckgen cannot tell when it "
                               "goes stale", PICTURE_STAMP, f"picture_from: {now} in {super().rel(translated)}, "
                               f"if {copy} matches {source} as it is now")
        elif str(stamp) != now:
            self.problems.warn(own.loc((PICTURE_STAMP,)), f"stale picture: {source} has changed since "
                               f"{copy} was made from its version {stamp}", PICTURE_STAMP,
                               f"bring {copy} up to date with {source}, then write picture_from: {now}")

    def picture_digest(self, name: str) -> str | None:
        """The SHA-256 of the original's picture ``name`` (as its figure file writes it), or None
        when it cannot be read inside the source."""
        from .sandbox import Unreadable, read_inside

        if name.startswith(("/", "\\", "~")) or ":" in name or ".." in Path(name).parts:
            return None  # not a path under source/ (the original's edition says so)
        path = self.source / name
        try:  # nor one that leads outside it through a link
            data = read_inside(self.source, path, MAX_PICTURE_BYTES)
        except Unreadable:
            return None
        self._record(path, data)
        return hashlib.sha256(data).hexdigest()

    def check_left_out(self, doc: YamlDoc, data: dict, own: YamlDoc, translated: Path) -> None:
        """A warning at a translation that leaves out words of the original it should give."""
        original = doc.data if isinstance(doc.data, dict) else {}
        left = [key for key in PROSE_WORDS if key not in data
                and isinstance(original.get(key), str) and original[key].strip()]
        if left:
            keys = [f"{key}:" for key in left]
            names = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " and " + keys[-1]
            self.problems.warn(own.loc(), f"{names} {'is' if len(keys) == 1 else 'are'} not translated "
                               f"here, so the {self.wanted} edition shows the original's words",
                               f"edition {self.wanted}", f"{names} in {super().rel(translated)}")

    def untranslated(self, original: Path, translated: Path) -> None:
        self.problems.warn(Loc(super().rel(original)), f"untranslated in the {self.wanted} edition, "
                           "which shows this file's text as it is", f"edition {self.wanted}",
                           f"its translation in {super().rel(translated)}, with translated_from: "
                           f"{self.stamp_now(original)}")

    def stamp_now(self, original: Path) -> str:
        digest = self.read_digests.get(original.relative_to(self.source).as_posix(), "")
        return digest[:STAMP_CHARS]

    # ---- after the load ----
    def file_title(self, meta_title: str) -> str:
        """The title the output files are named after: the original's short title (or title),
        so that every edition is ``<name>.<lang>`` beside the original's ``<name>``."""
        if not self.translating:
            return meta_title
        data = self.original_brief
        title = data.get("short_title") or data.get("title")
        return title if isinstance(title, str) else meta_title

    def relabelled(self, figures: tuple[m.Figure, ...]) -> tuple[m.Figure, ...]:
        """The figures with their ``labels:`` translated; a label the figure does not have is a
        warning at it."""
        out = []
        for figure in figures:
            labels, doc = self.figure_labels.get(figure.id, ({}, None))
            if labels:
                known = set(figure.categories) | {s.name for s in figure.series} | {e.label for e in figure.events}
                for key in labels:
                    if key not in known:
                        self.problems.warn(doc.loc(("labels", key)), f"label '{key}' is not one of "
                                           f"the figure's", "labels",
                                           "a category, series name or event label of the original")
                figure = dataclasses.replace(
                    figure, categories=tuple(labels.get(c, c) for c in figure.categories),
                    series=tuple(dataclasses.replace(s, name=labels.get(s.name, s.name)) for s in figure.series),
                    events=tuple(dataclasses.replace(e, label=labels.get(e.label, e.label)) for e in figure.events))
            out.append(figure)
        return tuple(out)


def _overlay(original, translated, words, path: tuple, doc: YamlDoc, problems: Collector):
    """``translated``'s words over ``original``: only the keys ``words`` allows; lists of
    mappings item by item, with as many items as the original's."""
    if not isinstance(original, dict) or not isinstance(translated, dict):
        return original
    merged = dict(original)
    for key, value in translated.items():
        spec = words.get(key)
        where = doc.loc((*path, key))
        if spec is None:
            problems.error(where, f"'{key}' is not translated: every edition has the original's",
                           str(key), "only words in a translation: " + ", ".join(words))
        elif spec is True:
            merged[key] = value
        elif isinstance(spec, dict):
            merged[key] = _overlay(original.get(key), value, spec, (*path, key), doc, problems)
        elif isinstance(spec, list):
            items = original.get(key)
            if not isinstance(value, list) or not isinstance(items, list) or len(value) != len(items):
                count = len(items) if isinstance(items, list) else 0
                problems.error(where, f"'{key}' has {len(value) if isinstance(value, list) else 'no'} "
                               f"items, the original {count}", str(key), f"{count} items, one per the original's")
                continue
            merged[key] = [_overlay(o, t, spec[0], (*path, key, i), doc, problems)
                           for i, (o, t) in enumerate(zip(items, value))]
    return merged


# ---- parity ------------------------------------------------------------------------------------

def parity_problems(original: m.Brief, edition: m.Brief) -> list[Problem]:
    """Where ``edition`` differs from ``original`` in what it shows: each section's key points
    count, the figures it places, its numbered tables and the references it cites (warnings at
    the edition's section file)."""
    problems: list[Problem] = []
    lang = edition.meta.language
    for mine, theirs in zip(original.sections, edition.sections):
        if mine.loc.file == theirs.loc.file:
            continue  # untranslated: the original's own text
        for what, count in (("key points", _points), ("figures", _figures), ("numbered tables", _tables),
                            ("citations", _cited)):
            expected, found = count(mine), count(theirs)
            if expected != found:
                problems.append(Problem(_where(theirs, what, expected, found),
                                        f"the {lang} edition's {what} differ from the original's: "
                                        f"{_shown(found)} here, {_shown(expected)} in {mine.loc.file}",
                                        f"edition {lang}", f"the same {what} as {mine.loc.file}",
                                        warning=True))
    return problems


def _points(section: m.Section):
    return len(section.key_points)


def _figures(section: m.Section):
    return tuple(b.figure_id for b in m.walk(section.blocks) if isinstance(b, m.FigureBlock))


def _tables(section: m.Section):
    return sum(1 for b in m.walk(section.blocks) if isinstance(b, m.Table) and b.number)


def _cited(section: m.Section):
    from .loader import _spans

    return tuple(sorted({r for s in _spans(section.blocks) if isinstance(s, m.Citation) for r in s.ref_ids}))


def _where(section: m.Section, what: str, expected, found) -> Loc:
    """The first place of ``section`` where ``found`` departs from ``expected``, else its file."""
    if what == "key points":
        return section.at("key_points")
    if what == "figures":
        blocks = [b for b in m.walk(section.blocks) if isinstance(b, m.FigureBlock)]
        for index, block in enumerate(blocks):
            if index >= len(expected) or expected[index] != block.figure_id:
                return block.loc
    if what == "numbered tables":
        tables = [b for b in m.walk(section.blocks) if isinstance(b, m.Table) and b.number]
        if len(tables) > expected:
            return tables[expected].loc
    return section.loc


def _shown(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)
