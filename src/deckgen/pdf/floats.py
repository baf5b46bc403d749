"""Figures and tables placed like a typesetter's floats: a second layout pass over the pages.

WeasyPrint has no page floats: a figure that does not fit at the foot of a page moves whole to
the next one and leaves a hole. After a render, :class:`FloatPass` reads the laid-out page boxes
and, for the first page that ends more than :data:`TRIGGER` empty because the next page opens
with a figure or table of the same section, chooses one remedy:

- the paragraphs (lists, quotes, callouts, subheadings) that follow the float in its section
  move up before it, as many as fill the hole, never past the section's end and never so that
  the last one moved is a heading (a heading stays with what follows it);
- when nothing follows it in its section, a figure is drawn smaller (no less than
  :data:`MIN_SCALE` of its width) if that makes it fit;
- when a table opens the next page, the section's figures on the page before are drawn smaller
  (to :data:`MIN_SCALE` at least) if that makes room for it.

Before any of these, a table taller than a page breaks between rows (its header repeated on
each page) rather than leave its caption alone above a hole, and contents that spill a few
lines onto a page of their own are set tighter (with the same render as the first remedy: the
body's pages only shift by whole pages).

The brief is then rendered again, at most :data:`MAX_PASSES` more times. A remedy that leaves a
figure or table more than a page after the page of its first reference, or the pages up to the
one it filled emptier (more of them, or by more, than :data:`GOAL`), is undone; the pages after
it are the next remedy's. The document written is the rendered one with the fewest and
smallest holes. A brief with no hole costs one walk over its boxes and no second render.

The choices are a :class:`Placement` that :class:`~deckgen.pdf.html.HtmlWriter` reads when it
writes each section's blocks; the model is never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import model as m

TRIGGER = 0.10      # a page this empty (of its text area) is worth a second pass
GOAL = 0.14         # no page should be more empty than this (the reader's limit, 15 %, less a margin)
MIN_SCALE = 0.7     # a figure is never drawn narrower than this fraction of the text width
MAX_PASSES = 4      # renders after the first, at most
CONTENTS_SPILL = 0.2  # contents spilling this little (of a page) onto a page are set tighter
TALL_TABLE = 0.8    # a table taller than this fraction of a page may break between rows
FLOAT_TAGS = ("figure", "table")


@dataclass
class Placement:
    """Where the float pass put things: each section's block order (by block index), figures
    drawn smaller (``{figure id: scale}``) and tables allowed to break (``(section id, block
    index)``)."""

    orders: dict[str, list[int]] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    long_tables: set[tuple[str, int]] = field(default_factory=set)
    compact_contents: bool = False  # the contents set tighter, so they end on their page

    def order(self, section: m.Section) -> list[int]:
        return self.orders.get(section.id) or list(range(len(section.blocks)))

    def copy(self) -> Placement:
        return Placement({k: list(v) for k, v in self.orders.items()}, dict(self.scales),
                         set(self.long_tables), self.compact_contents)

    def key(self) -> tuple:
        """The same for two placements that give the same HTML."""
        orders = tuple(sorted((section, tuple(order)) for section, order in self.orders.items()))
        return orders, tuple(sorted(self.scales.items())), tuple(sorted(self.long_tables)), self.compact_contents


@dataclass
class Block:
    """One of a section's blocks as laid out: its index in the section, its element's tag and
    classes, and its fragments ``(page, top, bottom)`` in CSS pixels."""

    section: str
    index: int
    tag: str
    classes: str
    fragments: list[tuple[int, float, float]] = field(default_factory=list)
    picture: float = 0.0  # a figure's picture's height
    html_id: str = ""     # a figure's or numbered table's id ("fig-x", "tbl-y")

    @property
    def is_float(self) -> bool:
        return self.tag == "figure" or self.tag == "table" or "table-block" in self.classes

    @property
    def is_heading(self) -> bool:
        return self.tag in ("h3", "h4", "h5", "h6")

    @property
    def first_page(self) -> int:
        return self.fragments[0][0]

    @property
    def height(self) -> float:
        return sum(bottom - top for _, top, bottom in self.fragments)


@dataclass
class Page:
    """A page's text area (``top``, ``bottom``: above its footnotes) and where its content ends."""

    top: float
    bottom: float
    content_bottom: float | None = None

    @property
    def empty(self) -> float:
        if self.content_bottom is None:
            return 0.0
        return max(0.0, self.bottom - self.content_bottom) / (self.bottom - self.top)


@dataclass
class Layout:
    """What the pass reads from a rendered document: pages, each section's blocks in the order
    they were written, and the page of each cross-reference target's first reference."""

    pages: list[Page]
    sections: dict[str, list[Block]]
    first_reference: dict[str, int]   # html id ("fig-x", "tbl-y") -> page of its first reference
    target_page: dict[str, int]       # html id -> page it is on
    reference_at: dict[str, tuple[Block | None, float]] = field(default_factory=dict)
    # html id -> the block holding its first reference, and the reference's top on its page
    contents: Block | None = None     # the contents (nav.contents), as laid out

    def flow_y(self, page: int, top: float) -> float:
        """A position as a distance along the flow of text areas, page after page."""
        return sum(p.bottom - p.top for p in self.pages[:page]) + top - self.pages[page].top

    def page_at(self, y: float) -> int:
        for number, page in enumerate(self.pages):
            y -= page.bottom - page.top
            if y < 0:
                return number
        return len(self.pages)


def read_layout(document, brief: m.Brief, placement: Placement) -> Layout:
    """The :class:`Layout` of a rendered WeasyPrint ``document`` of ``brief``."""
    root = document._html.etree_element
    tracked: dict[int, Block] = {}
    pictures: dict[int, Block] = {}
    sections: dict[str, list[Block]] = {}
    for section in brief.sections:
        element = _by_id(root, f"sec-{section.id}")
        if element is None:
            continue
        every = [c for c in element if isinstance(c.tag, str)]
        children = [c for c in every if not _fixed(c)]
        order = placement.order(section)
        if len(children) != len(order):
            continue  # a template of the project's own writes its sections otherwise
        blocks = [Block(section.id, index, child.tag, child.get("class", ""), html_id=_float_id(child))
                  for index, child in zip(order, children, strict=True)]
        sections[section.id] = blocks
        tracked.update((id(child), block) for child, block in zip(children, blocks, strict=True))
        # the heading, a key-figure strip, the colophon: never moved, but they fill their page
        tracked.update((id(child), Block(section.id, -1, child.tag, child.get("class", "")))
                       for child in every if _fixed(child))
        pictures.update((id(img), block) for child, block in zip(children, blocks, strict=True)
                        if child.tag == "figure" for img in child.iter("img"))
    references = _by_id(root, "references")
    if references is not None:  # the bibliography: not the pass's to move, but it fills pages
        tracked.update((id(child), Block("", -1, child.tag, child.get("class", "")))
                       for child in references if isinstance(child.tag, str))
    contents = None
    for element in root.iter("nav"):
        if "contents" in element.get("class", "").split():
            contents = tracked[id(element)] = Block("", -1, "nav", "contents")
            break
    pages, first_reference, target_page, reference_at = [], {}, {}, {}
    for number, page in enumerate(document.pages):
        box = page._page_box
        top = box.content_box_y()
        bottom = top + box.height
        for child in box.children:
            if type(child).__name__ == "FootnoteAreaBox" and child.children:
                bottom = min(bottom, child.position_y)
        laid = Page(top, bottom)
        _walk(box, number, laid, (tracked, pictures), (first_reference, reference_at), target_page)
        pages.append(laid)
    return Layout(pages, sections, first_reference, target_page, reference_at, contents)


def _fixed(element) -> bool:
    """Whether a section's child is none of its blocks: its heading, key figures or colophon."""
    classes = element.get("class", "").split()
    return element.tag == "h2" or "colophon" in classes or "key-figures" in classes


def _float_id(element) -> str:
    for inner in element.iter():
        html_id = inner.get("id") or ""
        if html_id.startswith(("fig-", "tbl-")):
            return html_id
    return ""


def _by_id(root, html_id: str):
    for element in root.iter():
        if element.get("id") == html_id:
            return element
    return None


def _walk(box, number: int, page: Page, found, references, target_page) -> None:
    """Record, from ``box`` (page ``number``), each tracked block's fragment, each figure's
    picture height, each id's page and each internal link's first page and block."""
    tracked, pictures = found
    first_reference, reference_at = references
    stack: list = [(box, None)]
    while stack:
        current, inside = stack.pop()
        kind = type(current).__name__
        if kind in ("MarginBox", "FootnoteAreaBox"):
            continue
        element = getattr(current, "element", None)
        if element is not None and current is not box:
            html_id = element.get("id")
            if html_id and html_id not in target_page:
                target_page[html_id] = number
            href = element.get("href") if element.tag == "a" else None
            if href and href.startswith("#") and href[1:] not in first_reference:
                first_reference[href[1:]] = number
                reference_at[href[1:]] = (inside, current.position_y)
            if id(element) in pictures and "Replaced" in kind:
                pictures[id(element)].picture = current.height
            block = tracked.get(id(element))
            if (block is not None and kind not in ("LineBox", "TextBox", "InlineBox")
                    and (not block.fragments or block.fragments[-1][0] != number)):
                top = current.position_y
                border_bottom = top + current.margin_top + current.border_height()
                block.fragments.append((number, top, top + current.margin_height()))
                page.content_bottom = max(page.content_bottom or border_bottom, border_bottom)
            inside = block or inside
        stack.extend((child, inside) for child in reversed(getattr(current, "children", [])))


class FloatPass:
    """The float pass, as :func:`~deckgen.pdf.weasy.html_to_pdf` drives it: :meth:`next` is
    given each rendered document and returns the HTML of a better placement, or None when the
    pages are as good as this pass makes them; :meth:`final` is the document to write (the last
    one, or the one before a remedy that had to be undone). See the module's docstring."""

    def __init__(self, brief: m.Brief, html_for: Callable[[Placement], str]):
        self.brief = brief
        self._html_for = html_for
        self._html: dict[tuple, str] = {}  # by Placement.key(): the HTML of each placement asked for
        self.placement = Placement()
        self.passes = 0
        self.tried: set[tuple] = set()     # remedies already applied (never twice)
        self.move_limit: dict[tuple[str, int], int] = {}  # blocks a float may let pass it
        self.previous: tuple[Placement, Layout, object] | None = None  # before the last remedy
        self.last_remedy: tuple | None = None
        self.kept: tuple | None = None     # the best document so far, and its score
        self.target: int | None = None     # the body's page the last remedy filled
        self.far_before: set[str] | None = None  # floats already too far on the first render

    def run(self, html: str, render: Callable[[str], object], request=None):
        """The document to write: ``html`` laid out by ``render``, then each better placement's
        HTML, until the pass stops. In ``deckgen watch``, :mod:`.speculation` may lay two of
        them out at once (the very documents this sequence would give)."""
        from . import speculation

        if request is not None and speculation.active() is not None:
            return speculation.active().run(self, html, render, request)
        document = render(html)
        speculation.remember(self, again := self.next(document))
        while again is not None:
            document = render(again)
            again = self.next(document)
        return self.final(document)

    def html_for(self, placement: Placement) -> str:
        """The brief's HTML with ``placement``, written once for each placement (the watch's
        guess is often the very placement the pass then asks for)."""
        key = placement.key()
        if key not in self._html:
            self._html[key] = self._html_for(placement)
        return self._html[key]

    def next(self, document) -> str | None:
        return self.next_after(read_layout(document, self.brief, self.placement), document)

    def next_after(self, layout: Layout, document) -> str | None:
        """:meth:`next`, given the ``layout`` :func:`read_layout` read from ``document``."""
        if self.far_before is None:
            self.far_before = _too_far(layout)
        if self.previous is not None and (_too_far(layout) - self.far_before
                                          or self._worse(layout, self.previous[1])):
            self._failed(self.last_remedy)  # undone: back to the layout before it
            self.placement, layout, document = self.previous
            self.previous = None
        score = _score(self._profile(layout))
        if self.kept is None or score <= self.kept[0]:
            self.kept = (score, document)
        if self.passes >= MAX_PASSES or score == (0, 0.0) and self.passes:
            return None
        before = (self.placement.copy(), layout, document)
        remedy = self._remedy(layout)
        if remedy is None:
            return None
        self.previous, self.last_remedy = before, remedy
        self.tried.add(remedy)
        self.passes += 1
        return self.html_for(self.placement)

    def _profile(self, layout: Layout) -> list[float]:
        """How empty each page of the body is (from the first section's first page to the last
        page but one); a page before a section that starts a page by design counts as full."""
        firsts = _first_blocks(layout)
        first = self.brief.sections[0].id if self.brief.sections else ""
        body = min((b.first_page for b in layout.sections.get(first, []) if b.fragments), default=0)
        profile = []
        for number in range(body, len(layout.pages) - 1):
            opening = firsts.get(number + 1)
            by_design = opening and opening[1] == 0 and self._breaks_before(opening[0][0])
            profile.append(0.0 if by_design else layout.pages[number].empty)
        return profile

    def _worse(self, layout: Layout, before: Layout) -> bool:
        """Whether the last remedy left the body's pages up to the one it filled worse than
        they were (the pages after it shift, and are the next remedies' to fill)."""
        upto = None if self.target is None else self.target + 1
        return _score(self._profile(layout)[:upto]) > _score(self._profile(before)[:upto])

    def final(self, document):
        """The rendered document with the fewest and smallest holes (the last of equals: every
        remedy kept left the pages before it no worse)."""
        return self.kept[1] if self.kept is not None else document

    def _failed(self, remedy: tuple | None) -> None:
        """A move that left a float too far from its reference, or its pages worse: next time,
        move fewer blocks. (Tighter contents undone with it are set again with the next.)"""
        if remedy == ("contents",):
            self.tried.add(("contents", "undone"))
        if remedy and remedy[0] == "move":
            _, section, index, moved = remedy
            self.move_limit[(section, index)] = len(moved) - 1

    def _remedy(self, layout: Layout) -> tuple | None:
        """Apply to :attr:`placement` the remedy for the first hole that has one."""
        contents = self._compact_contents(layout)  # shifts the body by whole pages only
        self.target = None
        first = self.brief.sections[0].id if self.brief.sections else ""
        body = min((b.first_page for b in layout.sections.get(first, []) if b.fragments), default=0)
        for blocks in layout.sections.values():  # a table taller than a page breaks, hole or not
            for position, block in enumerate(blocks):
                if block.is_float and block.fragments and (key := self._long_table(blocks, position, 0.0, layout)):
                    self.target = block.first_page - body
                    return key
        last = len(layout.pages) - 1
        firsts = _first_blocks(layout)
        for number, page in enumerate(layout.pages[:last]):
            if page.empty <= TRIGGER or number + 1 not in firsts:
                continue
            blocks, position = firsts[number + 1]
            if not blocks[position].is_float or (position == 0 and self._breaks_before(blocks[0])):
                continue  # the page opens with prose, or a section that starts a page
            gap = page.bottom - (page.content_bottom or page.top)
            for remedy in (self._move_prose, self._shrink):
                key = remedy(blocks, position, gap, layout)
                if key is not None:
                    self.target = number - body
                    return key
        return contents

    def _compact_contents(self, layout: Layout):
        """Set the contents tighter when their last page holds no more than a few of their
        lines (the stylesheet keeps at least two together)."""
        contents = layout.contents
        if (contents is None or len(contents.fragments) < 2 or self.placement.compact_contents
                or ("contents", "undone") in self.tried):
            return None
        number, top, bottom = contents.fragments[-1]
        page = layout.pages[number]
        if bottom - top > CONTENTS_SPILL * (page.bottom - page.top):
            return None
        self.placement.compact_contents = True
        return ("contents",)

    def _breaks_before(self, block: Block) -> bool:
        section = next(s for s in self.brief.sections if s.id == block.section)
        return section.kind == "appendix" or section is self.brief.sections[0]

    def _long_table(self, blocks: list[Block], position: int, gap: float, layout: Layout):
        block = blocks[position]
        page = layout.pages[block.first_page]
        if block.tag == "figure" or block.height < TALL_TABLE * (page.bottom - page.top):
            return None
        key = ("table", block.section, block.index)
        if key in self.tried:
            return None
        self.placement.long_tables.add((block.section, block.index))
        return key

    def _move_prose(self, blocks: list[Block], position: int, gap: float, layout: Layout):
        """Move the blocks after the float (to the section's end) that fill ``gap`` before it."""
        float_block = blocks[position]
        movable = [b for b in blocks[position + 1:] if not b.is_float]
        chosen, filled = [], 0.0
        for block in movable:
            chosen.append(block)
            filled += block.height
            if filled >= gap:
                break
        while chosen and chosen[-1].is_heading:
            following = movable[len(chosen):len(chosen) + 1]
            if filled >= gap or not following:
                chosen.pop()
            else:
                chosen += following
        limit = self.move_limit.get((float_block.section, float_block.index))
        if limit is not None:
            chosen = chosen[:limit]
        while chosen and (chosen[-1].is_heading or self._too_far_after(layout, blocks, position, chosen)):
            chosen.pop()
        if not chosen:
            return None
        key = ("move", float_block.section, float_block.index, tuple(b.index for b in chosen))
        if key in self.tried:
            return None
        moved = {b.index for b in chosen}
        order = [b.index for b in blocks if b.index not in moved]
        at = order.index(float_block.index)
        self.placement.orders[float_block.section] = order[:at] + [b.index for b in chosen] + order[at:]
        return key

    def _too_far_after(self, layout: Layout, blocks: list[Block], position: int,
                       chosen: list[Block]) -> bool:
        """Whether moving ``chosen`` before the float at ``position`` would leave a float of the
        section more than a page after its first reference, as far as the current layout tells
        (the render after the move checks it again)."""
        moved = {id(b) for b in chosen}
        at = layout.flow_y(*blocks[position].fragments[0][:2])
        start = at  # where the moved blocks begin: the hole before the float
        if position > 0 and blocks[position - 1].fragments:
            page, _, bottom = blocks[position - 1].fragments[-1]
            start = min(at, layout.flow_y(page, bottom))
        new_y: dict[int, float] = {}
        offset = 0.0
        for block in chosen:
            new_y[id(block)] = start + offset
            offset += block.height
        last = max(blocks.index(b) for b in chosen)
        for block in blocks[position:last + 1]:
            if id(block) not in moved and block.fragments:
                later = sum(b.height for b in chosen if blocks.index(b) > blocks.index(block))
                new_y[id(block)] = layout.flow_y(*block.fragments[0][:2]) - (at - start) + later
        for block in blocks:
            if not block.is_float or block.html_id not in layout.reference_at or not block.fragments:
                continue
            if block.html_id in (self.far_before or set()):
                continue
            holder, top = layout.reference_at[block.html_id]
            reference_page = layout.first_reference[block.html_id]
            if holder is not None and id(holder) in new_y and holder.fragments:
                held_y = layout.flow_y(*holder.fragments[0][:2])
                reference_y = new_y[id(holder)] + layout.flow_y(reference_page, top) - held_y
                reference_page = layout.page_at(reference_y)
            float_y = new_y.get(id(block), layout.flow_y(*block.fragments[0][:2]))
            if layout.page_at(float_y) - reference_page > 1:
                return True
        return False

    def _shrink(self, blocks: list[Block], position: int, gap: float, layout: Layout):
        """Draw the figure that opens the next page smaller, and with it the section's figures
        on the page before, all by one share, if that lets it fit ``gap`` (a table that opens
        the next page: the figures before it alone)."""
        block = blocks[position]
        above = [b for b in blocks[:position] if b.is_float and b.tag == "figure"
                 and b.fragments and b.first_page == block.first_page - 1]
        shrunk = [(b, self._figure_id(b)) for b in (*above, block) if b.tag == "figure"]
        shrunk = [(b, fid) for b, fid in shrunk if fid and b.picture > 0]
        if not shrunk or (block.tag == "figure" and shrunk[-1][0] is not block):
            return None
        # the pictures' heights scale with their widths; the captions' do not
        need = max(block.height - gap, 0.0) + 4.0  # and a margin: the gap is measured, not set
        share = need / sum(b.picture for b, _ in shrunk)
        scales = {fid: int(self.placement.scales.get(fid, 1.0) * (1 - share) * 100) / 100
                  for _, fid in shrunk}
        if min(scales.values()) < MIN_SCALE:
            return None
        key = ("shrink", tuple(sorted(scales.items())))
        if key in self.tried:
            return None
        self.placement.scales.update(scales)
        return key

    def _figure_id(self, block: Block) -> str:
        section = next(s for s in self.brief.sections if s.id == block.section)
        figure_block = section.blocks[block.index]
        return figure_block.figure_id if isinstance(figure_block, m.FigureBlock) else ""


def _score(profile: list[float]) -> tuple[int, float]:
    """How far pages as empty as ``profile`` are from the goal: how many are more than
    :data:`GOAL` empty, then by how much in all."""
    over = [empty - GOAL for empty in profile if empty > GOAL]
    return len(over), round(sum(over), 3)


def _too_far(layout: Layout) -> set[str]:
    """The figures and tables more than a page after the page of their first reference."""
    return {html_id for html_id, page in layout.target_page.items()
            if html_id.startswith(("fig-", "tbl-")) and html_id in layout.first_reference
            and page - layout.first_reference[html_id] > 1}


def _first_blocks(layout: Layout) -> dict[int, tuple[list[Block], int]]:
    """For each page, the section blocks and the position of the first block that starts on it."""
    firsts: dict[int, tuple[list[Block], int, float]] = {}
    for blocks in layout.sections.values():
        for position, block in enumerate(blocks):
            if not block.fragments:
                continue
            page, top, _ = block.fragments[0]
            if page not in firsts or top < firsts[page][2]:
                firsts[page] = (blocks, position, top)
    return {page: (blocks, position) for page, (blocks, position, _) in firsts.items()}

