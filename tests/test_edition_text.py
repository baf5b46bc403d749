"""Language editions' text: an edition's picture goes stale with the original's, folded YAML
text in Chinese and Japanese has no space where a line was broken, and numbers are grouped as
each language groups them.
"""

from __future__ import annotations

import hashlib

from helpers import copy_example, run

MAP_STAMP = "picture_from: e455fffbdc94\n"


def _stamp(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


# ---- an edition's own picture ------------------------------------------------------------------

def test_the_example_s_translated_maps_say_which_map_they_were_made_from(tmp_path, capsys):
    copy_example(tmp_path, editions=None)
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert "picture_from" not in err and "stale" not in err


def test_an_edition_s_picture_is_stale_when_the_original_s_picture_changed(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    svg = project.source / "images" / "islands-map.svg"
    changed = svg.read_bytes().replace(b"</svg>", b"<!-- moved a label -->\n</svg>")
    svg.write_bytes(changed)
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    for lang in ("ja", "ko"):
        assert (f"source/figures/islands-map.{lang}.yaml:2:15: warning: picture_from: stale picture: "
                f"source/images/islands-map.svg has changed since source/images/islands-map.{lang}.svg "
                f"was made from its version e455fffbdc94 (bring source/images/islands-map.{lang}.svg up "
                f"to date with source/images/islands-map.svg, then write picture_from: {_stamp(changed)})"
                ) in err
    assert "stale translation" not in err  # the figure files themselves did not change


def test_an_edition_s_picture_that_does_not_say_what_it_was_made_from_is_told_how(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    translation = project.source / "figures" / "islands-map.ja.yaml"
    translation.write_text(translation.read_text(encoding="utf-8").replace(MAP_STAMP, ""), encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert ("source/figures/islands-map.ja.yaml:7:7: warning: picture_from: the translation's picture "
            "does not say which version of source/images/islands-map.svg it was made from, so deckgen "
            "cannot tell when it goes stale (picture_from: e455fffbdc94 in "
            "source/figures/islands-map.ja.yaml, if source/images/islands-map.ja.svg matches "
            "source/images/islands-map.svg as it is now)") in err
    assert "islands-map.ko.yaml" not in err


def test_a_picture_stamp_without_a_picture_of_its_own_changes_nothing(tmp_path, capsys):
    project = copy_example(tmp_path, editions=None)
    translation = project.source / "figures" / "islands-map.ko.yaml"
    lines = translation.read_text(encoding="utf-8").splitlines(True)
    translation.write_text("".join(line for line in lines if not line.startswith("file:")), encoding="utf-8")
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 0
    assert ("source/figures/islands-map.ko.yaml:2:15: warning: picture_from: picture_from: changes "
            "nothing: this translation gives no picture of its own (file: the translated copy of the "
            "original's picture, or no picture_from: line)") in err

