"""An ``image`` figure: its picture file read once through the sandbox and made ready for the
renderers, and what the figure file may say of it.

A PNG or JPEG is decoded within the logo's limits (:mod:`deckgen.load.pictures`) and brought down
to :data:`~deckgen.load.pictures.FIGURE_SIDE` pixels a side; an SVG is sanitised
(:mod:`deckgen.load.svg`), each kind of thing removed from it a warning at its line in the SVG.
A picture takes no data and no chart options; its ``width`` is a share of the text width.

In a language edition, the figure's translation (``figures/<id>.<lang>.yaml``) may give a file
of its own, read and made safe as the original's is; one that keeps the original's SVG while
that SVG has text (``<text>``) is a warning at the translation: the edition shows the original's
words in the picture.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .. import model as m
from ..errors import Loc
from .files import SourceFiles, shown
from .pictures import EXPECTED, FIGURE_SIDE, MAX_PICTURE_BYTES, MAX_SIDE, PictureProblem, prepare_raster
from .schema import DataIn, FigureIn
from .yamlsrc import YamlDoc

PICTURE_EXPECTED = f"a PNG or JPEG of at most {MAX_SIDE} x {MAX_SIDE} pixels, or an SVG"
CHART_KEYS = ("stacked", "format", "x_title", "y_title", "units", "markers")


def picture_figure(files: SourceFiles, figure_id: str, number: int, spec: FigureIn,
                   doc: YamlDoc) -> m.Figure | None:
    """An ``image`` figure: its picture file read and made safe, its width checked; None (and
    errors at their keys) if unusable."""
    problems = files.problems
    valid = True
    if spec.data != DataIn():
        problems.error(doc.loc(("data",)), "a picture takes no data", "data",
                       "file: images/NAME.svg (or .png, .jpg), or a chart kind for data")
        valid = False
    for key in (k for k in CHART_KEYS if k in spec.model_fields_set):
        problems.warn(doc.loc((key,)), f"a picture has no {key.replace('_', ' ')}; it changes "
                      "nothing", key, "only in a chart")
    width = picture_width(files, spec, doc)
    if not spec.file:
        problems.error(doc.loc(), "a picture needs its file", "file",
                       "file: images/NAME.svg, a PNG, JPEG or SVG under source/")
        return None
    picture = read_picture(files, spec.file, doc.loc(("file",)))
    if picture is None or width is None or not valid:
        return None
    kept_original_text(files, figure_id, picture)
    return m.Figure(figure_id, number, spec.kind, spec.title, spec.caption, spec.alt, spec.source,
                    "", (), (), (), doc.loc(), picture=picture, licence=spec.licence, width=width,
                    message=spec.message, key_locs=doc.key_locs())


def picture_width(files: SourceFiles, spec: FigureIn, doc: YamlDoc) -> int | None:
    """The width a picture takes in the PDF, in per cent of the text width (0: all of it)."""
    if spec.width == "":
        return 0
    text = str(spec.width).strip()
    match = re.fullmatch(r"(\d{1,3})\s*%", text)
    if match and 10 <= int(match.group(1)) <= 100:
        return int(match.group(1))
    files.problems.error(doc.loc(("width",)), f"invalid width {text[:40]!r}", "width",
                         'a share of the text width from 10% to 100%, such as "60%"')
    return None


def read_picture(files: SourceFiles, name: str, loc: Loc, field: str = "file") -> m.Picture | None:
    """The picture file ``name`` (written at ``loc``) read once through the sandbox and made
    ready for the renderers: a PNG or JPEG decoded within the limits, an SVG sanitised (what
    was removed from it a warning at its line); None (and an error at ``loc``) if unusable."""
    problems = files.problems
    path = files.source_path(name, loc, field)
    if path is None:
        return None
    data = files.read_bytes(path, loc, MAX_PICTURE_BYTES, written=name, field=field)
    if data is None:
        return None
    rel = files.rel(path)
    if _looks_like_svg(data):
        from .svg import SvgProblem, sanitise_svg

        try:
            clean = sanitise_svg(data)
        except SvgProblem as exc:
            where = Loc(rel, exc.line) if exc.line else loc
            problems.error(where, f"'{shown(name)}' {exc.problem}", field if where is loc else "",
                           exc.expected)
            return None
        for what, (count, line) in clean.removed.items():
            problems.warn(Loc(rel, line), f"removed from the picture: {count:,} {what}",
                          expected="a picture draws only shapes, text and paint; nothing in it "
                          "may run or fetch a file")
        return m.Picture(rel, clean.data, "image/svg+xml", clean.width, clean.height,
                         hashlib.sha256(clean.data).hexdigest())
    try:
        raster = prepare_raster(data, FIGURE_SIDE)
    except PictureProblem as exc:
        expected = PICTURE_EXPECTED if exc.expected == EXPECTED else exc.expected
        problem = "is not a PNG, JPEG or SVG picture" if exc.problem == "is not a PNG or JPEG image" \
            else exc.problem
        problems.error(loc, f"'{shown(name)}' {problem}", field, expected)
        return None
    return m.Picture(rel, raster.data, raster.media_type, raster.width, raster.height,
                     hashlib.sha256(raster.data).hexdigest())


def kept_original_text(files: SourceFiles, figure_id: str, picture: m.Picture) -> None:
    """A warning at the figure's translation when a translated edition shows the original's
    picture and that picture is an SVG with text in it."""
    from .editions import EditionFiles

    if not isinstance(files, EditionFiles) or not files.translating or figure_id in files.own_pictures:
        return
    translation = files.figure_translations.get(figure_id)
    if translation is None or picture.media_type != "image/svg+xml":
        return  # no translation at all: said once for the whole file; a raster's words are unknown
    texts = svg_texts(picture.data)
    if not texts:
        return
    lang = files.wanted
    original = Path(picture.file)
    own = original.with_name(f"{original.stem}.{lang}{original.suffix}").as_posix().removeprefix("source/")
    files.problems.warn(translation.loc(), f"untranslated picture in the {lang} edition: "
                        f"{picture.file} has text in {len(texts):,} place{'s' if len(texts) != 1 else ''} "
                        f"(the first '{shown(texts[0], 40)}'), which the edition shows as it is",
                        f"edition {lang}", f"file: {own}, a copy of the picture with its text "
                        "translated, in this file")


def svg_texts(data: bytes) -> list[str]:
    """The texts a (sanitised) SVG draws: each ``<text>`` element's words, in order."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return []
    found = []
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        words = " ".join("".join(element.itertext()).split())
        if words:
            found.append(words)
    return found


def _looks_like_svg(data: bytes) -> bool:
    """An SVG file: text starting as XML does (after a byte-order mark and white space), with an
    ``<svg`` in its first 64 kB; a PNG or JPEG starts with bytes of its own."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE")) and b"<svg" in data[:65536]
