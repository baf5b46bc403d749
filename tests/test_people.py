"""Authors with their affiliation, e-mail address and ORCID iD: on the PDF's cover (the address
and the iD as links), on the deck's title slide (name and affiliation, one fitted line) with
everything in its notes; a malformed address or iD is an error at its line.
"""

from __future__ import annotations

from pptx import Presentation
from pypdf import PdfReader

from deckgen.build.pipeline import BuildOptions, build
from deckgen.cli import main
from deckgen.deck.fit import Fitter
from deckgen.deck.geometry import SUBTITLE_SIZES
from deckgen.deck.plan import plan_slides
from deckgen.deck.textfit import Fonts
from deckgen.load.loader import load_project
from deckgen.theme import load_theme

PEOPLE = """authors:
  - name: Jane Doe
    role: Lead author
    affiliation: Example Institute for Asian Studies
    email: jane.doe@example.org
    orcid: 0000-0002-1825-0097
  - name: Min-jun Kim
    affiliation: Seoul Policy Forum
    orcid: https://orcid.org/0000-0002-1694-233X
"""


def with_people(files: dict[str, str], people: str = PEOPLE) -> dict[str, str]:
    brief = files["source/brief.yaml"]
    files["source/brief.yaml"] = brief.replace("authors:\n  - name: Test Unit\n", people)
    return files


def check(project, capsys) -> tuple[int, str]:
    code = main(["check", str(project.root)])
    return code, capsys.readouterr().err


def test_the_cover_names_each_author_with_affiliation_email_and_orcid(make_project, minimal_files):
    project = make_project(with_people(minimal_files))
    build(project, BuildOptions(formats=("pdf",)))
    (path,) = project.build_dir.glob("*.pdf")
    reader = PdfReader(path)
    cover = " ".join(reader.pages[0].extract_text().split())
    assert ("Jane Doe, Lead author — Example Institute for Asian Studies · jane.doe@example.org · "
            "ORCID 0000-0002-1825-0097") in cover
    assert "Min-jun Kim — Seoul Policy Forum · ORCID 0000-0002-1694-233X" in cover
    uris = {str(a.get_object()["/A"].get("/URI")) for a in reader.pages[0].get("/Annots", [])
            if "/A" in a.get_object()}
    assert {"mailto:jane.doe@example.org", "https://orcid.org/0000-0002-1825-0097",
            "https://orcid.org/0000-0002-1694-233X"} <= uris


def test_the_title_slide_names_the_authors_and_its_notes_say_the_rest(make_project, minimal_files):
    project = make_project(with_people(minimal_files))
    build(project, BuildOptions(formats=("pptx",)))
    (path,) = project.build_dir.glob("*.pptx")
    title = Presentation(path).slides[0]
    texts = [s.text_frame.text for s in title.shapes if s.has_text_frame and s.text_frame.text]
    assert "Jane Doe, Example Institute for Asian Studies · Min-jun Kim, Seoul Policy Forum" in \
        "\n".join(texts).split("\n")
    notes = title.notes_slide.notes_text_frame.text
    assert notes.endswith("By Jane Doe (Lead author, Example Institute for Asian Studies, "
                          "jane.doe@example.org, ORCID 0000-0002-1825-0097); Min-jun Kim (Seoul "
                          "Policy Forum, ORCID 0000-0002-1694-233X).")


def test_many_authors_are_shortened_to_one_fitted_line_on_the_title_slide(make_project, minimal_files):
    people = "authors:\n" + "".join(
        f"  - name: Author Number {i}\n    affiliation: Institute of Long Names {i}\n" for i in range(30))
    project = make_project(with_people(minimal_files, people))
    brief = load_project(project.root)
    theme = load_theme(project.template_file("theme.yaml"))
    slide = plan_slides(brief, theme)[0]
    line = next(text for text in slide.subtitle if text.startswith("Author Number 0"))
    assert line.endswith("…") and "Author Number 29" not in line
    fitter = Fitter(Fonts(theme.fonts["deck_metrics"], theme.fonts["deck_cjk"]), 28, 18)
    assert fitter.one_line_fits(line, slide.areas.body, SUBTITLE_SIZES[-1])
    assert fitter.lines_fit(list(slide.subtitle), slide.areas.body, slide.subtitle_size)
    assert "Author Number 29 (Institute of Long Names 29)" in slide.notes


def test_an_orcid_url_is_kept_as_the_bare_id(make_project, minimal_files):
    brief = load_project(make_project(with_people(minimal_files)).root)
    assert [a.orcid for a in brief.meta.authors] == ["0000-0002-1825-0097", "0000-0002-1694-233X"]
    assert brief.meta.authors[0].email == "jane.doe@example.org"


def test_a_malformed_orcid_is_an_error_at_its_line(make_project, minimal_files, capsys):
    files = with_people(minimal_files, PEOPLE.replace("0000-0002-1825-0097", "0000-0002-1825"))
    code, err = check(make_project(files), capsys)
    assert code == 1
    assert ("source/brief.yaml:8:12: authors.0.orcid: invalid ORCID iD '0000-0002-1825' ("
            "an ORCID iD as 0000-0002-1825-0097 (or https://orcid.org/0000-0002-1825-0097))") in err


def test_an_orcid_with_a_wrong_check_digit_is_an_error(make_project, minimal_files, capsys):
    files = with_people(minimal_files, PEOPLE.replace("0000-0002-1825-0097", "0000-0002-1825-0098"))
    code, err = check(make_project(files), capsys)
    assert code == 1
    assert ("source/brief.yaml:8:12: authors.0.orcid: ORCID iD '0000-0002-1825-0098' does not end "
            "in its check digit, so it holds a typing mistake (the iD as the person's ORCID "
            "record shows it)") in err


def test_a_malformed_email_is_an_error_at_its_line(make_project, minimal_files, capsys):
    files = with_people(minimal_files, PEOPLE.replace("jane.doe@example.org", "jane.doe at example"))
    code, err = check(make_project(files), capsys)
    assert code == 1
    assert ("source/brief.yaml:7:12: authors.0.email: invalid e-mail address 'jane.doe at example' "
            "(an address such as jane.doe@example.org)") in err
