"""`deckgen check` plans every edition's deck, as the build of that edition does.

A translation whose text a slide cannot show (four key figures too long for their boxes) is an
error of `check`, located in the translation's file, not only of the edition's build.
"""

from __future__ import annotations

from helpers import run

LONG = "1234567890" * 4


def french_with_long_figures(minimal_files) -> dict[str, str]:
    figures = "".join(f'  - value: "{LONG}"\n    label: "chiffre {i}"\n' for i in range(4))
    return {**minimal_files,
            "source/brief.yaml": minimal_files["source/brief.yaml"] + "editions: [en, fr]\n",
            "source/sections/one.fr.md": (
                "---\ntitle: La seule section\nkey_points:\n"
                f"  - Un point qui compte, {LONG}.\nkey_figures:\n{figures}---\n"
                "De la prose qui cite [@doe2020], voir @fig:chart.\n\n![](fig:chart)\n")}


def test_check_fails_where_the_editions_deck_cannot_show_its_text(make_project, minimal_files, capsys):
    project = make_project(french_with_long_figures(minimal_files))
    code, out, err = run(capsys, "check", str(project.root))
    assert code == 1, out + err
    for number, line in enumerate((6, 8, 10, 12)):
        assert (f"source/sections/one.fr.md:{line}:5: key_figures.{number}: key figure '{LONG}' "
                "would not appear in full on a slide (a shorter value or label)") in err
    assert "4 errors in the source" in err
    code, _, build_err = run(capsys, "build", str(project.root), "--only", "pptx", "--edition", "fr")
    assert code == 1 and "source/sections/one.fr.md:6:5: key_figures.0:" in build_err


def test_an_edition_whose_deck_fits_checks_ok(make_project, minimal_files, capsys):
    files = french_with_long_figures(minimal_files)
    files["source/sections/one.fr.md"] = files["source/sections/one.fr.md"].replace(LONG, "52")
    code, out, err = run(capsys, "check", str(make_project(files).root))
    assert code == 0, err
    assert out.startswith("ok: 1 sections, 1 figures, 1 references; editions en, fr")
