"""The baseline's figure step: a plain matplotlib script, as an author would write it.

Draws the example's charts (the tourism column chart from its CSV, the timeline from its YAML)
as PNG (for pandoc's PPTX) and SVG (for pandoc's PDF through WeasyPrint); a picture figure
(`kind: image`) is the author's own file, copied, with a PNG exported once from an SVG.
Usage: python baseline_figures.py SOURCE_DIR OUT_DIR
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from ruamel.yaml import YAML


def column(spec: dict, source: Path):
    data = spec["data"]
    with open(source / data["csv"], newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    series = data["series"][0]
    fig, ax = plt.subplots(figsize=(6.5, 3.1))
    ax.bar([r[data["category"]] for r in rows], [float(r[series["column"]]) for r in rows])
    ax.set_ylabel(spec.get("units", ""))
    ax.set_title(spec["title"], fontsize=10)
    return fig


def timeline(spec: dict, source: Path):
    events = spec["data"]["events"]
    fig, ax = plt.subplots(figsize=(6.5, 2.2))
    ax.plot(range(len(events)), [0] * len(events), "o-")
    for index, event in enumerate(events):
        ax.annotate(f"{event['year']}\n{event['label']}", (index, 0), xytext=(0, -12),
                    textcoords="offset points", ha="center", va="top", fontsize=7, wrap=True)
    ax.set_ylim(-1, 0.3)
    ax.axis("off")
    return fig


def picture(spec: dict, source: Path, out: Path, stem: str) -> None:
    """The author's picture as the pipeline takes it: the file itself, and a PNG for the deck."""
    file = source / spec["file"]
    data = file.read_bytes()
    if file.suffix.lower() == ".svg":
        import resvg_py

        (out / f"{stem}.svg").write_bytes(data)
        (out / f"{stem}.png").write_bytes(bytes(resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"))))
    else:
        (out / f"{stem}.png").write_bytes(data)
        (out / f"{stem}.svg").write_bytes(data)  # pandoc's PDF takes the same picture


def main(source: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted((source / "figures").glob("*.yaml")):
        if "." in path.stem:  # a translation (x.ja.yaml): the pipeline builds one language
            continue
        spec = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        if spec["kind"] == "image":
            picture(spec, source, out, path.stem)
            continue
        fig = {"column": column, "timeline": timeline}[spec["kind"]](spec, source)
        fig.savefig(out / f"{path.stem}.png", dpi=200, bbox_inches="tight")
        fig.savefig(out / f"{path.stem}.svg", bbox_inches="tight")
        plt.close(fig)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
