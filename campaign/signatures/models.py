"""Signatures, the sharded counters that make counts cheap, and the abuse blocklists."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.appeals.models import Appeal
from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of
from campaign.core.extensions import db

SIGNATURE_STATES = ("pending", "confirmed", "withdrawn", "invalidated")
#: Number of counter rows per appeal; a confirmation bumps one chosen at random, so no single
#: row is written by every signer (the UK petitions site's 2019 choke point).
COUNTER_SHARDS = 16
#: Rows per (appeal, hour, country, ref) in signature_hourly; writers pick one at random.
HOURLY_SHARDS = 16


class Signature(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "signatures"
    __table_args__ = (
        # One person signs once: the canonical email is unique per appeal.
        sa.UniqueConstraint("appeal_id", "email_key"),
        one_of("state", SIGNATURE_STATES),
        sa.CheckConstraint(
            "state <> 'confirmed' OR confirmed_at IS NOT NULL", name="confirmed_has_time"
        ),
        sa.CheckConstraint("mails_sent >= 0", name="mails_sent_nonnegative"),
        sa.Index("ix_signatures_appeal_state_confirmed", "appeal_id", "state", "confirmed_at"),
        sa.Index("ix_signatures_appeal_created", "appeal_id", "created_at"),
    )

    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id", ondelete="CASCADE"))
    #: Personal data below (name, email, email_key, city, ip_key) is erased on withdrawal
    #: and by `privacy purge`; country, state and times stay for the counts.
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    #: Canonical email (NFKC, lower-cased, provider dots and +tags removed): the duplicate key.
    email_key: Mapped[str | None] = mapped_column(sa.String(320))
    country: Mapped[str] = mapped_column(sa.String(2))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    #: True: the name may be shown publicly; False: shown as "Anonymous".
    public_name: Mapped[bool] = mapped_column(default=False)
    wants_updates: Mapped[bool] = mapped_column(default=False)
    #: The interface language used when signing; emails go out in it.
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    invalidated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    invalidation_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: HMAC of the client address under a server secret; never the address itself.
    ip_key: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: Share channel that brought the signer (telegram, whatsapp, ... or "other").
    ref: Mapped[str | None] = mapped_column(sa.String(32))
    #: Why the signature tripped an abuse rule (private); a flagged signature never counts.
    flagged: Mapped[str | None] = mapped_column(sa.String(200))
    #: Confirmation and "already signed" mails sent for this row; capped to stop mail bombing
    #: (campaign.optin.mail).
    mails_sent: Mapped[int] = mapped_column(default=0)
    last_mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    personal_data_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    appeal: Mapped[Appeal] = relationship()

    @property
    def counts(self) -> bool:
        return self.state == "confirmed" and not self.flagged


class SignatureCounter(db.Model):
    """Sharded count of confirmed, unflagged signatures; the shown count is their sum."""

    __tablename__ = "signature_counters"
    __table_args__ = (sa.CheckConstraint("shard >= 0", name="shard_nonnegative"),)

    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)


class SignatureHourly(db.Model):
    """Counted signatures per appeal, hour, country and share channel, for charts.

    Kept exact in the confirming transaction (campaign/signatures/rollup.py): +1 at
    confirmation, -1 at the confirmation hour when a counted signature stops counting. Like
    the counters, each (appeal, hour, country, ref) is spread over HOURLY_SHARDS rows, so a
    viral hour from one country and channel does not queue on one row; readers sum them."""

    __tablename__ = "signature_hourly"
    __table_args__ = (sa.CheckConstraint("shard >= 0 AND shard < 16", name="hourly_shard_range"),)

    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    #: Share channel; "" when the signer came without one.
    ref: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)


class _BlocklistEntry(IdMixin, CreatedMixin):
    """What a blocklist row keeps beside what it blocks: why, and who added it."""

    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class BlockedNetwork(_BlocklistEntry, db.Model):
    __tablename__ = "blocked_networks"

    #: An IPv4 or IPv6 network in CIDR form (a single address is a /32 or /128).
    cidr: Mapped[str] = mapped_column(sa.String(64), unique=True)


class BlockedEmailDomain(_BlocklistEntry, db.Model):
    __tablename__ = "blocked_email_domains"

    domain: Mapped[str] = mapped_column(sa.String(253), unique=True)
