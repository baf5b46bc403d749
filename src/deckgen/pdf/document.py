"""The PDF brief's document: the model through Jinja2 templates to HTML, the theme as CSS.

:func:`render_pdf` is the PDF renderer: :func:`render_html` here, then
:func:`~deckgen.pdf.weasy.html_to_pdf` (WeasyPrint, sandboxed). The theme reaches the
stylesheet as CSS variables (:func:`css_variables`) in a ``<style>`` element the template places
before ``brief.css``.

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

import signal
import threading
import traceback
from collections.abc import Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import model as m
from ..errors import DeckgenError, EnvironmentProblem, UsageProblem
from ..i18n.scripts import direction
from ..project import Project, default_templates_dir
from ..reproducible import build_stamp
from ..text import printable
from ..theme import Theme
from .cover import cover_css
from .floats import FloatPass, Placement
from .headers import header_css
from .html import HtmlWriter
from .language import language_css
from .variants import PDF_VARIANTS
from .weasy import RenderedPdf, html_to_pdf

PAPER_SIZES = {"a4": "A4", "letter": "letter"}


# Text flows break a word that does not fit on a line anywhere. In tables a word breaks only at
# the edge of its cell, so that short words keep their columns wide enough (``anywhere`` would let
# a column shrink to one letter); the long words html.py marks (``long-word``) break anywhere.
UNBREAKABLE_CSS = ("html { overflow-wrap: anywhere; }\n"
                   "table { overflow-wrap: break-word; }\n"
                   ".long-word { overflow-wrap: anywhere; }\n")
TEMPLATE_SECONDS = 30          # rendering the HTML template takes well under a second
MAX_HTML_CHARS = 50_000_000    # the largest brief deckgen accepts gives a few megabytes


def render_html(brief: m.Brief, project: Project, theme: Theme, figure_svgs: Mapping[str, bytes],
                print_mode: bool = False, paper: str | None = None,
                placement: Placement | None = None) -> tuple[str, DocumentAssets]:
    """The brief as an HTML string, and the in-memory assets (figures) it refers to.

    ``figure_svgs`` is read only when WeasyPrint asks for a figure: it may still be drawn.
    ``placement`` is the float pass's (:mod:`deckgen.pdf.floats`)."""
    paper = _paper(paper or brief.meta.paper)
    fixed = {LEADER_DOT_URL: leader_dot_svg(theme)}
    logo = brief.meta.logo
    if logo:  # the loader's bytes: the file is never opened again by name
        fixed[f"asset:logo{logo.suffix}"] = logo.data
    urls = {}
    for figure in brief.figures:
        if figure.picture is not None:  # the loader's bytes, an SVG kept vector
            urls[figure.id] = f"asset:picture-{figure.id}{figure.picture.suffix}"
            fixed[urls[figure.id]] = figure.picture.data
    assets = DocumentAssets(figure_svgs, fixed)
    writer = HtmlWriter(brief, {**{fid: assets.url(fid) for fid in figure_svgs}, **urls}, placement)
    labels = brief.words
    page_css = f"@page {{ size: {PAPER_SIZES[paper]}; }}\n"
    if print_mode:
        page_css += "@page { bleed: 3mm; marks: crop cross; }\n"
    html = render_template(
        project, "brief.html.j2",
        created=build_stamp(brief.meta.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        meta=brief.meta, sections=brief.sections, references=brief.references,
        takeaways=headline_points(brief), writer=writer,
        date_text=m.long_date(brief.meta.date, brief.meta.language),
        css_variables=_style_text(css_variables(theme, brief.meta.language) + page_css + UNBREAKABLE_CSS
                                  + header_css(brief, theme)),
        language_css=_style_text(language_css(labels) + cover_css(brief, theme, paper)), labels=labels,
        direction=direction(brief.meta.language),
        stylesheet=project.template_file("brief.css").as_uri(),
        logo=f"asset:logo{logo.suffix}" if logo else "",
        print_mode=print_mode, paper=paper,
    )
    return html, assets


def css_variables(theme: Theme, language: str = "en") -> str:
    """The theme as CSS custom properties on ``:root``: each colour (``--primary``, and any a
    theme adds), the series colours (``--series-1`` ...) and the two font stacks, for the
    script of ``language`` (:func:`deckgen.i18n.scripts.font_stacks`)."""
    colours = theme.colours
    stacks = theme.font_stacks(language)
    lines = [f"  --{name}: {value};" for name, value in colours.items() if name != "series"]
    lines += [f"  --series-{i + 1}: {c};" for i, c in enumerate(colours["series"])]
    lines += [f"  --font-{role}: " + ", ".join(f'"{f}"' for f in stacks[role]) + f", {generic};"
              for role, generic in (("serif", "serif"), ("sans", "sans-serif"))]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


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

    The deck shows every key point; the brief's front page has room for one per section. A
    point that cites is the loader's HTML of it (its citations linked, or footnotes).
    """
    return tuple(Markup(s.point_html[0]) if s.point_html else s.key_points[0]
                 for s in brief.sections if s.key_points)


def _paper(name: str) -> str:
    key = name.lower()
    if key not in PAPER_SIZES:
        raise UsageProblem(f"unknown paper size '{name}' (expected one of: {', '.join(PAPER_SIZES)})")
    return key


def _style_text(css: str) -> Markup:
    """CSS for a ``<style>`` element: not HTML-escaped (quotes must stay quotes), but it may
    not close the element."""
    if "</" in css:
        raise EnvironmentProblem("theme: CSS values may not contain '</'")
    return Markup(css)


def render_pdf(brief: m.Brief, project: Project, theme: Theme, figure_svgs: Mapping[str, bytes],
               variant: str = "pdf/ua-1", print_mode: bool = False,
               paper: str | None = None) -> RenderedPdf:
    """The brief as a PDF: tagged, with bookmarks, metadata and embedded font subsets.

    ``variant`` is a PDF standard (``PDF_VARIANTS``), ``paper`` overrides the brief's paper
    ("a4" or "letter"), ``print_mode`` adds 3 mm bleed and crop marks.
    """
    html, assets = render_html(brief, project, theme, figure_svgs, print_mode, paper)
    _variant(variant)
    floats = FloatPass(brief, lambda placement: render_html(
        brief, project, theme, figure_svgs, print_mode, paper, placement)[0])
    return html_to_pdf(html, project, assets, brief, variant, relayout=floats)


def _variant(name: str) -> None:
    if (name or "none") not in PDF_VARIANTS:
        raise UsageProblem(f"unknown PDF variant '{name}' (expected one of: {', '.join(PDF_VARIANTS)})")
