"""Collections and parameterised briefs, to the end: ``deckgen watch`` on a collection, every
row's deck plan checked, ``--param`` naming the brief it cannot apply to, stale rows and editions
told apart by what the manifest records."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from deckgen.load.collection import load_collection
from deckgen.project import default_templates_dir
from deckgen.watch import Briefs, watch_briefs
from helpers import Watcher, make_collection, run

TIMEOUT = 120
PARAMS_CASE = Path(__file__).resolve().parent / "cases" / "params"


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", " ")


# ---- deckgen watch on a collection ---------------------------------------------------------------

def test_the_watch_of_a_collection_rebuilds_the_brief_a_save_touches(tmp_path):
    root = make_collection(tmp_path, ["alpha", "beta"])
    with Watcher(watch_briefs, Briefs.of_collection(load_collection(root)), TIMEOUT) as watcher:
        first = watcher.builds(2)
        assert [(e.kind, e.brief) for e in first] == [("built", "alpha"), ("built", "beta")]
        assert first[1].result.outputs["pdf"] == root / "beta" / "build" / "brief-beta.pdf"
        assert watcher.next("message").message == (
            "watching the source/ and templates/ of 2 briefs and templates/ (Ctrl-C to stop)")

        section = root / "beta" / "source" / "sections" / "one.md"
        good = section.read_text()
        section.write_text(good.replace("Some prose", "Some new prose"))
        assert any(p.endswith("beta/source/sections/one.md") for p in watcher.next("changed").paths)
        rebuilt = watcher.next("built", "failed")
        assert (rebuilt.kind, rebuilt.brief) == ("built", "beta")
        assert rebuilt.result.cache["outputs"] == {"pdf": "built", "pptx": "built"}
        assert "Some new prose" in pdf_text(root / "beta" / "build" / "brief-beta.pdf")

        section.write_text(good.replace("title: The only section", "titel: The only section"))
        watcher.next("changed")
        failed = watcher.next("built", "failed")
        assert (failed.kind, failed.brief) == ("failed", "beta")
        assert "beta/source/sections/one.md:2:8: titel: unknown key (did you mean 'title'?)" in failed.error.report()

        section.write_text(good)
        watcher.next("changed")
        assert watcher.next("built", "failed").brief == "beta"
        # a save to the shared templates rebuilds every brief
        theme = (default_templates_dir() / "theme.yaml").read_text()
        (root / "templates" / "theme.yaml").write_text(theme.replace("#1B365D", "#123456"))
        watcher.next("changed")
        again = watcher.builds(2)
        assert [(e.kind, e.brief) for e in again] == [("built", "alpha"), ("built", "beta")]
        assert all(e.result.cache["outputs"] == {"pdf": "built", "pptx": "built"} for e in again)


def test_the_watch_of_a_collection_follows_what_deckgen_yaml_lists(tmp_path):
    root = make_collection(tmp_path, ["alpha", "beta"])
    listed = root / "deckgen.yaml"
    with Watcher(watch_briefs, Briefs.of_collection(load_collection(root)), TIMEOUT) as watcher:
        watcher.builds(2)
        watcher.next("message")  # watching ...

        listed.write_text("briefs:\n  - alpha\n  - beta\n  - gamma\n")  # its folder not made yet
        failed = watcher.next("built", "failed")
        assert failed.kind == "failed"
        assert failed.error.report().splitlines()[0] == ("deckgen.yaml:4:5: briefs[2]: brief folder "
                                                         "'gamma' has no source/ folder (a folder holding source/brief.yaml)")

        shutil.copytree(root / "alpha" / "source", root / "gamma" / "source")
        assert watcher.next("message").message == "deckgen.yaml changed: added gamma; watching 3 briefs"
        built = watcher.next("built", "failed")
        assert (built.kind, built.brief) == ("built", "gamma")
        assert built.result.outputs["pdf"] == root / "gamma" / "build" / "brief-alpha.pdf"

        section = root / "gamma" / "source" / "sections" / "one.md"  # gamma is watched now
        section.write_text(section.read_text().replace("Some prose", "Some new prose"))
        watcher.next("changed")
        assert watcher.next("built", "failed").brief == "gamma"

        replacement = root / "deckgen.yaml.new"  # saved as editors that rename over the file do
        replacement.write_text("briefs:\n  - beta\n  - gamma\n")
        os.replace(replacement, listed)
        assert watcher.next("message").message == (
            "deckgen.yaml changed: no longer watched: alpha; watching 2 briefs")
        for name in ("alpha", "beta"):  # alpha's save rebuilds nothing; beta's rebuilds beta
            section = root / name / "source" / "sections" / "one.md"
            section.write_text(section.read_text().replace("Some prose", "Other prose"))
            time.sleep(1)
        assert watcher.next("built", "failed").brief == "beta"


def watch_lines(folder: Path, *args) -> tuple[list[str], str]:
    """The lines ``deckgen watch`` prints until it says it is watching, then its stderr after Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from deckgen.cli import entry_point; entry_point()", "watch", *args],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line.rstrip("\n"))
            if line.startswith("watching") or not line:
                break
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=TIMEOUT)
    finally:
        process.kill()
    return lines, err


def test_the_watch_command_watches_a_collection_or_one_of_its_briefs(tmp_path, capsys):
    root = make_collection(tmp_path, ["alpha", "beta"])
    lines, err = watch_lines(root)
    assert "Traceback" not in err and "not a deckgen project" not in err, err
    assert lines[-1].startswith("watching the source/ and templates/ of 2 briefs"), lines
    assert any(line.startswith("alpha: wrote: alpha/build/brief-alpha.pdf (") for line in lines), lines
    assert any(line.startswith("beta: wrote: beta/build/brief-beta.pdf (") for line in lines), lines
    assert any(line.startswith("  wrote: beta/build/brief-beta.pptx (") for line in lines), lines

    # a brief's folder: that brief, with the collection's templates, as deckgen build NAME
    theme = (default_templates_dir() / "theme.yaml").read_text()
    (root / "templates" / "theme.yaml").write_text(theme.replace("#1B365D", "#123456"))
    lines, err = watch_lines(root / "beta")
    assert lines[-1].startswith("watching the source/ and templates/ of 1 brief and templates/"), lines
    assert any(line.startswith("beta: wrote: beta/build/brief-beta.pdf (") for line in lines), lines
    assert not any(line.startswith("alpha") for line in lines), lines
    code, out, err = run(capsys, "build", str(root / "beta"), "--json")
    assert code == 0, err
    assert set(json.loads(out)["briefs"]["beta"]["cache"]["outputs"].values()) == {"hit"}


# ---- check: every row's deck plan ----------------------------------------------------------------

def params_case(root: Path) -> Path:
    shutil.copytree(PARAMS_CASE / "source", root / "source")
    return root


def add_row_figures(root: Path, figure_of: dict[str, str]) -> None:
    """Four key figures showing each row's ``country.figure`` (``figure_of``: code → value)."""
    section = root / "source" / "sections" / "overview.md"
    figures = "".join(f'  - value: "{{{{ country.figure }}}}"\n    label: "label {i}"\n' for i in range(4))
    text = section.read_text(encoding="utf-8").replace("---\nThis brief", "key_figures:\n" + figures + "---\nThis brief")
    section.write_text(text.replace("from the side of\n", "from the side of {{ country.figure }}\n", 1), encoding="utf-8")
    table = root / "source" / "data" / "countries.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",country.figure", *(f"{line},{figure_of[line.split(',')[0]]}" for line in lines[1:])]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_check_plans_every_rows_deck_and_names_the_row_a_slide_cannot_show(tmp_path, capsys):
    long = "1234567890" * 4
    root = params_case(tmp_path)
    add_row_figures(root, {"JP": "12", "KR": long, "JK": "34"})
    code, out, err = run(capsys, "check", str(root))
    assert code == 1, out + err
    assert (f"source/sections/overview.md:7:5: key_figures.0: key figure '{long}' would not appear in "
            "full on a slide (a shorter value or label)") in err
    assert "4 errors in the source; nothing was written for row 'KR'." in err
    assert "1 of 3 parameter rows failed: row 'KR'; the others were checked" in err
    assert "row 'JP'" not in err and "row 'JK'" not in err
    # the build stops at the same row, and writes the others
    code, _, build_err = run(capsys, "build", str(root), "--only", "pptx")
    assert code == 1 and "nothing was written for row 'KR'" in build_err
    assert sorted(p.name for p in (root / "build").glob("*.pptx")) == ["country-brief-jk.pptx", "country-brief-jp.pptx"]

    add_row_figures(params_case(tmp_path / "fits"), {"JP": "12", "KR": "56", "JK": "34"})
    code, out, err = run(capsys, "check", str(tmp_path / "fits"))
    assert code == 0, err
    assert out == "ok: 2 sections, 1 figures, 0 references; 3 parameter rows\n"


def test_a_collections_check_plans_every_row_of_its_parameterised_brief(tmp_path, capsys):
    root = make_collection(tmp_path, ["alpha"], "  - countries\n")
    add_row_figures(params_case(root / "countries"), {"JP": "12", "KR": "1234567890" * 4, "JK": "34"})
    code, out, err = run(capsys, "check", str(root))
    assert code == 1, out + err
    assert "countries/source/sections/overview.md:7:5: key_figures.0: key figure" in err
    assert "nothing was written for countries, row 'KR'." in err
    assert "1 of 2 briefs failed: countries; the others were checked" in err
    assert "alpha: ok: 1 sections, 1 figures" in out


# ---- --param in a collection ---------------------------------------------------------------------

def test_param_names_the_collections_brief_it_cannot_apply_to(tmp_path, capsys):
    root = make_collection(tmp_path, ["countries", "alpha"])
    shutil.rmtree(root / "countries" / "source")
    params_case(root / "countries")
    code, _, err = run(capsys, "build", str(root), "--param", "JP")
    assert code == 2
    assert err == ("error: --param JP: brief 'alpha' declares no params: file (build the collection's "
                   "parameterised briefs by name: deckgen build NAME --param JP)\n")
    code, _, err = run(capsys, "build", str(root / "countries"), "--param", "FR")
    assert code == 2
    assert err == ("error: --param FR: no row of the params file of brief 'countries' has that value "
                   "(its values: JP, KR, JK)\n")
    assert not list(root.glob("*/build/*.pdf"))


# ---- stale rows and editions, by what the manifest records ---------------------------------------

def test_a_row_named_like_a_language_is_removed_as_a_row_not_kept_as_an_edition(tmp_path, capsys):
    import textwrap

    from conftest import MINIMAL

    for path, text in MINIMAL.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text).lstrip("\n"))
    brief = tmp_path / "source" / "brief.yaml"
    plain = brief.read_text()
    brief.write_text(plain + "params: rows.csv\n")
    (tmp_path / "source" / "rows.csv").write_text("code\nfr\nxx\n")
    code, out, err = run(capsys, "build", str(tmp_path))
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "build").glob("*.p*"))
    assert len(names) == 4 and all(n.rsplit(".", 1)[0].endswith(("-fr", "-xx")) for n in names), names
    stem = names[0].rsplit("-", 1)[0]
    manifest = json.loads((tmp_path / "build/.deckgen-cache/manifest.json").read_text())
    assert {(e["row"], e["edition"]) for e in manifest["outputs"].values()} == {("fr", None), ("xx", None)}

    # the brief is no longer parameterised, and has a French edition: its rows' outputs go, the
    # row "fr" too, though its deck's slot ("pptx.fr") is the French edition's, not built here
    brief.write_text(plain + "editions: [en, fr]\n")
    code, out, err = run(capsys, "build", str(tmp_path), "--only", "pdf")
    assert code == 0, err
    for row in ("fr", "xx"):
        assert (f"removed build/{stem}-{row}.pptx: row '{row}': source/brief.yaml no longer declares "
                "params:") in out
    assert sorted(p.name for p in (tmp_path / "build").glob("*.p*")) == [f"{stem}.fr.pdf", f"{stem}.pdf"]
    manifest = json.loads((tmp_path / "build/.deckgen-cache/manifest.json").read_text())
    assert {slot: (e["file"], e["row"], e["edition"]) for slot, e in manifest["outputs"].items()} == {
        "pdf": (f"{stem}.pdf", None, None), "pdf.fr": (f"{stem}.fr.pdf", None, "fr")}
