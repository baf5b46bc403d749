"""What a build keeps off its path, and that a fast path writes what the slow one writes.

- A ``deckgen watch`` rebuild after an edit writes the very bytes a cold ``build --force`` of the
  same source writes (the float pass renders twice in either, the watch's two layouts at once:
  no state of earlier rebuilds shows in the output; tests/test_watch_speculation.py follows
  several edits).
- A build whose figures are all in the cache never loads matplotlib, nor its font manager (fonts
  are found through fontconfig, as the renderers find them).
- The deck's process, forked for one build, imports matplotlib beforehand only when the figure
  cache is empty.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deckgen.build.pipeline import BuildOptions, build
from deckgen.deck.textfit import font_path
from deckgen.errors import EnvironmentProblem
from deckgen.project import Project
from deckgen.watch import watch
from helpers import SRC, Watcher, copy_example, python
from watch_support import TIMEOUT, cold_build

EDIT = ("Commerce is among the firmest anchors", "Commerce remains among the firmest anchors")


def test_a_watch_rebuild_writes_what_a_cold_build_writes(tmp_path):
    project = copy_example(tmp_path / "watched")
    section = project.source / "sections" / "economy.md"
    with Watcher(watch, project, TIMEOUT) as watcher:
        assert watcher.next("built", "failed").result is not None
        section.write_text(section.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
        rebuilt = watcher.next("built", "failed").result
        assert rebuilt is not None, "the rebuild failed"
        assert rebuilt.cache["outputs"] == {"pdf": "built", "pptx": "built"}
        watched = {path.suffix: path.read_bytes() for path in (project.root / "build").glob("*.p*")}
    cold = tmp_path / "cold"
    shutil.copytree(project.source, cold / "source")
    assert EDIT[1] in (cold / "source" / "sections" / "economy.md").read_text(encoding="utf-8")
    built = cold_build(cold)
    assert set(watched) == set(built) == {".pdf", ".pptx"}
    assert watched[".pdf"] == built[".pdf"]
    assert watched[".pptx"] == built[".pptx"]


MODULES_AFTER_BUILD = """
import json, sys
from pathlib import Path
from deckgen.build.pipeline import BuildOptions, build
from deckgen.project import Project
result = build(Project.at(Path(sys.argv[1])), BuildOptions(force=True, parallel=False))
print(json.dumps({"figures": result.cache["figures"],
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")}))
"""


def test_a_build_with_every_figure_cached_loads_no_matplotlib(tmp_path):
    project = copy_example(tmp_path)
    build(project, BuildOptions(parallel=False))  # every figure drawn and cached
    out = json.loads(python(MODULES_AFTER_BUILD, str(project.root)).strip().splitlines()[-1])
    assert out["figures"]["rendered"] == 0 and out["figures"]["hits"] > 0
    assert out["loaded"] == []
    assert (project.root / "build" / "japan-south-korea-relations.pdf").stat().st_size > 0


LOADED_WHERE = """
import json, sys
from pathlib import Path
from deckgen.build.pipeline import BuildOptions, build
from deckgen.project import Project
result = build(Project.at(Path(sys.argv[1])), BuildOptions(force=True, parallel=sys.argv[2] == "parallel"))
print(json.dumps({"outputs": sorted(result.outputs), "loaded here": any(
    m in sys.modules for m in ("deckgen.load.loader", "deckgen.load.schema", "markdown_it"))}))
"""


@pytest.mark.parametrize("how", ["parallel", "serial"])
def test_a_parallel_build_loads_the_source_off_the_pdfs_process(tmp_path, how):
    """With a second core, the source is loaded in the build's second process while this one
    imports WeasyPrint; the PDF's process never imports the loader."""
    project = copy_example(tmp_path)
    out = json.loads(python(LOADED_WHERE, str(project.root), how).strip().splitlines()[-1])
    assert out["outputs"] == ["pdf", "pptx"]
    assert out["loaded here"] is (how == "serial")


def fc_match(pattern: str) -> str:
    return subprocess.run(["fc-match", "--format", "%{file}", pattern], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("family", ["DejaVu Sans", "Carlito", "Noto Sans CJK JP"])
def test_text_is_measured_in_the_font_file_the_renderers_use(family):
    assert font_path(family) == fc_match(f"{family}:weight=80:slant=0")
    assert font_path(family, True) == fc_match(f"{family}:weight=200:slant=0")


def test_a_font_that_is_not_installed_is_named():
    with pytest.raises(EnvironmentProblem) as raised:
        font_path("No Such Family Anywhere")
    assert str(raised.value) == "font 'No Such Family Anywhere' is not installed (run the set-up command)"


def test_the_theme_fonts_are_found_without_the_font_manager(tmp_path):
    code = ("import sys\nfrom deckgen.build.jobs import require_theme_fonts\n"
            "from deckgen.theme import load_theme\nfrom deckgen.project import Project\n"
            "from pathlib import Path\n"
            "project = Project.at(Path(sys.argv[1]))\n"
            "require_theme_fonts(load_theme(project.template_file('theme.yaml'), project.root))\n"
            "print('matplotlib' in sys.modules)")
    project = copy_example(tmp_path)
    assert isinstance(project, Project)
    assert python(code, str(project.root)).split() == ["False"]


def test_the_command_ends_at_once_with_its_output_and_exit_code(tmp_path):
    """``deckgen`` ends with ``os._exit`` after a build (the heap is not freed object by
    object): what it printed still reaches its reader, and its exit code is the command's."""
    project = copy_example(tmp_path / "ok")
    command = [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()"]
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    done = subprocess.run([*command, "build", "--json", "--only", "pdf", str(project.root)],
                          check=False, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outputs"]["pdf"].endswith("japan-south-korea-relations.pdf")
    missing = subprocess.run([*command, "check", str(tmp_path / "nowhere")], check=False, capture_output=True,
                             text=True, env=env, timeout=600)
    assert missing.returncode == 2
    assert "not a deckgen project" in missing.stderr
