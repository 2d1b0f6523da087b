"""CSV export of an appeal's signatures, streamed row by row (admin download and
`flask export signatures SLUG`). Cells that a spreadsheet would run as a formula are
neutralized even though signing already refuses such names."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa

from campaign.csvexport import csv_line, neutralize
from campaign.extensions import db
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


def signature_csv(query: sa.Select, batch: int = 1000) -> Iterator[str]:
    """CSV text (header first) for the signatures `query` selects, one chunk per batch of rows.

    Only the exported columns are fetched (no ORM objects), and each batch is written by one
    csv writer: memory stays flat however many rows there are."""
    yield csv_line(COLUMNS)
    columns = [getattr(Signature, column) for column in COLUMNS]
    result = db.session.execute(
        query.with_only_columns(*columns).execution_options(yield_per=batch)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for rows in result.partitions():
        writer.writerows([neutralize(value) for value in row] for row in rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def appeal_signatures(appeal_id: int) -> sa.Select:
    return sa.select(Signature).where(Signature.appeal_id == appeal_id).order_by(Signature.id)
