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
