"""Same input, same bytes: normalise the zip containers python-pptx writes.

Zip entry times are set to a fixed stamp, entries are written in a stable order with fixed
attributes, and embedded workbooks (chart data) are normalised the same way, recursively.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def normalise_office_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite an OOXML zip so its bytes depend only on its content and ``stamp``."""
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
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
