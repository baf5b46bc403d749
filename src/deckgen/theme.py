"""The theme (colours, fonts, sizes) read once from ``templates/theme.yaml``, as data.

Each renderer converts it itself (CSS variables in :mod:`deckgen.pdf.document`, matplotlib rc
parameters in :mod:`deckgen.figures.drawing`, plain values for the deck), so no renderer
hard-codes a colour or a font, and the theme holds no renderer's code.

The file is checked against :data:`SCHEMA` before any of it is used: every group must be a
mapping, every key known (a misspelt one is named, with the closest known key) and every value
of its type (``#RRGGBB`` colours, font family names, sizes in points, the deck's options). Every
problem is reported at once, each at its file and line with the offending line, as an
:class:`~deckgen.errors.EnvironmentProblem` (exit code 2): the theme belongs to the templates,
not to the untrusted source. Colours beyond the required ones are allowed; they become CSS
variables (``--name``) a project's stylesheet may use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .deck.geometry import TITLE_FLOOR
from .deck.slides import SLIDE_KINDS
from .errors import EnvironmentProblem, Loc, Problem, did_you_mean
from .load.yamlsrc import YamlProblem, load_yaml
from .text import printable


@dataclass(frozen=True)
class Theme:
    """The checked contents of a theme file: colours, fonts and sizes by name, deck options."""

    colours: dict
    fonts: dict
    sizes: dict
    path: Path
    # deck options: section_dividers, layouts, master, colours (which colours a reference
    # template's slides take: its own scheme by default; see deckgen.deck.look.Look)
    deck: dict = field(default_factory=dict)

    def colour(self, name: str) -> str:
        return self.colours[name]

    def font_stacks(self, language: str) -> dict[str, list[str]]:
        """The families text in ``language`` is set in, per role ("serif", "sans"): the script's
        own first (Noto Naskh Arabic for Arabic; the CJK family in the brief's region for
        Chinese, Japanese and Korean), see :func:`deckgen.i18n.scripts.font_stacks`."""
        from .i18n.scripts import font_stacks

        return font_stacks(self.fonts, language)

    @property
    def series_colours(self) -> list[str]:
        return list(self.colours["series"])


DIVIDER_CHOICES = ("auto", "always", "never")
DIVIDER_ALIASES = {"true": "always", "yes": "always", "false": "never", "no": "never"}
MIN_SIZE, MAX_SIZE = 6, 96   # points
MAX_SERIES_COLOURS = 64
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_FONT_NAME = re.compile(r"^[\w .,+-]{1,64}$")
_COLOUR_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")  # becomes a CSS variable, --name

Check = Callable[[object], str]  # what a value should be when it is not, else ""


def _colour(value) -> str:
    return "" if isinstance(value, str) and _COLOUR.match(value) else "a #RRGGBB colour"


def _series(value) -> str:
    if isinstance(value, list) and 0 < len(value) <= MAX_SERIES_COLOURS:
        return ""  # each colour is checked on its own line
    return f"a list of 1 to {MAX_SERIES_COLOURS} #RRGGBB colours"


def _font(value) -> str:
    return "" if isinstance(value, str) and _FONT_NAME.match(value) else "a font family name"


def _size(value, least: float = MIN_SIZE, why: str = "") -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and least <= value <= MAX_SIZE:
        return ""
    return f"a size in points, {least:g} to {MAX_SIZE}{why}"


def _title_size(value) -> str:
    """A slide title's size: long titles shrink to TITLE_FLOOR, so it may not start below it."""
    return _size(value, TITLE_FLOOR, f": long titles shrink to {TITLE_FLOOR:g} pt, never below")


def _dividers(value) -> str:
    if isinstance(value, bool) or str(value).lower() in (*DIVIDER_CHOICES, *DIVIDER_ALIASES):
        return ""
    return f"one of {', '.join(DIVIDER_CHOICES)}"


def _layouts(value) -> str:
    return "" if isinstance(value, dict) else "a mapping of slide kinds to layout names"


def _layout_name(value) -> str:
    return "" if isinstance(value, str) and value.strip() else "a layout name"


DENSITY_RANGES = {"max_bullets": (1, 12), "max_words": (10, 200)}  # deck.max_bullets, max_words


def _whole(value, least: int, most: int) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and least <= value <= most
    return "" if ok else f"a whole number from {least} to {most}"


def _max_bullets(value) -> str:
    return _whole(value, *DENSITY_RANGES["max_bullets"])


def _max_words(value) -> str:
    return _whole(value, *DENSITY_RANGES["max_words"])


REVEAL_CHOICES = ("none", "bullets")  # deck.reveal: bullets shown at once, or one by one


def _reveal(value) -> str:
    return "" if value in REVEAL_CHOICES else f"one of {', '.join(REVEAL_CHOICES)}"


MASTER_ROLES = ("cover", "content")  # deck.master may name one master, or one for each role


def _master(value) -> str:
    """A slide master's name or number (from 1), or a mapping of cover/content to one."""
    expected = "a slide master's name or number, or a mapping of cover and content to one"
    if isinstance(value, dict):
        ok = value and all(k in MASTER_ROLES and _master_ref(v) for k, v in value.items())
        return "" if ok else expected
    return "" if _master_ref(value) else expected


DECK_COLOUR_KEYS = ("series", "text", "axes", "gridlines")  # deck.colours: what it may set


def _deck_colours(value) -> str:
    """``template`` (a reference template's colour scheme, the default), ``theme`` (the colours
    group above), or a mapping setting some of series, text, axes, gridlines (the rest the
    template's)."""
    expected = ("template, theme, or a mapping of " + ", ".join(DECK_COLOUR_KEYS)
                + " to #RRGGBB colours (series: a list)")
    if value in ("template", "theme"):
        return ""
    if isinstance(value, dict) and value and all(k in DECK_COLOUR_KEYS for k in value):
        ok = all((_series(v) == "" and all(_colour(c) == "" for c in v)) if k == "series"
                 else _colour(v) == "" for k, v in value.items())
        return "" if ok else expected
    return expected


def _master_ref(value) -> bool:
    if isinstance(value, bool):
        return False
    return (isinstance(value, int) and value >= 1) or (isinstance(value, str) and bool(value.strip()))


@dataclass(frozen=True)
class Group:
    """One group of the theme: its keys and what each holds."""

    keys: dict[str, Check]
    optional: tuple[str, ...] = ()       # keys that may be left out
    required: bool = True                # the group itself must be there
    extra: Check | None = None           # other keys are allowed and must pass this
    extra_name: re.Pattern | None = None  # ... and be named like this


SCHEMA: dict[str, Group] = {
    "colours": Group({**{name: _colour for name in
                         ("primary", "accent", "text", "muted", "light", "background")},
                      "series": _series},
                     extra=_colour, extra_name=_COLOUR_NAME),
    "fonts": Group({name: _font for name in
                    ("serif", "sans", "cjk_serif", "cjk_sans", "arabic_serif", "arabic_sans", "deck",
                     "deck_metrics", "deck_cjk")}, optional=("arabic_serif", "arabic_sans")),
    "sizes": Group({"deck_title": _title_size, "deck_body": _size, "deck_min_body": _size}),
    "deck": Group({"section_dividers": _dividers, "layouts": _layouts, "master": _master,
                   "colours": _deck_colours, "max_bullets": _max_bullets, "max_words": _max_words,
                   "reveal": _reveal},
                  optional=("section_dividers", "layouts", "master", "colours", "max_bullets",
                            "max_words", "reveal"), required=False),
}


class ThemeError(EnvironmentProblem):
    """The theme is broken: every problem found in it, each at its file and line (exit code 2).

    ``problems`` lets a check that also finds the source in error report both at once."""

    def __init__(self, problems: list[Problem], text: str = ""):
        self.problems = problems
        lines = [p.format() + _excerpt(text, p.loc) for p in problems]
        noun = "error" if len(problems) == 1 else "errors"
        lines.append(f"{len(problems)} {noun} in the theme; nothing was written.")
        super().__init__("\n".join(lines))


def load_theme(path: Path, root: Path | None = None) -> Theme:
    """Read and check a theme file; raise :class:`ThemeError` naming every problem in it.

    Its problems name the file by its path under ``root`` (the project), as the source's do."""
    name = _shown_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError([Problem(Loc(name), f"cannot read the theme: {exc}")]) from None
    try:
        doc = load_yaml(text, name)
    except YamlProblem as exc:
        raise ThemeError([Problem(exc.loc, exc.message, expected=exc.expected)], text) from None
    found = [Problem(p.loc, p.message, expected=p.expected) for p in doc.duplicates]
    found += [Problem(loc, message) for loc, message in _ThemeCheck(doc).problems()]
    if found:
        raise ThemeError(sorted(found, key=lambda p: (p.loc.line, p.loc.col)), text)
    data = doc.data
    deck = dict(data.get("deck") or {})
    if "section_dividers" in deck:
        deck["section_dividers"] = _divider_choice(deck["section_dividers"])
    fonts = {**SCRIPT_FONT_DEFAULTS, **data["fonts"]}
    return Theme(data["colours"], fonts, data["sizes"], path, deck)


# The fonts of a script a theme may leave out (themes written before deckgen set Arabic).
SCRIPT_FONT_DEFAULTS = {"arabic_serif": "Noto Naskh Arabic", "arabic_sans": "Noto Sans Arabic"}


def _shown_path(path: Path, root: Path | None) -> str:
    """``templates/theme.yaml`` for a project's theme; deckgen's own by its full path."""
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def _divider_choice(value) -> str:
    """``auto``, ``always`` or ``never``; YAML's true and false (and yes, no) as always, never."""
    word = str(value).lower()
    return DIVIDER_ALIASES.get(word, word)


def _excerpt(text: str, loc: Loc) -> str:
    lines = text.split("\n")
    if 0 < loc.line <= len(lines) and lines[loc.line - 1].strip():
        return "\n    " + printable(lines[loc.line - 1].rstrip()[:200])
    return ""


def _shown(value) -> str:
    """A value as a message shows it: text and numbers as written, containers by their kind."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty" if value is None else repr(value)


class _ThemeCheck:
    """Checks a parsed theme against :data:`SCHEMA`, collecting (location, message) pairs."""

    def __init__(self, doc):
        self.doc = doc
        self.found: list[tuple[Loc, str]] = []

    def problems(self) -> list[tuple[Loc, str]]:
        data = self.doc.data
        if not isinstance(data, dict):
            self.add((), f"theme is {_shown(data)} (expected a mapping with the groups "
                         f"{', '.join(SCHEMA)})")
            return self.found
        for name in data:
            if name not in SCHEMA:
                self.unknown((name,), "group", SCHEMA)
        for name, group in SCHEMA.items():
            if name in data:
                self.group(name, group, data[name])
            elif group.required:
                self.add((), f"theme lacks the group {name} (expected keys: {', '.join(group.keys)})")
        self.cross_checks(data)
        return sorted(self.found, key=lambda found: (found[0].line, found[0].col))

    def group(self, name: str, group: Group, values) -> None:
        if not isinstance(values, dict):
            self.add((name,), f"theme {name} is {_shown(values)} (expected a mapping with the keys "
                              f"{', '.join(group.keys)})")
            return
        missing = [key for key in group.keys if key not in values and key not in group.optional]
        if missing:
            strays = [key for key in values if key not in group.keys]
            hint = did_you_mean(missing[0], strays) if len(missing) == 1 else ""
            self.add((name,), f"theme {name} lacks {', '.join(missing)}" + (f" ({hint})" if hint else ""))
        for key, value in values.items():
            check = group.keys.get(key) or self.extra_check(name, group, key)
            if check is not None:
                self.value((name, key), check, value)
        if name == "colours" and isinstance(values.get("series"), list):
            for index, colour in enumerate(values["series"]):
                self.value((name, "series", index), _colour, colour)
        if name == "deck" and isinstance(values.get("layouts"), dict):
            self.layouts(values["layouts"])

    def extra_check(self, name: str, group: Group, key: str) -> Check | None:
        """The check for a key the group does not list: its ``extra`` check, or None after
        reporting the key as unknown."""
        if group.extra is not None and group.extra_name.match(key):
            return group.extra
        self.unknown((name, key), "key", group.keys)
        return None

    def layouts(self, layouts: dict) -> None:
        for kind, layout in layouts.items():
            if kind in SLIDE_KINDS:
                self.value(("deck", "layouts", kind), _layout_name, layout)
            else:
                self.unknown(("deck", "layouts", kind), "slide kind", SLIDE_KINDS)

    def cross_checks(self, data: dict) -> None:
        sizes = data.get("sizes")
        if not isinstance(sizes, dict) or any(_size(sizes.get(k)) for k in ("deck_body", "deck_min_body")):
            return  # the sizes themselves are in error, and said so
        if sizes["deck_min_body"] > sizes["deck_body"]:  # body text would start at deck_min_body
            self.add(("sizes", "deck_body"),
                     f"theme sizes.deck_body is {sizes['deck_body']!r}, below sizes.deck_min_body "
                     f"({sizes['deck_min_body']!r}), the smallest body text the deck sets (expected "
                     f"deck_body of {sizes['deck_min_body']!r} or more, or a smaller deck_min_body)")

    def value(self, path: tuple, check: Check, value) -> None:
        expected = check(value)
        if expected:
            self.add(path, f"theme {_dotted(path)} is {_shown(value)} (expected {expected})")

    def unknown(self, path: tuple, what: str, known) -> None:
        hint = did_you_mean(str(path[-1]), known)
        detail = " ".join(x for x in (hint, f"expected: {', '.join(known)}") if x)
        where = f" in {_dotted(path[:-1])}" if len(path) > 1 else ""
        self.add(path, f"theme has an unknown {what} {str(path[-1])!r}{where} ({detail})")

    def add(self, path: tuple, message: str) -> None:
        self.found.append((self.doc.loc(path), message))


def _dotted(path: tuple) -> str:
    """``("colours", "series", 2)`` as ``colours.series[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
