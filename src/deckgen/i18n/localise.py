"""Give the model's labelled nodes the brief's :class:`~deckgen.i18n.labels.Labels`.

Sections ("Section 3", "Appendix A"), numbered tables ("Table 1"), callouts (their default
title) and figures ("Figure 2", and the language their numbers are written in) read their label
from the labels they hold; the loader calls :func:`localised` once the parts are read, before
the cross-reference targets are collected from those labels. Blocks nest at most 8 levels (the
loader's limit), so the rewrite recurses safely.
"""

from __future__ import annotations

import dataclasses

from .. import model as m
from .labels import Labels


def localised(sections, figures, labels: Labels):
    """``(sections, figures)`` with ``labels`` on every node that has a label."""
    sections = tuple(dataclasses.replace(s, labels=labels, blocks=_blocks(s.blocks, labels))
                     for s in sections)
    figures = tuple(dataclasses.replace(f, labels=labels) for f in figures)
    return sections, figures


def _blocks(blocks, labels: Labels) -> tuple:
    return tuple(_block(b, labels) for b in blocks)


def _block(block, labels: Labels):
    if isinstance(block, m.Table):
        return dataclasses.replace(block, labels=labels)
    if isinstance(block, m.Callout):
        return dataclasses.replace(block, labels=labels, blocks=_blocks(block.blocks, labels))
    if isinstance(block, m.Quote):
        return dataclasses.replace(block, blocks=_blocks(block.blocks, labels))
    if isinstance(block, m.ListBlock):
        return dataclasses.replace(block, items=tuple(_blocks(item, labels) for item in block.items))
    return block
