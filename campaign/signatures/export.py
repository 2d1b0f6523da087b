"""CSV export of an appeal's signatures, streamed row by row (admin download and
`flask export signatures SLUG`). Cells that a spreadsheet would run as a formula are
neutralized even though signing already refuses such names."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa

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
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value) -> str:
    """A CSV cell as text, prefixed with ' when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([neutralize(v) for v in values])
    return buffer.getvalue()


def signature_csv(query: sa.Select, batch: int = 500) -> Iterator[str]:
    """CSV lines (header first) for the signatures `query` selects, fetched in batches."""
    yield _line(COLUMNS)
    rows = db.session.execute(query.execution_options(yield_per=batch)).scalars()
    for signature in rows:
        yield _line(getattr(signature, column) for column in COLUMNS)


def appeal_signatures(appeal_id: int) -> sa.Select:
    return sa.select(Signature).where(Signature.appeal_id == appeal_id).order_by(Signature.id)
