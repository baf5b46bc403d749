"""The brief model: the single source of truth every renderer reads.

Frozen dataclasses only; every node carries ``loc`` (file and line) and nothing here knows
about pages, slides, EMU or CSS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import Loc
from .figures.kinds import KINDS
from .figures.options import DEFAULT as DEFAULT_OPTIONS
from .figures.options import ChartOptions
from .i18n.labels import Labels, english


class _KeysLocated:
    """What was read from one file whose keys' places are kept (``key_locs``, beside ``loc``,
    where the file starts): brief.yaml, a section's front matter, a figure file."""

    def at(self, key: str) -> Loc:
        """Where the file's ``key`` is written (its translation's, in an edition that translates
        it), else where the file starts."""
        return dict(self.key_locs).get(key, self.loc)


# ---- inline content -------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    strong: bool = False
    emph: bool = False
    code: bool = False
    strike: bool = False


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    loc: Loc | None = None  # where it was written (an internal ``#`` link is checked)


# What a cross-reference's prefix refers to. The labels themselves ("Figure 2", "Table 1") are
# the catalogue's (deckgen.i18n): a node that has one holds the brief's Labels, which the loader
# gives it (English until then).
CROSSREF_KINDS = {"fig": "figure", "tbl": "table", "sec": "section"}


@dataclass(frozen=True)
class CrossRef:
    """A cross-reference in running text: ``@fig:ID`` ("see Figure 2"), ``@tbl:ID`` ("Table 1")
    or ``@sec:ID`` ("Section 3")."""

    kind: str  # a key of CROSSREF_KINDS
    target: str
    loc: Loc

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.target}"


@dataclass(frozen=True)
class CiteItem:
    """One cited work of a citation: ``[see @key, p. 12]`` is prefix "see", the key, label
    "page" and locator "12"; ``[-@key]`` suppresses the author."""

    key: str
    prefix: str = ""
    label: str = ""
    locator: str = ""
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """A citation in the text: ``[@a; @b]`` (``items`` in order), or ``@key`` (``narrative``:
    "Smith (2019)"). ``seq`` counts the citations of its file, which with the file names it."""

    ref_ids: tuple[str, ...]
    loc: Loc
    items: tuple[CiteItem, ...] = ()
    narrative: bool = False
    seq: int = 0

    @property
    def cites(self) -> tuple[CiteItem, ...]:
        return self.items or tuple(CiteItem(k) for k in self.ref_ids)


@dataclass(frozen=True)
class Footnote:
    """A footnote call together with its text, set at the foot of the page in the PDF."""

    spans: tuple[Inline, ...]
    loc: Loc


@dataclass(frozen=True)
class LineBreak:
    pass


Inline = Text | Link | CrossRef | Citation | Footnote | LineBreak

# ---- blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Inline, ...]
    loc: Loc


@dataclass(frozen=True)
class Heading:
    level: int  # the Markdown level: 1 for '#' ... 6 for '######'
    spans: tuple[Inline, ...]
    loc: Loc
    id: str = ""  # from a trailing {#id} (or {#sec:id}): a target of @sec:id and #id links


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    loc: Loc
    start: int = 1


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Block, ...]
    loc: Loc


@dataclass(frozen=True)
class Table:
    header: tuple[tuple[Inline, ...], ...]
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    aligns: tuple[str, ...]
    loc: Loc
    number: int = 0  # a table with a caption ("Table: ...") is numbered; 0: no caption
    caption: tuple[Inline, ...] = ()
    id: str = ""  # from the caption's {#tbl:id}: a target of @tbl:id
    source: str = ""  # a source line (a table from a CSV file's figure spec names its source)
    alt: str = ""  # a table figure's alt text, on the deck's table shape
    labels: Labels | None = field(default=None, compare=False, repr=False)  # None: English

    @property
    def label(self) -> str:
        return (self.labels or english())("table", n=self.number) if self.number else ""


# The callout kinds (GitHub's alerts, Quarto's callouts); the title each box shows by default is
# the catalogue's label of the same key.
CALLOUT_KINDS = {"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning",
                 "caution": "Caution"}


@dataclass(frozen=True)
class Callout:
    """A styled box set apart from the text: ``> [!NOTE]`` or ``::: {.callout-note}``."""

    kind: str  # a key of CALLOUT_KINDS
    title: str  # the author's title; empty: the kind's own
    blocks: tuple[Block, ...]
    loc: Loc
    deck: bool = False  # marked for the deck: "{.deck}" after the alert, or a .deck class
    labels: Labels | None = field(default=None, compare=False, repr=False)  # None: English

    @property
    def heading(self) -> str:
        return self.title or (self.labels or english())[self.kind]


@dataclass(frozen=True)
class CodeBlock:
    text: str
    loc: Loc


@dataclass(frozen=True)
class FigureBlock:
    """The place in a section where a figure is drawn."""

    figure_id: str
    loc: Loc


Block = Paragraph | Heading | ListBlock | Quote | Callout | Table | CodeBlock | FigureBlock

def walk(blocks):
    """Every block in ``blocks``, depth first, including those inside lists and quotes (a stack
    of the blocks still to visit at each level, not recursion)."""
    pending = [iter(blocks)]
    while pending:
        block = next(pending[-1], _END)
        if block is _END:
            pending.pop()
            continue
        yield block
        if isinstance(block, ListBlock):
            pending.append(inner for item in block.items for inner in item)
        elif isinstance(block, (Quote, Callout)):
            pending.append(iter(block.blocks))


_END = object()  # no block left at a level of walk()


# ---- figures, references, sections, brief ---------------------------------------------



@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # None: no value there (a gap in the chart)
    colour: str = ""                  # "#RRGGBB"; "": the theme's series colour


@dataclass(frozen=True)
class Event:
    year: int
    label: str


@dataclass(frozen=True)
class Picture:
    """An ``image`` figure's picture as the renderers draw it, read once by the loader: a PNG or
    JPEG decoded and encoded again, or an SVG with nothing left in it that runs or fetches."""

    file: str  # where it came from, relative to the project
    data: bytes = field(repr=False)
    media_type: str  # "image/svg+xml", "image/png" or "image/jpeg"
    width: float  # pixels (an SVG: its own units)
    height: float
    digest: str  # SHA-256 of ``data``: what the figure cache keys a drawing by

    @property
    def suffix(self) -> str:
        return {"image/svg+xml": ".svg", "image/png": ".png"}.get(self.media_type, ".jpg")

    @property
    def vector(self) -> bool:
        return self.media_type == "image/svg+xml"


@dataclass(frozen=True)
class Figure(_KeysLocated):
    id: str
    number: int
    kind: str
    title: str
    caption: str
    alt: str
    source: str
    units: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    events: tuple[Event, ...]
    loc: Loc
    options: ChartOptions = DEFAULT_OPTIONS
    x_values: tuple[float | None, ...] = ()  # a scatter chart's x, one per point
    labels: Labels | None = field(default=None, compare=False, repr=False)  # None: English
    picture: Picture | None = None  # an image figure's picture
    licence: str = ""  # an image figure's licence line
    width: int = 0  # per cent of the text width the PDF gives the figure; 0: all of it
    message: str = ""  # what the reader should take away; "": the caption's first sentence
    key_locs: tuple[tuple[str, Loc], ...] = ()  # where each key of the figure's file is written

    @property
    def label(self) -> str:
        return (self.labels or english())("figure", n=self.number)

    @property
    def language(self) -> str:
        """The language its numbers are written in (the brief's)."""
        return (self.labels or english()).language

    @property
    def data_points(self) -> int:
        """The values drawn: every value of every series, every timeline event."""
        return sum(len(s.values) for s in self.series) + len(self.events)

    @property
    def value_labels(self) -> int:
        """The values drawn with a label of their own, the dearest part of drawing a figure
        (which values those are, the figure's kind says)."""
        return KINDS[self.kind].labelled_values(len(self.categories), self.data_points)

    # The fields that change the picture: the figure cache keys a drawing by these alone, so a
    # new field that is drawn belongs here too (the number, title, caption, alt text, source
    # and place are not drawn).
    DRAWN = ("kind", "units", "categories", "series", "events", "options", "x_values", "language",
             "picture")

    def drawn_content(self) -> str:
        """What the drawing of this figure depends on, as text (part of its cache key)."""
        return repr(tuple(getattr(self, name) for name in self.DRAWN))


@dataclass(frozen=True)
class Reference:
    """A cited work: its CSL item (as JSON text), where it was written and, once the brief's
    style has formatted it, its entry in the reference list (HTML and plain text), numbered
    in the list's order."""

    id: str
    number: int
    csl: str
    loc: Loc
    html: str = ""
    text: str = ""


@dataclass(frozen=True)
class Bibliography:
    """What the brief's citation style made of its citations: each citation's text, keyed by
    (file, seq), as HTML and plain text; whether they are footnotes; the list's heading; the
    narrative ``@word``s that name no work and stay text."""

    style: str
    notes: bool
    numeric: bool
    heading: str
    citations: tuple[tuple[tuple[str, int], str, str], ...] = ()
    as_text: tuple[tuple[str, int], ...] = ()  # narrative "@word"s naming no work: plain text

    def is_text(self, span: Citation) -> bool:
        return (span.loc.file, span.seq) in self.as_text

    def citation(self, span: Citation) -> tuple[str, str]:
        """(HTML, text) of a citation."""
        found = self._by_key.get((span.loc.file, span.seq))
        return (found[0], found[1]) if found else ("", "")

    @property
    def _by_key(self) -> dict:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = {key: (h, t) for key, h, t in self.citations}
            object.__setattr__(self, "_cache", cache)
        return cache


def long_date(date: dt.date, language: str = "en") -> str:
    """A date as readers of a brief in ``language`` expect it: "26 November 2026",
    "26 novembre 2026", "2026年11月26日" (CLDR's long date, through Babel)."""
    from .i18n.formats import long_date as localised

    return localised(date, language)


SENTENCE_ENDS = ".!?:…。！？"


def sentence(text: str) -> str:
    """``text`` ending in one sentence mark: a full stop is added where none ends it."""
    text = text.strip()
    return text if not text or text[-1] in SENTENCE_ENDS else text + "."


@dataclass(frozen=True)
class KeyFigure:
    """A number a section stands on, as its text writes it ("$52 billion"), with what it counts
    and where it comes from: a large number on a slide, and in the brief's figure strip."""

    value: str
    label: str
    source: str
    loc: Loc


@dataclass(frozen=True)
class Section(_KeysLocated):
    id: str
    title: str
    key_points: tuple[str, ...]
    notes: str
    kind: str  # "body", "recommendations" or "appendix"
    blocks: tuple[Block, ...]
    loc: Loc
    number: str = ""  # "3" for the third numbered section, "A" for the first appendix
    deck: bool | None = None  # None: in the deck unless an appendix
    labels: Labels | None = field(default=None, compare=False, repr=False)  # None: English
    point_locs: tuple[Loc, ...] = ()  # where each key point is written
    # each key point's citations once formatted: ((cited keys, the style's short text), ...)
    point_cites: tuple[tuple[tuple[tuple[str, ...], str], ...], ...] = ()
    point_html: tuple[str, ...] = ()  # each key point as the PDF sets it (citations linked)

    def cited_in_points(self) -> tuple[str, ...]:
        """The keys the key points cite, each once, in order."""
        return tuple(dict.fromkeys(k for cites in self.point_cites for keys, _ in cites
                                   for k in keys))
    short_title: str = ""  # the running header's title ("": the title)
    key_figures: tuple[KeyFigure, ...] = ()
    key_locs: tuple[tuple[str, Loc], ...] = ()  # where each key of the front matter is written

    @property
    def label(self) -> str:
        """"Section 3" or "Appendix A" (in the brief's language)."""
        return (self.labels or english())("appendix" if self.kind == "appendix" else "section",
                                          n=self.number)

    @property
    def in_deck(self) -> bool:
        return self.deck if self.deck is not None else self.kind != "appendix"


@dataclass(frozen=True)
class Author:
    """A person (or team) who wrote the brief; ``orcid`` is the bare iD, 0000-0002-1825-0097."""

    name: str
    role: str = ""
    affiliation: str = ""
    email: str = ""
    orcid: str = ""

    @property
    def byline(self) -> str:
        """Name and affiliation, as the title slide shows them: "Jane Doe, Example Institute"."""
        return ", ".join(x for x in (self.name, self.affiliation) if x)


@dataclass(frozen=True)
class Logo:
    """The brief's logo as the renderers draw it: decoded once by the loader, turned upright
    (its EXIF orientation applied) and encoded again; its file is never read again."""

    file: str  # where it came from, relative to the project
    data: bytes
    media_type: str  # "image/png" or "image/jpeg"
    width: int  # pixels, upright
    height: int

    @property
    def suffix(self) -> str:
        return ".png" if self.media_type == "image/png" else ".jpg"


@dataclass(frozen=True)
class Contact:
    """Whom the audience may write to, as the closing slide gives it."""

    name: str = ""
    email: str = ""
    url: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(x for x in (self.name, self.email, self.url) if x)


@dataclass(frozen=True)
class Meta(_KeysLocated):
    title: str
    short_title: str
    subtitle: str
    date: dt.date
    authors: tuple[Author, ...]
    organisation: str
    distribution: str
    language: str
    paper: str
    keywords: tuple[str, ...]
    summary: str
    logo: Logo | None  # None: no logo
    loc: Loc
    contact: Contact | None = None
    reveal: str = ""  # "bullets" or "none" as brief.yaml's deck.reveal says; "": the theme's
    key_locs: tuple[tuple[str, Loc], ...] = ()  # where each key of brief.yaml is written


@dataclass(frozen=True)
class Brief:
    """A whole brief. ``name`` is the output file stem."""

    name: str
    meta: Meta
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...]
    references: tuple[Reference, ...]
    reference_aliases: tuple[tuple[str, str], ...] = ()
    bibliography: Bibliography | None = None
    warnings: tuple = field(default=(), compare=False)
    # (path relative to source/, SHA-256 in hex) of every file the loader read, as it read it
    source_digests: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # what cross-references and internal links lead to: ("tbl:ID", "Table 1", HTML id), ...
    targets: tuple[tuple[str, str, str], ...] = ()
    labels: Labels | None = field(default=None, compare=False, repr=False)  # None: English

    @property
    def words(self) -> Labels:
        """The fixed words of the brief's language (:mod:`deckgen.i18n`)."""
        return self.labels or english()

    def figure(self, figure_id: str) -> Figure:
        return next(f for f in self.figures if f.id == figure_id)

    def target(self, key: str) -> tuple[str, str] | None:
        """The label and HTML id that ``key`` ("fig:ID", "tbl:ID", "sec:ID") leads to."""
        if key.startswith("fig:") and any(f.id == key[4:] for f in self.figures):
            figure = self.figure(key[4:])
            return figure.label, f"fig-{figure.id}"
        found = next((t for t in self.targets if t[0] == key), None)
        return (found[1], found[2]) if found else None

    def anchor(self, fragment: str) -> str | None:
        """The HTML id an internal link ``#fragment`` leads to: ``#ID`` or ``#sec:ID`` a section
        or a heading with that id, ``#fig:ID``, ``#tbl:ID``, ``#references``; None: nowhere."""
        if fragment == "references" and self.references:
            return "references"
        found = self.target(fragment if fragment[:4] in ("fig:", "tbl:", "sec:") else f"sec:{fragment}")
        return found[1] if found else None

    @property
    def deck_sections(self) -> tuple[Section, ...]:
        """The sections the deck shows: all but the appendices not marked ``deck: true``."""
        return tuple(s for s in self.sections if s.in_deck)

    def reference(self, ref_id: str) -> Reference:
        """The reference with ``ref_id``; a merged duplicate's id leads to the entry it joined."""
        ref_id = dict(self.reference_aliases).get(ref_id, ref_id)
        return next(r for r in self.references if r.id == ref_id)

    @property
    def key_points(self) -> tuple[str, ...]:
        return tuple(p for s in self.sections for p in s.key_points)
