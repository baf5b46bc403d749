"""Stale units: the outputs of the parameter rows and editions a brief's source no longer makes.

After each build of a brief, :func:`prune_stale` removes from ``build/`` the outputs (and their
manifest entries) of the rows its params file no longer has and of the editions ``brief.yaml``
no longer lists, through :meth:`deckgen.build.store.Store.prune_units`. Each output's unit is
what its manifest entry records (its ``row`` and ``edition``), never a guess from its slot or
its file name.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..project import Project
from .store import Store


def prune_stale(project: Project, store: Store, built: Iterable[str] = ()) -> list[str]:
    """The outputs of the rows and editions the source no longer lists removed from ``build/``
    with their manifest entries (:meth:`deckgen.build.store.Store.prune_units`), one line said
    per file; never an output of this build (``built``: its slots, "pdf.ja"), whatever its unit
    (``--edition en`` of a brief without ``editions:`` makes "pdf.en"). Each output's unit is
    the row and edition its manifest entry records, so a row named like a language ("fr") is
    never taken for an edition, nor an edition for a row. Nothing is removed while the params
    file is in error (its rows are not known)."""
    from ..load.params import declared, listed_rows
    from ..load.translations import listed_editions

    rows = listed_rows(project.source)
    if rows == []:
        return []
    slugs = None if rows is None else {row.slug for row in rows}
    languages = set(listed_editions(project.source)[1:])
    params = declared(project.source)
    where = f"source/{params[0]}" if params else ""
    made = set(built)
    made_now = {".".join(part for part in (slug or "", language or "") if part) or None
                for slug in (slugs or [None]) for language in [None, *languages]}

    def why_stale(slot: str, entry: dict) -> str | None:
        if slot in made:
            return None
        tag = _slot_tag(slot)
        unit = recorded_unit(entry, tag)
        if unit is None:  # recorded by an older deckgen: a one-part tag is a row or an edition
            return None if tag in made_now else f"'{tag}' is no longer a row or an edition of the brief"
        row, edition = unit
        if row is not None and slugs is None:
            return f"row '{row}': source/brief.yaml no longer declares params:"
        if row is not None and row not in slugs:
            return f"row '{row}' is no longer in {where}"
        if row is None and slugs is not None:
            return f"the brief is now built once per row of {where}"
        if edition is not None and edition not in languages:
            return f"edition '{edition}' is no longer listed in source/brief.yaml"
        return None

    return store.prune_units(why_stale)


def recorded_unit(entry: dict, tag: str | None) -> tuple[str | None, str | None] | None:
    """(row slug, edition language) of an output, as its manifest ``entry`` records them
    (:meth:`deckgen.build.store.Store.commit`); from its slot's ``tag`` when that cannot be
    ambiguous (none, or "row.edition"); None when only the tag says it and it could be either."""
    row, edition = entry.get("row"), entry.get("edition")
    if "row" in entry and "edition" in entry and all(v is None or isinstance(v, str) for v in (row, edition)):
        return row, edition
    if tag is None:
        return None, None
    parts = tag.split(".")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _slot_tag(name: str) -> str | None:
    """The unit's tag in an output's slot: "pdf.jp.ja" → "jp.ja"; "pdf" → None."""
    return name.split(".", 1)[1] if "." in name else None
