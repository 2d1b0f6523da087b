"""Streaming CSV for exports: one line at a time, cells neutralized so a spreadsheet never runs
them as formulas (CSV injection), even where the input rules already refuse such values."""

from __future__ import annotations

import csv
import io

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA)  # each is one character: a set lookup on the first


def neutralize(value) -> str:
    """A CSV cell as text, prefixed with ' when a spreadsheet would read it as a formula.
    (Called once per cell of exports with millions of rows: keep it lean.)"""
    if value is None:
        return ""
    if value is True or value is False:
        return "yes" if value else "no"
    if type(value) is str:
        text = value
    else:
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def csv_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralize(v) for v in values])
    return buffer.getvalue()
