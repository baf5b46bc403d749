"""What each source file may contain, checked with pydantic; errors become located Problems.

Every text and every list has an upper bound. The bounds are far above what a policy brief
needs; they are there so that an absurd source (a 100,000-character key point, 10,000 key
points) ends in a clear error instead of minutes of text measuring or a thousand-slide deck.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..errors import Collector, did_you_mean
from ..figures.kinds import KINDS
from .markdown_limits import MAX_TABLE_COLUMNS
from .value_hints import value_hint
from .yamlsrc import YamlDoc

MAX_ID_CHARS = 80            # a section, figure or reference id (section and figure ids name files)
MAX_PATH_CHARS = 200         # a path written in the source (a CSV, the logo)
FIRST_DATE = dt.date(1980, 1, 1)   # the dates a zip file (the deck) can hold: 1980 to 2107
LAST_DATE = dt.date(2107, 12, 31)
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
ID_EXPECTED = "lower-case letters, digits, '-' and '_'"
URL_PATTERN = r"^(https?://\S+)?$"
URL_EXPECTED = "an http:// or https:// address"
EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
ORCID_URL = re.compile(r"^https?://(?:www\.)?orcid\.org/")
PERSON_EXPECTED = {
    "email": "an address such as jane.doe@example.org",
    "orcid": "an ORCID iD as 0000-0002-1825-0097 (or https://orcid.org/0000-0002-1825-0097)",
    "orcid_check": "the iD as the person's ORCID record shows it",
}

MAX_SECTIONS = 60
MAX_KEY_POINTS = 30          # per section
MAX_KEY_POINT_CHARS = 600
MAX_NOTES_CHARS = 20_000
MAX_REFERENCES = 300
MAX_CATEGORIES = 500         # also the most data rows a CSV may hold
MAX_SERIES = 12
MAX_EVENTS = 40
MAX_LABEL_CHARS = 200        # a category or series name
MAX_ABS_VALUE = 1e15         # a chart value; beyond this axes and chart XML misbehave


def _text(max_length: int, min_length: int = 0):
    return Field(default="", min_length=min_length, max_length=max_length)


Label = Annotated[str, Field(max_length=MAX_LABEL_CHARS)]
Value = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_ABS_VALUE, le=MAX_ABS_VALUE)]
MaybeValue = Value | None    # an inline chart value; null: no value there (a gap)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AuthorIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    role: str = _text(200)
    affiliation: str = _text(300)
    email: str = _text(254)
    orcid: str = _text(60)   # 0000-0002-1825-0097, or https://orcid.org/0000-0002-1825-0097

    @field_validator("email")
    @classmethod
    def _an_address(cls, email: str) -> str:
        return checked_email(email)

    @field_validator("orcid")
    @classmethod
    def _an_orcid(cls, orcid: str) -> str:
        if not orcid:
            return orcid
        bare = ORCID_URL.sub("", orcid)
        if not ORCID.fullmatch(bare):
            raise PydanticCustomError("orcid", "invalid ORCID iD {value}", {"value": repr(orcid[:80])})
        if orcid_check_digit(bare[:-1].replace("-", "")) != bare[-1]:
            raise PydanticCustomError("orcid_check", "ORCID iD {value} does not end in its check "
                                      "digit, so it holds a typing mistake", {"value": repr(orcid[:80])})
        return bare


def checked_email(email: str) -> str:
    if email and not EMAIL.fullmatch(email):
        raise PydanticCustomError("email", "invalid e-mail address {value}", {"value": repr(email[:80])})
    return email


def orcid_check_digit(digits: str) -> str:
    """The last character of an ORCID iD from its first 15 digits (ISO 7064 MOD 11-2)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


class ReferenceIn(_Strict):
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_CHARS)
    type: str = Field(default="book", pattern=r"^[a-z][a-z_-]*$", max_length=40)  # a CSL type
    author: str = Field(min_length=1, max_length=500)
    title: str = Field(min_length=1, max_length=500)
    container_title: str = _text(500)  # the journal, book or site it is part of
    publisher: str = _text(300)
    place: str = _text(200)
    year: int | None = Field(default=None, ge=0, le=3000)
    page: str = _text(40)
    doi: str = _text(200)
    url: str = Field(default="", pattern=URL_PATTERN, max_length=2000)
    accessed: dt.date | None = None


class ContactIn(_Strict):
    name: str = _text(200)
    email: str = _text(254)
    url: str = Field(default="", pattern=URL_PATTERN, max_length=2000)

    @field_validator("email")
    @classmethod
    def _an_address(cls, email: str) -> str:
        return checked_email(email)


MAX_KEY_FIGURES = 8  # per section: two slides of four


class KeyFigureIn(_Strict):
    value: str = Field(min_length=1, max_length=40)  # as the text writes it: "$52 billion"
    label: str = Field(min_length=1, max_length=120)
    source: str = _text(300)


class BriefDeckIn(_Strict):
    reveal: Literal["none", "bullets"] | None = None  # None: the theme's deck.reveal


class BriefIn(_Strict):
    title: str = Field(min_length=1, max_length=300)
    short_title: str = _text(60)
    subtitle: str = _text(400)
    date: dt.date
    authors: list[AuthorIn] = Field(min_length=1, max_length=30)
    organisation: str = _text(200)
    distribution: str = _text(100)
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)
    editions: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35)]] = Field(
        default=[], max_length=20)  # the original's language first (deckgen.load.editions)
    paper: Literal["a4", "letter"] = "a4"
    keywords: list[Annotated[str, Field(max_length=60)]] = Field(default=[], max_length=30)
    summary: str = _text(3000)
    logo: str = _text(MAX_PATH_CHARS)
    contact: ContactIn | None = None
    deck: BriefDeckIn | None = None
    sections: list[Annotated[str, Field(max_length=MAX_ID_CHARS)]] = Field(
        min_length=1, max_length=MAX_SECTIONS)
    references: list[ReferenceIn] = Field(default=[], max_length=MAX_REFERENCES)
    # .bib or CSL-JSON files under source/
    bibliography: list[Annotated[str, Field(max_length=MAX_PATH_CHARS)]] | str = Field(
        default=[], max_length=20)
    csl: str = _text(MAX_PATH_CHARS)  # a bundled style's name, or a .csl file
    params: str = _text(MAX_PATH_CHARS)  # a CSV or YAML file: one brief per row (deckgen.load.params)
    param_key: str = Field(default="", max_length=MAX_LABEL_CHARS)  # the value naming each row's outputs

    @field_validator("date")
    @classmethod
    def _date_every_output_holds(cls, date: dt.date) -> dt.date:
        if not FIRST_DATE <= date <= LAST_DATE:
            raise PydanticCustomError("date_range", "{date} is out of range", {"date": str(date)})
        return date


class SectionIn(_Strict):
    id: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9_-]*)?$", max_length=MAX_ID_CHARS)
    title: str = Field(min_length=1, max_length=300)
    short_title: str = _text(80)  # the running header's, when the title is long
    key_points: list[Annotated[str, Field(max_length=MAX_KEY_POINT_CHARS)]] = Field(
        default=[], max_length=MAX_KEY_POINTS)
    notes: str = _text(MAX_NOTES_CHARS)
    kind: Literal["body", "recommendations", "appendix"] = "body"
    deck: bool | None = None  # an appendix is in the deck only with deck: true
    key_figures: list[KeyFigureIn] = Field(default=[], max_length=MAX_KEY_FIGURES)


class SeriesIn(_Strict):
    name: Label = ""
    values: list[MaybeValue] | None = Field(default=None, max_length=MAX_CATEGORIES)
    column: str = _text(MAX_LABEL_CHARS)
    colour: str = _text(40)      # "#RRGGBB", checked by the loader


class EventIn(_Strict):
    year: int = Field(ge=-9999, le=9999)
    label: str = Field(min_length=1, max_length=120)


def _data_schema(schema: dict) -> None:
    """The JSON Schema of ``data:`` takes the CSV file's name alone too (a table's rows); the
    keys of the mapping are checked as before, since they apply to a mapping only."""
    schema["type"] = ["object", "string"]
    schema["maxLength"] = MAX_PATH_CHARS


class DataIn(_Strict):
    model_config = ConfigDict(json_schema_extra=_data_schema)

    csv: str = _text(MAX_PATH_CHARS)
    category: str = _text(MAX_LABEL_CHARS)
    categories: list[Label] = Field(default=[], max_length=MAX_CATEGORIES)
    series: list[SeriesIn] = Field(default=[], max_length=MAX_SERIES)
    events: list[EventIn] = Field(default=[], max_length=MAX_EVENTS)
    x: Any = ""  # a scatter chart's x: a CSV column, or a list of values (checked by the loader)
    where: dict[Annotated[str, Field(max_length=MAX_LABEL_CHARS)], str | int | float] = Field(
        default={}, max_length=10)  # the CSV's rows whose columns equal these values


class TableColumnIn(_Strict):
    """One column a ``kind: table`` figure shows: the CSV's ``column``, its heading (``name``,
    default the CSV's) and the number ``format`` of its cells (default: as written)."""

    column: str = Field(min_length=1, max_length=MAX_LABEL_CHARS)
    name: Label = ""
    format: str = _text(40)      # a number format (deckgen.figures.numbers), checked by the loader


def _csv_shorthand(value):
    """``data: data/x.csv`` (a table's rows) is ``data: {csv: data/x.csv}``."""
    return {"csv": value} if isinstance(value, str) else value


class FigureIn(_Strict):
    id: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9_-]*)?$", max_length=MAX_ID_CHARS)
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    title: str = Field(min_length=1, max_length=300)
    caption: str = _text(1000)
    alt: str = Field(min_length=1, max_length=2000)
    source: str = Field(min_length=1, max_length=500)
    units: str = _text(60)
    stacked: bool | str = False  # true, false or "percent", checked by the loader
    format: str = _text(40)      # a number format (deckgen.figures.numbers), checked by the loader
    x_title: str = _text(100)
    y_title: str = _text(100)
    markers: bool = True
    file: str = _text(MAX_PATH_CHARS)  # an image figure's picture, a file under source/
    licence: str = _text(300)          # an image figure's licence line
    width: int | str = ""              # an image figure's width in the PDF: "60%" (checked by the loader)
    data: DataIn = DataIn()
    columns: list[TableColumnIn | str] = Field(default=[], max_length=MAX_TABLE_COLUMNS)  # a table's
    message: str = _text(300)    # the slide's action title (default: the caption's first sentence)

    _csv = field_validator("data", mode="before")(_csv_shorthand)


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
        expected = did_you_mean(str(path[-1]), known) or "one of: " + ", ".join(known)
        problems.error(doc.loc(path), "unknown key", field, expected)
        return
    if kind == "missing":
        problems.error(doc.loc(path[:-1]), "required key is missing", field)
        return
    if kind == "string_pattern_mismatch":
        problems.error(doc.loc(path), f"invalid value {_shown(err.get('input'))}", field,
                       _pattern_expected(err.get("ctx", {}).get("pattern", "")))
        return
    ctx = err.get("ctx", {})
    if kind == "string_too_long":
        length = len(err.get("input") or "")
        problems.error(doc.loc(path), f"text is too long ({length:,} characters)", field,
                       f"at most {ctx.get('max_length', 0):,}")
        return
    if kind == "too_long":
        problems.error(doc.loc(path), f"too many items ({ctx.get('actual_length', 0):,})", field,
                       f"at most {ctx.get('max_length', 0):,}")
        return
    hint = value_hint(err, str(path[-1]) if path else "")
    if hint is not None:
        problems.error(doc.loc(path), hint[0], field, hint[1])
        return
    if kind == "date_range":
        problems.error(doc.loc(path), f"{ctx['date']} is outside the years {FIRST_DATE.year} to "
                       f"{LAST_DATE.year}", field, "the deck is a zip file, whose entry times "
                       "hold only those years")
        return
    if kind in PERSON_EXPECTED:
        problems.error(doc.loc(path), err["msg"], field, PERSON_EXPECTED[kind])
        return
    if kind == "finite_number":
        problems.error(doc.loc(path), "should be a finite number", field, "not .inf or .nan")
        return
    if kind == "string_type" and _reads_as_key_value(err.get("input")):
        key, value = next(iter(err["input"].items()))
        text = f"{key}: {value}" if value is not None else f"{key}:"
        problems.error(doc.loc(path), "this text reads as 'key: value' because of the ': ' in it",
                       field, f'put it in double quotes: "{_quoted(text)}"')
        return
    problems.error(doc.loc(path), err["msg"].replace("Input should be", "should be"), field)


def _reads_as_key_value(value) -> bool:
    """A text with ': ' in it, left unquoted, that YAML read as a one-entry mapping."""
    return (isinstance(value, dict) and len(value) == 1
            and all(isinstance(v, (str, int, float, type(None))) for v in value.values()))


def _quoted(text: str) -> str:
    shown = text.replace("\\", "\\\\").replace('"', '\\"')
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _pattern_expected(pattern: str) -> str:
    if pattern == URL_PATTERN:
        return URL_EXPECTED
    if "a-z0-9" in pattern:
        return ID_EXPECTED
    if pattern.startswith("^[a-z]{2,3}"):
        return "a language tag such as en, fr or pt-BR"
    return f"matching {pattern}"


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
