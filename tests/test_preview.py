"""``deckgen preview`` without a browser: loopback only, the page's policy, its event stream,
where a click leads, the options' errors, Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from deckgen.cli import main
from deckgen.errors import Loc
from deckgen.load.loader import load_project
from deckgen.preview.images import ImageStore
from deckgen.preview.server import PreviewServer
from deckgen.preview.sources import html_ids, page_source, page_spots
from deckgen.preview.state import State

TIMEOUT = 90


@pytest.fixture
def server():
    clicks = []
    state = State(status="ready")
    srv = PreviewServer(state, ImageStore(), lambda click: clicks.append(click) or {"opened": False},
                        "A <brief>")
    srv.start()
    try:
        yield srv, clicks
    finally:
        srv.stop()


def request(srv, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_the_server_listens_on_loopback_only_and_refuses_other_hosts(server):
    srv, _ = server
    assert srv.server_address[0] == "127.0.0.1"
    others = [a for a in {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                                    socket.AF_INET)}
              if not a.startswith("127.")]
    for address in others:  # another interface of this machine: nothing listens there
        with pytest.raises(OSError):
            socket.create_connection((address, srv.port), timeout=2).close()
    status, _, _ = request(srv, "GET", "/", headers={"Host": f"attacker.example:{srv.port}"})
    assert status == 421
    status, headers, body = request(srv, "GET", "/")
    assert status == 200
    assert headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
    assert b"<title>A &lt;brief&gt; \xe2\x80\x94 deckgen preview</title>" in body
    assert b"http" not in body.replace(b'http-equiv', b'')  # nothing fetched from elsewhere
    for path in ("/preview.js", "/preview.css"):
        status, headers, body = request(srv, "GET", path)
        assert status == 200 and b"http:" not in body and b"https:" not in body


def test_opening_a_source_needs_the_token_and_the_page_origin(server):
    srv, clicks = server
    origin = {"Origin": f"http://127.0.0.1:{srv.port}", "Content-Type": "application/json"}
    click = {"kind": "page", "index": 0, "y": 0.5}
    assert request(srv, "POST", "/open", json.dumps(click), origin)[0] == 403
    status, _, _ = request(srv, "POST", "/open", json.dumps({**click, "token": srv.token}),
                           {**origin, "Origin": "http://attacker.example"})
    assert status == 403
    assert clicks == []
    status, _, body = request(srv, "POST", "/open", json.dumps({**click, "token": srv.token}), origin)
    assert status == 200 and json.loads(body) == {"opened": False}
    assert clicks == [{**click, "token": srv.token}]


def test_the_event_stream_sends_the_state_after_each_change(server):
    srv, _ = server
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    connection.request("GET", "/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type").startswith("text/event-stream")

    def next_state():
        line = response.fp.readline()
        assert response.fp.readline() == b"\n"
        return json.loads(line.removeprefix(b"data: "))

    assert next_state()["status"] == "ready"
    srv.state.update(status="built in 0.50 s", errors=[{"where": "source/brief.yaml:2:1"}])
    state = next_state()
    assert state["status"] == "built in 0.50 s" and state["errors"][0]["where"] == "source/brief.yaml:2:1"
    connection.close()


def test_a_point_on_a_page_leads_to_the_section_or_element_begun_above_it(example_build):
    root = example_build.outputs["pdf"].parents[1]
    brief = load_project(root)
    spots = page_spots(example_build.outputs["pdf"].read_bytes(), html_ids(brief))
    cover = Loc("source/brief.yaml", 1, 1)
    assert page_source(spots, 0, 0.5, cover) == cover  # the cover: brief.yaml
    economy = next(s for s in brief.sections if s.id == "economy")
    first = next(s for s in spots if s.loc == economy.loc)
    assert page_source(spots, first.page, first.top + 0.01, cover) == economy.loc
    placed = {b.figure_id: b.loc for s in brief.sections for b in s.blocks if hasattr(b, "figure_id")}
    figure = next(s for s in spots if s.loc == placed["tourism-2022"])
    assert figure.loc.file == "source/sections/culture.md"
    assert page_source(spots, figure.page, figure.top + 0.001, cover) == placed["tourism-2022"]


def test_a_port_in_use_and_an_unknown_editor_are_usage_errors(make_project, minimal_files, capsys):
    project = make_project(minimal_files)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        assert main(["preview", str(project.root), "--port", str(port)]) == 2
        assert f"error: cannot serve the preview on 127.0.0.1:{port}:" in capsys.readouterr().err
    finally:
        taken.close()
    assert main(["preview", str(project.root), "--editor", "no-such-editor-here"]) == 2
    assert capsys.readouterr().err == ("error: --editor no-such-editor-here: no such program "
                                       "(no-such-editor-here is not on PATH)\n")
    assert main(["preview", str(project.root), "--editor", sys.executable]) == 2
    assert "a command must say where the file goes with {file}" in capsys.readouterr().err


def test_the_preview_command_serves_and_stops_on_ctrl_c(make_project, minimal_files):
    project = make_project(minimal_files)
    process = subprocess.Popen(
        [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()", "preview",
         str(project.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = process.stdout.readline()
        assert first.startswith("preview: http://127.0.0.1:"), first + process.stderr.read()
        port = int(first.rsplit(":", 1)[1].strip(" /\n"))
        lines = [first]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and not lines[-1].startswith("ready:"):
            lines.append(process.stdout.readline())
        assert any(line.startswith("watching source/") for line in lines), "".join(lines)
        assert lines[-1].startswith("ready:"), "".join(lines)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/events")
        stream = connection.getresponse()
        state = json.loads(stream.fp.readline().removeprefix(b"data: "))
        assert len(state["pages"]) >= 3 and state["errors"] == []
        ended = threading.Event()
        threading.Thread(target=lambda: (stream.read(), ended.set()), daemon=True).start()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
        assert ended.wait(10), "the event stream was not ended"
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped watching" in out and "Traceback" not in err
