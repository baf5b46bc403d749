"""The brief's references: numbered in order, each work listed once.

A reference that repeats another (the same author, title and year, compared without case or
punctuation) is merged into the first with a warning naming both places; citations of its id
are then counted as citations of the first (the aliases the model keeps).
"""

from __future__ import annotations

import re

from .. import model as m
from ..errors import Collector, Loc
from .schema import ReferenceIn
from .yamlsrc import YamlDoc


def merge_references(refs: list[ReferenceIn], doc: YamlDoc,
                     problems: Collector) -> tuple[tuple[m.Reference, ...], dict[str, str]]:
    """The references numbered in order, each work once: a repeat (same author, title and year)
    is merged into the first with a warning, and ``{repeated id: kept id}`` returned beside."""
    kept: list[tuple[ReferenceIn, Loc]] = []
    aliases: dict[str, str] = {}
    for index, ref in enumerate(refs):
        loc = doc.loc(("references", index))
        twin = next(((k, kloc) for k, kloc in kept if _same_work(k, ref)), None)
        if twin is not None:
            aliases[ref.id] = twin[0].id
            problems.warn(loc, f"reference '{ref.id}' repeats '{twin[0].id}' at {twin[1]};"
                          " merged into one entry", "references")
            continue
        if any(k.id == ref.id for k, _ in kept):
            problems.error(doc.loc(("references", index, "id")),
                           f"duplicate reference id '{ref.id}'", "references",
                           "each reference id once")
            continue
        kept.append((ref, loc))
    references = tuple(
        m.Reference(r.id, n, r.author, r.title, r.publisher, r.year, r.url, loc)
        for n, (r, loc) in enumerate(kept, start=1)
    )
    return references, aliases


def _same_work(a: ReferenceIn, b: ReferenceIn) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().lower()
    return (norm(a.author), norm(a.title), a.year) == (norm(b.author), norm(b.title), b.year)
