"""Citations and a reference list formatted by a CSL style (citeproc-py).

:func:`render` takes the works (CSL items, in the order they were read) and every citation in the
brief in reading order, and returns each citation's text and the reference list in the style's
order, both as HTML (``<i>``, ``<b>``, DOIs and URLs as links) and as plain text. Two forms
citeproc-py lacks are built from what it renders: a suppressed author (``[-@key]``) is a
citation of the work with a placeholder author, the placeholder removed; a narrative citation
(``@key``) is the author, as the full citation shows it, followed by the suppressed-author
citation ("Smith (2019, 12)"). In a note style a citation's footnote starts with a capital ("See
Kim, A Report."), its text as it stands in a sentence does not ("(see Kim, A Report)"); a
narrative citation is, as Pandoc sets it, the authors' family names in the text and the note
with the author suppressed ("As Kim¹ shows", ¹ "A Report, 12."); as text, "Kim (A Report, 12)".

The last few results are kept (:data:`KEPT`): a rebuild whose works, citations, style and
language are those of a recent one (an edit elsewhere in the text) gets the same result without
formatting again, half of what loading the example brief costs.
"""

from __future__ import annotations

import html
import json
import re
from collections import OrderedDict
from dataclasses import dataclass

from citeproc import Citation, CitationItem, CitationStylesBibliography, Locator, formatter
from citeproc.source.json import CiteProcJSON

from ..model import CiteItem as Cite  # one cited work: key, prefix, locator ...
from .notes import capitalised
from .styles import is_note_style, is_numeric, punctuation_in_quote

MARK = "\ue000"  # the placeholder author of a suppressed-author citation
_MARK_GAP = re.compile(MARK + r"[,:]?\s*")
_URL = re.compile(r"(?<![\w\"'=])(https?://[^\s<>\"]+?)(?=[.,;:)]?(?:\s|$|<))")
_TAG = re.compile(r"<[^>]+>")
# a numeric entry's label and its text: "[1] M. Kim", as the style's aligned field is shown
_LABEL_GAP = re.compile(r"^((?:<[^>]+>)*\[\d+\](?:</[^>]+>)*)(?=\S)")
# a full stop the style adds after a title that ends in its own ? ! or . (CSL: not doubled)
_DOUBLED = re.compile(r"(?<!\.)([?!.])((?:</[a-z]+>|[”’\"])*)\.(?!\.)")
# a full stop or comma after closing double quotes (and the tags closed there)
_AFTER_QUOTE = re.compile(r"((?<![?!.])”(?:</[a-z]+>)*)([.,])")


@dataclass(frozen=True)
class Formatted:
    """A piece of formatted text: as HTML and as plain text."""

    html: str
    text: str


@dataclass(frozen=True)
class Rendered:
    citations: tuple[Formatted, ...]  # in the order given
    entries: tuple[tuple[str, Formatted], ...]  # (key, entry) in the style's order
    notes: bool  # citations are footnotes
    numeric: bool


KEPT = 8  # results kept, for as many sets of inputs
_kept: OrderedDict[tuple, tuple[object, Rendered]] = OrderedDict()


def render(items: list[dict], citations: list[tuple[tuple[Cite, ...], bool]], style,
           language: str = "en") -> Rendered:
    """``citations``: (cites, narrative) in reading order; every key must be one of ``items``.

    A style is the same style when it is the same object (bundled styles and style files are
    loaded once per content: :mod:`.styles`); each kept result holds its style, so the
    object's ``id`` in the key cannot be another style's."""
    key = (json.dumps(items, sort_keys=True), tuple(citations), id(style), language)
    if key in _kept:
        _kept.move_to_end(key)
        return _kept[key][1]
    result = _render(items, citations, style, language)
    _kept[key] = (style, result)
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
    return result


def _render(items: list[dict], citations: list[tuple[tuple[Cite, ...], bool]], style,
            language: str) -> Rendered:
    source = CiteProcJSON([_lower_id(i) for i in items])
    marked = _Marked(style, items)
    bibliography = CitationStylesBibliography(style, source, formatter.html)
    for cites, _ in citations:  # the reference list from bare cites, in first-cited order
        for cite in cites:
            bibliography.register(Citation([CitationItem(cite.key)]))
    built = [_citation(cites) for cites, _ in citations]
    for citation in built:
        bibliography.register(citation)
    bibliography.sort()
    numeric = is_numeric(style)
    notes = is_note_style(style)
    inside = punctuation_in_quote(style)
    out = []
    seen: set[str] = set()  # the works cited so far (a note style's later notes are short)
    done: dict[tuple, Formatted] = {}  # outside a note style a citation's text is its own
    for (cites, narrative), citation in zip(citations, built):
        later = cites[0].key.lower() in seen
        seen.update(c.key.lower() for c in cites)
        if not notes and (cites, narrative) in done:
            out.append(done[cites, narrative])
            continue
        out.append(_one(bibliography, marked, items, cites, narrative, citation, later,
                        (numeric, notes, inside)))
        done[cites, narrative] = out[-1]
    by_lower = {str(i["id"]).lower(): str(i["id"]) for i in items}
    entries = tuple((by_lower[item.key], _formatted(_LABEL_GAP.sub(r"\1 ", str(entry)), inside))
                    for item, entry in zip(bibliography.items, bibliography.bibliography()))
    return Rendered(tuple(out), entries, notes, numeric)


def _one(bibliography, marked: _Marked, items: list[dict], cites: tuple[Cite, ...],
         narrative: bool, citation, later: bool, kind: tuple[bool, bool, bool]) -> Formatted:
    """One citation's text; ``kind``: (numeric, notes, punctuation inside quotes)."""
    numeric, notes, inside = kind
    full = str(bibliography.cite(citation, _ignore))
    if notes and narrative:
        note = _formatted(_MARK_GAP.sub("", marked.cite(cites, bibliography.keys, later)), inside)
        return _note_narrative(_family(items, cites[0].key), note)
    if notes:  # a footnote of its own starts with a capital, its prefix's too ("See Kim")
        formatted = _formatted(full, inside)
        return Formatted(capitalised(formatted.html), formatted.text)
    if numeric or notes or not (narrative or any(c.suppress_author for c in cites)):
        text = full
    else:
        hidden = marked.cite(cites, bibliography.keys)
        text = _narrative(full, hidden) if narrative else _MARK_GAP.sub("", hidden)
    if narrative and numeric:
        text = _family(items, cites[0].key) + " " + text
    return _formatted(text, inside)


class _Marked:
    """Citations rendered with a placeholder author for the suppressed ones."""

    def __init__(self, style, items: list[dict]):
        self.style = style
        self.items = items
        self.sources: dict[frozenset, object] = {}  # the works hidden -> their source

    def cite(self, cites: tuple[Cite, ...], order: list[str], later: bool = False) -> str:
        """The citation with its works' authors replaced by :data:`MARK`; ``later``: as a
        note style sets a work cited before (its short note)."""
        hidden = frozenset(c.key.lower() for c in cites)
        if hidden not in self.sources:
            self.sources[hidden] = CiteProcJSON([
                _lower_id(i) if str(i["id"]).lower() not in hidden else
                dict(_lower_id(i), author=[{"family": MARK}]) for i in self.items])
        bibliography = CitationStylesBibliography(self.style, self.sources[hidden],
                                                  formatter.html)
        for key in order:  # the same numbers as the brief's
            bibliography.register(Citation([CitationItem(key)]))
        citation = _citation(cites)
        bibliography.register(citation)
        if later:  # cited once before
            before = _citation(cites)
            bibliography.register(before)
            bibliography.cite(before, _ignore)
        return str(bibliography.cite(citation, _ignore))


def _narrative(full: str, marked: str) -> str:
    """"Smith (2019, 12)" from "(Smith 2019, 12)" and its marked form "(MARK 2019, 12)"."""
    start = 0
    while start < min(len(full), len(marked)) and full[start] == marked[start]:
        start += 1
    end = 0
    while end < min(len(full), len(marked)) - start and full[-1 - end] == marked[-1 - end]:
        end += 1
    author = full[start:len(full) - end]
    rest = _MARK_GAP.sub("", marked)
    return f"{author} {rest}".strip() if author else rest


def _note_narrative(author: str, note: Formatted) -> Formatted:
    """The authors in the text, the note (its author suppressed) as a footnote."""
    if not author:  # a work without one: the note alone
        return Formatted(f'<span class="footnote">{note.html}</span>',
                         f"({note.text.strip().removesuffix('.')})")
    return Formatted(f'{html.escape(author)}<span class="footnote">{note.html}</span>',
                     f"{author} ({note.text.strip().removesuffix('.')})")


def _family(items: list[dict], key: str) -> str:
    item = next(i for i in items if str(i["id"]) == key)
    names = item.get("author") or item.get("editor") or []
    if not names:
        return ""
    first = names[0].get("family") or names[0].get("literal", "")
    return first + (" et al." if len(names) > 2 else
                    f" and {names[1].get('family') or names[1].get('literal', '')}"
                    if len(names) == 2 else "")


def _citation(cites: tuple[Cite, ...]) -> Citation:
    items = []
    for cite in cites:
        extra = {}
        if cite.locator:
            extra["locator"] = Locator(cite.label or "page", cite.locator)
        if cite.prefix:
            extra["prefix"] = cite.prefix + " "
        if cite.suffix:
            extra["suffix"] = (" " if cite.suffix[0].isalnum() else "") + cite.suffix
        items.append(CitationItem(cite.key, **extra))
    return Citation(items)


def _lower_id(item: dict) -> dict:
    return dict(item, id=str(item["id"]).lower())


def _formatted(markup: str, inside: bool) -> Formatted:
    """citeproc's HTML with its URLs as links, and the same as plain text; ``inside``: a full
    stop or comma after closing quotes moved inside them."""
    markup = _DOUBLED.sub(r"\1\2", markup)
    if inside:
        markup = _AFTER_QUOTE.sub(r"\2\1", markup)
    text = html.unescape(_TAG.sub("", markup))
    linked = _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', markup)
    return Formatted(linked, text)


def _ignore(item) -> None:  # every key was checked before rendering
    return None
