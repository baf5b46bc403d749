"""The theme (colours, fonts, sizes) read once from ``templates/theme.yaml``.

It is converted here into CSS variables for the PDF, rc parameters for matplotlib and plain
values for the deck, so no renderer hard-codes a colour or a font.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EnvironmentProblem
from .yamlsrc import YamlProblem, load_yaml


@dataclass(frozen=True)
class Theme:
    colours: dict
    fonts: dict
    sizes: dict
    path: Path
    deck: dict = field(default_factory=dict)  # deck options: section_dividers, layouts

    def colour(self, name: str) -> str:
        return self.colours[name]

    @property
    def series_colours(self) -> list[str]:
        return list(self.colours["series"])

    def css_variables(self) -> str:
        lines = [f"  --{name}: {value};" for name, value in self.colours.items() if name != "series"]
        lines += [f"  --series-{i + 1}: {c};" for i, c in enumerate(self.colours["series"])]
        lines += [
            f"  --font-serif: \"{self.fonts['serif']}\", \"{self.fonts['cjk_serif']}\", serif;",
            f"  --font-sans: \"{self.fonts['sans']}\", \"{self.fonts['cjk_sans']}\", sans-serif;",
        ]
        return ":root {\n" + "\n".join(lines) + "\n}\n"

    def mpl_rc(self) -> dict:
        return {
            "font.family": [self.fonts["sans"], "DejaVu Sans", self.fonts["cjk_sans"]],
            "font.size": 10,
            "text.color": self.colours["text"],
            "axes.labelcolor": self.colours["text"],
            "axes.edgecolor": self.colours["muted"],
            "axes.prop_cycle": __import__("cycler").cycler(color=self.colours["series"]),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "xtick.color": self.colours["muted"],
            "ytick.color": self.colours["muted"],
            "svg.fonttype": "none",  # real text: WeasyPrint sets it in the same fonts, searchable
            "svg.hashsalt": "deckgen",
            "text.usetex": False,
            "text.parse_math": False,
        }


REQUIRED = {
    "colours": ["primary", "accent", "text", "muted", "light", "background", "series"],
    "fonts": ["serif", "sans", "cjk_serif", "cjk_sans", "deck", "deck_metrics", "deck_cjk"],
    "sizes": ["deck_title", "deck_body", "deck_min_body"],
}


def load_theme(path: Path) -> Theme:
    """Read a theme file; a broken theme is an environment problem (exit code 2)."""
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, YamlProblem) as exc:
        raise EnvironmentProblem(f"{path}: cannot read the theme: {exc}") from None
    data = doc.data if isinstance(doc.data, dict) else {}
    for group, keys in REQUIRED.items():
        for key in keys:
            if key not in data.get(group, {}):
                raise EnvironmentProblem(f"{doc.loc((group,))}: theme lacks {group}.{key}")
    _check_values(data, doc)
    deck = data.get("deck") or {}
    _check_deck_options(deck, doc)
    return Theme(data["colours"], data["fonts"], data["sizes"], path, dict(deck))


DIVIDER_CHOICES = ("auto", "always", "never")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_FONT_NAME = re.compile(r"^[\w .,+-]{1,64}$")


def _check_values(data: dict, doc) -> None:
    """Colours are #RRGGBB, font names plain words, sizes numbers in a sane range."""
    def fail(path: tuple, what: str) -> None:
        raise EnvironmentProblem(f"{doc.loc(path)}: theme {'.'.join(path)} {what}")

    colours = data["colours"]
    series = colours["series"]
    if not isinstance(series, list) or not series:
        fail(("colours", "series"), "must be a non-empty list of #RRGGBB colours")
    for name, value in colours.items():
        for index, colour in enumerate(value if name == "series" else [value]):
            if not isinstance(colour, str) or not _COLOUR.match(colour):
                fail(("colours", name, index) if name == "series" else ("colours", name),
                     f"is {colour!r} (expected a #RRGGBB colour)")
    for name, value in data["fonts"].items():
        if not isinstance(value, str) or not _FONT_NAME.match(value):
            fail(("fonts", name), f"is {value!r} (expected a font family name)")
    for name, value in data["sizes"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 6 <= value <= 96:
            fail(("sizes", name), f"is {value!r} (expected a size in points, 6 to 96)")


def _check_deck_options(deck, doc) -> None:
    """``deck.section_dividers`` is one of DIVIDER_CHOICES; ``deck.layouts`` maps slide kinds
    to layout names of the reference template."""
    if not isinstance(deck, dict):
        raise EnvironmentProblem(f"{doc.loc(('deck',))}: theme deck options must be a mapping")
    dividers = str(deck.get("section_dividers", "auto")).lower()
    if dividers not in DIVIDER_CHOICES and dividers not in ("true", "false", "yes", "no"):
        raise EnvironmentProblem(f"{doc.loc(('deck', 'section_dividers'))}: theme deck.section_dividers "
                                 f"is {dividers!r} (expected one of {', '.join(DIVIDER_CHOICES)})")
    from .plan import LAYOUTS

    layouts = deck.get("layouts") or {}
    unknown = sorted(set(layouts) - set(LAYOUTS)) if isinstance(layouts, dict) else ["(not a mapping)"]
    if unknown:
        raise EnvironmentProblem(f"{doc.loc(('deck', 'layouts'))}: theme deck.layouts has unknown slide "
                                 f"kinds {', '.join(unknown)} (expected: {', '.join(LAYOUTS)})")
