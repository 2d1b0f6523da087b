"""Authorities' responses to appeals, and the append-only history of status changes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.appeals.models import TARGET_STATUSES, Appeal, Demand, DemandTarget
from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of, utcnow
from campaign.core.extensions import db

if TYPE_CHECKING:
    from campaign.authorities.models import Authority

RESPONSE_KINDS = (
    "official_letter",
    "public_statement",
    "meeting",
    "action_taken",
    "court_ruling",
    "refusal_to_comment",
    "media_report",
)


response_demands = sa.Table(
    "response_demands",
    db.metadata,
    sa.Column("response_id", sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("demand_id", sa.ForeignKey("demands.id", ondelete="CASCADE"), primary_key=True),
)


class Response(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        one_of("kind", RESPONSE_KINDS),
        sa.Index("ix_responses_appeal_occurred", "appeal_id", "occurred_on"),
    )

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("authorities.id", ondelete="RESTRICT"), index=True
    )
    occurred_on: Mapped[dt.date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(24))
    summary: Mapped[str] = mapped_column(sa.Text)
    source_url: Mapped[str | None] = mapped_column(sa.String(1000))
    #: Stored file name (random) of the checked PDF or image under the uploads folder.
    document: Mapped[str | None] = mapped_column(sa.String(100))
    document_type: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    appeal: Mapped[Appeal] = relationship()
    authority: Mapped[Authority] = relationship(lazy="joined")
    demands: Mapped[list[Demand]] = relationship(secondary=response_demands)


class StatusChange(IdMixin, db.Model):
    """One move of a demand target's status. Append-only: a wrong one is retracted, not
    deleted, and the status before it comes back."""

    __tablename__ = "status_changes"
    __table_args__ = (
        one_of("to_status", TARGET_STATUSES, name="to_status_valid"),
        sa.CheckConstraint(
            "from_status IN ('awaiting', 'acknowledged', 'in_progress', 'partially_met', "
            "'met', 'rejected')",
            name="from_status_valid",
        ),
        sa.CheckConstraint(
            "response_id IS NOT NULL OR source_url IS NOT NULL OR note <> ''",
            name="has_evidence",
        ),
        sa.Index("ix_status_changes_target_recorded", "demand_target_id", "recorded_at"),
        sa.Index("ix_status_changes_target_occurred", "demand_target_id", "occurred_on"),
    )

    demand_target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("demand_targets.id", ondelete="CASCADE")
    )
    from_status: Mapped[str] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source_url: Mapped[str | None] = mapped_column(sa.String(1000))
    #: When it happened: the response's date when it comes with one, else the date the
    #: campaigner gave. Histories order by it, then by recorded_at. Never NULL for a row
    #: recorded since 0015 (the service dates every change); nullable in the schema only
    #: because SQLite cannot tighten a column in place (see that migration).
    occurred_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    retracted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    retracted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    retraction_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Set once the change has been included in a status-change mailshot.
    mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    demand_target: Mapped[DemandTarget] = relationship(back_populates="status_changes")
    response: Mapped[Response | None] = relationship()
