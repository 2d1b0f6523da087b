"""Signatures, the sharded counters that make counts cheap, and the abuse blocklists."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.appeals.models import Appeal
from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of
from campaign.core.datakeys import appeal_hash, seal, unseal
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
    #: Personal data below (name, email, email_key, city, ip_key) is erased on withdrawal,
    #: by `privacy purge` and by `privacy shred`; country, state and times stay for the counts.
    #: What must be kept is sealed with the appeal's data key (campaign.core.datakeys); read
    #: it through the `name`, `email` and `city` properties.
    #: The name in clear, only when the signer chose to show it (public_name).
    shown_name: Mapped[str | None] = mapped_column("name", sa.String(200))
    #: The name of a signer who did not choose to show it, sealed.
    sealed_name: Mapped[str | None] = mapped_column(sa.Text)
    #: Sealed; kept only while pending or for a signer who wants updates.
    sealed_email: Mapped[str | None] = mapped_column("email", sa.Text)
    #: HMAC of the canonical email (NFKC, lower-cased, provider dots and +tags removed) under
    #: a key derived from the appeal's data key: the duplicate key, unlinkable once shredded.
    email_key: Mapped[str | None] = mapped_column(sa.String(320))
    #: Keyed hash of the address's domain, the same way: moderators filter by domain.
    domain_key: Mapped[str | None] = mapped_column(sa.String(64))
    country: Mapped[str] = mapped_column(sa.String(2))
    sealed_city: Mapped[str | None] = mapped_column("city", sa.Text)
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
    #: HMAC of the client address under the day's key (campaign.core.datakeys.ip_key).
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

    def __init__(self, **values):
        private = {k: values.pop(k) for k in ("name", "email", "city") if k in values}
        super().__init__(**values)
        for key, value in private.items():
            setattr(self, key, value)

    def _appeal(self) -> int:
        if self.appeal_id is None and self.appeal is not None:
            self.appeal_id = self.appeal.id
        if self.appeal_id is None:
            raise ValueError("a signature's appeal must be known before its personal data")
        return self.appeal_id

    @property
    def name(self) -> str | None:
        if self.shown_name is not None:
            return self.shown_name
        return unseal(self.appeal_id, "signature.name", self.sealed_name)

    @name.setter
    def name(self, value: str | None) -> None:
        """In clear only if the signer shows it (set public_name first)."""
        if self.public_name:
            self.shown_name, self.sealed_name = value, None
        else:
            self.shown_name = None
            self.sealed_name = seal(self._appeal(), "signature.name", value)

    @property
    def email(self) -> str | None:
        return unseal(self.appeal_id, "signature.email", self.sealed_email)

    @email.setter
    def email(self, value: str | None) -> None:
        self.sealed_email = seal(self._appeal(), "signature.email", value)
        if value:
            self.domain_key = domain_key(self.appeal_id, value)

    @property
    def city(self) -> str | None:
        return unseal(self.appeal_id, "signature.city", self.sealed_city)

    @city.setter
    def city(self, value: str | None) -> None:
        self.sealed_city = seal(self._appeal(), "signature.city", value)


def domain_key(appeal_id: int, email: str, create: bool = True) -> str | None:
    """Keyed hash of an address's (or a bare domain's) domain; None without a key unless
    `create`."""
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    return appeal_hash(appeal_id, "signature-domain", domain, create=create)


def sealed_columns(
    appeal_id: int, name: str | None, email: str | None, city: str | None, public_name: bool
) -> dict:
    """The stored columns for a signer's personal data: the name in clear only if shown."""
    return {
        "shown_name": name if public_name else None,
        "sealed_name": None if public_name else seal(appeal_id, "signature.name", name),
        "sealed_email": seal(appeal_id, "signature.email", email),
        "sealed_city": seal(appeal_id, "signature.city", city),
        "domain_key": domain_key(appeal_id, email) if email else None,
    }  # fmt: skip


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
