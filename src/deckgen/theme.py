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

from .deck.slides import SLIDE_KINDS
from .errors import EnvironmentProblem, Loc, did_you_mean
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


def _size(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and MIN_SIZE <= value <= MAX_SIZE:
        return ""
    return f"a size in points, {MIN_SIZE} to {MAX_SIZE}"


def _dividers(value) -> str:
    if isinstance(value, bool) or str(value).lower() in (*DIVIDER_CHOICES, *DIVIDER_ALIASES):
        return ""
    return f"one of {', '.join(DIVIDER_CHOICES)}"


def _layouts(value) -> str:
    return "" if isinstance(value, dict) else "a mapping of slide kinds to layout names"


def _layout_name(value) -> str:
    return "" if isinstance(value, str) and value.strip() else "a layout name"


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
                    ("serif", "sans", "cjk_serif", "cjk_sans", "deck", "deck_metrics", "deck_cjk")}),
    "sizes": Group({name: _size for name in ("deck_title", "deck_body", "deck_min_body")}),
    "deck": Group({"section_dividers": _dividers, "layouts": _layouts, "master": _master,
                   "colours": _deck_colours},
                  optional=("section_dividers", "layouts", "master", "colours"), required=False),
}


def load_theme(path: Path) -> Theme:
    """Read and check a theme file; a broken theme is an environment problem (exit code 2)."""
    try:
        text = path.read_text(encoding="utf-8")
        doc = load_yaml(text, str(path))
    except (OSError, UnicodeDecodeError, YamlProblem) as exc:
        raise EnvironmentProblem(f"{path}: cannot read the theme: {exc}") from None
    problems = _ThemeCheck(doc).problems()
    if problems:
        lines = [f"{loc}: {message}" + _excerpt(text, loc) for loc, message in problems]
        noun = "error" if len(problems) == 1 else "errors"
        lines.append(f"{len(problems)} {noun} in the theme; nothing was written.")
        raise EnvironmentProblem("\n".join(lines))
    data = doc.data
    deck = dict(data.get("deck") or {})
    if "section_dividers" in deck:
        deck["section_dividers"] = _divider_choice(deck["section_dividers"])
    return Theme(data["colours"], data["fonts"], data["sizes"], path, deck)


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
        if not self.found:
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
        sizes = data["sizes"]
        if sizes["deck_min_body"] > sizes["deck_body"]:
            self.add(("sizes", "deck_min_body"),
                     f"theme sizes.deck_min_body is {sizes['deck_min_body']!r}, larger than "
                     f"sizes.deck_body ({sizes['deck_body']!r}) (expected at most deck_body)")

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
