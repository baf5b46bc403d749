"""Same input, same bytes: one build timestamp, and stable zip containers.

The build timestamp (:func:`build_stamp`) is ``SOURCE_DATE_EPOCH`` when that is set (the
reproducible-builds.org convention), else noon UTC on the brief's own date. It is never the
clock: two builds of the same source give the same bytes, whenever they run.

``SOURCE_DATE_EPOCH`` is read by :func:`source_date_epoch` alone, and checked once when a command
starts (:func:`check_source_date_epoch`): a value that is not whole seconds between
:data:`EARLIEST_EPOCH` and :data:`LATEST_EPOCH` (what a zip entry can hold) is an environment
problem naming the variable and its value, so no library that reads the variable itself
(matplotlib, fontTools) ever meets a value it cannot parse. An empty value counts as unset.

:func:`normalise_office_zip` rewrites the zip python-pptx writes: every entry gets the build
timestamp, fixed attributes and a stable order, the core properties' dates become the build
timestamp, and embedded workbooks (chart data, written by XlsxWriter with the clock's time in
their own ``docProps/core.xml``) are normalised the same way, recursively.

:func:`pinned_source_date_epoch` sets ``SOURCE_DATE_EPOCH`` while a renderer runs, for the
libraries that read it themselves: fontTools stamps the ``head`` table of every font subset it
writes with the clock's time unless it is set (WeasyPrint subsets fonts with fontTools when
HarfBuzz's subsetter is missing).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re

ENV = "SOURCE_DATE_EPOCH"
_CORE_DATES = re.compile(
    rb"(<(dcterms:created|dcterms:modified|cp:lastPrinted)(?:\s[^>]*)?>)[^<]*(</\2>)")


EARLIEST_EPOCH = 315_532_800    # 1980-01-01T00:00:00Z: the earliest time a zip entry can hold
LATEST_EPOCH = 4_354_819_198    # 2107-12-31T23:59:58Z: the latest
_EPOCH_DIGITS = re.compile(r"[0-9]{1,11}")


def source_date_epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as an aware UTC datetime, or None when unset or empty.

    A value that is not a whole number of seconds from :data:`EARLIEST_EPOCH` to
    :data:`LATEST_EPOCH` raises :class:`~deckgen.errors.EnvironmentProblem`."""
    value = os.environ.get(ENV)
    if value is None or value == "":
        return None
    if not _EPOCH_DIGITS.fullmatch(value) or not EARLIEST_EPOCH <= int(value) <= LATEST_EPOCH:
        from .errors import EnvironmentProblem

        raise EnvironmentProblem(
            f"{ENV}: {value!r} is not a build time (expected whole seconds since 1970-01-01 UTC "
            f"as 'date +%s' prints them, from {EARLIEST_EPOCH} (1980-01-01) to {LATEST_EPOCH} "
            f"(2107-12-31); or unset it to date the outputs by the brief's date)")
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


def check_source_date_epoch() -> dt.datetime | None:
    """Check ``SOURCE_DATE_EPOCH`` before a command does anything else; return its time.

    An empty value is removed from the environment, so the libraries that read the variable
    themselves (fontTools would fail on ``int("")``) see it unset, as deckgen does."""
    stamp = source_date_epoch()
    if stamp is None:
        os.environ.pop(ENV, None)
    return stamp


def build_stamp(date: dt.date) -> dt.datetime:
    """The one timestamp a build writes anywhere: SOURCE_DATE_EPOCH, else noon UTC on ``date``."""
    return source_date_epoch() or dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.UTC)


@contextlib.contextmanager
def pinned_source_date_epoch(stamp: dt.datetime):
    """Run the body with ``SOURCE_DATE_EPOCH`` set to ``stamp`` (unless it is already set)."""
    if os.environ.get(ENV) is not None:
        yield
        return
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    os.environ[ENV] = str(int(aware.timestamp()))
    try:
        yield
    finally:
        os.environ.pop(ENV, None)


def normalise_office_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite an OOXML zip so its bytes depend only on its content and the build timestamp.

    The timestamp is ``SOURCE_DATE_EPOCH`` when that is set, else ``stamp``.
    """
    import zipfile  # here, not above: a build answered from the cache checks the variable only

    stamp = source_date_epoch() or stamp
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    if stamp.year < 1980:  # the earliest time a zip entry can hold
        date_time = (1980, 1, 1, 0, 0, 0)
    elif stamp.year > 2107:  # the latest
        date_time = (2107, 12, 31, 23, 59, 58)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    names = source.namelist()
    ordered = [n for n in names if n == "[Content_Types].xml"] + [n for n in names if n != "[Content_Types].xml"]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in ordered:
            content = source.read(name)
            if name.endswith(".xlsx"):
                content = normalise_office_zip(content, stamp)
            elif name == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>" + iso + rb"\g<3>", content)
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            target.writestr(info, content, compresslevel=6)
    return out.getvalue()
