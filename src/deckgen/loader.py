"""Read a project's ``source/`` into a validated :class:`~deckgen.model.Brief`.

Every problem in every file is collected first; if any is an error, one
:class:`~deckgen.errors.SourceError` reports them all. No file outside ``source/`` is read.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from . import model as m
from .errors import Collector, DeckgenError, Loc, SourceError
from .markdown import parse_blocks
from .schema import BriefIn, FigureIn, ReferenceIn, SectionIn, validate
from .yamlsrc import YamlDoc, YamlProblem, load_yaml, split_front_matter

MAX_FILE_BYTES = 2_000_000
MAX_CSV_ROWS = 2_000
MAX_FIGURES = 200


def load_project(root: Path) -> m.Brief:
    """Load and validate the brief in ``root/source``; raise SourceError listing every problem."""
    return _Loader(Path(root)).load()


class _Loader:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.source = self.root / "source"
        self.problems = Collector()

    # ---- files ----
    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def inside_source(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.source.resolve())
        except OSError:
            return False

    def read_text(self, path: Path, loc: Loc | None = None) -> str | None:
        where = loc or Loc(self.rel(path))
        if not self.inside_source(path):
            self.problems.error(where, f"'{self.rel(path)}' lies outside the source folder",
                                expected="a file under source/")
            return None
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.problems.error(where, f"file is too large ({size:,} bytes)",
                                    expected=f"at most {MAX_FILE_BYTES:,} bytes")
                return None
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            self.problems.error(where, f"file '{self.rel(path)}' does not exist")
            return None
        except UnicodeDecodeError as exc:
            self.problems.error(Loc(self.rel(path)), f"file is not UTF-8 text (byte {exc.start})")
            return None
        except OSError as exc:
            self.problems.error(where, f"cannot read '{self.rel(path)}': {exc.strerror}")
            return None
        return text.lstrip("\ufeff")

    def yaml(self, text: str, path: Path, line_offset: int = 0) -> YamlDoc | None:
        try:
            return load_yaml(text, self.rel(path), line_offset)
        except YamlProblem as exc:
            self.problems.error(exc.loc, exc.message)
            return None

    # ---- the whole project ----
    def load(self) -> m.Brief:
        brief_path = self.source / "brief.yaml"
        if not brief_path.is_file():
            raise DeckgenError(f"{self.rel(brief_path)}: no brief file here "
                               f"(expected source/brief.yaml under {self.root})")
        text = self.read_text(brief_path)
        doc = self.yaml(text, brief_path) if text is not None else None
        brief_in = validate(BriefIn, doc, self.problems) if doc else None
        if brief_in is None:
            raise SourceError(self.problems.problems, self.root)
        references, aliases = self.references(brief_in.references, doc)
        sections = self.sections(brief_in.sections, doc)
        figures = self.figures(sections)
        self.check_links(sections, figures, references, aliases)
        if self.problems.errors:
            raise SourceError(self.problems.problems, self.root)
        meta = self.meta(brief_in, doc)
        name = slugify(meta.short_title or meta.title) or "brief"
        return m.Brief(name, meta, sections, figures, references,
                       reference_aliases=tuple(aliases.items()),
                       warnings=tuple(self.problems.warnings))

    def meta(self, b: BriefIn, doc: YamlDoc) -> m.Meta:
        logo = ""
        if b.logo:
            path = self.source / b.logo
            if not self.inside_source(path) or not path.is_file():
                self.problems.error(doc.loc(("logo",)), f"logo '{b.logo}' is not a file under source/")
            else:
                logo = self.rel(path)
        return m.Meta(
            title=b.title, short_title=b.short_title or b.title, subtitle=b.subtitle, date=b.date,
            authors=tuple(m.Author(a.name, a.role) for a in b.authors),
            organisation=b.organisation, distribution=b.distribution, language=b.language,
            paper=b.paper, keywords=tuple(b.keywords), summary=b.summary, logo=logo,
            loc=doc.loc(),
        )

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
                self.problems.error(loc, f"invalid section id '{section_id}'", "sections",
                                    "lower-case letters, digits, '-' and '_'")
                continue
            path = self.source / "sections" / f"{section_id}.md"
            if not path.is_file():
                self.problems.error(loc, f"section '{section_id}' has no file", "sections",
                                    f"{self.rel(path)}")
                continue
            section = self.section(section_id, path)
            if section is not None:
                out.append(section)
        return tuple(out)

    def section(self, section_id: str, path: Path) -> m.Section | None:
        text = self.read_text(path)
        if text is None:
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
        blocks = parse_blocks(body, file, body_line, self.problems)
        return m.Section(section_id, sec.title, tuple(sec.key_points), sec.notes.strip(),
                         sec.kind, blocks, Loc(file, 1, 1))

    # ---- figures ----
    def figures(self, sections: tuple[m.Section, ...]) -> tuple[m.Figure, ...]:
        folder = self.source / "figures"
        specs: dict[str, tuple[FigureIn, YamlDoc, Path]] = {}
        paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
        for path in paths[:MAX_FIGURES]:
            text = self.read_text(path)
            doc = self.yaml(text, path) if text is not None else None
            spec = validate(FigureIn, doc, self.problems) if doc else None
            if spec is None:
                continue
            figure_id = path.stem
            if spec.id and spec.id != figure_id:
                self.problems.error(doc.loc(("id",)), f"id '{spec.id}' does not match the file name",
                                    "id", f"'{figure_id}' or no id")
            if figure_id in specs:
                self.problems.error(Loc(self.rel(path)), f"duplicate figure id '{figure_id}'",
                                    expected=f"one of {self.rel(specs[figure_id][2])} or {self.rel(path)}")
                continue
            specs[figure_id] = (spec, doc, path)
        placed = [b for s in sections for b in _walk(s.blocks) if isinstance(b, m.FigureBlock)]
        order: list[str] = []
        for block in placed:
            if block.figure_id not in specs:
                self.problems.error(block.loc, f"figure '{block.figure_id}' does not exist",
                                    "figure", _did_you_mean(block.figure_id, specs) or
                                    f"a file source/figures/{block.figure_id}.yaml")
            elif block.figure_id in order:
                self.problems.error(block.loc, f"figure '{block.figure_id}' is placed twice",
                                    "figure", "each figure placed once; refer to it with @fig:ID")
            else:
                order.append(block.figure_id)
        for figure_id, (_, doc, _) in specs.items():
            if figure_id not in order:
                self.problems.warn(doc.loc(), f"figure '{figure_id}' is never placed, so neither "
                                   "output shows it", expected=f"![](fig:{figure_id}) in a section")
        figures = []
        for number, figure_id in enumerate(order, start=1):
            spec, doc, path = specs[figure_id]
            figure = self.figure(figure_id, number, spec, doc)
            if figure is not None:
                figures.append(figure)
        return tuple(figures)

    def figure(self, figure_id: str, number: int, spec: FigureIn, doc: YamlDoc) -> m.Figure | None:
        data = spec.data
        categories: tuple[str, ...] = tuple(data.categories)
        series: list[m.Series] = []
        events = tuple(m.Event(e.year, e.label) for e in data.events)
        if spec.kind == "timeline":
            if not events:
                self.problems.error(doc.loc(("data",)), "a timeline needs events", "data.events",
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
        if spec.kind == "pie" and any(v < 0 for s in series for v in s.values):
            self.problems.error(doc.loc(("data",)), "a pie chart cannot show negative values", "data")
        return m.Figure(figure_id, number, spec.kind, spec.title, spec.caption, spec.alt,
                        spec.source, spec.units, tuple(categories), tuple(series), events, doc.loc())

    def csv_table(self, name: str, doc: YamlDoc):
        loc = doc.loc(("data", "csv"))
        path = self.source / name
        if Path(name).is_absolute() or not self.inside_source(path):
            self.problems.error(loc, f"data file '{name}' lies outside the source folder",
                                "data.csv", "a path under source/, such as data/name.csv")
            return None
        text = self.read_text(path, loc)
        if text is None:
            return None
        rows = list(csv.reader(io.StringIO(text)))
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if len(rows) < 2:
            self.problems.error(Loc(self.rel(path), 1, 1), "CSV needs a header row and data rows")
            return None
        if len(rows) - 1 > MAX_CSV_ROWS:
            self.problems.error(Loc(self.rel(path), MAX_CSV_ROWS + 2, 1),
                                f"too many rows for a figure ({len(rows) - 1:,})",
                                expected=f"at most {MAX_CSV_ROWS:,}")
            return None
        return self.rel(path), rows

    def series_from_csv(self, table, data, doc: YamlDoc):
        file, rows = table
        header = [h.strip() for h in rows[0]]
        missing = False
        for key, column in [("category", data.category)] + [
                (f"series.{i}.column", s.column) for i, s in enumerate(data.series)]:
            if column not in header:
                missing = True
                hint = _did_you_mean(column, header)
                self.problems.error(doc.loc(("data", *key.split("."))),
                                    f"column '{column}' is not in {file}", f"data.{key}",
                                    hint or "one of: " + ", ".join(header))
        if missing or not data.series:
            if not data.series:
                self.problems.error(doc.loc(("data",)), "no series given", "data.series")
            return (), []
        cat_index = header.index(data.category)
        categories = tuple(row[cat_index].strip() if cat_index < len(row) else "" for row in rows[1:])
        series = []
        for spec in data.series:
            col = header.index(spec.column)
            values = []
            for line, row in enumerate(rows[1:], start=2):
                cell = row[col].strip() if col < len(row) else ""
                try:
                    values.append(float(cell.replace(",", "")))
                except ValueError:
                    self.problems.error(Loc(file, line, col + 1), f"'{cell}' is not a number",
                                        spec.column, "a number such as 2.4")
            series.append(m.Series(spec.name or spec.column, tuple(values)))
        return categories, series

    # ---- cross references ----
    def check_links(self, sections, figures, references, aliases) -> None:
        figure_ids = {f.id for f in figures}
        ref_ids = {r.id for r in references} | set(aliases)
        cited: set[str] = set()
        for section in sections:
            for span in _spans(section.blocks):
                if isinstance(span, m.FigureRef) and span.figure_id not in figure_ids:
                    self.problems.error(span.loc, f"@fig:{span.figure_id} refers to no placed figure",
                                        "figure", _did_you_mean(span.figure_id, figure_ids) or
                                        "the id of a figure placed with ![](fig:ID)")
                if isinstance(span, m.Citation):
                    for ref_id in span.ref_ids:
                        cited.add(aliases.get(ref_id, ref_id))
                        if ref_id not in ref_ids:
                            self.problems.error(span.loc, f"citation '@{ref_id}' is not in the references",
                                                "citation", _did_you_mean(ref_id, ref_ids) or
                                                "an id from brief.yaml references")
        for ref in references:
            if ref.id not in cited:
                self.problems.warn(ref.loc, f"reference '{ref.id}' is never cited", "references")


def _same_work(a: ReferenceIn, b: ReferenceIn) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().lower()
    return (norm(a.author), norm(a.title), a.year) == (norm(b.author), norm(b.title), b.year)


def _did_you_mean(word: str, options) -> str:
    import difflib
    hint = difflib.get_close_matches(word, list(options), n=1)
    return f"did you mean '{hint[0]}'?" if hint else ""


def _walk(blocks):
    for block in blocks:
        yield block
        if isinstance(block, m.ListBlock):
            for item in block.items:
                yield from _walk(item)
        elif isinstance(block, m.Quote):
            yield from _walk(block.blocks)


def _spans(blocks):
    for block in _walk(blocks):
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
