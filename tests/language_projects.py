"""Each language's small brief as a project (the Arabic one on templates); a word check that reads Arabic."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from deckgen.load.yamlsrc import load_yaml
from helpers import MARKER, comparable, inside, text_regions

REPO = Path(__file__).resolve().parents[1]
ARABIC = re.compile("[\u0600-\u06ff]")
RTL_NUMBER = re.compile(r"^\.\d+$")  # a numbered list's "1." drawn right to left
TEXTS = load_yaml((REPO / "tests/cases/lang/texts.yaml").read_text(encoding="utf-8"), "texts.yaml").data
DATE = "2026-11-26"
VALUES = (1234.5, 2345.25)
CENTRED = "python-pptx-default"  # centred titles; symmetric, so nothing moves
LIBREOFFICE_LAYOUTS = {"agenda": "Title, Content", "points": "Title, Content",  # as the corpus's README
                       "recommendations": "Title, Content", "references": "Title, Content",
                       "section": "Title Slide"}
KEY_FIGURES = """key_figures:
  - value: "12 مليون"
    label: "زائر في عام 2021"
  - value: "25%"
    label: "نمو الزيارات"
"""


def project_files(lang: str) -> dict[str, str]:
    """The small brief of ``lang`` as ``{path: text}``."""
    t = TEXTS[lang]
    points = "\n".join(f"  - {p!r}" for p in t["points"])
    return {
        "source/brief.yaml": f"""
            title: {t['title']!r}
            short_title: {t['short']!r}
            date: {DATE}
            authors:
              - name: {t['team']!r}
            organisation: {t['organisation']!r}
            language: {lang}
            distribution: {t['marking']!r}
            sections: [overview, annex]
            references:
              - id: doe2020
                author: "Doe, Jane"
                title: "Neighbours"
                year: 2020
            """,
        "source/sections/overview.md": f"""---
title: {t['overview']!r}
key_points:
{points}
---
{t['prose']}

> [!NOTE]
> {t['box']}

| {t['year']} | {t['visitors']} |
|---|---:|
| 2021 | 12 |
| 2022 | 15 |

Table: {t['table_caption']} {{#tbl:visits}}

![](fig:trade)
""",
        "source/sections/annex.md": f"""---
title: {t['annex']!r}
kind: appendix
---
{t['annex_prose']}
""",
        "source/figures/trade.yaml": f"""
            kind: column
            title: {t['chart']!r}
            caption: {t['chart_caption']!r}
            alt: {t['alt']!r}
            source: {t['source']!r}
            units: {t['units']!r}
            data:
              categories: ["2021", "2022"]
              series:
                - name: {t['series']!r}
                  values: [{VALUES[0]}, {VALUES[1]}]
            """,
    }


def arabic_files(language: str, template: str | None) -> dict[str, str]:
    """The Arabic brief (under ``language``), with a second section, a callout slide and key
    figures, on ``template`` of the corpus (None: deckgen's own drawing)."""
    files = project_files("ar")
    brief = files["source/brief.yaml"].replace("language: ar", f"language: {language}")
    files["source/brief.yaml"] = brief.replace("[overview, annex]", "[overview, more, annex]")
    overview = files["source/sections/overview.md"].replace("> [!NOTE]\n", "> [!NOTE] ملاحظة {.deck}\n")
    files["source/sections/overview.md"] = overview.replace("---\n", "---\n" + KEY_FIGURES, 1)
    files["source/sections/more.md"] = "---\ntitle: نظرة إلى الأمام\n---\nيتوقع الفريق مزيدا من الزوار.\n"
    theme = (REPO / "templates" / "theme.yaml").read_text(encoding="utf-8")
    theme = theme.replace("  section_dividers: auto", "  section_dividers: always")
    if template not in (None, CENTRED):
        for kind, layout in LIBREOFFICE_LAYOUTS.items():
            theme = re.sub(rf"(?m)^(    {kind}): .*$", rf'\1: "{layout}"', theme)
    files["templates/theme.yaml"] = theme
    return files


def misplaced_words(pptx: Path, pdf: Path) -> list[str]:
    """test_deck_client's check, reading a word of Arabic by its letters, in any order (the PDF
    LibreOffice writes holds Arabic words in the order they are drawn, a lam-alef ligature in
    the order it is written, and the full stop of Latin text moved to its other end): every word
    lies inside
    the shape whose text holds it (a chart's inside the chart), and on the slide."""
    import pdfplumber
    from pptx import Presentation

    problems = []
    with pdfplumber.open(pdf) as document:
        for number, (slide, page) in enumerate(zip(Presentation(pptx).slides, document.pages), start=1):
            texts, charts = text_regions(slide)
            for word in page.extract_words():
                where = f"slide {number}: '{word['text']}' at x {word['x0']:.0f}–{word['x1']:.0f}"
                if not inside(word, (0, 0, page.width, page.height), 0):
                    problems.append(f"{where} is off the slide")
                    continue
                text = comparable(word["text"])
                holders = [box for _, box, content, is_list in texts
                           if text in content or text.strip(".,:;()") in content or (is_list and (MARKER.match(text) or RTL_NUMBER.match(text)))
                           or (ARABIC.search(text) and Counter(text) <= Counter(content))]
                if not any(inside(word, box) for box in holders) and not any(
                        inside(word, box, 0) for box in charts):
                    problems.append(f"{where} lies outside its shape" if holders else f"{where} belongs to no shape")
    return problems
