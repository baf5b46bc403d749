"""A warning that a title was shortened names the line where the title is written.

The running header's warnings (the brief's title or short title, a section's) and the deck's
(a slide title shortened to fit its box) are located at the ``title:`` or ``short_title:`` key
the author must change, in brief.yaml or the section's front matter, whatever line that key is
on: after comments and other keys, written as a folded or quoted scalar over several lines
(its key's line), or in an edition's translation (the translation file's line). So are the
other warnings about a front matter's field: an edition's key points that differ from the
original's, and a twenty-seventh appendix.
"""

from __future__ import annotations

from deckgen.build.pipeline import BuildOptions, build
from edition_projects import TRANSLATIONS, project_files, write_project
from helpers import run

BRIEF_LINES = ("A very long brief title that goes on and on about the relations",
               "between two neighbouring countries, their shared history, their trade, their",
               "security, their culture and the opinions of their publics, until no cover could",
               "ever hold it on three lines")
LONG_BRIEF = " ".join(BRIEF_LINES)
LONG_SECTION = ("An overview with a deliberately long section title that goes on and on about "
                "history, trade, security, culture, technology and public opinion until it could "
                "never fit on two lines of a slide title at any sensible size")

BRIEF = f"""\
# The brief's metadata
date: 2026-01-15
authors:
  - name: Test Unit
title: >-
  {BRIEF_LINES[0]}
  {BRIEF_LINES[1]}
  {BRIEF_LINES[2]}
  {BRIEF_LINES[3]}
sections: [one, two]
"""
ONE = f"""\
---
key_points:
  - One point worth making.
notes: Said aloud.
title: "{LONG_SECTION[:60]}
  {LONG_SECTION[61:]}"
---
Some prose. One point worth making.
"""
TWO = """\
---
title: Costs
short_title: The costs of the relations between two neighbouring countries, year by year
key_points:
  - Costs rose.
---
Costs rose.
"""
HEADER_BRIEF = ("source/brief.yaml:5:1: warning: title: too long for the running header, which "
                "shows 'A very long brief title that goes on and on about…' (a short_title: in "
                "brief.yaml, for the running header)")
HEADER_ONE = ("source/sections/one.md:5:1: warning: title: too long for the running header, "
              "which shows 'An overview with a deliberately long section title that goes…' "
              "(a short_title: in the section's front matter, for the running header)")
HEADER_TWO = ("source/sections/two.md:3:1: warning: short_title: too long for the running header, "
              "which shows 'The costs of the relations between two neighbouring…' (a shorter "
              "short_title: in the section's front matter)")


def files() -> dict[str, str]:
    return {"source/brief.yaml": BRIEF, "source/sections/one.md": ONE,
            "source/sections/two.md": TWO}


def test_running_header_warnings_name_the_title_keys_line(tmp_path, capsys):
    project = write_project(tmp_path, files())
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0, err
    assert f"{HEADER_BRIEF}\n    title: >-\n" in err
    assert f'{HEADER_ONE}\n    title: "An overview with a deliberately long section title that' in err
    assert f"{HEADER_TWO}\n    short_title: The costs of the relations" in err


def test_a_short_title_too_long_is_named_at_its_own_line(tmp_path, capsys):
    brief = BRIEF.replace("sections: [one, two]", "sections: [one, two]\nshort_title: "
                          "The relations between two neighbouring countries and more")
    project = write_project(tmp_path, {**files(), "source/brief.yaml": brief})
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0, err
    assert ("source/brief.yaml:11:1: warning: short_title: too long for the running header, which "
            "shows 'The relations between two neighbouring countries…' (a shorter short_title: in "
            "brief.yaml)\n    short_title: The relations between") in err


def test_shortened_slide_titles_name_the_title_keys_line(tmp_path):
    project = write_project(tmp_path, files())
    result = build(project, BuildOptions(formats=("pptx",)))
    shortened = [w.format() for w in result.warnings if "shortened to fit" in w.message]
    assert shortened, [w.format() for w in result.warnings]
    by_file = {line.split(":", 1)[0] for line in shortened}
    assert by_file == {"source/brief.yaml", "source/sections/one.md"}, shortened
    assert [line for line in shortened if line.startswith("source/brief.yaml")] == [
        line for line in shortened if line.startswith("source/brief.yaml:5:1: warning: title: slide 1: "
                                                      "its title is shortened to fit its box ('A very long")]
    one = [line for line in shortened if line.startswith("source/sections/one.md")]
    assert one and all(line.startswith("source/sections/one.md:5:1: warning: title: slide ")
                       for line in one), one
    assert all(line.endswith("…'); the slide's notes give it in full (a shorter title (or message), "
                             "or a template whose title box is larger)") for line in shortened)


FIGURES = {
    "source/sections/one.md": "---\ntitle: Trade\nkey_points:\n  - Trade rose.\n---\nTrade rose.\n\n"
                              "![](fig:said)\n\n![](fig:captioned)\n",
    "source/figures/said.yaml": """\
kind: column
title: Trade by year
caption: Trade rose.
alt: Column chart of trade.
source: National statistics
message: >-
  Trade between the two neighbours rose in every year of the decade, through a pandemic, a
  dispute over export controls and a change of government in both capitals, and it is still rising
data:
  categories: ["2021", "2022"]
  series:
    - name: Trade
      values: [1, 2]
""",
    "source/figures/captioned.yaml": """\
kind: column
title: Visitors by year
alt: Column chart of visitors.
source: National statistics
caption: "Visitors between the two neighbours rose in every year of the decade, through a
  pandemic, a dispute over export controls and a change of government in both capitals, and they
  are still rising. More will come next year."
data:
  categories: ["2021", "2022"]
  series:
    - name: Visitors
      values: [1, 2]
""",
}


def test_a_figure_slides_shortened_title_is_named_at_its_message_or_caption(tmp_path, capsys):
    brief = "title: Figures\ndate: 2026-01-15\nauthors:\n  - name: Test Unit\nsections: [one]\n"
    project = write_project(tmp_path, {"source/brief.yaml": brief, **FIGURES})
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0, err
    assert ("source/figures/said.yaml:6:1: warning: title: slide 4: its title is shortened to fit its "
            "box ('Trade between the two neighbours rose in every year of the decade, through a "
            "pandemic, a dispute over export controls and a change of government in both…'); the "
            "slide's notes give it in full (a shorter title (or message), or a template whose title "
            "box is larger)\n    message: >-\n") in err
    assert ("source/figures/captioned.yaml:5:1: warning: title: slide 5: its title is shortened to "
            "fit its box ('Visitors between the two neighbours") in err
    assert '\n    caption: "Visitors between the two neighbours rose' in err


def test_an_editions_titles_are_named_in_its_translation(tmp_path, capsys):
    source = project_files(("ja",))
    long_title = "隣国間の貿易と人の往来、そして歴史の記憶が両国の関係に与えてきた長い影響についての考察と今後の課題"
    source["source/brief.ja.yaml"] = source["source/brief.ja.yaml"].replace(
        'short_title: "二つの隣国"', f'short_title: "{long_title}"')
    source["source/sections/overview.ja.md"] = source["source/sections/overview.ja.md"].replace(
        'title: "概要"', f'title: >-\n  {long_title}\n  その二')
    project = write_project(tmp_path, source)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0, err
    lines = err.splitlines()
    brief = [line for line in lines if "running header" in line and "brief" in line.split(":")[0]]
    section = [line for line in lines if "running header" in line and "sections" in line.split(":")[0]]
    assert [line.split(": warning: ")[0] + ": " + line.split(": warning: ")[1].split(":")[0]
            for line in brief] == ["source/brief.ja.yaml:3:1: short_title"], err
    assert [line.split(": warning: ")[0] + ": " + line.split(": warning: ")[1].split(":")[0]
            for line in section] == ["source/sections/overview.ja.md:3:1: title"], err
    assert brief[0].endswith("(a shorter short_title: in brief.yaml)")
    assert section[0].endswith("(a short_title: in the section's front matter, for the running header)")
    assert "source/brief.yaml:2:1" not in err  # the original's short title is not the one shown


def test_an_editions_differing_key_points_are_named_at_its_key_points(tmp_path, capsys):
    source = project_files(("ja",))
    source["source/sections/overview.ja.md"] = source["source/sections/overview.ja.md"].replace(
        '  - "訪問者は双方向に行き来している。"\n', "")
    assert TRANSLATIONS["ja"]["overview"].split("\n")[2] == "key_points:"
    project = write_project(tmp_path, source)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 0, err
    assert ("source/sections/overview.ja.md:4:1: warning: edition ja: the ja edition's key points "
            "differ from the original's: 1 here, 2 in source/sections/overview.md (the same key "
            "points as source/sections/overview.md)\n    key_points:\n") in err


def test_a_twenty_seventh_appendix_is_named_at_its_kind(tmp_path, capsys):
    ids = [f"a{i:02d}" for i in range(27)]
    source = {"source/brief.yaml": "title: Appendices\ndate: 2026-01-15\nauthors:\n  - name: T\n"
                                   f"sections: [one, {', '.join(ids)}]\n",
              "source/sections/one.md": "---\ntitle: One\nkey_points:\n  - A point.\n---\nA point.\n"}
    for i in ids:
        source[f"source/sections/{i}.md"] = f"---\ntitle: Appendix {i}\nnotes: More.\nkind: appendix\n---\nText.\n"
    project = write_project(tmp_path, source)
    code, _, err = run(capsys, "check", str(project.root))
    assert code == 1
    assert ("source/sections/a26.md:4:1: kind: too many appendices (at most 26 (A to Z))\n"
            "    kind: appendix\n") in err
