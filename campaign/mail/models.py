"""The outbox: every email is a row written in the same transaction as its cause."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, utcnow
from campaign.core.extensions import db

#: Set in `session.info` by whatever writes outbox rows (campaign.mail.services); after that
#: session commits, campaign.mail.queue pushes a send job (with REDIS_URL).
OUTBOX_WRITTEN = "outbox_written"


def mark_outbox_written(session) -> None:
    session.info[OUTBOX_WRITTEN] = True


class OutboxMessage(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_due", "sent_at", "failed_at", "next_attempt_at"),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
    )

    #: For a mail about one appeal to its signers or endorsers: the appeal. The recipient,
    #: context, text and html of such a row are sealed with the appeal's data key
    #: (campaign.core.datakeys) and blanked once it is sent; shredding the appeal blanks them.
    appeal_id: Mapped[int | None] = mapped_column(index=True)
    to: Mapped[str] = mapped_column(sa.Text)
    subject: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str | None] = mapped_column(sa.Text)
    #: What caused it (signature-confirm, update, ...), for the dashboard's mail health.
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: Makes a mailshot idempotent: one message per (mailing, recipient), even after a crash.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    #: For a message rendered by the worker (subject and text empty until then): the mail
    #: template and its context as JSON ({"language": ..., "values": {...}}).
    template: Mapped[str | None] = mapped_column(sa.String(80))
    context: Mapped[str | None] = mapped_column(sa.Text)
    #: Extra headers as JSON (List-Unsubscribe for updates).
    headers: Mapped[str | None] = mapped_column(sa.Text)
    #: The envelope sender (MAIL FROM, the Return-Path) when not MAIL_DEFAULT_SENDER's: a
    #: delivery's bounce address, so its bounces come back to it.
    envelope_from: Mapped[str | None] = mapped_column(sa.String(320))
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A worker's claim: others skip the row until this passes.
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set on a permanent failure (bad address) or after the last retry.
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Mailing(IdMixin, CreatedMixin, db.Model):
    """A mailshot to an appeal's subscribers (an update, or a batch of status changes).

    Recipients are expanded in pages into outbox rows with a dedupe key, so a worker that
    restarts half way carries on without sending anyone the message twice."""

    __tablename__ = "mailings"

    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16))
    update_id: Mapped[int | None] = mapped_column(sa.ForeignKey("updates.id", ondelete="CASCADE"))
    #: Highest signature id already expanded into the outbox (resumption point).
    last_signature_id: Mapped[int] = mapped_column(default=0)
    last_endorsement_id: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
