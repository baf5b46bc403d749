"""``deckgen preview``, finished: pages drawn as wide as the page shows them and served as soon
as each is encoded, an edit giving new images to the pages it changed only, and a click on a
paragraph, a key point or a contents line opening its exact source line (the PDF unchanged)."""

from __future__ import annotations

import sys
import threading
import time

import pypdfium2 as pdfium
import pytest

from browser_support import KEYS, LOADED, TIMEOUT, wait_for, wait_for_file
from deckgen.build.options import BuildOptions
from deckgen.build.pipeline import build
from deckgen.preview.images import ImageStore, render_pages
from deckgen.preview.opener import Opener
from deckgen.preview.session import Preview
from deckgen.project import Project
from helpers import copy_case, point_of

KEYS_SCRIPT = KEYS % "pages"  # the pages' keys once every page has loaded

FILLER = " ".join(["The quick survey of regional trade routes continues here with more words."] * 30)


def section(name: str) -> str:
    return (f"---\ntitle: Section {name}\nkey_points:\n  - A point about {name}.\n---\n{FILLER}\n\n"
            f"A paragraph unique to {name} mentions zebras and {name}words.\n\n{FILLER}\n")


@pytest.fixture
def pages_project(make_project, minimal_files):
    """The minimal brief with three long sections more: seven pages, section one on page 3."""
    files = dict(minimal_files)
    files["source/brief.yaml"] = files["source/brief.yaml"].replace(
        "sections: [one]", "sections: [one, two, three, four]")
    for name in ("two", "three", "four"):
        files[f"source/sections/{name}.md"] = section(name)
    return make_project(files)


def test_a_click_on_a_paragraph_a_key_point_or_a_contents_line_opens_its_line(pages_project):
    result = build(pages_project, BuildOptions(formats=("pdf",)))
    pdf = result.outputs["pdf"].read_bytes()
    opener = Opener(pages_project, None, list)
    opener.built(pdf)

    def where(text: str) -> str:
        index, x, y = point_of(pdf, text)
        return opener({"kind": "page", "index": index, "x": x, "y": y})["where"]

    assert where("zebras and twowords") == "source/sections/two.md:8:1"
    assert where("zebras and threewords") == "source/sections/three.md:8:1"
    assert where("Some prose citing") == "source/sections/one.md:6:1"
    assert where("A point about three") == "source/sections/three.md:4:5"   # the takeaways page
    assert where("Section four") == "source/sections/four.md:1:1"          # the contents page
    assert where("Doe, Jane") == "source/brief.yaml:7:5"                  # the references
    index, _, y = point_of(pdf, "zebras and fourwords")
    assert opener({"kind": "page", "index": index, "y": y})["where"] == "source/sections/four.md:1:1"
    assert result.outputs["pdf"].read_bytes() == pdf  # nothing was written for the clicks


def test_a_page_still_being_encoded_is_waited_for_and_a_failed_one_answered():
    store = ImageStore()
    assert store.reserve("a" * 24) and not store.reserve("a" * 24)
    threading.Timer(0.3, store.put, ("a" * 24, b"png")).start()
    started = time.monotonic()
    assert store.get("a" * 24, wait=10) == b"png" and time.monotonic() - started >= 0.25
    assert store.reserve("b" * 24)
    threading.Timer(0.2, store.drop, ("b" * 24,)).start()
    assert store.get("b" * 24, wait=10) is None
    assert store.get("c" * 24, wait=10) is None


@pytest.fixture
def preview(pages_project, tmp_path):
    record = tmp_path / "opened.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(f"import sys\nopen({str(record)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n")
    session = Preview(pages_project, BuildOptions(), [sys.executable, str(editor), "{file}:{line}"])
    stop = threading.Event()
    thread = threading.Thread(target=session.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield session, pages_project, record
    finally:
        stop.set()
        thread.join(TIMEOUT)
        assert not thread.is_alive()


SOURCES = "return [...document.querySelectorAll('#pages img')].map(i => i.getAttribute('src'))"


def test_an_edit_on_page_3_changes_page_3_alone_and_the_pages_are_as_wide_as_shown(browser, preview):
    session, project, _ = preview
    browser.get(session.url)
    wait_for(browser, LOADED % "pages", "the brief's pages")
    width = int(browser.execute_script("return document.body.dataset.width"))
    column = browser.execute_script("return document.getElementById('pages').clientWidth")
    assert abs(width - min(column, 900)) <= min(column, 900) / 20  # as wide as the column shows it
    shown = wait_for(browser, f"""const imgs = [...document.querySelectorAll('#pages img')];
        return imgs.length && imgs.every(i => i.complete && i.naturalWidth === {width})
               && imgs.map(i => i.getAttribute('src'));""", f"pages {width} px wide")
    assert len(shown) == 7

    one = project.source / "sections" / "one.md"
    one.write_text(one.read_text().replace("Some prose", "Same prose"))
    after = wait_for(browser, f"""const imgs = [...document.querySelectorAll('#pages img')];
        const srcs = imgs.map(i => i.getAttribute('src'));
        return imgs.every(i => i.complete && i.naturalWidth > 0)
               && JSON.stringify(srcs) !== JSON.stringify({shown!r}) && srcs;""", "the edited page")
    assert [i for i, (old, new) in enumerate(zip(shown, after)) if old != new] == [2]
    index, _, _ = point_of(project.build_dir.joinpath("a-minimal-brief.pdf").read_bytes(), "Same prose")
    assert index == 2
    drawn = browser.execute_script("""const img = document.querySelectorAll('#pages img')[2];
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        canvas.getContext('2d').drawImage(img, 0, 0);
        return canvas.toDataURL('image/png').length;""")
    assert drawn > 1000  # the new image itself was served and drawn


def test_a_click_on_a_paragraph_in_the_page_opens_its_line(browser, preview):
    session, project, record = preview
    browser.get(session.url)
    wait_for(browser, LOADED % "pages", "the brief's pages")
    pdf = project.build_dir.joinpath("a-minimal-brief.pdf").read_bytes()
    index, x, y = point_of(pdf, "zebras and threewords")
    browser.execute_script("""const img = document.querySelectorAll('#pages img')[arguments[0]];
        img.scrollIntoView();
        const box = img.getBoundingClientRect();
        img.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: box.left + arguments[1] * box.width,
                                                   clientY: box.top + arguments[2] * box.height}));""",
                           index, x, y)
    wait_for_file(record)
    assert record.read_text().split() == [f"{project.source / 'sections' / 'three.md'}:8"]


# ---- a parameterised brief, a collection: one row, one brief at a time ---------------------------

def run_preview(session):
    stop = threading.Event()
    thread = threading.Thread(target=session.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def choose(browser, name: str, value: str) -> None:
    browser.execute_script("""const select = document.getElementById(arguments[0]);
        select.value = arguments[1]; select.dispatchEvent(new Event('change'));""", name, value)


def test_a_parameterised_brief_shows_the_row_chosen_on_the_page_and_builds_only_it(browser, tmp_path):
    root = copy_case(tmp_path / "params")
    session = Preview(Project.at(root), BuildOptions())
    stop, thread = run_preview(session)
    try:
        browser.get(session.url)
        first = wait_for(browser, LOADED % "pages", "the first row's pages")
        assert browser.execute_script("""return !document.getElementById('param-choice').hidden
            && [...document.getElementById('param').options].map(o => o.value)""") == ["JP", "KR", "JK"]
        assert browser.execute_script("return document.getElementById('param').value") == "JP"
        assert browser.execute_script("return document.getElementById('brief-choice').hidden")
        assert sorted(p.name for p in (root / "build").glob("*.pdf")) == ["country-brief-jp.pdf"]

        choose(browser, "param", "KR")
        wait_for(browser, f"""const keys = {KEYS_SCRIPT};
            return keys && JSON.stringify(keys) !== JSON.stringify({first!r})
                   && document.getElementById('param').value === 'KR';""", "the row KR")
        assert sorted(p.name for p in (root / "build").glob("*.pdf")) == ["country-brief-jp.pdf",
                                                                          "country-brief-kr.pdf"]
        shown = session.images.get(session.state.get("pages")[0]["key"])
        assert shown is not None and session.state.get("choices")["param"] == "KR"
        assert "South Korea desk" in pdfium.PdfDocument(root / "build" / "country-brief-kr.pdf")[0] \
            .get_textpage().get_text_range()
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()


def test_a_collection_shows_the_brief_chosen_on_the_page(browser, tmp_path):
    from deckgen.cli import main
    from deckgen.preview.choices import Choice, target
    from helpers import make_collection

    root = make_collection(tmp_path / "many", ["alpha", "beta"])
    assert main(["preview", str(root), "--brief", "gamma"]) == 2
    where, shown = target(root)
    assert shown == "alpha" and target(root / "beta") == (where, "beta")
    session = Preview(where.project(shown), BuildOptions(), target=where, choice=Choice(shown))
    stop, thread = run_preview(session)
    try:
        browser.get(session.url)
        first = wait_for(browser, LOADED % "pages", "alpha's pages")
        assert browser.execute_script("""return [...document.getElementById('brief').options]
            .map(o => o.value)""") == ["alpha", "beta"]
        assert not (root / "beta" / "build").exists()
        choose(browser, "brief", "beta")
        wait_for(browser, f"""const keys = {KEYS_SCRIPT};
            return keys && JSON.stringify(keys) !== JSON.stringify({first!r})
                   && document.getElementById('brief').value === 'beta';""", "beta's pages")
        assert (root / "beta" / "build" / "brief-beta.pdf").is_file()
        assert session.project.root == root / "beta" and session.project.collection == root
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert not thread.is_alive()


def test_the_pages_named_first_are_drawn_first_and_told_before_the_others(pages_project):
    pdf = build(pages_project, BuildOptions(formats=("pdf",))).outputs["pdf"].read_bytes()
    plain = render_pages(pdf, ImageStore(), width=400)
    told, store = [], ImageStore()

    def early(count, drawn):  # which pages are drawn (and stored) by then
        told.append((count, dict(drawn), [i for i, image in enumerate(plain) if store.has(image.key)]))

    ahead = render_pages(pdf, store, width=400, first=[4, 2], early=early)
    assert ahead == plain  # the same pages, in page order
    assert len(told) == 1
    count, drawn, stored = told[0]
    assert count == 7 and drawn == {4: plain[4], 2: plain[2]}
    assert stored == [2, 4]  # told before any other page was drawn
    nothing = []
    render_pages(pdf, ImageStore(), width=400, first=range(7), early=lambda *told: nothing.append(told))
    assert nothing == []  # every page was named first: nothing to tell before the end


def test_after_an_edit_the_page_it_changed_is_shown_before_the_others_are_drawn(pages_project):
    session = Preview(pages_project, BuildOptions(formats=("pdf",)))
    stop = threading.Event()
    thread = threading.Thread(target=session.run, args=(stop,), daemon=True)
    thread.start()
    try:
        def states_until(after: int, test) -> list[dict]:
            """The states after version ``after``, up to the first that passes ``test``."""
            seen, deadline = [], time.monotonic() + TIMEOUT
            while time.monotonic() < deadline:
                state = session.state.wait(after, 1)
                if state is not None:
                    seen.append(state)
                    if test(state):
                        return seen
                    after = state["version"]
            raise AssertionError("the preview never showed that")

        shown = states_until(0, lambda s: s["pages"] and not s["busy"])[-1]
        one = pages_project.source / "sections" / "one.md"
        states = []
        for old, new in (("Some prose", "Same prose"), ("Same prose", "Sane prose")):
            before = session.state.snapshot()
            one.write_text(one.read_text().replace(old, new))
            seen = states_until(before["version"], lambda s, pages=before["pages"]: (
                not s["busy"] and not s.get("pages_drawing") and s["pages"] != pages))
            states.append(([s for s in seen if s.get("pages_drawing")], before, seen[-1]))
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert len(shown["pages"]) == 7
    (first_early, first_before, first_after), (early, before, after) = states
    assert first_early == []  # no page had changed yet: every page drawn, then shown
    changed = [i for i, (a, b) in enumerate(zip(first_before["pages"], first_after["pages"])) if a != b]
    assert changed == [2]
    assert len(early) == 1  # the edited page again: shown at once, the others as they were
    assert [i for i, (a, b) in enumerate(zip(before["pages"], early[0]["pages"])) if a != b] == [2]
    assert early[0]["pages"] == after["pages"]  # no other page changed
    assert not early[0]["busy"] and early[0]["status"] == after["status"]
