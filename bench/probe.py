"""In-process floors for bench.py: WeasyPrint alone on deckgen's HTML, and the deck, both warm.

WeasyPrint is measured as a caller gets it (a new font set-up for each document) and with
one font set-up kept for every document, as deckgen's renderer does: the floor of a rebuild.

Also writes the HTML and its figures to a folder, so the WeasyPrint command line can render
the very same document as a process.

With ``--serve``, it stays warm and renders once for each line read on its standard input
(``warm``: a new font set-up, ``kept``: the one kept), printing the seconds: a floor measured
right beside each edit a bench times, so that the machine's drift between minutes does not
enter the ratio.

Usage: python probe.py PROJECT_DIR HTML_DIR   (prints one JSON line)
       python probe.py --serve PROJECT_DIR
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from deckgen.build.pipeline import validate
from deckgen.deck.plan import deck_plan, plan_slides
from deckgen.deck.writer import draw_deck
from deckgen.figures import drawing as figures
from deckgen.figures.kinds import KINDS
from deckgen.pdf import document as pdf
from deckgen.pdf.weasy import SandboxFetcher
from deckgen.project import Project


def best_of(runs: int, job) -> float:
    """Median seconds of ``job()`` after one warm-up call."""
    job()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def export(html: str, assets, stylesheet: Path, folder: Path) -> None:
    """The HTML, its stylesheet and its in-memory assets as files, linked by relative names."""
    folder.mkdir(parents=True, exist_ok=True)
    css = stylesheet.read_text(encoding="utf-8")
    for url, data in assets.items():
        name = url.split(":", 1)[1]
        (folder / name).write_bytes(data)
        html, css = html.replace(url, name), css.replace(url, name)
    (folder / "brief.css").write_text(css, encoding="utf-8")
    html = html.replace(stylesheet.as_uri(), "brief.css")
    (folder / "brief.html").write_text(html, encoding="utf-8")


def prepared(project: Project):
    """The brief, its theme, its HTML and the HTML's assets, as deckgen makes them."""
    brief, theme, _, _ = validate(project)
    svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures if f.picture is None}
    html, assets = pdf.render_html(brief, project, theme, svgs)
    return brief, theme, html, assets


def serve(root: Path) -> None:
    """One render for each line on standard input (``warm`` or ``kept``), its seconds printed."""
    project = Project.at(root)
    _, _, html, assets = prepared(project)
    fonts = FontConfiguration()
    kinds = {"warm": None, "kept": fonts}
    for kept in kinds.values():  # warmed up, both ways
        weasyprint_alone(html, project, assets, kept)
    print("ready", flush=True)
    for line in sys.stdin:
        start = time.perf_counter()
        weasyprint_alone(html, project, assets, kinds[line.strip()])
        print(json.dumps(time.perf_counter() - start), flush=True)


def main(root: Path, html_dir: Path) -> None:
    project = Project.at(root)
    brief, theme, html, assets = prepared(project)
    export(html, assets, project.template_file("brief.css"), html_dir)
    pngs = {f.id: figures.render_png(f, theme) for f in brief.figures if not KINDS[f.kind].native}
    fonts = FontConfiguration()
    floor = best_of(5, lambda: weasyprint_alone(html, project, assets))
    floor_fonts_kept = best_of(5, lambda: weasyprint_alone(html, project, assets, fonts))
    deck = best_of(3, lambda: draw_deck(deck_plan(brief, plan_slides(brief, theme)), theme, pngs))
    print(json.dumps({"floor_warm": floor, "floor_warm_fonts_kept": floor_fonts_kept,
                      "deck_warm": deck}))


def weasyprint_alone(html: str, project: Project, assets: dict[str, bytes], fonts=None) -> bytes:
    """The PDF WeasyPrint makes of deckgen's HTML, with the options deckgen gives it."""
    document = weasyprint.HTML(string=html, base_url=project.source.as_uri() + "/",
                               url_fetcher=SandboxFetcher(project.trusted_dirs, assets))
    return document.write_pdf(font_config=fonts, pdf_variant="pdf/ua-1", pdf_tags=True,
                              custom_metadata=True)


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]))
    else:
        main(Path(sys.argv[1]), Path(sys.argv[2]))
