"""A delivery: one appeal sent to one authority, by email from Answerable or recorded by hand."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of
from campaign.core.extensions import db

if TYPE_CHECKING:
    from campaign.appeals.models import Appeal
    from campaign.authorities.models import Authority

DELIVERY_METHODS = ("email", "hand", "post", "fax")
DELIVERY_STATUSES = ("queued", "sent", "delivered", "bounced", "failed")


class Delivery(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (
        # One delivery per appeal and authority: delivering again updates it.
        sa.UniqueConstraint("appeal_id", "authority_id"),
        one_of("method", DELIVERY_METHODS),
        one_of("status", DELIVERY_STATUSES),
        sa.CheckConstraint(
            "status <> 'delivered' OR delivered_on IS NOT NULL", name="delivered_has_date"
        ),
    )

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(12), default="queued")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The day the authority received it: the start of its legal term to answer.
    delivered_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: The delivery email's Message-ID (with angle brackets), matched against a reply's
    #: In-Reply-To and References when its address token is lost.
    message_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    #: The outbox row that carries the email (null for hand, post and fax).
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    #: Stored name of a scanned receipt (the documents pipeline), for hand, post and fax.
    receipt_document: Mapped[str | None] = mapped_column(sa.String(255))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    bounced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: What the delivery status notification (RFC 3464) said, for the campaigner.
    bounce_reason: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    appeal: Mapped[Appeal] = relationship()
    authority: Mapped[Authority] = relationship(lazy="joined")


class WorkingDayOverride(IdMixin, CreatedMixin, db.Model):
    """A day an admin declares off or working in one country, over the `holidays` calendar:
    a holiday moved by decree, a Saturday made a working day, a day of mourning."""

    __tablename__ = "working_day_overrides"
    __table_args__ = (sa.UniqueConstraint("country", "day"),)

    country: Mapped[str] = mapped_column(sa.String(2))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    #: True: a working day (even on a weekend or holiday); False: a day off.
    working: Mapped[bool] = mapped_column(sa.Boolean)
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


class Chaser(IdMixin, CreatedMixin, db.Model):
    """A reminder letter to an authority that let its term pass: drafted on its own, sent only
    once a campaigner approves it. One per delivery and missed due date."""

    __tablename__ = "chasers"
    __table_args__ = (sa.UniqueConstraint("delivery_id", "due_on"),)

    delivery_id: Mapped[int] = mapped_column(sa.ForeignKey("deliveries.id", ondelete="CASCADE"))
    #: The due date it chases (the latest of the delivery's overdue targets).
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    message_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)

    delivery: Mapped[Delivery] = relationship()


class DigestRun(IdMixin, CreatedMixin, db.Model):
    """The daily digest of one appeal was written for this day: a second run skips it."""

    __tablename__ = "digest_runs"
    __table_args__ = (sa.UniqueConstraint("appeal_id", "day"),)

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    recipients: Mapped[int] = mapped_column(default=0)
