"""What can happen to campaigner accounts: creation, login with lockout, sessions, passwords,
roles, API tokens. Services flush, never commit."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from campaign.accounts import lockout
from campaign.accounts.models import ROLES, ApiToken, User
from campaign.accounts.queries import find_user
from campaign.audit.services import record
from campaign.core.database import utcnow
from campaign.core.engine import reads_before_writes
from campaign.core.extensions import db
from campaign.core.security import hash_api_token, hash_password, new_api_token, verify_password
from campaign.core.validation import InvalidInput

MIN_PASSWORD_LENGTH = 10
#: A token's last use is written at most this often.
TOKEN_USE_EVERY = dt.timedelta(minutes=5)


class AccountError(InvalidInput):
    """Refused account input, naming the form field it concerns, if any (the pages show it
    like any service's refusal; the CLI prints it)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, {field: message} if field else None)


def create_user(email: str, password: str, role: str, by: User | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320:
        raise AccountError(f"not an email address: {email!r}", "email")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "role")
    _check_password(password)
    if find_user(email) is not None:
        raise AccountError(f"a user with email {email} already exists", "email")
    user = User(email=email, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.flush()
    record(by, "user.create", user, {"role": role})
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password needs at least {MIN_PASSWORD_LENGTH} characters", "password"
        )


def end_sessions(user: User) -> None:
    """End every session of the user, in every browser: their cookies name the old version.
    In SQL, so two requests bumping at once both count."""
    user.session_version = User.session_version + 1


def change_password(user: User, current: str, new: str) -> None:
    """The campaigner's own password, given the current one (a stolen session alone cannot
    take the account over). Every session ends; the caller starts the changer's own again."""
    if not verify_password(user.password_hash, current):
        raise AccountError(_l("The current password is wrong."), "current")
    _check_password(new)
    user.password_hash = hash_password(new)
    end_sessions(user)
    record(user, "user.password", user)


def change_role(user: User, role: str, by: User | None) -> None:
    # Sessions stay: the role is read from the row on every request, so a demotion applies
    # at the user's next click; ending their sessions would add nothing.
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}", "role")
    if by is not None and by.id == user.id:
        # An admin demoting themselves could leave the site without any admin.
        raise AccountError("you cannot change your own role", "role")
    if role == user.role:
        return
    record(by, "user.role", user, {"from": user.role, "to": role})
    user.role = role


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user if the password is right, the account usable and the login not closed to
    this address (campaign.accounts.lockout); None otherwise, after counting the failure.

    The caller shows one message for every failure, and every case costs the same: one
    password hash check (against a dummy hash for an unknown email), so neither the answer
    nor its time tells whether an account exists or is locked. The hash is checked outside
    any database transaction: on SQLite a write transaction holds the one write lock."""
    now = utcnow()
    attempt = lockout.Attempt.of(email, address)
    with reads_before_writes():
        user = find_user(email)
        closed = lockout.is_closed(attempt, now)
    stored = user.password_hash if user is not None else _DUMMY_HASH.get()
    right = verify_password(stored, password)
    if closed:
        return None  # refused whatever the password; counts for nothing, so no window grows
    if not (right and user is not None and user.active):
        began = lockout.record_failure(attempt, now, lockout.Policy.from_config(current_app.config))
        if began and user is not None:
            record(None, "user.lockout", user, {"scope": began})
        return None
    lockout.forget_failures(attempt)
    user.last_login_at = now
    return user


class _DummyHash:
    """A hash made lazily with the app's hasher settings, for unknown-user checks."""

    _value: dict[bool, str] = {}

    def get(self) -> str:
        fast = bool(current_app.config.get("PASSWORD_HASH_FAST"))
        if fast not in self._value:
            self._value[fast] = hash_password("not-a-real-password")
        return self._value[fast]


_DUMMY_HASH = _DummyHash()


def issue_token(user: User) -> str:
    token = new_api_token()
    db.session.add(ApiToken(user_id=user.id, token_hash=hash_api_token(token)))
    record(user, "token.issue", user)
    return token


def token_use_due(token: ApiToken, now: dt.datetime) -> bool:
    return token.last_used_at is None or token.last_used_at <= now - TOKEN_USE_EVERY


def record_token_use(token_id: int, now: dt.datetime) -> None:
    """Note a token's use, unless one was noted within TOKEN_USE_EVERY (so two requests at
    once write it once). Never inside a request's read: see campaign.accounts.auth."""
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token_id)
        .where(
            sa.or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - TOKEN_USE_EVERY)
        )
        .values(last_used_at=now)
    )


def deactivate_user(user: User, by: User | None) -> None:
    """Ends the user's sessions and revokes every token at once."""
    if by is not None and by.id == user.id:
        raise AccountError("you cannot deactivate your own account")
    user.active = False
    end_sessions(user)
    now = utcnow()
    for token in user.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
    record(by, "user.deactivate", user)
