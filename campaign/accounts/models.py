"""Campaigner accounts and their API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.database import CreatedMixin, IdMixin, UTCDateTime, one_of
from campaign.extensions import db

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
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
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
