"""The preview's LibreOffice runs below the rebuilds' priority, and that priority counts: it stays
in deckgen's session (the kernel's autogroup schedules a session as one), in a process group of
its own, so that ending it ends all of it and Ctrl-C in the terminal does not reach it."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

from deckgen.preview.images import ImageStore
from deckgen.preview.slides import SlideRenderer

FAKE_SOFFICE = """#!{python}
import json, os, sys
out = sys.argv[sys.argv.index("--outdir") + 1]
with open({record!r}, "w") as f:
    json.dump({{"sid": os.getsid(0), "pgid": os.getpgid(0), "pid": os.getpid(),
               "nice": os.getpriority(os.PRIO_PROCESS, 0)}}, f)
sys.exit(1)  # no PDF: the renderer reports it, which is all this test waits for
"""


def test_libreoffice_runs_niced_in_this_session_in_a_group_of_its_own(tmp_path):
    record = tmp_path / "soffice.json"
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable, record=str(record)))
    fake.chmod(0o755)
    done = threading.Event()
    outcomes = []
    renderer = SlideRenderer(ImageStore(), lambda outcome: (outcomes.append(outcome), done.set()), str(fake))
    try:
        renderer.submit(b"not a deck")
        assert done.wait(60)
    finally:
        renderer.close()
    assert outcomes[0].problem.startswith("LibreOffice could not convert the deck")
    seen = json.loads(Path(record).read_text())
    assert seen["sid"] == os.getsid(0)       # this session: its niceness counts against ours
    assert seen["pgid"] != os.getpgid(0)     # a group of its own: killed as one, no Ctrl-C
    assert seen["nice"] == min(os.getpriority(os.PRIO_PROCESS, 0) + 10, 19)
