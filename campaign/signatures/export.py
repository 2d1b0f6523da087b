"""CSV export of an appeal's signatures, streamed row by row (admin download and
`flask export signatures SLUG`). Cells that a spreadsheet would run as a formula are
neutralized even though signing already refuses such names."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from campaign.csvexport import csv_line
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


def signature_csv(query: sa.Select, batch: int = 500) -> Iterator[str]:
    """CSV lines (header first) for the signatures `query` selects, fetched in batches."""
    yield csv_line(COLUMNS)
    rows = db.session.execute(query.execution_options(yield_per=batch)).scalars()
    for signature in rows:
        yield csv_line(getattr(signature, column) for column in COLUMNS)


def appeal_signatures(appeal_id: int) -> sa.Select:
    return sa.select(Signature).where(Signature.appeal_id == appeal_id).order_by(Signature.id)
