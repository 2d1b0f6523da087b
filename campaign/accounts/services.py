"""Campaigner accounts: creation, login with lockout, sessions, passwords, API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaign.accounts.models import ROLES, ApiToken, User
from campaign.audit.services import record
from campaign.database import utcnow
from campaign.extensions import db
from campaign.security import hash_api_token, hash_password, new_api_token, verify_password

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
#: A token's last use is written at most this often.
TOKEN_USE_EVERY = dt.timedelta(minutes=5)


class AccountError(ValueError):
    """Refused account input; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def find_user(email: str) -> User | None:
    if "\x00" in email:
        return None  # no stored address holds NUL, and PostgreSQL refuses it in a query
    return db.session.execute(
        sa.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


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


def list_users() -> list[User]:
    return list(db.session.execute(sa.select(User).order_by(User.email)).scalars())


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


def authenticate(email: str, password: str) -> User | None:
    """The user if the password is right and the account is usable; None otherwise.

    Failures count towards a lockout; the caller shows one message for every failure so the
    answer never tells which accounts exist."""
    user = find_user(email)
    now = utcnow()
    if user is None:
        # Spend the same time as a real check, so timing does not reveal unknown accounts.
        verify_password(_DUMMY_HASH.get(), password)
        return None
    if user.locked_until and user.locked_until > now:
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            record(user, "user.lockout", user)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


class _DummyHash:
    """A hash made lazily with the app's hasher settings, for unknown-user checks."""

    _value: dict[bool, str] = {}

    def get(self) -> str:
        from flask import current_app

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
