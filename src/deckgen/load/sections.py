"""The brief's sections: each ``sections/<id>.md`` read, its front matter checked, its body
converted to blocks.

Sections are read in the order ``brief.yaml`` lists them. Each is bounded in size, and so are
all of them together; the Markdown they hold is bounded as a whole too (one
:class:`~deckgen.load.markdown_limits.Budget` carried from section to section). A section that
cannot be read, or Markdown left unread once a limit is passed, makes the reading
``incomplete``: a reference never cited or a figure never placed may then be cited or placed in
what was not read, so the loader does not warn about them.

Sections are numbered 1, 2, ... and appendices (``kind: appendix``) lettered A, B, ...; the
appendices come after every other section (one listed before another section is an error, as
tables and figures are numbered in the order the sections are listed). Captioned tables are
numbered across the sections, in order.
"""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

from .. import model as m
from ..errors import Loc
from .deck_content import warn_without_key_points
from .files import SourceFiles
from .markdown import parse_blocks
from .markdown_limits import Budget
from .schema import MAX_ID_CHARS, MAX_SECTIONS, SectionIn, validate
from .translations import is_translation
from .yaml_hints import front_matter_end
from .yamlsrc import YamlDoc, split_front_matter

MAX_MARKDOWN_BYTES = 200_000      # one section (about 30,000 words)
MAX_TOTAL_MARKDOWN_BYTES = 600_000  # all sections together (about 140 pages of PDF)
LONG_KEY_POINT = 160  # characters: about two lines of a slide bullet at 28 pt


MAX_UNLISTED_WARNINGS = 20  # one warning per unlisted section file, at most
_FIRST_KEY = re.compile(r"^(title|key_points|key_figures|notes|kind|id|deck)[ \t]*:")  # front matter with no '---'


class SectionReader:
    """Reads the sections of one brief, counting what they hold together."""

    def __init__(self, files: SourceFiles):
        self.files = files
        self.problems = files.problems
        self.markdown_bytes = 0
        self.markdown_budget = Budget()  # blocks, footnotes, cells: all sections together
        self.incomplete = False  # a section could not be read: "never cited/placed" may be wrong
        self.tables = 0  # captioned tables numbered so far
        self.broken: set[str] = set()  # sections whose front matter is in error (prose checked)

    def sections(self, ids: list[str], doc: YamlDoc) -> tuple[m.Section, ...]:
        out = []
        seen: set[str] = set()
        for index, section_id in enumerate(ids):
            loc = doc.loc(("sections", index))
            if section_id in seen:
                self.problems.error(loc, f"section '{section_id}' is listed twice", "sections")
                continue
            seen.add(section_id)
            if len(section_id) > MAX_ID_CHARS:  # reported by the schema; it names no file
                self.incomplete = True
                continue
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", section_id):
                self.problems.error(loc, f"invalid section id '{section_id[:80]}'", "sections",
                                    "lower-case letters, digits, '-' and '_'")
                self.incomplete = True
                continue
            path = self.files.source / "sections" / f"{section_id}.md"
            section = self.section(section_id, path, loc)
            if section is None:
                self.incomplete = True
            else:
                out.append(section)
        self.warn_unlisted(seen)
        return self.numbered(out, doc, ids)

    def all_in_folder(self) -> tuple[m.Section, ...]:
        """Every file in ``sections/``, in name order: what is checked when ``brief.yaml`` cannot
        say which sections there are, so that their problems are reported in the same run."""
        folder = self.files.source / "sections"
        paths = sorted(p for p in folder.glob("*.md") if not is_translation(p.name)) if folder.is_dir() else []
        out = []
        for path in paths[:MAX_SECTIONS]:
            section = self.section(path.stem, path, Loc(self.files.rel(path), 1, 1))
            if section is None:
                self.incomplete = True
            else:
                out.append(section)
        return self.numbered(out, None, [])

    def warn_unlisted(self, listed: set[str]) -> None:
        """A section file that ``sections:`` does not list reaches neither output: say so."""
        folder = self.files.source / "sections"
        unlisted = sorted(p for p in folder.glob("*.md") if p.stem not in listed
                          and not is_translation(p.name)) if folder.is_dir() else []
        for path in unlisted[:MAX_UNLISTED_WARNINGS]:
            self.problems.warn(Loc(self.files.rel(path), 1, 1), f"section file '{path.name}' is not "
                               "listed in brief.yaml's sections, so neither output shows it",
                               expected=f"add '{path.stem}' to sections: in source/brief.yaml, or "
                               "move the file out of source/sections/")

    def numbered(self, sections: list[m.Section], doc: YamlDoc | None, ids: list[str]) -> tuple[m.Section, ...]:
        """The sections numbered and the appendices, which must come after them, lettered."""
        body = [s for s in sections if s.kind != "appendix"]
        appendices = [s for s in sections if s.kind == "appendix"]
        if (appendices and body and doc is not None and not self.broken
                and sections.index(appendices[0]) < sections.index(body[-1])):
            index = ids.index(appendices[0].id)
            self.problems.error(doc.loc(("sections", index)), f"appendix '{appendices[0].id}' is "
                                f"listed before section '{body[-1].id}'", "sections",
                                "the appendices at the end of the list")
        if len(appendices) > len(string.ascii_uppercase):
            self.problems.error(appendices[len(string.ascii_uppercase)].at("kind"), "too many appendices",
                                "kind", f"at most {len(string.ascii_uppercase)} (A to Z)")
            appendices = appendices[:len(string.ascii_uppercase)]
        return (tuple(dataclasses.replace(s, number=str(i)) for i, s in enumerate(body, start=1))
                + tuple(dataclasses.replace(s, number=letter)
                        for letter, s in zip(string.ascii_uppercase, appendices)))

    def warn_long_points(self, points: list[str], doc: YamlDoc) -> None:
        """A key point is a slide bullet: past LONG_KEY_POINT characters it reads as a paragraph."""
        for index, point in enumerate(points):
            if len(point) > LONG_KEY_POINT:
                self.problems.warn(doc.loc(("key_points", index)),
                                   f"key point is {len(point)} characters long, too long for a "
                                   "slide bullet", f"key_points.{index}",
                                   f"at most {LONG_KEY_POINT}; move the detail to the prose or notes")

    def front_matter(self, text: str, file: str) -> tuple[str | None, str, int]:
        """(front matter, body, the body's first line); a front matter never closed is an error
        naming the line after which its ``---`` belongs, and is read as if closed there."""
        front, body, body_line = split_front_matter(text)
        if front is not None:
            return front, body, body_line
        lines = text.split("\n")
        if lines[0].strip() != "---":
            opened = _FIRST_KEY.match(lines[0]) is not None
            self.problems.error(Loc(file, 1, 1), "the front matter's opening '---' is missing" if opened
                                else "section file has no front matter", expected=(
                                    "a line '---' above line 1, and another after the front matter"
                                    if opened else "a '---' block with at least 'title:' at the top"))
            return None, text, 1
        end = front_matter_end(lines)
        self.problems.error(Loc(file, end + 1, 1), "the front matter opened with '---' on line 1 "
                            f"is never closed: its closing '---' is missing after line {end + 1}",
                            expected=f"type '---' on a line of its own after line {end + 1}, "
                            "between the front matter and the prose")
        front = "".join(line + "\n" for line in lines[1:end + 1])
        return front, "\n".join(lines[end + 1:]), end + 2

    def section(self, section_id: str, path: Path, listed: Loc) -> m.Section | None:
        def no_file() -> None:
            self.problems.error(listed, f"section '{section_id}' has no file", "sections",
                                f"{self.files.rel(path)}")

        text = self.files.read_text(path, limit=MAX_MARKDOWN_BYTES, if_missing=no_file)
        if text is None:
            return None
        self.markdown_bytes += len(text.encode("utf-8"))
        if self.markdown_bytes > MAX_TOTAL_MARKDOWN_BYTES:
            if self.markdown_bytes - len(text.encode("utf-8")) <= MAX_TOTAL_MARKDOWN_BYTES:
                self.problems.error(Loc(self.files.rel(path)), "the sections together are too long: "
                                    "the limit is passed in this file", expected=(
                                        f"at most {MAX_TOTAL_MARKDOWN_BYTES:,} bytes in all sections"))
            return None
        file = self.files.rel(path)
        front, body, body_line = self.front_matter(text, file)
        if front is None:
            return None
        doc = self.files.yaml(front, path, line_offset=1)
        sec = validate(SectionIn, doc, self.problems) if doc is not None else None
        if sec is None:  # its errors are reported: check the prose all the same
            sec = _stand_in(section_id, doc)
            self.broken.add(section_id)
        elif sec.id and sec.id != section_id:
            self.problems.error(doc.loc(("id",)), f"id '{sec.id}' does not match the file name",
                                "id", f"'{section_id}' or no id")
        self.warn_long_points(sec.key_points, doc)
        blocks = parse_blocks(body, file, body_line, self.problems, self.markdown_budget,
                              first_table=self.tables + 1)
        self.tables += sum(1 for b in m.walk(blocks) if isinstance(b, m.Table) and b.number)
        self.incomplete |= self.markdown_budget.passed  # later Markdown is not read
        point_locs = (tuple(doc.loc(("key_points", i)) for i in range(len(sec.key_points)))
                      if doc is not None else ())
        section = m.Section(section_id, sec.title, tuple(sec.key_points), sec.notes.strip(),
                            sec.kind, blocks, Loc(file, 1, 1), deck=sec.deck, point_locs=point_locs,
                            short_title=sec.short_title.strip(),
                            key_figures=tuple(m.KeyFigure(k.value, k.label, k.source,
                                                          doc.loc(("key_figures", i)))
                                              for i, k in enumerate(sec.key_figures))
                            if doc is not None else (),
                            key_locs=doc.key_locs() if doc is not None else ())
        return section

    def warn_without_key_points(self, sections: tuple[m.Section, ...]) -> None:
        """Say what the deck shows of each section without key points, once the figures are
        read (a ``kind: table`` figure placed is a numbered table, not a figure)."""
        for section in sections:
            if section.id not in self.broken:  # a stand-in's missing key points are not the author's
                warn_without_key_points(section, self.problems)


def _stand_in(section_id: str, doc: YamlDoc | None) -> SectionIn:
    """A section whose front matter is in error, so that its prose, citations, cross-references
    and figures are checked all the same: its title and kind where they can be read."""
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    title = data.get("title") if isinstance(data.get("title"), str) and data.get("title").strip() else section_id
    kind = data.get("kind") if data.get("kind") in ("body", "recommendations", "appendix") else "body"
    return SectionIn.model_construct(id="", title=title, key_points=[], notes="", kind=kind, deck=None)
