"""A figure's translation gives its words, its action title (``message:``) too; a translation that
leaves out words the original writes is said, at the translation, since the edition then shows
the original's words."""

from __future__ import annotations

from deckgen.build.pipeline import load
from test_editions import FIGURE, TRANSLATIONS, project_files, with_stamp, write_project

MESSAGE = 'message: "Trade nearly doubled"\n'


def edition(tmp_path, translation: str):
    files = project_files(("ja",))
    files["source/figures/trade.yaml"] = FIGURE + MESSAGE
    files["source/figures/trade.ja.yaml"] = with_stamp(translation, FIGURE + MESSAGE, False)
    brief, _, warnings = load(write_project(tmp_path, files), False, "ja")
    return brief, [w.format().splitlines()[0] for w in warnings]


def test_a_figures_translation_gives_its_action_title(tmp_path):
    brief, warnings = edition(tmp_path, TRANSLATIONS["ja"]["figure"] + 'message: "貿易はほぼ倍増した"\n')
    assert brief.figures[0].message == "貿易はほぼ倍増した"
    assert warnings == []


def test_words_a_translation_leaves_out_are_said_at_the_translation(tmp_path):
    translation = TRANSLATIONS["ja"]["figure"].replace('caption: "貿易は両年とも増えた。"\n', "")
    brief, warnings = edition(tmp_path, translation)
    assert (brief.figures[0].caption, brief.figures[0].message) == ("Trade rose in both years.",
                                                                   "Trade nearly doubled")
    assert warnings == [
        ("source/figures/trade.ja.yaml:1:1: warning: edition ja: caption: and message: are not "
        "translated here, so the ja edition shows the original's words (caption: and message: in "
        "source/figures/trade.ja.yaml)")]


def test_a_brief_translation_without_its_short_title_is_said(tmp_path):
    files = project_files(("ja",))
    files["source/brief.ja.yaml"] = files["source/brief.ja.yaml"].replace('short_title: "二つの隣国"\n', "")
    _, _, warnings = load(write_project(tmp_path, files), False, "ja")
    assert [w.format().splitlines()[0] for w in warnings] == [
        ("source/brief.ja.yaml:1:1: warning: edition ja: short_title: is not translated here, so the "
        "ja edition shows the original's words (short_title: in source/brief.ja.yaml)")]
