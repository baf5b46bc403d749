"""Model blocks and inline spans as escaped HTML for the brief's template.

Everything from the source passes through ``markupsafe.escape``; only the tags written here
reach the document.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from . import model as m


class HtmlWriter:
    """Renders a brief's content; resolves figure numbers, citations and footnotes."""

    def __init__(self, brief: m.Brief, figure_assets: dict[str, str]):
        self.brief = brief
        self.figure_assets = figure_assets  # figure id -> asset URL of its SVG

    # ---- inline ----
    def spans(self, spans) -> Markup:
        return Markup("").join(self.span(s) for s in spans)

    def span(self, span) -> Markup:
        if isinstance(span, m.Text):
            out = escape(span.text)
            if span.code:
                out = Markup("<code>%s</code>") % out
            if span.emph:
                out = Markup("<em>%s</em>") % out
            if span.strong:
                out = Markup("<strong>%s</strong>") % out
            return out
        if isinstance(span, m.Link):
            return Markup('<a href="%s">%s</a>') % (span.href, span.text)
        if isinstance(span, m.LineBreak):
            return Markup("<br>")
        if isinstance(span, m.FigureRef):
            figure = self.brief.figure(span.figure_id)
            return Markup('<a class="xref" href="#fig-%s">%s</a>') % (figure.id, figure.label)
        if isinstance(span, m.Citation):
            refs = [self.brief.reference(i) for i in span.ref_ids]
            links = Markup(", ").join(
                Markup('<a class="cite" href="#ref-%s">%d</a>') % (r.id, r.number) for r in refs)
            return Markup("[%s]") % links
        if isinstance(span, m.Footnote):
            return Markup('<span class="footnote">%s</span>') % self.spans(span.spans)
        raise TypeError(f"unknown inline {span!r}")

    # ---- blocks ----
    def blocks(self, blocks) -> Markup:
        return Markup("\n").join(self.block(b) for b in blocks)

    def block(self, block) -> Markup:
        if isinstance(block, m.Paragraph):
            return Markup("<p>%s</p>") % self.spans(block.spans)
        if isinstance(block, m.Heading):
            return Markup("<h%d>%s</h%d>") % (block.level, self.spans(block.spans), block.level)
        if isinstance(block, m.ListBlock):
            items = Markup("").join(Markup("<li>%s</li>") % self.blocks(item) for item in block.items)
            if block.ordered:
                start = Markup(' start="%d"') % block.start if block.start != 1 else Markup("")
                return Markup("<ol%s>%s</ol>") % (start, items)
            return Markup("<ul>%s</ul>") % items
        if isinstance(block, m.Quote):
            return Markup("<blockquote>%s</blockquote>") % self.blocks(block.blocks)
        if isinstance(block, m.Table):
            return self.table(block)
        if isinstance(block, m.CodeBlock):
            return Markup("<pre>%s</pre>") % block.text
        if isinstance(block, m.FigureBlock):
            return self.figure(self.brief.figure(block.figure_id))
        raise TypeError(f"unknown block {block!r}")

    def table(self, table: m.Table) -> Markup:
        def cell(tag: str, spans, align: str) -> Markup:
            style = Markup(' class="align-%s"') % align if align else Markup("")
            return Markup("<%s%s>%s</%s>") % (tag, style, self.spans(spans), tag)

        aligns = list(table.aligns) + [""] * 64
        head = Markup("").join(cell("th", c, aligns[i]) for i, c in enumerate(table.header))
        rows = Markup("").join(
            Markup("<tr>%s</tr>") % Markup("").join(cell("td", c, aligns[i]) for i, c in enumerate(row))
            for row in table.rows)
        return Markup("<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>") % (head, rows)

    def figure(self, figure: m.Figure) -> Markup:
        caption = Markup('<span class="fig-label">%s.</span> <span class="fig-title">%s</span>') % (
            figure.label, m.sentence(figure.title))
        if figure.caption:
            caption += Markup(" %s") % m.sentence(figure.caption)
        source = (Markup('<span class="fig-source">Source: %s</span>') % figure.source
                  if figure.source else Markup(""))
        return Markup(
            '<figure id="fig-%s" class="figure figure-%s">'
            '<img src="%s" alt="%s">'
            "<figcaption>%s %s</figcaption></figure>"
        ) % (figure.id, figure.kind, self.figure_assets[figure.id], figure.alt, caption, source)


