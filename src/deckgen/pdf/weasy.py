"""WeasyPrint: the brief's HTML to PDF bytes, inside a sandbox.

WeasyPrint only ever sees resources from :class:`SandboxFetcher`: in-memory assets (the
figures, the logo) and files inside the project's source and templates, read through their
descriptors. Anything else (other files, the network) is refused with :class:`RefusedResource`.

Every render in a process shares one font set-up (:class:`_SharedFonts`); a finisher names in
words where each internal link leads (:func:`link_descriptions`), as PDF/UA asks; dates are the
brief's (``SOURCE_DATE_EPOCH`` pinned while WeasyPrint writes), so the bytes are reproducible.
The collector does not run during a render (:func:`_no_collection`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

from .. import model as m
from ..errors import DeckgenError, EnvironmentProblem
from ..load.sandbox import Unreadable, read_inside
from ..project import Project
from ..reproducible import build_stamp, pinned_source_date_epoch

MAX_RESOURCE_BYTES = 20_000_000


class RefusedResource(EnvironmentProblem):
    """The document (its template or stylesheet: the source cannot ask for resources) asked for a
    resource that lies outside the sandbox: exit 2, like every template problem."""


class Relayout(Protocol):
    """A second layout pass: ``run`` lays ``html`` out with ``render`` (HTML to a WeasyPrint
    document), as often as it needs, and returns the document to write; ``request`` is what
    :func:`render_elsewhere` needs to lay the same HTML out in another process."""

    def run(self, html: str, render, request: RenderRequest): ...


class RenderRequest(NamedTuple):
    """What a render of the brief's HTML depends on besides the HTML (picklable)."""

    base_url: str
    trusted_dirs: list[Path]
    assets: Mapping[str, bytes]
    options: dict
    stamp: object


def render_elsewhere(request: RenderRequest, html: str):
    """``html`` laid out as :func:`html_to_pdf` lays it out, in the process this is called in."""
    import weasyprint

    fetcher = SandboxFetcher(request.trusted_dirs, request.assets)
    with pinned_source_date_epoch(request.stamp), _fonts.lease() as fonts, _no_collection():
        return weasyprint.HTML(string=html, base_url=request.base_url,
                               url_fetcher=fetcher).render(font_config=fonts, **request.options)


class RenderedPdf(NamedTuple):
    """A rendered brief: the PDF's bytes and its number of pages."""

    data: bytes
    pages: int


def html_to_pdf(html: str, project: Project, assets: Mapping[str, bytes], brief: m.Brief,
                variant: str = "pdf/ua-1",
                relayout: Relayout | None = None) -> RenderedPdf:
    """``html`` (the brief's) as a tagged PDF of the PDF standard ``variant`` (``"none"``: no
    standard claimed), its resources served from ``assets`` and the trusted folders only.

    ``relayout`` (the float pass, :mod:`deckgen.pdf.floats`) may have the document laid out
    again from other HTML, and chooses the one written."""
    import weasyprint

    fetcher = SandboxFetcher(project.trusted_dirs, assets)

    def parsed(text: str):
        return weasyprint.HTML(string=text, base_url=project.source.as_uri() + "/",
                               url_fetcher=fetcher)
    # Every variant is tagged (structure tree, alt text, reading order): the brief stays
    # accessible whichever archive standard it also claims.
    options = {"pdf_identifier": _identifier(brief), "uncompressed_pdf": False,
               "custom_metadata": True, "pdf_tags": True}
    finisher = _LinkDescriber(link_descriptions(brief))
    if variant and variant != "none":
        options["pdf_variant"] = variant
    try:
        with (pinned_source_date_epoch(build_stamp(brief.meta.date)), _fonts.lease() as fonts,
              _no_collection()):
            def render(text: str):
                return parsed(text).render(font_config=fonts, **options)

            if relayout is None:
                rendered = render(html)
            else:
                request = RenderRequest(project.source.as_uri() + "/", project.trusted_dirs,
                                        assets, options, build_stamp(brief.meta.date))
                rendered = relayout.run(html, render, request)
            return RenderedPdf(rendered.write_pdf(finisher=finisher, **options), len(rendered.pages))
    except weasyprint.urls.FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, DeckgenError):  # refused, or a figure that could not be drawn
            raise cause from None
        raise EnvironmentProblem(f"PDF rendering stopped: {exc}") from None


@contextmanager
def _no_collection():
    """No cyclic garbage collection while WeasyPrint lays out and writes: its box trees are
    large, and each collection would walk them again (a twentieth of a render). The garbage is
    collected after, by the next collection (``deckgen watch`` collects after each rebuild)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def link_descriptions(brief: m.Brief) -> dict[str, str]:
    """What each link inside the brief leads to, in words, by its target's id: the text a screen
    reader announces for the link ("Section 3: Economic interdependence"), where WeasyPrint
    would give the bare id."""
    heading = brief.bibliography.heading if brief.bibliography else brief.words["references"]
    entry = brief.words  # "Figure 2: Title", as the brief's language writes a label and title
    described = {"references": heading}
    for section in brief.sections:
        described[f"sec-{section.id}"] = entry("figure_entry", label=section.label, title=section.title)
    for figure in brief.figures:
        described[f"fig-{figure.id}"] = entry("figure_entry", label=figure.label, title=figure.title)
    for reference in brief.references:
        described[f"ref-{reference.id}"] = entry("figure_entry", label=heading, title=reference.text)
    return described


class _LinkDescriber:
    """A WeasyPrint finisher: each internal link annotation's description (``/Contents``, which
    PDF/UA requires) becomes what the link leads to, in words."""

    def __init__(self, descriptions: dict[str, str]):
        self.descriptions = descriptions

    def __call__(self, document, pdf) -> None:
        import pydyf

        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Link":
                target = getattr(obj.get("Dest"), "string", None)
                if target in self.descriptions:
                    obj["Contents"] = pydyf.String(self.descriptions[target])


class _SharedFonts:
    """One fontconfig set-up for every render in this process.

    WeasyPrint would load the configuration and every installed font's entry afresh for each
    document, and start with cold Pango caches (up to a tenth of a warm render of the example,
    in interleaved runs; often within the noise).
    A document whose stylesheet adds ``@font-face`` fonts keeps its set-up to itself, so fonts
    one render adds never reach the next."""

    def __init__(self):
        self.config = None

    @contextmanager
    def lease(self):
        from weasyprint.text.fonts import FontConfiguration

        config, self.config = self.config or FontConfiguration(), None
        yield config
        if config._folder is None:  # no @font-face was loaded into it
            self.config = config


_fonts = _SharedFonts()


def _identifier(brief: m.Brief) -> bytes:
    return hashlib.md5(f"{brief.name}:{brief.meta.title}:{brief.meta.date}".encode()).hexdigest().encode()


def _sandbox_fetcher_base():
    from weasyprint.urls import URLFetcher

    return URLFetcher


class SandboxFetcher(_sandbox_fetcher_base()):
    """Serves in-memory assets and files under the trusted folders; refuses everything else."""

    def __init__(self, trusted_dirs: list[Path], assets: Mapping[str, bytes]):
        super().__init__(fail_on_errors=True, allowed_protocols=["file", "asset"])
        # each folder as named and as resolved: a URL may come from either
        self.trusted = list(dict.fromkeys(p for d in trusted_dirs for p in (Path(os.path.abspath(d)), d.resolve())))
        self.assets = assets
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        from weasyprint.urls import URLFetcherResponse

        if url in self.assets:
            return URLFetcherResponse(url, self.assets[url], {"Content-Type": _mime(url)})
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            data = self._read_trusted(Path(os.path.normpath(unquote(parts.path))), url)
            if data is not None:
                return URLFetcherResponse(url, data, {"Content-Type": _mime(url)})
        self.refused.append(url)
        raise RefusedResource(f"refused to load '{url}': only files inside the project are used")

    def _read_trusted(self, path: Path, url: str) -> bytes | None:
        """The bytes of ``path`` if it lies in a trusted folder, read through its descriptor
        (:func:`~deckgen.load.sandbox.read_inside`): no link leads out between a check and the read."""
        for folder in self.trusted:
            if not path.is_relative_to(folder):
                continue
            try:
                return read_inside(folder, path, MAX_RESOURCE_BYTES)
            except Unreadable as exc:
                if exc.reason == Unreadable.TOO_LARGE:
                    self.refused.append(url)
                    raise RefusedResource(f"refused to load '{url}': larger than "
                                          f"{MAX_RESOURCE_BYTES:,} bytes") from None
        return None


def _mime(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower()
    return {"svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
            "css": "text/css"}.get(suffix, "application/octet-stream")
