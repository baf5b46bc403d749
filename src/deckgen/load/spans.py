"""Markdown inline tokens to model spans: text with its emphasis, links, line breaks,
citations, cross-references and footnotes.

An inline token's children are a flat stream; emphasis and links are tracked with counters and
a stack rather than by recursion, so ``*`` six hundred deep or ``[`` a thousand deep cost no
more than their length. Every link becomes a link token (see :func:`~deckgen.load.markdown.
make_parser`) and is checked here: one to anything but ``http(s)://``, ``mailto:`` or ``#`` is
an error at its line, and so is an image (pictures enter only as figures). A footnote's text is
converted at its first call and counted against the brief's footnote budget at every call; a
footnote may not call another, so footnote spans never nest in the model.

Text that looks like Markdown deckgen did not understand is shown as it was written, with a
warning at its line: a footnote call with no definition (``[^x]``), a citation that did not
parse (``[@key, p. 4]``) and raw HTML (``<b>``).
"""

from __future__ import annotations

import dataclasses
import re

from markdown_it.token import Token

from .. import model as m
from ..errors import Collector, Loc
from .east_asian import JOIN
from .markdown_limits import Budget

ALLOWED_LINK = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)
UNDEFINED_NOTE = re.compile(r"\[\^([^\]\s]+)\]")
# "[" then anything without brackets up to an "@" that starts a word (not an e-mail address)
CITATION_LIKE = re.compile(r"\[[^\[\]]*?(?<![\w.@])-?@\w[^\[\]]*\]?")
# Pandoc's bracketed span "[text]{.class}", and attributes after code or a link ("`x`{.py}")
BRACKETED_SPAN = re.compile(r"\[([^\[\]]*)\](\{[^{}]*\})")
ATTRIBUTES_AFTER = re.compile(r"^\{[ \t]*[.#][^{}]*\}")
SCRIPT = re.compile(r"(?<!\^)\^[^\s^\[\]]+\^|(?<!~)~[^\s~]+~(?!~)")  # Pandoc's 2^10^, H~2~O
RAW_HTML = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>")


class SpanConverter:
    """Converts the inline tokens of one section; ``note_tokens`` are its footnotes' tokens."""

    def __init__(self, file: str, first_line: int, problems: Collector, budget: Budget,
                 note_tokens: dict[int, list[Token]]):
        self.file = file
        self.first_line = first_line
        self.problems = problems
        self.budget = budget
        self.note_tokens = note_tokens
        self.notes: dict[int, tuple[m.Inline, ...]] = {}  # converted at their first call
        self.in_note = False
        self.citations = 0  # citations converted so far: the next one's seq

    def inlines(self, inline: Token | None, loc: Loc) -> tuple[m.Inline, ...]:
        """The spans of an inline token: its flat children read in order, emphasis and links
        tracked with counters and a stack rather than by recursion. ``loc`` is the block's
        first line; each line break moves the location a line on."""
        out: list[m.Inline] = []
        strong = emph = strike = 0
        line = loc.line
        links: list[tuple[str, int, bool, bool, int]] = []  # href, text start, strong, emph, line
        for child in (inline.children or ()) if inline is not None else ():
            kind = child.type
            if kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind == "em_open":
                emph += 1
            elif kind == "em_close":
                emph -= 1
            elif kind == "s_open":
                strike += 1
            elif kind == "s_close":
                strike -= 1
            elif kind == "link_open":
                links.append((str(child.attrs.get("href", "")), len(out), strong > 0, emph > 0, line))
            elif kind == "link_close" and links:
                href, start, bold, italic, link_line = links.pop()
                text = "".join(_plain(s) for s in out[start:])
                del out[start:]
                out.append(self.link(href, text, bold, italic, Loc(loc.file, link_line, 1)))
            else:
                spans = self.inline(child, Loc(loc.file, line, 1), strong > 0, emph > 0)
                if strike:
                    spans = [_struck(s) for s in spans]
                out.extend(spans)
                line += kind in ("softbreak", "hardbreak")
        return tuple(_merge_text(out))

    def link(self, href: str, text: str, strong: bool, emph: bool, loc: Loc) -> m.Inline:
        if not ALLOWED_LINK.match(href):
            self.problems.error(loc, f"link target '{href}' is not allowed",
                                "link", "an http(s):// or mailto: address")
            return m.Text(text, strong, emph)
        return m.Link(text, href, loc)

    def inline(self, token: Token, loc: Loc, strong: bool, emph: bool) -> list[m.Inline]:
        kind = token.type
        if kind in ("text", "html_inline"):
            text = self.without_attributes(token.content, loc)
            self.check_text(text, loc)
            return [m.Text(text, strong, emph)]
        if kind == "softbreak":  # no space between two Chinese or Japanese characters
            return [] if token.meta.get(JOIN) else [m.Text(" ", strong, emph)]
        if kind == "hardbreak":
            return [m.LineBreak()]
        if kind == "code_inline":
            return [m.Text(token.content, strong, emph, code=True)]
        if kind == "image":
            self.problems.error(loc, "images are placed through figure files", "image",
                                picture_advice(str(token.attrs.get("src", ""))))
            return []
        if kind == "citation":
            self.citations += 1
            items = tuple(token.meta["items"])
            return [m.Citation(tuple(i.key for i in items), loc, items, token.meta["narrative"],
                               self.citations)]
        if kind == "crossref":
            return [m.CrossRef(token.meta["kind"], token.meta["id"], loc)]
        if kind == "footnote_ref":
            return self.footnote(token.meta["id"], loc)
        self.problems.error(loc, f"unsupported Markdown element '{kind}'")
        return []

    def without_attributes(self, text: str, loc: Loc) -> str:
        """``text`` without Pandoc's attributes of a span (``[text]{.smallcaps}`` keeps its text),
        of code or of a link (``{.python}`` after them): deckgen uses none, and says so."""
        found = [m.group(2) for m in BRACKETED_SPAN.finditer(text)]
        text = BRACKETED_SPAN.sub(lambda m: m.group(1), text)
        after = ATTRIBUTES_AFTER.match(text)
        if after:
            found.append(after.group(0))
            text = text[after.end():]
        for attributes in found:
            self.problems.warn(loc, f"attributes '{attributes[:60]}' are not used: the text is shown "
                               "without them", "attributes", "the text alone; classes and ids on "
                               "spans, code and links have no effect in a brief")
        return text

    def check_text(self, text: str, loc: Loc) -> None:
        """A warning for what in ``text`` looks like Markdown deckgen did not turn into output."""
        for match in UNDEFINED_NOTE.finditer(text):
            self.problems.warn(loc, f"footnote '{match.group(0)}' has no definition and is shown as "
                               "text", "footnote", f"a line '{match.group(0)}: ...' in this file")
        for match in CITATION_LIKE.finditer(text):
            self.problems.warn(loc, f"citation '{match.group(0).strip()}' was not understood and "
                               "is shown as text", "citation",
                               "[@key], [@key, p. 12], [see @a; @b], [-@key] or @key")
        for match in SCRIPT.finditer(text):
            kind = "superscript" if match.group(0).startswith("^") else "subscript"
            self.problems.warn(loc, f"{kind} '{match.group(0)[:40]}' is shown as written", kind,
                               "the text without the marks, such as 'H2O' or '2 to the 10th'")
        match = RAW_HTML.search(text)
        if match:
            self.problems.warn(loc, f"raw HTML '{match.group(0)[:40]}' is shown as text, not as "
                               "HTML", "html", "Markdown, or the text without the tags")

    def footnote(self, note_id: int, loc: Loc) -> list[m.Inline]:
        """A footnote call at ``loc``: the note's text (converted at its first call), counted
        against the brief's footnote budget."""
        if self.in_note:
            self.problems.error(loc, "a footnote cannot call another footnote", "footnote",
                                "write the other note's text into this one")
            return []
        if note_id not in self.notes:
            self.notes[note_id] = self.note_spans(self.note_tokens.get(note_id, []), loc)
        spans = self.notes[note_id]
        chars = sum(len(_plain(s)) for s in spans)
        if not (self.budget.spend("footnotes", 1, loc, self.problems)
                and self.budget.spend("footnote_chars", chars, loc, self.problems)):
            return []
        return [m.Footnote(spans, loc)]

    def note_spans(self, tokens: list[Token], call: Loc) -> tuple[m.Inline, ...]:
        """A note's text as one run of spans: the text of each of its blocks, joined by spaces."""
        spans: list[m.Inline] = []
        line = call.line  # a note's text is located at its blocks' lines, from the call on
        self.in_note = True
        try:
            for token in tokens:
                if token.map:
                    line = self.first_line + token.map[0]
                if token.type in ("fence", "code_block"):  # code in a note stays code
                    spans.extend([m.Text(" ")] * bool(spans) + [m.Text(token.content.strip("\n"),
                                                                      code=True)])
                if token.type != "inline":
                    continue
                if spans:
                    spans.append(m.Text(" "))
                spans.extend(self.inlines(token, Loc(self.file, line, 1)))
        finally:
            self.in_note = False
        return tuple(_merge_text(spans))


def _merge_text(spans: list[m.Inline]) -> list[m.Inline]:
    """Runs of Text with the same style joined into one (in linear time: pieces, then a join)."""
    merged: list[m.Inline] = []
    run: list[str] = []
    style: tuple | None = None

    def flush() -> None:
        if run:
            merged.append(m.Text("".join(run), *style))
            run.clear()

    for span in spans:
        if isinstance(span, m.Text):
            if (span.strong, span.emph, span.code, span.strike) != style:
                flush()
                style = (span.strong, span.emph, span.code, span.strike)
            run.append(span.text)
        else:
            flush()
            style = None
            merged.append(span)
    flush()
    return merged


def _struck(span: m.Inline) -> m.Inline:
    return dataclasses.replace(span, strike=True) if isinstance(span, m.Text) else span


def _plain(span: m.Inline) -> str:
    if isinstance(span, (m.Text, m.Link)):
        return span.text
    return ""


def picture_advice(src: str) -> str:
    """What to write instead of ``![alt](src)``: a picture is a figure, with its alt text, source
    and licence in a figure file, so that it is numbered, referable and in the deck."""
    path = src.replace("\\", "/")
    stem = re.sub(r"[^a-z0-9_-]+", "-", path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()).strip("-")
    figure_id = stem or "picture"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^[/~]", path) or ".." in path.split("/") or not stem:
        path = f"images/{figure_id}.png"
    return (f"figures/{figure_id}.yaml with kind: image, file: {path[:80]}, title, alt and source; "
            f"then ![](fig:{figure_id}) alone in a paragraph")
