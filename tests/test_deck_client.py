"""The deck opens in a real client: LibreOffice converts it headless, one page per slide."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader


def libreoffice_pdf(pptx, outdir):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: run scripts/setup.sh test")
    profile = outdir / "lo-profile"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(outdir), str(pptx)],
        capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    return outdir / (pptx.stem + ".pdf")


def test_libreoffice_converts_the_deck_one_page_per_slide(example_build, tmp_path):
    pdf = libreoffice_pdf(example_build.outputs["pptx"], tmp_path)
    assert pdf.is_file()
    assert len(PdfReader(pdf).pages) == example_build.slides
