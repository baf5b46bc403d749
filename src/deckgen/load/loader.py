"""Read a project's ``source/`` into a validated :class:`~deckgen.model.Brief`.

:func:`load_project` is the entry point. Every problem in every file is collected first; if any
is an error, one :class:`~deckgen.errors.SourceError` reports them all. The parts are read by
their own modules, in this order:

- ``brief.yaml``, the metadata and the logo (:mod:`deckgen.load.logo`), here;
- the references, each work once (:mod:`deckgen.load.references`);
- the sections, their Markdown converted to blocks (:mod:`deckgen.load.sections`,
  :mod:`deckgen.load.markdown`);
- the figures the sections place, their data inline or from CSV files
  (:mod:`deckgen.load.figures`, :mod:`deckgen.load.tables`);
- then the targets of cross-references (figures, numbered tables, sections and headings with
  an id) are collected, and every cross-reference, internal ``#`` link and citation is checked
  against them, here.

Every source file is untrusted text from some contributor, so every read goes through
:class:`~deckgen.load.files.SourceFiles`: no file outside ``source/`` is read, only regular
files, each within a size limit (and so are the sections together, the figure files together,
a CSV, a table, the figures' data together and the logo, whose decoding cost is bounded from
its structure before it is decoded once); text is UTF-8, line breaks are normalised and
characters XML cannot hold are removed with a warning naming the file, line and column, so
neither the PDF nor the deck ever sees them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn

from .. import model as m
from ..errors import Collector, Loc, SourceError, UsageProblem, did_you_mean
from ..i18n.catalogue import NoCatalogue, built_in_languages, labels_for
from ..i18n.formats import has_locale_data
from ..i18n.labels import Labels, english
from ..i18n.localise import localised
from . import point_cites
from . import references as refs_mod
from .figures import FigureReader
from .files import MAX_YAML_BYTES, shown
from .glyphs import check_glyphs
from .logo import MAX_LOGO_BYTES, LogoProblem, prepare_logo
from .params import slugify
from .schema import MAX_SECTIONS, BriefIn, validate
from .sections import SectionReader
from .templating import ParamFiles
from .yamlsrc import YamlDoc, YamlProblem, load_yaml


def load_project(root: Path, edition: str | None = None, param: str | None = None,
                 shared_templates: Path | None = None) -> m.Brief:
    """Load and validate the brief in ``root/source`` (in its ``edition``'s language, default the
    original's: :mod:`deckgen.load.editions`; for a parameterised brief, its row whose value is
    ``param``, default the first: :mod:`deckgen.load.params`); raise SourceError listing every
    problem. ``shared_templates``: the ``templates/`` of the brief's collection, whose labels
    apply under the brief's own."""
    return _Loader(Path(root), edition, param, shared_templates).load()


class _Loader:
    """One load of a project: the brief file here, the rest by the readers of each part."""

    def __init__(self, root: Path, edition: str | None = None, param: str | None = None,
                 shared_templates: Path | None = None):
        self.root = root.resolve()
        self.shared_templates = shared_templates
        self.problems = Collector()
        self.files = ParamFiles(self.root, self.problems, edition, param)

    def load(self) -> m.Brief:
        brief_path = self.files.source / "brief.yaml"
        text = self.files.read_text(brief_path, limit=MAX_YAML_BYTES, if_missing=self.no_brief)
        doc = self.files.yaml(text, brief_path) if text is not None else None
        brief_in = validate(BriefIn, doc, self.problems) if doc else None
        if brief_in is None:
            self.check_without_brief(text, doc)
        meta = self.meta(brief_in, doc)
        labels = self.labels(meta.language, doc)
        references, aliases = refs_mod.read_references(brief_in, doc, self.files, self.problems)
        style = refs_mod.load_style(brief_in.csl, meta.language, doc.loc(("csl",)), self.files,
                                    self.problems)
        section_reader = SectionReader(self.files)
        sections = section_reader.sections(brief_in.sections, doc)
        figure_reader = FigureReader(self.files)
        figures = self.files.relabelled(figure_reader.figures(sections, section_reader.incomplete))
        sections = figure_reader.placed_tables(sections)
        section_reader.warn_without_key_points(sections)
        sections, figures = localised(sections, figures, labels)
        targets = self.targets(sections)
        cited = refs_mod.citations(sections, _spans)
        in_points = point_cites.find(sections)
        refs_mod.check_citations(cited + [c.span for c in in_points], references, aliases,
                                 section_reader.incomplete, self.problems)
        self.check_crossrefs(sections, figures, references, targets, figure_reader.broken_figures)
        check_glyphs(self.files.texts, self.problems)
        if self.problems.errors:
            raise SourceError(self.problems.problems, self.root)
        name = self.files.param_name(slugify(self.files.file_title(meta.short_title or meta.title)) or "brief")
        if self.files.translating:  # a translated edition: build/<name>.<lang>.pdf
            name = f"{name}.{meta.language}"
        requests = cited + point_cites.requests(in_points, bool(in_points)
                                                    and refs_mod.is_note_style(style))
        references, bibliography = refs_mod.format_references(
            references, aliases, requests, style, brief_in.csl or "chicago-author-date", labels)
        sections = point_cites.cite_points(sections, in_points, bibliography, aliases)
        return m.Brief(name, meta, sections, figures, references, targets=tuple(targets),
                       reference_aliases=tuple(aliases.items()), labels=labels,
                       bibliography=bibliography,
                       warnings=tuple(self.problems.warnings),
                       source_digests=tuple(sorted(self.files.read_digests.items())))

    def check_without_brief(self, text: str | None, doc: YamlDoc | None) -> NoReturn:
        """``brief.yaml`` is in error: check the sections it lists (or, when its ``sections:``
        cannot be read, every file in ``sections/``) and the figures they place all the same,
        then report every problem. Citations are not checked: the references may be unread."""
        reader = SectionReader(self.files)
        listed = _listed_sections(doc) if doc is not None else None
        if listed is None and text is not None:
            listed = _sections_entry(text, self.files.rel(self.files.source / "brief.yaml"))
        if listed is not None:
            sections = reader.sections(*listed)
        else:
            self.problems.warn(Loc(self.files.rel(self.files.source / "brief.yaml")), (
                "the list cannot be read, so every file in source/sections/ was checked, in name "
                "order"), "sections")
            sections = reader.all_in_folder()
        figure_reader = FigureReader(self.files)
        figures = figure_reader.figures(sections, incomplete=True)
        sections = figure_reader.placed_tables(sections)
        reader.warn_without_key_points(sections)
        # whether '#references' leads somewhere is unknown: take it that it does
        self.check_crossrefs(sections, figures, ("unread",), self.targets(sections),
                             figure_reader.broken_figures)
        raise SourceError(self.problems.problems, self.root)

    def no_brief(self) -> None:
        raise UsageProblem(f"{self.files.rel(self.files.source / 'brief.yaml')}: no brief file here "
                           f"(expected source/brief.yaml under {self.root})")

    def labels(self, language: str, doc: YamlDoc) -> Labels:
        """The fixed words of the brief's language: deckgen's catalogue, with the project's
        ``templates/labels.<lang>.yaml`` over it; a language with no catalogue (or no CLDR
        data for its dates and numbers) is an error at ``language:``."""
        try:
            labels = labels_for(language, self.root / "templates", self.shared_templates)
        except NoCatalogue as exc:
            self.problems.error(doc.loc(("language",)), f"language '{language}' has no catalogue of "
                                "deckgen's labels", "language",
                                f"one of {', '.join(built_in_languages())}, or every label in "
                                f"templates/labels.{exc.key}.yaml")
            return english()
        if not has_locale_data(language):
            self.problems.error(doc.loc(("language",)), f"language '{language}' has no CLDR data "
                                "for its dates and numbers", "language", "a language tag Babel knows")
            return english()
        return labels

    def meta(self, b: BriefIn, doc: YamlDoc) -> m.Meta:
        logo = self.logo(b.logo, doc.loc(("logo",))) if b.logo else None
        return m.Meta(
            title=b.title, short_title=b.short_title or b.title, subtitle=b.subtitle, date=b.date,
            authors=tuple(m.Author(a.name, a.role, a.affiliation, a.email, a.orcid) for a in b.authors),
            organisation=b.organisation, distribution=b.distribution, language=self.files.language,
            paper=b.paper, keywords=tuple(b.keywords), summary=b.summary, logo=logo,
            loc=doc.loc(), contact=m.Contact(b.contact.name, b.contact.email, b.contact.url)
            if b.contact and (b.contact.name or b.contact.email or b.contact.url) else None,
            reveal=(b.deck.reveal or "") if b.deck else "", key_locs=doc.key_locs(),
        )

    def logo(self, name: str, loc: Loc) -> m.Logo | None:
        """The logo, read once, its decoding cost bounded, decoded and ready for the renderers."""
        path = self.files.source_path(name, loc, "logo")
        if path is None:
            return None
        data = self.files.read_bytes(path, loc, MAX_LOGO_BYTES, written=name, field="logo")
        if data is None:
            return None
        try:
            return prepare_logo(data, self.files.rel(path))
        except LogoProblem as exc:
            self.problems.error(loc, f"'{shown(name)}' {exc.problem}", "logo", exc.expected)
            return None

    def targets(self, sections) -> list[tuple[str, str, str]]:
        """What ``@tbl:``, ``@sec:`` and ``#`` links lead to: ("tbl:ID", "Table 1", HTML id) for
        each numbered table with an id, ("sec:ID", "Section 3", HTML id) for each section and
        each heading with an id (a heading's label is its section's). An id used twice is an error."""
        found: dict[str, tuple[str, str, str]] = {}

        def add(key: str, label: str, html_id: str, loc: Loc) -> None:
            if key in found:
                self.problems.error(loc, f"id '{key.split(':', 1)[1]}' is used twice", "id",
                                    f"a {m.CROSSREF_KINDS[key[:3]]} id of its own")
            else:
                found[key] = (key, label, html_id)

        for section in sections:
            add(f"sec:{section.id}", section.label, f"sec-{section.id}", section.loc)
        for section in sections:
            for block in m.walk(section.blocks):
                if isinstance(block, m.Heading) and block.id:
                    add(f"sec:{block.id}", section.label, f"sec-{block.id}", block.loc)
                elif isinstance(block, m.Table) and block.id:
                    add(f"tbl:{block.id}", block.label, f"tbl-{block.id}", block.loc)
        return list(found.values())

    def check_crossrefs(self, sections, figures, references, targets, broken_figures) -> None:
        """Every ``@fig:``, ``@tbl:`` and ``@sec:`` leads to its target, an error (with "did you
        mean") where not; an internal ``#`` link that leads nowhere is a warning and shown as text.
        References to figures whose own files are in error are not reported again."""
        keys = {t[0] for t in targets} | {f"fig:{f.id}" for f in figures}
        expected = {"fig": "the id of a figure placed with ![](fig:ID)",
                    "tbl": "the id of a table captioned 'Table: ... {#tbl:ID}'",
                    "sec": "a section's file name, or a heading's {#ID}"}
        anchors = {k.split(":", 1)[1] for k in keys if k.startswith("sec:")} | keys
        anchors |= {"references"} if references else set()
        for section in sections:
            for span in _spans(section.blocks):
                if isinstance(span, m.CrossRef) and span.key not in keys:
                    if span.kind in ("fig", "tbl") and span.target in broken_figures:
                        continue
                    what = {"fig": "placed figure", "tbl": "numbered table", "sec": "section"}[span.kind]
                    options = [k.split(":", 1)[1] for k in keys if k.startswith(span.kind + ":")]
                    hint = did_you_mean(span.target, options) or expected[span.kind]
                    if span.kind == "fig" and f"tbl:{span.target}" in keys:
                        hint = f"@tbl:{span.target}: a kind: table figure is a numbered table"
                    self.problems.error(span.loc, f"@{span.key} refers to no {what}",
                                        m.CROSSREF_KINDS[span.kind], hint)
                elif (isinstance(span, m.Link) and span.href.startswith("#") and span.loc
                      and span.href[1:] not in anchors):
                    self.problems.warn(span.loc, f"link '{span.href}' leads nowhere in the brief, "
                                       "so it is shown as text", "link",
                                       did_you_mean(span.href[1:], sorted(anchors)).replace("'", "'#", 1)
                                       or "#ID for a section or heading, #fig:ID, #tbl:ID")


def _spans(blocks):
    for block in m.walk(blocks):
        if isinstance(block, (m.Paragraph, m.Heading)):
            groups = [block.spans]
        elif isinstance(block, m.Table):
            groups = [block.caption, *block.header] + [cell for row in block.rows for cell in row]
        else:
            groups = []
        for spans in groups:
            for span in spans:
                yield span
                if isinstance(span, m.Footnote):
                    yield from span.spans


def _listed_sections(doc: YamlDoc) -> tuple[list[str], YamlDoc] | None:
    """``sections:`` of a brief that is otherwise in error, when it is a list of texts."""
    data = doc.data
    ids = data.get("sections") if isinstance(data, dict) else None
    if isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids):
        return ids[:MAX_SECTIONS], doc
    return None


def _sections_entry(text: str, file: str) -> tuple[list[str], YamlDoc] | None:
    """``sections:`` read on its own from a brief.yaml that is not valid YAML: the line
    ``sections:`` and the indented lines after it."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"sections[ \t]*:", line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and re.match(r"([ \t]|-[ \t]|#|$)", lines[end]):
        end += 1
    try:
        doc = load_yaml("\n".join(lines[start:end]) + "\n", file, line_offset=start)
    except YamlProblem:
        return None
    return _listed_sections(doc)


__all__ = ["load_project", "slugify"]
