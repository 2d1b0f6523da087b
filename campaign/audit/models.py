"""The audit log: who changed what, when. Rows are only ever added."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.accounts.models import User
from campaign.core.database import IdMixin, UTCDateTime, utcnow
from campaign.core.extensions import db


class AuditEntry(IdMixin, db.Model):
    __tablename__ = "audit_entries"

    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Verb-first name of what happened: appeal.publish, signature.invalidate, ...
    action: Mapped[str] = mapped_column(sa.String(64))
    #: What it happened to, as "type:id" (appeal:3).
    subject: Mapped[str] = mapped_column(sa.String(100), index=True)
    #: Free text or JSON with the details; never personal data beyond what is needed.
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()
