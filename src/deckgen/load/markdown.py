"""Turn a section's Markdown body into model blocks (markdown-it-py, with footnotes and tables).

Extensions understood here, with Pandoc's, Quarto's and GitHub's syntax:
  ``![](fig:ID)`` alone in a paragraph places figure ID;
  ``@fig:ID``, ``@tbl:ID``, ``@sec:ID`` in running text refer to a figure, a numbered table or
  a section ("Figure 2", "Table 1", "Section 3");
  ``Table: caption {#tbl:ID}`` just after (or before) a table captions and numbers it;
  ``## Heading {#ID}`` gives a heading an id for ``@sec:ID`` and ``#ID`` links;
  ``> [!NOTE]`` (and TIP, IMPORTANT, WARNING, CAUTION) and ``::: {.callout-note}`` ... ``:::``
  make a callout box;
  ``[@key]`` or ``[@a; @b]`` cites references from the brief file;
  a line break between two Chinese or Japanese characters is no space (Pandoc's
  ``east_asian_line_breaks``, :mod:`deckgen.load.east_asian`);
  straight quotes are made curly, ``---`` an em dash, ``--`` an en dash and ``...`` an ellipsis
  (Pandoc's ``smart``, :mod:`deckgen.load.smart_dashes`).
Raw HTML is never passed through: it stays visible as text, with a warning. So does every other
construct deckgen does not turn into output (an unknown ``[!FOO]`` alert, a fenced div that is
not a callout, a ``Table:`` caption beside no table, a footnote defined but never called).

The text is untrusted. Every link becomes a link token (markdown-it's own ``validateLink``,
which silently leaves ``file:`` or ``javascript:`` links as literal text, is replaced) and is
checked with the other spans (:mod:`deckgen.load.spans`). What a brief may hold is bounded
(:mod:`deckgen.load.markdown_limits`): the blocks are counted while markdown-it parses, so a
section of a hundred thousand one-line paragraphs stops at the limit instead of being parsed in
full, and once the brief's budget is passed the rest of its Markdown is not read.

markdown-it's flat token stream is converted without recursion (an explicit stack of open
blocks here, counters for emphasis in the spans), so deep nesting costs no more than its length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .. import model as m
from ..errors import Collector, Loc
from .east_asian import east_asian_line_breaks
from .markdown_ext import (
    CAPTION,
    NO_MATCH,
    TABLE_ATTRS,
    Alert,
    BlockExtensions,
    Caption,
    TableAttributes,
    citation_rule,
    is_caption_row,
    is_comment,
    narrative_rule,
    table_attributes,
    task_marked,
    trimmed,
    warn_uncalled_notes,
    warn_unread_blocks,
    warn_unread_line,
)
from .markdown_limits import MAX_NESTING, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, Budget
from .smart_dashes import smart_dashes
from .spans import SpanConverter

_CROSSREF = re.compile("@(" + "|".join(m.CROSSREF_KINDS) + r"):([a-z0-9][a-z0-9_-]*[a-z0-9]|[a-z0-9])")
_BUDGET_KEY = "deckgen.budget"


class _LimitPassed(Exception):
    """Raised inside markdown-it to stop parsing once the brief's block budget is passed."""


def _crossref_rule(state, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] == "_"):
        return False
    match = _CROSSREF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.meta = {"kind": match.group(1), "id": match.group(2)}
    state.pos = match.end()
    return True


def _block_budget_rule(state, start_line: int, end_line: int, silent: bool) -> bool:
    """Tried first at every block start, nested ones included: counts the block, and stops the
    parse once the brief's budget is passed. Never matches anything itself."""
    counter = state.env.get(_BUDGET_KEY)
    if counter is not None and not silent:
        counter(start_line)
    return False


def make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable("smartquotes")  # curly quotes and apostrophes; no other replacements
    md.enable("table").enable("strikethrough")
    md.use(footnote_plugin)
    md.inline.ruler.before("link", "citation", citation_rule)
    md.inline.ruler.before("link", "crossref", _crossref_rule)
    md.inline.ruler.after("crossref", "narrative_citation", narrative_rule)
    # Pandoc's fenced divs: "::: {.callout-note}" ... ":::" (the converter says which it knows)
    container_plugin(md, "div", validate=lambda params, markup: bool(params.strip()))
    first_rule = md.block.ruler.get_all_rules()[0]
    md.block.ruler.before(first_rule, "budget", _block_budget_rule)
    md.options["maxNesting"] = MAX_NESTING * 3
    md.validateLink = lambda url: True  # every link is checked, and reported, in _Converter
    md.core.ruler.push("east_asian_line_breaks", east_asian_line_breaks)  # as Pandoc's extension
    md.core.ruler.before("text_join", "smart_dashes", smart_dashes)  # before escapes join the text
    return md


_PARSER: MarkdownIt | None = None


def parse_blocks(text: str, file: str, first_line: int, problems: Collector,
                 budget: Budget | None = None, first_table: int = 1) -> tuple[m.Block, ...]:
    """Parse a Markdown body that starts at ``first_line`` of ``file`` into model blocks.

    ``budget`` carries the counts of the brief's earlier sections (a fresh one when None);
    the first captioned table is numbered ``first_table``."""
    global _PARSER
    if _PARSER is None:
        _PARSER = make_parser()
    budget = budget if budget is not None else Budget()
    if budget.passed:
        return ()

    def count_block(line: int) -> None:
        if not budget.spend("blocks", 1, Loc(file, first_line + line, 1), problems):
            raise _LimitPassed

    env = {_BUDGET_KEY: count_block}
    try:
        tokens = _PARSER.parse(text, env)
    except _LimitPassed:
        return ()
    converter = _Converter(file, first_line, problems, budget, first_table)
    converter.lines = text.split("\n")
    blocks = converter.convert(tokens)
    warn_uncalled_notes(env, text, file, first_line, problems)
    return blocks


def _split_footnotes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """The body's tokens, and each footnote's tokens by id (markdown-it puts them at the end)."""
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"], [])
        elif token.type == "footnote_close":
            current = None
        elif current is not None:
            current.append(token)
        elif token.type not in ("footnote_block_open", "footnote_block_close"):
            body.append(token)
    return body, notes


_CONTAINERS = ("bullet_list_open", "ordered_list_open", "blockquote_open", "container_div_open")


@dataclass
class _Open:
    """A block whose opening token has been read and whose closing token has not."""

    token: Token | None
    loc: Loc
    parts: list = field(default_factory=list)  # what its content has produced so far
    dropped: bool = False  # nested too deep: its content is skipped
    opens_quote: bool = False  # the first paragraph of a block quote: may be an alert's
    opens_item: bool = False  # the first paragraph of a list item: may be a task's


class _Converter(BlockExtensions):
    def __init__(self, file: str, first_line: int, problems: Collector, budget: Budget,
                 first_table: int = 1):
        self.next_table = first_table
        self.file = file
        self.first_line = first_line
        self.problems = problems
        self.budget = budget
        self.spans: SpanConverter | None = None  # once the footnotes are split off
        self.current_line = first_line
        self.too_deep = False
        self.lines: list[str] = []  # the Markdown's lines, for what markdown-it does not keep

    def loc(self, token: Token) -> Loc:
        if token.map:
            self.current_line = self.first_line + token.map[0]
        return Loc(self.file, self.current_line, 1)

    def convert(self, tokens: list[Token]) -> tuple[m.Block, ...]:
        body, note_tokens = _split_footnotes(tokens)
        self.spans = SpanConverter(self.file, self.first_line, self.problems, self.budget, note_tokens)
        return tuple(self.settled(self.blocks(body)))

    # ---- blocks ----
    def blocks(self, tokens: list[Token]) -> list:
        """The blocks of a flat token stream, built with a stack of the blocks still open."""
        stack = [_Open(None, Loc(self.file, self.first_line, 1))]
        containers = 0  # lists and quotes open
        for token in tokens:
            parent = stack[-1]
            if token.nesting == 1:
                loc = self.loc(token)
                is_container = token.type in _CONTAINERS
                containers += is_container
                dropped = parent.dropped or (is_container and self.nested_too_deep(containers, loc))
                opens_quote = (token.type == "paragraph_open" and parent.token is not None
                               and parent.token.type == "blockquote_open" and not parent.parts)
                opens_item = (token.type == "paragraph_open" and parent.token is not None
                              and parent.token.type == "list_item_open" and not parent.parts)
                stack.append(_Open(token, loc, dropped=dropped, opens_quote=opens_quote,
                                   opens_item=opens_item))
            elif token.nesting == -1:
                block = stack.pop()
                containers -= block.token.type in _CONTAINERS
                if not block.dropped:
                    for part in self.closed(block):
                        self.add(stack[-1].parts, part)
            elif not parent.dropped:
                parent.parts.extend(self.leaf(token))
        return stack[0].parts

    def nested_too_deep(self, containers: int, loc: Loc) -> bool:
        if containers <= MAX_NESTING:
            return False
        if not self.too_deep:  # once per file: every deeper block would say it again
            self.problems.error(loc, f"content nested more than {MAX_NESTING} levels deep",
                                expected=f"at most {MAX_NESTING} levels of lists and quotes")
        self.too_deep = True
        return True

    def leaf(self, token: Token) -> list:
        """What a token without content of its own gives its open block."""
        kind = token.type
        if kind == "inline":
            return [token]  # its open block (paragraph, heading, cell) converts it
        loc = self.loc(token)
        if kind in ("fence", "code_block"):
            return [m.CodeBlock(token.content.rstrip("\n"), loc)]
        if kind == "hr" and token.map:
            warn_unread_line(self.lines[token.map[0]] if token.map[0] < len(self.lines) else "",
                             loc, self.problems)
        if kind in ("hr", "footnote_anchor"):
            return []
        if kind == "html_block":
            text = token.content.strip()
            if is_comment(text):
                return []
            return [m.Paragraph((m.Text(text),), loc)] if text else []
        self.problems.error(loc, f"unsupported Markdown element '{kind}'")
        return []

    def closed(self, block: _Open) -> list:
        """What a block gives its parent once its closing token is read."""
        kind, loc, parts = block.token.type, block.loc, block.parts
        inline = next((p for p in parts if isinstance(p, Token)), None)
        if kind == "paragraph_open":
            if inline is None or is_comment(inline.content):
                return []  # an HTML comment is hidden, as CommonMark, GitHub and Pandoc hide it
            if block.opens_item:
                inline = task_marked(inline)
            return self.quote_opening(inline, loc) if block.opens_quote else [self.paragraph(inline, loc)]
        if kind == "heading_open":
            return [self.heading(int(block.token.tag[1]), inline, loc)]
        if kind == "list_item_open":
            return [tuple(self.settled(parts))]
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(block.token.attrs.get("start", 1)) if ordered else 1
            return [m.ListBlock(ordered, tuple(parts), loc, start)]
        if kind == "blockquote_open":
            parts = self.settled(parts)
            if parts and isinstance(parts[0], Alert):
                return [m.Callout(parts[0].kind, parts[0].title, tuple(parts[1:]), loc,
                                  deck=parts[0].deck)]
            return [m.Quote(tuple(parts), loc)]
        if kind == "container_div_open":
            return self.div(block.token.info.strip(), self.settled(parts), loc)
        if kind in ("th_open", "td_open"):
            return [(inline, _align(str(block.token.attrs.get("style", ""))), loc)]
        if kind == "tr_open":
            return [parts]
        if kind in ("thead_open", "tbody_open"):
            return [(kind, parts)]
        if kind == "table_open":
            table = self.table(parts, loc)
            return [table] if table is not None else []
        self.problems.error(loc, f"unsupported Markdown element '{kind.removesuffix('_open')}'")
        return []

    def paragraph(self, inline: Token, loc: Loc):
        children = [c for c in inline.children or () if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            src = str(children[0].attrs.get("src", ""))
            if src.startswith("fig:"):
                return m.FigureBlock(src[4:], loc)
        caption = CAPTION.match(inline.content)
        if caption:
            caption_block = self.caption(inline, bool(caption.group(1)), loc)
            if caption_block is not None:
                return caption_block
        warn_unread_blocks(inline.content, loc, self.problems)
        return m.Paragraph(self.spans.inlines(inline, loc), loc)

    def caption(self, inline: Token, named: bool, loc: Loc) -> Caption | None:
        """A ``Table:`` (``named``) or ``:`` paragraph as a table's caption, its attributes read;
        None when it cannot be one (a bare ``:`` is a caption only with an id)."""
        cut = trimmed(inline, CAPTION, TABLE_ATTRS)
        if cut is None:
            return None
        rest, _, block = cut
        attributes = table_attributes(block) if block else None
        if block and attributes is None:  # plain braces ending the caption: its own words
            rest = trimmed(inline, CAPTION, NO_MATCH)[0]
        attributes = attributes or TableAttributes()
        for name in attributes.unused:
            self.problems.warn(loc, f"table attribute '{name}' is not used", "table",
                               "#tbl:id and source=\"...\"")
        table_id = self.valid_id(attributes.table_id, loc) if attributes.table_id else ""
        paragraph = m.Paragraph(self.spans.inlines(inline, loc), loc)
        return Caption(self.spans.inlines(rest, loc), table_id, paragraph, loc, attributes.source,
                       bare=not (named or table_id))

    def table(self, parts: list, loc: Loc) -> m.Table | None:
        """A table from its (thead|tbody, rows) parts; each row a list of (inline, align)."""
        head = [row for kind, rows in parts if kind == "thead_open" for row in rows]
        body = [row for kind, rows in parts if kind == "tbody_open" for row in rows]
        columns = max((len(row) for row in head + body), default=0)
        if len(body) > MAX_TABLE_ROWS or columns > MAX_TABLE_COLUMNS:
            self.problems.error(loc, f"table is too large ({len(body):,} rows, {columns} columns)",
                                "table", f"at most {MAX_TABLE_ROWS} rows and {MAX_TABLE_COLUMNS} "
                                "columns; put large data in a figure or an annex")
            return None
        caption = None
        if body and is_caption_row(body[-1]):  # "Table: ..." on the line after the table
            caption = self.paragraph(body[-1][0][0], loc)
            if isinstance(caption, Caption):
                body.pop()
        cells = [inline for row in head + body for inline, _, _ in row]
        chars = sum(len(inline.content) for inline in cells if inline is not None)
        if not (self.budget.spend("table_cells", len(cells), loc, self.problems)
                and self.budget.spend("table_chars", chars, loc, self.problems)):
            return None

        def spans(row) -> tuple:
            return tuple(self.spans.inlines(inline, at) if inline is not None else ()
                         for inline, _, at in row)

        header = spans(head[0]) if head else ()
        aligns = tuple(align for _, align, _ in head[0]) if head else ()
        table = m.Table(header, tuple(spans(row) for row in body), aligns, loc)
        return self.captioned(table, caption) if isinstance(caption, Caption) else table


def _align(style: str) -> str:
    for side in ("left", "right", "center"):
        if side in style:
            return side
    return ""


def plain_text(spans, brief: m.Brief | None = None) -> str:
    """Inline spans as plain text; cross-references and citations resolved when a brief is given."""
    out = []
    for span in spans:
        if isinstance(span, (m.Text, m.Link)):
            out.append(span.text)
        elif isinstance(span, m.LineBreak):
            out.append(" ")
        elif isinstance(span, m.CrossRef) and brief is not None:
            found = brief.target(span.key)
            out.append(found[0] if found else span.key)
        elif isinstance(span, m.Citation) and brief is not None and brief.bibliography:
            out.append(brief.bibliography.citation(span)[1])
    return "".join(out)
