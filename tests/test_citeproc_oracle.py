"""Citations and reference lists as deckgen formats them, compared with Pandoc's citeproc.

One corpus (tests/cases/citations/refs.bib: 33 works, every kind a brief cites) is cited in one
section in every syntax form, and formatted in three styles by deckgen and by pandoc 3 (from
pypandoc-binary) with the same .bib and the same .csl file. The in-text citations (in order)
and the reference list (entry by entry, in order) are compared as text. Every difference
deckgen accepts is listed below with its reason; a listed difference that no longer occurs
fails too, so the list stays true.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import textwrap
from functools import cache
from pathlib import Path

import pypandoc
import pytest

from deckgen.cite import styles
from deckgen.load.loader import load_project

CORPUS = Path(__file__).parent / "cases" / "citations" / "refs.bib"
STYLES = ("chicago-author-date", "apa", "ieee")
TYPES = {"book", "chapter", "article-journal", "report", "article-newspaper", "webpage", "treaty",
         "dataset", "thesis"}
FORMS = [  # every syntax form, then a bare citation of each work
    "[@kang2012, p. 85]", "[@ostrom1990, pp. 12–15]", "[see @fearon1995, chap. 3; @nye2004]",
    "[-@buzo2020]", "@acemoglu2012", "[@piketty2014, sec. 3]", "[@sen1999, 5; @hurrell2007, 10]",
    "[@keohane2005, 45, emphasis added]", "[-@ipcc2021, 7]", "[see @fearon1995, ch. 2]",
    "[@ward2018; @lee2021; @buzo2020]", "[@vdem2024, para. 4]", "[compare @smith2019]",
]
KEYS = re.findall(r"^@\w+\{([^,\s]+),", CORPUS.read_text(encoding="utf-8"), re.MULTILINE)
CITED = FORMS + [f"[@{key}]" for key in KEYS]

# What deckgen sets differently from Pandoc, and why: (style, the citation as written or the
# entry's key, Pandoc's text, deckgen's text, the reason).
ACCEPTED = [
    ("chicago-author-date", "[see @fearon1995, ch. 2]", "(see Fearon 1995, ch. 2)",
     "(see Fearon 1995, chap. 2)",
     ("Pandoc knows no label 'ch.' and prints the locator as written; deckgen reads it as a "
      "chapter and prints the style's label, as it does for 'chap.'")),
    ("apa", "[see @fearon1995, ch. 2]", "(see Fearon, 1995, ch. 2)",
     "(see Fearon, 1995, Chapter 2)", "as above: 'ch.' read as a chapter"),
    ("ieee", "@acemoglu2012", "[6]", "Acemoglu and Robinson [6]",
     ("a narrative citation in a numeric style keeps the authors' names, so that '@key argues' "
      "reads as a sentence; Pandoc prints the number alone")),
    *[("ieee", key, "Available:", "[Online]. Available:",
       ("IEEE's style prints “[Online].” in a group beside an empty access date; Pandoc leaves "
        "the whole group out, citeproc-py (counting the nested group as rendered) keeps it, as "
        "the IEEE reference guide writes online sources"))
      for key in ("worldbank2022", "nyt2022", "fao2023")],
]
# Titles are compared exactly: an English entry's titles are read in sentence case, its braced
# words ("{East Asia}", "{{Paris Agreement}}") kept, and re-cased by the style's text-case, as
# Pandoc does; the German entry (langid) keeps its title as written.


def pandoc(style: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Pandoc's in-text citations (in order) and reference list ((key, entry) in order)."""
    out = _pandoc_html(style)
    cites = [_text(s) for s in re.findall(r'<span class="citation"[^>]*>(.*?)</span>\.</p>', out,
                                          re.DOTALL)]
    refs = out.split('<div id="refs"', 1)[1]
    entries = [(key, _text(body)) for key, body in
               re.findall(r'<div id="ref-([^"]+)"[^>]*>(.*?)(?=<div id="ref-|\Z)', refs, re.DOTALL)]
    return cites, entries


@cache
def _pandoc_html(style: str) -> str:
    command = [pypandoc.get_pandoc_path(), "--citeproc", "--from", "markdown", "--to", "html",
               "--wrap=none", f"--csl={styles.bundled_path(style)}", f"--bibliography={CORPUS}",
               "--metadata", "lang=en-US"]
    return subprocess.run(command, input=_body(), capture_output=True, text=True, check=True,
                          timeout=60).stdout


def deckgen(make_project, style: str):
    """deckgen's in-text citations (in order), reference list and the brief."""
    project = make_project({
        "source/brief.yaml": textwrap.dedent(f"""\
            title: Oracle
            date: 2026-01-15
            authors:
              - name: Test Unit
            sections: [one]
            bibliography: refs.bib
            csl: {style}
            """),
        "source/refs.bib": CORPUS.read_text(encoding="utf-8"),
        "source/sections/one.md": "---\ntitle: One\n---\n" + _body(),
    })
    brief = load_project(project.root)
    cites = [text for _, _, text in sorted(brief.bibliography.citations)]
    return cites, [(r.id, r.text) for r in brief.references], brief


def _body() -> str:
    return "\n\n".join(f"Claim {n}: {cited}." for n, cited in enumerate(CITED)) + "\n"


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def _accept(style: str, what: str, theirs: str, ours: str, used: set) -> str:
    """Pandoc's text with the accepted difference for ``what`` applied."""
    for index, (s, w, pandoc_text, deckgen_text, _) in enumerate(ACCEPTED):
        if s == style and w == what and pandoc_text in theirs:
            changed = theirs.replace(pandoc_text, deckgen_text)
            if changed == ours:
                used.add(index)
                return changed
    return theirs


def test_the_corpus_covers_every_kind_of_work(make_project):
    *_, brief = deckgen(make_project, "chicago-author-date")
    items = [json.loads(r.csl) for r in brief.references]
    assert len(items) >= 30
    assert TYPES <= {i["type"] for i in items}
    assert all("accessed" in i for i in items if i["type"] == "webpage")
    assert [w for w in brief.warnings if w.field != "key_points"] == []  # its section has none


@pytest.mark.parametrize("style", STYLES)
def test_in_text_citations_match_pandoc(make_project, style):
    theirs, _ = pandoc(style)
    ours, _, _ = deckgen(make_project, style)
    assert len(theirs) == len(ours) == len(CITED)
    used: set = set()
    differ = [(cited, t, o) for cited, t, o in zip(CITED, theirs, ours)
              if _accept(style, cited, t, o, used) != o]
    assert differ == []
    _all_used(style, "citation", used)


@pytest.mark.parametrize("style", STYLES)
def test_reference_lists_match_pandoc(make_project, style):
    _, theirs = pandoc(style)
    _, ours, _ = deckgen(make_project, style)
    assert [key for key, _ in ours] == [key for key, _ in theirs]  # the same works, same order
    used: set = set()
    differ = [(key, t, o) for (key, t), (_, o) in zip(theirs, ours)
              if _accept(style, key, t, o, used) != o]
    assert differ == []
    _all_used(style, "entry", used)


def _all_used(style: str, kind: str, used: set) -> None:
    """Every accepted difference of this style and kind still occurs."""
    mine = {i for i, (s, w, *_) in enumerate(ACCEPTED)
            if s == style and (w in CITED) == (kind == "citation")}
    assert [ACCEPTED[i][:2] for i in sorted(mine - used)] == []
