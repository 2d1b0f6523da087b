"""Signatures collected on paper: batches counted in an appeal's total, with where they came
from, and the corrections made to them (the history stays)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, utcnow
from campaign.core.extensions import db

#: The most one batch may hold (a typo guard: a region's sheets, not a country's census).
MAX_BATCH_COUNT = 1_000_000


class PaperBatch(IdMixin, CreatedMixin, db.Model):
    """Signatures on paper, counted in the appeal's total (Appeal.paper_count is the sum of
    its batches' counts, kept in step in the same transaction; `counts verify` checks it).

    Provenance only: who collected them (an organization or volunteer group), where and
    when, never signers' personal data. The optional scan may show signers' names, so it is
    served to campaigners only and erased with the appeal's other personal data."""

    __tablename__ = "paper_batches"
    __table_args__ = (
        # 0 is a batch voided by a correction (found twice, not valid); entry asks 1 or more.
        sa.CheckConstraint(f"count >= 0 AND count <= {MAX_BATCH_COUNT}", name="count_range"),
        sa.CheckConstraint("collected_from <= collected_to", name="dates_ordered"),
    )

    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), index=True
    )
    #: The count as it stands now (after the last correction); what the total adds up.
    count: Mapped[int]
    #: The count as first entered (corrections keep the steps in between).
    entered_count: Mapped[int]
    collected_by: Mapped[str] = mapped_column(sa.String(200))
    place: Mapped[str] = mapped_column(sa.String(200))
    collected_from: Mapped[dt.date] = mapped_column(sa.Date)
    collected_to: Mapped[dt.date] = mapped_column(sa.Date)
    #: A checked PDF or image under UPLOAD_FOLDER/paper (campaign.paper.scans); private.
    scan: Mapped[str | None] = mapped_column(sa.String(80))
    scan_type: Mapped[str | None] = mapped_column(sa.String(40))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    corrections: Mapped[list[PaperBatchCorrection]] = relationship(
        back_populates="batch",
        cascade="all, delete-orphan",
        order_by="PaperBatchCorrection.recorded_at",
    )


class PaperBatchCorrection(IdMixin, db.Model):
    """A batch's count changed, with why: the old count is kept, never overwritten silently."""

    __tablename__ = "paper_batch_corrections"

    batch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("paper_batches.id", ondelete="CASCADE"), index=True
    )
    old_count: Mapped[int]
    new_count: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    batch: Mapped[PaperBatch] = relationship(back_populates="corrections")
