"""Organizations and their endorsements (co-signing) of appeals."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.appeals.models import Appeal
from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of
from campaign.core.datakeys import appeal_hash
from campaign.core.extensions import db
from campaign.core.sealed_contact import SealedContactMixin, sealed_contact_columns

ORGANIZATION_KINDS = ("ngo", "media", "union", "association", "other")
ENDORSEMENT_STATES = ("pending", "submitted", "approved", "rejected", "withdrawn")


class Organization(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "organizations"
    __table_args__ = (one_of("kind", ORGANIZATION_KINDS),)

    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    #: The name in other languages, {"ru": ..., "ky": ...}; `name` is the fallback
    #: (campaign/names/localize.py).
    names: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    #: Normalized name (NFKC, case-folded, punctuation and spaces collapsed) for matching.
    name_key: Mapped[str] = mapped_column(sa.String(300), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="ngo")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    #: Host of the website without "www.", for matching and domain verification.
    website_domain: Mapped[str | None] = mapped_column(sa.String(253), index=True)
    #: When an address on the website domain first confirmed an endorsement for it: a record
    #: for campaigners. Pages and the API show each endorsement's own `domain_verified_at`.
    domain_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: File name under the instance uploads folder of the re-encoded logo (random name).
    logo: Mapped[str | None] = mapped_column(sa.String(100))


class Endorsement(SealedContactMixin, IdMixin, CreatedMixin, db.Model):
    __tablename__ = "endorsements"
    SEAL_PURPOSE = "endorsement.contact_email"
    HASH_PURPOSE = "endorsement-email"
    __table_args__ = (
        # An organization may have several submissions for one appeal: a second one is a rival
        # row, never an overwrite of the first (anyone can type an organization's name). At
        # most one of them is approved, i.e. public and counted: NULLs never collide in a
        # unique constraint, so only approved rows (approved_slot true) compete. (A partial
        # index would say the same, but declaring PostgreSQL's makes every web worker import
        # that dialect, and its memory, even on SQLite.)
        sa.UniqueConstraint("appeal_id", "organization_id", "approved_slot"),
        sa.CheckConstraint(
            "(state = 'approved') = (approved_slot IS NOT NULL)", name="approved_slot_matches"
        ),
        one_of("state", ENDORSEMENT_STATES),
        sa.Index("ix_endorsements_state_submitted", "state", "submitted_at"),
    )

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    signatory_name: Mapped[str] = mapped_column(sa.String(200))
    signatory_role: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Private: never shown publicly. Sealed with the appeal's data key
    #: (campaign.core.datakeys); read it as `contact_email`.
    sealed_contact_email: Mapped[str | None] = mapped_column("contact_email", sa.Text)
    #: Keyed hash of the lower-cased contact address under the appeal's data key (matching).
    contact_key: Mapped[str | None] = mapped_column(sa.String(64))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    #: Private reason given by a moderator on rejection.
    moderation_reason: Mapped[str | None] = mapped_column(sa.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    moderated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Set when this submission was confirmed from an address on the organization's website
    #: domain. It belongs to this row only: a rival submission never inherits it.
    domain_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: True while approved, else NULL (see the unique constraint); follows `state`.
    approved_slot: Mapped[bool | None] = mapped_column(sa.Boolean)
    #: Set when a campaigner entered an endorsement collected elsewhere (phone, paper).
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Initiators of the appeal are listed first.
    is_initiator: Mapped[bool] = mapped_column(default=False)
    wants_updates: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    ip_key: Mapped[str | None] = mapped_column(sa.String(64))
    flagged: Mapped[str | None] = mapped_column(sa.String(200))
    mails_sent: Mapped[int] = mapped_column(default=0)

    appeal: Mapped[Appeal] = relationship()
    organization: Mapped[Organization] = relationship(lazy="joined")

    @validates("state")
    def _follow_state(self, _key: str, state: str) -> str:
        self.approved_slot = approved_slot(state)
        return state


def contact_key(appeal_id: int, email: str) -> str:
    return appeal_hash(appeal_id, Endorsement.HASH_PURPOSE, email.strip().lower())


def sealed_contact(appeal_id: int, email: str | None) -> dict:
    """The stored columns for an endorsement's contact address."""
    return sealed_contact_columns(
        appeal_id, email, Endorsement.SEAL_PURPOSE, Endorsement.HASH_PURPOSE
    )


def approved_slot(state: str) -> bool | None:
    """The value of `approved_slot` for an endorsement in this state."""
    return True if state == "approved" else None
