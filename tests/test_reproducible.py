"""Same input, same bytes: two builds of one project give byte-identical PDF and PPTX.

Builds run in separate copies of the project, seconds apart, so anything taken from the clock
(zip entry times, the chart workbooks' own dates, font subset timestamps, document ids) or from
the project's path would show as a difference. The build timestamp is the brief's date by
default and ``SOURCE_DATE_EPOCH`` when that is set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import MINIMAL
from deckgen.cli import main
from deckgen.reproducible import normalise_office_zip
from helpers import copy_example as copy_original

EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC
EPOCH_ZIP_TIME = (2023, 11, 14, 22, 13, 20)
EPOCH_ISO = b"2023-11-14T22:13:20Z"


def build(root: Path, *options: str) -> dict[str, bytes]:
    """Build ``root`` with the CLI; return {suffix: bytes} of what it wrote."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["build", str(root), "--quiet", *options])
    assert code == 0, err.getvalue()
    return {path.suffix: path.read_bytes() for path in (root / "build").glob("*.p*")}


def copy_example(root: Path) -> Path:
    """The example brief, its original alone."""
    return copy_original(root).root


def minimal(root: Path) -> Path:
    for name, text in MINIMAL.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def build_twice(make, tmp_path: Path, *options: str) -> tuple[dict, dict]:
    """Two builds of two copies, at least two seconds apart (the zip time resolution)."""
    started = time.time()
    first = build(make(tmp_path / "one"), *options)
    time.sleep(max(0.0, 2.1 - (time.time() - started)))
    second = build(make(tmp_path / "two"), *options)
    return first, second


def zip_entries(data: bytes, prefix: str = "") -> dict[str, zipfile.ZipInfo]:
    """Every entry of an OOXML zip, and of the workbooks inside it, by name."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = {}
    for info in archive.infolist():
        entries[prefix + info.filename] = info
        if info.filename.endswith(".xlsx"):
            entries.update(zip_entries(archive.read(info), f"{prefix}{info.filename}!"))
    return entries


def core_dates(data: bytes) -> list[bytes]:
    """The dates in docProps/core.xml of the deck and of every workbook embedded in it."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    dates = re.findall(rb"<(?:dcterms:created|dcterms:modified|cp:lastPrinted)[^>]*>([^<]*)<",
                       archive.read("docProps/core.xml"))
    for name in archive.namelist():
        if name.endswith(".xlsx"):
            dates += core_dates(archive.read(name))
    return dates


@pytest.fixture(autouse=True)
def no_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_two_builds_of_the_example_are_byte_identical(tmp_path):
    first, second = build_twice(copy_example, tmp_path)
    assert set(first) == {".pdf", ".pptx"}
    assert first[".pptx"] == second[".pptx"]
    assert first[".pdf"] == second[".pdf"]


def test_by_default_every_date_is_the_briefs_own(tmp_path):
    outputs = build(minimal(tmp_path))
    entries = zip_entries(outputs[".pptx"])
    assert any("!" in name for name in entries), "the chart's workbook is missing"
    assert {info.date_time for info in entries.values()} == {(2026, 1, 15, 12, 0, 0)}
    assert set(core_dates(outputs[".pptx"])) == {b"2026-01-15T12:00:00Z"}
    info = PdfReader(io.BytesIO(outputs[".pdf"])).metadata
    assert info["/CreationDate"].startswith("D:20260115") and info["/ModDate"].startswith("D:20260115")


def test_with_source_date_epoch_builds_are_identical_and_stamped_with_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first, second = build_twice(minimal, tmp_path)
    assert first == second
    entries = zip_entries(first[".pptx"])
    assert {info.date_time for info in entries.values()} == {EPOCH_ZIP_TIME}
    assert set(core_dates(first[".pptx"])) == {EPOCH_ISO}


def test_pdf_dates_follow_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    info = PdfReader(io.BytesIO(build(minimal(tmp_path), "--only", "pdf")[".pdf"])).metadata
    assert info["/CreationDate"].startswith("D:20231114")


def test_pdf_is_identical_when_fonts_are_subset_by_fonttools(tmp_path, monkeypatch):
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, which stamps each
    subset with the clock unless SOURCE_DATE_EPOCH is set."""
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    first, second = build_twice(minimal, tmp_path, "--only", "pdf")
    assert first[".pdf"] == second[".pdf"]


def office_zip(date_time: tuple, order: list[str]) -> bytes:
    """A small OOXML-like zip holding a workbook, written at ``date_time`` in ``order``."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as book:
        book.writestr(zipfile.ZipInfo("docProps/core.xml", date_time),
                      f"<dcterms:created x='1'>{date_time[0]}-01-01T00:00:00Z</dcterms:created>")
    parts = {"[Content_Types].xml": b"<Types/>", "ppt/embeddings/book.xlsx": inner.getvalue(),
             "docProps/core.xml": b"<cp:lastPrinted>2001-01-01T00:00:00Z</cp:lastPrinted>"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in order:
            archive.writestr(zipfile.ZipInfo(name, date_time), parts[name])
    return out.getvalue()


def test_normalising_removes_every_trace_of_when_a_zip_was_written():
    stamp = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    names = ["docProps/core.xml", "[Content_Types].xml", "ppt/embeddings/book.xlsx"]
    a = normalise_office_zip(office_zip((2020, 1, 2, 3, 4, 6), names), stamp)
    b = normalise_office_zip(office_zip((2024, 5, 6, 7, 8, 10), names), stamp)
    assert a == b
    assert zipfile.ZipFile(io.BytesIO(a)).namelist()[0] == "[Content_Types].xml"
    assert set(core_dates(a)) == {b"2026-11-26T12:00:00Z"}
    assert normalise_office_zip(a, stamp) == a
