"""A collection's shared ``templates/labels.<lang>.yaml`` reaches its briefs, under their own.

The words a collection's shared labels file changes appear in every brief's PDF and deck; a
brief's own labels file wins over the shared one for the words it gives.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pypdf import PdfReader

from helpers import make_collection, run


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def deck_text(path) -> str:
    deck = Presentation(str(path))
    return " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                    if shape.has_text_frame)


def test_the_shared_labels_apply_to_every_brief_and_a_briefs_own_win(tmp_path, capsys):
    root = make_collection(tmp_path / "series", ["alpha", "beta"])
    (root / "templates" / "labels.en.yaml").write_text(
        'takeaways: "What to take away"\nagenda: "Running order"\n', encoding="utf-8")
    (root / "beta" / "templates").mkdir()
    (root / "beta" / "templates" / "labels.en.yaml").write_text('takeaways: "Beta in brief"\n',
                                                                encoding="utf-8")
    code, _, err = run(capsys, "build", str(root))
    assert code == 0, err
    alpha, beta = (pdf_text(root / n / "build" / f"brief-{n}.pdf") for n in ("alpha", "beta"))
    assert "What to take away" in alpha and "Key takeaways" not in alpha
    assert "Beta in brief" in beta and "What to take away" not in beta
    for name in ("alpha", "beta"):
        assert "Running order" in deck_text(root / name / "build" / f"brief-{name}.pptx")
