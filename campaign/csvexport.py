"""Streaming CSV for exports: one line at a time, cells neutralized so a spreadsheet never runs
them as formulas (CSV injection), even where the input rules already refuse such values."""

from __future__ import annotations

import csv
import io

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value) -> str:
    """A CSV cell as text, prefixed with ' when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralize(v) for v in values])
    return buffer.getvalue()
