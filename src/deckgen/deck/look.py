"""What a deck drawn on a reference template is coloured in: :class:`Look`.

The series colours (accent1–6 of the template's colour scheme), the text, axis and gridline
colours of its charts (:class:`ChartColours`), bullet markers, and the text colour each layout's
title, body, caption and footer are forced to where the template's own would not read on the
ground under it (WCAG AA, measured by :mod:`deckgen.deck.palette`), each such change a warning.
``deck.colours`` in the theme may take the theme's colours instead, or set some of them.
:func:`reads_well` tells a content master whose text reads on its ground from one whose does
not, for the choice of masters (:mod:`deckgen.deck.masters`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pptx.enum.shapes import PP_PLACEHOLDER

from ..figures.colours import luminance
from .ground import grounds_under, mean_colour, worst_contrast
from .palette import (
    GRAPHIC_CONTRAST,
    TEXT_CONTRAST,
    TITLE_TYPES,
    _placeholder,
    mix,
    readable,
    scheme_of,
    text_colour,
)

# Where deckgen draws each role's text: the placeholder type it reads the colour of (None: a text
# box, which takes the master's other text style).
ROLE_TYPES = {"title": PP_PLACEHOLDER.TITLE, "footer": PP_PLACEHOLDER.FOOTER,
              "number": PP_PLACEHOLDER.SLIDE_NUMBER, "caption": None}
ROLE_WORDS = {"title": "title", "body": "body text", "footer": "footer", "number": "slide number",
              "caption": "caption"}
OVERRIDES = ("series", "text", "axes", "gridlines")  # the keys of deck.colours in theme.yaml


@dataclass(frozen=True)
class ChartColours:
    """A chart's colours: series in order, text (labels, ticks, titles), the axis line and the
    gridlines ("" leaves them as the chart's style draws them), the ground it sits on."""

    series: tuple[str, ...]
    text: str
    gridlines: str
    axes: str
    ground: str


def theme_chart_colours(theme) -> ChartColours:
    return ChartColours(tuple(theme.series_colours), theme.colour("text"), theme.colour("light"), "",
                        theme.colour("background"))


class Look:
    """The colours of a deck drawn on a template: see the module's docstring. ``deck.colours``
    in the theme decides what the template's scheme gives: ``template`` (the default) takes it
    all; ``theme`` takes the theme's colours instead; a mapping of ``series``, ``text``,
    ``axes``, ``gridlines`` sets those and takes the rest from the template."""

    def __init__(self, prs, theme, content_layout):
        self.theme, self.setting = theme, theme.deck.get("colours", "template")
        self.scheme = scheme_of(content_layout.slide_master if content_layout is not None
                                else prs.slide_masters[0])
        self.content = content_layout
        self.cache: dict = {}
        self.warnings: list[str] = []

    def override(self, key: str):
        if self.setting == "theme":
            return {"series": self.theme.series_colours, "text": self.theme.colour("text"),
                    "axes": self.theme.colour("muted"), "gridlines": self.theme.colour("light")}[key]
        return self.setting.get(key) if isinstance(self.setting, dict) else None

    def forced(self, layout, role: str, box) -> str | None:
        """The colour text of ``role`` in ``box`` on ``layout`` is set in: None where the
        template's own reads on its ground over the whole box (WCAG AA at its worst sample),
        else the scheme's colour that does, or reads best where none does (a warning says so,
        once per layout and role, with the ratios measured)."""
        key = (layout.name, id(layout), role)
        if key not in self.cache:
            scheme = scheme_of(layout.slide_master)
            own = text_colour(layout, self.role_type(layout, role), scheme)
            grounds = grounds_under(layout, box, scheme)
            ratio, ground = worst_contrast(own, grounds)
            better = readable(own, grounds, scheme)
            if better is not None:
                self.warnings.append(self._contrast_warning(layout, role, own, ratio, ground, better, grounds))
            self.cache[key] = (better, own, grounds)
        return self.cache[key][0]

    @staticmethod
    def _contrast_warning(layout, role, own, ratio, ground, better, grounds) -> str:
        reached, _ = worst_contrast(better, grounds)
        where = f"layout '{_one_line(layout.name)}': the template's {ROLE_WORDS.get(role, role)} colour"
        said = (f"{where} {own} on its ground {ground} has a contrast of {ratio:.1f}:1, less than "
                f"{TEXT_CONTRAST}:1; deckgen sets it in {better} ({reached:.1f}:1")
        if reached >= TEXT_CONTRAST:
            return said + ")"
        lightest = max(grounds, key=luminance)
        darkest = min(grounds, key=luminance)
        return (said + f" at its worst: its ground runs from {darkest} to {lightest}, on which no colour "
                f"reaches {TEXT_CONTRAST}:1; choose another layout or master (deck.layouts, deck.master))")

    def text_on(self, layout, role: str, box) -> tuple[str, list[str]]:
        """The colour text of ``role`` is drawn in on ``layout``, and its ground's samples."""
        better = self.forced(layout, role, box)
        _, own, grounds = self.cache[(layout.name, id(layout), role)]
        return better or own, grounds

    @staticmethod
    def role_type(layout, role: str):
        """The placeholder type whose text colour ``role``'s text takes on ``layout`` (None: a
        text box's, deckgen's own footer where the layout has no footer placeholder)."""
        if role == "body":
            from .template import body_placeholder

            shape = body_placeholder(layout)
            return shape.placeholder_format.type if shape is not None else PP_PLACEHOLDER.BODY
        kind = ROLE_TYPES.get(role)
        if kind is None or kind in TITLE_TYPES:
            return kind
        return kind if any(ph.placeholder_format.type == kind for ph in layout.placeholders) else None

    def bullet(self, layout, box) -> str:
        """Bullet markers: accent1 where it stands out from the ground, else the text's colour."""
        text, grounds = self.text_on(layout, "body", box)
        accent = self.override("series")
        accent = accent[0] if accent else (self.scheme.accents or [text])[0]
        return accent if worst_contrast(accent, grounds)[0] >= GRAPHIC_CONTRAST else text

    def chart(self, layout, box) -> ChartColours:
        """A chart's colours on ``layout``, its text as the body's, lines mixed from it, the
        template's accents each kept where it stands out from the ground under ``box`` (WCAG
        1.4.11 at its worst sample), else replaced by the next scheme colour that does."""
        text, _ = self.text_on(layout, "body", box)
        text = self.override("text") or text
        key = (layout.name, id(layout), "chart")
        if key not in self.cache:
            scheme = scheme_of(layout.slide_master)
            grounds = grounds_under(layout, box, scheme)
            own = self.override("series")
            series = tuple(own) if own else self._series(layout, scheme, grounds)
            self.cache[key] = (series or tuple(self.theme.series_colours), grounds)
        series, grounds = self.cache[key]
        ground = mean_colour(grounds) if grounds else self.theme.colour("background")
        return ChartColours(series, text, self.override("gridlines") or mix(text, ground, 0.3),
                            self.override("axes") or mix(text, ground, 0.7), ground)

    def _series(self, layout, scheme, grounds) -> tuple[str, ...]:
        """accent1–6 in order, each failing one replaced (with a warning) by the next scheme
        colour, in the order accent1–6, dk1, lt1, dk2, lt2, that passes and is not yet drawn."""
        order = [f"accent{i}" for i in range(1, 7)] + ["dk1", "lt1", "dk2", "lt2"]
        names = [n for n in order[:6] if n in scheme.colours]
        chosen: list[str] = []
        for index, name in enumerate(names):
            colour = scheme.colours[name]
            ratio, ground = worst_contrast(colour, grounds)
            if ratio >= GRAPHIC_CONTRAST:
                chosen.append(colour)
                continue
            later = order[order.index(name) + 1:] + order[:order.index(name)]
            spare = next((n for n in later if n in scheme.colours and scheme.colours[n] not in chosen
                          and scheme.colours[n] not in (scheme.colours[m] for m in names[index + 1:])
                          and worst_contrast(scheme.colours[n], grounds)[0] >= GRAPHIC_CONTRAST), None)
            said = (f"layout '{_one_line(layout.name)}': the template's {name} {colour} has a contrast of "
                    f"{ratio:.1f}:1 with the chart's ground {ground}, less than {GRAPHIC_CONTRAST}:1 for a "
                    f"chart's series")
            if spare is None:  # every other scheme colour drawn already: the accent, deepened
                better = _deepened(colour, grounds, scheme)
                self.warnings.append(said + f"; no scheme colour left passes, so deckgen draws it in {better} "
                                     f"({worst_contrast(better, grounds)[0]:.1f}:1)")
            else:
                better = scheme.colours[spare]
                self.warnings.append(said + f"; deckgen draws that series in {spare} {better} "
                                     f"({worst_contrast(better, grounds)[0]:.1f}:1)")
            chosen.append(better)
        return tuple(chosen)


def _deepened(colour: str, grounds: list[str], scheme) -> str:
    """``colour`` mixed towards dk1 or lt1 (whichever stands out more) until it stands out."""
    far = max((scheme.dark, scheme.light), key=lambda c: worst_contrast(c, grounds)[0])
    for step in range(1, 11):
        mixed = mix(far, colour, step / 10)
        if worst_contrast(mixed, grounds)[0] >= GRAPHIC_CONTRAST:
            return mixed
    return far


def _one_line(name: str) -> str:
    return " ".join(name.replace("-\n", "").split())


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float


def reads_well(layout) -> bool:
    """Whether ``layout``'s title and body text contrast (WCAG AA) with the ground under them:
    light on dark or dark on light, as a content master's layouts should."""
    from .template import body_placeholder

    scheme = scheme_of(layout.slide_master)
    for shape in (_placeholder(layout, PP_PLACEHOLDER.TITLE), body_placeholder(layout)):
        if shape is None:
            continue
        base = shape if shape.width else getattr(shape, "_base_placeholder", None) or shape
        box = _Rect(*((v or 0) / 12700 for v in (base.left, base.top, base.width, base.height)))
        text = text_colour(layout, shape.placeholder_format.type, scheme)
        if worst_contrast(text, grounds_under(layout, box, scheme))[0] < TEXT_CONTRAST:
            return False
    return True
