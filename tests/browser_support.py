"""Headless Chromium for the preview tests: where it is, the page's scripts, waits for the page and editor."""

from __future__ import annotations

import shutil
import time

TIMEOUT = 120  # seconds: a build, LibreOffice's conversion and a rebuild on a busy CI machine
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def wait_for(driver, script: str, what: str):
    """Run ``script`` in the page until it returns something true; return it."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"the page never showed {what}; status: "
                         + driver.execute_script("return document.getElementById('status').textContent"))


# The keys of the images shown in #pages or #slides, once every one of them has loaded.
KEYS = """(() => {
  const imgs = [...document.querySelectorAll('#%s img')];
  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0)
         && imgs.map(i => i.dataset.key);
})()"""
LOADED = "return " + KEYS


def wait_for_file(path):
    deadline = time.monotonic() + 30
    while not (path.exists() and path.read_text().endswith("\n")):
        assert time.monotonic() < deadline, f"the editor was never started ({path})"
        time.sleep(0.05)
