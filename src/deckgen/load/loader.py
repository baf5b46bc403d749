"""Read a project's ``source/`` into a validated :class:`~deckgen.model.Brief`.

Every problem in every file is collected first; if any is an error, one
:class:`~deckgen.errors.SourceError` reports them all.

Every source file is untrusted text from some contributor, so reading is guarded:

- no file outside ``source/`` is read: a path in the source (a CSV, the logo) may not be
  absolute, a URL, go up with ``..`` or have an overlong name, and no symbolic link may lead
  out; each file is opened once and the open file, not its name, is checked (see
  :mod:`deckgen.sandbox`), and only regular files are read (a FIFO or a device would block);
- every file has a size limit, and so do the sections together, the figure files together, a
  CSV, a table, the figures' data together and the logo (whose decoding cost is bounded from
  its structure before it is decoded once, see :mod:`deckgen.logo`);
- text is UTF-8; line breaks are normalised; characters XML cannot hold (control characters,
  U+FFFE ...) are removed with a warning that names the file, line and column, so neither the
  PDF nor the deck ever sees them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import ClassVar

from .. import model as m
from ..errors import Collector, DeckgenError, Loc, SourceError, did_you_mean
from ..figures.kinds import EVENTS, KINDS, LABELLED_CATEGORIES
from ..text import normalise_newlines, strip_unsafe
from .logo import MAX_LOGO_BYTES, LogoProblem, prepare_logo
from .markdown import Budget, parse_blocks
from .sandbox import Unreadable, read_inside
from .schema import (
    MAX_ABS_VALUE,
    MAX_CATEGORIES,
    MAX_ID_CHARS,
    MAX_LABEL_CHARS,
    BriefIn,
    FigureIn,
    ReferenceIn,
    SectionIn,
    validate,
)
from .yamlsrc import YamlDoc, YamlProblem, load_yaml, split_front_matter

MAX_FILE_BYTES = 2_000_000        # any source file (a CSV)
MAX_YAML_BYTES = 200_000          # brief.yaml, a figure file
MAX_MARKDOWN_BYTES = 200_000      # one section (about 30,000 words)
MAX_TOTAL_MARKDOWN_BYTES = 600_000  # all sections together (about 140 pages of PDF)
LONG_KEY_POINT = 160  # characters: about two lines of a slide bullet at 28 pt
MAX_CSV_ROWS = MAX_CATEGORIES     # data rows; each row is a category of the chart
MAX_FIGURES = 100
MAX_TOTAL_FIGURE_BYTES = 600_000  # all figure files together (YAML is parsed at about 0.1 MB/s)
MAX_TOTAL_DATA_POINTS = 20_000    # values in all placed figures
MAX_TOTAL_LABELLED_VALUES = 2_000  # of which drawn with a label of their own (ten times dearer)
MAX_NAME_CHARS = 100              # one file or folder name in a path written in the source

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
CLEANED = ("removed characters XML cannot hold (control characters, lone surrogates, "
           "U+FFFE/U+FFFF)")


def load_project(root: Path) -> m.Brief:
    """Load and validate the brief in ``root/source``; raise SourceError listing every problem."""
    return _Loader(Path(root)).load()


class _Loader:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.source = self.root / "source"
        self.problems = Collector()
        self.markdown_bytes = 0
        self.markdown_budget = Budget()  # blocks, footnotes, cells: all sections together
        self.broken_figures: set[str] = set()  # figures whose own files are in error
        self.incomplete = False  # a section could not be read: "never cited/placed" may be wrong
        self.read_digests: dict[str, str] = {}  # {path under source/: SHA-256 of what was read}

    # ---- files ----
    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read_text(self, path: Path, loc: Loc | None = None, limit: int = MAX_FILE_BYTES,
                  **reporting) -> str | None:
        """The text of a regular file under source/, cleaned; None (and an error) if unusable.
        ``reporting`` is passed on to :meth:`read_bytes`."""
        where = loc or Loc(self.rel(path))
        data = self.read_bytes(path, where, limit, **reporting)
        if data is None:
            return None
        file = self.rel(path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problems.error(_byte_loc(data, exc.start, file), f"file is not UTF-8 text "
                                f"(byte 0x{data[exc.start]:02x})", expected=_encoding_hint(data))
            return None
        text = normalise_newlines(text.removeprefix("\ufeff"))
        text, count, first = strip_unsafe(text)
        if count:
            self.problems.warn(_char_loc(text, first, file),
                               f"{CLEANED}: {count:,} removed or replaced with a space")
        return text

    def read_bytes(self, path: Path, where: Loc, limit: int, written: str = "", field: str = "",
                   if_missing: Callable[[], None] | None = None) -> bytes | None:
        """At most ``limit`` bytes of a regular file under source/, else an error at ``where``.

        The file is opened once and read from what was opened (:func:`~deckgen.sandbox.read_inside`):
        this is the one place where the source's bytes enter deckgen. ``written`` is the path as
        the source wrote it (in ``field``), for messages; ``if_missing`` reports a missing file
        in the caller's own words."""
        try:
            data = read_inside(self.source, path, limit)
        except Unreadable as exc:
            if exc.reason == Unreadable.MISSING and if_missing is not None:
                if_missing()
            else:
                self.unreadable(exc, path, where, limit, written, field)
            return None
        self._record(path, data)
        return data

    def _record(self, path: Path, data: bytes) -> None:
        """Note the digest of the bytes read from ``path``: the build keys its outputs by them."""
        try:
            relative = path.relative_to(self.source).as_posix()
        except ValueError:
            return
        self.read_digests[relative] = hashlib.sha256(data).hexdigest()

    def unreadable(self, exc: Unreadable, path: Path, where: Loc, limit: int, written: str,
                   field: str) -> None:
        name = self.rel(path)
        if exc.reason == Unreadable.MISSING:
            self.problems.error(where, f"file '{name}' does not exist", field)
        elif exc.reason == Unreadable.OUTSIDE and written:
            self.problems.error(where, f"'{_shown(written)}' leads outside the source folder "
                                "through a symbolic link", field, _path_expected(field))
        elif exc.reason == Unreadable.OUTSIDE:
            self.problems.error(where, f"'{name}' leads outside the source folder",
                                expected="a file under source/, not a link out of it")
        elif exc.reason == Unreadable.NOT_REGULAR:
            self.problems.error(where, f"'{name}' is not a regular file",
                                expected="a text file, not a folder, device or pipe")
        elif exc.reason == Unreadable.TOO_LARGE:
            self.problems.error(where, f"file '{name}' is too large ({exc.size:,} bytes)",
                                expected=f"at most {limit:,} bytes")
        else:
            self.problems.error(where, f"cannot read '{name}': {exc.detail}")

    def yaml(self, text: str, path: Path, line_offset: int = 0) -> YamlDoc | None:
        try:
            doc = load_yaml(text, self.rel(path), line_offset)
        except YamlProblem as exc:
            self.problems.error(exc.loc, exc.message, expected=exc.expected)
            return None
        for loc in doc.cleaned:
            self.problems.warn(loc, CLEANED)
        return doc

    def source_path(self, name: str, loc: Loc, field: str) -> Path | None:
        """``name`` (written in the source) as a path under source/, or None and an error.

        Only the text is checked here; whether the file exists and stays inside source/ is
        found when it is read."""
        parts = PurePosixPath(name.replace("\\", "/")).parts
        longest = max(parts, key=len, default="")
        shown = _shown(name)
        if _SCHEME.match(name):
            problem = f"'{shown}' is a URL or a drive path; deckgen reads no URLs"
        elif name.startswith(("/", "\\", "~")):
            problem = f"'{shown}' is an absolute path"
        elif ".." in parts:
            problem = f"'{shown}' goes up out of the source folder with '..'"
        elif _name_too_long(longest):
            self.problems.error(loc, f"the name '{_shown(longest, 40)}' is too long "
                                f"({_name_too_long(longest)})", field,
                                f"at most {MAX_NAME_CHARS} characters for each file or folder name")
            return None
        else:
            return self.source / name
        self.problems.error(loc, problem, field, _path_expected(field))
        return None

    # ---- the whole project ----
    def load(self) -> m.Brief:
        brief_path = self.source / "brief.yaml"
        text = self.read_text(brief_path, limit=MAX_YAML_BYTES, if_missing=self.no_brief)
        doc = self.yaml(text, brief_path) if text is not None else None
        brief_in = validate(BriefIn, doc, self.problems) if doc else None
        if brief_in is None:
            raise SourceError(self.problems.problems, self.root)
        meta = self.meta(brief_in, doc)
        references, aliases = self.references(brief_in.references, doc)
        sections = self.sections(brief_in.sections, doc)
        figures = self.figures(sections)
        self.check_links(sections, figures, references, aliases)
        if self.problems.errors:
            raise SourceError(self.problems.problems, self.root)
        name = slugify(meta.short_title or meta.title) or "brief"
        return m.Brief(name, meta, sections, figures, references,
                       reference_aliases=tuple(aliases.items()),
                       warnings=tuple(self.problems.warnings),
                       source_digests=tuple(sorted(self.read_digests.items())))

    def no_brief(self) -> None:
        raise DeckgenError(f"{self.rel(self.source / 'brief.yaml')}: no brief file here "
                           f"(expected source/brief.yaml under {self.root})")

    def meta(self, b: BriefIn, doc: YamlDoc) -> m.Meta:
        logo = self.logo(b.logo, doc.loc(("logo",))) if b.logo else None
        return m.Meta(
            title=b.title, short_title=b.short_title or b.title, subtitle=b.subtitle, date=b.date,
            authors=tuple(m.Author(a.name, a.role) for a in b.authors),
            organisation=b.organisation, distribution=b.distribution, language=b.language,
            paper=b.paper, keywords=tuple(b.keywords), summary=b.summary, logo=logo,
            loc=doc.loc(),
        )

    def logo(self, name: str, loc: Loc) -> m.Logo | None:
        """The logo, read once, its decoding cost bounded, decoded and ready for the renderers."""
        path = self.source_path(name, loc, "logo")
        if path is None:
            return None
        data = self.read_bytes(path, loc, MAX_LOGO_BYTES, written=name, field="logo")
        if data is None:
            return None
        try:
            return prepare_logo(data, self.rel(path))
        except LogoProblem as exc:
            self.problems.error(loc, f"'{_shown(name)}' {exc.problem}", "logo", exc.expected)
            return None

    # ---- references ----
    def references(self, refs: list[ReferenceIn], doc: YamlDoc):
        kept: list[tuple[ReferenceIn, Loc]] = []
        aliases: dict[str, str] = {}
        for index, ref in enumerate(refs):
            loc = doc.loc(("references", index))
            twin = next(((k, kloc) for k, kloc in kept if _same_work(k, ref)), None)
            if twin is not None:
                aliases[ref.id] = twin[0].id
                self.problems.warn(loc, f"reference '{ref.id}' repeats '{twin[0].id}' at {twin[1]};"
                                   " merged into one entry", "references")
                continue
            if any(k.id == ref.id for k, _ in kept):
                self.problems.error(doc.loc(("references", index, "id")),
                                    f"duplicate reference id '{ref.id}'", "references",
                                    "each reference id once")
                continue
            kept.append((ref, loc))
        references = tuple(
            m.Reference(r.id, n, r.author, r.title, r.publisher, r.year, r.url, loc)
            for n, (r, loc) in enumerate(kept, start=1)
        )
        return references, aliases

    # ---- sections ----
    def sections(self, ids: list[str], doc: YamlDoc) -> tuple[m.Section, ...]:
        out = []
        seen: set[str] = set()
        for index, section_id in enumerate(ids):
            loc = doc.loc(("sections", index))
            if section_id in seen:
                self.problems.error(loc, f"section '{section_id}' is listed twice", "sections")
                continue
            seen.add(section_id)
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", section_id):
                self.problems.error(loc, f"invalid section id '{section_id[:80]}'", "sections",
                                    "lower-case letters, digits, '-' and '_'")
                self.incomplete = True
                continue
            path = self.source / "sections" / f"{section_id}.md"
            section = self.section(section_id, path, loc)
            if section is None:
                self.incomplete = True
            else:
                out.append(section)
        return tuple(out)

    def warn_long_points(self, points: list[str], doc: YamlDoc) -> None:
        """A key point is a slide bullet: past LONG_KEY_POINT characters it reads as a paragraph."""
        for index, point in enumerate(points):
            if len(point) > LONG_KEY_POINT:
                self.problems.warn(doc.loc(("key_points", index)),
                                   f"key point is {len(point)} characters long, too long for a "
                                   "slide bullet", f"key_points.{index}",
                                   f"at most {LONG_KEY_POINT}; move the detail to the prose or notes")

    def section(self, section_id: str, path: Path, listed: Loc) -> m.Section | None:
        def no_file() -> None:
            self.problems.error(listed, f"section '{section_id}' has no file", "sections",
                                f"{self.rel(path)}")

        text = self.read_text(path, limit=MAX_MARKDOWN_BYTES, if_missing=no_file)
        if text is None:
            return None
        self.markdown_bytes += len(text.encode("utf-8"))
        if self.markdown_bytes > MAX_TOTAL_MARKDOWN_BYTES:
            if self.markdown_bytes - len(text.encode("utf-8")) <= MAX_TOTAL_MARKDOWN_BYTES:
                self.problems.error(Loc(self.rel(path)), "the sections together are too long: "
                                    "the limit is passed in this file", expected=(
                                        f"at most {MAX_TOTAL_MARKDOWN_BYTES:,} bytes in all sections"))
            return None
        front, body, body_line = split_front_matter(text)
        file = self.rel(path)
        if front is None:
            self.problems.error(Loc(file, 1, 1), "section file has no front matter",
                                expected="a '---' block with at least 'title:' at the top")
            return None
        doc = self.yaml(front, path, line_offset=1)
        if doc is None:
            return None
        sec = validate(SectionIn, doc, self.problems)
        if sec is None:
            return None
        if sec.id and sec.id != section_id:
            self.problems.error(doc.loc(("id",)), f"id '{sec.id}' does not match the file name",
                                "id", f"'{section_id}' or no id")
        self.warn_long_points(sec.key_points, doc)
        blocks = parse_blocks(body, file, body_line, self.problems, self.markdown_budget)
        self.incomplete |= self.markdown_budget.passed  # later Markdown is not read
        return m.Section(section_id, sec.title, tuple(sec.key_points), sec.notes.strip(),
                         sec.kind, blocks, Loc(file, 1, 1))

    # ---- figures ----
    def figures(self, sections: tuple[m.Section, ...]) -> tuple[m.Figure, ...]:
        specs, broken = self.figure_specs()
        self.broken_figures = broken
        placed = [b for s in sections for b in m.walk(s.blocks) if isinstance(b, m.FigureBlock)]
        order: list[str] = []
        for block in placed:
            if block.figure_id in broken:
                continue  # its own file's errors are reported already
            if block.figure_id not in specs:
                self.problems.error(block.loc, f"figure '{block.figure_id}' does not exist",
                                    "figure", did_you_mean(block.figure_id, specs) or
                                    f"a file source/figures/{block.figure_id}.yaml")
            elif block.figure_id in order:
                self.problems.error(block.loc, f"figure '{block.figure_id}' is placed twice",
                                    "figure", "each figure placed once; refer to it with @fig:ID")
            else:
                order.append(block.figure_id)
        for figure_id, (_, doc, _) in specs.items():
            if figure_id not in order and not self.incomplete:
                self.problems.warn(doc.loc(), f"figure '{figure_id}' is never placed, so neither "
                                   "output shows it", expected=f"![](fig:{figure_id}) in a section")
        figures = []
        budget = _DataBudget()
        for number, figure_id in enumerate(order, start=1):
            spec, doc, _ = specs[figure_id]
            figure = self.figure(figure_id, number, spec, doc)
            if figure is None:
                self.broken_figures.add(figure_id)
                continue
            for passed in budget.spend(figure):
                self.problems.error(doc.loc(), f"the figures together have too many {passed}: "
                                    f"the limit is passed in figure '{figure_id}'",
                                    expected=budget.expected(passed))
            figures.append(figure)
        return tuple(figures)

    def figure_specs(self) -> tuple[dict[str, tuple[FigureIn, YamlDoc, Path]], set[str]]:
        """Every valid figure file by id, and the ids of the files that are not valid."""
        folder = self.source / "figures"
        specs: dict[str, tuple[FigureIn, YamlDoc, Path]] = {}
        broken: set[str] = set()
        paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
        if len(paths) > MAX_FIGURES:
            self.problems.error(Loc(self.rel(folder)), f"too many figure files ({len(paths):,})",
                                expected=f"at most {MAX_FIGURES}")
            return {}, {p.stem for p in paths}
        figure_bytes = 0
        for path in paths:
            figure_id = path.stem
            if len(figure_id) > MAX_ID_CHARS:
                self.problems.error(Loc(self.rel(path)), f"figure file name '{_shown(figure_id, 40)}' "
                                    f"is too long ({len(figure_id):,} characters)", expected=(
                                        f"at most {MAX_ID_CHARS} characters before {path.suffix}"))
                broken.add(figure_id)
                continue
            if figure_bytes > MAX_TOTAL_FIGURE_BYTES:
                broken.add(figure_id)  # not read: the budget is spent (reported once, below)
                continue
            text = self.read_text(path, limit=MAX_YAML_BYTES)
            figure_bytes += len(text.encode("utf-8")) if text is not None else 0
            if figure_bytes > MAX_TOTAL_FIGURE_BYTES:
                self.problems.error(Loc(self.rel(path)), "the figure files together are too large: "
                                    "the limit is passed in this file", expected=(
                                        f"at most {MAX_TOTAL_FIGURE_BYTES:,} bytes in all figure "
                                        "files; put large data in CSV files"))
                broken.add(figure_id)
                continue
            doc = self.yaml(text, path) if text is not None else None
            spec = validate(FigureIn, doc, self.problems) if doc else None
            if spec is None:
                broken.add(figure_id)
                continue
            if spec.id and spec.id != figure_id:
                self.problems.error(doc.loc(("id",)), f"id '{spec.id}' does not match the file name",
                                    "id", f"'{figure_id}' or no id")
            if figure_id in specs:
                self.problems.error(Loc(self.rel(path)), f"duplicate figure id '{figure_id}'",
                                    expected=f"one of {self.rel(specs[figure_id][2])} or {self.rel(path)}")
                continue
            specs[figure_id] = (spec, doc, path)
        return specs, broken

    def figure(self, figure_id: str, number: int, spec: FigureIn, doc: YamlDoc) -> m.Figure | None:
        data = spec.data
        categories: tuple[str, ...] = tuple(data.categories)
        series: list[m.Series] = []
        events = tuple(m.Event(e.year, e.label) for e in data.events)
        kind = KINDS[spec.kind]
        if kind.data == EVENTS:
            if not events:
                self.problems.error(doc.loc(("data",)), f"{kind.description} needs events", "data.events",
                                    "a list of {year, label}")
                return None
        elif data.csv:
            table = self.csv_table(data.csv, doc)
            if table is None:
                return None
            categories, series = self.series_from_csv(table, data, doc)
            if not series:
                return None
        else:
            for index, s in enumerate(data.series):
                if s.values is None:
                    self.problems.error(doc.loc(("data", "series", index)),
                                        "series has no values", f"data.series.{index}.values")
                    continue
                if len(s.values) != len(categories):
                    self.problems.error(doc.loc(("data", "series", index, "values")),
                                        f"{len(s.values)} values for {len(categories)} categories",
                                        f"data.series.{index}.values", "one value per category")
                    continue
                series.append(m.Series(s.name or f"Series {index + 1}", tuple(s.values)))
            if not categories or not series:
                self.problems.error(doc.loc(("data",)), "a chart needs categories and series",
                                    "data", "data.csv with category and series, or inline lists")
                return None
        if kind.one_series:
            self.check_pie(series, doc)
        return m.Figure(figure_id, number, spec.kind, spec.title, spec.caption, spec.alt,
                        spec.source, spec.units, tuple(categories), tuple(series), events, doc.loc())

    def check_pie(self, series: list[m.Series], doc: YamlDoc) -> None:
        """A pie shows one series of non-negative values with a total above zero."""
        loc = doc.loc(("data",))
        if len(series) > 1:
            self.problems.error(loc, f"a pie chart shows one series ({len(series)} given)", "data.series",
                                "one series, or another kind of chart")
        if any(v < 0 for s in series for v in s.values):
            self.problems.error(loc, "a pie chart cannot show negative values", "data")
        elif series and not sum(series[0].values) > 0:
            self.problems.error(loc, "a pie chart needs values that add up to more than zero", "data")

    def csv_table(self, name: str, doc: YamlDoc):
        """(file, rows) of the non-blank rows of a CSV under source/, each row with its line."""
        loc = doc.loc(("data", "csv"))
        path = self.source_path(name, loc, "data.csv")
        text = self.read_text(path, loc, written=name, field="data.csv") if path is not None else None
        if text is None:
            return None
        file = self.rel(path)
        reader = csv.reader(io.StringIO(text))
        rows: list[tuple[int, list[str]]] = []
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(rows) > MAX_CSV_ROWS:
                    self.problems.error(Loc(file, reader.line_num, 1), "too many rows for a figure",
                                        expected=f"at most {MAX_CSV_ROWS:,} data rows")
                    return None
                rows.append((reader.line_num, row))
        except csv.Error as exc:
            self.problems.error(Loc(file, max(reader.line_num, 1), 1), f"invalid CSV: {exc}")
            return None
        if len(rows) < 2:
            self.problems.error(Loc(file, 1, 1), "CSV needs a header row and data rows")
            return None
        return file, rows

    def series_from_csv(self, table, data, doc: YamlDoc):
        file, rows = table
        header = [h.strip() for h in rows[0][1]]
        missing = False
        for key, column in [(("category",), data.category)] + [
                (("series", i, "column"), s.column) for i, s in enumerate(data.series)]:
            if column not in header:
                missing = True
                hint = did_you_mean(column, header)
                shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
                self.problems.error(doc.loc(("data", *key)), f"column '{column}' is not in {file}",
                                    "data." + ".".join(map(str, key)), hint or "one of: " + shown)
        if missing or not data.series:
            if not data.series:
                self.problems.error(doc.loc(("data",)), "no series given", "data.series")
            return (), []
        cat_index = header.index(data.category)
        categories = tuple(_cell(row, cat_index) for _, row in rows[1:])
        for line, label in zip((line for line, _ in rows[1:]), categories):
            if len(label) > MAX_LABEL_CHARS:
                self.problems.error(Loc(file, line, cat_index + 1), "category label is too long "
                                    f"({len(label):,} characters)", data.category,
                                    f"at most {MAX_LABEL_CHARS}")
        series = []
        for spec in data.series:
            col = header.index(spec.column)
            values = []
            for line, row in rows[1:]:
                value = _number(_cell(row, col))
                if isinstance(value, str):
                    self.problems.error(Loc(file, line, col + 1), value, spec.column,
                                        f"a number such as 2.4, at most {MAX_ABS_VALUE:.0e} in size")
                else:
                    values.append(value)
            series.append(m.Series(spec.name or spec.column, tuple(values)))
        return categories, series

    # ---- cross references ----
    def check_links(self, sections, figures, references, aliases) -> None:
        figure_ids = {f.id for f in figures}
        ref_ids = {r.id for r in references} | set(aliases)
        cited: set[str] = set()
        for section in sections:
            for span in _spans(section.blocks):
                if (isinstance(span, m.FigureRef) and span.figure_id not in figure_ids
                        and span.figure_id not in self.broken_figures):
                    self.problems.error(span.loc, f"@fig:{span.figure_id} refers to no placed figure",
                                        "figure", did_you_mean(span.figure_id, figure_ids) or
                                        "the id of a figure placed with ![](fig:ID)")
                if isinstance(span, m.Citation):
                    for ref_id in span.ref_ids:
                        cited.add(aliases.get(ref_id, ref_id))
                        if ref_id not in ref_ids:
                            self.problems.error(span.loc, f"citation '@{ref_id}' is not in the references",
                                                "citation", did_you_mean(ref_id, ref_ids) or
                                                "an id from brief.yaml references")
        for ref in references:
            if ref.id not in cited and not self.incomplete:
                self.problems.warn(ref.loc, f"reference '{ref.id}' is never cited", "references")


class _DataBudget:
    """The drawing all figures together ask for, bounded, not only each figure's: drawing
    costs about the same per value in every figure, and about ten times more for a value
    drawn with a label of its own."""

    LIMITS: ClassVar[dict[str, int]] = {"data points": MAX_TOTAL_DATA_POINTS,
                                        "labelled values": MAX_TOTAL_LABELLED_VALUES}
    ADVICE: ClassVar[dict[str, str]] = {
        "data points": "fewer or smaller figures",
        "labelled values": (f"a pie, a timeline, and a bar or column chart of up to "
                            f"{LABELLED_CATEGORIES} categories label each value; fewer or "
                            "smaller figures")}

    def __init__(self):
        self.spent = dict.fromkeys(self.LIMITS, 0)

    def spend(self, figure: m.Figure) -> list[str]:
        """Count ``figure``; the names of the limits it is the first to pass."""
        costs = {"data points": figure.data_points, "labelled values": figure.value_labels}
        passed = []
        for name, cost in costs.items():
            before = self.spent[name]
            self.spent[name] += cost
            if before <= self.LIMITS[name] < self.spent[name]:
                passed.append(name)
        return passed

    def expected(self, name: str) -> str:
        return (f"at most {self.LIMITS[name]:,} {name} in all figures, {self.spent[name]:,} so "
                f"far: {self.ADVICE[name]}")


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def _number(cell: str) -> float | str:
    """The number in a CSV cell (``1,234.5`` allowed), or what is wrong with the cell.

    A comma is read only as a thousands separator in groups of three: ``1,5`` is an error,
    not fifteen (nor one and a half)."""
    if "," in cell:
        if not _THOUSANDS.match(cell):
            return f"'{cell[:40]}' is not a number (a comma only separates thousands)"
        cell = cell.replace(",", "")
    try:
        value = float(cell)
    except ValueError:
        return f"'{cell[:40]}' is not a number"
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        return f"'{cell[:40]}' is not a usable number (infinite, not a number, or too large)"
    return value


def _byte_loc(data: bytes, index: int, file: str) -> Loc:
    line = data.count(b"\n", 0, index) + 1
    return Loc(file, line, index - (data.rfind(b"\n", 0, index) + 1) + 1)


def _char_loc(text: str, index: int, file: str) -> Loc:
    line = text.count("\n", 0, index) + 1
    return Loc(file, line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _encoding_hint(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "this looks like UTF-16: save the file as UTF-8"
    return "save the file as UTF-8"


def _shown(text: str, limit: int = 80) -> str:
    """``text`` for a message: its first ``limit`` characters."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _path_expected(field: str) -> str:
    example = "images/logo.png" if field == "logo" else "data/name.csv"
    return f"a relative path under source/, such as {example}"


def _name_too_long(name: str) -> str:
    """How a file or folder name is too long for deckgen, or "" if it is not."""
    if len(name) > MAX_NAME_CHARS:
        return f"{len(name):,} characters"
    if len(name.encode("utf-8")) > 255:  # the most a file system holds in one name
        return f"{len(name.encode('utf-8')):,} bytes in UTF-8"
    return ""


def _same_work(a: ReferenceIn, b: ReferenceIn) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().lower()
    return (norm(a.author), norm(a.title), a.year) == (norm(b.author), norm(b.title), b.year)





def _spans(blocks):
    for block in m.walk(blocks):
        if isinstance(block, (m.Paragraph, m.Heading)):
            groups = [block.spans]
        elif isinstance(block, m.Table):
            groups = list(block.header) + [cell for row in block.rows for cell in row]
        else:
            groups = []
        for spans in groups:
            for span in spans:
                yield span
                if isinstance(span, m.Footnote):
                    yield from span.spans


def slugify(text: str) -> str:
    text = re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKD", text))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
