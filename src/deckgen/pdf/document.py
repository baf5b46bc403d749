"""The PDF brief: the model through Jinja2 templates to HTML, then WeasyPrint to PDF bytes.

WeasyPrint only ever sees resources from :class:`SandboxFetcher`: figures from memory and files
inside the project's source and templates. Anything else (other files, the network) is refused.

Templates are trusted like code, but a project's own may be wrong: any error in one (a syntax
error, an undefined name, a missing include, an exception raised while it renders) is an
:class:`~deckgen.errors.EnvironmentProblem` naming the template's file and line, as Jinja's
rewritten traceback gives it. Jinja cannot bound a template's time or output, so rendering one
stops after :data:`TEMPLATE_SECONDS` (an interval timer, in the main thread) or
:data:`MAX_HTML_CHARS` characters of HTML, named the same way.

Whatever the stylesheet, no text runs past the page's edge: :data:`UNBREAKABLE_CSS` comes before
it, so a string with no break in it (a URL, a long compound, a code token) breaks where it must.
"""

from __future__ import annotations

import os
import signal
import threading
import traceback
from collections.abc import Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from .. import model as m
from ..errors import DeckgenError, EnvironmentProblem, printable
from ..load.sandbox import Unreadable, read_inside
from ..project import Project, default_templates_dir
from ..reproducible import build_stamp, pinned_source_date_epoch
from ..theme import Theme
from .html import HtmlWriter

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
PDF_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-3b", "pdf/a-2b", "pdf/a-3u", "pdf/a-3a", "none")


MAX_RESOURCE_BYTES = 20_000_000
# Text flows break a word that does not fit on a line anywhere. In tables a word breaks only at
# the edge of its cell, so that short words keep their columns wide enough (``anywhere`` would let
# a column shrink to one letter); the long words html.py marks (``long-word``) break anywhere.
UNBREAKABLE_CSS = ("html { overflow-wrap: anywhere; }\n"
                   "table { overflow-wrap: break-word; }\n"
                   ".long-word { overflow-wrap: anywhere; }\n")
TEMPLATE_SECONDS = 30          # rendering the HTML template takes well under a second
MAX_HTML_CHARS = 50_000_000    # the largest brief deckgen accepts gives a few megabytes


class RefusedResource(DeckgenError):
    """The document asked for a resource that lies outside the sandbox."""


def render_html(brief: m.Brief, project: Project, theme: Theme, figure_svgs: Mapping[str, bytes],
                print_mode: bool = False, paper: str | None = None) -> tuple[str, DocumentAssets]:
    """The brief as an HTML string, and the in-memory assets (figures) it refers to.

    ``figure_svgs`` is read only when WeasyPrint asks for a figure: it may still be drawn."""
    paper = _paper(paper or brief.meta.paper)
    fixed = {LEADER_DOT_URL: leader_dot_svg(theme)}
    logo = brief.meta.logo
    if logo:  # the loader's bytes: the file is never opened again by name
        fixed[f"asset:logo{logo.suffix}"] = logo.data
    assets = DocumentAssets(figure_svgs, fixed)
    writer = HtmlWriter(brief, {fid: assets.url(fid) for fid in figure_svgs})
    page_css = f"@page {{ size: {PAPER_SIZES[paper]}; }}\n"
    if print_mode:
        page_css += "@page { bleed: 3mm; marks: crop cross; }\n"
    html = render_template(
        project, "brief.html.j2",
        created=build_stamp(brief.meta.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        meta=brief.meta, sections=brief.sections, references=brief.references,
        takeaways=headline_points(brief), writer=writer, date_text=m.long_date(brief.meta.date),
        css_variables=_style_text(theme.css_variables() + page_css + UNBREAKABLE_CSS),
        stylesheet=project.template_file("brief.css").as_uri(),
        logo=f"asset:logo{logo.suffix}" if logo else "",
        print_mode=print_mode, paper=paper,
    )
    return html, assets


LEADER_DOT_URL = "asset:leader-dot.svg"


def leader_dot_svg(theme: Theme) -> bytes:
    """One dot of the theme's muted colour in a 3 pt square: the stylesheet tiles it into the
    contents page's dotted leaders (``url(asset:leader-dot.svg)``), vector and sharp at any zoom."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="3pt" height="3pt" viewBox="0 0 3 3">'
            f'<circle cx="1.5" cy="1.5" r="0.5" fill="{theme.colour("muted")}"/></svg>').encode()


class DocumentAssets(Mapping):
    """``{asset URL: bytes}``: the figures' SVG over ``{figure id: SVG bytes}``, read on demand,
    and a few ``fixed`` assets the stylesheet uses."""

    PREFIX, SUFFIX = "asset:figure-", ".svg"

    def __init__(self, figure_svgs: Mapping[str, bytes], fixed: dict[str, bytes]):
        self.figure_svgs = figure_svgs
        self.fixed = fixed

    def url(self, figure_id: str) -> str:
        return f"{self.PREFIX}{figure_id}{self.SUFFIX}"

    def _figure_id(self, url: str) -> str | None:
        if isinstance(url, str) and url.startswith(self.PREFIX) and url.endswith(self.SUFFIX):
            figure_id = url[len(self.PREFIX):-len(self.SUFFIX)]
            return figure_id if figure_id in self.figure_svgs else None
        return None

    def __contains__(self, url) -> bool:
        return url in self.fixed or self._figure_id(url) is not None

    def __getitem__(self, url: str) -> bytes:
        if url in self.fixed:
            return self.fixed[url]
        figure_id = self._figure_id(url)
        if figure_id is None:
            raise KeyError(url)
        return self.figure_svgs[figure_id]

    def __iter__(self):
        yield from self.fixed
        yield from (self.url(figure_id) for figure_id in self.figure_svgs)

    def __len__(self) -> int:
        return len(self.fixed) + len(self.figure_svgs)


@lru_cache(maxsize=8)
def _templates(folders: tuple[str, ...]) -> jinja2.Environment:
    """One Jinja environment per list of template folders, kept for the process: it compiles a
    template once, and again only when the template's text changes."""
    return jinja2.Environment(loader=_TextCheckingLoader(list(folders)), autoescape=True,
                              undefined=jinja2.StrictUndefined, auto_reload=True)


class _TextCheckingLoader(jinja2.FileSystemLoader):
    """Finds a compiled template stale when its file's text changed, not only its modification
    time: two saves close together may share one."""

    def get_source(self, environment, template):
        source, filename, _ = super().get_source(environment, template)

        def uptodate() -> bool:
            try:
                return Path(filename).read_text(encoding=self.encoding) == source
            except OSError:
                return False

        return source, filename, uptodate


def render_template(project: Project, name: str, **context) -> str:
    """Template ``name`` (the project's own, else deckgen's) rendered with ``context``.

    Whatever goes wrong in the template is an :class:`EnvironmentProblem` at its file and line."""
    folders = tuple(str(d) for d in project.template_dirs)
    try:
        template = _templates(folders).get_template(name)
        with _time_limit(TEMPLATE_SECONDS):
            return _joined(template.generate(**context))
    except DeckgenError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise _template_problem(exc.filename, exc.lineno, exc.message or str(exc), folders) from None
    except jinja2.TemplateNotFound as exc:
        file, line = _template_frame(exc, folders)
        raise _template_problem(file, line, f"template '{exc.name}' not found in "
                                f"{' or '.join(folders)}", folders) from None
    except Exception as exc:  # noqa: BLE001 - anything the template's expressions raise
        file, line = _template_frame(exc, folders)
        what = exc.message if isinstance(exc, jinja2.UndefinedError) and exc.message else (
            str(exc) if isinstance(exc, _TemplateStopped) else f"{type(exc).__name__}: {exc}")
        raise _template_problem(file, line, what, folders) from None


class _TemplateStopped(Exception):
    """A template ran past :data:`TEMPLATE_SECONDS` or :data:`MAX_HTML_CHARS`."""


def _joined(chunks) -> str:
    """The output of a template's generator, stopped once it passes :data:`MAX_HTML_CHARS`.

    The stop is thrown into the generator, where the template was writing, so its traceback
    names the template's line like any other error in it."""
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_HTML_CHARS:
            chunks.throw(_TemplateStopped(f"stopped after writing {MAX_HTML_CHARS:,} characters: "
                                          "a loop that does not end?"))
        out.append(chunk)
    return "".join(out)


@contextmanager
def _time_limit(seconds: float):
    """Stop the body with :class:`_TemplateStopped` after ``seconds`` (in the main thread only:
    elsewhere no signal can interrupt it, and the body runs unbounded)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise _TemplateStopped(f"stopped after {seconds:g} s of rendering: a loop that "
                               "does not end?")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _template_frame(exc: BaseException, folders: tuple[str, ...]) -> tuple[str | None, int]:
    """The template file and line an exception was raised at: the innermost frame of its
    traceback that Jinja mapped back to a template in ``folders``."""
    found = (None, 0)
    for frame in traceback.extract_tb(exc.__traceback__):
        if _in_folders(frame.filename, folders):
            found = (frame.filename, frame.lineno or 0)
    return found


def _in_folders(filename: str | None, folders: tuple[str, ...]) -> bool:
    if not filename:
        return False
    path = Path(filename).resolve()
    return any(path.is_relative_to(Path(folder).resolve()) for folder in folders)


def _template_problem(file: str | None, line: int | None, what: str,
                      folders: tuple[str, ...]) -> EnvironmentProblem:
    """``file:line: template: what (what to do)``, then the template's line."""
    own = file is not None and _in_folders(file, (str(default_templates_dir()),))
    advice = ("deckgen's own template failed: please report it" if own else
              "fix the template, or remove it to use deckgen's own")
    where = f"{file}:{line}" if file and line else (file or "templates")
    message = f"{where}: template: {what} ({advice})"
    excerpt = _line_of(file, line)
    return EnvironmentProblem(printable(message) + (f"\n    {printable(excerpt)}" if excerpt else ""))


def _line_of(file: str | None, line: int | None) -> str:
    try:
        lines = Path(file).read_text(encoding="utf-8").split("\n") if file and line else []
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[line - 1].strip()[:200] if 0 < line <= len(lines) else ""


def headline_points(brief: m.Brief) -> tuple[str, ...]:
    """The key takeaways of the PDF: each section's first (headline) key point, in order.

    The deck shows every key point; the brief's front page has room for one per section.
    """
    return tuple(s.key_points[0] for s in brief.sections if s.key_points)


def _paper(name: str) -> str:
    key = name.lower()
    if key not in PAPER_SIZES:
        raise DeckgenError(f"unknown paper size '{name}' (expected one of: {', '.join(PAPER_SIZES)})")
    return key


def _style_text(css: str) -> Markup:
    """CSS for a ``<style>`` element: not HTML-escaped (quotes must stay quotes), but it may
    not close the element."""
    if "</" in css:
        raise DeckgenError("theme: CSS values may not contain '</'")
    return Markup(css)


class RenderedPdf(NamedTuple):
    """A rendered brief: the PDF's bytes and its number of pages."""

    data: bytes
    pages: int


def render_pdf(brief: m.Brief, project: Project, theme: Theme, figure_svgs: Mapping[str, bytes],
               variant: str = "pdf/ua-1", print_mode: bool = False,
               paper: str | None = None) -> RenderedPdf:
    """The brief as a PDF: tagged, with bookmarks, metadata and embedded font subsets.

    ``variant`` is a PDF standard (``PDF_VARIANTS``), ``paper`` overrides the brief's paper
    ("a4" or "letter"), ``print_mode`` adds 3 mm bleed and crop marks.
    """
    html, assets = render_html(brief, project, theme, figure_svgs, print_mode, paper)
    return html_to_pdf(html, project, assets, brief, variant)


def html_to_pdf(html: str, project: Project, assets: Mapping[str, bytes], brief: m.Brief,
                variant: str = "pdf/ua-1") -> RenderedPdf:
    import weasyprint

    fetcher = SandboxFetcher(project.trusted_dirs, assets)
    document = weasyprint.HTML(string=html, base_url=project.source.as_uri() + "/",
                               url_fetcher=fetcher)
    if (variant or "none") not in PDF_VARIANTS:
        raise DeckgenError(f"unknown PDF variant '{variant}' (expected one of: {', '.join(PDF_VARIANTS)})")
    # Every variant is tagged (structure tree, alt text, reading order): the brief stays
    # accessible whichever archive standard it also claims.
    options = {"pdf_identifier": _identifier(brief), "uncompressed_pdf": False,
               "custom_metadata": True, "pdf_tags": True}
    finisher = _LinkDescriber(link_descriptions(brief))
    if variant and variant != "none":
        options["pdf_variant"] = variant
    try:
        with pinned_source_date_epoch(build_stamp(brief.meta.date)), _fonts.lease() as fonts:
            rendered = document.render(font_config=fonts, **options)
            return RenderedPdf(rendered.write_pdf(finisher=finisher, **options), len(rendered.pages))
    except weasyprint.urls.FatalURLFetchingError as exc:
        cause = exc.__cause__
        if isinstance(cause, DeckgenError):  # refused, or a figure that could not be drawn
            raise cause from None
        raise DeckgenError(f"PDF rendering stopped: {exc}") from None


def link_descriptions(brief: m.Brief) -> dict[str, str]:
    """What each link inside the brief leads to, in words, by its target's id: the text a screen
    reader announces for the link ("Section 3: Economic interdependence"), where WeasyPrint
    would give the bare id."""
    described = {"references": "References"}
    for number, section in enumerate(brief.sections, 1):
        described[f"sec-{section.id}"] = f"Section {number}: {section.title}"
    for figure in brief.figures:
        described[f"fig-{figure.id}"] = f"{figure.label}: {figure.title}"
    for reference in brief.references:
        described[f"ref-{reference.id}"] = f"Reference {reference.number}: {reference.text}"
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
    import hashlib

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
        (:func:`~deckgen.sandbox.read_inside`): no link leads out between a check and the read."""
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
