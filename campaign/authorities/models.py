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
    __table_args__ = (
        one_of("kind", AUTHORITY_KINDS),
        sa.CheckConstraint(
            "response_term_days IS NULL OR (response_term_days > 0 AND response_term_days <= 365)",
            name="response_term_range",
        ),
    )

    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    #: The name in other languages, {"ru": ..., "ky": ...}; `name` is the fallback
    #: (campaign/names/localize.py).
    names: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    kind: Mapped[str] = mapped_column(sa.String(24), default="other")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    #: Private: used to deliver appeals, never shown publicly.
    contact_email: Mapped[str | None] = mapped_column(sa.String(320))
    #: Where letters go (delivery by post or by hand); public, like the name.
    postal_address: Mapped[str | None] = mapped_column(sa.Text)
    #: The language it reads: delivery emails use the appeal's translation into it, if any.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    #: The legal term to answer, in working days; null means RESPONSE_TERM_WORKING_DAYS.
    response_term_days: Mapped[int | None] = mapped_column()
    #: The law (article) the term comes from, as campaigners cite it.
    response_term_source: Mapped[str | None] = mapped_column(sa.Text)
