"""Who the campaigner is (session or bearer token) and what their role lets them do.

Every access check goes through `require_role`, so a route without one is easy to spot and
the route-walking test catches it."""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort, g, request
from flask_login import current_user

from campaign.accounts.models import ROLES, ApiToken, User
from campaign.database import utcnow
from campaign.extensions import db, login_manager
from campaign.security import hash_api_token


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        try:
            ident, version = (int(part) for part in user_id.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, ident)
        if user is None or user.session_version != version or not user.active:
            return None
        return user


def bearer_user() -> User | None:
    """The active user behind `Authorization: Bearer <token>`, if any; aborts 401 on a bad one."""
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    if not header:
        g.api_user = None
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, description="Use 'Authorization: Bearer <token>'.")
    row = db.session.execute(
        sa.select(ApiToken)
        .join(ApiToken.user)
        .where(ApiToken.token_hash == hash_api_token(token.strip()))
        .where(ApiToken.revoked_at.is_(None))
        .where(User.active.is_(True))
    ).scalar_one_or_none()
    if row is None:
        abort(401, description="The bearer token is invalid or revoked.")
    row.last_used_at = utcnow()
    g.api_user = row.user
    return row.user


def acting_user() -> User | None:
    """The campaigner making this request: bearer token under /api/, else the session."""
    if request.path.startswith("/api/"):
        return bearer_user()
    return current_user if current_user.is_authenticated else None


def require_role(role: str):
    """Decorator: 401 (API) or login redirect (pages) for anonymous, 403 without the role."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = acting_user()
            if user is None:
                if request.path.startswith("/api/"):
                    abort(401, description="Authentication required.")
                return login_manager.unauthorized()
            if not user.has_role(role):
                abort(403, description="Your role does not allow this.")
            return view(*args, **kwargs)

        wrapped.required_role = role  # read by the route-walking security test
        return wrapped

    return decorator
