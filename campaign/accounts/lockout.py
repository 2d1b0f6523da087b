"""Failed logins slow guessing down without letting anyone lock a campaigner out.

Failures are counted for the email typed, whether or not an account has it (so a lockout
neither needs nor reveals an account), twice:

- from one client address: LOGIN_LOCKOUT_FAILURES failures close that email to that address
  for LOGIN_LOCKOUT_SECONDS. Other addresses, the owner's among them, are not affected.
- from all addresses: past LOGIN_BACKOFF_AFTER failures, each further failure closes the email
  to everyone for a window that doubles (2 s, 4 s, 8 s...) up to LOGIN_BACKOFF_MAX_SECONDS. An
  attempt inside a window is refused unchecked and counts for nothing, so the window does not
  grow while it is closed, and the owner gets in once it has passed.

A count starts over after a quiet spell: LOGIN_LOCKOUT_SECONDS without failures from that
address, ACCOUNT_MEMORY without failures from anywhere. The counts live in the database, so
every web worker sees the same ones; emails and addresses are stored only as keyed hashes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from campaign.accounts.models import ALL_ADDRESSES, LoginThrottle
from campaign.core.database import dialect_insert
from campaign.core.extensions import db
from campaign.core.security import keyed_hash

#: How long the count across all addresses lasts without a new failure.
ACCOUNT_MEMORY = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Policy:
    failures: int
    lockout: dt.timedelta
    backoff_after: int
    backoff_max: dt.timedelta

    @classmethod
    def from_config(cls, config) -> Policy:
        return cls(
            failures=int(config["LOGIN_LOCKOUT_FAILURES"]),
            lockout=dt.timedelta(seconds=int(config["LOGIN_LOCKOUT_SECONDS"])),
            backoff_after=int(config["LOGIN_BACKOFF_AFTER"]),
            backoff_max=dt.timedelta(seconds=int(config["LOGIN_BACKOFF_MAX_SECONDS"])),
        )

    def backoff(self, failures: int) -> dt.timedelta | None:
        """How long the failure numbered `failures` (across addresses) closes the email."""
        over = failures - self.backoff_after
        if over <= 0:
            return None
        return min(dt.timedelta(seconds=2 ** min(over, 32)), self.backoff_max)


@dataclass(frozen=True)
class Attempt:
    """Whose login is tried from where, as the keys the counts are stored under."""

    account_key: str
    address_key: str

    @classmethod
    def of(cls, email: str, address: str) -> Attempt:
        return cls(
            keyed_hash(email.strip().lower(), "login-account"),
            keyed_hash(address, "login-address"),
        )


def is_closed(attempt: Attempt, now: dt.datetime) -> bool:
    """Whether this address is locked out of this email, or the email is in a backoff."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginThrottle)
            .where(LoginThrottle.account_key == attempt.account_key)
            .where(LoginThrottle.address_key.in_((attempt.address_key, ALL_ADDRESSES)))
            .where(LoginThrottle.closed_until > now)
        )
        > 0
    )


def record_failure(attempt: Attempt, now: dt.datetime, policy: Policy) -> str | None:
    """Count a failed login; answers "address" when it locked this address out, "account"
    when it started the email's backoff, else None (to audit the moment, once)."""
    row_id, failures = _count(attempt.account_key, attempt.address_key, now, policy.lockout)
    all_id, all_failures = _count(attempt.account_key, ALL_ADDRESSES, now, ACCOUNT_MEMORY)
    began = None
    if failures >= policy.failures:
        _close(row_id, now + policy.lockout)
        began = "address" if failures == policy.failures else None
    backoff = policy.backoff(all_failures)
    if backoff is not None:
        _close(all_id, now + backoff)
        began = began or ("account" if all_failures == policy.backoff_after + 1 else None)
    _forget_stale(now - max(policy.lockout, ACCOUNT_MEMORY, policy.backoff_max))
    return began


def forget_failures(attempt: Attempt) -> None:
    """A right password from this address: its mistakes are forgiven. The count across
    addresses stays, so a login amid an attack does not reopen the door to the attackers."""
    db.session.execute(
        sa.delete(LoginThrottle)
        .where(LoginThrottle.account_key == attempt.account_key)
        .where(LoginThrottle.address_key == attempt.address_key)
    )


def _count(account_key: str, address_key: str, now: dt.datetime, memory: dt.timedelta):
    """Add one failure to a row, atomically (concurrent failures on PostgreSQL each count),
    starting over when the last one is older than `memory`. Answers (row id, failures)."""
    table = LoginThrottle.__table__
    insert = dialect_insert(db.session.get_bind().dialect.name)
    statement = (
        insert(table)
        .values(account_key=account_key, address_key=address_key, failures=1, last_failure_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.account_key, table.c.address_key],
            set_={
                "failures": sa.case(
                    (table.c.last_failure_at <= now - memory, 1), else_=table.c.failures + 1
                ),
                "last_failure_at": now,
            },
        )
        .returning(table.c.id, table.c.failures)
    )
    return tuple(db.session.execute(statement).one())


def _close(row_id: int, until: dt.datetime) -> None:
    db.session.execute(
        sa.update(LoginThrottle).where(LoginThrottle.id == row_id).values(closed_until=until)
    )


def _forget_stale(before: dt.datetime) -> None:
    """Rows nobody failed on for longer than any window: they no longer count for anything,
    and an attacker typing random emails must not grow the table for ever."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.last_failure_at < before))
