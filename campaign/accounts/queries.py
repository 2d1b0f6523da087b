"""How campaigner accounts are read: by email (login, the CLI), by id (admin pages), by API
token, and the list."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from campaign.accounts.models import ApiToken, User
from campaign.core.extensions import db
from campaign.core.security import hash_api_token


def find_user(email: str) -> User | None:
    if "\x00" in email:
        return None  # no stored address holds NUL, and PostgreSQL refuses it in a query
    return db.session.execute(
        sa.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def list_users() -> list[User]:
    return list(db.session.execute(sa.select(User).order_by(User.email)).scalars())


def find_live_token(token: str) -> ApiToken | None:
    """The unrevoked API token of an active user that `token` is, if any."""
    return db.session.execute(
        sa.select(ApiToken)
        .join(ApiToken.user)
        .where(ApiToken.token_hash == hash_api_token(token))
        .where(ApiToken.revoked_at.is_(None))
        .where(User.active.is_(True))
    ).scalar_one_or_none()
