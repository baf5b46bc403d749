"""Parameterised briefs: one source, one brief per row of a ``params:`` file.

``brief.yaml`` names a CSV (a header row, then one row per brief) or a YAML file (a list of
mappings) under ``source/``, and optionally ``param_key:``, the value naming each brief's outputs
(default: the first column). Each row builds ``build/<name>-<value>.pdf`` and ``.pptx`` (with
editions, ``<name>-<value>.<lang>.pdf``): a *unit* of the build, keyed and cached on its own,
made by the same loop as editions (:func:`rows_to_build`).

A row's values are texts or numbers, read by the names of their columns; a column named
``country.name`` (or a YAML mapping ``country: {name: ...}``) is read as ``country.name``.
:class:`deckgen.load.templating.ParamFiles` templates the brief's words with the row (:mod:`deckgen.load.templating`):
each section's prose, every text of ``brief.yaml``, of the sections' front matter and of the
figure files (titles, captions, key points, ``data.where``). A brief without ``params:`` is
never templated. :func:`where_rows` keeps the rows of a figure's CSV that match its
``data.where``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Collector, Loc, UsageProblem, did_you_mean

if TYPE_CHECKING:
    from .yamlsrc import YamlDoc

MAX_ROWS = 1_000
MAX_PARAMS_BYTES = 2_000_000
MAX_VALUE_CHARS = 1_000  # a value is a name, a code, a phrase: the texts it is set in stay bounded
_PARAMS_LINE = re.compile(r"^params[ \t]*:", re.MULTILINE)


@dataclass(frozen=True)
class ParamRow:
    """One row of the params file: the value naming its outputs, its values (nested by the
    dots in the column names), its line, and a digest of what it holds (its outputs' key)."""

    key: str
    slug: str
    values: dict
    line: int
    file: str  # the params file, under source/
    digest: str

    @property
    def keyed_as(self) -> str:
        """The name the row's digest has among the source's files in its outputs' keys."""
        return f"{self.file}#{self.slug}"

    def keyed(self, digests: dict[str, str]) -> dict[str, str]:
        """The source's digests as this row's outputs depend on them: the other rows left out."""
        out = {path: digest for path, digest in digests.items() if path != self.file}
        out[self.keyed_as] = self.digest
        return out


# ---- the params file ---------------------------------------------------------------------------

def read_rows(text: str, file: str, under_source: str, key: str, problems: Collector) -> list[ParamRow]:
    """The rows of a params file's ``text`` (CSV, or YAML when ``file`` ends .yaml/.yml), keyed
    by ``key`` (a dotted name; "": the first column); each problem an error at its row."""
    if file.endswith((".yaml", ".yml")):
        found = _yaml_rows(text, file, problems)
    else:
        found = _csv_rows(text, file, problems)
    if found is None:
        return []
    rows, first = found
    key = key or first
    if rows and all(_lookup(values, key) is None for _, values in rows):
        names = sorted({name for _, values in rows for name in _leaves(values)})
        problems.error(Loc(file, 1, 1), f"no column '{key}', which names each brief's outputs",
                       "param_key", did_you_mean(key, names) or "one of: " + ", ".join(names))
        return []
    rows_out: list[ParamRow] = []
    seen: dict[str, int] = {}
    for line, values in rows:
        value = _lookup(values, key)
        if value is None or str(value).strip() == "":
            names = list(_leaves(values))
            problems.error(Loc(file, line, 1), f"this row has no value for '{key}', which names "
                           "each brief's outputs", "param_key", did_you_mean(key, names) or
                           "a value in every row, or param_key: another column")
            continue
        long = next((name for name in _leaves(values) if len(str(_lookup(values, name))) > MAX_VALUE_CHARS), None)
        if long is not None:
            problems.error(Loc(file, line, 1), f"the value of '{long}' is too long "
                           f"({len(str(_lookup(values, long))):,} characters)", "params",
                           f"at most {MAX_VALUE_CHARS:,} characters")
            continue
        broken = next((name for name in _leaves(values) if "\n" in str(_lookup(values, name))), None)
        if broken is not None:
            problems.error(Loc(file, line, 1), f"the value of '{broken}' has a line break", "params",
                           "a value on one line: a name, a code, a phrase")
            continue
        slug = slugify(str(value))
        if not slug:
            problems.error(Loc(file, line, 1), f"'{shown(str(value), 40)}' gives no file name",
                           "param_key", "a value with letters or digits")
            continue
        if slug in seen:
            problems.error(Loc(file, line, 1), f"duplicate parameter '{value}': the row at line "
                           f"{seen[slug]} names its outputs {slug} too", "param_key",
                           f"a '{key}' of its own in each row")
            continue
        seen[slug] = line
        digest = hashlib.sha256(json.dumps([key, values], sort_keys=True).encode()).hexdigest()
        rows_out.append(ParamRow(str(value), slug, values, line, under_source, digest))
    if not rows_out and not problems.errors:
        problems.error(Loc(file, 1, 1), "the params file has no rows", "params",
                       "a header row and one row per brief")
    return rows_out


def _csv_rows(text: str, file: str, problems: Collector):
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    start = 1  # the line a row starts on (a quoted cell may hold line breaks)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, [cell.strip() for cell in row]))
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS + 1:
                problems.error(Loc(file, reader.line_num, 1), "too many rows", "params",
                               f"at most {MAX_ROWS:,} briefs")
                return None
    except csv.Error as exc:
        problems.error(Loc(file, max(reader.line_num, 1), 1), f"invalid CSV: {exc}")
        return None
    if not rows:
        problems.error(Loc(file, 1, 1), "the params file is empty", "params",
                       "a header row and one row per brief")
        return None
    header_line, header = rows[0]
    for index, name in enumerate(header):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*", name):
            problems.error(Loc(file, header_line, index + 1), f"column name '{shown(name, 40)}' "
                           "cannot be a parameter's name", "params",
                           "letters, digits and '_', starting with a letter; '.' between parts")
            return None
    out = []
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            problems.error(Loc(file, line, 1), f"{len(cells)} cells for {len(header)} columns",
                           "params", "one cell per column")
            continue
        values: dict = {}
        for name, cell in zip(header, cells):
            if not _put(values, name.split("."), cell):
                problems.error(Loc(file, header_line, header.index(name) + 1), f"column '{name}' "
                               "is both a value and a group of values", "params",
                               "names such as country.name and country.code, without country")
                return None
        out.append((line, values))
    return out, header[0]


def _yaml_rows(text: str, file: str, problems: Collector):
    from .yamlsrc import YamlProblem, load_yaml

    try:
        doc = load_yaml(text, file)
    except YamlProblem as exc:
        problems.error(exc.loc, exc.message, expected=exc.expected)
        return None
    if not isinstance(doc.data, list) or not doc.data:
        problems.error(doc.loc(), "expected a list of mappings, one per brief", "params",
                       "- {country: {name: Japan, code: JP}}")
        return None
    if len(doc.data) > MAX_ROWS:
        problems.error(doc.loc((MAX_ROWS,)), "too many rows", "params", f"at most {MAX_ROWS:,} briefs")
        return None
    out = []
    for index, item in enumerate(doc.data):
        loc = doc.loc((index,))
        bad = _bad_value(item, (index,), doc) if isinstance(item, dict) else loc
        if bad is not None:
            problems.error(bad, "a parameter is a text or a number (or a mapping of them)",
                           "params", "key: value lines; a list or true/false is not a parameter")
            continue
        out.append((loc.line, {str(k): v for k, v in item.items()}))
    first = next(iter(_leaves(doc.data[0]))) if isinstance(doc.data[0], dict) and doc.data[0] else ""
    return out, first


def _bad_value(value, path: tuple, doc: YamlDoc) -> Loc | None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key):
                return doc.loc((*path, key))
            bad = _bad_value(item, (*path, key), doc)
            if bad is not None:
                return bad
        return None
    ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
    return None if ok else doc.loc(path)


def _put(values: dict, parts: list[str], cell: str) -> bool:
    for part in parts[:-1]:
        values = values.setdefault(part, {})
        if not isinstance(values, dict):
            return False
    if parts[-1] in values:
        return False
    values[parts[-1]] = cell
    return True


def _lookup(values: dict, key: str):
    for part in key.split("."):
        if not isinstance(values, dict) or part not in values:
            return None
        values = values[part]
    return None if isinstance(values, dict) else values


def _leaves(values: dict, prefix: str = ""):
    for key, value in values.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}"


def slugify(text: str) -> str:
    """A file name's part from a text: ``Japan–South Korea relations`` →
    ``japan-south-korea-relations``."""
    text = re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKD", text))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def shown(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---- before the load: the rows a build makes ---------------------------------------------------

def declared(source: Path) -> tuple[str, str] | None:
    """(params file, param_key) that ``source/brief.yaml`` declares, read leniently; None when it
    declares none (or cannot be read: the loader then says why)."""
    from .sandbox import Unreadable, read_inside
    from .translations import MAX_BRIEF_BYTES

    try:
        text = read_inside(source, source / "brief.yaml", MAX_BRIEF_BYTES).decode("utf-8")
    except (Unreadable, UnicodeDecodeError):
        return None
    if not _PARAMS_LINE.search(text):
        return None
    from .yamlsrc import YamlProblem, load_yaml

    try:
        data = load_yaml(text, "source/brief.yaml").data
    except (YamlProblem, RecursionError):
        return None
    name = data.get("params") if isinstance(data, dict) else None
    key = data.get("param_key", "")
    if not isinstance(name, str) or not name or not isinstance(key, str):
        return None
    return name, key


def listed_rows(source: Path) -> list[ParamRow] | None:
    """The rows of the params file ``brief.yaml`` declares; None when it declares none, [] when
    the file is in error (the loader reports it)."""
    from .sandbox import Unreadable, read_inside

    found = declared(source)
    if found is None:
        return None
    name, key = found
    try:
        text = read_inside(source, source / name, MAX_PARAMS_BYTES).decode("utf-8")
    except (Unreadable, UnicodeDecodeError, ValueError):
        return []
    from ..text import normalise_newlines, strip_unsafe

    text = strip_unsafe(normalise_newlines(text.removeprefix("\ufeff")))[0]  # as the loader reads it
    problems = Collector()
    rows = read_rows(text, f"source/{name}", name, key, problems)
    return [] if problems.errors else rows


def rows_to_build(source: Path, wanted: str = "", brief: str = "") -> list[ParamRow | None]:
    """The rows a build makes: ``--param``'s alone, else every row; [None] for a brief without
    ``params:`` (or whose params file the loader will report). ``brief`` names the brief of a
    collection a usage problem is about."""
    rows = listed_rows(source)
    if rows is None:
        if wanted:
            which = f"brief '{brief}'" if brief else "the brief"
            hint = f" (build the collection's parameterised briefs by name: deckgen build NAME --param {wanted})" \
                if brief else ""
            raise UsageProblem(f"--param {wanted}: {which} declares no params: file{hint}")
        return [None]
    if not rows:
        return [None]
    if not wanted:
        return list(rows)
    for row in rows:
        if wanted in (row.key, row.slug):
            return [row]
    listed = ", ".join(row.key for row in rows[:10]) + (", …" if len(rows) > 10 else "")
    which = f"the params file of brief '{brief}'" if brief else "the params file"
    raise UsageProblem(f"--param {wanted}: no row of {which} has that value (its values: {listed})")


# ---- figure data filtered by parameter ----------------------------------------------------------

def where_rows(table, where: dict, doc: YamlDoc, problems: Collector):
    """The rows of ``table`` (see :func:`deckgen.load.tables.csv_table`) whose columns equal
    ``where``'s values (compared as text, spaces trimmed); an unknown column or no row left is
    an error at ``data.where``. None on error."""
    if not where:
        return table
    file, rows = table
    header = [h.strip() for h in rows[0][1]]
    kept = rows[1:]
    for column, value in where.items():
        loc = doc.loc(("data", "where", column))
        if column not in header:
            problems.error(loc, f"'{column}' is not a column of {file}", f"data.where.{column}",
                           did_you_mean(column, header) or "one of: " + ", ".join(header))
            return None
        index = header.index(column)
        kept = [(line, row) for line, row in kept if index < len(row) and row[index].strip() == str(value).strip()]
    if not kept:
        shown_where = ", ".join(f"{c} = '{v}'" for c, v in where.items())
        problems.error(doc.loc(("data", "where")), f"no row of {file} has {shown_where}", "data.where",
                       "a value that some row of the CSV has")
        return None
    return file, [rows[0], *kept]
