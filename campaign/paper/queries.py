"""Reads of paper batches for campaigners' pages and the API."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from campaign.appeals.models import Appeal
from campaign.core.extensions import db
from campaign.paper.models import PaperBatch


def appeal_batches(appeal: Appeal) -> list[PaperBatch]:
    """The appeal's batches, newest collection first, with their corrections."""
    return list(db.session.execute(batches_query(appeal)).scalars())


def batches_query(appeal: Appeal) -> sa.Select:
    return (
        sa.select(PaperBatch)
        .where(PaperBatch.appeal_id == appeal.id)
        .options(selectinload(PaperBatch.corrections))
        .order_by(PaperBatch.collected_to.desc(), PaperBatch.id.desc())
    )


def get_batch_or_404(appeal: Appeal, batch_id: int) -> PaperBatch:
    batch = db.session.get(PaperBatch, batch_id)
    if batch is None or batch.appeal_id != appeal.id:
        abort(404)
    return batch


def paper_steps(appeal_id: int) -> list[tuple]:
    """(last day of collection, count) per batch still counting: the steps of the growth
    chart (a handful of rows per appeal)."""
    return [
        (day, int(n))
        for day, n in db.session.execute(
            sa.select(PaperBatch.collected_to, sa.func.sum(PaperBatch.count))
            .where(PaperBatch.appeal_id == appeal_id, PaperBatch.count > 0)
            .group_by(PaperBatch.collected_to)
            .order_by(PaperBatch.collected_to)
        )
    ]
