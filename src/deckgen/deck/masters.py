"""Which of a reference template's slide masters and layouts each kind of slide uses.

Templates from PowerPoint, Google Slides and LibreOffice often hold several masters with the
same layout names: a cover master (title artwork, no footer) and a content master. The covers
(title, section divider, closing) take the cover master, every other slide the content master:
the ones ``deck.master`` names (a name or a number from 1, or ``{cover: …, content: …}``), else
the first master holding the covers' layouts and the master whose layouts best match the
content slides' names, whose text reads on its ground (light on dark or dark on light, WCAG AA:
:func:`deckgen.deck.look.reads_well`) and that carries a footer or slide number (a content
master's mark). A layout missing from the chosen master is taken from another master that has
it.

A layout no master has is not an error here: only the layouts the deck's plan uses are required
(:func:`require_layouts`, raised once with every missing layout, the template's layouts one per
line and the closest names as a ready ``deck.layouts`` mapping); until then a missing kind's
boxes are stand-ins (:func:`stand_in_areas`). ``deckgen check --template-info`` prints
:func:`template_listing`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pptx.enum.shapes import PP_PLACEHOLDER

from ..errors import EnvironmentProblem
from .geometry import SLIDE_H, SLIDE_W, Areas, Box
from .look import reads_well
from .slides import BULLETS, COVER, FIGURE, SLIDE_KINDS

COVER_ROLE, CONTENT_ROLE = "cover", "content"
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_BODIES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
_FOOTERS = (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)


def role_of(kind: str) -> str:
    return COVER_ROLE if SLIDE_KINDS[kind].form == COVER else CONTENT_ROLE


@dataclass(frozen=True)
class LayoutChoice:
    """Each slide kind's layout (None where no master has its name), the master of each role
    (by index) and the names no master has, by kind."""

    layouts: dict[str, object]
    masters: dict[str, int]
    missing: dict[str, str]


def master_label(prs, index: int) -> str:
    """``1``, or ``1 'Name'`` when the master has a name: how messages and the listing name it."""
    name = (prs.slide_masters[index].name or "").strip()
    return f"{index + 1} '{name}'" if name else f"{index + 1}"


def choose_layouts(prs, names: dict[str, str], setting, template) -> LayoutChoice:
    """The layout of each slide kind named in ``names``, from the master of its role."""
    masters = list(prs.slide_masters)
    chosen = {role: _master_for(prs, role, names, setting, template) for role in (COVER_ROLE, CONTENT_ROLE)}
    layouts, missing = {}, {}
    for kind, name in names.items():
        first = masters[chosen[role_of(kind)]]
        found = _named(first, name) or next((_named(m, name) for m in masters if _named(m, name)), None)
        layouts[kind] = found
        if found is None:
            missing[kind] = name
    return LayoutChoice(layouts, chosen, missing)


def _named(master, name: str):
    return next((layout for layout in master.slide_layouts if layout.name == name), None)


def _master_for(prs, role: str, names: dict[str, str], setting, template) -> int:
    wanted = setting.get(role) if isinstance(setting, dict) else setting
    if wanted is not None:
        return _master_by_ref(prs, wanted, template)
    needed = {name for kind, name in names.items() if role_of(kind) == role}
    scores = []
    for index, master in enumerate(prs.slide_masters):
        have = {layout.name for layout in master.slide_layouts}
        footer = any(ph.placeholder_format.type in _FOOTERS for ph in master.placeholders)
        readable = role == CONTENT_ROLE and all(reads_well(layout) for layout in master.slide_layouts
                                                if layout.name in needed)
        scores.append((len(needed & have), readable, footer if role == CONTENT_ROLE else 0, -index))
    return -max(scores)[-1]


def _master_by_ref(prs, wanted, template) -> int:
    count = len(prs.slide_masters)
    if isinstance(wanted, int) or str(wanted).strip().isdigit():
        number = int(wanted)
        if 1 <= number <= count:
            return number - 1
    else:
        for index, master in enumerate(prs.slide_masters):
            if (master.name or "").strip().casefold() == str(wanted).strip().casefold():
                return index
    listing = "\n".join(f"  {master_label(prs, i)}" for i in range(count))
    raise EnvironmentProblem(
        f"{template}: the reference template has no slide master {_quoted(wanted)} (deck.master in "
        f"templates/theme.yaml); its masters, by number and name:\n{listing}")


def _quoted(value) -> str:
    return str(value) if isinstance(value, int) else f"'{value}'"


# ---- what is missing, and what to map it to ----------------------------------------------------

def require_layouts(geometry, plans) -> None:
    """An EnvironmentProblem naming, at once, every layout the planned slides need that the
    template lacks (with the template's layouts and a suggested mapping)."""
    used = {plan.kind for plan in plans}
    if not geometry.template or not used & set(geometry.missing):
        return
    from .template import open_template

    prs = open_template(geometry.template)
    choice = choose_layouts(prs, geometry.layouts, None, geometry.template)
    problem = missing_layouts_problem(geometry.template, prs, choice, used)
    if problem is not None:
        raise problem


def template_listing(theme, template) -> str:
    """What ``deckgen check --template-info`` prints: masters, layouts, which kind takes which."""
    from .slides import layout_names
    from .template import open_template

    prs = open_template(template)
    return template_info(template, prs, choose_layouts(prs, layout_names(theme),
                                                       theme.deck.get("master"), template))


def stand_in_areas(areas: dict, kind: str, width: float, height: float) -> Areas:
    """The areas of a kind of the same form that was found, else the default drawing's, scaled."""
    form = SLIDE_KINDS[kind].form
    same = next((a for k, a in areas.items() if SLIDE_KINDS[k].form == form), None)
    if same is not None:
        return same
    sx, sy = width / SLIDE_W, height / SLIDE_H

    def scaled(box):
        return None if box is None else Box(box.x * sx, box.y * sy, box.w * sx, box.h * sy, box.insets)
    base = SLIDE_KINDS[kind].areas
    return Areas(scaled(base.title), scaled(base.body), scaled(base.figure), scaled(base.caption))


def missing_layouts_problem(template, prs, choice: LayoutChoice, kinds) -> EnvironmentProblem | None:
    """One problem naming every layout the slides of ``kinds`` need and no master has, with the
    template's layouts one per line and a suggested ``deck.layouts`` mapping; None if none."""
    wanted: dict[str, list[str]] = {}
    for kind in SLIDE_KINDS:
        if kind in kinds and kind in choice.missing:
            wanted.setdefault(choice.missing[kind], []).append(kind)
    if not wanted:
        return None
    lines = [f"{template}: the reference template has no slide layout named "
             + ", ".join(f"'{name}'" for name in wanted) + " (needed for "
             + "; ".join(f"{_kinds(k)} slides" for k in wanted.values()) + ").",
             "Its layouts, by master:"]
    for index, master in enumerate(prs.slide_masters):
        lines.append(f"  master {master_label(prs, index)}:")
        lines += [f"    '{_one_line(layout.name)}'" for layout in master.slide_layouts]
    lines.append("Map each kind to one of them under deck.layouts in templates/theme.yaml, for example:")
    lines += ["deck:", "  layouts:"]
    for kinds_of in wanted.values():
        for kind in kinds_of:
            master = prs.slide_masters[choice.masters[role_of(kind)]]
            suggestion = closest_layout(master, kind, choice.missing[kind])
            lines.append(f"    {kind}: \"{_one_line(suggestion)}\"" if suggestion
                         else f"    {kind}: (no layout with a title placeholder)")
    lines.append("or rename the layouts in PowerPoint's slide master view.")
    return EnvironmentProblem("\n".join(lines))


def _kinds(kinds: list[str]) -> str:
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]


def _one_line(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("-\n", "")).strip()


_NOISE = {"and", "slide", "et", "und", "de", "with", "layout"}


def _words(name: str) -> str:
    words = re.findall(r"\w+", _one_line(name).casefold())
    return " ".join(w for w in words if w not in _NOISE)


def closest_layout(master, kind: str, name: str) -> str:
    """The layout of ``master`` most like ``name`` that can hold ``kind``'s slides: placeholders
    first (a title, and a body for a list; no body for a figure), then the name's words."""
    form = SLIDE_KINDS[kind].form
    best, best_score = "", -1.0
    for layout in master.slide_layouts:
        types = [ph.placeholder_format.type for ph in layout.placeholders]
        if not any(t in _TITLES for t in types):
            continue
        bodies = sum(t in _BODIES for t in types)
        fit = {BULLETS: bodies == 1, FIGURE: bodies == 0,
               COVER: PP_PLACEHOLDER.CENTER_TITLE in types or PP_PLACEHOLDER.SUBTITLE in types}[form]
        score = difflib.SequenceMatcher(None, _words(name), _words(layout.name)).ratio() + (1.0 if fit else 0)
        if score > best_score:
            best, best_score = layout.name, score
    return best


# ---- the listing of `deckgen check --template-info` ----------------------------------------------

def template_info(template, prs, choice: LayoutChoice) -> str:
    """The template's masters and their layouts, with the placeholders each has and which layout
    each kind of slide takes."""
    count = len(prs.slide_masters)
    lines = [(f"{template}: {prs.slide_width / 12700:.0f} x {prs.slide_height / 12700:.0f} pt, "
              f"{count} slide master{'s' if count != 1 else ''}")]
    for index, master in enumerate(prs.slide_masters):
        roles = [role for role, i in choice.masters.items() if i == index]
        used = f" (the {' and '.join(roles)} master)" if roles else ""
        lines.append(f"master {master_label(prs, index)}{used}:")
        for layout in master.slide_layouts:
            kinds = [k for k, chosen in choice.layouts.items() if chosen is layout]
            marks = ", ".join(_placeholder_word(ph) for ph in layout.placeholders)
            lines.append(f"  '{_one_line(layout.name)}'" + (f" [{marks}]" if marks else "")
                         + (f" <- {', '.join(kinds)}" if kinds else ""))
    for kind, name in choice.missing.items():
        lines.append(f"no layout named '{name}' (for {kind} slides)")
    return "\n".join(lines)


def _placeholder_word(ph) -> str:
    kind = ph.placeholder_format.type
    return str(kind).split(".")[-1].split(" ")[0].lower() if kind is not None else "placeholder"
