"""Who the campaigner is (session or bearer token) and what their role lets them do.

Every access check goes through `require_role`, so a route without one is easy to spot and
the route-walking test catches it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request, session
from flask_login import current_user, login_user, logout_user

from campaign.accounts.models import ROLES, ApiToken, User
from campaign.accounts.queries import find_live_token
from campaign.accounts.services import record_token_use, token_use_due
from campaign.core.database import utcnow
from campaign.core.extensions import db, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: How long noting a token's use after a read may wait for a lock before it gives up.
TOKEN_USE_LOCK_WAIT_MS = 100

log = logging.getLogger(__name__)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        # The session names the user's session_version: a cookie from before a logout,
        # password change or deactivation names an older one and opens nothing.
        try:
            ident, version = (int(part) for part in user_id.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, ident)
        if user is None or user.session_version != version or not user.active:
            return None
        return user

    app.after_request(_record_token_use)


def start_session(user: User) -> None:
    """Log the user in on a new session: nothing from the one before login survives, so a
    session planted by someone else (with a CSRF token they know) is void."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps the request's token here
    login_user(user)


def end_session() -> None:
    """Log out of this browser's session, dropping everything it held (its CSRF token too).
    The caller bumps the user's session_version, so copies of the cookie die as well."""
    session.clear()
    g.pop("csrf_token", None)
    logout_user()


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
    row = find_live_token(token.strip())
    if row is None:
        abort(401, description="The bearer token is invalid or revoked.")
    _note_use(row)
    g.api_user = row.user
    return row.user


def _note_use(token: ApiToken) -> None:
    now = utcnow()
    if not token_use_due(token, now):
        return
    if request.method in SAFE_METHODS:
        # A read must not write: noted after the view (_record_token_use).
        g.api_token_used = token.id
    else:
        # A write request's transaction writes anyway (on SQLite it holds the write lock
        # already): the note goes with the view's commit, and with nothing if it fails.
        token.last_used_at = now


def _record_token_use(response: Response) -> Response:
    """After a read with a token: its use, noted best effort. The read's transaction ends
    first (on SQLite, writing inside it turned it into a write that failed with 503 under
    write load, and nothing committed it anyway); the note gets a short one of its own that
    waits at most TOKEN_USE_LOCK_WAIT_MS for a lock. A failure is logged and forgotten: the
    token's next use tries again."""
    token_id = g.pop("api_token_used", None)
    if token_id is None:
        return response
    session = db.session()
    try:
        session.rollback()  # a read: nothing to keep
        with _brief_lock_wait(session.connection()):
            record_token_use(token_id, utcnow())
        session.commit()
    except Exception as error:  # noqa: BLE001 - nothing about this note may fail the request
        log.warning("API token use not recorded: %s", type(getattr(error, "orig", error)).__name__)
        _rollback_quietly(session)
    return response


@contextmanager
def _brief_lock_wait(connection: sa.Connection) -> Iterator[None]:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"SET LOCAL lock_timeout = {TOKEN_USE_LOCK_WAIT_MS}"))
        yield  # SET LOCAL ends with the transaction
        return
    driver = connection.connection.driver_connection
    driver.execute(f"PRAGMA busy_timeout = {TOKEN_USE_LOCK_WAIT_MS}")
    try:
        yield
    finally:  # the connection serves other requests later: give it the app's wait again
        driver.execute(f"PRAGMA busy_timeout = {int(current_app.config['SQLITE_BUSY_TIMEOUT_MS'])}")


def _rollback_quietly(session) -> None:
    try:
        session.rollback()
    except Exception:
        log.warning("rollback failed after an API token use note", exc_info=True)


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
