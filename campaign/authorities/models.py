"""An authority: a body the demands of appeals are addressed to."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.database import CreatedMixin, IdMixin, one_of
from campaign.core.extensions import db

AUTHORITY_KINDS = (
    "ministry",
    "security_service",
    "government",
    "parliament",
    "court",
    "prosecutor",
    "head_of_state",
    "local_government",
    "other",
)


class Authority(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "authorities"
    __table_args__ = (one_of("kind", AUTHORITY_KINDS),)

    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(24), default="other")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    #: Private: used to deliver appeals, never shown publicly.
    contact_email: Mapped[str | None] = mapped_column(sa.String(320))
