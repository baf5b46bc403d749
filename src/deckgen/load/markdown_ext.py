"""The constructs authors know from Pandoc, Quarto and GitHub that deckgen reads on top of
CommonMark's blocks: table captions, heading ids, callouts, and footnotes defined but never called.

- ``Table: caption {#tbl:ID source="..."}`` (or ``: caption``) on the line after a table, after
  a blank line or just before it captions the table beside it, which is then numbered ("Table 1")
  in the order of the brief, with its source line; a ``Table:`` paragraph beside no table is shown
  as a paragraph, with a warning.
- ``## Heading {#ID}`` (or ``{#sec:ID}``): the heading's id, a target of ``@sec:ID`` and ``#ID``.
- GitHub's alerts, ``> [!NOTE]`` (TIP, IMPORTANT, WARNING, CAUTION; a title may follow on the
  line), and Quarto's callouts, ``::: {.callout-note title="..."}`` ... ``:::`` (or a first
  heading as the title), become :class:`~deckgen.model.Callout` blocks. An unknown ``[!FOO]`` is a
  plain quote and any other fenced div its bare content, each with a warning.
- Pandoc's citations, ``[see @key, p. 12; @b]``, ``[-@key]`` and the narrative ``@key``
  (:func:`citation_rule`, :func:`narrative_rule`).

:class:`BlockExtensions` holds the converter's methods for these (see
:class:`deckgen.load.markdown._Converter`); the rest are plain functions.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from markdown_it.token import Token

from .. import model as m
from ..cite.syntax import BRACKETED, NARRATIVE, is_crossref_key, parse_bracketed
from ..errors import Collector, Loc, did_you_mean

CAPTION = re.compile(r"^(Table)?:[ \t]+")  # Pandoc's table caption: "Table: ..." or ": ..."
TABLE_ATTRS = re.compile(r"[ \t]*\{([^{}]*)\}[ \t]*$")  # "{#tbl:ID source=\"...\"}" ending a caption
# (quotes as typed, or as smart quotes made them)
TABLE_ATTR = re.compile(r"""#tbl:(?P<id>[^\s{}]*)|\.(?P<cls>[\w-]+)|(?P<key>[A-Za-z][\w-]*)="""
                        r"""(?:["“](?P<dq>[^"“”]*)["”]|['‘](?P<sq>[^'‘’]*)['’]|(?P<bare>[^\s"'“”‘’]+))""")
NO_MATCH = re.compile(r"(?!)")
HEADING_ID = re.compile(r"[ \t]*\{#(?:sec:)?([^\s{}]*)[^{}]*\}[ \t]*$")
VALID_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
ALERT = re.compile(r"^\[!([A-Za-z]+)\][ \t]*(.*)$")
DIV_CLASS = re.compile(r"^\{?\s*\.?callout-([a-z]+)\b")
DECK_MARK = re.compile(r"[ \t]*\{\s*\.deck\s*\}[ \t]*$")  # "> [!NOTE] Title {.deck}"
DIV_DECK = re.compile(r"(?:^|[\s{])\.deck(?=[\s}]|$)")          # "::: {.callout-note .deck}"
DIV_TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)'|(\S+?))\s*(?:\}|$|\s)""")
NOTE_DEFINITION = r"(?m)^ {0,3}\[\^%s\]:"


@dataclass(frozen=True)
class Caption:
    """A ``Table:`` paragraph, until it is joined to the table beside it."""

    spans: tuple
    table_id: str
    paragraph: m.Paragraph  # what it is shown as when beside no table
    loc: Loc
    source: str = ""  # from the attributes' source="..."
    bare: bool = False  # Pandoc's ": caption": a caption only beside a table


@dataclass(frozen=True)
class TableAttributes:
    """The attributes ending a ``Table:`` caption, Pandoc's ``{#tbl:ID key="value" .class}``:
    the id, the ``source``, and what deckgen does not use (a warning each)."""

    table_id: str = ""
    source: str = ""
    unused: tuple[str, ...] = ()


def table_attributes(text: str) -> TableAttributes | None:
    """The attribute block's ``text`` read, or None when it is not one (plain braces, kept)."""
    found, at = {}, 0
    unused = []
    text = text.strip()
    while at < len(text):
        match = TABLE_ATTR.match(text, at)
        if match is None:
            return None
        if match["id"] is not None:
            found["id"] = match["id"]
        elif match["cls"] is not None:
            unused.append("." + match["cls"])
        elif match["key"] == "source":
            found["source"] = next(v for v in (match["dq"], match["sq"], match["bare"]) if v is not None)
        else:
            unused.append(match["key"])
        at = match.end()
        while at < len(text) and text[at] in " \t":
            at += 1
        if at < len(text) and at == match.end():
            return None
    if not found and not unused:
        return None
    return TableAttributes(found.get("id", ""), found.get("source", "").strip(), tuple(unused))


@dataclass(frozen=True)
class Alert:
    """The ``[!NOTE]`` line opening a block quote, until the quote closes."""

    kind: str
    title: str
    deck: bool = False  # marked for the deck with {.deck}


class BlockExtensions:
    """The converter's handling of captions, heading ids and callouts (it sets ``problems``,
    ``spans`` and ``next_table``, and converts paragraphs with ``paragraph``)."""

    def add(self, parts: list, part) -> None:
        """``part`` added to an open block's ``parts``; a caption joins the table beside it
        (Pandoc's ``Table:`` comes after the table, or before it)."""
        previous = parts[-1] if parts else None
        if isinstance(part, Caption) and isinstance(previous, m.Table) and not previous.number:
            parts[-1] = self.captioned(previous, part)
        elif isinstance(part, m.Table) and isinstance(previous, Caption) and not part.number:
            parts[-1] = self.captioned(part, previous)
        else:
            parts.append(part)

    def captioned(self, table: m.Table, caption: Caption) -> m.Table:
        number, self.next_table = self.next_table, self.next_table + 1
        return dataclasses.replace(table, number=number, caption=caption.spans, id=caption.table_id,
                                   source=caption.source)

    def settled(self, parts: list) -> list:
        """An open block's parts once it closes: a ``Table:`` caption beside no table is shown
        as the paragraph it is, with a warning."""
        out = []
        for part in parts:
            if isinstance(part, Caption) and part.bare:
                self.problems.warn(part.loc, DEFINITION_WARNING, "definition", DEFINITION_ADVICE)
                part = part.paragraph
            elif isinstance(part, Caption):
                self.problems.warn(part.loc, "table caption is beside no table, so it is shown as "
                                   "a paragraph", "table", "'Table: caption {#tbl:id}' on the line "
                                   "after a table, or after a blank line")
                part = part.paragraph
            out.append(part)
        return out

    def heading(self, level: int, inline: Token | None, loc: Loc) -> m.Heading:
        """A heading at its Markdown level; a trailing ``{#id}`` is its id, not its text."""
        cut = trimmed(inline, None, HEADING_ID) if inline is not None else None
        if cut is not None and cut[2]:
            return m.Heading(level, self.spans.inlines(cut[0], loc), loc, self.valid_id(cut[2], loc))
        return m.Heading(level, self.spans.inlines(inline, loc), loc)

    def valid_id(self, found: str, loc: Loc) -> str:
        """``found`` if it can be referred to, else "" and an error."""
        if VALID_ID.fullmatch(found):
            return found
        self.problems.error(loc, f"invalid id '{found[:80]}'", "id",
                            "lower-case letters, digits, '-' and '_'")
        return ""

    def quote_opening(self, inline: Token, loc: Loc) -> list:
        """A block quote's first paragraph: a GitHub alert's ``[!NOTE]`` line (with an optional
        title after it) opens a callout; an unknown ``[!FOO]`` leaves a plain quote, with a warning."""
        children = list(inline.children or ())
        cut = next((i for i, c in enumerate(children) if c.type in ("softbreak", "hardbreak")),
                   len(children))
        first_line = "".join(c.content for c in children[:cut] if c.type in ("text", "code_inline"))
        match = ALERT.match(first_line.strip()) if children and children[0].type == "text" else None
        if match is None:
            return [self.paragraph(inline, loc)]
        kind = match.group(1).lower()
        if kind not in m.CALLOUT_KINDS:
            known = [f"[!{k.upper()}]" for k in m.CALLOUT_KINDS]
            self.problems.warn(loc, f"unknown callout '[!{match.group(1)}]' is shown as a plain quote",
                               "callout", did_you_mean(f"[!{match.group(1).upper()}]", known)
                               or "one of " + ", ".join(known))
            return [self.paragraph(inline, loc)]
        rest = children[cut + 1:]
        title = match.group(2).strip()
        deck = DECK_MARK.search(title) is not None
        parts: list = [Alert(kind, DECK_MARK.sub("", title).strip(), deck)]
        if rest:
            parts.append(m.Paragraph(self.spans.inlines(inline.copy(children=rest), loc), loc))
        return parts

    def div(self, params: str, parts: list, loc: Loc) -> list:
        """A fenced div: Quarto's ``{.callout-note}`` (``title="..."``, or a first heading, gives
        its title) is a callout; any other div's content is shown without it, with a warning."""
        match = DIV_CLASS.match(params)
        kind = match.group(1) if match else ""
        if kind not in m.CALLOUT_KINDS:
            known = [f"callout-{k}" for k in m.CALLOUT_KINDS]
            self.problems.warn(loc, f"fenced div '::: {params[:60]}' is not a callout: its content "
                               "is shown as plain text", "callout",
                               did_you_mean(f"callout-{kind}" if kind else params, known)
                               or "::: {.callout-note} and the other kinds: " + ", ".join(known))
            return parts
        title = DIV_TITLE.search(params)
        title_text = next((g for g in title.groups() if g is not None), "") if title else ""
        if not title_text and parts and isinstance(parts[0], m.Heading):
            title_text, parts = _plain(parts[0].spans), parts[1:]
        return [m.Callout(kind, title_text.strip(), tuple(parts), loc,
                          deck=DIV_DECK.search(params) is not None)]


def is_caption_row(row) -> bool:
    """Whether a table's last row is its caption: "Table: ..." in its first cell, the rest empty
    (a GFM table takes the line after it as a row)."""
    first, *others = [inline for inline, _, _ in row]
    return (first is not None and CAPTION.match(first.content) is not None
            and all(o is None or not o.content.strip() for o in others))


def trimmed(inline: Token, prefix: re.Pattern | None, suffix: re.Pattern):
    """``inline`` without ``prefix`` at the start of its first text and ``suffix`` at the end of
    its last; with the two matches' first groups. None when its children do not allow it."""
    children = list(inline.children or ())
    if not children:
        return None
    found_prefix = found_suffix = ""
    if prefix is not None:
        if children[0].type != "text" or not prefix.match(children[0].content):
            return None
        match = prefix.match(children[0].content)
        found_prefix = match.group(0)
        children[0] = children[0].copy(content=children[0].content[match.end():])
    last = children[-1]
    if last.type == "text":
        match = suffix.search(last.content)
        if match:
            found_suffix = match.group(1)
            children[-1] = last.copy(content=last.content[:match.start()])
    children = [c for c in children if c.type != "text" or c.content]
    return inline.copy(children=children), found_prefix, found_suffix


# ---- what Pandoc or GitHub read and deckgen does not ----------------------------------------

COMMENT = re.compile(r"^\s*<!--.*?-->\s*$", re.DOTALL)
TASK = re.compile(r"^\[([ xX])\][ \t]+")
TASK_BOXES = {" ": "\u2610 ", "x": "\u2612 ", "X": "\u2612 "}  # ☐ and ☒, as Pandoc writes them
SIMPLE_TABLE_RULE = re.compile(r"^[ \t]*-{3,}(?:[ \t]+-{3,})+[ \t]*$")
DEFINITION = re.compile(r"\n {0,3}:[ \t]+\S")
DEFINITION_WARNING = "definition list is not read: its terms and definitions are shown as a paragraph"
DEFINITION_ADVICE = "a list of '- **term**: definition'"


def is_comment(text: str) -> bool:
    """Whether ``text`` is nothing but an HTML comment (hidden, as every Markdown reader hides it)."""
    return COMMENT.match(text) is not None


def task_marked(inline: Token) -> Token:
    """A list item's first paragraph with GitHub's and Pandoc's task mark ``[ ]`` or ``[x]``
    shown as the box Pandoc writes for it (☐, ☒)."""
    children = list(inline.children or ())
    if not children or children[0].type != "text":
        return inline
    match = TASK.match(children[0].content)
    if match is None:
        return inline
    children[0] = children[0].copy(content=TASK_BOXES[match.group(1)] + children[0].content[match.end():])
    return inline.copy(children=children, content=TASK_BOXES[match.group(1)] + inline.content[match.end():])


def warn_unread_line(line: str, loc: Loc, problems: Collector) -> None:
    """A warning for a thematic break (``---``, ``***``): a Pandoc simple table's rule of dashes,
    or a horizontal rule, which the brief does not draw."""
    if SIMPLE_TABLE_RULE.match(line):
        problems.warn(loc, "Pandoc simple table is not read: its rule of dashes is left out and its "
                      "rows are shown as paragraphs", "table", "a pipe table: | a | b |, then "
                      "| --- | --- |")
    else:
        problems.warn(loc, "horizontal rule is not drawn: the brief separates its parts by headings",
                      "rule", "a heading (## Title) where a new part begins, or no rule")


def warn_unread_blocks(content: str, loc: Loc, problems: Collector) -> None:
    """A warning for a paragraph that is a Pandoc definition list (``term`` then ``: definition``)."""
    if DEFINITION.search(content):
        problems.warn(loc, DEFINITION_WARNING, "definition", DEFINITION_ADVICE)


def warn_uncalled_notes(env: dict, text: str, file: str, first_line: int, problems: Collector) -> None:
    """A warning at each footnote definition that no call in its file uses (it is not shown)."""
    refs = env.get("footnotes", {}).get("refs", {})
    for key, note_id in refs.items():
        if note_id != -1:
            continue
        label = key[1:]
        found = re.search(NOTE_DEFINITION % re.escape(label), text)
        line = first_line + text.count("\n", 0, found.start()) if found else first_line
        problems.warn(Loc(file, line, 1), f"footnote '[^{label}]' is defined but never called, so "
                      "it is not shown", "footnote", f"a call [^{label}] in the text, or no definition")


def _plain(spans) -> str:
    return "".join(s.text for s in spans if isinstance(s, (m.Text, m.Link)))


# ---- Pandoc's citations (inline rules; see deckgen.cite.syntax) --------------------------

def citation_rule(state, silent: bool) -> bool:
    """``[@key, p. 12; see @b]`` as a citation token (a bracket holding no citation is left to
    the link rule)."""
    if state.src[state.pos] != "[":
        return False
    match = BRACKETED.match(state.src, state.pos)
    items = parse_bracketed(match.group(1)) if match else None
    if not items:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": items, "narrative": False}
    state.pos = match.end()
    return True


def narrative_rule(state, silent: bool) -> bool:
    """A bare ``@key`` (not an e-mail address, not a cross-reference) as a narrative citation."""
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_@"):
        return False
    match = NARRATIVE.match(state.src, state.pos)
    if not match or is_crossref_key(match.group(1)):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"items": (m.CiteItem(match.group(1)),), "narrative": True}
    state.pos = match.end()
    return True
