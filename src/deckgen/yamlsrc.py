"""Read YAML so that every value keeps its file, line and column.

Loading is safe (no object construction), duplicate keys are errors, and anchors and
aliases are refused outright so that no alias expansion can blow up a build.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from .errors import Loc

Path_ = tuple  # a path into the data: keys and list indices


class YamlProblem(Exception):
    """The text is not YAML deckgen accepts; ``loc`` points at the trouble."""

    def __init__(self, loc: Loc, message: str):
        self.loc = loc
        self.message = message
        super().__init__(f"{loc}: {message}")


@dataclass(frozen=True)
class YamlDoc:
    """Plain Python data (dict, list, str, int, float, bool, None) and where each part came from."""

    data: object
    locs: dict[Path_, Loc]
    file: str
    line_offset: int = 0

    def loc(self, path: Path_ = ()) -> Loc:
        """The location of the value at ``path``, or of its nearest parent that has one."""
        path = tuple(path)
        while path not in self.locs and path:
            path = path[:-1]
        return self.locs.get(path, Loc(self.file, 1 + self.line_offset, 1))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(text: str, file: str, line_offset: int = 0) -> YamlDoc:
    """Parse ``text`` (the content of ``file``); raise :class:`YamlProblem` on bad YAML."""
    yaml = _yaml()
    try:
        for event in yaml.parse(text):
            if isinstance(event, AliasEvent):
                mark = event.start_mark
                raise YamlProblem(
                    Loc(file, mark.line + 1 + line_offset, mark.column + 1),
                    "YAML aliases (*name) are not allowed in a brief's source",
                )
        raw = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in what or "found duplicate key" in str(exc):
            what = "duplicate key" + _dup_key_name(str(exc))
        raise YamlProblem(Loc(file, line, col), what) from None
    except YAMLError as exc:
        raise YamlProblem(Loc(file, 1 + line_offset, 1), f"invalid YAML: {exc}") from None
    locs: dict[Path_, Loc] = {(): Loc(file, 1 + line_offset, 1)}
    data = _plain(raw, (), locs, file, line_offset)
    return YamlDoc(data, locs, file, line_offset)


def _dup_key_name(text: str) -> str:
    marker = 'found duplicate key "'
    if marker in text:
        name = text.split(marker, 1)[1].split('"', 1)[0]
        return f' "{name}"'
    return ""


def _plain(node, path: Path_, locs: dict, file: str, off: int):
    """Convert ruamel's round-trip nodes to plain data, recording each value's location."""
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            line, col = node.lc.value(key) if _has_value_pos(node, key) else node.lc.key(key)
            key_line, key_col = node.lc.key(key)
            child = (*path, str(key))
            locs[child] = Loc(file, key_line + 1 + off, key_col + 1)
            out[str(key)] = _plain(node[key], child, locs, file, off)
            if not isinstance(node[key], (CommentedMap, CommentedSeq)):
                locs[child] = Loc(file, line + 1 + off, col + 1)
        return out
    if isinstance(node, CommentedSeq):
        out = []
        for index, item in enumerate(node):
            line, col = node.lc.item(index)
            child = (*path, index)
            locs[child] = Loc(file, line + 1 + off, col + 1)
            out.append(_plain(item, child, locs, file, off))
        return out
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, (_dt.date, _dt.datetime)):
        return node
    return str(node)


def _has_value_pos(node: CommentedMap, key) -> bool:
    try:
        node.lc.value(key)
    except (KeyError, TypeError):
        return False
    return True


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` front matter from a Markdown file.

    Returns (front matter text or None, body text, line number where the body starts, 1-based).
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1:])
            return front, body, index + 2
    return None, text, 1
