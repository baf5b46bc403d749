"""``deckgen new DIR``: a project that builds at once; a non-empty folder is refused."""

from __future__ import annotations

from pptx import Presentation
from pypdf import PdfReader

from deckgen.cli import main
from deckgen.project import default_templates_dir


def test_new_project_builds_at_once(tmp_path, capsys):
    target = tmp_path / "trade-brief"
    assert main(["new", str(target), "--title", "Trade and the Alliance"]) == 0
    assert "created" in capsys.readouterr().out
    for name in ("theme.yaml", "brief.html.j2", "brief.css"):
        assert (target / "templates" / name).read_bytes() == (default_templates_dir() / name).read_bytes()
    assert (target / ".gitignore").read_text().strip() == "/build/"
    readme = (target / "README.md").read_text()
    assert readme.startswith("# Trade and the Alliance") and "trade-and-the-alliance.pdf" in readme
    assert "${" not in readme + (target / "source" / "brief.yaml").read_text()

    assert main(["build", str(target)]) == 0
    _, err = capsys.readouterr()
    assert err == ""  # no warnings either
    pdf = target / "build" / "trade-and-the-alliance.pdf"
    assert len(PdfReader(pdf).pages) >= 2
    assert "Trade and the Alliance" in PdfReader(pdf).pages[0].extract_text()
    deck = Presentation(target / "build" / "trade-and-the-alliance.pptx")
    assert len(deck.slides) >= 4


def test_new_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("keep me")
    assert main(["new", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "folder is not empty; nothing was written" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_accepts_an_empty_folder_and_names_the_brief_after_it(tmp_path, capsys):
    target = tmp_path / "east_asia-brief"
    target.mkdir()
    assert main(["new", str(target)]) == 0
    brief = (target / "source" / "brief.yaml").read_text()
    assert 'title: "East asia brief"' in brief
    assert main(["check", str(target)]) == 0
    assert "ok: 2 sections, 1 figures, 1 references" in capsys.readouterr().out


def test_new_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("")
    assert main(["new", str(target)]) == 2
    assert "is not a folder" in capsys.readouterr().err
