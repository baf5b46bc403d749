"""What each feature of the brief's design costs WeasyPrint, warm, on the example.

The same HTML is rendered with the stylesheet as it is and with one feature taken out, in
alternation, and each pair's times are compared: the ratio says how much of a render the feature
takes (0.90: a tenth), whatever this machine's speed at that moment. Nothing here changes deckgen;
it tells where the time of a rebuild goes, and what dropping a feature would buy.

Usage: python bench/pdf_costs.py [--pairs N] [PROJECT_DIR]
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import time
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcherResponse

from deckgen.build.pipeline import validate
from deckgen.figures import drawing as figures
from deckgen.pdf import document as pdf
from deckgen.pdf.weasy import SandboxFetcher
from deckgen.project import Project

REPO = Path(__file__).resolve().parents[1]
PAGE_NUMBERS = "content: target-counter(attr(href url), page);"
LEADER_DOTS = "background: url(asset:leader-dot.svg) left bottom / 3pt 3pt repeat-x;"
TAGGED = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}
EMPTY_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300" '
             b'viewBox="0 0 600 300"/>')

# feature: (its description, how to take it out of (css, options, figures))
FEATURES = {
    "contents page numbers (target-counter)": lambda c, o, f: (
        c.replace(PAGE_NUMBERS, "content: none;"), o, f),
    "contents leader dots": lambda c, o, f: (c.replace(LEADER_DOTS, ""), o, f),
    "figures (drawn SVG with live text)": lambda c, o, f: (c, o, {k: EMPTY_SVG for k in f}),
    "hyphenation": lambda c, o, f: (c.replace("hyphens: auto", "hyphens: manual"), o, f),
    "footnotes at the foot of the page": lambda c, o, f: (
        c.replace("float: footnote", "display: none"), o, f),
    "justified text": lambda c, o, f: (c.replace("text-align: justify", "text-align: left"), o, f),
    "PDF/UA tags": lambda c, o, f: (c, {k: v for k, v in o.items() if k not in ("pdf_tags", "pdf_variant")}, f),
    "stream compression": lambda c, o, f: (c, {**o, "uncompressed_pdf": True}, f),
}


class _Fetcher(SandboxFetcher):
    """deckgen's sandbox, serving a given text in place of the brief's stylesheet."""

    def __init__(self, project: Project, assets, stylesheet_url: str, css: str):
        super().__init__(project.trusted_dirs, assets)
        self.stylesheet_url, self.css = stylesheet_url, css

    def fetch(self, url, headers=None):
        if url == self.stylesheet_url:
            return URLFetcherResponse(url, self.css.encode(), {"Content-Type": "text/css"})
        return super().fetch(url, headers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default=str(REPO))
    parser.add_argument("--pairs", type=int, default=6, help="pairs of renders per feature")
    args = parser.parse_args(argv)

    project = Project.at(args.project)
    brief, theme, _, _ = validate(project)
    svgs = {f.id: figures.render_svg(f, theme) for f in brief.figures if f.picture is None}
    html, document_assets = pdf.render_html(brief, project, theme, svgs)
    stylesheet_url = re.search(r'href="(file:[^"]*brief\.css)"', html).group(1)
    css = project.template_file("brief.css").read_text(encoding="utf-8")
    fonts = FontConfiguration()

    def render(css_text: str, options: dict, figure_svgs: dict) -> float:
        assets = pdf.DocumentAssets(figure_svgs, document_assets.fixed)  # the leader dot, pictures
        fetcher = _Fetcher(project, assets, stylesheet_url, css_text)
        start = time.perf_counter()
        weasyprint.HTML(string=html, base_url=project.source.as_uri() + "/",
                        url_fetcher=fetcher).write_pdf(font_config=fonts, **options)
        seconds = time.perf_counter() - start
        gc.collect()
        return seconds

    gc.disable()
    whole = lambda: render(css, TAGGED, svgs)
    whole()
    print(f"pdf_costs: the example, {args.pairs} pairs of renders per feature; "
          "share of a render = 1 - (without / with)")
    baseline = []
    for name, take_out in FEATURES.items():
        without = take_out(css, TAGGED, svgs)
        if without[0] == css and without[1] == TAGGED and without[2] is svgs:
            print(f"  {name:<40} not in this stylesheet")
            continue
        ratios = []
        for _ in range(args.pairs):
            with_it = whole()
            baseline.append(with_it)
            ratios.append(render(*without) / with_it)
        print(f"  {name:<40} {1 - statistics.median(ratios):6.0%}")
    print(f"  (a whole render: {statistics.median(baseline):.2f} s, median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
