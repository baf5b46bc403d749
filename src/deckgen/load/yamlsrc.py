"""Read YAML so that every value keeps its file, line and column.

The text is untrusted, so it is read from ruamel.yaml's *event stream* and turned into plain
data here, one event at a time, without ruamel's composer or constructor:

- nothing is ever constructed from a tag: explicit tags other than the core ones (``!!str``,
  ``!!int`` ...) are refused, so ``!!python/object`` and friends are errors, not objects;
- anchors may be written but aliases (``*name``) are refused outright, so no alias expansion
  (a "billion laughs" document) can blow up a build;
- nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_EVENTS` values stop the
  parse at once (ruamel's parser slows down sharply on deep flow nesting such as ``[[[[...``);
- keys that are not plain text and more than one document are errors; so is a key set twice in
  one mapping, recorded in :attr:`YamlDoc.duplicates` while the parse goes on (the first value
  kept), so the rest of the file is still checked;
- a syntax error is said in plain words with what to type where it is a common mistake
  (:mod:`deckgen.load.yaml_hints`);
- a line break YAML turns into a space inside a value is no space between two Chinese or Japanese
  characters (:mod:`deckgen.load.east_asian`);
- characters XML cannot hold (control characters, lone surrogates written as ``"\\ud800"``,
  U+FFFE ...) are removed from every string; where that happened is recorded in
  :attr:`YamlDoc.cleaned` so the loader can warn.

Timestamps stay text (``2026-11-26``): the schema turns them into dates and reports an
impossible date (``2026-02-30``) at its line like any other invalid value.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError

from ..errors import Loc
from ..text import strip_unsafe
from .east_asian import folded, refolded
from .yaml_hints import explain

Path_ = tuple  # a path into the data: keys and list indices

MAX_DEPTH = 16        # mappings and lists inside each other
MAX_EVENTS = 20_000   # scalars, mappings and lists in one file

_CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {*(_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                           "timestamp"))}

_DUPLICATE = "\x00duplicate"  # where the second value of a duplicated key goes: nowhere


class YamlProblem(Exception):
    """The text is not YAML deckgen accepts; ``loc`` points at the trouble."""

    def __init__(self, loc: Loc, message: str, expected: str = ""):
        self.loc = loc
        self.message = message
        self.expected = expected
        super().__init__(f"{loc}: {message}")


@dataclass(frozen=True)
class YamlDoc:
    """Plain Python data (dict, list, str, int, float, bool, None) and where each part came from."""

    data: object
    locs: dict[Path_, Loc]
    file: str
    line_offset: int = 0
    cleaned: tuple[Loc, ...] = field(default=())
    duplicates: tuple[YamlProblem, ...] = field(default=())  # keys set twice: errors to report
    keys: dict[Path_, Loc] = field(default_factory=dict)  # where each key of a mapping is written

    def loc(self, path: Path_ = ()) -> Loc:
        """The location of the value at ``path``, or of its nearest parent that has one."""
        path = tuple(path)
        while path not in self.locs and path:
            path = path[:-1]
        return self.locs.get(path, Loc(self.file, 1 + self.line_offset, 1))

    def key_loc(self, path: Path_) -> Loc:
        """Where the key of the value at ``path`` is written (the line to change, whatever line
        its value starts on), else :meth:`loc`."""
        path = tuple(path)
        return self.keys.get(path) or self.loc(path)

    def key_locs(self) -> tuple[tuple[str, Loc], ...]:
        """Where each key of the document's mapping is written: what the model keeps of a
        file's keys, for the warnings about their values."""
        data = self.data
        return tuple((key, self.key_loc((key,))) for key in data) if isinstance(data, dict) else ()


PARSED_KEPT = 256           # documents kept by load_yaml, the least recently used dropped first
PARSED_TEXT_LIMIT = 100_000  # characters; larger texts are parsed every time, never kept
_parsed: OrderedDict[tuple[str, str, int], YamlDoc] = OrderedDict()


def load_yaml(text: str, file: str, line_offset: int = 0) -> YamlDoc:
    """Parse ``text`` (the content of ``file``); raise :class:`YamlProblem` on bad YAML.

    A parsed document is kept by its text, so a long-lived process (``deckgen watch``) parses
    again only the files that changed. Documents are shared: callers only read them."""
    key = (text, file, line_offset)
    if len(text) > PARSED_TEXT_LIMIT:
        return _parse(text, file, line_offset)
    if key in _parsed:
        _parsed.move_to_end(key)
        return _parsed[key]
    _parsed[key] = document = _parse(text, file, line_offset)
    if len(_parsed) > PARSED_KEPT:
        _parsed.popitem(last=False)
    return document


def _parse(text: str, file: str, line_offset: int) -> YamlDoc:
    builder = _Builder(file, line_offset, text)
    yaml = YAML(typ="rt")
    try:
        for event in yaml.parse(text):
            builder.feed(event, yaml.resolver)
    except YamlProblem:
        raise
    except MarkedYAMLError as exc:
        raise _plain(exc, text, builder) from None
    except ReaderError as exc:
        raise YamlProblem(_position_loc(text, exc.position, file, line_offset),
                          f"character U+{exc.character:04X} is not allowed in YAML") from None
    except YAMLError as exc:
        raise YamlProblem(builder.start, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except (ValueError, TypeError, IndexError, AttributeError, RecursionError) as exc:
        # ruamel's parser has been seen to fail this way on malformed input; say where it was.
        raise YamlProblem(builder.last, f"invalid YAML ({type(exc).__name__})") from None
    return builder.document()


def _plain(exc: MarkedYAMLError, text: str, builder: _Builder) -> YamlProblem:
    """The parser's error in plain words with what to type (:mod:`.yaml_hints`) where the
    mistake is a common one, else in the parser's own words."""
    def at(mark):
        return (mark.line, mark.column) if mark is not None else None

    hint = explain(text, exc.problem or "", exc.context or "", at(exc.problem_mark),
                   at(exc.context_mark))
    if hint is not None:
        return YamlProblem(Loc(builder.file, hint.line + 1 + builder.offset, hint.col + 1),
                           hint.message, hint.expected)
    mark = exc.problem_mark or exc.context_mark
    what = (exc.problem or exc.context or "invalid YAML").strip()
    return YamlProblem(builder.mark_loc(mark) if mark else builder.start, f"invalid YAML: {what}")


def _position_loc(text: str, position: int, file: str, offset: int) -> Loc:
    position = max(0, min(position, len(text)))
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    return Loc(file, line + offset, col)


class _Builder:
    """Turns parser events into plain data, recording the location of every value."""

    def __init__(self, file: str, line_offset: int, text: str = ""):
        self.file = file
        self.text = text
        self.offset = line_offset
        self.start = Loc(file, 1 + line_offset, 1)
        self.last = self.start
        self.locs: dict[Path_, Loc] = {(): self.start}
        self.cleaned: list[Loc] = []
        self.stack: list[_Frame] = []
        self.root: object = None
        self.documents = 0
        self.events = 0
        self.duplicates: list[YamlProblem] = []
        self.keys: dict[Path_, Loc] = {}

    def mark_loc(self, mark) -> Loc:
        return Loc(self.file, mark.line + 1 + self.offset, mark.column + 1)

    def document(self) -> YamlDoc:
        return YamlDoc(self.root, self.locs, self.file, self.offset, tuple(self.cleaned),
                       tuple(self.duplicates), self.keys)

    # ---- events ----
    def feed(self, event, resolver) -> None:
        loc = self.mark_loc(event.start_mark) if event.start_mark else self.last
        self.last = loc
        if isinstance(event, DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem(loc, "more than one YAML document in the file",
                                  "one document: remove the second '---'")
            return
        if isinstance(event, AliasEvent):
            raise YamlProblem(loc, "YAML aliases (*name) are not allowed in a brief's source",
                              "write the value out in full")
        if isinstance(event, CollectionEndEvent):
            self.stack.pop()
            return
        if not isinstance(event, (ScalarEvent, MappingStartEvent, SequenceStartEvent)):
            return
        self.events += 1
        if self.events > MAX_EVENTS:
            raise YamlProblem(loc, f"too many values in one YAML file (more than {MAX_EVENTS:,})")
        tag = event.tag
        if tag is not None and tag not in ALLOWED_TAGS:
            shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
            raise YamlProblem(loc, f"YAML tag '{shown[:60]}' is not allowed",
                              "plain values; at most !!str, !!int, !!float, !!bool or !!null")
        if isinstance(event, ScalarEvent):
            self.place(self.scalar(event, resolver, loc), loc, container=False)
            return
        if len(self.stack) >= MAX_DEPTH:
            raise YamlProblem(loc, f"values nested more than {MAX_DEPTH} levels deep")
        value: dict | list = {} if isinstance(event, MappingStartEvent) else []
        path = self.place(value, loc, container=True)
        self.stack.append(_Frame(value, path))

    def place(self, value, loc: Loc, container: bool) -> Path_:
        """Put ``value`` where the parse has got to; return its path."""
        if not self.stack:
            self.root = value
            self.locs[()] = loc
            return ()
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            path = (*frame.path, len(frame.value))
            frame.value.append(value)
            self.locs[path] = loc
            return path
        if frame.key is None:  # this value is a key
            if container:
                raise YamlProblem(loc, "a key must be plain text", "key: value")
            key = "" if value is None else str(value)
            if key in frame.value:
                first = self.locs[(*frame.path, key)]
                self.duplicates.append(YamlProblem(
                    loc, f"'{key[:60]}' is set twice in the same place",
                    f"keep one of the two '{key[:60]}:' lines, here and at line {first.line}, "
                    "and delete the other"))
                frame.key, frame.key_loc = _DUPLICATE, loc
                return (*frame.path, _DUPLICATE)
            frame.key, frame.key_loc = key, loc
            frame.value[key] = None
            self.locs[(*frame.path, key)] = self.keys[(*frame.path, key)] = loc
            return (*frame.path, key)
        if frame.key is _DUPLICATE:  # the second value of a duplicated key: read, then dropped
            frame.key = None
            return (*frame.path, _DUPLICATE)
        path = (*frame.path, frame.key)
        frame.value[frame.key] = value
        # a scalar is located at its value; a mapping or list at its key
        self.locs[path] = frame.key_loc if container else loc
        frame.key = None
        return path

    def scalar(self, event: ScalarEvent, resolver, loc: Loc):
        text = event.value
        if event.style == ">":  # each fold marked (BEL): no space between two wide characters
            text = folded(text)
        elif event.style in (None, '"', "'") and event.start_mark and event.end_mark:
            raw = self.text[event.start_mark.index:event.end_mark.index]
            text = refolded(text, raw, event.style or "")
        value, count, _ = strip_unsafe(text)
        if count:
            self.cleaned.append(loc)
        tag = event.tag
        if tag is None:  # no tag written: resolve it as YAML does (plain 12 is an int ...)
            tag = str(resolver.resolve(ScalarNode, value, event.implicit))
        return _convert(value, tag, loc)


@dataclass
class _Frame:
    value: dict | list
    path: Path_
    key: str | None = None
    key_loc: Loc | None = None


def _convert(value: str, tag: str, loc: Loc):
    """A scalar's text as the Python value its (resolved) tag names."""
    kind = tag.removeprefix(_CORE)
    if kind not in ("null", "bool", "int", "float", "str", "timestamp"):
        # '<<' is a merge key: it works only with aliases, which are refused anyway
        raise YamlProblem(loc, f"'{value[:40]}' is a YAML {kind} key, which is not allowed",
                          "quote it to make it text")
    try:
        if kind == "null":
            return None
        if kind == "bool":
            return value.strip().lower() in ("true", "yes", "on", "y")
        if kind == "int":
            return _int(value)
        if kind == "float":
            return _float(value)
    except ValueError:
        raise YamlProblem(loc, f"'{value[:40]}' is not a valid {kind}") from None
    return value


def _int(text: str) -> int:
    text = text.strip().replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if len(digits) > 40:
        raise ValueError(text)
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if digits.lower().startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits, 10)


def _float(text: str) -> float:
    text = text.strip().replace("_", "")
    lowered = text.lower()
    if lowered.lstrip("+-") == ".inf":
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` front matter from a Markdown file.

    Returns (front matter text or None, body text, line number where the body starts, 1-based).
    """
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1:])
            return front, body, index + 2
    return None, text, 1
