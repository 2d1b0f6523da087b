"""Login failures all look alike. Five from one address lock that address out of that email
for a while, and nobody else; many from many addresses slow the email down for everyone, in
short windows that the owner waits out."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading

import pytest
import sqlalchemy as sa
import time_machine

from campaign.accounts.lockout import ACCOUNT_MEMORY
from campaign.accounts.models import ALL_ADDRESSES, LoginThrottle
from campaign.audit.models import AuditEntry
from tests.conftest import PASSWORD

MESSAGE = "Wrong email or password, or the account is locked."
FAILURES = 5  # LOGIN_LOCKOUT_FAILURES
LOCKOUT = dt.timedelta(minutes=15)  # LOGIN_LOCKOUT_SECONDS
BACKOFF_AFTER = 10  # LOGIN_BACKOFF_AFTER
BACKOFF_MAX = dt.timedelta(seconds=60)  # LOGIN_BACKOFF_MAX_SECONDS
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def _attempt(app, email, password, address=HOME):
    with app.app_context():  # its own g, as in production
        return app.test_client().post(
            "/admin/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )


def _status(app, email, password, address=HOME) -> int:
    return _attempt(app, email, password, address).status_code


def _answer(response, email):
    """What the visitor learns: status and page, with the email they typed and the (random)
    CSRF token taken out."""
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]*"', "CSRF", page)


def _lock(app, email, address=HOME):
    for _ in range(FAILURES):
        assert _status(app, email, "wrong password!", address) == 400


def _email(db, make_user) -> str:
    email = make_user("editor").email
    db.session.rollback()  # end the test's read, so requests can write (SQLite)
    return email


def _rows(db) -> list[tuple]:
    rows = db.session.execute(sa.select(LoginThrottle)).scalars().all()
    values = [(r.account_key, r.address_key, r.failures, r.closed_until) for r in rows]
    db.session.rollback()
    return values


def test_the_settings_are_the_documented_defaults(app):
    assert (
        app.config["LOGIN_LOCKOUT_FAILURES"],
        app.config["LOGIN_LOCKOUT_SECONDS"],
        app.config["LOGIN_BACKOFF_AFTER"],
        app.config["LOGIN_BACKOFF_MAX_SECONDS"],
    ) == (FAILURES, LOCKOUT.total_seconds(), BACKOFF_AFTER, BACKOFF_MAX.total_seconds())


def test_unknown_wrong_locked_and_inactive_look_the_same(app, db, make_user):
    locked = make_user("editor")
    wrong = make_user("editor")
    inactive = make_user("editor")
    inactive.active = False
    emails = {"locked": locked.email, "wrong": wrong.email, "inactive": inactive.email}
    db.session.commit()
    db.session.rollback()
    _lock(app, emails["locked"])

    answers = {
        "unknown": _answer(_attempt(app, "nobody@example.org", PASSWORD), "nobody@example.org"),
        "wrong": _answer(_attempt(app, emails["wrong"], "not the password"), emails["wrong"]),
        "locked": _answer(_attempt(app, emails["locked"], PASSWORD), emails["locked"]),
        "inactive": _answer(_attempt(app, emails["inactive"], PASSWORD), emails["inactive"]),
    }
    status, page = answers["unknown"]
    assert status == 400
    assert MESSAGE in page
    for kind, answer in answers.items():
        assert answer == answers["unknown"], kind


def test_five_failures_lock_out_that_address_only(app, db, make_user):
    email = _email(db, make_user)
    for _ in range(FAILURES - 1):
        assert _status(app, email, "wrong password!") == 400
    assert _status(app, email, PASSWORD) == 302  # four failures: not locked, and forgiven

    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        _lock(app, email)
        assert _status(app, email, PASSWORD) == 400  # even the right password, from there
        # Whoever knows the campaigner's address cannot keep them out: from anywhere else
        # the right password works at once.
        assert _status(app, email, PASSWORD, ELSEWHERE) == 302
    with time_machine.travel(start + LOCKOUT - dt.timedelta(seconds=5), tick=False):
        assert _status(app, email, PASSWORD) == 400  # the lockout lasts its full time
    with time_machine.travel(start + LOCKOUT + dt.timedelta(seconds=1), tick=False):
        assert _status(app, email, PASSWORD) == 302


def test_the_lockout_is_audited_and_stores_no_address_or_email(app, db, make_user):
    user = make_user("editor")
    email, subject = user.email, f"user:{user.id}"
    db.session.rollback()
    _lock(app, email, "203.0.113.9")
    actions = db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.action == "user.lockout")
        .where(AuditEntry.subject == subject)
    ).all()  # fmt: skip
    assert actions == ['{"scope": "address"}']
    stored = repr(_rows(db))
    assert "203.0.113" not in stored and email not in stored and "example.org" not in stored


def test_attempts_during_the_lockout_neither_count_nor_extend_it(app, db, make_user):
    email = _email(db, make_user)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        _lock(app, email)
    for minutes in (1, 5, 14):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert _status(app, email, "still guessing") == 400
    with time_machine.travel(start + LOCKOUT + dt.timedelta(seconds=1), tick=False):
        # The count started over: four more failures do not lock the address again.
        for _ in range(FAILURES - 1):
            assert _status(app, email, "wrong password!") == 400
        assert _status(app, email, PASSWORD) == 302


def test_an_unknown_email_is_counted_and_locked_like_a_real_one(app, db, make_user):
    """So a lockout, or its absence, says nothing about whether the account exists."""
    known = _email(db, make_user)
    _lock(app, known)
    _lock(app, "nobody@example.org")
    rows = _rows(db)
    assert len(rows) == 4  # per address and across addresses, for each email
    assert sorted((failures, closed is not None) for _, _, failures, closed in rows) == [
        (FAILURES, False),
        (FAILURES, False),
        (FAILURES, True),
        (FAILURES, True),
    ]


def _fail_from_fresh_addresses(app, email, count, first=1):
    for n in range(first, first + count):
        assert _status(app, email, "wrong password!", f"10.1.{n // 250}.{n % 250 + 1}") == 400


def test_failures_from_many_addresses_slow_the_email_down_then_the_owner_gets_in(
    app, db, make_user
):
    email = _email(db, make_user)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        _fail_from_fresh_addresses(app, email, BACKOFF_AFTER)
        assert _status(app, email, PASSWORD, ELSEWHERE) == 302  # not yet
    with time_machine.travel(start + dt.timedelta(seconds=1), tick=False):
        _fail_from_fresh_addresses(app, email, 1, first=100)  # one more: 2 s closed
        assert _status(app, email, PASSWORD, "10.2.0.1") == 400  # a fresh address waits too
    with time_machine.travel(start + dt.timedelta(seconds=3, milliseconds=1), tick=False):
        assert _status(app, email, PASSWORD, "10.2.0.1") == 302


def test_the_backoff_doubles_up_to_its_cap_and_refused_attempts_do_not_grow_it(app, db, make_user):
    email = _email(db, make_user)
    now = dt.datetime.now(dt.UTC)
    with time_machine.travel(now, tick=False):
        _fail_from_fresh_addresses(app, email, BACKOFF_AFTER)
    address = 100
    for window in (2, 4, 8, 16, 32, 60, 60):
        with time_machine.travel(now, tick=False):
            _fail_from_fresh_addresses(app, email, 1, first=address)
        # Attackers hammering inside the window change nothing; the owner is refused too.
        for seconds in (0.5, window / 2, window - 0.5):
            with time_machine.travel(now + dt.timedelta(seconds=seconds), tick=False):
                _fail_from_fresh_addresses(app, email, 1, first=address + 1)
                assert _status(app, email, PASSWORD, ELSEWHERE) == 400
        now += dt.timedelta(seconds=window)
        address += 2
    with time_machine.travel(now, tick=False):
        assert _status(app, email, PASSWORD, ELSEWHERE) == 302


def test_old_failures_are_forgotten_and_their_rows_deleted(app, db, make_user):
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for n in range(3):
            assert _status(app, f"random{n}@example.org", "guess", f"10.3.0.{n + 1}") == 400
    assert len(_rows(db)) == 6
    later = start + max(ACCOUNT_MEMORY, LOCKOUT) + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert _status(app, "someone@example.org", "guess") == 400
    assert [failures for _, _, failures, _ in _rows(db)] == [1, 1]


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) for real concurrency; SQLite serializes",
)
def test_failures_at_the_same_moment_from_many_workers_all_count(app, db, make_user):
    email = _email(db, make_user)
    count = BACKOFF_AFTER - 2
    barrier = threading.Barrier(count)
    statuses: list = [None] * count

    def attempt(n):
        try:
            barrier.wait(timeout=30)
            statuses[n] = _status(app, email, "wrong password!", f"10.4.0.{n + 1}")
        except BaseException as exc:  # reported below, in the test's thread
            statuses[n] = exc
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [400] * count
    overall = [failures for _, address, failures, _ in _rows(db) if address == ALL_ADDRESSES]
    assert overall == [count]
