"""What each source file may contain, checked with pydantic; errors become located Problems."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import Collector
from .yamlsrc import YamlDoc

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
ID_EXPECTED = "lower-case letters, digits, '-' and '_'"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AuthorIn(_Strict):
    name: str = Field(min_length=1)
    role: str = ""


class ReferenceIn(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    author: str = Field(min_length=1)
    title: str = Field(min_length=1)
    publisher: str = ""
    year: int | None = Field(default=None, ge=0, le=3000)
    url: str = Field(default="", pattern=r"^(https?://\S+)?$")


class BriefIn(_Strict):
    title: str = Field(min_length=1, max_length=300)
    short_title: str = Field(default="", max_length=60)
    subtitle: str = Field(default="", max_length=400)
    date: dt.date
    authors: list[AuthorIn] = Field(min_length=1)
    organisation: str = ""
    distribution: str = ""
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    paper: Literal["a4", "letter"] = "a4"
    keywords: list[str] = []
    summary: str = ""
    logo: str = ""
    sections: list[str] = Field(min_length=1)
    references: list[ReferenceIn] = []


class SectionIn(_Strict):
    id: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9_-]*)?$")
    title: str = Field(min_length=1, max_length=300)
    key_points: list[str] = []
    notes: str = ""
    kind: Literal["body", "recommendations"] = "body"


class SeriesIn(_Strict):
    name: str = ""
    values: list[float] | None = None
    column: str = ""


class EventIn(_Strict):
    year: int
    label: str = Field(min_length=1, max_length=120)


class DataIn(_Strict):
    csv: str = ""
    category: str = ""
    categories: list[str] = []
    series: list[SeriesIn] = []
    events: list[EventIn] = []


class FigureIn(_Strict):
    id: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9_-]*)?$")
    kind: Literal["bar", "column", "line", "pie", "timeline"]
    title: str = Field(min_length=1, max_length=300)
    caption: str = ""
    alt: str = Field(min_length=1)
    source: str = Field(min_length=1)
    units: str = ""
    data: DataIn


def validate(model: type[_Strict], doc: YamlDoc, problems: Collector):
    """Validate ``doc.data`` against ``model``; record each failure at its line. None if invalid."""
    if not isinstance(doc.data, dict):
        problems.error(doc.loc(), "expected a mapping of keys to values", expected="key: value lines")
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors():
            _record(err, model, doc, problems)
        return None


def _record(err: dict, model: type[BaseModel], doc: YamlDoc, problems: Collector) -> None:
    path = tuple(err["loc"])
    field = ".".join(str(p) for p in path)
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _known_keys(model, path[:-1])
        hint = difflib.get_close_matches(str(path[-1]), known, n=1)
        expected = f"did you mean '{hint[0]}'?" if hint else "one of: " + ", ".join(known)
        problems.error(doc.loc(path), "unknown key", field, expected)
        return
    if kind == "missing":
        problems.error(doc.loc(path[:-1]), "required key is missing", field)
        return
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        expected = ID_EXPECTED if "a-z0-9" in pattern else f"matching {pattern}"
        problems.error(doc.loc(path), f"invalid value {err.get('input')!r}", field, expected)
        return
    problems.error(doc.loc(path), err["msg"].replace("Input should be", "should be"), field)


def _known_keys(model: type[BaseModel], path: tuple) -> list[str]:
    """The field names allowed at ``path`` inside ``model``."""
    current = model
    for part in path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _inner_model(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
