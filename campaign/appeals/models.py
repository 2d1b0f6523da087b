"""Appeals, their ordered demands, each demand's targets (one per authority), translations
and campaigners' updates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of, utcnow
from campaign.core.extensions import db
from campaign.core.sealed_contact import SealedContactMixin

if TYPE_CHECKING:
    from campaign.authorities.models import Authority
    from campaign.endorsements.models import Organization
    from campaign.responses.models import StatusChange

APPEAL_STATES = ("draft", "published", "closed", "archived")
#: How much an appeal shields its signers (campaign.appeals.protection says what each means).
PROTECTION_LEVELS = ("standard", "at_risk")
TARGET_STATUSES = ("awaiting", "acknowledged", "in_progress", "partially_met", "met", "rejected")
#: Statuses that count as "answered" for an authority's record (anything but silence).
OPEN_STATUSES = ("awaiting", "acknowledged")
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Appeal(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        one_of("state", APPEAL_STATES),
        sa.CheckConstraint("signature_goal IS NULL OR signature_goal > 0", name="goal_positive"),
        sa.CheckConstraint("endorsement_count >= 0", name="endorsement_count_nonnegative"),
        sa.CheckConstraint(
            "state = 'draft' OR published_at IS NOT NULL", name="published_has_date"
        ),
        one_of("protection", PROTECTION_LEVELS),
        sa.CheckConstraint(
            "retention_days IS NULL OR retention_days >= 0", name="retention_days_nonnegative"
        ),
        sa.CheckConstraint(
            "hidden_at IS NOT NULL OR hidden_by_id IS NULL", name="hidden_by_only_when_hidden"
        ),
        sa.CheckConstraint(
            "sealing_public_key IS NULL OR sealing_public_key LIKE 'age1%'",
            name="sealing_key_is_age",
        ),
    )

    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: Markdown source, rendered and sanitized once, when saved, into body_html.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: What pages, the API and mail show (campaign.core.markdown_fields); set with body.
    body_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: The language the appeal was written in (the original of any translations).
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    #: The country preselected in the sign form (ISO 3166-1 alpha-2), if any.
    default_country: Mapped[str | None] = mapped_column(sa.String(2))
    #: IANA zone used to show dates and group statistics by day.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    #: The first of `issuers` (kept in step by campaign.appeals.issuers.set_issuers), for
    #: older readers; `issuers` is the truth.
    issued_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    signature_goal: Mapped[int | None]
    #: The date printed on the appeal (when the coalition issued it).
    issued_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    delivery_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: For campaigners only, never on a public page, in the API or in mail: what a colleague
    #: should know, such as which parts (targets, a translation) are our reading of the source.
    admin_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: Approved endorsements; rare writes, so one column kept in step in the same transaction.
    endorsement_count: Mapped[int] = mapped_column(default=0)
    #: Signatures collected on paper: the sum of the appeal's paper batches (campaign.paper),
    #: kept in step in the same transaction; signature counts add it to the online count.
    paper_count: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: "at_risk": names hidden unless the signer ticks to show them, no public list of
    #: signers, no city, small countries folded into "other", a short retention.
    protection: Mapped[str] = mapped_column(
        sa.String(16), default="standard", server_default="standard"
    )
    #: Days after closing before `privacy purge` erases signers' personal data; None falls
    #: back to the protection level's default (campaign.appeals.protection.retention_days).
    retention_days: Mapped[int | None]
    #: Taken down: 404 on every public URL and in no list, whatever the state.
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The campaigner who took it down (a user id without a foreign key: see migration 0008;
    #: the audit entry of the takedown is the lasting record).
    hidden_by_id: Mapped[int | None]
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: The coalition's age public key (age1...): when set, every export of the appeal's
    #: personal data is sealed to it (campaign.privacy.sealing). Never a secret key.
    sealing_public_key: Mapped[str | None] = mapped_column(sa.String(100))

    issued_by: Mapped[Organization | None] = relationship(lazy="joined")
    demands: Mapped[list[Demand]] = relationship(
        back_populates="appeal", order_by="Demand.position", cascade="all, delete-orphan"
    )
    #: The organizations that issue the appeal, in the order shown ("Issued by A, B and C").
    issuers: Mapped[list[AppealIssuer]] = relationship(
        back_populates="appeal", order_by="AppealIssuer.position", cascade="all, delete-orphan"
    )
    translations: Mapped[list[AppealTranslation]] = relationship(
        back_populates="appeal", cascade="all, delete-orphan"
    )

    @hybrid_property
    def is_public(self) -> bool:
        """The one public visibility rule (in Python and, as Appeal.is_public, in SQL): not a
        draft and not taken down."""
        return self.state != "draft" and self.hidden_at is None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls):
        return sa.and_(cls.state != "draft", cls.hidden_at.is_(None))

    @property
    def issuer_organizations(self) -> list[Organization]:
        return [issuer.organization for issuer in self.issuers]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def at_risk(self) -> bool:
        return self.protection == "at_risk"

    @property
    def accepts_signatures(self) -> bool:
        return self.hidden_at is None and signing_open(self.state, self.closes_at)


def signing_open(state: str, closes_at: dt.datetime | None) -> bool:
    """Whether an appeal in this state, closing then, takes signatures now."""
    return state == "published" and (closes_at is None or closes_at > utcnow())


#: Where an issuer's approval of the text stands. "approved" holds only for the text it
#: approved: `approved_hash` against the current text's hash says whether it still does.
APPROVAL_STATES = ("not_asked", "asked", "approved", "changes_requested")


class AppealIssuer(SealedContactMixin, IdMixin, CreatedMixin, db.Model):
    """One issuing organization of an appeal, its contact and its approval of the text."""

    SEAL_PURPOSE = "issuer.contact_email"
    HASH_PURPOSE = "issuer-email"

    __tablename__ = "appeal_issuers"
    __table_args__ = (
        sa.UniqueConstraint("appeal_id", "position"),
        sa.UniqueConstraint("appeal_id", "organization_id"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
        one_of("approval", APPROVAL_STATES),
        sa.CheckConstraint(
            "approval != 'approved' OR approved_hash IS NOT NULL", name="approved_has_hash"
        ),
    )

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    #: 1..n, the order shown.
    position: Mapped[int]
    #: Private: the address asked to approve the text, sealed with the appeal's data key
    #: (campaign.core.datakeys) and erased with endorsers' contacts. Read it as `contact_email`.
    sealed_contact_email: Mapped[str | None] = mapped_column("contact_email", sa.Text)
    #: Keyed hash of the lower-cased address: a mailed link names it, so a link sent to an
    #: earlier contact stops working when the contact changes.
    contact_key: Mapped[str | None] = mapped_column(sa.String(64))
    approval: Mapped[str] = mapped_column(
        sa.String(20), default="not_asked", server_default="not_asked"
    )
    asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: campaign.appeals.issuers.content_hash of the text approved.
    approved_hash: Mapped[str | None] = mapped_column(sa.String(64))
    #: What the issuer asked to change (shown to campaigners only).
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    appeal: Mapped[Appeal] = relationship(back_populates="issuers")
    organization: Mapped[Organization] = relationship(lazy="joined")


class Demand(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "demands"
    __table_args__ = (
        sa.UniqueConstraint("appeal_id", "position"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
    )

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    #: 1..n; reordering changes positions, never ids, so history stays attached.
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)

    appeal: Mapped[Appeal] = relationship(back_populates="demands")
    targets: Mapped[list[DemandTarget]] = relationship(
        back_populates="demand", cascade="all, delete-orphan", order_by="DemandTarget.id"
    )
    translations: Mapped[list[DemandTranslation]] = relationship(
        back_populates="demand", cascade="all, delete-orphan"
    )


class DemandTarget(IdMixin, CreatedMixin, db.Model):
    """A demand addressed to one authority: the unit whose status is tracked."""

    __tablename__ = "demand_targets"
    __table_args__ = (
        sa.UniqueConstraint("demand_id", "authority_id"),
        one_of("status", TARGET_STATUSES),
    )

    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    authority_id: Mapped[int] = mapped_column(
        sa.ForeignKey("authorities.id", ondelete="RESTRICT"), index=True
    )
    #: Denormalized from the last unretracted StatusChange; "overdue" is derived, never stored.
    status: Mapped[str] = mapped_column(sa.String(16), default="awaiting")
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    demand: Mapped[Demand] = relationship(back_populates="targets")
    authority: Mapped[Authority] = relationship(lazy="joined")
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="demand_target",
        # When things happened, then when they were typed (campaign.responses.queries).
        order_by="(StatusChange.occurred_on, StatusChange.recorded_at, StatusChange.id)",
    )
    due_date_changes: Mapped[list[DueDateChange]] = relationship(
        back_populates="demand_target", order_by="DueDateChange.recorded_at"
    )

    def is_overdue(self, today: dt.date) -> bool:
        """Past its due date while still awaiting or only acknowledged, from the next day."""
        return self.due_on is not None and self.status in OPEN_STATUSES and today > self.due_on


class DueDateChange(IdMixin, db.Model):
    """A due date set or extended: the old date is kept, never overwritten silently."""

    __tablename__ = "due_date_changes"

    demand_target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("demand_targets.id", ondelete="CASCADE"), index=True
    )
    old_due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    new_due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    demand_target: Mapped[DemandTarget] = relationship(back_populates="due_date_changes")


class AppealTranslation(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "appeal_translations"
    __table_args__ = (sa.UniqueConstraint("appeal_id", "language"),)

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: Markdown, rendered when saved into body_html, as the appeal's own.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    appeal: Mapped[Appeal] = relationship(back_populates="translations")


class DemandTranslation(IdMixin, db.Model):
    __tablename__ = "demand_translations"
    __table_args__ = (sa.UniqueConstraint("demand_id", "language"),)

    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)

    demand: Mapped[Demand] = relationship(back_populates="translations")


class Update(IdMixin, CreatedMixin, db.Model):
    """News posted by campaigners on an appeal, mailed to those who asked for updates."""

    __tablename__ = "updates"

    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    #: Markdown, rendered when saved into body_html, as an appeal's.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
