"""Streaming CSV for exports: one line at a time, cells neutralized so a spreadsheet never runs
them as formulas (CSV injection), even where the input rules already refuse such values.

`neutralize` and `csv_line` work cell by cell. For exports of millions of rows, `text_cells`
and `csv_rows` do the same work a column or a batch at a time, in C (map, join, count), and
fall back to the cell-by-cell path for the rare cell that needs it; the bytes are the same."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from operator import itemgetter

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA)  # each is one character: a set lookup on the first
_first_char = itemgetter(slice(0, 1))
_EMPTY_FOR_NONE = {None: ""}


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


def text_cells(values: Sequence[str | None]) -> Sequence[str]:
    """`neutralize` over a column of strings and Nones: the same cells, found faster.

    Checking every first character at once (in C) shows that almost every column batch has
    nothing to neutralize; only one that has goes cell by cell."""
    # filter(None, ...) skips None and "": neither has a first character to check.
    if _FORMULA_FIRST.isdisjoint(map(_first_char, filter(None, values))):
        return list(map(_EMPTY_FOR_NONE.get, values, values)) if None in values else values
    return [neutralize(value) for value in values]


def csv_rows(columns: Sequence[Sequence[str]]) -> str:
    """The CSV text csv.writer writes for these rows, given column by column as str cells.

    csv.writer quotes a cell only when it holds a comma, a quote or a line break. A batch
    whose text has no quote and exactly one comma between cells and one CRLF per row has no
    such cell, so plain joins give csv.writer's bytes, much faster. Otherwise only
    the rows that fail the same check go through csv.writer."""
    width = len(columns)
    if width < 2:  # csv.writer quotes a row that is one empty cell: leave it to csv.writer
        return _written(zip(*columns, strict=True))
    lines = list(map(",".join, zip(*columns, strict=True)))
    count = len(lines)
    lines.append("")
    text = "\r\n".join(lines)
    if _unquoted(text, count, width):
        return text
    return "".join(
        line + "\r\n" if _unquoted(line + "\r\n", 1, width) else _written([row])
        for row, line in zip(zip(*columns, strict=True), lines, strict=False)
    )


def _unquoted(text: str, rows: int, width: int) -> bool:
    """Whether `rows` CRLF-ended lines of `width` cells hold no comma, quote or line break
    inside any cell."""
    return (
        '"' not in text
        and text.count(",") == rows * (width - 1)
        and text.count("\n") == rows
        and text.count("\r") == rows
    )


def _written(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
