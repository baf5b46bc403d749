"""Mistakes authors make with files, named with what to do: a spreadsheet saved under a .csv name,
a CSV with semicolons or tabs, a section file that brief.yaml does not list."""

from __future__ import annotations

import io
import zipfile

import pytest

from deckgen.cli import main
from helpers import CSV_FIGURE

FIGURE = "source/figures/chart.yaml"


def run(args, capsys) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def with_csv(make_project, minimal_files, data: bytes):
    minimal_files[FIGURE] = CSV_FIGURE.format(csv="data/x.csv")
    project = make_project(minimal_files)
    (project.root / "source" / "data").mkdir()
    (project.root / "source" / "data" / "x.csv").write_bytes(data)
    return project


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:  # dated, so that no time stamp byte is a line break
        for name, text in (("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")):
            book.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


@pytest.mark.parametrize(("data", "hint"), [
    (xlsx_bytes(), ("this is a zip file, such as an Excel workbook (.xlsx), not text: export the sheet "
                    "as CSV UTF-8 (comma delimited)")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\xff" * 40,
     ("this is an older Office file, such as an Excel workbook (.xls), not text: export the sheet as "
      "CSV UTF-8 (comma delimited)")),
])
def test_a_spreadsheet_saved_under_a_csv_name_says_to_export_it(make_project, minimal_files, capsys,
                                                                  data, hint):
    project = with_csv(make_project, minimal_files, data)
    code, err = run(["check", str(project.root)], capsys)
    assert code == 1
    assert "source/data/x.csv:1:" in err
    assert "file is not UTF-8 text" in err
    assert f"({hint})" in err


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_with_another_delimiter_says_how_to_save_it(make_project, minimal_files, capsys,
                                                         delimiter, name):
    text = f"c{delimiter}v\na{delimiter}1,5\nb{delimiter}2\n"
    project = with_csv(make_project, minimal_files, text.encode())
    code, err = run(["check", str(project.root)], capsys)
    assert code == 1
    assert (f"source/figures/chart.yaml:7:13: data.category: column 'c' is not in source/data/x.csv "
            f"(the file separates its values with {name}; deckgen reads commas: save it as CSV "
            "(comma delimited), with '.' as the decimal mark)") in err


def test_a_section_file_not_listed_is_a_warning_and_an_error_when_strict(make_project, minimal_files,
                                                                        capsys):
    minimal_files["source/sections/draft.md"] = "---\ntitle: A draft\n---\nText.\n"
    project = make_project(minimal_files)
    code, err = run(["check", str(project.root)], capsys)
    assert code == 0
    message = ("source/sections/draft.md:1:1: warning: section file 'draft.md' is not listed in "
               "brief.yaml's sections, so neither output shows it (add 'draft' to sections: in "
               "source/brief.yaml, or move the file out of source/sections/)")
    assert message in err
    code, err = run(["check", "--strict", str(project.root)], capsys)
    assert code == 1
    assert "source/sections/draft.md:1:1: section file 'draft.md' is not listed" in err


@pytest.mark.parametrize(("file", "old", "new", "where", "text"), [
    ("source/sections/one.md", "  - One point worth making.", "  - Trade matters: it binds both",
     "source/sections/one.md:4:5: key_points.0", "Trade matters: it binds both"),
    ("source/brief.yaml", "sections: [one]", "keywords:\n  - Trade: \"goods\"\nsections: [one]",
     "source/brief.yaml:6:5: keywords.0", 'Trade: goods'),
])
def test_an_unquoted_text_with_a_colon_says_to_quote_it(make_project, minimal_files, capsys,
                                                        file, old, new, where, text):
    assert old in minimal_files[file]
    minimal_files[file] = minimal_files[file].replace(old, new)
    project = make_project(minimal_files)
    code, err = run(["check", str(project.root)], capsys)
    assert code == 1
    assert (f"{where}: this text reads as 'key: value' because of the ': ' in it "
            f'(put it in double quotes: "{text}")') in err
