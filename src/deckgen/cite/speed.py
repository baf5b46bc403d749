"""citeproc-py's lookups done once: what makes a brief's citations cost little.

citeproc-py answers each question about a style by an XPath search of its XML, every time it is
asked (a term of the locale, a name element's citation or bibliography, a text's layout), and
reaches each cited work through a chain of dictionary lookups; formatting a brief's citations
and reference list asks the same questions thousands of times. Installed on import:

- :func:`_xpath_search`: an element's answer to an expression, kept with the element (held, so
  that the element object lxml hands out stays the same one, and so the answer its own). A
  style's tree is never changed once read, so the answer stays true.
- :func:`_calls_variable`: whether an element calls a variable (what decides if a group is
  left out), which its children alone decide, found once for each element.
- :func:`_reference`: a cited item's work, looked up without the chain of attribute lookups.
"""

from __future__ import annotations

from citeproc import model as citeproc_model
from citeproc.source import CitationItem, VariableError

_FOUND: dict[int, tuple[object, dict[str, list]]] = {}  # id(element) -> (element, answers)
MAX_ELEMENTS = 50_000  # beyond this many, the kept answers are dropped and found again


def _xpath_search(self, expression):
    kept = _FOUND.get(id(self))
    if kept is None or kept[0] is not self:
        if len(_FOUND) > MAX_ELEMENTS:
            _FOUND.clear()
        kept = _FOUND[id(self)] = (self, {})
    answers = kept[1]
    found = answers.get(expression)
    if found is None:
        found = answers[expression] = self.xpath(expression, namespaces=self.nsmap)
    return list(found)


_CALLS: dict[int, tuple[object, bool]] = {}  # id(element) -> (element, calls a variable)


def _calls_variable(original):
    def calls_variable(self):
        kept = _CALLS.get(id(self))
        if kept is None or kept[0] is not self:
            if len(_CALLS) > MAX_ELEMENTS:
                _CALLS.clear()
            kept = _CALLS[id(self)] = (self, original(self))
        return kept[1]
    return calls_variable


def _reference(self):
    try:
        citation = dict.__getitem__(self, "citation")
        return dict.__getitem__(citation, "bibliography").source[dict.__getitem__(self, "key")]
    except KeyError:
        raise VariableError from None


citeproc_model.CitationStylesElement.xpath_search = _xpath_search
citeproc_model.Parent.calls_variable = _calls_variable(citeproc_model.Parent.calls_variable)
citeproc_model.Text.calls_variable = _calls_variable(citeproc_model.Text.calls_variable)
CitationItem.reference = property(_reference)
