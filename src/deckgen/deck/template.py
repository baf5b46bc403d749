"""Read and check a reference .pptx (or .potx) template: the geometry the planner fits text into.

:func:`deck_geometry` gives the slide size and each slide kind's boxes: the default drawing's,
or those of the template's layouts, found by the names the theme gives in the master of each
kind's role (:mod:`deckgen.deck.masters`: cover or content). The template's zip is checked
before anything unpacks it (entry count, sizes, compression ratios, the bytes actually
unpacked), a .potx is opened as the presentation it is, its slides must be large enough, the
boxes are read by :mod:`deckgen.deck.boxes` (cut at the slide's edges, autofit sizes replaced,
each holding one line of the smallest text deckgen sets in it, a footer tall enough for its
line), the text colours are checked against their ground by :mod:`deckgen.deck.look`, and
the template theme's body font is used when its metric twin is installed. What deckgen had to
change is in the geometry's ``warnings``, located at the template file; a template that cannot
hold the deck is an EnvironmentProblem naming what to change.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.oxml.ns import qn

from ..errors import EnvironmentProblem, Loc, Problem
from ..i18n.scripts import is_rtl
from ..theme import Theme
from .boxes import (
    BODY_TYPES,
    TITLE_TYPES,
    TemplateBoxes,
    body_placeholder,
    check_slide_size,
    placeholder_of,
)
from .geometry import Geometry
from .look import Look
from .masters import choose_layouts, require_layouts, stand_in_areas, template_listing
from .mirror import artwork_boxes, mirror_geometry
from .slides import BULLETS, SLIDE_KINDS, default_geometry, layout_names
from .textfit import Fonts

__all__ = ["BODY_TYPES", "TITLE_TYPES", "body_placeholder", "deck_geometry", "open_template",
           "placeholder_of", "require_layouts", "template_listing"]

EMU_PER_PT = 12700


def deck_geometry(theme: Theme, template: Path | str | None = None, language: str = "") -> Geometry:
    """The slide size and the boxes of each kind of slide: the default drawing's, or those of
    ``template``'s layouts, found by the names the theme gives in the master of each kind's
    role (see :mod:`deckgen.deck.masters`). A template that cannot hold the deck (slides or
    placeholders too small for one line of text) is an EnvironmentProblem naming it, raised
    here, so ``deckgen check`` reports it as a build would; a layout no master has is recorded
    in ``missing`` and required only by the slides planned (:func:`require_layouts`). For a
    ``language`` read right to left the geometry is mirrored (:mod:`deckgen.deck.mirror`), what
    of the template cannot be said in its ``warnings``."""
    geometry = _geometry(theme, template)
    return mirror_geometry(geometry) if is_rtl(language or "en") else geometry


def _geometry(theme: Theme, template: Path | str | None) -> Geometry:
    if template is None:
        return default_geometry(theme)
    prs = open_template(template)
    names = layout_names(theme)
    choice = choose_layouts(prs, names, theme.deck.get("master"), template)
    width, height = prs.slide_width / EMU_PER_PT, prs.slide_height / EMU_PER_PT
    check_slide_size(template, width, height)
    font, metrics = template_font(prs)
    reader = TemplateBoxes(template, width, height, Fonts(metrics or theme.fonts["deck_metrics"],
                                                          theme.fonts["deck_cjk"]),
                           float(theme.sizes["deck_min_body"]))
    content = choice.layouts.get("points") or next(
        (layout for kind, layout in choice.layouts.items()
         if layout is not None and SLIDE_KINDS[kind].form == BULLETS), None)
    footer, number = reader.footer_boxes(content)
    areas = {kind: reader.areas(layout, kind, footer) for kind, layout in choice.layouts.items()
             if layout is not None}
    look = Look(prs, theme, content)
    for kind, layout in choice.layouts.items():  # text whose colour would not read: said here
        if layout is not None:
            _look_at(look, layout, areas[kind], footer if SLIDE_KINDS[kind].footer else None)
    for kind in choice.missing:  # stand-ins, so that a plan can be made and its needs named
        areas[kind] = stand_in_areas(areas, kind, width, height)
    where = Loc(str(template))
    warnings = tuple(Problem(where, message, warning=True) for message in reader.warnings + look.warnings)
    artwork = {kind: (layout.name, artwork_boxes(layout, width, height))
               for kind, layout in choice.layouts.items() if layout is not None}
    if content is not None:
        artwork[""] = (content.name, artwork_boxes(content, width, height))
    return Geometry(width, height, areas, footer, number, names, str(template), font, metrics,
                    missing=dict(choice.missing), warnings=warnings, artwork=artwork)


def _look_at(look: Look, layout, areas, footer) -> None:
    for role, box in (("title", areas.title), ("body", areas.body), ("caption", areas.caption),
                      ("footer", footer)):
        if box is not None:
            look.forced(layout, role, box)
    if areas.figure is not None:  # chart series that would not stand out from the ground
        look.chart(layout, areas.figure)


# Fonts PowerPoint users have, and their metric-compatible free twins installed by the set-up.
METRIC_TWINS = {"Calibri": "Carlito", "Arial": "Liberation Sans", "Helvetica": "Liberation Sans",
                "Times New Roman": "Liberation Serif", "Courier New": "Liberation Mono",
                "Carlito": "Carlito", "Liberation Sans": "Liberation Sans"}


def template_font(prs) -> tuple[str, str]:
    """The template theme's body font and the installed font that measures like it, or
    ("", "") when there is no twin (the deck then uses the theme's font, which is measured)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from .textfit import font_path

    try:
        theme_part = prs.slide_masters[0].part.part_related_by(RT.THEME)
        root = etree.fromstring(theme_part.blob)
    except (KeyError, IndexError, ValueError, etree.XMLSyntaxError):
        return "", ""
    latin = root.find(f".//{qn('a:minorFont')}/{qn('a:latin')}")
    name = latin.get("typeface", "") if latin is not None else ""
    twin = METRIC_TWINS.get(name)
    if not twin:
        return "", ""
    try:
        font_path(twin)
    except EnvironmentProblem:
        return "", ""
    return name, twin


def open_template(template: Path | str):
    """The reference template as a python-pptx Presentation, opened from bytes that passed
    :func:`checked_template_bytes` (python-pptx itself reads every entry of the zip)."""
    from zipfile import BadZipFile

    from lxml.etree import XMLSyntaxError
    from pptx.exc import PackageNotFoundError

    data = as_presentation(checked_template_bytes(template))
    try:
        return Presentation(io.BytesIO(data))
    except (OSError, KeyError, ValueError, BadZipFile, XMLSyntaxError, PackageNotFoundError) as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc})") from None


POTX_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
PPTX_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def as_presentation(data: bytes) -> bytes:
    """A template's bytes with a .potx's main part typed as a presentation's (the only
    difference between the two), so that it opens and the deck saves as a .pptx."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml") if "[Content_Types].xml" in package.namelist() else b""
        if POTX_TYPE not in types:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in package.infolist():
                body = package.read(info)
                copy.writestr(info, body.replace(POTX_TYPE, PPTX_TYPE) if info.filename == "[Content_Types].xml"
                              else body)
    return out.getvalue()


# ---- the template's zip, checked before anything unpacks it ---------------------------------------

TEMPLATE_MAX_FILE = 100 * 2**20      # bytes of the .pptx file itself
TEMPLATE_MAX_ENTRIES = 2_000         # files in its zip
TEMPLATE_MAX_UNPACKED = 256 * 2**20  # bytes of all its entries unpacked, declared and actual
TEMPLATE_MAX_RATIO = 100             # unpacked / packed size of one entry of over 1 MiB
TEMPLATE_RATIO_FLOOR = 2**20         # entries smaller than this may compress any amount
_READ_CHUNK = 2**20


def checked_template_bytes(template: Path | str) -> bytes:
    """The template file's bytes, once its zip is known to unpack within the limits: entry
    count, each entry's declared size and compression ratio, and the bytes actually unpacked
    (read in chunks with a budget, so a zip that lies about its sizes is stopped too)."""
    import zipfile

    path = Path(template)
    try:
        size = path.stat().st_size
        if size > TEMPLATE_MAX_FILE:
            raise EnvironmentProblem(
                f"{template}: the reference template is {_mib(size)}, more than the "
                f"{_mib(TEMPLATE_MAX_FILE)} deckgen reads (save it again without unused pictures)")
        data = path.read_bytes()
    except OSError as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc.strerror})") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_entries(template, package)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
            EOFError, ValueError) as exc:
        raise EnvironmentProblem(f"{template}: cannot read the reference template ({exc})") from None
    return data


def _check_entries(template, package) -> None:
    entries = [info for info in package.infolist() if not info.is_dir()]
    if len(entries) > TEMPLATE_MAX_ENTRIES:
        raise EnvironmentProblem(
            f"{template}: the reference template's zip holds {len(entries):,} files, more than the "
            f"{TEMPLATE_MAX_ENTRIES:,} deckgen reads (save it again from PowerPoint)")
    declared = 0
    for info in entries:
        declared += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > TEMPLATE_RATIO_FLOOR and ratio > TEMPLATE_MAX_RATIO:
            raise _entry_too_large(template, info.filename,
                                   f"unpacks to {_mib(info.file_size)}, {ratio:,.0f} times its packed "
                                   f"size (at most {TEMPLATE_MAX_RATIO} times)")
        if declared > TEMPLATE_MAX_UNPACKED:
            raise _entry_too_large(template, info.filename,
                                   f"takes the unpacked template past {_mib(TEMPLATE_MAX_UNPACKED)}")
    budget = TEMPLATE_MAX_UNPACKED
    for info in entries:
        budget -= _unpacked_size(template, package, info, budget)


def _unpacked_size(template, package, info, budget: int) -> int:
    """The bytes ``info`` actually unpacks to, read in chunks; stopped past ``budget`` or past
    its declared size (zipfile also checks its CRC at the end)."""
    total = 0
    with package.open(info) as entry:
        while chunk := entry.read(_READ_CHUNK):
            total += len(chunk)
            if total > budget or total > info.file_size:
                raise _entry_too_large(template, info.filename,
                                       "unpacks to more than its declared size or the "
                                       f"{_mib(TEMPLATE_MAX_UNPACKED)} deckgen reads")
    return total


def _entry_too_large(template, name: str, what: str) -> EnvironmentProblem:
    return EnvironmentProblem(
        f"{template}: entry '{name}' of the reference template {what} (remove the entry, or "
        "save the template again from PowerPoint)")


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"
