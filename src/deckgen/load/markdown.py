"""Turn a section's Markdown body into model blocks (markdown-it-py, with footnotes and tables).

Extensions understood here, all plain-Markdown compatible:
  ``![](fig:ID)`` alone in a paragraph places figure ID;
  ``@fig:ID`` in running text refers to it ("Figure 2");
  ``[@key]`` or ``[@a; @b]`` cites references from the brief file.
Raw HTML is never passed through: it stays visible as text.

The text is untrusted. Every link becomes a link token (markdown-it's own ``validateLink``,
which silently leaves ``file:`` or ``javascript:`` links as literal text, is replaced), so a
link to anything but ``http(s)://``, ``mailto:`` or ``#`` is an error at its line; an image is
an error unless it places a figure. Nesting deeper than :data:`MAX_NESTING` and tables larger
than :data:`MAX_TABLE_ROWS` x :data:`MAX_TABLE_COLUMNS` are errors too, so that an absurd
document ends in a message rather than a very long PDF.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from .. import model as m
from ..errors import Collector, Loc

MAX_NESTING = 8
MAX_TABLE_ROWS = 300
MAX_TABLE_COLUMNS = 20
ALLOWED_LINK = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)
_CITE = re.compile(r"\[@([A-Za-z0-9_:-]+(?:\s*;\s*@[A-Za-z0-9_:-]+)*)\]")
_FIGREF = re.compile(r"@fig:([a-z0-9][a-z0-9_-]*[a-z0-9]|[a-z0-9])")


def _citation_rule(state, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = _CITE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"ids": [part.strip().lstrip("@") for part in match.group(1).split(";")]}
    state.pos = match.end()
    return True


def _figref_rule(state, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] == "_"):
        return False
    match = _FIGREF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("figref", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable("smartquotes")  # curly quotes and apostrophes; no other replacements
    md.enable("table").enable("strikethrough")
    md.use(footnote_plugin)
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.inline.ruler.before("link", "figref", _figref_rule)
    md.options["maxNesting"] = MAX_NESTING * 3
    md.validateLink = lambda url: True  # every link is checked, and reported, in _Converter
    return md


_PARSER: MarkdownIt | None = None


def parse_blocks(text: str, file: str, first_line: int, problems: Collector) -> tuple[m.Block, ...]:
    """Parse a Markdown body that starts at ``first_line`` of ``file`` into model blocks."""
    global _PARSER
    if _PARSER is None:
        _PARSER = make_parser()
    tokens = _PARSER.parse(text, {})
    tree = SyntaxTreeNode(tokens)
    converter = _Converter(file, first_line, problems)
    converter.collect_footnotes(tree)
    return tuple(b for child in tree.children for b in converter.block(child, depth=0))


class _Converter:
    def __init__(self, file: str, first_line: int, problems: Collector):
        self.file = file
        self.first_line = first_line
        self.problems = problems
        self.footnotes: dict[int, tuple[m.Inline, ...]] = {}
        self.current_line = first_line
        self.too_deep = False

    def loc(self, node: SyntaxTreeNode) -> Loc:
        if node.map:
            self.current_line = self.first_line + node.map[0]
        return Loc(self.file, self.current_line, 1)

    # ---- footnotes ----
    def collect_footnotes(self, tree: SyntaxTreeNode) -> None:
        for child in tree.children:
            if child.type != "footnote_block":
                continue
            for note in child.children:
                spans: list[m.Inline] = []
                for para in note.children:
                    if para.type == "paragraph":
                        if spans:
                            spans.append(m.Text(" "))
                        spans.extend(self.inlines(para.children[0], self.loc(para)))
                self.footnotes[note.meta["id"]] = tuple(spans)

    # ---- blocks ----
    def block(self, node: SyntaxTreeNode, depth: int) -> list[m.Block]:
        loc = self.loc(node)
        if depth > MAX_NESTING:
            if not self.too_deep:  # once per file: every deeper block would say it again
                self.problems.error(loc, f"content nested more than {MAX_NESTING} levels deep",
                                    expected=f"at most {MAX_NESTING} levels of lists and quotes")
            self.too_deep = True
            return []
        kind = node.type
        if kind == "paragraph":
            return [self.paragraph(node, loc)]
        if kind == "heading":
            level = int(node.tag[1])
            return [m.Heading(min(level + 1, 4), self.inlines(node.children[0], loc), loc)]
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(
                tuple(b for child in item.children for b in self.block(child, depth + 1))
                for item in node.children
            )
            start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else 1
            return [m.ListBlock(kind == "ordered_list", items, loc, start)]
        if kind == "blockquote":
            inner = tuple(b for child in node.children for b in self.block(child, depth + 1))
            return [m.Quote(inner, loc)]
        if kind == "table":
            table = self.table(node, loc)
            return [table] if table is not None else []
        if kind in ("fence", "code_block"):
            return [m.CodeBlock(node.content.rstrip("\n"), loc)]
        if kind in ("footnote_block", "hr"):
            return []
        if kind == "html_block":
            text = node.content.strip()
            return [m.Paragraph((m.Text(text),), loc)] if text else []
        self.problems.error(loc, f"unsupported Markdown element '{kind}'")
        return []

    def paragraph(self, node: SyntaxTreeNode, loc: Loc) -> m.Block:
        inline = node.children[0]
        children = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            src = children[0].attrs.get("src", "")
            if str(src).startswith("fig:"):
                return m.FigureBlock(str(src)[4:], loc)
        return m.Paragraph(self.inlines(inline, loc), loc)

    def table(self, node: SyntaxTreeNode, loc: Loc) -> m.Table | None:
        body = [row for part in node.children if part.type == "tbody" for row in part.children]
        columns = max((len(row.children) for part in node.children for row in part.children),
                      default=0)
        if len(body) > MAX_TABLE_ROWS or columns > MAX_TABLE_COLUMNS:
            self.problems.error(loc, f"table is too large ({len(body):,} rows, {columns} columns)",
                                "table", f"at most {MAX_TABLE_ROWS} rows and {MAX_TABLE_COLUMNS} "
                                "columns; put large data in a figure or an annex")
            return None
        header: tuple = ()
        rows: list = []
        aligns: list[str] = []
        for part in node.children:
            for row in part.children:
                cells = tuple(self.inlines(cell.children[0], loc) if cell.children else ()
                              for cell in row.children)
                if part.type == "thead":
                    header = cells
                    aligns = [_align(cell.attrs.get("style", "")) for cell in row.children]
                else:
                    rows.append(cells)
        return m.Table(header, tuple(rows), tuple(aligns), loc)

    # ---- inlines ----
    def inlines(self, node: SyntaxTreeNode, loc: Loc, strong=False, emph=False) -> tuple[m.Inline, ...]:
        out: list[m.Inline] = []
        for child in node.children:
            out.extend(self.inline(child, loc, strong, emph))
        return tuple(_merge_text(out))

    def inline(self, node: SyntaxTreeNode, loc: Loc, strong: bool, emph: bool) -> list[m.Inline]:
        kind = node.type
        if kind in ("text", "html_inline"):
            return [m.Text(node.content, strong, emph)]
        if kind == "softbreak":
            return [m.Text(" ", strong, emph)]
        if kind == "hardbreak":
            return [m.LineBreak()]
        if kind == "code_inline":
            return [m.Text(node.content, strong, emph, code=True)]
        if kind == "strong":
            return list(self.inlines(node, loc, True, emph))
        if kind in ("em", "s"):
            return list(self.inlines(node, loc, strong, True))
        if kind == "link":
            href = str(node.attrs.get("href", ""))
            text = "".join(_plain(s) for s in self.inlines(node, loc))
            if not ALLOWED_LINK.match(href):
                self.problems.error(loc, f"link target '{href}' is not allowed",
                                    "link", "an http(s):// or mailto: address")
                return [m.Text(text, strong, emph)]
            return [m.Link(text, href)]
        if kind == "image":
            self.problems.error(loc, "images are placed through figure files",
                                "image", "![](fig:ID) alone in a paragraph, with figures/ID.yaml")
            return []
        if kind == "citation":
            return [m.Citation(tuple(node.meta["ids"]), loc)]
        if kind == "figref":
            return [m.FigureRef(node.meta["id"], loc)]
        if kind == "footnote_ref":
            return [m.Footnote(self.footnotes.get(node.meta["id"], ()), loc)]
        self.problems.error(loc, f"unsupported Markdown element '{kind}'")
        return []


def _align(style: str) -> str:
    for side in ("left", "right", "center"):
        if side in style:
            return side
    return ""


def _merge_text(spans: list[m.Inline]) -> list[m.Inline]:
    merged: list[m.Inline] = []
    for span in spans:
        prev = merged[-1] if merged else None
        if (isinstance(span, m.Text) and isinstance(prev, m.Text)
                and (prev.strong, prev.emph, prev.code) == (span.strong, span.emph, span.code)):
            merged[-1] = m.Text(prev.text + span.text, span.strong, span.emph, span.code)
        else:
            merged.append(span)
    return merged


def _plain(span: m.Inline) -> str:
    if isinstance(span, (m.Text, m.Link)):
        return span.text
    return ""


def plain_text(spans, brief: m.Brief | None = None) -> str:
    """Inline spans as plain text; cross-references and citations resolved when a brief is given."""
    out = []
    for span in spans:
        if isinstance(span, (m.Text, m.Link)):
            out.append(span.text)
        elif isinstance(span, m.LineBreak):
            out.append(" ")
        elif isinstance(span, m.FigureRef) and brief is not None:
            out.append(brief.figure(span.figure_id).label)
        elif isinstance(span, m.Citation) and brief is not None:
            out.append("[" + ", ".join(str(brief.reference(i).number) for i in span.ref_ids) + "]")
    return "".join(out)
