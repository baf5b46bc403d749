"""A small English brief with Japanese and Korean translations stamped with their originals, as a project."""

from __future__ import annotations

import hashlib
from pathlib import Path

from deckgen.project import Project

BRIEF = """\
title: "Trade between two neighbours"
short_title: "Two neighbours"
date: 2026-11-26
authors:
  - name: "Research team"
organisation: "Example Institute"
distribution: "PUBLIC"
language: en
editions: [en, ja, ko]
sections: [overview]
references:
  - id: doe2020
    author: "Doe, Jane"
    title: "Neighbours"
    year: 2020
"""
OVERVIEW = """\
---
title: "Overview"
key_points:
  - "Trade grew steadily."
  - "Visitors travel both ways."
---
Trade grew over the decade [@doe2020]. See @fig:trade.

![](fig:trade)
"""
FIGURE = """\
kind: column
title: "Trade by year"
caption: "Trade rose in both years."
alt: "Column chart of trade: 1,234.5 in 2021 and 2,345.25 in 2022."
source: "National statistics"
units: "million dollars"
data:
  categories: ["First half", "Second half"]
  series:
    - name: "Trade"
      values: [1234.5, 2345.25]
"""
TRANSLATIONS = {
    "ja": {
        "brief": 'title: "隣国間の貿易"\nshort_title: "二つの隣国"\norganisation: "例示研究所"\n'
                 'distribution: "公開"\nauthors:\n  - name: "研究チーム"\n',
        "overview": '---\ntitle: "概要"\nkey_points:\n  - "貿易は着実に伸びた。"\n  - "訪問者は双方向に行き来している。"\n'
                    '---\n貿易はこの十年で伸びた [@doe2020]。@fig:trade を参照。\n\n![](fig:trade)\n',
        "figure": 'title: "年別の貿易"\ncaption: "貿易は両年とも増えた。"\n'
                  'alt: "貿易の縦棒グラフ：2021年に1,234.5、2022年に2,345.25。"\nsource: "国の統計"\n'
                  'units: "百万ドル"\nlabels:\n  "First half": "上半期"\n  "Second half": "下半期"\n  "Trade": "貿易"\n',
    },
    "ko": {
        "brief": 'title: "두 이웃 나라의 무역"\nshort_title: "두 이웃"\norganisation: "예시 연구소"\n'
                 'distribution: "공개"\nauthors:\n  - name: "연구팀"\n',
        "overview": '---\ntitle: "개요"\nkey_points:\n  - "무역은 꾸준히 늘었다."\n  - "방문객은 양방향으로 오간다."\n'
                    '---\n무역은 지난 10년 동안 늘었다 [@doe2020]. @fig:trade 참조.\n\n![](fig:trade)\n',
        "figure": 'title: "연도별 무역"\ncaption: "무역은 두 해 모두 늘었다."\n'
                  'alt: "무역 세로 막대 그래프: 2021년 1,234.5, 2022년 2,345.25."\nsource: "국가 통계"\n'
                  'units: "백만 달러"\nlabels:\n  "First half": "상반기"\n  "Second half": "하반기"\n  "Trade": "무역"\n',
    },
}


def stamp(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def with_stamp(text: str, original: str, front_matter: bool) -> str:
    line = f"translated_from: {stamp(original)}\n"
    return text.replace("---\n", "---\n" + line, 1) if front_matter else line + text


def project_files(languages=("ja", "ko")) -> dict[str, str]:
    files = {"source/brief.yaml": BRIEF, "source/sections/overview.md": OVERVIEW,
             "source/figures/trade.yaml": FIGURE}
    for lang in languages:
        t = TRANSLATIONS[lang]
        files[f"source/brief.{lang}.yaml"] = with_stamp(t["brief"], BRIEF, False)
        files[f"source/sections/overview.{lang}.md"] = with_stamp(t["overview"], OVERVIEW, True)
        files[f"source/figures/trade.{lang}.yaml"] = with_stamp(t["figure"], FIGURE, False)
    return files


def write_project(root: Path, files: dict[str, str]) -> Project:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Project.at(root)
