"""Model blocks and inline spans as escaped HTML for the brief's template.

Everything from the source passes through ``markupsafe.escape``; only the tags written here
reach the document.

Long strings are given places to break (see ``UNBREAKABLE_CSS`` in
:mod:`deckgen.pdf.document`): a URL a ``<wbr>`` before its punctuation (it breaks after a slash
by itself), and in a table cell a word of :data:`LONG_WORD` characters or more a ``long-word``
span, the one part of a cell that may break anywhere.

Cross-references become links with their target's label ("Table 1"), internal ``#`` links lead
to the element the brief gives that id (one that leads nowhere, which the loader reported, is
shown as its text), headings keep their Markdown level apart (``####`` to ``######`` each
styled on its own) and a callout is an ``<aside>`` whose title is a paragraph, not a heading.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .. import model as m
from ..cite import notes
from .floats import Placement

LONG_WORD = 30  # characters: a word this long in a table cell may break anywhere
_URL = re.compile(r"(?:https?://|mailto:|www\.)\S+", re.IGNORECASE)
_URL_BREAK = re.compile(r"(?<=[^/.?#&=_~%-])(?=[.?#&=_~%])")  # before punctuation, not doubled
_TOKEN = re.compile(r"(\s+)")


def url_text(url: str) -> Markup:
    """A URL as text, escaped, with a break opportunity (``<wbr>``) before its punctuation."""
    return Markup("<wbr>").join(escape(part) for part in _URL_BREAK.split(url))


def breakable(text: str, in_table: bool = False, code: bool = False) -> Markup:
    """``text`` escaped, with break opportunities in its URLs (not in code) and, in a table, its
    long words marked to break anywhere."""
    out = []
    for token in _TOKEN.split(text):
        if code or not _URL.match(token):
            piece = escape(token)
        else:  # never hyphenated (see .url in brief.css)
            piece = Markup('<span class="url">%s</span>') % url_text(token)
        if in_table and len(token) >= LONG_WORD:
            piece = Markup('<span class="long-word">%s</span>') % piece
        out.append(piece)
    return Markup("").join(out)


class HtmlWriter:
    """Renders a brief's content; resolves figure numbers, citations and footnotes."""

    def __init__(self, brief: m.Brief, figure_assets: dict[str, str],
                 placement: Placement | None = None):
        self.brief = brief
        self.figure_assets = figure_assets  # figure id -> asset URL of its SVG
        self.in_table = False  # while a table's cells are written
        self.placement = placement or Placement()  # the float pass's choices
        # a section's own blocks (the tuple the template passes) are found by identity
        self._sections = {id(s.blocks): s for s in brief.sections if s.blocks}

    def url(self, url: str) -> Markup:
        """A URL shown as text (a reference's), with its break opportunities."""
        return url_text(url)

    # ---- inline ----
    def spans(self, spans) -> Markup:
        bibliography = self.brief.bibliography
        if bibliography is not None and bibliography.notes:  # marks after the punctuation
            spans = notes.placed(spans, lambda s: not s.narrative and not bibliography.is_text(s))
        return Markup("").join(self.span(s) for s in spans)

    def span(self, span) -> Markup:
        if isinstance(span, m.Text):
            out = breakable(span.text, self.in_table, span.code)
            if span.code:
                out = Markup("<code>%s</code>") % out
            if span.strike:
                out = Markup("<s>%s</s>") % out
            if span.emph:
                out = Markup("<em>%s</em>") % out
            if span.strong:
                out = Markup("<strong>%s</strong>") % out
            return out
        if isinstance(span, m.Link):
            href = span.href
            if href.startswith("#"):
                anchor = self.brief.anchor(href[1:])
                if anchor is None:
                    return breakable(span.text, self.in_table)
                href = "#" + anchor
            return Markup('<a href="%s">%s</a>') % (href, breakable(span.text, self.in_table))
        if isinstance(span, m.LineBreak):
            return Markup("<br>")
        if isinstance(span, m.CrossRef):
            label, html_id = self.brief.target(span.key)
            return Markup('<a class="xref" href="#%s">%s</a>') % (html_id, label)
        if isinstance(span, m.Citation):
            return self.citation(span)
        if isinstance(span, m.Footnote):
            return Markup('<span class="footnote">%s</span>') % self.spans(span.spans)
        raise TypeError(f"unknown inline {span!r}")

    def citation(self, span: m.Citation) -> Markup:
        """A citation as its style sets it: in the text, linked to its first work's entry, or
        (a note style) as a footnote."""
        bibliography = self.brief.bibliography
        markup = Markup(bibliography.citation(span)[0]) if bibliography else Markup("")
        if bibliography is not None and bibliography.is_text(span):
            return markup
        if bibliography is not None and bibliography.notes:  # a narrative one has its note
            return markup if span.narrative else Markup('<span class="footnote">%s</span>') % markup
        first = self.brief.reference(span.ref_ids[0]).id
        return Markup('<a class="cite" href="#ref-%s">%s</a>') % (first, markup)

    def reference(self, ref: m.Reference) -> Markup:
        """A reference list entry as the style formats it (citeproc's escaped HTML), its URLs
        and DOIs linked."""
        return Markup(ref.html)

    @property
    def references_heading(self) -> str:
        bibliography = self.brief.bibliography
        return bibliography.heading if bibliography else self.brief.words["references"]

    # ---- blocks ----
    def blocks(self, blocks) -> Markup:
        """Blocks in order; a section's own, in the order the float pass chose for them."""
        section = self._sections.get(id(blocks))
        if section is None:
            return Markup("\n").join(self.block(b) for b in blocks)
        out = []
        for index in self.placement.order(section):
            block = blocks[index]
            if isinstance(block, m.Table) and (section.id, index) in self.placement.long_tables:
                out.append(self.table(block, long=True))
            else:
                out.append(self.block(block))
        return Markup("\n").join(out)

    def block(self, block) -> Markup:
        if isinstance(block, m.Paragraph):
            return Markup("<p>%s</p>") % self.spans(block.spans)
        if isinstance(block, m.Heading):
            return self.heading(block)
        if isinstance(block, m.ListBlock):
            items = Markup("").join(Markup("<li>%s</li>") % self.blocks(item) for item in block.items)
            if block.ordered:
                start = Markup(' start="%d"') % block.start if block.start != 1 else Markup("")
                return Markup("<ol%s>%s</ol>") % (start, items)
            return Markup("<ul>%s</ul>") % items
        if isinstance(block, m.Quote):
            return Markup("<blockquote>%s</blockquote>") % self.blocks(block.blocks)
        if isinstance(block, m.Callout):
            return Markup('<aside class="callout callout-%s" aria-label="%s">'
                          '<p class="callout-title">%s</p>%s</aside>') % (
                block.kind, block.heading, block.heading, self.blocks(block.blocks))
        if isinstance(block, m.Table):
            return self.table(block)
        if isinstance(block, m.CodeBlock):
            return Markup("<pre>%s</pre>") % block.text
        if isinstance(block, m.FigureBlock):
            return self.figure(self.brief.figure(block.figure_id))
        raise TypeError(f"unknown block {block!r}")

    def heading(self, heading: m.Heading) -> Markup:
        """A heading at its rank in the brief (the section's title is ``<h2>``, ``##`` in its text
        ``<h3>`` ... ``######`` a second ``<h6>``), its class naming its Markdown level so that each
        level has its own style."""
        tag = min(heading.level + 1, 6)
        html_id = Markup(' id="sec-%s"') % heading.id if heading.id else Markup("")
        return Markup('<h%d class="level-%d"%s>%s</h%d>') % (
            tag, heading.level, html_id, self.spans(heading.spans), tag)

    def table(self, table: m.Table, long: bool = False) -> Markup:
        """A table (``long``: taller than a page, so it may break between its rows)."""
        def cell(tag: str, spans, align: str) -> Markup:
            style = Markup(' class="align-%s"') % align if align else Markup("")
            return Markup("<%s%s>%s</%s>") % (tag, style, self.spans(spans), tag)

        aligns = list(table.aligns) + [""] * 64
        self.in_table = True
        try:
            head = Markup("").join(cell("th", c, aligns[i]) for i, c in enumerate(table.header))
            rows = Markup("").join(
                Markup("<tr>%s</tr>") % Markup("").join(cell("td", c, aligns[i]) for i, c in enumerate(row))
                for row in table.rows)
        finally:
            self.in_table = False
        caption = Markup("")
        if table.number:
            caption = Markup('<caption><span class="tbl-label">%s</span> %s</caption>') % (
                self.brief.words("caption_label", label=table.label), self.spans(table.caption))
        html_id = Markup(' id="tbl-%s"') % table.id if table.id else Markup("")
        classes = Markup(' class="long-table"') if long else Markup("")
        out = Markup("<table%s%s>%s<thead><tr>%s</tr></thead><tbody>%s</tbody></table>") % (
            html_id, classes, caption, head, rows)
        # the caption is outside the table's own box: the block keeps the two on one page
        block_class = Markup("table-block long-table" if long else "table-block")
        if table.source:  # a table figure's source line, under the table as under a figure
            out += Markup('<p class="tbl-source fig-source">%s</p>') % self.brief.words(
                "source", source=table.source)
        return Markup('<div class="%s">%s</div>') % (block_class, out) if table.number else out

    def figure(self, figure: m.Figure) -> Markup:
        words = self.brief.words
        caption = Markup('<span class="fig-label">%s</span> <span class="fig-title">%s</span>') % (
            words("caption_label", label=figure.label), words.sentence(figure.title))
        if figure.caption:  # the title and the caption as two sentences of the brief's language
            caption += Markup("%s%s") % (words.sentence_gap, words.sentence(figure.caption))
        source = (Markup('<span class="fig-source">%s</span>') % words("source", source=figure.source)
                  if figure.source else Markup(""))
        if figure.licence:
            source += Markup('<span class="fig-licence">%s</span>') % words("licence", licence=figure.licence)
        width = picture_width(figure) * (self.placement.scales.get(figure.id) or 1)
        style = (Markup(' style="width: %.1f%%; margin: 0 auto"') % width if width < 100
                 else Markup(""))
        return Markup(
            '<figure id="fig-%s" class="figure figure-%s">'
            '<img src="%s" alt="%s"%s>'
            "<figcaption>%s %s</figcaption></figure>"
        ) % (figure.id, figure.kind, self.figure_assets[figure.id], figure.alt, style, caption, source)


PICTURE_MAX_HEIGHT = 0.9  # a picture is at most this many times as tall as the text is wide


def picture_width(figure: m.Figure) -> float:
    """The share of the text width (per cent) a figure's picture takes: the author's ``width``
    (all of it by default), narrowed so that a tall picture, with its caption, fits on a page."""
    if figure.picture is None:
        return 100.0
    width = float(figure.width or 100)
    ratio = figure.picture.height / figure.picture.width
    return min(width, 100.0 * PICTURE_MAX_HEIGHT / ratio)
