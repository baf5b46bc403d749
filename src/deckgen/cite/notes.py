"""Where a note style's footnote mark goes in the body text, as Pandoc places it.

Pandoc's ``notes-after-punctuation`` (on by default) sets a citation that becomes a footnote
after the punctuation that follows it, with no space before the mark: "First [@doe2020]." is
"First.¹" and "one [@a], two" is "one,¹ two". :func:`placed` rearranges a run of inline spans
so; the note itself is left to its writer.
"""

from __future__ import annotations

import dataclasses

from .. import model as m

PUNCTUATION = ".,;:!?"


def placed(spans, is_note) -> list:
    """``spans`` with each note citation (``is_note(span)``) after the punctuation that follows
    it and the space before it removed."""
    out = list(spans)
    index = 0
    while index < len(out):
        span = out[index]
        if not (isinstance(span, m.Citation) and is_note(span)):
            index += 1
            continue
        before = out[index - 1] if index else None
        if isinstance(before, m.Text) and not before.code and before.text != before.text.rstrip():
            out[index - 1] = dataclasses.replace(before, text=before.text.rstrip())
        after = out[index + 1] if index + 1 < len(out) else None
        if isinstance(after, m.Text) and not after.code:
            moved = len(after.text) - len(after.text.lstrip(PUNCTUATION))
            if moved:
                mark = dataclasses.replace(after, text=after.text[:moved])
                rest = dataclasses.replace(after, text=after.text[moved:])
                out[index:index + 2] = [mark, span] + ([rest] if rest.text else [])
                index += 1
        index += 1
    return out


def capitalised(markup: str) -> str:
    """A note's HTML with its first letter a capital ("see Kim" → "See Kim"), as Pandoc sets a
    footnote that starts with a citation's prefix; tags and entities before it are skipped."""
    index, inside = 0, False
    while index < len(markup):
        char = markup[index]
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif char == "&" and not inside:
            end = markup.find(";", index)
            index = end if end > 0 else index
        elif not inside and not char.isspace() and char not in "“‘\"'(":
            return markup[:index] + char.upper() + markup[index + 1:] if char.islower() else markup
        index += 1
    return markup
