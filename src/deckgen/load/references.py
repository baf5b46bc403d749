"""The brief's references: read from ``bibliography:`` files and inline ``references:``, each
work listed once, and formatted by the brief's citation style.

Every source becomes a CSL item located at its entry (:mod:`deckgen.cite.sources`). A key given
twice is an error naming both places. A work that repeats another (the same authors, title and
year, compared without case or punctuation) under another key is merged into the first with a
warning naming both places; citations of its key are then counted as citations of the first
(the aliases the model keeps). Once the sections are read, :func:`format_references` formats
every citation and the reference list with the style ``csl:`` names.

The formatter (citeproc-py) and the BibTeX reader are imported only for a brief that has
references or citations, and a bundled style is read only when something is formatted with
it, so that a brief without citations pays nothing for them.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .. import model as m
from ..cite import case, catalogue
from ..errors import Collector, Loc, did_you_mean
from .files import SourceFiles, shown
from .sandbox import Unreadable, read_inside
from .schema import BriefIn
from .yamlsrc import YamlDoc

MAX_BIB_BYTES = 5_000_000
MAX_CSL_BYTES = 1_000_000


def read_references(brief: BriefIn, doc: YamlDoc, files: SourceFiles,
                    problems: Collector) -> tuple[tuple[m.Reference, ...], dict[str, str]]:
    """Every work once, in the order read (inline references first, then each file's), and
    ``{repeated key: kept key}``."""
    entries = []
    if brief.references:
        from ..cite import sources

        entries = [sources.Entry(r.id, sources.inline_item(r), doc.loc(("references", i)))
                   for i, r in enumerate(brief.references)]
    names = [brief.bibliography] if isinstance(brief.bibliography, str) else brief.bibliography
    for index, name in enumerate(names):
        entries += _read_file(name, doc.loc(("bibliography",) if isinstance(brief.bibliography, str)
                                            else ("bibliography", index)), files, problems,
                              brief.language.split("-")[0] == "en")
    kept: list = []
    aliases: dict[str, str] = {}
    for entry in entries:
        same_key = next((k for k in kept if k.key == entry.key), None)
        if same_key is not None:
            problems.error(entry.loc, f"reference key '{entry.key}' is already used at "
                           f"{same_key.loc}", "references", "each key once")
            continue
        twin = next((k for k in kept if _same_work(k.item, entry.item)), None)
        if twin is not None:
            aliases[entry.key] = twin.key
            problems.warn(entry.loc, f"reference '{entry.key}' repeats '{twin.key}' at {twin.loc};"
                          " merged into one entry", "references")
            continue
        kept.append(entry)
    refs = tuple(m.Reference(e.key, n, json.dumps(e.item, sort_keys=True, ensure_ascii=False),
                             e.loc) for n, e in enumerate(kept, start=1))
    return refs, aliases


def _read_file(name: str, loc: Loc, files: SourceFiles, problems: Collector,
               english: bool) -> list:
    path = files.source_path(name, loc, "bibliography")
    if path is None:
        return []
    suffix = Path(name).suffix.lower()
    if suffix not in (".bib", ".json"):
        problems.error(loc, f"'{shown(name)}' is not a .bib or .json file", "bibliography",
                       "a BibTeX/BibLaTeX .bib file or a CSL-JSON .json file under source/")
        return []
    text = files.read_text(path, loc, limit=MAX_BIB_BYTES, written=name, field="bibliography")
    if text is None:
        return []
    from ..cite import sources

    if suffix == ".bib":
        return sources.read_bib(text, files.rel(path), problems, english)
    return sources.read_csl_json(text, files.rel(path), problems)


def _same_work(a: dict, b: dict) -> bool:
    def norm(value) -> str:
        return re.sub(r"\W+", " ", case.unprotected(str(value))).strip().lower()

    def key(item: dict):
        names = tuple(norm(n.get("family") or n.get("literal", "")) for n in item.get("author", []))
        return names, norm(item.get("title", "")), norm(item.get("issued", ""))
    return key(a) == key(b)


def citations(sections, spans_of) -> list[m.Citation]:
    """Every citation of the brief in reading order (footnotes' at their call)."""
    return [s for section in sections for s in spans_of(section.blocks)
            if isinstance(s, m.Citation)]


def check_citations(found: list[m.Citation], references, aliases: dict[str, str],
                    incomplete: bool, problems: Collector) -> None:
    """Each cited key is a reference's. A bracketed citation of another key is an error with a
    did-you-mean; so is a narrative ``@word`` close to a key, while one close to none is a
    warning and printed as text (as Pandoc does, so ``<style>@import`` or a handle is not a
    citation). A reference never cited is a warning (unless some Markdown could not be read)."""
    keys = {r.id for r in references} | set(aliases)
    cited: set[str] = set()
    for span in found:
        for key in span.ref_ids:
            cited.add(aliases.get(key, key))
            if key in keys:
                continue
            hint = did_you_mean(key, keys)
            if span.narrative and not hint:
                problems.warn(span.loc, f"'@{key}' is not a citation key; printed as text",
                              "citation", "@key with a key from the bibliography files or "
                              "brief.yaml references")
            else:
                problems.error(span.loc, f"citation '@{key}' is not in the references",
                               "citation", hint or "a key from the bibliography files or "
                               "brief.yaml references")
    for ref in references:
        if ref.id not in cited and not incomplete:
            problems.warn(ref.loc, f"reference '{ref.id}' is never cited", "references")


def is_text(span: m.Citation, keys) -> bool:
    """Whether a narrative ``@word`` names no work and is printed as the text it is."""
    return span.narrative and not all(k in keys for k in span.ref_ids)


@dataclass(frozen=True)
class Bundled:
    """A bundled style chosen by name, read (:func:`resolved`) when something is formatted."""

    name: str
    language: str


def resolved(style):
    """The citeproc style of ``style`` (a :class:`Bundled` one read now)."""
    if isinstance(style, Bundled):
        from ..cite import styles

        return styles.load_bundled(style.name, style.language)
    return style


def is_note_style(style) -> bool:
    """Whether the style sets citations as footnotes."""
    from ..cite import styles

    return styles.is_note_style(resolved(style))


def load_style(csl: str, language: str, loc: Loc, files: SourceFiles, problems: Collector):
    """The style ``csl:`` names (default Chicago author-date: a :class:`Bundled` one, read when
    used), or None and an error."""
    name = csl or catalogue.DEFAULT_STYLE
    if name in catalogue.BUNDLED:
        return Bundled(name, language)
    if not name.lower().endswith(".csl"):
        problems.error(loc, f"unknown citation style '{shown(name)}'", "csl",
                       did_you_mean(name, catalogue.BUNDLED)
                       or "one of " + ", ".join(catalogue.BUNDLED)
                       + ", or a .csl file under source/ or templates/")
        return None
    folder = files.root / ("templates" if name.startswith("templates/") else "source")
    inner = name.removeprefix("templates/")
    if files.source_path(inner, loc, "csl") is None:
        return None
    try:
        data = read_inside(folder, folder / inner, MAX_CSL_BYTES)
    except Unreadable as exc:
        problems.error(loc, f"style file '{shown(name)}': {exc.reason}", "csl",
                       "a .csl file under source/ or templates/")
        return None
    from ..cite import styles

    try:
        return styles.load_text(data, language)
    except styles.StyleProblem as exc:
        problems.error(loc, f"style file '{shown(name)}' cannot be read: {exc}", "csl",
                       "a CSL 1.0 style")
        return None


def format_references(references, aliases: dict[str, str], found: list[m.Citation], style,
                      style_name: str, labels):
    """The references numbered and formatted in the style's order, and the brief's
    :class:`~deckgen.model.Bibliography` (every citation's text; the list's heading in the
    brief's language: "Bibliography" for a note style, else "References")."""
    keys = {r.id for r in references} | set(aliases)
    cites = [span for span in found if not is_text(span, keys)]
    words = [((span.loc.file, span.seq), html.escape("@" + span.ref_ids[0]),
              "@" + span.ref_ids[0]) for span in found if is_text(span, keys)]
    if not references and not cites:  # nothing to format: no formatter, no style read
        return (), m.Bibliography(style_name, False, False, labels["references"], tuple(words),
                                  as_text=_as_text(found, keys))
    from ..cite import render

    items = [json.loads(r.csl) for r in references]
    requests = [(tuple(_resolved(c, aliases) for c in span.cites), span.narrative)
                for span in cites]
    uncited = [((m.CiteItem(r.id),), False) for r in references]  # listed even if not cited
    out = render.render(items, requests + uncited, resolved(style), labels.language)
    by_id = {r.id: r for r in references}
    refs = tuple(m.Reference(key, n, by_id[key].csl, by_id[key].loc, f.html, f.text)
                 for n, (key, f) in enumerate(out.entries, start=1))
    texts = [((span.loc.file, span.seq), f.html, f.text) for span, f in zip(cites, out.citations)]
    texts += words
    return refs, m.Bibliography(style_name, out.notes, out.numeric,
                                labels["bibliography" if out.notes else "references"], tuple(texts),
                                as_text=_as_text(found, keys))


def _as_text(found: list[m.Citation], keys) -> tuple[tuple[str, int], ...]:
    return tuple(sorted({(s.loc.file, s.seq) for s in found if is_text(s, keys)}))


def _resolved(cite: m.CiteItem, aliases: dict[str, str]) -> m.CiteItem:
    key = aliases.get(cite.key, cite.key)
    return cite if key == cite.key else m.CiteItem(key, cite.prefix, cite.label, cite.locator,
                                                   cite.suffix, cite.suppress_author)
