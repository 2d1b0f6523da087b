"""Correspondence: one inbound message, its attachments, and the redaction rules applied to
what is published of it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of, utcnow
from campaign.core.extensions import db

if TYPE_CHECKING:
    from campaign.appeals.models import Appeal
    from campaign.authorities.models import Authority
    from campaign.deliveries.models import Delivery

KINDS = ("reply", "auto_reply", "bounce")
STATES = ("new", "recorded", "dismissed")
MATCHES = ("token", "in_reply_to", "manual", "none")


class Correspondence(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "correspondence"
    __table_args__ = (
        one_of("kind", KINDS),
        one_of("state", STATES),
        one_of("matched_by", MATCHES),
        # Matched means both: a reply belongs to one appeal and one of its authorities.
        sa.CheckConstraint(
            "(appeal_id IS NULL) = (authority_id IS NULL)", name="appeal_with_authority"
        ),
        sa.CheckConstraint(
            "(matched_by = 'none') = (appeal_id IS NULL)", name="matched_has_target"
        ),
        sa.CheckConstraint(
            "published_at IS NULL OR (appeal_id IS NOT NULL AND public_text IS NOT NULL)",
            name="published_is_matched",
        ),
        sa.Index("ix_correspondence_appeal_received", "appeal_id", "received_at"),
        sa.Index("ix_correspondence_state_received", "state", "received_at"),
    )

    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    authority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("authorities.id", ondelete="CASCADE"), index=True
    )
    delivery_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(12), default="reply")
    state: Mapped[str] = mapped_column(sa.String(12), default="new")
    matched_by: Mapped[str] = mapped_column(sa.String(12), default="none")
    #: The From address as given (never shown on public pages).
    sender: Mapped[str] = mapped_column(sa.String(320), default="")
    #: The address of ours it came to (a reply+ or bounce+ address), if any.
    recipient: Mapped[str | None] = mapped_column(sa.String(320))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The Date header, when it parses.
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(sa.Text, default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")
    #: The HTML part after nh3: no scripts, styles or remote images.
    html: Mapped[str | None] = mapped_column(sa.Text)
    message_id: Mapped[str | None] = mapped_column(sa.String(998), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(sa.Text)
    references: Mapped[str | None] = mapped_column(sa.Text)
    #: What a delivery status notification said (Status, Diagnostic-Code).
    bounce_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Why a human should look at the raw message: MIME defects, undecodable parts.
    problem: Mapped[str | None] = mapped_column(sa.Text)
    #: The message as received (bounded by INBOX_MAX_MESSAGE_BYTES).
    raw: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("responses.id", ondelete="SET NULL")
    )
    #: Set when published on the tracker; public_text is the redacted copy shown there.
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    public_subject: Mapped[str | None] = mapped_column(sa.Text)
    public_text: Mapped[str | None] = mapped_column(sa.Text)
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    appeal: Mapped[Appeal | None] = relationship()
    authority: Mapped[Authority | None] = relationship(lazy="joined")
    delivery: Mapped[Delivery | None] = relationship()
    attachments: Mapped[list[CorrespondenceAttachment]] = relationship(
        back_populates="correspondence",
        cascade="all, delete-orphan",
        order_by="CorrespondenceAttachment.id",
    )

    @property
    def matched(self) -> bool:
        return self.appeal_id is not None


class CorrespondenceAttachment(IdMixin, db.Model):
    """One attachment: stored through the documents pipeline, or listed with why it was not."""

    __tablename__ = "correspondence_attachments"
    __table_args__ = (
        sa.CheckConstraint("(document IS NULL) <> (refused IS NULL)", name="stored_or_refused"),
    )

    correspondence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("correspondence.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content_type: Mapped[str] = mapped_column(sa.String(255), default="")
    size: Mapped[int] = mapped_column(default=0)
    #: Stored name under the documents folder (campaign.responses.documents).
    document: Mapped[str | None] = mapped_column(sa.String(100))
    document_type: Mapped[str | None] = mapped_column(sa.String(64))
    refused: Mapped[str | None] = mapped_column(sa.Text)

    correspondence: Mapped[Correspondence] = relationship(back_populates="attachments")


class RedactionRule(IdMixin, CreatedMixin, db.Model):
    """A pattern hidden in every published copy (an official's mobile number, a personal
    address), as Alaveteli's censor rules."""

    __tablename__ = "redaction_rules"

    pattern: Mapped[str] = mapped_column(sa.String(500))
    is_regex: Mapped[bool] = mapped_column(default=False)
    replacement: Mapped[str] = mapped_column(sa.String(100), default="[redacted]")
    note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
