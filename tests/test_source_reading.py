"""Reading the source safely: a file swapped for a link, the logo's cost, the figures' budget,
names and dates at the edges.

- Each source file is opened once and the open file is checked: a section, a figure file, a
  CSV or the logo swapped for a link to a file outside the project at the very moment deckgen
  opens it (or just after it checked the name) is refused with a located message, and nothing
  of the outside file reaches a message or an output. The PDF draws the logo from the bytes the
  loader read, never from the file again.
- A logo's decoding cost is bounded from its structure (JPEG scans, PNG chunks and decoded
  size) before it is decoded once; its EXIF orientation is applied.
- The figures together have a budget of data points, categories and file bytes; the figure
  that passes it is named.
- Ids, names in paths and the brief's date are bounded with located messages, never a
  "File name too long" from the system.
"""

from __future__ import annotations

import io
import os
import struct
import textwrap
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from conftest import MINIMAL
from deckgen.cli import main
from deckgen.errors import SourceError
from deckgen.load import files as source_files
from deckgen.load import sandbox
from deckgen.load.loader import load_project
from helpers import CSV_FIGURE

SECRET = "OUTSIDE-SECRET-7f3a"
BRIEF = "source/brief.yaml"
SECTION = "source/sections/one.md"
FIGURE = "source/figures/chart.yaml"
LOGO_LINE = "source/brief.yaml:11:7: logo: "

# ---- helpers ---------------------------------------------------------------------------------

def write_project(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """The minimal project under ``root``, with ``changes`` ({path: text, bytes or None}) laid over."""
    files: dict = {name: textwrap.dedent(text).lstrip("\n") for name, text in MINIMAL.items()}
    files.update(changes or {})
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.unlink(missing_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def with_logo(name: str, data: bytes) -> dict:
    brief = textwrap.dedent(MINIMAL[BRIEF]).lstrip("\n") + f"logo: {name}\n"
    return {BRIEF: brief, f"source/{name}": data}


def run(root: Path, capsys, command: str = "check", seconds: float = 20) -> tuple[int, str]:
    started = time.perf_counter()
    code = main([command, str(root)])
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"{command} took {elapsed:.1f} s"
    captured = capsys.readouterr()
    output = captured.err + captured.out
    assert "Traceback" not in output
    return code, output


def image_bytes(size=(300, 100), colour="#B5452B", fmt="PNG", **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A PNG declaring ``width`` x ``height`` pixels of ``depth`` bits (the pixels are not there)."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b""))
            + png_chunk(b"IEND", b""))


def jpeg_scans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each scan (its SOS header and entropy-coded data) in a JPEG."""
    scans, position = [], 2
    while position < len(data):
        while data[position] == 0xFF:
            position += 1
        marker = data[position]
        if marker == 0xD9:
            break
        start = position - 1
        position += 1 + int.from_bytes(data[position + 1:position + 3], "big")
        if marker == 0xDA:
            while not (data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8))):
                position += 1
            scans.append((start, position))
    return scans


def with_last_scan_repeated(data: bytes, times: int) -> bytes:
    start, end = jpeg_scans(data)[-1]
    return data[:end] + data[start:end] * times + data[end:]


def exif_orientation(value: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif


# ---- a file swapped for a link while deckgen reads it ----------------------------------------

OUTSIDE = {
    "section": (SECTION, f"---\ntitle: {SECRET}\nkey_points:\n  - {SECRET}\n---\n{SECRET}\n\n![](fig:chart)\n"),
    "figure": (FIGURE, (f"kind: column\ntitle: {SECRET}\nalt: {SECRET}\nsource: {SECRET}\n"
                       f"data:\n  categories: [{SECRET}]\n  series:\n    - values: [1]\n")),
    "csv": ("source/data/x.csv", f"c,v\n{SECRET},1\n"),
    "logo": ("source/logo.png", image_bytes(colour="#0000FF")),
}
REFUSED = {
    "section": "source/sections/one.md: 'source/sections/one.md' leads outside the source folder "
               "(a file under source/, not a link out of it)",
    "figure": "source/figures/chart.yaml: 'source/figures/chart.yaml' leads outside the source folder "
              "(a file under source/, not a link out of it)",
    "csv": "source/figures/chart.yaml:6:8: data.csv: 'data/x.csv' leads outside the source folder "
           "through a symbolic link (a relative path under source/, such as data/name.csv)",
    "logo": LOGO_LINE + "'logo.png' leads outside the source folder through a symbolic link "
                        "(a relative path under source/, such as images/logo.png)",
}


def project_for(kind: str, root: Path) -> Path:
    changes = {}
    if kind == "csv":
        changes = {FIGURE: CSV_FIGURE.format(csv="data/x.csv"), "source/data/x.csv": "c,v\na,1\nb,2\n"}
    elif kind == "logo":
        changes = with_logo("logo.png", image_bytes())
    return write_project(root, changes)


class Swap:
    """Replaces ``target`` by a symbolic link to ``outside`` the first time ``trigger`` sees it:
    "open" swaps just before the file is opened by name, "checked" just after its name was
    resolved (the moment a check-then-open reader is between the two)."""

    def __init__(self, monkeypatch, target: Path, outside: Path, trigger: str):
        self.target, self.outside, self.done = os.path.abspath(target), outside, False
        if trigger == "open":
            real_open = os.open

            def racing_open(path, flags, *args, **kwargs):
                self.maybe(path)
                return real_open(path, flags, *args, **kwargs)

            monkeypatch.setattr(os, "open", racing_open)
        else:
            real_resolve, real_realpath = Path.resolve, os.path.realpath

            def racing_resolve(path, *args, **kwargs):
                result = real_resolve(path, *args, **kwargs)
                self.maybe(path)
                return result

            def racing_realpath(path, *args, **kwargs):
                result = real_realpath(path, *args, **kwargs)
                self.maybe(path)
                return result

            monkeypatch.setattr(Path, "resolve", racing_resolve)
            monkeypatch.setattr(os.path, "realpath", racing_realpath)

    def maybe(self, path) -> None:
        if not self.done and isinstance(path, (str, Path)) and os.path.abspath(path) == self.target:
            self.done = True
            os.unlink(self.target)
            os.symlink(self.outside, self.target)


@pytest.mark.parametrize("trigger", ["open", "checked"])
@pytest.mark.parametrize("kind", ["section", "figure", "csv", "logo"])
def test_a_file_swapped_for_a_link_out_is_never_read(kind, trigger, tmp_path, monkeypatch, capsys):
    root = project_for(kind, tmp_path / "project")
    name, content = OUTSIDE[kind]
    outside = tmp_path / ("outside" + Path(name).suffix)
    outside.write_bytes(content if isinstance(content, bytes) else content.encode())
    swap = Swap(monkeypatch, root / name, outside, trigger)
    code, output = run(root, capsys)
    assert SECRET not in output
    if trigger == "open":
        assert swap.done
    if swap.done:
        assert REFUSED[kind] in output, output
        assert code == 1
    else:
        assert code == 0, output


@pytest.mark.parametrize("proc", ["with /proc", "without /proc"])
def test_links_inside_the_source_are_read_and_links_out_refused(proc, tmp_path, monkeypatch, capsys):
    """Where the system has no record of an open file's path (no /proc), the open file is
    compared with the file its resolved name leads to."""

    if proc == "without /proc":
        real_readlink = os.readlink

        def no_proc(path, *args, **kwargs):
            if str(path).startswith("/proc/self/fd/"):
                raise FileNotFoundError(path)
            return real_readlink(path, *args, **kwargs)

        monkeypatch.setattr(os, "readlink", no_proc)
    root = project_for("section", tmp_path / "project")
    (root / "source/drafts").mkdir()
    (root / SECTION).rename(root / "source/drafts/one.md")
    (root / SECTION).symlink_to(root / "source/drafts/one.md")
    assert run(root, capsys)[0] == 0
    outside = tmp_path / "outside.md"
    outside.write_text(OUTSIDE["section"][1])
    Swap(monkeypatch, root / SECTION, outside, "open")
    code, output = run(root, capsys)
    assert REFUSED["section"] in output, output
    assert SECRET not in output
    assert code == 1
    with pytest.raises(sandbox.Unreadable) as refused:
        sandbox.read_inside(root / "source", root / SECTION, 1000)
    assert refused.value.reason == sandbox.Unreadable.OUTSIDE


def test_the_pdf_draws_the_logo_the_loader_read_not_the_file_now(tmp_path, monkeypatch, capsys):
    """The logo is swapped for a link out right after the loader read it: the build goes on
    with the bytes it read, and the PDF shows that (red) logo, not the outside (blue) one."""
    import pdfplumber

    root = project_for("logo", tmp_path / "project")
    outside = tmp_path / "outside.png"
    outside.write_bytes(OUTSIDE["logo"][1])
    target = os.path.abspath(root / "source/logo.png")
    real_read = source_files.read_inside

    def read_then_swap(folder, path, limit):  # in whichever process loads the source
        data = real_read(folder, path, limit)
        if os.path.abspath(path) == target and not os.path.islink(target):
            os.unlink(target)
            os.symlink(outside, target)
        return data

    monkeypatch.setattr(source_files, "read_inside", read_then_swap)
    code, output = run(root, capsys, "build", seconds=60)
    assert code == 0, output
    assert os.path.islink(target)  # swapped
    with pdfplumber.open(next((root / "build").glob("*.pdf"))) as pdf:
        images = pdf.pages[0].images
        assert len(images) == 1
        stream = images[0]["stream"]
        pixels = Image.frombytes("RGB", (stream["Width"], stream["Height"]), stream.get_data())
    assert pixels.getpixel((0, 0)) == (0xB5, 0x45, 0x2B)


def test_a_message_never_quotes_a_file_swapped_for_a_link_out(tmp_path, monkeypatch):
    """The line a message quotes is read safely too: the section is swapped for a link out
    just after its name is checked a second time (once to read it, once to quote it)."""
    section = textwrap.dedent(MINIMAL[SECTION]).lstrip("\n").replace("title:", "titel:")
    root = write_project(tmp_path / "project", {SECTION: section})
    outside = tmp_path / "outside.md"
    outside.write_text(f"{SECRET}\n" * 5)
    target, real_resolve, checks = root / SECTION, Path.resolve, []

    def resolve_then_swap(path, *args, **kwargs):
        result = real_resolve(path, *args, **kwargs)
        if path == target:
            checks.append(path)
            if len(checks) == 2:
                os.unlink(target)
                os.symlink(outside, target)
        return result

    monkeypatch.setattr(Path, "resolve", resolve_then_swap)
    with pytest.raises(SourceError) as raised:
        load_project(root)
    report = str(raised.value)
    assert ("source/sections/one.md:2:8: titel: unknown key (did you mean 'title'?)\n"
            "    titel: The only section") in report, report
    assert SECRET not in report


# ---- the logo's decoding cost ------------------------------------------------------------------

def test_a_jpeg_of_58000_repeated_scans_is_refused_at_once(tmp_path, capsys):
    """1.98 MB, 4096 x 4096, EXIF orientation 6, its last scan repeated: within every size limit,
    but decoding it would take a quarter of an hour."""
    base = image_bytes((4096, 4096), fmt="JPEG", progressive=True, quality=80,
                       exif=exif_orientation(6))
    scan = jpeg_scans(base)[-1]
    times = (1_980_000 - len(base)) // (scan[1] - scan[0])
    data = with_last_scan_repeated(base, times)
    assert 1_900_000 < len(data) <= 2_000_000 and times > 50_000
    root = write_project(tmp_path, with_logo("logo.jpg", data))
    code, output = run(root, capsys, seconds=5)
    scans = len(jpeg_scans(base)) + times
    assert (LOGO_LINE + f"'logo.jpg' is a JPEG of {scans:,} scans "
            "(at most 100: save it again as a baseline JPEG)") in output, output
    assert code == 1


def test_a_small_jpeg_of_many_scans_is_refused(tmp_path, capsys):
    data = with_last_scan_repeated(image_bytes((64, 64), fmt="JPEG", progressive=True), 5_000)
    root = write_project(tmp_path, with_logo("logo.jpg", data))
    code, output = run(root, capsys, seconds=5)
    assert LOGO_LINE + "'logo.jpg' is a JPEG of 5,010 scans (at most 100" in output, output
    assert code == 1


def test_a_large_jpeg_of_fewer_scans_is_refused_by_its_pixels_times_scans(tmp_path, capsys):
    base = image_bytes((4096, 4096), fmt="JPEG", progressive=True)
    data = with_last_scan_repeated(base, 50)
    root = write_project(tmp_path, with_logo("logo.jpg", data))
    code, output = run(root, capsys, seconds=5)
    assert (LOGO_LINE + "'logo.jpg' is a JPEG of 60 scans over 4,096 x 4,096 pixels (at most "
            "671,088,640 pixels in all scans: save it again as a baseline JPEG or with fewer "
            "pixels)") in output, output
    assert code == 1


def test_a_jpeg_of_many_segments_is_refused(tmp_path, capsys):
    comment = b"\xff\xfe\x00\x04ok"  # a COM segment of two bytes
    data = image_bytes((64, 64), fmt="JPEG")
    root = write_project(tmp_path, with_logo("logo.jpg", data[:2] + comment * 300_000 + data[2:]))
    code, output = run(root, capsys, seconds=5)
    assert (LOGO_LINE + "'logo.jpg' is a JPEG of more than 1,000 segments (save it again from an "
            "image editor)") in output, output
    assert code == 1


def test_a_png_of_16_bit_colour_at_the_largest_size_is_refused(tmp_path, capsys):
    root = write_project(tmp_path, with_logo("logo.png", png_header_only(4096, 4096, depth=16, colour=6)))
    code, output = run(root, capsys, seconds=5)
    assert (LOGO_LINE + "'logo.png' would take 134,217,728 bytes once decoded (16-bit colour) "
            "(at most 67,108,864: save it with 8-bit colour or fewer pixels)") in output, output
    assert code == 1


def test_a_png_of_many_chunks_is_refused(tmp_path, capsys):
    pixels = zlib.compress(b"\x00" + b"\xb5\x45\x2b" * 10)
    chunks = b"".join(png_chunk(b"IDAT", pixels[i:i + 1]) for i in range(len(pixels)))
    text = png_chunk(b"tEXt", b"Comment\x00x") * 20_000
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 10, 1, 8, 2, 0, 0, 0))
    data = b"\x89PNG\r\n\x1a\n" + header + text + chunks + png_chunk(b"IEND", b"")
    root = write_project(tmp_path, with_logo("logo.png", data))
    code, output = run(root, capsys, seconds=5)
    assert (LOGO_LINE + f"'logo.png' is a PNG of {20_000 + len(pixels) + 2:,} chunks "
            "(at most 5,000: save it again from an image editor)") in output, output
    assert code == 1


def test_a_damaged_logo_is_found_when_it_is_decoded(tmp_path, capsys):
    out = io.BytesIO()
    Image.frombytes("RGB", (400, 300), bytes(range(256)) * 1407).save(out, "PNG")
    data = out.getvalue()  # its IDAT cut in half, then IEND
    root = write_project(tmp_path, with_logo("logo.png", data[:len(data) // 2] + data[-12:]))
    code, output = run(root, capsys, seconds=5)
    assert (LOGO_LINE + "'logo.png' is not a PNG or JPEG image that can be read (damaged or cut "
            "short) (save it again from an image editor)") in output, output
    assert code == 1


def test_the_exif_orientation_is_applied_once_for_every_renderer(tmp_path, capsys):
    """A 200 x 100 JPEG marked "rotate 90°": the model holds it upright, 100 x 200, with no EXIF
    left, and the PDF embeds that upright picture."""
    import pdfplumber

    data = image_bytes((200, 100), fmt="JPEG", exif=exif_orientation(6))
    root = write_project(tmp_path, with_logo("logo.jpg", data))
    logo = load_project(root).meta.logo
    assert (logo.width, logo.height, logo.media_type) == (100, 200, "image/jpeg")
    with Image.open(io.BytesIO(logo.data)) as upright:
        assert upright.size == (100, 200)
        assert upright.getexif().get(0x0112) is None
    code, output = run(root, capsys, "build", seconds=60)
    assert code == 0, output
    with pdfplumber.open(next((root / "build").glob("*.pdf"))) as pdf:
        (image,) = pdf.pages[0].images
    assert tuple(image["srcsize"]) == (100, 200)
    assert image["height"] > image["width"]


def test_a_large_progressive_logo_within_the_limits_is_decoded_once_and_brought_down(tmp_path):
    data = image_bytes((4096, 2048), fmt="JPEG", progressive=True)
    root = write_project(tmp_path, with_logo("logo.jpg", data))
    started = time.perf_counter()
    logo = load_project(root).meta.logo
    assert time.perf_counter() - started < 5
    assert (logo.width, logo.height) == (1600, 800)
    assert logo.file == "source/logo.jpg"


# ---- the figures' budget -------------------------------------------------------------------------

def many_figures(root: Path, count: int, categories: int, series: int) -> Path:
    """``count`` CSV figures of ``categories`` x ``series``, all placed in the one section."""
    changes: dict = {}
    columns = [f"s{j}" for j in range(series)]
    for i in range(count):
        rows = "".join(f"c{k}," + ",".join(str(k + j) for j in range(series)) + "\n"
                       for k in range(categories))
        changes[f"source/data/f{i}.csv"] = "c," + ",".join(columns) + "\n" + rows
        changes[f"source/figures/f{i}.yaml"] = (
            CSV_FIGURE.format(csv=f"data/f{i}.csv").replace("    - column: v\n", "")
            + "".join(f"    - column: {c}\n" for c in columns))
    places = "\n\n".join(f"![](fig:f{i})" for i in range(count))
    changes[SECTION] = (f"---\ntitle: One\nkey_points:\n  - A point.\n---\nText [@doe2020].\n\n"
                        f"{places}\n")
    changes[FIGURE] = None
    return write_project(root, changes)


def test_figures_passing_the_data_point_budget_name_the_figure(tmp_path, capsys):
    """100 figures of 500 categories x 12 series, each within its own limits; 20 figures of
    500 x 2 are at the budget and pass."""
    at_budget = many_figures(tmp_path / "at-budget", 20, 500, 2)
    assert run(at_budget, capsys)[0] == 0
    root = many_figures(tmp_path / "over", 100, 500, 12)
    code, output = run(root, capsys, seconds=30)
    assert ("source/figures/f3.yaml:1:1: the figures together have too many data points: the "
            "limit is passed in figure 'f3' (at most 20,000 data points in all figures, 24,000 so "
            "far: fewer or smaller figures)") in output, output
    assert output.count("too many data points") == 1
    assert code == 1


def test_figures_passing_the_labelled_value_budget_name_the_figure(tmp_path, capsys):
    """Column charts of 40 categories label each value: five of 12 series pass the budget;
    five of 41 categories label none and pass."""
    assert run(many_figures(tmp_path / "unlabelled", 5, 41, 12), capsys)[0] == 0
    root = many_figures(tmp_path / "labelled", 5, 40, 12)
    code, output = run(root, capsys)
    assert ("source/figures/f4.yaml:1:1: the figures together have too many labelled values: the "
            "limit is passed in figure 'f4' (at most 2,000 labelled values in all figures, 2,400 so "
            "far: a pie, a timeline, and a bar or column chart of up to 40 categories label each "
            "value; fewer or smaller figures)") in output, output
    assert "too many data points" not in output
    assert code == 1


def test_figure_files_passing_the_byte_budget_stop_being_read(tmp_path, capsys):
    filler = "# " + "x" * 98 + "\n"
    changes = {f"source/figures/f{i}.yaml": textwrap.dedent(MINIMAL[FIGURE]).lstrip("\n")
               + filler * 1_900 for i in range(10)}
    root = write_project(tmp_path, changes)
    code, output = run(root, capsys)
    assert ("source/figures/f3.yaml: the figure files together are too large: the limit is "
            "passed in this file (at most 600,000 bytes in all figure files; put large data in "
            "CSV files)") in output, output
    assert code == 1


# ---- names and dates at the edges ------------------------------------------------------------------

def brief_with(old: str, new: str) -> dict:
    text = textwrap.dedent(MINIMAL[BRIEF]).lstrip("\n")
    assert old in text
    return {BRIEF: text.replace(old, new)}


def test_a_300_character_section_id_is_a_located_error(tmp_path, capsys):
    root = write_project(tmp_path, brief_with("sections: [one]", "sections: [" + "s" * 300 + "]"))
    code, output = run(root, capsys)
    assert "source/brief.yaml:5:12: sections.0: text is too long (300 characters) (at most 80)" in output
    assert "File name too long" not in output
    assert code == 1


def test_a_280_character_csv_name_is_a_located_error(tmp_path, capsys):
    root = write_project(tmp_path, {FIGURE: CSV_FIGURE.format(csv="d" * 276 + ".csv")})
    code, output = run(root, capsys)
    assert "source/figures/chart.yaml:6:8: data.csv: text is too long (280 characters) (at most 200)" in output
    assert "File name too long" not in output
    assert code == 1


def test_an_overlong_folder_name_in_a_csv_path_is_a_located_error(tmp_path, capsys):
    root = write_project(tmp_path, {FIGURE: CSV_FIGURE.format(csv="d" * 150 + "/x.csv")})
    code, output = run(root, capsys)
    assert ("source/figures/chart.yaml:6:8: data.csv: the name 'ddddddddddddddddddddddddddddddddddddd...' "
            "is too long (150 characters) (at most 100 characters for each file or folder name)") in output
    assert code == 1


def test_a_logo_name_too_long_in_bytes_is_a_located_error(tmp_path, capsys):
    name = "ロゴ" * 45 + ".png"  # 94 characters, 274 bytes in UTF-8
    root = write_project(tmp_path, brief_with("sections: [one]", f"sections: [one]\nlogo: {name}"))
    code, output = run(root, capsys)
    assert "source/brief.yaml:6:7: logo: the name 'ロゴロゴ" in output, output
    assert "is too long (274 bytes in UTF-8) (at most 100 characters for each file" in output
    assert "File name too long" not in output
    assert code == 1


def test_an_overlong_figure_file_name_is_a_located_error(tmp_path, capsys):
    name = "f" * 200
    root = write_project(tmp_path, {f"source/figures/{name}.yaml": textwrap.dedent(MINIMAL[FIGURE])})
    code, output = run(root, capsys)
    assert (f"source/figures/{name}.yaml: figure file name '{'f' * 37}...' is too long "
            "(200 characters) (at most 80 characters before .yaml)") in output, output
    assert code == 1


@pytest.mark.parametrize(("date", "nearest"), [("0202-11-26", ""), ("1979-12-31", "1980-01-01"),
                                             ("2108-01-01", "2107-12-31")])
def test_a_date_no_output_can_hold_is_a_located_error(date, nearest, tmp_path, capsys):
    """Out of range, a located error; the nearest date in range reaches the PDF and the deck
    (the deck's zip entries carry the brief's date)."""
    root = write_project(tmp_path / "out", brief_with("date: 2026-01-15", f"date: {date}"))
    code, output = run(root, capsys)
    assert (f"source/brief.yaml:2:7: date: {date} is outside the years 1980 to 2107 (the deck is "
            "a zip file, whose entry times hold only those years)") in output, output
    assert code == 1
    if nearest:
        root = write_project(tmp_path / "in", brief_with("date: 2026-01-15", f"date: {nearest}"))
        assert load_project(root).meta.date.isoformat() == nearest
    if nearest.startswith("2107"):
        check_dates_in_outputs(root, nearest, capsys)


def check_dates_in_outputs(root: Path, date: str, capsys) -> None:
    import zipfile

    from pypdf import PdfReader

    code, output = run(root, capsys, "build", seconds=60)
    assert code == 0, output
    reader = PdfReader(next((root / "build").glob("*.pdf")))
    assert reader.metadata["/CreationDate"].startswith("D:" + date.replace("-", ""))
    with zipfile.ZipFile(next((root / "build").glob("*.pptx"))) as deck:
        year, month, day = map(int, date.split("-"))
        assert {info.date_time[:3] for info in deck.infolist()} == {(year, month, day)}
        core = deck.read("docProps/core.xml").decode()
    assert f"{date}T12:00:00Z" in core
