"""Loading a CSL style for a brief's language, and citeproc-py's readings of CSL corrected.

``csl:`` in brief.yaml names one of :data:`~.catalogue.BUNDLED` or a ``.csl`` file the author
supplies; the style is loaded with the locale of the brief's language
when citeproc-py has one (``en`` becomes ``en-US``, ``de`` ``de-DE``), else its own default.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from pathlib import Path

import citeproc
from citeproc import CitationStylesStyle
from citeproc import model as citeproc_model
from citeproc.source import VariableError
from citeproc.string import MixedString, NoCase, String

from . import case, speed  # noqa: F401  (speed: citeproc-py's lookups done once)
from .catalogue import BUNDLED, DEFAULT_STYLE, bundled_path  # noqa: F401  (the names, here too)

LOCALES = Path(citeproc.__file__).parent / "data" / "locales"
PRIMARY = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "pt": "pt-PT",
           "zh": "zh-CN", "ja": "ja-JP", "ko": "ko-KR", "sv": "sv-SE", "nl": "nl-NL"}


class StyleProblem(Exception):
    """A style file that citeproc-py cannot read."""


def locale_for(language: str) -> str | None:
    """The citeproc locale nearest ``language`` (a BCP 47 tag), or None for the style's own."""
    for tag in (language, PRIMARY.get(language.split("-")[0], "")):
        if tag and (LOCALES / f"locales-{tag}.xml").is_file():
            return tag
    matches = sorted(LOCALES.glob(f"locales-{language.split('-')[0]}-*.xml"))
    return matches[0].name[len("locales-"):-len(".xml")] if matches else None


@functools.lru_cache(maxsize=16)
def load_bundled(name: str, language: str) -> CitationStylesStyle:
    return CitationStylesStyle(bundled_path(name), locale=locale_for(language), validate=False)


def _get_option(self, name, context=None, sort_options=None):
    """citeproc-py initialises given names wherever ``initialize-with`` is set, even under
    ``initialize="false"`` (CSL 1.0.1: keep full names); there it is read as unset, so "Sheila"
    stays "Sheila"."""
    if name == "initialize-with" and self.get("initialize") == "false":
        return None
    return _NAME_OPTION(self, name, context, sort_options)


_NAME_OPTION = citeproc_model.Name.get_option
citeproc_model.Name.get_option = _get_option


_NUMERIC = re.compile(r"^[A-Z]*\d+[A-Z]*(?:\s*[-–,&]\s*[A-Z]*\d+[A-Z]*)*$", re.IGNORECASE)


def _is_numeric(self, item):
    """citeproc-py reads ``is-numeric="locator"`` from the work, which has no locator, so a
    chapter number lost its label ("2", not "chap. 2"); here the citation's own locator is read.
    A value is numeric as CSL 1.0.1 says: numbers, optionally with letters, joined by - – , &."""
    out = []
    for name in self.get("is-numeric").split():
        if name == "locator":
            value = str(item.locator.identifier) if item.has_locator else ""
        else:
            variable = name.replace("-", "_")
            value = str(item.reference[variable]) if variable in item.reference else ""
        out.append(bool(_NUMERIC.match(value)))
    return out


citeproc_model.If._is_numeric = _is_numeric


def _label_process(self, item, variable=None, plural=None, context=None, **kwargs):
    """citeproc-py prints a ``cs:label``'s term even when its variable is empty, so Chicago's
    short note of a journal article ended in "edition"; CSL 1.0.1 renders the term only for a
    non-empty variable (the locator: only when the citation has one)."""
    if variable is None:
        name = self.get("variable")
        empty = (not item.has_locator if name == "locator"
                 else name.replace("-", "_") not in item.reference)
        if empty:
            return None
    return _LABEL_PROCESS(self, item, variable, plural, context, **kwargs)


_LABEL_PROCESS = citeproc_model.Label.process
citeproc_model.Label.process = _label_process


def _label_markup(self, text):
    """citeproc-py set a label's term without its ``text-case`` unless told a language, so APA's
    "(Eds.)" came out "(eds.)"; the term is in the style's locale, whose language is told."""
    if not text:
        return None
    locales = self.get_root().locales
    language = (locales[0].get(_XML_LANG, "en") if locales else "en").split("-")[0]
    return self.wrap(self.format(self.case(self.strip_periods(text), language)))


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
citeproc_model.Label.markup = _label_markup


def _choose_render(self, item, context=None, delimiter="", **kwargs):
    """The branch taken, remembered (``self.taken``) for the group around it."""
    self.taken = None
    for child in self.getchildren():
        try:
            text = child.render(item, context=context, delimiter=delimiter, **kwargs)
        except citeproc_model.ConditionFailed:
            continue
        self.taken = child
        return text
    return None


def _group_process(self, item, context=None, **kwargs):
    """A group is left out when it calls variables and all of them are empty (CSL 1.0.1);
    citeproc-py counted every branch of a ``cs:choose`` in it as called, not the branch taken,
    so APA's thesis printed "(Publication)" with no number after it."""
    output, called, rendered = [], False, False
    delimiter = self.get("delimiter", "")
    for child in self.iterchildren():
        choose = isinstance(child, citeproc_model.Choose)
        text = None
        try:
            text = (child.render(item, context=context, delimiter=delimiter, **kwargs) if choose
                    else child.render(item, context=context, **kwargs))
        except VariableError:
            pass
        calls = (child.taken is not None and child.taken.calls_variable()) if choose \
            else child.calls_variable()
        called = called or calls
        if text is not None:
            output.append(text)
            rendered = rendered or calls
    if output and (not called or rendered):
        return self.join(output)
    raise VariableError


citeproc_model.Choose.render = _choose_render
citeproc_model.Group.process = _group_process


def _collation_key(value):
    """A text sort key compared as collation does at its first level: letters without accents,
    case or punctuation ("O’Brien" before "OECD", "Müller" with "Muller"); citeproc-py compared
    the code points."""
    if not isinstance(value, str):
        return value
    letters = unicodedata.normalize("NFKD", value)
    return "".join(c for c in letters if c.isalnum() or c.isspace()).casefold()


def _sort_keys(self, items, context):
    return [_collation_key(key) for key in _SORT_KEYS(self, items, context)]


_SORT_KEYS = citeproc_model.Key.sort_keys
citeproc_model.Key.sort_keys = _sort_keys


def _render_citation(self, citation, callback):
    """citeproc-py put a citation's works in reference-list order whatever the style said, so
    ``[@b; @a]`` came out as "(A; B)"; CSL 1.0.1 keeps the author's order unless the citation
    has a ``cs:sort`` (APA's, IEEE's), which is applied as before."""
    good = [cite for cite in citation.cites if not cite.is_bad()]
    bad = [cite for cite in citation.cites if cite.is_bad()]
    if self.getparent().sort is not None:
        good = self.getparent().sort.sort(good, self)
    out = []
    for item in good:
        self.repressed = {}
        try:
            output = self.render_children(item)
        except VariableError:
            continue
        if output is not None:
            out.append(item.get("prefix", "") + output + item.get("suffix", ""))
            self.getparent().cites.append(item)
    for item in bad:
        out.append(callback(item) or f"{item.key}?")
    return self.format(self.wrap(self.join(out)))


citeproc_model.Layout.render_citation = _render_citation


def punctuation_in_quote(style: CitationStylesStyle) -> bool:
    """Whether the style's locale sets a full stop or comma inside closing quotes (American
    usage: “Title.”), which citeproc-py does not do itself."""
    return str(style.root.get_locale_option("punctuation-in-quote")).lower() == "true"


_MACROS: dict[int, tuple[object, dict]] = {}  # id(style root) -> (the root, {name: macro})


def _get_macro(self, name):
    """citeproc-py looks a macro up with an XPath search of the whole style at each use (most of
    a brief's formatting time); here each style's macros are found once."""
    root = self.get_root()
    found = _MACROS.get(id(root))
    if found is None or found[0] is not root:
        if len(_MACROS) > 64:
            _MACROS.clear()
        macros = {}
        for macro in root.xpath_search("cs:macro"):
            macros.setdefault(macro.get("name"), macro)
        found = _MACROS[id(root)] = (root, macros)
    return found[1][name]


citeproc_model.CitationStylesElement.get_macro = _get_macro


def _case(self, text, language=None):
    """``text-case="title"`` and ``"sentence"`` by Pandoc's citeproc rules (:mod:`.case`):
    citeproc-py capitalised stop words after a colon only, lower-cased "NATO" in a title it
    sentence-cased, and re-cased the words a ``nocase`` span protects."""
    text_case = self.get("text-case")
    if text_case not in ("title", "sentence") or not text:
        return _CASE(self, text, language)
    if text_case == "title" and language != "en":
        return text
    parts = list(text) if isinstance(text, MixedString) else [text]
    segments = [(str(p), isinstance(p, NoCase)) for p in parts]
    word_case = case.title_word if text_case == "title" else case.sentence_word
    out = [NoCase(t) if protected else String(t)
           for t, protected in case.transform(segments, word_case) if t]
    return out[0] if len(out) == 1 else MixedString(out)


_CASE = citeproc_model.TextCased.case
citeproc_model.TextCased.case = _case


@functools.lru_cache(maxsize=16)
def load_text(xml: bytes, language: str) -> CitationStylesStyle:
    """A style from a ``.csl`` file's bytes (loaded once per content and language, as bundled
    styles are); :class:`StyleProblem` saying why it cannot be used."""
    try:
        return CitationStylesStyle(io.BytesIO(xml), locale=locale_for(language), validate=False)
    except Exception as exc:  # lxml and citeproc raise many kinds for a bad file
        raise StyleProblem(str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) \
            from exc


def is_note_style(style: CitationStylesStyle) -> bool:
    """Whether the style sets citations as footnotes (``class="note"``)."""
    return style.root.get("class") == "note"


def is_numeric(style: CitationStylesStyle) -> bool:
    """Whether the style cites by number (IEEE's ``[1]``)."""
    info = style.root.find("{http://purl.org/net/xbiblio/csl}info")
    if info is None:
        return False
    return any(c.get("citation-format") == "numeric"
               for c in info.findall("{http://purl.org/net/xbiblio/csl}category"))
