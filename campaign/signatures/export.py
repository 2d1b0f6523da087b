"""CSV export of an appeal's signatures, streamed batch by batch (admin download and
`flask export signatures SLUG`). Cells that a spreadsheet would run as a formula are
neutralized even though signing already refuses such names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter

import sqlalchemy as sa

from campaign.core.csvexport import csv_line, csv_rows, neutralize, text_cells
from campaign.core.database import UTCDateTime
from campaign.core.datakeys import unsealer
from campaign.core.extensions import db
from campaign.signatures.models import Signature

COLUMNS = (
    "id",
    "created_at",
    "state",
    "confirmed_at",
    "name",
    "email",
    "country",
    "city",
    "public_name",
    "wants_updates",
    "language",
    "ref",
    "flagged",
    "invalidation_reason",
)
#: Rows per database fetch and per chunk of text yielded. The per-batch work is noise at
#: this size, and a batch's objects stay in the CPU cache, so larger batches cost more CPU
#: time (docs/performance.md has the figures).
BATCH = 500
#: Columns stored sealed (campaign.core.datakeys): opened per batch, not read as they are.
SEALED = ("name", "email", "city")
_PLAIN = tuple(name for name in COLUMNS if name not in SEALED)

Cells = Callable[[Sequence], Sequence[str]]
Process = Callable[[object], object] | None


def signature_csv(query: sa.Select, batch: int = BATCH) -> Iterator[str]:
    """CSV text (header first) for the signatures `query` selects, one chunk per batch of rows.

    The bytes are those of csv.writer over `neutralize(value)` for each value as the ORM
    loads it, but the work is done a column at a time on the driver's raw values: no Row
    objects of the ORM, no type processing per cell, no csv.writer for rows that need no
    quoting. Memory stays flat however many rows there are."""
    yield csv_line(COLUMNS)
    columns = [getattr(Signature, name) for name in _PLAIN]
    connection = db.session.connection()
    dialect = connection.dialect
    fast = [_cells_for(column.type) for column in columns]
    slow = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
    # Coerced to NullType, the columns come back as the driver gives them (SQLite: datetimes
    # as text, booleans as 0/1); the cell functions turn those into the same text.
    raw = [sa.type_coerce(column, sa.types.NullType()).label(column.key) for column in columns]
    sealed = (Signature.appeal_id, Signature.shown_name, Signature.sealed_name,
              Signature.sealed_email, Signature.sealed_city)  # fmt: skip
    statement = query.with_only_columns(*raw, *sealed).execution_options(yield_per=batch)
    openers: dict[int, Callable] = {}
    with connection.execute(statement) as result:
        for rows in result.partitions():
            yield _batch_text(rows, fast, slow, openers)


def _opened(extra: list[Sequence], openers: dict) -> dict[str, list]:
    """The sealed columns' values, opened with each appeal's key (looked up once)."""
    names, emails, cities = [], [], []
    for appeal_id, shown, name, email, city in zip(*extra, strict=True):
        opener = openers.get(appeal_id)
        if opener is None:
            opener = openers[appeal_id] = unsealer(appeal_id)
        names.append(shown if shown is not None else opener("signature.name", name))
        emails.append(opener("signature.email", email))
        cities.append(opener("signature.city", city))
    return {"name": names, "email": emails, "city": cities}


def _batch_text(
    rows: Sequence[Sequence], fast: Sequence[Cells], slow: Sequence[Process], openers: dict
) -> str:
    values = list(zip(*rows, strict=True))
    plain = len(_PLAIN)
    opened = _opened(values[plain:], openers)
    values = values[:plain]
    try:
        cells = dict(
            zip(_PLAIN, [c(column) for c, column in zip(fast, values, strict=True)], strict=True)
        )
        return csv_rows([cells[n] if n in cells else text_cells(opened[n]) for n in COLUMNS])
    except TypeError:
        # A value of a type the fast cells do not expect (and the schema rules out): the
        # whole batch goes the cell-by-cell way, through SQLAlchemy's own type processing.
        cells = {
            name: [neutralize(value) for value in (map(process, column) if process else column)]
            for name, process, column in zip(_PLAIN, slow, values, strict=True)
        }
        return csv_rows(
            [cells[n] if n in cells else [neutralize(v) for v in opened[n]] for n in COLUMNS]
        )


def _cells_for(column_type: sa.types.TypeEngine) -> Cells:
    """The fast cells of a column type. Each returns what `neutralize` gives for the values
    SQLAlchemy would load, or raises TypeError (directly, or by leaving a non-str cell that
    csv_rows' join refuses) for a raw value it does not expect."""
    if isinstance(column_type, sa.Boolean):
        return _bool_cells
    if isinstance(column_type, sa.Integer):
        return _int_cells
    if isinstance(column_type, UTCDateTime):
        return _utc_cells
    if isinstance(column_type, sa.String):
        return text_cells
    raise NotImplementedError(f"no CSV cells for {column_type!r} in signatures/export.py")


_BOOL_TEXT = {True: "yes", False: "no", None: ""}  # SQLite's 1 and 0 hash as True and False


def _bool_cells(values: Sequence) -> Sequence[str]:
    return list(map(_BOOL_TEXT.get, values))  # anything else becomes None: a TypeError later


def _int_cells(values: Sequence) -> Sequence[str]:
    if None in values or min(values, default=0) < 0:  # "" for None; "'-1" for -1
        return [neutralize(value) for value in values]
    return list(map(str, values))


_fromisoformat = dt.datetime.fromisoformat


def _utc_text(value: str | dt.datetime | None) -> str:
    """A UTCDateTime value in ISO format, as neutralize(UTCDateTime's loaded value) gives it.

    SQLite returns naive UTC as text, which SQLAlchemy's SQLite dialect parses with
    fromisoformat; PostgreSQL returns an aware datetime in the session's time zone. Neither
    can start like a formula (a four-digit year comes first)."""
    if value is None:
        return ""
    moment = value if type(value) is dt.datetime else _fromisoformat(value)
    if moment.tzinfo is None:
        return moment.isoformat() + "+00:00"
    return moment.astimezone(dt.UTC).isoformat()


def _utc_cells(values: Sequence) -> Sequence[str]:
    present = [value for value in values if value is not None] if None in values else values
    if not present:
        return [""] * len(values)
    if type(present[0]) is str:
        cells = _sqlite_utc_cells(present)
    elif type(present[0]) is dt.datetime:
        cells = _aware_utc_cells(present)
    else:
        cells = None
    if cells is None:
        return list(map(_utc_text, values))
    if present is values:
        return cells
    found = iter(cells)
    return ["" if value is None else next(found) for value in values]


_tzinfo = attrgetter("tzinfo")
_astimezone = dt.datetime.astimezone
_isoformat = dt.datetime.isoformat


def _aware_utc_cells(moments: Sequence[dt.datetime]) -> list[str] | None:
    """`_utc_text` of each aware datetime (PostgreSQL), mapped in C rather than called per
    cell, or None if one is naive. (A value that is no datetime raises TypeError.)"""
    if None in map(_tzinfo, moments):
        return None
    return list(map(_isoformat, map(_astimezone, moments, repeat(dt.UTC))))


#: A datetime as SQLAlchemy's SQLite dialect stores it, with every digit shown as 0.
_SQLITE_STORED = "0000-00-00 00:00:00.000000\n"
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")


def _sqlite_utc_cells(stored: Sequence[str]) -> list[str] | None:
    """`_utc_text` of each SQLite datetime, for a column batch at once and about five times
    faster (isoformat alone costs more), or None if a value is not in the stored form."""
    text = "\n".join(stored) + "\n"
    if text.translate(_DIGITS_AS_ZERO) != _SQLITE_STORED * len(stored):
        return None
    # Loading raises ValueError on an impossible date (month 13); so does the export.
    all(map(_fromisoformat, stored))
    # In that form, isoformat() is the same text with "T" for the space and no fraction
    # when it is zero; the zone is UTC.
    cells = text.replace(" ", "T").replace(".000000\n", "\n").replace("\n", "+00:00\n")
    return cells.split("\n")[:-1]


def appeal_signatures(appeal_id: int) -> sa.Select:
    return sa.select(Signature).where(Signature.appeal_id == appeal_id).order_by(Signature.id)


def count_signatures(appeal_id: int) -> int:
    """The rows `appeal_signatures` selects (for a progress bar: one COUNT, by index)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Signature).where(Signature.appeal_id == appeal_id)
    )
