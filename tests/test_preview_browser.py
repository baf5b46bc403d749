"""``deckgen preview`` in a real browser: headless Chromium (Debian's) driven by Selenium.

The page shows the brief's pages and the deck's slides; a saved edit changes a page in place
(no reload); an error appears with its file:line and goes when fixed; a click opens the source.
"""

from __future__ import annotations

import sys
import threading

import pytest

from browser_support import KEYS, LOADED, TIMEOUT, wait_for, wait_for_file
from deckgen.build.options import BuildOptions
from deckgen.preview.session import Preview


@pytest.fixture
def preview(make_project, minimal_files, tmp_path):
    """A preview of the minimal project on a thread, with an editor that records its arguments."""
    project = make_project(minimal_files)
    record = tmp_path / "opened.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(f"import sys\nopen({str(record)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n")
    session = Preview(project, BuildOptions(), [sys.executable, str(editor), "{file}:{line}"])
    stop = threading.Event()
    thread = threading.Thread(target=session.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield session, project, record
    finally:
        stop.set()
        thread.join(TIMEOUT)
        assert not thread.is_alive()


PROBLEMS = """
const box = document.getElementById('problems');
return !box.hidden && box.innerText;
"""


def test_the_preview_shows_pages_and_slides_and_follows_edits_and_errors(browser, preview):
    session, project, record = preview
    browser.get(session.url)
    pages = wait_for(browser, LOADED % "pages", "the brief's pages")
    slides = wait_for(browser, LOADED % "slides", "the deck's slides")
    assert len(pages) == session.state.get("pages").__len__() >= 3
    assert len(slides) == len(session.state.get("slides")) >= 4
    assert browser.execute_script("return document.getElementById('slides-title').textContent") \
        == f"Deck ({len(slides)} slides)"
    browser.execute_script("window.notReloaded = true;"
                           "window.firstPage = document.querySelector('#pages img');")

    section = project.source / "sections" / "one.md"
    good = section.read_text()
    section.write_text(good.replace("Some prose", "Some entirely different and much longer prose, "
                                    "long enough to change how the page looks"))
    changed = wait_for(browser, f"""
        const keys = {KEYS % 'pages'};
        return keys && JSON.stringify(keys) !== JSON.stringify({pages!r}) && keys;""",
                       "the edited page")
    assert len(changed) == len(pages)
    assert browser.execute_script("return window.notReloaded === true && "
                                  "window.firstPage === document.querySelector('#pages img')")

    section.write_text(changed_text := good.replace("key_points:", "key_pionts:"))
    shown = wait_for(browser, PROBLEMS, "the error")
    line = changed_text.splitlines().index("key_pionts:") + 1
    assert f"source/sections/one.md:{line}:1: key_pionts: unknown key (did you mean 'key_points'?)" in shown
    assert browser.execute_script("return document.body.classList.contains('stale')")

    browser.find_element("css selector", "#problem-list .where").click()
    wait_for_file(record)
    assert record.read_text().split() == [f"{section}:{line}"]
    record.unlink()

    section.write_text(good)
    wait_for(browser, "return document.getElementById('problems').hidden", "the error gone")
    assert browser.execute_script("return window.notReloaded === true")


def test_a_click_on_a_page_or_a_slide_opens_its_source(browser, preview):
    session, project, record = preview
    browser.get(session.url)
    wait_for(browser, LOADED % "pages", "the brief's pages")
    wait_for(browser, LOADED % "slides", "the deck's slides")
    plans = [slide.title for slide in __import__("deckgen.build.pipeline", fromlist=["x"])
             .validate(project)[3]]
    section_slide = plans.index("The only section")

    browser.find_elements("css selector", "#pages img")[0].click()  # the cover
    wait_for_file(record)
    assert record.read_text().split() == [f"{project.source / 'brief.yaml'}:1"]
    record.unlink()

    browser.execute_script("arguments[0].scrollIntoView()",
                           slide := browser.find_elements("css selector", "#slides img")[section_slide])
    slide.click()
    wait_for_file(record)
    assert record.read_text().split() == [f"{project.source / 'sections' / 'one.md'}:1"]


def test_the_page_shows_the_watchs_last_message(browser, preview):
    session, _, _ = preview
    browser.get(session.url)
    shown = wait_for(browser, """const note = document.getElementById('watch-message');
        return note.textContent.startsWith('ready') && note.offsetParent !== null && note.textContent;""",
                     "the watch's message")
    assert shown == "ready: renderers loaded, rebuilds are at full speed"
