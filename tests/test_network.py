"""No network access during a build, ever: a local listener hears nothing from a build whose
source points at it in every way a contributor could write.

The listener (``http.server`` on 127.0.0.1, in a thread) first proves it hears a request;
then builds run with every socket connection and name lookup in this process refused as well,
so a fetch that went around the listener (another host, a DNS lookup) would fail the build.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import socket
import textwrap
import threading
import urllib.request
from pathlib import Path
from typing import ClassVar

import pytest
from pypdf import PdfReader

from conftest import MINIMAL
from deckgen.cli import main


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"p { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    """The base URL of a local HTTP server that records every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with urllib.request.urlopen(base + "/sanity", timeout=5) as response:  # the listener hears
        response.read()
    assert _Recorder.requests == ["/sanity"]
    _Recorder.requests.clear()
    yield base
    server.shutdown()
    server.server_close()


@pytest.fixture
def offline(monkeypatch):
    """Refuse (and record) every outgoing connection and name lookup made in this process."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] if len(args) > 1 else args)
        raise OSError("network access during a build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(OSError):  # the guard is real: a connection attempt is refused and seen
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert attempts
    attempts.clear()
    return attempts


def referencing_everything(base: str) -> dict[str, str]:
    """A valid project that mentions the listener everywhere a build could be tempted to fetch."""
    files = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}
    files["source/brief.yaml"] = files["source/brief.yaml"].replace(
        "title: A minimal brief",
        f'title: "A brief <img src=\'{base}/title.png\'> <link rel=stylesheet href=\'{base}/title.css\'>"\n'
        f'subtitle: "url({base}/subtitle.png) @import \'{base}/import.css\';"\n'
        f'distribution: "</style><style>@import url({base}/distribution.css);</style>"\n'
        f'organisation: "{base}/organisation"\n'
        f'summary: "See {base}/summary and <iframe src=\'{base}/iframe\'></iframe>"',
    ) + f"    publisher: \"{base}/publisher\"\n    url: {base}/reference\n"
    files["source/sections/one.md"] = files["source/sections/one.md"].replace(
        "Some prose", f"A [link]({base}/link), <{base}/autolink>, [mail](mailto:a@example.org), "
                      f"[footnote][^n] and raw <img src=\"{base}/raw.png\"> Some prose"
    ) + textwrap.dedent(f"""
        <link rel="stylesheet" href="{base}/raw.css">
        <style>@import url({base}/style.css); body {{ background: url({base}/bg.png) }}</style>
        <object data="{base}/object.svg"></object>

        [^n]: A note with a [link]({base}/note).
        """)
    files["source/figures/chart.yaml"] = files["source/figures/chart.yaml"].replace(
        "source: Test data", f"source: {base}/source\ncaption: \"<img src='{base}/caption.png'>\"")
    return files


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def run(root: Path, *args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([*args, str(root)])
    return code, err.getvalue()


def link_targets(pdf: Path) -> set[str]:
    targets = set()
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                targets.add(str(action["/URI"]))
    return targets


def test_a_build_referencing_the_listener_everywhere_sends_nothing(listener, offline, tmp_path):
    write(tmp_path, referencing_everything(listener))
    code, err = run(tmp_path, "build")
    assert code == 0, err
    assert _Recorder.requests == [] and offline == []
    pdf = next((tmp_path / "build").glob("*.pdf"))
    # the links are in the PDF, for a reader to follow; the build itself followed none
    assert {f"{listener}/link", f"{listener}/autolink", f"{listener}/reference"} <= link_targets(pdf)


REFUSED = {
    "logo": ("source/brief.yaml", lambda t, base: t + f"logo: {base}/logo.png\n"),
    "markdown-image": ("source/sections/one.md", lambda t, base: t + f"\n![logo]({base}/image.png)\n"),
    "figure-url": ("source/sections/one.md", lambda t, base: t + f"\n![]({base}/figure.svg)\n"),
    "csv-url": ("source/figures/chart.yaml", lambda t, base: t.replace(
        "  categories: [a, b]", f"  csv: {base}/data.csv\n  category: a\n  categories: [a, b]")),
    "file-link": ("source/sections/one.md", lambda t, base: t + f"\n[style]({base.replace('http', 'file')}/x.css)\n"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_build_with_a_fetching_reference_fails_and_sends_nothing(name, listener, offline, tmp_path):
    files = {n: textwrap.dedent(text).lstrip("\n") for n, text in MINIMAL.items()}
    target, change = REFUSED[name]
    files[target] = change(files[target], listener)
    write(tmp_path, files)
    code, err = run(tmp_path, "build")
    assert code == 1, err
    assert "nothing was written" in err
    assert _Recorder.requests == [] and offline == []
