"""Pandoc's citation syntax read into cited items.

``[@key]``, ``[@key, p. 12]``, ``[@key, pp. 12–15]``, ``[see @a, ch. 2; @b]``, ``[-@key]``
(the author suppressed) and the narrative ``@key``. A locator starts with one of Pandoc's
English labels (``p.``, ``ch.``, ``sec.``, ``para.``, ...; a bare number is a page), and what
follows it is the suffix. Keys prefixed ``fig:``, ``tbl:`` or ``sec:`` are cross-references,
never citations.
"""

from __future__ import annotations

import re

from ..model import CROSSREF_KINDS, CiteItem

KEY = r"[\w](?:[\w]|[:.#$%&+?<>~/-](?=\w))*"
NARRATIVE = re.compile(r"@(" + KEY + r")")
BRACKETED = re.compile(r"\[([^\[\]]*?(?<![\w.@])-?@\w[^\[\]]*)\]")
_PART = re.compile(r"^(?P<prefix>[^@]*?)(?P<minus>-?)@(?P<key>" + KEY + r")(?P<rest>.*)$", re.DOTALL)
# Pandoc's English locator labels -> CSL locator types
LABELS = {
    "book": "book", "bk.": "book", "bks.": "book", "chapter": "chapter", "chap.": "chapter",
    "chaps.": "chapter", "ch.": "chapter", "chs.": "chapter", "column": "column", "col.": "column",
    "cols.": "column", "figure": "figure", "fig.": "figure", "figs.": "figure", "folio": "folio",
    "fol.": "folio", "fols.": "folio", "number": "number", "no.": "number", "nos.": "number",
    "line": "line", "l.": "line", "ll.": "line", "note": "note", "n.": "note", "nn.": "note",
    "opus": "opus", "op.": "opus", "opp.": "opus", "page": "page", "pages": "page", "p.": "page",
    "pp.": "page", "paragraph": "paragraph", "para.": "paragraph", "paras.": "paragraph",
    "¶": "paragraph", "¶¶": "paragraph", "part": "part", "pt.": "part", "pts.": "part",
    "section": "section", "sec.": "section", "secs.": "section", "§": "section",
    "§§": "section", "sub verbo": "sub verbo", "s.v.": "sub verbo", "s.vv.": "sub verbo",
    "verse": "verse", "v.": "verse", "vv.": "verse", "volume": "volume", "vol.": "volume",
    "vols.": "volume",
}
_LABEL = re.compile(r"^(" + "|".join(re.escape(k) for k in sorted(LABELS, key=len, reverse=True))
                    + r")\s*(?=[\w{])")
_LOCATOR = re.compile(r"^(\{[^{}]*\}|\w+(?:\s*[-–—&]\s*\w+|,\s*\d\w*)*(?:\s*(?:ff\.|f\.))?)")


def is_crossref_key(key: str) -> bool:
    return key.split(":", 1)[0] in CROSSREF_KINDS and ":" in key


def parse_bracketed(inside: str) -> tuple[CiteItem, ...] | None:
    """The items of ``[inside]``, or None when it is not a citation (a part without a key)."""
    items = []
    for part in inside.split(";"):
        match = _PART.match(part.strip())
        if match is None or is_crossref_key(match.group("key")) \
                or match.group("prefix")[-1:].isalnum():
            return None
        label, locator, suffix = split_locator(match.group("rest"))
        items.append(CiteItem(match.group("key"), match.group("prefix").strip(), label, locator,
                              suffix, bool(match.group("minus"))))
    return tuple(items)


def split_locator(rest: str) -> tuple[str, str, str]:
    """``, p. 12, for example`` as ("page", "12", "for example")."""
    text = rest.strip()
    if not text.startswith(","):
        return "", "", text
    text = text[1:].strip()
    label_match = _LABEL.match(text)
    label = LABELS[label_match.group(1)] if label_match else ""
    after = text[label_match.end():] if label_match else text
    if not label and not after[:1].isdigit() and not after.startswith("{"):
        return "", "", text
    found = _LOCATOR.match(after)
    if not found:
        return "", "", text
    locator = found.group(1).strip("{}")
    suffix = after[found.end():].strip()
    return label or "page", locator, suffix
