"""Bibliography entries as CSL items, each with the file and line it came from.

BibTeX and BibLaTeX (``.bib``, read with bibtexparser, LaTeX accents and braces decoded with
pylatexenc) and CSL-JSON (``.json``) are turned into the one model the styles format: a CSL-JSON
item (a dict) per entry. The mapping of BibLaTeX types and fields follows Pandoc's, and so does
the case of titles: an English entry's titles are read in sentence case, its braced words kept
(:mod:`.case`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import bibtexparser
from pylatexenc.latex2text import LatexNodes2Text

from ..errors import Collector, Loc
from .case import untitlecase


@dataclass(frozen=True)
class Entry:
    """One work as read: its key, its CSL item and where it was written."""

    key: str
    item: dict
    loc: Loc


# BibLaTeX entry types -> CSL types (Pandoc's mapping, the types a brief cites)
BIB_TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "inproceedings": "paper-conference",
    "conference": "paper-conference", "proceedings": "book", "collection": "book",
    "report": "report", "techreport": "report", "thesis": "thesis", "phdthesis": "thesis",
    "mastersthesis": "thesis", "online": "webpage", "www": "webpage", "electronic": "webpage",
    "dataset": "dataset", "legislation": "legislation", "legal": "treaty",
    "jurisdiction": "legal_case", "manual": "book", "misc": "document", "unpublished": "manuscript",
    "periodical": "periodical", "software": "software",
}
SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}
# BibLaTeX fields -> CSL variables (text as it is)
TEXT_FIELDS = {
    "title": "title", "journaltitle": "container-title", "journal": "container-title",
    "booktitle": "container-title", "maintitle": "container-title", "publisher": "publisher",
    "institution": "publisher", "school": "publisher", "organization": "publisher",
    "location": "publisher-place", "address": "publisher-place", "volume": "volume",
    "edition": "edition", "doi": "DOI", "url": "URL", "isbn": "ISBN", "issn": "ISSN",
    "note": "note", "series": "collection-title", "version": "version", "chapter": "chapter-number",
    "shorttitle": "title-short", "eventtitle": "event-title", "howpublished": "publisher",
}
NAME_FIELDS = {"author": "author", "editor": "editor", "translator": "translator"}
DATE_FIELDS = {"date": "issued", "urldate": "accessed", "eventdate": "event-date"}
# titles an English entry has in title case, turned into sentence case as Pandoc does (journal
# titles, "periodical titles", are left as written)
TITLE_FIELDS = {"title", "booktitle", "maintitle", "series", "shorttitle", "eventtitle"}
THESIS_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master’s thesis"}
GENRES = {"phdthesis": "PhD thesis", "mathesis": "Master’s thesis", "techreport": "Technical report"}
_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
_QUOTES = (("``", "“"), ("''", "”"), ("`", "‘"), ("'", "’"))
_DATE = re.compile(r"^(\d{1,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def read_bib(text: str, file: str, problems: Collector, english: bool = True) -> list[Entry]:
    """The entries of a ``.bib`` file; a block that does not parse is an error at its line.
    ``english``: the brief is in English, so that English entries' titles are re-cased."""
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        problems.error(Loc(file, block.start_line + 1, 1), "this BibTeX entry could not be read",
                       "bibliography", "@type{key, field = {value}, ...}")
    entries = []
    for entry in library.entries:
        loc = Loc(file, entry.start_line + 1, 1)
        entries.append(Entry(entry.key, bib_item(entry.key, entry.entry_type.lower(),
                                                 {f.key.lower(): f.value for f in entry.fields},
                                                 english), loc))
    return entries


def bib_item(key: str, kind: str, fields: dict[str, str], english: bool = True) -> dict:
    """A BibLaTeX entry's fields as a CSL item; an English entry's titles in sentence case
    (braced words kept as they are written), when the brief is in English."""
    item: dict = {"id": key, "type": BIB_TYPES.get(kind, "document")}
    recase = english and _is_english(fields)
    subtype = fields.get("entrysubtype", "").strip().lower()
    if item["type"] == "article-journal" and subtype in SUBTYPES:
        item["type"] = SUBTYPES[subtype]
    for name, value in fields.items():
        value = value.strip()
        if name in NAME_FIELDS:
            item[NAME_FIELDS[name]] = [parse_name(n) for n in split_names(value)]
        elif name in DATE_FIELDS and parse_date(latex_text(value)):
            item[DATE_FIELDS[name]] = parse_date(latex_text(value))
        elif name == "year" and "issued" not in item and parse_date(latex_text(value)):
            item["issued"] = parse_date(latex_text(value))
        elif name == "pages":
            item["page"] = latex_text(value).replace("--", "–")
        elif name == "number":
            item["issue" if item["type"].startswith("article") else "number"] = latex_text(value)
        elif name == "issue":
            item["issue"] = latex_text(value)
        elif name == "type":
            item["genre"] = GENRES.get(latex_text(value).lower(), latex_text(value))
        elif name in TEXT_FIELDS and TEXT_FIELDS[name] not in item:
            if name in ("url", "doi"):
                item[TEXT_FIELDS[name]] = value
            elif name in TITLE_FIELDS and recase:
                item[TEXT_FIELDS[name]] = untitlecase(latex_text(_mark_braces(value)))
            else:
                item[TEXT_FIELDS[name]] = latex_text(value)
    if kind in THESIS_GENRES and "genre" not in item:
        item["genre"] = THESIS_GENRES[kind]
    return item


def _is_english(fields: dict[str, str]) -> bool:
    """Whether the entry is in English: no ``langid`` (or ``hyphenation``) or an English one."""
    language = (fields.get("langid") or fields.get("hyphenation") or "english").strip().lower()
    return language in ENGLISH or language.startswith("en-") or language == "en"


ENGLISH = {"english", "american", "british", "canadian", "australian", "newzealand", "usenglish",
           "ukenglish"}
_COMMAND_BEFORE = re.compile(r"\\(?:[A-Za-z]+\*?\s*|[^A-Za-z\s])$")


def _mark_braces(value: str) -> str:
    """The braced groups of a BibTeX value (not a command's argument, as ``\\emph{...}``)
    marked ``\\ue001...\\ue002``: the words whose case is kept."""
    out, stack = [], []  # stack: whether each open brace marks a protected group
    for index, char in enumerate(value):
        if char == "{":
            protect = not any(stack) and not _COMMAND_BEFORE.search(value[:index])
            stack.append(protect)
            out.append("{\ue001" if protect else "{")
        elif char == "}" and stack:
            out.append("\ue002}" if stack.pop() else "}")
        else:
            out.append(char)
    return "".join(out)


def latex_text(value: str) -> str:
    """LaTeX in a field as plain text: accents decoded, braces and ``--`` resolved, and TeX's
    quotes as the typographic ones TeX prints (``O'Brien`` is "O’Brien", as Pandoc reads it)."""
    if re.search(r"[\\{}~$]|--", value):
        value = _LATEX.latex_to_text(value)
    for tex, mark in _QUOTES:
        value = value.replace(tex, mark)
    return re.sub(r"\s+", " ", value).strip()


def split_names(value: str) -> list[str]:
    """A BibTeX name list split on ``and`` outside braces."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def parse_name(name: str) -> dict:
    """A BibTeX name ("Last, First", "First Last" or "{Organisation Name}") as a CSL name."""
    if name.startswith("{") and name.endswith("}") and _balanced(name[1:-1]):
        return {"literal": latex_text(name[1:-1])}
    parts = [p.strip() for p in _split_top(name, ",")]
    if len(parts) >= 2:
        family, given = parts[0], parts[-1]
        suffix = parts[1] if len(parts) == 3 else ""
    else:
        words = _split_top(name, " ")
        words = [w for w in words if w]
        particle = next((i for i, w in enumerate(words[:-1]) if w[:1].islower()), None)
        cut = particle if particle is not None else len(words) - 1
        given, family, suffix = " ".join(words[:cut]), " ".join(words[cut:]), ""
    out = {"family": latex_text(family)}
    if given:
        out["given"] = latex_text(given)
    if suffix:
        out["suffix"] = latex_text(suffix)
    lower = re.match(r"^((?:[a-z][\w'’]*\s+)+)(.*)$", out["family"])
    if lower and lower.group(2):
        out["non-dropping-particle"], out["family"] = lower.group(1).strip(), lower.group(2)
    return out


def _split_top(text: str, sep: str) -> list[str]:
    out, depth, current = [], 0, []
    for char in text:
        depth += (char == "{") - (char == "}")
        if char == sep and depth == 0:
            out.append("".join(current))
            current = []
        else:
            current.append(char)
    out.append("".join(current))
    return out


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def parse_date(value: str) -> dict | None:
    """``2019``, ``2019-03`` or ``2019-03-14`` (or a range ``2019/2020``) as CSL date parts."""
    parts = []
    for piece in value.strip().split("/")[:2]:
        match = _DATE.match(piece.strip())
        if not match:
            return None
        parts.append([int(g) for g in match.groups() if g])
    return {"date-parts": parts}


def read_csl_json(text: str, file: str, problems: Collector) -> list[Entry]:
    """The items of a CSL-JSON file (a list of objects with an ``id`` and a ``type``), each
    located at the line of its ``"id"``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.error(Loc(file, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}",
                       "bibliography", "a CSL-JSON list of items")
        return []
    if not isinstance(data, list):
        problems.error(Loc(file, 1, 1), "a CSL-JSON bibliography is a list of items",
                       "bibliography", '[{"id": "key", "type": "book", ...}]')
        return []
    id_lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"id"\s*:', text)]
    entries = []
    for index, item in enumerate(data):
        loc = Loc(file, id_lines[index] if index < len(id_lines) else 1, 1)
        if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)) \
                or not isinstance(item.get("type"), str):
            problems.error(loc, f"item {index + 1} needs an \"id\" and a \"type\"", "bibliography",
                           '{"id": "key", "type": "book", ...}')
            continue
        item = dict(item, id=str(item["id"]))
        entries.append(Entry(item["id"], item, loc))
    return entries


def inline_item(ref) -> dict:
    """A ``references:`` entry of brief.yaml as a CSL item."""
    item: dict = {"id": ref.id, "type": ref.type, "title": ref.title}
    item["author"] = [parse_name(n) for n in split_names(ref.author.replace(";", " and "))]
    for field, variable in (("publisher", "publisher"), ("url", "URL"), ("doi", "DOI"),
                            ("container_title", "container-title"), ("page", "page"),
                            ("place", "publisher-place")):
        if getattr(ref, field, ""):
            item[variable] = getattr(ref, field)
    if ref.year is not None:
        item["issued"] = {"date-parts": [[ref.year]]}
    if getattr(ref, "accessed", None):
        item["accessed"] = parse_date(str(ref.accessed))
    return item
