"""Campaigner accounts, their API tokens, and the failed-login counts behind the lockout."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.core.database import CreatedMixin, IdMixin, UTCDateTime, one_of
from campaign.core.extensions import db

#: Roles from least to most powerful; each includes what the ones before it may do.
ROLES = ("moderator", "editor", "admin")


class User(IdMixin, CreatedMixin, UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES),)

    #: Stored lower-cased, so logins are case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(16))
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of the session's user id (get_id), so bumping it ends every session of the user at
    #: once: session cookies are signed, not stored, and cannot be revoked one by one. Bumped at
    #: logout, password change and deactivation.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class ApiToken(IdMixin, CreatedMixin, db.Model):
    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once, when made.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


#: LoginThrottle.address_key of an account's row that counts failures from every address.
ALL_ADDRESSES = "*"


class LoginThrottle(IdMixin, db.Model):
    """Recent failed logins for one typed email, from one client address or (address_key
    ALL_ADDRESSES) from all of them. Kept for any email typed, whether or not an account has
    it, so a lockout neither needs nor reveals an account. Rows are deleted once stale."""

    __tablename__ = "login_throttles"
    __table_args__ = (
        sa.UniqueConstraint("account_key", "address_key"),
        sa.CheckConstraint("failures >= 0", name="failures_not_negative"),
    )

    #: Keyed hash of the email as typed (trimmed, lower-cased); never the address itself.
    account_key: Mapped[str] = mapped_column(sa.String(64))
    #: Keyed hash of the client address, or ALL_ADDRESSES.
    address_key: Mapped[str] = mapped_column(sa.String(64))
    #: Failures since the count last started over (after a quiet period).
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    #: Until then every attempt is refused unchecked: the lockout of one address, or the
    #: account-wide backoff.
    closed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
